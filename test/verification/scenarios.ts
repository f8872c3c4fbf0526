import { Duration } from 'cdk8s';
import { AppserviceRegistration, ClientIpSource, IpFamily, IpFamilyPolicy, IssuerKind, LogLevel, MatrixChatProps, NodeAddressSource, Routing, SupportContactRole } from '../../src';

/** A named stack configuration the verification suite synthesizes and checks. */
export interface Scenario {
  /** Name shown in test titles. */
  readonly name: string;
  /** Props of `MatrixChat`. */
  readonly props: MatrixChatProps;
  /** Namespace of the Chart holding the stack (undefined: a Chart without namespace). */
  readonly namespace?: string;
  /** Inline secret values that must appear only inside Secret objects. */
  readonly inlineSecrets: readonly string[];
  /** Secrets the user declared as existing (the stack references them but does not create them). */
  readonly existingSecrets: readonly string[];
  /** PersistentVolumeClaims the user declared as existing. */
  readonly existingClaims: readonly string[];
}

/** Distinctive inline credentials (≥ 32 characters), easy to search for in the output. */
export const INLINE = {
  registrationToken: 'REGTOKEN-inline-5f8d1c9a7b3e4f60a2d9c8b7e6f5a4d3',
  apiKey: 'APIKEYinline7c1e9b4d2a6f80e3c5b7d9f1a2c4e6b8',
  apiSecret: 'APISECRET-inline-0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b',
} as const;

const DIGESTS = {
  tuwunel: 'sha256:1111111111111111111111111111111111111111111111111111111111111111',
  livekit: 'sha256:2222222222222222222222222222222222222222222222222222222222222222',
  lkJwt: 'sha256:3333333333333333333333333333333333333333333333333333333333333333',
} as const;

const SERVER = 'matrix.example.org';
const EXISTING_TOKEN = { registrationTokenExistingSecret: { name: 'matrix-registration', key: 'token' } };
const EXISTING_KEYS = { keys: { existingSecret: { name: 'livekit-credentials' } } };
const INLINE_KEYS = { keys: { apiKey: INLINE.apiKey, apiSecret: INLINE.apiSecret } };
/** lk-jwt-service 0.6.0, the first release serving /sfu_webhook (by tag: no public digest of it is known). */
const LK_JWT_0_6 = { image: { tag: '0.6.0' } };
const TURN = { enabled: true, domain: 'turn.example.org', tls: { existingSecret: 'turn-tls', certKey: 'cert.pem', keyKey: 'key.pem' } };

/** Inline secret values set in the props (what must never leave a Secret). */
export function inlineSecretsOf(props: MatrixChatProps): string[] {
  const values = [props.homeserver?.registrationToken, props.livekit?.keys?.apiKey, props.livekit?.keys?.apiSecret];
  return values.filter((v): v is string => typeof v === 'string' && v !== '');
}

/**
 * Secret names the user declared as existing: credentials, TURN certificate, ingress TLS, pull
 * secrets, appservice token Secrets and the Redis password Secrets of scale-out mode.
 */
export function existingSecretsOf(props: MatrixChatProps): string[] {
  const redis = props.livekit?.scaleOut?.enabled ? props.livekit.scaleOut.redis : undefined;
  const names = [
    props.homeserver?.registrationTokenExistingSecret?.name,
    props.homeserver?.registrationSharedSecretExistingSecret?.name,
    props.livekit?.keys?.existingSecret?.name,
    props.livekit?.turn?.tls?.existingSecret,
    props.ingress?.tls?.enabled ? props.ingress.tls.secretName ?? 'matrix-certificate' : undefined,
    ...(props.imagePullSecrets ?? []),
    ...(props.homeserver?.appservices ?? []).map((a) => a?.tokensSecret?.name),
    redis?.passwordSecret?.name,
    redis?.sentinelPasswordSecret?.name,
    ...(props.homeserver?.sso?.identityProviders ?? []).map((idp) => idp?.clientSecretSecret?.name),
  ];
  return [...new Set(names.filter((v): v is string => typeof v === 'string' && v !== ''))];
}

/** PersistentVolumeClaims the user declared as existing. */
export function existingClaimsOf(props: MatrixChatProps): string[] {
  const claims = [props.homeserver?.persistence?.existingClaim, props.homeserver?.backup?.existingClaim];
  return claims.filter((claim): claim is string => typeof claim === 'string' && claim !== '');
}

