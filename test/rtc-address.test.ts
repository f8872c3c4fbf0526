// The RTC address without a manual step: NodeAddressSource resolution, the LoadBalancer lookup (init container, RBAC, wrapper) and its script run against stub commands.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duration } from 'cdk8s';
import { container, env, find, has, K8sObject, MINIMAL_PROPS, mount, podSpec, problemsAt, synth, synthErrorsWithoutNamespace, livekitConfig, volume } from './util';
import { MatrixChatProps, NodeAddressSource } from '../src';
import { RTC_ADDRESS_SCRIPT } from '../src/rtc-address';

const withRtc = (rtc: NonNullable<NonNullable<MatrixChatProps['livekit']>['rtc']>): MatrixChatProps => ({ ...MINIMAL_PROPS, livekit: { ...MINIMAL_PROPS.livekit, rtc } });
const sfu = (objects: K8sObject[]) => find(objects, 'Deployment', 'livekit');
const initContainers = (objects: K8sObject[]) => podSpec(sfu(objects)).initContainers ?? [];

describe('the default: the LoadBalancer address, read at pod start', () => {
  const objects = synth(MINIMAL_PROPS);

  test('a ServiceAccount without an automounted token, a Role that may only get livekit-rtc, and their binding', () => {
    expect(find(objects, 'ServiceAccount', 'livekit').automountServiceAccountToken).toBe(false);
    expect(find(objects, 'Role', 'livekit-rtc-reader').rules).toEqual([{ apiGroups: [''], resources: ['services'], resourceNames: ['livekit-rtc'], verbs: ['get'] }]);
    const binding = find(objects, 'RoleBinding', 'livekit-rtc-reader');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'livekit-rtc-reader' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'livekit', namespace: 'chat' }]);
  });

  test('without a chart namespace the subject names none (RBAC then takes the binding\'s namespace)', () => {
    expect(synthErrorsWithoutNamespace(MINIMAL_PROPS)).toBe('');
  });

  test('the pod runs as that ServiceAccount; only the init container mounts a token', () => {
    const spec = podSpec(sfu(objects));
    expect(spec.serviceAccountName).toBe('livekit');
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(volume(sfu(objects), 'kube-api-access').projected).toEqual({
      defaultMode: 0o440,
      sources: [
        { serviceAccountToken: { path: 'token', expirationSeconds: 600 } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    });
    expect(container(sfu(objects), 'livekit').volumeMounts.map((m: any) => m.name)).not.toContain('kube-api-access');
    expect(mount(initContainers(objects)[0], 'kube-api-access')).toEqual({ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true });
  });

  test('the init container: pinned by digest, hardened, bounded, told which Service to read', () => {
    const [init] = initContainers(objects);
    expect(init.name).toBe('rtc-address');
    expect(init.image).toMatch(/^cgr\.dev\/chainguard\/kubectl:latest-dev@sha256:[0-9a-f]{64}$/);
    expect(init.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(env(init, 'RTC_SERVICE').value).toBe('livekit-rtc');
    expect(env(init, 'TIMEOUT_SECONDS').value).toBe('600');
    expect(env(init, 'HOME').value).toBe('/tmp');
    expect(init.command).toEqual(['/bin/sh', '-c', RTC_ADDRESS_SCRIPT]);
  });

  test('LiveKit gets the address as --node-ip, with STUN off', () => {
    const c = container(sfu(objects), 'livekit');
    expect(c.command).toEqual(['/bin/sh', '-c']);
    expect(c.args).toEqual(['exec /livekit-server --config /etc/livekit/config.yaml --node-ip "$(cat /run/livekit-rtc/node-ip)"']);
    expect(mount(c, 'rtc-address')).toEqual({ name: 'rtc-address', mountPath: '/run/livekit-rtc', readOnly: true });
    expect(livekitConfig(objects).rtc).toEqual({ tcp_port: 7881, udp_port: 7882, use_external_ip: false });
  });

  test('a prefix names the ServiceAccount, Role and the Service it may read', () => {
    const prefixed = synth({ ...MINIMAL_PROPS, namePrefix: 'chat-' });
    expect(find(prefixed, 'Role', 'chat-livekit-rtc-reader').rules[0].resourceNames).toEqual(['chat-livekit-rtc']);
    expect(podSpec(find(prefixed, 'Deployment', 'chat-livekit')).serviceAccountName).toBe('chat-livekit');
  });

  test('a set timeout and image reach the init container', () => {
    const custom = synth(withRtc({ nodeAddressTimeout: Duration.minutes(2), nodeAddressImage: { registry: 'registry.example.org', repository: 'tools/kubectl', tag: '1.31.2' } }));
    const [init] = initContainers(custom);
    expect(env(init, 'TIMEOUT_SECONDS').value).toBe('120');
    expect(init.image).toBe('registry.example.org/tools/kubectl:1.31.2');
  });
});

describe('the other address sources emit no lookup', () => {
  test.each<[string, MatrixChatProps, Record<string, unknown>]>([
    ['nodeIp (MANUAL)', withRtc({ nodeIp: '203.0.113.10' }), { use_external_ip: false, node_ip: '203.0.113.10' }],
    ['explicit MANUAL with nodeIp', withRtc({ nodeAddress: NodeAddressSource.MANUAL, nodeIp: '203.0.113.10' }), { use_external_ip: false, node_ip: '203.0.113.10' }],
    ['useExternalIp: true (STUN)', withRtc({ useExternalIp: true }), { use_external_ip: true }],
    ['STUN', withRtc({ nodeAddress: NodeAddressSource.STUN }), { use_external_ip: true }],
    ['HOST_IP', withRtc({ nodeAddress: NodeAddressSource.HOST_IP }), { use_external_ip: false }],
  ])('%s', (_name, props, rtc) => {
    const objects = synth(props);
    expect(livekitConfig(objects).rtc).toEqual({ tcp_port: 7881, udp_port: 7882, ...rtc });
    expect(initContainers(objects)).toEqual([]);
    expect(podSpec(sfu(objects)).serviceAccountName).toBeUndefined();
    expect(has(objects, 'ServiceAccount', 'livekit') || has(objects, 'Role', 'livekit-rtc-reader')).toBe(false);
    expect(container(sfu(objects), 'livekit').args).toEqual(['--config', '/etc/livekit/config.yaml']);
  });

  test('HOST_IP hands the node IP in through the downward API', () => {
    expect(env(container(sfu(synth(withRtc({ nodeAddress: NodeAddressSource.HOST_IP }))), 'livekit'), 'NODE_IP')).toEqual({ name: 'NODE_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } });
  });

  test('scale-out takes STUN or HOST_IP from rtc.nodeAddress too', () => {
    const scaleOut = { enabled: true, replicas: 2, redis: { address: 'redis:6379' } };
    const objects = synth({ ...MINIMAL_PROPS, livekit: { ...MINIMAL_PROPS.livekit, scaleOut, rtc: { nodeAddress: NodeAddressSource.HOST_IP } } });
    expect(env(container(sfu(objects), 'livekit'), 'NODE_IP').valueFrom.fieldRef.fieldPath).toBe('status.hostIP');
    expect(initContainers(objects)).toEqual([]);
  });
});

describe('address-source rules', () => {
  const scaleOut = { enabled: true, replicas: 2, redis: { address: 'redis:6379' } };
  test.each<[string, MatrixChatProps, MatrixChatProps, string, string]>([
    ['MANUAL without nodeIp', withRtc({ nodeAddress: NodeAddressSource.MANUAL }), withRtc({ nodeAddress: NodeAddressSource.MANUAL, nodeIp: '203.0.113.10' }), 'livekit.rtc.nodeIp', 'is not set while rtc.nodeAddress is MANUAL'],
    ['nodeIp with LOAD_BALANCER', withRtc({ nodeAddress: NodeAddressSource.LOAD_BALANCER, nodeIp: '203.0.113.10' }), withRtc({ nodeAddress: NodeAddressSource.LOAD_BALANCER }), 'livekit.rtc.nodeIp', 'is set while rtc.nodeAddress is LOAD_BALANCER'],
    ['useExternalIp with an explicit non-STUN source', withRtc({ nodeAddress: NodeAddressSource.LOAD_BALANCER, useExternalIp: true }), withRtc({ nodeAddress: NodeAddressSource.STUN, useExternalIp: true }), 'livekit.rtc.useExternalIp', "node's egress address"],
    ['an unknown source (plain JavaScript)', withRtc({ nodeAddress: 'ELASTIC_IP' as NodeAddressSource }), withRtc({ nodeAddress: NodeAddressSource.STUN }), 'livekit.rtc.nodeAddress', 'is not a NodeAddressSource'],
    ['a timeout under 10 seconds', withRtc({ nodeAddressTimeout: Duration.seconds(5) }), withRtc({ nodeAddressTimeout: Duration.seconds(10) }), 'livekit.rtc.nodeAddressTimeout', 'outside 10 seconds to 1 hour'],
    ['a timeout that is not a Duration', withRtc({ nodeAddressTimeout: 600 as unknown as Duration }), withRtc({ nodeAddressTimeout: Duration.minutes(10) }), 'livekit.rtc.nodeAddressTimeout', 'not a whole-second cdk8s Duration'],
    ['a lookup image tagged latest', withRtc({ nodeAddressImage: { tag: 'latest' } }), withRtc({ nodeAddressImage: { tag: '1.31.2' } }), 'livekit.rtc.nodeAddressImage.tag', 'not a pinned version'],
    ['lookup settings without the lookup', withRtc({ nodeIp: '203.0.113.10', nodeAddressTimeout: Duration.minutes(1) }), withRtc({ nodeIp: '203.0.113.10' }), 'livekit.rtc.nodeAddressTimeout', 'silently ignored'],
    ['LOAD_BALANCER in scale-out mode', { ...MINIMAL_PROPS, livekit: { ...MINIMAL_PROPS.livekit, scaleOut, rtc: { nodeAddress: NodeAddressSource.LOAD_BALANCER } } }, { ...MINIMAL_PROPS, livekit: { ...MINIMAL_PROPS.livekit, scaleOut, rtc: { nodeAddress: NodeAddressSource.STUN } } }, 'livekit.rtc.nodeAddress', 'is not STUN or HOST_IP'],
    ['two different sources in scale-out', { ...MINIMAL_PROPS, livekit: { ...MINIMAL_PROPS.livekit, scaleOut: { ...scaleOut, nodeAddress: NodeAddressSource.STUN }, rtc: { nodeAddress: NodeAddressSource.HOST_IP } } }, { ...MINIMAL_PROPS, livekit: { ...MINIMAL_PROPS.livekit, scaleOut: { ...scaleOut, nodeAddress: NodeAddressSource.HOST_IP }, rtc: { nodeAddress: NodeAddressSource.HOST_IP } } }, 'livekit.rtc.nodeAddress', 'ambiguous'],
  ])('%s is refused; the valid neighbour passes', (_name, bad, good, path, text) => {
    expect(problemsAt(bad, path).join('\n')).toContain(text);
    expect(problemsAt(good, path)).toEqual([]);
    expect(() => synth(good)).not.toThrow();
  });
});

/** Runs the init container's script with stub kubectl/nslookup that answer after `after` polls. */
interface ScriptRun { status: number | null; stdout: string; stderr: string; address?: string }

function runScript(stub: { ip?: string; hostname?: string; after: number; timeout: number }): ScriptRun {
  const dir = mkdtempSync(join(tmpdir(), 'rtc-address-'));
  const counter = join(dir, 'calls');
  writeFileSync(counter, '0');
  const kubectl = [
    '#!/bin/sh',
    `n=$(cat ${counter}); n=$((n + 1)); echo $n > ${counter}`,
    `[ "$n" -le ${stub.after * 2} ] && exit 0`,
    'case "$*" in',
    `  *ingress\\[0\\].ip*) printf '%s' '${stub.ip ?? ''}' ;;`,
    `  *ingress\\[0\\].hostname*) printf '%s' '${stub.hostname ?? ''}' ;;`,
    'esac',
  ].join('\n');
  const nslookup = ['#!/bin/sh', 'printf "Server:\\t\\t10.96.0.10\\nAddress:\\t10.96.0.10:53\\n\\nName:\\t%s\\nAddress: 198.51.100.7\\n" "$1"'].join('\n');
  for (const [name, text] of [['kubectl', kubectl], ['nslookup', nslookup], ['sleep', '#!/bin/sh\nexit 0']]) {
    writeFileSync(join(dir, name), text);
    chmodSync(join(dir, name), 0o755);
  }
  const script = RTC_ADDRESS_SCRIPT.replace('/run/livekit-rtc/node-ip', join(dir, 'node-ip'));
  const result = spawnSync('/bin/sh', ['-c', script], {
    env: { PATH: `${dir}:${process.env.PATH}`, RTC_SERVICE: 'livekit-rtc', TIMEOUT_SECONDS: String(stub.timeout) },
    encoding: 'utf8',
    timeout: 20_000,
  });
  let address: string | undefined;
  try {
    address = readFileSync(join(dir, 'node-ip'), 'utf8');
  } catch {
    address = undefined;
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, address };
}

describe('the lookup script (run with stub kubectl and nslookup)', () => {
  const shellWorks = (() => {
    try {
      execFileSync('/bin/sh', ['-c', 'exit 0']);
      return true;
    } catch {
      return false;
    }
  })();
  const maybe = shellWorks ? test : test.skip;

  maybe('waits until the LoadBalancer has an IP, then writes it and logs it', () => {
    const run = runScript({ ip: '203.0.113.10', after: 3, timeout: 60 });
    expect(run.status).toBe(0);
    expect(run.address).toBe('203.0.113.10');
    expect(run.stdout).toContain('livekit-rtc LoadBalancer address: 203.0.113.10');
  });

  maybe('resolves a hostname (e.g. an AWS load balancer) to its address, not the DNS server\'s', () => {
    const run = runScript({ hostname: 'abc.elb.example.com', after: 1, timeout: 60 });
    expect(run.status).toBe(0);
    expect(run.address).toBe('198.51.100.7');
  });

  maybe('gives up after the timeout with a line saying what to check, and writes nothing', () => {
    const run = runScript({ after: 1_000_000, timeout: 0 });
    expect(run.status).toBe(1);
    expect(run.address).toBeUndefined();
    expect(run.stderr).toContain("no LoadBalancer address on Service livekit-rtc after 0s: check 'kubectl describe service livekit-rtc'");
  });
});
