// Every URL a client fetches during sign-in, chat and a call is routed to a Service that serves it (bundled, external and apex-delegated stacks).
import { build, EXTERNAL_PROPS, K8sObject, MINIMAL_PROPS, TEST_DIGEST, find, ofKind } from './util';
import { MatrixChatProps, Routing } from '../src';

/** Which Service serves a path, by the workload behind it. */
type Backend = 'element-web' | 'homeserver' | 'lk-jwt' | 'livekit';

const SERVICE_OF: Record<Backend, string> = {
  'element-web': 'element-web',
  'homeserver': 'matrix-homeserver',
  'lk-jwt': 'lk-jwt-service',
  'livekit': 'livekit-signaling',
};

/** Prefix match per path element, as Ingress `Prefix` and HTTPRoute `PathPrefix` define it (ingress-nginx ImplementationSpecific: a string prefix). */
function matches(prefix: string, pathType: string, path: string): boolean {
  if (pathType === 'ImplementationSpecific') return path.startsWith(prefix);
  const p = prefix.replace(/\/$/, '');
  return p === '' || path === p || path.startsWith(`${p}/`);
}

/** The Service (name, port) the routing objects send host+path to: the longest matching prefix over every Ingress or HTTPRoute. */
function routeOf(objects: K8sObject[], host: string, path: string): { service: string; port: number } | undefined {
  const candidates: Array<{ prefix: string; service: string; port: number }> = [];
  for (const ingress of ofKind(objects, 'Ingress')) {
    for (const rule of ingress.spec.rules ?? []) {
      if (rule.host !== host) continue;
      for (const p of rule.http.paths) {
        if (!matches(p.path, p.pathType, path)) continue;
        candidates.push({ prefix: p.path, service: p.backend.service.name, port: p.backend.service.port.number });
      }
    }
  }
  for (const route of ofKind(objects, 'HTTPRoute')) {
    if (!(route.spec.hostnames ?? []).includes(host)) continue;
    for (const rule of route.spec.rules) {
      for (const m of rule.matches) {
        if (matches(m.path.value, 'Prefix', path)) candidates.push({ prefix: m.path.value, service: rule.backendRefs[0].name, port: rule.backendRefs[0].port });
      }
    }
  }
  candidates.sort((a, b) => b.prefix.length - a.prefix.length);
  return candidates[0];
}

/** A URL a client fetches and the backend that must answer it; `external` for a LiveKit the stack does not run. */
interface Fetch { readonly url: string; readonly backend: Backend | 'external'; readonly step: string }

/** The URLs of sign-in, chat and a call, derived as a client derives them: from the server name, then the documents it is served. */
function clientFetches(props: MatrixChatProps, documents: { wellKnownClient: string; livekitPublicUrl?: string }): Fetch[] {
  const wellKnown = JSON.parse(documents.wellKnownClient);
  const base = wellKnown['m.homeserver'].base_url as string;
  const fetches: Fetch[] = [
    { step: 'Element Web', url: `https://${props.elementWeb!.host}/`, backend: 'element-web' },
    { step: 'Element Web config', url: `https://${props.elementWeb!.host}/config.json`, backend: 'element-web' },
    { step: 'sign-in: discovery', url: `https://${props.serverName}/.well-known/matrix/client`, backend: 'homeserver' },
    { step: 'sign-in: versions', url: `${base}/_matrix/client/versions`, backend: 'homeserver' },
    { step: 'sign-in: login flows', url: `${base}/_matrix/client/v3/login`, backend: 'homeserver' },
    { step: 'chat: sync', url: `${base}/_matrix/client/v3/sync`, backend: 'homeserver' },
    { step: 'chat: send', url: `${base}/_matrix/client/v3/rooms/!r:x/send/m.room.message/1`, backend: 'homeserver' },
    { step: 'chat: media upload', url: `${base}/_matrix/media/v3/upload`, backend: 'homeserver' },
    { step: 'chat: media download', url: `${base}/_matrix/client/v1/media/download/x/y`, backend: 'homeserver' },
    { step: 'call: RTC transports (MSC4143)', url: `${base}/_matrix/client/unstable/org.matrix.msc4143/rtc/transports`, backend: 'homeserver' },
    { step: 'call: OpenID token', url: `${base}/_matrix/client/v3/user/@a:x/openid/request_token`, backend: 'homeserver' },
  ];
  const foci = wellKnown['org.matrix.msc4143.rtc_foci'] ?? [];
  expect(foci).toHaveLength(1);
  const service = foci[0].livekit_service_url as string;
  fetches.push(
    { step: 'call: token (current clients)', url: `${service}/get_token`, backend: 'lk-jwt' },
    { step: 'call: token (legacy clients)', url: `${service}/sfu/get`, backend: 'lk-jwt' },
  );
  // lk-jwt-service hands out LIVEKIT_URL; the LiveKit client opens <url>/rtc and validates over https.
  const livekit = new URL(documents.livekitPublicUrl!);
  const backend = props.livekit?.enabled === false ? 'external' : 'livekit';
  fetches.push(
    { step: 'call: LiveKit signaling', url: `https://${livekit.host}/rtc`, backend },
    { step: 'call: LiveKit validate', url: `https://${livekit.host}/rtc/validate`, backend },
  );
  return fetches;
}

