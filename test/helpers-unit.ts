/**
 * Helpers for the field-by-field unit tests (homeserver, livekit, lk-jwt, ingress, network
 * policies, CSP, external mode, validation). Generic helpers live in `util.ts`.
 */
import { Chart, Testing } from 'cdk8s';
import { K8sObject, MINIMAL_PROPS, TEST_API_SECRET, synthErrors } from './util';
import { MatrixChat, MatrixChatProps } from '../src';

// smol-toml's types only declare its ES module build; its CommonJS build is what jest loads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse: parseTomlText } = require('smol-toml') as { parse(text: string): any };

/** Parses a TOML document (smol-toml, the parser matching the serializer the library bundles). */
export function parseToml(text: string): any {
  return parseTomlText(text);
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
 * (`util.synthErrors(props, undefined)` falls back to its default namespace `chat`.)
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
