// The Tuwunel homeserver: StatefulSet, tuwunel.toml, registration token, persistence and appservices.
import { Chart, Testing } from 'cdk8s';
import { build, container, env, find, HARDENED_CONTAINER, has, INLINE_PROPS, K8sObject, MINIMAL_PROPS, mount, objectIds, parseToml, podSpec, secretValue, synth, synthErrors, TEST_DIGEST, tuwunelConfig, volume } from './util';
import { Homeserver, MatrixChatProps } from '../src';

const SERVER = 'matrix.example.org';

function statefulSet(objects: K8sObject[], name = 'matrix-homeserver'): K8sObject {
  return find(objects, 'StatefulSet', name);
}

function homeserverWith(homeserver: MatrixChatProps['homeserver'], extra: Partial<MatrixChatProps> = {}): K8sObject[] {
  return synth({ ...MINIMAL_PROPS, ...extra, homeserver: { ...MINIMAL_PROPS.homeserver, ...homeserver } });
}

describe('Homeserver objects and names', () => {
  test('the chart names: ConfigMap, StatefulSet and Service, and no token Secret with an existing Secret', () => {
    const objects = synth(MINIMAL_PROPS);
    const homeserverObjects = objects.filter((o) => o.metadata.name.startsWith('matrix-homeserver') && o.kind !== 'NetworkPolicy');
    expect(objectIds(homeserverObjects)).toEqual([
      'ConfigMap/matrix-homeserver-config',
      'Service/matrix-homeserver',
      'StatefulSet/matrix-homeserver',
    ]);
    expect(find(objects, 'StatefulSet', 'matrix-homeserver').apiVersion).toBe('apps/v1');
    expect(has(objects, 'Secret', 'matrix-homeserver-secret')).toBe(false);
    for (const o of homeserverObjects) expect(o.metadata.namespace).toBe('chat');
  });

  test('an inline token adds the Secret matrix-homeserver-secret', () => {
    const objects = synth(INLINE_PROPS);
    expect(objectIds(objects.filter((o) => o.metadata.name.startsWith('matrix-homeserver') && o.kind !== 'NetworkPolicy'))).toEqual([
      'ConfigMap/matrix-homeserver-config',
      'Secret/matrix-homeserver-secret',
      'Service/matrix-homeserver',
      'StatefulSet/matrix-homeserver',
    ]);
  });

  test('namePrefix prefixes every name and every reference', () => {
    const objects = synth({ ...INLINE_PROPS, namePrefix: 'chat-' });
    expect(has(objects, 'ConfigMap', 'chat-matrix-homeserver-config')).toBe(true);
    expect(has(objects, 'Secret', 'chat-matrix-homeserver-secret')).toBe(true);
    expect(has(objects, 'Service', 'chat-matrix-homeserver')).toBe(true);
    expect(has(objects, 'StatefulSet', 'matrix-homeserver')).toBe(false);
    const sts = statefulSet(objects, 'chat-matrix-homeserver');
    expect(sts.spec.serviceName).toBe('chat-matrix-homeserver');
    expect(sts.spec.selector).toEqual({ matchLabels: { app: 'chat-matrix-homeserver' } });
    expect(volume(sts, 'config').configMap.name).toBe('chat-matrix-homeserver-config');
    expect(volume(sts, 'registration-token').secret.secretName).toBe('chat-matrix-homeserver-secret');
    expect(find(objects, 'Service', 'chat-matrix-homeserver').spec.selector).toEqual({ app: 'chat-matrix-homeserver' });
  });

  test('every object carries the recommended labels and the user labels; selectors stay minimal', () => {
    const objects = homeserverWith({}, { labels: { 'example.org/team': 'platform' } });
    for (const o of [find(objects, 'ConfigMap', 'matrix-homeserver-config'), statefulSet(objects), find(objects, 'Service', 'matrix-homeserver')]) {
      expect(o.metadata.labels).toEqual({
        'example.org/team': 'platform',
        'app.kubernetes.io/name': 'tuwunel',
        'app.kubernetes.io/instance': 'matrix-homeserver',
        'app.kubernetes.io/component': 'homeserver',
        'app.kubernetes.io/part-of': 'matrix-chat',
        'app.kubernetes.io/managed-by': 'cdk8s',
      });
    }
    const sts = statefulSet(objects);
    expect(sts.spec.selector.matchLabels).toEqual({ app: 'matrix-homeserver' });
    expect(sts.spec.template.metadata.labels).toMatchObject({ 'app': 'matrix-homeserver', 'example.org/team': 'platform' });
  });
});

