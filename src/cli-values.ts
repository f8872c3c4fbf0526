// The CLI's input: values files read as YAML 1.1 within bounds, Helm's merge of them, and `--set` parsed as Helm does.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Yaml } from 'cdk8s';

/** Limits on the input, so that no values file or --set can exhaust memory or the stack. */
export const LIMITS = {
  /** Bytes of one values file; the chart's own values file is a few KiB. */
  fileBytes: 4 * 1024 * 1024,
  /** Nesting of maps and lists; the deepest values key of the chart (affinity terms) is about 10 levels. */
  depth: 64,
  /** YAML alias expansions per document (the `yaml` package's default); a "billion laughs" file needs many more. */
  aliases: 100,
  /** A --set list index: Helm's own maximum (MaxIndex in helm's pkg/strvals/parser.go). */
  setIndex: 65536,
  /** Dotted levels in a --set key: Helm's own maximum (MaxNestedNameLevel in pkg/strvals/parser.go). */
  setNesting: 30,
} as const;

/** Keys that would reach JavaScript's object machinery instead of becoming values. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A usage or input error: exit 2 with a one-line reason. */
export class UsageError extends Error {}

/** A Node.js file-system error as a short reason, without the raw `ECODE: ... syscall` text. */
export function systemReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EISDIR: 'it is a folder',
    EEXIST: 'a file is in the way',
    ENOSPC: 'no space left on the device',
    EROFS: 'the file system is read-only',
    ENOENT: 'no such file or folder',
  };
  return (code && reasons[code]) ?? oneLine((error as Error).message ?? String(error));
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

