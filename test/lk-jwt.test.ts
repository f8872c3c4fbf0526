// lk-jwt-service: Deployment, environment, Service and validation.
import { Chart, Testing } from 'cdk8s';
import { container, env, find, has, INLINE_PROPS, K8sObject, MINIMAL_PROPS, objectIds, podSpec, synth, TEST_API_SECRET, TEST_DIGEST, synthErrors } from './util';
import { LkJwt, LkJwtRelease, MatrixChatProps } from '../src';
import { LK_JWT_IMAGE } from '../src/images';
import { lkJwtPaths, releaseOfTag } from '../src/lk-jwt-release';

/** Every variable lk-jwt-service reads (REFERENCE.md, element-hq/lk-jwt-service config.go). */
const LK_JWT_ENV = new Set([
  'LIVEKIT_URL', 'LIVEKIT_KEY', 'LIVEKIT_SECRET', 'LIVEKIT_KEY_FROM_FILE', 'LIVEKIT_SECRET_FROM_FILE', 'LIVEKIT_KEY_FILE',
  'LIVEKIT_FULL_ACCESS_HOMESERVERS', 'LIVEKIT_JWT_BIND', 'LIVEKIT_INSECURE_SKIP_VERIFY_TLS', 'LIVEKIT_LOG_LEVEL', 'LIVEKIT_REDIS_URL',
]);

const DEFAULT_DIGEST = 'sha256:29918567e6b7cd920e2853b4cd6848ce01b79947c3d19a9f1ed5b74f0a2a88bf';

function lkJwtDeployment(objects: K8sObject[], name = 'lk-jwt-service'): K8sObject {
  return find(objects, 'Deployment', name);
}

function lkJwtContainer(props: MatrixChatProps): any {
  return container(lkJwtDeployment(synth(props)));
}

const secretRef = (name: string, key: string) => ({ valueFrom: { secretKeyRef: { name, key } } });

describe('lk-jwt-service objects', () => {
  test('Deployment and ClusterIP Service lk-jwt-service on 8080', () => {
    const objects = synth(MINIMAL_PROPS);
    const d = lkJwtDeployment(objects);
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.selector).toEqual({ matchLabels: { app: 'lk-jwt-service' } });
    expect(d.spec.template.metadata.labels.app).toBe('lk-jwt-service');
    expect(container(d).ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(find(objects, 'Service', 'lk-jwt-service').spec).toEqual({
      type: 'ClusterIP',
      selector: { app: 'lk-jwt-service' },
      ports: [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }],
    });
  });

  test('namePrefix', () => {
    const objects = synth({ ...MINIMAL_PROPS, namePrefix: 'chat-' });
    expect(has(objects, 'Deployment', 'chat-lk-jwt-service')).toBe(true);
    expect(find(objects, 'Service', 'chat-lk-jwt-service').spec.selector).toEqual({ app: 'chat-lk-jwt-service' });
    expect(has(objects, 'Deployment', 'lk-jwt-service')).toBe(false);
  });

  test('lkJwt disabled: no Deployment or Service', () => {
    const objects = synth({ ...MINIMAL_PROPS, lkJwt: { enabled: false } });
    expect(objects.filter((o) => o.metadata.name.startsWith('lk-jwt-service'))).toEqual([]);
  });
});

