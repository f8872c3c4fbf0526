import { createHash } from 'node:crypto';
import { ApiObject, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkAffinity, checkSizeRequestNotAboveLimit, checkTolerations, checkTopologySpreadConstraints, cpuMillisOf } from './k8s-rules';
import { Problems, checkLabels, isObjectName, show } from './validation';

/** Where the pods of the stack are scheduled; applied to every pod. */
export interface SchedulingProps {
  /**
   * Node labels a node must carry to run the pods.
   * @default no node selector
   */
  readonly nodeSelector?: Record<string, string>;

  /**
   * Taints the pods tolerate.
   * @default no tolerations
   */
  readonly tolerations?: k8s.Toleration[];

  /**
   * Node and pod affinity rules.
   * @default no affinity
   */
  readonly affinity?: k8s.Affinity;
}

/** Props every component construct shares. */
export interface ComponentProps {
  /**
   * Prefix for every object name; empty gives exactly the reference Helm chart's names.
   * @default ''
   */
  readonly namePrefix?: string;

  /**
   * Labels added to every object (selectors are not affected, so they stay stable).
   * @default no extra labels
   */
  readonly labels?: Record<string, string>;

  /**
   * Node selector, tolerations and affinity for the component's pods.
   * @default no scheduling constraints
   */
  readonly scheduling?: SchedulingProps;

  /**
   * Names of Secrets of type `kubernetes.io/dockerconfigjson` used to pull the images.
   * @default none
   */
  readonly imagePullSecrets?: string[];
}

/** Per-component pod placement: priority and spreading. */
export interface PodPlacementProps {
  /**
   * PriorityClass of the component's pods.
   * @default the cluster's default priority
   */
  readonly priorityClassName?: string;

  /**
   * Topology spread constraints of the component's pods (label selectors must match the pod's `app` label to have an effect).
   * @default none
   */
  readonly topologySpreadConstraints?: k8s.TopologySpreadConstraint[];
}

/** Pod spec fields from per-component placement props. */
export function placementPodSpec(props: PodPlacementProps): Pick<k8s.PodSpec, 'priorityClassName' | 'topologySpreadConstraints'> {
  return {
    priorityClassName: props.priorityClassName,
    topologySpreadConstraints: props.topologySpreadConstraints?.length ? plainCopy(props.topologySpreadConstraints) : undefined,
  };
}

/** Validates per-component placement props. */
export function checkPlacement(problems: Problems, path: string, props: PodPlacementProps): void {
  if (props.priorityClassName !== undefined && !isObjectName(props.priorityClassName)) {
    problems.add(`${path}.priorityClassName`, `${show(props.priorityClassName)} is not a PriorityClass name`, 'the API server rejects pods naming a PriorityClass that cannot exist', 'name an existing PriorityClass');
  }
  checkTopologySpreadConstraints(problems, `${path}.topologySpreadConstraints`, props.topologySpreadConstraints);
}

/** Mode of mounted Secret files: readable by the owner and the pod's group only (LiveKit refuses files readable by others). */
export const SECRET_FILE_MODE = 0o440;

/** The API objects below a construct, for escape hatches. */
export function apiObjectsOf(construct: Construct): ApiObject[] {
  return construct.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
}

/** Fixed non-root identity the images run as (they need no root and define no USER). */
export const RUN_AS_USER = 10001;
export const RUN_AS_GROUP = 10001;

/** Pod-level hardening shared by every pod. */
export function podSecurityContext(withFsGroup: boolean): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: RUN_AS_USER,
    runAsGroup: RUN_AS_GROUP,
    ...(withFsGroup ? { fsGroup: RUN_AS_GROUP, fsGroupChangePolicy: 'OnRootMismatch' } : {}),
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level hardening shared by every container. */
export function containerSecurityContext(): k8s.SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: RUN_AS_USER,
    runAsGroup: RUN_AS_GROUP,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * Pod spec fields every pod of the stack carries.
 *
 * Service links are off: Kubernetes would otherwise inject `<SERVICE>_PORT=tcp://…` variables,
 * and a Service named `tuwunel` or `livekit` in the namespace would then override the servers'
 * own `TUWUNEL_PORT`/`LIVEKIT_PORT` settings and stop them from starting.
 */
