/**
 * Configuration keys and environment variables each program really reads, from its source at
 * the versions we deploy (REFERENCE.md; the research notes cite files and commits). A key path
 * is dotted; `*` matches one segment of any name (map keys, appservice ids); `[]` marks an array
 * of tables whose entries are checked against the keys that follow.
 */

/** Tuwunel: keys under `[global]` (src/core/config/mod.rs). */
export const TUWUNEL_GLOBAL_KEYS: readonly string[] = [
  'server_name',
  'database_path',
  'address',
  'port',
  'unix_socket_path',
  'allow_registration',
  'registration_token',
  'registration_token_file',
  // tuwunel v1.9.0 src/core/config/mod.rs:999-1021, 3154-3218
  'registration_shared_secret_file',
  'grant_admin_to_first_user',
  'admin_execute',
  'admin_execute_errors_ignore',
  // tuwunel v1.9.0 src/core/config/mod.rs:197-215 (backup path, backups to keep), 3168-3176 (run on SIGUSR2)
  'database_backup_path',
  'database_backups_to_keep',
  'admin_signal_execute',
  'max_request_size',
  'allow_federation',
  'trusted_servers',
  'log',
  'error_on_unknown_config_opts',
  'appservice_dir',
  'well_known.client',
  'well_known.server',
  'well_known.livekit_url',
  'well_known.support_page',
  'well_known.support_role',
  'well_known.support_email',
  'well_known.support_mxid',
  'well_known.rtc_transports[].type',
  'well_known.rtc_transports[].livekit_service_url',
  'appservice.*.id',
  'appservice.*.url',
  'appservice.*.as_token',
  'appservice.*.hs_token',
  'appservice.*.sender_localpart',
  'appservice.*.rate_limited',
  'appservice.*.protocols',
  'appservice.*.receive_ephemeral',
  'appservice.*.device_management',
  // Namespaces are arrays of tables (`[[global.appservice.<id>.users]]`); an empty list is a bare array.
  'appservice.*.users',
  'appservice.*.aliases',
  'appservice.*.rooms',
  'appservice.*.users[].exclusive',
  'appservice.*.users[].regex',
  'appservice.*.aliases[].exclusive',
  'appservice.*.aliases[].regex',
  'appservice.*.rooms[].exclusive',
  'appservice.*.rooms[].regex',
  // Homeserver feature props (src/homeserver-features.ts); tuwunel v1.9.0 src/core/config/mod.rs
  // ip_source 911, ip_source_trusted_subnets 947, login_with_password 1675, access_token_ttl 1697,
  // refresh_token_ttl 1710, url_preview_domain_explicit_allowlist 2919 / _denylist 2932,
  // allow_local/incoming/outgoing_presence 2432/2441/2451 (trusted_servers, log: above).
  'ip_source',
  'ip_source_trusted_subnets',
  'login_with_password',
  'access_token_ttl',
  'refresh_token_ttl',
  'url_preview_domain_explicit_allowlist',
  'url_preview_domain_explicit_denylist',
  'allow_local_presence',
  'allow_incoming_presence',
  'allow_outgoing_presence',
  // [global.well_known.support_contact.<id>] (struct SupportContact, mod.rs:4049-4077; map 3835).
  'well_known.support_contact.*.role',
  'well_known.support_contact.*.email_address',
  'well_known.support_contact.*.matrix_id',
  'well_known.support_contact.*.pgp_key',
  // [[global.identity_provider]] (mod.rs:3763; struct IdentityProvider 4362-4640).
  'identity_provider[].brand',
  'identity_provider[].client_id',
  'identity_provider[].client_secret_file',
  'identity_provider[].issuer_url',
  'identity_provider[].name',
  'identity_provider[].icon',
  'identity_provider[].default',
  'identity_provider[].scope',
  'identity_provider[].trusted',
  'identity_provider[].registration',
];

