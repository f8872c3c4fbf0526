// The programs' own start-up refusals run on the documents the constructs render, blamed on the props that produced each key.
import { ssoSecretVolumes } from './homeserver-features';
import type { HomeserverResolved } from './homeserver-settings';
import { SECRET_FILE_MODE } from './security-context';
import { StartupProblem, liveKitStartupProblems, lkJwtStartupProblems, tuwunelStartupProblems, EnvValue } from './startup-checks';
import { TUWUNEL_PATHS } from './tuwunel-config';
import { Problems } from './validation';

/**
 * Adds the refusals a prop check has not already reported at the same path: the prop checks
 * explain a mistake in the user's terms first, this second line catches what they do not model
 * (and what an escape hatch puts into the documents).
 */
export function reportStartupProblems(problems: Problems, found: StartupProblem[]): void {
  for (const p of found) {
    if (p.path !== REPORTED_ELSEWHERE && !problems.hasPath(p.path)) problems.add(p.path, p.problem, p.consequence, p.fix);
  }
}

/** Blame for a key whose prop another construct validates (the parent, or the TURNS relay): it reports it, once. */
const REPORTED_ELSEWHERE = '';

/** The longest key prefix in the table names the prop; otherwise the key itself under the component's prefix. */
function blameBy(table: ReadonlyArray<readonly [string, string]>, fallback: (key: string) => string): (key: string) => string {
  return (key) => {
    const hit = table.filter(([k]) => key === k || key.startsWith(`${k}.`)).sort((a, b) => b[0].length - a[0].length)[0];
    return hit ? hit[1] : fallback(key);
  };
}

/** Tuwunel's refusals of the `[global]` table the homeserver renders. */
export function tuwunelStartupCheck(problems: Problems, s: HomeserverResolved, global: Record<string, unknown>): void {
  const p = s.scope.prefix;
  const parent = s.scope.parentValidated;
  const publicHost = parent ? REPORTED_ELSEWHERE : 'publicHost';
  const blame = blameBy([
    ['global.server_name', parent ? REPORTED_ELSEWHERE : 'serverName'],
    ['global.port', `${p}clientPort`],
    ['global.max_request_size', `${p}maxRequestSize`],
    ['global.allow_registration', `${p}allowRegistration`],
    ['global.registration_token', `${p}allowRegistration`],
    ['global.registration_token_file', `${p}registrationTokenExistingSecret`],
    ['global.registration_shared_secret_file', `${p}registrationSharedSecretExistingSecret`],
    ['global.admin_execute', `${p}admins`],
    ['global.grant_admin_to_first_user', `${p}grantAdminToFirstUser`],
    ['global.allow_federation', `${p}allowFederation`],
    ['global.well_known.client', publicHost],
    ['global.well_known.server', publicHost],
    ['global.well_known.livekit_url', parent ? REPORTED_ELSEWHERE : `${p}livekitServiceUrl`],
    ['global.appservice', `${p}appservices`],
    ['global.identity_provider', `${p}sso.identityProviders`],
  ], (key) => `${p}${key.replace(/^global\./, '')}`);
  const mountedFiles = new Map<string, { mode?: number }>();
  if (s.tokenSource) mountedFiles.set(`${TUWUNEL_PATHS.tokenDir}/${TUWUNEL_PATHS.tokenFile}`, { mode: SECRET_FILE_MODE });
  if (s.sharedSecretSource) mountedFiles.set(`${TUWUNEL_PATHS.sharedSecretDir}/${TUWUNEL_PATHS.sharedSecretFile}`, { mode: SECRET_FILE_MODE });
  for (const [path, file] of ssoSecretVolumes(s.features).files) mountedFiles.set(path, file);
  // Appservice tokens arrive as TUWUNEL_APPSERVICE__<ID>__AS_TOKEN / HS_TOKEN overrides.
  const fromEnvironment = new Set(s.appservices.flatMap((a) => [`global.appservice.${a.id}.as_token`, `global.appservice.${a.id}.hs_token`]));
  reportStartupProblems(problems, tuwunelStartupProblems(global, blame, { mountedFiles, fromEnvironment }));
}

/** LiveKit's refusals of the config.yaml the SFU renders. */
export function liveKitStartupCheck(problems: Problems, p: string, config: Record<string, unknown>, context: {
  readonly webhooks: boolean;
  readonly mountedFiles: ReadonlyMap<string, { mode?: number }>;
  readonly inlineApiKey?: string;
}): void {
  const blame = blameBy([
    ['port', `${p}rtc.signalingPort`],
    ['rtc.tcp_port', `${p}rtc.tcpPort`],
    ['rtc.udp_port', `${p}rtc.udpPort`],
    ['rtc.node_ip', `${p}rtc.nodeIp`],
    ['rtc.use_external_ip', `${p}rtc.nodeAddress`],
    // The TURNS relay validates its own props and renders this section.
    ['turn', REPORTED_ELSEWHERE],
    ['redis', `${p}scaleOut.redis`],
    ['webhook', `${p}webhooks`],
    ['prometheus', `${p}metrics`],
    ['keys', `${p}keys`],
  ], (key) => `${p}${key}`);
  reportStartupProblems(problems, liveKitStartupProblems(config, blame, {
    // LIVEKIT_KEYS (and the webhook key, LIVEKIT_WEBHOOK_API_KEY) come from the credentials Secret.
    fromEnvironment: new Set(['keys', ...(context.webhooks ? ['webhook.api_key'] : [])]),
    mountedFiles: context.mountedFiles,
    liveKitApiKeys: context.inlineApiKey !== undefined ? [context.inlineApiKey] : undefined,
  }));
}

/** lk-jwt-service's refusals of its environment. */
export function lkJwtStartupCheck(problems: Problems, envVars: ReadonlyArray<{ name: string; value?: string }>, parentValidated: boolean): void {
  const env: Record<string, EnvValue> = {};
  for (const e of envVars) env[e.name] = e.value ?? { fromSecret: true };
  const table: Record<string, string> = {
    LIVEKIT_URL: parentValidated ? REPORTED_ELSEWHERE : 'livekitUrl',
    LIVEKIT_FULL_ACCESS_HOMESERVERS: parentValidated ? REPORTED_ELSEWHERE : 'serverName',
    LIVEKIT_KEY: 'credentials',
    LIVEKIT_SECRET: 'credentials',
  };
  reportStartupProblems(problems, lkJwtStartupProblems(env, (key) => {
    const name = key.replace(/^env\./, '');
    return table[name] ?? name;
  }));
}
