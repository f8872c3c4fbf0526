/**
 * Invariant 8: the API server's validation (k8s.io/kubernetes pkg/apis/{core,apps,networking,policy}/validation,
 * apimachinery pkg/api/validation) of every kind the stack emits, plus the objects the StatefulSet controller
 * creates from it and the CRDs' own schema patterns. Each message names the Go function it ports.
 */
import { checkPodSpec, checkPvcSpec } from './apiserver-pod';
import {
  Findings, checkAnnotations, checkLabelSelector, checkLabels, isCidr, isConfigMapKey, isDns1035Label, isDns1123Label, isDns1123Subdomain,
  isInt32, isIpAddress, isLabelValue, isObject, isPortNumber, isValidPortName, isWildcardSubdomain, show,
} from './apiserver-rules';
import { podTemplates, ref } from './k8s';
import { K8sObject } from '../util';

/** One object's invariant signature (kept local so this file need not import invariants.ts). */
type Check = (objects: K8sObject[]) => string[];

/** pkg/apis/core/validation: MaxSecretSize (1 MiB), also ValidateConfigMap's limit; the stricter of the object limits (etcd 1.5 MiB, request 3 MiB). */
export const MAX_OBJECT_SIZE = 1024 * 1024;

/** Name rules per kind (ValidateObjectMeta's ValidateNameFunc): Service ValidateServiceName = NameIsDNS1035Label; Namespace NameIsDNSLabel; the rest NameIsDNSSubdomain. */
const NAME_RULE: Record<string, [(v: unknown) => boolean, string]> = {
  Service: [isDns1035Label, 'ValidateServiceName (NameIsDNS1035Label)'],
  Namespace: [isDns1123Label, 'ValidateNamespaceName (NameIsDNSLabel)'],
};

/** apimachinery pkg/api/validation/objectmeta.go ValidateObjectMeta. */
function checkObjectMeta(f: Findings, o: K8sObject): void {
  const [rule, name] = NAME_RULE[o.kind] ?? [isDns1123Subdomain, 'NameIsDNSSubdomain'];
  f.check(rule(o.metadata?.name), 'metadata.name', `${show(o.metadata?.name)} is not a valid name`, name);
  if (o.metadata?.namespace !== undefined) f.check(isDns1123Label(o.metadata.namespace), 'metadata.namespace', `${show(o.metadata.namespace)} is not a namespace name`, 'ValidateNamespaceName');
  checkLabels(f, 'metadata.labels', o.metadata?.labels);
  checkAnnotations(f, 'metadata.annotations', o.metadata?.annotations);
}

function checkSize(f: Findings, o: K8sObject): void {
  const size = Buffer.byteLength(JSON.stringify(o));
  f.check(size <= MAX_OBJECT_SIZE, 'object', `is ${size} bytes, above ${MAX_OBJECT_SIZE}`, 'MaxSecretSize / etcd request limit');
}

/** pkg/apis/core/validation ValidateSecret and ValidateConfigMap. */
function checkData(f: Findings, o: K8sObject): void {
  let total = 0;
  const keys = new Set<string>();
  for (const field of ['data', 'stringData', 'binaryData']) {
    for (const [k, v] of Object.entries<any>(o[field] ?? {})) {
      f.check(isConfigMapKey(k), `${field}[${show(k)}]`, 'is not a valid key', 'IsConfigMapKey');
      if (field === 'binaryData' || field === 'data') f.check(!keys.has(k), `${field}[${show(k)}]`, 'duplicates a key of data', 'ValidateConfigMap: duplicate of key present in data');
      keys.add(k);
      if (o.kind === 'Secret' && field === 'data') {
        const ok = typeof v === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 === 0;
        f.check(ok, `data[${show(k)}]`, 'is not base64', 'Secret data decoding');
        total += ok ? Buffer.from(v, 'base64').length : 0;
      } else {
        total += Buffer.byteLength(String(v));
      }
    }
  }
  f.check(total <= MAX_OBJECT_SIZE, 'data', `totals ${total} bytes, above ${MAX_OBJECT_SIZE}`, `${o.kind === 'Secret' ? 'ValidateSecret' : 'ValidateConfigMap'}: MaxSecretSize`);
  if (o.kind === 'Secret' && o.type === 'kubernetes.io/tls') for (const k of ['tls.crt', 'tls.key']) f.check(k in (o.data ?? {}), `data[${k}]`, 'is required for type kubernetes.io/tls', 'ValidateSecret');
  if (o.kind === 'Secret' && o.type === 'kubernetes.io/dockerconfigjson') f.check('.dockerconfigjson' in (o.data ?? {}), 'data[.dockerconfigjson]', 'is required', 'ValidateSecret');
}