/** Builds a scenario, deriving its secret and claim lists from the props; `null` = a chart without namespace. */
export function scenario(name: string, props: MatrixChatProps, namespace: string | null = 'chat'): Scenario {
  return {
    name,
    props,
    namespace: namespace ?? undefined,
    inlineSecrets: inlineSecretsOf(props),
    existingSecrets: existingSecretsOf(props),
    existingClaims: existingClaimsOf(props),
  };
}

const GATEWAY = Routing.gatewayApi({ parentRefs: [{ name: 'public', namespace: 'gateway-system', sectionName: 'https' }] });
const MANAGED_TURN = { enabled: true, domain: 'turn.example.org', tls: { issuer: { name: 'letsencrypt-dns', kind: IssuerKind.CLUSTER_ISSUER } } };
const REDIS_ADDRESS = 'redis-master.redis.svc.cluster.local:6379';

/** Two appservices: one with the default token keys, one with its own key names. */
export const APPSERVICES: AppserviceRegistration[] = [
  {
    id: 'telegram',
    url: 'http://mautrix-telegram:29317',
    senderLocalpart: 'telegrambot',
    users: [{ regex: '@telegram_.*:matrix\\.example\\.org', exclusive: true }],
    aliases: [{ regex: '#telegram_.*:matrix\\.example\\.org' }],
    receiveEphemeral: true,
    protocols: ['telegram'],
    tokensSecret: { name: 'telegram-registration' },
  },
  {
    id: 'signal_bridge-2',
    senderLocalpart: 'signalbot',
    users: [{ regex: '@signal_.*:matrix\\.example\\.org', exclusive: true }],
    rooms: [{ regex: '!.*:matrix\\.example\\.org', exclusive: false }],
    rateLimited: true,
    tokensSecret: { name: 'signal-registration', asTokenKey: 'appservice-token', hsTokenKey: 'homeserver-token' },
  },
];

/** Placement of every pod: cluster-wide scheduling plus per-component priority and spread. */
const SCHEDULING = {
  nodeSelector: { 'kubernetes.io/os': 'linux', 'example.org/pool': 'chat' },
  tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'chat', effect: 'NoSchedule' }, { key: 'example.org/spot', operator: 'Exists' }],
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] }] }] },
    },
  },
};
const spread = (app: string) => [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app } } }];

