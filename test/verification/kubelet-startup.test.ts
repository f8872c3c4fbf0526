// Planted defects for the kubelet file-access model and the per-program start-up model (issue 18).
import { podTemplates } from './k8s';
import { ImposedIdentity, IMAGE_USER, canAccess, mountedFilesReadable, processIdentity, withIdentity } from './kubelet';
import { SCENARIOS } from './scenarios';
import { modelForImage, startupFiles } from './startup-model';
import { K8sObject, synth } from '../util';

const named = (name: string) => SCENARIOS.find((s) => s.name === name)!;
/** LiveKit with TURNS (0440 certificate Secret), homeserver with an inline-token Secret and a claim. */
const turn = named('TURN with custom TLS port and inline credentials');
/** Homeserver on a PersistentVolumeClaim with a user-declared token Secret. */
const persistent = named('full bundled stack with TURN');
/** Homeserver database on an emptyDir, no token file. */
const ephemeral = named('persistence disabled, registration closed');

const byName = (objects: K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name)!;
const podSpec = (o: K8sObject[], kind: string, name: string) => byName(o, kind, name).spec.template.spec;
const homeserver = (o: K8sObject[]) => podSpec(o, 'StatefulSet', 'matrix-homeserver');
const livekit = (o: K8sObject[]) => podSpec(o, 'Deployment', 'livekit');
const lkJwt = (o: K8sObject[]) => podSpec(o, 'Deployment', 'lk-jwt-service');
const toml = (o: K8sObject[], edit: (text: string) => string) => {
  const cm = byName(o, 'ConfigMap', 'matrix-homeserver-config');
  cm.data['tuwunel.toml'] = edit(cm.data['tuwunel.toml']);
};
const livekitYaml = (o: K8sObject[], edit: (text: string) => string) => {
  const cm = byName(o, 'ConfigMap', 'livekit-config');
  cm.data['config.yaml'] = edit(cm.data['config.yaml']);
};
const mutate = (s: typeof turn, change: (objects: K8sObject[]) => void): K8sObject[] => {
  const objects = JSON.parse(JSON.stringify(synth(s.props, s.namespace ?? null))) as K8sObject[];
  change(objects);
  return objects;
};
const noFsGroup = (spec: any) => { delete spec.securityContext.fsGroup; delete spec.securityContext.fsGroupChangePolicy; };

describe('kubelet model: process identity and permission classes', () => {
  const pod = (podSc: any, sc: any) => podTemplates([{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'p' }, spec: { template: { spec: { securityContext: podSc, containers: [{ name: 'c', securityContext: sc }] } } } }])[0];

  test('container runAsUser/runAsGroup override the pod; fsGroup and supplementalGroups join the groups', () => {
    const p = pod({ runAsUser: 1, runAsGroup: 2, fsGroup: 3, supplementalGroups: [4] }, { runAsUser: 5, runAsGroup: 6, capabilities: { drop: ['ALL'] } });
    expect(processIdentity(p, p.containers[0])).toEqual({ uid: 5, gid: 6, groups: [6, 3, 4], dacOverride: false });
  });

  test('without any runAsUser the process runs as the images\' user (no USER: root) and keeps DAC override unless capabilities are dropped', () => {
    const p = pod({}, {});
    expect(processIdentity(p, p.containers[0])).toEqual({ uid: IMAGE_USER.uid, gid: IMAGE_USER.gid, groups: [0], dacOverride: true });
  });

  test('exactly one class applies: owner, else group, else other', () => {
    const id = { uid: 10001, gid: 10001, groups: [10001], dacOverride: false };
    expect(canAccess(id, { uid: 0, gid: 0, mode: 0o440 }, 4)).toBe(false);
    expect(canAccess(id, { uid: 0, gid: 0, mode: 0o444 }, 4)).toBe(true);
    expect(canAccess(id, { uid: 0, gid: 10001, mode: 0o440 }, 4)).toBe(true);
    expect(canAccess(id, { uid: 10001, gid: 10001, mode: 0o044 }, 4)).toBe(false);
    expect(canAccess({ uid: 0, gid: 0, groups: [0], dacOverride: false }, { uid: 0, gid: 0, mode: 0o400 }, 4)).toBe(true);
    expect(canAccess({ uid: 0, gid: 0, groups: [0], dacOverride: true }, { uid: 0, gid: 0, mode: 0 }, 4)).toBe(true);
  });
});

