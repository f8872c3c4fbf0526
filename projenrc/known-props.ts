// Derives the props every construct accepts from the jsii assembly and writes src/known-props.generated.ts.
//
// Run by the compile task right after jsii (`ts-node projenrc/known-props.ts`), so a prop added to
// an interface is known to the unknown-prop check after the next compile, with no list to edit.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as ts from 'typescript';

/** The parts of a jsii type reference this reads (spec: @jsii/spec TypeReference). */
interface TypeRef {
  readonly primitive?: string;
  readonly fqn?: string;
  readonly collection?: { readonly kind: 'array' | 'map'; readonly elementtype: TypeRef };
  readonly union?: { readonly types: TypeRef[] };
}

/** The parts of a jsii type this reads. */
interface JsiiType {
  readonly fqn: string;
  readonly kind: 'class' | 'interface' | 'enum';
  readonly datatype?: boolean;
  readonly namespace?: string;
  readonly interfaces?: string[];
  readonly base?: string;
  readonly properties?: Array<{ readonly name: string; readonly type: TypeRef; readonly optional?: boolean; readonly static?: boolean }>;
  readonly initializer?: { readonly parameters?: Array<{ readonly name: string; readonly type: TypeRef }> };
}

/** The parts of a jsii assembly this reads. */
export interface Assembly {
  readonly name: string;
  readonly types: { readonly [fqn: string]: JsiiType };
}

/**
 * Per struct, its props: `''` for a value not looked into (primitive, enum, class instance, JSON,
 * Kubernetes API type), else the struct the value is, with `[]` for an array and `{}` for a map of them.
 */
export type StructTable = { [struct: string]: { [prop: string]: string } };

/**
 * Per struct (and per class of this library a prop holds, such as Routing), the type of each prop:
 * `string`, `number`, `boolean`, `json`, `enum`, `k8s` (a Kubernetes API struct), `construct`, a
 * class (`cdk8s.Duration`, `Routing`) or a struct name, with `[]`/`{}` for arrays and maps of it,
 * and a trailing `?` when the prop is optional.
 */
export type TypeTable = { [struct: string]: { [prop: string]: string } };

/** What the checks need: the props struct of each construct and every struct reachable from them. */
export interface KnownProps {
  readonly roots: string[];
  readonly structs: StructTable;
  readonly types: TypeTable;
  /** The classes of this library among the entries of `types` (e.g. Routing): their values keep their prototype. */
  readonly classes: string[];
}

/** Reads an assembly file, following jsii's redirect to a compressed assembly. */
export function readAssembly(file: string): Assembly {
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (json.schema !== 'jsii/file-redirect') return json;
  const target = path.join(path.dirname(file), json.filename);
  const data = fs.readFileSync(target);
  return JSON.parse((json.compression === 'gzip' ? zlib.gunzipSync(data) : data).toString('utf8'));
}

/** The assembly of an installed dependency (e.g. cdk8s-plus-28), from its package directory. */
export function dependencyAssembly(name: string, from: string): Assembly {
  const dir = path.dirname(require.resolve(`${name}/package.json`, { paths: [from] }));
  return readAssembly(path.join(dir, '.jsii'));
}

/**
 * Every struct reachable from the props of the assembly's constructs (classes whose initializer
 * is `(scope, id, props)` with a struct as props), with inherited props flattened in.
 *
 * Not looked into: classes (cdk8s Duration, Size, kplus Cpu, Routing, constructs), enums, and the
 * Kubernetes API types of a `k8s` submodule (tolerations, affinity): those are handed to the API
 * server as written, which knows fields newer than the assembly's, so flagging them would be wrong.
 */
