#!/usr/bin/env node
'use strict';
// Benchmark of cdk8s-matrix-chat: cold start, scaling to many stacks, package footprint.
//
//   node bench/run.js           full run (≥10 cold-start runs; 1, 10, 100, 1,000 stacks)
//   node bench/run.js --quick   sanity check (3 runs; 1, 10, 100 stacks), writes bench/tmp/results-quick.json
//
// Needs a compiled lib/ (`npx jsii` or `npx projen compile`). Prints a Markdown table and
// writes bench/results.json. Every measurement runs in a fresh child process; cold-start runs
// are interleaved (bare, cdk8s+kplus, full, rotated each round) so that load from other
// processes hits all three alike, and medians are reported.
const { spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const TMP = path.join(__dirname, 'tmp'); // git-ignored
const QUICK = process.argv.includes('--quick');
const COLD_RUNS = QUICK ? 3 : 15;
const SIZES = QUICK ? [1, 10, 100] : [1, 10, 100, 1000];
const SCALE_TIMEOUT_MS = 180_000;
// The per-chart path re-validates the whole App for every chart; cap it.
const TESTING_SYNTH_TIMEOUT_MS = 60_000;

const TARGETS = {
  ownOverheadMs: 40,
  stacks1000Ms: 10_000,
  stacks1000PeakBytes: 1024 ** 3,
  linearityRatio: 1.5,
  packedBytes: 500 * 1000,
  allowedRuntimeDeps: ['cdk8s', 'cdk8s-plus-28', 'constructs'],
};

// ---------------------------------------------------------------------------------------------
// helpers

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
};
const stats = (xs) => ({ median: median(xs), min: Math.min(...xs), p25: quantile(xs, 0.25), p75: quantile(xs, 0.75), runs: xs.length });
const f1 = (x) => (x === undefined || x === null ? '–' : x.toFixed(1));
const mib = (bytes) => (bytes / 1024 / 1024).toFixed(0);
const loadavg = () => os.loadavg().map((x) => Number(x.toFixed(2)));
const log = (...args) => process.stderr.write(args.join(' ') + '\n');

/** Spawns `node args…` and returns the wall time (parent-measured) and its last JSON line. */
function runNode(args, { timeout, expectJson = true } = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout, maxBuffer: 16 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.error && r.error.code === 'ETIMEDOUT') return { wallMs, timedOut: true };
  if (r.status !== 0) {
    throw new Error(`node ${args.join(' ')} exited with ${r.status ?? r.signal}:\n${r.stderr}`);
  }
  if (!expectJson) return { wallMs };
  const line = r.stdout.trim().split('\n').pop();
  return { wallMs, ...JSON.parse(line) };
}

function checkLib() {
  const entry = path.join(ROOT, 'lib', 'index.js');
  if (!fs.existsSync(entry)) {
    throw new Error('lib/index.js is missing: compile first (npx projen compile, or npx jsii)');
  }
  const newest = (dir, ext) => Math.max(0, ...fs.readdirSync(dir).filter((f) => f.endsWith(ext)).map((f) => fs.statSync(path.join(dir, f)).mtimeMs));
  const stale = newest(path.join(ROOT, 'src'), '.ts') > newest(path.join(ROOT, 'lib'), '.js');
  if (stale) log('warning: src/ is newer than lib/ — the numbers measure the last compiled lib/');
  return { stale };
}

// ---------------------------------------------------------------------------------------------
// 1. cold start