describe('tuwunel.toml', () => {
  test('defaults with an existing token Secret and lk-jwt enabled: the whole document as data', () => {
    const config = tuwunelConfig(synth(MINIMAL_PROPS));
    expect(config).toEqual({
      global: {
        server_name: SERVER,
        database_path: '/var/lib/tuwunel',
        address: ['0.0.0.0'],
        port: 6167,
        allow_registration: true,
        registration_token_file: '/etc/tuwunel/registration/registration_token',
        // Tuwunel's default would make the first registrant a server admin.
        grant_admin_to_first_user: false,
        max_request_size: 104857600,
        allow_federation: true,
        well_known: {
          client: `https://${SERVER}`,
          server: `${SERVER}:443`,
          livekit_url: `https://${SERVER}`,
        },
      },
    });
  });

  test('registration closed, no token, lk-jwt disabled, custom port/size/federation: no livekit_url, no token file', () => {
    const config = tuwunelConfig(synth({
      serverName: 'chat.example.com',
      homeserver: { allowRegistration: false, clientPort: 8448, maxRequestSize: 52428800, allowFederation: false },
      livekit: MINIMAL_PROPS.livekit,
      lkJwt: { enabled: false },
    }));
    expect(config.global).toEqual({
      server_name: 'chat.example.com',
      database_path: '/var/lib/tuwunel',
      address: ['0.0.0.0'],
      port: 8448,
      allow_registration: false,
      grant_admin_to_first_user: false,
      max_request_size: 52428800,
      allow_federation: false,
      well_known: {
        client: 'https://chat.example.com',
        server: 'chat.example.com:443',
      },
    });
  });

  test('livekit_url is the given livekitServiceUrl even when lk-jwt is disabled', () => {
    const config = tuwunelConfig(homeserverWith({ livekitServiceUrl: 'https://calls.example.org/jwt' }, { lkJwt: { enabled: false } }));
    expect(config.global.well_known.livekit_url).toBe('https://calls.example.org/jwt');
  });

  test('an explicit livekitServiceUrl overrides the derived one', () => {
    const config = tuwunelConfig(homeserverWith({ livekitServiceUrl: 'https://jwt.example.org' }));
    expect(config.global.well_known.livekit_url).toBe('https://jwt.example.org');
  });

  test('only one RTC transport is advertised (livekit_url, never rtc_transports too)', () => {
    const config = tuwunelConfig(synth(MINIMAL_PROPS));
    expect(config.global.well_known).not.toHaveProperty('rtc_transports');
    expect(config.global).not.toHaveProperty('rtc_transports');
  });

  test('an inline token is never written to the TOML: only the token file path is', () => {
    const toml = find(synth(INLINE_PROPS), 'ConfigMap', 'matrix-homeserver-config').data['tuwunel.toml'];
    expect(toml).not.toContain('reg-token-S3cr3t-0123456789');
    const config = parseToml(toml) as any;
    expect(config.global).not.toHaveProperty('registration_token');
    expect(config.global.registration_token_file).toBe('/etc/tuwunel/registration/registration_token');
  });

  test('the ConfigMap holds exactly tuwunel.toml', () => {
    expect(Object.keys(find(synth(MINIMAL_PROPS), 'ConfigMap', 'matrix-homeserver-config').data)).toEqual(['tuwunel.toml']);
  });
});

