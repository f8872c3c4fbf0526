// extraConfig: merging, every refusal with its valid neighbour, and the generated allow-lists.
import { parseToml, parseYaml, synth } from './util';
import { LIVEKIT_KEYS, LIVEKIT_KEYS_SOURCE } from '../src/config-keys/livekit-keys';
import { TUWUNEL_KEYS, TUWUNEL_KEYS_SOURCE } from '../src/config-keys/tuwunel-keys';
import { EXTRA_CONFIG_LIMITS, ExtraConfigOptions, KeyTree, isSecretKey, mergeExtraConfig, suggest } from '../src/extra-config';
import { LIVEKIT_KEYS as HAND_LIVEKIT_KEYS, TUWUNEL_GLOBAL_KEYS, keyPaths } from './verification/allow-lists';
import { SCENARIOS } from './verification/scenarios';

const TUWUNEL: ExtraConfigOptions = {
  program: 'tuwunel',
  pathPrefix: 'homeserver.extraConfig',
  managed: new Map([['server_name', 'serverName'], ['well_known.client', 'publicHost'], ['appservice', 'homeserver.appservices']]),
  allowList: TUWUNEL_KEYS,
};
const LIVEKIT: ExtraConfigOptions = {
  program: 'livekit',
  pathPrefix: 'livekit.extraConfig',
  managed: new Map([['rtc.node_ip', 'livekit.rtc.nodeIp'], ['rtc.tcp_port', 'livekit.rtc.tcpPort'], ['turn', 'livekit.turn']]),
  allowList: LIVEKIT_KEYS,
};
const BASE = { server_name: 'example.org', port: 6167, well_known: { client: 'https://matrix.example.org', server: 'matrix.example.org:443' } };

/** Problem paths of one merge. */
function paths(extra: unknown, options = TUWUNEL): string[] {
  return mergeExtraConfig(BASE, extra, options).problems.map((p) => p.path);
}
/** The single problem of a merge (fails when there is not exactly one). */
function only(extra: unknown, options = TUWUNEL) {
  const { problems } = mergeExtraConfig(BASE, extra, options);
  expect(problems).toHaveLength(1);
  return problems[0];
}

/** Whether a hand-kept key pattern (dotted, `*`, `name[]`) names a key of the tree. */
function covers(tree: KeyTree, pattern: string): boolean {
  let node: KeyTree = tree;
  for (const part of pattern.split('.').flatMap((s) => (s.endsWith('[]') ? [s.slice(0, -2), '[]'] : [s]))) {
    if (node === 'leaf') return true; // a leaf takes any value, tables included
    const next: KeyTree | undefined = node[part] ?? node['*'];
    if (next === undefined) return false;
    node = next;
  }
  return true;
}