export function commonPodSpec(props: ComponentProps): Pick<k8s.PodSpec, 'automountServiceAccountToken' | 'enableServiceLinks' | 'nodeSelector' | 'tolerations' | 'affinity' | 'imagePullSecrets'> {
  const pullSecrets = props.imagePullSecrets ?? [];
  return {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    nodeSelector: plainCopy(props.scheduling?.nodeSelector),
    tolerations: plainCopy(props.scheduling?.tolerations),
    affinity: plainCopy(props.scheduling?.affinity),
    imagePullSecrets: pullSecrets.length > 0 ? pullSecrets.map((name) => ({ name })) : undefined,
  };
}

/**
 * A plain-object copy of user data passed through to the manifests: cdk8s's serializer fails on
 * objects without a prototype (e.g. from `Object.create(null)` or some YAML loaders), and a copy
 * also keeps later mutations of the user's objects out of the construct.
 */
export function plainCopy<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

/** Validates the props shared by all components. */
export function checkComponentProps(problems: Problems, props: ComponentProps): void {
  checkLabels(problems, 'labels', props.labels);
  checkLabels(problems, 'scheduling.nodeSelector', props.scheduling?.nodeSelector);
  checkTolerations(problems, 'scheduling.tolerations', props.scheduling?.tolerations);
  checkAffinity(problems, 'scheduling.affinity', props.scheduling?.affinity);
  (props.imagePullSecrets ?? []).forEach((name, index) => {
    if (!isObjectName(name)) {
      problems.add(`imagePullSecrets[${index}]`, `${show(name)} is not a valid Secret name`, 'the API server rejects the pod spec', 'name an existing Secret of type kubernetes.io/dockerconfigjson');
    }
  });
}

/** Default requests and limits of one container. */
export interface ResourceDefaults {
  readonly cpuRequestMillis: number;
  readonly memoryRequest: Size;
  readonly memoryLimit: Size;
}

/** The largest whole unit (Gi, Mi, Ki) that expresses the size; cdk8s throws for a fractional one. */
function sizeQuantity(size: Size): string {
  for (const [unit, convert] of [['Gi', () => size.toGibibytes()], ['Mi', () => size.toMebibytes()]] as const) {
    try {
      return `${convert()}${unit}`;
    } catch {
      // not a whole number of this unit: try the next smaller one
    }
  }
  return `${size.toKibibytes()}Ki`;
}

function cpuMillis(cpu: kplus.Cpu): number {
  return cpuMillisOf(cpu.amount);
}

/**
 * Converts kplus resources to the Kubernetes form, filling what the user left out from the
 * component's defaults (every container gets CPU and memory requests and a memory limit). A
 * default never contradicts a user value: a request above the default limit raises the limit,
 * a limit below the default request lowers the request. Values that cannot be expressed are
 * reported instead of thrown.
 */