/** pkg/apis/core/validation ValidateService (ValidateServiceSpec, validateServicePort). */
function checkService(f: Findings, o: K8sObject): void {
  const spec = o.spec ?? {};
  const type = spec.type ?? 'ClusterIP';
  f.check(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(type), 'spec.type', `${show(type)} is not supported`, 'ValidateService');
  const ports: any[] = spec.ports ?? [];
  f.check(type === 'ExternalName' || spec.clusterIP === 'None' || ports.length > 0, 'spec.ports', 'must not be empty', 'ValidateService');
  const names = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((p, i) => {
    const at = `spec.ports[${i}]`;
    if (ports.length > 1 || p.name !== undefined) f.check(isDns1123Label(p.name), `${at}.name`, `${show(p.name)} is not a DNS-1123 label (required with several ports)`, 'validateServicePort');
    f.check(!names.has(p.name), `${at}.name`, `${show(p.name)} is a duplicate`, 'validateServicePort');
    names.add(p.name);
    f.check(isPortNumber(p.port), `${at}.port`, `${show(p.port)} is not 1-65535`, 'validateServicePort');
    f.check(['TCP', 'UDP', 'SCTP'].includes(p.protocol ?? 'TCP'), `${at}.protocol`, `${show(p.protocol)} is not supported`, 'validateServicePort');
    if (p.targetPort !== undefined) f.check(typeof p.targetPort === 'number' ? isPortNumber(p.targetPort) : isValidPortName(p.targetPort), `${at}.targetPort`, `${show(p.targetPort)} is not a port number or name`, 'validateServicePort');
    if (p.nodePort !== undefined) f.check(type !== 'ClusterIP' && isPortNumber(p.nodePort), `${at}.nodePort`, 'is set on a ClusterIP Service or out of range', 'ValidateService');
    const key = `${p.port}/${p.protocol ?? 'TCP'}`;
    f.check(!keys.has(key), at, `duplicates port ${key}`, 'ValidateService: duplicate port and protocol');
    keys.add(key);
  });
  checkLabels(f, 'spec.selector', spec.selector);
  if (spec.externalTrafficPolicy !== undefined) f.check(['NodePort', 'LoadBalancer'].includes(type) && ['Cluster', 'Local'].includes(spec.externalTrafficPolicy), 'spec.externalTrafficPolicy', 'is only for NodePort/LoadBalancer, Cluster or Local', 'validateServiceExternalTrafficPolicy');
  for (const r of spec.loadBalancerSourceRanges ?? []) f.check(type === 'LoadBalancer' && isCidr(r), 'spec.loadBalancerSourceRanges', `${show(r)} is not a CIDR of a LoadBalancer`, 'ValidateService');
  if (spec.sessionAffinity !== undefined) f.check(['None', 'ClientIP'].includes(spec.sessionAffinity), 'spec.sessionAffinity', 'is not None or ClientIP', 'ValidateService');
  if (spec.ipFamilyPolicy !== undefined) f.check(['SingleStack', 'PreferDualStack', 'RequireDualStack'].includes(spec.ipFamilyPolicy), 'spec.ipFamilyPolicy', 'is not supported', 'validateIPFamilyPolicy');
}

