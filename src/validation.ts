// The Problems collector and the value checks every construct's validators share.
import { isIP } from 'node:net';
import { Construct } from 'constructs';
import { BASE_NAMES, MAX_NAME_LENGTH, prefixed } from './names';

/**
 * Collects every configuration problem found in a construct's props, so that synthesis
 * reports all of them at once (through `node.addValidation`) instead of one per run.
 *
 * Each message names the prop path, the runtime failure it prevents and the fix.
 */
export class Problems {
  private readonly messages: string[] = [];
  private readonly settledPaths: string[] = [];

  /**
   * @param path the prop path, e.g. `livekit.keys.apiSecret`
   * @param what what is wrong with the value
   * @param why the runtime failure this would cause
   * @param fix how to fix it
   */
  public add(path: string, what: string, why: string, fix: string): void {
    if (isUnder(path, this.settledPaths)) return;
    this.messages.push(`${path}: ${what}; ${why}. Fix: ${fix}.`);
  }

  /**
   * Marks a prop path as reported for good (its value had the wrong type and was dropped): a
   * later problem at it or below it is a consequence of the same mistake, and is left out.
   */
  public settle(path: string): void {
    this.settledPaths.push(path);
  }

  /** The paths marked by `settle`. */
  public get settled(): string[] {
    return [...this.settledPaths];
  }

  /** Whether a problem is already reported at this prop path or below it. */
  public hasPathUnder(path: string): boolean {
    return this.messages.some((m) => m.startsWith(`${path}: `) || m.startsWith(`${path}.`) || m.startsWith(`${path}[`));
  }

  /** Whether a problem is already reported at this prop path. */
  public hasPath(path: string): boolean {
    return this.messages.some((m) => m.startsWith(`${path}: `));
  }

  public get all(): string[] {
    return [...this.messages];
  }

  public get isEmpty(): boolean {
    return this.messages.length === 0;
  }
}

/**
 * Reports the problems at synth. Registered only when there are any: cdk8s re-runs every
 * validation of the App for each Chart it synthesizes, so a callback per valid construct would
 * add to that cost (measured: 27% of a chart's toJson with 1,000 stacks in one App). All
 * problems are found while constructing, so none can appear later.
 */
export function reportProblems(scope: Construct, problems: Problems): void {
  const settled = SETTLED.get(scope) ?? [];
  const messages = problems.all.filter((m) => !isUnder(m.slice(0, m.indexOf(': ')), settled));
  if (messages.length > 0) scope.node.addValidation({ validate: () => messages });
}

/** Per construct, the prop paths its props' type check reported (see `settleFor`). */
const SETTLED = new WeakMap<Construct, string[]>();

/** Leaves out, from the problems the construct reports later, those at or below these paths (already reported as wrong types). */
export function settleFor(scope: Construct, paths: string[]): void {
  SETTLED.set(scope, [...(SETTLED.get(scope) ?? []), ...paths]);
}

function isUnder(path: string, roots: readonly string[]): boolean {
  return roots.some((root) => path === root || path.startsWith(`${root}.`) || path.startsWith(`${root}[`));
}

/** String(value), also for objects String cannot convert (a null prototype, or a `toString` that is not a function). */
function asText(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Quotes a user value for an error message, trimmed and with control characters made visible. */
export function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : asText(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** A lowercase RFC 1123 DNS name with at least two labels (what an Ingress host and a certificate accept). */
export function isFullyQualifiedDnsName(value: unknown): boolean {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253) return false;
  const labels = value.split('.');
  return labels.length >= 2 && labels.every((label) => DNS_LABEL.test(label)) && !/^[0-9]+$/.test(labels[labels.length - 1]);
}

/** An IPv4 or IPv6 address literal. */
export function isIpAddress(value: unknown): boolean {
  return typeof value === 'string' && isIP(value) !== 0;
}

/** A TCP/UDP port a non-root container can bind: an integer from 1024 to 65535. */
export function checkContainerPort(problems: Problems, path: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1024 || value > 65535) {
    problems.add(
      path,
      `${show(value)} is not a port from 1024 to 65535`,
      'the pods run as non-root and cannot bind ports below 1024, and Kubernetes rejects ports outside 1-65535',
      'use an integer from 1024 to 65535 (Services map public ports such as 443 onto it)',
    );
  }
}

/** Reports every port that two or more props share (each listener needs its own port). */
export function checkDistinctPorts(problems: Problems, ports: Array<{ path: string; port: number | undefined }>): void {
  const seen = new Map<number, string>();
  for (const { path, port } of ports) {
    if (port === undefined) continue;
    const first = seen.get(port);
    if (first !== undefined) {
      problems.add(
        path,
        `port ${port} is also used by ${first}`,
        'two listeners cannot bind the same port in one pod, so the server fails to start',
        `give ${path} a port no other listener uses`,
      );
    } else {
      seen.set(port, path);
    }
  }
}

