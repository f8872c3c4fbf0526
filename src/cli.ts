#!/usr/bin/env node
/*
 * `cdk8s-matrix-chat`: renders the stack from the reference Helm chart's values files, like
 * `helm template`. Not exported from index.ts (jsii exposes no CLI); the package.json `bin`
 * entry points at lib/cli.js.
 *
 * Exit codes: 0 rendered; 1 the stack fails validation (every message on stderr);
 * 2 bad usage, missing or unreadable values file, or values the mapper rejects (one line).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Chart, Yaml } from 'cdk8s';
import { HelmValuesMapping, mapHelmValues } from './helm-values';
import { MatrixChat } from './matrix-chat';

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** The file written with `-o <dir>`. */
export const OUTPUT_FILE = 'matrix-chat.k8s.yaml';

const VALIDATION_PREFIX = 'Validation failed with the following errors:';

const USAGE = `Usage: cdk8s-matrix-chat synth -f values.yaml [-f more.yaml]... [--set path=value]... [--namespace ns] [-o dir]

Renders the Matrix chat stack from values files of the reference Helm chart, like "helm template".

Options:
  -f, --values FILE      values file (YAML); "-" reads stdin. Repeatable; later files win.
      --set PATH=VALUE   set a value (a.b=c, a.list[0]=x, a={x,y}; several separated by ",").
                         true/false/null and integers are typed, as Helm does. Wins over -f.
      --set-string P=V   like --set, but the value is always a string.
  -n, --namespace NS     namespace of the objects (needed for the Traefik middleware reference).
  -o, --output-dir DIR   write DIR/${OUTPUT_FILE} instead of printing to stdout.
  -h, --help             show this help.
  -v, --version          show the version.

Exit codes: 0 rendered; 1 the stack fails validation (every problem on stderr);
2 bad flags, missing or unreadable values file, or unknown/invalid values keys.
`;

/** A usage or input error: exit 2 with a one-line reason. */
class UsageError extends Error {}

interface Options {
  readonly files: string[];
  readonly sets: Array<{ readonly text: string; readonly typed: boolean }>;
  readonly namespace?: string;
  readonly outputDir?: string;
}

/**
 * Runs the CLI with the given arguments (without `node` and the script) and returns the exit code.
 */
