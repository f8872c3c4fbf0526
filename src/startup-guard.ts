// The programs' own start-up refusals run on the documents the constructs render, blamed on the props that produced each key.
import { LIVEKIT_KEYS } from './config-keys/livekit-keys';
import { TUWUNEL_KEYS } from './config-keys/tuwunel-keys';
import { managedKeys, mergeExtraConfig } from './extra-config';
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
    if (p.path !== REPORTED_ELSEWHERE && !problems.hasPathUnder(p.path)) problems.add(p.path, p.problem, p.consequence, p.fix);
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

/** The prop behind each `global.<key>` of tuwunel.toml (REPORTED_ELSEWHERE for props the parent validates). */
function tuwunelBlame(s: HomeserverResolved, blameExtra = true): (key: string) => string {
  const p = s.scope.prefix;
  const parent = s.scope.parentValidated;
  // The well-known URLs are built from publicHost, which defaults to serverName.
  const publicHost = parent ? REPORTED_ELSEWHERE : s.props.publicHost !== undefined ? 'publicHost' : 'serverName';
  const table = blameBy([
    ['global.server_name', parent ? REPORTED_ELSEWHERE : 'serverName'],
    ['global.port', `${p}clientPort`],
    ['global.address', `${p}listenAddresses`],
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
    ['global.ip_source', `${p}clientIpSource`],
    ['global.ip_source_trusted_subnets', `${p}clientIpTrustedSubnets`],
    ['global.login_with_password', `${p}loginWithPassword`],
    ['global.access_token_ttl', `${p}accessTokenTtl`],
    ['global.refresh_token_ttl', `${p}refreshTokenTtl`],
    ['global.trusted_servers', `${p}trustedServers`],
    ['global.log', `${p}logLevel`],
    ['global.well_known.support_page', `${p}supportPage`],
    ['global.well_known.support_contact', `${p}supportContacts`],
    ['global.well_known.support_role', `${p}supportContacts`],
    ['global.well_known.support_email', `${p}supportContacts`],
    ['global.well_known.support_mxid', `${p}supportContacts`],
    ['global.allow_local_presence', `${p}presence`],
    ['global.allow_incoming_presence', `${p}presence`],
    ['global.allow_outgoing_presence', `${p}presence`],
    ['global.database_path', `${p}persistence`],
    ['global.database_backup_path', `${p}backup`],
    ['global.database_backups_to_keep', `${p}backup.keep`],
    ['global.admin_signal_execute', `${p}backup`],
    ['global.admin_execute_errors_ignore', `${p}admins`],
    ['global.yes_i_am_very_very_sure_i_want_an_open_registration_server_prone_to_abuse', `${p}allowRegistration`],
  ], (key) => `${p}${key.replace(/^global\./, '')}`);
  // A key the user wrote through the escape hatch is blamed there, before any prop that also sets it.
  return (key) => {
    const bare = key.replace(/^global\./, '');
    return blameExtra && inExtra(s.props.extraConfig, bare) ? `${p}extraConfig.${bare}` : table(key);
  };
}

/** Whether the user's extraConfig holds this dotted key path (or a table above it). */
function inExtra(extra: unknown, path: string): boolean {
  let node: unknown = extra;
  for (const segment of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return node !== undefined && node !== extra;
    if (!Object.prototype.hasOwnProperty.call(node, segment)) return false;
    node = (node as Record<string, unknown>)[segment];
  }
  return true;
}

/** Keys the homeserver sets even when it leaves them out of the document (Tuwunel's default is the choice). */
const TUWUNEL_ALWAYS_MANAGED = [
  'server_name', 'address', 'port', 'database_path', 'allow_registration', 'registration_token', 'registration_token_file',
  'registration_shared_secret', 'registration_shared_secret_file', 'grant_admin_to_first_user', 'admin_execute',
  'admin_execute_errors_ignore', 'admin_signal_execute', 'database_backup_path', 'database_backups_to_keep',
  'yes_i_am_very_very_sure_i_want_an_open_registration_server_prone_to_abuse', 'ip_source', 'ip_source_trusted_subnets',
  'well_known.client', 'well_known.server', 'well_known.livekit_url', 'well_known.rtc_transports', 'appservice', 'identity_provider',
];

