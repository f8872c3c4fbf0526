// The matrix-chat CLI: values files, --set, output and exit codes.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { container, env, EXTERNAL_OBJECT_IDS, find, has, K8sObject, livekitConfig, tuwunelConfig } from './util';
import { OUTPUT_FILE, main, mergeValues, parseSet } from '../src/cli';

const FIXTURES = path.join(__dirname, 'fixtures');
const BUNDLED = path.join(FIXTURES, 'seed-bundled-turn.yaml');
const EXTERNAL = path.join(FIXTURES, 'seed-external.yaml');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process. */
function run(...argv: string[]): Run {
  let stdout = '';
  let stderr = '';
  const code = main(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

function objectsOf(yaml: string): K8sObject[] {
  return parseAllDocuments(yaml).map((d) => d.toJSON() as K8sObject).filter((o) => o !== null);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'matrix-chat-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Writes a values file into the temp folder and returns its path. */
function file(name: string, text: string): string {
  const target = path.join(tmp, name);
  fs.writeFileSync(target, text);
  return target;
}

describe('the seed examples through the CLI', () => {
  test('bundled LiveKit with TURN renders the chart\'s objects', () => {
    const result = run('synth', '-f', BUNDLED, '--namespace', 'chat');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const objects = objectsOf(result.stdout);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/livekit-config',
      'ConfigMap/matrix-homeserver-config',
      'Deployment/livekit',
      'Deployment/lk-jwt-service',
      'Ingress/matrix-ingress',
      'NetworkPolicy/livekit-policy',
      'NetworkPolicy/lk-jwt-service-policy',
      'NetworkPolicy/matrix-homeserver-policy',
      'Secret/livekit-secret',
      'Secret/matrix-homeserver-secret',
      'Service/livekit-rtc',
      'Service/livekit-signaling',
      'Service/lk-jwt-service',
      'Service/matrix-homeserver',
      'StatefulSet/matrix-homeserver',
    ]);
    expect(objects.every((o) => o.metadata.namespace === 'chat')).toBe(true);

    const toml = tuwunelConfig(objects);
    expect(toml.global.server_name).toBe('matrix.example.org');
    expect(toml.global.allow_registration).toBe(true);
    expect(toml.global.well_known.livekit_url).toBe('https://matrix.example.org');
    expect(JSON.stringify(objects.filter((o) => o.kind === 'ConfigMap'))).not.toContain('7f3c9a1e5b2d4086a9c1e3f5b7d90246');

    const homeserver = find(objects, 'StatefulSet', 'matrix-homeserver');
    expect(homeserver.spec.selector).toEqual({ matchLabels: { app: 'matrix-homeserver' } });
    expect(homeserver.spec.volumeClaimTemplates.map((t: any) => t.metadata.name)).toEqual(['data']);

    const lk = livekitConfig(objects);
    expect(lk.rtc).toMatchObject({ node_ip: '203.0.113.10', use_external_ip: false, tcp_port: 7881, udp_port: 7882 });
    expect(lk.turn).toMatchObject({ enabled: true, domain: 'turn.matrix.example.org', tls_port: 5349 });
    expect(find(objects, 'Deployment', 'livekit').spec.selector).toEqual({ matchLabels: { app: 'livekit' } });
    expect(container(find(objects, 'Deployment', 'livekit')).ports).toContainEqual(expect.objectContaining({ name: 'turns', containerPort: 5349 }));

    const rtc = find(objects, 'Service', 'livekit-rtc');
    expect(rtc.spec.type).toBe('LoadBalancer');
    expect(rtc.spec.ports).toContainEqual(expect.objectContaining({ name: 'turns', port: 443, targetPort: 5349, protocol: 'TCP' }));

    const jwt = container(find(objects, 'Deployment', 'lk-jwt-service'));
    expect(env(jwt, 'LIVEKIT_URL').value).toBe('wss://matrix.example.org');
    expect(env(jwt, 'LIVEKIT_FULL_ACCESS_HOMESERVERS').value).toBe('matrix.example.org');
    expect(env(jwt, 'LIVEKIT_SECRET').valueFrom.secretKeyRef.name).toBe('livekit-secret');

    const ingress = find(objects, 'Ingress', 'matrix-ingress');
    expect(ingress.spec.rules[0].host).toBe('matrix.example.org');
    expect(ingress.spec.rules[0].http.paths.map((p: any) => p.path)).toEqual(['/.well-known/matrix', '/_matrix', '/sfu', '/get_token', '/delegate_delayed_leave', '/rtc', '/twirp']);
  });

  test('external LiveKit renders without the bundled SFU, with /sfu removed from livekitServiceUrl', () => {
    const result = run('synth', '-f', EXTERNAL);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^note: matrixChat\.homeserver\.livekitServiceUrl: removed the trailing "\/sfu"/);
    const objects = objectsOf(result.stdout);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(EXTERNAL_OBJECT_IDS);
    expect(tuwunelConfig(objects).global.well_known.livekit_url).toBe('https://matrix.example.org');
    const jwt = container(find(objects, 'Deployment', 'lk-jwt-service'));
    expect(env(jwt, 'LIVEKIT_URL').value).toBe('wss://livekit.operator.example');
    expect(env(jwt, 'LIVEKIT_KEY').valueFrom.secretKeyRef).toEqual({ name: 'operator-livekit-creds', key: 'LIVEKIT_API_KEY' });
    expect(env(jwt, 'LIVEKIT_SECRET').valueFrom.secretKeyRef).toEqual({ name: 'operator-livekit-creds', key: 'LIVEKIT_API_SECRET' });
    const paths = find(objects, 'Ingress', 'matrix-ingress').spec.rules[0].http.paths.map((p: any) => p.path);
    expect(paths).not.toContain('/rtc');
    expect(paths).not.toContain('/twirp');
    expect(has(objects, 'Service', 'livekit-rtc')).toBe(false);
  });

  test('-o writes one file into the folder and nothing to stdout', () => {
    const out = path.join(tmp, 'out', 'nested');
    const result = run('synth', '-f', BUNDLED, '-o', out);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(fs.readdirSync(out)).toEqual([OUTPUT_FILE]);
    expect(fs.readFileSync(path.join(out, OUTPUT_FILE), 'utf8')).toBe(run('synth', '-f', BUNDLED).stdout);
  });

  test('output is deterministic', () => {
    expect(run('synth', '-f', BUNDLED).stdout).toBe(run('synth', '-f', BUNDLED).stdout);
  });
});

