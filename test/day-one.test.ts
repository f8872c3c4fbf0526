// Day one in production: the server name on the apex domain (delegation), declarative admins, shared-secret registration and the startup window.
import { Duration, Testing } from 'cdk8s';
import { build, container, env, find, K8sObject, MINIMAL_PROPS, mount, podSpec, problemsAt, synth, tuwunelConfig, volume } from './util';
import { MatrixChatProps, Routing } from '../src';

const APEX = 'example.org';
const HOST = 'matrix.example.org';
const DELEGATED: MatrixChatProps = { ...MINIMAL_PROPS, serverName: APEX, publicHost: HOST };
const GATEWAY = Routing.gatewayApi({ parentRefs: [{ name: 'public', namespace: 'gateway-system' }] });

function ingressRules(objects: K8sObject[]): Array<[string, string[]]> {
  return find(objects, 'Ingress', 'matrix-ingress').spec.rules.map((r: any) => [r.host, r.http.paths.map((p: any) => `${p.path}→${p.backend.service.name}`)]);
}

describe('publicHost: IDs on the apex, the server on its own host', () => {
  test('every route lives on publicHost; the server name carries only /.well-known/matrix', () => {
    expect(ingressRules(synth(DELEGATED))).toEqual([
      [HOST, [
        '/.well-known/matrix→matrix-homeserver', '/_matrix→matrix-homeserver',
        '/sfu→lk-jwt-service', '/get_token→lk-jwt-service',
        '/rtc→livekit-signaling', '/twirp→livekit-signaling',
      ]],
      [APEX, ['/.well-known/matrix→matrix-homeserver']],
    ]);
  });

  test('the TLS block covers both hosts (one certificate for both)', () => {
    const objects = synth({ ...DELEGATED, ingress: { tls: { enabled: true, clusterIssuer: 'letsencrypt' } } });
    expect(find(objects, 'Ingress', 'matrix-ingress').spec.tls).toEqual([{ hosts: [HOST, APEX], secretName: 'matrix-certificate' }]);
  });

  test('wellKnown.routeOnServerName: false leaves the apex alone', () => {
    const objects = synth({ ...DELEGATED, wellKnown: { routeOnServerName: false }, ingress: { tls: { enabled: true } } });
    expect(ingressRules(objects).map(([host]) => host)).toEqual([HOST]);
    expect(find(objects, 'Ingress', 'matrix-ingress').spec.tls[0].hosts).toEqual([HOST]);
  });

  test('without publicHost nothing changes: one rule on the server name', () => {
    expect(ingressRules(synth(MINIMAL_PROPS)).map(([host]) => host)).toEqual([MINIMAL_PROPS.serverName]);
  });

  test('tuwunel.toml delegates clients and federation to publicHost; lk-jwt-service is advertised there', () => {
    const config = tuwunelConfig(synth(DELEGATED)).global;
    expect(config.server_name).toBe(APEX);
    expect(config.well_known).toEqual({ client: `https://${HOST}`, server: `${HOST}:443`, livekit_url: `https://${HOST}` });
  });

  test('LiveKit URL and CSP follow publicHost; full access stays with the server name', () => {
    const { app, chat } = build({ ...DELEGATED, lkJwt: { serverNameAddress: '10.96.0.10' } });
    const objects = Testing.synth(app.charts[0]) as K8sObject[];
    const lkJwt = find(objects, 'Deployment', 'lk-jwt-service');
    expect(env(container(lkJwt), 'LIVEKIT_URL').value).toBe(`wss://${HOST}`);
    expect(env(container(lkJwt), 'LIVEKIT_FULL_ACCESS_HOMESERVERS').value).toBe(APEX);
    // OpenID verification resolves the server name, then the host its well-known names.
    expect(podSpec(lkJwt).hostAliases).toEqual([{ ip: '10.96.0.10', hostnames: [APEX, HOST] }]);
    expect(chat.livekitPublicUrl).toBe(`wss://${HOST}`);
    expect(chat.contentSecurityPolicy).toEqual({
      connectSrc: [`https://${HOST}`, `wss://${HOST}`],
      mediaSrc: [`https://${HOST}`, 'blob:'],
      imgSrc: [`https://${HOST}`, 'blob:'],
      scriptSrc: ["'wasm-unsafe-eval'"],
      workerSrc: ['blob:'],
      frameSrc: ["'self'"],
    });
  });

  test('wellKnownClient and wellKnownServer are the exact documents, with the MatrixRTC transport', () => {
    const { chat } = build(DELEGATED);
    expect(JSON.parse(chat.wellKnownClient)).toEqual({
      'm.homeserver': { base_url: `https://${HOST}` },
      'org.matrix.msc4143.rtc_foci': [{ type: 'livekit', livekit_service_url: `https://${HOST}` }],
    });
    expect(chat.wellKnownServer).toBe(`{\n  "m.server": "${HOST}:443"\n}\n`);
    expect(build(DELEGATED).chat.wellKnownClient).toBe(chat.wellKnownClient);
  });

  test('without lk-jwt-service the client document has no rtc_foci', () => {
    const { chat } = build({ ...DELEGATED, lkJwt: { enabled: false } });
    expect(JSON.parse(chat.wellKnownClient)).toEqual({ 'm.homeserver': { base_url: `https://${HOST}` } });
  });

  test('Gateway API: the main route on publicHost, a route of its own for the apex documents', () => {
    const objects = synth({ ...DELEGATED, routing: GATEWAY });
    expect(find(objects, 'HTTPRoute', 'matrix-route').spec.hostnames).toEqual([HOST]);
    const wellKnown = find(objects, 'HTTPRoute', 'matrix-well-known-route');
    expect(wellKnown.spec.hostnames).toEqual([APEX]);
    expect(wellKnown.spec.rules).toEqual([{
      matches: [{ path: { type: 'PathPrefix', value: '/.well-known/matrix' } }],
      backendRefs: [{ name: 'matrix-homeserver', port: 6167 }],
    }]);
    expect(synth({ ...DELEGATED, routing: GATEWAY, wellKnown: { routeOnServerName: false } }).some((o) => o.metadata.name === 'matrix-well-known-route')).toBe(false);
  });

  test('a LiveKit URL on its own host is still routed there', () => {
    const objects = synth({ ...DELEGATED, livekit: { ...DELEGATED.livekit, publicUrl: 'wss://livekit.example.org' } });
    expect(ingressRules(objects).map(([host]) => host)).toEqual([HOST, APEX, 'livekit.example.org']);
  });

  test.each<[string, MatrixChatProps, MatrixChatProps, string, string]>([
    ['publicHost not a DNS name', { ...DELEGATED, publicHost: 'Matrix_Host' }, DELEGATED, 'publicHost', 'not a fully-qualified lowercase DNS name'],
    ['LiveKit URL on the apex', { ...DELEGATED, livekit: { ...DELEGATED.livekit, publicUrl: `wss://${APEX}` } }, { ...DELEGATED, livekit: { ...DELEGATED.livekit, publicUrl: `wss://${HOST}` } }, 'livekit.publicUrl', 'carries only the delegation documents'],
    ['lk-jwt URL on the apex', { ...DELEGATED, homeserver: { ...DELEGATED.homeserver, livekitServiceUrl: `https://${APEX}` } }, { ...DELEGATED, homeserver: { ...DELEGATED.homeserver, livekitServiceUrl: `https://${HOST}` } }, 'homeserver.livekitServiceUrl', 'routed on the public host only'],
    ['TURN on the public host', { ...DELEGATED, livekit: { ...DELEGATED.livekit, turn: { enabled: true, domain: HOST, tls: { existingSecret: 'turn-tls' } } } }, { ...DELEGATED, livekit: { ...DELEGATED.livekit, turn: { enabled: true, domain: `turn.${APEX}`, tls: { existingSecret: 'turn-tls' } } } }, 'livekit.turn.domain', 'equals publicHost'],
    ['routeOnServerName not a boolean', { ...DELEGATED, wellKnown: { routeOnServerName: 'yes' as any } }, { ...DELEGATED, wellKnown: { routeOnServerName: true } }, 'wellKnown.routeOnServerName', 'not true or false'],
  ])('%s is refused; the valid neighbour passes', (_name, bad, good, path, text) => {
    const problems = problemsAt(bad, path);
    expect(problems.join('\n')).toContain(text);
    expect(problemsAt(good, path)).toEqual([]);
    expect(() => synth(good)).not.toThrow();
  });
});

