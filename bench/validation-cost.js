#!/usr/bin/env node
'use strict';
// How much do OUR validators add to cdk8s's per-chart re-validation?
//
//   node bench/validation-cost.js [stacks]     default 1000
//
// Builds one App of N stacks, then times chart.toJson() — the unit App.synth() repeats once per
// chart, and which walks, resolves and validates the whole App every time — in three variants,
// interleaved over rounds (medians, so load from other processes affects all variants alike):
//   as-is   our validators as compiled in lib/ (6 per stack, each returning an empty list)
//   none    our validators removed, which is what registering a validation only when there is a
//           problem gives for a valid stack (the suggested fix)
const path = require('node:path');
const cdk8s = require('cdk8s');
const lib = require(path.join(__dirname, '..', 'lib', 'index.js'));
const { addStack } = require('./stack');

const n = Number(process.argv[2] ?? 1000);
const app = new cdk8s.App({ outdir: path.join(__dirname, 'tmp', 'validation-cost') }); // nothing is written
const charts = [];
for (let i = 0; i < n; i++) charts.push(addStack(cdk8s, lib, app, i));
const nodes = app.node.findAll();
// `_validations` is constructs' private list; touched here only to measure, never in the library.
const ours = nodes.filter((c) => c.node._validations && c.node._validations.length > 0);
const saved = ours.map((c) => c.node._validations.slice());
const variants = {
  'as-is': () => ours.forEach((c, i) => c.node._validations.splice(0, Infinity, ...saved[i])),
  'none': () => ours.forEach((c) => c.node._validations.splice(0)),
};
const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
let next = 0;
for (let round = 0; round < 21; round++) {
  for (const [name, apply] of Object.entries(variants)) {
    apply();
    const t = process.hrtime.bigint();
    for (let r = 0; r < 5; r++) charts[next++ % n].toJson();
    times[name].push(Number(process.hrtime.bigint() - t) / 5e6);
  }
}
variants['as-is']();
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const base = median(times['as-is']);
console.log(`${n} stacks: ${nodes.length} constructs, ${ours.length} with our validations`);
for (const [name, xs] of Object.entries(times)) {
  const m = median(xs);
  console.log(`${name.padEnd(12)} ${m.toFixed(2)} ms per chart.toJson()  (${(((base - m) / base) * 100).toFixed(1)}% less than as-is; × ${n} charts ≈ ${((m * n) / 1000).toFixed(1)} s)`);
}