/** homeserver.extraConfig merged into the `[global]` table: refusals reported, accepted keys merged. */
export function mergeTuwunelExtraConfig(problems: Problems, s: HomeserverResolved, global: Record<string, unknown>): Record<string, unknown> {
  const p = s.scope.prefix;
  const blame = tuwunelBlame(s, false);
  const propOf = (key: string): string => {
    const prop = blame(`global.${key}`);
    return prop === REPORTED_ELSEWHERE ? (key === 'server_name' ? 'serverName' : 'publicHost') : prop;
  };
  const result = mergeExtraConfig(global, s.props.extraConfig, {
    program: 'tuwunel',
    pathPrefix: `${p}extraConfig`,
    managed: managedKeys(global, propOf, TUWUNEL_ALWAYS_MANAGED),
    allowList: TUWUNEL_KEYS,
  });
  for (const problem of result.problems) problems.add(problem.path, problem.problem, problem.consequence, problem.fix);
  return result.merged;
}

/** LiveKit keys the SFU sets by leaving them out or through env (keys from LIVEKIT_KEYS, the webhook key). */
const LIVEKIT_ALWAYS_MANAGED = ['port', 'rtc.tcp_port', 'rtc.udp_port', 'rtc.node_ip', 'rtc.use_external_ip', 'keys', 'key_file', 'turn', 'redis', 'webhook', 'prometheus'];

/** livekit.extraConfig merged into config.yaml. */
export function mergeLiveKitExtraConfig(problems: Problems, p: string, config: Record<string, unknown>, extra: unknown): Record<string, unknown> {
  const blame = liveKitBlame(p);
  const result = mergeExtraConfig(config, extra, {
    program: 'livekit',
    pathPrefix: `${p}extraConfig`,
    managed: managedKeys(config, (key) => {
      const prop = blame(key);
      return prop === REPORTED_ELSEWHERE ? `${p}turn` : prop;
    }, LIVEKIT_ALWAYS_MANAGED),
    allowList: LIVEKIT_KEYS,
  });
  for (const problem of result.problems) problems.add(problem.path, problem.problem, problem.consequence, problem.fix);
  return result.merged;
}

/** Tuwunel's refusals of the `[global]` table the homeserver renders. */
export function tuwunelStartupCheck(problems: Problems, s: HomeserverResolved, global: Record<string, unknown>): void {
  const blame = tuwunelBlame(s);
  const mountedFiles = new Map<string, { mode?: number }>();
  if (s.tokenSource) mountedFiles.set(`${TUWUNEL_PATHS.tokenDir}/${TUWUNEL_PATHS.tokenFile}`, { mode: SECRET_FILE_MODE });
  if (s.sharedSecretSource) mountedFiles.set(`${TUWUNEL_PATHS.sharedSecretDir}/${TUWUNEL_PATHS.sharedSecretFile}`, { mode: SECRET_FILE_MODE });
  for (const [path, file] of ssoSecretVolumes(s.features).files) mountedFiles.set(path, file);
  // Appservice tokens arrive as TUWUNEL_APPSERVICE__<ID>__AS_TOKEN / HS_TOKEN overrides.
  const fromEnvironment = new Set(s.appservices.flatMap((a) => [`global.appservice.${a.id}.as_token`, `global.appservice.${a.id}.hs_token`]));
  reportStartupProblems(problems, tuwunelStartupProblems(global, blame, { mountedFiles, fromEnvironment }));
}

/** LiveKit's refusals of the config.yaml the SFU renders. */
function liveKitBlame(p: string, extra?: unknown): (key: string) => string {
  return blameBy([
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
    ['key_file', `${p}keys`],
    ['room.max_participants', `${p}room.maxParticipants`],
    ['room.empty_timeout', `${p}room.emptyTimeout`],
    ['rtc.port_range_start', `${p}rtc.udpPortRange`],
    ['rtc.port_range_end', `${p}rtc.udpPortRange`],
    ['logging', `${p}logging`],
  ], (key) => (inExtra(extra, key) ? `${p}extraConfig.${key}` : `${p}${key}`));
}

export function liveKitStartupCheck(problems: Problems, p: string, config: Record<string, unknown>, context: {
  readonly webhooks: boolean;
  readonly mountedFiles: ReadonlyMap<string, { mode?: number }>;
  readonly inlineApiKey?: string;
  readonly extraConfig?: unknown;
}): void {
  const blame = liveKitBlame(p, context.extraConfig);
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
    // `<serverName>=<homeserverUrl>`: a comma or `=` in the server name splits the pair.
    LIVEKIT_CS_API_URL_OVERRIDES: parentValidated ? REPORTED_ELSEWHERE : /[,=]/.test(env.LIVEKIT_FULL_ACCESS_HOMESERVERS as string ?? '') ? 'serverName' : 'homeserverUrl',
  };
  reportStartupProblems(problems, lkJwtStartupProblems(env, (key) => {
    const name = key.replace(/^env\./, '');
    return table[name] ?? name;
  }));
}
