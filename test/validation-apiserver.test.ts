// Issue 14: every object the API server would reject, and every value of the wrong type, is a validation error at synth.
import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { MINIMAL_PROPS, RuleCase, testRuleTable, problemsAt, synth } from './util';
import { MatrixChatProps, Routing } from '../src';

const M = MINIMAL_PROPS;
const hs = (homeserver: MatrixChatProps['homeserver']): MatrixChatProps => ({ ...M, homeserver: { ...M.homeserver, ...homeserver } });
const lk = (livekit: MatrixChatProps['livekit']): MatrixChatProps => ({ ...M, livekit: { ...M.livekit, ...livekit } });
const sched = (scheduling: MatrixChatProps['scheduling']): MatrixChatProps => ({ ...M, scheduling });
const spread = (c: object): MatrixChatProps => ({ ...M, lkJwt: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', ...c } as any] } });
const preferred = (weight: number): MatrixChatProps => sched({ affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } }] } } });
const APPSERVICE = { id: 'telegram', senderLocalpart: 'telegrambot', tokensSecret: { name: 'telegram-tokens' } };
const TURN_TLS = (tls: object) => lk({ turn: { enabled: true, domain: 'turn.example.org', tls: { existingSecret: 'turn-tls', ...tls } } });
const REDIS = (redis: object) => lk({ scaleOut: { enabled: true, redis: { address: 'redis:6379', ...redis } } });

/** [rule, bad props, valid neighbour, prop path the message leads with, part of the reason]. */
type Rule = RuleCase;

