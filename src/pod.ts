// Props every component shares (naming, labels, scheduling, placement) and the pod spec fields they produce.
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkAffinity, checkTolerations, checkTopologySpreadConstraints } from './k8s-rules';
import { ServiceIpFamilyProps, checkServiceIpFamilies } from './service-ip-families';
import { Problems, checkLabels, checkNamePrefix, isObjectName, show } from './validation';

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
export interface ComponentProps extends ServiceIpFamilyProps {
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

  /**
   * Annotate the objects that hold data or inline secrets (the claims the stack creates, the inline Secrets) so Argo CD and Flux never prune them: a commit that drops them from Git leaves them in the cluster.
   * @default true
   */
  readonly gitOpsPruneProtection?: boolean;
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

/** Validates per-component placement props; `p` is the prefix of their prop paths. */
export function checkPlacement(problems: Problems, p: string, props: PodPlacementProps): void {
  if (props.priorityClassName !== undefined && !isObjectName(props.priorityClassName)) {
    problems.add(`${p}priorityClassName`, `${show(props.priorityClassName)} is not a PriorityClass name`, 'the API server rejects pods naming a PriorityClass that cannot exist', 'name an existing PriorityClass');
  }
  checkTopologySpreadConstraints(problems, `${p}topologySpreadConstraints`, props.topologySpreadConstraints);
}

/** The API objects below a construct, for escape hatches. */
export function apiObjectsOf(construct: Construct): ApiObject[] {
  return construct.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
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

/** Validates the props shared by all components (once, by whichever construct the user gave them to). */
export function checkComponentProps(problems: Problems, props: ComponentProps): void {
  checkNamePrefix(problems, props.namePrefix);
  checkLabels(problems, 'labels', props.labels);
  checkLabels(problems, 'scheduling.nodeSelector', props.scheduling?.nodeSelector);
  checkTolerations(problems, 'scheduling.tolerations', props.scheduling?.tolerations);
  checkAffinity(problems, 'scheduling.affinity', props.scheduling?.affinity);
  checkServiceIpFamilies(problems, props);
  if (props.gitOpsPruneProtection !== undefined && typeof props.gitOpsPruneProtection !== 'boolean') {
    problems.add('gitOpsPruneProtection', `${show(props.gitOpsPruneProtection)} is not true or false`, 'whether Argo CD and Flux may prune the database claims and inline Secrets would be guessed', 'use true (the default) or false');
  }
  (props.imagePullSecrets ?? []).forEach((name, index) => {
    if (!isObjectName(name)) {
      problems.add(`imagePullSecrets[${index}]`, `${show(name)} is not a valid Secret name`, 'the API server rejects the pod spec', 'name an existing Secret of type kubernetes.io/dockerconfigjson');
    }
  });
}
