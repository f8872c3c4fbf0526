// Object names (the reference chart's, with namePrefix), selector labels and recommended labels.
/**
 * Object names and labels shared by every construct.
 *
 * Names match the reference Helm chart when `namePrefix` is empty, so a release migrated from
 * the chart is adopted in place by `kubectl apply`.
 */

/** The base names of every object the stack can emit (before `namePrefix`). */
export const BASE_NAMES = {
  homeserver: 'matrix-homeserver',
  homeserverConfig: 'matrix-homeserver-config',
  homeserverSecret: 'matrix-homeserver-secret',
  homeserverPolicy: 'matrix-homeserver-policy',
  homeserverBackup: 'matrix-homeserver-backup',
  homeserverSnapshots: 'matrix-homeserver-snaps',
  livekit: 'livekit',
  livekitConfig: 'livekit-config',
  livekitSecret: 'livekit-secret',
  livekitSignaling: 'livekit-signaling',
  livekitRtc: 'livekit-rtc',
  livekitPolicy: 'livekit-policy',
  livekitRtcReader: 'livekit-rtc-reader',
  turnCertificate: 'livekit-turn-tls',
  lkJwt: 'lk-jwt-service',
  lkJwtPolicy: 'lk-jwt-service-policy',
  elementWeb: 'element-web',
  elementWebConfig: 'element-web-config',
  elementWebPolicy: 'element-web-policy',
  elementWebIngress: 'element-web-ingress',
  elementWebHttpRoute: 'element-web-route',
  elementWebHeaders: 'element-web-headers',
  ingress: 'matrix-ingress',
  httpRoute: 'matrix-route',
  livekitHttpRoute: 'matrix-livekit-route',
  wellKnownHttpRoute: 'matrix-well-known-route',
  traefikRedirect: 'matrix-redirect-https',
  traefikAllowList: 'matrix-ipallowlist',
  traefikChain: 'matrix-chain',
} as const;

/** Kubernetes caps most names at 63 characters (DNS-1123 label). */
export const MAX_NAME_LENGTH = 63;

/**
 * A StatefulSet's pods carry a `controller-revision-hash` label of `<name>-<10 chars>`, which
 * must fit in 63 characters, so the StatefulSet name itself must stay at or below 52.
 */
export const MAX_STATEFULSET_NAME_LENGTH = 52;

/** The label the workload selectors use, as the reference chart does (selectors are immutable). */
export const SELECTOR_LABEL = 'app';

/** Value of `app.kubernetes.io/part-of` on every object. */
export const PART_OF = 'matrix-chat';

/** Annotation on pod templates holding a hash of the configuration the pod mounts. */
export const CONFIG_HASH_ANNOTATION = 'matrix-chat.cdk8s.io/config-hash';

export function prefixed(namePrefix: string | undefined, baseName: string): string {
  return `${namePrefix ?? ''}${baseName}`;
}

/** The selector of a workload: minimal and stable across versions. */
export function selectorLabels(workloadName: string): Record<string, string> {
  return { [SELECTOR_LABEL]: workloadName };
}

/** The recommended `app.kubernetes.io/*` labels plus the user's own labels. */
export function recommendedLabels(
  appName: string,
  component: string,
  instance: string,
  userLabels: Record<string, string> | undefined,
): Record<string, string> {
  return {
    ...userLabels,
    'app.kubernetes.io/name': appName,
    'app.kubernetes.io/instance': instance,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': 'cdk8s',
  };
}
