// Gateway API routing, managed TURNS certificates, server-name reachability, tight policies and LiveKit on its own host.
import { IssuerKind, MatrixChatProps, Routing } from '../src';
import { MINIMAL_PROPS, container, find, has, synth, synthErrors } from './util';

const gateway = Routing.gatewayApi({ parentRefs: [{ name: 'public', namespace: 'gateway', sectionName: 'https' }] });

describe('Gateway API routing', () => {
  test('one HTTPRoute with the Ingress paths and backends, and no Ingress', () => {
    const objects = synth({ ...MINIMAL_PROPS, routing: gateway });
    expect(objects.filter((o) => o.kind === 'Ingress')).toHaveLength(0);
    const route = find(objects, 'HTTPRoute', 'matrix-route');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec.hostnames).toEqual(['matrix.example.org']);
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'gateway', sectionName: 'https' }]);
    const rules = route.spec.rules.map((r: any) => ({ paths: r.matches.map((m: any) => `${m.path.type} ${m.path.value}`), backends: r.backendRefs }));
    expect(rules).toEqual([
      { paths: ['PathPrefix /.well-known/matrix', 'PathPrefix /_matrix'], backends: [{ name: 'matrix-homeserver', port: 6167 }] },
      { paths: ['PathPrefix /sfu', 'PathPrefix /get_token'], backends: [{ name: 'lk-jwt-service', port: 8080 }] },
      { paths: ['PathPrefix /rtc', 'PathPrefix /twirp'], backends: [{ name: 'livekit-signaling', port: 7880 }] },
    ]);
  });

  test('external LiveKit: no /rtc or /twirp rule', () => {
    const objects = synth({
      ...MINIMAL_PROPS,
      routing: Routing.gatewayApi({ parentRefs: [{ name: 'public' }] }),
      livekit: { enabled: false, publicUrl: 'wss://livekit.operator.example', keys: { existingSecret: { name: 'operator-livekit' } } },
    });
    const route = find(objects, 'HTTPRoute', 'matrix-route');
    const paths = route.spec.rules.flatMap((r: any) => r.matches.map((m: any) => m.path.value));
    expect(paths).toEqual(['/.well-known/matrix', '/_matrix', '/sfu', '/get_token']);
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public' }]);
  });

  test('Routing.ingress() is the default and keeps the Ingress', () => {
    const objects = synth({ ...MINIMAL_PROPS, routing: Routing.ingress() });
    expect(has(objects, 'Ingress', 'matrix-ingress')).toBe(true);
    expect(objects.filter((o) => o.kind === 'HTTPRoute')).toHaveLength(0);
  });

  test.each<[string, MatrixChatProps, string]>([
    ['no parent Gateway', { ...MINIMAL_PROPS, routing: Routing.gatewayApi({ parentRefs: [] }) }, 'routing.parentRefs: is empty'],
    ['invalid Gateway name', { ...MINIMAL_PROPS, routing: Routing.gatewayApi({ parentRefs: [{ name: 'Public GW' }] }) }, 'routing.parentRefs[0].name'],
    ['invalid section name', { ...MINIMAL_PROPS, routing: Routing.gatewayApi({ parentRefs: [{ name: 'gw', sectionName: 'HTTPS!' }] }) }, 'routing.parentRefs[0].sectionName'],
    ['ingress props with Gateway API', { ...MINIMAL_PROPS, routing: gateway, ingress: { className: 'nginx' } }, 'ingress: is set while routing is Routing.gatewayApi()'],
  ])('refuses %s', (_name, props, message) => {
    expect(synthErrors(props)).toContain(message);
  });
});

