// Tests of the standalone ElementWeb construct: objects, config.json, hardening, CSP and validation.
import { createHash } from 'node:crypto';
import { Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { HARDENED_CONTAINER, K8sObject, container, find, objectIds, podSpec, problemLines, volume } from './util';
import { keyPaths, matchesAny } from './verification/allow-lists';
import { ELEMENT_WEB_CONFIG_KEYS, ELEMENT_WEB_FEATURES, ELEMENT_WEB_NULLABLE_KEYS } from './verification/element-web-keys';
import { ELEMENT_CALL_INLINE_SCRIPT_HASHES, ElementWeb, ElementWebProps } from '../src/element-web';
import { inScope } from '../src/validation-scope';

const BASE: ElementWebProps = {
  host: 'chat.example.org',
  homeserverUrl: 'https://matrix.example.org',
  serverName: 'example.org',
};

const DEFAULT_IMAGE = 'docker.io/vectorim/element-web:v1.12.27@sha256:7050130b263bbcf0e4ad8da875a2821cd89dc55b2f04e93aaa13f682d013019e';

function build(props: Partial<ElementWebProps> = {}): { web: ElementWeb; chart: Chart } {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'chat' });
  const web = new ElementWeb(chart, 'web', { ...BASE, ...props } as ElementWebProps);
  return { web, chart };
}

function synth(props: Partial<ElementWebProps> = {}): K8sObject[] {
  return Testing.synth(build(props).chart) as K8sObject[];
}

/** The problem lines of a failing synth ('' lines when it synthesizes). */
function problems(props: Record<string, unknown>): string[] {
  try {
    synth(props as Partial<ElementWebProps>);
    return [];
  } catch (error) {
    return problemLines((error as Error).message);
  }
}

const deployment = (objects: K8sObject[], name = 'element-web') => find(objects, 'Deployment', name);
const configOf = (objects: K8sObject[], name = 'element-web-config') => JSON.parse(find(objects, 'ConfigMap', name).data['config.json']);

describe('objects', () => {
  test('ConfigMap, Deployment and ClusterIP Service, nothing else', () => {
    const objects = synth();
    expect(objectIds(objects)).toEqual(['ConfigMap/element-web-config', 'Deployment/element-web', 'Service/element-web']);
    const d = deployment(objects);
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.selector).toEqual({ matchLabels: { app: 'element-web' } });
    expect(d.spec.template.metadata.labels.app).toBe('element-web');
    expect(find(objects, 'Service', 'element-web').spec).toEqual({
      type: 'ClusterIP',
      selector: { app: 'element-web' },
      ports: [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }],
    });
  });

  test('app.kubernetes.io labels on every object, user labels added, selector unchanged', () => {
    const objects = synth({ labels: { team: 'chat' } });
    for (const o of objects) {
      expect(o.metadata.labels).toEqual({
        'team': 'chat',
        'app.kubernetes.io/name': 'element-web',
        'app.kubernetes.io/instance': 'element-web',
        'app.kubernetes.io/component': 'matrix-client',
        'app.kubernetes.io/part-of': 'matrix-chat',
        'app.kubernetes.io/managed-by': 'cdk8s',
      });
    }
    expect(deployment(objects).spec.selector.matchLabels).toEqual({ app: 'element-web' });
  });

  test('namePrefix prefixes every name and the selector', () => {
    const objects = synth({ namePrefix: 'a-' });
    expect(objectIds(objects)).toEqual(['ConfigMap/a-element-web-config', 'Deployment/a-element-web', 'Service/a-element-web']);
    expect(find(objects, 'Service', 'a-element-web').spec.selector).toEqual({ app: 'a-element-web' });
    expect(volume(deployment(objects, 'a-element-web'), 'config').configMap.name).toBe('a-element-web-config');
  });

  test('public members', () => {
    const { web } = build();
    expect(web.name).toBe('element-web');
    expect(web.port).toBe(8080);
    expect(web.host).toBe('chat.example.org');
    expect(web.selectorLabels).toEqual({ app: 'element-web' });
    expect(web.configMap.name).toBe('element-web-config');
    expect(web.deployment.name).toBe('element-web');
    expect(web.service.name).toBe('element-web');
    expect(web.apiObjects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Service']);
    expect(JSON.parse(web.configJson)).toEqual(configOf(synth()));
  });
});

