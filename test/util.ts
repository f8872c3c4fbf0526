// The one test utility module: synthesis, lookup by kind and name, config parsing and validation-error helpers.
import { App, Chart, Testing, Yaml } from 'cdk8s';
import { parse as parseYamlText } from 'yaml';
import { MatrixChat, MatrixChatProps } from '../src';

/** A Kubernetes object as synthesized. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: any;
}

// smol-toml's types declare only its ES module build; its CommonJS build is what jest loads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse: parseTomlText } = require('smol-toml') as { parse(text: string): any };

/** Parses a TOML document (smol-toml, the parser matching the serializer the library bundles). */
export function parseToml(text: string): any {
  return parseTomlText(text);
}

/** A valid secret of 40 characters for inline-credential tests (never used outside tests). */
export const TEST_API_SECRET = 'test-secret-0123456789abcdefghijklmnopqr';

/** Props that synthesize without errors: existing Secrets for every credential. */
export const MINIMAL_PROPS: MatrixChatProps = {
  serverName: 'matrix.example.org',
  homeserver: { registrationTokenExistingSecret: { name: 'matrix-registration' } },
  livekit: { keys: { existingSecret: { name: 'livekit-credentials' } } },
};

/** Builds a MatrixChat in a fresh chart (namespace `chat` unless given) and returns both. */
export function build(props: MatrixChatProps, namespace: string | null = 'chat'): { app: App; chart: Chart; chat: MatrixChat } {
  const app = Testing.app();
  const chart = new Chart(app, 'test', { namespace: namespace ?? undefined });
  const chat = new MatrixChat(chart, 'chat', props);
  return { app, chart, chat };
}

/** Synthesizes a MatrixChat and returns its objects (throws the validation error if any); `null` = a chart without namespace. */
export function synth(props: MatrixChatProps, namespace: string | null = 'chat'): K8sObject[] {
  return Testing.synth(build(props, namespace).chart) as K8sObject[];
}

