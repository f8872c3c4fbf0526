// The `extraConfig` escape hatch: user keys checked against a program's allow-list and merged into its config data.
import { LIVEKIT_KEYS_SOURCE } from './config-keys/livekit-keys';
import { TUWUNEL_KEYS_SOURCE } from './config-keys/tuwunel-keys';

/**
 * The config keys a program reads (src/config-keys/*.ts, generated from its source): `'leaf'`
 * takes any value; an object lists the keys of a table, `'*'` standing for a key of any name
 * (maps keyed by ids) and `'[]'` for the entries of an array of tables.
 */
export type KeyTree = 'leaf' | { readonly [key: string]: KeyTree };

/** One refused part of an extraConfig, in the shape `Problems.add` takes. */
export interface ExtraConfigProblem {
  /** Prop path of the offending key, e.g. `homeserver.extraConfig.well_known.client`. */
  readonly path: string;
  readonly problem: string;
  readonly consequence: string;
  readonly fix: string;
}

export interface ExtraConfigOptions {
  readonly program: 'tuwunel' | 'livekit';
  /** Prop path of the extraConfig map, e.g. `homeserver.extraConfig`. */
  readonly pathPrefix: string;
  /** Config key path (dotted, `*` matches one segment) → the prop that sets it. */
  readonly managed: ReadonlyMap<string, string>;
  readonly allowList: KeyTree;
}

export interface ExtraConfigResult {
  /** `base` with the accepted extra keys merged in; refused keys are left out. */
  readonly merged: Record<string, unknown>;
  readonly problems: ExtraConfigProblem[];
}

/** Limits on one extraConfig: the ConfigMap holding the file is capped at 1 MiB. */
export const EXTRA_CONFIG_LIMITS = { maxKeys: 1000, maxDepth: 10, maxBytes: 256 * 1024 } as const;

const PROGRAM = {
  tuwunel: {
    name: 'Tuwunel',
    file: 'tuwunel.toml',
    source: TUWUNEL_KEYS_SOURCE,
    // check.rs warn_unknown_key: an unknown `[global]` key only logs a warning; serde drops unknown nested keys silently.
    unknown: 'Tuwunel would only log a warning (or nothing, for a nested key) and run without the setting, so it is refused at synth',
    secrets: 'pass secrets through the Secret-based props instead: homeserver.registrationTokenExistingSecret, homeserver.registrationSharedSecretExistingSecret, the appservices\' tokensSecret, and the SSO client secret from a Secret',
  },
  livekit: {
    name: 'LiveKit',
    file: 'config.yaml',
    source: LIVEKIT_KEYS_SOURCE,
    // cmd/server/main.go: strict mode unless --disable-strict-config; config.go decodes with KnownFields(strict).
    unknown: 'LiveKit decodes its config strictly and would refuse to start (could not parse config: field … not found)',
    secrets: 'pass credentials through the Secret-based props instead: livekit.keys.existingSecret (API key and secret) and livekit.turn.tls.existingSecret (TURN certificate and key)',
  },
} as const;

/** Key names that hold secrets or point at secret files the construct does not mount. */
const SECRET_KEY = /secret|token|password|passwd|credential|(^|_)keys?(_file)?$|keyfile$/i;

/**
 * Keys of the generated lists that match SECRET_KEY but hold no secret: lifetimes, flags, a URL
 * and a public PGP key fingerprint (reviewed against both lists when they are regenerated).
 */
const NOT_SECRET: ReadonlySet<string> = new Set([
  'access_token_ttl', 'login_token_ttl', 'openid_token_ttl', 'refresh_token_ttl',
  'refresh_token_hard_logout', 'refresh_token_idle_only', 'refresh_token_reuse_grace', 'refresh_token_reuse_revoke',
  'login_via_token', 'login_with_password', 'require_email_for_token_registration',
  'token_url', 'pgp_key', 'support_pgp_key', 'use_bucket_key',
]);

