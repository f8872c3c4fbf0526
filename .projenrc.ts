import * as fs from 'node:fs';
import { cdk8s, javascript } from 'projen';

// One source of truth for the version: the newest `## x.y.z` heading of the hand-kept CHANGELOG.md.
const version = /^## (\d+\.\d+\.\d+)\b/m.exec(fs.readFileSync('CHANGELOG.md', 'utf8'))?.[1];
if (!version) throw new Error('CHANGELOG.md has no "## x.y.z" heading to take the version from');

// Peer floors: the oldest releases the test suite passes with (cdk8s-plus-28 itself needs
// cdk8s ^2.68.11 and constructs ^10.3.0; 2.68.12 is the oldest such cdk8s on the registry).
// The dev pins are the newest releases; .ci/run tests both ends.
const PEER_FLOOR = { cdk8s: '2.68.12', constructs: '10.3.0', cdk8sPlus28: '2.0.3' };
const NEWEST = { cdk8s: '2.70.106', constructs: '10.8.1', cdk8sPlus28: '2.5.6' };

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-matrix-chat',
  packageName: 'cdk8s-matrix-chat',
  description:
    'cdk8s constructs for a self-hosted Matrix chat and calling stack: Tuwunel homeserver, LiveKit SFU with TURNS, lk-jwt-service, ingress, NetworkPolicies and CSP sources.',
  keywords: ['cdk8s', 'matrix', 'tuwunel', 'livekit', 'element-call', 'kubernetes', 'constructs'],
  // No public repository, homepage or contact address exists yet, so none is claimed. jsii needs
  // an author name and a repository object; an empty URL is the truthful value (see below).
  author: 'cdk8s-matrix-chat maintainers',
  authorAddress: '',
  repositoryUrl: '',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.0.0',

  // jsii 5.9 and TypeScript 5.9 move together: the registry's newest TypeScript does not match jsii 5.9.
  jsiiVersion: '~5.9.0',
  typescriptVersion: '~5.9.0',

  // Peers are `^floor`; projen would pin each peer's floor as the dev dependency, so that is
  // switched off and the newest releases are pinned explicitly below.
  cdk8sVersion: PEER_FLOOR.cdk8s,
  constructsVersion: PEER_FLOOR.constructs,
  peerDeps: [`cdk8s-plus-28@^${PEER_FLOOR.cdk8sPlus28}`],
  peerDependencyOptions: { pinnedDevDependency: false },

  // No inline source maps in lib/*.js: they were about half of the package and users debug
  // the readable ES2022 output anyway.
  tsconfig: { compilerOptions: { inlineSourceMap: false, inlineSources: false } },

  // Other jsii languages. None is published (release: false); .ci/run generates each one's
  // code with jsii-pacmak so a change that breaks a language fails CI. The names claim no
  // domain or repository: before publishing, Maven Central needs a verified groupId and Go a
  // module path that is a real repository.
  publishToPypi: { distName: 'cdk8s-matrix-chat', module: 'cdk8s_matrix_chat' },
  publishToMaven: {
    javaPackage: 'cdk8s_matrix_chat',
    mavenGroupId: 'cdk8s-matrix-chat',
    mavenArtifactId: 'cdk8s-matrix-chat',
  },
  publishToNuget: { dotNetNamespace: 'Cdk8sMatrixChat', packageId: 'Cdk8sMatrixChat' },
  publishToGo: { moduleName: 'cdk8s-matrix-chat.invalid/go' },

  // A real TOML serializer for tuwunel.toml, bundled so users install nothing extra.
  bundledDeps: ['smol-toml@^1.4.1'],
  devDeps: [
    `cdk8s@${NEWEST.cdk8s}`,
    `constructs@${NEWEST.constructs}`,
    `cdk8s-plus-28@${NEWEST.cdk8sPlus28}`,
    'cdk8s-cli@^2.200.0',
    'ts-node@^10.9.2',
    'fast-check@^4.3.0',
    // Tests parse config.yaml back with the same YAML library cdk8s uses.
    'yaml@^2.5.0',
    // Schema models for the verification suite. Their next majors (kubernetes-models 5,
    // gateway-api 2, cert-manager 5, prometheus-operator 5, traefik 1) declare Node >= 22 and
    // made `npm ci` print 19 EBADENGINE warnings on the Node 20 this package supports; these
    // lines declare Node >= 14 and hold the same kinds (HTTPRoute v1, Certificate v1,
    // ServiceMonitor v1, traefik.io Middleware).
    'kubernetes-models@^4.5.0',
    '@kubernetes-models/gateway-api@^0.5.1',
    '@kubernetes-models/cert-manager@^4.4.4',
    '@kubernetes-models/prometheus-operator@^4.4.4',
    '@kubernetes-models/traefik@^0.2.4',
  ],
  bin: { 'cdk8s-matrix-chat': 'lib/cli.js' },

  // CI is `.ci/run` in a fresh clone; no GitHub workflows or release machinery.
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,

  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'projenrc', '.projenrc.ts'],
  },

  jestOptions: {
    // projen's default passes --updateSnapshot, which rewrites snapshots and makes them unable to fail.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    passWithNoTests: false,
    jestConfig: {
      testTimeout: 60_000,
      coverageReporters: ['text-summary', 'lcov'],
    },
  },

  gitignore: ['/dist/', '/coverage/', '/lib/', '/test-reports/', '/bench/tmp/', '/.cdk8s-tmp/'],
});