export function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): number {
  let options: Options | 'help' | 'version';
  let values: Record<string, unknown>;
  try {
    options = parseArgs(argv);
    if (options === 'help') {
      io.stdout.write(USAGE);
      return 0;
    }
    if (options === 'version') {
      io.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    values = {};
    for (const file of options.files) values = mergeValues(values, readValuesFile(file));
    for (const set of options.sets) values = mergeValues(values, parseSet(set.text, set.typed));
  } catch (error) {
    return usageFailure(io, error);
  }

  let mapping: HelmValuesMapping;
  try {
    mapping = mapHelmValues(values);
  } catch (error) {
    return usageFailure(io, error);
  }
  for (const note of mapping.notes) io.stderr.write(`note: ${note}\n`);
  if (!mapping.props) {
    io.stderr.write('note: matrixChat.enabled is not true, so there is nothing to render (the chart renders no Matrix objects either)\n');
    return 0;
  }

  let yaml: string;
  try {
    const app = new App({ outdir: options.outputDir });
    const chart = new Chart(app, 'matrix-chat', { namespace: options.namespace });
    new MatrixChat(chart, 'matrix-chat', mapping.props);
    yaml = app.synthYaml();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const lines = message.startsWith(VALIDATION_PREFIX)
      ? message.slice(VALIDATION_PREFIX.length).split('\n').map((l) => l.trim()).filter((l) => l !== '')
      : [message];
    for (const line of lines) io.stderr.write(`error: ${line}\n`);
    return 1;
  }

  if (options.outputDir === undefined) {
    io.stdout.write(yaml);
    return 0;
  }
  try {
    fs.mkdirSync(options.outputDir, { recursive: true });
    fs.writeFileSync(path.join(options.outputDir, OUTPUT_FILE), yaml, 'utf8');
  } catch (error) {
    return usageFailure(io, new UsageError(`cannot write to ${options.outputDir}: ${(error as Error).message}`));
  }
  return 0;
}

function usageFailure(io: CliIo, error: unknown): number {
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof UsageError && /flag|command|argument/.test(message) ? ' (see cdk8s-matrix-chat --help)' : '';
  io.stderr.write(`error: ${message.replace(/\s*\n\s*/g, ' ')}${hint}\n`);
  return 2;
}

function parseArgs(argv: string[]): Options | 'help' | 'version' {
  const files: string[] = [];
  const sets: Array<{ text: string; typed: boolean }> = [];
  let namespace: string | undefined;
  let outputDir: string | undefined;
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help' || arg === 'help') return 'help';
    if (arg === '-v' || arg === '--version') return 'version';
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && next !== '-')) throw new UsageError(`flag ${flag} needs a value`);
      i++;
      return next;
    };
    switch (flag) {
      case '-f':
      case '--values':
        files.push(value());
        break;
      case '--set':
        sets.push({ text: value(), typed: true });
        break;
      case '--set-string':
        sets.push({ text: value(), typed: false });
        break;
      case '-n':
      case '--namespace':
        namespace = value();
        break;
      case '-o':
      case '--output-dir':
        outputDir = value();
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown flag ${flag}`);
        if (command !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
        command = arg;
    }
  }
  if (command === undefined) throw new UsageError('missing command: use "cdk8s-matrix-chat synth -f values.yaml"');
  if (command !== 'synth' && command !== 'template') throw new UsageError(`unknown command ${JSON.stringify(command)}: the command is "synth"`);
  if (files.length === 0 && sets.length === 0) throw new UsageError('no values given: pass at least one -f values.yaml (or --set)');
  if (namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
    throw new UsageError(`--namespace ${JSON.stringify(namespace)} is not a valid namespace name`);
  }
  if (outputDir === '') throw new UsageError('flag --output-dir needs a value');
  return { files, sets, namespace, outputDir };
}

/** The subset of the `yaml` package the CLI uses. */
interface YamlLibrary {
  parseAllDocuments(text: string, options: { version: '1.1' }): unknown;
}
interface YamlDocument {
  readonly errors: Array<{ readonly message: string }>;
  toJSON(): unknown;
}

/**
 * The YAML library bundled inside cdk8s (a peer dependency), resolved from cdk8s's own folder so
 * this package adds no runtime dependency. `Yaml.load` from cdk8s is not used for reading: it
 * accepts malformed YAML silently (it ignores parse errors), and values typos must fail loudly.
 */
let yamlLibrary: YamlLibrary | undefined;
function loadYamlLibrary(): YamlLibrary | undefined {
  if (yamlLibrary === undefined) {
    try {
      const resolved = require.resolve('yaml', { paths: [path.dirname(require.resolve('cdk8s'))] });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      yamlLibrary = require(resolved) as YamlLibrary;
    } catch {
      return undefined;
    }
  }
  return yamlLibrary;
}

/** Reads one values file (YAML 1.1, as cdk8s and Helm) into a map. */
export function readValuesFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    if (file === '-') {
      text = fs.readFileSync(0, 'utf8');
    } else {
      if (!fs.existsSync(file)) throw new UsageError(`values file ${file} does not exist`);
      if (!fs.statSync(file).isFile()) throw new UsageError(`values file ${file} is not a file`);
      text = fs.readFileSync(file, 'utf8');
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read values file ${file}: ${(error as Error).message}`);
  }
  const library = loadYamlLibrary();
  let docs: unknown[];
  if (library) {
    const parsed = library.parseAllDocuments(text, { version: '1.1' });
    const documents = (Array.isArray(parsed) ? parsed : [parsed]) as YamlDocument[];
    for (const doc of documents) {
      if (doc.errors.length > 0) {
        throw new UsageError(`values file ${file} is not valid YAML: ${doc.errors[0].message.split('\n')[0].replace(/:$/, '')}`);
      }
    }
    docs = documents.map((d) => d.toJSON()).filter((d) => d !== null && d !== undefined);
  } else {
    docs = Yaml.load(path.resolve(file));
  }
  if (docs.length === 0) return {};
  if (docs.length > 1) throw new UsageError(`values file ${file} holds ${docs.length} YAML documents; a values file is one map`);
  const doc = docs[0];
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new UsageError(`values file ${file} is not a map of values (its top level is ${Array.isArray(doc) ? 'a list' : JSON.stringify(doc)})`);
  }
  return doc as Record<string, unknown>;
}

/** Helm's merge of values files: maps merge key by key, anything else (lists too) is replaced. */
export function mergeValues(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = result[key];
    result[key] = isMap(current) && isMap(value) ? mergeValues(current, value) : value;
  }
  return result;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type PathSegment = string | number;