/** pkg/apis/networking/validation: validateIngressBackend, validateHTTPIngressPath, ValidateIngressSpec, ValidateIngressCreate. */
function checkIngress(f: Findings, o: K8sObject): void {
  const spec = o.spec ?? {};
  if (spec.ingressClassName !== undefined) f.check(isDns1123Subdomain(spec.ingressClassName), 'spec.ingressClassName', 'is not a DNS subdomain', 'ValidateIngressSpec');
  const legacy = o.metadata?.annotations?.['kubernetes.io/ingress.class'];
  if (legacy !== undefined && spec.ingressClassName !== undefined) f.check(legacy === spec.ingressClassName, 'metadata.annotations[kubernetes.io/ingress.class]', `${show(legacy)} must match ingressClassName ${show(spec.ingressClassName)} when both are specified`, 'ValidateIngressCreate');
  const backend = (b: any, at: string) => {
    f.check(isObject(b?.service) !== isObject(b?.resource), at, 'must set exactly one of service or resource', 'validateIngressBackend');
    if (!isObject(b?.service)) return;
    f.check(isDns1035Label(b.service.name), `${at}.service.name`, `${show(b.service.name)} is not a Service name`, 'validateIngressBackend: ValidateServiceName');
    const port = b.service.port ?? {};
    f.check((port.name !== undefined) !== (port.number !== undefined), `${at}.service.port`, 'must set exactly one of name or number', 'validateIngressBackend');
    if (port.number !== undefined) f.check(isPortNumber(port.number), `${at}.service.port.number`, 'is not 1-65535', 'validateIngressBackend');
    if (port.name !== undefined) f.check(isValidPortName(port.name), `${at}.service.port.name`, 'is not a port name', 'validateIngressBackend');
  };
  if (spec.defaultBackend) backend(spec.defaultBackend, 'spec.defaultBackend');
  (spec.rules ?? []).forEach((rule: any, i: number) => {
    const at = `spec.rules[${i}]`;
    if (rule.host !== undefined) {
      f.check(!isIpAddress(rule.host), `${at}.host`, 'must be a DNS name, not an IP address', 'ValidateIngressSpec');
      f.check(isDns1123Subdomain(rule.host) || isWildcardSubdomain(rule.host), `${at}.host`, `${show(rule.host)} is not a DNS name`, 'ValidateIngressSpec');
    }
    const paths: any[] = rule.http?.paths ?? [];
    if (rule.http) f.check(paths.length > 0, `${at}.http.paths`, 'must not be empty', 'validateHTTPIngressRuleValue');
    paths.forEach((p, j) => {
      const pAt = `${at}.http.paths[${j}]`;
      f.check(['Exact', 'Prefix', 'ImplementationSpecific'].includes(p.pathType), `${pAt}.pathType`, `${show(p.pathType)} is not supported`, 'validateHTTPIngressPath');
      if (p.pathType !== 'ImplementationSpecific' || p.path !== undefined) f.check(typeof p.path === 'string' && p.path.startsWith('/'), `${pAt}.path`, 'must be an absolute path', 'validateHTTPIngressPath');
      if (['Exact', 'Prefix'].includes(p.pathType) && typeof p.path === 'string') {
        f.check(!['//', '/./', '/../', '%2f', '%2F'].some((s) => p.path.includes(s)) && !/\/\.\.?$/.test(p.path), `${pAt}.path`, `${show(p.path)} contains an invalid sequence`, 'validateHTTPIngressPath (invalidPathSequences, invalidPathSuffixes)');
      }
      backend(p.backend, `${pAt}.backend`);
    });
  });
  (spec.tls ?? []).forEach((t: any, i: number) => {
    for (const h of t.hosts ?? []) f.check(isDns1123Subdomain(h) || isWildcardSubdomain(h), `spec.tls[${i}].hosts`, `${show(h)} is not a DNS name`, 'validateIngressTLS');
    if (t.secretName !== undefined) f.check(isDns1123Subdomain(t.secretName), `spec.tls[${i}].secretName`, 'is not a Secret name', 'validateIngressTLS: ValidateSecretName');
  });
}

