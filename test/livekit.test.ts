// The LiveKit SFU: Deployment, config.yaml, credentials, Services and TURNS.
import { Chart, Testing } from 'cdk8s';
import { build, container, env, find, HARDENED_CONTAINER, has, INLINE_PROPS, K8sObject, leafPaths, livekitConfig, MINIMAL_PROPS, mount, objectIds, ofKind, parseYaml, podSpec, secretValue, synth, TEST_API_SECRET, TEST_DIGEST, TURN_PROPS, volume } from './util';
import { LiveKit, MatrixChatProps } from '../src';

/**
 * Every config key path LiveKit really reads (livekit/livekit pkg/config/config.go and
 * livekit/mediatransportutil pkg/rtcconfig/config.go; REFERENCE.md). LiveKit refuses to start on
 * any other key, so everything we emit must be in here.
 */
const LIVEKIT_CONFIG_KEYS = new Set([
  'port', 'bind_addresses', 'prometheus_port', 'prometheus.port', 'prometheus.username', 'prometheus.password',
  'rtc.udp_port', 'rtc.tcp_port', 'rtc.port_range_start', 'rtc.port_range_end', 'rtc.node_ip', 'rtc.stun_servers',
  'rtc.use_external_ip', 'rtc.use_ice_lite', 'rtc.enable_loopback_candidate', 'rtc.use_mdns', 'rtc.external_ip_only',
  'rtc.force_tcp', 'rtc.allow_tcp_fallback', 'rtc.interfaces.includes', 'rtc.interfaces.excludes', 'rtc.ips.includes', 'rtc.ips.excludes',
  'rtc.strict_acks', 'rtc.packet_buffer_size', 'rtc.pli_throttle', 'rtc.congestion_control.enabled', 'rtc.congestion_control.allow_pause',
  'turn.enabled', 'turn.domain', 'turn.cert_file', 'turn.key_file', 'turn.tls_port', 'turn.udp_port',
  'turn.relay_range_start', 'turn.relay_range_end', 'turn.external_tls',
  'room.auto_create', 'room.max_participants', 'room.empty_timeout', 'room.departure_timeout', 'room.enable_remote_unmute',
  'keys', 'key_file', 'region', 'development',
  'logging.level', 'logging.json', 'logging.sample', 'logging.pion_level',
  'webhook.api_key', 'webhook.urls',
  'redis.address', 'redis.username', 'redis.password', 'redis.db', 'redis.use_tls', 'redis.sentinel_master_name',
  'redis.sentinel_username', 'redis.sentinel_password', 'redis.sentinel_addresses', 'redis.cluster_addresses',
]);

function unknownKeys(config: unknown): string[] {
  return leafPaths(config).filter((path) => !LIVEKIT_CONFIG_KEYS.has(path));
}

function livekitWith(livekit: MatrixChatProps['livekit'], extra: Partial<MatrixChatProps> = {}): K8sObject[] {
  return synth({ ...MINIMAL_PROPS, ...extra, livekit: { ...MINIMAL_PROPS.livekit, ...livekit } });
}

function deployment(objects: K8sObject[], name = 'livekit'): K8sObject {
  return find(objects, 'Deployment', name);
}

function keysSecret(apiKey: string, apiSecret: string): K8sObject {
  return find(synth({ ...INLINE_PROPS, livekit: { keys: { apiKey, apiSecret } } }), 'Secret', 'livekit-secret');
}