const WEB = { host: 'chat.example.org' };
const STACKS: Array<[string, MatrixChatProps]> = [
  ['bundled', { ...MINIMAL_PROPS, elementWeb: WEB }],
  ['external LiveKit', { ...EXTERNAL_PROPS, elementWeb: WEB }],
  ['apex-delegated (example.org, server on matrix.example.org)', { ...MINIMAL_PROPS, serverName: 'example.org', publicHost: 'matrix.example.org', elementWeb: WEB }],
  ['bundled, lk-jwt-service 0.6.0', { ...MINIMAL_PROPS, lkJwt: { image: { tag: '0.6.0', digest: TEST_DIGEST } }, elementWeb: WEB }],
];
const ROUTINGS: Array<[string, Partial<MatrixChatProps>]> = [
  ['Ingress', {}],
  ['Gateway API', { routing: Routing.gatewayApi({ parentRefs: [{ name: 'public', namespace: 'gateway' }] }) }],
];

describe.each(STACKS)('%s', (_name, stack) => {
  test.each(ROUTINGS)('every URL of sign-in, chat and a call is routed to a Service that serves it (%s)', (_routing, routing) => {
    const { chat, chart } = build({ ...stack, ...routing });
    const objects = chart.toJson() as K8sObject[];
    const fetches = clientFetches(stack, { wellKnownClient: chat.wellKnownClient, livekitPublicUrl: chat.livekitPublicUrl });
    for (const fetch of fetches) {
      const url = new URL(fetch.url);
      const route = routeOf(objects, url.host, url.pathname);
      if (fetch.backend === 'external') {
        // The operator's LiveKit: nothing in the stack may claim its host.
        expect({ step: fetch.step, route }).toEqual({ step: fetch.step, route: undefined });
        continue;
      }
      const expected = { step: fetch.step, url: fetch.url, service: SERVICE_OF[fetch.backend] };
      expect({ step: fetch.step, url: fetch.url, service: route?.service }).toEqual(expected);
      const service = find(objects, 'Service', route!.service);
      expect(service.spec.ports.map((p: any) => p.port)).toContain(route!.port);
    }
  });
});

test('no lk-jwt-service path is routed that the pinned 0.5.0 does not serve (main.go:376-384: /sfu/get, /get_token, /healthz)', () => {
  const objects = build({ ...MINIMAL_PROPS, elementWeb: WEB }).chart.toJson() as K8sObject[];
  const served = ['/sfu/get', '/get_token'];
  for (const ingress of ofKind(objects, 'Ingress')) {
    for (const rule of ingress.spec.rules) {
      for (const p of rule.http.paths.filter((x: any) => x.backend.service.name === 'lk-jwt-service')) {
        expect(served.some((s) => matches(p.path, p.pathType, s))).toBe(true);
      }
    }
  }
});