describe('env', () => {
  test('bundled LiveKit with inline keys: URL, full-access homeserver, key and secret from livekit-secret, nothing else', () => {
    expect(lkJwtContainer(INLINE_PROPS).env).toEqual([
      { name: 'LIVEKIT_URL', value: 'wss://matrix.example.org' },
      { name: 'LIVEKIT_FULL_ACCESS_HOMESERVERS', value: 'matrix.example.org' },
      { name: 'LIVEKIT_KEY', ...secretRef('livekit-secret', 'LIVEKIT_API_KEY') },
      { name: 'LIVEKIT_SECRET', ...secretRef('livekit-secret', 'LIVEKIT_API_SECRET') },
    ]);
  });

  test('existing Secret: its name and default key names', () => {
    const c = lkJwtContainer(MINIMAL_PROPS);
    expect(env(c, 'LIVEKIT_KEY')).toEqual({ name: 'LIVEKIT_KEY', ...secretRef('livekit-credentials', 'LIVEKIT_API_KEY') });
    expect(env(c, 'LIVEKIT_SECRET')).toEqual({ name: 'LIVEKIT_SECRET', ...secretRef('livekit-credentials', 'LIVEKIT_API_SECRET') });
  });

  test('existing Secret with custom key names', () => {
    const c = lkJwtContainer({ ...MINIMAL_PROPS, livekit: { keys: { existingSecret: { name: 'vault-lk', apiKeyKey: 'key', apiSecretKey: 'secret' } } } });
    expect(env(c, 'LIVEKIT_KEY')).toEqual({ name: 'LIVEKIT_KEY', ...secretRef('vault-lk', 'key') });
    expect(env(c, 'LIVEKIT_SECRET')).toEqual({ name: 'LIVEKIT_SECRET', ...secretRef('vault-lk', 'secret') });
  });

  test('namePrefix: the bundled Secret reference is prefixed', () => {
    const c = container(lkJwtDeployment(synth({ ...INLINE_PROPS, namePrefix: 'chat-' }), 'chat-lk-jwt-service'));
    expect(env(c, 'LIVEKIT_KEY').valueFrom.secretKeyRef.name).toBe('chat-livekit-secret');
    expect(env(c, 'LIVEKIT_SECRET').valueFrom.secretKeyRef.name).toBe('chat-livekit-secret');
  });

  test('LIVEKIT_URL is livekit.publicUrl as given', () => {
    const c = lkJwtContainer({ ...MINIMAL_PROPS, livekit: { ...MINIMAL_PROPS.livekit, publicUrl: 'wss://rtc.example.org' } });
    expect(env(c, 'LIVEKIT_URL')).toEqual({ name: 'LIVEKIT_URL', value: 'wss://rtc.example.org' });
  });

  test('LIVEKIT_FULL_ACCESS_HOMESERVERS is the server name', () => {
    expect(env(lkJwtContainer({ ...MINIMAL_PROPS, serverName: 'chat.example.com' }), 'LIVEKIT_FULL_ACCESS_HOMESERVERS').value).toBe('chat.example.com');
  });

  test('insecureSkipVerifyTls: the exact magic value, only when set', () => {
    expect(env(lkJwtContainer({ ...MINIMAL_PROPS, lkJwt: { insecureSkipVerifyTls: true } }), 'LIVEKIT_INSECURE_SKIP_VERIFY_TLS'))
      .toEqual({ name: 'LIVEKIT_INSECURE_SKIP_VERIFY_TLS', value: 'YES_I_KNOW_WHAT_I_AM_DOING' });
    expect(env(lkJwtContainer({ ...MINIMAL_PROPS, lkJwt: { insecureSkipVerifyTls: false } }), 'LIVEKIT_INSECURE_SKIP_VERIFY_TLS')).toBeUndefined();
    expect(env(lkJwtContainer(MINIMAL_PROPS), 'LIVEKIT_INSECURE_SKIP_VERIFY_TLS')).toBeUndefined();
  });

  test.each<[string, MatrixChatProps]>([
    ['minimal', MINIMAL_PROPS],
    ['inline keys', INLINE_PROPS],
    ['insecure TLS', { ...MINIMAL_PROPS, lkJwt: { insecureSkipVerifyTls: true } }],
  ])('only variables lk-jwt-service reads (%s)', (_name, props) => {
    const names = (lkJwtContainer(props).env as any[]).map((e) => e.name);
    expect(names.filter((n) => !LK_JWT_ENV.has(n))).toEqual([]);
    expect(names).not.toContain('LIVEKIT_JWT_PORT');
    expect(new Set(names).size).toBe(names.length);
  });

  test('the key and secret are never literals', () => {
    const c = lkJwtContainer(INLINE_PROPS);
    expect(JSON.stringify(c)).not.toContain(TEST_API_SECRET);
    expect(env(c, 'LIVEKIT_KEY').value).toBeUndefined();
    expect(env(c, 'LIVEKIT_SECRET').value).toBeUndefined();
  });
});

