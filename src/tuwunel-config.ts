// Tuwunel's `tuwunel.toml` built as data from the homeserver settings, and the paths the pod mounts it at.
import { appserviceConfig } from './appservices';
import { backupConfig } from './homeserver-backup';
import { featureConfig, wellKnownFeatureConfig } from './homeserver-features';
import type { HomeserverResolved } from './homeserver-settings';
import { Problems } from './validation';

// smol-toml ships CommonJS beside its ES module build; its types only declare the latter.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { stringify: toToml } = require('smol-toml') as { stringify(value: Record<string, unknown>): string };

/** Where the homeserver pod keeps its config, token and database. */
export const TUWUNEL_PATHS = {
  dataPath: '/var/lib/tuwunel',
  configDir: '/etc/tuwunel',
  configFile: 'tuwunel.toml',
  tokenDir: '/etc/tuwunel/registration',
  tokenFile: 'registration_token',
  /** Key of the bundled Secret, and the default key of a user-managed one. */
  tokenKey: 'registration_token',
  sharedSecretDir: '/etc/tuwunel/registration-shared-secret',
  sharedSecretFile: 'registration_shared_secret',
} as const;

/** Tuwunel's admin command granting server admin (src/admin/user/mod.rs `MakeUserAdmin`, under `users`). */
export function makeUserAdminCommand(userId: string): string {
  return `users make-user-admin ${userId}`;
}

/** The `[global]` table of tuwunel.toml. */
export function tuwunelConfig(s: HomeserverResolved): Record<string, unknown> {
  return {
    server_name: s.serverName,
    database_path: TUWUNEL_PATHS.dataPath,
    address: s.features.listenAddresses,
    port: s.port,
    allow_registration: s.allowRegistration,
    // The token reaches Tuwunel as a file from the Secret: an env override would be parsed as
    // TOML, so an all-digit token would not arrive as a string.
    ...(s.tokenSource ? { registration_token_file: `${TUWUNEL_PATHS.tokenDir}/${TUWUNEL_PATHS.tokenFile}` } : {}),
    ...(s.sharedSecretSource ? { registration_shared_secret_file: `${TUWUNEL_PATHS.sharedSecretDir}/${TUWUNEL_PATHS.sharedSecretFile}` } : {}),
    // Tuwunel's default (true) makes whoever registers first a server admin.
    grant_admin_to_first_user: s.grantAdminToFirstUser,
    ...(s.admins.length > 0 ? {
      // A non-string entry (untyped callers) is reported by checkHomeserver and left out here.
      admin_execute: s.admins.filter((admin) => typeof admin === 'string').map(makeUserAdminCommand),
      // A failing startup command aborts startup (src/router/run.rs); an admin who has not
      // registered yet must not keep the server down: the grant is retried at the next start.
      admin_execute_errors_ignore: true,
    } : {}),
    ...backupConfig(s.backup),
    max_request_size: s.maxRequestSize,
    allow_federation: s.allowFederation,
    ...featureConfig(s.features),
    well_known: {
      client: `https://${s.publicHost}`,
      server: `${s.publicHost}:443`,
      // livekit_url alone (not rtc_transports too), or clients see the transport twice.
      ...(s.livekitServiceUrl !== undefined ? { livekit_url: s.livekitServiceUrl } : {}),
      ...wellKnownFeatureConfig(s.features),
    },
    // Tokens are not here: they arrive as environment overrides from the user's Secrets.
    ...(s.appservices.length > 0 ? { appservice: appserviceConfig(s.appservices) } : {}),
  };
}

/**
 * tuwunel.toml as text. The serializer throws on text TOML cannot hold (an unpaired surrogate);
 * that becomes a validation error, so construction never throws and every problem is reported.
 */
export function serializeTuwunelConfig(problems: Problems, global: Record<string, unknown>, p: string): string {
  try {
    return toToml({ global });
  } catch (error) {
    problems.add(p === '' ? 'props' : p.slice(0, -1), `tuwunel.toml cannot be written (${(error as Error).message})`, 'Tuwunel could not read its configuration and would not start', 'remove unpaired UTF-16 surrogates and other broken characters from the homeserver props');
    return '';
  }
}