// projen adds a `test:update` task running `jest --updateSnapshot`; snapshots are rewritten only
// on purpose, with `npx jest --ci=false -u <file>` (README, Development), so no task does it.
project.removeTask('test:update');

project.package.addVersion(version);
// jsii requires `repository` with a url; there is no public repository, so the url is empty
// rather than invented (jsii only checks that the field is present).
project.package.addField('repository', { type: 'git', url: '' });

// The dev pins are the newest peers, not the floors jsii expects (JSII6 warns for each peer);
// the floors are tested by .ci/run instead.
project.compileTask.reset('jsii --silence-warnings=reserved-word --silence-warnings=metadata/missing-dev-dependency');
// The props each construct accepts, derived from the assembly jsii just wrote, for the check that
// reports misspelled props from JavaScript and YAML (src/known-props.ts); rewrites the committed
// src/known-props.generated.ts (and its lib/ output) only when the props changed.
project.compileTask.exec('ts-node --project projenrc/tsconfig.json --transpile-only projenrc/known-props.ts');
// The unknown-prop and type tests read the compiled assembly (.jsii): on a fresh clone, where only
// `npm ci && npx cdk8s synth` ran, `npm test` compiles first instead of failing on a missing file.
project.testTask.prependExec('test -f .jsii || npx projen compile', { name: 'compile-if-missing' });

// Every other language's code, generated without its toolchain or registry, so a change that
// breaks a binding fails here. The package:<language> tasks build the real artifacts where the
// toolchains and registries are available; `package-all` (used by `projen build` outside CI)
// keeps to what works offline.
const bindings = project.addTask('bindings', {
  description: 'Generate the Python, Java, .NET and Go bindings (code only) into dist/bindings',
  exec: 'jsii-pacmak --code-only --no-npmignore -t python -t java -t dotnet -t go -o dist/bindings',
});
const packageAll = project.tasks.tryFind('package-all')!;
packageAll.reset();
packageAll.spawn(project.tasks.tryFind('package:js')!);
packageAll.spawn(bindings);

// Many fresh seeds x many runs of the fuzz properties, in bounded time (FUZZ_SEEDS, FUZZ_SEED_COUNT, FUZZ_RUNS, FUZZ_BUDGET_S); not in CI.
project.addTask('fuzz:deep', {
  description: 'Fuzz the props with many fresh seeds (prints the seeds it ran)',
  exec: 'jest --ci test/fuzz-deep.test.ts',
  env: { FUZZ_DEEP: '1' },
});

// Benchmarks run against the compiled library; not part of the test command.
project.addTask('bench', {
  description: 'Measure cold start, scaling and footprint; writes bench/results.json',
  exec: 'node bench/run.js',
});

for (const pattern of ['/examples/', '/bench/', '/.ci/', '/cdk8s.yaml', '/docs/']) {
  project.addPackageIgnore(pattern);
}

project.synth();
