#!/usr/bin/env node
'use strict';
// CPU profile of stack synthesis, summarised: where the time goes, and how much is ours (lib/).
//
//   node bench/profile.js [mode] [stacks]     defaults: one-app 1000
//     mode: one-app | app-per-stack | testing-synth (see bench/scale-child.js)
//
// Runs bench/scale-child.js under `node --cpu-prof`, keeps the .cpuprofile in bench/tmp/prof/
// (open it in Chrome DevTools → Performance), and prints self time, inclusive time by function,
// inclusive time of our own functions, and self time by package.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const mode = process.argv[2] ?? 'one-app';
const stacks = process.argv[3] ?? '1000';
const profDir = path.join(__dirname, 'tmp', 'prof');
const outdir = path.join(__dirname, 'tmp', `profile-${mode}-${stacks}`);
fs.mkdirSync(profDir, { recursive: true });
const before = new Set(fs.readdirSync(profDir));
const r = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, path.join(__dirname, 'scale-child.js'), mode, stacks, outdir], { cwd: ROOT, encoding: 'utf8' });
fs.rmSync(outdir, { recursive: true, force: true });
if (r.status !== 0) throw new Error(r.stderr);
console.log(r.stdout.trim());
const file = fs.readdirSync(profDir).find((f) => !before.has(f));
const profile = JSON.parse(fs.readFileSync(path.join(profDir, file), 'utf8'));
console.log(`profile: ${path.relative(ROOT, path.join(profDir, file))}`);

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const selfUs = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
});
const where = (url) => {
  if (!url) return '';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  return url.startsWith('file://') || url.startsWith('/') ? path.relative(ROOT, url.replace('file://', '')) : url;
};
const key = (n) => `${n.callFrame.functionName || '(anonymous)'}  ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const pkgOf = (n) => {
  const url = n.callFrame.url;
  if (!url) return n.callFrame.functionName.startsWith('(') ? n.callFrame.functionName : '(native)';
  const m = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (m) return m[1];
  if (url.includes('/lib/') && url.includes(ROOT)) return 'OURS (lib/)';
  if (url.includes('/bench/')) return 'bench harness';
  return 'node internals';
};
const self = new Map();
const incl = new Map();
const byPkg = new Map();
for (const [id, t] of selfUs) {
  const n = byId.get(id);
  self.set(key(n), (self.get(key(n)) ?? 0) + t);
  byPkg.set(pkgOf(n), (byPkg.get(pkgOf(n)) ?? 0) + t);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const k = key(byId.get(cur));
    if (seen.has(k)) continue; // recursion: count once
    seen.add(k);
    incl.set(k, (incl.get(k) ?? 0) + t);
  }
}
const pct = (t) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
const top = (m, count, filter = () => true) => [...m].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, count);
console.log(`\nsampled ${(total / 1000).toFixed(0)} ms`);
console.log('\n== self time by package ==');
for (const [k, t] of top(byPkg, 12)) console.log(pct(t), k);
console.log('\n== self time, top functions ==');
for (const [k, t] of top(self, 20)) console.log(pct(t), k);
console.log('\n== inclusive time, cdk8s / constructs / yaml entry points ==');
for (const [k, t] of top(incl, 25, (k) => /(cdk8s|constructs|yaml)\//.test(k))) console.log(pct(t), k);
console.log('\n== inclusive time, our functions (lib/) ==');
for (const [k, t] of top(incl, 20, (k) => /\s lib\//.test(k) || /\slib\//.test(k))) console.log(pct(t), k);
