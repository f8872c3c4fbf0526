'use strict';
// Child process of the scaling benchmark. Usage: node bench/scale-child.js <mode> <stacks> <outdir>
//   one-app        one App, one Chart per stack, a single app.synth() writes every file
//   app-per-stack  one App per stack, each app.synth() writes its own file (same outdir)
//   testing-synth  one App holding every Chart, then Testing.synth(chart) (= chart.toJson())
//                  per chart, each written with Yaml.save (the per-chart path)
// Prints one JSON line. Heap is sampled (v8 used_heap_size) after every stack is constructed
// and at every chart written, so short-lived garbage between two samples is not counted; peak
// RSS comes from the OS (getrusage) and is the authoritative memory figure.
const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');
const cdk8s = require('cdk8s');
require('cdk8s-plus-28');
const lib = require(path.join(__dirname, '..', 'lib', 'index.js'));
const { addStack } = require('./stack');

const [mode, nText, outdir] = process.argv.slice(2);
const n = Number(nText);
let peakHeap = 0;
const sample = () => {
  const used = v8.getHeapStatistics().used_heap_size;
  if (used > peakHeap) peakHeap = used;
};
// App.synth() calls Yaml.save once per chart: sample the heap there too.
const save = cdk8s.Yaml.save.bind(cdk8s.Yaml);
let filesWritten = 0;
cdk8s.Yaml.save = (file, docs) => {
  save(file, docs);
  filesWritten++;
  sample();
};

const ms = (a, b) => Number(b - a) / 1e6;
let constructNs = 0n;
let synthNs = 0n;
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
if (mode === 'one-app' || mode === 'testing-synth') {
  const app = new cdk8s.App({ outdir });
  const charts = [];
  for (let i = 0; i < n; i++) {
    charts.push(addStack(cdk8s, lib, app, i));
    sample();
  }
  const t1 = process.hrtime.bigint();
  constructNs = t1 - t0;
  if (mode === 'one-app') {
    app.synth();
  } else {
    fs.mkdirSync(outdir, { recursive: true });
    for (const chart of charts) {
      cdk8s.Yaml.save(path.join(outdir, `${chart.node.id}.k8s.yaml`), cdk8s.Testing.synth(chart));
    }
  }
  synthNs = process.hrtime.bigint() - t1;
} else if (mode === 'app-per-stack') {
  for (let i = 0; i < n; i++) {
    const a = process.hrtime.bigint();
    // Same outdir for every App: each writes <chart id>.k8s.yaml, exactly what one App writes.
    const app = new cdk8s.App({ outdir });
    addStack(cdk8s, lib, app, i);
    const b = process.hrtime.bigint();
    app.synth();
    synthNs += process.hrtime.bigint() - b;
    constructNs += b - a;
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}
const totalMs = ms(t0, process.hrtime.bigint());
const cpu = process.cpuUsage(cpu0);
sample();
process.stdout.write(JSON.stringify({
  mode,
  stacks: n,
  totalMs,
  cpuMs: (cpu.user + cpu.system) / 1000, // CPU time of this process: less sensitive to other load than wall time
  constructMs: Number(constructNs) / 1e6,
  synthMs: Number(synthNs) / 1e6,
  perStackMs: totalMs / n,
  filesWritten,
  peakHeapBytes: peakHeap,
  maxRssKiB: process.resourceUsage().maxRSS,
}) + '\n');
