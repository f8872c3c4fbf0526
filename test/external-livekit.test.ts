// MatrixChat with an external LiveKit (livekit.enabled false).
import { build, container, env, EXTERNAL_OBJECT_IDS, EXTERNAL_PROPS, find, has, ingressRoutes, MINIMAL_PROPS, objectIds, ofKind, synth, synthErrors, tuwunelConfig } from './util';
import { MatrixChatProps } from '../src';

describe('external LiveKit (livekit.enabled: false)', () => {
  test('synthesizes without errors', () => {
    expect(synthErrors(EXTERNAL_PROPS)).toBe('');
  });

  test.each<[string, string]>([
    ['Deployment', 'livekit'],
    ['ConfigMap', 'livekit-config'],
    ['Secret', 'livekit-secret'],
    ['Service', 'livekit-signaling'],
    ['Service', 'livekit-rtc'],
    ['NetworkPolicy', 'livekit-policy'],
  ])('no %s %s', (kind, name) => {
    const objects = synth(EXTERNAL_PROPS);
    expect(has(objects, kind, name)).toBe(false);
    // The same object exists in bundled mode, so the absence is meaningful.
    expect(has(synth({ ...MINIMAL_PROPS, livekit: { keys: { apiKey: 'APIchat', apiSecret: 'x'.repeat(40) } } }), kind, name)).toBe(true);
  });

  test('no LiveKit object of any kind, no LoadBalancer, no Secret at all', () => {
    const objects = synth(EXTERNAL_PROPS);
    expect(objects.filter((o) => o.metadata.name.startsWith('livekit'))).toEqual([]);
    expect(ofKind(objects, 'Service').filter((s) => s.spec.type === 'LoadBalancer')).toEqual([]);
    expect(ofKind(objects, 'Secret')).toEqual([]);
  });

  test('exactly the homeserver, lk-jwt, ingress and their policies remain', () => {
    expect(objectIds(synth(EXTERNAL_PROPS))).toEqual(EXTERNAL_OBJECT_IDS);
  });

  test('no /rtc or /twirp route; homeserver and lk-jwt routes stay', () => {
    const routes = ingressRoutes(find(synth(EXTERNAL_PROPS), 'Ingress', 'matrix-ingress'));
    expect(routes.map((r) => r[0])).not.toContain('/rtc');
    expect(routes.map((r) => r[0])).not.toContain('/twirp');
    expect(routes).toEqual([
      ['/.well-known/matrix', 'matrix-homeserver', 6167],
      ['/_matrix', 'matrix-homeserver', 6167],
      ['/sfu', 'lk-jwt-service', 8080],
      ['/get_token', 'lk-jwt-service', 8080],
    ]);
  });

  test('lk-jwt uses publicUrl as given and reads the existing Secret with its key names', () => {
    const c = container(find(synth(EXTERNAL_PROPS), 'Deployment', 'lk-jwt-service'));
    expect(c.env).toEqual([
      { name: 'LIVEKIT_URL', value: 'wss://livekit.operator.example' },
      { name: 'LIVEKIT_FULL_ACCESS_HOMESERVERS', value: 'matrix.example.org' },
      { name: 'LIVEKIT_KEY', valueFrom: { secretKeyRef: { name: 'operator-livekit-creds', key: 'API_KEY' } } },
      { name: 'LIVEKIT_SECRET', valueFrom: { secretKeyRef: { name: 'operator-livekit-creds', key: 'API_SECRET' } } },
    ]);
  });

  test('default key names of the existing Secret', () => {
    const props: MatrixChatProps = { ...EXTERNAL_PROPS, livekit: { ...EXTERNAL_PROPS.livekit, keys: { existingSecret: { name: 'operator-livekit-creds' } } } };
    const c = container(find(synth(props), 'Deployment', 'lk-jwt-service'));
    expect(env(c, 'LIVEKIT_KEY').valueFrom.secretKeyRef).toEqual({ name: 'operator-livekit-creds', key: 'LIVEKIT_API_KEY' });
    expect(env(c, 'LIVEKIT_SECRET').valueFrom.secretKeyRef).toEqual({ name: 'operator-livekit-creds', key: 'LIVEKIT_API_SECRET' });
  });

  test('the homeserver still advertises lk-jwt (not LiveKit) as its RTC transport', () => {
    expect(tuwunelConfig(synth(EXTERNAL_PROPS)).global.well_known.livekit_url).toBe('https://matrix.example.org');
  });

  test('TURN and RTC props are ignored: no LiveKit object appears', () => {
    const props: MatrixChatProps = {
      ...EXTERNAL_PROPS,
      livekit: { ...EXTERNAL_PROPS.livekit, rtc: { nodeIp: '203.0.113.10' }, turn: { enabled: true, domain: 'turn.example.org', tls: { existingSecret: 'x' } } },
    };
    expect(synth(props).filter((o) => o.metadata.name.startsWith('livekit'))).toEqual([]);
  });

  test('MatrixChat has no livekit or turnRelay child', () => {
    const { chat } = build(EXTERNAL_PROPS);
    expect(chat.livekit).toBeUndefined();
    expect(chat.turnRelay).toBeUndefined();
    expect(chat.lkJwt).toBeDefined();
    expect(chat.homeserver).toBeDefined();
    expect(chat.livekitPublicUrl).toBe('wss://livekit.operator.example');
  });

  test('namePrefix: still nothing LiveKit-named', () => {
    const objects = synth({ ...EXTERNAL_PROPS, namePrefix: 'chat-' });
    expect(objects.filter((o) => o.metadata.name.startsWith('chat-livekit'))).toEqual([]);
    expect(has(objects, 'Deployment', 'chat-lk-jwt-service')).toBe(true);
  });

  test('chat only (lk-jwt disabled too): no credentials needed, no call objects', () => {
    const props: MatrixChatProps = { serverName: 'matrix.example.org', homeserver: MINIMAL_PROPS.homeserver, livekit: { enabled: false }, lkJwt: { enabled: false } };
    expect(synthErrors(props)).toBe('');
    const objects = synth(props);
    expect(objects.filter((o) => o.metadata.name.startsWith('livekit') || o.metadata.name.startsWith('lk-jwt'))).toEqual([]);
    expect(ingressRoutes(find(objects, 'Ingress', 'matrix-ingress')).map((r) => r[0])).toEqual(['/.well-known/matrix', '/_matrix']);
    expect(tuwunelConfig(objects).global.well_known).not.toHaveProperty('livekit_url');
  });
});
