#!/usr/bin/env node
// Generates the config-key allow-lists (src/config-keys/*.ts) from Tuwunel's and LiveKit's source.
//
// Run by hand from fetched git checkouts (bare git dirs are fine; nothing is built or run):
//
//   node scripts/gen-config-keys.js \
//     --tuwunel            /work/.mirror/matrix-construct+tuwunel/repo@v1.9.0 \
//     --livekit            /work/.mirror/livekit+livekit/repo@v1.13.5 \
//     --protocol           /work/.mirror/livekit+protocol/repo@<commit of go.mod's livekit/protocol> \
//     --mediatransportutil /work/.mirror/livekit+mediatransportutil/repo@<commit of go.mod's mediatransportutil> \
//     [--note-mediatransportutil "why this commit"] [--out src/config-keys]
//
// Each `<gitdir>@<ref>` is read with `git show`/`git ls-tree`; the commit each ref resolves to is
// written into the output so a reader can check the list against the same source.
//
// Tuwunel: the `[global]` table is `struct Config` in src/core/config/mod.rs (serde field names,
// `alias` included, the `#[serde(flatten)]` catch-all excluded); nested config structs and enums
// of that file and proxy.rs become sub-trees. LiveKit: the yaml keys of `config.Config`
// (pkg/config/config.go) and every struct it reaches, across packages of livekit-server,
// livekit/protocol and livekit/mediatransportutil, with gopkg.in/yaml.v3 rules: the `yaml` tag
// name, else the lower-cased field name; `yaml:"-"` and unexported fields skipped; `,inline`
// merged into the parent; a type with its own UnmarshalYAML/UnmarshalText is a leaf.
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

// ---------------------------------------------------------------- arguments and git access

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(`bad argument ${argv[i]}`);
    args[argv[i].slice(2)] = argv[i + 1];
  }
  return args;
}

function source(spec) {
  const at = spec.lastIndexOf('@');
  if (at < 0) throw new Error(`expected <gitdir>@<ref>, got ${spec}`);
  const gitDir = spec.slice(0, at);
  const ref = spec.slice(at + 1);
  const git = (...a) => execFileSync('git', ['--git-dir', gitDir, ...a], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const commit = git('rev-parse', `${ref}^{commit}`).trim();
  return {
    ref,
    commit,
    show: (file) => git('show', `${commit}:${file}`),
    list: (dir) => git('ls-tree', '--name-only', `${commit}`, `${dir.replace(/\/$/, '')}/`).split('\n').filter(Boolean),
  };
}

// ---------------------------------------------------------------- helpers

/** Index of the bracket closing the one at `open` (same kind), skipping nested pairs. */
function matching(text, open, o, c) {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === o) depth++;
    else if (text[i] === c && --depth === 0) return i;
  }
  throw new Error(`unbalanced ${o}${c}`);
}

/** Splits at top-level separators, ignoring those inside (), [], {}, <>. */
function splitTop(text, sep, angle = false) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if ('([{'.includes(ch) || (angle && ch === '<')) depth++;
    else if (')]}'.includes(ch) || (angle && ch === '>' && text[i - 1] !== '-' && text[i - 1] !== '=')) depth--;
    else if (depth === 0 && sep.includes(ch)) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** Removes // and /* comments outside string and rune literals (Go and Rust). */
function stripComments(src) {
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (ch === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      out += '\n';
    } else if (ch === '/' && src[i + 1] === '*') {
      i = src.indexOf('*/', i + 2) + 1;
    } else if (ch === '"' || ch === '`') {
      let j = i + 1;
      while (j < src.length && src[j] !== ch) j += ch === '"' && src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j;
    } else {
      out += ch;
    }
  }
  return out;
}

function sortTree(tree) {
  if (tree === 'leaf') return tree;
  const out = {};
  for (const key of Object.keys(tree).sort()) out[key] = sortTree(tree[key]);
  return out;
}

function countLeaves(tree) {
  if (tree === 'leaf') return 1;
  return Object.values(tree).reduce((n, t) => n + countLeaves(t), 0);
}

// ---------------------------------------------------------------- Tuwunel (Rust, serde)

