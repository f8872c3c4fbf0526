// The single SFU's LoadBalancer address lookup: the init container that waits for the livekit-rtc address, the wrapper that hands it to LiveKit, and the least-privilege RBAC.
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { LIVEKIT_CONFIG_PATHS } from './livekit-config';
import type { LiveKitResolved, ResolvedRtcAddress } from './livekit-settings';
import { SECRET_FILE_MODE, containerSecurityContext } from './security-context';

/** Where the address travels from the init container to LiveKit, and where kubectl finds its credentials. */
export const RTC_ADDRESS_PATHS = {
  dir: '/run/livekit-rtc',
  file: 'node-ip',
  // kubectl's in-cluster configuration reads token, ca.crt and namespace from here.
  serviceAccountDir: '/var/run/secrets/kubernetes.io/serviceaccount',
  // kubectl writes its discovery cache under $HOME/.kube; the root filesystem is read-only.
  home: '/tmp',
} as const;

const POLL_SECONDS = 5;

/**
 * The init container's script: poll the Service's `status.loadBalancer.ingress[0]` (an IP, or a
 * hostname resolved to one) until it is set or the timeout passes, then write the address for the
 * SFU. A timeout exits non-zero with a log line saying what to check, so the pod restarts and
 * `kubectl logs -c rtc-address` explains why.
 */
export const RTC_ADDRESS_SCRIPT = [
  'set -eu',
  `out="${RTC_ADDRESS_PATHS.dir}/${RTC_ADDRESS_PATHS.file}"`,
  'deadline=$(( $(date +%s) + TIMEOUT_SECONDS ))',
  'while :; do',
  '  ip=$(kubectl get service "$RTC_SERVICE" -o \'jsonpath={.status.loadBalancer.ingress[0].ip}\' 2>/dev/null || true)',
  '  if [ -z "$ip" ]; then',
  '    host=$(kubectl get service "$RTC_SERVICE" -o \'jsonpath={.status.loadBalancer.ingress[0].hostname}\' 2>/dev/null || true)',
  '    if [ -n "$host" ]; then',
  '      ip=$(nslookup "$host" 2>/dev/null | awk \'/^Name:/ { found = 1 } found && /^Address/ { print $2; exit }\')',
  '    fi',
  '  fi',
  '  if [ -n "$ip" ]; then',
  '    printf \'%s\' "$ip" > "$out"',
  '    echo "livekit-rtc LoadBalancer address: $ip"',
  '    exit 0',
  '  fi',
  '  if [ "$(date +%s)" -ge "$deadline" ]; then',
  '    echo "no LoadBalancer address on Service $RTC_SERVICE after ${TIMEOUT_SECONDS}s: check \'kubectl describe service $RTC_SERVICE\' (a load-balancer controller must assign one), or set livekit.rtc.nodeIp" >&2',
  '    exit 1',
  '  fi',
  `  sleep ${POLL_SECONDS}`,
  'done',
].join('\n');

/** The SFU started through a shell that passes the address read at start (LiveKit's `--node-ip`, cmd/server/main.go). */
export function liveKitWithDiscoveredAddress(): Pick<k8s.Container, 'command' | 'args'> {
  const config = `${LIVEKIT_CONFIG_PATHS.dir}/${LIVEKIT_CONFIG_PATHS.file}`;
  // exec: livekit-server replaces the shell, so it is PID 1 and receives SIGTERM to drain calls.
  return {
    command: ['/bin/sh', '-c'],
    args: [`exec /livekit-server --config ${config} --node-ip "$(cat ${RTC_ADDRESS_PATHS.dir}/${RTC_ADDRESS_PATHS.file})"`],
  };
}

/** The init container: kubectl with the pod's own token, allowed to `get` the livekit-rtc Service only. */
export function rtcAddressInitContainer(s: LiveKitResolved, lookup: ResolvedRtcAddress): k8s.Container {
  return {
    name: 'rtc-address',
    image: lookup.image,
    command: ['/bin/sh', '-c', RTC_ADDRESS_SCRIPT],
    env: [
      { name: 'RTC_SERVICE', value: s.rtcServiceName },
      { name: 'TIMEOUT_SECONDS', value: String(lookup.timeoutSeconds ?? 600) },
      { name: 'HOME', value: RTC_ADDRESS_PATHS.home },
    ],
    volumeMounts: [
      { name: 'rtc-address', mountPath: RTC_ADDRESS_PATHS.dir },
      { name: 'kube-api-access', mountPath: RTC_ADDRESS_PATHS.serviceAccountDir, readOnly: true },
      { name: 'rtc-address-home', mountPath: RTC_ADDRESS_PATHS.home },
    ],
    resources: {
      requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('32Mi') },
      limits: { memory: k8s.Quantity.fromString('128Mi') },
    },
    securityContext: containerSecurityContext(),
  };
}

/** The SFU container's mount of the address file (read-only). */
export const RTC_ADDRESS_MOUNT: k8s.VolumeMount = { name: 'rtc-address', mountPath: RTC_ADDRESS_PATHS.dir, readOnly: true };

/**
 * Volumes of the lookup. The token is projected only into the init container (the pod keeps
 * `automountServiceAccountToken: false`), short-lived, and readable through the pod's fsGroup only.
 */
export function rtcAddressVolumes(): k8s.Volume[] {
  return [
    { name: 'rtc-address', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('1Mi') } },
    { name: 'rtc-address-home', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } },
    {
      name: 'kube-api-access',
      projected: {
        defaultMode: SECRET_FILE_MODE,
        sources: [
          { serviceAccountToken: { path: 'token', expirationSeconds: 600 } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardApi: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    },
  ];
}

/** The lookup's identity: a ServiceAccount that may `get` the livekit-rtc Service and nothing else. */
export interface RtcAddressRbac {
  readonly serviceAccount: k8s.KubeServiceAccount;
  readonly role: k8s.KubeRole;
  readonly roleBinding: k8s.KubeRoleBinding;
}

/**
 * Without a chart namespace the subject names none: RBAC then takes the RoleBinding's own
 * namespace for a ServiceAccount subject (kubernetes pkg/registry/rbac/validation/rule.go
 * appliesToUser), so the binding works wherever the manifests are applied.
 */
export function createRtcAddressRbac(
  scope: Construct, s: LiveKitResolved, lookup: ResolvedRtcAddress, namespace: string | undefined,
): RtcAddressRbac {
  const serviceAccount = new k8s.KubeServiceAccount(scope, 'service-account', {
    metadata: { name: lookup.serviceAccountName, labels: s.labels },
    // Only the init container gets a token, through its own projected volume.
    automountServiceAccountToken: false,
  });
  const role = new k8s.KubeRole(scope, 'rtc-reader', {
    metadata: { name: lookup.roleName, labels: s.labels },
    rules: [{ apiGroups: [''], resources: ['services'], resourceNames: [s.rtcServiceName], verbs: ['get'] }],
  });
  const roleBinding = new k8s.KubeRoleBinding(scope, 'rtc-reader-binding', {
    metadata: { name: lookup.roleName, labels: s.labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: lookup.roleName },
    subjects: [{ kind: 'ServiceAccount', name: lookup.serviceAccountName, ...(namespace ? { namespace } : {}) }],
  });
  return { serviceAccount, role, roleBinding };
}