export function knownPropsFromAssembly(own: Assembly, dependency: (assembly: string) => Assembly): KnownProps {
  const assemblies = new Map<string, Assembly>([[own.name, own]]);
  const typeOf = (fqn: string): JsiiType | undefined => {
    const assembly = fqn.slice(0, fqn.indexOf('.'));
    if (!assemblies.has(assembly)) assemblies.set(assembly, dependency(assembly));
    return assemblies.get(assembly)!.types[fqn];
  };
  const nameOf = (fqn: string): string => (fqn.startsWith(`${own.name}.`) ? fqn.slice(own.name.length + 1) : fqn);
  const isStruct = (t: JsiiType | undefined): t is JsiiType => t?.kind === 'interface' && t.datatype === true && t.namespace !== 'k8s';

  const structs: StructTable = {};
  const pending: string[] = [];
  const describe = (ref: TypeRef): string => {
    if (ref.collection) {
      const element = describe(ref.collection.elementtype);
      return element === '' ? '' : `${element}${ref.collection.kind === 'array' ? '[]' : '{}'}`;
    }
    if (ref.fqn && isStruct(typeOf(ref.fqn))) {
      pending.push(ref.fqn);
      return nameOf(ref.fqn);
    }
    return ''; // primitives, JSON, enums, classes; jsii forbids unions in this library's props
  };
  const propsOf = (t: JsiiType, into: { [prop: string]: string }): void => {
    for (const base of t.interfaces ?? []) propsOf(typeOf(base)!, into);
    for (const p of t.properties ?? []) into[p.name] = describe(p.type);
  };
  const isConstruct = (t: JsiiType | undefined): boolean => t !== undefined && (t.fqn === 'constructs.Construct' || (t.base !== undefined && isConstruct(typeOf(t.base))));
  const typesPending: string[] = [];
  const classes = new Set<string>();
  const typeName = (ref: TypeRef): string => {
    if (ref.collection) return `${typeName(ref.collection.elementtype)}${ref.collection.kind === 'array' ? '[]' : '{}'}`;
    if (ref.primitive) return ref.primitive === 'any' || ref.primitive === 'json' ? 'json' : ref.primitive;
    if (!ref.fqn) return 'json';
    const t: JsiiType | undefined = typeOf(ref.fqn);
    const struct: boolean = isStruct(t);
    const dataClass = t?.kind === 'class' && ref.fqn.startsWith(`${own.name}.`) && !isConstruct(t);
    if (struct || dataClass) {
      typesPending.push(ref.fqn);
      if (dataClass) classes.add(nameOf(ref.fqn));
      return nameOf(ref.fqn);
    }
    if (t?.kind === 'enum') return 'enum';
    if (t?.kind === 'interface' && t.datatype === true) return 'k8s';
    return isConstruct(t) ? 'construct' : nameOf(ref.fqn);
  };
  const typesOf = (t: JsiiType, into: { [prop: string]: string }): void => {
    for (const base of t.interfaces ?? []) typesOf(typeOf(base)!, into);
    for (const p of t.properties ?? []) if (!p.static) into[p.name] = `${typeName(p.type)}${p.optional ? '?' : ''}`;
  };

  const roots: string[] = [];
  for (const t of Object.values(own.types)) {
    const params = t.kind === 'class' ? t.initializer?.parameters : undefined;
    const props = params?.length === 3 && params[0].type.fqn === 'constructs.Construct' ? params[2].type.fqn : undefined;
    if (props && isStruct(typeOf(props))) {
      roots.push(nameOf(props));
      pending.push(props);
    }
  }
  while (pending.length > 0) {
    const fqn = pending.pop()!;
    const name = nameOf(fqn);
    if (structs[name]) continue;
    structs[name] = {};
    propsOf(typeOf(fqn)!, structs[name]);
  }
  const types: TypeTable = {};
  typesPending.push(...roots.map((root) => (own.types[`${own.name}.${root}`] ? `${own.name}.${root}` : root)));
  while (typesPending.length > 0) {
    const fqn = typesPending.pop()!;
    const name = nameOf(fqn);
    if (types[name]) continue;
    types[name] = {};
    typesOf(typeOf(fqn)!, types[name]);
  }
  return { roots: roots.sort(), structs: sortTable(structs), types: sortTable(types), classes: [...classes].sort() };
}

