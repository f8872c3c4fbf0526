/** fast-check generators of MatrixChatProps: valid ones, and hostile values in every string and number field. */
import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { AppserviceRegistration, IssuerKind, LkJwtRelease, MatrixChatProps, NodeAddressSource, Routing } from '../../src';

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
  .map(([a, b, c]) => `${a}${b}${c ?? ''}`)
  // A label starting `xn--` is an IDNA A-label and must be valid Punycode (RFC 5891 4.4): browsers and
  // Node's URL parser refuse `http://xn---z`, so URLs on such a host are refused on purpose.
  .filter((label) => !label.startsWith('xn--'));
export const domainName = fc.tuple(fc.array(dnsLabel, { minLength: 1, maxLength: 3 }), fc.constantFrom('org', 'com', 'net', 'example', 'io'))
  .map(([labels, tld]) => [...labels, tld].join('.'));
const port = fc.integer({ min: 1024, max: 65535 });
const hex = fc.constantFrom(...'0123456789abcdef'.split(''));
const digest = fc.string({ unit: hex, minLength: 64, maxLength: 64 }).map((h) => `sha256:${h}`);
const tag = fc.tuple(fc.constantFrom('v', '', 'sha-'), fc.string({ unit: fc.constantFrom(...'0123456789.abc_-'.split('')), minLength: 1, maxLength: 12 }))
  .map(([p, s]) => `${p}1${s}`);
const objectName = dnsLabel;
const secretKey = fc.string({ unit: fc.constantFrom(...'abcXYZ019_-.'.split('')), minLength: 1, maxLength: 20 }).filter((k) => k !== '.' && !k.startsWith('..')); // IsConfigMapKey's hasChDirPrefix
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

/** Appservice IDs as Tuwunel env overrides can carry them: lowercase, digits, "-" and single "_", which must not end the ID. */
const appserviceId = fc.tuple(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split('')), fc.string({ unit: fc.constantFrom('a', 'z', '0', '9', '-', '_'), maxLength: 12 }))
  .map(([a, b]) => `${a}${b}`)
  .filter((id) => !id.includes('__') && !id.endsWith('_'));
function compiles(regex: string): boolean {
  try {
    new RegExp(regex, 'u');
    return true;
  } catch {
    return false;
  }
}
/** Regular expressions that compile, with the characters TOML and YAML care about. */
const namespaceRegex = fc.oneof(
  fc.constantFrom('@bridge_.*:example\\.org', '#telegram_.*', '!.*:matrix\\.example\\.org', '@"quoted"_.*', "@it's_.*", '@a#b=c: d', '@é🙂.*', 'a\nb', '\\d+', '[#=:]+', '@\\\\backslash', '^$', '.{1,64}', '\t\u0001'),
  fc.string({ unit: fc.constantFrom('a', 'Z', '.', '*', '_', ':', '@', '#', '"', '\'', '=', ' ', 'é'), minLength: 1, maxLength: 20 }).filter(compiles),
);
const appserviceNamespaces = fc.array(fc.record({ regex: namespaceRegex, exclusive: fc.boolean() }, { requiredKeys: ['regex'] }), { maxLength: 2 });
const localpart = fc.string({ unit: fc.constantFrom(...'abcxyz019._=-/'.split('')), minLength: 1, maxLength: 16 });
const serviceUrl = fc.tuple(fc.constantFrom('http', 'https'), dnsLabel, fc.option(port, { nil: undefined }), urlPath)
  .map(([scheme, host, p, path]) => `${scheme}://${host}${p === undefined ? '' : `:${p}`}${path}`);
