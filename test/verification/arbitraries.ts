/** fast-check generators of MatrixChatProps: valid ones, and hostile values in every string and number field. */
import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { MatrixChatProps } from '../../src';

/** Strings that break naive YAML/TOML/env/label handling. */
export const HOSTILE_STRINGS: readonly string[] = [
  '', ' ', '  padded  ', '"', '\'', '"quoted"', '\n', 'line1\nline2', '\r\n', '\t', '#', '# comment', 'a#b', '=', 'a=b', ': ', 'key: value',
  'a:b', '- item', '[a, b]', '{a: b}', '*alias', '&anchor', '!!str', '|', '>', '%', '@', '`', '\\', '\\n', '${HOME}', '{{ .Values }}',
  '~', 'null', 'true', 'no', 'on', '0x1F', '0o17', '0b1010', '1e3', '1_000', '.inf', '.nan', '007', '12:30', '2001-12-14', '-', '.', '..',
  'UPPER', 'Matrix.Example.Org', 'é', 'ü.example.org', '🙂', '\u2028', '\u00a0', '\u200b', '\u0000', '\u0007', '\u001b[31m', '\u007f',
  '\ud800', 'a'.repeat(64), 'b'.repeat(300), `${'x'.repeat(62)}.example.org`,
];

/** A hostile string: a known-bad one, random code units, a valid-looking value with a bad tail, or a very long string. */
export function hostileString(valid?: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const choices: Array<fc.Arbitrary<string>> = [
    fc.constantFrom(...HOSTILE_STRINGS),
    fc.string({ unit: 'binary', maxLength: 24 }),
    fc.string({ unit: 'grapheme', maxLength: 24 }),
    fc.string({ minLength: 100, maxLength: 600 }),
  ];
  if (valid) choices.push(fc.tuple(valid, fc.constantFrom(...HOSTILE_STRINGS)).map(([v, h]) => `${v}${h}`));
  return fc.oneof(...choices);
}

/** Numbers no port or size should accept. */
export const HOSTILE_NUMBERS: readonly number[] = [
  -1, 0, 1, 80, 443, 1023, 65535, 65536, 70000, 1.5, 8080.5, -8080, NaN, Infinity, -Infinity,
  2 ** 31, 2 ** 53, Number.MAX_VALUE, Number.MIN_VALUE, -0,
];

export function hostileNumber(): fc.Arbitrary<number> {
  return fc.oneof(fc.constantFrom(...HOSTILE_NUMBERS), fc.double(), fc.integer({ min: -100000, max: 200000 }));
}

/** Mostly valid values, sometimes hostile ones. */
function mix<T>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<T>, hostileWeight = 1): fc.Arbitrary<T> {
  return fc.oneof({ weight: 3, arbitrary: valid }, { weight: hostileWeight, arbitrary: hostile });
}

const lower = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'.split(''));
const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split(''));
export const dnsLabel = fc.tuple(lower, fc.string({ unit: alnum, maxLength: 10 }), fc.option(fc.string({ unit: fc.constantFrom('a', 'b', '1', '-'), maxLength: 4 }).map((s) => `${s}z`), { nil: undefined }))
  .map(([a, b, c]) => `${a}${b}${c ?? ''}`);
export const domainName = fc.tuple(fc.array(dnsLabel, { minLength: 1, maxLength: 3 }), fc.constantFrom('org', 'com', 'net', 'example', 'io'))
  .map(([labels, tld]) => [...labels, tld].join('.'));
const port = fc.integer({ min: 1024, max: 65535 });
const hex = fc.constantFrom(...'0123456789abcdef'.split(''));
const digest = fc.string({ unit: hex, minLength: 64, maxLength: 64 }).map((h) => `sha256:${h}`);
const tag = fc.tuple(fc.constantFrom('v', '', 'sha-'), fc.string({ unit: fc.constantFrom(...'0123456789.abc_-'.split('')), minLength: 1, maxLength: 12 }))
  .map(([p, s]) => `${p}1${s}`);
