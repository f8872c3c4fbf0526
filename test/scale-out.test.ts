// LiveKit scale-out mode: host network, Redis and one SFU per node.
import { MatrixChatProps, NodeAddressSource } from '../src';
import { MINIMAL_PROPS, container, env, find, has, livekitConfig, synth, synthErrors } from './util';

function scaleOut(scale: object, livekit: object = {}): MatrixChatProps {
  return {
    ...MINIMAL_PROPS,
    livekit: { ...MINIMAL_PROPS.livekit, ...livekit, scaleOut: { enabled: true, redis: { address: 'redis-master.redis.svc:6379' }, ...scale } },
  };
}

describe('LiveKit scale-out on Redis', () => {
  test('N SFU pods on the host network, one per node, coordinated through Redis', () => {
    const objects = synth(scaleOut({ replicas: 3, redis: { address: 'redis-master.redis.svc:6379', username: 'livekit', db: 2, useTls: true, passwordSecret: { name: 'redis', key: 'password' } } }));
    const deployment = find(objects, 'Deployment', 'livekit');
    expect(deployment.spec.replicas).toBe(3);
    const pod = deployment.spec.template.spec;
    expect(pod.hostNetwork).toBe(true);
    expect(pod.dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      { labelSelector: { matchLabels: { app: 'livekit' } }, topologyKey: 'kubernetes.io/hostname' },
    ]);
    // Host ports are taken on each node: replace one node at a time.
    expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxSurge: 0, maxUnavailable: 1 });
    const config = livekitConfig(objects);
    expect(config.redis).toEqual({ address: 'redis-master.redis.svc:6379', username: 'livekit', db: 2, use_tls: true });
    expect(config.rtc).toEqual({ tcp_port: 7881, udp_port: 7882, use_external_ip: true });
    expect(JSON.stringify(config)).not.toContain('password');
    expect(env(container(deployment), 'LIVEKIT_REDIS_PASSWORD').valueFrom.secretKeyRef).toEqual({ name: 'redis', key: 'password' });
  });

  test('no RTC LoadBalancer and no LiveKit NetworkPolicy; signaling stays a ClusterIP behind the ingress', () => {
    const objects = synth(scaleOut({}));
    expect(has(objects, 'Service', 'livekit-rtc')).toBe(false);
    expect(objects.filter((o) => o.kind === 'Service' && o.spec.type === 'LoadBalancer')).toHaveLength(0);
    expect(has(objects, 'NetworkPolicy', 'livekit-policy')).toBe(false);
    const signaling = find(objects, 'Service', 'livekit-signaling');
    expect(signaling.spec.type).toBe('ClusterIP');
    expect(signaling.spec.selector).toEqual({ app: 'livekit' });
    const paths = find(objects, 'Ingress', 'matrix-ingress').spec.rules[0].http.paths;
    expect(paths.filter((p: any) => ['/rtc', '/twirp'].includes(p.path)).map((p: any) => p.backend.service.name)).toEqual(['livekit-signaling', 'livekit-signaling']);
  });

  test('HOST_IP: the node IP from the downward API, STUN off', () => {
    const objects = synth(scaleOut({ nodeAddress: NodeAddressSource.HOST_IP }));
    expect(livekitConfig(objects).rtc.use_external_ip).toBe(false);
    expect(env(container(find(objects, 'Deployment', 'livekit')), 'NODE_IP')).toEqual({ name: 'NODE_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } });
  });

  test('Sentinel mode', () => {
    const objects = synth(scaleOut({ redis: { sentinelMasterName: 'mymaster', sentinelAddresses: ['sentinel-0:26379', 'sentinel-1:26379'], sentinelPasswordSecret: { name: 'redis', key: 'sentinel' } } }));
    expect(livekitConfig(objects).redis).toEqual({ sentinel_master_name: 'mymaster', sentinel_addresses: ['sentinel-0:26379', 'sentinel-1:26379'] });
    expect(env(container(find(objects, 'Deployment', 'livekit')), 'LIVEKIT_REDIS_SENTINEL_PASSWORD').valueFrom.secretKeyRef).toEqual({ name: 'redis', key: 'sentinel' });
  });

  test("the user's affinity is kept beside the anti-affinity term", () => {
    const nodeAffinity = { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'media', operator: 'In', values: ['true'] }] }] } };
    const objects = synth({ ...scaleOut({}), scheduling: { affinity: { nodeAffinity } } });
    const affinity = find(objects, 'Deployment', 'livekit').spec.template.spec.affinity;
    expect(affinity.nodeAffinity).toEqual(nodeAffinity);
    expect(affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    // Other pods keep the user's affinity unchanged.
    expect(find(objects, 'Deployment', 'lk-jwt-service').spec.template.spec.affinity).toEqual({ nodeAffinity });
  });

  test.each<[string, MatrixChatProps, string]>([
    ['no Redis', scaleOut({ redis: {} }), 'livekit.scaleOut.redis: no Redis address is set'],
    ['one replica', scaleOut({ replicas: 1 }), 'livekit.scaleOut.replicas'],
    ['a fractional replica count', scaleOut({ replicas: 2.5 }), 'livekit.scaleOut.replicas'],
    ['more replicas than Kubernetes has nodes', scaleOut({ replicas: 2 ** 31 }), 'livekit.scaleOut.replicas: 2147483648 is not a whole number from 2 to 5000'],
    ['a Redis address without a port', scaleOut({ redis: { address: 'redis' } }), 'livekit.scaleOut.redis.address'],
    ['Sentinels without a master name', scaleOut({ redis: { sentinelAddresses: ['s:26379'] } }), 'livekit.scaleOut.redis.sentinelMasterName'],
    ['a fixed nodeIp', scaleOut({}, { rtc: { nodeIp: '203.0.113.10' } }), 'livekit.rtc.nodeIp: is set in scale-out mode'],
    ['TURN', scaleOut({}, { turn: { enabled: true, domain: 'turn.matrix.example.org', tls: { existingSecret: 'turn-tls' } } }), 'livekit.turn.enabled: TURNS is not supported in scale-out mode yet'],
  ])('refuses %s', (_name, props, message) => {
    expect(synthErrors(props)).toContain(message);
  });

  test('the valid neighbours synthesize (2 replicas, and the upper bound of 5000)', () => {
    expect(synthErrors(scaleOut({ replicas: 2 }))).toBe('');
    expect(synthErrors(scaleOut({ replicas: 5000 }))).toBe('');
  });
});

