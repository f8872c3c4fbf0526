// CSI snapshots of the homeserver's claims through backube snapscheduler: the props, their validation and the SnapshotSchedule.
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { HomeserverResolved } from './homeserver-settings';
import { STRUCTS } from './known-props.generated';
import { BASE_NAMES, prefixed } from './names';
import { Problems, isObjectName, show } from './validation';

/** How long snapshots are kept; snapscheduler deletes a snapshot when either limit is reached. */
export interface SnapshotRetentionProps {
  /**
   * Age after which a snapshot is deleted, in hours, minutes or seconds only (`"168h"`, not `"7d"`: the CRD refuses days).
   * @default no age limit
   */
  readonly expires?: string;

  /**
   * Snapshots kept per claim; the oldest beyond it are deleted.
   * @default 7
   */
  readonly maxCount?: number;
}

/** Scheduled CSI VolumeSnapshots of the homeserver's claims, by an installed backube snapscheduler (v3). */
export interface HomeserverSnapshotProps {
  /**
   * Emit a snapscheduler `SnapshotSchedule` selecting the database claim and the backup claim (needs snapscheduler and a CSI driver with snapshots).
   * @default false
   */
  readonly enabled?: boolean;

  /**
   * When to snapshot: a 5-field cron expression or `@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly` (in the snapscheduler controller's time zone).
   * @default '@daily'
   */
  readonly schedule?: string;

  /**
   * How long snapshots are kept.
   * @default at most 7 per claim
   */
  readonly retention?: SnapshotRetentionProps;

  /**
   * VolumeSnapshotClass of the snapshots.
   * @default the cluster's default VolumeSnapshotClass
   */
  readonly snapshotClassName?: string;
}

/** snapscheduler v3.5.0 config/crd/bases/snapscheduler.backube_snapshotschedules.yaml: `retention.expires`. */
const EXPIRES = /^\d+(h|m|s)$/;
const DESCRIPTORS = ['@annually', '@yearly', '@monthly', '@weekly', '@daily', '@hourly'];
/** One cron field as the CRD's pattern allows it: a list of numbers, a range or step, or `*` with an optional step. */
const CRON_FIELD = /^((\d+,)*\d+|\d+(\/|-)\d+|\*(\/\d+)?)$/;
/** Ranges of minute, hour, day of month, month, day of week (robfig/cron, which the controller parses with). */
const CRON_RANGES: Array<[number, number]> = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 6]];
const MAX_INT32 = 2_147_483_647;

/** The snapshot props, defaulted. */
export interface ResolvedSnapshots {
  readonly enabled: boolean;
  readonly name: string;
  readonly schedule: string;
  readonly expires?: string;
  readonly maxCount: number;
  readonly snapshotClassName?: string;
}

export function resolveSnapshots(props: { readonly snapshots?: HomeserverSnapshotProps; readonly namePrefix?: string }): ResolvedSnapshots {
  const sn = props.snapshots ?? {};
  return {
    enabled: sn.enabled === true,
    name: prefixed(props.namePrefix, BASE_NAMES.homeserverSnapshots),
    schedule: sn.schedule ?? '@daily',
    expires: sn.retention?.expires,
    maxCount: sn.retention?.maxCount ?? 7,
    snapshotClassName: sn.snapshotClassName,
  };
}

/** Whether snapscheduler accepts the cronspec: the CRD's pattern, field by field, and robfig/cron's ranges. */
export function isSnapshotCronspec(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  if (DESCRIPTORS.includes(value)) return true;
  const fields = value.split(' ');
  return fields.length === 5 && fields.every((field, i) => {
    if (!CRON_FIELD.test(field)) return false;
    const [low, high] = CRON_RANGES[i];
    const range = field.startsWith('*') ? [] : field.split(/[,/-]/).map(Number);
    // The number after a step is a step, not a value.
    const values = field.includes('/') && !field.startsWith('*') ? range.slice(0, 1) : range;
    const step = field.includes('/') ? Number(field.split('/')[1]) : 1;
    const ordered = !field.includes('-') || range[0] <= range[1];
    return step >= 1 && ordered && values.every((n) => n >= low && n <= high);
  });
}