describe('invariant 8: every mounted Secret/ConfigMap file is readable by its container', () => {
  const cases: Array<[string, typeof turn, (o: K8sObject[]) => void, RegExp]> = [
    // The defect of issue 18: LiveKit without fsGroup cannot read its 0440 TURNS pair.
    ['old LiveKit output: TURN without pod fsGroup', turn, (o) => noFsGroup(livekit(o)),
      /Deployment\/livekit container livekit: \/etc\/livekit-turn-tls\/tls.crt \(Secret\/turn-tls key cert.pem\) is 0:0 mode 0440, which the process \(uid 10001 gid 10001 groups \[10001\]\) cannot read; set the pod's fsGroup/],
    ['no fsGroup with a 0440 token file', turn, (o) => noFsGroup(homeserver(o)), /StatefulSet\/matrix-homeserver container tuwunel: \/etc\/tuwunel\/registration\/registration_token .* is 0:0 mode 0440/],
    ['mode 0400 for a non-root process without fsGroup', ephemeral, (o) => { noFsGroup(homeserver(o)); homeserver(o).volumes[0].configMap.defaultMode = 0o400; }, /\/etc\/tuwunel\/tuwunel.toml \(ConfigMap\/matrix-homeserver-config key tuwunel.toml\) is 0:0 mode 0400/],
    ['supplementalGroups instead of fsGroup (the file keeps gid 0)', turn, (o) => { noFsGroup(livekit(o)); livekit(o).securityContext.supplementalGroups = [10001]; }, /tls.key \(Secret\/turn-tls key key.pem\) is 0:0 mode 0440, which the process \(uid 10001 gid 10001 groups \[10001\]\)/],
    ['container runAsUser overriding a root pod', turn, (o) => { noFsGroup(livekit(o)); livekit(o).securityContext.runAsUser = 0; livekit(o).securityContext.runAsGroup = 0; }, /tls.crt .* is 0:0 mode 0440, which the process \(uid 10001 gid 10001 groups \[10001\]\) cannot read/],
    ['item mode 0440 overriding a readable defaultMode', turn, (o) => { noFsGroup(livekit(o)); const s = livekit(o).volumes[1].secret; s.defaultMode = 0o444; s.items[1].mode = 0o440; }, /^(?![\s\S]*tls\.crt)[\s\S]*\/etc\/livekit-turn-tls\/tls.key \(Secret\/turn-tls key key.pem\) is 0:0 mode 0440/],
    ['subPath mount of a 0440 key', turn, (o) => { noFsGroup(livekit(o)); livekit(o).containers[0].volumeMounts[1] = { name: 'turn-tls', mountPath: '/etc/turn/key.pem', subPath: 'tls.key', readOnly: true }; }, /^(?![\s\S]*tls\.crt)[\s\S]*container livekit: \/etc\/turn\/key.pem \(Secret\/turn-tls key key.pem\) is 0:0 mode 0440/],
    ['projected volume with defaultMode 0440', turn, (o) => {
      noFsGroup(homeserver(o));
      homeserver(o).volumes[1] = { name: 'registration-token', projected: { defaultMode: 0o440, sources: [{ secret: { name: 'matrix-homeserver-secret', items: [{ key: 'registration_token', path: 'registration_token' }] } }] } };
    }, /\/etc\/tuwunel\/registration\/registration_token \(Secret\/matrix-homeserver-secret key registration_token\) is 0:0 mode 0440/],
    ['init container without fsGroup', turn, (o) => {
      noFsGroup(homeserver(o));
      homeserver(o).initContainers = [{ ...homeserver(o).containers[0], name: 'migrate', volumeMounts: [homeserver(o).containers[0].volumeMounts[2]] }];
    }, /container migrate: \/etc\/tuwunel\/registration\/registration_token/],
  ];
  it.each(cases)('%s', (_what, s, change, expected) => {
    expect(mountedFilesReadable(mutate(s, change), s).join('\n')).toMatch(expected);
  });

  // Valid neighbours: each differs from a defect above by the one thing that makes it readable.
  const passing: Array<[string, typeof turn, (o: K8sObject[]) => void]> = [
    ['0400 with fsGroup (the kubelet ORs in group read, volume_linux.go roMask)', ephemeral, (o) => { homeserver(o).volumes[0].configMap.defaultMode = 0o400; }],
    ['no fsGroup but runAsGroup 0 (the file\'s gid)', turn, (o) => { noFsGroup(livekit(o)); livekit(o).securityContext.runAsGroup = 0; livekit(o).containers[0].securityContext.runAsGroup = 0; }],
    ['no fsGroup but container runAsUser 0 (the file\'s owner)', turn, (o) => { noFsGroup(livekit(o)); livekit(o).containers[0].securityContext.runAsUser = 0; }],
    ['no fsGroup and mode 0444', turn, (o) => { noFsGroup(livekit(o)); livekit(o).volumes[1].secret.defaultMode = 0o444; }],
    ['a 0440 file hidden by a deeper mount is not checked', turn, (o) => {
      noFsGroup(livekit(o));
      livekit(o).volumes.push({ name: 'scratch', emptyDir: {} });
      livekit(o).containers[0].volumeMounts = [{ name: 'config', mountPath: '/etc/livekit', readOnly: true }, { name: 'turn-tls', mountPath: '/etc/x', readOnly: true }, { name: 'scratch', mountPath: '/etc/x/tls.key' }, { name: 'scratch', mountPath: '/etc/x/tls.crt' }];
    }],
  ];
  it.each(passing)('passes: %s', (_what, s, change) => {
    expect(mountedFilesReadable(mutate(s, change), s)).toEqual([]);
  });
});

describe('invariant 9: start-up files of each program', () => {
  const cases: Array<[string, typeof turn, (o: K8sObject[]) => void, RegExp]> = [
    ['unknown container image', turn, (o) => { lkJwt(o).containers.push({ name: 'redis', image: 'docker.io/library/redis:7.4' }); },
      /Deployment\/lk-jwt-service container redis: image "docker.io\/library\/redis:7.4" is not in the start-up model: add it to the start-up model/],
    ['old LiveKit output: TURNS pair unreadable', turn, (o) => noFsGroup(livekit(o)),
      /container livekit: livekit reads turn.cert_file = "\/etc\/livekit-turn-tls\/tls.crt" at start, which is 0:0 mode 0440 \(Secret\/turn-tls key cert.pem\), which the process cannot read .* "TURN tls cert required" .* exits with status 0/],
    ['database_path not on a volume', turn, (o) => toml(o, (t) => t.replace('database_path = "/var/lib/tuwunel"', 'database_path = "/data/tuwunel"')),
      /tuwunel writes global.database_path = "\/data\/tuwunel", which lies on no volume, and the root filesystem is read-only .* RocksDB opens it with create_if_missing/],
    ['database_path inside the read-only config mount', turn, (o) => toml(o, (t) => t.replace('database_path = "/var/lib/tuwunel"', 'database_path = "/etc/tuwunel/db"')),
      /database_path = "\/etc\/tuwunel\/db", which is in volume config at \/etc\/tuwunel, a Secret\/ConfigMap volume the kubelet always mounts read-only/],
    ['database volume mounted readOnly', turn, (o) => { homeserver(o).containers[0].volumeMounts[1].readOnly = true; }, /database_path = "\/var\/lib\/tuwunel", which is in PersistentVolumeClaim data, mounted readOnly/],
    ['database claim without fsGroup', persistent, (o) => noFsGroup(homeserver(o)),
      /database_path = "\/var\/lib\/tuwunel", which is in PersistentVolumeClaim data, whose root is 0:0 mode 0755: not writable by the process \(set the pod's fsGroup\)/],
    ['database_path moved by TUWUNEL_DATABASE_PATH', turn, (o) => { homeserver(o).containers[0].env.push({ name: 'TUWUNEL_DATABASE_PATH', value: '/tmp/db' }); }, /writes global.database_path = "\/tmp\/db", which lies on no volume/],
    ['token file path not mounted', turn, (o) => toml(o, (t) => t.replace('/etc/tuwunel/registration/registration_token', '/run/secrets/registration_token')),
      /tuwunel reads global.registration_token_file = "\/run\/secrets\/registration_token" at start, which lies under no volumeMount .* "Registration token file was specified but is empty or failed to be read"/],
    ['token file not among the volume\'s items', turn, (o) => toml(o, (t) => t.replace('/etc/tuwunel/registration/registration_token', '/etc/tuwunel/registration/token')),
      /registration_token_file = "\/etc\/tuwunel\/registration\/token" at start, which volume registration-token projects no file token \(it holds registration_token\)/],
    ['token Secret optional', turn, (o) => { homeserver(o).volumes[1].secret.optional = true; }, /registration_token_file .* comes from Secret\/matrix-homeserver-secret key registration_token, which is optional/],
    ['Tuwunel config mounted elsewhere', turn, (o) => { homeserver(o).containers[0].volumeMounts[0].mountPath = '/config'; }, /tuwunel reads env TUWUNEL_CONFIG = "\/etc\/tuwunel\/tuwunel.toml" at start, which lies under no volumeMount .* do not exist or have broken symlinks/],
    ['LiveKit config mounted elsewhere', turn, (o) => { livekit(o).containers[0].volumeMounts[0].mountPath = '/config'; }, /livekit reads argument --config = "\/etc\/livekit\/config.yaml" at start, which lies under no volumeMount .* os.ReadFile/],
    ['TURN cert moved by LIVEKIT_TURN_CERT', turn, (o) => { livekit(o).containers[0].env.push({ name: 'LIVEKIT_TURN_CERT', value: '/certs/tls.crt' }); }, /livekit reads env LIVEKIT_TURN_CERT = "\/certs\/tls.crt"/],
    ['LiveKit key_file readable by others', turn, (o) => {
      livekitYaml(o, (t) => `${t}key_file: /etc/livekit-keys/keys.yaml\n`);
      livekit(o).volumes.push({ name: 'keys', secret: { secretName: 'livekit-secret', items: [{ key: 'LIVEKIT_KEYS', path: 'keys.yaml' }] } });
      livekit(o).containers[0].volumeMounts.push({ name: 'keys', mountPath: '/etc/livekit-keys', readOnly: true });
    }, /livekit reads key_file = "\/etc\/livekit-keys\/keys.yaml" at start, which is 0:10001 mode 0644 .* "other" has permission bits.*key file others permissions must be set to 0/],
    ['lk-jwt key file not mounted', turn, (o) => { lkJwt(o).containers[0].env.push({ name: 'LIVEKIT_KEY_FILE', value: '/etc/lk/keys' }); }, /lk-jwt-service reads env LIVEKIT_KEY_FILE = "\/etc\/lk\/keys" at start, which lies under no volumeMount .* log.Fatal/],
    ['lk-jwt path from valueFrom', turn, (o) => { lkJwt(o).containers[0].env.push({ name: 'LIVEKIT_SECRET_FROM_FILE', valueFrom: { configMapKeyRef: { name: 'x', key: 'y' } } }); }, /env LIVEKIT_SECRET_FROM_FILE takes its path from valueFrom/],
    ['mount hiding the lk-jwt image\'s CA bundle', turn, (o) => {
      lkJwt(o).volumes = [{ name: 'ca', configMap: { name: 'corp-ca' } }];
      lkJwt(o).containers[0].volumeMounts = [{ name: 'ca', mountPath: '/etc/ssl/certs', readOnly: true }];
    }, /volumeMount ca at \/etc\/ssl\/certs hides \/etc\/ssl\/certs\/ca-certificates.crt from the lk-jwt-service image/],
  ];
  it.each(cases)('%s', (_what, s, change, expected) => {
    expect(startupFiles(mutate(s, change), s).join('\n')).toMatch(expected);
  });

  const passing: Array<[string, typeof turn, (o: K8sObject[]) => void]> = [
    ['database on an emptyDir without fsGroup (emptyDir is 0777)', ephemeral, (o) => noFsGroup(homeserver(o))],
    ['LiveKit key_file with mode 0440', turn, (o) => {
      livekitYaml(o, (t) => `${t}key_file: /etc/livekit-keys/keys.yaml\n`);
      livekit(o).volumes.push({ name: 'keys', secret: { secretName: 'livekit-secret', defaultMode: 0o440, items: [{ key: 'LIVEKIT_KEYS', path: 'keys.yaml' }] } });
      livekit(o).containers[0].volumeMounts.push({ name: 'keys', mountPath: '/etc/livekit-keys', readOnly: true });
    }],
    ['TURN with external_tls reads no certificate', turn, (o) => { noFsGroup(livekit(o)); livekit(o).volumes.pop(); livekit(o).containers[0].volumeMounts.pop(); livekitYaml(o, (t) => t.replace('turn:\n', 'turn:\n  external_tls: true\n')); }],
  ];
  it.each(passing)('passes: %s', (_what, s, change) => {
    expect(startupFiles(mutate(s, change), s)).toEqual([]);
  });

  test('images are identified by their repository\'s last segment, whatever the registry, tag or digest', () => {
    expect(modelForImage('registry.example.org:5000/mirror/matrix-construct/tuwunel@sha256:1111111111111111111111111111111111111111111111111111111111111111')?.program).toBe('tuwunel');
    expect(modelForImage('docker.io/livekit/livekit-server:v1.13.5')?.program).toBe('livekit');
    expect(modelForImage('ghcr.io/element-hq/lk-jwt-service:0.5.0')?.program).toBe('lk-jwt-service');
    expect(modelForImage('ghcr.io/element-hq/lk-jwt-service-fork:1')).toBeUndefined();
  });

  test('an image mirrored under another repository name is the program of the container the library names', () => {
    expect(modelForImage('ghcr.io/mirror/matrix-homeserver:v1', 'tuwunel')?.program).toBe('tuwunel');
    expect(modelForImage('ghcr.io/mirror/sfu:v1', 'livekit')?.program).toBe('livekit');
    expect(modelForImage('ghcr.io/mirror/tools:1', 'backup-trigger')?.program).toBe('busybox');
    expect(modelForImage('ghcr.io/mirror/other:1', 'sidecar')).toBeUndefined();
  });
});

/**
 * OpenShift's restricted-v2 SCC runs every pod with a uid from the namespace's range and assigns
 * an fsGroup from it (MustRunAsRange / MustRunAs); with no runAsGroup the process's gid is 0.
 */
describe('under an imposed identity (OpenShift restricted-v2 style)', () => {
  const UID = 1000650000;
  const identities: Array<[string, ImposedIdentity]> = [
    ['uid and fsGroup from the range, runAsGroup removed (gid 0)', { runAsUser: UID, runAsGroup: null, fsGroup: UID }],
    ['uid and fsGroup from the range, runAsGroup kept', { runAsUser: UID, fsGroup: UID }],
  ];
  describe.each(identities)('%s', (_what, identity) => {
    it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s: files readable, database writable', (_name, s) => {
      const objects = withIdentity(synth(s.props, s.namespace ?? null), identity);
      expect([...mountedFilesReadable(objects, s), ...startupFiles(objects, s)]).toEqual([]);
    });
  });

  test('without the assigned fsGroup: gid 0 still reads the 0:0 0440 files, but neither gid writes the claim and gid 10001 reads nothing', () => {
    const rootGroup = withIdentity(synth(persistent.props, persistent.namespace ?? null), { runAsUser: UID, runAsGroup: null, fsGroup: null });
    const ownGroup = withIdentity(synth(persistent.props, persistent.namespace ?? null), { runAsUser: UID, fsGroup: null });
    expect(mountedFilesReadable(rootGroup, persistent)).toEqual([]);
    expect(startupFiles(rootGroup, persistent).join('\n')).toMatch(/^[^\n]*tuwunel writes global.database_path .* PersistentVolumeClaim data, whose root is 0:0 mode 0755: not writable[^\n]*$/);
    const messages = startupFiles(ownGroup, persistent).join('\n');
    expect(messages).toMatch(/livekit reads turn.cert_file .* which the process cannot read \(process uid 1000650000 gid 10001 groups \[10001\]\)/);
    expect(messages).toMatch(/tuwunel reads global.registration_token_file .* cannot read/);
    expect(messages).toMatch(/tuwunel writes global.database_path .* not writable/);
  });
});
