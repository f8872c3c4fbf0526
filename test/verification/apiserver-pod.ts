// Port of pkg/apis/core/validation ValidatePodSpec (containers, ports, env, volumes, probes, resources, scheduling) and ValidatePersistentVolumeClaimSpec.
import {
  Findings, checkLabelSelector, checkLabels, isConfigMapKey, isDns1123Label, isDns1123Subdomain, isEnvVarName, isInt32, isIpAddress, isLabelValue,
  isObject, isPortNumber, isQualifiedName, isValidPortName, parseQuantity, show,
} from './apiserver-rules';

const VOLUME_SOURCES = ['emptyDir', 'configMap', 'secret', 'persistentVolumeClaim', 'projected', 'hostPath', 'downwardAPI', 'ephemeral', 'csi', 'nfs'];

/** validateLocalNonReservedPath: relative, no `..` element, not starting with `..`. */
const isLocalPath = (p: unknown): boolean => typeof p === 'string' && p !== '' && !p.startsWith('/') && !p.split('/').includes('..');

/** validateKeyToPath (configMap/secret items) and the defaultMode range. */
function checkItems(f: Findings, at: string, source: any): void {
  for (const [i, item] of (source.items ?? []).entries()) {
    f.check(typeof item.key === 'string' && item.key !== '', `${at}.items[${i}].key`, 'is required', 'validateKeyToPath');
    f.check(isLocalPath(item.path), `${at}.items[${i}].path`, `${show(item.path)} is not a relative path without ".."`, 'validateKeyToPath: validateLocalNonReservedPath');
    if (item.mode !== undefined) f.check(isInt32(item.mode) && item.mode >= 0 && item.mode <= 0o777, `${at}.items[${i}].mode`, 'is not 0-0777', 'validateKeyToPath');
  }
  if (source.defaultMode !== undefined) f.check(isInt32(source.defaultMode) && source.defaultMode >= 0 && source.defaultMode <= 0o777, `${at}.defaultMode`, 'is not 0-0777', 'validateSecretVolumeSource / validateConfigMapVolumeSource');
}

/** ValidateVolumes. */
function checkVolumes(f: Findings, at: string, volumes: any[]): Set<string> {
  const names = new Set<string>();
  volumes.forEach((v, i) => {
    const vAt = `${at}.volumes[${i}]`;
    f.check(isDns1123Label(v.name), `${vAt}.name`, `${show(v.name)} is not a DNS-1123 label`, 'ValidateVolumes');
    f.check(!names.has(v.name), `${vAt}.name`, 'is a duplicate', 'ValidateVolumes');
    names.add(v.name);
    const sources = VOLUME_SOURCES.filter((s) => v[s] !== undefined);
    f.check(sources.length === 1, vAt, `must specify exactly one volume source, not ${sources.length}`, 'validateVolumeSource');
    if (v.secret) {
      f.check(isDns1123Subdomain(v.secret.secretName), `${vAt}.secret.secretName`, 'is required and must be a Secret name', 'validateSecretVolumeSource');
      checkItems(f, `${vAt}.secret`, v.secret);
    }
    if (v.configMap) {
      f.check(isDns1123Subdomain(v.configMap.name), `${vAt}.configMap.name`, 'is required and must be a ConfigMap name', 'validateConfigMapVolumeSource');
      checkItems(f, `${vAt}.configMap`, v.configMap);
    }
    if (v.persistentVolumeClaim) f.check(isDns1123Subdomain(v.persistentVolumeClaim.claimName), `${vAt}.persistentVolumeClaim.claimName`, 'is required', 'validatePersistentClaimVolumeSource');
    if (v.emptyDir?.sizeLimit !== undefined) f.check((parseQuantity(v.emptyDir.sizeLimit) ?? -1) >= 0, `${vAt}.emptyDir.sizeLimit`, 'is not a non-negative quantity', 'validateEmptyDirVolumeSource');
    if (v.emptyDir?.medium !== undefined) f.check(['', 'Memory', 'HugePages'].includes(v.emptyDir.medium), `${vAt}.emptyDir.medium`, 'is not supported', 'validateEmptyDirVolumeSource');
    (v.projected?.sources ?? []).forEach((s: any, j: number) => {
      const kinds = ['secret', 'configMap', 'downwardAPI', 'serviceAccountToken', 'clusterTrustBundle'].filter((k) => s[k] !== undefined);
      f.check(kinds.length === 1, `${vAt}.projected.sources[${j}]`, 'must specify exactly one source', 'validateProjectedVolumeSource');
      const src = s.secret ?? s.configMap;
      if (src) {
        f.check(isDns1123Subdomain(src.name), `${vAt}.projected.sources[${j}].name`, 'is required', 'validateProjectionSources');
        checkItems(f, `${vAt}.projected.sources[${j}]`, src);
      }
    });
  });
  return names;
}