describe('config.yaml', () => {
  test('defaults, compared as data: ports, one UDP mux port, no STUN (the LoadBalancer address comes as --node-ip), no room auto-creation, no keys', () => {
    expect(livekitConfig(synth(MINIMAL_PROPS))).toEqual({
      port: 7880,
      rtc: { tcp_port: 7881, udp_port: 7882, use_external_ip: false },
      room: { auto_create: false },
    });
  });

  test('custom ports and a node IP: use_external_ip false + node_ip', () => {
    const config = livekitConfig(livekitWith({ rtc: { signalingPort: 9880, tcpPort: 9881, udpPort: 9882, nodeIp: '203.0.113.10' } }));
    expect(config).toEqual({
      port: 9880,
      rtc: { tcp_port: 9881, udp_port: 9882, use_external_ip: false, node_ip: '203.0.113.10' },
      room: { auto_create: false },
    });
  });

  test('a node IP wins over an explicit useExternalIp: true (LiveKit ignores node_ip otherwise)', () => {
    const config = livekitConfig(livekitWith({ rtc: { useExternalIp: true, nodeIp: '2001:db8::10' } }));
    expect(config.rtc).toEqual({ tcp_port: 7881, udp_port: 7882, use_external_ip: false, node_ip: '2001:db8::10' });
  });

  test('useExternalIp: false without a node IP: no node_ip', () => {
    expect(livekitConfig(livekitWith({ rtc: { useExternalIp: false } })).rtc).toEqual({ tcp_port: 7881, udp_port: 7882, use_external_ip: false });
  });

  test('no credentials in the config, whether inline or existing', () => {
    const inline = find(synth(INLINE_PROPS), 'ConfigMap', 'livekit-config').data['config.yaml'];
    expect(inline).not.toContain(TEST_API_SECRET);
    expect(inline).not.toContain('APIchat');
    expect(parseYaml(inline)).not.toHaveProperty('keys');
    expect(parseYaml(inline)).not.toHaveProperty('key_file');
  });

  test('the ConfigMap holds exactly config.yaml', () => {
    expect(Object.keys(find(synth(MINIMAL_PROPS), 'ConfigMap', 'livekit-config').data)).toEqual(['config.yaml']);
  });

  test.each<[string, MatrixChatProps]>([
    ['defaults', MINIMAL_PROPS],
    ['node IP and custom ports', { ...MINIMAL_PROPS, livekit: { ...MINIMAL_PROPS.livekit, rtc: { nodeIp: '203.0.113.10', tcpPort: 9881, udpPort: 9882 } } }],
    ['TURN', TURN_PROPS],
    ['TURN on a custom port with custom cert keys', {
      ...MINIMAL_PROPS,
      livekit: { ...MINIMAL_PROPS.livekit, turn: { enabled: true, domain: 'turn.example.org', tlsPort: 8443, tls: { existingSecret: 'c', certKey: 'a.pem', keyKey: 'b.pem' } } },
    }],
    ['inline keys', INLINE_PROPS],
  ])('every emitted key path is one LiveKit reads (%s)', (_name, props) => {
    const config = livekitConfig(synth(props));
    expect(leafPaths(config).length).toBeGreaterThanOrEqual(5);
    expect(unknownKeys(config)).toEqual([]);
  });

  test('the allow-list check catches a key LiveKit does not know', () => {
    expect(unknownKeys({ port: 1, rtc: { udp_ports: 1, tcp_port: 2 }, turn: { tls: 1 } })).toEqual(['rtc.udp_ports', 'turn.tls']);
  });
});

