// Tuwunel's online database backups: the props, their resolution and validation, the backup claim and the signal sidecar.
import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { HomeserverResolved } from './homeserver-settings';
import { ImageDefaults, ImageProps, checkImage, imageReference } from './images';
import { STRUCTS } from './known-props.generated';
import { BASE_NAMES, prefixed } from './names';
import { containerSecurityContext } from './security-context';
import { Problems, isObjectName, isQuantity, show } from './validation';

/** Online backups of the homeserver database, taken by Tuwunel itself into a claim of their own. */
export interface HomeserverBackupProps {
  /**
   * Take online backups: Tuwunel's `server backup-database` runs on every SIGUSR2 (`admin_signal_execute`), and a sidecar sends it one every `schedule`.
   * @default false
   */
  readonly enabled?: boolean;

  /**
   * Size of the backup claim the stack creates (backups share unchanged files, so a few backups need little more than the database).
   * @default '10Gi'
   */
  readonly size?: string;

  /**
   * StorageClass of the backup claim; a class on other disks than the database's keeps a backup when the database volume is lost.
   * @default the cluster's default StorageClass
   */
  readonly storageClassName?: string;

  /**
   * An existing PersistentVolumeClaim to write the backups to, instead of the claim the stack creates.
   * @default a claim `matrix-homeserver-backup` (with namePrefix) is created
   */
  readonly existingClaim?: string;

  /**
   * Backups Tuwunel keeps (`database_backups_to_keep`): after each new backup the oldest beyond this count are deleted.
   * @default 7
   */
  readonly keep?: number;

  /**
   * Time between two backups, counted from the sidecar's start (the pod's security context allows no cron daemon, so the sidecar sleeps).
   * @default Duration.hours(24)
   */
  readonly schedule?: Duration;

  /**
   * Image of the sidecar that signals Tuwunel (it needs `sh`, `sleep`, `wget`, `pidof` and `kill`).
   * @default docker.io/library/busybox:1.37.0 pinned by digest
   */
  readonly image?: ImageProps;
}

/**
 * busybox 1.37.0, the digest most often pinned in public repositories (research E: index ids
 * 69583731804, 70482562117, 71322798158). Tuwunel's image is `FROM scratch` with only the binary,
 * so the shell, `pidof` and `kill` have to come from a sidecar.
 */
export const BUSYBOX_IMAGE: ImageDefaults = {
  registry: 'docker.io',
  repository: 'library/busybox',
  tag: '1.37.0',
  digest: 'sha256:bdf57e528e45e4433820e045b29b4597825a1c9e38353532d90a01445013f82e',
};

/** Where the tuwunel container mounts the backup claim (`database_backup_path`). */
export const BACKUP_PATH = '/var/lib/tuwunel-backup';
/** Tuwunel's admin command that writes one online backup (src/admin/server/mod.rs, backup_database.rs). */
export const BACKUP_COMMAND = 'server backup-database';
/** Name of the sidecar container. */
export const BACKUP_TRIGGER_CONTAINER = 'backup-trigger';

/** `database_backups_to_keep` is an i16 and must be at least 1 (src/core/config/mod.rs:208-215). */
const MAX_KEEP = 32767;
const MIN_INTERVAL_SECONDS = 10 * 60;
const MAX_INTERVAL_SECONDS = 31 * 24 * 3600;

/** The backup props, defaulted. */
export interface ResolvedBackup {
  readonly enabled: boolean;
  readonly size: string;
  readonly storageClassName?: string;
  readonly existingClaim?: string;
  /** The claim the backups go to: the existing one or the one the stack creates. */
  readonly claimName: string;
  readonly keep: number;
  /** Whole seconds between backups; undefined when `schedule` cannot be read (reported). */
  readonly intervalSeconds?: number;
  readonly image: string;
}

export function resolveBackup(props: { readonly backup?: HomeserverBackupProps; readonly namePrefix?: string }): ResolvedBackup {
  const b = props.backup ?? {};
  return {
    enabled: b.enabled === true,
    size: b.size ?? '10Gi',
    storageClassName: b.storageClassName,
    existingClaim: b.existingClaim,
    claimName: b.existingClaim ?? prefixed(props.namePrefix, BASE_NAMES.homeserverBackup),
    keep: b.keep ?? 7,
    intervalSeconds: wholeSeconds(b.schedule ?? Duration.hours(24)),
    image: imageReference(b.image, BUSYBOX_IMAGE),
  };
}

