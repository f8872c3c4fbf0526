// Keeping the chat history (issue 13): claim retention, GitOps prune protection, Tuwunel's online backups and snapshot schedules.
import { Duration, Testing } from 'cdk8s';
import { HARDENED_CONTAINER, INLINE_PROPS, K8sObject, MINIMAL_PROPS, container, find, has, mount, ofKind, podSpec, problemsAt, synth, tuwunelConfig, volume } from './util';
import { Homeserver, HomeserverBackupProps, HomeserverSnapshotProps, LiveKit, MatrixChatProps } from '../src';
import { stopCrdValidator } from './verification/crd-models';
import { CRD_SCHEMAS, crdSchemaProblems, schemaProblems } from './verification/crd-schemas';
import { references, schema } from './verification/invariants';
import { SCENARIOS } from './verification/scenarios';
import { BUSYBOX_MODEL, modelForImage, startupFiles } from './verification/startup-model';
import { BASE_NAMES } from '../src/names';
import { isSnapshotCronspec } from '../src/snapshot-schedule';

afterAll(stopCrdValidator);

const NO_PRUNE = { 'argocd.argoproj.io/sync-options': 'Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };

function statefulSet(objects: K8sObject[], name = 'matrix-homeserver'): K8sObject {
  return find(objects, 'StatefulSet', name);
}

describe('state that survives', () => {
  test('the StatefulSet retains its claims on delete and on scale-down', () => {
    expect(statefulSet(synth(MINIMAL_PROPS)).spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  });

  test('inline Secrets carry the Argo CD and Flux no-prune annotations by default', () => {
    const objects = synth(INLINE_PROPS);
    expect(find(objects, 'Secret', 'matrix-homeserver-secret').metadata.annotations).toEqual(NO_PRUNE);
    expect(find(objects, 'Secret', 'livekit-secret').metadata.annotations).toEqual(NO_PRUNE);
  });

  test('gitOpsPruneProtection: false drops the annotations', () => {
    const objects = synth({ ...INLINE_PROPS, gitOpsPruneProtection: false });
    expect(find(objects, 'Secret', 'matrix-homeserver-secret').metadata.annotations).toBeUndefined();
    expect(find(objects, 'Secret', 'livekit-secret').metadata.annotations).toBeUndefined();
  });

  test('standalone constructs take the opt-out from their own props', () => {
    const chart = Testing.chart();
    new Homeserver(chart, 'hs', { serverName: 'matrix.example.org', registrationToken: 'tok-0123456789', gitOpsPruneProtection: false });
    new LiveKit(chart, 'lk', { keys: { apiKey: 'APIchat', apiSecret: 'test-secret-0123456789abcdefghijklmnopqr' } });
    const objects = Testing.synth(chart) as K8sObject[];
    expect(find(objects, 'Secret', 'matrix-homeserver-secret').metadata.annotations).toBeUndefined();
    expect(find(objects, 'Secret', 'livekit-secret').metadata.annotations).toEqual(NO_PRUNE);
  });

  test('a gitOpsPruneProtection that is not a boolean is refused; true passes', () => {
    expect(problemsAt({ ...MINIMAL_PROPS, gitOpsPruneProtection: 'no' as unknown as boolean }, 'gitOpsPruneProtection')).toEqual([
      'gitOpsPruneProtection: "no" is not true or false; whether Argo CD and Flux may prune the database claims and inline Secrets would be guessed. Fix: use true (the default) or false.',
    ]);
    expect(problemsAt({ ...MINIMAL_PROPS, gitOpsPruneProtection: true } as MatrixChatProps, 'gitOpsPruneProtection')).toEqual([]);
  });
});

function withHomeserver(extra: MatrixChatProps['homeserver'], top: Partial<MatrixChatProps> = {}): MatrixChatProps {
  return { ...MINIMAL_PROPS, ...top, homeserver: { ...MINIMAL_PROPS.homeserver, ...extra } };
}
const backupOn = (backup: HomeserverBackupProps = {}, top: Partial<MatrixChatProps> = {}) =>
  withHomeserver({ backup: { enabled: true, ...backup } }, top);
const snapshotsOn = (snapshots: HomeserverSnapshotProps = {}, extra: MatrixChatProps['homeserver'] = {}) => withHomeserver({ ...extra, snapshots: { enabled: true, ...snapshots } });
const BUSYBOX = 'docker.io/library/busybox:1.37.0@sha256:bdf57e528e45e4433820e045b29b4597825a1c9e38353532d90a01445013f82e';

describe('online backups by Tuwunel', () => {
  test('off by default: no sidecar, no shared PID namespace, no backup keys, no claim', () => {
    const objects = synth(MINIMAL_PROPS);
    const sts = statefulSet(objects);
    expect(podSpec(sts).containers.map((c: any) => c.name)).toEqual(['tuwunel']);
    expect(podSpec(sts).shareProcessNamespace).toBeUndefined();
    const config = tuwunelConfig(objects).global;
    for (const key of ['database_backup_path', 'database_backups_to_keep', 'admin_signal_execute']) expect(config[key]).toBeUndefined();
    expect(ofKind(objects, 'PersistentVolumeClaim')).toEqual([]);
  });

  test('enabled: tuwunel.toml runs "server backup-database" on SIGUSR2 into the backup path, keeping 7', () => {
    const config = tuwunelConfig(synth(backupOn())).global;
    expect(config.database_backup_path).toBe('/var/lib/tuwunel-backup');
    expect(config.database_backups_to_keep).toBe(7);
    expect(config.admin_signal_execute).toEqual(['server backup-database']);
    expect(config.database_path).toBe('/var/lib/tuwunel');
  });

  test('enabled: a claim of its own, labelled for the snapshot selector and protected from pruning', () => {
    const claim = find(synth(backupOn()), 'PersistentVolumeClaim', 'matrix-homeserver-backup');
    expect(claim.metadata.labels).toEqual({
      'app': 'matrix-homeserver',
      'app.kubernetes.io/name': 'tuwunel',
      'app.kubernetes.io/instance': 'matrix-homeserver',
      'app.kubernetes.io/component': 'homeserver',
      'app.kubernetes.io/part-of': 'matrix-chat',
      'app.kubernetes.io/managed-by': 'cdk8s',
    });
    expect(claim.metadata.annotations).toEqual(NO_PRUNE);
    expect(claim.metadata.namespace).toBe('chat');
    expect(claim.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } });
  });

  test('enabled: the tuwunel container mounts the claim at database_backup_path; the data claim template is unchanged', () => {
    const sts = statefulSet(synth(backupOn()));
    expect(volume(sts, 'backup')).toEqual({ name: 'backup', persistentVolumeClaim: { claimName: 'matrix-homeserver-backup' } });
    expect(mount(container(sts, 'tuwunel'), 'backup')).toEqual({ name: 'backup', mountPath: '/var/lib/tuwunel-backup' });
    expect(sts.spec.volumeClaimTemplates.map((t: any) => t.metadata.name)).toEqual(['data']);
    expect(sts.spec.volumeClaimTemplates[0].metadata.annotations).toBeUndefined();
  });

  test('enabled: the backup-trigger sidecar, hardened, same uid, shared PID namespace, pinned busybox, no mounts', () => {
    const sts = statefulSet(synth(backupOn()));
    expect(podSpec(sts).shareProcessNamespace).toBe(true);
    const sidecar = container(sts, 'backup-trigger');
    expect(sidecar.image).toBe(BUSYBOX);
    expect(sidecar.securityContext).toEqual(HARDENED_CONTAINER);
    expect(sidecar.volumeMounts).toBeUndefined();
    expect(sidecar.env).toBeUndefined();
    expect(sidecar.ports).toBeUndefined();
    expect(sidecar.resources).toEqual({ requests: { cpu: '5m', memory: '8Mi' }, limits: { memory: '32Mi' } });
    const canSignal = { command: ['/bin/sh', '-c', 'pid=$(pidof tuwunel) && kill -0 $pid'] };
    expect(sidecar.readinessProbe).toEqual({ exec: canSignal, timeoutSeconds: 5, periodSeconds: 10, failureThreshold: 3 });
    expect(sidecar.livenessProbe).toEqual({ exec: canSignal, timeoutSeconds: 5, periodSeconds: 60, failureThreshold: 10 });
    expect(sidecar.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    const script: string = sidecar.command[2];
    expect(script).toContain('  sleep 86400 & wait $!\n');
    expect(script).toContain('until wget -q -O /dev/null -T 10 http://127.0.0.1:6167/_matrix/client/versions; do');
    expect(script).toContain('if pid=$(pidof tuwunel) && kill -USR2 $pid; then');
    expect(script.startsWith("trap 'kill $! 2>/dev/null; exit 0' TERM INT\n")).toBe(true);
  });

  test('size, storage class, keep, schedule, client port and image reach the claim, the config and the sidecar', () => {
    const objects = synth(withHomeserver({
      clientPort: 8008,
      backup: { enabled: true, size: '50Gi', storageClassName: 'backup-hdd', keep: 30, schedule: Duration.hours(6), image: { registry: 'mirror.example.org', repository: 'library/busybox', tag: '1.37.0' } },
    }));
    expect(find(objects, 'PersistentVolumeClaim', 'matrix-homeserver-backup').spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'backup-hdd', resources: { requests: { storage: '50Gi' } } });
    expect(tuwunelConfig(objects).global.database_backups_to_keep).toBe(30);
    const sidecar = container(statefulSet(objects), 'backup-trigger');
    expect(sidecar.image).toBe('mirror.example.org/library/busybox:1.37.0');
    expect(sidecar.command[2]).toContain('  sleep 21600 & wait $!\n');
    expect(sidecar.command[2]).toContain('http://127.0.0.1:8008/_matrix/client/versions');
  });

  test('an existing claim is mounted and no claim is created', () => {
    const objects = synth(backupOn({ existingClaim: 'my-backups' }));
    expect(has(objects, 'PersistentVolumeClaim', 'matrix-homeserver-backup')).toBe(false);
    expect(volume(statefulSet(objects), 'backup').persistentVolumeClaim).toEqual({ claimName: 'my-backups' });
  });

  test('namePrefix names the claim; gitOpsPruneProtection: false leaves it unannotated', () => {
    const objects = synth(backupOn({}, { namePrefix: 'chat-', gitOpsPruneProtection: false }));
    const claim = find(objects, 'PersistentVolumeClaim', 'chat-matrix-homeserver-backup');
    expect(claim.metadata.annotations).toBeUndefined();
    expect(volume(statefulSet(objects, 'chat-matrix-homeserver'), 'backup').persistentVolumeClaim.claimName).toBe('chat-matrix-homeserver-backup');
  });

  test('a standalone Homeserver creates the claim and exposes it', () => {
    const chart = Testing.chart();
    const hs = new Homeserver(chart, 'hs', { serverName: 'matrix.example.org', allowRegistration: false, backup: { enabled: true } });
    expect(hs.backupClaim?.name).toBe('matrix-homeserver-backup');
    expect(hs.snapshotSchedule).toBeUndefined();
    const objects = Testing.synth(chart) as K8sObject[];
    expect(find(objects, 'PersistentVolumeClaim', 'matrix-homeserver-backup').metadata.annotations).toEqual(NO_PRUNE);
  });
});