function sortTable(table: StructTable): StructTable {
  const sorted: StructTable = {};
  for (const name of Object.keys(table).sort()) {
    sorted[name] = Object.fromEntries(Object.entries(table[name]).sort(([a], [b]) => (a < b ? -1 : 1)));
  }
  return sorted;
}

/** The TypeScript source of src/known-props.generated.ts (the project's lint style, lines ≤ 150). */
export function renderKnownProps(known: KnownProps): string {
  const q = (s: string) => `'${s}'`;
  const table = (tableName: string, doc: string[], structs: StructTable): string[] => {
    const out = ['/**', ...doc.map((line) => ` * ${line}`), ' */', `export const ${tableName}: { readonly [struct: string]: { readonly [prop: string]: string } } = {`];
    for (const [name, props] of Object.entries(structs)) {
      const fields = Object.entries(props).map(([prop, type]) => `${prop}: ${q(type)}`);
      const oneLine = `  ${q(name)}: { ${fields.join(', ')} },`;
      if (oneLine.length <= 150) out.push(oneLine);
      else out.push(`  ${q(name)}: {`, ...fields.map((f) => `    ${f},`), '  },');
    }
    out.push('};', '');
    return out;
  };
  const lines = [
    '// Generated by projenrc/known-props.ts from the jsii assembly at compile: the props each struct accepts and their types. Do not edit.',
    '',
    `// The props of the constructs: ${known.roots.join(', ')}.`,
    '',
    ...table('STRUCTS', [
      'Per struct, its props: `\'\'` for a value not looked into (primitive, enum, class instance, JSON,',
      'Kubernetes API type), else the struct the value is, with `[]` for an array and `{}` for a map of them.',
    ], known.structs),
    ...table('PROP_TYPES', [
      'Per struct (and per class of this library a prop holds, such as Routing), the type of each prop:',
      '`string`, `number`, `boolean`, `json`, `enum`, `k8s` (a Kubernetes API struct), `construct`, a',
      'class (`cdk8s.Duration`, `Routing`) or a struct name, with `[]`/`{}` for arrays and maps of it,',
      'and a trailing `?` when the prop is optional.',
    ], known.types),
    '/** The classes of this library among the entries of PROP_TYPES: a value of one keeps its prototype. */',
    `export const PROP_CLASSES: readonly string[] = [${known.classes.map(q).join(', ')}];`,
    '',
  ];
  return lines.join('\n');
}

const ROOT = path.resolve(__dirname, '..');
export const GENERATED = path.join(ROOT, 'src', 'known-props.generated.ts');

/** The generated source for the assembly compiled in the working tree (`.jsii`). */
export function generateFromWorkingTree(): string {
  const own = readAssembly(path.join(ROOT, '.jsii'));
  return renderKnownProps(knownPropsFromAssembly(own, (name) => dependencyAssembly(name, ROOT)));
}

if (require.main === module) {
  const source = generateFromWorkingTree();
  if (!fs.existsSync(GENERATED) || fs.readFileSync(GENERATED, 'utf8') !== source) {
    fs.writeFileSync(GENERATED, source);
    // jsii compiled the previous version into lib/ moments ago; the file is one constant of a
    // fixed type, so transpiling it alone gives what jsii would emit (the .d.ts stays the same)
    // without a second jsii run.
    const lib = path.join(ROOT, 'lib', 'known-props.generated.js');
    const options = { module: ts.ModuleKind.Node16, target: ts.ScriptTarget.ES2022, alwaysStrict: true };
    fs.writeFileSync(lib, ts.transpileModule(source, { compilerOptions: options }).outputText);
    process.stderr.write(`known props: rewrote ${path.relative(ROOT, GENERATED)} from .jsii (commit it)\n`);
  }
}