/** ValidateResourceRequirements: quantities parse, are non-negative, and requests ≤ limits. */
function checkResources(f: Findings, at: string, resources: any): void {
  const requests = resources?.requests ?? {};
  const limits = resources?.limits ?? {};
  for (const [kind, map] of [['requests', requests], ['limits', limits]] as const) {
    for (const [name, q] of Object.entries(map)) {
      const value = parseQuantity(q);
      f.check(value !== undefined, `${at}.resources.${kind}.${name}`, `${show(q)} is not a quantity`, 'resource.ParseQuantity');
      if (value !== undefined) f.check(value >= 0, `${at}.resources.${kind}.${name}`, `${show(q)} is negative`, 'ValidateNonnegativeQuantity');
      f.check(isQualifiedName(name), `${at}.resources.${kind}`, `${show(name)} is not a resource name`, 'validateContainerResourceName');
    }
  }
  for (const [name, q] of Object.entries(requests)) {
    const limit = limits[name];
    if (limit === undefined) continue;
    const [r, l] = [parseQuantity(q), parseQuantity(limit)];
    if (r !== undefined && l !== undefined) f.check(r <= l, `${at}.resources.requests.${name}`, `${show(q)} must be less than or equal to the ${name} limit ${show(limit)}`, 'ValidateResourceRequirements');
  }
}

function probePortOk(port: unknown, ports: Set<string>): boolean {
  return typeof port === 'number' ? isPortNumber(port) : isValidPortName(port) && ports.has(port as string);
}

/** validateProbe (and validateHandler / validateHTTPGetAction / validateTCPSocketAction). */
function checkProbe(f: Findings, at: string, probe: any, ports: Set<string>, successMustBeOne: boolean): void {
  if (probe === undefined) return;
  const handlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'].filter((h) => probe[h] !== undefined);
  f.check(handlers.length === 1, at, `must specify exactly one handler, not ${handlers.length}`, 'validateHandler');
  for (const k of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold', 'terminationGracePeriodSeconds']) {
    if (probe[k] !== undefined) f.check(isInt32(probe[k]) && probe[k] >= 0, `${at}.${k}`, 'is not a non-negative int32', 'validateProbe: ValidateNonnegativeField');
  }
  if (successMustBeOne && probe.successThreshold !== undefined) f.check(probe.successThreshold === 1, `${at}.successThreshold`, 'must be 1', 'validateLivenessProbe / validateStartupProbe');
  if (probe.httpGet) {
    f.check(probePortOk(probe.httpGet.port, ports), `${at}.httpGet.port`, `${show(probe.httpGet.port)} is not a port number or a named container port`, 'validateHTTPGetAction: ValidatePortNumOrName');
    f.check(['HTTP', 'HTTPS'].includes(probe.httpGet.scheme ?? 'HTTP'), `${at}.httpGet.scheme`, 'is not HTTP or HTTPS', 'validateHTTPGetAction');
    if (probe.httpGet.path !== undefined) f.check(typeof probe.httpGet.path === 'string' && probe.httpGet.path !== '', `${at}.httpGet.path`, 'is empty', 'validateHTTPGetAction');
  }
  if (probe.tcpSocket) f.check(probePortOk(probe.tcpSocket.port, ports), `${at}.tcpSocket.port`, `${show(probe.tcpSocket.port)} is not a port`, 'validateTCPSocketAction');
}

const FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs', 'metadata.labels', 'metadata.annotations'];