const RULES: Rule[] = [
  // IsConfigMapKey's hasChDirPrefix: `.`, `..` and a `..` prefix.
  ['Secret key ..api-key', lk({ keys: { existingSecret: { name: 'lk', apiKeyKey: '..api-key' } } }), lk({ keys: { existingSecret: { name: 'lk', apiKeyKey: '.api-key' } } }), 'livekit.keys.existingSecret.apiKeyKey', 'not a valid Secret key'],
  ['Secret key .', lk({ keys: { existingSecret: { name: 'lk', apiSecretKey: '.' } } }), lk({ keys: { existingSecret: { name: 'lk', apiSecretKey: 'a.' } } }), 'livekit.keys.existingSecret.apiSecretKey', 'not a valid Secret key'],
  ['appservice asTokenKey ..', hs({ appservices: [{ ...APPSERVICE, tokensSecret: { name: 'tg', asTokenKey: '..' } }] }), hs({ appservices: [{ ...APPSERVICE, tokensSecret: { name: 'tg', asTokenKey: 'as' } }] }), 'homeserver.appservices[0].tokensSecret.asTokenKey', 'not a valid Secret key'],
  ['Redis passwordSecret.key ..pw', REDIS({ passwordSecret: { name: 'redis', key: '..pw' } }), REDIS({ passwordSecret: { name: 'redis', key: 'pw' } }), 'livekit.scaleOut.redis.passwordSecret.key', 'not a valid Secret key'],
  ['TURN certKey ..crt', TURN_TLS({ certKey: '..crt', keyKey: 'tls.key' }), TURN_TLS({ certKey: 'tls.crt', keyKey: 'tls.key' }), 'livekit.turn.tls.certKey', 'not a valid Secret key'],
  // Sizes: objects over 1 MiB, annotations over 256 KiB.
  ['registration token making the Secret over 1 MiB', hs({ registrationTokenExistingSecret: undefined, registrationToken: 'a'.repeat(1_100_000) }), hs({ registrationTokenExistingSecret: undefined, registrationToken: 'a'.repeat(100_000) }), 'homeserver.registrationToken', 'above 1048576'],
  ['appservice regex making tuwunel.toml over 1 MiB', hs({ appservices: [{ ...APPSERVICE, users: [{ regex: `@${'x'.repeat(1_100_000)}` }] }] }), hs({ appservices: [{ ...APPSERVICE, users: [{ regex: '@telegram_.*' }] }] }), 'homeserver.appservices[0].users[0].regex', 'above 1048576'],
  ['Ingress annotations over 256 KiB', { ...M, ingress: { annotations: { 'example.org/big': 'x'.repeat(262_144) } } }, { ...M, ingress: { annotations: { 'example.org/big': 'x'.repeat(200_000) } } }, 'ingress.annotations', 'above the API server\'s limit of 262144'],
  ['Service annotations over 256 KiB', lk({ rtc: { serviceAnnotations: { 'example.org/big': 'x'.repeat(262_144) } } }), lk({ rtc: { serviceAnnotations: { 'example.org/big': 'x'.repeat(1000) } } }), 'livekit.rtc.serviceAnnotations', 'above the API server\'s limit'],
  // Resources: request ≤ limit, quantities.
  ['ephemeral-storage request above its limit', { ...M, lkJwt: { resources: { ephemeralStorage: { request: Size.gibibytes(2), limit: Size.gibibytes(1) } } } }, { ...M, lkJwt: { resources: { ephemeralStorage: { request: Size.gibibytes(1), limit: Size.gibibytes(1) } } } }, 'lkJwt.resources.ephemeralStorage.request', 'request exceeds its limit'],
  ['persistence.size 0', hs({ persistence: { size: '0' } }), hs({ persistence: { size: '1Gi' } }), 'homeserver.persistence.size', 'not a storage quantity'],
  ['persistence.size 0Gi', hs({ persistence: { size: '0Gi' } }), hs({ persistence: { size: '0.5Gi' } }), 'homeserver.persistence.size', 'not a storage quantity'],
  ['CPU -250m', { ...M, lkJwt: { resources: { cpu: { request: Cpu.millis(-250) } } } }, { ...M, lkJwt: { resources: { cpu: { request: Cpu.millis(250) } } } }, 'lkJwt.resources.cpu.request', 'not a non-negative number of cores'],
  ['CPU NaNm', { ...M, lkJwt: { resources: { cpu: { limit: Cpu.millis(NaN) } } } }, { ...M, lkJwt: { resources: { cpu: { limit: Cpu.millis(500) } } } }, 'lkJwt.resources.cpu.limit', 'not a non-negative number of cores'],
  // Ingress: kubernetes.io/ingress.class must match ingressClassName.
  ['ingress.class annotation contradicting className', { ...M, ingress: { className: 'nginx', annotations: { 'kubernetes.io/ingress.class': 'traefik' } } }, { ...M, ingress: { className: 'nginx', annotations: { 'kubernetes.io/ingress.class': 'nginx' } } }, 'ingress.annotations.kubernetes.io/ingress.class', 'differs from spec.ingressClassName'],
  // Tolerations (ValidateTolerations).
  ['toleration with an unknown effect', sched({ tolerations: [{ key: 'a', operator: 'Exists', effect: 'NoRun' }] }), sched({ tolerations: [{ key: 'a', operator: 'Exists', effect: 'NoExecute' }] }), 'scheduling.tolerations[0].effect', 'validateTaintEffect'],
  ['toleration without key, operator Equal', sched({ tolerations: [{ operator: 'Equal', value: 'x' }] }), sched({ tolerations: [{ operator: 'Exists' }] }), 'scheduling.tolerations[0].operator', 'must be Exists when key is empty'],
  ['toleration Exists with a value', sched({ tolerations: [{ key: 'a', operator: 'Exists', value: 'x' }] }), sched({ tolerations: [{ key: 'a', operator: 'Equal', value: 'x' }] }), 'scheduling.tolerations[0].value', 'must be empty when operator is Exists'],
  ['tolerationSeconds without NoExecute', sched({ tolerations: [{ key: 'a', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 60 }] }), sched({ tolerations: [{ key: 'a', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }] }), 'scheduling.tolerations[0].tolerationSeconds', 'NoExecute'],
  ['toleration operator unknown', sched({ tolerations: [{ key: 'a', operator: 'Is' }] }), sched({ tolerations: [{ key: 'a', operator: 'Exists' }] }), 'scheduling.tolerations[0].operator', 'not Equal or Exists'],
  // Affinity (validateAffinity).
  ['empty nodeSelectorTerms', sched({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } }), sched({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'Exists' }] }] } } } }), 'scheduling.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms', 'at least one node selector term'],
  ['preferred weight 0', preferred(0), preferred(1), 'scheduling.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight', 'from 1 to 100'],
  ['preferred weight 101', preferred(101), preferred(100), 'scheduling.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight', 'from 1 to 100'],
  ['node requirement In without values', sched({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In' }] }] } } } }), sched({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }] } } } }), 'scheduling.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values', 'must be non-empty'],
  ['pod anti-affinity without topologyKey', sched({ affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'livekit' } } } as any] } } }), sched({ affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'livekit' } }, topologyKey: 'kubernetes.io/hostname' }] } } }), 'scheduling.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey', 'qualified name'],
  // Topology spread (validateTopologySpreadConstraints).
  ['maxSkew 0', spread({ maxSkew: 0 }), spread({ maxSkew: 1 }), 'lkJwt.topologySpreadConstraints[0].maxSkew', 'above zero'],
  ['whenUnsatisfiable unknown', spread({ whenUnsatisfiable: 'Never' }), spread({ whenUnsatisfiable: 'DoNotSchedule' }), 'lkJwt.topologySpreadConstraints[0].whenUnsatisfiable', 'not DoNotSchedule or ScheduleAnyway'],
  ['minDomains with ScheduleAnyway', spread({ minDomains: 2 }), spread({ minDomains: 2, whenUnsatisfiable: 'DoNotSchedule' }), 'lkJwt.topologySpreadConstraints[0].minDomains', 'whenUnsatisfiable DoNotSchedule'],
  ['spread selector In without values', spread({ labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] } }), spread({ labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['lk-jwt-service'] }] } }), 'lkJwt.topologySpreadConstraints[0].labelSelector.matchExpressions[0].values', 'must be non-empty'],
  // Namespaces are DNS labels (IsDNS1123Label), not subdomains.
  ['dotted ingressControllerNamespace', { ...M, networkPolicy: { ingressControllerNamespace: 'ingress.nginx' } }, { ...M, networkPolicy: { ingressControllerNamespace: 'ingress-nginx' } }, 'networkPolicy.ingressControllerNamespace', 'not a namespace name'],
  // fuzz:deep seed 1338263567: an empty existingSecret beside an issuer became the Certificate's and the volume's secretName "".
  ['turn.tls.issuer with an empty existingSecret', lk({ turn: { enabled: true, domain: 'turn.example.org', tls: { issuer: { name: 'le' }, existingSecret: '' } } }), lk({ turn: { enabled: true, domain: 'turn.example.org', tls: { issuer: { name: 'le' } } } }), 'livekit.turn.tls.issuer', 'is set together with turn.tls.existingSecret'],
  // Wrong types from JavaScript callers.
  ['imagePullSecrets a string', { ...M, imagePullSecrets: 'regcred' as any }, { ...M, imagePullSecrets: ['regcred'] }, 'imagePullSecrets', 'not a list'],
  ['appservices [{}]', hs({ appservices: [{} as any] }), hs({ appservices: [APPSERVICE] }), 'homeserver.appservices[0].id', 'is required but not set'],
  ['appservices [null]', hs({ appservices: [null as any] }), hs({ appservices: [APPSERVICE] }), 'homeserver.appservices[0]', 'is null, not an object'],
  ['registrationToken a number', hs({ registrationTokenExistingSecret: undefined, registrationToken: 12345 as any }), hs({ registrationTokenExistingSecret: undefined, registrationToken: '12345' }), 'homeserver.registrationToken', 'is number 12345, not a string'],
  ['whitelistSourceRange a string', { ...M, ingress: { whitelistSourceRange: '10.0.0.0/8' as any } }, { ...M, ingress: { whitelistSourceRange: ['10.0.0.0/8'] } }, 'ingress.whitelistSourceRange', 'not a list'],
  // Webhooks need lk-jwt-service 0.6.0 (0.5.0 serves no /sfu_webhook).
  ['webhooks.urls a string', { ...lk({ webhooks: { enabled: true, urls: 'http://hook:8080' as any } }), lkJwt: { image: { tag: '0.6.0' } } }, { ...lk({ webhooks: { enabled: true, urls: ['http://hook:8080'] } }), lkJwt: { image: { tag: '0.6.0' } } }, 'livekit.webhooks.urls', 'not a list'],
  ['sentinelAddresses a string', lk({ scaleOut: { enabled: true, redis: { sentinelMasterName: 'm', sentinelAddresses: 's:26379' as any } } }), lk({ scaleOut: { enabled: true, redis: { sentinelMasterName: 'm', sentinelAddresses: ['s:26379'] } } }), 'livekit.scaleOut.redis.sentinelAddresses', 'not a list'],
  ['parentRefs null', { ...M, routing: Routing.gatewayApi({ parentRefs: null as any }) }, { ...M, routing: Routing.gatewayApi({ parentRefs: [{ name: 'public' }] }) }, 'routing.parentRefs', 'is null, not a list'],
  ['cpu.request a string', { ...M, lkJwt: { resources: { cpu: { request: '250m' as any } } } }, { ...M, lkJwt: { resources: { cpu: { request: Cpu.millis(250) } } } }, 'lkJwt.resources.cpu.request', 'not a kplus Cpu'],
  ['a label value a number', { ...M, labels: { team: 7 as any } }, { ...M, labels: { team: '7' } }, 'labels.team', 'is number 7, not a string'],
];

describe('API server rules and types at synth', () => {
  testRuleTable(RULES);

  test('the table covers every rule once', () => {
    expect(new Set(RULES.map((r) => r[0])).size).toBe(RULES.length);
  });

  test('mixed-case annotation keys are accepted, as the API server lowercases them before checking', () => {
    const objects = synth({ ...M, ingress: { annotations: { 'Example.com/Owner': 'chat' } }, livekit: { ...M.livekit, rtc: { serviceAnnotations: { 'Example.com/Owner': 'chat' } } } });
    const ingress = objects.find((o) => o.kind === 'Ingress')!;
    expect(ingress.metadata.annotations!['Example.com/Owner']).toBe('chat');
    expect(objects.find((o) => o.kind === 'Service' && o.metadata.name === 'livekit-rtc')!.metadata.annotations!['Example.com/Owner']).toBe('chat');
    // The neighbour the server does refuse: not a qualified name even in lower case.
    expect(problemsAt({ ...M, ingress: { annotations: { 'Example.com/Own er': 'chat' } } }, 'ingress.annotations.Example.com/Own er')).toHaveLength(1);
  });
});
