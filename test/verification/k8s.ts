/** Helpers to walk synthesized Kubernetes objects. */
import { K8sObject } from '../util';

/** `Kind/name` of an object, for messages. */
export function ref(o: K8sObject): string {
  return `${o.kind}/${o.metadata?.name}`;
}

/** A pod template inside a workload. */
export interface PodTemplate {
  /** The workload holding the template. */
  readonly owner: K8sObject;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly spec: any;
  /** Regular containers. */
  readonly containers: any[];
  /** Init containers. */
  readonly initContainers: any[];
  /** Names of the StatefulSet's volumeClaimTemplates (usable as volume names). */
  readonly claimTemplates: string[];
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController']);

/** Every pod template of the stack (workloads, CronJobs and bare Pods). */
export function podTemplates(objects: K8sObject[]): PodTemplate[] {
  const result: PodTemplate[] = [];
  for (const o of objects) {
    let template: any;
    if (WORKLOAD_KINDS.has(o.kind)) template = o.spec?.template;
    else if (o.kind === 'CronJob') template = o.spec?.jobTemplate?.spec?.template;
    else if (o.kind === 'Pod') template = { metadata: o.metadata, spec: o.spec };
    if (!template) continue;
    result.push({
      owner: o,
      labels: template.metadata?.labels ?? {},
      annotations: template.metadata?.annotations ?? {},
      spec: template.spec ?? {},
      containers: template.spec?.containers ?? [],
      initContainers: template.spec?.initContainers ?? [],
      claimTemplates: (o.spec?.volumeClaimTemplates ?? []).map((t: any) => t.metadata?.name),
    });
  }
  return result;
}

/** A label selector (`matchLabels` + `matchExpressions`) applied to a label set. */
export function selectorMatches(selector: any, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const expr of selector?.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, expr.key);
    const values: string[] = expr.values ?? [];
    switch (expr.operator) {
      case 'In': if (!has || !values.includes(labels[expr.key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[expr.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** A container port as the API server defaults it. */
export interface ContainerPort {
  readonly container: string;
  readonly name?: string;
  readonly port: number;
  readonly protocol: string;
}

export function containerPorts(pod: PodTemplate): ContainerPort[] {
  return [...pod.containers, ...pod.initContainers].flatMap((c) => (c.ports ?? []).map((p: any) => ({
    container: c.name, name: p.name, port: p.containerPort, protocol: p.protocol ?? 'TCP',
  })));
}

/** Resolves a port reference (number or name) against ports; protocol must match when given. */
export function findPort(ports: ContainerPort[], port: number | string, protocol?: string): ContainerPort | undefined {
  return ports.find((p) => (typeof port === 'number' ? p.port === port : p.name === port) && (protocol === undefined || p.protocol === protocol));
}

/** Every string inside a value, with its JSON path. */
export function strings(value: unknown, path = ''): Array<{ path: string; value: string }> {
  if (typeof value === 'string') return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [{ path: `${path}.${k}#key`, value: k }, ...strings(v, `${path}.${k}`)]);
  }
  return [];
}

/** The workload's program, from its `app.kubernetes.io/name` label. */
export function programOf(pod: PodTemplate): string | undefined {
  return pod.owner.metadata?.labels?.['app.kubernetes.io/name'] ?? pod.labels['app.kubernetes.io/name'];
}

const QUANTITY = /^([+-]?[0-9.]+)([eE][+-]?[0-9]+|[numkMGTPE]|[KMGTPE]i)?$/;
const SUFFIX: Record<string, number> = {
  'n': 1e-9,
  'u': 1e-6,
  'm': 1e-3,
  '': 1,
  'k': 1e3,
  'M': 1e6,
  'G': 1e9,
  'T': 1e12,
  'P': 1e15,
  'E': 1e18,
  'Ki': 2 ** 10,
  'Mi': 2 ** 20,
  'Gi': 2 ** 30,
  'Ti': 2 ** 40,
  'Pi': 2 ** 50,
  'Ei': 2 ** 60,
};

/** A Kubernetes quantity as a number; undefined when it does not parse. */
export function quantity(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const match = QUANTITY.exec(value);
  if (!match) return undefined;
  const base = Number(match[1]);
  const suffix = match[2] ?? '';
  if (Number.isNaN(base)) return undefined;
  if (/^[eE]/.test(suffix)) return base * 10 ** Number(suffix.slice(1));
  return base * SUFFIX[suffix];
}

/**
 * A container's command line as the program sees it. `/bin/sh -c SCRIPT` (the SFU started with
 * the address its init container found) is split into the script's words, quotes dropped, so
 * flags such as `--config` are found there too; a multi-line script is not a command line and
 * yields only the shell and `-c`.
 */
export function commandLine(container: any): string[] {
  const argv: string[] = [...(container.command ?? []), ...(container.args ?? [])].map(String);
  const shell = argv.length === 3 && /(^|\/)sh$/.test(argv[0]) && argv[1] === '-c';
  if (!shell) return argv;
  if (argv[2].includes('\n')) return argv.slice(0, 2);
  return argv[2].split(/\s+/).map((w) => w.replace(/^["']+|["')]+$/g, '')).filter((w) => w !== '');
}