function coldStart() {
  const kinds = {
    bare: ['-e', ''],
    kplus: [path.join(__dirname, 'cold-child.js'), 'kplus'],
    full: [path.join(__dirname, 'cold-child.js'), 'full'],
  };
  const order = Object.keys(kinds);
  // One discarded warm-up round fills the file-system cache.
  for (const k of order) runNode(kinds[k], { expectJson: k !== 'bare' });
  const runs = { bare: [], kplus: [], full: [] };
  for (let round = 0; round < COLD_RUNS; round++) {
    for (let j = 0; j < order.length; j++) {
      const k = order[(round + j) % order.length];
      runs[k].push(runNode(kinds[k], { expectJson: k !== 'bare' }));
    }
  }
  // `node -e ''` cannot report its own RSS; a one-liner that only prints it stands in.
  const bareRss = [];
  for (let i = 0; i < Math.min(COLD_RUNS, 5); i++) {
    bareRss.push(runNode(['-e', 'process.stdout.write(JSON.stringify({maxRssKiB:process.resourceUsage().maxRSS}))']).maxRssKiB);
  }
  const pick = (k, field) => runs[k].map((r) => r[field]);
  const result = {
    runs: COLD_RUNS,
    bare: { wallMs: stats(pick('bare', 'wallMs')), maxRssKiB: median(bareRss) },
    kplus: {
      wallMs: stats(pick('kplus', 'wallMs')),
      maxRssKiB: median(pick('kplus', 'maxRssKiB')),
      importCdk8sMs: median(pick('kplus', 'importCdk8sMs')),
      importKplusMs: median(pick('kplus', 'importKplusMs')),
    },
    full: {
      wallMs: stats(pick('full', 'wallMs')),
      maxRssKiB: median(pick('full', 'maxRssKiB')),
      importCdk8sMs: median(pick('full', 'importCdk8sMs')),
      importKplusMs: median(pick('full', 'importKplusMs')),
      importLibMs: median(pick('full', 'importLibMs')),
      constructMs: median(pick('full', 'constructMs')),
      synthMs: median(pick('full', 'synthMs')),
      inProcessOwnMs: stats(pick('full', 'ownMs')),
      yamlBytes: runs.full[0].yamlBytes,
      objects: runs.full[0].objects,
    },
  };
  result.ownOverheadMs = result.full.wallMs.median - result.kplus.wallMs.median;
  result.cdk8sImportOverheadMs = result.kplus.wallMs.median - result.bare.wallMs.median;
  return result;
}

// ---------------------------------------------------------------------------------------------
// 2. scaling

function scaling() {
  fs.rmSync(TMP, { recursive: true, force: true });
  const results = [];
  const modes = ['one-app', 'app-per-stack', 'testing-synth'];
  for (const mode of modes) {
    for (const n of SIZES) {
      const outdir = path.join(TMP, `${mode}-${n}`);
      const timeout = mode === 'testing-synth' ? TESTING_SYNTH_TIMEOUT_MS : SCALE_TIMEOUT_MS;
      log(`  scaling ${mode} × ${n} …`);
      const r = runNode([path.join(__dirname, 'scale-child.js'), mode, String(n), outdir], { timeout });
      const files = fs.existsSync(outdir) ? countFiles(outdir) : 0;
      fs.rmSync(outdir, { recursive: true, force: true });
      if (r.timedOut) {
        results.push({ mode, stacks: n, timedOut: true, timeoutMs: timeout });
        log(`    timed out after ${timeout / 1000} s`);
        continue;
      }
      if (files !== n) throw new Error(`${mode} × ${n} wrote ${files} files, expected ${n}`);
      results.push({ ...r, filesOnDisk: files, loadavg: loadavg() });
    }
  }
  fs.rmSync(TMP, { recursive: true, force: true });
  return results;
}

function countFiles(dir) {
  let count = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) count += countFiles(path.join(dir, entry.name));
    else if (entry.name.endsWith('.k8s.yaml')) count++;
  }
  return count;
}

// ---------------------------------------------------------------------------------------------
// 3. footprint