describe('nobody becomes server admin by accident', () => {
  test('grant_admin_to_first_user is false unless asked', () => {
    expect(tuwunelConfig(synth(MINIMAL_PROPS)).global.grant_admin_to_first_user).toBe(false);
    const asked = { ...MINIMAL_PROPS, homeserver: { ...MINIMAL_PROPS.homeserver, grantAdminToFirstUser: true } };
    expect(tuwunelConfig(synth(asked)).global.grant_admin_to_first_user).toBe(true);
  });

  test('admins are granted at every start through admin_execute, and a not-yet-registered one cannot stop the server', () => {
    const config = tuwunelConfig(synth({ ...MINIMAL_PROPS, homeserver: { ...MINIMAL_PROPS.homeserver, admins: ['@alice:matrix.example.org', '@ops-bot:matrix.example.org'] } })).global;
    expect(config.admin_execute).toEqual(['users make-user-admin @alice:matrix.example.org', 'users make-user-admin @ops-bot:matrix.example.org']);
    expect(config.admin_execute_errors_ignore).toBe(true);
    expect(tuwunelConfig(synth(MINIMAL_PROPS)).global).not.toHaveProperty('admin_execute');
    expect(tuwunelConfig(synth(MINIMAL_PROPS)).global).not.toHaveProperty('admin_execute_errors_ignore');
  });

  test('admins name the server name, not the public host', () => {
    expect(problemsAt({ ...DELEGATED, homeserver: { ...DELEGATED.homeserver, admins: [`@alice:${APEX}`] } }, 'homeserver.admins[0]')).toEqual([]);
    expect(problemsAt({ ...DELEGATED, homeserver: { ...DELEGATED.homeserver, admins: [`@alice:${HOST}`] } }, 'homeserver.admins[0]').join('\n')).toContain('not a user ID of this server');
  });

  test.each<[string, unknown]>([
    ['another server', '@alice:other.org'],
    ['no sigil', 'alice:matrix.example.org'],
    ['upper case', '@Alice:matrix.example.org'],
    ['empty localpart', '@:matrix.example.org'],
    ['a space (would split the admin command)', '@al ice:matrix.example.org'],
    ['not a string', 42],
  ])('an admin ID with %s is refused', (_name, admin) => {
    const props = { ...MINIMAL_PROPS, homeserver: { ...MINIMAL_PROPS.homeserver, admins: [admin as string] } };
    expect(problemsAt(props, 'homeserver.admins[0]').join('\n')).toContain('users make-user-admin');
  });

  test('a duplicate admin is refused; a list of distinct ones passes', () => {
    const twice = { ...MINIMAL_PROPS, homeserver: { ...MINIMAL_PROPS.homeserver, admins: ['@a:matrix.example.org', '@a:matrix.example.org'] } };
    expect(problemsAt(twice, 'homeserver.admins[1]').join('\n')).toContain('listed twice');
    const distinct = { ...MINIMAL_PROPS, homeserver: { ...MINIMAL_PROPS.homeserver, admins: ['@a:matrix.example.org', '@b:matrix.example.org'] } };
    expect(problemsAt(distinct, 'homeserver.admins')).toEqual([]);
  });

  test('admins that is not a list is refused', () => {
    const props = { ...MINIMAL_PROPS, homeserver: { ...MINIMAL_PROPS.homeserver, admins: '@a:matrix.example.org' as any } };
    expect(problemsAt(props, 'homeserver.admins').join('\n')).toContain('not a list of user IDs');
  });
});