describe('exit code 1: the stack fails validation', () => {
  test('the seed\'s external block as is (no registration token) is refused as open registration', () => {
    const result = run('synth', '-f', EXTERNAL, '--set', 'matrixChat.homeserver.registrationTokenExistingSecret=null');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: .*homeserver\.allowRegistration: /m);
  });

  test('every validation message is printed, one per line', () => {
    const result = run('synth', '-f', BUNDLED,
      '--set', 'matrixChat.homeserver.registrationToken=null',
      '--set', 'matrixChat.livekit.keys.apiSecret=short',
      '--set', 'matrixChat.livekit.turn.domain=matrix.example.org');
    expect(result.code).toBe(1);
    const errors = result.stderr.trim().split('\n');
    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect(errors.every((line) => line.startsWith('error: '))).toBe(true);
    expect(result.stderr).toContain('homeserver.allowRegistration');
    expect(result.stderr).toContain('livekit.keys.apiSecret');
    expect(result.stderr).toContain('livekit.turn.domain');
    expect(result.stderr).not.toContain('Validation failed with the following errors');
  });

  test('Traefik without --namespace is a validation error; with it, it renders', () => {
    const without = run('synth', '-f', BUNDLED, '--set', 'ingress.className=traefik');
    expect(without.code).toBe(1);
    expect(without.stderr).toContain('ingress.className');
    const withNamespace = run('synth', '-f', BUNDLED, '--set', 'ingress.className=traefik', '-n', 'chat');
    expect(withNamespace.code).toBe(0);
    expect(find(objectsOf(withNamespace.stdout), 'Ingress', 'matrix-ingress').metadata.annotations?.['traefik.ingress.kubernetes.io/router.middlewares']).toBe('chat-matrix-chain@kubernetescrd');
  });
});