describe('merging', () => {
  test('an absent extraConfig returns the base unchanged', () => {
    expect(mergeExtraConfig(BASE, undefined, TUWUNEL)).toEqual({ merged: BASE, problems: [] });
  });

  test('nested maps merge key by key; base keys keep their order, extra-only keys follow sorted', () => {
    const { merged, problems } = mergeExtraConfig(BASE, { well_known: { support_page: 'https://example.org/help', support_email: 'help@example.org' }, allow_encryption: false, address: ['::'] }, TUWUNEL);
    expect(problems).toEqual([]);
    expect(Object.keys(merged)).toEqual(['server_name', 'port', 'well_known', 'address', 'allow_encryption']);
    expect(merged.well_known).toEqual({ client: 'https://matrix.example.org', server: 'matrix.example.org:443', support_email: 'help@example.org', support_page: 'https://example.org/help' });
    expect(Object.keys(merged.well_known as object)).toEqual(['client', 'server', 'support_email', 'support_page']);
  });

  test('a list replaces the base list; an unmanaged base value is overridden', () => {
    const base = { address: ['0.0.0.0', '::'], port: 6167 };
    expect(mergeExtraConfig(base, { address: ['127.0.0.1'], port: 8008 }, TUWUNEL).merged).toEqual({ address: ['127.0.0.1'], port: 8008 });
  });

  test('deterministic: key order of the input does not change the output', () => {
    const a = mergeExtraConfig(BASE, { zstd_compression: true, allow_encryption: false, well_known: { support_page: 'p', support_email: 'e' } }, TUWUNEL).merged;
    const b = mergeExtraConfig(BASE, { well_known: { support_email: 'e', support_page: 'p' }, allow_encryption: false, zstd_compression: true }, TUWUNEL).merged;
    expect(JSON.stringify(a)).toEqual(JSON.stringify(b));
  });

  test('arrays of tables are checked entry by entry (identity_provider as a list)', () => {
    const { merged, problems } = mergeExtraConfig({}, { identity_provider: [{ brand: 'github', client_id: 'abc' }] }, TUWUNEL);
    expect(problems).toEqual([]);
    expect(merged).toEqual({ identity_provider: [{ brand: 'github', client_id: 'abc' }] });
    expect(paths({ identity_provider: [{ brand: 'github', clientid: 'abc' }] })).toEqual(['homeserver.extraConfig.identity_provider[0].clientid']);
  });

  test('maps keyed by ids take any id (storage_provider.<id>.local)', () => {
    expect(paths({ storage_provider: { media: { local: { base_path: '/data' } } } })).toEqual([]);
    expect(paths({ storage_provider: { media: { local: { base_paht: '/data' } } } })).toEqual(['homeserver.extraConfig.storage_provider.media.local.base_paht']);
  });

  test('refused keys are left out of the merge', () => {
    const { merged } = mergeExtraConfig(BASE, { allow_encryption: false, no_such_key: 1 }, TUWUNEL);
    expect(merged).toEqual({ ...BASE, allow_encryption: false });
  });
});

