// Type checks for untyped callers: every prop's value against the type the jsii assembly declares (PROP_TYPES), reported by path.
import { Construct } from 'constructs';
import { PROP_CLASSES, PROP_TYPES } from './known-props.generated';
import { Problems, show } from './validation';

/**
 * Nested props without which their struct is unusable: a struct missing one is reported and dropped
 * (the construct would otherwise fail reading it). Other required props are checked, with their own
 * reason, by the construct's validation.
 */
const ESSENTIAL: { readonly [struct: string]: readonly string[] } = {
  AppserviceRegistration: ['id', 'tokensSecret'],
  Routing: ['kind'],
  GatewayApiRoutingOptions: ['parentRefs'],
};

/**
 * Props whose construct checks the type itself, with the reason a wrong value breaks (e.g. "whether
 * the database is backed up would be guessed"): passed through as they are. `*` matches any struct.
 * Each is covered by the property test that feeds every JSON value at every prop path.
 */
export const CHECKED_BY_CONSTRUCT: readonly string[] = [
  '*.admins', '*.extraConfig', '*.gitOpsPruneProtection', '*.startupTimeout',
  'HomeserverBackupProps.enabled', 'HomeserverBackupProps.schedule', 'HomeserverSnapshotProps.enabled',
  'RtcProps.nodeAddressTimeout', 'MatrixChatElementWebOptions.enabled', 'MatrixChatElementWebOptions.nginxConfigurationSnippet',
];

/** Props named in messages without their own segment (`routing.gatewayApiOptions.parentRefs` → `routing.parentRefs`, as the validators say). */
const FLATTENED: { readonly [struct: string]: readonly string[] } = { Routing: ['gatewayApiOptions'] };

/** How a value of a class the props hold is recognized (duck-typed: a second copy of cdk8s in node_modules makes `instanceof` fail). */
const CLASSES: { readonly [name: string]: { readonly example: string; readonly is: (value: Record<string, unknown>) => boolean } } = {
  'cdk8s.Duration': { example: 'a cdk8s Duration, e.g. Duration.minutes(5)', is: (v) => typeof v.toSeconds === 'function' },
  'cdk8s.Size': { example: 'a cdk8s Size, e.g. Size.mebibytes(256)', is: (v) => typeof v.toKibibytes === 'function' },
  'cdk8s-plus-28.Cpu': { example: 'a kplus Cpu, e.g. Cpu.millis(250)', is: (v) => typeof v.amount === 'string' },
  'construct': { example: 'a construct of this library', is: (v) => Construct.isConstruct(v) },
};

const EXAMPLES: { readonly [kind: string]: string } = {
  string: 'a string, e.g. "example"',
  number: 'a number',
  boolean: 'true or false',
  enum: 'one of the enum\'s values (a string)',
  json: 'a value',
  k8s: 'an object (a Kubernetes API struct)',
  list: 'a list, e.g. ["a"]',
  map: 'a map, e.g. { "key": "value" }',
  struct: 'an object',
};