describe('config.json', () => {
  test('field by field', () => {
    expect(configOf(synth())).toEqual({
      default_server_config: { 'm.homeserver': { base_url: 'https://matrix.example.org', server_name: 'example.org' } },
      disable_custom_urls: true,
      disable_guests: true,
      show_labs_settings: false,
      features: { feature_video_rooms: true, feature_element_call_video_rooms: true },
      element_call: { use_exclusively: true },
      integrations_ui_url: null,
      integrations_rest_url: null,
    });
  });

  test('brand is emitted only when set', () => {
    expect(configOf(synth({ brand: 'Example Chat' })).brand).toBe('Example Chat');
    expect('brand' in configOf(synth())).toBe(false);
  });

  test('no rageshake endpoint: bug reports stay on the device', () => {
    expect(configOf(synth({ brand: 'X' }))).not.toHaveProperty('bug_report_endpoint_url');
  });

  test.each([['default', {}], ['with brand', { brand: 'Example Chat' }]])('every key is documented by Element Web (%s)', (_name, props) => {
    const config = configOf(synth(props));
    const paths = keyPaths(config);
    expect(paths.length).toBeGreaterThan(5);
    expect(paths.filter((p) => !matchesAny(p, ELEMENT_WEB_CONFIG_KEYS))).toEqual([]);
    expect(Object.keys(config.features).filter((f) => !ELEMENT_WEB_FEATURES.includes(f))).toEqual([]);
    const nulls = Object.entries(config).filter(([, v]) => v === null).map(([k]) => k);
    expect(nulls.filter((k) => !ELEMENT_WEB_NULLABLE_KEYS.includes(k))).toEqual([]);
  });

  test('the allow-list check fails for an undocumented key', () => {
    // Guards the check above: camelCase variants are deprecated, and `element_call.url` is gone from the typed config.
    expect(matchesAny('element_call.url', ELEMENT_WEB_CONFIG_KEYS)).toBe(false);
    expect(matchesAny('showLabsSettings', ELEMENT_WEB_CONFIG_KEYS)).toBe(false);
    expect(matchesAny('default_server_config.m.homeserver.base_url', ELEMENT_WEB_CONFIG_KEYS)).toBe(true);
  });
});

describe('pod', () => {
  test('image pinned by tag and digest; user image replaces it', () => {
    expect(container(deployment(synth())).image).toBe(DEFAULT_IMAGE);
    expect(container(deployment(synth({ image: { registry: 'mirror.example.org', tag: 'v1.12.28' } }))).image).toBe('mirror.example.org/vectorim/element-web:v1.12.28');
  });

  test('nginx on 8080 through ELEMENT_WEB_PORT, probes on /config.json', () => {
    const c = container(deployment(synth()));
    expect(c.env).toEqual([{ name: 'ELEMENT_WEB_PORT', value: '8080' }]);
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    for (const probe of [c.readinessProbe, c.livenessProbe]) {
      expect(probe.httpGet).toEqual({ path: '/config.json', port: 'http' });
    }
    expect(c.readinessProbe.failureThreshold).toBe(3);
    expect(c.livenessProbe.failureThreshold).toBe(6);
  });

  test('hardened: non-root, read-only root, no privileges, no service account token, no service links', () => {
    const d = deployment(synth());
    const spec = podSpec(d);
    expect(spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container(d).securityContext).toEqual(HARDENED_CONTAINER);
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.enableServiceLinks).toBe(false);
  });

  test('every path the image writes is an emptyDir, and nothing else is writable', () => {
    const d = deployment(synth());
    const mounts: any[] = container(d).volumeMounts;
    const writable = mounts.filter((m) => !m.readOnly);
    expect(writable.map((m) => m.mountPath).sort()).toEqual(['/etc/nginx/conf.d', '/tmp', '/var/cache/nginx']);
    for (const m of writable) {
      expect(m.subPath).toBeUndefined();
      expect(Object.keys(volume(d, m.name))).toEqual(['emptyDir', 'name']);
      expect(volume(d, m.name).emptyDir.sizeLimit).toMatch(/^[0-9]+Mi$/);
    }
  });

  test('config.json is mounted as a single file where the image reads it, not over /app', () => {
    const d = deployment(synth());
    const mounts: any[] = container(d).volumeMounts;
    expect(mounts.filter((m) => m.name === 'config')).toEqual([{ name: 'config', mountPath: '/app/config.json', subPath: 'config.json', readOnly: true }]);
    expect(mounts.some((m) => m.mountPath === '/app' || m.mountPath === '/app/')).toBe(false);
    expect(volume(d, 'config')).toEqual({ name: 'config', configMap: { name: 'element-web-config', items: [{ key: 'config.json', path: 'config.json' }] } });
  });

  test('config hash annotation follows config.json', () => {
    const hash = (props: Partial<ElementWebProps>) => deployment(synth(props)).spec.template.metadata.annotations['matrix-chat.cdk8s.io/config-hash'];
    expect(hash({})).toMatch(/^[0-9a-f]{32}$/);
    expect(hash({})).toBe(hash({}));
    expect(hash({ brand: 'Example Chat' })).not.toBe(hash({}));
    expect(hash({ homeserverUrl: 'https://hs.example.org' })).not.toBe(hash({}));
  });

  test('resources: small defaults, user values kept', () => {
    expect(container(deployment(synth())).resources).toEqual({ requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } });
    const custom = { memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) }, cpu: { request: kplus.Cpu.millis(50) } };
    expect(container(deployment(synth({ resources: custom }))).resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } });
  });

  test('scheduling, pull secrets and priority reach the pod', () => {
    const spec = podSpec(deployment(synth({ scheduling: { nodeSelector: { pool: 'web' } }, imagePullSecrets: ['regcred'], priorityClassName: 'low' })));
    expect(spec.nodeSelector).toEqual({ pool: 'web' });
    expect(spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(spec.priorityClassName).toBe('low');
  });
});

