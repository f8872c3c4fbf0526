// The programs' own start-up refusals, checked at synth on the config documents (tuwunel.toml's [global], LiveKit's config.yaml, lk-jwt-service's env).
//
// Sources, read at these commits (file:line below refers to them):
// - Tuwunel v1.9.0 = 5b3669144219d5d4c0774743c84191b476f1b54f: src/core/config/{check.rs,mod.rs,net.rs,
//   ip_source.rs,room_version.rs,identity_provider_serde.rs}, src/main/{args.rs,logging.rs},
//   src/service/appservice/, src/service/admin/execute.rs, src/router/run.rs.
// - LiveKit v1.13.5 = 3b9f118327b257301083a7c4aa46076c8012918a: pkg/config/config.go,
//   pkg/service/{turn.go,utils.go,wire_gen.go}, cmd/server/main.go; livekit/mediatransportutil
//   pkg/rtcconfig/{config.go,webrtc_config.go} (stored copy 0548817, newer than the pinned a3417d38).
// - lk-jwt-service v0.5.0 = 199ac87dbbf704320b277aebdf10a6280b18c77d main.go (HEAD a375b13 config.go).
// Each check returns every problem (never the first only), blaming the prop the caller maps the key to.
import { isIP } from 'node:net';
import { rustRegexProblem } from './rust-regex';

/** One configuration the program would refuse (or silently mis-run) at start. */
export interface StartupProblem {
  /** The prop path to blame (from the caller's mapping of the config key path). */
  readonly path: string;
  readonly problem: string;
  readonly consequence: string;
  readonly fix: string;
}

/** Maps a config key path (`global.max_request_size`, `turn.domain`, `env.LIVEKIT_URL`) to the prop to blame. */
export type BlamePath = (configPath: string) => string;

/** Facts about the pod that the document alone does not show. */
export interface StartupContext {
  /** Config key paths whose values arrive from the environment (e.g. `global.appservice.x.as_token`, `keys`, `webhook.api_key`). */
  readonly fromEnvironment?: ReadonlySet<string>;
  /** Files the pod mounts, by absolute path, with their mode when known (e.g. a Secret's defaultMode). */
  readonly mountedFiles?: ReadonlyMap<string, { readonly mode?: number }>;
  /** LiveKit API keys known at synth (inline credentials); undefined when they come from a user's Secret. */
  readonly liveKitApiKeys?: readonly string[];
}

type Doc = Record<string, unknown>;

class Collector {
  public readonly problems: StartupProblem[] = [];
  constructor(private readonly blame: BlamePath, private readonly context: StartupContext) {}
  public add(key: string, problem: string, consequence: string, fix: string): void {
    this.problems.push({ path: this.blame(key), problem, consequence, fix });
  }
  public env(key: string): boolean {
    return this.context.fromEnvironment?.has(key) ?? false;
  }
  /** A file the program opens at start: unknown mounts are not judged, a missing one is. */
  public file(key: string, path: unknown, program: string, perms?: (mode: number) => string | undefined): void {
    const files = this.context.mountedFiles;
    if (typeof path !== 'string' || !files) return;
    const file = files.get(path);
    if (!file) {
      this.add(key, `${show(path)} is not a file the pod mounts`, `${program} cannot read it and does not start`, 'mount the Secret holding it at that path, or point the key at the mounted file');
    } else if (perms && file.mode !== undefined) {
      const bad = perms(file.mode);
      if (bad) this.add(key, bad, `${program} refuses the file and does not start`, 'mount the Secret with defaultMode 0440 (or 0400)');
    }
  }
  public get apiKeys(): readonly string[] | undefined {
    return this.context.liveKitApiKeys;
  }
}

const TUWUNEL_FAILS = 'Tuwunel refuses to start';
const LIVEKIT_FAILS = 'LiveKit refuses to start (and exits with status 0, cmd/server/main.go:190-192, so only a restart loop shows it)';
const LKJWT_FAILS = 'lk-jwt-service exits at start (log.Fatal)';

function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const entries = (v: unknown): Array<[string, unknown]> => (isObject(v) ? Object.entries(v) : []);

/** ruma ServerName: a DNS name, IPv4 or [IPv6] literal, with an optional port. */
export function isServerName(v: unknown): boolean {
  if (typeof v !== 'string' || v.length === 0 || v.length > 255) return false;
  const m = /^(\[([0-9A-Fa-f:.]+)\]|[A-Za-z0-9.-]+)(:([0-9]{1,5}))?$/.exec(v);
  if (!m) return false;
  if (m[2] !== undefined && isIP(m[2]) !== 6) return false;
  return m[4] === undefined || Number(m[4]) <= 65535;
}
/** The url crate's Url: an absolute URL with a scheme. */
function isUrl(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  try {
    return new URL(v).protocol.length > 1;
  } catch {
    return false;
  }
}
export function isUserId(v: unknown): boolean {
  if (typeof v !== 'string' || !v.startsWith('@') || v.length > 255) return false;
  const colon = v.indexOf(':');
  return colon > 1 && isServerName(v.slice(colon + 1));
}
export function isCidr(v: unknown, prefixRequired: boolean): boolean {
  if (typeof v !== 'string') return false;
  const [addr, prefix, extra] = v.split('/');
  const family = isIP(addr);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return !prefixRequired;
  return /^[0-9]{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}
function isSocketAddr(v: string): boolean {
  const m = /^(?:\[([^\]]+)\]|([0-9.]+)):([0-9]{1,5})$/.exec(v);
  return !!m && isIP(m[1] ?? m[2]) === (m[1] ? 6 : 4) && Number(m[3]) <= 65535;
}