describe('credentials', () => {
  test('inline keys: Secret livekit-secret with LIVEKIT_KEYS, LIVEKIT_API_KEY, LIVEKIT_API_SECRET', () => {
    const secret = find(synth(INLINE_PROPS), 'Secret', 'livekit-secret');
    expect(secret.type).toBe('Opaque');
    expect(Object.keys(secret.data).sort()).toEqual(['LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET', 'LIVEKIT_KEYS']);
    expect(secretValue(secret, 'LIVEKIT_API_KEY')).toBe('APIchat');
    expect(secretValue(secret, 'LIVEKIT_API_SECRET')).toBe(TEST_API_SECRET);
    // LiveKit reads LIVEKIT_KEYS with yaml.Unmarshal and keeps only string values: both sides are
    // double-quoted so no key or secret can turn into a number (YAML 1.1 or 1.2) and be dropped.
    expect(secretValue(secret, 'LIVEKIT_KEYS')).toBe(`"APIchat": "${TEST_API_SECRET}"`);
    expect(parseYaml(secretValue(secret, 'LIVEKIT_KEYS'))).toEqual({ APIchat: TEST_API_SECRET });
  });

  test('an all-digit secret survives LIVEKIT_KEYS as a string (LiveKit drops non-string values)', () => {
    const digits = '1234567890'.repeat(4);
    const parsed = parseYaml(secretValue(keysSecret('APIchat', digits), 'LIVEKIT_KEYS'));
    expect(parsed).toEqual({ APIchat: digits });
    expect(typeof parsed.APIchat).toBe('string');
  });

  test('a key containing ": " and "#" survives LIVEKIT_KEYS', () => {
    const key = 'API: team#1';
    const secret = keysSecret(key, TEST_API_SECRET);
    expect(parseYaml(secretValue(secret, 'LIVEKIT_KEYS'))).toEqual({ [key]: TEST_API_SECRET });
    expect(secretValue(secret, 'LIVEKIT_API_KEY')).toBe(key);
  });

  test('a secret containing " #" survives LIVEKIT_KEYS', () => {
    const apiSecret = `${TEST_API_SECRET} #not-a-comment: x`;
    expect(parseYaml(secretValue(keysSecret('APIchat', apiSecret), 'LIVEKIT_KEYS'))).toEqual({ APIchat: apiSecret });
  });

  test('the server reads LIVEKIT_KEYS from the bundled Secret, never as a literal', () => {
    const c = container(deployment(synth(INLINE_PROPS)));
    expect(c.env).toEqual([{ name: 'LIVEKIT_KEYS', valueFrom: { secretKeyRef: { name: 'livekit-secret', key: 'LIVEKIT_KEYS' } } }]);
  });

  test('existingSecret: no Secret made and LIVEKIT_KEYS comes from the configured key', () => {
    const objects = livekitWith({ keys: { existingSecret: { name: 'vault-livekit', livekitKeysKey: 'keys.yaml' } } });
    expect(has(objects, 'Secret', 'livekit-secret')).toBe(false);
    expect(ofKind(objects, 'Secret')).toEqual([]);
    expect(env(container(deployment(objects)), 'LIVEKIT_KEYS')).toEqual({
      name: 'LIVEKIT_KEYS',
      valueFrom: { secretKeyRef: { name: 'vault-livekit', key: 'keys.yaml' } },
    });
  });

  test('existingSecret with default key names', () => {
    expect(env(container(deployment(synth(MINIMAL_PROPS))), 'LIVEKIT_KEYS').valueFrom.secretKeyRef).toEqual({ name: 'livekit-credentials', key: 'LIVEKIT_KEYS' });
  });

  test('namePrefix prefixes the bundled Secret and its reference', () => {
    const objects = synth({ ...INLINE_PROPS, namePrefix: 'chat-' });
    expect(has(objects, 'Secret', 'chat-livekit-secret')).toBe(true);
    expect(env(container(deployment(objects, 'chat-livekit')), 'LIVEKIT_KEYS').valueFrom.secretKeyRef.name).toBe('chat-livekit-secret');
  });

  test('the API secret appears in no object but the Secret (plain or base64)', () => {
    const objects = synth(INLINE_PROPS);
    const others = JSON.stringify(objects.filter((o) => o.kind !== 'Secret'));
    expect(others).not.toContain(TEST_API_SECRET);
    expect(others).not.toContain(Buffer.from(TEST_API_SECRET).toString('base64'));
  });
});

