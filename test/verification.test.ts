// The verification suite: every invariant over every scenario, and each invariant catching a seeded defect.
import { K8sObject, synth } from './util';
import { stopCrdValidator } from './verification/crd-models';
import { INVARIANTS } from './verification/invariants';
import { SCENARIOS } from './verification/scenarios';

afterAll(stopCrdValidator);

describe.each(SCENARIOS.map((s) => [s.name, s] as const))('scenario: %s', (_name, scenario) => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = synth(scenario.props, scenario.namespace ?? null);
  });

  test('synthesizes objects', () => {
    expect(objects.length).toBeGreaterThan(0);
  });

  it.each(INVARIANTS.map(([name, check]) => [name, check] as const))('invariant %s', (_invariant, check) => {
    expect(check(objects, scenario)).toEqual([]);
  });
});

/** Each invariant must catch a defect seeded into otherwise valid output (a check that never fires proves nothing). */
describe('each invariant catches a seeded defect', () => {
  const full = SCENARIOS.find((s) => s.name === 'TURN with custom TLS port and inline credentials')!;
  const traefik = SCENARIOS.find((s) => s.name === 'ingress traefik with namespace')!;
  const named = (prefix: string) => SCENARIOS.find((s) => s.name.startsWith(prefix))!;
  const gateway = named('Gateway API, bundled');
  const managedTurn = named('TURN with a managed certificate');
  const tight = named('lk-jwt serverNameAddress and tight');
  const appservices = named('appservices');
  const monitoring = named('webhooks, metrics');
  const scaleOut = named('scale-out on standalone Redis');
  const scheduling = named('scheduling');
  const container = (o: K8sObject[], kind: string, name: string) => byName(o, kind, name).spec.template.spec.containers[0];
  const mutate = (s: typeof full, change: (objects: K8sObject[]) => void): K8sObject[] => {
    const objects = JSON.parse(JSON.stringify(synth(s.props, s.namespace ?? null))) as K8sObject[];
    change(objects);
    return objects;
  };
  const byName = (objects: K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name)!;
  const check = (name: string) => INVARIANTS.find(([n]) => n.startsWith(name))![1];

  const cases: Array<[string, string, typeof full, (objects: K8sObject[]) => void, RegExp]> = [
    ['1', 'wrong type in a Deployment', full, (o) => { byName(o, 'Deployment', 'livekit').spec.replicas = 'one'; }, /Deployment\/livekit: does not match/],
    ['1', 'unknown kind', full, (o) => { o.push({ apiVersion: 'example.org/v1', kind: 'Widget', metadata: { name: 'w' } }); }, /Widget\/w: unexpected kind/],
    ['1', 'invalid Traefik Middleware', traefik, (o) => { byName(o, 'Middleware', 'matrix-redirect-https').spec.redirectScheme.permanent = 'yes'; }, /Middleware\/matrix-redirect-https: does not match/],
    ['2', 'Service targetPort not a container port', full, (o) => { byName(o, 'Service', 'livekit-rtc').spec.ports[0].protocol = 'TCP'; }, /Service\/livekit-rtc: port rtc-udp targets TCP/],
    ['2', 'Service selecting no pod', full, (o) => { byName(o, 'Service', 'lk-jwt-service').spec.selector = { app: 'nope' }; }, /Service\/lk-jwt-service: selector .* matches 0/],
    ['2', 'Ingress backend port not exposed', full, (o) => { byName(o, 'Ingress', 'matrix-ingress').spec.rules[0].http.paths[0].backend.service.port.number = 1; }, /Ingress\/matrix-ingress: backend names port/],
    ['2', 'NetworkPolicy admitting a foreign port', full, (o) => { byName(o, 'NetworkPolicy', 'livekit-policy').spec.ingress[0].ports[0].port = 9999; }, /NetworkPolicy\/livekit-policy: admits TCP 9999/],
    ['2', 'missing ConfigMap', full, (o) => { o.splice(o.findIndex((x) => x.kind === 'ConfigMap' && x.metadata.name === 'livekit-config'), 1); }, /Deployment\/livekit volume config: references ConfigMap\/livekit-config/],
    ['2', 'config file outside any mount', full, (o) => { const c = byName(o, 'Deployment', 'livekit').spec.template.spec.containers[0]; c.args = c.args.map((a: string) => a.replace('/etc/livekit/config.yaml', '/config.yaml')); }, /--config = "\/config.yaml" lies under no volumeMount/],
    ['2', 'TURN cert outside its mount', full, (o) => { const cm = byName(o, 'ConfigMap', 'livekit-config'); cm.data['config.yaml'] = cm.data['config.yaml'].replace('/etc/livekit-turn-tls/tls.crt', '/etc/livekit/tls.crt'); }, /turn.cert_file = "\/etc\/livekit\/tls.crt": volume config projects no item/],
    ['2', 'volumeMount without volume', full, (o) => { byName(o, 'StatefulSet', 'matrix-homeserver').spec.template.spec.containers[0].volumeMounts.push({ name: 'ghost', mountPath: '/ghost' }); }, /volumeMount ghost has no volume/],
    ['3', 'name too long', full, (o) => { byName(o, 'ConfigMap', 'livekit-config').metadata.name = 'x'.repeat(64); }, /ConfigMap\/x{64}: name is not a DNS-1123 label/],
    ['3', 'port name over 15 characters', full, (o) => { byName(o, 'Deployment', 'livekit').spec.template.spec.containers[0].ports[0].name = 'signaling-port-x'; }, /port name "signaling-port-x" is not a valid port name/],
    ['3', 'recommended label missing', full, (o) => { delete byName(o, 'Service', 'livekit-rtc').metadata.labels!['app.kubernetes.io/part-of']; }, /Service\/livekit-rtc: recommended label app.kubernetes.io\/part-of is missing/],
    ['3', 'duplicate name', full, (o) => { o.push(JSON.parse(JSON.stringify(byName(o, 'Service', 'livekit-rtc')))); }, /Service\/livekit-rtc: 2 objects/],
    ['4', 'root user', full, (o) => { const t = byName(o, 'Deployment', 'lk-jwt-service').spec.template.spec; delete t.containers[0].securityContext.runAsUser; t.securityContext.runAsUser = 0; }, /Deployment\/lk-jwt-service container lk-jwt-service: runAsUser 0/],
    ['4', 'writable root filesystem', full, (o) => { byName(o, 'Deployment', 'livekit').spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false; }, /Deployment\/livekit container livekit: readOnlyRootFilesystem/],
    ['4', 'probe on a missing port', full, (o) => { byName(o, 'StatefulSet', 'matrix-homeserver').spec.template.spec.containers[0].livenessProbe.httpGet.port = 'metrics'; }, /livenessProbe port metrics is not a TCP port/],
    ['4', 'image latest', full, (o) => { byName(o, 'Deployment', 'livekit').spec.template.spec.containers[0].image = 'docker.io/livekit/livekit-server:latest'; }, /uses the tag latest/],
    ['4', 'no memory limit', full, (o) => { delete byName(o, 'Deployment', 'livekit').spec.template.spec.containers[0].resources.limits.memory; }, /no valid memory limit/],
    ['5', 'secret in a ConfigMap', full, (o) => { byName(o, 'ConfigMap', 'livekit-config').data.leak = `x ${full.inlineSecrets[1]}`; }, /ConfigMap\/livekit-config: an inline secret value appears/],
    ['5', 'secret as env literal', full, (o) => { byName(o, 'Deployment', 'livekit').spec.template.spec.containers[0].env.push({ name: 'X', value: full.inlineSecrets[2] }); }, /Deployment\/livekit: an inline secret value appears/],
    ['6', 'unknown LiveKit key', full, (o) => { const cm = byName(o, 'ConfigMap', 'livekit-config'); cm.data['config.yaml'] += 'rtc_port: 1\n'; }, /rtc_port is not a key LiveKit reads/],
    ['6', 'unknown Tuwunel key', full, (o) => { const cm = byName(o, 'ConfigMap', 'matrix-homeserver-config'); cm.data['tuwunel.toml'] = cm.data['tuwunel.toml'].replace('[global]\n', '[global]\nlivekit_url = "x"\n'); }, /global.livekit_url is not a key Tuwunel reads/],
    ['6', 'TOML that does not parse', full, (o) => { byName(o, 'ConfigMap', 'matrix-homeserver-config').data['tuwunel.toml'] += '\nserver_name = "a\n'; }, /does not parse as TOML/],
    ['6', 'unknown lk-jwt env', full, (o) => { byName(o, 'Deployment', 'lk-jwt-service').spec.template.spec.containers[0].env.push({ name: 'LIVEKIT_API_KEY', value: 'x' }); }, /env LIVEKIT_API_KEY is not a variable lk-jwt-service reads/],
    ['6', 'unknown Tuwunel env', full, (o) => { byName(o, 'StatefulSet', 'matrix-homeserver').spec.template.spec.containers[0].env.push({ name: 'TUWUNEL_LIVEKIT_URL', value: 'x' }); }, /env TUWUNEL_LIVEKIT_URL is not a variable tuwunel reads/],
    // Opt-in features (issues 6, 7, 10).
    ['1', 'invalid HTTPRoute', gateway, (o) => { byName(o, 'HTTPRoute', 'matrix-route').spec.rules[0].backendRefs[0].port = 'http'; }, /HTTPRoute\/matrix-route: does not match the gateway.networking.k8s.io\/v1 HTTPRoute schema/],
    ['1', 'invalid Certificate', managedTurn, (o) => { byName(o, 'Certificate', 'livekit-turn-tls').spec.dnsNames = 'turn.example.org'; }, /Certificate\/livekit-turn-tls: does not match the cert-manager.io\/v1 Certificate schema/],
    ['1', 'invalid ServiceMonitor', monitoring, (o) => { byName(o, 'ServiceMonitor', 'livekit').spec.endpoints = { port: 'metrics' }; }, /ServiceMonitor\/livekit: does not match the monitoring.coreos.com\/v1 ServiceMonitor schema/],
    ['2', 'HTTPRoute backend naming a missing Service', gateway, (o) => { byName(o, 'HTTPRoute', 'matrix-route').spec.rules[1].backendRefs[0].name = 'lk-jwt'; }, /HTTPRoute\/matrix-route: backendRef names Service lk-jwt, which is not part of the stack/],
    ['2', 'HTTPRoute backend port not exposed', gateway, (o) => { byName(o, 'HTTPRoute', 'matrix-route').spec.rules[2].backendRefs[0].port = 7881; }, /HTTPRoute\/matrix-route: backendRef names port .*7881.* of Service\/livekit-signaling/],
    ['2', 'HTTPRoute without parentRefs', gateway, (o) => { byName(o, 'HTTPRoute', 'matrix-route').spec.parentRefs = []; }, /HTTPRoute\/matrix-route: has no parentRefs/],
    ['2', 'Certificate Secret mounted by no pod', managedTurn, (o) => { byName(o, 'Certificate', 'livekit-turn-tls').spec.secretName = 'other-tls'; }, /Certificate\/livekit-turn-tls: secretName "other-tls" is mounted by no pod/],
    ['2', 'TURN volume naming a Secret nobody makes', managedTurn, (o) => { byName(o, 'Deployment', 'livekit').spec.template.spec.volumes.find((v: any) => v.secret).secret.secretName = 'turn-cert'; }, /volume turn-tls: references Secret\/turn-cert, which is neither in the stack/],
    ['2', 'Certificate for another name than turn.domain', managedTurn, (o) => { byName(o, 'Certificate', 'livekit-turn-tls').spec.dnsNames = ['matrix.example.org']; }, /dnsNames \["matrix.example.org"\] do not include turn.domain "turn.example.org"/],
    ['2', 'ServiceMonitor selecting no Service', monitoring, (o) => { byName(o, 'ServiceMonitor', 'livekit').spec.selector.matchLabels['app.kubernetes.io/instance'] = 'lk'; }, /ServiceMonitor\/livekit: selector .* matches 0 Services/],
    ['2', 'ServiceMonitor selecting two Services', monitoring, (o) => { delete byName(o, 'ServiceMonitor', 'livekit').spec.selector.matchLabels['matrix-chat.cdk8s.io/service-role']; }, /ServiceMonitor\/livekit: selector .* matches 2 Services/],
    ['2', 'ServiceMonitor endpoint port not on the Service', monitoring, (o) => { byName(o, 'ServiceMonitor', 'livekit').spec.endpoints[0].port = 'prometheus'; }, /endpoint port "prometheus" is not a port name of Service\/livekit-signaling/],
    ['2', 'metrics port not declared', monitoring, (o) => { const c = container(o, 'Deployment', 'livekit'); c.ports = c.ports.filter((p: any) => p.name !== 'metrics'); }, /prometheus.port listens on TCP 16789, which is not a declared container port/],
    ['2', 'appservice token Secret not declared', appservices, (o) => { container(o, 'StatefulSet', 'matrix-homeserver').env.find((e: any) => /SIGNAL/.test(e.name)).valueFrom.secretKeyRef.name = 'signal'; }, /env TUWUNEL_APPSERVICE__SIGNAL_BRIDGE-2__AS_TOKEN: references Secret\/signal, which is neither/],
    ['2', 'Redis password Secret not declared', scaleOut, (o) => { container(o, 'Deployment', 'livekit').env.find((e: any) => e.name === 'LIVEKIT_REDIS_PASSWORD').valueFrom.secretKeyRef.name = 'redis'; }, /env LIVEKIT_REDIS_PASSWORD: references Secret\/redis/],
    ['2', 'NetworkPolicy selecting a host-network pod', scaleOut, (o) => { const np = JSON.parse(JSON.stringify(byName(o, 'NetworkPolicy', 'lk-jwt-service-policy'))); np.metadata.name = 'livekit-policy'; np.spec.podSelector = { matchLabels: { app: 'livekit' } }; o.push(np); }, /NetworkPolicy\/livekit-policy: selects the host-network pod of Deployment\/livekit/],
    ['2', 'host-network pod without ClusterFirstWithHostNet', scaleOut, (o) => { delete byName(o, 'Deployment', 'livekit').spec.template.spec.dnsPolicy; }, /Deployment\/livekit: hostNetwork without dnsPolicy ClusterFirstWithHostNet/],
    ['2', 'anti-affinity not selecting the pod itself', scaleOut, (o) => { byName(o, 'Deployment', 'livekit').spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels.app = 'livekit-sfu'; }, /3 host-network replicas without a required pod anti-affinity/],
    ['2', 'signaling Service not selecting the SFU pods', scaleOut, (o) => { byName(o, 'Service', 'livekit-signaling').spec.selector = { app: 'livekit', tier: 'sfu' }; }, /Service\/livekit-signaling: selector .* matches 0 pod templates/],
    ['2', 'workload selector not matching its template', scaleOut, (o) => { byName(o, 'Deployment', 'livekit').spec.selector.matchLabels.app = 'sfu'; }, /Deployment\/livekit: spec.selector .* does not select its own pod template/],
    ['2', 'topology spread naming the app but not selecting the pod', scheduling, (o) => {
      byName(o, 'StatefulSet', 'matrix-homeserver').spec.template.spec.topologySpreadConstraints[0].labelSelector.matchLabels = { app: 'matrix-homeserver', tier: 'none' };
    }, /topologySpreadConstraint on topology.kubernetes.io\/zone names the pod's app but selects .*, not the pod itself/],
    ['2', 'malformed NetworkPolicy peer', tight, (o) => { byName(o, 'NetworkPolicy', 'lk-jwt-service-policy').spec.ingress[0].from[0].ipBlock = { cidr: '10.0.0.0/8' }; }, /ingress\[0\].from\[0\] must set exactly one of ipBlock or podSelector\/namespaceSelector/],
    ['2', 'peer naming no pod of the stack', tight, (o) => { byName(o, 'NetworkPolicy', 'matrix-homeserver-policy').spec.ingress[0].from[1].podSelector.matchExpressions[0].values.push('element-web'); }, /podSelector value app=element-web names no pod of the stack/],
    ['2', 'restricted policy dropping the ingress controller', tight, (o) => { byName(o, 'NetworkPolicy', 'matrix-homeserver-policy').spec.ingress[0].from.shift(); }, /NetworkPolicy\/matrix-homeserver-policy: ingress\[0\] admits only pods of its own namespace/],
    ['2', 'In expression without values', tight, (o) => { byName(o, 'NetworkPolicy', 'lk-jwt-service-policy').spec.ingress[0].from[1].podSelector.matchExpressions[0].values = []; }, /podSelector uses In without values/],
    ['2', 'hostAliases with a host name as ip', tight, (o) => { byName(o, 'Deployment', 'lk-jwt-service').spec.template.spec.hostAliases[0].ip = 'ingress-nginx'; }, /hostAliases ip "ingress-nginx" is not an IP address/],
    ['2', 'webhook URL naming a missing Service', monitoring, (o) => { const cm = byName(o, 'ConfigMap', 'livekit-config'); cm.data['config.yaml'] = cm.data['config.yaml'].replace('http://lk-jwt-service:8080', 'http://lk-jwt:8080'); }, /webhook.urls "http:\/\/lk-jwt:8080\/sfu_webhook": names Service lk-jwt, which is not part of the stack/],
    ['3', 'HTTPRoute hostname not a DNS name', gateway, (o) => { byName(o, 'HTTPRoute', 'matrix-route').spec.hostnames = ['Matrix Example']; }, /HTTPRoute\/matrix-route: hostname "Matrix Example" is not a DNS name/],
    ['3', 'invalid priorityClassName', scheduling, (o) => { byName(o, 'Deployment', 'livekit').spec.template.spec.priorityClassName = 'Media_High'; }, /priorityClassName "Media_High" is not a valid name/],
    ['3', 'recommended label missing on a CRD', monitoring, (o) => { delete byName(o, 'ServiceMonitor', 'livekit').metadata.labels!['app.kubernetes.io/name']; }, /ServiceMonitor\/livekit: recommended label app.kubernetes.io\/name is missing/],
    ['4', 'host-network port below 1024', scaleOut, (o) => { container(o, 'Deployment', 'livekit').ports[1].containerPort = 443; }, /containerPort 443 is not in 1024-65535, which a non-root process on the host network cannot bind/],
    ['4', 'host-network pod running as root', scaleOut, (o) => { const t = byName(o, 'Deployment', 'livekit').spec.template.spec; t.securityContext.runAsNonRoot = false; }, /Deployment\/livekit: host-network pod without pod-level runAsNonRoot/],
    ['5', 'Redis password as env literal', scaleOut, (o) => { const e = container(o, 'Deployment', 'livekit').env.find((x: any) => x.name === 'LIVEKIT_REDIS_PASSWORD'); delete e.valueFrom; e.value = 'hunter2'; }, /env LIVEKIT_REDIS_PASSWORD carries a credential but does not come from a secretKeyRef/],
    ['6', 'appservice token for an undeclared ID', appservices, (o) => { container(o, 'StatefulSet', 'matrix-homeserver').env.find((e: any) => e.name === 'TUWUNEL_APPSERVICE__TELEGRAM__HS_TOKEN').name = 'TUWUNEL_APPSERVICE__TELEGRAM2__HS_TOKEN'; }, /TELEGRAM2__HS_TOKEN sets global.appservice.telegram2.hs_token, but tuwunel.toml has no \[global.appservice.telegram2\] table[\s\S]*appservice telegram gets no hs_token/],
    ['6', 'appservice env with an extra __ segment', appservices, (o) => { container(o, 'StatefulSet', 'matrix-homeserver').env.push({ name: 'TUWUNEL_APPSERVICE__A__B__AS_TOKEN', valueFrom: { secretKeyRef: { name: 'telegram-registration', key: 'x' } } }); }, /env TUWUNEL_APPSERVICE__A__B__AS_TOKEN is not a variable tuwunel reads/],
    ['6', 'appservice token written into tuwunel.toml', appservices, (o) => { const cm = byName(o, 'ConfigMap', 'matrix-homeserver-config'); cm.data['tuwunel.toml'] = cm.data['tuwunel.toml'].replace('sender_localpart = "telegrambot"', 'sender_localpart = "telegrambot"\nas_token = "x"'); }, /global.appservice.telegram.as_token must not be written into a ConfigMap/],
    ['6', 'unknown appservice key', appservices, (o) => { const cm = byName(o, 'ConfigMap', 'matrix-homeserver-config'); cm.data['tuwunel.toml'] = cm.data['tuwunel.toml'].replace('sender_localpart = "telegrambot"', 'sender_localpart = "telegrambot"\nnamespaces = 1'); }, /global.appservice.telegram.namespaces is not a key Tuwunel reads/],
    ['6', 'NODE_IP while STUN is on', scaleOut, (o) => { const cm = byName(o, 'ConfigMap', 'livekit-config'); cm.data['config.yaml'] = cm.data['config.yaml'].replace('use_external_ip: false', 'use_external_ip: true'); }, /NODE_IP is set but ConfigMap\/livekit-config rtc.use_external_ip is not false/],
    ['6', 'unknown Redis key', scaleOut, (o) => { const cm = byName(o, 'ConfigMap', 'livekit-config'); cm.data['config.yaml'] = cm.data['config.yaml'].replace('use_tls: true', 'tls: true'); }, /redis.tls is not a key LiveKit reads/],
    ['6', 'scale-out without Redis', scaleOut, (o) => { const cm = byName(o, 'ConfigMap', 'livekit-config'); cm.data['config.yaml'] = cm.data['config.yaml'].replace(/redis:\n(  .*\n)+/, ''); }, /3 SFU replicas without a Redis address/],
    ['6', 'webhooks without the API key env', monitoring, (o) => { const c = container(o, 'Deployment', 'livekit'); c.env = c.env.filter((e: any) => e.name !== 'LIVEKIT_WEBHOOK_API_KEY'); }, /webhook.urls set without LIVEKIT_WEBHOOK_API_KEY/],
    ['6', 'webhook API key not lk-jwt\'s key', monitoring, (o) => { container(o, 'Deployment', 'livekit').env.find((e: any) => e.name === 'LIVEKIT_WEBHOOK_API_KEY').valueFrom.secretKeyRef.key = 'LIVEKIT_API_SECRET'; }, /LIVEKIT_WEBHOOK_API_KEY comes from livekit-credentials\/LIVEKIT_API_SECRET, but lk-jwt-service's LIVEKIT_KEY from livekit-credentials\/LIVEKIT_API_KEY/],
    ['8', 'TURNS pair unreadable without fsGroup (issue 18)', full, (o) => { delete byName(o, 'Deployment', 'livekit').spec.template.spec.securityContext.fsGroup; }, /Deployment\/livekit container livekit: \/etc\/livekit-turn-tls\/tls.crt .* cannot read/],
    // A container the library does not name, with an image no model knows (a mirrored image in a library container is that container's program).
    ['9', 'image outside the start-up model', full, (o) => {
      const pod = byName(o, 'Deployment', 'livekit').spec.template.spec;
      pod.containers.push({ ...pod.containers[0], name: 'proxy', image: 'docker.io/library/nginx:1.27' });
    }, /container proxy: image .* is not in the start-up model/],
    ['7', 'different output', full, (o) => { byName(o, 'Deployment', 'livekit').spec.replicas = 2; }, /output differs between two synths/],
  ];

  it.each(cases)('invariant %s: %s', (invariant, _what, s, change, expected) => {
    const messages = check(invariant)(mutate(s, change), s);
    expect(messages.join('\n')).toMatch(expected);
  });
});