const objectName = dnsLabel;
const secretKey = fc.string({ unit: fc.constantFrom(...'abcXYZ019_-.'.split('')), minLength: 1, maxLength: 20 }).filter((k) => k !== '.' && k !== '..');
/** Printable ASCII without whitespace: a valid registration token, with quotes, `#`, `=` and `:`. */
const printable = fc.constantFrom(...Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)));
export const token = fc.string({ unit: printable, minLength: 12, maxLength: 64 }).map((s) => `tok${s}`);
/** A LiveKit API key without `: `, `#` or whitespace. */
export const apiKey = fc.string({ unit: fc.constantFrom(...'ABCDEFabcdef0123456789_-.'.split('')), minLength: 1, maxLength: 24 }).map((s) => `API${s}`);
/** A LiveKit API secret of 32+ characters, printable, not all digits. */
export const apiSecret = fc.string({ unit: fc.constantFrom(...'ABCDEFabcdef0123456789_-+/='.split('')), minLength: 32, maxLength: 64 }).map((s) => `s${s}`);
const labelValue = fc.oneof(fc.constant(''), fc.tuple(alnum, fc.string({ unit: fc.constantFrom('a', 'Z', '0', '-', '_', '.'), maxLength: 20 }), alnum).map(([a, b, c]) => `${a}${b}${c}`));
const labelKey = fc.tuple(fc.option(domainName, { nil: undefined }), dnsLabel).map(([p, n]) => (p ? `${p}/${n}` : n));
const labels = fc.dictionary(labelKey, labelValue, { maxKeys: 3 });
/** Any text an annotation may hold: everything but an unpaired surrogate, which cannot be written as UTF-8 (refused at synth). */
const anyAnnotationValue = fc.oneof(fc.string(), fc.constantFrom(...HOSTILE_STRINGS.filter((h) => !/\p{Surrogate}/u.test(h))));
const annotations = fc.dictionary(labelKey, anyAnnotationValue, { maxKeys: 3 });
const ipv4Cidr = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, bits]) => `${ip}/${bits}`);
const urlPath = fc.constantFrom('', '/', '/livekit/jwt', '/a%20b', '/x?y=1', '/x?q="quoted"', '/p#frag', '/é');
const image = (hostile: boolean) => fc.record({
  registry: hostile ? mix(fc.constantFrom('ghcr.io', 'docker.io', 'registry.example.org:5000/mirror'), hostileString()) : fc.constantFrom('ghcr.io', 'docker.io', 'registry.example.org:5000/mirror'),
  tag: hostile ? mix(tag, hostileString(tag)) : tag,
  digest: hostile ? mix(digest, hostileString(digest)) : digest,
}, { requiredKeys: [] });
const resources = (hostile: boolean) => {
  // Size itself refuses negative amounts (in user code, before our construct runs), so hostile sizes stay >= 0.
  const oddSizes = fc.constantFrom(0, 0.5, 1.5, 1e-9, 2 ** 40, 1500.25, Number.MAX_SAFE_INTEGER);
  const mebibytes = hostile ? fc.oneof(fc.integer({ min: 16, max: 4096 }), oddSizes) : fc.integer({ min: 16, max: 512 });
  const millis = hostile ? fc.oneof(fc.integer({ min: 1, max: 4000 }), hostileNumber()) : fc.integer({ min: 1, max: 4000 });
  return fc.record({
    cpu: fc.record({ request: millis.map((m) => Cpu.millis(m)) }, { requiredKeys: [] }),
    memory: fc.record({
      request: mebibytes.map((m) => Size.mebibytes(m)),
      limit: (hostile ? fc.oneof(mebibytes, fc.integer({ min: 1025, max: 8192 })) : fc.integer({ min: 512, max: 8192 }))
        .map((m) => (hostile && m % 7 === 0 ? Size.kibibytes(m * 1000 + 1) : Size.mebibytes(m))),
    }, { requiredKeys: [] }),
  }, { requiredKeys: [] });
};

export interface FuzzCase {
  readonly props: MatrixChatProps;
  readonly namespace: string | undefined;
}

