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
const { parse: parseToml } = require('smol-toml') as { parse(text: string): any };

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
