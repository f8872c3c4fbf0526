// The matrix-chat CLI: values files, --set, output and exit codes.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { container, env, EXTERNAL_OBJECT_IDS, find, has, K8sObject, livekitConfig, tuwunelConfig } from './util';
import { OUTPUT_FILE, main, mergeValues, parseSet, readValuesFile } from '../src/cli';

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
    expect(ingress.spec.rules[0].http.paths.map((p: any) => p.path)).toEqual(['/.well-known/matrix', '/_matrix', '/sfu', '/get_token', '/rtc', '/twirp']);
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

  test('-o writes one file into the folder, nothing to stdout, and says what it wrote where', () => {
    const out = path.join(tmp, 'out', 'nested');
    const result = run('synth', '-f', BUNDLED, '-o', out);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(fs.readdirSync(out)).toEqual([OUTPUT_FILE]);
    const yaml = run('synth', '-f', BUNDLED).stdout;
    expect(fs.readFileSync(path.join(out, OUTPUT_FILE), 'utf8')).toBe(yaml);
    expect(result.stderr).toBe(`wrote ${objectsOf(yaml).length} objects to ${path.join(out, OUTPUT_FILE)}\n`);
    expect(objectsOf(yaml)).toHaveLength(15);
  });

  test('-o replaces the file a previous run wrote', () => {
    const out = path.join(tmp, 'rerun');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, OUTPUT_FILE), 'stale: true\n');
    expect(run('synth', '-f', BUNDLED, '-o', out).code).toBe(0);
    expect(fs.readFileSync(path.join(out, OUTPUT_FILE), 'utf8')).not.toContain('stale');
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

  test('unknown and mistyped values keys: all of them, one line each', () => {
    const result = run('synth', '-f', BUNDLED, '--set', 'matrixChat.livekit.turn.tlsport=443,matrixChat.homeserver.servername=x,matrixChat.homeserver.clientPort=http');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n').sort()).toEqual([
      'error: matrixChat.homeserver.clientPort: expected an integer, got "http"',
      'error: matrixChat.homeserver.servername: unknown key (did you mean "serverName"?)',
      'error: matrixChat.livekit.turn.tlsport: unknown key (did you mean "tlsPort"?)',
    ]);
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

  test('-o onto an existing file is refused with what -o expects, and the file is left alone', () => {
    const existing = file('existing.yaml', 'keep: me\n');
    const line = oneLine(run('synth', '-f', BUNDLED, '-o', existing));
    expect(line).toBe(`error: -o ${existing} is an existing file, not a folder: -o takes a folder and writes ${OUTPUT_FILE} into it; to write one file of your choice, use "> file.yaml"`);
    expect(fs.readFileSync(existing, 'utf8')).toBe('keep: me\n');
  });

  test('-o with a file name that does not exist yet is refused instead of becoming a folder', () => {
    const target = path.join(tmp, 'new-out.yaml');
    expect(oneLine(run('synth', '-f', BUNDLED, '-o', target))).toContain(`-o ${target} looks like a file name`);
    expect(fs.existsSync(target)).toBe(false);
  });

  test('-o below a file gives the reason, not a raw ENOTDIR', () => {
    const existing = file('blocker', 'x');
    const line = oneLine(run('synth', '-f', BUNDLED, '-o', path.join(existing, 'sub')));
    expect(line).toBe(`error: cannot write ${path.join(existing, 'sub', OUTPUT_FILE)}: a part of the path is a file, not a folder`);
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

describe('validation errors name the values key the user wrote', () => {
  test('flat and nested image keys, each with the prop path as a hint; one problem per line', () => {
    const flat = run('synth', '-f', BUNDLED, '--set', 'matrixChat.homeserver.imageTag=latest,matrixChat.livekit.rtc.tcpPort=80');
    expect(flat.code).toBe(1);
    const lines = flat.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^error: matrixChat\.homeserver\.imageTag: "latest" is not a pinned version; .* \(MatrixChat prop homeserver\.image\.tag\)$/);
    expect(lines[1]).toMatch(/^error: matrixChat\.livekit\.rtc\.tcpPort: 80 is not a port .* \(MatrixChat prop livekit\.rtc\.tcpPort\)$/);
    expect(flat.stderr).not.toContain('[matrix-chat/');

    const nested = run('synth', '-f', BUNDLED, '--set', 'matrixChat.homeserver.image.tag=latest');
    expect(nested.stderr).toMatch(/^error: matrixChat\.homeserver\.image\.tag: "latest" is not a pinned version; .* \(MatrixChat prop homeserver\.image\.tag\)$/m);
  });

  test('chart-wide keys and renamed keys map back too', () => {
    const result = run('synth', '-f', BUNDLED, '--set', 'imagePullSecrets={Bad_Name},nodeSelector.bad key!=x,matrixChat.homeserver.persistence.storageClass=Bad_Class');
    expect(result.code).toBe(1);
    // Where the values key is the prop path, no hint is needed.
    expect(result.stderr).toMatch(/^error: imagePullSecrets\[0\]: "Bad_Name" .*\.$/m);
    expect(result.stderr).toMatch(/^error: nodeSelector\.bad key!: .*\(MatrixChat prop scheduling\.nodeSelector\.bad key!\)$/m);
    expect(result.stderr).toMatch(/^error: matrixChat\.homeserver\.persistence\.storageClass: .*\(MatrixChat prop homeserver\.persistence\.storageClassName\)$/m);
  });
});

describe('input limits: nothing a user passes ends the process', () => {
  test('a --set list index above Helm\'s 65536 is refused before any list is allocated', () => {
    const result = run('synth', '-f', BUNDLED, '--set', 'imagePullSecrets[999999999]=x');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: --set "imagePullSecrets[999999999]=x": list index 999999999 is above 65536, the largest Helm accepts\n');
    expect(parseSet('a[65536]=x').a).toHaveLength(65537);
  });

  test('a --set key nested deeper than Helm\'s 30 levels is refused', () => {
    // Helm counts the dots: 30 are accepted, the 31st is refused.
    expect(() => parseSet(`${Array.from({ length: 32 }, (_, i) => `k${i}`).join('.')}=1`)).toThrow(/nested more than 30 levels/);
    expect(() => parseSet(`${Array.from({ length: 31 }, (_, i) => `k${i}`).join('.')}=1`)).not.toThrow();
    expect(() => parseSet(`a${'[0]'.repeat(100000)}=1`)).toThrow(/more than 64 levels/);
  });

  test('__proto__ and friends are refused in --set and values files, and never reach Object.prototype', () => {
    for (const key of ['__proto__.polluted', 'a.constructor.prototype.polluted', 'matrixChat.__proto__.x']) {
      const result = run('synth', '-f', BUNDLED, '--set', `${key}=1`);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: --set .*is not allowed/);
    }
    expect(({} as any).polluted).toBeUndefined();
    const merged = mergeValues({}, JSON.parse('{"__proto__": {"polluted": 1}}'));
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(({} as any).polluted).toBeUndefined();
  });

  test('a values file above 4 MiB is refused without being read', () => {
    const big = path.join(tmp, 'big.yaml');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, 4 * 1024 * 1024 + 1);
    const result = run('synth', '-f', big);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/big\.yaml is 4194305 bytes; values files larger than 4194304 bytes are refused/);
  });

  test('a few YAML aliases are fine; an alias bomb is refused', () => {
    const anchors = file('anchors.yaml', [
      'secret: &secret { name: reg }',
      'matrixChat:',
      '  enabled: true',
      '  homeserver: { serverName: matrix.example.org, registrationTokenExistingSecret: *secret }',
      '  livekit: { keys: { existingSecret: { name: lk } } }',
      '',
    ].join('\n'));
    expect(run('synth', '-f', anchors).code).toBe(0);
    expect(run('synth', '-f', path.join(FIXTURES, 'bad-values', 'yaml-alias-bomb.yaml')).stderr).toContain('expands YAML aliases more than 100 times');
  });

  test('an unquoted date stays the text it looks like, as in Helm', () => {
    const dated = file('dated.yaml', 'matrixChat:\n  enabled: true\n  homeserver:\n    imageTag: 2024-01-01\n');
    expect(readValuesFile(dated)).toEqual({ matrixChat: { enabled: true, homeserver: { imageTag: '2024-01-01' } } });
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

describe('the bad-values corpus: every file is refused with a clear message', () => {
  const CORPUS = path.join(FIXTURES, 'bad-values');
  const files = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.yaml')).sort();

  test('the corpus holds at least 60 files', () => {
    expect(files.length).toBeGreaterThanOrEqual(60);
  });

  // Each file's first line says what it must produce: "# expect <exit code>: <text on an error line>".
  test.each(files)('%s', (name) => {
    const target = path.join(CORPUS, name);
    const header = /^# expect ([12]): (.+)$/m.exec(fs.readFileSync(target, 'latin1').split('\n')[0]);
    expect(header).not.toBeNull();
    const [, code, text] = header!;
    const result = run('synth', '-f', target);
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code: Number(code), stdout: '' });
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines.every((l) => /^(error|note): \S/.test(l))).toBe(true);
    expect(result.stderr).not.toMatch(/^\s+at |internal error|TypeError|RangeError|ReferenceError/m);
    expect(lines.filter((l) => l.startsWith('error: ')).some((l) => l.includes(text))).toBe(true);
  });
});