describe('backup validation', () => {
  const cases: Array<[string, MatrixChatProps, string, string]> = [
    ['enabled not a boolean', withHomeserver({ backup: { enabled: 'yes' as unknown as boolean } }), 'homeserver.backup.enabled', 'homeserver.backup.enabled: "yes" is not true or false; whether the database is backed up would be guessed. Fix: use true or false.'],
    ['settings while disabled', withHomeserver({ backup: { keep: 3 } }), 'homeserver.backup.keep', 'homeserver.backup.keep: is set while homeserver.backup.enabled is not true; no backup is taken, so the setting would be silently ignored. Fix: set homeserver.backup.enabled to true, or remove keep.'],
    ['size not a quantity', backupOn({ size: 'ten' }), 'homeserver.backup.size', 'homeserver.backup.size: "ten" is not a storage quantity; the API server rejects the backup claim and the homeserver pod stays Pending. Fix: use a quantity such as "10Gi".'],
    ['storage class not a name', backupOn({ storageClassName: 'Fast SSD' }), 'homeserver.backup.storageClassName', 'homeserver.backup.storageClassName: "Fast SSD" is not a StorageClass name; the backup claim never binds and the homeserver pod stays Pending. Fix: name an existing StorageClass.'],
    ['existing claim not a name', backupOn({ existingClaim: 'My_Claim' }), 'homeserver.backup.existingClaim', 'homeserver.backup.existingClaim: "My_Claim" is not a claim name; the pod references a claim that cannot exist and stays Pending. Fix: name an existing PersistentVolumeClaim.'],
    ['existing claim is the database claim', withHomeserver({ persistence: { existingClaim: 'matrix-data' }, backup: { enabled: true, existingClaim: 'matrix-data' } }), 'homeserver.backup.existingClaim', 'homeserver.backup.existingClaim: is the database claim "matrix-data"; a backup on the volume it backs up is lost together with the database. Fix: use a claim of its own (leave existingClaim unset to have one created).'],
    ['existing claim with a size', backupOn({ existingClaim: 'my-backups', size: '5Gi' }), 'homeserver.backup.existingClaim', 'homeserver.backup.existingClaim: is set together with homeserver.backup.size; only a claim the stack creates has a size and class, so the setting would be silently ignored. Fix: remove size and storageClassName, or existingClaim.'],
    ['keep 0', backupOn({ keep: 0 }), 'homeserver.backup.keep', 'homeserver.backup.keep: 0 is not a whole number from 1 to 32767; Tuwunel refuses every backup with database_backups_to_keep below 1 ("Set above zero to enable backups") and cannot read a larger number (an i16), so it would not start. Fix: keep e.g. 7 backups.'],
    ['keep beyond i16', backupOn({ keep: 40000 }), 'homeserver.backup.keep', 'homeserver.backup.keep: 40000 is not a whole number from 1 to 32767; Tuwunel refuses every backup with database_backups_to_keep below 1 ("Set above zero to enable backups") and cannot read a larger number (an i16), so it would not start. Fix: keep e.g. 7 backups.'],
    ['schedule too short', backupOn({ schedule: Duration.minutes(5) }), 'homeserver.backup.schedule', 'homeserver.backup.schedule: 300 seconds is outside 10 minutes to 31 days; the sidecar could not sleep for it, so backups would run constantly or never. Fix: use e.g. Duration.hours(24).'],
    ['schedule not a Duration', backupOn({ schedule: '24h' as unknown as Duration }), 'homeserver.backup.schedule', 'homeserver.backup.schedule: "24h" is not a whole-second cdk8s Duration; the sidecar could not sleep for it, so backups would run constantly or never. Fix: use e.g. Duration.hours(24).'],
    ['image tag latest', backupOn({ image: { tag: 'latest' } }), 'homeserver.backup.image.tag', 'homeserver.backup.image.tag: "latest" is not a pinned version; nodes pull different images over time and an upgrade happens without a change to the manifests. Fix: set a released version tag or image.digest.'],
  ];
  test.each(cases)('%s is refused', (_name, props, path, message) => {
    expect(problemsAt(props, path)).toEqual([message]);
  });

  const valid: Array<[string, MatrixChatProps, string]> = [
    ['enabled true', backupOn(), 'homeserver.backup.enabled'],
    ['enabled false alone', withHomeserver({ backup: { enabled: false } }), 'homeserver.backup.keep'],
    ['size 40Gi', backupOn({ size: '40Gi' }), 'homeserver.backup.size'],
    ['a storage class', backupOn({ storageClassName: 'backup-hdd' }), 'homeserver.backup.storageClassName'],
    ['an existing claim of its own', withHomeserver({ persistence: { existingClaim: 'matrix-data' }, backup: { enabled: true, existingClaim: 'matrix-backups' } }), 'homeserver.backup.existingClaim'],
    ['keep 1', backupOn({ keep: 1 }), 'homeserver.backup.keep'],
    ['keep 32767', backupOn({ keep: 32767 }), 'homeserver.backup.keep'],
    ['schedule of 10 minutes', backupOn({ schedule: Duration.minutes(10) }), 'homeserver.backup.schedule'],
    ['schedule of 31 days', backupOn({ schedule: Duration.days(31) }), 'homeserver.backup.schedule'],
    ['an image by digest', backupOn({ image: { digest: `sha256:${'ab'.repeat(32)}` } }), 'homeserver.backup.image'],
  ];
  test.each(valid)('the valid neighbour passes: %s', (_name, props, path) => {
    expect(problemsAt(props, path)).toEqual([]);
    expect(problemsAt(props, `${path}.tag`)).toEqual([]);
  });

  test('a standalone Homeserver reports without the homeserver. prefix', () => {
    const chart = Testing.chart();
    new Homeserver(chart, 'hs', { serverName: 'matrix.example.org', allowRegistration: false, backup: { enabled: true, keep: 0 } });
    expect(() => Testing.synth(chart)).toThrow(/\] backup\.keep: 0 is not a whole number from 1 to 32767/);
  });
});

