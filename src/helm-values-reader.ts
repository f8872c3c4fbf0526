// Reads untyped Helm values: Helm's "unset", type checks, Kubernetes struct shapes; collects every problem.

import type { HelmValuesMapping } from './helm-values';

/**
 * What the CLI needs beyond the mapping: which values key a MatrixChat prop path came from, so
 * that validation errors name the key the user wrote. Kept out of index.ts (jsii has no function types).
 */
export interface HelmValuesTrace {
  readonly mapping: HelmValuesMapping;
  /** The values key for a prop path such as `homeserver.image.tag` (undefined when none maps to it). */
  readonly valuesKeyOf: (propPath: string) => string | undefined;
}

/** The keys accepted under `matrixChat`, as nested maps (`true` marks a leaf). */
export type Schema = { readonly [key: string]: true | Schema };

/** Keys whose value may be a plain string instead of a map (`existingSecret: my-secret`). */
const STRING_OR_MAP = new Set([
  'matrixChat.homeserver.registrationTokenExistingSecret',
  'matrixChat.homeserver.existingSecret',
  'matrixChat.livekit.keys.existingSecret',
]);


/**
 * The shape of a Kubernetes struct passed through as is (tolerations, affinity): its fields and
 * their types, so a wrong type is reported with its values key instead of reaching the API server.
 */
type Shape =
  | 'string'
  | 'int'
  | { readonly enum: readonly string[] }
  | { readonly list: Shape }
  | { readonly stringMap: true }
  | { readonly fields: { readonly [key: string]: Shape }; readonly required?: readonly string[] };

const LABEL_SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
const LABEL_SELECTOR: Shape = {
  fields: {
    matchLabels: { stringMap: true },
    matchExpressions: { list: { fields: { key: 'string', operator: { enum: LABEL_SELECTOR_OPERATORS }, values: { list: 'string' } }, required: ['key', 'operator'] } },
  },
};
const NODE_SELECTOR_REQUIREMENT: Shape = {
  fields: { key: 'string', operator: { enum: [...LABEL_SELECTOR_OPERATORS, 'Gt', 'Lt'] }, values: { list: 'string' } },
  required: ['key', 'operator'],
};
const NODE_SELECTOR_TERM: Shape = {
  fields: { matchExpressions: { list: NODE_SELECTOR_REQUIREMENT }, matchFields: { list: NODE_SELECTOR_REQUIREMENT } },
};
const POD_AFFINITY_TERM: Shape = {
  fields: {
    labelSelector: LABEL_SELECTOR,
    namespaceSelector: LABEL_SELECTOR,
    namespaces: { list: 'string' },
    topologyKey: 'string',
    matchLabelKeys: { list: 'string' },
    mismatchLabelKeys: { list: 'string' },
  },
  required: ['topologyKey'],
};
const POD_AFFINITY: Shape = {
  fields: {
    requiredDuringSchedulingIgnoredDuringExecution: { list: POD_AFFINITY_TERM },
    preferredDuringSchedulingIgnoredDuringExecution: { list: { fields: { weight: 'int', podAffinityTerm: POD_AFFINITY_TERM }, required: ['weight', 'podAffinityTerm'] } },
  },
};
/** Kubernetes' core/v1 Affinity. */
export const AFFINITY: Shape = {
  fields: {
    nodeAffinity: {
      fields: {
        requiredDuringSchedulingIgnoredDuringExecution: { fields: { nodeSelectorTerms: { list: NODE_SELECTOR_TERM } }, required: ['nodeSelectorTerms'] },
        preferredDuringSchedulingIgnoredDuringExecution: { list: { fields: { weight: 'int', preference: NODE_SELECTOR_TERM }, required: ['weight', 'preference'] } },
      },
    },
    podAffinity: POD_AFFINITY,
    podAntiAffinity: POD_AFFINITY,
  },
};
/** Kubernetes' core/v1 Toleration. */
export const TOLERATION: Shape = {
  fields: {
    key: 'string',
    operator: { enum: ['Exists', 'Equal'] },
    value: 'string',
    effect: { enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] },
    tolerationSeconds: 'int',
  },
};

/** C0 and C1 control characters and DEL; `\n` and `\t` only where multi-line text is normal. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_CHARACTERS_EXCEPT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** Reads values with Helm's notion of "unset" and collects every problem. */
export class Reader {
  public readonly notes: string[] = [];
  /** Every values key read with a value set, for naming it in later validation errors. */
  public readonly used = new Set<string>();
  private readonly problems: string[] = [];

  public problem(path: string, message: string): void {
    this.problems.push(`${printablePath(path)}: ${message}`);
  }

  public note(message: string): void {
    this.notes.push(message);
  }

  public throwIfProblems(): void {
    if (this.problems.length > 0) {
      const count = `${this.problems.length} problem${this.problems.length === 1 ? '' : 's'}`;
      const error = new Error(`Invalid Helm values (${count}):\n${this.problems.map((p) => `- ${p}`).join('\n')}`);
      throw Object.assign(error, { problems: [...this.problems] });
    }
  }

  /** A value checked against a Kubernetes struct's shape; undefined (and a problem per field) when it does not fit. */
  public shaped(path: string, value: unknown, shape: Shape): unknown {
    if (isUnset(value)) return undefined;
    const before = this.problems.length;
    const result = this.fit(path, value, shape);
    return this.problems.length === before ? result : undefined;
  }