/**
 * Keys Tuwunel reads but the construct must never write into a ConfigMap (secrets belong in
 * Secrets; the open-registration override defeats the token rule).
 */
export const TUWUNEL_FORBIDDEN_IN_CONFIGMAP: readonly string[] = [
  'registration_token',
  'appservice.*.as_token',
  'appservice.*.hs_token',
  'identity_provider[].client_secret',
  'yes_i_am_very_very_sure_i_want_an_open_registration_server_prone_to_abuse',
];

/**
 * LiveKit server: config.yaml keys (pkg/config/config.go, mediatransportutil rtcconfig,
 * protocol redis/logger). `scalar: false` marks slices/maps/structs, which get no generated env var.
 */
export const LIVEKIT_KEYS: ReadonlyArray<{ path: string; scalar: boolean }> = [
  ...[
    'port', 'prometheus_port', 'prometheus.port', 'prometheus.username', 'prometheus.password',
    'key_file', 'region', 'development', 'log_level',
    'rtc.tcp_port', 'rtc.port_range_start', 'rtc.port_range_end', 'rtc.node_ip', 'rtc.use_external_ip',
    'rtc.use_ice_lite', 'rtc.enable_loopback_candidate', 'rtc.use_mdns', 'rtc.external_ip_only', 'rtc.force_tcp',
    'rtc.strict_acks', 'rtc.allow_tcp_fallback', 'rtc.packet_buffer_size', 'rtc.pli_throttle.low_quality',
    'redis.address', 'redis.username', 'redis.password', 'redis.db', 'redis.use_tls', 'redis.sentinel_master_name',
    'redis.sentinel_username', 'redis.sentinel_password', 'redis.dial_timeout', 'redis.read_timeout',
    'redis.write_timeout', 'redis.pool_timeout', 'redis.pool_size',
    'redis.tls.enabled', 'redis.tls.insecure', 'redis.tls.serverName', 'redis.tls.caCertFile',
    'redis.tls.clientCertFile', 'redis.tls.clientKeyFile',
    'room.auto_create', 'room.max_participants', 'room.empty_timeout', 'room.departure_timeout',
    'room.enable_remote_unmute',
    'turn.enabled', 'turn.domain', 'turn.cert_file', 'turn.key_file', 'turn.tls_port', 'turn.udp_port',
    'turn.relay_range_start', 'turn.relay_range_end', 'turn.external_tls',
    'logging.json', 'logging.level', 'logging.pion_level', 'logging.sample',
    'webhook.api_key',
  ].map((path) => ({ path, scalar: true })),
  // rtc.udp_port is a PortRange struct (a number or "start-end" in YAML): env is UDP_PORT, not LIVEKIT_RTC_UDP_PORT.
  ...[
    'rtc.udp_port', 'rtc.stun_servers', 'rtc.interfaces.includes', 'rtc.interfaces.excludes',
    'rtc.ips.includes', 'rtc.ips.excludes', 'rtc.turn_servers', 'bind_addresses', 'webhook.urls',
    'redis.sentinel_addresses', 'redis.cluster_addresses', 'room.enabled_codecs', 'logging.component_levels.*',
  ].map((path) => ({ path, scalar: false })),
];

/**
 * LiveKit reads `keys` too, but the construct must never write keys into a ConfigMap
 * (DESIGN.md: credentials only from a Secret).
 */
export const LIVEKIT_FORBIDDEN_IN_CONFIGMAP: readonly string[] = ['keys', 'keys.*', 'prometheus.password', 'redis.password', 'redis.sentinel_password', 'webhook.api_key'];

/** LiveKit env: hand-written flags of cmd/server/main.go plus `LIVEKIT_<PATH>` for every scalar key. */
export const LIVEKIT_ENV: ReadonlySet<string> = new Set([
  'LIVEKIT_CONFIG', 'LIVEKIT_KEYS', 'LIVEKIT_REGION', 'NODE_IP', 'UDP_PORT', 'REDIS_HOST', 'REDIS_PASSWORD',
  'LIVEKIT_TURN_CERT', 'LIVEKIT_TURN_KEY', 'LIVEKIT_RTC_UDP_PORT_START', 'LIVEKIT_RTC_UDP_PORT_END',
  ...LIVEKIT_KEYS.filter((k) => k.scalar && !k.path.includes('*')).map((k) => `LIVEKIT_${k.path.replace(/\./g, '_').toUpperCase()}`),
]);