function footprint() {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const pack = JSON.parse(out)[0];
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const dependencies = Object.keys(pkg.dependencies ?? {});
  const peerDependencies = Object.keys(pkg.peerDependencies ?? {});
  const bundled = pkg.bundledDependencies ?? pkg.bundleDependencies ?? [];
  // What lib/ actually requires at runtime, beyond relative paths and Node built-ins.
  const required = new Set();
  for (const file of fs.readdirSync(path.join(ROOT, 'lib')).filter((f) => f.endsWith('.js'))) {
    const text = fs.readFileSync(path.join(ROOT, 'lib', file), 'utf8');
    for (const m of text.matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const id = m[1];
      if (id.startsWith('.') || id.startsWith('node:') || require('node:module').isBuiltin(id)) continue;
      required.add(id.startsWith('@') ? id.split('/').slice(0, 2).join('/') : id.split('/')[0]);
    }
  }
  const unbundledExtra = dependencies.filter((d) => !bundled.includes(d) && !TARGETS.allowedRuntimeDeps.includes(d));
  const largest = [...pack.files].sort((a, b) => b.size - a.size).slice(0, 5).map((f) => ({ path: f.path, bytes: f.size }));
  return {
    packedBytes: pack.size,
    unpackedBytes: pack.unpackedSize,
    files: pack.entryCount,
    bundled: pack.bundled ?? bundled,
    dependencies,
    peerDependencies,
    runtimeDependencyCount: new Set([...dependencies, ...peerDependencies]).size,
    requiredByLib: [...required].sort(),
    unbundledExtraDependencies: unbundledExtra,
    largestFiles: largest,
  };
}

// ---------------------------------------------------------------------------------------------
// main