/** Props that must synthesize: every field valid, the cross-field rules respected. */
export const validProps: fc.Arbitrary<FuzzCase> = fc.record({
  serverName: domainName,
  namePrefix: fc.constantFrom('', 'a-', 'tenant-', 'x1-'),
  ports: fc.uniqueArray(port, { minLength: 5, maxLength: 5 }),
  homeserverEnabled: fc.boolean(),
  livekitMode: fc.constantFrom('bundled', 'external', 'off'),
  lkJwtEnabled: fc.boolean(),
  inlineCredentials: fc.boolean(),
  token: token,
  apiKey,
  apiSecret,
  secretNames: fc.uniqueArray(objectName, { minLength: 4, maxLength: 4 }),
  secretKeys: fc.array(secretKey, { minLength: 4, maxLength: 4 }),
  allowRegistration: fc.boolean(),
  allowFederation: fc.boolean(),
  maxRequestSize: fc.integer({ min: 1, max: 2 ** 40 }),
  servicePath: urlPath,
  persistence: fc.oneof(
    fc.record({ enabled: fc.constant(true), size: fc.integer({ min: 1, max: 999 }).map((n) => `${n}Gi`), storageClassName: objectName }, { requiredKeys: ['enabled'] }),
    fc.record({ enabled: fc.constant(true), existingClaim: objectName }),
    fc.record({ enabled: fc.constant(false) }),
  ),
  nodeIp: fc.option(fc.oneof(fc.ipV4(), fc.ipV6()), { nil: undefined }),
  useExternalIp: fc.option(fc.boolean(), { nil: undefined }),
  turn: fc.boolean(),
  serviceLabels: labels,
  serviceAnnotations: annotations,
  insecure: fc.boolean(),
  networkPolicy: fc.boolean(),
  ingressEnabled: fc.boolean(),
  className: fc.constantFrom('nginx', 'haproxy', 'openshift-default', 'traefik', 'contour'),
  tls: fc.boolean(),
  clusterIssuer: fc.option(objectName, { nil: undefined }),
  ranges: fc.array(ipv4Cidr, { maxLength: 3 }),
  ingressAnnotations: annotations,
  labels,
  pullSecrets: fc.array(objectName, { maxLength: 2 }),
  images: fc.tuple(image(false), image(false), image(false)),
  resources: fc.tuple(resources(false), resources(false), resources(false)),
  namespace: dnsLabel,
}).map((v): FuzzCase => {
  const [clientPort, signalingPort, tcpPort, udpPort, tlsPort] = v.ports;
  const bundled = v.livekitMode === 'bundled';
  const tokenProps = v.inlineCredentials
    ? { registrationToken: v.token }
    : { registrationTokenExistingSecret: { name: v.secretNames[0], key: v.secretKeys[0] } };
  const keys = v.inlineCredentials && bundled
    ? { apiKey: v.apiKey, apiSecret: v.apiSecret }
    : { existingSecret: { name: v.secretNames[1], apiKeyKey: v.secretKeys[1], apiSecretKey: v.secretKeys[2], livekitKeysKey: v.secretKeys[3] } };
  const props: MatrixChatProps = {
    serverName: v.serverName,
    namePrefix: v.namePrefix,
    homeserver: {
      enabled: v.homeserverEnabled,
      image: v.images[0],
      clientPort,
      allowRegistration: v.allowRegistration,
      ...tokenProps,
      allowFederation: v.allowFederation,
      maxRequestSize: v.maxRequestSize,
      livekitServiceUrl: `https://${v.serverName}${v.servicePath}`,
      persistence: v.persistence,
      resources: v.resources[0],
    },
    livekit: v.livekitMode === 'off'
      ? { enabled: false }
      : {
        enabled: bundled,
        image: v.images[1],
        ...(bundled ? {} : { publicUrl: `wss://livekit.${v.serverName}${v.servicePath}` }),
        keys,
        rtc: {
          signalingPort,
          tcpPort,
          udpPort,
          nodeIp: v.nodeIp,
          useExternalIp: v.useExternalIp,
          serviceLabels: v.serviceLabels,
          serviceAnnotations: v.serviceAnnotations,
        },
        turn: v.turn ? { enabled: true, domain: `turn.${v.serverName}`, tlsPort, tls: { existingSecret: v.secretNames[2], certKey: v.secretKeys[0], keyKey: v.secretKeys[1] } } : undefined,
        resources: v.resources[1],
      },
    lkJwt: { enabled: v.livekitMode !== 'off' && v.lkJwtEnabled, image: v.images[2], insecureSkipVerifyTls: v.insecure, resources: v.resources[2] },
    networkPolicy: { enabled: v.networkPolicy },
    ingress: {
      enabled: v.ingressEnabled,
      className: v.className,
      tls: { enabled: v.tls, secretName: v.secretNames[3], clusterIssuer: v.tls ? v.clusterIssuer : undefined },
      whitelistSourceRange: v.ranges,
      annotations: v.ingressAnnotations,
    },
    labels: v.labels,
    imagePullSecrets: v.pullSecrets,
  };
  return { props, namespace: v.namespace };
});

