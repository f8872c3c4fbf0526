// The non-root, read-only hardening every pod and container of the stack carries.
import { k8s } from 'cdk8s-plus-28';

/** Mode of mounted Secret files: readable by the owner and the pod's group only (LiveKit refuses files readable by others). */
export const SECRET_FILE_MODE = 0o440;

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
