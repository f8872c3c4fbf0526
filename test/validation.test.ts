// Validation across the stack: every rule, its message and its valid neighbour.
import { Size } from 'cdk8s';
import { EXTERNAL_PROPS, MINIMAL_PROPS, RuleCase, testRuleTable, problemLines, problemsAt, synthErrors, synthErrorsWithoutNamespace, TEST_API_SECRET, TEST_DIGEST } from './util';
import { MatrixChatProps } from '../src';
import { show } from '../src/validation';

const M = MINIMAL_PROPS;
const SERVER = 'matrix.example.org';

/** MINIMAL_PROPS with homeserver settings merged in. */
function hs(homeserver: MatrixChatProps['homeserver']): MatrixChatProps {
  return { ...M, homeserver: { ...M.homeserver, ...homeserver } };
}
/** MINIMAL_PROPS with LiveKit settings merged in. */
function lk(livekit: MatrixChatProps['livekit']): MatrixChatProps {
  return { ...M, livekit: { ...M.livekit, ...livekit } };
}
/** MINIMAL_PROPS with LiveKit keys replaced. */
function keys(k: NonNullable<MatrixChatProps['livekit']>['keys']): MatrixChatProps {
  return { ...M, livekit: { keys: k } };
}
/** MINIMAL_PROPS with a TURN relay. */
function turn(t: NonNullable<MatrixChatProps['livekit']>['turn']): MatrixChatProps {
  return lk({ turn: { enabled: true, ...t } });
}
/** The external-LiveKit props with LiveKit settings replaced. */
function external(livekit: MatrixChatProps['livekit']): MatrixChatProps {
  return { ...EXTERNAL_PROPS, livekit: { enabled: false, ...livekit } };
}
/** MINIMAL_PROPS with ingress settings. */
function ing(ingress: MatrixChatProps['ingress']): MatrixChatProps {
  return { ...M, ingress };
}

const GOOD_TURN = { domain: 'turn.matrix.example.org', tls: { existingSecret: 'turn-tls' } };
const EXT_SECRET = { existingSecret: { name: 'operator-livekit-creds' } };
const EXT_URL = 'wss://livekit.operator.example';

/**
 * One row per rule: the props that break it, a valid neighbour that differs only in that
 * respect, the prop path the message must lead with, and part of the reason it must give.
 */
type Rule = RuleCase;