describe('refusals', () => {
  test('not a map', () => {
    expect(only(['a']).problem).toMatch(/must be a map of config keys, got a list/);
    expect(only('x').path).toBe('homeserver.extraConfig');
    expect(paths({})).toEqual([]);
  });

  test('values that are not JSON-like data', () => {
    class Thing {}
    const bad = {
      allow_encryption: () => true,
      port: NaN,
      log: new Thing(),
      new_user_displayname_suffix: undefined,
      admin_room_tag: null,
      ip_range_denylist: [Infinity],
    };
    const problems = mergeExtraConfig({}, bad, TUWUNEL).problems;
    expect(problems.map((p) => p.path).sort()).toEqual([
      'homeserver.extraConfig.admin_room_tag', 'homeserver.extraConfig.allow_encryption', 'homeserver.extraConfig.ip_range_denylist[0]',
      'homeserver.extraConfig.log', 'homeserver.extraConfig.new_user_displayname_suffix', 'homeserver.extraConfig.port',
    ]);
    expect(problems.find((p) => p.path.endsWith('admin_room_tag'))?.consequence).toMatch(/TOML has no null/);
    expect(problems.find((p) => p.path.endsWith('.log'))?.problem).toMatch(/instance of Thing/);
    expect(paths({ allow_encryption: true, port: 8008, log: 'info', ip_range_denylist: ['10.0.0.0/8'], new_user_displayname_suffix: '' })).toEqual([]);
  });

  test('a key the construct manages names the prop to use instead', () => {
    const p = only({ server_name: 'other.org' });
    expect(p.path).toBe('homeserver.extraConfig.server_name');
    expect(p.problem).toMatch(/set by the construct from serverName/);
    expect(p.fix).toMatch(/set serverName instead/);
    expect(only({ well_known: { client: 'https://x' } }).fix).toMatch(/publicHost/);
    // The neighbour of a managed key is free.
    expect(paths({ well_known: { support_page: 'https://x' } })).toEqual([]);
  });

  test('a child of a managed key, and a scalar replacing a table holding one, are refused', () => {
    expect(only({ appservice: { bridge: { url: 'http://b' } } }).fix).toMatch(/homeserver\.appservices/);
    expect(only({ well_known: 'https://x' }).fix).toMatch(/publicHost/);
    expect(only({ turn: { udp_port: 3478 } }, LIVEKIT).path).toBe('livekit.extraConfig.turn');
    expect(paths({ rtc: { udp_port: '50000-50100' } }, LIVEKIT)).toEqual([]);
    expect(only({ rtc: { node_ip: '1.2.3.4' } }, LIVEKIT).fix).toMatch(/livekit\.rtc\.nodeIp/);
  });

  test('managed keys with a wildcard segment', () => {
    const options = { ...TUWUNEL, managed: new Map([['identity_provider.*.callback_url', 'homeserver.sso']]) };
    expect(only({ identity_provider: { gh: { callback_url: 'https://x' } } }, options).path).toBe('homeserver.extraConfig.identity_provider.gh.callback_url');
    expect(paths({ identity_provider: { gh: { brand: 'github' } } }, options)).toEqual([]);
  });

  test('an unknown Tuwunel key is refused with the nearest known key, saying Tuwunel would only warn', () => {
    const p = only({ allow_registraton: true });
    expect(p.problem).toMatch(/is not a config key Tuwunel v1\.9\.0 reads/);
    expect(p.consequence).toMatch(/only log a warning/);
    expect(p.fix).toBe('did you mean allow_registration?');
    expect(only({ well_known: { suport_email: 'a@b' } }).fix).toBe('did you mean well_known.support_email?');
    expect(paths({ allow_registration: true })).toEqual([]);
  });

  test('an unknown key at the wrong level points at where it lives', () => {
    expect(only({ support_email: 'a@b' }).fix).toBe('did you mean well_known.support_email? (nest it there)');
  });

  test('a misplaced key inside a map of ids is shown with <id>', () => {
    expect(only({ sender_localpart: 'bot' }).fix).toBe('did you mean appservice.<id>.sender_localpart? (nest it there)');
  });

  test('null in LiveKit config would only mean the default', () => {
    expect(only({ region: null }, LIVEKIT).consequence).toMatch(/read it as its default/);
  });

  test('an unknown key with nothing near is pointed at the generated list', () => {
    expect(only({ zzzzzzzzzzzz: 1 }).fix).toMatch(/src\/config-keys\/tuwunel-keys\.ts/);
  });

  test('an unknown LiveKit key is refused because LiveKit would not start', () => {
    const p = only({ room: { empty_timout: 30 } }, LIVEKIT);
    expect(p.path).toBe('livekit.extraConfig.room.empty_timout');
    expect(p.consequence).toMatch(/refuse to start/);
    expect(p.fix).toBe('did you mean room.empty_timeout?');
    expect(paths({ room: { empty_timeout: 30 } }, LIVEKIT)).toEqual([]);
  });

  test('an empty struct (sip) takes no keys', () => {
    expect(paths({ sip: {} }, LIVEKIT)).toEqual([]);
    expect(paths({ sip: { anything: 1 } }, LIVEKIT)).toEqual(['livekit.extraConfig.sip.anything']);
  });

  test('dotted keys are refused with the nested form', () => {
    const p = only({ 'well_known.support_page': 'x' });
    expect(p.path).toBe('homeserver.extraConfig["well_known.support_page"]');
    expect(p.fix).toBe('nest it as { well_known: { support_page: … } }');
  });

  test('empty and __proto__ keys are refused', () => {
    expect(paths({ '': 1 })).toEqual(['homeserver.extraConfig[""]']);
    expect(paths(JSON.parse('{"__proto__": {"a": 1}}'))).toEqual(['homeserver.extraConfig.__proto__']);
  });

  test.each([
    ['tuwunel', { registration_token: 'x' }, 'homeserver.extraConfig.registration_token'],
    ['tuwunel', { registration_token_file: '/x' }, 'homeserver.extraConfig.registration_token_file'],
    ['tuwunel', { emergency_password: 'x' }, 'homeserver.extraConfig.emergency_password'],
    ['tuwunel', { turn_secret: 'x' }, 'homeserver.extraConfig.turn_secret'],
    ['tuwunel', { ldap: { bind_password_file: '/x' } }, 'homeserver.extraConfig.ldap.bind_password_file'],
    ['tuwunel', { identity_provider: [{ client_secret: 'x' }] }, 'homeserver.extraConfig.identity_provider[0].client_secret'],
    ['tuwunel', { tls: { key: '/x' } }, 'homeserver.extraConfig.tls.key'],
    ['tuwunel', { Registration_Shared_SECRET: 'x' }, 'homeserver.extraConfig.Registration_Shared_SECRET'],
    ['livekit', { keys: { k: 's' } }, 'livekit.extraConfig.keys'],
    ['livekit', { key_file: '/x' }, 'livekit.extraConfig.key_file'],
    ['livekit', { webhook: { api_key: 'k' } }, 'livekit.extraConfig.webhook.api_key'],
    ['livekit', { redis: { password: 'x' } }, 'livekit.extraConfig.redis.password'],
    ['livekit', { rtc: { turn_servers: [{ host: 'h', credential: 'c' }] } }, 'livekit.extraConfig.rtc.turn_servers[0].credential'],
  ])('%s secret key %j is refused with a pointer to the Secret-based props', (program, extra, path) => {
    const p = only(extra, program === 'tuwunel' ? TUWUNEL : LIVEKIT);
    expect(p.path).toBe(path);
    expect(p.problem).toMatch(/holds a secret/);
    expect(p.fix).toMatch(program === 'tuwunel' ? /registrationTokenExistingSecret/ : /livekit\.keys\.existingSecret/);
  });

  test('secret-looking keys that hold no secret pass', () => {
    expect(paths({ refresh_token_ttl: 3600, login_with_password: true, login_via_token: false, well_known: { support_pgp_key: 'ABCD' } })).toEqual([]);
    expect(paths({ rtc: { turn_servers: [{ host: 'h', port: 3478, protocol: 'udp' }] } }, LIVEKIT)).toEqual([]);
    expect(isSecretKey('token_url')).toBe(false);
    expect(isSecretKey('oidc_registration_access_token')).toBe(true);
  });

  test('a URL with a password is refused; one without passes', () => {
    expect(only({ smtp: { connection_uri: 'smtps://user:hunter2@mail.example.org' } }).problem).toMatch(/URL with a password/);
    expect(paths({ smtp: { connection_uri: 'smtps://mail.example.org:465' } })).toEqual([]);
  });

  test('more keys than the limit', () => {
    const many = (n: number) => ({ storage_provider: Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, {}])) });
    // 1 key for storage_provider itself, n for the providers.
    expect(paths(many(EXTRA_CONFIG_LIMITS.maxKeys - 1))).toEqual([]);
    const p = only(many(EXTRA_CONFIG_LIMITS.maxKeys));
    expect(p.problem).toMatch(/more than 1000 keys/);
  });

  test('nesting deeper than the limit', () => {
    const nest = (depth: number): Record<string, unknown> => (depth === 1 ? { a: 1 } : { a: nest(depth - 1) });
    // extra_authorization_parameters is a free-form map (a leaf), so any depth is a known path.
    const deep = (n: number) => ({ identity_provider: { gh: { extra_authorization_parameters: nest(n) } } });
    expect(paths(deep(EXTRA_CONFIG_LIMITS.maxDepth - 3))).toEqual([]);
    expect(only(deep(EXTRA_CONFIG_LIMITS.maxDepth - 2)).problem).toMatch(/nests deeper than 10 levels/);
  });

  test('more data than the byte limit', () => {
    expect(only({ ip_range_denylist: ['x'.repeat(EXTRA_CONFIG_LIMITS.maxBytes)] }).problem).toMatch(/bytes of data/);
    expect(paths({ ip_range_denylist: ['x'.repeat(1000)] })).toEqual([]);
  });
});