export function resourceRequirements(
  problems: Problems,
  path: string,
  resources: kplus.ContainerResources | undefined,
  defaults: ResourceDefaults,
): k8s.ResourceRequirements {
  const requests: Record<string, k8s.Quantity> = {};
  const limits: Record<string, k8s.Quantity> = {};
  const attempt = <T>(field: string, produce: () => T): T | undefined => {
    try {
      return produce();
    } catch (error) {
      problems.add(`${path}.${field}`, `cannot be expressed as a Kubernetes quantity (${(error as Error).message})`, 'the container would get no valid resource setting', 'use a whole number of KiB, MiB or GiB, or millicores for CPU');
      return undefined;
    }
  };

  const cpu = resources?.cpu;
  const cpuLimit = cpu?.limit ? attempt('cpu.limit', () => cpuMillis(cpu.limit!)) : undefined;
  let cpuRequest = cpu?.request ? attempt('cpu.request', () => cpuMillis(cpu.request!)) : undefined;
  if (cpuRequest === undefined) cpuRequest = cpuLimit !== undefined ? Math.min(cpuLimit, defaults.cpuRequestMillis) : defaults.cpuRequestMillis;
  if (cpuLimit !== undefined && cpuRequest > cpuLimit) {
    problems.add(`${path}.cpu.request`, `${cpuRequest}m is above the CPU limit of ${cpuLimit}m`, 'the API server rejects a container whose request exceeds its limit', 'raise cpu.limit or lower cpu.request');
  }
  requests.cpu = k8s.Quantity.fromString(`${cpuRequest}m`);
  if (cpuLimit !== undefined) limits.cpu = k8s.Quantity.fromString(`${cpuLimit}m`);

  const memory = resources?.memory;
  const kib = (field: string, size: Size | undefined) => (size ? attempt(field, () => size.toKibibytes()) : undefined);
  const userRequest = kib('memory.request', memory?.request);
  const userLimit = kib('memory.limit', memory?.limit);
  const defaultRequest = defaults.memoryRequest.toKibibytes();
  const defaultLimit = defaults.memoryLimit.toKibibytes();
  let memoryRequest = defaults.memoryRequest;
  if (userRequest !== undefined) memoryRequest = memory!.request!;
  else if (userLimit !== undefined && userLimit < defaultRequest) memoryRequest = memory!.limit!;
  let memoryLimit = defaults.memoryLimit;
  if (userLimit !== undefined) memoryLimit = memory!.limit!;
  else if (userRequest !== undefined && userRequest > defaultLimit) memoryLimit = memory!.request!;
  if (userRequest !== undefined && userLimit !== undefined && userRequest > userLimit) {
    problems.add(`${path}.memory.request`, 'is above memory.limit', 'the API server rejects a container whose request exceeds its limit', 'raise memory.limit or lower memory.request');
  }
  const requestQuantity = attempt('memory.request', () => sizeQuantity(memoryRequest));
  const limitQuantity = attempt('memory.limit', () => sizeQuantity(memoryLimit));
  if (requestQuantity) requests.memory = k8s.Quantity.fromString(requestQuantity);
  if (limitQuantity) limits.memory = k8s.Quantity.fromString(limitQuantity);

  const storage = resources?.ephemeralStorage;
  const storageRequest = storage?.request ? attempt('ephemeralStorage.request', () => sizeQuantity(storage.request!)) : undefined;
  const storageLimit = storage?.limit ? attempt('ephemeralStorage.limit', () => sizeQuantity(storage.limit!)) : undefined;
  checkSizeRequestNotAboveLimit(problems, `${path}.ephemeralStorage`, storage);
  if (storageRequest) requests['ephemeral-storage'] = k8s.Quantity.fromString(storageRequest);
  if (storageLimit) limits['ephemeral-storage'] = k8s.Quantity.fromString(storageLimit);
  return { requests, limits };
}

/** A short, stable hash of the configuration a pod mounts; a change rolls the pods. */
export function configHash(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 32);
}


/**
 * Scopes (MatrixChat instances) that validate the shared props once for all their children,
 * so a bad label is reported once, not once per component.
 */
const managedScopes = new WeakSet<object>();

export function markManagedScope(scope: object): void {
  managedScopes.add(scope);
}

export function isManagedScope(scope: object): boolean {
  return managedScopes.has(scope);
}

/** A key of a user-managed Secret. */
export interface SecretKeyReference {
  /** Name of the Secret in the chart's namespace. */
  readonly name: string;
  /** Key inside the Secret. */
  readonly key: string;
}
