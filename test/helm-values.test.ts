// Mapping the reference Helm chart's values to MatrixChatProps.
import * as path from 'node:path';
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { container, find, synth, tuwunelConfig } from './util';
import { readValuesFile } from '../src/cli';
import { HelmValues, mapHelmValues, propsFromHelmValues, traceHelmValues } from '../src/helm-values';

const fixture = (name: string) => readValuesFile(path.join(__dirname, 'fixtures', name));

/** Minimal enabled values with every credential from existing Secrets, plus `extra` under matrixChat. */
function values(extra: Record<string, unknown> = {}, chart: Record<string, unknown> = {}): any {
  return {
    ...chart,
    matrixChat: {
      enabled: true,
      homeserver: { serverName: 'matrix.example.org', registrationTokenExistingSecret: { name: 'reg' } },
      livekit: { keys: { existingSecret: { name: 'lk' } } },
      ...extra,
    },
  };
}

/** The error message thrown by the mapper ('' when it maps). */
function mapError(input: unknown): string {
  try {
    mapHelmValues(input);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('the seed examples', () => {
  test('bundled LiveKit with TURN maps to the equivalent props', () => {
    expect(propsFromHelmValues(fixture('seed-bundled-turn.yaml'))).toEqual({
      serverName: 'matrix.example.org',
      homeserver: {
        enabled: true,
        registrationToken: '7f3c9a1e5b2d4086a9c1e3f5b7d90246',
        livekitServiceUrl: 'https://matrix.example.org',
      },
      livekit: {
        enabled: true,
        publicUrl: 'wss://matrix.example.org',
        keys: { apiKey: 'APIk3yM4tr1xChat', apiSecret: '9b1f4e7a2c6d8e0f3a5b7c9d1e2f4a6b8c0d2e4f' },
        rtc: { nodeIp: '203.0.113.10' },
        turn: { enabled: true, domain: 'turn.matrix.example.org', tlsPort: 5349, tls: { existingSecret: 'livekit-turn-tls' } },
      },
      lkJwt: { enabled: true },
    });
  });

  test('external LiveKit maps, and the trailing /sfu is removed with a note', () => {
    const mapping = mapHelmValues(fixture('seed-external.yaml'));
    expect(mapping.props).toEqual({
      serverName: 'matrix.example.org',
      homeserver: {
        enabled: true,
        livekitServiceUrl: 'https://matrix.example.org',
        registrationTokenExistingSecret: { name: 'matrix-registration', key: 'registration_token' },
      },
      livekit: {
        enabled: false,
        publicUrl: 'wss://livekit.operator.example',
        keys: { existingSecret: { name: 'operator-livekit-creds', apiKeyKey: 'LIVEKIT_API_KEY', apiSecretKey: 'LIVEKIT_API_SECRET' } },
      },
      lkJwt: { enabled: true },
    });
    expect(mapping.notes).toHaveLength(1);
    expect(mapping.notes[0]).toMatch(/livekitServiceUrl: removed the trailing "\/sfu"/);
  });

  test('HelmValues (the jsii entry point) maps the same way', () => {
    const input = fixture('seed-external.yaml');
    expect(HelmValues.toProps(input)).toEqual(propsFromHelmValues(input));
    expect(HelmValues.map(input)).toEqual(mapHelmValues(input));
  });
});

describe('matrixChat.enabled', () => {
  test.each([
    ['false', { matrixChat: { enabled: false, homeserver: { serverName: 'matrix.example.org' } } }],
    ['missing (the chart defaults to false)', { matrixChat: { homeserver: { serverName: 'matrix.example.org' } } }],
    ['no matrixChat block', { ingress: { className: 'nginx' } }],
    ['empty values', {}],
    ['null values', null],
  ])('%s yields no stack', (_name, input) => {
    expect(propsFromHelmValues(input)).toBeUndefined();
  });

  test('"true" as a string (from --set-string) enables it', () => {
    expect(propsFromHelmValues({ matrixChat: { enabled: 'true' } })).toEqual({ serverName: '' });
  });

  test('unknown keys are reported even when the stack is disabled', () => {
    expect(mapError({ matrixChat: { enabled: false, homeservr: {} } })).toMatch(/matrixChat\.homeservr: unknown key \(did you mean "homeserver"\?\)/);
  });
});

describe('unknown keys and wrong types', () => {
  test('every unknown path is listed in one error', () => {
    const message = mapError(values({
      homeserver: { serverName: 'matrix.example.org', registrationTokn: 'x', persistence: { sise: '1Gi' } },
      livekit: { keys: { apiKey: 'k' }, rtc: { nodeIP: '1.2.3.4' }, turn: { tls: { secret: 's' } } },
      lkJwt: { resources: { request: { cpu: '10m' } } },
      extra: 1,
    }));
    // One problem per line, so a reader (and the CLI) can take them apart.
    expect(message).toMatch(/^Invalid Helm values \(6 problems\):\n- /);
    expect(message.split('\n')).toHaveLength(7);
    for (const unknown of [
      'matrixChat.homeserver.registrationTokn: unknown key (did you mean "registrationToken"?)',
      'matrixChat.homeserver.persistence.sise: unknown key (did you mean "size"?)',
      'matrixChat.livekit.rtc.nodeIP: unknown key (did you mean "nodeIp"?)',
      'matrixChat.livekit.turn.tls.secret: unknown key',
      'matrixChat.lkJwt.resources.request: unknown key (did you mean "requests"?)',
      'matrixChat.extra: unknown key',
    ]) {
      expect(message.split('\n')).toContain(`- ${unknown}`);
    }
  });

  test('values of the wrong type are reported with the unknown keys', () => {
    const message = mapError(values({
      enabled: 'yes please',
      homeserver: { serverName: 'matrix.example.org', clientPort: 'http', allowRegistration: 'no', persistence: 'big' },
      livekit: { rtc: { serviceLabels: { a: { b: 1 } } } },
      typo: true,
    }));
    expect(message).toContain('matrixChat.enabled: expected true or false, got "yes please"');
    expect(message).toContain('matrixChat.homeserver.clientPort: expected an integer, got "http"');
    expect(message).toContain('matrixChat.homeserver.allowRegistration: expected true or false, got "no"');
    expect(message).toContain('matrixChat.homeserver.persistence: expected a map, got "big"');
    expect(message).toContain('matrixChat.livekit.rtc.serviceLabels.a: expected a string, got a map');
    expect(message).toContain('matrixChat.typo: unknown key');
  });

  test('keys outside matrixChat belong to the whole chart and are not checked', () => {
    expect(mapError(values({}, { waldur: { imageTag: '7.0' }, ingress: { tls: { secretsDir: 'tls' } }, global: { imageRegistry: 'mirror' } }))).toBe('');
  });

  test('the top level must be a map', () => {
    expect(mapError(['a'])).toBe('Helm values must be a map at the top level, got a list');
  });

  test('numbers given for strings are kept as text, as Helm prints them', () => {
    const props = propsFromHelmValues(values({ lkJwt: { imageTag: 5 } }));
    expect(props?.lkJwt?.image).toEqual({ tag: '5' });
  });
});

describe('homeserver', () => {
  test('every key maps', () => {
    const props = propsFromHelmValues(values({
      homeserver: {
        enabled: true,
        serverName: 'chat.example.org',
        clientPort: 8448,
        allowRegistration: false,
        allowFederation: false,
        maxRequestSize: 52428800,
        livekitServiceUrl: 'https://calls.example.org/',
        persistence: { enabled: true, size: '20Gi', storageClass: 'fast', existingClaim: 'old-claim' },
      },
    }));
    expect(props?.serverName).toBe('chat.example.org');
    expect(props?.homeserver).toEqual({
      enabled: true,
      clientPort: 8448,
      allowRegistration: false,
      allowFederation: false,
      maxRequestSize: 52428800,
      livekitServiceUrl: 'https://calls.example.org/',
      persistence: { enabled: true, size: '20Gi', storageClassName: 'fast', existingClaim: 'old-claim' },
    });
  });

  test('storageClass and storageClassName may not disagree', () => {
    expect(mapError(values({ homeserver: { serverName: 'matrix.example.org', persistence: { storageClass: 'a', storageClassName: 'b' } } })))
      .toContain('matrixChat.homeserver.persistence.storageClass: differs from persistence.storageClassName');
  });

  test.each([
    ['a name', 'reg-secret', { name: 'reg-secret' }],
    ['{ name, key }', { name: 'reg-secret', key: 'token' }, { name: 'reg-secret', key: 'token' }],
  ])('registrationTokenExistingSecret as %s', (_form, given, expected) => {
    const props = propsFromHelmValues(values({ homeserver: { serverName: 'matrix.example.org', registrationTokenExistingSecret: given } }));
    expect(props?.homeserver?.registrationTokenExistingSecret).toEqual(expected);
  });

  test('homeserver.existingSecret is accepted as the same reference', () => {
    const props = propsFromHelmValues(values({ homeserver: { serverName: 'matrix.example.org', existingSecret: { name: 'reg-secret', key: 'token' } } }));
    expect(props?.homeserver?.registrationTokenExistingSecret).toEqual({ name: 'reg-secret', key: 'token' });
    expect(mapError(values({ homeserver: { serverName: 'matrix.example.org', existingSecret: 'a', registrationTokenExistingSecret: 'b' } })))
      .toContain('matrixChat.homeserver.existingSecret: is set together with registrationTokenExistingSecret');
  });

  test('the chart\'s empty defaults ("" and null) mean "not set"', () => {
    const props = propsFromHelmValues({
      matrixChat: {
        enabled: true,
        homeserver: {
          serverName: 'matrix.example.org',
          registrationToken: 'token-from-values',
          registrationTokenExistingSecret: { name: '', key: 'registration_token' },
          imageDigest: '',
          livekitServiceUrl: null,
          persistence: { storageClass: '', existingClaim: '' },
          resources: {},
        },
        livekit: { keys: { apiKey: '', apiSecret: '', existingSecret: { name: '', apiKeyKey: 'LIVEKIT_API_KEY' } }, rtc: { nodeIp: '' }, turn: { enabled: false, domain: '', tls: { existingSecret: '' } } },
      },
      imagePullSecrets: [],
      nodeSelector: {},
      tolerations: [],
      affinity: {},
    });
    expect(props).toEqual({
      serverName: 'matrix.example.org',
      homeserver: { registrationToken: 'token-from-values' },
      livekit: { turn: { enabled: false } },
    });
  });
});

describe('images', () => {
  test('the chart\'s flat keys map, and a digest wins over a tag as in the chart', () => {
    const props = propsFromHelmValues(values({
      homeserver: { serverName: 'matrix.example.org', imageRegistry: 'mirror.example.org', imageName: 'matrix-construct/tuwunel', imageTag: 'v1.9.0', imageDigest: `sha256:${'a'.repeat(64)}` },
      livekit: { imageRegistry: 'mirror.example.org/dockerhub', imageTag: 'v1.13.5' },
      lkJwt: { imageTag: 'sha-0123abc', imageDigest: '' },
    }));
    expect(props?.homeserver?.image).toEqual({ registry: 'mirror.example.org', repository: 'matrix-construct/tuwunel', digest: `sha256:${'a'.repeat(64)}` });
    expect(props?.livekit?.image).toEqual({ registry: 'mirror.example.org/dockerhub', tag: 'v1.13.5' });
    expect(props?.lkJwt?.image).toEqual({ tag: 'sha-0123abc' });
  });

  test('a nested image map passes through', () => {
    const image = { registry: 'ghcr.io', repository: 'element-hq/lk-jwt-service', tag: 'sha-1', digest: `sha256:${'b'.repeat(64)}` };
    expect(propsFromHelmValues(values({ lkJwt: { image } }))?.lkJwt?.image).toEqual(image);
    expect(propsFromHelmValues(values({ lkJwt: { image: { name: 'x/y' } } }))?.lkJwt?.image).toEqual({ repository: 'x/y' });
  });

  test('the same field given twice is a conflict', () => {
    const message = mapError(values({ lkJwt: { image: { tag: 'a', registry: 'r1' }, imageTag: 'b', imageRegistry: 'r2', imageName: 'a/b', imageRepository: 'c/d' } }));
    expect(message).toContain('matrixChat.lkJwt.imageTag: is set together with image.tag');
    expect(message).toContain('matrixChat.lkJwt.imageRegistry: conflicts with matrixChat.lkJwt.image.registry');
    expect(message).toContain('matrixChat.lkJwt.imageName: conflicts with matrixChat.lkJwt.imageRepository');
  });
});

describe('resources', () => {
  test('Kubernetes-style requests and limits become kplus resources', () => {
    const props = propsFromHelmValues(values({
      homeserver: {
        serverName: 'matrix.example.org',
        registrationTokenExistingSecret: { name: 'reg' },
        resources: { requests: { 'cpu': '250m', 'memory': '512Mi', 'ephemeral-storage': '1Gi' }, limits: { cpu: 2, memory: '1.5Gi' } },
      },
    }));
    expect(props?.homeserver?.resources).toEqual({
      cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.millis(2000) },
      memory: { request: Size.mebibytes(512), limit: Size.mebibytes(1536) },
      ephemeralStorage: { request: Size.gibibytes(1) },
    });
    const objects = synth(props!);
    expect(container(find(objects, 'StatefulSet', 'matrix-homeserver')).resources).toEqual({
      requests: { 'cpu': '250m', 'memory': '512Mi', 'ephemeral-storage': '1Gi' },
      limits: { cpu: '2000m', memory: '1536Mi' },
    });
  });

  test('decimal units are rounded up to whole KiB with a note; fractional cores become millicores', () => {
    const mapping = mapHelmValues(values({ lkJwt: { resources: { requests: { cpu: '0.3', memory: '1G' } } } }));
    expect(mapping.props?.lkJwt?.resources).toEqual({ cpu: { request: kplus.Cpu.millis(300) }, memory: { request: Size.kibibytes(976563) } });
    expect(mapping.notes).toEqual(['matrixChat.lkJwt.resources.requests.memory: "1G" rounded up to 976563Ki (sizes are whole KiB)']);
  });

  test('values that are not quantities are reported', () => {
    const message = mapError(values({ lkJwt: { resources: { requests: { cpu: 'lots', memory: '-1Mi' }, limits: { 'cpu': '0.5m', 'nvidia.com/gpu': 1 } } } }));
    expect(message).toContain('matrixChat.lkJwt.resources.requests.cpu: "lots" is not a CPU quantity');
    expect(message).toContain('matrixChat.lkJwt.resources.requests.memory: "-1Mi" is not a memory quantity');
    expect(message).toContain('matrixChat.lkJwt.resources.limits.cpu: "0.5m" is not a CPU quantity');
    expect(message).toContain('matrixChat.lkJwt.resources.limits.nvidia.com/gpu: unknown key');
  });
});

describe('livekit', () => {
  test('every key maps; tlsPort is the container port and the Service publishes 443', () => {
    const props = propsFromHelmValues(values({
      livekit: {
        enabled: true,
        publicUrl: 'wss://rtc.example.org',
        keys: { existingSecret: { name: 'lk', apiKeyKey: 'k', apiSecretKey: 's', livekitKeysKey: 'keys' } },
        rtc: { signalingPort: 7890, tcpPort: 7891, udpPort: 7892, nodeIp: '198.51.100.7', useExternalIp: false, serviceLabels: { tier: 'media' }, serviceAnnotations: { 'lb.example.org/ip': '198.51.100.7' } },
        turn: { enabled: true, domain: 'turn.example.org', tlsPort: 5350, tls: { existingSecret: 'turn-cert', certKey: 'crt', keyKey: 'key' } },
      },
    }));
    expect(props?.livekit).toEqual({
      enabled: true,
      publicUrl: 'wss://rtc.example.org',
      keys: { existingSecret: { name: 'lk', apiKeyKey: 'k', apiSecretKey: 's', livekitKeysKey: 'keys' } },
      rtc: { signalingPort: 7890, tcpPort: 7891, udpPort: 7892, nodeIp: '198.51.100.7', useExternalIp: false, serviceLabels: { tier: 'media' }, serviceAnnotations: { 'lb.example.org/ip': '198.51.100.7' } },
      turn: { enabled: true, domain: 'turn.example.org', tlsPort: 5350, tls: { existingSecret: 'turn-cert', certKey: 'crt', keyKey: 'key' } },
    });
    const rtc = find(synth(props!), 'Service', 'livekit-rtc');
    expect(rtc.spec.ports).toContainEqual(expect.objectContaining({ name: 'turns', port: 443, targetPort: 5350 }));
  });

  test('keys.existingSecret may be a plain name', () => {
    expect(propsFromHelmValues(values({ livekit: { keys: { existingSecret: 'lk-creds' } } }))?.livekit?.keys).toEqual({ existingSecret: { name: 'lk-creds' } });
  });

  test('ports given as strings (--set-string) are read as integers', () => {
    expect(propsFromHelmValues(values({ livekit: { keys: { existingSecret: 'lk' }, rtc: { udpPort: '7900' } } }))?.livekit?.rtc).toEqual({ udpPort: 7900 });
  });
});

describe('lkJwt and networkPolicy', () => {
  test('lkJwt keys map', () => {
    const props = propsFromHelmValues(values({ lkJwt: { enabled: false, insecureSkipVerifyTls: true } }));
    expect(props?.lkJwt).toEqual({ enabled: false, insecureSkipVerifyTls: true });
  });

  test.each([
    [{ networkPolicy: { enabled: false } }, {}, false],
    [{}, { networkPolicy: { enabled: false } }, false],
    [{ networkPolicy: { enabled: true } }, { networkPolicy: { enabled: false } }, true],
    [{}, {}, undefined],
  ])('matrixChat %j with chart-wide %j → %s', (extra, chart, expected) => {
    expect(propsFromHelmValues(values(extra, chart))?.networkPolicy?.enabled).toBe(expected);
  });
});

describe('chart-wide ingress, apiScheme and scheduling', () => {
  const ingressOf = (chart: Record<string, unknown>) => propsFromHelmValues(values({}, chart))?.ingress;

  test('className, annotations and a comma-separated whitelist', () => {
    expect(ingressOf({ ingress: { enabled: true, className: 'haproxy', whitelistSourceRange: '10.0.0.0/8, 192.168.0.0/16', annotations: { a: 'b' } } }))
      .toEqual({ enabled: true, className: 'haproxy', whitelistSourceRange: ['10.0.0.0/8', '192.168.0.0/16'], annotations: { a: 'b' } });
    expect(ingressOf({ ingress: { whitelistSourceRange: ['10.0.0.0/8'] } })).toEqual({ whitelistSourceRange: ['10.0.0.0/8'] });
    expect(ingressOf({ ingress: { whitelistSourceRange: '' } })).toBeUndefined();
  });

  test.each([
    ['letsEncrypt with the chart\'s issuer', { enabled: true, source: 'letsEncrypt' }, { enabled: true, clusterIssuer: 'letsencrypt-prod-issuer' }],
    ['letsEncrypt with clusterIssuerName', { enabled: true, source: 'letsEncrypt', clusterIssuerName: 'le' }, { enabled: true, clusterIssuer: 'le' }],
    ['secret', { enabled: true, source: 'secret', secretName: 'matrix-tls', clusterIssuerName: 'ignored' }, { enabled: true, secretName: 'matrix-tls' }],
    ['cluster (the controller\'s certificate)', { enabled: true, source: 'cluster' }, { enabled: false }],
    ['disabled (issuer ignored, as in the chart)', { enabled: false, source: 'letsEncrypt' }, { enabled: false }],
    ['library shape', { enabled: true, secretName: 's', clusterIssuer: 'ci' }, { enabled: true, secretName: 's', clusterIssuer: 'ci' }],
    ['a boolean', true, { enabled: true }],
    ['the Kubernetes list form', [{ secretName: 'tls-secret', hosts: ['matrix.example.org'] }], { enabled: true, secretName: 'tls-secret' }],
  ])('tls: %s', (_name, tls, expected) => {
    expect(ingressOf({ ingress: { tls } })?.tls).toEqual(expected);
  });

  test('an unknown tls.source is reported', () => {
    expect(mapError(values({}, { ingress: { tls: { enabled: true, source: 'acme' } } }))).toContain('ingress.tls.source: "acme" is not one of');
  });

  test('apiScheme http turns the controller\'s HTTPS redirect off; user annotations still win', () => {
    expect(ingressOf({ apiScheme: 'http' })).toEqual({ annotations: { 'nginx.ingress.kubernetes.io/force-ssl-redirect': 'false' } });
    expect(ingressOf({ apiScheme: 'http', ingress: { className: 'haproxy' } })?.annotations).toEqual({ 'haproxy.org/ssl-redirect': 'false' });
    expect(ingressOf({ apiScheme: 'http', ingress: { annotations: { 'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true' } } })?.annotations)
      .toEqual({ 'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true' });
    expect(ingressOf({ apiScheme: 'https' })).toBeUndefined();
    expect(mapError(values({}, { apiScheme: 'ftp' }))).toContain('apiScheme: "ftp" is neither "http" nor "https"');
  });

  test('apiScheme http reaches the Ingress', () => {
    const ingress = find(synth(propsFromHelmValues(values({}, { apiScheme: 'http' }))!), 'Ingress', 'matrix-ingress');
    expect(ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/force-ssl-redirect']).toBe('false');
  });

  test('imagePullSecrets as names or { name }, and scheduling', () => {
    const tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'chat', effect: 'NoSchedule' }];
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } } };
    const props = propsFromHelmValues(values({}, { imagePullSecrets: ['regcred', { name: 'mirror' }], nodeSelector: { pool: 'chat' }, tolerations, affinity }));
    expect(props?.imagePullSecrets).toEqual(['regcred', 'mirror']);
    expect(props?.scheduling).toEqual({ nodeSelector: { pool: 'chat' }, tolerations, affinity });
    const pod = find(synth(props!), 'StatefulSet', 'matrix-homeserver').spec.template.spec;
    expect(pod.imagePullSecrets).toEqual([{ name: 'regcred' }, { name: 'mirror' }]);
    expect(pod.nodeSelector).toEqual({ pool: 'chat' });
    expect(pod.tolerations).toEqual(tolerations);
    expect(pod.affinity).toEqual(affinity);
  });

  test('wrong shapes of chart-wide keys are reported', () => {
    const message = mapError(values({}, { imagePullSecrets: 'regcred', tolerations: { key: 'x' }, ingress: 'on' }));
    expect(message).toContain('imagePullSecrets: expected a list, got "regcred"');
    expect(message).toContain('tolerations: expected a list, got a map');
    expect(message).toContain('ingress: expected a map, got "on"');
  });
});