describe('snapshots through snapscheduler', () => {
  test('off by default', () => {
    expect(ofKind(synth(MINIMAL_PROPS), 'SnapshotSchedule')).toEqual([]);
  });

  test('enabled: a SnapshotSchedule selecting the homeserver claims, daily, 7 kept', () => {
    const schedule = find(synth(snapshotsOn()), 'SnapshotSchedule', 'matrix-homeserver-snaps');
    expect(schedule.apiVersion).toBe('snapscheduler.backube/v1');
    expect(schedule.metadata.namespace).toBe('chat');
    expect(schedule.metadata.labels!['app.kubernetes.io/instance']).toBe('matrix-homeserver');
    expect(schedule.spec).toEqual({
      claimSelector: { matchLabels: { app: 'matrix-homeserver' } },
      retention: { maxCount: 7 },
      schedule: '@daily',
      snapshotTemplate: { labels: { app: 'matrix-homeserver' } },
    });
  });

  test('schedule, retention and snapshot class reach the spec; namePrefix names the schedule and the selector', () => {
    const objects = synth({ ...snapshotsOn({ schedule: '15 2 * * 0', retention: { expires: '720h', maxCount: 4 }, snapshotClassName: 'csi-snapclass' }), namePrefix: 'chat-' });
    expect(find(objects, 'SnapshotSchedule', 'chat-matrix-homeserver-snaps').spec).toEqual({
      claimSelector: { matchLabels: { app: 'chat-matrix-homeserver' } },
      retention: { expires: '720h', maxCount: 4 },
      schedule: '15 2 * * 0',
      snapshotTemplate: { labels: { app: 'chat-matrix-homeserver' }, snapshotClassName: 'csi-snapclass' },
    });
  });

  test('the selector matches the data claim the StatefulSet creates and the backup claim', () => {
    const objects = synth(snapshotsOn({}, { backup: { enabled: true } }));
    const selector = find(objects, 'SnapshotSchedule', 'matrix-homeserver-snaps').spec.claimSelector.matchLabels;
    const sts = statefulSet(objects);
    // The StatefulSet controller adds spec.selector.matchLabels to each claim of a template.
    const dataClaimLabels = { ...sts.spec.volumeClaimTemplates[0].metadata.labels, ...sts.spec.selector.matchLabels };
    const backupClaimLabels = find(objects, 'PersistentVolumeClaim', 'matrix-homeserver-backup').metadata.labels;
    for (const labels of [dataClaimLabels, backupClaimLabels]) {
      for (const [key, value] of Object.entries(selector)) expect(labels[key]).toBe(value);
    }
  });

  test('the emitted SnapshotSchedule matches snapscheduler v3.5.0\'s CRD schema', () => {
    const crd = CRD_SCHEMAS['snapscheduler.backube/v1|SnapshotSchedule'];
    expect(crd.source).toMatchObject({ repository: 'backube/snapscheduler', tag: 'v3.5.0', commit: '46883ceb23a2e3dbf59fcc4e0ef59c96a6195ba6' });
    for (const props of [snapshotsOn(), snapshotsOn({ schedule: '*/30 1-5 * * 1,3,5', retention: { expires: '90m', maxCount: 1 }, snapshotClassName: 'csi' })]) {
      expect(crdSchemaProblems(find(synth(props), 'SnapshotSchedule', 'matrix-homeserver-snaps'), crd)).toEqual([]);
    }
  });

  const cases: Array<[string, MatrixChatProps, string, string]> = [
    ['enabled not a boolean', withHomeserver({ snapshots: { enabled: 1 as unknown as boolean } }), 'homeserver.snapshots.enabled', 'homeserver.snapshots.enabled: 1 is not true or false; whether the claims are snapshotted would be guessed. Fix: use true or false.'],
    ['settings while disabled', withHomeserver({ snapshots: { schedule: '@daily' } }), 'homeserver.snapshots.schedule', 'homeserver.snapshots.schedule: is set while homeserver.snapshots.enabled is not true; no SnapshotSchedule is emitted, so the setting would be silently ignored. Fix: set homeserver.snapshots.enabled to true, or remove schedule.'],
    ['nothing to snapshot', snapshotsOn({}, { persistence: { enabled: false } }), 'homeserver.snapshots.enabled', 'homeserver.snapshots.enabled: is true while homeserver.persistence.enabled is false and homeserver.backup is off; the database lives in an emptyDir, which has no snapshots, so nothing would be saved. Fix: set homeserver.persistence.enabled to true.'],
    ['schedule with six fields', snapshotsOn({ schedule: '0 0 3 * * *' }), 'homeserver.snapshots.schedule', 'homeserver.snapshots.schedule: "0 0 3 * * *" is not a cronspec snapscheduler accepts; the API server refuses the SnapshotSchedule (its CRD pattern), or the controller cannot parse it and takes no snapshot. Fix: use five fields such as "0 3 * * *" or a descriptor such as "@daily".'],
    ['expires in days', snapshotsOn({ retention: { expires: '7d' } }), 'homeserver.snapshots.retention.expires', 'homeserver.snapshots.retention.expires: "7d" is not a whole number of hours, minutes or seconds; the SnapshotSchedule CRD refuses it (pattern ^\\d+(h|m|s)$), so no snapshot is ever taken. Fix: write days as hours, e.g. "168h" for a week.'],
    ['maxCount 0', snapshotsOn({ retention: { maxCount: 0 } }), 'homeserver.snapshots.retention.maxCount', 'homeserver.snapshots.retention.maxCount: 0 is not a whole number of at least 1; the SnapshotSchedule CRD refuses it (an int32, minimum 1), so no snapshot is ever taken. Fix: keep e.g. 7 snapshots.'],
    ['snapshot class not a name', snapshotsOn({ snapshotClassName: 'CSI Class' }), 'homeserver.snapshots.snapshotClassName', 'homeserver.snapshots.snapshotClassName: "CSI Class" is not a VolumeSnapshotClass name; every snapshot would name a class that cannot exist and never become ready. Fix: name an existing VolumeSnapshotClass.'],
  ];
  test.each(cases)('%s is refused', (_name, props, path, message) => {
    expect(problemsAt(props, path)).toEqual([message]);
  });

  const valid: Array<[string, MatrixChatProps, string]> = [
    ['enabled true', snapshotsOn(), 'homeserver.snapshots.enabled'],
    ['persistence off but backups on', snapshotsOn({}, { persistence: { enabled: false }, backup: { enabled: true } }), 'homeserver.snapshots.enabled'],
    ['a five-field schedule', snapshotsOn({ schedule: '0 3 * * *' }), 'homeserver.snapshots.schedule'],
    ['expires in hours', snapshotsOn({ retention: { expires: '168h' } }), 'homeserver.snapshots.retention.expires'],
    ['maxCount 1', snapshotsOn({ retention: { maxCount: 1 } }), 'homeserver.snapshots.retention.maxCount'],
    ['a snapshot class', snapshotsOn({ snapshotClassName: 'csi-snapclass' }), 'homeserver.snapshots.snapshotClassName'],
  ];
  test.each(valid)('the valid neighbour passes: %s', (_name, props, path) => {
    expect(problemsAt(props, path)).toEqual([]);
  });

  test.each([
    ['@daily', true], ['@hourly', true], ['@weekly', true], ['@monthly', true], ['@yearly', true], ['@annually', true],
    ['0 3 * * *', true], ['*/15 * * * *', true], ['0 0-6 1,15 * 1-5', true], ['5/10 * * * *', true],
    ['@midnight', false], ['@every 1h', false], ['60 * * * *', false], ['0 24 * * *', false], ['0 0 0 * *', false], ['0 0 * 13 *', false],
    ['0 0 * * 7', false], ['0 5-1 * * *', false], ['*/0 * * * *', false], ['0 3 * *', false], ['0 3  * * *', false], ['MON', false], [3, false],
  ])('cronspec %p accepted: %p', (value, accepted) => {
    expect(isSnapshotCronspec(value)).toBe(accepted);
  });
});