/** Props with hostile values mixed into every string and number field. */
export const hostileProps: fc.Arbitrary<FuzzCase> = fc.record({
  serverName: mix(domainName, hostileString(domainName)),
  namePrefix: mix(fc.constantFrom('', 'a-', 'tenant-'), hostileString(fc.constant('p-'))),
  homeserver: fc.record({
    enabled: fc.boolean(),
    image: image(true),
    clientPort: mix(port, hostileNumber()),
    allowRegistration: fc.boolean(),
    registrationToken: mix(token, hostileString(token)),
    registrationTokenExistingSecret: fc.record({ name: mix(objectName, hostileString(objectName)), key: mix(secretKey, hostileString(secretKey)) }, { requiredKeys: ['name'] }),
    allowFederation: fc.boolean(),
    maxRequestSize: mix(fc.integer({ min: 1, max: 2 ** 40 }), hostileNumber()),
    livekitServiceUrl: mix(domainName.map((d) => `https://${d}`), hostileString(fc.constant('https://matrix.example.org/'))),
    persistence: fc.record({
      enabled: fc.boolean(),
      size: mix(fc.constantFrom('1Gi', '500M', '10Gi'), hostileString(fc.constant('1Gi'))),
      storageClassName: mix(objectName, hostileString(objectName)),
      existingClaim: mix(objectName, hostileString(objectName)),
    }, { requiredKeys: [] }),
    resources: resources(true),
  }, { requiredKeys: [] }),
  livekit: fc.record({
    enabled: fc.boolean(),
    image: image(true),
    publicUrl: mix(domainName.map((d) => `wss://${d}`), hostileString(fc.constant('wss://livekit.example.org/'))),
    keys: fc.record({
      apiKey: mix(apiKey, hostileString(apiKey)),
      apiSecret: mix(apiSecret, hostileString(apiSecret)),
      existingSecret: fc.record({
        name: mix(objectName, hostileString(objectName)),
        apiKeyKey: mix(secretKey, hostileString(secretKey)),
        apiSecretKey: mix(secretKey, hostileString(secretKey)),
        livekitKeysKey: mix(secretKey, hostileString(secretKey)),
      }, { requiredKeys: ['name'] }),
    }, { requiredKeys: [] }),
    rtc: fc.record({
      signalingPort: mix(port, hostileNumber()),
      tcpPort: mix(port, hostileNumber()),
      udpPort: mix(port, hostileNumber()),
      nodeIp: mix(fc.oneof(fc.ipV4(), fc.ipV6()), hostileString(fc.ipV4())),
      useExternalIp: fc.boolean(),
      serviceLabels: fc.dictionary(mix(labelKey, hostileString(labelKey)), mix(labelValue, hostileString(labelValue)), { maxKeys: 2 }),
      serviceAnnotations: fc.dictionary(mix(labelKey, hostileString(labelKey)), anyAnnotationValue, { maxKeys: 2 }),
    }, { requiredKeys: [] }),
    turn: fc.record({
      enabled: fc.boolean(),
      domain: mix(domainName.map((d) => `turn.${d}`), hostileString(domainName)),
      tlsPort: mix(port, hostileNumber()),
      tls: fc.record({
        existingSecret: mix(objectName, hostileString(objectName)),
        certKey: mix(secretKey, hostileString(secretKey)),
        keyKey: mix(secretKey, hostileString(secretKey)),
      }, { requiredKeys: [] }),
    }, { requiredKeys: [] }),
    resources: resources(true),
  }, { requiredKeys: [] }),
  lkJwt: fc.record(
    { enabled: fc.boolean(), image: image(true), insecureSkipVerifyTls: fc.boolean(), resources: resources(true) },
    { requiredKeys: [] },
  ),
  networkPolicy: fc.record({ enabled: fc.boolean() }, { requiredKeys: [] }),
  ingress: fc.record({
    enabled: fc.boolean(),
    className: mix(fc.constantFrom('nginx', 'haproxy', 'openshift-default', 'traefik', 'contour'), hostileString()),
    tls: fc.record({
      enabled: fc.boolean(),
      secretName: mix(objectName, hostileString(objectName)),
      clusterIssuer: mix(objectName, hostileString(objectName)),
    }, { requiredKeys: [] }),
    whitelistSourceRange: fc.array(mix(ipv4Cidr, hostileString(ipv4Cidr)), { maxLength: 2 }),
    annotations: fc.dictionary(mix(labelKey, hostileString(labelKey)), anyAnnotationValue, { maxKeys: 2 }),
  }, { requiredKeys: [] }),
  scheduling: fc.record({
    nodeSelector: fc.dictionary(mix(labelKey, hostileString(labelKey)), mix(labelValue, hostileString(labelValue)), { maxKeys: 2 }),
  }, { requiredKeys: [] }),
  imagePullSecrets: fc.array(mix(objectName, hostileString(objectName)), { maxLength: 2 }),
  labels: fc.dictionary(mix(labelKey, hostileString(labelKey)), mix(labelValue, hostileString(labelValue)), { maxKeys: 2 }),
  namespace: fc.option(dnsLabel, { nil: undefined, freq: 8 }),
}, { requiredKeys: ['serverName', 'namespace'] }).map(({ namespace, ...props }) => ({ props: props as MatrixChatProps, namespace }));