const appservice = (tokensSecretName: fc.Arbitrary<string>): fc.Arbitrary<AppserviceRegistration> => fc.record({
  id: appserviceId,
  url: serviceUrl,
  senderLocalpart: localpart,
  users: appserviceNamespaces,
  aliases: appserviceNamespaces,
  rooms: appserviceNamespaces,
  rateLimited: fc.boolean(),
  receiveEphemeral: fc.boolean(),
  protocols: fc.array(dnsLabel, { maxLength: 2 }),
  tokensSecret: fc.record({ name: tokensSecretName, asTokenKey: secretKey, hsTokenKey: secretKey }, { requiredKeys: ['name'] }),
}, { requiredKeys: ['id', 'senderLocalpart', 'tokensSecret'] });
const parentRefs = fc.array(fc.record({ name: dnsLabel, namespace: dnsLabel, sectionName: dnsLabel }, { requiredKeys: ['name'] }), { minLength: 1, maxLength: 2 });
const hostPort = fc.tuple(fc.oneof(domainName, fc.ipV4(), fc.ipV6().map((ip) => `[${ip}]`)), port).map(([h, p]) => `${h}:${p}`);
const redis = fc.oneof(
  fc.record({ address: hostPort, username: dnsLabel, db: fc.integer({ min: 0, max: 15 }), useTls: fc.boolean(), passwordSecret: fc.record({ name: objectName, key: secretKey }) }, { requiredKeys: ['address'] }),
  fc.record({
    sentinelMasterName: dnsLabel,
    sentinelAddresses: fc.array(hostPort, { minLength: 1, maxLength: 3 }),
    sentinelUsername: dnsLabel,
    sentinelPasswordSecret: fc.record({ name: objectName, key: secretKey }),
    passwordSecret: fc.record({ name: objectName, key: secretKey }),
  }, { requiredKeys: ['sentinelMasterName', 'sentinelAddresses'] }),
  fc.record({ clusterAddresses: fc.array(hostPort, { minLength: 1, maxLength: 3 }), passwordSecret: fc.record({ name: objectName, key: secretKey }) }, { requiredKeys: ['clusterAddresses'] }),
);
const interval = fc.constantFrom('15s', '30s', '1m', '2m30s');
const TOLERATIONS = [{ key: 'dedicated', operator: 'Equal', value: 'chat', effect: 'NoSchedule' }];
const AFFINITY = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }] }] } } };
const spreadFor = (app: string) => [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app } } }];

export interface FuzzCase {
  readonly props: MatrixChatProps;
  readonly namespace: string | undefined;
}

