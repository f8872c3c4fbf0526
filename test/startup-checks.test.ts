// The programs' start-up refusals: each condition fails once and its valid neighbour passes.
import { StartupContext, envFilterProblem, isServerName, liveKitStartupProblems, lkJwtStartupProblems, tuwunelStartupProblems } from '../src/startup-checks';

type Doc = Record<string, unknown>;
const TOKEN_FILE = '/etc/tuwunel/registration/registration_token';
const blame = (p: string): string => `prop<${p}>`;
const clone = (d: Doc): Doc => JSON.parse(JSON.stringify(d));

const TUWUNEL: Doc = {
  server_name: 'example.org',
  database_path: '/var/lib/tuwunel',
  address: ['0.0.0.0'],
  port: 6167,
  allow_registration: true,
  registration_token_file: TOKEN_FILE,
  max_request_size: 104857600,
  allow_federation: true,
  well_known: { client: 'https://example.org', server: 'example.org:443', livekit_url: 'https://example.org' },
};
const TUWUNEL_CONTEXT: StartupContext = {
  mountedFiles: new Map([[TOKEN_FILE, { mode: 0o440 }], ['/etc/tuwunel/sso/secret', { mode: 0o440 }]]),
  fromEnvironment: new Set(['global.appservice.tg.as_token', 'global.appservice.tg.hs_token']),
};
const tuwunel = (patch: Doc): string[] => tuwunelStartupProblems({ ...clone(TUWUNEL), ...patch }, blame, TUWUNEL_CONTEXT).map((p) => `${p.path}: ${p.problem} | ${p.consequence} | ${p.fix}`);

const IDP = { brand: 'keycloak', client_id: 'matrix', client_secret_file: '/etc/tuwunel/sso/secret', issuer_url: 'https://id.example.org/realms/x' };
const AS = (patch: Doc = {}): Doc => ({ tg: { url: 'http://tg:29317', sender_localpart: 'tgbot', users: [{ exclusive: true, regex: '@tg_.*:example\\.org' }], ...patch } });