const RULES: Rule[] = [
  // server name and names
  ['serverName empty', { ...M, serverName: '' }, M, 'serverName', 'not a fully-qualified lowercase DNS name'],
  ['serverName uppercase', { ...M, serverName: 'Matrix.Example.org' }, { ...M, serverName: 'matrix.example.org' }, 'serverName', 'DNS name'],
  ['serverName with one label', { ...M, serverName: 'localhost' }, { ...M, serverName: 'chat.localhost' }, 'serverName', 'DNS name'],
  ['serverName with a scheme', { ...M, serverName: 'https://matrix.example.org' }, M, 'serverName', 'DNS name'],
  ['namePrefix invalid', { ...M, namePrefix: 'Chat_' }, { ...M, namePrefix: 'chat-' }, 'namePrefix', 'not a valid name prefix'],
  ['namePrefix makes names longer than 63', { ...M, namePrefix: 'a'.repeat(40) }, { ...M, namePrefix: 'a'.repeat(35) }, 'namePrefix', 'longest object name 64 characters'],
  ['namePrefix makes the StatefulSet longer than 52', { ...M, namePrefix: 'a'.repeat(36) }, { ...M, namePrefix: 'a'.repeat(35) }, 'namePrefix', 'StatefulSet name'],
  // registration token
  ['open registration without a token', { ...M, homeserver: {} }, { ...M, homeserver: { allowRegistration: false } }, 'homeserver.allowRegistration', 'no registration token'],
  ['inline token and existing Secret', hs({ registrationToken: 'abc' }), hs({}), 'homeserver.registrationToken', 'together with homeserver.registrationTokenExistingSecret'],
  ['token with whitespace', { ...M, homeserver: { registrationToken: 'two words' } }, { ...M, homeserver: { registrationToken: 'two-words' } }, 'homeserver.registrationToken', 'whitespace'],
  ['empty token', { ...M, homeserver: { registrationToken: '' } }, { ...M, homeserver: { registrationToken: 'x' } }, 'homeserver.registrationToken', 'is empty'],
  ['token Secret name invalid', hs({ registrationTokenExistingSecret: { name: 'Bad Name' } }), hs({ registrationTokenExistingSecret: { name: 'good-name' } }), 'homeserver.registrationTokenExistingSecret.name', 'not a valid Secret name'],
  ['token Secret key invalid', hs({ registrationTokenExistingSecret: { name: 's', key: 'bad key!' } }), hs({ registrationTokenExistingSecret: { name: 's', key: 'token.txt' } }), 'homeserver.registrationTokenExistingSecret.key', 'not a valid Secret key'],
  // homeserver settings
  ['maxRequestSize zero', hs({ maxRequestSize: 0 }), hs({ maxRequestSize: 10_000_000 }), 'homeserver.maxRequestSize', 'positive whole number of bytes'],
  ['maxRequestSize fractional', hs({ maxRequestSize: 10_000_000.5 }), hs({ maxRequestSize: 10_000_001 }), 'homeserver.maxRequestSize', 'positive whole number'],
  // Tuwunel src/core/config/check.rs: `if config.max_request_size < 10_000_000` → "Max request size is less than 10MB".
  ['maxRequestSize below Tuwunel minimum', hs({ maxRequestSize: 9_999_999 }), hs({ maxRequestSize: 10_000_000 }), 'homeserver.maxRequestSize', 'Max request size is less than 10MB'],
  ['livekitServiceUrl ending in /sfu', hs({ livekitServiceUrl: `https://${SERVER}/sfu` }), hs({ livekitServiceUrl: `https://${SERVER}` }), 'homeserver.livekitServiceUrl', 'ends in "/sfu"'],
  ['livekitServiceUrl ending in /sfu/', hs({ livekitServiceUrl: `https://${SERVER}/sfu/` }), hs({ livekitServiceUrl: `https://${SERVER}/jwt/` }), 'homeserver.livekitServiceUrl', 'Element Call appends'],
  ['livekitServiceUrl not a URL', hs({ livekitServiceUrl: SERVER }), hs({ livekitServiceUrl: `https://${SERVER}` }), 'homeserver.livekitServiceUrl', 'not an http(s) URL'],
  ['persistence size invalid', hs({ persistence: { size: 'ten gigs' } }), hs({ persistence: { size: '20Gi' } }), 'homeserver.persistence.size', 'not a storage quantity'],
  ['existingClaim while persistence is disabled', hs({ persistence: { enabled: false, existingClaim: 'db' } }), hs({ persistence: { enabled: true, existingClaim: 'db' } }), 'homeserver.persistence.existingClaim', 'persistence.enabled is false'],
  ['existingClaim name invalid', hs({ persistence: { existingClaim: 'DB_Claim' } }), hs({ persistence: { existingClaim: 'db-claim' } }), 'homeserver.persistence.existingClaim', 'not a claim name'],
  ['storageClassName invalid', hs({ persistence: { storageClassName: 'Fast SSD' } }), hs({ persistence: { storageClassName: 'fast-ssd' } }), 'homeserver.persistence.storageClassName', 'not a StorageClass name'],
  // images
  ['image tag latest', hs({ image: { tag: 'latest' } }), hs({ image: { tag: 'v1.9.0' } }), 'homeserver.image.tag', '"latest" is not a pinned version'],
  ['image without tag or digest', { ...M, lkJwt: { image: { digest: '' } } }, { ...M, lkJwt: { image: { digest: '', tag: 'sha-0123abc' } } }, 'lkJwt.image', 'neither a tag nor a digest'],
  ['homeserver image tag cleared', hs({ image: { tag: '' } }), hs({ image: { tag: '', digest: TEST_DIGEST } }), 'homeserver.image', 'neither a tag nor a digest'],
  ['image digest malformed', lk({ image: { digest: 'sha256:xyz' } }), lk({ image: { digest: TEST_DIGEST } }), 'livekit.image.digest', 'not a sha256 digest'],
  ['image tag malformed', lk({ image: { tag: 'v1.13.5!' } }), lk({ image: { tag: 'v1.13.5' } }), 'livekit.image.tag', 'not a valid image tag'],
  ['image registry with a scheme', hs({ image: { registry: 'https://ghcr.io' } }), hs({ image: { registry: 'registry.example.org:5000/mirror' } }), 'homeserver.image.registry', 'not a registry host'],
  ['image repository uppercase', { ...M, lkJwt: { image: { repository: 'Element-HQ/lk-jwt' } } }, { ...M, lkJwt: { image: { repository: 'element-hq/lk-jwt' } } }, 'lkJwt.image.repository', 'not a repository name'],
  // ports
  ['homeserver port below 1024', hs({ clientPort: 80 }), hs({ clientPort: 8448 }), 'homeserver.clientPort', 'not a port from 1024 to 65535'],
  ['homeserver port above 65535', hs({ clientPort: 70000 }), hs({ clientPort: 65535 }), 'homeserver.clientPort', '1024 to 65535'],
  ['LiveKit UDP port zero', lk({ rtc: { udpPort: 0 } }), lk({ rtc: { udpPort: 1024 } }), 'livekit.rtc.udpPort', '1024 to 65535'],
  ['LiveKit signaling port fractional', lk({ rtc: { signalingPort: 7880.5 } }), lk({ rtc: { signalingPort: 7890 } }), 'livekit.rtc.signalingPort', '1024 to 65535'],
  ['TURN port 443 in the container', turn({ ...GOOD_TURN, tlsPort: 443 }), turn({ ...GOOD_TURN, tlsPort: 5349 }), 'livekit.turn.tlsPort', '1024 to 65535'],
  ['duplicate LiveKit ports', lk({ rtc: { tcpPort: 7880 } }), lk({ rtc: { tcpPort: 7890 } }), 'livekit.rtc.tcpPort', 'also used by livekit.rtc.signalingPort'],
  ['TURN port equal to the UDP port', turn({ ...GOOD_TURN, tlsPort: 7882 }), turn({ ...GOOD_TURN, tlsPort: 7883 }), 'livekit.turn.tlsPort', 'also used by livekit.rtc.udpPort'],
  // LiveKit credentials
  ['LiveKit without credentials', { ...M, livekit: {} }, M, 'livekit.keys', 'no credentials'],
  ['inline secret shorter than 32', keys({ apiKey: 'APIchat', apiSecret: 'x'.repeat(31) }), keys({ apiKey: 'APIchat', apiSecret: 'x'.repeat(32) }), 'livekit.keys.apiSecret', 'fewer than 32'],
  ['inline keys and existing Secret', keys({ apiKey: 'APIchat', apiSecret: TEST_API_SECRET, existingSecret: { name: 'lk' } }), keys({ existingSecret: { name: 'lk' } }), 'livekit.keys.apiKey', 'together with livekit.keys.existingSecret'],
  ['only apiKey', keys({ apiKey: 'APIchat' }), keys({ apiKey: 'APIchat', apiSecret: TEST_API_SECRET }), 'livekit.keys.apiSecret', 'is not set while livekit.keys.apiKey is'],
  ['only apiSecret', keys({ apiSecret: TEST_API_SECRET }), keys({ apiKey: 'APIchat', apiSecret: TEST_API_SECRET }), 'livekit.keys.apiKey', 'is not set while livekit.keys.apiSecret is'],
  ['apiKey with a control character', keys({ apiKey: 'API\nchat', apiSecret: TEST_API_SECRET }), keys({ apiKey: 'API chat', apiSecret: TEST_API_SECRET }), 'livekit.keys.apiKey', 'control characters'],
  ['apiSecret with a trailing newline', keys({ apiKey: 'APIchat', apiSecret: `${TEST_API_SECRET}\n` }), keys({ apiKey: 'APIchat', apiSecret: TEST_API_SECRET }), 'livekit.keys.apiSecret', 'control characters or leading/trailing whitespace'],
  ['existing Secret key name invalid', keys({ existingSecret: { name: 'lk', apiKeyKey: 'api key' } }), keys({ existingSecret: { name: 'lk', apiKeyKey: 'api-key' } }), 'livekit.keys.existingSecret.apiKeyKey', 'not a valid Secret key'],
  // RTC
  ['nodeIp not an IP', lk({ rtc: { nodeIp: '203.0.113' } }), lk({ rtc: { nodeIp: '203.0.113.10' } }), 'livekit.rtc.nodeIp', 'not an IPv4 or IPv6 address'],
  ['nodeIp a host name', lk({ rtc: { nodeIp: 'lb.example.org' } }), lk({ rtc: { nodeIp: '2001:db8::10' } }), 'livekit.rtc.nodeIp', 'not an IPv4 or IPv6 address'],
  ['serviceLabels invalid', lk({ rtc: { serviceLabels: { pool: 'not valid!' } } }), lk({ rtc: { serviceLabels: { pool: 'public' } } }), 'livekit.rtc.serviceLabels.pool', 'not a valid label value'],
  ['serviceAnnotations key invalid', lk({ rtc: { serviceAnnotations: { 'bad key': 'x' } } }), lk({ rtc: { serviceAnnotations: { 'example.org/ip': 'x' } } }), 'livekit.rtc.serviceAnnotations.bad key', 'not a valid annotation key'],
  // TURN
  ['TURN without domain', turn({ tls: { existingSecret: 'turn-tls' } }), turn(GOOD_TURN), 'livekit.turn.domain', 'is not set'],
  ['TURN without TLS Secret', turn({ domain: 'turn.matrix.example.org' }), turn(GOOD_TURN), 'livekit.turn.tls.existingSecret', 'is not set'],
  ['TURN domain equal to serverName', turn({ ...GOOD_TURN, domain: SERVER }), turn(GOOD_TURN), 'livekit.turn.domain', 'equals serverName'],
  ['TURN domain not a DNS name', turn({ ...GOOD_TURN, domain: 'turn_server' }), turn({ ...GOOD_TURN, domain: 'turn.example.net' }), 'livekit.turn.domain', 'not a fully-qualified lowercase DNS name'],
  ['TURN cert key invalid', turn({ ...GOOD_TURN, tls: { existingSecret: 'turn-tls', certKey: 'cert key' } }), turn({ ...GOOD_TURN, tls: { existingSecret: 'turn-tls', certKey: 'cert.pem' } }), 'livekit.turn.tls.certKey', 'not a valid Secret key'],
  // external LiveKit
  ['external without existingSecret.name', external({ publicUrl: EXT_URL }), external({ publicUrl: EXT_URL, keys: EXT_SECRET }), 'livekit.keys.existingSecret.name', 'required when livekit.enabled is false'],
  ['external without publicUrl', external({ keys: EXT_SECRET }), external({ keys: EXT_SECRET, publicUrl: EXT_URL }), 'livekit.publicUrl', 'required when livekit.enabled is false'],
  ['external with inline keys', external({ publicUrl: EXT_URL, keys: { ...EXT_SECRET, apiKey: 'APIchat', apiSecret: TEST_API_SECRET } }), external({ publicUrl: EXT_URL, keys: EXT_SECRET }), 'livekit.keys.apiKey', 'livekit.enabled is false'],
  ['publicUrl not ws(s)', external({ keys: EXT_SECRET, publicUrl: 'https://livekit.operator.example' }), external({ keys: EXT_SECRET, publicUrl: 'ws://livekit.operator.example' }), 'livekit.publicUrl', 'not a ws:// or wss:// URL'],
  ['bundled publicUrl not ws(s)', lk({ publicUrl: 'matrix.example.org' }), lk({ publicUrl: 'wss://matrix.example.org' }), 'livekit.publicUrl', 'not a ws:// or wss:// URL'],
  // ingress
  ['ingress className invalid', ing({ className: 'Nginx Ingress' }), ing({ className: 'nginx-internal' }), 'ingress.className', 'not an IngressClass name'],
  ['whitelistSourceRange not a CIDR', ing({ whitelistSourceRange: ['10.0.0.0/8', '10.0.0.0/33'] }), ing({ whitelistSourceRange: ['10.0.0.0/8', '10.0.0.0/32'] }), 'ingress.whitelistSourceRange[1]', 'not a CIDR'],
  ['clusterIssuer without TLS', ing({ tls: { clusterIssuer: 'letsencrypt' } }), ing({ tls: { enabled: true, clusterIssuer: 'letsencrypt' } }), 'ingress.tls.clusterIssuer', 'ingress.tls.enabled is false'],
  ['clusterIssuer name invalid', ing({ tls: { enabled: true, clusterIssuer: 'Lets Encrypt' } }), ing({ tls: { enabled: true, clusterIssuer: 'lets-encrypt' } }), 'ingress.tls.clusterIssuer', 'not a ClusterIssuer name'],
  ['TLS secretName invalid', ing({ tls: { enabled: true, secretName: 'My_Cert' } }), ing({ tls: { enabled: true, secretName: 'my-cert' } }), 'ingress.tls.secretName', 'not a Secret name'],
  ['ingress annotation key invalid', ing({ annotations: { 'bad key': 'x' } }), ing({ annotations: { 'example.org/key': 'x' } }), 'ingress.annotations.bad key', 'not a valid annotation key'],
  // shared props
  ['label key invalid', { ...M, labels: { 'bad key': 'x' } }, { ...M, labels: { 'example.org/key': 'x' } }, 'labels.bad key', 'not a valid label key'],
  ['label value invalid', { ...M, labels: { team: 'plat form' } }, { ...M, labels: { team: 'platform' } }, 'labels.team', 'not a valid label value'],
  ['nodeSelector invalid', { ...M, scheduling: { nodeSelector: { 'kubernetes.io/os': 'linux/amd64' } } }, { ...M, scheduling: { nodeSelector: { 'kubernetes.io/os': 'linux' } } }, 'scheduling.nodeSelector.kubernetes.io/os', 'not a valid label value'],
  ['imagePullSecrets invalid', { ...M, imagePullSecrets: ['regcred', 'Reg_Cred'] }, { ...M, imagePullSecrets: ['regcred', 'reg-cred'] }, 'imagePullSecrets[1]', 'not a valid Secret name'],
  ['resources not expressible', hs({ resources: { memory: { request: Size.gibibytes(0.001) } } }), hs({ resources: { memory: { request: Size.mebibytes(512) } } }), 'homeserver.resources.memory.request', 'cannot be expressed as a Kubernetes quantity'],
];