describe('verification of the new objects catches seeded defects', () => {
  const scenario = SCENARIOS.find((s) => s.name.startsWith('backups and snapshots'))!;
  const mutated = (change: (objects: K8sObject[]) => void): K8sObject[] => {
    const objects = JSON.parse(JSON.stringify(synth(scenario.props, scenario.namespace ?? null))) as K8sObject[];
    change(objects);
    return objects;
  };
  const schedule = (o: K8sObject[]) => o.find((x) => x.kind === 'SnapshotSchedule')!;
  const sts = (o: K8sObject[]) => o.find((x) => x.kind === 'StatefulSet')!;

  test('the scenario itself passes', () => {
    const objects = synth(scenario.props, scenario.namespace ?? null);
    expect([...schema(objects, scenario), ...references(objects, scenario), ...startupFiles(objects, scenario)]).toEqual([]);
  });

  test('schema: a retention in days, an unknown field and a maxCount of 0 are caught', () => {
    const objects = mutated((o) => {
      schedule(o).spec.retention = { expires: '14d', maxCount: 0 };
      schedule(o).spec.claimSelector.matchLabel = { app: 'x' };
    });
    const messages = schema(objects, scenario).join('\n');
    expect(messages).toMatch(/SnapshotSchedule\/matrix-homeserver-snaps: does not match .* spec.retention.expires: "14d" does not match \^\\d\+\(h\|m\|s\)\$/);
    expect(messages).toMatch(/spec.retention.maxCount: 0 is below the minimum 1/);
    expect(messages).toMatch(/spec.claimSelector.matchLabel: is not a field of the schema/);
  });

  test('schema validator: types and required fields', () => {
    expect(schemaProblems({ a: 1 }, { type: 'object', required: ['b'], properties: { a: { type: 'string' } } })).toEqual(['(root): required field b is missing', 'a: is integer, the schema wants string']);
  });

  test('references: a schedule that selects no claim of the stack, or every claim, is caught', () => {
    expect(references(mutated((o) => { schedule(o).spec.claimSelector = { matchLabels: { app: 'other' } }; }), scenario).join('\n'))
      .toMatch(/SnapshotSchedule\/matrix-homeserver-snaps: claimSelector .* selects no PersistentVolumeClaim of the stack/);
    expect(references(mutated((o) => { schedule(o).spec.claimSelector = {}; }), scenario).join('\n'))
      .toMatch(/claimSelector is empty, so it snapshots every claim of the namespace/);
  });

  test('references: a backup volume naming a claim that is neither in the stack nor declared is caught', () => {
    const objects = mutated((o) => { o.splice(o.findIndex((x) => x.kind === 'PersistentVolumeClaim'), 1); });
    expect(references(objects, scenario).join('\n')).toMatch(/volume backup: references PersistentVolumeClaim\/matrix-homeserver-backup, which is neither in the stack nor declared by the user/);
  });

  test('references and start-up: a read-only backup mount is caught', () => {
    const objects = mutated((o) => { sts(o).spec.template.spec.containers[0].volumeMounts.find((m: any) => m.name === 'backup').readOnly = true; });
    expect(startupFiles(objects, scenario).join('\n')).toMatch(/tuwunel writes global.database_backup_path = "\/var\/lib\/tuwunel-backup", which is in PersistentVolumeClaim backup, mounted readOnly/);
  });

  test('start-up: the busybox sidecar is modelled by its image (a mirror keeps the repository name)', () => {
    expect(modelForImage(BUSYBOX)).toBe(BUSYBOX_MODEL);
    expect(modelForImage('mirror.example.org/library/busybox:1.37.0')).toBe(BUSYBOX_MODEL);
  });
});

test('the new object names do not lengthen the longest base name (the namePrefix limit stays as it was)', () => {
  expect(BASE_NAMES.homeserverBackup).toBe('matrix-homeserver-backup');
  expect(BASE_NAMES.homeserverSnapshots).toBe('matrix-homeserver-snaps');
  const others = Object.entries(BASE_NAMES as Record<string, string>).filter(([key]) => !['homeserverBackup', 'homeserverSnapshots'].includes(key)).map(([, name]) => name.length);
  expect(Math.max(BASE_NAMES.homeserverBackup.length, BASE_NAMES.homeserverSnapshots.length)).toBeLessThanOrEqual(Math.max(...others));
});
