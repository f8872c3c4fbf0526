// The check for props no construct knows (typos from JavaScript or YAML), against the keys derived from the jsii assembly.
import { Construct } from 'constructs';
import { closest, isPlainObject } from './helm-values-reader';
import { STRUCTS } from './known-props.generated';
import { sanitizeProps } from './prop-types';
import { Problems, reportProblems, settleFor } from './validation';
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
  const underChecked = isUnderCheckedParent(construct, props);
  CHECKED.add(construct);
  if (underChecked || !isPlainObject(props)) return;
  const problems = new Problems();
  checkValue(problems, struct, props, scopeOf(props as object).prefix.replace(/\.$/, ''));
  reportProblems(construct, problems);
}

/** Whether a parent checked the props this construct's are built from (its scope, or its props' validation scope, says so). */
function isUnderCheckedParent(construct: Construct, props: unknown): boolean {
  const parent = construct.node.scope;
  return (parent !== undefined && CHECKED.has(parent)) || (isPlainObject(props) && scopeOf(props as object).parentValidated);
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
    // Own props only: a key such as `toString` must not find Object.prototype's.
    const type = Object.prototype.hasOwnProperty.call(known, key) ? known[key] : undefined;
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
 * The props of a construct checked for untyped callers: unknown props and values of the wrong type
 * are reported at their paths, and the returned copy leaves the wrong values out so construction
 * goes on with the defaults. Under a parent that checked the props it built them from, the props
 * come back as they are.
 */
export function checkedProps<T>(construct: Construct, struct: string, props: T): T {
  const underChecked = isUnderCheckedParent(construct, props);
  checkUnknownProps(construct, struct, props);
  if (underChecked) return props;
  const problems = new Problems();
  const checked = sanitizeProps(problems, struct, props, isPlainObject(props) ? scopeOf(props as object).prefix : '');
  reportProblems(construct, problems);
  settleFor(construct, problems.settled);
  return checked;
}
