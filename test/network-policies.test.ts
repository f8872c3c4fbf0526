// The NetworkPolicies: one per pod, with the ports each admits.
import { container, find, has, INLINE_PROPS, K8sObject, MINIMAL_PROPS, ofKind, portSet, synth, TURN_PROPS } from './util';
import { MatrixChatProps } from '../src';

const WORKLOADS: Array<[policy: string, kind: string, workload: string, service: string]> = [
  ['matrix-homeserver-policy', 'StatefulSet', 'matrix-homeserver', 'matrix-homeserver'],
  ['livekit-policy', 'Deployment', 'livekit', 'livekit-signaling'],
  ['lk-jwt-service-policy', 'Deployment', 'lk-jwt-service', 'lk-jwt-service'],
];

function policy(objects: K8sObject[], name: string): K8sObject {
  return find(objects, 'NetworkPolicy', name);
}

function admitted(p: K8sObject): string[] {
  return portSet(p.spec.ingress.flatMap((rule: any) => rule.ports));
}

describe('one NetworkPolicy per pod', () => {
  test('the chart\'s names', () => {
    expect(ofKind(synth(MINIMAL_PROPS), 'NetworkPolicy').map((p) => p.metadata.name).sort())
      .toEqual(['livekit-policy', 'lk-jwt-service-policy', 'matrix-homeserver-policy']);
  });

  test('namePrefix', () => {
    expect(ofKind(synth({ ...MINIMAL_PROPS, namePrefix: 'chat-' }), 'NetworkPolicy').map((p) => p.metadata.name).sort())
      .toEqual(['chat-livekit-policy', 'chat-lk-jwt-service-policy', 'chat-matrix-homeserver-policy']);
  });

  test.each(WORKLOADS)('%s selects the %s %s pod with its stable selector', (policyName, kind, workload) => {
    const objects = synth(MINIMAL_PROPS);
    const p = policy(objects, policyName);
    const w = find(objects, kind, workload);
    expect(p.spec.podSelector).toEqual({ matchLabels: { app: workload } });
    expect(p.spec.podSelector.matchLabels).toEqual(w.spec.selector.matchLabels);
  });

  test.each(WORKLOADS)('%s: one ingress rule without "from" (any source), egress open, both policy types', (policyName) => {
    const p = policy(synth(MINIMAL_PROPS), policyName);
    expect(p.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(p.spec.ingress).toHaveLength(1);
    expect(p.spec.ingress[0]).not.toHaveProperty('from');
    expect(Object.keys(p.spec.ingress[0])).toEqual(['ports']);
    expect(p.spec.egress).toEqual([{}]);
  });

  test('homeserver admits its client port, lk-jwt 8080, LiveKit signaling/tcp/udp', () => {
    const objects = synth(MINIMAL_PROPS);
    expect(policy(objects, 'matrix-homeserver-policy').spec.ingress[0].ports).toEqual([{ port: 6167, protocol: 'TCP' }]);
    expect(policy(objects, 'lk-jwt-service-policy').spec.ingress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    expect(policy(objects, 'livekit-policy').spec.ingress[0].ports).toEqual([
      { port: 7880, protocol: 'TCP' },
      { port: 7881, protocol: 'TCP' },
      { port: 7882, protocol: 'UDP' },
    ]);
  });

  test('with TURN, LiveKit also admits the turns container port (not the public 443)', () => {
    const ports = policy(synth(TURN_PROPS), 'livekit-policy').spec.ingress[0].ports;
    expect(ports).toContainEqual({ port: 5349, protocol: 'TCP' });
    expect(ports).not.toContainEqual({ port: 443, protocol: 'TCP' });
  });

  const CUSTOM: MatrixChatProps = {
    ...MINIMAL_PROPS,
    homeserver: { ...MINIMAL_PROPS.homeserver, clientPort: 8448 },
    livekit: {
      ...MINIMAL_PROPS.livekit,
      rtc: { signalingPort: 9880, tcpPort: 9881, udpPort: 9882 },
      turn: { enabled: true, domain: 'turn.example.org', tlsPort: 8443, tls: { existingSecret: 'turn-cert' } },
    },
  };

  test('custom ports: every policy admits exactly the container ports of its pod', () => {
    const objects = synth(CUSTOM);
    for (const [policyName, kind, workload] of WORKLOADS) {
      expect(admitted(policy(objects, policyName))).toEqual(portSet(container(find(objects, kind, workload)).ports));
    }
    expect(admitted(policy(objects, 'livekit-policy'))).toEqual(['8443/TCP', '9880/TCP', '9881/TCP', '9882/UDP']);
    expect(admitted(policy(objects, 'matrix-homeserver-policy'))).toEqual(['8448/TCP']);
  });

  test.each<[string, MatrixChatProps]>([
    ['defaults', MINIMAL_PROPS],
    ['inline credentials', INLINE_PROPS],
    ['TURN', TURN_PROPS],
    ['custom ports', CUSTOM],
  ])('every Service targetPort is admitted by the policy of its pod (%s)', (_name, props) => {
    const objects = synth(props);
    const byApp = new Map(ofKind(objects, 'NetworkPolicy').map((p) => [p.spec.podSelector.matchLabels.app, p]));
    for (const service of ofKind(objects, 'Service')) {
      const p = byApp.get(service.spec.selector.app);
      expect(p).toBeDefined();
      const ports = admitted(p!);
      for (const sp of service.spec.ports) expect(ports).toContain(`${sp.targetPort}/${sp.protocol}`);
    }
  });

  test('networkPolicy disabled: no policies', () => {
    expect(ofKind(synth({ ...MINIMAL_PROPS, networkPolicy: { enabled: false } }), 'NetworkPolicy')).toEqual([]);
  });

  test('a disabled component has no policy', () => {
    const objects = synth({ ...MINIMAL_PROPS, lkJwt: { enabled: false }, homeserver: { enabled: false } });
    expect(has(objects, 'NetworkPolicy', 'lk-jwt-service-policy')).toBe(false);
    expect(has(objects, 'NetworkPolicy', 'matrix-homeserver-policy')).toBe(false);
    expect(has(objects, 'NetworkPolicy', 'livekit-policy')).toBe(true);
  });

  test('policies carry the recommended and user labels', () => {
    const p = policy(synth({ ...MINIMAL_PROPS, labels: { 'example.org/team': 'platform' } }), 'livekit-policy');
    expect(p.metadata.labels).toMatchObject({ 'example.org/team': 'platform', 'app.kubernetes.io/part-of': 'matrix-chat', 'app.kubernetes.io/managed-by': 'cdk8s' });
  });
});