/** Props that must synthesize: every field valid, the cross-field rules respected. */
export const validProps: fc.Arbitrary<FuzzCase> = fc.record({
  serverName: domainName,
  namePrefix: fc.constantFrom('', 'a-', 'tenant-', 'x1-'),
  ports: fc.uniqueArray(port, { minLength: 6, maxLength: 6 }),
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
  maxRequestSize: fc.integer({ min: 10_000_000, max: 2 ** 40 }),
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
  // Opt-in features (issues 6, 7, 10).
  gateway: fc.option(parentRefs, { nil: undefined, freq: 3 }),
  turnIssuer: fc.option(fc.record({ name: objectName, kind: fc.constantFrom(IssuerKind.ISSUER, IssuerKind.CLUSTER_ISSUER) }, { requiredKeys: ['name'] }), { nil: undefined }),
  serverNameAddress: fc.option(fc.oneof(fc.ipV4(), fc.ipV6()), { nil: undefined }),
  ingressControllerNamespace: fc.option(dnsLabel, { nil: undefined }),
  appservices: fc.uniqueArray(appservice(objectName), { maxLength: 2, selector: (a) => a.id }),
  webhooks: fc.option(fc.record({ enabled: fc.boolean(), urls: fc.array(serviceUrl, { maxLength: 2 }) }, { requiredKeys: ['enabled'] }), { nil: undefined }),
  metrics: fc.option(fc.record({
    enabled: fc.boolean(),
    usePort: fc.boolean(),
    serviceMonitor: fc.record({ enabled: fc.boolean(), interval, labels }, { requiredKeys: ['enabled'] }),
  }, { requiredKeys: ['enabled'] }), { nil: undefined }),
  placement: fc.tuple(...[0, 1, 2].map(() => fc.record({ priorityClassName: objectName, spread: fc.boolean() }, { requiredKeys: [] }))),
  grace: fc.option(fc.integer({ min: 0, max: 86400 }), { nil: undefined }),
  meshSidecarOptOut: fc.option(fc.boolean(), { nil: undefined }),
  scaleOut: fc.option(fc.record({
    replicas: fc.integer({ min: 2, max: 6 }),
    nodeAddress: fc.constantFrom(NodeAddressSource.STUN, NodeAddressSource.HOST_IP, undefined),
    redis,
  }, { requiredKeys: ['redis'] }), { nil: undefined, freq: 3 }),
  nodeSelector: labels,
  tolerations: fc.boolean(),
  affinity: fc.boolean(),
}).map((v): FuzzCase => {
  const [clientPort, signalingPort, tcpPort, udpPort, tlsPort, metricsPort] = v.ports;
  const prefix = v.namePrefix;
  const lkJwtEnabled = v.livekitMode !== 'off' && v.lkJwtEnabled;
  const scaleOut = v.livekitMode === 'bundled' ? v.scaleOut : undefined;
  const webhooks = v.webhooks && v.livekitMode === 'bundled' && !lkJwtEnabled ? { ...v.webhooks, enabled: false } : v.webhooks;
  // Webhooks need lk-jwt-service 0.6.0 (/sfu_webhook); a generated tag may name any release, so the release is set.
  const lkJwtRelease = webhooks?.enabled && v.livekitMode === 'bundled' ? LkJwtRelease.V0_6 : LkJwtRelease.V0_5;
  const lkJwtImage = lkJwtRelease === LkJwtRelease.V0_6 && v.images[2].tag === undefined && v.images[2].digest === undefined ? { ...v.images[2], tag: '0.6.0' } : v.images[2];
  const placement = (i: number, app: string) => ({
    priorityClassName: v.placement[i].priorityClassName,
    topologySpreadConstraints: v.placement[i].spread ? spreadFor(`${prefix}${app}`) : undefined,
  });
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
      appservices: v.appservices,
      ...placement(0, 'matrix-homeserver'),
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
          nodeIp: scaleOut ? undefined : v.nodeIp,
          useExternalIp: v.useExternalIp,
          serviceLabels: v.serviceLabels,
          serviceAnnotations: v.serviceAnnotations,
        },
        turn: v.turn && !scaleOut
          ? { enabled: true, domain: `turn.${v.serverName}`, tlsPort, tls: v.turnIssuer ? { issuer: v.turnIssuer } : { existingSecret: v.secretNames[2], certKey: v.secretKeys[0], keyKey: v.secretKeys[1] } }
          : undefined,
        resources: v.resources[1],
        webhooks,
        metrics: v.metrics
          ? { enabled: v.metrics.enabled, port: v.metrics.usePort ? metricsPort : undefined, serviceMonitor: v.metrics.serviceMonitor }
          : undefined,
        scaleOut: scaleOut ? { enabled: true, ...scaleOut } : undefined,
        terminationGracePeriodSeconds: v.grace,
        meshSidecarOptOut: v.meshSidecarOptOut,
        ...placement(1, 'livekit'),
      },
    lkJwt: { enabled: lkJwtEnabled, image: lkJwtImage, release: lkJwtRelease, insecureSkipVerifyTls: v.insecure, resources: v.resources[2], serverNameAddress: v.serverNameAddress, ...placement(2, 'lk-jwt-service') },
    networkPolicy: {
      enabled: v.networkPolicy,
      // Refused with host-network SFUs sending webhooks (their node addresses match no selector).
      ingressControllerNamespace: scaleOut && webhooks?.enabled ? undefined : v.ingressControllerNamespace,
    },
    scheduling: {
      nodeSelector: v.nodeSelector,
      tolerations: v.tolerations ? TOLERATIONS : undefined,
      affinity: v.affinity ? AFFINITY : undefined,
    },
    routing: v.gateway ? Routing.gatewayApi({ parentRefs: v.gateway }) : undefined,
    ingress: v.gateway ? undefined : {
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
    appservices: fc.array(fc.record({
      id: mix(appserviceId, hostileString(appserviceId)),
      url: mix(serviceUrl, hostileString(serviceUrl)),
      senderLocalpart: mix(localpart, hostileString(localpart)),
      users: fc.array(fc.record({ regex: mix(namespaceRegex, hostileString(namespaceRegex)), exclusive: fc.boolean() }), { maxLength: 2 }),
      rooms: fc.array(fc.record({ regex: mix(namespaceRegex, fc.constantFrom('(', '[a-', '*', '\\', '(?<n', '')) }), { maxLength: 1 }),
      protocols: fc.array(mix(dnsLabel, hostileString()), { maxLength: 2 }),
      tokensSecret: fc.record({
        name: mix(objectName, hostileString(objectName)),
        asTokenKey: mix(secretKey, hostileString(secretKey)),
        hsTokenKey: mix(secretKey, hostileString(secretKey)),
      }, { requiredKeys: ['name'] }),
    }, { requiredKeys: ['id', 'senderLocalpart', 'tokensSecret'] }), { maxLength: 2 }),
    priorityClassName: mix(objectName, hostileString(objectName)),
    maxRequestSize: mix(fc.integer({ min: 10_000_000, max: 2 ** 40 }), hostileNumber()),
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
    webhooks: fc.record(
      { enabled: fc.boolean(), urls: fc.array(mix(serviceUrl, hostileString(serviceUrl)), { maxLength: 2 }) },
      { requiredKeys: [] },
    ),
    metrics: fc.record({
      enabled: fc.boolean(),
      port: mix(port, hostileNumber()),
      serviceMonitor: fc.record({
        enabled: fc.boolean(),
        interval: mix(interval, hostileString(interval)),
        labels: mix(labels, fc.dictionary(hostileString(), hostileString(), { minKeys: 1, maxKeys: 2 })),
      }, { requiredKeys: [] }),
    }, { requiredKeys: [] }),
    scaleOut: fc.record({
      enabled: fc.boolean(),
      replicas: mix(fc.integer({ min: 2, max: 6 }), hostileNumber()),
      nodeAddress: mix(fc.constantFrom(NodeAddressSource.STUN, NodeAddressSource.HOST_IP), hostileString().map((h) => h as NodeAddressSource)),
      redis: fc.record({
        address: mix(hostPort, hostileString(hostPort)),
        username: mix(dnsLabel, hostileString(dnsLabel)),
        db: mix(fc.integer({ min: 0, max: 15 }), hostileNumber()),
        sentinelMasterName: mix(dnsLabel, hostileString(dnsLabel)),
        sentinelAddresses: fc.array(mix(hostPort, hostileString(hostPort)), { maxLength: 2 }),
        clusterAddresses: fc.array(mix(hostPort, hostileString(hostPort)), { maxLength: 2 }),
        passwordSecret: fc.record({ name: mix(objectName, hostileString(objectName)), key: mix(secretKey, hostileString(secretKey)) }),
      }, { requiredKeys: [] }),
    }, { requiredKeys: [] }),
    terminationGracePeriodSeconds: mix(fc.integer({ min: 0, max: 86400 }), hostileNumber()),
    priorityClassName: mix(objectName, hostileString(objectName)),
    turn: fc.record({
      enabled: fc.boolean(),
      domain: mix(domainName.map((d) => `turn.${d}`), hostileString(domainName)),
      tlsPort: mix(port, hostileNumber()),
      tls: fc.record({
        issuer: fc.record({ name: mix(objectName, hostileString(objectName)), kind: mix(fc.constantFrom(IssuerKind.ISSUER, IssuerKind.CLUSTER_ISSUER), hostileString().map((h) => h as IssuerKind)) }, { requiredKeys: ['name'] }),
        existingSecret: mix(objectName, hostileString(objectName)),
        certKey: mix(secretKey, hostileString(secretKey)),
        keyKey: mix(secretKey, hostileString(secretKey)),
      }, { requiredKeys: [] }),
    }, { requiredKeys: [] }),
    resources: resources(true),
  }, { requiredKeys: [] }),
  lkJwt: fc.record({
    enabled: fc.boolean(),
    image: image(true),
    insecureSkipVerifyTls: fc.boolean(),
    resources: resources(true),
    serverNameAddress: mix(fc.oneof(fc.ipV4(), fc.ipV6()), hostileString(fc.ipV4())),
    priorityClassName: mix(objectName, hostileString(objectName)),
  }, { requiredKeys: [] }),
  networkPolicy: fc.record({ enabled: fc.boolean(), ingressControllerNamespace: mix(dnsLabel, hostileString(dnsLabel)) }, { requiredKeys: [] }),
  routing: fc.option(fc.array(fc.record({
    name: mix(dnsLabel, hostileString(dnsLabel)),
    namespace: mix(dnsLabel, hostileString(dnsLabel)),
    sectionName: mix(dnsLabel, hostileString(dnsLabel)),
  }, { requiredKeys: ['name'] }), { maxLength: 2 }).map((refs) => Routing.gatewayApi({ parentRefs: refs })), { nil: undefined }),
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
  'lkJwt.serverNameAddress', 'networkPolicy.ingressControllerNamespace', 'livekit.turn.tls.issuer.name',
  'homeserver.appservices.0.id', 'homeserver.appservices.0.url', 'homeserver.appservices.0.senderLocalpart', 'homeserver.appservices.0.users.0.regex',
  'homeserver.appservices.0.tokensSecret.name', 'homeserver.appservices.0.tokensSecret.asTokenKey', 'homeserver.appservices.0.protocols.0',
  'livekit.webhooks.urls.0', 'livekit.metrics.serviceMonitor.interval',
  'livekit.scaleOut.redis.address', 'livekit.scaleOut.redis.username', 'livekit.scaleOut.redis.sentinelMasterName', 'livekit.scaleOut.redis.passwordSecret.name',
  ...['homeserver', 'livekit', 'lkJwt'].map((c) => `${c}.priorityClassName`),
  ...['homeserver', 'livekit', 'lkJwt'].flatMap((c) => [`${c}.image.registry`, `${c}.image.repository`, `${c}.image.tag`, `${c}.image.digest`]),
];

