// Golden output: the synthesized YAML of every verification scenario and of the example app, compared byte for byte.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { synth, toYaml } from './util';
import { SCENARIOS } from './verification/scenarios';
import { MatrixChatExample } from '../examples/main';

/**
 * A refactor must not change what the stack emits. To change the output on purpose, rewrite the
 * files with `GOLDEN_UPDATE=1 npx jest --ci test/golden.test.ts` and commit them with the reason.
 */
const DIR = join(__dirname, 'golden');
const UPDATE = process.env.GOLDEN_UPDATE === '1';

/** File name of a scenario: its name in lowercase words joined by "-". */
function fileName(name: string): string {
  return `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}.k8s.yaml`;
}

const cases: Array<[string, () => string]> = [
  ...SCENARIOS.map((s) => [fileName(s.name), () => toYaml(synth(s.props, s.namespace ?? null))] as [string, () => string]),
  ['example-app.k8s.yaml', () => toYaml(Testing.synth(new MatrixChatExample(Testing.app(), 'matrix-chat')) as any)],
];

test('every scenario has its own golden file', () => {
  expect(new Set(cases.map(([file]) => file)).size).toBe(cases.length);
});

test.each(cases)('%s', (file, produce) => {
  const path = join(DIR, file);
  const actual = produce();
  if (UPDATE) writeFileSync(path, actual);
  expect(existsSync(path) ? readFileSync(path, 'utf8') : `missing ${file}: run GOLDEN_UPDATE=1 npx jest --ci test/golden.test.ts`).toBe(actual);
});

test('no golden file without a scenario', () => {
  expect(readdirSync(DIR).filter((f) => !cases.some(([file]) => file === f))).toEqual([]);
});