describe('graceful call draining', () => {
  test('single SFU: two hours to drain and a surge rollout that never removes the only SFU first', () => {
    const deployment = find(synth(MINIMAL_PROPS), 'Deployment', 'livekit');
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(7200);
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  });

  test('configurable grace period', () => {
    const deployment = find(synth({ ...MINIMAL_PROPS, livekit: { ...MINIMAL_PROPS.livekit, terminationGracePeriodSeconds: 600 } }), 'Deployment', 'livekit');
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(600);
  });

  test('refuses a negative grace period', () => {
    expect(synthErrors({ ...MINIMAL_PROPS, livekit: { ...MINIMAL_PROPS.livekit, terminationGracePeriodSeconds: -1 } })).toContain('livekit.terminationGracePeriodSeconds');
  });
});

describe('service-mesh opt-out', () => {
  test('on by default: Istio and Linkerd sidecars stay off the SFU only', () => {
    const objects = synth(MINIMAL_PROPS);
    const metadata = find(objects, 'Deployment', 'livekit').spec.template.metadata;
    expect(metadata.annotations['sidecar.istio.io/inject']).toBe('false');
    expect(metadata.annotations['linkerd.io/inject']).toBe('disabled');
    expect(metadata.labels['sidecar.istio.io/inject']).toBe('false');
    expect(find(objects, 'Deployment', 'lk-jwt-service').spec.template.metadata.annotations['linkerd.io/inject']).toBeUndefined();
  });

  test('overridable', () => {
    const metadata = find(synth({ ...MINIMAL_PROPS, livekit: { ...MINIMAL_PROPS.livekit, meshSidecarOptOut: false } }), 'Deployment', 'livekit').spec.template.metadata;
    expect(metadata.annotations['linkerd.io/inject']).toBeUndefined();
    expect(metadata.labels['sidecar.istio.io/inject']).toBeUndefined();
  });
});