describe('shared-secret registration for automation', () => {
  const props: MatrixChatProps = { ...MINIMAL_PROPS, homeserver: { ...MINIMAL_PROPS.homeserver, registrationSharedSecretExistingSecret: { name: 'matrix-shared-secret', key: 'secret' } } };

  test('the Secret is mounted 0440 and named by registration_shared_secret_file', () => {
    const objects = synth(props);
    const sts = find(objects, 'StatefulSet', 'matrix-homeserver');
    expect(volume(sts, 'registration-shared-secret')).toEqual({
      name: 'registration-shared-secret',
      secret: { secretName: 'matrix-shared-secret', items: [{ key: 'secret', path: 'registration_shared_secret' }], defaultMode: 0o440 },
    });
    expect(mount(container(sts), 'registration-shared-secret')).toEqual({ name: 'registration-shared-secret', mountPath: '/etc/tuwunel/registration-shared-secret', readOnly: true });
    expect(tuwunelConfig(objects).global.registration_shared_secret_file).toBe('/etc/tuwunel/registration-shared-secret/registration_shared_secret');
  });

  test('not set: no key, no volume', () => {
    const objects = synth(MINIMAL_PROPS);
    expect(tuwunelConfig(objects).global).not.toHaveProperty('registration_shared_secret_file');
    expect(podSpec(find(objects, 'StatefulSet', 'matrix-homeserver')).volumes.map((v: any) => v.name)).not.toContain('registration-shared-secret');
  });

  test('an invalid Secret reference is refused', () => {
    const bad = { ...MINIMAL_PROPS, homeserver: { ...MINIMAL_PROPS.homeserver, registrationSharedSecretExistingSecret: { name: 'Bad Name', key: 'secret' } } };
    expect(problemsAt(bad, 'homeserver.registrationSharedSecretExistingSecret.name').join('\n')).toContain('not a valid Secret name');
    expect(problemsAt(props, 'homeserver.registrationSharedSecretExistingSecret.name')).toEqual([]);
  });
});