/** Whether a key name holds a secret (any case). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !NOT_SECRET.has(key.toLowerCase());
}

/** A URL with a password in its user-info part, e.g. `smtp://user:pass@host`. */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s:]*:[^/@\s]+@/i;

/**
 * Checks `extra` against the allow-list and merges the accepted keys into `base`. Key order:
 * base keys in base order, then extra-only keys sorted (recursively), so the same input always
 * gives the same file and an absent extraConfig leaves the file unchanged.
 */
export function mergeExtraConfig(base: Record<string, unknown>, extra: unknown, options: ExtraConfigOptions): ExtraConfigResult {
  if (extra === undefined) return { merged: base, problems: [] };
  const checker = new Checker(options);
  if (!isPlainObject(extra)) {
    checker.add([], `must be a map of config keys, got ${describe(extra)}`, `${PROGRAM[options.program].file} could not be written`, 'pass an object literal such as { some_key: "value" }');
    return { merged: base, problems: checker.problems };
  }
  const accepted = checker.table(extra, [], options.allowList, 1) ?? {};
  if (checker.problems.length === 0) {
    const bytes = JSON.stringify(accepted).length;
    if (bytes > EXTRA_CONFIG_LIMITS.maxBytes) {
      checker.add([], `is ${bytes} bytes of data, more than ${EXTRA_CONFIG_LIMITS.maxBytes}`, `the ConfigMap holding ${PROGRAM[options.program].file} would approach its 1 MiB limit`, 'keep extraConfig to a few settings and mount large data another way');
    }
  }
  return { merged: deepMerge(base, accepted), problems: checker.problems };
}

/** Walks one extraConfig, collecting problems and building the accepted (sorted) data. */
class Checker {
  public readonly problems: ExtraConfigProblem[] = [];
  private keys = 0;
  private tooMany = false;
  private allPaths: string[] | undefined;

  constructor(private readonly options: ExtraConfigOptions) {}

  public add(segments: readonly string[], problem: string, consequence: string, fix: string): void {
    this.problems.push({ path: this.propPath(segments), problem, consequence, fix });
  }

  /** The accepted part of a table, or undefined when nothing of it is accepted. */
  public table(value: Record<string, unknown>, segments: readonly string[], node: KeyTree | undefined,
    depth: number): Record<string, unknown> | undefined {
    if (depth > EXTRA_CONFIG_LIMITS.maxDepth) {
      this.add(segments, `nests deeper than ${EXTRA_CONFIG_LIMITS.maxDepth} levels`, `${this.program.name} has no setting that deep, and the serializer would be asked to write it`, 'flatten the value or remove it');
      return undefined;
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      if (++this.keys > EXTRA_CONFIG_LIMITS.maxKeys) {
        if (!this.tooMany) this.add([], `has more than ${EXTRA_CONFIG_LIMITS.maxKeys} keys`, `the ConfigMap holding ${this.program.file} would approach its 1 MiB limit`, 'keep extraConfig to a few settings');
        this.tooMany = true;
        return undefined;
      }
      const accepted = this.entry(key, value[key], [...segments, key], node, depth);
      if (accepted !== undefined) out[key] = accepted;
    }
    return Object.keys(out).length > 0 || Object.keys(value).length === 0 ? out : undefined;
  }