describe('probes, hardening and image', () => {
  test('readiness and liveness GET /healthz on 8080 (port http)', () => {
    const c = lkJwtContainer(MINIMAL_PROPS);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.ports.find((p: any) => p.name === 'http').containerPort).toBe(8080);
  });

  test('hardened pod and container', () => {
    const d = lkJwtDeployment(synth(MINIMAL_PROPS));
    expect(podSpec(d).automountServiceAccountToken).toBe(false);
    expect(podSpec(d).securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container(d).securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
  });

  test('image pinned by release tag 0.5.0 and the digest public pins of that tag record', () => {
    expect(lkJwtContainer(MINIMAL_PROPS).image).toBe(`ghcr.io/element-hq/lk-jwt-service:0.5.0@${DEFAULT_DIGEST}`);
  });

  test('the default image carries a tag and a digest (a digest-less default is refused here)', () => {
    expect(LK_JWT_IMAGE.tag).toMatch(/^[0-9]+\.[0-9]+\.[0-9]+$/);
    expect(LK_JWT_IMAGE.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
  });

  test('a sha-<commit> tag with the digest cleared', () => {
    expect(lkJwtContainer({ ...MINIMAL_PROPS, lkJwt: { image: { tag: 'sha-0123abc', digest: '' } } }).image).toBe('ghcr.io/element-hq/lk-jwt-service:sha-0123abc');
  });

  test('a tag alone replaces the default digest', () => {
    expect(lkJwtContainer({ ...MINIMAL_PROPS, lkJwt: { image: { tag: 'sha-0123abc' } } }).image).toBe('ghcr.io/element-hq/lk-jwt-service:sha-0123abc');
  });

  test('another digest and registry', () => {
    expect(lkJwtContainer({ ...MINIMAL_PROPS, lkJwt: { image: { registry: 'mirror.example.org', digest: TEST_DIGEST } } }).image)
      .toBe(`mirror.example.org/element-hq/lk-jwt-service@${TEST_DIGEST}`);
  });
});

describe('standalone LkJwt', () => {
  test('synthesizes a Deployment and Service from explicit props', () => {
    const chart = new Chart(Testing.app(), 'standalone', { namespace: 'calls' });
    const jwt = new LkJwt(chart, 'jwt', {
      serverName: 'matrix.example.net',
      livekitUrl: 'wss://sfu.example.net',
      credentials: { secretName: 'sfu-keys', apiKeyKey: 'k', apiSecretKey: 's', livekitKeysKey: 'LIVEKIT_KEYS' },
    });
    const objects = Testing.synth(chart) as K8sObject[];
    expect(objectIds(objects)).toEqual(['Deployment/lk-jwt-service', 'Service/lk-jwt-service']);
    const c = container(find(objects, 'Deployment', 'lk-jwt-service'));
    expect(env(c, 'LIVEKIT_URL').value).toBe('wss://sfu.example.net');
    expect(env(c, 'LIVEKIT_FULL_ACCESS_HOMESERVERS').value).toBe('matrix.example.net');
    expect(env(c, 'LIVEKIT_KEY')).toEqual({ name: 'LIVEKIT_KEY', ...secretRef('sfu-keys', 'k') });
    expect(jwt.port).toBe(8080);
    expect(jwt.name).toBe('lk-jwt-service');
  });
});

/** What lk-jwt-service v0.5.0 reads (main.go:537-632 at tag v0.5.0): no LIVEKIT_CS_API_URL_OVERRIDES yet. */
const LK_JWT_ENV_0_5 = new Set([
  'LIVEKIT_URL', 'LIVEKIT_KEY', 'LIVEKIT_SECRET', 'LIVEKIT_KEY_FROM_FILE', 'LIVEKIT_SECRET_FROM_FILE', 'LIVEKIT_KEY_FILE',
  'LIVEKIT_FULL_ACCESS_HOMESERVERS', 'LIVEKIT_JWT_BIND', 'LIVEKIT_JWT_PORT', 'LIVEKIT_INSECURE_SKIP_VERIFY_TLS',
]);

describe('release: what the pinned version serves and reads', () => {
  const V06: MatrixChatProps = { ...MINIMAL_PROPS, lkJwt: { image: { tag: '0.6.0', digest: TEST_DIGEST } } };
  const ingressPaths = (objects: K8sObject[]) => find(objects, 'Ingress', 'matrix-ingress').spec.rules[0].http.paths
    .filter((p: any) => p.backend.service.name === 'lk-jwt-service').map((p: any) => p.path);

  test('0.5.0 (default): /sfu and /get_token routed, no /delegate_delayed_leave; env only what 0.5.0 reads', () => {
    const objects = synth(INLINE_PROPS);
    expect(ingressPaths(objects)).toEqual(['/sfu', '/get_token']);
    for (const e of container(lkJwtDeployment(objects)).env) expect(LK_JWT_ENV_0_5).toContain(e.name);
  });

  test('a 0.6.0 tag: /delegate_delayed_leave routed, LIVEKIT_CS_API_URL_OVERRIDES to the homeserver Service', () => {
    const objects = synth(V06);
    expect(ingressPaths(objects)).toEqual(['/sfu', '/get_token', '/delegate_delayed_leave']);
    const port = find(objects, 'Service', 'matrix-homeserver').spec.ports[0].port;
    expect(env(container(lkJwtDeployment(objects)), 'LIVEKIT_CS_API_URL_OVERRIDES').value).toBe(`matrix.example.org=http://matrix-homeserver:${port}`);
  });

  test('the override names the server name (delegation) and follows the name prefix; no homeserver, no override', () => {
    const objects = synth({ ...V06, serverName: 'example.org', publicHost: 'matrix.example.org', namePrefix: 'chat-' });
    expect(env(container(lkJwtDeployment(objects, 'chat-lk-jwt-service')), 'LIVEKIT_CS_API_URL_OVERRIDES').value).toMatch(/^example\.org=http:\/\/chat-matrix-homeserver:[0-9]+$/);
    const external = synth({ ...V06, homeserver: { enabled: false } });
    expect(env(container(lkJwtDeployment(external)), 'LIVEKIT_CS_API_URL_OVERRIDES')).toBeUndefined();
  });

  test('release set explicitly for a tag that names none (sha-<commit>)', () => {
    const objects = synth({ ...MINIMAL_PROPS, lkJwt: { image: { tag: 'sha-0123abc' }, release: LkJwtRelease.V0_6 } });
    expect(ingressPaths(objects)).toContain('/delegate_delayed_leave');
    expect(ingressPaths(synth({ ...MINIMAL_PROPS, lkJwt: { image: { tag: '0.6.0' }, release: LkJwtRelease.V0_5 } }))).toEqual(['/sfu', '/get_token']);
  });

  test('external SFU with 0.6.0: /sfu_webhook is routed publicly (the SFU posts from outside); bundled SFU: not', () => {
    expect(lkJwtPaths(LkJwtRelease.V0_6, true)).toEqual(['/sfu', '/get_token', '/delegate_delayed_leave', '/sfu_webhook']);
    expect(lkJwtPaths(LkJwtRelease.V0_6, false)).not.toContain('/sfu_webhook');
    expect(lkJwtPaths(LkJwtRelease.V0_5, true)).toEqual(['/sfu', '/get_token']);
  });

  test('tags name releases: bare and v-prefixed versions, anything else none', () => {
    expect([releaseOfTag('0.5.0'), releaseOfTag('v0.5.3'), releaseOfTag('0.6.0'), releaseOfTag('0.10.1'), releaseOfTag('1.0.0'), releaseOfTag('sha-0123abc'), releaseOfTag(undefined)])
      .toEqual([LkJwtRelease.V0_5, LkJwtRelease.V0_5, LkJwtRelease.V0_6, LkJwtRelease.V0_6, LkJwtRelease.V0_6, undefined, undefined]);
  });

  test('refuses V0_6 with the default 0.5.0 image, and a value that is no release; the valid neighbours pass', () => {
    expect(synthErrors({ ...MINIMAL_PROPS, lkJwt: { release: LkJwtRelease.V0_6 } })).toContain('lkJwt.release: is V0_6 while lkJwt.image is the default 0.5.0 image');
    expect(synthErrors({ ...MINIMAL_PROPS, lkJwt: { release: 'V7' as any } })).toContain('lkJwt.release: "V7" is not an LkJwtRelease');
    expect(synthErrors({ ...MINIMAL_PROPS, lkJwt: { release: LkJwtRelease.V0_5 } })).toBe('');
    expect(synthErrors(V06)).toBe('');
  });

  test('standalone: homeserverUrl must be an http(s) URL and is used only by V0_6', () => {
    const make = (props: Record<string, unknown>) => {
      const chart = new Chart(Testing.app(), 'standalone', { namespace: 'calls' });
      new LkJwt(chart, 'jwt', {
        serverName: 'example.net',
        livekitUrl: 'wss://sfu.example.net',
        credentials: { secretName: 'sfu-keys', apiKeyKey: 'k', apiSecretKey: 's', livekitKeysKey: 'LIVEKIT_KEYS' },
        ...props,
      });
      return chart;
    };
    expect(() => Testing.synth(make({ homeserverUrl: 'matrix-homeserver:6167' }))).toThrow(/homeserverUrl: "matrix-homeserver:6167" is not an http\(s\) URL/);
    const v05 = container(find(Testing.synth(make({ homeserverUrl: 'http://hs:6167' })) as K8sObject[], 'Deployment', 'lk-jwt-service'));
    expect(env(v05, 'LIVEKIT_CS_API_URL_OVERRIDES')).toBeUndefined();
    const v06 = container(find(Testing.synth(make({ homeserverUrl: 'http://hs:6167', image: { tag: '0.6.0' } })) as K8sObject[], 'Deployment', 'lk-jwt-service'));
    expect(env(v06, 'LIVEKIT_CS_API_URL_OVERRIDES').value).toBe('example.net=http://hs:6167');
  });
});