/** Every number field of MatrixChatProps. */
export const NUMBER_FIELDS: readonly string[] = [
  'homeserver.clientPort', 'homeserver.maxRequestSize', 'livekit.rtc.signalingPort', 'livekit.rtc.tcpPort', 'livekit.rtc.udpPort', 'livekit.turn.tlsPort',
  'livekit.metrics.port', 'livekit.scaleOut.replicas', 'livekit.scaleOut.redis.db', 'livekit.terminationGracePeriodSeconds',
];

/** Map fields whose keys and values are user strings. */
export const MAP_FIELDS: readonly string[] = [
  'labels', 'scheduling.nodeSelector', 'ingress.annotations', 'livekit.rtc.serviceLabels', 'livekit.rtc.serviceAnnotations',
  'livekit.metrics.serviceMonitor.labels',
];

/** A copy of `object` with `value` at the dotted `path`, copying only the objects along the path. */
export function withValue<T>(object: T, path: string, value: unknown): T {
  const [head, ...rest] = path.split('.');
  const current: any = object ?? (/^\d+$/.test(head) ? [] : {});
  const copy: any = Array.isArray(current) ? [...current] : { ...current };
  copy[head] = rest.length === 0 ? value : withValue(current[head], rest.join('.'), value);
  return copy;
}

/** A valid appservice, metrics and scale-out setup to put a hostile value into when the base props lack one. */
const PREFILL: ReadonlyArray<[string, string, unknown]> = [
  ['homeserver.appservices.0', 'homeserver.appservices', [{ id: 'bridge', senderLocalpart: 'bridgebot', users: [{ regex: '@bridge_.*' }], tokensSecret: { name: 'bridge-tokens' } }]],
  ['livekit.metrics', 'livekit.metrics', { enabled: true, serviceMonitor: { enabled: true } }],
  ['livekit.webhooks', 'livekit.webhooks', { enabled: true }],
];

function prefill(props: MatrixChatProps, field: string): MatrixChatProps {
  let result = props;
  for (const [prefix, path, value] of PREFILL) {
    const current = path.split('.').reduce((acc: any, k) => acc?.[k], result);
    const empty = current === undefined || (Array.isArray(current) && current.length === 0);
    if (field.startsWith(prefix) && empty) result = withValue(result, path, value);
  }
  return result;
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
).map(([base, [field, value]]) => ({ ...base, field, props: withValue(prefill(base.props, field), field, value) }));
