// The Ingress: routes, TLS, controller-specific annotations and Traefik middlewares.
import { find, has, ingressRoutes, K8sObject, MINIMAL_PROPS, ofKind, synth, synthErrorsWithoutNamespace, TURN_PROPS } from './util';
import { MatrixChatProps } from '../src';

const HOST = 'matrix.example.org';

function ingressOf(props: MatrixChatProps, namespace = 'chat', name = 'matrix-ingress'): K8sObject {
  return find(synth(props, namespace), 'Ingress', name);
}

function withIngress(ingress: MatrixChatProps['ingress'], extra: Partial<MatrixChatProps> = {}): MatrixChatProps {
  return { ...MINIMAL_PROPS, ...extra, ingress };
}

describe('routes', () => {
  test('bundled mode: homeserver, lk-jwt and LiveKit signaling paths on the server name', () => {
    const ingress = ingressOf(MINIMAL_PROPS);
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.spec.rules).toHaveLength(1);
    expect(ingress.spec.rules[0].host).toBe(HOST);
    expect(ingressRoutes(ingress)).toEqual([
      ['/.well-known/matrix', 'matrix-homeserver', 6167],
      ['/_matrix', 'matrix-homeserver', 6167],
      ['/sfu', 'lk-jwt-service', 8080],
      ['/get_token', 'lk-jwt-service', 8080],
      ['/rtc', 'livekit-signaling', 7880],
      ['/twirp', 'livekit-signaling', 7880],
    ]);
    // ingress-nginx >= 1.12 rejects a Prefix path containing a dot; it matches ImplementationSpecific as a prefix.
    expect(ingress.spec.rules[0].http.paths.map((p: any) => `${p.pathType} ${p.path}`)).toEqual([
      'ImplementationSpecific /.well-known/matrix',
      'Prefix /_matrix',
      'Prefix /sfu',
      'Prefix /get_token',
      'Prefix /rtc',
      'Prefix /twirp',
    ]);
  });

  test.each(['haproxy', 'openshift-default', 'traefik', 'contour'])('every path is Prefix for class %s', (className) => {
    const ingress = ingressOf({ ...MINIMAL_PROPS, ingress: { className } });
    for (const p of ingress.spec.rules[0].http.paths) expect(p.pathType).toBe('Prefix');
  });

  test('every backend is a Service of the stack exposing that port', () => {
    const objects = synth(TURN_PROPS);
    for (const [, service, port] of ingressRoutes(find(objects, 'Ingress', 'matrix-ingress'))) {
      expect(find(objects, 'Service', service).spec.ports.map((p: any) => p.port)).toContain(port);
    }
  });

  test('custom ports and namePrefix reach the backends', () => {
    const ingress = ingressOf({
      ...MINIMAL_PROPS,
      namePrefix: 'chat-',
      homeserver: { ...MINIMAL_PROPS.homeserver, clientPort: 8448 },
      livekit: { ...MINIMAL_PROPS.livekit, rtc: { signalingPort: 9880 } },
    }, 'chat', 'chat-matrix-ingress');
    expect(ingressRoutes(ingress)).toEqual([
      ['/.well-known/matrix', 'chat-matrix-homeserver', 8448],
      ['/_matrix', 'chat-matrix-homeserver', 8448],
      ['/sfu', 'chat-lk-jwt-service', 8080],
      ['/get_token', 'chat-lk-jwt-service', 8080],
      ['/rtc', 'chat-livekit-signaling', 9880],
      ['/twirp', 'chat-livekit-signaling', 9880],
    ]);
  });

  test('lk-jwt disabled: no lk-jwt routes', () => {
    expect(ingressRoutes(ingressOf({ ...MINIMAL_PROPS, lkJwt: { enabled: false } })).map((r) => r[0])).toEqual(['/.well-known/matrix', '/_matrix', '/rtc', '/twirp']);
  });

  test('homeserver disabled: no homeserver routes', () => {
    expect(ingressRoutes(ingressOf({ ...MINIMAL_PROPS, homeserver: { enabled: false } })).map((r) => r[0]))
      .toEqual(['/sfu', '/get_token', '/rtc', '/twirp']);
  });

  test('ingress disabled: no Ingress', () => {
    expect(ofKind(synth(withIngress({ enabled: false })), 'Ingress')).toEqual([]);
  });
});