/** lk-jwt-service env (Go config.go/main.go and the Rust rewrite's src/config.rs). */
export const LK_JWT_ENV: ReadonlySet<string> = new Set([
  'LIVEKIT_URL', 'LIVEKIT_KEY', 'LIVEKIT_SECRET', 'LIVEKIT_KEY_FROM_FILE', 'LIVEKIT_SECRET_FROM_FILE', 'LIVEKIT_KEY_FILE',
  'LIVEKIT_FULL_ACCESS_HOMESERVERS', 'LIVEKIT_JWT_BIND', 'LIVEKIT_INSECURE_SKIP_VERIFY_TLS', 'LIVEKIT_LOG_LEVEL',
  'LIVEKIT_REDIS_URL', 'LIVEKIT_REDIS_PASSWORD', 'LIVEKIT_SANITY_CHECK_INTERVAL_SECONDS', 'LIVEKIT_CS_API_URL_OVERRIDES',
]);

/** Tuwunel env besides `TUWUNEL_<KEY>` overrides: the config path. */
export const TUWUNEL_ENV_EXTRA: ReadonlySet<string> = new Set(['TUWUNEL_CONFIG']);

/**
 * Tuwunel env the construct may set under `TUWUNEL_APPSERVICE__`: only the two tokens of a
 * declared appservice (`<ID>` upper-cased; Figment lowercases it back and splits on `__`, so the
 * ID itself holds no `__` and no empty segment).
 */
export const TUWUNEL_APPSERVICE_ENV = /^TUWUNEL_APPSERVICE__([A-Z0-9-]+(?:_[A-Z0-9-]+)*)__(AS|HS)_TOKEN$/;

/**
 * The config key a `TUWUNEL_*` env var sets, exactly as Tuwunel's Figment env provider maps it
 * (research notes §1a): prefix matched case-insensitively and stripped, the rest trimmed and
 * lowercased, `__` replaced by `.` (left to right, non-overlapping), and the variable dropped
 * (undefined) when a segment is empty. Env keys land under `[global]`.
 */
export function tuwunelEnvKey(name: string): string | undefined {
  if (name.slice(0, 'TUWUNEL_'.length).toUpperCase() !== 'TUWUNEL_') return undefined;
  const key = name.slice('TUWUNEL_'.length).trim().toLowerCase().split('__').join('.');
  return key.split('.').some((segment) => segment === '') ? undefined : key;
}

/** Converts a key path with `*` and `[]` markers into a matcher over concrete paths. */
export function keyPattern(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\*/g, '[^.]+')}$`);
}

/** Whether a concrete key path is allowed by one of the patterns. */
export function matchesAny(path: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => keyPattern(p).test(path));
}

/** Every leaf key path of parsed config data; arrays of tables become `name[]`, other arrays are leaves. */
export function keyPaths(data: unknown, prefix = ''): string[] {
  if (data === null || typeof data !== 'object' || data instanceof Date) return prefix ? [prefix] : [];
  if (Array.isArray(data)) {
    if (data.length > 0 && data.every((e) => e !== null && typeof e === 'object' && !Array.isArray(e) && !(e instanceof Date))) {
      return data.flatMap((e) => keyPaths(e, `${prefix}[]`));
    }
    return prefix ? [prefix] : [];
  }
  const entries = Object.entries(data as Record<string, unknown>);
  if (entries.length === 0) return prefix ? [prefix] : [];
  return entries.flatMap(([key, value]) => keyPaths(value, prefix ? `${prefix}.${key}` : key));
}