// [condition, bad patch, blamed key, problem fragment, good neighbour patch]
const TUWUNEL_CASES: Array<[string, Doc, string, RegExp, Doc]> = [
  ['server_name must be a server name (mod.rs:114)', { server_name: 'exa mple.org' }, 'global.server_name', /not a Matrix server name/, { server_name: 'example.org:8448' }],
  ['address must be IP literals (net.rs:20-24)', { address: ['localhost'] }, 'global.address', /not an IP address/, { address: ['0.0.0.0', '::'] }],
  ['address is not an empty list (net.rs:36-52)', { address: [] }, 'global.address', /empty list/, { address: '::' }],
  ['port is not an empty list (net.rs:36-52)', { port: [] }, 'global.port', /empty list/, { port: 8008 }],
  ['port must be u16 (net.rs:13-17)', { port: 70000 }, 'global.port', /not a port/, { port: [8008, 8448] }],
  ['ip_source must be a known variant (ip_source.rs:11-38)', { ip_source: 'x_forwarded_for' }, 'global.ip_source', /not a client IP source/, { ip_source: 'rightmost_x_forwarded_for' }],
  ['ip_source_trusted_subnets are CIDRs (mod.rs:947)', { ip_source_trusted_subnets: ['10.0.0.1'] }, 'global.ip_source_trusted_subnets', /not a CIDR/, { ip_source_trusted_subnets: ['10.0.0.0/8', 'fd00::/8'] }],
  ['trusted_servers are server names (mod.rs:1490)', { trusted_servers: ['https://matrix.org'] }, 'global.trusted_servers', /not a server name/, { trusted_servers: ['matrix.org'] }],
  ['auto_join_rooms are room IDs or aliases (mod.rs:2049)', { auto_join_rooms: ['lobby'] }, 'global.auto_join_rooms', /not a room ID/, { auto_join_rooms: ['#lobby:example.org'] }],
  ['sentry_endpoint is a URL (mod.rs:3246)', { sentry_endpoint: 'sentry.example.org' }, 'global.sentry_endpoint', /not a URL/, { sentry_endpoint: 'https://sentry.example.org/1' }],
  ['regex options compile under Rust (serde_regex)', { forbidden_usernames: ['^(?!ok).*'] }, 'global.forbidden_usernames', /look-around/, { forbidden_usernames: ['^admin.*'] }],
  ['well_known.client is a URL (mod.rs:3819)', { well_known: { client: 'example.org' } }, 'global.well_known.client', /not a URL/, { well_known: { client: 'https://example.org' } }],
  ['well_known.server is host:port (mod.rs:3827)', { well_known: { server: 'https://example.org' } }, 'global.well_known.server', /host:port/, { well_known: { server: 'example.org:443' } }],
  ['support_mxid is a user ID (mod.rs:3875)', { well_known: { support_mxid: 'admin', support_email: 'a@example.org' } }, 'global.well_known.support_mxid', /not a Matrix user ID/, { well_known: { support_mxid: '@admin:example.org' } }],
  ['support_contact needs a role (mod.rs:4053)', { well_known: { support_contact: { a: { email_address: 'a@example.org' } } } }, 'global.well_known.support_contact.a.role', /is missing/, { well_known: { support_contact: { a: { role: 'm.role.admin', email_address: 'a@example.org' } } } }],
  ['support_contact.matrix_id is a user ID (mod.rs:4063)', { well_known: { support_contact: { a: { role: 'm.role.admin', matrix_id: 'alice' } } } }, 'global.well_known.support_contact.a.matrix_id', /not a Matrix user ID/, { well_known: { support_contact: { a: { role: 'm.role.admin', matrix_id: '@alice:example.org' } } } }],
  ['support_contact needs email or matrix_id (check.rs:714-720)', { well_known: { support_contact: { a: { role: 'm.role.admin' } } } }, 'global.well_known.support_contact.a', /neither email_address nor matrix_id/, { well_known: { support_contact: { a: { role: 'm.role.admin', email_address: 'a@example.org' } } } }],
  ['support_contact.pgp_key is a URI (check.rs:722-725)', { well_known: { support_contact: { a: { role: 'm.role.admin', email_address: 'a@example.org', pgp_key: 'ABCDEF' } } } }, 'global.well_known.support_contact.a.pgp_key', /not a URI/, { well_known: { support_contact: { a: { role: 'm.role.admin', email_address: 'a@example.org', pgp_key: `openpgp4fpr:${'A'.repeat(40)}` } } } }],
  ['support_role needs email or mxid (check.rs:700-708)', { well_known: { support_role: 'm.role.admin' } }, 'global.well_known.support_role', /without support_email/, { well_known: { support_role: 'm.role.admin', support_email: 'a@example.org' } }],
  ['support_pgp_key is not inline key material (check.rs:757-764)', { well_known: { support_pgp_key: '-----BEGIN PGP PUBLIC KEY BLOCK-----' } }, 'global.well_known.support_pgp_key', /inline key material/, { well_known: { support_pgp_key: 'https://example.org/key.asc' } }],
  ['openpgp4fpr needs a 40/64 hex fingerprint (check.rs:770-772)', { well_known: { support_pgp_key: 'openpgp4fpr:ABC' } }, 'global.well_known.support_pgp_key', /40- or 64-character/, { well_known: { support_pgp_key: `openpgp4fpr:${'a'.repeat(64)}` } }],
  ['maintenance cannot come from a file (args.rs:326-334)', { maintenance: true }, 'global.maintenance', /set in the config file/, { maintenance: false }],
  ['database_restore_backup cannot come from a file (args.rs:336-338)', { database_restore_backup: 0 }, 'global.database_restore_backup', /set in the config file/, { database_backup_path: '/backup' }],
  ['log must parse as an EnvFilter (logging.rs:98-101)', { log: 'info,tuwunel=verbose' }, 'global.log', /not a log filter/, { log: 'info,tuwunel_service=debug' }],
  ['sentry_filter must parse (logging.rs:126-127)', { sentry_filter: 'x=loud' }, 'global.sentry_filter', /not a log filter/, { sentry_filter: 'info' }],
  ['tls.certs and tls.key together (check.rs:112-116)', { tls: { certs: '/tls/crt' } }, 'global.tls', /only one of/, { tls: { certs: '/tls/crt', key: '/tls/key' } }],
  ['media directory length non-zero with depth (check.rs:122-127)', { conduit_media_directory_depth: 2, conduit_media_directory_length: 0 }, 'global.conduit_media_directory_length', /is 0/, { conduit_media_directory_depth: 0, conduit_media_directory_length: 0 }],
  ['media directory depth*length < 64 (check.rs:128-134)', { conduit_media_directory_depth: 8, conduit_media_directory_length: 8 }, 'global.conduit_media_directory_depth', /not below 64/, { conduit_media_directory_depth: 7, conduit_media_directory_length: 9 }],
  ['dns_servers are IP or socket addresses (check.rs:157-164)', { dns_servers: ['dns.local'] }, 'global.dns_servers', /not an IP or socket address/, { dns_servers: ['10.0.0.10', '10.0.0.10:53', '[fd00::a]:53'] }],
  ['ip_range_denylist parses (check.rs:167-174)', { ip_range_denylist: ['10.0.0.0/33'] }, 'global.ip_range_denylist', /not an IP CIDR range/, { ip_range_denylist: ['10.0.0.0/8', '127.0.0.1', 'fe80::/10'] }],
  ['rocksdb_max_log_files is not 0 (check.rs:218-223)', { rocksdb_max_log_files: 0 }, 'global.rocksdb_max_log_files', /is 0/, { rocksdb_max_log_files: 1 }],
  ['server_name is not the example (check.rs:237-243)', { server_name: 'your.server.name' }, 'global.server_name', /example/, { server_name: 'your.server.name.example.org' }],
  ['emergency_password is not the public example (check.rs:262-272)', { emergency_password: 'F670$2CP@Hw8mG7RY1$%!#Ic7YA' }, 'global.emergency_password', /public example/, { emergency_password: 'a real secret' }],
  ['emergency_password is not empty (check.rs:274-284)', { emergency_password: '' }, 'global.emergency_password', /is empty/, { emergency_password: 'x' }],
  ['registration_token is not empty (check.rs:286-295)', { registration_token: '' }, 'global.registration_token', /is empty/, { registration_token: 'tok' }],
  ['registration_token_file is readable (check.rs:298-314)', { registration_token_file: '/elsewhere/token' }, 'global.registration_token_file', /not a file the pod mounts/, { registration_token_file: TOKEN_FILE }],
  ['open registration needs a token (check.rs:319-333)', { registration_token_file: undefined }, 'global.registration_token', /allow_registration is true/, { registration_token_file: undefined, yes_i_am_very_very_sure_i_want_an_open_registration_server_prone_to_abuse: true }],
  ['registration_terms ids are opaque (check.rs:352-365)', { registration_terms: { 'terms of use': { version: '1', translations: { en: { name: 'T', url: 'https://example.org/t' } } } } }, 'global.registration_terms.terms of use', /has an id/, { registration_terms: { terms: { version: '1', translations: { en: { name: 'T', url: 'https://example.org/t' } } } } }],
  ['registration_terms need version and translations (mod.rs:4003)', { registration_terms: { terms: { translations: {} } } }, 'global.registration_terms.terms', /lacks version/, { registration_terms: { terms: { version: '1', translations: {} } } }],
  ['registration_terms urls are http(s) (check.rs:367-373)', { registration_terms: { terms: { version: '1', translations: { en: { name: 'T', url: 'ftp://example.org/t' } } } } }, 'global.registration_terms.terms.translations.en.url', /not an http\(s\) URL/, { registration_terms: { terms: { version: '1', translations: { en: { name: 'T', url: 'http://example.org/t' } } } } }],
  ['max_request_size is a byte size (mod.rs:609-614)', { max_request_size: 'lots' }, 'global.max_request_size', /not a byte size/, { max_request_size: '100 MiB' }],
  ['max_request_size >= 10000000 (check.rs:394-400)', { max_request_size: 9_999_999 }, 'global.max_request_size', /below 10000000/, { max_request_size: 10_000_000 }],
  ['outgoing presence needs local presence (check.rs:402-408)', { allow_local_presence: false }, 'global.allow_local_presence', /allow_outgoing_presence is true/, { allow_local_presence: false, allow_outgoing_presence: false }],
  ['media_thumbnail_max_pixels is not 0 (check.rs:421-428)', { media_thumbnail_max_pixels: 0 }, 'global.media_thumbnail_max_pixels', /is 0/, { media_thumbnail_max_pixels: 1 }],
  ['video thumbnail concurrency 1..1024 (check.rs:437-446)', { media_video_thumbnail_concurrency: 1025 }, 'global.media_video_thumbnail_concurrency', /from 1 to 1024/, { media_video_thumbnail_concurrency: 1024 }],
  ['video thumbnail timeout is not 0 (check.rs:448-453)', { media_video_thumbnail_timeout: 0 }, 'global.media_video_thumbnail_timeout', /is 0/, { media_video_thumbnail_timeout: 1 }],
  ['url_preview_user_agent is a header value (check.rs:491-495)', { url_preview_user_agent: 'bot\nX: y' }, 'global.url_preview_user_agent', /HTTP header value/, { url_preview_user_agent: 'bot/1.0\t(tab ok)' }],
  ['url_preview_media_user_agent is a header value (check.rs:497-501)', { url_preview_media_user_agent: 'a\x7f' }, 'global.url_preview_media_user_agent', /HTTP header value/, { url_preview_media_user_agent: 'bot/1.0' }],
  ['default_room_version is a string (mod.rs:1388)', { default_room_version: 11 }, 'global.default_room_version', /not a string/, { default_room_version: '11' }],
  ['default_room_version is available (check.rs:506-513)', { default_room_version: '5', allow_unstable_room_versions: false }, 'global.default_room_version', /not available/, { default_room_version: '5' }],
  ['default_power_level_content_override is a table (check.rs:515-524)', { default_power_level_content_override: [] }, 'global.default_power_level_content_override', /not a table/, { default_power_level_content_override: { ban: 50 } }],
  ['store_media_on_providers are listed (check.rs:656-663)', { store_media_on_providers: ['s3'] }, 'global.store_media_on_providers', /not in media_storage_providers/, { store_media_on_providers: ['media'] }],
  ['media_storage_providers exist (check.rs:665-683)', { media_storage_providers: ['media', 's3'] }, 'global.media_storage_providers', /has no \[global.storage_provider.s3\]/, { media_storage_providers: ['media', 's3'], storage_provider: { s3: { s3: {} } } }],
  ['smtp needs well_known.client (check.rs:734-741)', { smtp: { connection_uri: 'smtps://mail' }, well_known: {} }, 'global.well_known.client', /smtp.connection_uri is set/, { smtp: { connection_uri: 'smtps://mail' } }],
  ['required email needs smtp (check.rs:743-752)', { smtp: { require_email_for_registration: true } }, 'global.smtp.connection_uri', /requires an email/, { smtp: { require_email_for_registration: true, connection_uri: 'smtps://mail' } }],
  ['identity_provider is a table or array (identity_provider_serde.rs)', { identity_provider: 'keycloak' }, 'global.identity_provider', /neither a table nor an array/, { identity_provider: [IDP] }],
  ['identity_provider needs brand (mod.rs:4376)', { identity_provider: [{ ...IDP, brand: undefined }] }, 'global.identity_provider.0.brand', /is missing/, { identity_provider: { kc: IDP } }],
  ['identity_provider needs client_id', { identity_provider: [{ ...IDP, client_id: undefined }] }, 'global.identity_provider.0.client_id', /is missing/, { identity_provider: [IDP] }],
  ['identity_provider client_ids are unique (check.rs:530-545)', { identity_provider: [IDP, { ...IDP, brand: 'github' }] }, 'global.identity_provider.1.client_id', /used by another/, { identity_provider: [IDP, { ...IDP, client_id: 'other' }] }],
  ['identity_provider URLs parse (mod.rs:4417-4578)', { identity_provider: [{ ...IDP, issuer_url: 'id.example.org' }] }, 'global.identity_provider.0.issuer_url', /not a URL/, { identity_provider: [IDP] }],
  ['identity_provider icon is mxc (mod.rs:4459)', { identity_provider: [{ ...IDP, icon: 'https://x/icon.png' }] }, 'global.identity_provider.0.icon', /mxc/, { identity_provider: [{ ...IDP, icon: 'mxc://example.org/abc' }] }],
  ['identity_provider needs a secret (check.rs:615-625)', { identity_provider: [{ ...IDP, client_secret_file: undefined }] }, 'global.identity_provider.0.client_secret', /neither client_secret/, { identity_provider: [{ ...IDP, client_secret_file: undefined, client_secret: 's' }] }],
  ['client_secret_file is readable (check.rs:627-639)', { identity_provider: [{ ...IDP, client_secret_file: '/nowhere' }] }, 'global.identity_provider.0.client_secret_file', /not a file the pod mounts/, { identity_provider: [IDP] }],
  ['appservice tokens are provided (mod.rs:4869-4871)', { appservice: { other: { ...(AS().tg as Doc), hs_token: 'h' } } }, 'global.appservice.other.as_token', /is missing/, { appservice: { other: { ...(AS().tg as Doc), as_token: 'a', hs_token: 'h' } } }],
  ['appservice id matches its table (service/appservice/mod.rs:73-78)', { appservice: AS({ id: 'telegram' }) }, 'global.appservice.tg.id', /differs from the table name/, { appservice: AS({ id: 'tg' }) }],
  ['appservice sender_localpart makes a user ID (registration_info.rs:22-26)', { appservice: AS({ sender_localpart: 'a:b' }) }, 'global.appservice.tg.sender_localpart', /does not make a user ID/, { appservice: AS({ sender_localpart: 'tg.bot' }) }],
  ['appservice namespace needs a regex (mod.rs:4946)', { appservice: AS({ rooms: [{ exclusive: false }] }) }, 'global.appservice.tg.rooms.0.regex', /is missing/, { appservice: AS({ rooms: [{ regex: '!.*:example\\.org' }] }) }],
  ['appservice regex compiles under Rust (namespace_regex.rs:31-47)', { appservice: AS({ aliases: [{ regex: '#tg_(?!admin).*' }] }) }, 'global.appservice.tg.aliases.0.regex', /look-around/, { appservice: AS({ aliases: [{ regex: '#tg_.*' }] }) }],
  ['admin_execute entries are strings (mod.rs:5121)', { admin_execute: [42] }, 'global.admin_execute.0', /not a command string/, { admin_execute: ['server uptime'] }],
  ['admin_execute make-user-admin names local users (admin/utils.rs:32-46)', { admin_execute: ['users make-user-admin @alice:other.org'] }, 'global.admin_execute.0', /not a user of/, { admin_execute: ['users make-user-admin @alice:example.org'] }],
];

