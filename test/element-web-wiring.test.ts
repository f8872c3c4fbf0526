// Element Web inside MatrixChat: its objects, its route and security headers per routing class, its NetworkPolicy and its checks.
import { EXTERNAL_PROPS, K8sObject, MINIMAL_PROPS, find, has, ofKind, synth, synthErrors } from './util';
import { MatrixChatProps, Routing } from '../src';

const WEB: MatrixChatProps = { ...MINIMAL_PROPS, elementWeb: { host: 'chat.example.org' } };
const config = (objects: K8sObject[]) => JSON.parse(find(objects, 'ConfigMap', 'element-web-config').data['config.json']);
const webIngress = (objects: K8sObject[]) => find(objects, 'Ingress', 'element-web-ingress');
const csp = (objects: K8sObject[]) => find(objects, 'HTTPRoute', 'element-web-route').spec.rules[0].filters[0].responseHeaderModifier.set
  .find((h: any) => h.name === 'Content-Security-Policy').value as string;
const GATEWAY = { routing: Routing.gatewayApi({ parentRefs: [{ name: 'public' }] }) };

describe('off by default', () => {
  test('no elementWeb: no Element Web object', () => {
    expect(synth(MINIMAL_PROPS).filter((o) => o.metadata.name.startsWith('element-web'))).toEqual([]);
  });
  test('enabled: false deploys nothing', () => {
    expect(synth({ ...WEB, elementWeb: { host: 'chat.example.org', enabled: false } }).filter((o) => o.metadata.name.startsWith('element-web'))).toEqual([]);
  });
});

describe('configured for this stack', () => {
  test('homeserver at https://<publicHost>, server name as given (apex delegation)', () => {
    const objects = synth({ ...WEB, serverName: 'example.org', publicHost: 'matrix.example.org' });
    expect(config(objects).default_server_config).toEqual({ 'm.homeserver': { base_url: 'https://matrix.example.org', server_name: 'example.org' } });
  });

  test('CSP connect-src: LiveKit origins of an external SFU, and lk-jwt-service when it is on another host', () => {
    const external = csp(synth({ ...EXTERNAL_PROPS, ...GATEWAY, elementWeb: { host: 'chat.example.org' } }));
    expect(external).toMatch(/connect-src [^;]*wss:\/\/livekit\.operator\.example https:\/\/livekit\.operator\.example/);
    const delegatedJwt = csp(synth({ ...WEB, ...GATEWAY, homeserver: { ...MINIMAL_PROPS.homeserver, livekitServiceUrl: 'https://rtc.example.org' } }));
    expect(delegatedJwt).toMatch(/connect-src [^;]*https:\/\/rtc\.example\.org/);
    expect(delegatedJwt).toMatch(/script-src [^;]*'wasm-unsafe-eval'/);
  });

  test('namePrefix and labels apply', () => {
    const objects = synth({ ...WEB, namePrefix: 'team-', labels: { team: 'chat' } });
    expect(find(objects, 'Deployment', 'team-element-web').metadata.labels!.team).toBe('chat');
    expect(has(objects, 'Ingress', 'team-element-web-ingress')).toBe(true);
    expect(find(objects, 'NetworkPolicy', 'team-element-web-policy').spec.podSelector).toEqual({ matchLabels: { app: 'team-element-web' } });
  });
});