/** Validates `snapshots`; `p` is the prefix of the homeserver's prop paths. */
export function checkSnapshots(problems: Problems, s: HomeserverResolved, p: string): void {
  const props = s.props.snapshots;
  if (props === undefined) return;
  if (props === null || typeof props !== 'object' || Array.isArray(props)) {
    problems.add(`${p}snapshots`, `${show(props)} is not a map of settings`, 'the setting would be silently ignored', 'use e.g. { enabled: true, schedule: "0 3 * * *" }');
    return;
  }
  const at = `${p}snapshots.`;
  if (props.enabled !== undefined && typeof props.enabled !== 'boolean') {
    problems.add(`${at}enabled`, `${show(props.enabled)} is not true or false`, 'whether the claims are snapshotted would be guessed', 'use true or false');
    return;
  }
  const sn = s.snapshots;
  if (!sn.enabled) {
    // Unknown keys are reported as typos (known-props.ts), not as settings to switch on.
    const set = Object.keys(props).filter((key) => key !== 'enabled' && Object.prototype.hasOwnProperty.call(STRUCTS.HomeserverSnapshotProps, key) && (props as Record<string, unknown>)[key] !== undefined);
    if (set.length > 0) {
      problems.add(`${at}${set[0]}`, `is set while ${at}enabled is not true`, 'no SnapshotSchedule is emitted, so the setting would be silently ignored', `set ${at}enabled to true, or remove ${set.join(', ')}`);
    }
    return;
  }
  if (!s.persistence.enabled && !s.backup.enabled) {
    problems.add(`${at}enabled`, `is true while ${p}persistence.enabled is false and ${p}backup is off`, 'the database lives in an emptyDir, which has no snapshots, so nothing would be saved', `set ${p}persistence.enabled to true`);
  }
  if (!isSnapshotCronspec(sn.schedule)) {
    problems.add(`${at}schedule`, `${show(sn.schedule)} is not a cronspec snapscheduler accepts`, 'the API server refuses the SnapshotSchedule (its CRD pattern), or the controller cannot parse it and takes no snapshot', 'use five fields such as "0 3 * * *" or a descriptor such as "@daily"');
  }
  if (sn.expires !== undefined && (typeof sn.expires !== 'string' || !EXPIRES.test(sn.expires))) {
    problems.add(`${at}retention.expires`, `${show(sn.expires)} is not a whole number of hours, minutes or seconds`, 'the SnapshotSchedule CRD refuses it (pattern ^\\d+(h|m|s)$), so no snapshot is ever taken', 'write days as hours, e.g. "168h" for a week');
  }
  if (typeof sn.maxCount !== 'number' || !Number.isInteger(sn.maxCount) || sn.maxCount < 1 || sn.maxCount > MAX_INT32) {
    problems.add(`${at}retention.maxCount`, `${show(sn.maxCount)} is not a whole number of at least 1`, 'the SnapshotSchedule CRD refuses it (an int32, minimum 1), so no snapshot is ever taken', 'keep e.g. 7 snapshots');
  }
  if (sn.snapshotClassName !== undefined && !isObjectName(sn.snapshotClassName)) {
    problems.add(`${at}snapshotClassName`, `${show(sn.snapshotClassName)} is not a VolumeSnapshotClass name`, 'every snapshot would name a class that cannot exist and never become ready', 'name an existing VolumeSnapshotClass');
  }
}

/**
 * The SnapshotSchedule (snapscheduler.backube/v1), selecting the homeserver's claims by the
 * selector label: the StatefulSet controller copies the selector labels onto the claims it
 * creates from volumeClaimTemplates (kubernetes pkg/controller/statefulset/stateful_set_utils.go,
 * getPersistentVolumeClaims), and the backup claim carries it too.
 */
export function snapshotScheduleOf(scope: Construct, s: HomeserverResolved): ApiObject | undefined {
  const sn = s.snapshots;
  if (!sn.enabled) return undefined;
  return new ApiObject(scope, 'snapshot-schedule', {
    apiVersion: 'snapscheduler.backube/v1',
    kind: 'SnapshotSchedule',
    metadata: { name: sn.name, labels: s.labels },
    spec: {
      claimSelector: { matchLabels: s.selectorLabels },
      retention: { ...(sn.expires !== undefined ? { expires: sn.expires } : {}), maxCount: sn.maxCount },
      schedule: sn.schedule,
      snapshotTemplate: {
        // Only the selector label: with Argo CD's label tracking, an app.kubernetes.io/instance
        // label would make the snapshots look like pruneable objects of the application.
        labels: s.selectorLabels,
        ...(sn.snapshotClassName !== undefined ? { snapshotClassName: sn.snapshotClassName } : {}),
      },
    },
  });
}