/** The validation error message of a MatrixChat that must fail, or '' when it synthesizes. */
export function synthErrors(props: MatrixChatProps, namespace: string | null = 'chat'): string {
  try {
    synth(props, namespace);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

/** Finds exactly one object by kind and name. */
export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const matches = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (matches.length !== 1) {
    throw new Error(`expected one ${kind}/${name}, found ${matches.length} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  }
  return matches[0];
}

/** Whether an object of this kind and name exists. */
export function has(objects: K8sObject[], kind: string, name: string): boolean {
  return objects.some((o) => o.kind === kind && o.metadata.name === name);
}

/** The first container of a workload's pod template. */
export function container(workload: K8sObject, name?: string): any {
  const containers = workload.spec.template.spec.containers as any[];
  return name === undefined ? containers[0] : containers.find((c) => c.name === name);
}

/** An env var of a container, by name. */
export function env(c: any, name: string): any {
  return (c.env ?? []).find((e: any) => e.name === name);
}

/** Parses tuwunel.toml out of the homeserver ConfigMap. */
export function tuwunelConfig(objects: K8sObject[], name = 'matrix-homeserver-config'): any {
  return parseToml(find(objects, 'ConfigMap', name).data['tuwunel.toml']);
}

/** Parses LiveKit's config.yaml out of its ConfigMap. */
export function livekitConfig(objects: K8sObject[], name = 'livekit-config'): any {
  return parseYaml(find(objects, 'ConfigMap', name).data['config.yaml']);
}

/** Parses one YAML document with cdk8s's bundled YAML library. */
export function parseYaml(text: string): any {
  return parseYamlText(text);
}

/** Decodes a Secret's data value. */
export function secretValue(secret: K8sObject, key: string): string {
  return Buffer.from(secret.data[key], 'base64').toString('utf8');
}

/** The whole output as one YAML string (what `cdk8s synth` writes). */
export function toYaml(objects: K8sObject[]): string {
  return Yaml.stringify(...objects);
}

/** A valid sha256 digest for image tests (never a real image). */
export const TEST_DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

/** Props with inline credentials everywhere (registration token and LiveKit keys). */
export const INLINE_PROPS: MatrixChatProps = {
  serverName: 'matrix.example.org',
  homeserver: { registrationToken: 'reg-token-S3cr3t-0123456789' },
  livekit: { keys: { apiKey: 'APIchat', apiSecret: TEST_API_SECRET } },
};

/** MINIMAL_PROPS with a TURNS relay. */
export const TURN_PROPS: MatrixChatProps = {
  ...MINIMAL_PROPS,
  livekit: {
    ...MINIMAL_PROPS.livekit,
    turn: { enabled: true, domain: 'turn.matrix.example.org', tls: { existingSecret: 'livekit-turn-tls' } },
  },
};

/** The external-LiveKit stack of the seed document. */
export const EXTERNAL_PROPS: MatrixChatProps = {
  serverName: 'matrix.example.org',
  homeserver: { registrationTokenExistingSecret: { name: 'matrix-registration' } },
  livekit: {
    enabled: false,
    publicUrl: 'wss://livekit.operator.example',
    keys: { existingSecret: { name: 'operator-livekit-creds', apiKeyKey: 'API_KEY', apiSecretKey: 'API_SECRET' } },
  },
};

/** The problem lines of a validation error, without the `[construct/path] ` prefix. */
export function problemLines(message: string): string[] {
  return message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('['))
    .map((line) => line.replace(/^\[[^\]]*\]\s*/, ''));
}

/** The problem lines of a failed synth that name `path` (as their leading prop path). */
export function problemsAt(props: MatrixChatProps, path: string, withNamespace = true): string[] {
  return problemLines(withNamespace ? synthErrors(props) : synthErrorsWithoutNamespace(props)).filter((line) => line.startsWith(`${path}: `));
}

/** Every leaf key path of a parsed config document (`rtc.tcp_port`, …); arrays and `keys` are leaves. */
export function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || prefix === 'keys') {
    return [prefix];
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return [prefix];
  return entries.flatMap(([key, child]) => leafPaths(child, prefix === '' ? key : `${prefix}.${key}`));
}

/** Objects of a kind. */
export function ofKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** `Kind/name` of every object, sorted. */
export function objectIds(objects: K8sObject[]): string[] {
  return objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
}

/** The pod spec of a workload. */
export function podSpec(workload: K8sObject): any {
  return workload.spec.template.spec;
}

/** A named volume of a workload's pod. */
export function volume(workload: K8sObject, name: string): any {
  return (podSpec(workload).volumes ?? []).find((v: any) => v.name === name);
}

/** A named volume mount of a container. */
export function mount(c: any, name: string): any {
  return (c.volumeMounts ?? []).find((m: any) => m.name === name);
}

/** The ingress paths as `[path, service, port]` rows, in order. */
export function ingressRoutes(ingress: K8sObject): Array<[string, string, number]> {
  return ingress.spec.rules[0].http.paths.map((p: any) => [p.path, p.backend.service.name, p.backend.service.port.number]);
}

/** Sorted `port/protocol` strings. */
export function portSet(ports: Array<{ port?: number; containerPort?: number; protocol?: string }>): string[] {
  return ports.map((p) => `${p.containerPort ?? p.port}/${p.protocol ?? 'TCP'}`).sort();
}

/**
 * The validation error of a MatrixChat in a Chart WITHOUT a namespace ('' when it synthesizes).
 * (`synthErrors(props, undefined)` falls back to its default namespace `chat`.)
 */
export function synthErrorsWithoutNamespace(props: MatrixChatProps): string {
  const chart = new Chart(Testing.app(), 'test');
  new MatrixChat(chart, 'chat', props);
  try {
    Testing.synth(chart);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

/** The security context every container of the stack carries. */
export const HARDENED_CONTAINER = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  privileged: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** `Kind/name` of every object of the external-LiveKit stack: homeserver, lk-jwt-service, ingress and their policies. */
export const EXTERNAL_OBJECT_IDS = [
  'ConfigMap/matrix-homeserver-config',
  'Deployment/lk-jwt-service',
  'Ingress/matrix-ingress',
  'NetworkPolicy/lk-jwt-service-policy',
  'NetworkPolicy/matrix-homeserver-policy',
  'Service/lk-jwt-service',
  'Service/matrix-homeserver',
  'StatefulSet/matrix-homeserver',
];

/** One validation rule: props that break it, the valid neighbour, the prop path and the reason named. */
export type RuleCase = [rule: string, bad: MatrixChatProps, good: MatrixChatProps, path: string, reason: string];

/** Each rule is reported at its prop path with its reason and a fix, and its valid neighbour synthesizes. */
export function testRuleTable(rules: RuleCase[]): void {
  test.each(rules)('%s: reported at its prop path with the reason', (_rule, bad, _good, path, reason) => {
    const lines = problemsAt(bad, path);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.some((line) => line.includes(reason))).toBe(true);
    // Every message also says what to do.
    for (const line of lines) expect(line).toMatch(/Fix: .+\.$/);
  });

  test.each(rules)('%s: the valid neighbour synthesizes', (_rule, _bad, good) => {
    expect(synthErrors(good)).toBe('');
  });
}