describe('Deployment', () => {
  test('name, replicas 1, stable selector, --config pointing at the mounted file', () => {
    const d = deployment(synth(MINIMAL_PROPS));
    expect(d.apiVersion).toBe('apps/v1');
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.selector).toEqual({ matchLabels: { app: 'livekit' } });
    const c = container(d);
    // The default reads the LoadBalancer address at start and passes it as --node-ip (see test/rtc-address.test.ts).
    expect(c.command).toEqual(['/bin/sh', '-c']);
    expect(c.args).toEqual(['exec /livekit-server --config /etc/livekit/config.yaml --node-ip "$(cat /run/livekit-rtc/node-ip)"']);
    const manual = container(deployment(livekitWith({ rtc: { nodeIp: '203.0.113.10' } })));
    expect(manual.command).toBeUndefined();
    expect(manual.args).toEqual(['--config', '/etc/livekit/config.yaml']);
    const item = volume(d, 'config').configMap.items[0];
    expect(`${mount(c, 'config').mountPath}/${item.path}`).toBe(manual.args[1]);
    expect(env(c, 'LIVEKIT_CONFIG')).toBeUndefined();
  });

  test('config volume and read-only mount', () => {
    const d = deployment(livekitWith({ rtc: { nodeIp: '203.0.113.10' } }));
    expect(podSpec(d).volumes).toEqual([
      { name: 'config', configMap: { name: 'livekit-config', items: [{ key: 'config.yaml', path: 'config.yaml' }] } },
    ]);
    expect(container(d).volumeMounts).toEqual([{ name: 'config', mountPath: '/etc/livekit', readOnly: true }]);
  });

  test('container ports signaling/TCP, rtc-tcp/TCP, rtc-udp/UDP', () => {
    expect(container(deployment(synth(MINIMAL_PROPS))).ports).toEqual([
      { name: 'signaling', containerPort: 7880, protocol: 'TCP' },
      { name: 'rtc-tcp', containerPort: 7881, protocol: 'TCP' },
      { name: 'rtc-udp', containerPort: 7882, protocol: 'UDP' },
    ]);
  });

  test('custom ports reach the container and the config alike', () => {
    const objects = livekitWith({ rtc: { signalingPort: 9880, tcpPort: 9881, udpPort: 9882 } });
    expect(container(deployment(objects)).ports.map((p: any) => p.containerPort)).toEqual([9880, 9881, 9882]);
    const config = livekitConfig(objects);
    expect([config.port, config.rtc.tcp_port, config.rtc.udp_port]).toEqual([9880, 9881, 9882]);
  });

  test('readiness and liveness GET / on the signaling port', () => {
    const c = container(deployment(synth(MINIMAL_PROPS)));
    expect(c.readinessProbe.httpGet).toEqual({ path: '/', port: 'signaling' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/', port: 'signaling' });
  });

  test('hardened pod and container', () => {
    const d = deployment(synth(MINIMAL_PROPS));
    expect(podSpec(d).automountServiceAccountToken).toBe(false);
    // fsGroup: the kubelet writes Secret files as gid fsGroup (0 without it); the 0440 TURNS key is readable only through it.
    expect(podSpec(d).securityContext).toEqual({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } });
    expect(container(d).securityContext).toEqual(HARDENED_CONTAINER);
  });

  test('image: docker.io/livekit/livekit-server:v1.13.5 by default', () => {
    expect(container(deployment(synth(MINIMAL_PROPS))).image).toBe('docker.io/livekit/livekit-server:v1.13.5');
  });

  test('image registry is LiveKit\'s own: a mirror set for the other images does not rewrite it', () => {
    const objects = synth({
      ...MINIMAL_PROPS,
      homeserver: { ...MINIMAL_PROPS.homeserver, image: { registry: 'mirror.example.org' } },
      lkJwt: { image: { registry: 'mirror.example.org' } },
    });
    expect(container(deployment(objects)).image).toBe('docker.io/livekit/livekit-server:v1.13.5');
    expect(container(find(objects, 'StatefulSet', 'matrix-homeserver')).image).toBe('mirror.example.org/matrix-construct/tuwunel:v1.9.0');
  });

  test('image: own registry, tag and digest', () => {
    expect(container(deployment(livekitWith({ image: { registry: 'mirror.example.org', tag: 'v1.13.4' } }))).image).toBe('mirror.example.org/livekit/livekit-server:v1.13.4');
    expect(container(deployment(livekitWith({ image: { digest: TEST_DIGEST } }))).image).toBe(`docker.io/livekit/livekit-server@${TEST_DIGEST}`);
  });

  test('the config-hash annotation follows the config and the inline keys', () => {
    const hash = (objects: K8sObject[]) => deployment(objects).spec.template.metadata.annotations['matrix-chat.cdk8s.io/config-hash'];
    const base = hash(synth(INLINE_PROPS));
    expect(hash(synth(INLINE_PROPS))).toBe(base);
    expect(hash(synth({ ...INLINE_PROPS, livekit: { ...INLINE_PROPS.livekit, rtc: { nodeIp: '203.0.113.10' } } }))).not.toBe(base);
    expect(hash(synth({ ...INLINE_PROPS, livekit: { keys: { apiKey: 'APIchat', apiSecret: `${TEST_API_SECRET}x` } } }))).not.toBe(base);
  });
});