function wholeSeconds(value: unknown): number | undefined {
  if (!(value instanceof Duration)) return undefined;
  try {
    return value.toSeconds();
  } catch {
    return undefined;
  }
}

/** Validates `backup`; `p` is the prefix of the homeserver's prop paths. */
export function checkBackup(problems: Problems, s: HomeserverResolved, p: string): void {
  const props = s.props.backup;
  if (props === undefined) return;
  if (props === null || typeof props !== 'object' || Array.isArray(props)) {
    problems.add(`${p}backup`, `${show(props)} is not a map of settings`, 'the setting would be silently ignored', 'use e.g. { enabled: true }');
    return;
  }
  const at = `${p}backup.`;
  if (props.enabled !== undefined && typeof props.enabled !== 'boolean') {
    problems.add(`${at}enabled`, `${show(props.enabled)} is not true or false`, 'whether the database is backed up would be guessed', 'use true or false');
    return;
  }
  const b = s.backup;
  if (!b.enabled) {
    // Unknown keys are reported as typos (known-props.ts), not as settings to switch on.
    const set = Object.keys(props).filter((key) => key !== 'enabled' && Object.prototype.hasOwnProperty.call(STRUCTS.HomeserverBackupProps, key) && (props as Record<string, unknown>)[key] !== undefined);
    if (set.length > 0) {
      problems.add(`${at}${set[0]}`, `is set while ${at}enabled is not true`, 'no backup is taken, so the setting would be silently ignored', `set ${at}enabled to true, or remove ${set.join(', ')}`);
    }
    return;
  }
  if (b.existingClaim === undefined && !isQuantity(b.size)) {
    problems.add(`${at}size`, `${show(b.size)} is not a storage quantity`, 'the API server rejects the backup claim and the homeserver pod stays Pending', 'use a quantity such as "10Gi"');
  }
  if (b.storageClassName !== undefined && !isObjectName(b.storageClassName)) {
    problems.add(`${at}storageClassName`, `${show(b.storageClassName)} is not a StorageClass name`, 'the backup claim never binds and the homeserver pod stays Pending', 'name an existing StorageClass');
  }
  if (b.existingClaim !== undefined) {
    if (!isObjectName(b.existingClaim)) {
      problems.add(`${at}existingClaim`, `${show(b.existingClaim)} is not a claim name`, 'the pod references a claim that cannot exist and stays Pending', 'name an existing PersistentVolumeClaim');
    } else if (s.persistence.enabled && b.existingClaim === s.persistence.existingClaim) {
      problems.add(`${at}existingClaim`, `is the database claim ${show(b.existingClaim)}`, 'a backup on the volume it backs up is lost together with the database', 'use a claim of its own (leave existingClaim unset to have one created)');
    }
    if (props.size !== undefined || props.storageClassName !== undefined) {
      problems.add(`${at}existingClaim`, `is set together with ${at}${props.size !== undefined ? 'size' : 'storageClassName'}`, 'only a claim the stack creates has a size and class, so the setting would be silently ignored', 'remove size and storageClassName, or existingClaim');
    }
  }
  if (typeof b.keep !== 'number' || !Number.isInteger(b.keep) || b.keep < 1 || b.keep > MAX_KEEP) {
    problems.add(`${at}keep`, `${show(b.keep)} is not a whole number from 1 to ${MAX_KEEP}`, 'Tuwunel refuses every backup with database_backups_to_keep below 1 ("Set above zero to enable backups") and cannot read a larger number (an i16), so it would not start', 'keep e.g. 7 backups');
  }
  const seconds = b.intervalSeconds;
  if (seconds === undefined || !Number.isSafeInteger(seconds) || seconds < MIN_INTERVAL_SECONDS || seconds > MAX_INTERVAL_SECONDS) {
    problems.add(
      `${at}schedule`,
      seconds === undefined ? `${show(props.schedule)} is not a whole-second cdk8s Duration` : `${seconds} seconds is outside 10 minutes to 31 days`,
      'the sidecar could not sleep for it, so backups would run constantly or never',
      'use e.g. Duration.hours(24)',
    );
  }
  checkImage(problems, `${at}image`, props.image, BUSYBOX_IMAGE);
}

/** The `[global]` keys of tuwunel.toml for backups (src/core/config/mod.rs:197-215, 3168-3176). */
export function backupConfig(b: ResolvedBackup): Record<string, unknown> {
  if (!b.enabled) return {};
  return {
    database_backup_path: BACKUP_PATH,
    database_backups_to_keep: b.keep,
    // SIGUSR2 runs these (src/main/signals.rs:22-42, src/service/admin/mod.rs:180-183); output goes to the log.
    admin_signal_execute: [BACKUP_COMMAND],
  };
}

