// Declarative appservices, config rollouts, LiveKit webhooks and metrics, scheduling and disruption.
import { AppserviceRegistration, LkJwtRelease, MatrixChatProps } from '../src';
import { MINIMAL_PROPS, TEST_API_SECRET, container, env, find, livekitConfig, synth, synthErrors, tuwunelConfig } from './util';

const CONFIG_HASH = 'matrix-chat.cdk8s.io/config-hash';

const telegram: AppserviceRegistration = {
  id: 'telegram',
  url: 'http://mautrix-telegram:29317',
  senderLocalpart: 'telegrambot',
  users: [{ regex: '@telegram_.*:matrix\\.example\\.org', exclusive: true }],
  aliases: [{ regex: '#telegram_.*:matrix\\.example\\.org' }],
  rateLimited: false,
  receiveEphemeral: true,
  protocols: ['telegram'],
  tokensSecret: { name: 'telegram-tokens' },
};

function withAppservices(appservices: AppserviceRegistration[]): MatrixChatProps {
  return { ...MINIMAL_PROPS, homeserver: { ...MINIMAL_PROPS.homeserver, appservices } };
}

describe('declarative appservices', () => {
  test('registration tables in tuwunel.toml, without tokens', () => {
    const objects = synth(withAppservices([telegram]));
    expect(tuwunelConfig(objects).global.appservice).toEqual({
      telegram: {
        url: 'http://mautrix-telegram:29317',
        sender_localpart: 'telegrambot',
        rate_limited: false,
        receive_ephemeral: true,
        protocols: ['telegram'],
        users: [{ exclusive: true, regex: '@telegram_.*:matrix\\.example\\.org' }],
        aliases: [{ exclusive: false, regex: '#telegram_.*:matrix\\.example\\.org' }],
        rooms: [],
      },
    });
    const toml = find(objects, 'ConfigMap', 'matrix-homeserver-config').data['tuwunel.toml'];
    expect(toml).not.toMatch(/as_token|hs_token/);
  });

  test('tokens come from the Secret as Tuwunel env overrides', () => {
    const tuwunel = container(find(synth(withAppservices([telegram, { ...telegram, id: 'signal-bridge', tokensSecret: { name: 'signal', asTokenKey: 'as', hsTokenKey: 'hs' } }])), 'StatefulSet', 'matrix-homeserver'));
    expect(env(tuwunel, 'TUWUNEL_APPSERVICE__TELEGRAM__AS_TOKEN')).toEqual({ name: 'TUWUNEL_APPSERVICE__TELEGRAM__AS_TOKEN', valueFrom: { secretKeyRef: { name: 'telegram-tokens', key: 'as_token' } } });
    expect(env(tuwunel, 'TUWUNEL_APPSERVICE__TELEGRAM__HS_TOKEN').valueFrom.secretKeyRef).toEqual({ name: 'telegram-tokens', key: 'hs_token' });
    // Tuwunel lowercases env keys: SIGNAL-BRIDGE → global.appservice.signal-bridge.
    expect(env(tuwunel, 'TUWUNEL_APPSERVICE__SIGNAL-BRIDGE__AS_TOKEN').valueFrom.secretKeyRef).toEqual({ name: 'signal', key: 'as' });
    expect(env(tuwunel, 'TUWUNEL_APPSERVICE__SIGNAL-BRIDGE__HS_TOKEN').valueFrom.secretKeyRef).toEqual({ name: 'signal', key: 'hs' });
  });

  test('no appservice table without registrations', () => {
    expect(tuwunelConfig(synth(MINIMAL_PROPS)).global.appservice).toBeUndefined();
  });

  test.each<[string, Partial<AppserviceRegistration>, string]>([
    ['an uppercase ID', { id: 'Telegram' }, 'homeserver.appservices[0].id'],
    ['a double underscore in the ID', { id: 'tele__gram' }, 'homeserver.appservices[0].id'],
    ['an invalid regex', { users: [{ regex: '@telegram_(.*' }] }, 'homeserver.appservices[0].users[0].regex'],
    ['an empty regex', { rooms: [{ regex: '' }] }, 'homeserver.appservices[0].rooms[0].regex'],
    // JavaScript accepts these; Rust's regex crate (Tuwunel) does not.
    ['a lookahead', { users: [{ regex: '@telegram_(?!admin).*' }] }, 'homeserver.appservices[0].users[0].regex: "@telegram_(?!admin).*" is not a valid regular expression for Tuwunel (Rust regex'],
    ['a back-reference', { aliases: [{ regex: '#(a)\\1' }] }, 'homeserver.appservices[0].aliases[0].regex'],
    ['an invalid sender localpart', { senderLocalpart: 'Telegram Bot' }, 'homeserver.appservices[0].senderLocalpart'],
    ['a URL that is not http(s)', { url: 'ftp://bridge' }, 'homeserver.appservices[0].url'],
    ['an invalid Secret name', { tokensSecret: { name: 'Telegram Tokens' } }, 'homeserver.appservices[0].tokensSecret.name'],
  ])('refuses %s', (_name, change, message) => {
    expect(synthErrors(withAppservices([{ ...telegram, ...change }]))).toContain(message);
  });

  test('a pattern Rust accepts passes (escaped punctuation, named groups, \\z)', () => {
    expect(synthErrors(withAppservices([{ ...telegram, users: [{ regex: '@telegram_(?P<id>[0-9]+)\\/x\\z' }] }]))).toBe('');
  });

  test('refuses duplicate IDs', () => {
    expect(synthErrors(withAppservices([telegram, telegram]))).toContain('homeserver.appservices[1].id: "telegram" is registered twice');
  });

  test('accepts an ID with single underscores and dashes', () => {
    expect(synthErrors(withAppservices([{ ...telegram, id: 'my_bridge-2' }]))).toBe('');
  });
});