function machine() {
  const cpus = os.cpus();
  let commit;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    commit = undefined;
  }
  const version = (name) => JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`, { paths: [ROOT] }), 'utf8')).version;
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model,
    totalMemBytes: os.totalmem(),
    commit,
    cdk8s: version('cdk8s'),
    cdk8sPlus28: version('cdk8s-plus-28'),
    constructs: version('constructs'),
  };
}

function evaluate(cold, scale, foot) {
  const find = (mode, n) => scale.find((r) => r.mode === mode && r.stacks === n);
  const big = find('one-app', 1000);
  const at10 = find('one-app', 10);
  const verdict = (ok) => (ok === undefined ? 'not measured' : ok ? 'met' : 'MISSED');
  const linear = big && at10 && !big.timedOut ? big.perStackMs / at10.perStackMs : undefined;
  // Per-stack time at 10 still includes JIT warm-up, which hides growth; the marginal cost per
  // extra stack (100 → 1,000 against 10 → 100) shows whether the cost per stack grows with the App.
  const at100 = find('one-app', 100);
  const marginal = big && at100 && at10 && !big.timedOut ? ((big.totalMs - at100.totalMs) / 900) / ((at100.totalMs - at10.totalMs) / 90) : undefined;
  return {
    ownOverhead: { value: cold.ownOverheadMs, target: `≤ ${TARGETS.ownOverheadMs} ms`, status: verdict(cold.ownOverheadMs <= TARGETS.ownOverheadMs) },
    stacks1000Time: { value: big?.totalMs, target: `≤ ${TARGETS.stacks1000Ms / 1000} s`, status: verdict(big ? !big.timedOut && big.totalMs <= TARGETS.stacks1000Ms : undefined) },
    stacks1000AppPerStack: (() => {
      const r = find('app-per-stack', 1000);
      return { value: r?.totalMs, target: `≤ ${TARGETS.stacks1000Ms / 1000} s (the recommended pattern)`, status: verdict(r ? !r.timedOut && r.totalMs <= TARGETS.stacks1000Ms && r.maxRssKiB * 1024 <= TARGETS.stacks1000PeakBytes : undefined) };
    })(),
    stacks1000Memory: { value: big ? big.maxRssKiB * 1024 : undefined, target: '≤ 1 GiB peak RSS', status: verdict(big ? !big.timedOut && big.maxRssKiB * 1024 <= TARGETS.stacks1000PeakBytes : undefined) },
    linearity: { value: linear, target: `per-stack(1000) / per-stack(10) ≤ ${TARGETS.linearityRatio}`, status: verdict(linear === undefined ? undefined : linear <= TARGETS.linearityRatio) },
    marginalLinearity: { value: marginal, target: `marginal ms/stack (100→1000) / (10→100) ≤ ${TARGETS.linearityRatio} (stricter check, not in the issue)`, status: verdict(marginal === undefined ? undefined : marginal <= TARGETS.linearityRatio) },
    packedSize: { value: foot.packedBytes, target: `≤ ${TARGETS.packedBytes / 1000} KB packed`, status: verdict(foot.packedBytes <= TARGETS.packedBytes) },
    runtimeDependencies: {
      value: foot.unbundledExtraDependencies,
      target: `only ${TARGETS.allowedRuntimeDeps.join(', ')} and bundled packages`,
      status: verdict(foot.unbundledExtraDependencies.length === 0),
    },
  };
}

function report(res) {
  const { cold, scaling: scale, footprint: foot, targets } = res;
  const L = [];
  L.push(`### Cold start (median of ${cold.runs} fresh processes, interleaved)`);
  L.push('');
  L.push('| process | wall ms (median) | p25–p75 | peak RSS MiB |');
  L.push('|---|---:|---:|---:|');
  const row = (name, r) => L.push(`| ${name} | ${f1(r.wallMs.median)} | ${f1(r.wallMs.p25)}–${f1(r.wallMs.p75)} | ${(r.maxRssKiB / 1024).toFixed(0)} |`);
  row("`node -e ''`", cold.bare);
  row('require cdk8s + cdk8s-plus-28', cold.kplus);
  row('… + our library, full stack → YAML', cold.full);
  L.push('');
  L.push(`Split inside the full process (medians): import cdk8s ${f1(cold.full.importCdk8sMs)} ms · import cdk8s-plus-28 ${f1(cold.full.importKplusMs)} ms · import lib ${f1(cold.full.importLibMs)} ms · construct ${f1(cold.full.constructMs)} ms · synth to YAML ${f1(cold.full.synthMs)} ms (${cold.full.objects} objects, ${(cold.full.yamlBytes / 1024).toFixed(1)} KiB).`);
  L.push('');
  L.push(`**Our own overhead** = median(full) − median(cdk8s + kplus) = **${f1(cold.ownOverheadMs)} ms**; in-process import lib + construct + synth = ${f1(cold.full.inProcessOwnMs.median)} ms (median).`);
  L.push('');
  L.push('### Scaling (independent stacks, one Chart and namespace each; one fresh process per cell)');
  L.push('');
  L.push('| pattern | stacks | total s | CPU s | construct s | synth s | ms / stack | peak heap MiB (sampled) | peak RSS MiB |');
  L.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const label = { 'one-app': 'one App, `app.synth()`', 'app-per-stack': 'one App per stack', 'testing-synth': '`Testing.synth(chart)` per chart' };
  for (const r of scale) {
    if (r.timedOut) {
      L.push(`| ${label[r.mode]} | ${r.stacks} | timed out (> ${r.timeoutMs / 1000} s) | | | | | | |`);
    } else {
      L.push(`| ${label[r.mode]} | ${r.stacks} | ${(r.totalMs / 1000).toFixed(2)} | ${(r.cpuMs / 1000).toFixed(2)} | ${(r.constructMs / 1000).toFixed(2)} | ${(r.synthMs / 1000).toFixed(2)} | ${f1(r.perStackMs)} | ${mib(r.peakHeapBytes)} | ${(r.maxRssKiB / 1024).toFixed(0)} |`);
    }
  }
  L.push('');
  L.push('### Footprint');
  L.push('');
  L.push('| packed | unpacked | files | runtime deps (deps + peers) | bundled |');
  L.push('|---:|---:|---:|---:|---|');
  L.push(`| ${(foot.packedBytes / 1000).toFixed(1)} KB | ${(foot.unpackedBytes / 1000).toFixed(1)} KB | ${foot.files} | ${foot.runtimeDependencyCount} (${[...foot.peerDependencies, ...foot.dependencies].join(', ')}) | ${foot.bundled.join(', ') || 'none'} |`);
  L.push('');
  L.push('### Targets');
  L.push('');
  L.push('| target | measured | goal | status |');
  L.push('|---|---:|---|---|');
  const show = {
    ownOverhead: (v) => `${f1(v)} ms`,
    stacks1000Time: (v) => (v === undefined ? '–' : `${(v / 1000).toFixed(2)} s`),
    stacks1000AppPerStack: (v) => (v === undefined ? '–' : `${(v / 1000).toFixed(2)} s`),
    stacks1000Memory: (v) => (v === undefined ? '–' : `${mib(v)} MiB`),
    linearity: (v) => (v === undefined ? '–' : `${v.toFixed(2)}×`),
    marginalLinearity: (v) => (v === undefined ? '–' : `${v.toFixed(2)}×`),
    packedSize: (v) => `${(v / 1000).toFixed(1)} KB`,
    runtimeDependencies: (v) => (v.length ? v.join(', ') : 'none extra'),
  };
  const names = {
    ownOverhead: 'own cold-start overhead',
    stacks1000Time: '1,000 stacks, one App, `app.synth()` time',
    stacks1000AppPerStack: '1,000 stacks, one App per stack, `app.synth()` each',
    stacks1000Memory: '1,000 stacks, one App, peak memory',
    linearity: 'linearity of `app.synth()`',
    marginalLinearity: 'growth of the marginal cost per stack',
    packedSize: 'package size',
    runtimeDependencies: 'runtime dependencies',
  };
  for (const [k, t] of Object.entries(targets)) L.push(`| ${names[k]} | ${show[k](t.value)} | ${t.target} | ${t.status} |`);
  L.push('');
  const m = res.machine;
  L.push(`Machine: ${m.cpus} × ${m.cpuModel}, ${mib(m.totalMemBytes)} MiB, ${m.platform}; Node ${m.node}; cdk8s ${m.cdk8s}, cdk8s-plus-28 ${m.cdk8sPlus28}; load average ${res.loadavgBefore.join(' / ')} before, ${res.loadavgAfter.join(' / ')} after; ${m.date}${m.commit ? `; commit ${m.commit}` : ''}${res.libStale ? ' (lib/ older than src/)' : ''}${QUICK ? '; --quick' : ''}.`);
  return L.join('\n');
}