/** tracing-subscriber 0.3.23 EnvFilter Builder::parse (filter/env/builder.rs) + Directive::parse DIRECTIVE_RE (filter/env/directive.rs). */
export function envFilterProblem(filter: unknown): string | undefined {
  if (typeof filter !== 'string') return 'is not a string';
  const level = '(?:trace|debug|info|warn|error|off|[0-5])';
  const directive = new RegExp(`^(?:${level}|(?:[\\p{L}\\p{N}_:-]+|\\[[^\\]]*\\]){1,2}(?:=${level}?)?)$`, 'iu');
  for (const part of filter.split(',').filter((p) => p !== '')) {
    if (!directive.test(part)) return `directive ${show(part)} is not "level" or "target[span{field}]=level"`;
  }
  return undefined;
}

/** bytesize 2.7 FromStr for max_request_size (deserialize_bytesize_usize, src/core/utils/bytes.rs). */
function byteSize(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*$/.exec(v);
  if (!m) return undefined;
  const units: Record<string, number> = { '': 1, 'b': 1, 'k': 1e3, 'kb': 1e3, 'ki': 1024, 'kib': 1024, 'm': 1e6, 'mb': 1e6, 'mi': 1024 ** 2, 'mib': 1024 ** 2, 'g': 1e9, 'gb': 1e9, 'gi': 1024 ** 3, 'gib': 1024 ** 3, 't': 1e12, 'tb': 1e12, 'ti': 1024 ** 4, 'tib': 1024 ** 4 };
  const unit = units[m[2].toLowerCase()];
  return unit === undefined ? undefined : Math.floor(Number(m[1]) * unit);
}