test('the mapped seed example synthesizes the chart\'s objects', () => {
  const objects = synth(propsFromHelmValues(fixture('seed-bundled-turn.yaml'))!);
  expect(tuwunelConfig(objects).global.well_known.livekit_url).toBe('https://matrix.example.org');
  expect(find(objects, 'StatefulSet', 'matrix-homeserver').spec.selector).toEqual({ matchLabels: { app: 'matrix-homeserver' } });
});

describe('homeserver feature keys and Service IP families (issue 15 sections 1 and 5)', () => {
  const homeserver = (extra: Record<string, unknown>): any => values({
    homeserver: { serverName: 'matrix.example.org', registrationTokenExistingSecret: { name: 'reg' }, ...extra },
  });
  const FEATURES = {
    sso: { identityProviders: [{ brand: 'keycloak', clientId: 'matrix', clientSecretSecret: { name: 'kc', key: 'secret' }, issuerUrl: 'https://id.example.org/realms/chat', isDefault: true, scopes: ['openid'] }] },
    loginWithPassword: false,
    accessTokenTtl: 3600,
    refreshTokenTtl: '30d',
    clientIpSource: 'rightmost_x_forwarded_for',
    clientIpTrustedSubnets: ['10.244.7.0/24'],
    supportPage: 'https://example.org/help',
    supportContacts: [{ role: 'm.role.admin', emailAddress: 'admin@example.org' }],
    trustedServers: [],
    urlPreviews: { enabled: true, allowedDomains: ['example.org'] },
    presence: { local: true, incoming: false, outgoing: false },
    logLevel: 'warn',
    listenAddresses: ['0.0.0.0', '::'],
  };

  test('every key maps to its prop and reaches tuwunel.toml', () => {
    const props = propsFromHelmValues({ matrixChat: { ...homeserver(FEATURES).matrixChat, ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4', 'IPv6'] } })!;
    expect(props.homeserver?.accessTokenTtl?.toSeconds()).toBe(3600);
    expect(props.homeserver?.refreshTokenTtl?.toSeconds()).toBe(2_592_000);
    expect([props.ipFamilyPolicy, props.ipFamilies]).toEqual(['PreferDualStack', ['IPv4', 'IPv6']]);
    const objects = synth(props);
    const config = tuwunelConfig(objects).global;
    expect(config.identity_provider).toEqual([{ brand: 'keycloak', client_id: 'matrix', client_secret_file: '/etc/tuwunel/sso/0/client_secret', issuer_url: 'https://id.example.org/realms/chat', default: true, scope: ['openid'] }]);
    expect([config.login_with_password, config.access_token_ttl, config.refresh_token_ttl]).toEqual([false, 3600, 2_592_000]);
    expect([config.ip_source, config.ip_source_trusted_subnets]).toEqual(['rightmost_x_forwarded_for', ['10.244.7.0/24']]);
    expect(config.well_known.support_contact).toEqual({ 0: { role: 'm.role.admin', email_address: 'admin@example.org' } });
    expect([config.trusted_servers, config.url_preview_domain_explicit_allowlist, config.allow_outgoing_presence, config.log]).toEqual([[], ['example.org'], false, 'warn']);
    expect(config.address).toEqual(['0.0.0.0', '::']);
    expect(find(objects, 'Service', 'lk-jwt-service').spec.ipFamilyPolicy).toBe('PreferDualStack');
  });

  test.each([
    ['fromRouting', 'FROM_ROUTING'], ['FROM_ROUTING', 'FROM_ROUTING'], ['header_scan', 'HEADER_SCAN'], ['x_real_ip', 'X_REAL_IP'],
  ])('clientIpSource %s maps to ClientIpSource.%s', (given, expected) => {
    expect(propsFromHelmValues(homeserver({ clientIpSource: given }))?.homeserver?.clientIpSource).toBe(expected);
  });

  test('wrong values and unknown keys are reported with their values key', () => {
    const input = homeserver({
      sso: { identityProviders: [{ brand: 'keycloak', clientID: 'x' }] },
      accessTokenTtl: '1 week',
      clientIpSource: 'leftmost',
      supportContacts: [{ role: 'boss', email: 'a@example.org' }],
      urlPreviews: { enable: true },
      listenAddresses: '::',
    });
    const message = mapError({ matrixChat: { ...input.matrixChat, ipFamilyPolicy: 'DualStack', ipFamilies: ['IPv5'] } });
    for (const line of [
      'matrixChat.homeserver.sso.identityProviders[0].clientID: unknown key (did you mean "clientId"?)',
      'matrixChat.homeserver.accessTokenTtl: "1 week" is not a duration',
      'matrixChat.homeserver.clientIpSource: "leftmost" is not one of "from_routing", "header_scan"',
      'matrixChat.homeserver.supportContacts[0].role: "boss" is not one of "m.role.admin", "m.role.security"',
      'matrixChat.homeserver.supportContacts[0].email: unknown key',
      'matrixChat.homeserver.urlPreviews.enable: unknown key (did you mean "enabled"?)',
      'matrixChat.homeserver.listenAddresses: expected a list, got "::"',
      'matrixChat.ipFamilyPolicy: "DualStack" is not one of "SingleStack", "PreferDualStack", "RequireDualStack"',
      'matrixChat.ipFamilies[0]: "IPv5" is not one of "IPv4", "IPv6"',
    ]) {
      expect(message).toContain(line);
    }
  });

  test('a mapped value MatrixChat refuses is blamed on its values key', () => {
    const trace = traceHelmValues(homeserver({ presence: { local: false } }));
    expect(trace.valuesKeyOf('homeserver.presence.outgoing')).toBe('matrixChat.homeserver.presence.outgoing');
    expect(trace.valuesKeyOf('ipFamilies[0]')).toBe('matrixChat.ipFamilies[0]');
  });
});

describe('SFU options', () => {
  test('logging, room defaults, turn.externalTls and rtc.udpPortRange map to props', () => {
    const props = propsFromHelmValues(values({
      livekit: {
        keys: { existingSecret: { name: 'lk' } },
        logging: { level: 'WARN', json: true, pionLevel: 'error' },
        room: { emptyTimeout: 120, maxParticipants: 25 },
        rtc: { udpPortRange: { start: 50000, end: 50100 } },
        turn: { externalTls: true },
      },
    }));
    const lk = props!.livekit!;
    expect(lk.logging).toEqual({ level: 'warn', json: true, pionLevel: 'error' });
    expect(lk.room?.emptyTimeout?.toSeconds()).toBe(120);
    expect(lk.room?.maxParticipants).toBe(25);
    expect(lk.rtc?.udpPortRange).toEqual({ start: 50000, end: 50100 });
    expect(lk.turn?.externalTls).toBe(true);
  });

  test('an unknown log level is reported; the known ones map', () => {
    expect(mapError(values({ livekit: { keys: { existingSecret: { name: 'lk' } }, logging: { level: 'verbose' } } }))).toContain('matrixChat.livekit.logging.level');
    expect(mapError(values({ livekit: { keys: { existingSecret: { name: 'lk' } }, logging: { level: 'debug' } } }))).not.toContain('logging.level');
  });
});
