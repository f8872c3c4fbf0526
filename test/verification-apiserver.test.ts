// Invariant 8 (API server validation): each ported rule catches a defect planted into otherwise valid output.
import { K8sObject, synth } from './util';
import { apiServer } from './verification/apiserver';
import { isConfigMapKey, isQualifiedName, parseQuantity } from './verification/apiserver-rules';
import { SCENARIOS } from './verification/scenarios';

const named = (prefix: string) => SCENARIOS.find((s) => s.name.startsWith(prefix))!;
const full = named('TURN with custom TLS port and inline credentials');
const scheduling = named('scheduling');
const gateway = named('Gateway API, bundled');
const managedTurn = named('TURN with a managed certificate');
const monitoring = named('webhooks, metrics');
const traefik = named('ingress traefik with namespace');
const tight = named('lk-jwt serverNameAddress and tight');

const cache = new Map<string, K8sObject[]>();
function objectsOf(s: typeof full): K8sObject[] {
  if (!cache.has(s.name)) cache.set(s.name, synth(s.props, s.namespace ?? null));
  return JSON.parse(JSON.stringify(cache.get(s.name)));
}
const byName = (o: K8sObject[], kind: string, name: string) => o.find((x) => x.kind === kind && x.metadata.name === name)!;
const pod = (o: K8sObject[], kind: string, name: string) => byName(o, kind, name).spec.template.spec;
const lk = (o: K8sObject[]) => pod(o, 'Deployment', 'livekit');
const hs = (o: K8sObject[]) => pod(o, 'StatefulSet', 'matrix-homeserver');