describe('Services', () => {
  test('livekit-signaling: ClusterIP on the signaling port', () => {
    expect(find(synth(MINIMAL_PROPS), 'Service', 'livekit-signaling').spec).toEqual({
      type: 'ClusterIP',
      selector: { app: 'livekit' },
      ports: [{ name: 'signaling', port: 7880, targetPort: 7880, protocol: 'TCP' }],
    });
  });

  test('livekit-rtc: the only LoadBalancer, UDP and TCP media ports with port == targetPort, no externalTrafficPolicy', () => {
    const objects = synth(MINIMAL_PROPS);
    const rtc = find(objects, 'Service', 'livekit-rtc');
    expect(rtc.spec).toEqual({
      type: 'LoadBalancer',
      selector: { app: 'livekit' },
      ports: [
        { name: 'rtc-udp', port: 7882, targetPort: 7882, protocol: 'UDP' },
        { name: 'rtc-tcp', port: 7881, targetPort: 7881, protocol: 'TCP' },
      ],
    });
    expect(rtc.spec).not.toHaveProperty('externalTrafficPolicy');
    expect(ofKind(objects, 'Service').filter((s) => s.spec.type === 'LoadBalancer').map((s) => s.metadata.name)).toEqual(['livekit-rtc']);
  });

  test('custom media ports: port == targetPort == container port', () => {
    const objects = livekitWith({ rtc: { tcpPort: 30001, udpPort: 30002 } });
    expect(find(objects, 'Service', 'livekit-rtc').spec.ports).toEqual([
      { name: 'rtc-udp', port: 30002, targetPort: 30002, protocol: 'UDP' },
      { name: 'rtc-tcp', port: 30001, targetPort: 30001, protocol: 'TCP' },
    ]);
  });

  test('serviceLabels and serviceAnnotations are merged into livekit-rtc only', () => {
    const objects = livekitWith({
      rtc: { serviceLabels: { 'metallb.io/pool': 'public' }, serviceAnnotations: { 'metallb.universe.tf/loadBalancerIPs': '203.0.113.10' } },
    }, { labels: { 'example.org/team': 'platform' } });
    const rtc = find(objects, 'Service', 'livekit-rtc');
    expect(rtc.metadata.labels).toMatchObject({
      'example.org/team': 'platform',
      'app.kubernetes.io/name': 'livekit',
      'app.kubernetes.io/instance': 'livekit',
      'app.kubernetes.io/component': 'sfu',
      'app.kubernetes.io/part-of': 'matrix-chat',
      'app.kubernetes.io/managed-by': 'cdk8s',
      'metallb.io/pool': 'public',
    });
    expect(rtc.metadata.annotations).toEqual({ 'metallb.universe.tf/loadBalancerIPs': '203.0.113.10' });
    const signaling = find(objects, 'Service', 'livekit-signaling');
    expect(signaling.metadata.labels).not.toHaveProperty('metallb.io/pool');
    expect(signaling.metadata.annotations).toBeUndefined();
    expect(rtc.spec.selector).toEqual({ app: 'livekit' });
  });

  test('no annotations on livekit-rtc by default', () => {
    expect(find(synth(MINIMAL_PROPS), 'Service', 'livekit-rtc').metadata.annotations).toBeUndefined();
  });

  test('namePrefix prefixes every LiveKit object', () => {
    const objects = synth({ ...INLINE_PROPS, namePrefix: 'chat-' });
    expect(objectIds(objects.filter((o) => o.metadata.name.startsWith('chat-livekit')))).toEqual([
      'ConfigMap/chat-livekit-config',
      'Deployment/chat-livekit',
      'NetworkPolicy/chat-livekit-policy',
      'Role/chat-livekit-rtc-reader',
      'RoleBinding/chat-livekit-rtc-reader',
      'Secret/chat-livekit-secret',
      'Service/chat-livekit-rtc',
      'Service/chat-livekit-signaling',
      'ServiceAccount/chat-livekit',
    ]);
    expect(find(objects, 'Service', 'chat-livekit-rtc').spec.selector).toEqual({ app: 'chat-livekit' });
    expect(volume(deployment(objects, 'chat-livekit'), 'config').configMap.name).toBe('chat-livekit-config');
  });
});