/**
 * Parses one `--set` argument as Helm does: `a.b=c,d=e`, `\.` and `\,` escapes, `name[0]=x`,
 * `a={x,y}` lists; with `typed`, `true`/`false`/`null` and integers (no leading zero) are typed.
 */
export function parseSet(text: string, typed: boolean = true): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  let i = 0;
  const fail = (why: string): never => {
    throw new UsageError(`--set ${JSON.stringify(text)}: ${why}`);
  };
  while (i < text.length) {
    // Key, up to "=".
    const segments: PathSegment[] = [];
    let current = '';
    let sawEquals = false;
    while (i < text.length) {
      const c = text[i];
      if (c === '\\' && i + 1 < text.length) {
        current += text[i + 1];
        i += 2;
      } else if (c === '.') {
        if (current === '') fail('empty key segment');
        segments.push(current);
        current = '';
        i++;
      } else if (c === '[') {
        const close = text.indexOf(']', i);
        const index = close > i ? text.slice(i + 1, close) : '';
        if (!/^[0-9]+$/.test(index)) fail('list index must be a non-negative integer, e.g. name[0]');
        if (current !== '') segments.push(current);
        else if (segments.length === 0 || typeof segments[segments.length - 1] !== 'number') fail('list index without a key');
        segments.push(Number(index));
        current = '';
        i = close + 1;
        if (text[i] === '.') i++;
      } else if (c === '=') {
        sawEquals = true;
        i++;
        break;
      } else if (c === ',') {
        fail(`key ${JSON.stringify(current)} has no value`);
      } else {
        current += c;
        i++;
      }
    }
    if (current !== '') segments.push(current);
    if (!sawEquals) fail(`key ${JSON.stringify(segments.join('.'))} has no value (use key=value)`);
    if (segments.length === 0) fail('missing key before "="');

    // Value, up to an unescaped "," (or a "{...}" list).
    let value: unknown;
    if (text[i] === '{') {
      const items: unknown[] = [];
      let item = '';
      i++;
      let closed = false;
      while (i < text.length) {
        const c = text[i];
        if (c === '\\' && i + 1 < text.length) {
          item += text[i + 1];
          i += 2;
        } else if (c === ',' || c === '}') {
          if (item !== '' || c === ',' || items.length > 0) items.push(typed ? typedValue(item) : item);
          item = '';
          i++;
          if (c === '}') {
            closed = true;
            break;
          }
        } else {
          item += c;
          i++;
        }
      }
      if (!closed) fail('list value is missing its closing "}"');
      if (i < text.length && text[i] !== ',') fail('unexpected text after a list value');
      i++;
      value = items;
    } else {
      let raw = '';
      while (i < text.length && text[i] !== ',') {
        if (text[i] === '\\' && i + 1 < text.length) {
          raw += text[i + 1];
          i += 2;
        } else {
          raw += text[i];
          i++;
        }
      }
      i++;
      value = typed ? typedValue(raw) : raw;
    }
    assign(result, segments, value, fail);
  }
  return result;
}

function typedValue(raw: string): unknown {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw === 'null') return null;
  if (/^-?(0|[1-9][0-9]*)$/.test(raw) && Number.isSafeInteger(Number(raw))) return Number(raw);
  return raw;
}

function assign(root: Record<string, unknown>, segments: PathSegment[], value: unknown, fail: (why: string) => never): void {
  let container: any = root;
  for (let s = 0; s < segments.length; s++) {
    const segment = segments[s];
    const last = s === segments.length - 1;
    if (typeof segment === 'number' && !Array.isArray(container)) fail('list index on a value that is not a list');
    if (typeof segment === 'string' && (Array.isArray(container) || typeof container !== 'object')) fail(`key ${segment} on a value that is not a map`);
    if (typeof segment === 'number') {
      while (container.length < segment) container.push(null);
    }
    if (last) {
      container[segment] = value;
      return;
    }
    const wantList = typeof segments[s + 1] === 'number';
    const next = container[segment];
    if (wantList ? !Array.isArray(next) : !isMap(next)) container[segment] = wantList ? [] : {};
    container = container[segment];
  }
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    return `${pkg.name} ${pkg.version}`;
  } catch {
    return 'cdk8s-matrix-chat (unknown version)';
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
