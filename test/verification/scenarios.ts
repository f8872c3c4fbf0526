import { MatrixChatProps } from '../../src';

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
const TURN = { enabled: true, domain: 'turn.example.org', tls: { existingSecret: 'turn-tls', certKey: 'cert.pem', keyKey: 'key.pem' } };

/** Inline secret values set in the props (what must never leave a Secret). */
export function inlineSecretsOf(props: MatrixChatProps): string[] {
  const values = [props.homeserver?.registrationToken, props.livekit?.keys?.apiKey, props.livekit?.keys?.apiSecret];
  return values.filter((v): v is string => typeof v === 'string' && v !== '');
}

/** Secret names the user declared as existing: credentials, TURN certificate, ingress TLS, pull secrets. */
export function existingSecretsOf(props: MatrixChatProps): string[] {
  const names = [
    props.homeserver?.registrationTokenExistingSecret?.name,
    props.livekit?.keys?.existingSecret?.name,
    props.livekit?.turn?.tls?.existingSecret,
    props.ingress?.tls?.enabled ? props.ingress.tls.secretName ?? 'matrix-certificate' : undefined,
    ...(props.imagePullSecrets ?? []),
  ];
  return [...new Set(names.filter((v): v is string => typeof v === 'string' && v !== ''))];
}

/** PersistentVolumeClaims the user declared as existing. */
export function existingClaimsOf(props: MatrixChatProps): string[] {
  const claim = props.homeserver?.persistence?.existingClaim;
  return typeof claim === 'string' && claim !== '' ? [claim] : [];
}

/** Builds a scenario, deriving its secret and claim lists from the props. */
export function scenario(name: string, props: MatrixChatProps, namespace: string | undefined = 'chat'): Scenario {
  return {
    name,
    props,
    namespace,
    inlineSecrets: inlineSecretsOf(props),
    existingSecrets: existingSecretsOf(props),
    existingClaims: existingClaimsOf(props),
  };
}

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
      rtc: { signalingPort: 17880, tcpPort: 17881, udpPort: 17882, useExternalIp: false },
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
  scenario('chart without namespace', { serverName: SERVER, homeserver: EXISTING_TOKEN, livekit: EXISTING_KEYS }, undefined),
];