describe('TurnRelay', () => {
  test('the turn section: enabled, domain, tls_port = container port, cert and key files', () => {
    expect(livekitConfig(synth(TURN_PROPS)).turn).toEqual({
      enabled: true,
      domain: 'turn.matrix.example.org',
      tls_port: 5349,
      cert_file: '/etc/livekit-turn-tls/tls.crt',
      key_file: '/etc/livekit-turn-tls/tls.key',
    });
  });

  test('certificate volume: items certKey → tls.crt, keyKey → tls.key, mode 0440', () => {
    expect(volume(deployment(synth(TURN_PROPS)), 'turn-tls')).toEqual({
      name: 'turn-tls',
      secret: {
        secretName: 'livekit-turn-tls',
        items: [{ key: 'tls.crt', path: 'tls.crt' }, { key: 'tls.key', path: 'tls.key' }],
        defaultMode: 0o440,
      },
    });
  });

  test('custom certKey/keyKey map onto the file names the config uses', () => {
    const objects = livekitWith({ turn: { enabled: true, domain: 'turn.example.org', tls: { existingSecret: 'turn-cert', certKey: 'fullchain.pem', keyKey: 'privkey.pem' } } });
    const d = deployment(objects);
    const turnVolume = volume(d, 'turn-tls');
    expect(turnVolume.secret.items).toEqual([{ key: 'fullchain.pem', path: 'tls.crt' }, { key: 'privkey.pem', path: 'tls.key' }]);
    const dir = mount(container(d), 'turn-tls').mountPath;
    const turn = livekitConfig(objects).turn;
    expect(turn.cert_file).toBe(`${dir}/${turnVolume.secret.items[0].path}`);
    expect(turn.key_file).toBe(`${dir}/${turnVolume.secret.items[1].path}`);
  });

  test('the certificate mount is read-only and not inside the config mount', () => {
    const c = container(deployment(synth(TURN_PROPS)));
    const certMount = mount(c, 'turn-tls');
    expect(certMount).toEqual({ name: 'turn-tls', mountPath: '/etc/livekit-turn-tls', readOnly: true });
    const configDir = mount(c, 'config').mountPath;
    expect(certMount.mountPath === configDir || certMount.mountPath.startsWith(`${configDir}/`)).toBe(false);
    expect(configDir.startsWith(`${certMount.mountPath}/`)).toBe(false);
  });

  test('turns container port and LoadBalancer port 443 → targetPort 5349', () => {
    const objects = synth(TURN_PROPS);
    expect(container(deployment(objects)).ports).toContainEqual({ name: 'turns', containerPort: 5349, protocol: 'TCP' });
    expect(find(objects, 'Service', 'livekit-rtc').spec.ports).toEqual([
      { name: 'rtc-udp', port: 7882, targetPort: 7882, protocol: 'UDP' },
      { name: 'rtc-tcp', port: 7881, targetPort: 7881, protocol: 'TCP' },
      { name: 'turns', port: 443, targetPort: 5349, protocol: 'TCP' },
    ]);
  });

  test('a non-default tlsPort: public port stays 443, container port and tls_port follow', () => {
    const objects = livekitWith({ turn: { enabled: true, domain: 'turn.example.org', tlsPort: 8443, tls: { existingSecret: 'turn-cert' } } });
    expect(container(deployment(objects)).ports).toContainEqual({ name: 'turns', containerPort: 8443, protocol: 'TCP' });
    expect(find(objects, 'Service', 'livekit-rtc').spec.ports).toContainEqual({ name: 'turns', port: 443, targetPort: 8443, protocol: 'TCP' });
    expect(livekitConfig(objects).turn.tls_port).toBe(8443);
  });

  test('no plain TURN/UDP port anywhere', () => {
    const objects = synth(TURN_PROPS);
    expect(livekitConfig(objects).turn).not.toHaveProperty('udp_port');
    const udp = (ports: any[]) => ports.filter((p) => p.protocol === 'UDP').map((p) => p.name);
    expect(udp(container(deployment(objects)).ports)).toEqual(['rtc-udp']);
    expect(udp(find(objects, 'Service', 'livekit-rtc').spec.ports)).toEqual(['rtc-udp']);
  });

  test('TURN disabled by default: no turn section, volume, port', () => {
    const objects = synth(MINIMAL_PROPS);
    expect(livekitConfig(objects)).not.toHaveProperty('turn');
    expect(volume(deployment(objects), 'turn-tls')).toBeUndefined();
    expect(find(objects, 'Service', 'livekit-rtc').spec.ports.map((p: any) => p.name)).toEqual(['rtc-udp', 'rtc-tcp']);
  });

  test('MatrixChat exposes the relay', () => {
    const { chat } = build(TURN_PROPS);
    expect(chat.turnRelay).toBeDefined();
    expect(chat.turnRelay).toBe(chat.livekit!.turnRelay);
    expect(chat.turnRelay!.domain).toBe('turn.matrix.example.org');
    expect(chat.turnRelay!.tlsPort).toBe(5349);
    expect(build(MINIMAL_PROPS).chat.turnRelay).toBeUndefined();
  });
});