describe('TLS', () => {
  test('no tls block by default', () => {
    expect(ingressOf(MINIMAL_PROPS).spec.tls).toBeUndefined();
  });

  test('tls.enabled: the tls block for the server name with matrix-certificate', () => {
    expect(ingressOf(withIngress({ tls: { enabled: true } })).spec.tls).toEqual([{ hosts: [HOST], secretName: 'matrix-certificate' }]);
  });

  test('a custom secretName', () => {
    expect(ingressOf(withIngress({ tls: { enabled: true, secretName: 'my-cert' } })).spec.tls).toEqual([{ hosts: [HOST], secretName: 'my-cert' }]);
  });

  test('clusterIssuer adds the cert-manager annotation', () => {
    const ingress = ingressOf(withIngress({ tls: { enabled: true, clusterIssuer: 'letsencrypt-prod' } }));
    expect(ingress.metadata.annotations!['cert-manager.io/cluster-issuer']).toBe('letsencrypt-prod');
  });

  test('no cert-manager annotation without clusterIssuer', () => {
    expect(ingressOf(withIngress({ tls: { enabled: true } })).metadata.annotations).not.toHaveProperty('cert-manager.io/cluster-issuer');
  });
});

describe('ingress classes', () => {
  test('nginx (default): class and exactly the chart\'s annotations', () => {
    const ingress = ingressOf(MINIMAL_PROPS);
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.metadata.annotations).toEqual({
      'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
      'nginx.ingress.kubernetes.io/proxy-body-size': '100m',
      'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600',
      'nginx.ingress.kubernetes.io/proxy-send-timeout': '3600',
    });
  });

  test.each<[number, string]>([
    [104857600, '100m'],
    [104857601, '101m'],
    [10000000, '10m'],
    [10485760, '10m'],
    [10485761, '11m'],
    [262144000, '250m'],
  ])('nginx proxy-body-size: maxRequestSize %d → %s (rounded up to MiB)', (maxRequestSize, expected) => {
    const ingress = ingressOf({ ...MINIMAL_PROPS, homeserver: { ...MINIMAL_PROPS.homeserver, maxRequestSize } });
    expect(ingress.metadata.annotations!['nginx.ingress.kubernetes.io/proxy-body-size']).toBe(expected);
  });

  test('nginx whitelist-source-range from the CIDRs, comma-separated', () => {
    const ingress = ingressOf(withIngress({ whitelistSourceRange: ['203.0.113.0/24', '2001:db8::/32'] }));
    expect(ingress.metadata.annotations!['nginx.ingress.kubernetes.io/whitelist-source-range']).toBe('203.0.113.0/24,2001:db8::/32');
  });

  test('haproxy: ssl-redirect, timeout-tunnel, allow-list', () => {
    const ingress = ingressOf(withIngress({ className: 'haproxy', whitelistSourceRange: ['203.0.113.0/24', '198.51.100.0/24'] }));
    expect(ingress.spec.ingressClassName).toBe('haproxy');
    expect(ingress.metadata.annotations).toEqual({
      'haproxy.org/ssl-redirect': 'true',
      'haproxy.org/timeout-tunnel': '3600s',
      'haproxy.org/allow-list': '203.0.113.0/24,198.51.100.0/24',
    });
  });

  test('haproxy without ranges: no allow-list', () => {
    expect(ingressOf(withIngress({ className: 'haproxy' })).metadata.annotations).toEqual({
      'haproxy.org/ssl-redirect': 'true',
      'haproxy.org/timeout-tunnel': '3600s',
    });
  });

  test('openshift-default: edge termination, timeout-tunnel, allow-list (space-separated)', () => {
    const ingress = ingressOf(withIngress({ className: 'openshift-default', whitelistSourceRange: ['203.0.113.0/24', '198.51.100.0/24'] }));
    expect(ingress.spec.ingressClassName).toBe('openshift-default');
    expect(ingress.metadata.annotations).toEqual({
      'route.openshift.io/termination': 'edge',
      'haproxy.router.openshift.io/timeout-tunnel': '3600s',
      'haproxy.router.openshift.io/ip_allowlist': '203.0.113.0/24 198.51.100.0/24',
    });
  });

  describe('traefik', () => {
    test('with a namespace and ranges: the middlewares annotation and three Middleware objects', () => {
      const objects = synth(withIngress({ className: 'traefik', whitelistSourceRange: ['203.0.113.0/24'] }), 'chat');
      const ingress = find(objects, 'Ingress', 'matrix-ingress');
      expect(ingress.spec.ingressClassName).toBe('traefik');
      expect(ingress.metadata.annotations).toEqual({
        'traefik.ingress.kubernetes.io/router.middlewares': 'chat-matrix-chain@kubernetescrd',
      });
      const middlewares = ofKind(objects, 'Middleware');
      expect(middlewares.map((m) => m.metadata.name).sort()).toEqual(['matrix-chain', 'matrix-ipallowlist', 'matrix-redirect-https']);
      for (const m of middlewares) {
        expect(m.apiVersion).toBe('traefik.io/v1alpha1');
        expect(m.metadata.namespace).toBe('chat');
      }
      expect(find(objects, 'Middleware', 'matrix-redirect-https').spec).toEqual({ redirectScheme: { scheme: 'https', permanent: true } });
      expect(find(objects, 'Middleware', 'matrix-ipallowlist').spec).toEqual({ ipAllowList: { sourceRange: ['203.0.113.0/24'] } });
      expect(find(objects, 'Middleware', 'matrix-chain').spec).toEqual({
        chain: { middlewares: [{ name: 'matrix-redirect-https' }, { name: 'matrix-ipallowlist' }] },
      });
    });

    test('without ranges: no allow-list middleware, the chain holds only the redirect', () => {
      const objects = synth(withIngress({ className: 'traefik' }), 'chat');
      expect(has(objects, 'Middleware', 'matrix-ipallowlist')).toBe(false);
      expect(ofKind(objects, 'Middleware').map((m) => m.metadata.name).sort()).toEqual(['matrix-chain', 'matrix-redirect-https']);
      expect(find(objects, 'Middleware', 'matrix-chain').spec).toEqual({ chain: { middlewares: [{ name: 'matrix-redirect-https' }] } });
    });

    test('namespace and namePrefix both reach the annotation', () => {
      const objects = synth({ ...withIngress({ className: 'traefik' }), namePrefix: 'chat-' }, 'team-a');
      expect(find(objects, 'Ingress', 'chat-matrix-ingress').metadata.annotations!['traefik.ingress.kubernetes.io/router.middlewares'])
        .toBe('team-a-chat-matrix-chain@kubernetescrd');
      expect(find(objects, 'Middleware', 'chat-matrix-chain').spec.chain.middlewares).toEqual([{ name: 'chat-matrix-redirect-https' }]);
    });

    test('with TLS: the router.tls annotation too', () => {
      const annotations = ingressOf(withIngress({ className: 'traefik', tls: { enabled: true } })).metadata.annotations;
      expect(annotations!['traefik.ingress.kubernetes.io/router.tls']).toBe('true');
    });

    test('without a namespace: a validation error naming ingress.className and the namespace', () => {
      const message = synthErrorsWithoutNamespace(withIngress({ className: 'traefik' }));
      expect(message).toContain('ingress.className');
      expect(message).toContain('namespace');
    });

    test('other classes emit no Middleware', () => {
      expect(ofKind(synth(MINIMAL_PROPS), 'Middleware')).toEqual([]);
    });
  });

  test('an unknown class gets no controller annotations', () => {
    const ingress = ingressOf(withIngress({ className: 'contour', whitelistSourceRange: ['203.0.113.0/24'] }));
    expect(ingress.spec.ingressClassName).toBe('contour');
    expect(ingress.metadata.annotations).toBeUndefined();
  });

  test('an unknown class with a clusterIssuer gets only the cert-manager annotation', () => {
    const ingress = ingressOf(withIngress({ className: 'contour', tls: { enabled: true, clusterIssuer: 'letsencrypt' } }));
    expect(ingress.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt' });
  });

  test('user annotations are merged last, over the controller annotations', () => {
    const ingress = ingressOf(withIngress({
      tls: { enabled: true, clusterIssuer: 'letsencrypt-prod' },
      annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '1g', 'cert-manager.io/cluster-issuer': 'other', 'example.org/owner': 'platform' },
    }));
    expect(ingress.metadata.annotations).toEqual({
      'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
      'nginx.ingress.kubernetes.io/proxy-body-size': '1g',
      'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600',
      'nginx.ingress.kubernetes.io/proxy-send-timeout': '3600',
      'cert-manager.io/cluster-issuer': 'other',
      'example.org/owner': 'platform',
    });
  });
});