describe('routing and headers per class', () => {
  test('nginx: its own Ingress, / on the host to element-web:8080, TLS with its own Secret, no snippet by default', () => {
    const ingress = webIngress(synth({ ...WEB, ingress: { tls: { enabled: true, clusterIssuer: 'letsencrypt' } } }));
    expect(ingress.spec.rules).toEqual([{ host: 'chat.example.org', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'element-web', port: { number: 8080 } } } }] } }]);
    expect(ingress.spec.tls).toEqual([{ hosts: ['chat.example.org'], secretName: 'element-web-certificate' }]);
    expect(ingress.metadata.annotations!['cert-manager.io/cluster-issuer']).toBe('letsencrypt');
    expect(ingress.metadata.annotations!['nginx.ingress.kubernetes.io/configuration-snippet']).toBeUndefined();
    // The Matrix Ingress does not carry Element Web's host.
    expect(find(synth(WEB), 'Ingress', 'matrix-ingress').spec.rules.map((r: any) => r.host)).toEqual(['matrix.example.org']);
  });

  test('nginx with nginxConfigurationSnippet: more_set_headers for every header, on the Element Web Ingress only', () => {
    const objects = synth({ ...WEB, elementWeb: { host: 'chat.example.org', nginxConfigurationSnippet: true } });
    const snippet = webIngress(objects).metadata.annotations!['nginx.ingress.kubernetes.io/configuration-snippet'];
    expect(snippet).toMatch(/^more_set_headers "Content-Security-Policy: default-src 'none'; [^"]*frame-ancestors 'self'[^"]*";$/m);
    expect(snippet).toContain('more_set_headers "X-Content-Type-Options: nosniff";');
    expect(find(objects, 'Ingress', 'matrix-ingress').metadata.annotations!['nginx.ingress.kubernetes.io/configuration-snippet']).toBeUndefined();
  });

  test('traefik: a headers Middleware chained on the Element Web Ingress only', () => {
    const objects = synth({ ...WEB, ingress: { className: 'traefik' } });
    const headers = find(objects, 'Middleware', 'element-web-headers');
    expect(headers.spec.headers.customResponseHeaders['X-Frame-Options']).toBe('SAMEORIGIN');
    expect(headers.spec.headers.customResponseHeaders['Content-Security-Policy']).toMatch(/^default-src 'none';/);
    expect(webIngress(objects).metadata.annotations!['traefik.ingress.kubernetes.io/router.middlewares']).toBe('chat-matrix-chain@kubernetescrd,chat-element-web-headers@kubernetescrd');
    expect(find(objects, 'Ingress', 'matrix-ingress').metadata.annotations!['traefik.ingress.kubernetes.io/router.middlewares']).toBe('chat-matrix-chain@kubernetescrd');
  });

  test('Gateway API: an HTTPRoute of its own with a ResponseHeaderModifier filter', () => {
    const objects = synth({ ...WEB, ...GATEWAY });
    const route = find(objects, 'HTTPRoute', 'element-web-route');
    expect(route.spec.hostnames).toEqual(['chat.example.org']);
    expect(route.spec.rules).toHaveLength(1);
    expect(route.spec.rules[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/' } }]);
    expect(route.spec.rules[0].backendRefs).toEqual([{ name: 'element-web', port: 8080 }]);
    expect(route.spec.rules[0].filters[0].responseHeaderModifier.set.map((h: any) => h.name)).toEqual(['Content-Security-Policy', 'X-Frame-Options', 'X-Content-Type-Options', 'Referrer-Policy']);
    expect(find(objects, 'HTTPRoute', 'matrix-route').spec.rules.every((r: any) => r.filters === undefined)).toBe(true);
    expect(ofKind(objects, 'Ingress')).toEqual([]);
  });
});

describe('NetworkPolicy', () => {
  test('TCP 8080 from anywhere by default, from the ingress controller namespace when set', () => {
    expect(find(synth(WEB), 'NetworkPolicy', 'element-web-policy').spec.ingress).toEqual([{ ports: [{ port: 8080, protocol: 'TCP' }] }]);
    const tight = find(synth({ ...WEB, networkPolicy: { ingressControllerNamespace: 'ingress-nginx' } }), 'NetworkPolicy', 'element-web-policy');
    expect(tight.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }]);
  });
});

describe('checks', () => {
  test('elementWeb.host on the public host, on LiveKit\'s host; a bad Secret name; each valid neighbour passes', () => {
    expect(synthErrors({ ...WEB, elementWeb: { host: 'matrix.example.org' } })).toContain('elementWeb.host: "matrix.example.org" is also the homeserver\'s host');
    const lk = { ...MINIMAL_PROPS.livekit, publicUrl: 'wss://sfu.example.org' };
    expect(synthErrors({ ...WEB, livekit: lk, elementWeb: { host: 'sfu.example.org' } })).toContain('elementWeb.host: "sfu.example.org" is also LiveKit\'s host');
    expect(synthErrors({ ...WEB, livekit: lk })).toBe('');
    expect(synthErrors({ ...WEB, elementWeb: { host: 'chat.example.org', tlsSecretName: 'Bad_Name' } })).toContain('elementWeb.tlsSecretName: "Bad_Name" is not a Secret name');
    expect(synthErrors({ ...WEB, elementWeb: { host: 'chat.example.org', tlsSecretName: 'chat-tls' } })).toBe('');
  });

  test('enabled and nginxConfigurationSnippet must be booleans; the snippet only with ingress class nginx', () => {
    expect(synthErrors({ ...WEB, elementWeb: { host: 'chat.example.org', enabled: 'yes' as any } })).toContain('elementWeb.enabled: "yes" is not true or false');
    expect(synthErrors({ ...WEB, elementWeb: { host: 'chat.example.org', nginxConfigurationSnippet: 1 as any } })).toContain('elementWeb.nginxConfigurationSnippet: 1 is not true or false');
    expect(synthErrors({ ...WEB, ...GATEWAY, elementWeb: { host: 'chat.example.org', nginxConfigurationSnippet: true } })).toContain('elementWeb.nginxConfigurationSnippet: is true while routing is not an Ingress of class nginx');
    expect(synthErrors({ ...WEB, ingress: { className: 'traefik' }, elementWeb: { host: 'chat.example.org', nginxConfigurationSnippet: true } })).toContain('elementWeb.nginxConfigurationSnippet');
    expect(synthErrors({ ...WEB, elementWeb: { host: 'chat.example.org', nginxConfigurationSnippet: true } })).toBe('');
  });

  test('the host must be a DNS name (reported under elementWeb)', () => {
    expect(synthErrors({ ...WEB, elementWeb: { host: 'not a host' } })).toContain('elementWeb.host: "not a host" is not a fully qualified DNS name');
  });
});