describe('standalone LiveKit in a Chart', () => {
  test('synthesizes the SFU objects with inline keys', () => {
    const chart = new Chart(Testing.app(), 'standalone', { namespace: 'media' });
    const lk = new LiveKit(chart, 'lk', { keys: { apiKey: 'APIx', apiSecret: TEST_API_SECRET } });
    const objects = Testing.synth(chart) as K8sObject[];
    expect(objectIds(objects)).toEqual([
      'ConfigMap/livekit-config',
      'Deployment/livekit',
      'Role/livekit-rtc-reader',
      'RoleBinding/livekit-rtc-reader',
      'Secret/livekit-secret',
      'Service/livekit-rtc',
      'Service/livekit-signaling',
      'ServiceAccount/livekit',
    ]);
    expect(lk.serviceAccount?.name).toBe('livekit');
    expect(lk.signalingServiceName).toBe('livekit-signaling');
    expect(lk.credentials).toEqual({ secretName: 'livekit-secret', apiKeyKey: 'LIVEKIT_API_KEY', apiSecretKey: 'LIVEKIT_API_SECRET', livekitKeysKey: 'LIVEKIT_KEYS' });
    expect(lk.listenerPorts).toEqual([{ port: 7880, protocol: 'TCP' }, { port: 7881, protocol: 'TCP' }, { port: 7882, protocol: 'UDP' }]);
  });
});