describe('startupTimeout: upgrades that cannot be killed mid-migration', () => {
  const startupProbe = (objects: K8sObject[]) => container(find(objects, 'StatefulSet', 'matrix-homeserver')).startupProbe;
  const withTimeout = (startupTimeout: Duration): MatrixChatProps => ({
    ...MINIMAL_PROPS,
    homeserver: { ...MINIMAL_PROPS.homeserver, startupTimeout },
  });

  test('the default window is six hours', () => {
    const probe = startupProbe(synth(MINIMAL_PROPS));
    expect(probe.periodSeconds * probe.failureThreshold).toBe(6 * 3600);
    expect(probe).toMatchObject({ periodSeconds: 10, failureThreshold: 2160, httpGet: { path: '/_matrix/client/versions', port: 'http' } });
  });

  test('a set timeout becomes the window, rounded up to whole probe periods', () => {
    expect(startupProbe(synth(withTimeout(Duration.minutes(30)))).failureThreshold).toBe(180);
    expect(startupProbe(synth(withTimeout(Duration.seconds(95)))).failureThreshold).toBe(10);
  });

  test('liveness and readiness keep their short periods (they only run after the startup probe succeeds)', () => {
    const c = container(find(synth(MINIMAL_PROPS), 'StatefulSet', 'matrix-homeserver'));
    expect(c.livenessProbe).toMatchObject({ periodSeconds: 20, failureThreshold: 6 });
    expect(c.readinessProbe).toMatchObject({ periodSeconds: 10, failureThreshold: 3 });
  });

  test.each<[string, unknown]>([
    ['under a minute', Duration.seconds(30)],
    ['over seven days', Duration.days(8)],
    ['not a Duration (plain JavaScript)', 3600],
  ])('a timeout %s is refused', (_name, startupTimeout) => {
    const props = { ...MINIMAL_PROPS, homeserver: { ...MINIMAL_PROPS.homeserver, startupTimeout: startupTimeout as Duration } };
    expect(problemsAt(props, 'homeserver.startupTimeout').join('\n')).toContain('in-place database migration');
  });

  test('the edges pass: one minute and seven days', () => {
    expect(problemsAt(withTimeout(Duration.minutes(1)), 'homeserver.startupTimeout')).toEqual([]);
    expect(problemsAt(withTimeout(Duration.days(7)), 'homeserver.startupTimeout')).toEqual([]);
  });
});