/** ValidateEnv / validateEnvVarValueFrom. */
function checkEnv(f: Findings, at: string, env: any[]): void {
  env.forEach((e, i) => {
    const eAt = `${at}.env[${i}]`;
    f.check(isEnvVarName(e.name), `${eAt}.name`, `${show(e.name)} is not a valid environment variable name`, 'ValidateEnv: IsEnvVarName');
    if (e.valueFrom === undefined) return;
    f.check(e.value === undefined || e.value === '', eAt, 'may not have both value and valueFrom', 'ValidateEnv');
    const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef', 'fileKeyRef'].filter((s) => e.valueFrom[s] !== undefined);
    f.check(sources.length === 1, `${eAt}.valueFrom`, `must specify exactly one source, not ${sources.length}`, 'validateEnvVarValueFrom');
    const keyRef = e.valueFrom.secretKeyRef ?? e.valueFrom.configMapKeyRef;
    if (keyRef) {
      f.check(isConfigMapKey(keyRef.key), `${eAt}.valueFrom.${e.valueFrom.secretKeyRef ? 'secretKeyRef' : 'configMapKeyRef'}.key`, `${show(keyRef.key)} is not a valid key`, 'validateSecretKeySelector / validateConfigMapKeySelector: IsConfigMapKey');
      f.check(isDns1123Subdomain(keyRef.name), `${eAt}.valueFrom.*KeyRef.name`, `${show(keyRef.name)} is not a valid name`, 'validateSecretKeySelector');
    }
    if (e.valueFrom.fieldRef) f.check(FIELD_PATHS.includes(e.valueFrom.fieldRef.fieldPath) || /^metadata\.(labels|annotations)\['[^']+'\]$/.test(e.valueFrom.fieldRef.fieldPath), `${eAt}.valueFrom.fieldRef.fieldPath`, `${show(e.valueFrom.fieldRef.fieldPath)} is not supported`, 'validateObjectFieldSelector');
  });
}

/** validateContainers / validateInitContainers (validateContainerCommon). */
function checkContainer(f: Findings, at: string, c: any, volumes: Set<string>, portNames: Set<string>, hostNetwork: boolean, init: boolean): void {
  f.check(isDns1123Label(c.name), `${at}.name`, `${show(c.name)} is not a DNS-1123 label`, 'validateContainerCommon');
  f.check(typeof c.image === 'string' && c.image !== '' && c.image.trim() === c.image, `${at}.image`, 'is required and may not have leading or trailing whitespace', 'validateContainers');
  f.check(['Always', 'IfNotPresent', 'Never'].includes(c.imagePullPolicy ?? 'IfNotPresent'), `${at}.imagePullPolicy`, 'is not supported', 'validatePullPolicy');
  const own = new Set<string>();
  (c.ports ?? []).forEach((p: any, i: number) => {
    const pAt = `${at}.ports[${i}]`;
    f.check(isPortNumber(p.containerPort), `${pAt}.containerPort`, `${show(p.containerPort)} is not 1-65535`, 'validateContainerPorts');
    if (p.hostPort !== undefined) f.check(isPortNumber(p.hostPort) && (!hostNetwork || p.hostPort === p.containerPort), `${pAt}.hostPort`, 'is out of range or differs from containerPort on the host network', 'validateContainerPorts / validateHostNetwork');
    f.check(['TCP', 'UDP', 'SCTP'].includes(p.protocol ?? 'TCP'), `${pAt}.protocol`, 'is not supported', 'validateContainerPorts');
    if (p.name !== undefined) {
      f.check(isValidPortName(p.name), `${pAt}.name`, `${show(p.name)} is not a port name`, 'validateContainerPorts: IsValidPortName');
      f.check(!portNames.has(p.name), `${pAt}.name`, `${show(p.name)} is a duplicate in the pod`, 'validateContainerPorts');
      portNames.add(p.name);
      own.add(p.name);
    }
  });
  checkEnv(f, at, c.env ?? []);
  (c.envFrom ?? []).forEach((e: any, i: number) => {
    const sources = ['configMapRef', 'secretRef'].filter((s) => e[s] !== undefined);
    f.check(sources.length === 1, `${at}.envFrom[${i}]`, 'must specify exactly one of configMapRef or secretRef', 'ValidateEnvFrom');
    if (e.prefix !== undefined) f.check(isEnvVarName(e.prefix), `${at}.envFrom[${i}].prefix`, 'is not a valid env prefix', 'ValidateEnvFrom');
  });
  const mountPaths = new Set<string>();
  (c.volumeMounts ?? []).forEach((m: any, i: number) => {
    const mAt = `${at}.volumeMounts[${i}]`;
    f.check(volumes.has(m.name), `${mAt}.name`, `${show(m.name)} is not a volume of the pod`, 'ValidateVolumeMounts');
    f.check(typeof m.mountPath === 'string' && m.mountPath !== '', `${mAt}.mountPath`, 'is required', 'ValidateVolumeMounts');
    f.check(!mountPaths.has(m.mountPath), `${mAt}.mountPath`, `${show(m.mountPath)} must be unique`, 'ValidateVolumeMounts');
    mountPaths.add(m.mountPath);
    if (m.subPath !== undefined && m.subPath !== '') f.check(isLocalPath(m.subPath), `${mAt}.subPath`, 'must be a relative path without ".."', 'ValidateVolumeMounts: validateLocalDescendingPath');
  });
  const named = new Set([...own]);
  if (!init) {
    checkProbe(f, `${at}.livenessProbe`, c.livenessProbe, named, true);
    checkProbe(f, `${at}.readinessProbe`, c.readinessProbe, named, false);
    checkProbe(f, `${at}.startupProbe`, c.startupProbe, named, true);
  } else {
    for (const p of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      if (c.restartPolicy !== 'Always') f.check(c[p] === undefined, `${at}.${p}`, 'may not be set on an init container', 'validateInitContainers');
    }
  }
  checkResources(f, at, c.resources);
  const sc = c.securityContext;
  if (sc) {
    for (const k of ['runAsUser', 'runAsGroup']) if (sc[k] !== undefined) f.check(Number.isInteger(sc[k]) && sc[k] >= 0 && sc[k] <= 0xffffffff, `${at}.securityContext.${k}`, 'is not a valid ID', 'ValidateSecurityContext: IsValidUserID/IsValidGroupID');
    if (sc.privileged === true) f.check(sc.allowPrivilegeEscalation !== false, `${at}.securityContext`, 'cannot set allowPrivilegeEscalation to false and privileged to true', 'ValidateSecurityContext');
  }
}

const TAINT_EFFECTS = ['', 'NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** ValidateTolerations. */
function checkTolerations(f: Findings, at: string, tolerations: any[]): void {
  tolerations.forEach((t, i) => {
    const tAt = `${at}.tolerations[${i}]`;
    const op = t.operator ?? 'Equal';
    if (t.key) f.check(isQualifiedName(t.key), `${tAt}.key`, 'is not a qualified name', 'ValidateTolerations: ValidateLabelName');
    else f.check(op === 'Exists', `${tAt}.operator`, 'must be Exists when key is empty', 'ValidateTolerations');
    if (t.tolerationSeconds !== undefined) f.check(t.effect === 'NoExecute', `${tAt}.effect`, 'must be NoExecute when tolerationSeconds is set', 'ValidateTolerations');
    if (op === 'Equal') f.check(isLabelValue(t.value ?? ''), `${tAt}.value`, 'is not a label value', 'ValidateTolerations');
    else if (op === 'Exists') f.check((t.value ?? '') === '', `${tAt}.value`, 'must be empty when operator is Exists', 'ValidateTolerations');
    else f.add(`${tAt}.operator`, `${show(op)} is not supported`, 'ValidateTolerations');
    f.check(TAINT_EFFECTS.includes(t.effect ?? ''), `${tAt}.effect`, `${show(t.effect)} is not supported`, 'validateTaintEffect');
  });
}

/** validateNodeSelectorTerm (validateNodeSelectorRequirement, validateNodeFieldSelectorRequirement). */
function checkNodeSelectorTerm(f: Findings, at: string, term: any): void {
  (term?.matchExpressions ?? []).forEach((r: any, i: number) => {
    const rAt = `${at}.matchExpressions[${i}]`;
    const n = (r.values ?? []).length;
    if (['In', 'NotIn'].includes(r.operator)) f.check(n > 0, `${rAt}.values`, `must be non-empty with ${r.operator}`, 'validateNodeSelectorRequirement');
    else if (['Exists', 'DoesNotExist'].includes(r.operator)) f.check(n === 0, `${rAt}.values`, `must be empty with ${r.operator}`, 'validateNodeSelectorRequirement');
    else if (['Gt', 'Lt'].includes(r.operator)) f.check(n === 1 && /^[-+]?[0-9]+$/.test(r.values[0]), `${rAt}.values`, 'must be one integer', 'validateNodeSelectorRequirement');
    else f.add(`${rAt}.operator`, `${show(r.operator)} is not a valid operator`, 'validateNodeSelectorRequirement');
    f.check(isQualifiedName(r.key), `${rAt}.key`, 'is not a qualified name', 'validateNodeSelectorRequirement: ValidateLabelName');
  });
  (term?.matchFields ?? []).forEach((r: any, i: number) => {
    f.check(r.key === 'metadata.name' && ['In', 'NotIn'].includes(r.operator) && (r.values ?? []).length === 1, `${at}.matchFields[${i}]`, 'must be metadata.name In/NotIn with one value', 'validateNodeFieldSelectorRequirement');
  });
}

const weightOk = (w: unknown) => Number.isInteger(w) && (w as number) >= 1 && (w as number) <= 100;

/** validatePodAffinityTerm. */
function checkPodAffinityTerm(f: Findings, at: string, t: any): void {
  f.check(isQualifiedName(t?.topologyKey), `${at}.topologyKey`, 'is required and must be a qualified name', 'validatePodAffinityTerm');
  checkLabelSelector(f, `${at}.labelSelector`, t?.labelSelector);
  checkLabelSelector(f, `${at}.namespaceSelector`, t?.namespaceSelector);
  for (const n of t?.namespaces ?? []) f.check(isDns1123Label(n), `${at}.namespaces`, `${show(n)} is not a namespace`, 'validatePodAffinityTerm: ValidateNamespaceName');
}

/** validateAffinity. */
function checkAffinity(f: Findings, at: string, a: any): void {
  const node = a.nodeAffinity;
  const required = node?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required !== undefined) {
    const terms = required.nodeSelectorTerms ?? [];
    f.check(terms.length > 0, `${at}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`, 'must have at least one node selector term', 'ValidateNodeSelector');
    terms.forEach((t: any, i: number) => checkNodeSelectorTerm(f, `${at}.affinity.nodeAffinity.required.nodeSelectorTerms[${i}]`, t));
  }
  (node?.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((p: any, i: number) => {
    f.check(weightOk(p.weight), `${at}.affinity.nodeAffinity.preferred[${i}].weight`, `${show(p.weight)} must be in the range 1-100`, 'validatePreferredSchedulingTerms');
    checkNodeSelectorTerm(f, `${at}.affinity.nodeAffinity.preferred[${i}].preference`, p.preference);
  });
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    (a[kind]?.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t: any, i: number) => checkPodAffinityTerm(f, `${at}.affinity.${kind}.required[${i}]`, t));
    (a[kind]?.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((p: any, i: number) => {
      f.check(weightOk(p.weight), `${at}.affinity.${kind}.preferred[${i}].weight`, `${show(p.weight)} must be in the range 1-100`, 'validateWeightedPodAffinityTerms');
      checkPodAffinityTerm(f, `${at}.affinity.${kind}.preferred[${i}].podAffinityTerm`, p.podAffinityTerm);
    });
  }
}

/** validateTopologySpreadConstraints. */
function checkTopologySpread(f: Findings, at: string, constraints: any[]): void {
  const pairs = new Set<string>();
  constraints.forEach((c, i) => {
    const cAt = `${at}.topologySpreadConstraints[${i}]`;
    f.check(Number.isInteger(c.maxSkew) && c.maxSkew > 0, `${cAt}.maxSkew`, `${show(c.maxSkew)} must be greater than zero`, 'ValidateMaxSkew');
    f.check(isQualifiedName(c.topologyKey), `${cAt}.topologyKey`, 'is required and must be a qualified name', 'ValidateTopologyKey');
    f.check(['DoNotSchedule', 'ScheduleAnyway'].includes(c.whenUnsatisfiable), `${cAt}.whenUnsatisfiable`, `${show(c.whenUnsatisfiable)} is not supported`, 'ValidateWhenUnsatisfiable');
    const pair = `${c.topologyKey}/${c.whenUnsatisfiable}`;
    f.check(!pairs.has(pair), cAt, 'repeats {topologyKey, whenUnsatisfiable}', 'ValidateSpreadConstraintNotRepeat');
    pairs.add(pair);
    if (c.minDomains !== undefined) f.check(Number.isInteger(c.minDomains) && c.minDomains > 0 && c.whenUnsatisfiable === 'DoNotSchedule', `${cAt}.minDomains`, 'must be > 0 with DoNotSchedule', 'validateMinDomains');
    for (const p of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) if (c[p] !== undefined) f.check(['Honor', 'Ignore'].includes(c[p]), `${cAt}.${p}`, 'is not Honor or Ignore', 'validateNodeInclusionPolicy');
    for (const k of c.matchLabelKeys ?? []) f.check(isQualifiedName(k) && c.labelSelector !== undefined, `${cAt}.matchLabelKeys`, `${show(k)} is not a label key or has no labelSelector`, 'validateMatchLabelKeysInTopologySpread');
    checkLabelSelector(f, `${cAt}.labelSelector`, c.labelSelector);
  });
}

/** ValidatePodSpec. */
export function checkPodSpec(f: Findings, at: string, spec: any, claimTemplates: string[]): void {
  const volumes = checkVolumes(f, at, spec.volumes ?? []);
  for (const c of claimTemplates) volumes.add(c);
  const portNames = new Set<string>();
  const names = new Set<string>();
  const containers: any[] = spec.containers ?? [];
  f.check(containers.length > 0, `${at}.containers`, 'must not be empty', 'ValidatePodSpec');
  for (const [list, init] of [[spec.initContainers ?? [], true], [containers, false]] as const) {
    list.forEach((c: any, i: number) => {
      const cAt = `${at}.${init ? 'initContainers' : 'containers'}[${i}]`;
      f.check(!names.has(c.name), `${cAt}.name`, `${show(c.name)} is a duplicate`, 'validateContainers');
      names.add(c.name);
      checkContainer(f, cAt, c, volumes, portNames, spec.hostNetwork === true, init);
    });
  }
  f.check(['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'].includes(spec.dnsPolicy ?? 'ClusterFirst'), `${at}.dnsPolicy`, 'is not supported', 'validateDNSPolicy');
  if (spec.terminationGracePeriodSeconds !== undefined) f.check(Number.isSafeInteger(spec.terminationGracePeriodSeconds) && spec.terminationGracePeriodSeconds >= 0, `${at}.terminationGracePeriodSeconds`, 'is negative', 'ValidatePodSpec');
  if (spec.priorityClassName !== undefined) f.check(isDns1123Subdomain(spec.priorityClassName), `${at}.priorityClassName`, 'is not a valid name', 'ValidatePriorityClassName');
  if (spec.serviceAccountName !== undefined) f.check(isDns1123Subdomain(spec.serviceAccountName), `${at}.serviceAccountName`, 'is not a valid name', 'ValidateServiceAccountName');
  checkLabels(f, `${at}.nodeSelector`, spec.nodeSelector);
  checkTolerations(f, at, spec.tolerations ?? []);
  if (isObject(spec.affinity)) checkAffinity(f, at, spec.affinity);
  checkTopologySpread(f, at, spec.topologySpreadConstraints ?? []);
  for (const [i, s] of (spec.imagePullSecrets ?? []).entries()) f.check(isDns1123Subdomain(s.name), `${at}.imagePullSecrets[${i}].name`, 'is not a Secret name', 'validateImagePullSecrets');
  for (const [i, h] of (spec.hostAliases ?? []).entries()) {
    f.check(isIpAddress(h.ip), `${at}.hostAliases[${i}].ip`, `${show(h.ip)} is not an IP`, 'ValidateHostAliases');
    for (const n of h.hostnames ?? []) f.check(isDns1123Subdomain(n), `${at}.hostAliases[${i}].hostnames`, `${show(n)} is not a DNS name`, 'ValidateHostAliases');
  }
  const psc = spec.securityContext;
  if (psc?.fsGroupChangePolicy !== undefined) f.check(['OnRootMismatch', 'Always'].includes(psc.fsGroupChangePolicy), `${at}.securityContext.fsGroupChangePolicy`, 'is not supported', 'validateFSGroupChangePolicy');
  if (psc?.seccompProfile !== undefined) f.check(['RuntimeDefault', 'Unconfined', 'Localhost'].includes(psc.seccompProfile.type), `${at}.securityContext.seccompProfile.type`, 'is not supported', 'validateSeccompProfileField');
}

/** ValidatePersistentVolumeClaimSpec. */
export function checkPvcSpec(f: Findings, at: string, spec: any): void {
  const modes: unknown[] = spec?.accessModes ?? [];
  f.check(modes.length > 0, `${at}.accessModes`, 'must specify at least one access mode', 'ValidatePersistentVolumeClaimSpec');
  for (const m of modes) f.check(['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'].includes(m as string), `${at}.accessModes`, `${show(m)} is not supported`, 'ValidatePersistentVolumeClaimSpec');
  const storage = parseQuantity(spec?.resources?.requests?.storage);
  f.check(storage !== undefined && storage > 0, `${at}.resources.requests.storage`, `${show(spec?.resources?.requests?.storage)} must be greater than zero`, 'ValidatePersistentVolumeClaimSpec');
  if (spec?.storageClassName !== undefined && spec.storageClassName !== '') f.check(isDns1123Subdomain(spec.storageClassName), `${at}.storageClassName`, 'is not a valid name', 'ValidateClassName');
  if (spec?.volumeMode !== undefined) f.check(['Filesystem', 'Block'].includes(spec.volumeMode), `${at}.volumeMode`, 'is not supported', 'ValidatePersistentVolumeClaimSpec');
}