type Case = [string, typeof full, (o: K8sObject[]) => void, RegExp];
const cases: Case[] = [
  // ObjectMeta (apimachinery ValidateObjectMeta, ValidateLabels, ValidateAnnotations)
  ['Service name not a DNS-1035 label', full, (o) => { byName(o, 'Service', 'livekit-rtc').metadata.name = '1-rtc'; }, /Service\/1-rtc: metadata.name .*ValidateServiceName/],
  ['namespace with a dot', full, (o) => { byName(o, 'ConfigMap', 'livekit-config').metadata.namespace = 'chat.prod'; }, /metadata.namespace .*ValidateNamespaceName/],
  ['label value over 63 characters', full, (o) => { byName(o, 'Service', 'livekit-rtc').metadata.labels!.team = 'x'.repeat(64); }, /metadata.labels\["team"\] value .*IsValidLabelValue/],
  ['annotation key with a space', full, (o) => { byName(o, 'Service', 'livekit-rtc').metadata.annotations = { 'a b': 'x' }; }, /metadata.annotations\["a b"\] key is not a qualified name \(ValidateAnnotations\)/],
  ['annotations over 256 KiB', full, (o) => { byName(o, 'Service', 'livekit-rtc').metadata.annotations = { a: 'x'.repeat(262144) }; }, /total 262145 bytes exceeds 262144 \(ValidateAnnotationsSize\)/],
  ['object over 1 MiB', full, (o) => { byName(o, 'ConfigMap', 'livekit-config').data.big = 'x'.repeat(1048577); }, /ConfigMap\/livekit-config: object is \d+ bytes, above 1048576[\s\S]*data totals/],
  // Secret / ConfigMap (ValidateSecret, ValidateConfigMap)
  ['ConfigMap key starting with ..', full, (o) => { byName(o, 'ConfigMap', 'livekit-config').data['..data'] = 'x'; }, /data\["\.\.data"\] is not a valid key \(IsConfigMapKey\)/],
  ['Secret data not base64', full, (o) => { const s = o.find((x) => x.kind === 'Secret')!; s.data![Object.keys(s.data!)[0]] = 'not base64!'; }, /is not base64/],
  // Service (ValidateService)
  ['duplicate Service port name', full, (o) => { const p = byName(o, 'Service', 'livekit-rtc').spec.ports; p[1].name = p[0].name; }, /Service\/livekit-rtc: spec.ports\[1\].name .* is a duplicate \(validateServicePort\)/],
  ['Service targetPort name not a port name', full, (o) => { byName(o, 'Service', 'livekit-rtc').spec.ports[0].targetPort = 'RTC_UDP'; }, /targetPort "RTC_UDP" is not a port number or name/],
  ['Service port 0', full, (o) => { byName(o, 'Service', 'livekit-rtc').spec.ports[0].port = 0; }, /spec.ports\[0\].port 0 is not 1-65535/],
  // Ingress (pkg/apis/networking/validation)
  ['ingress.class annotation contradicting ingressClassName', full, (o) => { const i = byName(o, 'Ingress', 'matrix-ingress'); i.metadata.annotations = { ...i.metadata.annotations, 'kubernetes.io/ingress.class': 'traefik' }; }, /must match ingressClassName "nginx" when both are specified \(ValidateIngressCreate\)/],
  ['Prefix path with //', full, (o) => { const p = byName(o, 'Ingress', 'matrix-ingress').spec.rules[0].http.paths.find((x: any) => x.pathType === 'Prefix'); p.path = '/_matrix//client'; }, /contains an invalid sequence \(validateHTTPIngressPath/],
  ['backend port with name and number', full, (o) => { byName(o, 'Ingress', 'matrix-ingress').spec.rules[0].http.paths[0].backend.service.port.name = 'http'; }, /must set exactly one of name or number \(validateIngressBackend\)/],
  ['Ingress host an IP', full, (o) => { byName(o, 'Ingress', 'matrix-ingress').spec.rules[0].host = '10.0.0.1'; }, /must be a DNS name, not an IP address/],
  // NetworkPolicy (ValidateNetworkPolicySpec)
  ['endPort below port', full, (o) => { byName(o, 'NetworkPolicy', 'livekit-policy').spec.ingress[0].ports[0].endPort = 1; }, /endPort needs a numeric port and must be ≥ port/],
  ['ipBlock with an invalid CIDR', tight, (o) => { const from = byName(o, 'NetworkPolicy', 'lk-jwt-service-policy').spec.ingress[0].from; from.push({ ipBlock: { cidr: '10.0.0.0/33' } }); }, /ipBlock.cidr "10.0.0.0\/33" is not a CIDR \(ValidateIPBlock\)/],
  ['unknown policyType', full, (o) => { byName(o, 'NetworkPolicy', 'livekit-policy').spec.policyTypes = ['Ingress', 'Inbound']; }, /spec.policyTypes .* is not a set of Ingress\/Egress/],
  // Deployment / StatefulSet (pkg/apis/apps/validation)
  ['negative replicas', full, (o) => { byName(o, 'Deployment', 'livekit').spec.replicas = -1; }, /spec.replicas -1 is not a non-negative int32/],
  ['selector not matching the template', full, (o) => { byName(o, 'Deployment', 'livekit').spec.template.metadata.labels = { app: 'other' }; }, /do not match spec.selector/],
  ['maxSurge and maxUnavailable both 0', full, (o) => { byName(o, 'Deployment', 'livekit').spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } }; }, /may not both be 0 \(ValidateRollingUpdateDeployment\)/],
  ['StatefulSet name too long for its controller-revision-hash label', full, (o) => { byName(o, 'StatefulSet', 'matrix-homeserver').metadata.name = 'x'.repeat(55); }, /pod label controller-revision-hash .* exceeds 63 characters/],
  ['StatefulSet pod name over 63 characters', full, (o) => { byName(o, 'StatefulSet', 'matrix-homeserver').metadata.name = 'x'.repeat(62); }, /pod name "x{62}-0" is not a DNS-1123 label/],
  ['PVC storage of zero', full, (o) => { byName(o, 'StatefulSet', 'matrix-homeserver').spec.volumeClaimTemplates[0].spec.resources.requests.storage = '0'; }, /resources.requests.storage "0" must be greater than zero/],
  ['PVC without access modes', full, (o) => { byName(o, 'StatefulSet', 'matrix-homeserver').spec.volumeClaimTemplates[0].spec.accessModes = []; }, /must specify at least one access mode/],
  ['PVC name over 253 characters', full, (o) => { byName(o, 'StatefulSet', 'matrix-homeserver').spec.volumeClaimTemplates[0].metadata.name = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}`; }, /PVC .* is not a valid claim name/],
  // Containers (validateContainers, validateContainerPorts, ValidateEnv, ValidateVolumeMounts, validateProbe)
  ['container name with upper case', full, (o) => { lk(o).containers[0].name = 'LiveKit'; }, /containers\[0\].name "LiveKit" is not a DNS-1123 label/],
  ['image with trailing whitespace', full, (o) => { lk(o).containers[0].image += ' '; }, /image is required and may not have leading or trailing whitespace/],
  ['duplicate container port name in the pod', full, (o) => { const p = lk(o).containers[0].ports; p[1].name = p[0].name; }, /is a duplicate in the pod/],
  ['hostPort differing from containerPort on the host network', full, (o) => { const s = lk(o); s.hostNetwork = true; s.containers[0].ports[0].hostPort = 1; }, /hostPort is out of range or differs from containerPort/],
  ['env name starting with a digit', full, (o) => { lk(o).containers[0].env.push({ name: '1X', value: 'x' }); }, /env\[\d+\].name "1X" is not a valid environment variable name/],
  ['secretKeyRef key ..api-key', full, (o) => { const e = lk(o).containers[0].env.find((x: any) => x.valueFrom?.secretKeyRef); e.valueFrom.secretKeyRef.key = '..api-key'; }, /secretKeyRef.key "\.\.api-key" is not a valid key/],
  ['env with value and valueFrom', full, (o) => { const e = lk(o).containers[0].env.find((x: any) => x.valueFrom?.secretKeyRef); e.value = 'x'; }, /may not have both value and valueFrom/],
  ['volumeMount of a missing volume', full, (o) => { lk(o).containers[0].volumeMounts.push({ name: 'ghost', mountPath: '/ghost' }); }, /volumeMounts\[\d+\].name "ghost" is not a volume of the pod/],
  ['duplicate mountPath', full, (o) => { const m = lk(o).containers[0].volumeMounts; m.push({ ...m[0] }); }, /mountPath .* must be unique/],
  ['subPath with ..', full, (o) => { lk(o).containers[0].volumeMounts[0].subPath = '../etc'; }, /subPath must be a relative path without/],
  ['probe with two handlers', full, (o) => { const p = hs(o).containers[0].livenessProbe; p.tcpSocket = { port: 8008 }; }, /livenessProbe must specify exactly one handler, not 2/],
  ['liveness successThreshold 2', full, (o) => { hs(o).containers[0].livenessProbe.successThreshold = 2; }, /livenessProbe.successThreshold must be 1/],
  ['negative CPU request', full, (o) => { lk(o).containers[0].resources.requests.cpu = '-250m'; }, /resources.requests.cpu "-250m" is negative \(ValidateNonnegativeQuantity\)/],
  ['CPU NaNm', full, (o) => { lk(o).containers[0].resources.requests.cpu = 'NaNm'; }, /resources.requests.cpu "NaNm" is not a quantity/],
  ['ephemeral-storage request above limit', full, (o) => { const r = lk(o).containers[0].resources; r.requests['ephemeral-storage'] = '2Gi'; r.limits['ephemeral-storage'] = '1Gi'; }, /requests.ephemeral-storage "2Gi" must be less than or equal to the ephemeral-storage limit/],
  // Volumes (ValidateVolumes)
  ['volume with two sources', full, (o) => { lk(o).volumes[0].emptyDir = {}; }, /must specify exactly one volume source, not 2/],
  ['volume item path with ..', full, (o) => { const v = lk(o).volumes.find((x: any) => x.configMap?.items ?? x.secret?.items); (v.configMap ?? v.secret).items[0].path = '../x'; }, /items\[0\].path "..\/x" is not a relative path/],
  ['defaultMode above 0777', full, (o) => { const v = lk(o).volumes.find((x: any) => x.secret); v.secret.defaultMode = 0o1000; }, /defaultMode is not 0-0777/],
  // Scheduling (ValidateTolerations, validateAffinity, validateTopologySpreadConstraints)
  ['toleration with an unknown effect', scheduling, (o) => { lk(o).tolerations[0].effect = 'NoRun'; }, /tolerations\[0\].effect "NoRun" is not supported \(validateTaintEffect\)/],
  ['toleration Exists with a value', scheduling, (o) => { Object.assign(lk(o).tolerations[0], { operator: 'Exists', value: 'x' }); }, /value must be empty when operator is Exists/],
  ['toleration without key and operator Equal', scheduling, (o) => { lk(o).tolerations[0].key = ''; }, /operator must be Exists when key is empty/],
  ['empty nodeSelectorTerms', scheduling, (o) => { lk(o).affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } }; }, /must have at least one node selector term \(ValidateNodeSelector\)/],
  ['preferred weight 0', scheduling, (o) => { lk(o).affinity = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: {} }] } }; }, /weight 0 must be in the range 1-100 \(validatePreferredSchedulingTerms\)/],
  ['pod anti-affinity weight 101', scheduling, (o) => { lk(o).affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 101, podAffinityTerm: { topologyKey: 'zone' } }] } }; }, /weight 101 must be in the range 1-100 \(validateWeightedPodAffinityTerms\)/],
  ['node requirement In without values', scheduling, (o) => { lk(o).affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In' }] }] } } }; }, /values must be non-empty with In \(validateNodeSelectorRequirement\)/],
  ['maxSkew 0', scheduling, (o) => { lk(o).topologySpreadConstraints[0].maxSkew = 0; }, /maxSkew 0 must be greater than zero \(ValidateMaxSkew\)/],
  ['whenUnsatisfiable unknown', scheduling, (o) => { lk(o).topologySpreadConstraints[0].whenUnsatisfiable = 'Never'; }, /whenUnsatisfiable "Never" is not supported/],
  ['repeated topology spread pair', scheduling, (o) => { const c = lk(o).topologySpreadConstraints; c.push({ ...c[0] }); }, /repeats \{topologyKey, whenUnsatisfiable\}/],
  ['minDomains with ScheduleAnyway', scheduling, (o) => { Object.assign(lk(o).topologySpreadConstraints[0], { minDomains: 2, whenUnsatisfiable: 'ScheduleAnyway' }); }, /minDomains must be > 0 with DoNotSchedule/],
  ['hostAliases hostname with a space', tight, (o) => { pod(o, 'Deployment', 'lk-jwt-service').hostAliases[0].hostnames.push('a b'); }, /hostAliases\[0\].hostnames "a b" is not a DNS name/],
  // CRD patterns
  ['HTTPRoute hostname with upper case', gateway, (o) => { byName(o, 'HTTPRoute', 'matrix-route').spec.hostnames = ['Matrix.example.org']; }, /does not match the Hostname pattern/],
  ['HTTPRoute Service backend without port', gateway, (o) => { delete byName(o, 'HTTPRoute', 'matrix-route').spec.rules[0].backendRefs[0].port; }, /port is required for a Service/],
  ['HTTPRoute parentRef namespace with a dot', gateway, (o) => { byName(o, 'HTTPRoute', 'matrix-route').spec.parentRefs[0].namespace = 'gateway.system'; }, /parentRefs\[0\].namespace is not a DNS label/],
  ['Certificate DNS name with a space', managedTurn, (o) => { byName(o, 'Certificate', 'livekit-turn-tls').spec.dnsNames = ['turn example']; }, /spec.dnsNames "turn example" is not a DNS name/],
  ['ServiceMonitor interval 30 seconds', monitoring, (o) => { byName(o, 'ServiceMonitor', 'livekit').spec.endpoints[0].interval = '30sec'; }, /interval "30sec" is not a Duration/],
  ['Traefik allow-list entry not an IP', traefik, (o) => { const m = o.find((x) => x.kind === 'Middleware' && x.spec.ipAllowList) ?? byName(o, 'Middleware', 'matrix-redirect-https'); m.spec.ipAllowList = { sourceRange: ['everyone'] }; }, /"everyone" is not an IP or CIDR/],
];

describe('invariant 8 (API server validation) catches each planted defect', () => {
  test('every scenario passes it unchanged', () => {
    for (const s of [full, scheduling, gateway, managedTurn, monitoring, traefik, tight]) expect(apiServer(objectsOf(s))).toEqual([]);
  });

  it.each(cases)('%s', (_what, s, change, expected) => {
    const objects = objectsOf(s);
    change(objects);
    expect(apiServer(objects).join('\n')).toMatch(expected);
  });

  test('a mixed-case annotation key passes (the server lowercases before checking)', () => {
    const objects = objectsOf(full);
    byName(objects, 'Service', 'livekit-rtc').metadata.annotations = { 'Example.com/Owner': 'x' };
    expect(apiServer(objects)).toEqual([]);
  });
});

describe('API server primitives', () => {
  test.each([['key', true], ['.key', true], ['a..b', true], ['.', false], ['..', false], ['..key', false], ['', false], ['a/b', false], ['k'.repeat(254), false]])('IsConfigMapKey(%p) is %p', (v, ok) => {
    expect(isConfigMapKey(v)).toBe(ok);
  });
  test.each([['app', true], ['example.com/app', true], ['Example.com/app', false], ['a/b/c', false], ['/app', false], ['-app', false], ['x'.repeat(64), false]])('IsQualifiedName(%p) is %p', (v, ok) => {
    expect(isQualifiedName(v)).toBe(ok);
  });
  test.each([['250m', 0.25], ['1Gi', 2 ** 30], ['1e3', 1000], ['-1', -1], ['.5', 0.5], ['NaNm', undefined], ['1 Gi', undefined], ['1GiB', undefined]])('ParseQuantity(%p) = %p', (v, n) => {
    expect(parseQuantity(v)).toBe(n);
  });
});