describe('suggest', () => {
  test('nearest within the limit, transpositions count once, case and camelCase folded', () => {
    expect(suggest('prot', ['port', 'address'])).toBe('port');
    expect(suggest('serverName', ['server_name', 'port'])).toBe('server_name');
    expect(suggest('emptyTimeout', ['empty_timeout'])).toBe('empty_timeout');
    expect(suggest('abcdefghijkl', ['abcdefghxxxx'])).toBeUndefined();
    expect(suggest('db', ['a'])).toBeUndefined();
  });
});

describe('generated allow-lists', () => {
  test('name the program version and source commits', () => {
    expect(TUWUNEL_KEYS_SOURCE).toMatchObject({ version: 'v1.9.0', commit: '5b3669144219d5d4c0774743c84191b476f1b54f', files: ['src/core/config/mod.rs', 'src/core/config/proxy.rs'] });
    expect(LIVEKIT_KEYS_SOURCE).toMatchObject({ version: 'v1.13.5', commit: '3b9f118327b257301083a7c4aa46076c8012918a' });
    expect(LIVEKIT_KEYS_SOURCE.dependencies.map((d) => d.commit)).toEqual(['28e604c046c6aec29757cabed341b86458cc40f9', '77f742a4bb32a3a4fcfe951f5d5e4a5dadb8312b']);
  });

  test.each([
    // tuwunel v1.9.0 src/core/config/mod.rs: struct Config, WellKnownConfig, IdentityProvider, AppService, StorageProviderLocal
    'url_preview_domain_explicit_allowlist', 'well_known.support_email', 'identity_provider[].client_id', 'identity_provider.*.client_id',
    'appservice.*.users[].regex', 'storage_provider.*.local.base_path', 'storage_provider.*.S3.bucket', 'proxy.by_domain[].url',
    // serde aliases: log_colours (mod.rs:1560), conduit_cache_capacity_modifier (mod.rs:239)
    'log_colours', 'conduit_cache_capacity_modifier', 'address', 'port',
  ])('tuwunel reads %s', (key) => {
    expect(covers(TUWUNEL_KEYS, key)).toBe(true);
  });

  test.each([
    // livekit v1.13.5 pkg/config/config.go (RoomConfig, TURNConfig, LoggingConfig), mediatransportutil rtcconfig/config.go, protocol logger/config.go
    'rtc.port_range_start', 'room.empty_timeout', 'logging.json', 'turn.external_tls', 'logging.pion_level',
    'rtc.udp_port', 'rtc.use_external_ip', 'rtc.turn_servers[].host', 'redis.tls.server_name', 'room.room_configurations.*',
  ])('livekit reads %s', (key) => {
    expect(covers(LIVEKIT_KEYS, key)).toBe(true);
  });

  test.each([
    ['tuwunel', 'catchall'], // #[serde(flatten)] catch-all, not a key
    ['tuwunel', 'well_known.nonsense'],
    ['livekit', 'rtc.node_ip_auto_generated'], // yaml:"-"
    ['livekit', 'rtc.nodeipautogenerated'],
    ['livekit', 'rtc.rtcconfig'], // inline embedding: no key of its own
    ['livekit', 'logging.config'],
    ['livekit', 'redis.tls.serverName'], // json tag, not the yaml one
  ])('%s does not read %s', (program, key) => {
    expect(covers(program === 'tuwunel' ? TUWUNEL_KEYS : LIVEKIT_KEYS, key)).toBe(false);
  });

  test('contain every key of the hand-kept verification lists', () => {
    expect(TUWUNEL_GLOBAL_KEYS.filter((k) => !covers(TUWUNEL_KEYS, k))).toEqual([]);
    // protocol xtls/tls.go:18-30 tags these server_name, ca_cert_file, …; the camelCase names are its json tags.
    const jsonNames = ['redis.tls.serverName', 'redis.tls.caCertFile', 'redis.tls.clientCertFile', 'redis.tls.clientKeyFile'];
    expect(HAND_LIVEKIT_KEYS.map((k) => k.path).filter((k) => !covers(LIVEKIT_KEYS, k))).toEqual(jsonNames);
  });

  test('contain every key the construct writes in any verification scenario', () => {
    const missing = new Set<string>();
    const seen = { tuwunel: 0, livekit: 0 };
    for (const s of SCENARIOS) {
      for (const o of synth(s.props, s.namespace ?? null)) {
        if (o.kind !== 'ConfigMap') continue;
        const data = (o.data ?? {}) as Record<string, string>;
        if (data['tuwunel.toml'] !== undefined) seen.tuwunel++;
        if (data['config.yaml'] !== undefined) seen.livekit++;
        if (data['tuwunel.toml'] !== undefined) keyPaths(parseToml(data['tuwunel.toml']).global).filter((k) => !covers(TUWUNEL_KEYS, k)).forEach((k) => missing.add(`tuwunel ${k}`));
        if (data['config.yaml'] !== undefined) keyPaths(parseYaml(data['config.yaml'])).filter((k) => !covers(LIVEKIT_KEYS, k)).forEach((k) => missing.add(`livekit ${k}`));
      }
    }
    expect([...missing]).toEqual([]);
    expect(seen.tuwunel).toBeGreaterThan(10);
    expect(seen.livekit).toBeGreaterThan(10);
  });
});