/** The type names this checker knows, besides struct and class names of PROP_TYPES (a test keeps PROP_TYPES within them). */
export const LEAF_TYPES: readonly string[] = ['string', 'number', 'boolean', 'enum', 'json', 'k8s', ...Object.keys(CLASSES)];

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${show(value)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const INVALID = Symbol('invalid');

/** Sets an own property, even one named `__proto__` (an assignment would change the prototype instead). */
function put(target: Record<string | symbol, unknown>, key: string | symbol, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function wrongType(problems: Problems, path: string, value: unknown, expected: string): typeof INVALID {
  problems.add(path, `is ${describeValue(value)}, not ${expected}`, 'the stack cannot be built from a value of the wrong type', `set ${path} to ${expected}, or leave it unset`);
  problems.settle(path);
  return INVALID;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** The checked value, or INVALID (already reported) when it cannot be used. */
function walk(problems: Problems, type: string, value: unknown, path: string): unknown {
  if (type.endsWith('[]')) {
    if (!Array.isArray(value)) return wrongType(problems, path, value, EXAMPLES.list);
    const kept = value.flatMap((item, i) => {
      const checked = walk(problems, type.slice(0, -2), item, `${path}[${i}]`);
      return checked === INVALID ? [] : [checked];
    });
    // A list emptied by dropping its wrong elements is left unset: "is empty" would blame the user for what was dropped.
    return kept.length === 0 && value.length > 0 ? INVALID : kept;
  }
  if (type.endsWith('{}')) {
    if (!isPlainRecord(value)) return wrongType(problems, path, value, type === 'string{}' ? 'a map of strings, e.g. { "key": "value" }' : EXAMPLES.map);
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const checked = type === 'string{}' && typeof item !== 'string'
        ? (problems.add(join(path, key), `is ${describeValue(item)}, not a string`, 'labels and annotations are strings, so the API server rejects the object', 'quote the value'), problems.settle(join(path, key)), INVALID)
        : walk(problems, type.slice(0, -2), item, join(path, key));
      if (checked !== INVALID) put(copy, key, checked);
    }
    return copy;
  }
  switch (type) {
    case 'string': case 'enum': return typeof value === 'string' ? value : wrongType(problems, path, value, EXAMPLES[type]);
    case 'number': case 'boolean': return typeof value === type ? value : wrongType(problems, path, value, EXAMPLES[type]);
    case 'json': return value;
    case 'k8s': return isRecord(value) ? value : wrongType(problems, path, value, EXAMPLES.k8s);
  }
  const leafClass = CLASSES[type];
  if (leafClass) return isRecord(value) && leafClass.is(value) ? value : wrongType(problems, path, value, leafClass.example);
  const fields = PROP_TYPES[type];
  if (!fields) throw new Error(`prop-types: no type ${type} in PROP_TYPES`);
  return walkStruct(problems, type, fields, value, path);
}

function walkStruct(problems: Problems, type: string, fields: { readonly [prop: string]: string }, value: unknown, path: string): unknown {
  // A struct is plain data; a class of this library held by a prop (Routing) keeps its prototype.
  const isClass = PROP_CLASSES.includes(type);
  if (isClass ? !isRecord(value) : !isPlainRecord(value)) return wrongType(problems, path, value, EXAMPLES.struct);
  const record = value as Record<string, unknown>;
  const copy: Record<string | symbol, unknown> = isClass ? Object.create(Object.getPrototypeOf(value)) : {};
  // Symbol keys carry the validation scope a parent hands its child.
  for (const symbol of Object.getOwnPropertySymbols(record)) put(copy, symbol, (record as Record<symbol, unknown>)[symbol]);
  for (const [key, item] of Object.entries(record)) {
    if (item === undefined) continue;
    const fieldType = Object.prototype.hasOwnProperty.call(fields, key) ? fields[key].replace(/\?$/, '') : undefined;
    // A key no struct declares is reported by checkUnknownProps; nothing reads it, so it cannot break construction.
    if (fieldType === undefined || CHECKED_BY_CONSTRUCT.includes(`${type}.${key}`) || CHECKED_BY_CONSTRUCT.includes(`*.${key}`)) {
      put(copy, key, item);
      continue;
    }
    const checked = walk(problems, fieldType, item, FLATTENED[type]?.includes(key) ? path : join(path, key));
    if (checked !== INVALID) put(copy, key, checked);
  }
  for (const key of ESSENTIAL[type] ?? []) {
    if (Object.prototype.hasOwnProperty.call(copy, key)) continue;
    if (record[key] === undefined) problems.add(join(path, key), 'is required but not set', 'the stack cannot be built without it', `set ${join(path, key)}`);
    problems.settle(path);
    return INVALID;
  }
  return copy;
}

/**
 * Reports every prop of `props` (of the props struct `struct`) whose value has the wrong type — a
 * JavaScript or YAML caller can pass anything — and returns a copy without those values, so
 * construction continues on the defaults and every problem is reported together instead of a TypeError.
 *
 * @param prefix prepended to every path reported (`homeserver.` for props a parent built from its own)
 */
export function sanitizeProps<T>(problems: Problems, struct: string, props: T, prefix = ''): T {
  const fields = PROP_TYPES[struct];
  if (!fields) throw new Error(`sanitizeProps: ${struct} is not a props struct`);
  if (!isPlainRecord(props)) {
    const required = Object.keys(fields).filter((key) => !fields[key].endsWith('?'));
    if (required.length === 0 && (props === undefined || props === null)) return {} as T;
    if (required.length === 0) problems.add(`${prefix}props`, `are ${describeValue(props)}, not an object`, 'the construct cannot read them', 'pass an object of props, or none');
    for (const key of required) {
      problems.add(`${prefix}${key}`, `is not set: the props are ${describeValue(props)}, not an object`, 'the stack cannot be built without props', `pass props such as { ${key}: ... }`);
      problems.settle(`${prefix}${key}`);
    }
    return {} as T;
  }
  const root = prefix.replace(/\.$/, '');
  const checked = walkStruct(problems, struct, fields, props, root);
  return (checked === INVALID ? {} : checked) as T;
}
