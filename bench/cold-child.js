'use strict';
// Child process of the cold-start benchmark. Usage: node bench/cold-child.js <kplus|full>
// Prints one JSON line: the phase split measured in-process, and peak RSS at exit.
// performance.now() counts from process start, so `bootMs` is Node's own startup up to here.
const { performance } = require('node:perf_hooks');
const path = require('node:path');

const mode = process.argv[2];
const ms = (a, b) => Number(b - a) / 1e6;
const bootMs = performance.now();
const t0 = process.hrtime.bigint();
const cdk8s = require('cdk8s');
const t1 = process.hrtime.bigint();
require('cdk8s-plus-28');
const t2 = process.hrtime.bigint();
const result = { mode, bootMs, importCdk8sMs: ms(t0, t1), importKplusMs: ms(t1, t2) };

if (mode === 'full') {
  const lib = require(path.join(__dirname, '..', 'lib', 'index.js'));
  const t3 = process.hrtime.bigint();
  const { addStack } = require('./stack');
  const app = new cdk8s.App({ outdir: path.join(__dirname, 'tmp', 'unused') }); // synthYaml writes nothing
  addStack(cdk8s, lib, app, 0);
  const t4 = process.hrtime.bigint();
  const yaml = app.synthYaml();
  const t5 = process.hrtime.bigint();
  Object.assign(result, {
    importLibMs: ms(t2, t3),
    constructMs: ms(t3, t4),
    synthMs: ms(t4, t5),
    ownMs: ms(t2, t5),
    yamlBytes: Buffer.byteLength(yaml),
    objects: (yaml.match(/^kind: /gm) || []).length,
  });
}
result.maxRssKiB = process.resourceUsage().maxRSS;
process.stdout.write(JSON.stringify(result) + '\n');