describe('exit code 2: usage and input errors, one line', () => {
  const oneLine = (result: Run) => {
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: /);
    return lines[0];
  };

  test('missing values file', () => {
    expect(oneLine(run('synth', '-f', path.join(tmp, 'nope.yaml')))).toContain('nope.yaml does not exist');
  });

  test('a folder given as the values file', () => {
    expect(oneLine(run('synth', '-f', tmp))).toContain('is not a file');
  });

  test('unreadable YAML', () => {
    expect(oneLine(run('synth', '-f', file('bad.yaml', 'matrixChat:\n  enabled: true\n   homeserver: {\n')))).toMatch(/bad\.yaml is not valid YAML: .*line \d+/);
  });

  test('duplicate keys', () => {
    expect(oneLine(run('synth', '-f', file('dup.yaml', 'matrixChat:\n  enabled: true\n  enabled: false\n')))).toContain('is not valid YAML');
  });

  test('a values file that is not a map, or holds several documents', () => {
    expect(oneLine(run('synth', '-f', file('list.yaml', '- a\n- b\n')))).toContain('is not a map of values');
    expect(oneLine(run('synth', '-f', file('two.yaml', 'a: 1\n---\nb: 2\n')))).toContain('holds 2 YAML documents');
  });

  test('unknown values keys, all of them', () => {
    const line = oneLine(run('synth', '-f', BUNDLED, '--set', 'matrixChat.livekit.turn.tlsport=443,matrixChat.homeserver.servername=x'));
    expect(line).toContain('matrixChat.livekit.turn.tlsport: unknown key (did you mean "tlsPort"?)');
    expect(line).toContain('matrixChat.homeserver.servername: unknown key (did you mean "serverName"?)');
  });

  test.each([
    [['synth', '--frobnicate'], 'unknown flag --frobnicate'],
    [['synth', '-f'], 'flag -f needs a value'],
    [['synth', '-f', BUNDLED, '--set'], 'flag --set needs a value'],
    [['synth', '-f', BUNDLED, '--set', 'novalue'], 'has no value'],
    [['synth', '-f', BUNDLED, '--set', 'a[x]=1'], 'list index'],
    [['-f', BUNDLED], 'missing command'],
    [['render', '-f', BUNDLED], 'unknown command "render"'],
    [['synth'], 'no values given'],
    [['synth', '-f', BUNDLED, 'extra'], 'unexpected argument "extra"'],
    [['synth', '-f', BUNDLED, '-n', 'Bad_NS'], 'not a valid namespace name'],
  ])('bad arguments %j', (argv, reason) => {
    const result = run(...argv);
    expect(oneLine(result)).toContain(reason);
  });

  test('--help prints usage and exits 0', () => {
    const result = run('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: cdk8s-matrix-chat synth -f values\.yaml/);
  });

  test('--version prints the package version', () => {
    expect(run('--version').stdout).toMatch(/^cdk8s-matrix-chat \d+\.\d+\.\d+/);
  });
});

