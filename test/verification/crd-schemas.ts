/**
 * Schema validation of the CRD kinds that have no `@kubernetes-models/*` package (issue 13:
 * backube snapscheduler's SnapshotSchedule), against the CRD's own openAPIV3Schema kept as data
 * under schemas/, each file naming the repository, tag, commit and path it was read from.
 *
 * The validator covers the structural-schema subset those CRDs use: type, properties,
 * additionalProperties, required, items, pattern, enum, minLength/maxLength, minimum and the
 * int32/int64 formats. It is stricter than the API server in one way, on purpose: a field the
 * schema does not know is an error here, where the API server would prune it silently and the
 * setting would simply be lost.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A CRD schema kept as data, with where it came from. */
export interface CrdSchema {
  readonly source: { readonly repository: string; readonly tag: string; readonly commit: string; readonly path: string; readonly version: string };
  readonly group: string;
  readonly kind: string;
  readonly version: string;
  readonly schema: any;
}

function load(file: string): CrdSchema {
  return JSON.parse(readFileSync(join(__dirname, 'schemas', file), 'utf8')) as CrdSchema;
}

/** `apiVersion|kind` → the schema the objects of that kind are validated against. */
export const CRD_SCHEMAS: Record<string, CrdSchema> = Object.fromEntries(
  ['snapscheduler-v3.5.0-snapshotschedule.json'].map(load).map((s) => [`${s.group}/${s.version}|${s.kind}`, s]),
);

const INT_RANGE: Record<string, [number, number]> = { int32: [-2147483648, 2147483647], int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] };

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Every way `value` breaks `schema`, each with its JSON path. */
export function schemaProblems(value: unknown, schema: any, path = ''): string[] {
  const at = path === '' ? '(root)' : path;
  const problems: string[] = [];
  const actual = typeOf(value);
  if (schema.type !== undefined && actual !== schema.type && !(schema.type === 'number' && actual === 'integer')) {
    return [`${at}: is ${actual}, the schema wants ${schema.type}`];
  }
  if (schema.enum !== undefined && !schema.enum.includes(value)) problems.push(`${at}: ${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`);
  if (typeof value === 'string') {
    // Go's regexp (RE2) and JavaScript agree on these patterns; both search rather than anchor.
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) problems.push(`${at}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
    if (schema.minLength !== undefined && value.length < schema.minLength) problems.push(`${at}: shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) problems.push(`${at}: longer than ${schema.maxLength}`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${at}: ${value} is below the minimum ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) problems.push(`${at}: ${value} is above the maximum ${schema.maximum}`);
    const range = INT_RANGE[schema.format];
    if (range && (value < range[0] || value > range[1])) problems.push(`${at}: ${value} does not fit ${schema.format}`);
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, i) => problems.push(...schemaProblems(item, schema.items, `${path}[${i}]`)));
  }
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in object)) problems.push(`${at}: required field ${key} is missing`);
    for (const [key, item] of Object.entries(object)) {
      const child = path === '' ? key : `${path}.${key}`;
      if (schema.properties?.[key] !== undefined) problems.push(...schemaProblems(item, schema.properties[key], child));
      else if (typeof schema.additionalProperties === 'object') problems.push(...schemaProblems(item, schema.additionalProperties, child));
      else if (schema.properties !== undefined && schema.additionalProperties !== true) problems.push(`${child}: is not a field of the schema (the API server would drop it)`);
    }
  }
  return problems;
}

/** The schema problems of one object of a kind in CRD_SCHEMAS, each naming the schema's source. */
export function crdSchemaProblems(object: any, crd: CrdSchema): string[] {
  const source = `${crd.source.repository}@${crd.source.tag} ${crd.source.path}`;
  return schemaProblems(object, crd.schema).map((problem) => `${problem} (schema of ${source})`);
}