describe('tuwunelStartupProblems', () => {
  test('the base document passes', () => {
    expect(tuwunel({})).toEqual([]);
  });
  test.each(TUWUNEL_CASES)('%s', (_name, bad, key, fragment, good) => {
    const problems = tuwunel(bad);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^prop<${key.replace(/[.[\]]/g, '\\$&')}>: `));
    expect(problems[0]).toMatch(fragment);
    expect(tuwunel(good)).toEqual([]);
  });
  test('a failing admin command is tolerated with admin_execute_errors_ignore', () => {
    expect(tuwunel({ admin_execute: ['users make-user-admin @alice:other.org'], admin_execute_errors_ignore: true })).toEqual([]);
  });
  test('every problem is reported at once, with consequence and fix', () => {
    const all = tuwunelStartupProblems({ ...clone(TUWUNEL), max_request_size: 1, rocksdb_max_log_files: 0, port: -1 }, blame, TUWUNEL_CONTEXT);
    expect(all.map((p) => p.path).sort()).toEqual(['prop<global.max_request_size>', 'prop<global.port>', 'prop<global.rocksdb_max_log_files>']);
    for (const p of all) {
      expect(p.consequence).toMatch(/Tuwunel refuses to start/);
      expect(p.fix.length).toBeGreaterThan(0);
    }
  });
  test('without a mount map, file paths are not judged', () => {
    expect(tuwunelStartupProblems({ ...clone(TUWUNEL), registration_token_file: '/x' })).toEqual([]);
  });
});

describe('envFilterProblem and isServerName', () => {
  test.each(['', 'info', 'INFO', '3', 'tuwunel=debug,info', 'my-crate::mod=warn', 'x[span{f=1}]=trace', 'verbose'])('filter %j parses', (f) => {
    expect(envFilterProblem(f)).toBeUndefined();
  });
  test.each(['info=x', 'a b', 'x=verbose', 'x==info'])('filter %j does not', (f) => {
    expect(envFilterProblem(f)).toBeDefined();
  });
  test.each([['example.org', true], ['1.2.3.4:8448', true], ['[::1]:443', true], ['[zz]', false], ['a:99999', false], ['', false]])('server name %j → %s', (name, ok) => {
    expect(isServerName(name)).toBe(ok);
  });
});

const LIVEKIT: Doc = {
  port: 7880,
  rtc: { tcp_port: 7881, udp_port: 7882, use_external_ip: true },
  room: { auto_create: false },
  logging: { level: 'info' },
  webhook: { urls: ['http://lk-jwt:8080/sfu_webhook'] },
};
const LIVEKIT_CONTEXT: StartupContext = {
  fromEnvironment: new Set(['keys', 'webhook.api_key']),
  mountedFiles: new Map([['/etc/livekit/tls/tls.crt', { mode: 0o440 }], ['/etc/livekit/tls/tls.key', { mode: 0o440 }], ['/etc/livekit/keys.yaml', { mode: 0o440 }], ['/etc/livekit/open.yaml', { mode: 0o644 }]]),
};
const TURN = { enabled: true, domain: 'turn.example.org', tls_port: 5349, cert_file: '/etc/livekit/tls/tls.crt', key_file: '/etc/livekit/tls/tls.key' };
const livekit = (patch: Doc, context: StartupContext = LIVEKIT_CONTEXT): string[] => liveKitStartupProblems({ ...clone(LIVEKIT), ...patch }, blame, context).map((p) => `${p.path}: ${p.problem} | ${p.consequence}`);
const inline: StartupContext = { ...LIVEKIT_CONTEXT, fromEnvironment: new Set(['keys']), liveKitApiKeys: ['APIkey'] };

const LIVEKIT_CASES: Array<[string, Doc, string, RegExp, Doc, StartupContext?]> = [
  ['unknown top-level key (strict decoding, config.go:565)', { rooms: {} }, 'rooms', /not a LiveKit config key/, { room: {} }],
  ['unknown turn key', { turn: { ...TURN, tls: true } }, 'turn.tls', /not a LiveKit config key/, { turn: TURN }],
  ['unknown room key', { room: { autocreate: false } }, 'room.autocreate', /not a LiveKit config key/, { room: { auto_create: false, empty_timeout: 300 } }],
  ['port is uint32', { port: -1 }, 'port', /not an integer/, { port: 7880 }],
  ['room.max_participants is uint32', { room: { max_participants: 1.5 } }, 'room.max_participants', /not an integer/, { room: { max_participants: 10 } }],
  ['turn.relay_range_start is uint16', { turn: { ...TURN, relay_range_start: 70000 } }, 'turn.relay_range_start', /0 to 65535/, { turn: { ...TURN, relay_range_start: 30000 } }],
  ['rtc.udp_port is a port or range (rtcconfig PortRange)', { rtc: { udp_port: '7882:7883' } }, 'rtc.udp_port', /not a port or/, { rtc: { udp_port: '50000-60000' } }],
  ['rtc.udp_port range end above start', { rtc: { udp_port: '7882-7882' } }, 'rtc.udp_port', /not above start/, { rtc: { udp_port: '7882-7883' } }],
  ['rtc.node_ip is IP literals (rtcconfig NodeIP)', { rtc: { node_ip: 'node.example.org' } }, 'rtc.node_ip', /not "<ipv4>"/, { rtc: { node_ip: '203.0.113.7,2001:db8::7' } }],
  ['rtc.additional_host_ips are IPs (RTCConfig.Validate)', { rtc: { additional_host_ips: ['x'] } }, 'rtc.additional_host_ips', /not an IP address/, { rtc: { additional_host_ips: ['203.0.113.8'] } }],
  ['ICE port range end >= start (SetEphemeralUDPPortRange)', { rtc: { port_range_start: 60000, port_range_end: 50000 } }, 'rtc.port_range_end', /is below/, { rtc: { port_range_start: 50000, port_range_end: 60000 } }],
  ['single-port ICE range with use_external_ip panics', { rtc: { port_range_start: 50000, port_range_end: 50000, use_external_ip: true } }, 'rtc.port_range_end', /panics/, { rtc: { port_range_start: 50000, port_range_end: 50000, use_external_ip: false } }],
  ['keys are provided (config.go:717-719)', {}, 'keys', /no API keys/, { keys: { APIkey: 'x'.repeat(32) } }, { fromEnvironment: new Set(['webhook.api_key']) }],
  ['key_file is mounted (config.go:698-700)', { key_file: '/etc/livekit/none.yaml' }, 'key_file', /not a file the pod mounts/, { key_file: '/etc/livekit/keys.yaml' }],
  ['key_file has no "other" permission bits (config.go:701-703)', { key_file: '/etc/livekit/open.yaml' }, 'key_file', /readable by "others"/, { key_file: '/etc/livekit/keys.yaml' }],
  ['webhook needs an api_key (wire_gen.go:224-231)', {}, 'webhook.api_key', /is not set while webhook.urls is/, { webhook: { urls: [] } }, { fromEnvironment: new Set(['keys']) }],
  ['webhook api_key is one of the keys (wire_gen.go:224-231)', { webhook: { urls: ['http://x/'], api_key: 'other' } }, 'webhook.api_key', /not one of the API keys/, { webhook: { urls: ['http://x/'], api_key: 'APIkey' } }, inline],
  ['TURN needs a port (turn.go:55-56)', { turn: { enabled: true } }, 'turn.tls_port', /neither tls_port nor udp_port/, { turn: { enabled: true, udp_port: 3478 } }],
  ['TURNS needs a domain (turn.go:58-60)', { turn: { ...TURN, domain: undefined } }, 'turn.domain', /not set while turn.tls_port/, { turn: { ...TURN, domain: undefined, tls_port: 0, udp_port: 3478 } }],
  ['TURN domain is a domain (turn.go:62-64, utils.go:109-112)', { turn: { ...TURN, domain: 'turn' } }, 'turn.domain', /not a domain name/, { turn: { ...TURN, domain: 'turn.example.org.' } }],
  ['TURNS terminating TLS needs cert and key (turn.go:141-144)', { turn: { ...TURN, key_file: undefined } }, 'turn.key_file', /terminates TLS/, { turn: { ...TURN, key_file: undefined, cert_file: undefined, external_tls: true } }],
  ['TURN cert is mounted (turn.go:141)', { turn: { ...TURN, cert_file: '/tls/missing.crt' } }, 'turn.cert_file', /not a file the pod mounts/, { turn: TURN }],
  ['TURN relay range in order (pion/turn RelayAddressGeneratorPortRange)', { turn: { ...TURN, relay_range_start: 40000, relay_range_end: 30000 } }, 'turn.relay_range_end', /is below/, { turn: { ...TURN, relay_range_start: 30000, relay_range_end: 40000 } }],
  ['logging.level is a zap level (falls back to info silently)', { logging: { level: 'verbose' } }, 'logging.level', /not a log level/, { logging: { level: 'DEBUG' } }],
  ['log_level is a zap level', { log_level: 'trace' }, 'log_level', /not a log level/, { log_level: 'warn' }],
];

describe('liveKitStartupProblems', () => {
  test('the base document passes', () => {
    expect(livekit({})).toEqual([]);
  });
  // A rest parameter: jest would take a sixth declared parameter for the `done` callback.
  test.each(LIVEKIT_CASES)('%s', (...row) => {
    const [, bad, key, fragment, good, context] = row;
    const problems = livekit(bad, context);
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(`prop<${key}>: `)).toBe(true);
    expect(problems[0]).toMatch(fragment);
    expect(livekit(good, context)).toEqual([]);
  });
  test('start-up failures say the exit status is 0', () => {
    expect(livekit({ port: 'x' })[0]).toMatch(/exits with status 0/);
  });
});

const LKJWT = { LIVEKIT_URL: 'wss://example.org', LIVEKIT_KEY: { fromSecret: true as const }, LIVEKIT_SECRET: { fromSecret: true as const }, LIVEKIT_FULL_ACCESS_HOMESERVERS: 'example.org', LIVEKIT_JWT_BIND: ':8080' };
const LKJWT_CONTEXT: StartupContext = { mountedFiles: new Map([['/secrets/key', {}], ['/secrets/secret', {}]]) };
const lkjwt = (patch: Record<string, unknown>): string[] => lkJwtStartupProblems({ ...LKJWT, ...patch } as never, blame, LKJWT_CONTEXT).map((p) => `${p.path}: ${p.problem}`);
const LKJWT_CASES: Array<[string, Record<string, unknown>, string, RegExp, Record<string, unknown>]> = [
  ['LIVEKIT_URL is required (main.go:599-603)', { LIVEKIT_URL: '' }, 'env.LIVEKIT_URL', /is not set/, { LIVEKIT_URL: 'wss://sfu.example.org' }],
  ['key and secret are required (main.go:601-603)', { LIVEKIT_SECRET: undefined }, 'env.LIVEKIT_SECRET', /key or secret/, { LIVEKIT_SECRET: undefined, LIVEKIT_SECRET_FROM_FILE: '/secrets/secret' }],
  ['key files are mounted (main.go:563-575)', { LIVEKIT_KEY: undefined, LIVEKIT_KEY_FROM_FILE: '/nowhere' }, 'env.LIVEKIT_KEY_FROM_FILE', /not a file the pod mounts/, { LIVEKIT_KEY: undefined, LIVEKIT_KEY_FROM_FILE: '/secrets/key' }],
  ['FULL_ACCESS_HOMESERVERS is required (main.go:605-608)', { LIVEKIT_FULL_ACCESS_HOMESERVERS: undefined }, 'env.LIVEKIT_FULL_ACCESS_HOMESERVERS', /is not set/, { LIVEKIT_FULL_ACCESS_HOMESERVERS: '*' }],
  ['JWT_BIND and JWT_PORT not together (main.go:610-622)', { LIVEKIT_JWT_PORT: '8080' }, 'env.LIVEKIT_JWT_PORT', /together with LIVEKIT_JWT_BIND/, { LIVEKIT_JWT_PORT: '8080', LIVEKIT_JWT_BIND: undefined }],
  ['sanity interval is a non-negative integer (config.go:145-150)', { LIVEKIT_SANITY_CHECK_INTERVAL_SECONDS: '-5' }, 'env.LIVEKIT_SANITY_CHECK_INTERVAL_SECONDS', /non-negative integer/, { LIVEKIT_SANITY_CHECK_INTERVAL_SECONDS: '30' }],
  ['CS API overrides are server=url (config.go:89-105)', { LIVEKIT_CS_API_URL_OVERRIDES: 'example.org' }, 'env.LIVEKIT_CS_API_URL_OVERRIDES', /server_name=url/, { LIVEKIT_CS_API_URL_OVERRIDES: 'example.org=http://tuwunel:6167' }],
];

describe('lkJwtStartupProblems', () => {
  test('the base environment passes', () => {
    expect(lkjwt({})).toEqual([]);
  });
  test.each(LKJWT_CASES)('%s', (_name, bad, key, fragment, good) => {
    const problems = lkjwt(bad);
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(`prop<${key}>: `)).toBe(true);
    expect(problems[0]).toMatch(fragment);
    expect(lkjwt(good)).toEqual([]);
  });
});
