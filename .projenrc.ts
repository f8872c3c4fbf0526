import { cdk8s, javascript } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-matrix-chat',
  packageName: 'cdk8s-matrix-chat',
  description:
    'cdk8s constructs for a self-hosted Matrix chat and calling stack: Tuwunel homeserver, LiveKit SFU with TURNS, lk-jwt-service, ingress, NetworkPolicies and CSP sources.',
  keywords: ['cdk8s', 'matrix', 'tuwunel', 'livekit', 'element-call', 'kubernetes', 'constructs'],
  author: 'cdk8s-matrix-chat maintainers',
  authorAddress: 'maintainers@example.org',
  repositoryUrl: 'https://github.com/example/cdk8s-matrix-chat.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.0.0',

  // jsii 5.9 and TypeScript 5.9 move together: the registry's newest TypeScript does not match jsii 5.9.
  jsiiVersion: '~5.9.0',
  typescriptVersion: '~5.9.0',

  cdk8sVersion: '2.70.106',
  constructsVersion: '10.3.0',
  peerDeps: ['cdk8s-plus-28@^2.5.6'],
  // projen pins peer dependencies as dev dependencies at their lowest version (2.5.6).

  // A real TOML serializer for tuwunel.toml, bundled so users install nothing extra.
  bundledDeps: ['smol-toml@^1.4.1'],
  devDeps: [
    'cdk8s-cli@^2.200.0',
    'ts-node@^10.9.2',
    'fast-check@^4.3.0',
    'kubernetes-models@^4.5.0',
    // Tests parse config.yaml back with the same YAML library cdk8s uses.
    'yaml@^2.5.0',
    '@kubernetes-models/gateway-api@^2.0.0',
    '@kubernetes-models/cert-manager@^6.0.0',
    '@kubernetes-models/prometheus-operator@^6.0.0',
    '@kubernetes-models/traefik@^2.0.0',
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

// Benchmarks run against the compiled library; not part of the test command.
project.addTask('bench', {
  description: 'Measure cold start, scaling and footprint; writes bench/results.json',
  exec: 'node bench/run.js',
});

for (const pattern of ['/examples/', '/bench/', '/.ci/', '/cdk8s.yaml', '/docs/']) {
  project.addPackageIgnore(pattern);
}

project.synth();