/** Structs and enums with `Deserialize` in the given Rust sources: name → { kind, body, attrs }. */
function rustItems(text) {
  const items = {};
  const re = /((?:#\[[^\]]*(?:\[[^\]]*\][^\]]*)*\]\s*)*)pub(?:\([a-z]+\))?\s+(struct|enum)\s+(\w+)\s*\{/g;
  let m;
  while ((m = re.exec(text)) !== null) {
    const open = m.index + m[0].length - 1;
    const close = matching(text, open, '{', '}');
    if (/Deserialize/.test(m[1])) items[m[3]] = { kind: m[2], attrs: m[1], body: text.slice(open + 1, close) };
    re.lastIndex = close;
  }
  return items;
}

/** Fields or variants of a Rust body: [{ name, attrs, type }]. */
function rustMembers(body) {
  const members = [];
  for (const part of splitTop(body, ',', true)) {
    const attrs = [...part.matchAll(/#\[([\s\S]*?)\]\s*(?=#|pub|[A-Za-z_])/g)].map((a) => a[1]).join(' ');
    const rest = part.replace(/#\[[\s\S]*?\]\s*(?=#|pub|[A-Za-z_])/g, '').trim();
    const field = /^(?:pub(?:\([a-z]+\))?\s+)?(\w+)\s*:\s*([\s\S]+)$/.exec(rest);
    if (field) members.push({ name: field[1], attrs, type: field[2].replace(/\s+/g, '') });
    else {
      const variant = /^(\w+)\s*([({][\s\S]*)?$/.exec(rest);
      if (variant) members.push({ name: variant[1], attrs, type: variant[2] ?? '' });
    }
  }
  return members;
}

function serdeNames(name, attrs, renameAll) {
  const serde = [...attrs.matchAll(/serde\(([\s\S]*?)\)\s*$/gm)].map((s) => s[1]).join(',') + ',' + attrs;
  const rename = /rename\s*=\s*"([^"]+)"/.exec(serde);
  let primary = rename ? rename[1] : name;
  if (!rename && renameAll === 'snake_case') primary = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  const aliases = [...serde.matchAll(/alias\s*=\s*"([^"]+)"/g)].map((a) => a[1]);
  return [primary, ...aliases];
}

function tuwunelTree(items, typeName, seen = new Set()) {
  const item = items[typeName];
  if (item === undefined || seen.has(typeName)) return 'leaf';
  const next = new Set(seen).add(typeName);
  const renameAll = /rename_all\s*=\s*"([^"]+)"/.exec(item.attrs)?.[1];
  const tree = {};
  for (const member of rustMembers(item.body)) {
    if (/serde\([^)]*\bflatten\b/.test(member.attrs) || /\bskip_deserializing\b|serde\(\s*skip\s*[,)]/.test(member.attrs)) continue;
    let sub;
    if (item.kind === 'struct') {
      sub = tuwunelType(items, member.type, next);
      // identity_provider_serde.rs accepts a mapping (keyed by name) or a sequence of tables.
      if (/identity_provider_serde/.test(member.attrs) && sub !== 'leaf' && sub['*'] !== undefined) sub = { '*': sub['*'], '[]': sub['*'] };
    } else {
      if (member.type === '') continue; // unit variant: a plain string value, no key of its own
      const inner = member.type.startsWith('(') ? member.type.slice(1, -1) : undefined;
      sub = inner !== undefined ? tuwunelType(items, inner, next) : tuwunelTree({ v: { kind: 'struct', attrs: '', body: member.type.slice(1, -1) }, ...items }, 'v', next);
    }
    for (const name of serdeNames(member.name, member.attrs, renameAll)) tree[name] = sub;
  }
  return Object.keys(tree).length > 0 ? tree : 'leaf';
}

function tuwunelType(items, type, seen) {
  const generic = /^(?:[\w:]+::)?(\w+)<(.*)>$/.exec(type);
  if (generic) {
    const [, outer, args] = generic;
    const params = splitTop(args, ',', true);
    if (outer === 'Option' || outer === 'Box' || outer === 'Arc') return tuwunelType(items, params[0], seen);
    if (outer === 'Vec') {
      const el = tuwunelType(items, params[0], seen);
      return el === 'leaf' ? 'leaf' : { '[]': el };
    }
    if (/Map$/.test(outer)) {
      const value = tuwunelType(items, params[params.length - 1], seen);
      return value === 'leaf' ? 'leaf' : { '*': value };
    }
    return 'leaf';
  }
  return tuwunelTree(items, type.replace(/^.*::/, ''), seen);
}

function generateTuwunel(src) {
  const files = ['src/core/config/mod.rs', 'src/core/config/proxy.rs'];
  const text = files.map((f) => stripComments(src.show(f))).join('\n');
  const items = rustItems(text);
  if (!items.Config) throw new Error('struct Config not found');
  return { tree: sortTree(tuwunelTree(items, 'Config')), files };
}

// ---------------------------------------------------------------- LiveKit (Go, yaml.v3)

/** A Go package: type declarations and the set of types with custom YAML/text decoding. */
function goPackage(repo, dir) {
  const types = {};
  const custom = new Set();
  const files = repo.list(dir).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go') && !/_windows\.go$/.test(f));
  for (const file of files) {
    const text = stripComments(repo.show(file));
    const fileImports = {};
    for (const block of text.matchAll(/^import\s*(\([\s\S]*?\)|[^\n]+)/gm)) {
      for (const m of block[1].matchAll(/(?:(\w+|\.|_)\s+)?"([^"]+)"/g)) {
        fileImports[m[1] ?? m[2].split('/').pop().replace(/^go-/, '').replace(/\.v\d+$/, '')] = m[2];
      }
    }
    for (const m of text.matchAll(/^func\s*\(\s*\w*\s*\*?(\w+)(?:\[[^\]]*\])?\s*\)\s*(UnmarshalYAML|UnmarshalText)\s*\(/gm)) custom.add(m[1]);
    for (const m of text.matchAll(/^type\s+/gm)) {
      const at = m.index + m[0].length;
      const grouped = text[at] === '(';
      const body = grouped ? text.slice(at + 1, matching(text, at, '(', ')')) : text.slice(at);
      let i = 0;
      do {
        const spec = /^\s*(\w+)(?:\[[^\]]*\])?\s*(?:=\s*)?/.exec(body.slice(i));
        if (!spec || spec[0].trim() === '') break;
        i += spec[0].length;
        const end = typeEnd(body, i);
        types[spec[1]] = { expr: body.slice(i, end).trim(), imports: fileImports, file };
        i = end;
      } while (grouped && i < body.length);
    }
  }
  return { types, custom, files };
}

/** End of a Go type expression starting at `i` (a struct/interface body is brace-matched). */
function typeEnd(text, i) {
  let j = i;
  while (j < text.length && text[j] !== '\n') {
    if (text[j] === '{') j = matching(text, j, '{', '}');
    j++;
  }
  return j;
}

/** Fields of a Go struct body: [{ name, embedded, type, tag }]. */
function goFields(body) {
  const fields = [];
  for (const line of splitTop(body, '\n;')) {
    const tagMatch = /`([^`]*)`\s*$/.exec(line);
    const tag = tagMatch ? tagMatch[1] : '';
    const decl = (tagMatch ? line.slice(0, tagMatch.index) : line).trim();
    const named = /^(\w+(?:\s*,\s*\w+)*)\s+(\S[\s\S]*)$/.exec(decl);
    if (named && !/^\*?[\w.]+$/.test(decl)) {
      for (const name of named[1].split(',')) fields.push({ name: name.trim(), embedded: false, type: named[2].trim(), tag });
    } else {
      fields.push({ name: decl.replace(/^\*/, '').split('.').pop(), embedded: true, type: decl, tag });
    }
  }
  return fields;
}

function livekitResolver(repos, unresolved) {
  const packages = new Map();
  const used = new Set();
  function pkg(importPath) {
    for (const [prefix, repo] of repos) {
      if (importPath === prefix || importPath.startsWith(`${prefix}/`)) {
        const dir = importPath.slice(prefix.length + 1) || '.';
        const key = `${prefix}:${dir}`;
        if (!packages.has(key)) {
          packages.set(key, { ...goPackage(repo, dir), prefix });
        }
        return packages.get(key);
      }
    }
    return undefined;
  }

  /** Key tree of a named type in a package, or 'leaf'. */
  function named(p, name, seen) {
    const t = p.types[name];
    if (t === undefined) return 'leaf';
    if (p.custom.has(name)) return 'leaf';
    const id = `${name}@${t.file}`;
    if (seen.has(id)) return 'leaf';
    used.add(`${p.prefix}/${t.file}`);
    return expr(p, t.expr, t.imports, new Set(seen).add(id));
  }

  /** Key tree of a type expression. */
  function expr(p, e, imports, seen) {
    e = e.trim();
    if (e.startsWith('*')) return expr(p, e.slice(1), imports, seen);
    if (/^\[\d*\]/.test(e)) {
      const el = expr(p, e.replace(/^\[\d*\]/, ''), imports, seen);
      return el === 'leaf' ? 'leaf' : { '[]': el };
    }
    if (e.startsWith('map[')) {
      const close = matching(e, 3, '[', ']');
      const value = expr(p, e.slice(close + 1), imports, seen);
      return value === 'leaf' ? 'leaf' : { '*': value };
    }
    if (e.startsWith('struct')) return struct(p, e.slice(e.indexOf('{') + 1, e.lastIndexOf('}')), imports, seen);
    const qualified = /^(\w+)\.(\w+)$/.exec(e);
    if (qualified) {
      const importPath = imports[qualified[1]];
      const other = importPath && pkg(importPath);
      if (!other) {
        if (importPath && !/^[a-z]+(\/[a-z]+)*$/.test(importPath)) unresolved.add(`${importPath}.${qualified[2]}`);
        return 'leaf';
      }
      return named(other, qualified[2], seen);
    }
    if (/^\w+$/.test(e)) return named(p, e, seen);
    return 'leaf'; // interface{}, func, chan, generics: not a yaml mapping
  }

  function struct(p, body, imports, seen) {
    const tree = {};
    for (const f of goFields(body)) {
      const yaml = /(?:^|\s)yaml:"([^"]*)"/.exec(f.tag);
      const [tagName, ...flags] = yaml ? yaml[1].split(',') : [''];
      if (tagName === '-') continue;
      const inline = flags.includes('inline');
      if (!inline && !/^[A-Z]/.test(f.name)) continue; // unexported: yaml.v3 ignores it
      const sub = expr(p, f.type, imports, seen);
      if (inline) {
        if (/^map\[/.test(f.type.replace(/^\*/, ''))) tree['*'] = 'leaf';
        else if (sub !== 'leaf') Object.assign(tree, sub);
        else unresolved.add(`inline ${f.type} (custom decoder or unresolved)`);
        continue;
      }
      tree[tagName || f.name.toLowerCase()] = sub;
    }
    return tree; // an empty struct accepts no key at all (KnownFields), unlike a leaf
  }

  return { pkg, named, used };
}

function generateLivekit(livekit, protocol, mtu) {
  const unresolved = new Set();
  const repos = [
    ['github.com/livekit/livekit-server', livekit],
    ['github.com/livekit/protocol', protocol],
    ['github.com/livekit/mediatransportutil', mtu],
  ];
  const r = livekitResolver(repos, unresolved);
  const config = r.pkg('github.com/livekit/livekit-server/pkg/config');
  const tree = r.named(config, 'Config', new Set());
  if (tree === 'leaf') throw new Error('config.Config not found');
  return { tree: sortTree(tree), files: [...r.used].sort(), unresolved: [...unresolved].sort() };
}

// ---------------------------------------------------------------- output

/** A value as a TypeScript literal in the repo's lint style (single quotes, trailing commas). */
function literal(value, indent = '') {
  const inner = `${indent}  `;
  const key = (k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k}'`);
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${inner}${literal(v, inner)},\n`).join('')}${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${key(k)}: ${literal(v, inner)},\n`).join('')}${indent}}`;
}

function render({ constName, header, meta, tree }) {
  return [
    `// ${header}`,
    '// GENERATED by scripts/gen-config-keys.js from the sources named below; do not edit by hand.',
    "import type { KeyTree } from '../extra-config';",
    '',
    `/** The program version and source commits ${constName} was generated from. */`,
    `export const ${constName}_SOURCE = ${literal(meta)} as const;`,
    '',
    `/** Config keys ${meta.program} reads: a leaf accepts any value, \`*\` any key name, \`[]\` an array of tables. */`,
    `export const ${constName}: KeyTree = ${literal(tree)};`,
    '',
  ].join('\n');
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const out = args.out ?? path.join(__dirname, '..', 'src', 'config-keys');
  fs.mkdirSync(out, { recursive: true });
  if (args.tuwunel) {
    const src = source(args.tuwunel);
    const { tree, files } = generateTuwunel(src);
    const meta = { program: 'tuwunel', repository: 'github.com/matrix-construct/tuwunel', version: src.ref, commit: src.commit, files, leaves: countLeaves(tree) };
    fs.writeFileSync(path.join(out, 'tuwunel-keys.ts'), render({ constName: 'TUWUNEL_KEYS', header: 'Keys of the `[global]` table of tuwunel.toml, generated from Tuwunel\'s config structs.', meta, tree }));
    console.log(`tuwunel ${src.ref} ${src.commit}: ${meta.leaves} leaves`);
  }
  if (args.livekit) {
    const livekit = source(args.livekit);
    const protocol = source(args.protocol);
    const mtu = source(args.mediatransportutil);
    const { tree, files, unresolved } = generateLivekit(livekit, protocol, mtu);
    const meta = {
      program: 'livekit-server',
      repository: 'github.com/livekit/livekit',
      version: livekit.ref,
      commit: livekit.commit,
      dependencies: [
        { module: 'github.com/livekit/protocol', ref: protocol.ref, commit: protocol.commit },
        { module: 'github.com/livekit/mediatransportutil', ref: mtu.ref, commit: mtu.commit, ...(args['note-mediatransportutil'] ? { note: args['note-mediatransportutil'] } : {}) },
      ],
      files,
      leafTypesOutsideTheseModules: unresolved,
      leaves: countLeaves(tree),
    };
    fs.writeFileSync(path.join(out, 'livekit-keys.ts'), render({ constName: 'LIVEKIT_KEYS', header: 'Keys of LiveKit\'s config.yaml, generated from livekit-server\'s config structs.', meta, tree }));
    console.log(`livekit ${livekit.ref} ${livekit.commit}: ${meta.leaves} leaves; leaf types outside: ${unresolved.join(', ')}`);
  }
}

main();