/** A URL with one of the given schemes, parsed; undefined when it does not parse or has another scheme. */
export function parseUrl(value: unknown, schemes: string[]): URL | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return schemes.includes(url.protocol.replace(/:$/, '')) && url.hostname !== '' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** A Kubernetes object name (DNS-1123 subdomain), e.g. a Secret or claim name. */
export function isObjectName(value: unknown): boolean {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253) return false;
  return value.split('.').every((label) => DNS_LABEL.test(label));
}

/** A key inside a Secret or ConfigMap. */
export function isDataKey(value: unknown): boolean {
  // IsConfigMapKey: also not `.`, `..` or `..`-prefixed (the kubelet's atomic-writer reserves them).
  return typeof value === 'string' && value.length > 0 && value.length <= 253 && /^[-._a-zA-Z0-9]+$/.test(value) && value !== '.' && !value.startsWith('..');
}

/** Validates a reference to a user-managed Secret (`namePath` is the prop holding its name) and keys of it. */
export function checkSecretReference(problems: Problems, namePath: string, name: unknown, keys: Array<{ path: string; key: unknown }>): void {
  if (!isObjectName(name)) {
    problems.add(namePath, `${show(name)} is not a valid Secret name`, 'the pod would reference a Secret Kubernetes cannot hold and never start', 'name an existing Secret in the chart\'s namespace (lowercase letters, digits, "-" and ".")');
  }
  for (const { path: keyPath, key } of keys) {
    if (!isDataKey(key)) {
      problems.add(keyPath, `${show(key)} is not a valid Secret key`, 'Kubernetes rejects the reference and the pod never starts', 'use the key under which the Secret stores the value (letters, digits, "-", "_" and ".")');
    }
  }
}

/** A Kubernetes resource quantity such as `10Gi` or `500M`. */
export function isQuantity(value: unknown): boolean {
  return typeof value === 'string' && /^([0-9]+(\.[0-9]+)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/.test(value);
}

/** Label keys and values as Kubernetes accepts them. */
export function checkLabels(problems: Problems, path: string, labels: Record<string, string> | undefined): void {
  for (const [key, value] of Object.entries(labels ?? {})) {
    checkKey(problems, `${path}.${key}`, key, 'label', 'the API server rejects every object carrying it');
    if (!isLabelValue(value)) {
      problems.add(
        `${path}.${key}`,
        `${show(value)} is not a valid label value`,
        'the API server rejects every object carrying it',
        'use up to 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
      );
    }
  }
}

/** Label and annotation keys follow the same rules. */
function checkKey(problems: Problems, path: string, key: string, kind: 'label' | 'annotation', why: string): void {
  if (!isLabelKey(key)) {
    problems.add(path, `${show(key)} is not a valid ${kind} key`, why, 'use an optional DNS-subdomain prefix and "/" then a name of up to 63 letters, digits, "-", "_" or "."');
  }
}

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

export function isLabelKey(key: unknown): boolean {
  if (typeof key !== 'string') return false;
  const slash = key.indexOf('/');
  if (slash === -1) return LABEL_NAME.test(key);
  const prefix = key.slice(0, slash);
  return isObjectName(prefix) && LABEL_NAME.test(key.slice(slash + 1));
}

export function isLabelValue(value: unknown): boolean {
  return typeof value === 'string' && (value === '' || LABEL_NAME.test(value));
}

/** Annotation keys follow the label-key rules; values may be any string. */
export function checkAnnotations(problems: Problems, path: string, annotations: Record<string, string> | undefined): void {
  for (const [key, value] of Object.entries(annotations ?? {})) {
    // The API server lowercases annotation keys before checking them (ValidateAnnotations).
    checkKey(problems, `${path}.${key}`, key.toLowerCase(), 'annotation', 'the API server rejects the object');
    if (typeof value !== 'string') {
      problems.add(`${path}.${key}`, `${show(value)} is not a string`, 'annotation values must be strings or the API server rejects the object', 'quote the value');
    }
  }
}

/** Longest base name of any object, so the longest prefixed name stays within 63 characters. */
const LONGEST_BASE_NAME = Math.max(...Object.values(BASE_NAMES).map((n) => n.length));

/** A namePrefix every object name the stack makes can take (the same rule standalone and inside MatrixChat). */
export function checkNamePrefix(problems: Problems, namePrefix: unknown): void {
  if (namePrefix === undefined || namePrefix === '') return;
  if (typeof namePrefix !== 'string' || !/^[a-z]([-a-z0-9]*)$/.test(namePrefix)) {
    problems.add('namePrefix', `${show(namePrefix)} is not a valid name prefix`, 'object names must be lowercase DNS labels starting with a letter (Service names), so the API server rejects them', 'use lowercase letters, digits and "-", starting with a letter, e.g. "chat-"');
    return;
  }
  const longest = prefixed(namePrefix, 'x'.repeat(LONGEST_BASE_NAME));
  if (longest.length > MAX_NAME_LENGTH) {
    problems.add('namePrefix', `makes the longest object name ${longest.length} characters long`, `Kubernetes names are limited to ${MAX_NAME_LENGTH} characters, so the API server rejects those objects`, `use a prefix of at most ${MAX_NAME_LENGTH - LONGEST_BASE_NAME} characters`);
  }
}