describe('managed TURNS certificate', () => {
  const turn = (tls: any): MatrixChatProps => ({
    ...MINIMAL_PROPS,
    livekit: { keys: { existingSecret: { name: 'livekit-credentials' } }, turn: { enabled: true, domain: 'turn.matrix.example.org', tls } },
  });

  test('issuer emits a Certificate whose Secret the relay mounts', () => {
    const objects = synth(turn({ issuer: { name: 'letsencrypt-dns' } }));
    const certificate = find(objects, 'Certificate', 'livekit-turn-tls');
    expect(certificate.apiVersion).toBe('cert-manager.io/v1');
    expect(certificate.spec).toEqual({
      secretName: 'livekit-turn-tls',
      dnsNames: ['turn.matrix.example.org'],
      issuerRef: { name: 'letsencrypt-dns', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      privateKey: { rotationPolicy: 'Always' },
    });
    const volume = find(objects, 'Deployment', 'livekit').spec.template.spec.volumes.find((v: any) => v.name === 'turn-tls');
    expect(volume.secret.secretName).toBe('livekit-turn-tls');
  });

  test('a namespaced Issuer and a name prefix', () => {
    const objects = synth({ ...turn({ issuer: { name: 'dns01', kind: IssuerKind.ISSUER } }), namePrefix: 'team-' });
    const certificate = find(objects, 'Certificate', 'team-livekit-turn-tls');
    expect(certificate.spec.issuerRef.kind).toBe('Issuer');
    expect(certificate.spec.secretName).toBe('team-livekit-turn-tls');
  });

  test('no Certificate with an existing Secret', () => {
    expect(synth(turn({ existingSecret: 'my-turn-tls' })).filter((o) => o.kind === 'Certificate')).toHaveLength(0);
  });

  test.each<[string, any, string]>([
    ['existingSecret and issuer together', { existingSecret: 'my-turn-tls', issuer: { name: 'le' } }, 'livekit.turn.tls.issuer: is set together with turn.tls.existingSecret'],
    ['neither', {}, 'livekit.turn.tls.existingSecret: is not set'],
    ['an invalid issuer name', { issuer: { name: 'Let Me In' } }, 'livekit.turn.tls.issuer.name'],
    ['custom keys with an issuer', { issuer: { name: 'le' }, certKey: 'cert.pem' }, 'livekit.turn.tls.certKey'],
  ])('refuses %s', (_name, tls, message) => {
    expect(synthErrors(turn(tls))).toContain(message);
  });
});

describe('lk-jwt-service reachability of the server name', () => {
  test('serverNameAddress becomes a hostAliases entry for the server name', () => {
    const objects = synth({ ...MINIMAL_PROPS, lkJwt: { serverNameAddress: '10.96.12.34' } });
    const pod = find(objects, 'Deployment', 'lk-jwt-service').spec.template.spec;
    expect(pod.hostAliases).toEqual([{ ip: '10.96.12.34', hostnames: ['matrix.example.org'] }]);
    // LIVEKIT_URL's host is the server name in bundled mode, so the same alias serves Twirp.
    expect(container(find(objects, 'Deployment', 'lk-jwt-service')).env.find((e: any) => e.name === 'LIVEKIT_URL').value).toBe('wss://matrix.example.org');
  });

  test('IPv6 addresses are accepted', () => {
    const pod = find(synth({ ...MINIMAL_PROPS, lkJwt: { serverNameAddress: 'fd00::20' } }), 'Deployment', 'lk-jwt-service').spec.template.spec;
    expect(pod.hostAliases[0].ip).toBe('fd00::20');
  });

  test('no hostAliases by default', () => {
    expect(find(synth(MINIMAL_PROPS), 'Deployment', 'lk-jwt-service').spec.template.spec.hostAliases).toBeUndefined();
  });

  test('refuses a host name instead of an IP', () => {
    expect(synthErrors({ ...MINIMAL_PROPS, lkJwt: { serverNameAddress: 'ingress-nginx.svc' } })).toContain('lkJwt.serverNameAddress: "ingress-nginx.svc" is not an IPv4 or IPv6 address');
  });
});

describe('network policies tightened to the ingress controller namespace', () => {
  const tight = { ...MINIMAL_PROPS, networkPolicy: { ingressControllerNamespace: 'ingress-nginx' } };

  test.each([
    ['matrix-homeserver-policy', 6167],
    ['lk-jwt-service-policy', 8080],
  ])('%s admits HTTP only from the controller namespace and the stack', (name, port) => {
    const policy = find(synth(tight), 'NetworkPolicy', name);
    expect(policy.spec.ingress).toEqual([{
      from: [
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
        { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['matrix-homeserver', 'livekit', 'lk-jwt-service'] }] } },
      ],
      ports: [{ port, protocol: 'TCP' }],
    }]);
  });

  test("the ingress controller's path is still admitted", () => {
    const objects = synth(tight);
    const controllerPod = { namespace: 'ingress-nginx', namespaceLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' }, labels: { 'app.kubernetes.io/name': 'ingress-nginx' } };
    const otherPod = { namespace: 'default', namespaceLabels: { 'kubernetes.io/metadata.name': 'default' }, labels: { app: 'curl' } };
    for (const ingressPath of find(objects, 'Ingress', 'matrix-ingress').spec.rules[0].http.paths) {
      const service = find(objects, 'Service', ingressPath.backend.service.name);
      const policy = objects.find((o) => o.kind === 'NetworkPolicy' && matches(o.spec.podSelector, service.spec.selector))!;
      const port = service.spec.ports.find((p: any) => p.port === ingressPath.backend.service.port.number).targetPort;
      expect(admits(policy, controllerPod, 'chat', port)).toBe(true);
      if (policy.metadata.name !== 'livekit-policy') expect(admits(policy, otherPod, 'chat', port)).toBe(false);
    }
  });

  test('LiveKit media stays open to any source', () => {
    const policy = find(synth(tight), 'NetworkPolicy', 'livekit-policy');
    expect(policy.spec.ingress[0].from).toBeUndefined();
  });

  test('refuses an invalid namespace name', () => {
    expect(synthErrors({ ...MINIMAL_PROPS, networkPolicy: { ingressControllerNamespace: 'Ingress NGINX' } })).toContain('networkPolicy.ingressControllerNamespace');
  });
});

