/**
 * Deep fuzzing (issue 14 item 5): the fuzz properties, and arbitrary JSON at every prop path, over many fresh seeds in bounded time.
 * Skipped unless FUZZ_DEEP=1:
 *   FUZZ_DEEP=1 npx jest --ci test/fuzz-deep.test.ts
 * FUZZ_SEEDS=1,2,3 fixes the seeds (default: FUZZ_SEED_COUNT fresh ones, 20); FUZZ_RUNS runs per
 * property and seed (1000); FUZZ_BUDGET_S stops starting new seeds after that many seconds (3000).
 * It writes the seeds it ran, with their time, so a failure can be replayed with FUZZ_SEED=<seed> in fuzz.test.ts.
 */
import * as fc from 'fast-check';
import { K8sObject, synth } from './util';
import { FuzzCase, hostileProps, oneHostileField, roundTripProps, validProps } from './verification/arbitraries';
import { stopCrdValidator } from './verification/crd-models';
import { errorProblems } from './verification/errors';
import { checkAll } from './verification/invariants';
import { ANY_JSON, STANDALONE, TARGETS, format, outcome, standaloneOutcome, standaloneTargets, withValue } from './verification/prop-targets';
import { roundTrip } from './verification/round-trip';
import { scenario } from './verification/scenarios';

const DEEP = process.env.FUZZ_DEEP === '1';
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_S ?? 3000) * 1000;
const SEEDS = process.env.FUZZ_SEEDS
  ? process.env.FUZZ_SEEDS.split(',').map(Number)
  : Array.from({ length: Number(process.env.FUZZ_SEED_COUNT ?? 20) }, () => Math.floor(Math.random() * 2 ** 31));

afterAll(stopCrdValidator);

function problemsOf(c: FuzzCase, requireValid: boolean): string[] {
  let objects: K8sObject[];
  try {
    objects = synth(c.props, c.namespace ?? null);
  } catch (error) {
    if (requireValid) return [`valid props were refused: ${(error as Error).message.slice(0, 500)}`];
    return errorProblems(error, c.props);
  }
  return [...checkAll(objects, scenario('fuzz', c.props, c.namespace ?? null)), ...roundTrip(objects, c.props).map((m) => `[round trip] ${m}`)];
}

const PROPERTIES: Array<[string, fc.Arbitrary<FuzzCase>, number, boolean]> = [
  ['valid props', validProps, RUNS, true],
  ['hostile props', hostileProps, Math.ceil(RUNS / 2), false],
  ['one hostile field', oneHostileField, RUNS + 100, false],
  ['round trip', roundTripProps, RUNS, false],
];

/** Type robustness: any JSON value at any prop path of MatrixChat or of a standalone construct is our validation error or valid output. */
const STANDALONE_TARGETS = STANDALONE.flatMap((c) => standaloneTargets(c).map((path) => ({ c, path })));
const typeRobustness = fc.tuple(fc.nat({ max: TARGETS.length + STANDALONE_TARGETS.length - 1 }), ANY_JSON);

function typeProblems([i, value]: [number, unknown]): string[] {
  if (i < TARGETS.length) {
    const t = TARGETS[i];
    return outcome(withValue(t.props, t.path, value), t.namespace).map((m) => `MatrixChat ${format(t.path)} = ${JSON.stringify(value)}: ${m}`);
  }
  const { c, path } = STANDALONE_TARGETS[i - TARGETS.length];
  return standaloneOutcome(c, (props) => withValue(props, path, value)).map((m) => `${c.struct} ${format(path)} = ${JSON.stringify(value)}: ${m}`);
}

(DEEP ? describe : describe.skip)('deep fuzzing (FUZZ_DEEP=1)', () => {
  test('every property holds for every seed', () => {
    const started = Date.now();
    const failures: string[] = [];
    const ran: string[] = [];
    for (const seed of SEEDS) {
      if (Date.now() - started > BUDGET_MS) break;
      const seedStart = Date.now();
      for (const [name, arbitrary, numRuns, requireValid] of PROPERTIES) {
        const details = fc.check(fc.property(arbitrary, (c) => {
          const problems = problemsOf(c, requireValid);
          if (problems.length > 0) throw new Error(`${problems.join('\n')}\nprops: ${JSON.stringify(c.props)}\nnamespace: ${JSON.stringify(c.namespace)}`);
        }), { seed, numRuns, endOnFailure: true });
        if (details.failed) failures.push(`seed ${seed}, ${name}: ${String(details.errorInstance ?? '').slice(0, 2000)}`);
      }
      const typed = fc.check(fc.property(typeRobustness, (pick) => {
        const problems = typeProblems(pick);
        if (problems.length > 0) throw new Error(problems.join('\n'));
      }), { seed, numRuns: RUNS, endOnFailure: true });
      if (typed.failed) failures.push(`seed ${seed}, arbitrary JSON at every prop path: ${String(typed.errorInstance ?? '').slice(0, 2000)}`);
      ran.push(`${seed} (${((Date.now() - seedStart) / 1000).toFixed(0)} s)`);
    }
    process.stderr.write(`fuzz:deep ran ${ran.length}/${SEEDS.length} seeds × ${RUNS} runs in ${((Date.now() - started) / 1000).toFixed(0)} s: ${ran.join(', ')}\n`);
    expect(failures).toEqual([]);
  }, 24 * 3600 * 1000);
});