describe('validation rules', () => {
  testRuleTable(RULES);

  test('traefik without a namespace: reported at ingress.className', () => {
    const props = ing({ className: 'traefik' });
    const lines = problemsAt(props, 'ingress.className', false);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('needs the namespace');
    expect(synthErrorsWithoutNamespace(ing({ className: 'nginx' }))).toBe('');
    expect(synthErrors(props)).toBe('');
  });

  test('the table covers every rule once', () => {
    expect(new Set(RULES.map((r) => r[0])).size).toBe(RULES.length);
  });
});

describe('all errors at once', () => {
  test('several problems in different components come back in ONE synth error', () => {
    const props: MatrixChatProps = {
      serverName: 'Not A Server',
      namePrefix: 'Bad_',
      homeserver: { clientPort: 80, livekitServiceUrl: 'https://matrix.example.org/sfu' },
      livekit: { keys: { apiKey: 'APIchat', apiSecret: 'short' }, rtc: { nodeIp: 'nope' }, turn: { enabled: true } },
      ingress: { tls: { clusterIssuer: 'letsencrypt' } },
      labels: { 'bad key': 'x' },
    };
    // One synth, one thrown error, every problem in it.
    const message = synthErrors(props);
    expect(message.startsWith('Validation failed with the following errors:')).toBe(true);
    expect(message.match(/Validation failed/g)).toHaveLength(1);
    const paths = problemLines(message).map((line) => line.slice(0, line.indexOf(': ')));
    for (const expected of [
      'serverName',
      'namePrefix',
      'homeserver.allowRegistration',
      'homeserver.clientPort',
      'homeserver.livekitServiceUrl',
      'livekit.keys.apiSecret',
      'livekit.rtc.nodeIp',
      'livekit.turn.domain',
      'livekit.turn.tls.existingSecret',
      'ingress.tls.clusterIssuer',
      'labels.bad key',
    ]) {
      expect(paths).toContain(expected);
    }
  });

  test('a construction-time conversion problem does not hide the others', () => {
    const message = synthErrors({ ...M, serverName: 'BAD', homeserver: { resources: { memory: { limit: Size.gibibytes(0.001) } } } });
    const paths = problemLines(message).map((line) => line.slice(0, line.indexOf(': ')));
    expect(paths).toEqual(expect.arrayContaining(['serverName', 'homeserver.allowRegistration', 'homeserver.resources.memory.limit']));
  });
});

describe('one problem, one message', () => {
  // An invalid livekit.publicUrl is reported twice: once by MatrixChat (src/matrix-chat.ts,
  // checks props.livekit.publicUrl) and again by LkJwt (src/lk-jwt.ts, checks the same URL as
  // props.livekitUrl). Users read the same error twice.
  test('an invalid publicUrl is reported once', () => {
    expect(problemsAt(lk({ publicUrl: 'https://matrix.example.org' }), 'livekit.publicUrl')).toHaveLength(1);
  });
});

describe('messages quote any value', () => {
  test('an object String() cannot convert (null prototype, as JSON parsers and fuzzers make) is quoted, not a TypeError', () => {
    expect(show(Object.create(null))).toBe('[object Object]');
    expect(show({ toString: 1 })).toBe('[object Object]');
    const admins = Object.assign(Object.create(null), { '@a:matrix.example.org': true });
    expect(problemLines(synthErrors({ ...MINIMAL_PROPS, homeserver: { ...MINIMAL_PROPS.homeserver, admins } }))).toEqual([
      expect.stringMatching(/^homeserver\.admins: \[object Object\] is not a list of user IDs/),
    ]);
  });
});
