import { createHash } from 'node:crypto';
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
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
    topologySpreadConstraints: props.topologySpreadConstraints?.length ? props.topologySpreadConstraints : undefined,
  };
}

/** Validates per-component placement props. */
export function checkPlacement(problems: Problems, path: string, props: PodPlacementProps): void {
  if (props.priorityClassName !== undefined && !isObjectName(props.priorityClassName)) {
    problems.add(`${path}.priorityClassName`, `${show(props.priorityClassName)} is not a PriorityClass name`, 'the API server rejects pods naming a PriorityClass that cannot exist', 'name an existing PriorityClass');
  }
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
    nodeSelector: props.scheduling?.nodeSelector,
    tolerations: props.scheduling?.tolerations,
    affinity: props.scheduling?.affinity,
    imagePullSecrets: pullSecrets.length > 0 ? pullSecrets.map((name) => ({ name })) : undefined,
  };
}

/** Validates the props shared by all components. */
export function checkComponentProps(problems: Problems, props: ComponentProps): void {
  checkLabels(problems, 'labels', props.labels);
  checkLabels(problems, 'scheduling.nodeSelector', props.scheduling?.nodeSelector);
  (props.imagePullSecrets ?? []).forEach((name, index) => {
    if (!isObjectName(name)) {
      problems.add(`imagePullSecrets[${index}]`, `${show(name)} is not a valid Secret name`, 'the API server rejects the pod spec', 'name an existing Secret of type kubernetes.io/dockerconfigjson');
    }
  });
}

/** Default requests and limits of one container. */
export interface ResourceDefaults {
  readonly cpuRequest: string;
  readonly memoryRequest: string;
  readonly memoryLimit: string;
}

function sizeQuantity(size: Size): string {
  // kplus converts memory to whole MiB and throws on anything finer; fall back to KiB so any
  // Size the user can build is accepted, and report what cannot be expressed instead of throwing.
  try {
    return `${size.toMebibytes()}Mi`;
  } catch {
    return `${size.toKibibytes()}Ki`;
  }
}

/**
 * Converts kplus resources to the Kubernetes form, filling what the user left out from the
 * component's defaults (every container gets CPU and memory requests and a memory limit).
 */
export function resourceRequirements(
  problems: Problems,
  path: string,
  resources: kplus.ContainerResources | undefined,
  defaults: ResourceDefaults,
): k8s.ResourceRequirements {
  const requests: Record<string, k8s.Quantity> = {};
  const limits: Record<string, k8s.Quantity> = {};
  const convert = (field: string, produce: () => string | undefined, target: Record<string, k8s.Quantity>, key: string, fallback?: string) => {
    let value: string | undefined;
    try {
      value = produce();
    } catch (error) {
      problems.add(`${path}.${field}`, `cannot be expressed as a Kubernetes quantity (${(error as Error).message})`, 'the container would get no valid resource setting', 'use a whole number of KiB, MiB or GiB, or millicores for CPU');
    }
    const chosen = value ?? fallback;
    if (chosen !== undefined) target[key] = k8s.Quantity.fromString(chosen);
  };
  convert('cpu.request', () => resources?.cpu?.request?.amount, requests, 'cpu', defaults.cpuRequest);
  convert('cpu.limit', () => resources?.cpu?.limit?.amount, limits, 'cpu');
  convert('memory.request', () => (resources?.memory?.request ? sizeQuantity(resources.memory.request) : undefined), requests, 'memory', defaults.memoryRequest);
  convert('memory.limit', () => (resources?.memory?.limit ? sizeQuantity(resources.memory.limit) : undefined), limits, 'memory', defaults.memoryLimit);
  convert('ephemeralStorage.request', () => (resources?.ephemeralStorage?.request ? sizeQuantity(resources.ephemeralStorage.request) : undefined), requests, 'ephemeral-storage');
  convert('ephemeralStorage.limit', () => (resources?.ephemeralStorage?.limit ? sizeQuantity(resources.ephemeralStorage.limit) : undefined), limits, 'ephemeral-storage');
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