describe('config rollouts', () => {
  const inline: MatrixChatProps = {
    serverName: 'matrix.example.org',
    homeserver: { registrationToken: 'token-one' },
    livekit: { keys: { apiKey: 'APIchat', apiSecret: TEST_API_SECRET } },
  };
  const template = (props: MatrixChatProps, kind: string, name: string) => find(synth(props), kind, name).spec.template;
  const hash = (props: MatrixChatProps, kind: string, name: string) => template(props, kind, name).metadata.annotations[CONFIG_HASH];

  test('every pod template carries a config hash', () => {
    const objects = synth(inline);
    for (const workload of objects.filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind))) {
      expect(workload.spec.template.metadata.annotations[CONFIG_HASH]).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  test('a LiveKit-only change rolls LiveKit and leaves the homeserver and lk-jwt pod templates unchanged', () => {
    const changed: MatrixChatProps = { ...inline, livekit: { ...inline.livekit, rtc: { nodeIp: '203.0.113.10' } } };
    expect(template(changed, 'StatefulSet', 'matrix-homeserver')).toEqual(template(inline, 'StatefulSet', 'matrix-homeserver'));
    expect(template(changed, 'Deployment', 'lk-jwt-service')).toEqual(template(inline, 'Deployment', 'lk-jwt-service'));
    expect(hash(changed, 'Deployment', 'livekit')).not.toBe(hash(inline, 'Deployment', 'livekit'));
  });

  test('a homeserver-only change rolls only the homeserver', () => {
    const changed: MatrixChatProps = { ...inline, homeserver: { ...inline.homeserver, maxRequestSize: 52428800 } };
    expect(hash(changed, 'StatefulSet', 'matrix-homeserver')).not.toBe(hash(inline, 'StatefulSet', 'matrix-homeserver'));
    expect(template(changed, 'Deployment', 'livekit')).toEqual(template(inline, 'Deployment', 'livekit'));
  });

  test('a rotated inline registration token rolls the homeserver', () => {
    const changed: MatrixChatProps = { ...inline, homeserver: { registrationToken: 'token-two' } };
    expect(hash(changed, 'StatefulSet', 'matrix-homeserver')).not.toBe(hash(inline, 'StatefulSet', 'matrix-homeserver'));
  });

  test('rotated inline LiveKit keys roll both LiveKit and lk-jwt-service', () => {
    const changed: MatrixChatProps = { ...inline, livekit: { keys: { apiKey: 'APIchat', apiSecret: `${TEST_API_SECRET}-rotated` } } };
    expect(hash(changed, 'Deployment', 'livekit')).not.toBe(hash(inline, 'Deployment', 'livekit'));
    expect(hash(changed, 'Deployment', 'lk-jwt-service')).not.toBe(hash(inline, 'Deployment', 'lk-jwt-service'));
    expect(template(changed, 'StatefulSet', 'matrix-homeserver')).toEqual(template(inline, 'StatefulSet', 'matrix-homeserver'));
  });
});

describe('LiveKit webhooks to lk-jwt-service', () => {
  // /sfu_webhook exists from lk-jwt-service 0.6.0 on (handler.go:799); 0.5.0 serves no such route.
  const V06 = { image: { tag: '0.6.0' } };
  const webhooks: MatrixChatProps = { ...MINIMAL_PROPS, lkJwt: V06, livekit: { ...MINIMAL_PROPS.livekit, webhooks: { enabled: true, urls: ['https://audit.example.org/livekit'] } } };

  test('webhook URLs in config.yaml and the API key from the credentials Secret', () => {
    const objects = synth(webhooks);
    expect(livekitConfig(objects).webhook).toEqual({ urls: ['http://lk-jwt-service:8080/sfu_webhook', 'https://audit.example.org/livekit'] });
    expect(env(container(find(objects, 'Deployment', 'livekit')), 'LIVEKIT_WEBHOOK_API_KEY').valueFrom.secretKeyRef).toEqual({ name: 'livekit-credentials', key: 'LIVEKIT_API_KEY' });
  });

  test('the in-cluster URL follows the name prefix', () => {
    expect(livekitConfig(synth({ ...webhooks, namePrefix: 'team-' }), 'team-livekit-config').webhook.urls[0]).toBe('http://team-lk-jwt-service:8080/sfu_webhook');
  });

  test('off by default: no webhook section and no webhook env', () => {
    const objects = synth(MINIMAL_PROPS);
    expect(livekitConfig(objects).webhook).toBeUndefined();
    expect(env(container(find(objects, 'Deployment', 'livekit')), 'LIVEKIT_WEBHOOK_API_KEY')).toBeUndefined();
  });

  test('on by default with a 0.6.0 image, off when set off', () => {
    expect(livekitConfig(synth({ ...MINIMAL_PROPS, lkJwt: V06 })).webhook).toEqual({ urls: ['http://lk-jwt-service:8080/sfu_webhook'] });
    expect(livekitConfig(synth({ ...MINIMAL_PROPS, lkJwt: { release: LkJwtRelease.V0_6, image: { tag: 'sha-0123abc' } } })).webhook).toBeDefined();
    const off = { ...MINIMAL_PROPS, lkJwt: V06, livekit: { ...MINIMAL_PROPS.livekit, webhooks: { enabled: false } } };
    expect(livekitConfig(synth(off)).webhook).toBeUndefined();
  });

  test('refuses webhooks with the default 0.5.0 image, which serves no /sfu_webhook', () => {
    expect(synthErrors({ ...webhooks, lkJwt: {} })).toContain('livekit.webhooks.enabled: is true while lk-jwt-service is release 0.5 (the default image, 0.5.0)');
    expect(synthErrors({ ...webhooks, lkJwt: { image: { tag: '0.5.0' } } })).toContain('livekit.webhooks.enabled: is true while lk-jwt-service is release 0.5');
    expect(synthErrors({ ...webhooks, lkJwt: { image: { tag: 'sha-0123abc' }, release: LkJwtRelease.V0_5 } })).toContain('livekit.webhooks.enabled');
    expect(synthErrors(webhooks)).toBe('');
  });

  test('refuses webhooks without lk-jwt-service', () => {
    expect(synthErrors({ ...webhooks, lkJwt: { enabled: false } })).toContain('livekit.webhooks.enabled: is true while lkJwt.enabled is false');
  });

  test('refuses an invalid extra URL', () => {
    expect(synthErrors({ ...MINIMAL_PROPS, livekit: { ...MINIMAL_PROPS.livekit, webhooks: { enabled: true, urls: ['not a url'] } } })).toContain('livekit.webhooks.urls[0]');
  });
});

describe('LiveKit metrics', () => {
  const metrics = (extra: object = {}): MatrixChatProps => ({
    ...MINIMAL_PROPS,
    livekit: { ...MINIMAL_PROPS.livekit, metrics: { enabled: true, ...extra } },
  });

  test('prometheus port in config, container, signaling Service and NetworkPolicy', () => {
    const objects = synth(metrics());
    expect(livekitConfig(objects).prometheus).toEqual({ port: 6789 });
    expect(container(find(objects, 'Deployment', 'livekit')).ports).toContainEqual({ name: 'metrics', containerPort: 6789, protocol: 'TCP' });
    expect(find(objects, 'Service', 'livekit-signaling').spec.ports).toContainEqual({ name: 'metrics', port: 6789, targetPort: 6789, protocol: 'TCP' });
    expect(find(objects, 'Service', 'livekit-rtc').spec.ports.map((p: any) => p.name)).not.toContain('metrics');
    expect(find(objects, 'NetworkPolicy', 'livekit-policy').spec.ingress[0].ports).toContainEqual({ port: 6789, protocol: 'TCP' });
    expect(objects.filter((o) => o.kind === 'ServiceMonitor')).toHaveLength(0);
  });

  test('ServiceMonitor selects only the signaling Service', () => {
    const objects = synth(metrics({ port: 9100, serviceMonitor: { enabled: true, interval: '15s', labels: { release: 'kube-prometheus' } } }));
    const monitor = find(objects, 'ServiceMonitor', 'livekit');
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(monitor.metadata.labels!.release).toBe('kube-prometheus');
    expect(monitor.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '15s' }]);
    const selected = objects.filter((o) => o.kind === 'Service' && Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => o.metadata.labels?.[k] === v));
    expect(selected.map((s) => s.metadata.name)).toEqual(['livekit-signaling']);
  });

  test.each([
    ['out of range', 80, 'livekit.metrics.port'],
    ['equal to the signaling port', 7880, 'livekit.metrics.port: port 7880 is also used by livekit.rtc.signalingPort'],
  ])('refuses a metrics port %s', (_name, port, message) => {
    expect(synthErrors(metrics({ port }))).toContain(message);
  });
});