describe('registration token', () => {
  test('inline token: an Opaque Secret with registration_token, mounted as a file with mode 0440', () => {
    const objects = synth(INLINE_PROPS);
    const secret = find(objects, 'Secret', 'matrix-homeserver-secret');
    expect(secret.type).toBe('Opaque');
    expect(Object.keys(secret.data)).toEqual(['registration_token']);
    expect(secretValue(secret, 'registration_token')).toBe('reg-token-S3cr3t-0123456789');
    const sts = statefulSet(objects);
    expect(volume(sts, 'registration-token')).toEqual({
      name: 'registration-token',
      secret: {
        secretName: 'matrix-homeserver-secret',
        items: [{ key: 'registration_token', path: 'registration_token' }],
        defaultMode: 0o440,
      },
    });
  });

  test('an all-digit inline token stays a string (it travels as a file, not a TOML env override)', () => {
    const objects = homeserverWith({ registrationTokenExistingSecret: undefined, registrationToken: '0123456789' });
    expect(secretValue(find(objects, 'Secret', 'matrix-homeserver-secret'), 'registration_token')).toBe('0123456789');
    expect(env(container(statefulSet(objects)), 'TUWUNEL_REGISTRATION_TOKEN')).toBeUndefined();
  });

  test('existing Secret: no Secret is made and the volume points at the user\'s Secret and default key', () => {
    const objects = synth(MINIMAL_PROPS);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(volume(statefulSet(objects), 'registration-token').secret).toEqual({
      secretName: 'matrix-registration',
      items: [{ key: 'registration_token', path: 'registration_token' }],
      defaultMode: 0o440,
    });
  });

  test('existing Secret with a custom key: the item maps that key onto the file Tuwunel reads', () => {
    const objects = homeserverWith({ registrationTokenExistingSecret: { name: 'vault-matrix', key: 'token' } });
    expect(volume(statefulSet(objects), 'registration-token').secret.items).toEqual([{ key: 'token', path: 'registration_token' }]);
    expect(volume(statefulSet(objects), 'registration-token').secret.secretName).toBe('vault-matrix');
    expect(has(objects, 'Secret', 'matrix-homeserver-secret')).toBe(false);
  });

  test('the token file path in the TOML is the mount path plus the item path', () => {
    const objects = synth(MINIMAL_PROPS);
    const sts = statefulSet(objects);
    const item = volume(sts, 'registration-token').secret.items[0].path;
    const dir = mount(container(sts), 'registration-token').mountPath;
    expect(tuwunelConfig(objects).global.registration_token_file).toBe(`${dir}/${item}`);
  });

  test('no token at all (registration closed): no Secret, no token volume, no mount', () => {
    const objects = synth({ ...MINIMAL_PROPS, homeserver: { allowRegistration: false } });
    const sts = statefulSet(objects);
    expect(has(objects, 'Secret', 'matrix-homeserver-secret')).toBe(false);
    expect(volume(sts, 'registration-token')).toBeUndefined();
    expect(mount(container(sts), 'registration-token')).toBeUndefined();
  });

  test('no secret value anywhere except the Secret (neither plain nor base64)', () => {
    const token = 'reg-token-S3cr3t-0123456789';
    const objects = synth(INLINE_PROPS);
    const others = JSON.stringify(objects.filter((o) => !(o.kind === 'Secret' && o.metadata.name === 'matrix-homeserver-secret')));
    expect(others).not.toContain(token);
    expect(others).not.toContain(Buffer.from(token).toString('base64'));
    expect(JSON.stringify(find(objects, 'Secret', 'matrix-homeserver-secret'))).toContain(Buffer.from(token).toString('base64'));
  });
});