/** The subset of the `yaml` package the CLI uses. */
interface YamlLibrary {
  parseAllDocuments(text: string, options: { version: '1.1'; uniqueKeys: true; customTags: (tags: YamlTag[]) => YamlTag[] }): unknown;
  visit(node: unknown, visitor: { Pair?: (key: unknown, pair: { key: unknown }) => unknown }): void;
  isScalar(node: unknown): boolean;
}
interface YamlTag {
  readonly tag: string;
}
interface YamlError {
  readonly message: string;
}
interface YamlDocument {
  readonly errors: YamlError[];
  readonly warnings: YamlError[];
  toJSON(replacer: null, options: { maxAliasCount: number }): unknown;
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

/**
 * YAML 1.1 tags Helm does not have: Helm's YAML reader keeps an unquoted `2024-01-01` as the string
 * it looks like (the `yaml` package would make it a timestamp, then "2024-01-01T00:00:00.000Z"),
 * and `!!binary` data means nothing in a values file (it is then refused as an unknown tag).
 */
function withoutDatesAndBinary(tags: YamlTag[]): YamlTag[] {
  return tags.filter((t) => t.tag !== 'tag:yaml.org,2002:timestamp' && t.tag !== 'tag:yaml.org,2002:binary');
}

/** The first line of a YAML error, made readable. */
function yamlReason(error: YamlError): string {
  const first = error.message.split('\n')[0].replace(/:$/, '');
  // The parser reports too deep a nesting as its own stack overflow.
  return first.replace(/^Maximum call stack size exceeded/, 'it is nested too deeply for the parser');
}

/** Reads one values file (YAML 1.1, as cdk8s and Helm) into a map. */
export function readValuesFile(file: string): Record<string, unknown> {
  const name = file === '-' ? 'values from stdin' : `values file ${file}`;
  let text: string;
  try {
    if (file === '-') {
      text = fs.readFileSync(0, 'utf8');
    } else {
      if (!fs.existsSync(file)) throw new UsageError(`values file ${file} does not exist`);
      const stat = fs.statSync(file);
      if (!stat.isFile()) throw new UsageError(`values file ${file} is not a file`);
      if (stat.size > LIMITS.fileBytes) throw new UsageError(`${name} is ${stat.size} bytes; values files larger than ${LIMITS.fileBytes} bytes are refused (the chart's own is a few KiB)`);
      text = fs.readFileSync(file, 'utf8');
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${name}: ${systemReason(error)}`);
  }
  if (text.length > LIMITS.fileBytes) throw new UsageError(`${name} holds more than ${LIMITS.fileBytes} bytes; larger values files are refused`);
  if (text.includes('\uFFFD')) throw new UsageError(`${name} is not UTF-8 text (save it as UTF-8)`);
  const library = loadYamlLibrary();
  let docs: unknown[];
  if (library) {
    let parsed: unknown;
    try {
      parsed = library.parseAllDocuments(text, { version: '1.1', uniqueKeys: true, customTags: withoutDatesAndBinary });
    } catch (error) {
      // Older yaml releases (the one cdk8s 2.68 bundles) overflow the stack on deep flow nesting instead of reporting it.
      if (error instanceof RangeError) throw new UsageError(`${name} is nested too deeply`);
      throw error;
    }
    const documents = (Array.isArray(parsed) ? parsed : [parsed]) as YamlDocument[];
    for (const doc of documents) {
      // Warnings too: an unknown tag such as `!vault x` would otherwise become a plain string.
      const problem = doc.errors[0] ?? doc.warnings[0];
      if (problem) throw new UsageError(`${name} is not valid YAML: ${yamlReason(problem)}`);
      library.visit(doc, {
        Pair: (_key, pair) => {
          if (pair.key !== null && pair.key !== undefined && !library.isScalar(pair.key)) {
            throw new UsageError(`${name} is not a values file: it has a map key that is itself a map or list`);
          }
        },
      });
    }
    docs = documents.map((d) => {
      try {
        return d.toJSON(null, { maxAliasCount: LIMITS.aliases });
      } catch (error) {
        const message = (error as Error).message;
        if (/alias count/i.test(message)) {
          throw new UsageError(`${name} expands YAML aliases more than ${LIMITS.aliases} times; refused as a resource-exhaustion ("billion laughs") file`);
        }
        if (error instanceof RangeError) throw new UsageError(`${name} is nested too deeply`);
        throw new UsageError(`${name} is not valid YAML: ${oneLine(message)}`);
      }
    }).filter((d) => d !== null && d !== undefined);
  } else {
    docs = Yaml.load(path.resolve(file));
  }
  if (docs.length === 0) return {};
  if (docs.length > 1) throw new UsageError(`${name} holds ${docs.length} YAML documents; a values file is one map`);
  const doc = docs[0];
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    const what = Array.isArray(doc) ? 'a list' : String(JSON.stringify(doc)).slice(0, 60);
    throw new UsageError(`${name} is not a map of values (its top level is ${what})`);
  }
  checkTree(doc, name);
  return doc as Record<string, unknown>;
}

/** Bounded depth, and no key that JavaScript treats specially or that holds a control character. */
function checkTree(root: unknown, name: string): void {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, path: at, depth } = stack.pop()!;
    if (typeof value !== 'object' || value === null || value instanceof Date || value instanceof Uint8Array) continue;
    if (depth > LIMITS.depth) throw new UsageError(`${name} is nested more than ${LIMITS.depth} levels deep (at ${at.slice(0, 80)}…); no values key of the chart is`);
    const entries = Array.isArray(value) ? value.map((v, i) => [`[${i}]`, v] as const) : Object.entries(value).map(([k, v]) => [k, v] as const);
    for (const [key, child] of entries) {
      const childPath = Array.isArray(value) ? `${at}${key}` : at === '' ? key : `${at}.${key}`;
      if (!Array.isArray(value)) checkKey(key, () => `${name}: key ${JSON.stringify(childPath)}`);
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
}

function checkKey(key: string, where: () => string): void {
  if (RESERVED_KEYS.has(key)) throw new UsageError(`${where()} is not allowed (${JSON.stringify(key)} is no values key, and JavaScript objects treat it specially)`);
  if (/[\u0000-\u001f\u007f-\u009f]/.test(key)) throw new UsageError(`${where()} holds a control character`);
}

/** Helm's merge of values files: maps merge key by key, anything else (lists too) is replaced. */
export function mergeValues(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = Object.prototype.hasOwnProperty.call(result, key) ? result[key] : undefined;
    // defineProperty: even a "__proto__" key (refused earlier) can never change an object's prototype.
    Object.defineProperty(result, key, {
      value: isMap(current) && isMap(value) ? mergeValues(current, value) : value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return result;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
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
        if (segments.filter((x) => typeof x === 'string').length >= LIMITS.setNesting) {
          fail(`the key is nested more than ${LIMITS.setNesting} levels deep (Helm's limit too)`);
        }
        segments.push(current);
        current = '';
        i++;
      } else if (c === '[') {
        const close = text.indexOf(']', i);
        const index = close > i ? text.slice(i + 1, close) : '';
        if (!/^[0-9]+$/.test(index)) fail('list index must be a non-negative integer, e.g. name[0]');
        // Helm's limit too: the list is filled up to the index, so a huge one would exhaust memory.
        if (Number(index) > LIMITS.setIndex) fail(`list index ${index.length > 12 ? `${index.slice(0, 12)}…` : index} is above ${LIMITS.setIndex}, the largest Helm accepts`);
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
    if (segments.length > LIMITS.depth) fail(`the key has more than ${LIMITS.depth} levels (keys and list indexes); no values key of the chart has`);
    for (const segment of segments) {
      if (typeof segment === 'string') checkKey(segment, () => `--set ${JSON.stringify(text)}: key ${JSON.stringify(segment)}`);
    }
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