/** The claim the stack creates for the backups, unless an existing one is used or backups are off. */
export function backupClaimOf(scope: Construct, s: HomeserverResolved): k8s.KubePersistentVolumeClaim | undefined {
  const b = s.backup;
  if (!b.enabled || b.existingClaim !== undefined) return undefined;
  // A claim of its own rather than a second volumeClaimTemplate: the templates of an existing
  // StatefulSet are immutable, so adding one would make the API server refuse the update.
  return new k8s.KubePersistentVolumeClaim(scope, 'backup-claim', {
    metadata: {
      name: b.claimName,
      // The selector label too, as on the data claim, so one snapshot schedule selects both.
      labels: { ...s.labels, ...s.selectorLabels },
      annotations: s.pruneProtection,
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: b.storageClassName,
      resources: { requests: { storage: k8s.Quantity.fromString(b.size) } },
    },
  });
}

/** What backups add to the homeserver pod. */
export interface BackupPodParts {
  readonly volumes: k8s.Volume[];
  /** Mounts of the tuwunel container. */
  readonly mounts: k8s.VolumeMount[];
  /** The sidecar. */
  readonly containers: k8s.Container[];
  /** The sidecar can only see and signal tuwunel in a shared PID namespace. */
  readonly shareProcessNamespace?: boolean;
}

export function backupPodParts(s: HomeserverResolved): BackupPodParts {
  const b = s.backup;
  if (!b.enabled) return { volumes: [], mounts: [], containers: [] };
  // Probed: the sidecar can find tuwunel and may signal it (same uid, shared PID namespace).
  const canSignal = { exec: { command: ['/bin/sh', '-c', 'pid=$(pidof tuwunel) && kill -0 $pid'] }, timeoutSeconds: 5 };
  return {
    volumes: [{ name: 'backup', persistentVolumeClaim: { claimName: b.claimName } }],
    mounts: [{ name: 'backup', mountPath: BACKUP_PATH }],
    containers: [{
      name: BACKUP_TRIGGER_CONTAINER,
      image: b.image,
      command: ['/bin/sh', '-c', triggerScript(b.intervalSeconds ?? 86400, s.port)],
      // Not ready while it cannot signal tuwunel: backups that are on but impossible show at the first rollout.
      readinessProbe: { ...canSignal, periodSeconds: 10, failureThreshold: 3 },
      // Restarts only this container, after ten minutes (a restarting tuwunel is briefly invisible).
      livenessProbe: { ...canSignal, periodSeconds: 60, failureThreshold: 10 },
      resources: {
        requests: { cpu: k8s.Quantity.fromString('5m'), memory: k8s.Quantity.fromString('8Mi') },
        limits: { memory: k8s.Quantity.fromString('32Mi') },
      },
      // The pod's uid: a process may signal another of its own uid without CAP_KILL.
      securityContext: containerSecurityContext(),
    }],
    shareProcessNamespace: true,
  };
}

/**
 * The sidecar's loop. It sleeps first (a backup right at start would repeat on every crash loop),
 * then waits until Tuwunel answers HTTP, so the signal never arrives before Tuwunel's SIGUSR2
 * handler exists (the default action of SIGUSR2 is to terminate). `sleep & wait` keeps the shell
 * responsive to SIGTERM; in a shared PID namespace the shell is not PID 1 and would die anyway.
 */
export function triggerScript(intervalSeconds: number, port: number): string {
  return [
    "trap 'kill $! 2>/dev/null; exit 0' TERM INT",
    `echo "backup-trigger: asking Tuwunel for an online backup every ${intervalSeconds}s"`,
    'while true; do',
    `  sleep ${intervalSeconds} & wait $!`,
    `  until wget -q -O /dev/null -T 10 http://127.0.0.1:${port}/_matrix/client/versions; do`,
    '    echo "backup-trigger: Tuwunel does not answer yet, retrying in 60s"',
    '    sleep 60 & wait $!',
    '  done',
    '  if pid=$(pidof tuwunel) && kill -USR2 $pid; then',
    '    echo "backup-trigger: sent SIGUSR2 to tuwunel (pid $pid); Tuwunel logs \\"Created database backup\\" when it is written"',
    '  else',
    '    echo "backup-trigger: cannot signal tuwunel (is the PID namespace shared and the uid the same?)" >&2',
    '  fi',
    'done',
    '',
  ].join('\n');
}
