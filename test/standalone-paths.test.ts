// Prop paths in validation messages: a standalone construct names its own props, MatrixChat prefixes them, each mistake once.
import { Chart, Testing } from 'cdk8s';
import { MINIMAL_PROPS, problemLines, synthErrors } from './util';
import { ElementWeb, Homeserver, LiveKit, LkJwt, LkJwtRelease, MatrixChat, MatrixHttpRoute, MatrixIngress, MatrixNetworkPolicies, TurnRelay } from '../src';

/** The problem lines of a chart that must fail to synthesize. */
function problemsOf(build: (chart: Chart) => void): string[] {
  const chart = new Chart(Testing.app(), 'standalone');
  build(chart);
  try {
    Testing.synth(chart);
  } catch (error) {
    return problemLines((error as Error).message);
  }
  throw new Error('expected validation errors');
}

/** The leading prop path of each problem line. */
const pathsOf = (lines: string[]) => lines.map((line) => line.slice(0, line.indexOf(': ')));

describe('a standalone construct reports its own prop names', () => {
  test('Homeserver', () => {
    const lines = problemsOf((chart) => new Homeserver(chart, 'hs', { serverName: 'matrix.example.org', registrationToken: 'has space', clientPort: 80, maxRequestSize: 5 }));
    expect(pathsOf(lines)).toEqual(['clientPort', 'registrationToken', 'maxRequestSize']);
    expect(problemsOf((chart) => new Homeserver(chart, 'hs', { serverName: 'matrix.example.org' }))).toEqual([
      expect.stringMatching(/^allowRegistration: is true but no registration token is set; .* Fix: set registrationTokenExistingSecret \(or registrationToken\), or set allowRegistration to false\.$/),
    ]);
  });

  test('Homeserver: appservices, persistence and livekitServiceUrl', () => {
    const lines = problemsOf((chart) => new Homeserver(chart, 'hs', {
      serverName: 'matrix.example.org',
      allowRegistration: false,
      livekitServiceUrl: 'https://matrix.example.org/sfu',
      persistence: { size: 'big' },
      appservices: [{ id: 'Bad', senderLocalpart: 'bot', tokensSecret: { name: 'as-tokens' } }],
    }));
    expect(pathsOf(lines)).toEqual(['livekitServiceUrl', 'persistence.size', 'appservices[0].id']);
  });

  test('LiveKit', () => {
    const lines = problemsOf((chart) => new LiveKit(chart, 'lk', { rtc: { tcpPort: 7880, nodeIp: 'nope' }, priorityClassName: 'Bad Name' }));
    expect(pathsOf(lines)).toEqual(['keys', 'rtc.tcpPort', 'rtc.nodeIp', 'priorityClassName']);
    expect(lines[0]).toMatch(/Fix: set keys\.existingSecret\.name \(.*\) or keys\.apiKey and keys\.apiSecret\.$/);
  });

  test('LiveKit: its TURNS relay under `turn.`', () => {
    const lines = problemsOf((chart) => new LiveKit(chart, 'lk', { keys: { existingSecret: { name: 'lk' } }, turn: { enabled: true } }));
    expect(pathsOf(lines)).toEqual(['turn.domain', 'turn.tls.existingSecret']);
  });

  test('LkJwt names its own livekitUrl and credentials', () => {
    const lines = problemsOf((chart) => new LkJwt(chart, 'jwt', {
      serverName: 'matrix.example.org',
      livekitUrl: 'https://not-a-websocket.example.org',
      credentials: { secretName: 'Bad Name', apiKeyKey: 'k', apiSecretKey: 's', livekitKeysKey: 'LIVEKIT_KEYS' },
      serverNameAddress: 'host',
    }));
    expect(pathsOf(lines)).toEqual(['serverNameAddress', 'livekitUrl', 'credentials.secretName']);
  });

  test('TurnRelay', () => {
    expect(pathsOf(problemsOf((chart) => new TurnRelay(chart, 'turn', { enabled: true, tlsPort: 443 })))).toEqual(['domain', 'tls.existingSecret', 'tlsPort']);
    expect(pathsOf(problemsOf((chart) => new TurnRelay(chart, 'turn', { domain: 'turn.example.org', tls: { issuer: { name: 'Bad' }, certKey: 'c' } })))).toEqual(['tls.issuer.name', 'tls.certKey']);
  });

  test('shared props are validated by the standalone construct itself', () => {
    const lines = problemsOf((chart) => new LkJwt(chart, 'jwt', {
      serverName: 'matrix.example.org',
      livekitUrl: 'wss://matrix.example.org',
      credentials: { secretName: 'lk', apiKeyKey: 'k', apiSecretKey: 's', livekitKeysKey: 'LIVEKIT_KEYS' },
      labels: { 'bad key': 'x' },
      imagePullSecrets: ['Bad'],
    }));
    expect(pathsOf(lines)).toEqual(['labels.bad key', 'imagePullSecrets[0]']);
  });

  const targets = {
    serverName: 'matrix.example.org',
    homeserver: { serviceName: 'tuwunel', port: 8008 },
    elementWeb: { host: 'chat.example.org', backend: { serviceName: 'element-web', port: 8080 } },
  };

  test('MatrixIngress names its own props (not `ingress.`) and checks what it routes to', () => {
    const lines = problemsOf((chart) => new MatrixIngress(chart, 'ingress', {
      ...targets,
      className: 'Bad Class',
      tls: { clusterIssuer: 'letsencrypt' },
      homeserver: { serviceName: 'Tuwunel_HS', port: 0 },
      elementWeb: { host: 'chat', backend: { serviceName: 'element-web', port: 8080 }, responseHeaders: { 'X-Evil': 'a";\nmore_set_headers "Set-Cookie: x' } },
      labels: { team: ' ' },
    }));
    expect(pathsOf(lines)).toEqual([
      'labels.team', 'homeserver.serviceName', 'homeserver.port', 'elementWeb.host', 'elementWeb.responseHeaders.X-Evil', 'className', 'tls.clusterIssuer',
    ]);
    expect(lines[4]).toMatch(/is not a header value on one line; a control character ends the header early \(response splitting\) or injects configuration into an nginx snippet/);
    expect(lines[6]).toMatch(/^tls\.clusterIssuer: is set while tls\.enabled is false; .* Fix: set tls\.enabled to true/);
  });

  test('MatrixHttpRoute names its own parentRefs (not `routing.`); a dotted Gateway namespace and missing parentRefs are refused', () => {
    const missing = problemsOf((chart) => new MatrixHttpRoute(chart, 'route', { ...targets } as any));
    expect(missing).toEqual([expect.stringMatching(/^parentRefs: is not set; an HTTPRoute attached to no Gateway serves nothing/)]);
    const lines = problemsOf((chart) => new MatrixHttpRoute(chart, 'route', { ...targets, serverName: '', parentRefs: [{ name: 'gw', namespace: 'gateways.example' }] }));
    expect(pathsOf(lines)).toEqual(['serverName', 'parentRefs[0].namespace']);
  });

  test('an Element Web route without a backend (untyped callers) is a problem, not a TypeError', () => {
    expect(pathsOf(problemsOf((chart) => new MatrixIngress(chart, 'ingress', { ...targets, elementWeb: { host: 'chat.example.org' } } as any)))).toEqual([
      'elementWeb.backend.serviceName', 'elementWeb.backend.port',
    ]);
    expect(pathsOf(problemsOf((chart) => new MatrixHttpRoute(chart, 'route', { ...targets, parentRefs: [{ name: 'gw' }], elementWeb: { host: 'chat.example.org' } } as any)))).toEqual([
      'elementWeb.backend.serviceName', 'elementWeb.backend.port',
    ]);
  });

  test('ElementWeb names its own props (not `elementWeb.`)', () => {
    const lines = problemsOf((chart) => new ElementWeb(chart, 'web', { serverName: 'example.org', host: 'chat', homeserverUrl: 'http://matrix.example.org' }));
    expect(pathsOf(lines)).toEqual(['host', 'homeserverUrl']);
  });

  test('MatrixNetworkPolicies checks its labels, prefix and namespace when used on its own', () => {
    const lines = problemsOf((chart) => new MatrixNetworkPolicies(chart, 'policies', {
      homeserver: new Homeserver(chart, 'hs', { serverName: 'matrix.example.org', allowRegistration: false }),
      labels: { team: ' ' },
      namePrefix: 'Chat-',
      ingressControllerNamespace: 'ingress.nginx',
    }));
    expect(pathsOf(lines)).toEqual(['namePrefix', 'labels.team', 'ingressControllerNamespace']);
  });

  test('LkJwt without credentials (untyped callers) is a problem, not a TypeError', () => {
    const lines = problemsOf((chart) => new LkJwt(chart, 'jwt', { serverName: 'matrix.example.org', livekitUrl: 'wss://matrix.example.org' } as any));
    expect(lines).toEqual([expect.stringMatching(/^credentials: is not set; lk-jwt-service cannot sign LiveKit tokens/)]);
  });

  test('a standalone component checks its namePrefix (as MatrixChat does)', () => {
    const lines = problemsOf((chart) => new LkJwt(chart, 'jwt', {
      serverName: 'matrix.example.org', livekitUrl: 'wss://matrix.example.org', credentials: { secretName: 'lk', apiKeyKey: 'k', apiSecretKey: 's', livekitKeysKey: 'K' }, namePrefix: '*Ay',
    }));
    expect(lines).toEqual([expect.stringMatching(/^namePrefix: "\*Ay" is not a valid name prefix/)]);
  });

  test('start-up refusals of values built from serverName blame serverName, not a prop the user did not set', () => {
    const homeserver = problemsOf((chart) => new Homeserver(chart, 'hs', { serverName: '_@C$<^qB5s', allowRegistration: false }));
    expect(pathsOf(homeserver)).toEqual(['serverName']);
    const lkJwt = problemsOf((chart) => new LkJwt(chart, 'jwt', {
      serverName: 'a,b',
      livekitUrl: 'wss://matrix.example.org',
      homeserverUrl: 'https://matrix.example.org',
      release: LkJwtRelease.V0_6,
      image: { tag: '0.6.0' },
      credentials: { secretName: 'lk', apiKeyKey: 'k', apiSecretKey: 's', livekitKeysKey: 'K' },
    }));
    expect(pathsOf(lkJwt).every((path) => path === 'serverName' || path === 'image.tag')).toBe(true);
    expect(pathsOf(lkJwt)).toContain('serverName');
  });

  test('valid standalone routing and policies synthesize', () => {
    const chart = new Chart(Testing.app(), 'standalone', { namespace: 'chat' });
    new MatrixIngress(chart, 'ingress', { ...targets, tls: { enabled: true, clusterIssuer: 'letsencrypt' }, elementWeb: { ...targets.elementWeb, responseHeaders: { 'X-Frame-Options': 'SAMEORIGIN' } } });
    new MatrixHttpRoute(chart, 'route', { ...targets, namePrefix: 'gw-', parentRefs: [{ name: 'gw', namespace: 'gateways' }] });
    new MatrixNetworkPolicies(chart, 'policies', {
      homeserver: new Homeserver(chart, 'hs', { serverName: 'matrix.example.org', allowRegistration: false }),
      labels: { team: 'chat' },
      ingressControllerNamespace: 'ingress-nginx',
    });
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('valid standalone constructs synthesize', () => {
    const chart = new Chart(Testing.app(), 'standalone');
    new Homeserver(chart, 'hs', { serverName: 'matrix.example.org', registrationToken: 'token' });
    new LiveKit(chart, 'lk', { keys: { existingSecret: { name: 'lk' } }, turn: { enabled: true, domain: 'turn.example.org', tls: { existingSecret: 'turn-tls' } } });
    new TurnRelay(chart, 'turn', { domain: 'turn2.example.org', tls: { existingSecret: 'turn-tls' } });
    expect(() => Testing.synth(chart)).not.toThrow();
  });
});

describe('MatrixChat prefixes the component paths and reports each mistake once', () => {
  const lines = (props: Parameters<typeof synthErrors>[0]) => problemLines(synthErrors(props));

  test('component props carry their MatrixChat path', () => {
    const found = lines({
      ...MINIMAL_PROPS,
      homeserver: { ...MINIMAL_PROPS.homeserver, clientPort: 80 },
      livekit: { ...MINIMAL_PROPS.livekit, rtc: { nodeIp: 'nope' }, turn: { enabled: true, domain: 'turn.example.org' } },
      lkJwt: { serverNameAddress: 'host' },
    });
    expect(pathsOf(found).sort()).toEqual(['homeserver.clientPort', 'livekit.rtc.nodeIp', 'livekit.turn.tls.existingSecret', 'lkJwt.serverNameAddress']);
  });

  test('a shared or derived value is reported once, by MatrixChat', () => {
    const found = lines({ ...MINIMAL_PROPS, serverName: 'Not A Name', labels: { 'bad key': 'x' }, imagePullSecrets: ['Bad'], livekit: { ...MINIMAL_PROPS.livekit, publicUrl: 'https://x.example.org' } });
    for (const path of ['serverName', 'labels.bad key', 'imagePullSecrets[0]', 'livekit.publicUrl']) {
      expect(pathsOf(found).filter((p) => p === path)).toHaveLength(1);
    }
  });

  test('the valid neighbour synthesizes', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'chat' });
    new MatrixChat(chart, 'chat', { ...MINIMAL_PROPS, labels: { team: 'x' }, imagePullSecrets: ['pull'] });
    expect(() => Testing.synth(chart)).not.toThrow();
  });
});