/** pkg/apis/networking/validation ValidateNetworkPolicySpec (ValidateNetworkPolicyPort, ValidateNetworkPolicyPeer, ValidateIPBlock). */
function checkNetworkPolicy(f: Findings, o: K8sObject): void {
  const spec = o.spec ?? {};
  f.check(isObject(spec.podSelector), 'spec.podSelector', 'is required', 'ValidateNetworkPolicySpec');
  checkLabelSelector(f, 'spec.podSelector', spec.podSelector);
  const types: unknown[] = spec.policyTypes ?? [];
  f.check(types.every((t) => t === 'Ingress' || t === 'Egress') && new Set(types).size === types.length && types.length <= 2, 'spec.policyTypes', `${show(types)} is not a set of Ingress/Egress`, 'ValidateNetworkPolicySpec');
  for (const direction of ['ingress', 'egress']) {
    (spec[direction] ?? []).forEach((rule: any, i: number) => {
      (rule.ports ?? []).forEach((p: any, j: number) => {
        const at = `spec.${direction}[${i}].ports[${j}]`;
        f.check(['TCP', 'UDP', 'SCTP'].includes(p.protocol ?? 'TCP'), `${at}.protocol`, 'is not supported', 'ValidateNetworkPolicyPort');
        if (p.port !== undefined) f.check(typeof p.port === 'number' ? isPortNumber(p.port) : isValidPortName(p.port), `${at}.port`, `${show(p.port)} is not a port number or name`, 'ValidateNetworkPolicyPort');
        if (p.endPort !== undefined) f.check(typeof p.port === 'number' && isInt32(p.endPort) && p.endPort >= p.port && p.endPort <= 65535, `${at}.endPort`, 'needs a numeric port and must be ≥ port and ≤ 65535', 'ValidateNetworkPolicyPort');
      });
      (rule[direction === 'ingress' ? 'from' : 'to'] ?? []).forEach((peer: any, j: number) => {
        const at = `spec.${direction}[${i}].${direction === 'ingress' ? 'from' : 'to'}[${j}]`;
        const selectors = peer.podSelector !== undefined || peer.namespaceSelector !== undefined;
        f.check((peer.ipBlock !== undefined) !== selectors, at, 'must set exactly one of ipBlock or podSelector/namespaceSelector', 'ValidateNetworkPolicyPeer');
        checkLabelSelector(f, `${at}.podSelector`, peer.podSelector);
        checkLabelSelector(f, `${at}.namespaceSelector`, peer.namespaceSelector);
        if (peer.ipBlock) {
          f.check(isCidr(peer.ipBlock.cidr), `${at}.ipBlock.cidr`, `${show(peer.ipBlock.cidr)} is not a CIDR`, 'ValidateIPBlock');
          for (const e of peer.ipBlock.except ?? []) f.check(isCidr(e), `${at}.ipBlock.except`, `${show(e)} is not a CIDR`, 'ValidateIPBlock');
        }
      });
    });
  }
}