describe('StatefulSet', () => {
  test('replicas 1, serviceName = the Service, selector app: matrix-homeserver', () => {
    const sts = statefulSet(synth(MINIMAL_PROPS));
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.serviceName).toBe('matrix-homeserver');
    expect(sts.spec.selector).toEqual({ matchLabels: { app: 'matrix-homeserver' } });
    expect(sts.spec.template.metadata.labels.app).toBe('matrix-homeserver');
  });

  test('TUWUNEL_CONFIG is the only env var and points at the mounted tuwunel.toml', () => {
    const sts = statefulSet(synth(INLINE_PROPS));
    const c = container(sts);
    expect(c.env).toEqual([{ name: 'TUWUNEL_CONFIG', value: '/etc/tuwunel/tuwunel.toml' }]);
    const configMount = mount(c, 'config');
    const item = volume(sts, 'config').configMap.items[0];
    expect(`${configMount.mountPath}/${item.path}`).toBe('/etc/tuwunel/tuwunel.toml');
  });

  test('volumes: config from the ConfigMap; mounts: config (read-only), data at /var/lib/tuwunel, token (read-only)', () => {
    const sts = statefulSet(synth(MINIMAL_PROPS));
    expect(volume(sts, 'config')).toEqual({
      name: 'config',
      configMap: { name: 'matrix-homeserver-config', items: [{ key: 'tuwunel.toml', path: 'tuwunel.toml' }] },
    });
    expect(container(sts).volumeMounts).toEqual([
      { name: 'config', mountPath: '/etc/tuwunel', readOnly: true },
      { name: 'data', mountPath: '/var/lib/tuwunel' },
      { name: 'registration-token', mountPath: '/etc/tuwunel/registration', readOnly: true },
    ]);
  });

  test('the data mount path is the TOML database_path', () => {
    const objects = synth(MINIMAL_PROPS);
    expect(mount(container(statefulSet(objects)), 'data').mountPath).toBe(tuwunelConfig(objects).global.database_path);
  });

  test('persistence by default: a ReadWriteOnce volumeClaimTemplate "data" of 10Gi, no data volume', () => {
    const sts = statefulSet(synth(MINIMAL_PROPS));
    expect(sts.spec.volumeClaimTemplates).toHaveLength(1);
    const claim = sts.spec.volumeClaimTemplates[0];
    expect(claim.metadata.name).toBe('data');
    expect(claim.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } });
    expect(volume(sts, 'data')).toBeUndefined();
  });

  test('persistence size and storageClassName reach the claim template', () => {
    const sts = statefulSet(homeserverWith({ persistence: { size: '20Gi', storageClassName: 'standard-rwo' } }));
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'standard-rwo',
      resources: { requests: { storage: '20Gi' } },
    });
  });

  test('existingClaim: the data volume uses the claim and there is no claim template', () => {
    const sts = statefulSet(homeserverWith({ persistence: { existingClaim: 'tuwunel-db' } }));
    expect(sts.spec.volumeClaimTemplates).toBeUndefined();
    expect(volume(sts, 'data')).toEqual({ name: 'data', persistentVolumeClaim: { claimName: 'tuwunel-db' } });
  });

  test('persistence disabled: an emptyDir and no claim template', () => {
    const sts = statefulSet(homeserverWith({ persistence: { enabled: false } }));
    expect(sts.spec.volumeClaimTemplates).toBeUndefined();
    expect(volume(sts, 'data')).toEqual({ name: 'data', emptyDir: {} });
  });

  test('readiness and liveness probes GET /_matrix/client/versions on the client port', () => {
    const c = container(statefulSet(homeserverWith({ clientPort: 8448 })));
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8448, protocol: 'TCP' }]);
    for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
      expect(probe.httpGet).toEqual({ path: '/_matrix/client/versions', port: 'http' });
    }
    expect(c.livenessProbe.failureThreshold * c.livenessProbe.periodSeconds).toBeGreaterThanOrEqual(60);
  });

  test('hardened pod: non-root UID/GID, fsGroup, RuntimeDefault seccomp, no service-account token', () => {
    const spec = podSpec(statefulSet(synth(MINIMAL_PROPS)));
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('hardened container: read-only root, no privilege escalation, all capabilities dropped', () => {
    const c = container(statefulSet(synth(MINIMAL_PROPS)));
    expect(c.securityContext).toEqual(HARDENED_CONTAINER);
  });

  test('the config-hash annotation changes when the config changes', () => {
    const hash = (objects: K8sObject[]) => statefulSet(objects).spec.template.metadata.annotations['matrix-chat.cdk8s.io/config-hash'];
    const a = hash(synth(MINIMAL_PROPS));
    expect(a).toMatch(/^[0-9a-f]{16,}$/);
    expect(hash(synth(MINIMAL_PROPS))).toBe(a);
    expect(hash(homeserverWith({ maxRequestSize: 20_000_000 }))).not.toBe(a);
  });
});