describe('precedence, as Helm', () => {
  const base = file('base.yaml', [
    'matrixChat:',
    '  enabled: true',
    '  homeserver:',
    '    serverName: base.example.org',
    '    registrationTokenExistingSecret: { name: reg }',
    '    clientPort: 7000',
    '  livekit:',
    '    keys: { existingSecret: { name: lk } }',
    'imagePullSecrets: [a, b]',
    '',
  ].join('\n'));
  const override = file('override.yaml', [
    'matrixChat:',
    '  homeserver:',
    '    serverName: override.example.org',
    'imagePullSecrets: [c]',
    '',
  ].join('\n'));

  const homeserverOf = (result: Run) => {
    expect(result.code).toBe(0);
    return find(objectsOf(result.stdout), 'StatefulSet', 'matrix-homeserver');
  };

  test('a later -f overrides an earlier one; maps merge, lists are replaced', () => {
    const result = run('synth', '-f', base, '-f', override);
    const objects = objectsOf(result.stdout);
    expect(tuwunelConfig(objects).global.server_name).toBe('override.example.org');
    expect(tuwunelConfig(objects).global.port).toBe(7000);
    expect(homeserverOf(result).spec.template.spec.imagePullSecrets).toEqual([{ name: 'c' }]);
  });

  test('--set overrides every -f, whatever the order of the flags', () => {
    const result = run('synth', '--set', 'matrixChat.homeserver.serverName=set.example.org', '-f', base, '-f', override);
    expect(tuwunelConfig(objectsOf(result.stdout)).global.server_name).toBe('set.example.org');
  });

  test('a later --set overrides an earlier one; lists and typed values', () => {
    const result = run('synth', '-f', base,
      '--set', 'matrixChat.homeserver.clientPort=7100',
      '--set', 'matrixChat.homeserver.clientPort=7200,imagePullSecrets={x,y}');
    expect(tuwunelConfig(objectsOf(result.stdout)).global.port).toBe(7200);
    expect(homeserverOf(result).spec.template.spec.imagePullSecrets).toEqual([{ name: 'x' }, { name: 'y' }]);
  });

  test('--set-string keeps text, and null removes a value', () => {
    const result = run('synth', '-f', base, '--set-string', 'matrixChat.homeserver.clientPort=7300', '--set', 'imagePullSecrets=null');
    expect(tuwunelConfig(objectsOf(result.stdout)).global.port).toBe(7300);
    expect(homeserverOf(result).spec.template.spec.imagePullSecrets).toBeUndefined();
  });

  test('matrixChat.enabled=false renders nothing and says so', () => {
    const result = run('synth', '-f', base, '--set', 'matrixChat.enabled=false');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('matrixChat.enabled is not true');
  });
});

describe('parseSet', () => {
  test.each([
    ['a.b=c', { a: { b: 'c' } }],
    ['a=1,b=true,c=false,d=null,e=0,f=-3', { a: 1, b: true, c: false, d: null, e: 0, f: -3 }],
    ['a=007,b=1.5,c=1e3,d=', { a: '007', b: '1.5', c: '1e3', d: '' }],
    ['a.b=1,a.c=2', { a: { b: 1, c: 2 } }],
    ['annotations.lb\\.example\\.org/ip=1.2.3.4', { annotations: { 'lb.example.org/ip': '1.2.3.4' } }],
    ['range=10.0.0.0/8\\,192.168.0.0/16', { range: '10.0.0.0/8,192.168.0.0/16' }],
    ['list={a,b,3},x=y', { list: ['a', 'b', 3], x: 'y' }],
    ['list={}', { list: [] }],
    ['tolerations[1].key=k,tolerations[1].effect=NoSchedule', { tolerations: [null, { key: 'k', effect: 'NoSchedule' }] }],
    ['url=https://a.example.org/x?y=z', { url: 'https://a.example.org/x?y=z' }],
  ])('%s', (text, expected) => {
    expect(parseSet(text)).toEqual(expected);
  });

  test('untyped', () => {
    expect(parseSet('a=1,b=true,c=null', false)).toEqual({ a: '1', b: 'true', c: 'null' });
  });
});

test('mergeValues merges maps and replaces everything else', () => {
  expect(mergeValues({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3], e: { f: 1 } }, d: { g: 1 } }))
    .toEqual({ a: { b: 1, c: [3], e: { f: 1 } }, d: { g: 1 } });
});

const compiledCli = path.join(__dirname, '..', 'lib', 'cli.js');
(fs.existsSync(compiledCli) ? test : test.skip)('end to end: node lib/cli.js renders the seed example and reports errors by exit code', () => {
  const ok = spawnSync(process.execPath, [compiledCli, 'synth', '-f', BUNDLED, '--namespace', 'chat'], { encoding: 'utf8' });
  expect(ok.status).toBe(0);
  expect(objectsOf(ok.stdout).map((o) => o.kind)).toContain('StatefulSet');
  const invalid = spawnSync(process.execPath, [compiledCli, 'synth', '-f', BUNDLED, '--set', 'matrixChat.homeserver.registrationToken=null'], { encoding: 'utf8' });
  expect(invalid.status).toBe(1);
  expect(invalid.stderr).toContain('homeserver.allowRegistration');
  const missing = spawnSync(process.execPath, [compiledCli, 'synth', '-f', path.join(tmp, 'missing.yaml')], { encoding: 'utf8' });
  expect(missing.status).toBe(2);
  expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  expect(fs.readFileSync(compiledCli, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
});