describe('scheduling and disruption', () => {
  const spread = [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'livekit' } } }];

  test('priorityClassName and topologySpreadConstraints per component', () => {
    const objects = synth({
      ...MINIMAL_PROPS,
      homeserver: { ...MINIMAL_PROPS.homeserver, priorityClassName: 'chat-critical' },
      livekit: { ...MINIMAL_PROPS.livekit, priorityClassName: 'media', topologySpreadConstraints: spread },
    });
    expect(find(objects, 'StatefulSet', 'matrix-homeserver').spec.template.spec.priorityClassName).toBe('chat-critical');
    const livekitPod = find(objects, 'Deployment', 'livekit').spec.template.spec;
    expect(livekitPod.priorityClassName).toBe('media');
    expect(livekitPod.topologySpreadConstraints).toEqual(spread);
    expect(find(objects, 'Deployment', 'lk-jwt-service').spec.template.spec.priorityClassName).toBeUndefined();
  });

  test('no PodDisruptionBudget for single-replica components', () => {
    expect(synth(MINIMAL_PROPS).filter((o) => o.kind === 'PodDisruptionBudget')).toHaveLength(0);
  });

  test('refuses an invalid PriorityClass name', () => {
    expect(synthErrors({ ...MINIMAL_PROPS, lkJwt: { priorityClassName: 'High Priority' } })).toContain('lkJwt.priorityClassName');
  });
});