describe('Content-Security-Policy', () => {
  test('default policy, directive by directive', () => {
    const directives = build().web.contentSecurityPolicy.split('; ');
    expect(directives).toEqual([
      "default-src 'none'",
      `script-src 'self' 'wasm-unsafe-eval' ${ELEMENT_CALL_INLINE_SCRIPT_HASHES.join(' ')}`,
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob: https://matrix.example.org",
      "media-src 'self' data: blob: https://matrix.example.org",
      "connect-src 'self' data: blob: https://matrix.example.org https://example.org",
      "font-src 'self' data:",
      "worker-src 'self' blob:",
      "frame-src 'self'",
      "manifest-src 'self'",
      "form-action 'self'",
      "frame-ancestors 'self'",
      "base-uri 'self'",
      "object-src 'none'",
    ]);
  });

  test('connect and frame origins are appended once', () => {
    const csp = build({ connectSources: ['wss://sfu.example.org', 'https://sfu.example.org', 'https://example.org'], frameSources: ['https://widgets.example.org'] }).web.contentSecurityPolicy;
    expect(csp).toContain("connect-src 'self' data: blob: https://matrix.example.org https://example.org wss://sfu.example.org https://sfu.example.org;");
    expect(csp).toContain("frame-src 'self' https://widgets.example.org;");
  });

  test('homeserver and server name on one host give one source', () => {
    const csp = build({ homeserverUrl: 'https://example.org', host: 'chat.example.org' }).web.contentSecurityPolicy;
    expect(csp).toContain("connect-src 'self' data: blob: https://example.org;");
  });

  test('never allows arbitrary scripts or hosts', () => {
    const csp = build().web.contentSecurityPolicy;
    expect(csp).not.toContain("'unsafe-eval'");
    expect(csp).not.toContain('*');
    expect(csp).not.toMatch(/(^|\s)(https?|wss?):(\s|;|$)/);
    expect(csp.split('; ').find((d) => d.startsWith('script-src'))).not.toContain('unsafe-inline');
  });

  test('the hashes are those of the two inline scripts of the bundled Element Call page', () => {
    // Verbatim from dist/index.html of @element-hq/element-call-embedded 0.22.0 to 0.26.1 (npm).
    const scripts = [
      'window.global = window;',
      'if (!Promise.withResolvers) {\n        Promise.withResolvers = function () {\n          var resolve, reject;\n          var promise = new Promise(function (a, b) {\n            resolve = a;\n            reject = b;\n          });\n          return { promise: promise, resolve: resolve, reject: reject };\n        };\n      }',
    ];
    expect(scripts.map((s) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`)).toEqual([...ELEMENT_CALL_INLINE_SCRIPT_HASHES]);
  });

  test('response headers: the CSP plus Element\'s recommended headers', () => {
    const { web } = build();
    expect(web.responseHeaders).toEqual({
      'Content-Security-Policy': web.contentSecurityPolicy,
      'X-Frame-Options': 'SAMEORIGIN',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
  });
});

describe('validation', () => {
  test('the base props are valid', () => {
    expect(problems({})).toEqual([]);
  });

  test.each([
    ['not a DNS name', 'Chat_Example'],
    ['a single label', 'chat'],
  ])('host %s', (_name, host) => {
    expect(problems({ host })).toEqual([expect.stringMatching(/^host: .* is not a fully qualified DNS name; .*Fix: /)]);
  });

  test('untyped input: a value of the wrong type is named with its type', () => {
    expect(problems({ host: 42 })).toEqual([expect.stringMatching(/^host: is number 42, not a string/)]);
    expect(problems({ homeserverUrl: { url: 'x' } })).toEqual([expect.stringMatching(/^homeserverUrl: is an object, not a string/)]);
    expect(problems({ brand: 7 })).toEqual([expect.stringMatching(/^brand: is number 7, not a string/)]);
    expect(problems({ frameSources: 'wss://sfu.example.org' })).toEqual([expect.stringMatching(/^frameSources: is string "wss:\/\/sfu\.example\.org", not a list/)]);
  });

  test('host: the homeserver host is refused, a sibling name passes', () => {
    expect(problems({ host: 'matrix.example.org' })).toEqual([expect.stringMatching(/^host: "matrix\.example\.org" is also the homeserver's host/)]);
    expect(problems({ host: 'element.example.org' })).toEqual([]);
  });

  test.each([
    ['http', 'http://matrix.example.org'],
    ['no scheme', 'matrix.example.org'],
  ])('homeserverUrl %s is refused', (_name, homeserverUrl) => {
    expect(problems({ homeserverUrl })).toEqual([expect.stringMatching(/^homeserverUrl: .* is not an https:\/\/ URL/)]);
  });

  test('homeserverUrl with a port passes', () => {
    expect(problems({ homeserverUrl: 'https://matrix.example.org:8448' })).toEqual([]);
  });

  test('serverName: a name with a space is refused; with a port, or an IP, it passes', () => {
    expect(problems({ serverName: 'bad name' })).toEqual([expect.stringMatching(/^serverName: "bad name" is not a Matrix server name/)]);
    expect(problems({ serverName: 'example.org:8448' })).toEqual([]);
    expect(problems({ serverName: '2001:db8::1' })).toEqual([]);
  });

  test('brand: empty is refused, a name passes', () => {
    expect(problems({ brand: ' ' })).toEqual([expect.stringMatching(/^brand: " " is not a non-empty string/)]);
    expect(problems({ brand: 'Example Chat' })).toEqual([]);
  });

  test.each(['connectSources', 'frameSources'])('%s: only bare https/wss origins', (prop) => {
    expect(problems({ [prop]: ['wss://sfu.example.org', 'https://sfu.example.org:8443'] })).toEqual([]);
    expect(problems({ [prop]: ['*', 'https://sfu.example.org/path', 'http://sfu.example.org', "'unsafe-inline'", 'https://sfu.example.org/'] })).toEqual(
      [0, 1, 2, 3, 4].map((i) => expect.stringMatching(new RegExp(`^${prop}\\[${i}\\]: .* is not an https:// or wss:// origin`))),
    );
  });

  test('image: latest is refused, a version passes', () => {
    expect(problems({ image: { tag: 'latest' } })).toEqual([expect.stringMatching(/^image\.tag: "latest" is not a pinned version/)]);
    expect(problems({ image: { tag: 'v1.12.27' } })).toEqual([]);
  });

  test('shared props are validated standalone: labels and pull secrets', () => {
    expect(problems({ labels: { 'bad key': 'x' }, imagePullSecrets: ['Bad_Name'] })).toEqual([
      expect.stringMatching(/^labels\.bad key: "bad key" is not a valid label key/),
      expect.stringMatching(/^imagePullSecrets\[0\]: "Bad_Name" is not a valid Secret name/),
    ]);
  });

  test('resources: a request above the limit is refused', () => {
    expect(problems({ resources: { memory: { request: Size.mebibytes(512), limit: Size.mebibytes(128) } } })).toEqual([expect.stringMatching(/^resources\.memory\.request: is above memory\.limit/)]);
  });

  test('inside a managing scope, server name, URL and shared props are left to it; host rules still apply', () => {
    const chart = new Chart(Testing.app(), 'managed', { namespace: 'chat' });
    const managed = { prefix: 'elementWeb.', parentValidated: true };
    new ElementWeb(chart, 'web', inScope({ ...BASE, serverName: 'bad name', homeserverUrl: 'nope', labels: { 'bad key': 'x' } }, managed));
    expect(() => Testing.synth(chart)).not.toThrow();
    const other = new Chart(Testing.app(), 'managed2', { namespace: 'chat' });
    new ElementWeb(other, 'web', inScope({ ...BASE, host: 'matrix.example.org' }, managed));
    expect(() => Testing.synth(other)).toThrow(/elementWeb\.host: "matrix\.example\.org" is also the homeserver's host/);
  });

  test('all problems are reported together', () => {
    const lines = problems({ host: 'x', homeserverUrl: 'ftp://a', serverName: '', brand: '', connectSources: ['*'], image: { tag: 'latest' } });
    expect(lines.map((l) => l.split(':')[0])).toEqual([
      'image.tag',
      'host',
      'homeserverUrl',
      'serverName',
      'brand',
      'connectSources[0]',
    ]);
  });
});