/**
 * Valid props whose free-text fields carry hostile-but-legal content: any printable token,
 * annotation values with newlines and quotes, URLs with queries and fragments.
 */
export const roundTripProps: fc.Arbitrary<FuzzCase> = fc.tuple(validProps, fc.record({
  token: fc.string({ unit: fc.constantFrom(...Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)), 'é', '🙂', 'ß'), minLength: 1, maxLength: 80 }),
  apiKey: fc.oneof(apiKey, fc.constantFrom('API0x1F', 'APInull', 'API~', 'true', 'null', '0x1F', '1_000', '0b1010', '2001-12-14', '12:30', 'yes', '"quoted"', '\'single\'', 'a"b', 'APIé', '*star', '&amp', '!bang', '%pct', '@at', '`tick`', '- dash', '[x]', '{x}', '|pipe', '>gt', '?q')),
  apiSecret: fc.oneof(apiSecret, fc.constantFrom(
    '12345678901234567890123456789012345', '0x123456789abcdef0123456789abcdef01', '1_000_000_000_000_000_000_000_000_000', '0b1010101010101010101010101010101010',
    '"quoted secret with spaces inside ok"', 'secret with: colon-space in the middle!!', 'hash # in the middle of the secret value', '2001-12-14t21:59:43.10-05:00xxxxxxxxxxxxxxxx',
    'yes-yes-yes-yes-yes-yes-yes-yes-yes', '~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~', '&anchor-secret-value-with-32-characters', '*alias-secret-value-with-32-characters',
    '!!binary c2VjcmV0LXZhbHVlLXdpdGgtMzItY2hhcmFjdGVycw', '{json: like, secret: value, 32, chars}', '[array, like, secret, value, 32chars]',
    '%percent-secret-value-with-32-characters', '@at-secret-value-with-32-characters-ok', '`backtick-secret-value-with-32-chars`', '| pipe secret value with 32 characters',
    '> folded secret value with 32 characters', '- dash secret value with 32 characters', '? question secret value 32 characters', 'ünïcödé-sécret-välue-with-32-chars-ok',
  )),
  annotation: fc.oneof(fc.string(), fc.constantFrom(...HOSTILE_STRINGS)),
})).map(([base, extra]): FuzzCase => {
  const props = base.props;
  const bundled = props.livekit?.enabled !== false && props.livekit !== undefined && props.livekit.keys?.apiKey !== undefined;
  return {
    namespace: base.namespace,
    props: {
      ...props,
      homeserver: { ...props.homeserver, registrationToken: extra.token, registrationTokenExistingSecret: undefined },
      livekit: bundled ? { ...props.livekit, keys: { apiKey: extra.apiKey, apiSecret: extra.apiSecret } } : props.livekit,
      ingress: { ...props.ingress, annotations: { ...props.ingress?.annotations, 'example.org/note': extra.annotation } },
      labels: props.labels,
    },
  };
});