/** Whether a label selector (matchLabels/matchExpressions In) selects these labels. */
function matches(selector: any, labels: Record<string, string>): boolean {
  const byLabels = Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector?.matchExpressions ?? []).every((e: any) => e.operator === 'In' && e.values.includes(labels[e.key]));
  return byLabels && byExpressions;
}

/** A small NetworkPolicy evaluator for ingress: does the policy admit this source pod on this port? */
interface SourcePod {
  readonly namespace: string;
  readonly namespaceLabels: Record<string, string>;
  readonly labels: Record<string, string>;
}

function admits(policy: any, source: SourcePod, policyNamespace: string, port: number): boolean {
  return (policy.spec.ingress ?? []).some((rule: any) => {
    const portOk = (rule.ports ?? []).some((p: any) => p.port === port);
    if (!portOk) return false;
    if (rule.from === undefined || rule.from.length === 0) return true;
    return rule.from.some((peer: any) => {
      if (peer.namespaceSelector) {
        return matches(peer.namespaceSelector, source.namespaceLabels) && (!peer.podSelector || matches(peer.podSelector, source.labels));
      }
      if (peer.podSelector) return source.namespace === policyNamespace && matches(peer.podSelector, source.labels);
      return false;
    });
  });
}

describe('bundled LiveKit on its own host', () => {
  const ownHost: MatrixChatProps = {
    ...MINIMAL_PROPS,
    livekit: { ...MINIMAL_PROPS.livekit, publicUrl: 'wss://livekit.example.org' },
    ingress: { tls: { enabled: true, clusterIssuer: 'letsencrypt-prod' } },
  };

  test('the Ingress also routes /rtc and /twirp on that host, and TLS covers both names', () => {
    const ingress = find(synth(ownHost), 'Ingress', 'matrix-ingress');
    expect(ingress.spec.rules.map((r: any) => [r.host, r.http.paths.map((p: any) => p.path)])).toEqual([
      ['matrix.example.org', ['/.well-known/matrix', '/_matrix', '/sfu', '/get_token', '/rtc', '/twirp']],
      ['livekit.example.org', ['/rtc', '/twirp']],
    ]);
    expect(ingress.spec.rules[1].http.paths.map((p: any) => p.backend.service)).toEqual([
      { name: 'livekit-signaling', port: { number: 7880 } },
      { name: 'livekit-signaling', port: { number: 7880 } },
    ]);
    expect(ingress.spec.tls).toEqual([{ hosts: ['matrix.example.org', 'livekit.example.org'], secretName: 'matrix-certificate' }]);
  });

  test('Gateway API: a second HTTPRoute on that host', () => {
    const objects = synth({ ...ownHost, ingress: undefined, routing: gateway });
    const route = find(objects, 'HTTPRoute', 'matrix-livekit-route');
    expect(route.spec.hostnames).toEqual(['livekit.example.org']);
    expect(route.spec.parentRefs).toEqual(find(objects, 'HTTPRoute', 'matrix-route').spec.parentRefs);
    expect(route.spec.rules).toEqual([{
      matches: [{ path: { type: 'PathPrefix', value: '/rtc' } }, { path: { type: 'PathPrefix', value: '/twirp' } }],
      backendRefs: [{ name: 'livekit-signaling', port: 7880 }],
    }]);
  });

  test('no second rule when the public URL is on the server name, or for an external LiveKit', () => {
    expect(find(synth(MINIMAL_PROPS), 'Ingress', 'matrix-ingress').spec.rules).toHaveLength(1);
    const external = synth({
      ...MINIMAL_PROPS,
      livekit: { enabled: false, publicUrl: 'wss://livekit.operator.example', keys: { existingSecret: { name: 'operator-livekit' } } },
    });
    expect(find(external, 'Ingress', 'matrix-ingress').spec.rules).toHaveLength(1);
  });

  test('refuses an IP address as the bundled public host', () => {
    expect(synthErrors({ ...MINIMAL_PROPS, livekit: { ...MINIMAL_PROPS.livekit, publicUrl: 'wss://203.0.113.7' } }))
      .toContain('livekit.publicUrl: names the host "203.0.113.7", which is not a DNS name the ingress can serve');
  });
});