  private fit(path: string, value: unknown, shape: Shape): unknown {
    if (value === null || value === undefined) return undefined;
    if (shape === 'string') return this.str(path, value);
    if (shape === 'int') return this.int(path, value);
    if ('enum' in shape) {
      const text = this.str(path, value);
      if (text !== undefined && !shape.enum.includes(text)) this.problem(path, `${describe(value)} is not one of ${shape.enum.map((e) => `"${e}"`).join(', ')}`);
      return text;
    }
    if ('list' in shape) return this.list(path, value, (p, item) => this.fit(p, item, shape.list)) ?? (Array.isArray(value) ? [] : undefined);
    if ('stringMap' in shape) return this.strMap(path, value) ?? (isMap(value) ? {} : undefined);
    const map = this.map(path, value);
    if (!map) return undefined;
    const result: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(map)) {
      const spec = shape.fields[key];
      if (spec === undefined) {
        const suggestion = closest(key, Object.keys(shape.fields));
        this.problem(`${path}.${key}`, `unknown field${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; the API server refuses unknown fields`);
        continue;
      }
      const fitted = this.fit(`${path}.${key}`, child, spec);
      if (fitted !== undefined) result[key] = fitted;
    }
    for (const key of shape.required ?? []) {
      if (isUnset(map[key])) this.problem(`${path}.${key}`, 'is required here (the API server rejects the object without it)');
    }
    return result;
  }

  /** Reports every key not in the schema, with a suggestion for likely typos. */
  public checkKeys(path: string, value: Record<string, unknown>, schema: Schema): void {
    for (const [key, child] of Object.entries(value)) {
      const childPath = `${path}.${key}`;
      const spec = schema[key];
      if (spec === undefined) {
        const suggestion = closest(key, Object.keys(schema));
        this.problem(childPath, `unknown key${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`);
      } else if (spec !== true && isMap(child)) {
        this.checkKeys(childPath, child, spec);
      }
    }
  }

  public map(path: string, value: unknown): Record<string, unknown> | undefined {
    if (isUnset(value)) return undefined;
    this.used.add(path);
    if (!isMap(value) || !isPlainObject(value)) {
      this.problem(path, `expected a map, got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  /** A map, or a plain string standing for `{ name: <string> }`. */
  public stringOrMap(path: string, value: unknown): Record<string, unknown> | undefined {
    if (typeof value === 'string' && STRING_OR_MAP.has(path)) return value === '' ? undefined : { name: value };
    return this.map(path, value);
  }

  public str(path: string, value: unknown, multiline = false): string | undefined {
    if (isUnset(value)) return undefined;
    this.used.add(path);
    if (typeof value === 'string') {
      if ((multiline ? CONTROL_CHARACTERS_EXCEPT_LINES : CONTROL_CHARACTERS).test(value)) {
        this.problem(path, `${describe(value)} holds a control character; no value of this stack may contain one (remove it, or check the file's encoding)`);
        return undefined;
      }
      return value;
    }
    // YAML reads `imageTag: 1.9` or `nodeIp: 10` as numbers; Helm templates print them as text.
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    this.problem(path, `expected a string, got ${describe(value)}`);
    return undefined;
  }

  public bool(path: string, value: unknown): boolean | undefined {
    if (isUnset(value)) return undefined;
    this.used.add(path);
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    this.problem(path, `expected true or false, got ${describe(value)}`);
    return undefined;
  }

  public int(path: string, value: unknown): number | undefined {
    if (isUnset(value)) return undefined;
    this.used.add(path);
    // Beyond 2^53 a number is no longer exact (and Kubernetes' int32/int64 fields overflow anyway).
    const number = typeof value === 'number' ? value : typeof value === 'string' && /^-?[0-9]+$/.test(value) ? Number(value) : NaN;
    if (Number.isSafeInteger(number)) return number;
    const why = Number.isInteger(number) ? ' (too large to be exact; no setting of this stack needs it)' : '';
    this.problem(path, `expected an integer, got ${describe(value)}${why}`);
    return undefined;
  }

  /** A map of strings (labels, annotations); `multiline` allows line breaks and tabs in the values. */
  public strMap(path: string, value: unknown, multiline = false): Record<string, string> | undefined {
    const m = this.map(path, value);
    if (!m) return undefined;
    const result: Record<string, string> = {};
    for (const [k, v] of Object.entries(m)) {
      if (v === null || v === undefined) continue;
      if (CONTROL_CHARACTERS.test(k)) {
        this.problem(`${path}.${k}`, 'the key holds a control character');
        continue;
      }
      const text = typeof v === 'boolean' ? String(v) : this.str(`${path}.${k}`, v, multiline);
      if (text !== undefined) result[k] = text;
    }
    return Object.keys(result).length > 0 ? result : undefined;
  }

  public list<T>(path: string, value: unknown, item: (path: string, value: unknown) => T | undefined): T[] | undefined {
    if (isUnset(value)) return undefined;
    this.used.add(path);
    if (!Array.isArray(value)) {
      this.problem(path, `expected a list, got ${describe(value)}`);
      return undefined;
    }
    const result: T[] = [];
    value.forEach((v, i) => {
      const mapped = item(`${path}[${i}]`, v);
      if (mapped !== undefined) result.push(mapped);
    });
    return result.length > 0 ? result : undefined;
  }
}

export function isUnset(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date (YAML reads an unquoted yyyy-mm-dd as one; quote it to mean text)';
  if (value instanceof Uint8Array) return 'binary data (a !!binary value)';
  if (isMap(value)) return isPlainObject(value) ? 'a map' : 'a YAML set or other special collection';
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : 'an infinite number';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A values path as printed: control characters in keys made visible. */
function printablePath(path: string): string {
  return path.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function isPlainObject(value: unknown): boolean {
  return isMap(value) && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null);
}

/** The candidate within edit distance 2 (or differing only in case), if any. */
export function closest(key: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = c.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}