describe('Service', () => {
  test('ClusterIP on the client port, selecting app: matrix-homeserver', () => {
    const service = find(synth(MINIMAL_PROPS), 'Service', 'matrix-homeserver');
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      selector: { app: 'matrix-homeserver' },
      ports: [{ name: 'http', port: 6167, targetPort: 6167, protocol: 'TCP' }],
    });
  });

  test('a custom clientPort moves the Service, the container and the TOML together', () => {
    const objects = homeserverWith({ clientPort: 8448 });
    expect(find(objects, 'Service', 'matrix-homeserver').spec.ports).toEqual([{ name: 'http', port: 8448, targetPort: 8448, protocol: 'TCP' }]);
    expect(container(statefulSet(objects)).ports[0].containerPort).toBe(8448);
    expect(tuwunelConfig(objects).global.port).toBe(8448);
  });
});

describe('image', () => {
  test('pinned by tag by default', () => {
    expect(container(statefulSet(synth(MINIMAL_PROPS))).image).toBe('ghcr.io/matrix-construct/tuwunel:v1.9.0');
  });

  test('a given tag', () => {
    expect(container(statefulSet(homeserverWith({ image: { tag: 'v1.8.2' } }))).image).toBe('ghcr.io/matrix-construct/tuwunel:v1.8.2');
  });

  test('by digest: registry/repo@sha256:…', () => {
    expect(container(statefulSet(homeserverWith({ image: { digest: TEST_DIGEST } }))).image).toBe(`ghcr.io/matrix-construct/tuwunel@${TEST_DIGEST}`);
  });

  test('tag and digest together, from a mirror registry', () => {
    const image = container(statefulSet(homeserverWith({ image: { registry: 'registry.example.org:5000/mirror', tag: 'v1.9.0', digest: TEST_DIGEST } }))).image;
    expect(image).toBe(`registry.example.org:5000/mirror/matrix-construct/tuwunel:v1.9.0@${TEST_DIGEST}`);
  });
});

describe('standalone Homeserver in a Chart', () => {
  test('synthesizes its four objects with an inline token and no RTC transport', () => {
    const chart = new Chart(Testing.app(), 'standalone', { namespace: 'matrix' });
    const hs = new Homeserver(chart, 'hs', { serverName: 'hs.example.net', registrationToken: 'standalone-token' });
    const objects = Testing.synth(chart) as K8sObject[];
    expect(objectIds(objects)).toEqual([
      'ConfigMap/matrix-homeserver-config',
      'Secret/matrix-homeserver-secret',
      'Service/matrix-homeserver',
      'StatefulSet/matrix-homeserver',
    ]);
    const config = tuwunelConfig(objects);
    expect(config.global.server_name).toBe('hs.example.net');
    expect(config.global.well_known).toEqual({ client: 'https://hs.example.net', server: 'hs.example.net:443' });
    expect(hs.name).toBe('matrix-homeserver');
    expect(hs.port).toBe(6167);
    expect(hs.selectorLabels).toEqual({ app: 'matrix-homeserver' });
    expect(hs.apiObjects).toHaveLength(4);
  });

  test('validates on its own (server name, open registration, shared props)', () => {
    const chart = new Chart(Testing.app(), 'standalone');
    new Homeserver(chart, 'hs', { serverName: 'Not A Name', labels: { 'bad key': 'x' } });
    expect(() => Testing.synth(chart)).toThrow(/serverName: .*not a fully-qualified/);
    // Its own prop names: no `homeserver.` prefix outside MatrixChat.
    expect(() => Testing.synth(chart)).toThrow(/\] allowRegistration: is true but no registration token/);
    expect(() => Testing.synth(chart)).toThrow(/labels\.bad key/);
  });

  test('MatrixChat exposes its Homeserver with the generated objects', () => {
    const { chat } = build(MINIMAL_PROPS);
    expect(chat.homeserver).toBeDefined();
    expect(chat.homeserver!.statefulSet.name).toBe('matrix-homeserver');
    expect(chat.homeserver!.secret).toBeUndefined();
    expect(parseToml(chat.homeserver!.configToml)).toEqual(tuwunelConfig(synth(MINIMAL_PROPS)));
  });

  test('homeserver disabled: no homeserver object at all', () => {
    const objects = synth({ ...MINIMAL_PROPS, homeserver: { enabled: false } });
    expect(objects.filter((o) => o.metadata.name.startsWith('matrix-homeserver'))).toEqual([]);
    expect(synthErrors({ ...MINIMAL_PROPS, homeserver: { enabled: false } })).toBe('');
  });
});