/** Every configuration the verification suite covers (issue 5, "Scenarios"). */
export const SCENARIOS: readonly Scenario[] = [
  scenario('minimal', { serverName: SERVER, homeserver: EXISTING_TOKEN, livekit: EXISTING_KEYS }),
  scenario('full bundled stack with TURN', {
    serverName: SERVER,
    homeserver: { ...EXISTING_TOKEN, persistence: { size: '20Gi', storageClassName: 'fast-ssd' }, maxRequestSize: 52428800 },
    livekit: {
      ...EXISTING_KEYS,
      rtc: { nodeIp: '203.0.113.10', serviceLabels: { 'lb.example.org/pool': 'media' }, serviceAnnotations: { 'lb.example.org/ip': '203.0.113.10' } },
      turn: TURN,
    },
    lkJwt: { insecureSkipVerifyTls: true },
    ingress: { className: 'nginx', tls: { enabled: true, clusterIssuer: 'letsencrypt' }, whitelistSourceRange: ['203.0.113.0/24', '2001:db8::/32'] },
    scheduling: { nodeSelector: { 'kubernetes.io/os': 'linux' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'chat', effect: 'NoSchedule' }] },
    imagePullSecrets: ['registry-credentials'],
    labels: { 'team': 'chat', 'example.org/cost-center': 'c-42' },
  }),
  scenario('TURN with custom TLS port and inline credentials', {
    serverName: SERVER,
    homeserver: { registrationToken: INLINE.registrationToken },
    livekit: {
      ...INLINE_KEYS,
      rtc: { signalingPort: 17880, tcpPort: 17881, udpPort: 17882, nodeIp: '203.0.113.10' },
      turn: { ...TURN, tlsPort: 15349 },
    },
  }),
  scenario('external LiveKit', {
    serverName: SERVER,
    homeserver: EXISTING_TOKEN,
    livekit: { enabled: false, publicUrl: 'wss://livekit.example.net', keys: { existingSecret: { name: 'external-livekit', apiKeyKey: 'key', apiSecretKey: 'secret' } } },
  }),
  scenario('chat only (no lk-jwt, no LiveKit)', {
    serverName: SERVER,
    homeserver: EXISTING_TOKEN,
    livekit: { enabled: false },
    lkJwt: { enabled: false },
  }),
  scenario('homeserver disabled', { serverName: SERVER, homeserver: { enabled: false }, livekit: INLINE_KEYS }),
  scenario('ingress nginx with allow-list', { serverName: SERVER, homeserver: EXISTING_TOKEN, livekit: EXISTING_KEYS, ingress: { className: 'nginx', whitelistSourceRange: ['10.0.0.0/8'], annotations: { 'example.org/owner': 'chat-team' } } }),
  scenario('ingress haproxy', { serverName: SERVER, homeserver: EXISTING_TOKEN, livekit: EXISTING_KEYS, ingress: { className: 'haproxy', whitelistSourceRange: ['10.0.0.0/8'] } }),
  scenario('ingress openshift-default', { serverName: SERVER, homeserver: EXISTING_TOKEN, livekit: EXISTING_KEYS, ingress: { className: 'openshift-default', tls: { enabled: true } } }),
  scenario('ingress traefik with namespace', {
    serverName: SERVER,
    homeserver: EXISTING_TOKEN,
    livekit: EXISTING_KEYS,
    ingress: { className: 'traefik', tls: { enabled: true, secretName: 'matrix-tls' }, whitelistSourceRange: ['192.0.2.0/24'] },
  }, 'matrix-prod'),
  scenario('ingress of another class', { serverName: SERVER, homeserver: EXISTING_TOKEN, livekit: EXISTING_KEYS, ingress: { className: 'contour' } }),
  scenario('ingress disabled', { serverName: SERVER, homeserver: EXISTING_TOKEN, livekit: EXISTING_KEYS, ingress: { enabled: false } }),
  scenario('TLS on with cert-manager', { serverName: SERVER, homeserver: EXISTING_TOKEN, livekit: EXISTING_KEYS, ingress: { tls: { enabled: true, clusterIssuer: 'letsencrypt-prod' } } }),
  scenario('TLS off', { serverName: SERVER, homeserver: EXISTING_TOKEN, livekit: EXISTING_KEYS, ingress: { tls: { enabled: false } } }),
  scenario('persistence with existing claim', { serverName: SERVER, homeserver: { ...EXISTING_TOKEN, persistence: { existingClaim: 'tuwunel-data' } }, livekit: EXISTING_KEYS }),
  scenario('persistence disabled, registration closed', { serverName: SERVER, homeserver: { allowRegistration: false, persistence: { enabled: false } }, livekit: EXISTING_KEYS }),
  scenario('inline credentials', { serverName: SERVER, homeserver: { registrationToken: INLINE.registrationToken }, livekit: INLINE_KEYS }),
  scenario('name prefix', {
    serverName: 'chat.example.com',
    namePrefix: 'tenant-a-',
    homeserver: { registrationToken: INLINE.registrationToken },
    livekit: { ...INLINE_KEYS, turn: { ...TURN, domain: 'turn.chat.example.com' } },
    ingress: { className: 'traefik', whitelistSourceRange: ['10.0.0.0/8'] },
  }, 'tenant-a'),
  scenario('images by digest', {
    serverName: SERVER,
    homeserver: { ...EXISTING_TOKEN, image: { registry: 'registry.example.org:5000/mirror', digest: DIGESTS.tuwunel } },
    livekit: { ...EXISTING_KEYS, image: { tag: 'v1.13.5', digest: DIGESTS.livekit } },
    lkJwt: { image: { digest: DIGESTS.lkJwt } },
  }),
  scenario('network policies off', { serverName: SERVER, homeserver: EXISTING_TOKEN, livekit: EXISTING_KEYS, networkPolicy: { enabled: false } }),
  scenario('chart without namespace', { serverName: SERVER, homeserver: EXISTING_TOKEN, livekit: EXISTING_KEYS }, null),
  // Opt-in features beyond the chart (issues 6, 7 and 10).
  scenario('Gateway API, bundled LiveKit', { serverName: SERVER, homeserver: EXISTING_TOKEN, livekit: EXISTING_KEYS, routing: GATEWAY }),
  scenario('bundled LiveKit on its own host (Ingress with TLS)', {
    serverName: SERVER, homeserver: EXISTING_TOKEN, livekit: { ...EXISTING_KEYS, publicUrl: 'wss://livekit.example.org' }, ingress: { tls: { enabled: true, clusterIssuer: 'letsencrypt-prod' } },
  }),
  scenario('bundled LiveKit on its own host (Gateway API)', {
    serverName: SERVER, homeserver: EXISTING_TOKEN, livekit: { ...EXISTING_KEYS, publicUrl: 'wss://livekit.example.org' }, routing: GATEWAY,
  }),
  scenario('Gateway API, external LiveKit', {
    serverName: SERVER,
    homeserver: EXISTING_TOKEN,
    livekit: { enabled: false, publicUrl: 'wss://livekit.example.net', keys: { existingSecret: { name: 'external-livekit' } } },
    routing: Routing.gatewayApi({ parentRefs: [{ name: 'public' }, { name: 'internal', namespace: 'gateway-system' }] }),
  }),
  scenario('TURN with a managed certificate (cert-manager issuer)', {
    serverName: SERVER,
    homeserver: EXISTING_TOKEN,
    livekit: { ...EXISTING_KEYS, turn: MANAGED_TURN },
  }),
  scenario('lk-jwt serverNameAddress and tight network policies', {
    serverName: SERVER,
    homeserver: EXISTING_TOKEN,
    livekit: EXISTING_KEYS,
    lkJwt: { serverNameAddress: '10.96.12.34' },
    networkPolicy: { ingressControllerNamespace: 'ingress-nginx' },
  }),
  scenario('appservices (two, one with custom token keys)', { serverName: SERVER, homeserver: { ...EXISTING_TOKEN, appservices: APPSERVICES }, livekit: EXISTING_KEYS }),
  scenario('webhooks, metrics and ServiceMonitor', {
    serverName: SERVER,
    homeserver: EXISTING_TOKEN,
    livekit: {
      ...EXISTING_KEYS,
      webhooks: { enabled: true, urls: ['https://hooks.example.org/livekit?source=chat'] },
      metrics: { enabled: true, port: 16789, serviceMonitor: { enabled: true, interval: '15s', labels: { release: 'kube-prometheus-stack' } } },
    },
    lkJwt: LK_JWT_0_6,
  }),
  scenario('scheduling (priority, spread, node selector, tolerations, affinity)', {
    serverName: SERVER,
    homeserver: { ...EXISTING_TOKEN, priorityClassName: 'chat-critical', topologySpreadConstraints: spread('matrix-homeserver') },
    livekit: { ...EXISTING_KEYS, priorityClassName: 'media-high', topologySpreadConstraints: spread('livekit'), terminationGracePeriodSeconds: 3600, meshSidecarOptOut: false },
    lkJwt: { priorityClassName: 'chat-critical', topologySpreadConstraints: spread('lk-jwt-service') },
    scheduling: SCHEDULING,
  }),
  scenario('scale-out on standalone Redis (password Secret, HOST_IP)', {
    serverName: SERVER,
    homeserver: EXISTING_TOKEN,
    livekit: {
      ...EXISTING_KEYS,
      scaleOut: {
        enabled: true,
        replicas: 3,
        nodeAddress: NodeAddressSource.HOST_IP,
        redis: { address: REDIS_ADDRESS, username: 'livekit', db: 2, useTls: true, passwordSecret: { name: 'redis-auth', key: 'password' } },
      },
    },
  }),
  scenario('scale-out on Redis Sentinel (STUN)', {
    serverName: SERVER,
    homeserver: EXISTING_TOKEN,
    livekit: {
      ...INLINE_KEYS,
      scaleOut: {
        enabled: true,
        nodeAddress: NodeAddressSource.STUN,
        redis: {
          sentinelMasterName: 'mymaster',
          sentinelAddresses: ['redis-sentinel-0.redis:26379', 'redis-sentinel-1.redis:26379', '[2001:db8::1]:26379'],
          sentinelUsername: 'sentinel-user',
          sentinelPasswordSecret: { name: 'redis-sentinel', key: 'sentinel-password' },
          passwordSecret: { name: 'redis-sentinel', key: 'redis-password' },
        },
      },
    },
  }),
  scenario('kitchen sink (every compatible option)', {
    serverName: 'chat.example.com',
    namePrefix: 'sink-',
    homeserver: {
      registrationToken: INLINE.registrationToken,
      appservices: APPSERVICES,
      persistence: { size: '50Gi', storageClassName: 'fast-ssd' },
      image: { digest: DIGESTS.tuwunel },
      priorityClassName: 'chat-critical',
      topologySpreadConstraints: spread('sink-matrix-homeserver'),
    },
    livekit: {
      ...INLINE_KEYS,
      rtc: { nodeIp: '203.0.113.20', serviceLabels: { 'lb.example.org/pool': 'media' }, serviceAnnotations: { 'lb.example.org/ip': '203.0.113.20' } },
      turn: { enabled: true, domain: 'turn.chat.example.com', tlsPort: 15349, tls: { issuer: { name: 'dns01', kind: IssuerKind.ISSUER } } },
      webhooks: { enabled: true },
      metrics: { enabled: true, serviceMonitor: { enabled: true } },
      priorityClassName: 'media-high',
      topologySpreadConstraints: spread('sink-livekit'),
      terminationGracePeriodSeconds: 10800,
    },
    lkJwt: { ...LK_JWT_0_6, serverNameAddress: '2001:db8::53', insecureSkipVerifyTls: true, priorityClassName: 'chat-critical' },
    networkPolicy: { ingressControllerNamespace: 'envoy-gateway-system' },
    routing: Routing.gatewayApi({ parentRefs: [{ name: 'public', namespace: 'envoy-gateway-system', sectionName: 'https' }] }),
    scheduling: SCHEDULING,
    imagePullSecrets: ['registry-credentials'],
    labels: { 'team': 'chat', 'example.org/cost-center': 'c-42' },
  }, 'sink'),
  scenario('kitchen sink, scale-out (every option compatible with host-network SFUs)', {
    serverName: SERVER,
    namePrefix: 'so-',
    homeserver: { ...EXISTING_TOKEN, appservices: APPSERVICES.slice(1), priorityClassName: 'chat-critical' },
    livekit: {
      ...EXISTING_KEYS,
      webhooks: { enabled: true },
      metrics: { enabled: true, port: 9100, serviceMonitor: { enabled: true, labels: { release: 'prometheus' } } },
      scaleOut: { enabled: true, replicas: 4, redis: { address: REDIS_ADDRESS, passwordSecret: { name: 'redis-auth', key: 'password' } } },
      priorityClassName: 'media-high',
      topologySpreadConstraints: spread('so-livekit'),
    },
    lkJwt: { ...LK_JWT_0_6, serverNameAddress: '10.96.12.34' },
    routing: GATEWAY,
    scheduling: SCHEDULING,
  }),
  scenario('apex delegation: IDs on example.org, server on matrix.example.org (Ingress with TLS, TURN)', {
    serverName: 'example.org',
    publicHost: SERVER,
    homeserver: {
      ...EXISTING_TOKEN,
      admins: ['@alice:example.org', '@ops.bot:example.org'],
      registrationSharedSecretExistingSecret: { name: 'matrix-shared-secret', key: 'secret' },
    },
    livekit: { ...EXISTING_KEYS, turn: { ...TURN, domain: 'turn.example.org' } },
    lkJwt: { serverNameAddress: '10.96.0.10' },
    ingress: { tls: { enabled: true, clusterIssuer: 'letsencrypt' } },
  }),
  scenario('apex delegation (Gateway API), well-known published elsewhere', {
    serverName: 'example.org',
    publicHost: SERVER,
    wellKnown: { routeOnServerName: false },
    homeserver: { ...EXISTING_TOKEN, grantAdminToFirstUser: true },
    livekit: { ...EXISTING_KEYS, publicUrl: 'wss://livekit.example.org' },
    routing: GATEWAY,
  }),
  scenario('Element Web on its own host (apex delegation, Ingress with TLS, tight network policies)', {
    serverName: 'example.org',
    publicHost: SERVER,
    homeserver: EXISTING_TOKEN,
    livekit: EXISTING_KEYS,
    elementWeb: { host: 'chat.example.org', brand: 'Example Chat' },
    ingress: { tls: { enabled: true, clusterIssuer: 'letsencrypt' } },
    networkPolicy: { ingressControllerNamespace: 'ingress-nginx' },
  }),
  scenario('Element Web with Gateway API and lk-jwt-service 0.6.0', {
    serverName: SERVER,
    homeserver: EXISTING_TOKEN,
    livekit: EXISTING_KEYS,
    lkJwt: LK_JWT_0_6,
    elementWeb: { host: 'chat.example.org' },
    routing: GATEWAY,
  }),
  scenario('apex delegation (Gateway API), well-known routed on the server name', {
    serverName: 'example.org',
    publicHost: SERVER,
    homeserver: EXISTING_TOKEN,
    livekit: EXISTING_KEYS,
    routing: GATEWAY,
  }),
  scenario('homeserver features: SSO, token lifetimes, client IP, support, previews, presence, log, dual stack', {
    serverName: SERVER,
    ipFamilyPolicy: IpFamilyPolicy.PREFER_DUAL_STACK,
    ipFamilies: [IpFamily.IPV4, IpFamily.IPV6],
    homeserver: {
      ...EXISTING_TOKEN,
      sso: {
        identityProviders: [
          { brand: 'keycloak', clientId: 'matrix', clientSecretSecret: { name: 'keycloak-client', key: 'secret' }, issuerUrl: 'https://id.example.org/realms/chat', name: 'Company login', isDefault: true, trusted: true },
          { brand: 'github', clientId: 'Iv1.0123abcd', clientSecretSecret: { name: 'github-oauth', key: 'client-secret' }, registration: false },
        ],
      },
      loginWithPassword: false,
      accessTokenTtl: Duration.hours(1),
      refreshTokenTtl: Duration.days(30),
      clientIpSource: ClientIpSource.FROM_ROUTING,
      clientIpTrustedSubnets: ['10.244.7.0/24'],
      supportPage: 'https://example.org/help',
      supportContacts: [{ role: SupportContactRole.ADMIN, emailAddress: 'admin@example.org', matrixId: '@admin:matrix.example.org' }],
      trustedServers: ['matrix.org', 'example.net'],
      urlPreviews: { enabled: true, allowedDomains: ['example.org', 'wikipedia.org'], deniedDomains: ['internal.example.org'] },
      presence: { local: true, incoming: false, outgoing: false },
      logLevel: 'warn,tuwunel_service=info',
    },
    livekit: EXISTING_KEYS,
    ingress: { tls: { enabled: true, clusterIssuer: 'letsencrypt' } },
  }),
  scenario('backups and snapshots: Tuwunel online backups every 12h, snapscheduler on both claims', {
    serverName: SERVER,
    homeserver: {
      ...EXISTING_TOKEN,
      backup: { enabled: true, size: '40Gi', storageClassName: 'backup-hdd', keep: 14, schedule: Duration.hours(12) },
      snapshots: { enabled: true, schedule: '30 3 * * *', retention: { expires: '336h', maxCount: 14 }, snapshotClassName: 'csi-snapclass' },
    },
    livekit: EXISTING_KEYS,
  }),
  scenario('backups to an existing claim, data on an existing claim, no prune protection', {
    serverName: SERVER,
    namePrefix: 'chat-',
    gitOpsPruneProtection: false,
    homeserver: {
      registrationToken: INLINE.registrationToken,
      persistence: { existingClaim: 'matrix-data' },
      backup: { enabled: true, existingClaim: 'matrix-backups' },
    },
    livekit: INLINE_KEYS,
  }),
  scenario('SFU options: JSON debug logs, room defaults, TURN TLS terminated by the load balancer', {
    serverName: SERVER,
    homeserver: EXISTING_TOKEN,
    livekit: {
      ...EXISTING_KEYS,
      logging: { level: LogLevel.DEBUG, json: true, pionLevel: LogLevel.WARN },
      room: { emptyTimeout: Duration.minutes(2), maxParticipants: 50 },
      turn: { enabled: true, domain: 'turn.chat.example.com', externalTls: true },
    },
  }),
  scenario('SFU options in scale-out: a UDP port range on the host network', {
    serverName: SERVER,
    homeserver: EXISTING_TOKEN,
    livekit: {
      ...EXISTING_KEYS,
      rtc: { udpPortRange: { start: 50000, end: 50999 } },
      scaleOut: { enabled: true, replicas: 3, redis: { address: REDIS_ADDRESS } },
    },
  }),
];