/** Every string field of MatrixChatProps (dotted; numeric segments index lists). */
export const STRING_FIELDS: readonly string[] = [
  'serverName', 'namePrefix',
  'homeserver.registrationToken', 'homeserver.registrationTokenExistingSecret.name', 'homeserver.registrationTokenExistingSecret.key',
  'homeserver.livekitServiceUrl', 'homeserver.persistence.size', 'homeserver.persistence.storageClassName', 'homeserver.persistence.existingClaim',
  'livekit.publicUrl', 'livekit.keys.apiKey', 'livekit.keys.apiSecret', 'livekit.keys.existingSecret.name', 'livekit.keys.existingSecret.apiKeyKey',
  'livekit.keys.existingSecret.apiSecretKey', 'livekit.keys.existingSecret.livekitKeysKey', 'livekit.rtc.nodeIp', 'livekit.turn.domain',
  'livekit.turn.tls.existingSecret', 'livekit.turn.tls.certKey', 'livekit.turn.tls.keyKey',
  'ingress.className', 'ingress.tls.secretName', 'ingress.tls.clusterIssuer', 'ingress.whitelistSourceRange.0', 'imagePullSecrets.0',
  ...['homeserver', 'livekit', 'lkJwt'].flatMap((c) => [`${c}.image.registry`, `${c}.image.repository`, `${c}.image.tag`, `${c}.image.digest`]),
];

/** Every number field of MatrixChatProps. */
export const NUMBER_FIELDS: readonly string[] = [
  'homeserver.clientPort', 'homeserver.maxRequestSize', 'livekit.rtc.signalingPort', 'livekit.rtc.tcpPort', 'livekit.rtc.udpPort', 'livekit.turn.tlsPort',
];

/** Map fields whose keys and values are user strings. */
export const MAP_FIELDS: readonly string[] = ['labels', 'scheduling.nodeSelector', 'ingress.annotations', 'livekit.rtc.serviceLabels', 'livekit.rtc.serviceAnnotations'];

/** A copy of `object` with `value` at the dotted `path`, copying only the objects along the path. */
export function withValue<T>(object: T, path: string, value: unknown): T {
  const [head, ...rest] = path.split('.');
  const current: any = object ?? (/^\d+$/.test(head) ? [] : {});
  const copy: any = Array.isArray(current) ? [...current] : { ...current };
  copy[head] = rest.length === 0 ? value : withValue(current[head], rest.join('.'), value);
  return copy;
}

/** Valid props with exactly one string, number or map field replaced by a hostile value. */
export const oneHostileField: fc.Arbitrary<FuzzCase & { field: string }> = fc.tuple(
  validProps,
  fc.oneof(
    { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...STRING_FIELDS), hostileString(fc.constantFrom('matrix.example.org', 'abc', 'v1.0', 'sha256:'))) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...NUMBER_FIELDS), hostileNumber()) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom(...MAP_FIELDS), fc.tuple(hostileString(labelKey), hostileString(labelValue)).map(([k, v]) => ({ [k]: v }))),
    },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...MAP_FIELDS), fc.tuple(labelKey, hostileString()).map(([k, v]) => ({ [k]: v }))) },
  ),
).map(([base, [field, value]]) => ({ ...base, field, props: withValue(base.props, field, value) }));
