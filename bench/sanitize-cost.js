#!/usr/bin/env node
'use strict';
// What the type check of untyped props (src/prop-types.ts) costs next to building the stack.
//
//   node bench/sanitize-cost.js        (after `npx projen compile`)
//
// Times sanitizeProps on the full stack's props (bench/stack.js) against building that stack,
// medians of 7 rounds; MatrixChat runs the check once, its children skip it.
const path = require('node:path');
const cdk8s = require('cdk8s');
const lib = require(path.join(__dirname, '..', 'lib', 'index.js'));
const { sanitizeProps } = require(path.join(__dirname, '..', 'lib', 'prop-types.js'));
const { Problems } = require(path.join(__dirname, '..', 'lib', 'validation.js'));
const { addStack } = require('./stack');

// The props bench/stack.js passes to MatrixChat, captured by a stand-in for the class.
let props;
const spy = { ...lib, MatrixChat: function MatrixChat(scope, id, p) { props = p; return new lib.MatrixChat(scope, id, p); } };
addStack(cdk8s, spy, new cdk8s.App(), 0);

const median = (run) => {
  const times = [];
  for (let round = 0; round < 7; round++) {
    const start = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b)[3];
};
const CALLS = 2000;
const STACKS = 200;
const sanitizeMs = median(() => { for (let i = 0; i < CALLS; i++) sanitizeProps(new Problems(), 'MatrixChatProps', props); }) / CALLS;
const buildMs = median(() => { const app = new cdk8s.App(); for (let i = 0; i < STACKS; i++) addStack(cdk8s, lib, app, i); }) / STACKS;
console.log(`sanitizeProps: ${(sanitizeMs * 1000).toFixed(1)} µs per stack; building one full stack: ${(buildMs * 1000).toFixed(0)} µs (${((sanitizeMs / buildMs) * 100).toFixed(1)}%)`);