/** Checks shared by the workload kinds (pkg/apis/apps/validation ValidateDeploymentSpec, ValidateStatefulSetSpec). */
function checkWorkload(f: Findings, o: K8sObject): void {
  const spec = o.spec ?? {};
  if (spec.replicas !== undefined) f.check(isInt32(spec.replicas) && spec.replicas >= 0, 'spec.replicas', `${show(spec.replicas)} is not a non-negative int32`, 'ValidateNonnegativeField');
  if (spec.revisionHistoryLimit !== undefined) f.check(isInt32(spec.revisionHistoryLimit) && spec.revisionHistoryLimit >= 0, 'spec.revisionHistoryLimit', 'is negative', 'ValidateNonnegativeField');
  if (spec.minReadySeconds !== undefined) f.check(isInt32(spec.minReadySeconds) && spec.minReadySeconds >= 0, 'spec.minReadySeconds', 'is negative', 'ValidateNonnegativeField');
  const selector = spec.selector;
  f.check(isObject(selector) && (Object.keys(selector.matchLabels ?? {}).length > 0 || (selector.matchExpressions ?? []).length > 0), 'spec.selector', 'must not be empty', 'ValidateDeploymentSpec / ValidateStatefulSetSpec');
  checkLabelSelector(f, 'spec.selector', selector);
  const labels = spec.template?.metadata?.labels ?? {};
  const matches = Object.entries<string>(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  f.check(matches, 'spec.template.metadata.labels', 'do not match spec.selector', 'ValidatePodTemplateSpecForReplicaSet: `selector` does not match template `labels`');
  checkLabels(f, 'spec.template.metadata.labels', spec.template?.metadata?.labels);
  checkAnnotations(f, 'spec.template.metadata.annotations', spec.template?.metadata?.annotations);
  f.check((spec.template?.spec?.restartPolicy ?? 'Always') === 'Always', 'spec.template.spec.restartPolicy', 'must be Always', 'ValidatePodTemplateSpecForReplicaSet');
}

function checkDeployment(f: Findings, o: K8sObject): void {
  const strategy = o.spec?.strategy;
  if (strategy === undefined) return;
  f.check(['RollingUpdate', 'Recreate'].includes(strategy.type ?? 'RollingUpdate'), 'spec.strategy.type', 'is not supported', 'ValidateDeploymentStrategy');
  if (strategy.type === 'Recreate') f.check(strategy.rollingUpdate === undefined, 'spec.strategy.rollingUpdate', 'may not be specified with Recreate', 'ValidateDeploymentStrategy');
  const ru = strategy.rollingUpdate;
  if (ru) {
    const zero = (v: unknown) => v === 0 || v === '0%';
    f.check(!(zero(ru.maxSurge) && zero(ru.maxUnavailable)), 'spec.strategy.rollingUpdate', 'maxSurge and maxUnavailable may not both be 0', 'ValidateRollingUpdateDeployment');
    for (const k of ['maxSurge', 'maxUnavailable']) {
      if (ru[k] !== undefined) f.check(typeof ru[k] === 'number' ? ru[k] >= 0 : /^[0-9]+%$/.test(ru[k]), `spec.strategy.rollingUpdate.${k}`, `${show(ru[k])} is not a non-negative int or percent`, 'ValidatePositiveIntOrPercent');
    }
    if (typeof ru.maxUnavailable === 'string') f.check(parseInt(ru.maxUnavailable, 10) <= 100, 'spec.strategy.rollingUpdate.maxUnavailable', 'exceeds 100%', 'IsNotMoreThan100Percent');
  }
  const pd = o.spec?.progressDeadlineSeconds;
  if (pd !== undefined) f.check(isInt32(pd) && pd > (o.spec?.minReadySeconds ?? 0), 'spec.progressDeadlineSeconds', 'must be greater than minReadySeconds', 'ValidateDeploymentSpec');
}

/** controller-revision-hash is `<name>-<hash>`, the hash up to 10 characters (rand.SafeEncodeString of an FNV-32a). */
const REVISION_HASH_LENGTH = 10;

/**
 * ValidateStatefulSetSpec, plus what the StatefulSet controller creates from it (pkg/controller/statefulset
 * stateful_set_utils.go getPodName `<sts>-<ordinal>`, getPersistentVolumeClaimName `<template>-<sts>-<ordinal>`):
 * pod names are hostnames (IsDNS1123Label), and both carry labels (pod-name, controller-revision-hash).
 */
function checkStatefulSet(f: Findings, o: K8sObject): void {
  const spec = o.spec ?? {};
  const name = o.metadata?.name ?? '';
  f.check(['OrderedReady', 'Parallel'].includes(spec.podManagementPolicy ?? 'OrderedReady'), 'spec.podManagementPolicy', 'is not supported', 'ValidateStatefulSetSpec');
  f.check(['RollingUpdate', 'OnDelete'].includes(spec.updateStrategy?.type ?? 'RollingUpdate'), 'spec.updateStrategy.type', 'is not supported', 'ValidateStatefulSetSpec');
  const lastPod = `${name}-${Math.max(0, (spec.replicas ?? 1) - 1)}`;
  f.check(isDns1123Label(lastPod), 'pod name', `${show(lastPod)} is not a DNS-1123 label (the pod's hostname)`, 'ValidatePodName / getPodName');
  f.check(isLabelValue(lastPod), 'pod label statefulset.kubernetes.io/pod-name', `${show(lastPod)} is not a label value`, 'ValidateLabels');
  f.check(isLabelValue(`${name}-${'x'.repeat(REVISION_HASH_LENGTH)}`), 'pod label controller-revision-hash', `"${name}-<hash>" exceeds 63 characters`, 'ValidateLabels (ControllerRevision hash label)');
  if (spec.serviceName !== undefined && spec.serviceName !== '') f.check(isDns1123Label(spec.serviceName), 'spec.serviceName', 'is not a DNS label', 'ValidateStatefulSetSpec');
  (spec.volumeClaimTemplates ?? []).forEach((t: any, i: number) => {
    const at = `spec.volumeClaimTemplates[${i}]`;
    f.check(isDns1123Subdomain(t.metadata?.name), `${at}.metadata.name`, 'is not a valid name', 'ValidateObjectMeta');
    const pvc = `${t.metadata?.name}-${lastPod}`;
    f.check(isDns1123Subdomain(pvc), `PVC ${show(pvc)}`, 'is not a valid claim name', 'ValidatePersistentVolumeClaim / getPersistentVolumeClaimName');
    checkLabels(f, `${at}.metadata.labels`, t.metadata?.labels);
    checkPvcSpec(f, `${at}.spec`, t.spec);
  });
}

/** pkg/apis/policy/validation ValidatePodDisruptionBudgetSpec. */
function checkPdb(f: Findings, o: K8sObject): void {
  const spec = o.spec ?? {};
  f.check((spec.minAvailable !== undefined) !== (spec.maxUnavailable !== undefined), 'spec', 'must set exactly one of minAvailable or maxUnavailable', 'ValidatePodDisruptionBudgetSpec');
  for (const k of ['minAvailable', 'maxUnavailable']) {
    const v = spec[k];
    if (v !== undefined) f.check(typeof v === 'number' ? isInt32(v) && v >= 0 : /^[0-9]+%$/.test(v) && parseInt(v, 10) <= 100, `spec.${k}`, `${show(v)} is not a non-negative int or percent ≤ 100%`, 'ValidatePodDisruptionBudgetSpec');
  }
  checkLabelSelector(f, 'spec.selector', spec.selector);
}

// CRD schema patterns (the openAPIV3Schema the API server enforces for custom resources).
const GATEWAY_HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const PROMETHEUS_DURATION = /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;

/** gateway-api config/crd gateway.networking.k8s.io_httproutes.yaml: Hostname, ParentReference, BackendRef. */
function checkHttpRoute(f: Findings, o: K8sObject): void {
  const spec = o.spec ?? {};
  const hostnames: unknown[] = spec.hostnames ?? [];
  f.check(hostnames.length <= 16, 'spec.hostnames', 'has more than 16 items', 'HTTPRoute CRD maxItems');
  for (const h of hostnames) f.check(typeof h === 'string' && h.length <= 253 && GATEWAY_HOSTNAME.test(h), 'spec.hostnames', `${show(h)} does not match the Hostname pattern`, 'HTTPRoute CRD Hostname');
  const parents: any[] = spec.parentRefs ?? [];
  f.check(parents.length <= 32, 'spec.parentRefs', 'has more than 32 items', 'HTTPRoute CRD maxItems');
  parents.forEach((p, i) => {
    f.check(typeof p.name === 'string' && p.name.length >= 1 && p.name.length <= 253, `spec.parentRefs[${i}].name`, 'must be 1-253 characters', 'ObjectName');
    if (p.namespace !== undefined) f.check(isDns1123Label(p.namespace), `spec.parentRefs[${i}].namespace`, 'is not a DNS label', 'Namespace pattern');
    if (p.sectionName !== undefined) f.check(isDns1123Subdomain(p.sectionName), `spec.parentRefs[${i}].sectionName`, 'is not a DNS subdomain', 'SectionName pattern');
  });
  (spec.rules ?? []).forEach((r: any, i: number) => {
    (r.matches ?? []).forEach((m: any, j: number) => {
      if (m.path) f.check(typeof m.path.value === 'string' && m.path.value.startsWith('/') && m.path.value.length <= 1024, `spec.rules[${i}].matches[${j}].path.value`, 'must be an absolute path of at most 1024 characters', 'HTTPPathMatch');
    });
    (r.backendRefs ?? []).forEach((b: any, j: number) => {
      f.check(typeof b.name === 'string' && b.name.length >= 1 && b.name.length <= 253, `spec.rules[${i}].backendRefs[${j}].name`, 'must be 1-253 characters', 'ObjectName');
      f.check((b.kind ?? 'Service') !== 'Service' || isPortNumber(b.port), `spec.rules[${i}].backendRefs[${j}].port`, 'is required for a Service and must be 1-65535', 'BackendRef CEL rule');
    });
  });
}

/** cert-manager Certificate: secretName a Secret name, DNS names, issuerRef. */
function checkCertificate(f: Findings, o: K8sObject): void {
  const spec = o.spec ?? {};
  f.check(isDns1123Subdomain(spec.secretName), 'spec.secretName', `${show(spec.secretName)} is not a Secret name`, 'cert-manager ValidateCertificateSpec');
  for (const d of spec.dnsNames ?? []) f.check(isDns1123Subdomain(d) || isWildcardSubdomain(d), 'spec.dnsNames', `${show(d)} is not a DNS name`, 'cert-manager ValidateCertificateSpec');
  f.check(typeof spec.issuerRef?.name === 'string' && spec.issuerRef.name !== '', 'spec.issuerRef.name', 'is required', 'cert-manager ValidateCertificateSpec');
}

/** prometheus-operator ServiceMonitor CRD: Duration pattern, endpoint port name. */
function checkServiceMonitor(f: Findings, o: K8sObject): void {
  const spec = o.spec ?? {};
  (spec.endpoints ?? []).forEach((e: any, i: number) => {
    if (e.interval !== undefined) f.check(PROMETHEUS_DURATION.test(e.interval), `spec.endpoints[${i}].interval`, `${show(e.interval)} is not a Duration`, 'ServiceMonitor CRD Duration pattern');
    if (e.scrapeTimeout !== undefined) f.check(PROMETHEUS_DURATION.test(e.scrapeTimeout), `spec.endpoints[${i}].scrapeTimeout`, 'is not a Duration', 'ServiceMonitor CRD Duration pattern');
    if (e.port !== undefined) f.check(isDns1123Label(e.port), `spec.endpoints[${i}].port`, 'is not a Service port name', 'ServiceMonitor endpoint port');
  });
  checkLabelSelector(f, 'spec.selector', spec.selector);
}

/** Traefik Middleware CRD (traefik.io_middlewares.yaml). */
function checkMiddleware(f: Findings, o: K8sObject): void {
  const spec = o.spec ?? {};
  if (spec.redirectScheme) f.check(typeof spec.redirectScheme.scheme === 'string' && spec.redirectScheme.scheme !== '', 'spec.redirectScheme.scheme', 'is required', 'Middleware CRD');
  for (const r of spec.ipAllowList?.sourceRange ?? []) f.check(isCidr(r) || isIpAddress(r), 'spec.ipAllowList.sourceRange', `${show(r)} is not an IP or CIDR`, 'Traefik ipAllowList');
  for (const m of spec.chain?.middlewares ?? []) f.check(typeof m.name === 'string' && m.name !== '', 'spec.chain.middlewares', 'needs a name', 'Middleware CRD');
}

const BY_KIND: Record<string, (f: Findings, o: K8sObject) => void> = {
  Secret: checkData,
  ConfigMap: checkData,
  Service: checkService,
  Ingress: checkIngress,
  NetworkPolicy: checkNetworkPolicy,
  Deployment: (f, o) => { checkWorkload(f, o); checkDeployment(f, o); },
  StatefulSet: (f, o) => { checkWorkload(f, o); checkStatefulSet(f, o); },
  PersistentVolumeClaim: (f, o) => checkPvcSpec(f, 'spec', o.spec),
  PodDisruptionBudget: checkPdb,
  HTTPRoute: checkHttpRoute,
  Certificate: checkCertificate,
  ServiceMonitor: checkServiceMonitor,
  Middleware: checkMiddleware,
};

export const apiServer: Check = (objects) => {
  const messages: string[] = [];
  for (const o of objects) {
    const f = new Findings(ref(o));
    checkObjectMeta(f, o);
    checkSize(f, o);
    BY_KIND[o.kind]?.(f, o);
    messages.push(...f.messages);
  }
  for (const pod of podTemplates(objects)) {
    const f = new Findings(ref(pod.owner));
    checkPodSpec(f, 'spec.template.spec', pod.spec, pod.claimTemplates);
    messages.push(...f.messages);
  }
  return messages;
};