  private entry(key: string, value: unknown, segments: readonly string[], node: KeyTree | undefined, depth: number): unknown {
    if (key.trim() === '' || key === '__proto__') {
      this.add(segments, `has the key ${JSON.stringify(key)}, which names no setting`, `${this.program.name} has no such setting`, 'remove the key');
      return undefined;
    }
    if (key.includes('.')) {
      const nested = key.split('.');
      this.add(segments, `is a dotted key; ${this.program.file} would hold one key literally named "${key}", not a nested one`, `${this.program.name} would not see the setting`, `nest it as ${nested.map((k) => `{ ${k}: `).join('')}… ${nested.map(() => '}').join(' ')}`);
      return undefined;
    }
    if (isSecretKey(key)) {
      this.add(segments, 'is a key that holds a secret (or a file with one); extraConfig lands in a ConfigMap, readable by anyone who can read ConfigMaps, and no Secret is mounted for a file key', 'the secret would leak, or the file would not exist and the program would fail', this.program.secrets);
      return undefined;
    }
    const managed = this.managedBy(segments, value);
    if (managed !== undefined) {
      this.add(segments, `is set by the construct from ${managed}`, 'two sources would disagree about one setting, and the construct relies on its own value', `set ${managed} instead and remove this key`);
      return undefined;
    }
    const child = node === 'leaf' ? 'leaf' : node?.[key] ?? node?.['*'];
    if (child === undefined) {
      this.unknown(key, segments, node);
      return undefined;
    }
    return this.value(value, segments, child, depth);
  }

  /** Checks one value against its allow-list node; returns the accepted copy. */
  private value(value: unknown, segments: readonly string[], node: KeyTree, depth: number): unknown {
    if (typeof value === 'string') {
      if (URL_WITH_PASSWORD.test(value)) {
        this.add(segments, 'is a URL with a password in it; extraConfig lands in a ConfigMap', 'the password would be readable by anyone who can read ConfigMaps', this.program.secrets);
        return undefined;
      }
      return value;
    }
    if (typeof value === 'boolean') return value;
    if (typeof value === 'number') {
      if (Number.isFinite(value)) return value;
      this.add(segments, `is ${value}, which ${this.program.file} cannot hold`, `${this.program.name} could not read its configuration`, 'use a finite number');
      return undefined;
    }
    if (Array.isArray(value)) {
      const element = node === 'leaf' ? 'leaf' : node['[]'];
      const out: unknown[] = [];
      let ok = true;
      value.forEach((item, i) => {
        const path = [...segments.slice(0, -1), `${segments[segments.length - 1]}[${i}]`];
        const accepted = isPlainObject(item) ? this.table(item, path, element ?? 'leaf', depth + 1) : this.value(item, path, 'leaf', depth + 1);
        if (accepted === undefined) ok = false;
        out.push(accepted);
      });
      return ok ? out : undefined;
    }
    if (isPlainObject(value)) return this.table(value, segments, node, depth + 1);
    if (value === null || value === undefined) {
      const consequence = this.options.program === 'tuwunel'
        ? 'tuwunel.toml cannot hold it (TOML has no null) and could not be written'
        : 'LiveKit would read it as its default, so the key would do nothing';
      this.add(segments, `is ${value}`, consequence, 'leave the key out to get the program\'s default');
      return undefined;
    }
    this.add(segments, `is ${describe(value)}, not a string, finite number, boolean, list or map`, `${this.program.file} cannot hold it`, 'write the value as plain data');
    return undefined;
  }

  /** The prop that manages this key path or one under or above it (a scalar replacing a managed table). */
  private managedBy(segments: readonly string[], value: unknown): string | undefined {
    const path = configSegments(segments);
    for (const [key, prop] of this.options.managed) {
      const managed = key.split('.');
      const common = Math.min(managed.length, path.length);
      let same = true;
      for (let i = 0; i < common && same; i++) same = managed[i] === '*' || managed[i] === path[i];
      if (!same) continue;
      // The key itself or a key below a managed one; or a managed key below this one that a non-table would replace.
      if (managed.length <= path.length || !isPlainObject(value)) return prop;
    }
    return undefined;
  }

  private unknown(key: string, segments: readonly string[], node: KeyTree | undefined): void {
    const siblings = node === undefined || node === 'leaf' ? [] : Object.keys(node).filter((k) => k !== '*' && k !== '[]');
    const near = suggest(key, siblings);
    const parent = configSegments(segments.slice(0, -1)).join('.');
    const elsewhere = near === undefined ? this.findElsewhere(key) : undefined;
    const known = `${this.program.name} ${this.program.source.version}`;
    const fix = near !== undefined
      ? `did you mean ${parent ? `${parent}.` : ''}${near}?`
      : elsewhere !== undefined
        ? `did you mean ${elsewhere}? (nest it there)`
        : `use a key ${known} reads (see src/config-keys/${this.options.program}-keys.ts)`;
    this.add(segments, `is not a config key ${known} reads${parent ? ` under ${parent}` : ''}`, this.program.unknown, fix);
  }

  /** The full path of a known key with this exact name elsewhere in the tree, if unique. */
  private findElsewhere(key: string): string | undefined {
    this.allPaths ??= treePaths(this.options.allowList);
    const hits = this.allPaths.filter((p) => p === key || p.endsWith(`.${key}`));
    const best = hits.sort((a, b) => a.length - b.length || a.localeCompare(b))[0];
    return best?.replace(/\.\*(?=\.|$)/g, '.<id>').replace(/\.\[\]/g, '[]');
  }

  private propPath(segments: readonly string[]): string {
    const rest = segments.map((s) => (/^[A-Za-z0-9_-]+(\[\d+\])?$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`)).join('');
    return `${this.options.pathPrefix}${rest}`;
  }

  private get program() {
    return PROGRAM[this.options.program];
  }
}

/** Config key segments of a walk path: `users[2]` → `users`, `[]` (array entries are matched as `[]`). */
function configSegments(segments: readonly string[]): string[] {
  return segments.flatMap((s) => {
    const m = /^(.*)\[\d+\]$/.exec(s);
    return m ? [m[1], '[]'] : [s];
  });
}

/** Every dotted key path of an allow-list (`*` and `[]` kept as segments). */
function treePaths(tree: KeyTree, prefix = ''): string[] {
  if (tree === 'leaf') return [prefix];
  return Object.entries(tree).flatMap(([k, sub]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    return [path, ...(sub === 'leaf' ? [] : treePaths(sub, path))];
  }).filter((p) => p !== '');
}

/**
 * `base` with `extra` merged in: maps merge key by key, anything else (lists too) from `extra`
 * replaces. Base keys keep their order; keys only in `extra` follow, sorted.
 */
export function deepMerge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(base)) {
    const b = base[key];
    const e = extra[key];
    if (!(key in extra)) out[key] = b;
    else if (isPlainObject(b) && isPlainObject(e)) out[key] = deepMerge(b, e);
    else out[key] = e;
  }
  for (const key of Object.keys(extra).filter((k) => !(k in base)).sort()) out[key] = extra[key];
  return out;
}

/**
 * The candidate nearest to `word` (optimal-string-alignment distance, case, `-` and camelCase
 * folded to snake_case), or undefined when none is within 3 edits (fewer for short words).
 */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const w = fold(word);
  const limit = Math.min(3, Math.max(1, Math.ceil(w.length / 4)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of [...candidates].sort()) {
    const d = distance(w, fold(candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function fold(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().replace(/-/g, '_');
}

/** Damerau-Levenshtein distance, optimal string alignment variant (adjacent swaps count once). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return `an instance of ${(value as object).constructor?.name ?? 'a class'}`;
  if (typeof value === 'function') return 'a function';
  return `a ${typeof value}`;
}

/**
 * The keys a construct manages: every key path its own document holds, plus `always` (keys it
 * sets by leaving them out, such as an unset `ip_source`), each blamed on the prop that sets it.
 */
export function managedKeys(
  document: Record<string, unknown>, propOf: (keyPath: string) => string, always: readonly string[] = [],
): Map<string, string> {
  const managed = new Map<string, string>();
  const walk = (value: unknown, path: string): void => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
      for (const [key, child] of Object.entries(value)) walk(child, path === '' ? key : `${path}.${key}`);
    } else if (path !== '') {
      managed.set(path, propOf(path));
    }
  };
  walk(document, '');
  for (const path of always) if (!managed.has(path)) managed.set(path, propOf(path));
  return managed;
}