/** MSC4439 pgp_key rules (check.rs:757-779). */
export function pgpKeyProblem(v: unknown): string | undefined {
  if (typeof v !== 'string') return 'is not a string';
  if (v.includes('BEGIN PGP')) return 'holds inline key material, not a URI';
  if (!isUrl(v)) return 'is not a URI (prefix a bare fingerprint with "openpgp4fpr:")';
  if (v.startsWith('openpgp4fpr:') && !/^openpgp4fpr:(?:[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$/.test(v)) return 'openpgp4fpr: needs a 40- or 64-character hex fingerprint';
  return undefined;
}

const IP_SOURCES = ['connect_info', 'rightmost_x_forwarded_for', 'rightmost_forwarded', 'x_real_ip', 'cf_connecting_ip', 'true_client_ip', 'fly_client_ip', 'cloudfront_viewer_address'];
const REGEX_SET_KEYS = ['dns_passthru_domains', 'prevent_media_downloads_from', 'forbidden_remote_server_names', 'allowed_remote_server_names_experimental', 'forbidden_remote_room_directory_server_names', 'forbidden_alias_names', 'forbidden_usernames', 'deprioritize_joins_through_servers'];
const IDP_URL_KEYS = ['issuer_url', 'callback_url', 'discovery_url', 'authorization_url', 'token_url', 'revocation_url', 'introspection_url', 'userinfo_url'];
const STABLE_ROOM_VERSIONS = ['6', '7', '8', '9', '10', '11', '12'];
const UNSTABLE_ROOM_VERSIONS = ['3', '4', '5'];

/**
 * Every Tuwunel v1.9.0 start-up refusal reachable from `global` (the `[global]` table of tuwunel.toml):
 * deserialization (Config::new, mod.rs:5119-5121), args::update (args.rs:325-338), the log filter
 * (logging.rs:98-101), config::check (check.rs:57-89), appservice loading and admin_execute.
 */
export function tuwunelStartupProblems(global: Doc, blame: BlamePath = (p) => p, context: StartupContext = {}): StartupProblem[] {
  const c = new Collector(blame, context);
  const g = (key: string): unknown => global[key];
  const at = (key: string): string => `global.${key}`;
  const type = (key: string, problem: string, fix: string): void => c.add(at(key), problem, `${TUWUNEL_FAILS} ("There was a problem with your configuration file", mod.rs:5121)`, fix);

  // Types that fail deserialization.
  if (!isServerName(g('server_name'))) type('server_name', `${show(g('server_name'))} is not a Matrix server name`, 'use a DNS name with an optional port (ruma ServerName, mod.rs:114)');
  list(g('address')).forEach((a) => { if (typeof a !== 'string' || isIP(a) === 0) type('address', `${show(a)} is not an IP address`, 'use IP literals such as "0.0.0.0" or "::" (net.rs:20-24)'); });
  for (const key of ['address', 'port']) {
    if (Array.isArray(g(key)) && (g(key) as unknown[]).length === 0) c.add(at(key), 'is an empty list', 'Tuwunel binds no TCP listener (get_bind_addrs is the product of addresses and ports, net.rs:36-52) and serves nothing', 'list at least one value');
  }
  list(g('port')).forEach((p) => { if (!isInt(p, 0, 65535)) type('port', `${show(p)} is not a port number`, 'use an integer from 1 to 65535 (u16, net.rs:13-17)'); });
  if (g('ip_source') !== undefined && !IP_SOURCES.includes(g('ip_source') as string)) type('ip_source', `${show(g('ip_source'))} is not a client IP source`, `use one of ${IP_SOURCES.join(', ')} (ip_source.rs:11-38)`);
  list(g('ip_source_trusted_subnets')).forEach((s) => { if (!isCidr(s, true)) type('ip_source_trusted_subnets', `${show(s)} is not a CIDR such as "10.0.0.0/8"`, 'write each subnet as address/prefix (IpNet, mod.rs:947)'); });
  list(g('trusted_servers')).forEach((s) => { if (!isServerName(s)) type('trusted_servers', `${show(s)} is not a server name`, 'list Matrix server names (mod.rs:1490)'); });
  list(g('auto_join_rooms')).forEach((r) => { if (typeof r !== 'string' || !/^[!#]./.test(r)) type('auto_join_rooms', `${show(r)} is not a room ID or alias`, 'use "!id" or "#alias:server" (mod.rs:2049)'); });
  if (g('sentry_endpoint') !== undefined && !isUrl(g('sentry_endpoint'))) type('sentry_endpoint', `${show(g('sentry_endpoint'))} is not a URL`, 'use an absolute URL (mod.rs:3246)');
  for (const key of REGEX_SET_KEYS) {
    list(g(key)).forEach((r) => {
      const why = typeof r === 'string' ? rustRegexProblem(r) : 'is not a string';
      if (why) type(key, `${show(r)} is not a Rust regular expression: ${why}`, 'rewrite it in Rust regex syntax: no look-around or back-references (serde_regex, mod.rs:583-3063)');
    });
  }
  const wk = isObject(g('well_known')) ? g('well_known') as Doc : {};
  for (const key of ['client', 'support_page']) if (wk[key] !== undefined && !isUrl(wk[key])) type(`well_known.${key}`, `${show(wk[key])} is not a URL`, 'use an absolute https:// URL (mod.rs:3819, 3849)');
  if (wk.server !== undefined && !isServerName(wk.server)) type('well_known.server', `${show(wk.server)} is not "host:port"`, 'use the federation host and port, e.g. "matrix.example.org:443" (mod.rs:3827)');
  if (wk.support_mxid !== undefined && !isUserId(wk.support_mxid)) type('well_known.support_mxid', `${show(wk.support_mxid)} is not a Matrix user ID`, 'use "@user:server" (mod.rs:3875)');
  for (const [id, contact] of entries(wk.support_contact)) {
    const ct = isObject(contact) ? contact : {};
    if (typeof ct.role !== 'string') type(`well_known.support_contact.${id}.role`, 'is missing', 'set role, e.g. "m.role.admin" (mod.rs:4053)');
    if (ct.matrix_id !== undefined && !isUserId(ct.matrix_id)) type(`well_known.support_contact.${id}.matrix_id`, `${show(ct.matrix_id)} is not a Matrix user ID`, 'use "@user:server" (mod.rs:4063)');
    if (ct.email_address === undefined && ct.matrix_id === undefined) c.add(at(`well_known.support_contact.${id}`), 'has neither email_address nor matrix_id', TUWUNEL_FAILS, 'give the contact an email address or a Matrix ID (check.rs:714-720)');
    const pgp = ct.pgp_key === undefined ? undefined : pgpKeyProblem(ct.pgp_key);
    if (pgp) c.add(at(`well_known.support_contact.${id}.pgp_key`), pgp, TUWUNEL_FAILS, 'publish the key and reference it by https:// URI or openpgp4fpr:<fingerprint> (check.rs:722-725)');
  }
  if (wk.support_role !== undefined && wk.support_email === undefined && wk.support_mxid === undefined) c.add(at('well_known.support_role'), 'is set without support_email or support_mxid', TUWUNEL_FAILS, 'add a support email or Matrix ID, or drop the role (check.rs:700-708)');
  const pgp = wk.support_pgp_key === undefined ? undefined : pgpKeyProblem(wk.support_pgp_key);
  if (pgp) c.add(at('well_known.support_pgp_key'), pgp, TUWUNEL_FAILS, 'publish the key and reference it by URI (check.rs:710-712)');

  // args::update refuses these from a file (args.rs:326-338).
  if (g('maintenance') === true) c.add(at('maintenance'), 'is set in the config file', `${TUWUNEL_FAILS} ("Not permitted to set this option", args.rs:333)`, 'remove it; maintenance mode is a command-line flag');
  if (g('database_restore_backup') !== undefined) c.add(at('database_restore_backup'), 'is set in the config file', `${TUWUNEL_FAILS} (args.rs:336-338), since it would restore on every start`, 'remove it; restore with `tuwunel --restore-backup` once');

  // Log filters (logging.rs:98-101, 126, 145, 166).
  for (const key of ['log', 'sentry_filter', 'tracing_flame_filter', 'jaeger_filter']) {
    const why = g(key) === undefined ? undefined : envFilterProblem(g(key));
    if (why) c.add(at(key), `${show(g(key))} is not a log filter: ${why}`, TUWUNEL_FAILS, 'use a level ("info") or comma-separated "target=level" directives');
  }

  checkTuwunelRules(c, global, at);
  checkTuwunelIdentityProviders(c, g('identity_provider'), at);
  checkTuwunelAppservices(c, g('appservice'), g('server_name'), at);
  checkTuwunelAdminExecute(c, global, at);
  return c.problems;
}

/** config::check (check.rs:91-755). */
function checkTuwunelRules(c: Collector, global: Doc, at: (k: string) => string): void {
  const g = (key: string): unknown => global[key];
  const fail = (key: string, problem: string, fix: string, line: string): void => c.add(at(key), problem, `${TUWUNEL_FAILS} (check.rs:${line})`, fix);
  const tls = isObject(g('tls')) ? g('tls') as Doc : {};
  if ((tls.certs === undefined) !== (tls.key === undefined)) fail('tls', 'sets only one of tls.certs and tls.key', 'set both or neither', '112-116');
  const depth = g('conduit_media_directory_depth') ?? 2;
  const length = g('conduit_media_directory_length') ?? 2;
  if (typeof depth === 'number' && typeof length === 'number' && depth > 0) {
    if (length === 0) fail('conduit_media_directory_length', 'is 0 while conduit_media_directory_depth is not', 'set a non-zero length', '122-127');
    else if (depth * length >= 64) fail('conduit_media_directory_depth', `times conduit_media_directory_length is ${depth * length}, not below 64`, 'shrink depth or length', '128-134');
  }
  list(g('dns_servers')).forEach((s) => { if (typeof s !== 'string' || (isIP(s) === 0 && !isSocketAddr(s))) fail('dns_servers', `${show(s)} is not an IP or socket address`, 'use "10.0.0.10" or "10.0.0.10:53"', '157-164'); });
  list(g('ip_range_denylist')).forEach((s) => { if (!isCidr(s, false)) fail('ip_range_denylist', `${show(s)} is not an IP CIDR range`, 'use "10.0.0.0/8" style ranges', '167-174'); });
  if (g('rocksdb_max_log_files') === 0) fail('rocksdb_max_log_files', 'is 0', 'use 1 or more', '218-223');
  if (g('server_name') === 'your.server.name') fail('server_name', 'is the example "your.server.name"', 'set your real server name', '237-243');
  if (g('emergency_password') === 'F670$2CP@Hw8mG7RY1$%!#Ic7YA') fail('emergency_password', 'is the public example password', 'choose a secret password', '262-272');
  if (g('emergency_password') === '') fail('emergency_password', 'is empty', 'unset it or set a real password', '274-284');
  if (g('registration_token') === '') fail('registration_token', 'is empty', 'set a token or remove the key', '286-295');
  c.file(at('registration_token_file'), g('registration_token_file'), 'Tuwunel (check.rs:298-314)');
  const noToken = g('registration_token') === undefined && g('registration_token_file') === undefined;
  if (g('allow_registration') === true && noToken && g('yes_i_am_very_very_sure_i_want_an_open_registration_server_prone_to_abuse') !== true) {
    fail('registration_token', 'is not set while allow_registration is true', 'set a registration token (or disable registration)', '319-333');
  }
  for (const [id, policy] of entries(g('registration_terms'))) {
    if (!/^[0-9A-Za-z._~-]{1,255}$/.test(id)) fail(`registration_terms.${id}`, 'has an id outside [0-9a-zA-Z._~-]{1,255}', 'rename the policy', '352-365');
    const p = isObject(policy) ? policy : {};
    if (typeof p.version !== 'string' || !isObject(p.translations)) c.add(at(`registration_terms.${id}`), 'lacks version or translations', `${TUWUNEL_FAILS} (mod.rs:4003)`, 'set version and at least one translation');
    for (const [lang, t] of entries(p.translations)) {
      const url = isObject(t) ? t.url : undefined;
      if (!isUrl(url) || !/^https?:/i.test(url as string)) fail(`registration_terms.${id}.translations.${lang}.url`, `${show(url)} is not an http(s) URL`, 'link the policy over https', '367-373');
    }
  }
  const maxRequest = g('max_request_size');
  if (maxRequest !== undefined) {
    const bytes = byteSize(maxRequest);
    if (bytes === undefined) c.add(at('max_request_size'), `${show(maxRequest)} is not a byte size`, `${TUWUNEL_FAILS} (bytesize, mod.rs:609-614)`, 'use bytes or "100 MiB"');
    else if (bytes < 10_000_000) fail('max_request_size', `is ${bytes} bytes, below 10000000`, 'use at least 10000000 (federation needs it)', '394-400');
  }
  if ((g('allow_outgoing_presence') ?? true) === true && g('allow_local_presence') === false) fail('allow_local_presence', 'is false while allow_outgoing_presence is true', 'enable local presence or disable outgoing presence', '402-408');
  if (g('media_thumbnail_max_pixels') === 0) fail('media_thumbnail_max_pixels', 'is 0', 'remove it to take the default', '421-428');
  const conc = g('media_video_thumbnail_concurrency');
  if (conc !== undefined && !isInt(conc, 1, 1024)) fail('media_video_thumbnail_concurrency', `${show(conc)} is not from 1 to 1024`, 'use 1 to 1024', '437-446');
  if (g('media_video_thumbnail_timeout') === 0) fail('media_video_thumbnail_timeout', 'is 0', 'use a positive number of seconds', '448-453');
  for (const key of ['url_preview_user_agent', 'url_preview_media_user_agent']) {
    const ua = g(key);
    if (ua !== undefined && (typeof ua !== 'string' || /[\x00-\x08\x0a-\x1f\x7f]/.test(ua))) fail(key, 'is not a valid HTTP header value', 'remove control characters', key.includes('media') ? '497-501' : '491-495');
  }
  const room = g('default_room_version');
  if (room !== undefined) {
    const versions = [...STABLE_ROOM_VERSIONS, ...(g('allow_unstable_room_versions') === false ? [] : UNSTABLE_ROOM_VERSIONS)];
    if (typeof room !== 'string') c.add(at('default_room_version'), `${show(room)} is not a string`, `${TUWUNEL_FAILS} (RoomVersionId, mod.rs:1388)`, 'quote it, e.g. "11"');
    else if (!versions.includes(room)) fail('default_room_version', `room version ${show(room)} is not available`, `use one of ${versions.join(', ')} (room_version.rs:11-22)`, '506-513');
  }
  const plOverride = g('default_power_level_content_override');
  if (plOverride !== undefined && !isObject(plOverride)) fail('default_power_level_content_override', 'is not a table', 'use a TOML table', '515-524');
  const providers = list(g('media_storage_providers') ?? ['media']);
  list(g('store_media_on_providers')).forEach((p) => { if (!providers.includes(p)) fail('store_media_on_providers', `${show(p)} is not in media_storage_providers`, 'list it in media_storage_providers', '656-663'); });
  const storage = isObject(g('storage_provider')) ? g('storage_provider') as Doc : {};
  providers.forEach((p) => { if (p !== 'media' && !(typeof p === 'string' && p in storage)) fail('media_storage_providers', `${show(p)} has no [global.storage_provider.${String(p)}]`, 'configure the provider or remove it', '665-683'); });
  const smtp = isObject(g('smtp')) ? g('smtp') as Doc : {};
  const wk = isObject(g('well_known')) ? g('well_known') as Doc : {};
  if (smtp.connection_uri !== undefined && wk.client === undefined) fail('well_known.client', 'is unset while smtp.connection_uri is set', 'set well_known.client (mail links are built from it)', '734-741');
  if (smtp.connection_uri === undefined && (smtp.require_email_for_registration === true || smtp.require_email_for_token_registration === true)) fail('smtp.connection_uri', 'is unset while registration requires an email', 'set smtp.connection_uri or drop the requirement', '743-752');
}

/** [[global.identity_provider]]: types (mod.rs:4376-4578, identity_provider_serde.rs:20-42) and check.rs:529-642. */
function checkTuwunelIdentityProviders(c: Collector, value: unknown, at: (k: string) => string): void {
  if (value === undefined) return;
  const consequence = `${TUWUNEL_FAILS} (mod.rs:5121)`;
  if (!isObject(value) && !Array.isArray(value)) {
    c.add(at('identity_provider'), 'is neither a table nor an array of tables', consequence, 'use [[global.identity_provider]] entries');
    return;
  }
  // An array is keyed by position, as identity_provider_serde.rs:35-41 does.
  const raw: Array<[string, unknown]> = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  const providers = raw.map(([k, v]): [string, Doc] => [k, isObject(v) ? v : {}]);
  const seen = new Set<unknown>();
  for (const [i, idp] of providers) {
    const key = (k: string): string => at(`identity_provider.${i}.${k}`);
    if (typeof idp.brand !== 'string') c.add(key('brand'), 'is missing', consequence, 'set brand, e.g. "keycloak"');
    if (typeof idp.client_id !== 'string') c.add(key('client_id'), 'is missing', consequence, 'set the client ID registered at the provider');
    else if (seen.has(idp.client_id)) c.add(key('client_id'), `${show(idp.client_id)} is used by another identity provider`, `${TUWUNEL_FAILS} (check.rs:530-545)`, 'give each provider its own client');
    seen.add(idp.client_id);
    for (const u of IDP_URL_KEYS) if (idp[u] !== undefined && !isUrl(idp[u])) c.add(key(u), `${show(idp[u])} is not a URL`, consequence, 'use an absolute https:// URL');
    if (idp.icon !== undefined && !(typeof idp.icon === 'string' && /^mxc:\/\/[^/]+\/[^/]+$/.test(idp.icon))) c.add(key('icon'), `${show(idp.icon)} is not an mxc:// URI`, consequence, 'upload the icon and use its mxc://server/id');
    if (idp.client_secret === undefined && idp.client_secret_file === undefined) {
      c.add(key('client_secret'), 'neither client_secret nor client_secret_file is set', `${TUWUNEL_FAILS} (check.rs:615-625)`, 'mount the client secret from a Secret and set client_secret_file');
    } else if (idp.client_secret === undefined) {
      c.file(key('client_secret_file'), idp.client_secret_file, 'Tuwunel (check.rs:627-639)');
    }
  }
}

/** [global.appservice.<id>]: mod.rs:4862-4952 types; service/appservice/mod.rs:67-111 and namespace_regex.rs:13-47 at load. */
function checkTuwunelAppservices(c: Collector, value: unknown, serverName: unknown, at: (k: string) => string): void {
  const dropped = 'Tuwunel stops loading appservices at this one (service/appservice/mod.rs:67-111): it and every later registration (by ID order, appservice_dir, and the database) are never loaded, while the server keeps running';
  for (const [id, as] of entries(value)) {
    const a = isObject(as) ? as : {};
    const key = (k: string): string => at(`appservice.${id}.${k}`);
    for (const token of ['as_token', 'hs_token']) {
      if (typeof a[token] !== 'string' && !c.env(key(token))) c.add(key(token), 'is missing', `${TUWUNEL_FAILS} (required field, mod.rs:4869-4871)`, 'provide the token (from a Secret through the environment)');
    }
    if (a.id !== undefined && a.id !== '' && a.id !== id) c.add(key('id'), `${show(a.id)} differs from the table name ${show(id)}`, dropped, 'drop id or make it equal the table name');
    const localpart = typeof a.sender_localpart === 'string' ? a.sender_localpart : id;
    if (!isUserId(`@${localpart}:${typeof serverName === 'string' ? serverName : 'x'}`)) c.add(key('sender_localpart'), `${show(localpart)} does not make a user ID`, dropped, 'use a Matrix localpart (registration_info.rs:22-26)');
    for (const kind of ['users', 'aliases', 'rooms']) {
      list(a[kind]).forEach((ns, n) => {
        const regex = isObject(ns) ? ns.regex : undefined;
        if (typeof regex !== 'string') {
          c.add(key(`${kind}.${n}.regex`), 'is missing', `${TUWUNEL_FAILS} (required field, mod.rs:4946)`, 'set the namespace regex');
          return;
        }
        const why = rustRegexProblem(regex);
        if (why) c.add(key(`${kind}.${n}.regex`), `${show(regex)} is not a Rust regular expression: ${why}`, `${dropped} (RegexSetBuilder::build, namespace_regex.rs:31-47)`, 'rewrite it in Rust regex syntax: no look-around or back-references');
      });
    }
  }
}

/** admin_execute commands run before listening; a failing one stops start-up (router/run.rs:26, service/admin/execute.rs:51-63). */
function checkTuwunelAdminExecute(c: Collector, global: Doc, at: (k: string) => string): void {
  if (global.admin_execute_errors_ignore === true) return;
  list(global.admin_execute).forEach((cmd, i) => {
    if (typeof cmd !== 'string') {
      c.add(at(`admin_execute.${i}`), `${show(cmd)} is not a command string`, `${TUWUNEL_FAILS} (mod.rs:5121)`, 'write the command as a string');
      return;
    }
    const m = /^users\s+make-user-admin\s+(\S+)$/.exec(cmd.trim());
    const server = global.server_name;
    // parse_local_user_id (src/admin/utils.rs:32-46): a bare localpart takes the server name; another server is refused.
    if (m && m[1].startsWith('@') && (!isUserId(m[1]) || m[1].slice(m[1].indexOf(':') + 1) !== server)) {
      c.add(at(`admin_execute.${i}`), `${show(m[1])} is not a user of ${show(server)}`, `${TUWUNEL_FAILS}: the startup command fails (service/admin/execute.rs:58-62)`, 'list local users only, as "@name:<serverName>"');
    }
  });
}

const LIVEKIT_TOP_KEYS = new Set(['port', 'bind_addresses', 'prometheus_port', 'prometheus', 'debug_handler', 'rtc', 'redis', 'audio', 'video', 'room', 'turn', 'ingress', 'sip', 'webhook', 'node_selector', 'key_file', 'keys', 'region', 'signal_relay', 'psrpc', 'log_level', 'logging', 'limit', 'agents', 'development', 'metric', 'trace', 'node_stats', 'enable_data_tracks', 'enable_participant_data_blob', 'api']);
const LIVEKIT_TURN_KEYS = new Set(['enabled', 'domain', 'cert_file', 'key_file', 'tls_port', 'udp_port', 'relay_range_start', 'relay_range_end', 'external_tls', 'bind_addresses', 'ttl_seconds', 'allow_restricted_peer_cidrs', 'deny_peer_cidrs']);
const LIVEKIT_ROOM_KEYS = new Set(['auto_create', 'enabled_codecs', 'max_participants', 'empty_timeout', 'departure_timeout', 'enable_remote_unmute', 'playout_delay', 'sync_streams', 'create_room_timeout', 'create_room_attempts', 'update_batch_target_size', 'max_metadata_size', 'max_room_name_length', 'max_participant_identity_length', 'room_configurations']);
const ZAP_LEVELS = ['debug', 'info', 'warn', 'error', 'dpanic', 'panic', 'fatal'];

/**
 * Every LiveKit v1.13.5 start-up refusal reachable from config.yaml: strict decoding (config.go:563-568),
 * RTC validation (config.go:577-579), ValidateKeys (config.go:695-730), the webhook notifier
 * (wire_gen.go:224-231) and the TURN server (turn.go:49-190).
 */
export function liveKitStartupProblems(config: Doc, blame: BlamePath = (p) => p, context: StartupContext = {}): StartupProblem[] {
  const c = new Collector(blame, context);
  const decode = `${LIVEKIT_FAILS}: "could not parse config" (strict decoding, config.go:563-568)`;
  const unknown = (section: string, doc: unknown, known: Set<string>): void => {
    for (const [k] of entries(doc)) if (!known.has(k)) c.add(section ? `${section}.${k}` : k, 'is not a LiveKit config key', decode, 'remove it or fix its spelling (pkg/config/config.go)');
  };
  unknown('', config, LIVEKIT_TOP_KEYS);
  unknown('turn', config.turn, LIVEKIT_TURN_KEYS);
  unknown('room', config.room, LIVEKIT_ROOM_KEYS);
  const uint = (key: string, v: unknown, max: number): void => { if (v !== undefined && !isInt(v, 0, max)) c.add(key, `${show(v)} is not an integer from 0 to ${max}`, decode, 'use a whole number in range'); };
  const rtc = isObject(config.rtc) ? config.rtc : {};
  const turn = isObject(config.turn) ? config.turn : {};
  const room = isObject(config.room) ? config.room : {};
  uint('port', config.port, 0xffffffff);
  uint('rtc.tcp_port', rtc.tcp_port, 0xffffffff);
  uint('rtc.port_range_start', rtc.port_range_start, 0xffffffff);
  uint('rtc.port_range_end', rtc.port_range_end, 0xffffffff);
  for (const k of ['max_participants', 'empty_timeout', 'departure_timeout']) uint(`room.${k}`, room[k], 0xffffffff);
  uint('turn.relay_range_start', turn.relay_range_start, 65535);
  uint('turn.relay_range_end', turn.relay_range_end, 65535);

  // rtcconfig PortRange.UnmarshalString and NodeIP.UnmarshalString (mediatransportutil pkg/rtcconfig/config.go).
  if (rtc.udp_port !== undefined) {
    const m = /^\s*([0-9]+)\s*(?:-\s*([0-9]+)\s*)?$/.exec(String(rtc.udp_port));
    if (!m) c.add('rtc.udp_port', `${show(rtc.udp_port)} is not a port or "start-end"`, decode, 'use 7882 or "50000-60000"');
    else if (m[2] !== undefined && Number(m[2]) <= Number(m[1])) c.add('rtc.udp_port', `range end ${m[2]} is not above start ${m[1]}`, decode, 'make the end port larger than the start');
  }
  if (rtc.node_ip !== undefined) {
    const ips = String(rtc.node_ip).split(',').map((s) => s.trim());
    if (ips.length > 2 || ips.some((ip) => isIP(ip) === 0)) c.add('rtc.node_ip', `${show(rtc.node_ip)} is not "<ipv4>" or "<ipv4>,<ipv6>"`, decode, 'use IP literals');
  }
  list(rtc.additional_host_ips).forEach((ip) => { if (typeof ip !== 'string' || isIP(ip.trim()) === 0) c.add('rtc.additional_host_ips', `${show(ip)} is not an IP address`, `${LIVEKIT_FAILS}: "could not validate RTC config"`, 'use IP literals'); });
  const start = rtc.port_range_start;
  const end = rtc.port_range_end;
  if (typeof start === 'number' && typeof end === 'number' && start !== 0 && end !== 0) {
    if (end < start) c.add('rtc.port_range_end', `is below rtc.port_range_start (${end} < ${start})`, `${LIVEKIT_FAILS} (SetEphemeralUDPPortRange, rtcconfig/webrtc_config.go)`, 'make the end port at least the start port');
    else if (end === start && rtc.use_external_ip === true) c.add('rtc.port_range_end', 'equals rtc.port_range_start while use_external_ip is true', 'LiveKit panics at start: rand.Intn(end-start) with 0 (rtcconfig/webrtc_config.go getNAT1to1IPsForConf)', 'use a range of at least two ports, or rtc.udp_port for a single port');
  }

  // ValidateKeys (config.go:695-730).
  if (config.key_file !== undefined) {
    c.file('key_file', config.key_file, 'LiveKit (config.go:698-703)', (mode) => (mode % 8 !== 0 ? `is mounted with mode 0${mode.toString(8)}, readable by "others"` : undefined));
  } else if (!isObject(config.keys) || Object.keys(config.keys).length === 0) {
    if (!c.env('keys')) c.add('keys', 'no API keys: neither keys nor key_file is set', `${LIVEKIT_FAILS}: "one of key-file or keys must be provided" (config.go:54, 717-719)`, 'provide keys (LIVEKIT_KEYS from a Secret) or key_file');
  }
  const keys = isObject(config.keys) ? Object.keys(config.keys) : c.apiKeys;

  // createWebhookNotifier (wire_gen.go:224-231): webhook URLs need an api_key that is one of the keys.
  const webhook = isObject(config.webhook) ? config.webhook : {};
  if (list(webhook.urls).length > 0) {
    const apiKey = webhook.api_key;
    const why = `${LIVEKIT_FAILS}: "api_key is required to use webhooks" (service/errors.go:43)`;
    if (apiKey === undefined && !c.env('webhook.api_key')) c.add('webhook.api_key', 'is not set while webhook.urls is', why, 'set webhook.api_key to one of the LiveKit API keys');
    else if (typeof apiKey === 'string' && keys && !keys.includes(apiKey)) c.add('webhook.api_key', `${show(apiKey)} is not one of the API keys`, why, 'use the API key LiveKit signs with');
  }

  // NewTurnServer (turn.go:49-65, 134-155); domain regex utils.go:109-112.
  if (turn.enabled === true) {
    const tls = typeof turn.tls_port === 'number' ? turn.tls_port : 0;
    const udp = typeof turn.udp_port === 'number' ? turn.udp_port : 0;
    const fails = (line: string): string => `${LIVEKIT_FAILS} (turn.go:${line})`;
    if (tls <= 0 && udp <= 0) c.add('turn.tls_port', 'TURN is enabled with neither tls_port nor udp_port', `${fails('55-56')}: "invalid TURN ports"`, 'set turn.tls_port (TURNS) or turn.udp_port');
    if (tls > 0 && (typeof turn.domain !== 'string' || turn.domain === '')) c.add('turn.domain', 'is not set while turn.tls_port is', `${fails('58-60')}: "TURN domain required"`, 'set the TURN host name on the certificate');
    else if (tls > 0 && !/^[a-z0-9-]+(\.[a-z0-9-]+)+\.?$/i.test(turn.domain as string)) c.add('turn.domain', `${show(turn.domain)} is not a domain name`, `${fails('62-64')}: "TURN domain is not correct"`, 'use a dotted DNS name');
    if (tls > 0 && turn.external_tls !== true) {
      if (turn.cert_file === undefined || turn.key_file === undefined) c.add(turn.cert_file === undefined ? 'turn.cert_file' : 'turn.key_file', 'is not set while TURN terminates TLS', `${fails('141-144')}: "TURN tls cert required"`, 'mount the certificate and set cert_file and key_file, or external_tls');
      c.file('turn.cert_file', turn.cert_file, 'LiveKit (turn.go:141)');
      c.file('turn.key_file', turn.key_file, 'LiveKit (turn.go:141)');
    }
    const rs = turn.relay_range_start;
    const re = turn.relay_range_end;
    if (typeof rs === 'number' && typeof re === 'number' && rs > 0 && re > 0 && rs > re) c.add('turn.relay_range_end', `is below turn.relay_range_start (${re} < ${rs})`, 'pion/turn does not check the order: relays are allocated on wrapped-around ports outside the range (or it panics when end+1 = start)', 'make the end port at least the start port');
  }

  // ParseZapLevel falls back to info without a word (livekit/protocol logger).
  const logging = isObject(config.logging) ? config.logging : {};
  for (const [key, level] of [['logging.level', logging.level], ['log_level', config.log_level]] as const) {
    if (level !== undefined && !(typeof level === 'string' && ZAP_LEVELS.includes(level.toLowerCase()))) c.add(key, `${show(level)} is not a log level`, 'LiveKit silently logs at info instead', `use one of ${ZAP_LEVELS.slice(0, 4).join(', ')}`);
  }
  return c.problems;
}

/** A literal value, or a value the pod reads from a Secret (unknown at synth). */
export type EnvValue = string | { readonly fromSecret: true } | undefined;

/**
 * lk-jwt-service's start-up refusals from its environment: main.go:588-632 (v0.5.0) and
 * config.go:44-170 (HEAD), all ending in log.Fatal (main.go:636-638).
 */
export function lkJwtStartupProblems(env: Record<string, EnvValue>, blame: BlamePath = (p) => p, context: StartupContext = {}): StartupProblem[] {
  const c = new Collector(blame, context);
  const set = (name: string): boolean => env[name] !== undefined && env[name] !== '';
  const key = (name: string): string => `env.${name}`;
  if (!set('LIVEKIT_URL')) c.add(key('LIVEKIT_URL'), 'is not set', `${LKJWT_FAILS}: "LIVEKIT_URL … must be set" (main.go:599-603)`, 'set the LiveKit wss:// URL');
  const hasKey = set('LIVEKIT_KEY_FILE') || set('LIVEKIT_KEY_FROM_FILE') || set('LIVEKIT_KEY');
  const hasSecret = set('LIVEKIT_KEY_FILE') || set('LIVEKIT_SECRET_FROM_FILE') || set('LIVEKIT_SECRET');
  if (!hasKey || !hasSecret) c.add(key(hasKey ? 'LIVEKIT_SECRET' : 'LIVEKIT_KEY'), 'the LiveKit API key or secret is not provided', `${LKJWT_FAILS} (main.go:601-603)`, 'set LIVEKIT_KEY and LIVEKIT_SECRET from a Secret, or the *_FROM_FILE paths');
  for (const name of ['LIVEKIT_KEY_FILE', 'LIVEKIT_KEY_FROM_FILE', 'LIVEKIT_SECRET_FROM_FILE']) {
    if (typeof env[name] === 'string' && env[name] !== '') c.file(key(name), env[name], 'lk-jwt-service (main.go:548-575)');
  }
  if (!set('LIVEKIT_FULL_ACCESS_HOMESERVERS')) c.add(key('LIVEKIT_FULL_ACCESS_HOMESERVERS'), 'is not set', `${LKJWT_FAILS} (main.go:605-608)`, 'set the homeserver name(s) whose users may create calls');
  if (set('LIVEKIT_JWT_BIND') && set('LIVEKIT_JWT_PORT')) c.add(key('LIVEKIT_JWT_PORT'), 'is set together with LIVEKIT_JWT_BIND', `${LKJWT_FAILS} (main.go:610-622)`, 'set only LIVEKIT_JWT_BIND, e.g. ":8080"');
  const interval = env.LIVEKIT_SANITY_CHECK_INTERVAL_SECONDS;
  if (typeof interval === 'string' && interval !== '' && !/^\+?[0-9]+$/.test(interval)) c.add(key('LIVEKIT_SANITY_CHECK_INTERVAL_SECONDS'), `${show(interval)} is not a non-negative integer`, `${LKJWT_FAILS} (config.go:145-150, HEAD)`, 'use whole seconds');
  const overrides = env.LIVEKIT_CS_API_URL_OVERRIDES;
  if (typeof overrides === 'string' && overrides !== '') {
    for (const entry of overrides.split(',')) {
      const eq = entry.indexOf('=');
      if (eq === -1 || entry.slice(0, eq).trim() === '' || entry.slice(eq + 1).trim() === '') c.add(key('LIVEKIT_CS_API_URL_OVERRIDES'), `entry ${show(entry)} is not server_name=url`, `${LKJWT_FAILS} (config.go:89-105, HEAD)`, 'write comma-separated server_name=url pairs');
    }
  }
  return c.problems;
}