function main() {
  const { stale } = checkLib();
  const loadavgBefore = loadavg();
  if (loadavgBefore[0] > os.cpus().length * 0.75) {
    log(`warning: load average ${loadavgBefore[0]} on ${os.cpus().length} CPUs — other processes compete; wall times will be inflated (medians and CPU times are more robust)`);
  }
  const started = Date.now();
  log(`cold start (${COLD_RUNS} runs × 3 processes) …`);
  const cold = coldStart();
  log('scaling …');
  const scale = scaling();
  log('footprint (npm pack --dry-run) …');
  const foot = footprint();
  const res = {
    quick: QUICK,
    machine: machine(),
    loadavgBefore,
    loadavgAfter: loadavg(),
    durationS: (Date.now() - started) / 1000,
    libStale: stale,
    cold,
    scaling: scale,
    footprint: foot,
  };
  res.targets = evaluate(cold, scale, foot);
  const table = report(res);
  res.markdown = table;
  // --quick is a sanity check: keep it away from the recorded full results.
  const file = QUICK ? path.join(TMP, 'results-quick.json') : path.join(__dirname, 'results.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(res, null, 2) + '\n');
  process.stdout.write(table + '\n');
  log(`wrote ${path.relative(ROOT, file)} (${res.durationS.toFixed(0)} s)`);
}

main();
