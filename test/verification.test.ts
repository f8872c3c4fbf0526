import { K8sObject, synth } from './util';
import { stopCrdValidator } from './verification/crd-models';
import { INVARIANTS } from './verification/invariants';
import { SCENARIOS } from './verification/scenarios';

afterAll(stopCrdValidator);

describe.each(SCENARIOS.map((s) => [s.name, s] as const))('scenario: %s', (_name, scenario) => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = synth(scenario.props, scenario.namespace);
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
  const mutate = (s: typeof full, change: (objects: K8sObject[]) => void): K8sObject[] => {
    const objects = JSON.parse(JSON.stringify(synth(s.props, s.namespace))) as K8sObject[];
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
    ['2', 'config file outside any mount', full, (o) => { byName(o, 'Deployment', 'livekit').spec.template.spec.containers[0].args[1] = '/config.yaml'; }, /--config = "\/config.yaml" lies under no volumeMount/],
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
    ['7', 'different output', full, (o) => { byName(o, 'Deployment', 'livekit').spec.replicas = 2; }, /output differs between two synths/],
  ];

  it.each(cases)('invariant %s: %s', (invariant, _what, s, change, expected) => {
    const messages = check(invariant)(mutate(s, change), s);
    expect(messages.join('\n')).toMatch(expected);
  });
});
