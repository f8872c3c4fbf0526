// The check for props no construct knows (typos from JavaScript or YAML), against the keys derived from the jsii assembly.
import { Construct } from 'constructs';
import { closest, isPlainObject } from './helm-values-reader';
import { STRUCTS } from './known-props.generated';
import { Problems, reportProblems } from './validation';
import { scopeOf } from './validation-scope';

/** Constructs whose whole props were checked: their children got props built from those, so they check nothing again. */
const CHECKED = new WeakSet<Construct>();

/**
 * Reports every prop of `props` (the construct's props struct `struct`, at every level) that the
 * struct does not declare, with the nearest known prop. TypeScript callers cannot misspell one;
 * JavaScript and YAML-built props can, and the value would be silently ignored.
 *
 * Under a parent construct (MatrixChat, or LiveKit for its TURN relay) it checks nothing: the
 * parent checked the props the child's are built from, under the paths the user wrote.
 */
export function checkUnknownProps(construct: Construct, struct: string, props: unknown): void {
  if (STRUCTS[struct] === undefined) throw new Error(`checkUnknownProps: ${struct} is not a construct's props struct`);
  const parent = construct.node.scope;
  const underChecked = (parent !== undefined && CHECKED.has(parent)) || (isPlainObject(props) && scopeOf(props as object).parentValidated);
  CHECKED.add(construct);
  if (underChecked || !isPlainObject(props)) return;
  const problems = new Problems();
  checkValue(problems, struct, props, scopeOf(props as object).prefix.replace(/\.$/, ''));
  reportProblems(construct, problems);
}

/** Checks a value described by `type` (a struct name, with `[]`/`{}` suffixes for arrays and maps of it). */
function checkValue(problems: Problems, type: string, value: unknown, path: string): void {
  if (type.endsWith('[]')) {
    if (Array.isArray(value)) value.forEach((element, index) => checkValue(problems, type.slice(0, -2), element, `${path}[${index}]`));
  } else if (type.endsWith('{}')) {
    if (!isPlainObject(value)) return;
    for (const [key, element] of Object.entries(value as object)) checkValue(problems, type.slice(0, -2), element, join(path, key));
  } else if (isPlainObject(value)) {
    checkStruct(problems, STRUCTS[type], value as object, path);
  }
  // A value of the wrong type is left to the construct's own validation, which names what it expects.
}

function checkStruct(problems: Problems, known: { readonly [prop: string]: string }, value: object, path: string): void {
  // Object.keys leaves out symbol keys, such as the validation scope a parent hands its child.
  for (const key of Object.keys(value)) {
    const type = known[key];
    if (type === undefined && !/^[A-Za-z_$][\w$]*$/.test(key)) {
      // No prop path can name such a key: report it at the struct holding it (`props` at the top).
      problems.add(path === '' ? 'props' : path, `has the key ${JSON.stringify(key)}, which is not a prop name`, 'the value is ignored and the default applies', 'remove the key');
    } else if (type === undefined) {
      const names = Object.keys(known);
      const suggestion = closest(key, names);
      problems.add(
        join(path, key),
        'is not a known prop',
        'the value is ignored and the default applies',
        suggestion !== undefined
          ? `rename it to ${join(path, suggestion)} (the nearest known prop)`
          : `remove it, or use one of the props known ${path === '' ? 'at the top level' : `under ${path}`}: ${names.join(', ')}`,
      );
    } else if (type !== '') {
      checkValue(problems, type, (value as Record<string, unknown>)[key], join(path, key));
    }
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/**
 * A copy of the props without values whose shape contradicts the structs the assembly declares
 * (null or a string where a struct belongs, a non-list where a list of structs belongs), each
 * reported at its path: construction then goes on with the defaults instead of throwing a TypeError.
 */
export function withoutMistypedStructs(problems: Problems, struct: string, props: unknown, path = ''): unknown {
  const known = STRUCTS[struct];
  if (!known || !isPlainObject(props)) return props;
  const copy: Record<string | symbol, unknown> = { ...(props as Record<string, unknown>) };
  for (const symbol of Object.getOwnPropertySymbols(props)) copy[symbol] = (props as Record<symbol, unknown>)[symbol];
  for (const [key, type] of Object.entries(known)) {
    const value = copy[key];
    if (value === undefined || type === '') continue;
    const at = join(path, key);
    const element = type.replace(/(\[\]|\{\})$/, '');
    if (type.endsWith('[]')) {
      if (!Array.isArray(value)) {
        problems.add(at, `${describe(value)} is not a list`, 'the construct cannot read it and would otherwise fail', 'pass a list, or remove the prop');
        delete copy[key];
        continue;
      }
      copy[key] = value.flatMap((item, i) => {
        if (isPlainObject(item)) return [withoutMistypedStructs(problems, element, item, `${at}[${i}]`)];
        problems.add(`${at}[${i}]`, `${describe(item)} is not a map of settings`, 'the construct cannot read it and would otherwise fail', 'pass an object, or remove the entry');
        return [];
      });
    } else if (!type.endsWith('{}')) {
      if (!isPlainObject(value)) {
        // Class instances (Duration, Routing, kplus resources) are '' in the table; a struct here must be plain data.
        problems.add(at, `${describe(value)} is not a map of settings`, 'the construct cannot read it and would otherwise fail', 'pass an object, or remove the prop');
        delete copy[key];
        continue;
      }
      copy[key] = withoutMistypedStructs(problems, element, value, at);
    }
  }
  return copy;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : typeof value === 'object' ? 'an object' : String(value);
}
