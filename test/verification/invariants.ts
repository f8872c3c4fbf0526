/**
 * The verification suite's invariants (issue 5). Each is a named check over the synthesized
 * objects of one scenario that returns one message per violation, naming the object.
 */
import { isIP } from 'node:net';
import { Deployment, StatefulSet, DaemonSet } from 'kubernetes-models/apps/v1';
import { Job, CronJob } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, PersistentVolumeClaim, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { parse as parseYaml } from 'yaml';
import {
  LIVEKIT_ENV, LIVEKIT_FORBIDDEN_IN_CONFIGMAP, LIVEKIT_KEYS, LK_JWT_ENV, TUWUNEL_APPSERVICE_ENV, TUWUNEL_ENV_EXTRA, TUWUNEL_FORBIDDEN_IN_CONFIGMAP,
  TUWUNEL_GLOBAL_KEYS, keyPaths, matchesAny, tuwunelEnvKey,
} from './allow-lists';
import { apiServer } from './apiserver';
import { CRD_MODEL_FILES, validateCrds } from './crd-models';
import { CRD_SCHEMAS, crdSchemaProblems } from './crd-schemas';
import { PodTemplate, commandLine, containerPorts, findPort, podTemplates, programOf, quantity, ref, selectorMatches, strings } from './k8s';
import { mountedFilesReadable } from './kubelet';
import { Scenario } from './scenarios';
import { BUSYBOX_MODEL, modelForImage, startupFiles } from './startup-model';
import { K8sObject, synth, toYaml } from '../util';

// smol-toml ships CommonJS beside its ES module build; its types only declare the latter (as in src/homeserver.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse: parseToml } = require('smol-toml') as { parse(text: string): Record<string, unknown> };

/** A named check: one message per violation, each naming the object that broke it. */
export type Invariant = (objects: K8sObject[], scenario: Scenario) => string[];

// ---------------------------------------------------------------------------------------------
// 1. Schema

interface Validatable { validate(): void }
type ModelClass = new (data: any) => Validatable;

/** Built-in kinds validated with `kubernetes-models` (CommonJS, loaded in Jest directly). */
export const CORE_MODELS: Record<string, ModelClass> = {
  'v1|ConfigMap': ConfigMap as unknown as ModelClass,
  'v1|Secret': Secret as unknown as ModelClass,
  'v1|Service': Service as unknown as ModelClass,
  'v1|ServiceAccount': ServiceAccount as unknown as ModelClass,
  'v1|PersistentVolumeClaim': PersistentVolumeClaim as unknown as ModelClass,
  'apps/v1|Deployment': Deployment as unknown as ModelClass,
  'apps/v1|StatefulSet': StatefulSet as unknown as ModelClass,
  'apps/v1|DaemonSet': DaemonSet as unknown as ModelClass,
  'batch/v1|Job': Job as unknown as ModelClass,
  'batch/v1|CronJob': CronJob as unknown as ModelClass,
  'networking.k8s.io/v1|Ingress': Ingress as unknown as ModelClass,
  'networking.k8s.io/v1|NetworkPolicy': NetworkPolicy as unknown as ModelClass,
  'policy/v1|PodDisruptionBudget': PodDisruptionBudget as unknown as ModelClass,
  'rbac.authorization.k8s.io/v1|Role': Role as unknown as ModelClass,
  'rbac.authorization.k8s.io/v1|RoleBinding': RoleBinding as unknown as ModelClass,
};

/**
 * The CRDs the stack emits on purpose. Extension point: a kind added here is validated with its
 * `@kubernetes-models/*` class when `crd-models.ts` names one, or against the CRD's own schema
 * kept as data when `crd-schemas.ts` holds it. Any other kind fails the schema invariant.
 */
export const DELIBERATE_CRDS: readonly string[] = [...Object.keys(CRD_MODEL_FILES), ...Object.keys(CRD_SCHEMAS)];

export const schema: Invariant = (objects) => {
  const messages: string[] = [];
  const crds: K8sObject[] = [];
  for (const o of objects) {
    if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string' || o.metadata.name === '') {
      messages.push(`${ref(o)}: apiVersion, kind and metadata.name must be non-empty strings`);
      continue;
    }
    const key = `${o.apiVersion}|${o.kind}`;
    const model = CORE_MODELS[key];
    if (model) {
      try {
        new model(o).validate();
      } catch (error) {
        messages.push(`${ref(o)}: does not match the ${o.apiVersion} ${o.kind} schema: ${(error as Error).message}`);
      }
    } else if (CRD_SCHEMAS[key]) {
      for (const problem of crdSchemaProblems(o, CRD_SCHEMAS[key])) messages.push(`${ref(o)}: does not match the ${o.apiVersion} ${o.kind} schema: ${problem}`);
    } else if (DELIBERATE_CRDS.includes(key)) {
      crds.push(o);
    } else {
      messages.push(`${ref(o)}: unexpected kind ${o.apiVersion} ${o.kind} (neither a built-in kind with a schema model nor a deliberate CRD)`);
    }
  }
  validateCrds(crds).forEach((result, i) => {
    if ('error' in result) messages.push(`${ref(crds[i])}: does not match the ${crds[i].apiVersion} ${crds[i].kind} schema: ${result.error}`);
    if ('unavailable' in result) messages.push(`${ref(crds[i])}: no schema model to validate ${crds[i].apiVersion} ${crds[i].kind}: ${result.unavailable}`);
  });
  return messages;
};

// ---------------------------------------------------------------------------------------------
// 2. References

function describePod(pod: PodTemplate): string {
  return ref(pod.owner);
}

/** Files a program reads from its config, args and env: each must exist in a mount of its container. */
/** A file or directory a program reads, and where its path was found. */
interface ConfiguredFile { source: string; path: string; writable?: boolean; directory?: boolean }

function configuredFiles(pod: PodTemplate, container: any, configMaps: Map<string, K8sObject>): ConfiguredFile[] {
  const files: ConfiguredFile[] = [];
  for (const e of container.env ?? []) {
    if (typeof e.value === 'string' && /(_CONFIG|_FILE|_FROM_FILE)$/.test(e.name) && e.value.startsWith('/')) {
      files.push({ source: `env ${e.name}`, path: e.value });
    }
  }
  const args: string[] = commandLine(container);
  const shell = args.length === 2 && /(^|\/)sh$/.test(args[0]);
  args.forEach((arg, i) => {
    // `sh -c SCRIPT`: -c takes a script, not a config path.
    const flag = shell ? null : /^--?(config|c|key-file)(=(.*))?$/.exec(arg);
    if (!flag) return;
    const value = flag[3] ?? args[i + 1];
    if (typeof value === 'string') files.push({ source: `argument ${flag[1] === 'c' ? '-c' : `--${flag[1]}`}`, path: value });
  });
  for (const mount of container.volumeMounts ?? []) {
    const volume = (pod.spec.volumes ?? []).find((v: any) => v.name === mount.name);
    const cm = volume?.configMap ? configMaps.get(volume.configMap.name) : undefined;
    if (!cm) continue;
    for (const [key, text] of Object.entries<string>(cm.data ?? {})) {
      if (key.endsWith('.toml')) {
        let global: any;
        try { global = (parseToml(text) as any).global ?? {}; } catch { continue; }
        if (typeof global.registration_token_file === 'string') files.push({ source: `${key} global.registration_token_file`, path: global.registration_token_file });
        if (typeof global.database_path === 'string') files.push({ source: `${key} global.database_path`, path: global.database_path, writable: true, directory: true });
        if (typeof global.appservice_dir === 'string') files.push({ source: `${key} global.appservice_dir`, path: global.appservice_dir, directory: true });
        if (typeof global.database_backup_path === 'string') files.push({ source: `${key} global.database_backup_path`, path: global.database_backup_path, writable: true, directory: true });
      } else if (key.endsWith('.yaml') || key.endsWith('.yml')) {
        let config: any;
        try { config = parseYaml(text) ?? {}; } catch { continue; }
        for (const p of ['turn.cert_file', 'turn.key_file', 'key_file', 'redis.tls.caCertFile', 'redis.tls.clientCertFile', 'redis.tls.clientKeyFile']) {
          const value = p.split('.').reduce((acc: any, k) => acc?.[k], config);
          if (typeof value === 'string') files.push({ source: `${key} ${p}`, path: value });
        }
      }
    }
  }
  return files;
}

function checkFile(pod: PodTemplate, container: any, file: ConfiguredFile, objects: K8sObject[]): string | undefined {
  const where = `${describePod(pod)} container ${container.name}: ${file.source} = ${JSON.stringify(file.path)}`;
  if (!file.path.startsWith('/')) return `${where} is not an absolute path`;
  const mounts: any[] = (container.volumeMounts ?? []).filter((m: any) => file.path === m.mountPath || file.path.startsWith(`${m.mountPath.replace(/\/$/, '')}/`));
  if (mounts.length === 0) return `${where} lies under no volumeMount of the container (the root filesystem is read-only and holds no such file)`;
  const mount = mounts.sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  if (file.writable && mount.readOnly) return `${where} lies in the read-only mount ${mount.mountPath}`;
  if (file.directory || file.path === mount.mountPath) return undefined;
  const relative = file.path.slice(mount.mountPath.replace(/\/$/, '').length + 1);
  const volume = (pod.spec.volumes ?? []).find((v: any) => v.name === mount.name);
  const source = volume?.configMap ?? volume?.secret;
  if (!source) return undefined;
  if (mount.subPath) return `${where} is inside a subPath mount`;
  if (source.items) {
    if (!source.items.some((item: any) => item.path === relative)) return `${where}: volume ${mount.name} projects no item at ${relative}`;
    return undefined;
  }
  const kind = volume.configMap ? 'ConfigMap' : 'Secret';
  const name = volume.configMap ? source.name : source.secretName;
  const object = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (object && !(relative in { ...object.data, ...object.stringData })) return `${where}: ${kind}/${name} has no key ${relative}`;
  return undefined;
}

/** Ports a program listens on according to its config file, each with its protocol. */
interface Listener { source: string; port: number; protocol: string }

function configuredListeners(pod: PodTemplate, container: any, configMaps: Map<string, K8sObject>): Listener[] {
  const listeners: Listener[] = [];
  const program = programOf(pod);
  if (program === 'lk-jwt-service') {
    const bind = (container.env ?? []).find((e: any) => e.name === 'LIVEKIT_JWT_BIND')?.value ?? ':8080';
    const port = Number(/:(\d+)$/.exec(bind)?.[1]);
    listeners.push({ source: 'LIVEKIT_JWT_BIND', port, protocol: 'TCP' });
  }
  for (const mount of container.volumeMounts ?? []) {
    const volume = (pod.spec.volumes ?? []).find((v: any) => v.name === mount.name);
    const cm = volume?.configMap ? configMaps.get(volume.configMap.name) : undefined;
    if (!cm) continue;
    const toml = cm.data?.['tuwunel.toml'];
    if (toml !== undefined) {
      try {
        const port = (parseToml(toml) as any).global?.port ?? 8008;
        for (const p of Array.isArray(port) ? port : [port]) listeners.push({ source: 'tuwunel.toml global.port', port: Number(p), protocol: 'TCP' });
      } catch { /* reported by the config invariant */ }
    }
    const yaml = cm.data?.['config.yaml'];
    if (yaml !== undefined) {
      try {
        const c = parseYaml(yaml) ?? {};
        listeners.push({ source: 'config.yaml port', port: Number(c.port ?? 7880), protocol: 'TCP' });
        listeners.push({ source: 'config.yaml rtc.tcp_port', port: Number(c.rtc?.tcp_port ?? 7881), protocol: 'TCP' });
        if (typeof c.rtc?.udp_port === 'number') listeners.push({ source: 'config.yaml rtc.udp_port', port: c.rtc.udp_port, protocol: 'UDP' });
        if (c.turn?.enabled && Number(c.turn.tls_port) > 0) listeners.push({ source: 'config.yaml turn.tls_port', port: Number(c.turn.tls_port), protocol: 'TCP' });
        if (c.turn?.enabled && Number(c.turn.udp_port) > 0) listeners.push({ source: 'config.yaml turn.udp_port', port: Number(c.turn.udp_port), protocol: 'UDP' });
        const metricsPort = c.prometheus?.port ?? c.prometheus_port;
        if (metricsPort !== undefined) listeners.push({ source: 'config.yaml prometheus.port', port: Number(metricsPort), protocol: 'TCP' });
      } catch { /* reported by the config invariant */ }
    }
  }
  return listeners;
}

/** The ConfigMaps a container mounts. */
function mountedConfigMaps(pod: PodTemplate, container: any, configMaps: Map<string, K8sObject>): K8sObject[] {
  return (container.volumeMounts ?? []).flatMap((mount: any) => {
    const volume = (pod.spec.volumes ?? []).find((v: any) => v.name === mount.name);
    const cm = volume?.configMap ? configMaps.get(volume.configMap.name) : undefined;
    return cm ? [cm] : [];
  });
}

/** LiveKit's parsed config.yaml in a ConfigMap, or undefined. */
function parseLiveKitConfig(cm: K8sObject): any {
  const text = cm.data?.['config.yaml'];
  if (typeof text !== 'string') return undefined;
  try { return parseYaml(text) ?? {}; } catch { return undefined; }
}

const SELECTOR_OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** Problems with a label selector's shape (operators and their values). */
function selectorProblems(selector: any, what: string): string[] {
  if (selector === null || typeof selector !== 'object' || Array.isArray(selector)) return [`${what} is not a label selector`];
  const problems: string[] = [];
  for (const key of Object.keys(selector)) if (key !== 'matchLabels' && key !== 'matchExpressions') problems.push(`${what} has unknown field ${key}`);
  for (const expr of selector.matchExpressions ?? []) {
    if (!SELECTOR_OPERATORS.has(expr.operator)) problems.push(`${what} has operator ${JSON.stringify(expr.operator)}`);
    const values: unknown[] = expr.values ?? [];
    if ((expr.operator === 'In' || expr.operator === 'NotIn') && values.length === 0) problems.push(`${what} uses ${expr.operator} without values`);
    if ((expr.operator === 'Exists' || expr.operator === 'DoesNotExist') && values.length > 0) problems.push(`${what} uses ${expr.operator} with values`);
    if (typeof expr.key !== 'string' || expr.key === '') problems.push(`${what} has an expression without key`);
  }
  return problems;
}

/** Problems with one NetworkPolicy ingress peer: exactly one kind of source, well-formed, and pod peers naming pods of the stack. */
function peerProblems(peer: any, pods: PodTemplate[]): string[] {
  if (peer === null || typeof peer !== 'object') return ['is not a peer object'];
  const problems: string[] = [];
  const hasIp = peer.ipBlock !== undefined;
  const hasSelector = peer.podSelector !== undefined || peer.namespaceSelector !== undefined;
  if (hasIp === hasSelector) problems.push('must set exactly one of ipBlock or podSelector/namespaceSelector');
  if (hasIp && !isCidr(peer.ipBlock?.cidr)) problems.push(`ipBlock.cidr ${JSON.stringify(peer.ipBlock?.cidr)} is not a CIDR`);
  for (const except of peer.ipBlock?.except ?? []) if (!isCidr(except)) problems.push(`ipBlock.except ${JSON.stringify(except)} is not a CIDR`);
  if (peer.namespaceSelector !== undefined) {
    problems.push(...selectorProblems(peer.namespaceSelector, 'namespaceSelector'));
    const selector = peer.namespaceSelector;
    if (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0) problems.push('namespaceSelector {} admits every namespace (say so with an ingress rule without from)');
    const name = selector.matchLabels?.['kubernetes.io/metadata.name'];
    if (name !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) problems.push(`namespaceSelector names ${JSON.stringify(name)}, which is not a namespace name`);
  }
  if (peer.podSelector !== undefined) {
    problems.push(...selectorProblems(peer.podSelector, 'podSelector'));
    if (peer.namespaceSelector === undefined) {
      // A pod peer without namespaceSelector means pods of this namespace: it must name pods the stack runs off the host network.
      const matching = pods.filter((p) => selectorMatches(peer.podSelector, p.labels));
      if (matching.length === 0) problems.push(`podSelector ${JSON.stringify(peer.podSelector)} selects no pod of the stack`);
      for (const expr of peer.podSelector.matchExpressions ?? []) {
        if (expr.operator !== 'In') continue;
        for (const value of expr.values ?? []) {
          if (!pods.some((p) => p.labels[expr.key] === value)) problems.push(`podSelector value ${expr.key}=${value} names no pod of the stack`);
        }
      }
    }
  }
  return problems;
}

function isCidr(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const [ip, bits, ...rest] = value.split('/');
  if (rest.length > 0 || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  const version = isIP(ip);
  return version !== 0 && Number(bits) <= (version === 4 ? 32 : 128);
}

export const references: Invariant = (objects, scenario) => {
  const messages: string[] = [];
  const pods = podTemplates(objects);
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const services = byKind('Service');
  const configMaps = new Map(byKind('ConfigMap').map((o) => [o.metadata.name, o]));
  const secrets = new Map(byKind('Secret').map((o) => [o.metadata.name, o]));
  // A cert-manager Certificate of the stack creates its Secret (tls.crt, tls.key, ca.crt): a stack Secret too.
  for (const cert of byKind('Certificate')) {
    const name = cert.spec?.secretName;
    if (typeof name === 'string' && !secrets.has(name)) {
      secrets.set(name, { apiVersion: 'v1', kind: 'Secret', metadata: { name }, data: { 'tls.crt': '', 'tls.key': '', 'ca.crt': '' } });
    }
  }

  // Workload selectors must select their own template (the API server rejects them otherwise).
  for (const pod of pods) {
    const selector = pod.owner.spec?.selector;
    if (pod.owner.kind !== 'CronJob' && pod.owner.kind !== 'Job' && selector && !selectorMatches(selector, pod.labels)) {
      messages.push(`${describePod(pod)}: spec.selector ${JSON.stringify(selector)} does not select its own pod template`);
    }
  }

  for (const svc of services) {
    const selector = svc.spec?.selector;
    if (!selector || Object.keys(selector).length === 0) {
      if (svc.spec?.type !== 'ExternalName') messages.push(`${ref(svc)}: has no selector`);
      continue;
    }
    const matched = pods.filter((p) => selectorMatches({ matchLabels: selector }, p.labels));
    if (matched.length !== 1) {
      messages.push(`${ref(svc)}: selector ${JSON.stringify(selector)} matches ${matched.length} pod templates (${matched.map(describePod).join(', ') || 'none'}), expected exactly one`);
      continue;
    }
    const ports = containerPorts(matched[0]);
    for (const p of svc.spec?.ports ?? []) {
      const target = p.targetPort ?? p.port;
      const protocol = p.protocol ?? 'TCP';
      if (!findPort(ports, target, protocol)) {
        messages.push(`${ref(svc)}: port ${p.name ?? p.port} targets ${protocol} ${target}, which is not a container port of ${describePod(matched[0])}`);
      }
    }
  }

  const serviceExposes = (name: string, port: any): string | undefined => {
    const svc = services.find((s) => s.metadata.name === name);
    if (!svc) return `names Service ${name}, which is not part of the stack`;
    const ok = (svc.spec?.ports ?? []).some((p: any) => (port?.number !== undefined ? p.port === port.number : p.name === port?.name));
    return ok ? undefined : `names port ${JSON.stringify(port)} of Service/${name}, which it does not expose`;
  };
  for (const ing of byKind('Ingress')) {
    const backends: any[] = [
      ...(ing.spec?.defaultBackend ? [ing.spec.defaultBackend] : []),
      ...(ing.spec?.rules ?? []).flatMap((r: any) => (r.http?.paths ?? []).map((p: any) => p.backend)),
    ];
    for (const backend of backends) {
      if (!backend?.service) {
        messages.push(`${ref(ing)}: a backend is not a Service`);
        continue;
      }
      const problem = serviceExposes(backend.service.name, backend.service.port);
      if (problem) messages.push(`${ref(ing)}: backend ${problem}`);
    }
  }
  for (const route of byKind('HTTPRoute')) {
    const parents: any[] = route.spec?.parentRefs ?? [];
    if (parents.length === 0) messages.push(`${ref(route)}: has no parentRefs, so it attaches to no Gateway and serves nothing`);
    for (const parent of parents) {
      if (typeof parent?.name !== 'string' || parent.name === '') messages.push(`${ref(route)}: a parentRef has no name`);
      if ((parent?.group ?? 'gateway.networking.k8s.io') !== 'gateway.networking.k8s.io' || (parent?.kind ?? 'Gateway') !== 'Gateway') {
        messages.push(`${ref(route)}: parentRef ${parent?.name} is not a Gateway (${parent?.group}/${parent?.kind})`);
      }
    }
    if ((route.spec?.hostnames ?? []).length === 0) messages.push(`${ref(route)}: has no hostnames, so it answers for every host of the Gateway`);
    const rules: any[] = route.spec?.rules ?? [];
    if (rules.length === 0) messages.push(`${ref(route)}: has no rules`);
    for (const rule of rules) {
      const backends: any[] = rule.backendRefs ?? [];
      if (backends.length === 0) messages.push(`${ref(route)}: a rule has no backendRefs (the Gateway answers 500)`);
      for (const backend of backends) {
        if ((backend.kind ?? 'Service') !== 'Service' || (backend.group ?? '') !== '') {
          messages.push(`${ref(route)}: backendRef ${backend.name} is not a core Service`);
          continue;
        }
        if (typeof backend.port !== 'number') {
          messages.push(`${ref(route)}: backendRef ${backend.name} has no port (required for a Service backend)`);
          continue;
        }
        const problem = serviceExposes(backend.name, { number: backend.port });
        if (problem) messages.push(`${ref(route)}: backendRef ${problem}`);
      }
    }
  }

  // cert-manager Certificates: issued into a Secret a pod of the stack mounts, for the name that pod serves.
  const mountedSecretNames = (pod: PodTemplate): string[] => (pod.spec.volumes ?? []).flatMap((v: any) => [
    ...(v.secret?.secretName ? [v.secret.secretName] : []),
    ...(v.projected?.sources ?? []).filter((x: any) => x.secret?.name).map((x: any) => x.secret.name),
  ]);
  for (const cert of byKind('Certificate')) {
    const secretName = cert.spec?.secretName;
    const mounting = pods.filter((p) => mountedSecretNames(p).includes(secretName));
    if (mounting.length === 0) messages.push(`${ref(cert)}: secretName ${JSON.stringify(secretName)} is mounted by no pod of the stack`);
    const issuer = cert.spec?.issuerRef ?? {};
    if (typeof issuer.name !== 'string' || issuer.name === '') messages.push(`${ref(cert)}: issuerRef has no name`);
    if (!['Issuer', 'ClusterIssuer'].includes(issuer.kind ?? 'Issuer') || (issuer.group ?? 'cert-manager.io') !== 'cert-manager.io') {
      messages.push(`${ref(cert)}: issuerRef ${issuer.group}/${issuer.kind} is not a cert-manager Issuer or ClusterIssuer`);
    }
    const dnsNames: string[] = cert.spec?.dnsNames ?? [];
    if (dnsNames.length === 0 && !cert.spec?.commonName) messages.push(`${ref(cert)}: names no host (dnsNames)`);
    for (const pod of mounting) {
      // The TURN domain LiveKit serves with this certificate must be one of its names.
      for (const c of pod.containers) {
        for (const mount of c.volumeMounts ?? []) {
          const volume = (pod.spec.volumes ?? []).find((v: any) => v.name === mount.name);
          if (volume?.secret?.secretName !== secretName) continue;
          for (const cm of mountedConfigMaps(pod, c, configMaps)) {
            const config = parseLiveKitConfig(cm);
            const certFile = config?.turn?.cert_file;
            if (typeof certFile === 'string' && certFile.startsWith(`${mount.mountPath.replace(/\/$/, '')}/`) && typeof config.turn.domain === 'string' && !dnsNames.includes(config.turn.domain)) {
              messages.push(`${ref(cert)}: dnsNames ${JSON.stringify(dnsNames)} do not include turn.domain ${JSON.stringify(config.turn.domain)} that ${describePod(pod)} serves with it`);
            }
          }
        }
      }
    }
  }

  // Prometheus Operator ServiceMonitors: the selector picks exactly one Service of the stack, whose named ports exist.
  for (const sm of byKind('ServiceMonitor')) {
    const names: string[] | undefined = sm.spec?.namespaceSelector?.matchNames;
    if (sm.spec?.namespaceSelector?.any !== true && names !== undefined && !names.includes(sm.metadata.namespace ?? '')) {
      messages.push(`${ref(sm)}: namespaceSelector ${JSON.stringify(names)} does not include its own namespace, where the Service lives`);
    }
    const matched = services.filter((svc) => selectorMatches(sm.spec?.selector, svc.metadata.labels ?? {}));
    if (!sm.spec?.selector || Object.keys(sm.spec.selector).length === 0 || matched.length !== 1) {
      messages.push(`${ref(sm)}: selector ${JSON.stringify(sm.spec?.selector)} matches ${matched.length} Services (${matched.map(ref).join(', ') || 'none'}), expected exactly one`);
      continue;
    }
    const endpoints: any[] = sm.spec?.endpoints ?? [];
    if (endpoints.length === 0) messages.push(`${ref(sm)}: has no endpoints`);
    for (const endpoint of endpoints) {
      if (endpoint.port !== undefined && !(matched[0].spec?.ports ?? []).some((p: any) => p.name === endpoint.port)) {
        messages.push(`${ref(sm)}: endpoint port ${JSON.stringify(endpoint.port)} is not a port name of ${ref(matched[0])}`);
      } else if (endpoint.port === undefined && endpoint.targetPort === undefined) {
        messages.push(`${ref(sm)}: an endpoint names no port`);
      }
    }
  }

  // LiveKit webhooks: in-cluster receivers are Services of the stack exposing the URL's port.
  for (const pod of pods.filter((p) => programOf(p) === 'livekit')) {
    for (const c of pod.containers) {
      for (const cm of mountedConfigMaps(pod, c, configMaps)) {
        const urls = parseLiveKitConfig(cm)?.webhook?.urls;
        if (!Array.isArray(urls)) continue;
        for (const url of urls) {
          let parsed: URL;
          try { parsed = new URL(String(url)); } catch { continue; /* reported by the config invariant */ }
          // lk-jwt-service's receiver, addressed by Service name; other receivers are the user's own.
          if (parsed.hostname.includes('.') || !parsed.pathname.endsWith('/sfu_webhook')) continue;
          const port = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
          const problem = serviceExposes(parsed.hostname, { number: port });
          if (problem) messages.push(`${ref(cm)} webhook.urls ${JSON.stringify(url)}: ${problem}`);
        }
      }
    }
  }

  // Host-network pods: NetworkPolicy does not apply to them (their traffic is the node's), so none may pretend to.
  const hostNetworkPods = pods.filter((p) => p.spec.hostNetwork === true);
  for (const pod of hostNetworkPods) {
    for (const np of byKind('NetworkPolicy')) {
      if (selectorMatches(np.spec?.podSelector, pod.labels)) messages.push(`${ref(np)}: selects the host-network pod of ${describePod(pod)}, where NetworkPolicy has no effect`);
    }
    if (pod.spec.dnsPolicy !== 'ClusterFirstWithHostNet') messages.push(`${describePod(pod)}: hostNetwork without dnsPolicy ClusterFirstWithHostNet (cluster Services such as Redis do not resolve)`);
    const replicas = pod.owner.spec?.replicas ?? 1;
    if (replicas > 1 || pod.owner.kind === 'DaemonSet') {
      const terms: any[] = pod.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
      const own = terms.filter((t) => t.topologyKey === 'kubernetes.io/hostname' && t.labelSelector && selectorMatches(t.labelSelector, pod.labels));
      if (pod.owner.kind !== 'DaemonSet' && own.length === 0) {
        messages.push(`${describePod(pod)}: ${replicas} host-network replicas without a required pod anti-affinity on kubernetes.io/hostname selecting its own labels (two pods on one node collide on the host ports)`);
      }
    }
  }
  // Every spread constraint and anti-affinity term that names the pod's own app must select the pod itself.
  // (A user's constraint that selects other pods is a deliberate choice, not a defect of the output.)
  for (const pod of pods) {
    for (const t of pod.spec.topologySpreadConstraints ?? []) {
      const namesOwnApp = JSON.stringify(t.labelSelector ?? {}).includes(JSON.stringify(pod.labels.app ?? null));
      if (namesOwnApp && !selectorMatches(t.labelSelector, pod.labels)) {
        messages.push(`${describePod(pod)}: topologySpreadConstraint on ${t.topologyKey} names the pod's app but selects ${JSON.stringify(t.labelSelector)}, not the pod itself, so it spreads nothing`);
      }
    }
    for (const t of pod.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) {
      const app = pod.labels.app;
      const namesOwnApp = JSON.stringify(t.labelSelector ?? {}).includes(JSON.stringify(app ?? null));
      if (namesOwnApp && !selectorMatches(t.labelSelector, pod.labels)) messages.push(`${describePod(pod)}: pod anti-affinity ${JSON.stringify(t.labelSelector)} names the pod's app but does not match its labels`);
    }
  }

  const routedServices = new Set<string>([
    ...byKind('Ingress').flatMap((ing) => (ing.spec?.rules ?? []).flatMap((r: any) => (r.http?.paths ?? []).map((p: any) => p.backend?.service?.name))),
    ...byKind('HTTPRoute').flatMap((route) => (route.spec?.rules ?? []).flatMap((r: any) => (r.backendRefs ?? []).map((b: any) => b.name))),
  ]);
  const routedPods = new Set(services
    .filter((svc) => routedServices.has(svc.metadata.name))
    .flatMap((svc) => pods.filter((p) => svc.spec?.selector && selectorMatches({ matchLabels: svc.spec.selector }, p.labels))));

  for (const np of byKind('NetworkPolicy')) {
    const selected = pods.filter((p) => selectorMatches(np.spec?.podSelector, p.labels) && p.spec.hostNetwork !== true);
    for (const [i, rule] of (np.spec?.ingress ?? []).entries()) {
      const from: any[] | undefined = rule.from;
      for (const problem of (from ?? []).flatMap((peer, j) => peerProblems(peer, pods).map((m) => `ingress[${i}].from[${j}] ${m}`))) messages.push(`${ref(np)}: ${problem}`);
      // A restricted rule on a pod the Ingress/HTTPRoute routes to must still admit the ingress controller's namespace.
      const admitsOtherNamespaces = (from ?? []).some((peer) => peer.namespaceSelector !== undefined || peer.ipBlock !== undefined);
      if (from !== undefined && from.length > 0 && selected.some((p) => routedPods.has(p)) && !admitsOtherNamespaces) {
        messages.push(`${ref(np)}: ingress[${i}] admits only pods of its own namespace, which drops the ingress controller's traffic to a routed pod`);
      }
    }
    if (selected.length === 0) {
      messages.push(`${ref(np)}: podSelector ${JSON.stringify(np.spec?.podSelector)} selects no pod of the stack (off the host network)`);
      continue;
    }
    const ports = selected.flatMap(containerPorts);
    for (const rule of np.spec?.ingress ?? []) {
      if (!rule.ports || rule.ports.length === 0) {
        messages.push(`${ref(np)}: an ingress rule admits every port, not only the pod's listeners`);
        continue;
      }
      for (const p of rule.ports) {
        const protocol = p.protocol ?? 'TCP';
        if (p.port === undefined) {
          messages.push(`${ref(np)}: an ingress rule admits every ${protocol} port`);
        } else if (!findPort(ports, p.port, protocol)) {
          messages.push(`${ref(np)}: admits ${protocol} ${p.port}, which is not a container port of ${selected.map(describePod).join(', ')}`);
        }
      }
    }
  }

  const existingSecrets = new Set(scenario.existingSecrets);
  const checkRef = (where: string, kind: 'ConfigMap' | 'Secret', name: string, key: string | undefined, optional: boolean) => {
    const object = (kind === 'ConfigMap' ? configMaps : secrets).get(name);
    if (!object) {
      if (kind === 'Secret' && existingSecrets.has(name)) return;
      // The kube-root-ca.crt publisher puts this ConfigMap in every namespace (the API server's CA bundle).
      if (kind === 'ConfigMap' && name === 'kube-root-ca.crt' && (key === undefined || key === 'ca.crt')) return;
      if (!optional) messages.push(`${where}: references ${kind}/${name}, which is neither in the stack nor a user-declared existing ${kind}`);
      return;
    }
    if (key !== undefined && !(key in { ...object.data, ...object.stringData })) {
      messages.push(`${where}: references key ${key} of ${kind}/${name}, which does not hold it`);
    }
  };
  for (const pod of pods) {
    const where = describePod(pod);
    const volumes: any[] = pod.spec.volumes ?? [];
    const volumeNames = new Set([...volumes.map((v) => v.name), ...pod.claimTemplates]);
    for (const v of volumes) {
      if (v.configMap) for (const item of v.configMap.items ?? [{}]) checkRef(`${where} volume ${v.name}`, 'ConfigMap', v.configMap.name, item.key, !!v.configMap.optional);
      if (v.secret) for (const item of v.secret.items ?? [{}]) checkRef(`${where} volume ${v.name}`, 'Secret', v.secret.secretName, item.key, !!v.secret.optional);
      for (const s of v.projected?.sources ?? []) {
        if (s.configMap) checkRef(`${where} volume ${v.name}`, 'ConfigMap', s.configMap.name, undefined, !!s.configMap.optional);
        if (s.secret) checkRef(`${where} volume ${v.name}`, 'Secret', s.secret.name, undefined, !!s.secret.optional);
      }
      const claimName = v.persistentVolumeClaim?.claimName;
      if (claimName !== undefined && !scenario.existingClaims.includes(claimName) && !byKind('PersistentVolumeClaim').some((c) => c.metadata.name === claimName)) {
        messages.push(`${where} volume ${v.name}: references PersistentVolumeClaim/${claimName}, which is neither in the stack nor declared by the user`);
      }
    }
    for (const alias of pod.spec.hostAliases ?? []) {
      if (isIP(String(alias.ip)) === 0) messages.push(`${where}: hostAliases ip ${JSON.stringify(alias.ip)} is not an IP address`);
      if (!Array.isArray(alias.hostnames) || alias.hostnames.length === 0) messages.push(`${where}: hostAliases entry for ${alias.ip} names no host`);
    }
    for (const s of pod.spec.imagePullSecrets ?? []) {
      if (!existingSecrets.has(s.name) && !secrets.has(s.name)) messages.push(`${where}: imagePullSecret ${s.name} is not a declared Secret`);
    }
    for (const c of [...pod.containers, ...pod.initContainers]) {
      for (const e of c.env ?? []) {
        const cmRef = e.valueFrom?.configMapKeyRef;
        const secretRef = e.valueFrom?.secretKeyRef;
        if (cmRef) checkRef(`${where} container ${c.name} env ${e.name}`, 'ConfigMap', cmRef.name, cmRef.key, !!cmRef.optional);
        if (secretRef) checkRef(`${where} container ${c.name} env ${e.name}`, 'Secret', secretRef.name, secretRef.key, !!secretRef.optional);
      }
      for (const e of c.envFrom ?? []) {
        if (e.configMapRef) checkRef(`${where} container ${c.name} envFrom`, 'ConfigMap', e.configMapRef.name, undefined, !!e.configMapRef.optional);
        if (e.secretRef) checkRef(`${where} container ${c.name} envFrom`, 'Secret', e.secretRef.name, undefined, !!e.secretRef.optional);
      }
      const mountPaths = new Set<string>();
      for (const m of c.volumeMounts ?? []) {
        if (!volumeNames.has(m.name)) messages.push(`${where} container ${c.name}: volumeMount ${m.name} has no volume`);
        if (mountPaths.has(m.mountPath)) messages.push(`${where} container ${c.name}: mountPath ${m.mountPath} is used twice`);
        mountPaths.add(m.mountPath);
      }
      for (const file of configuredFiles(pod, c, configMaps)) {
        const problem = checkFile(pod, c, file, objects);
        if (problem) messages.push(problem);
      }
      const ports = containerPorts(pod).filter((p) => p.container === c.name);
      for (const listener of configuredListeners(pod, c, configMaps)) {
        if (!findPort(ports, listener.port, listener.protocol)) {
          messages.push(`${where} container ${c.name}: ${listener.source} listens on ${listener.protocol} ${listener.port}, which is not a declared container port`);
        }
      }
    }
  }
  // A SnapshotSchedule must select claims of the stack, and never every claim of the namespace.
  const claimLabels = [
    ...byKind('PersistentVolumeClaim').map((c) => c.metadata?.labels ?? {}),
    // The StatefulSet controller gives each claim of a template its labels plus the selector's (stateful_set_utils.go getPersistentVolumeClaims).
    ...byKind('StatefulSet').flatMap((s) => (s.spec?.volumeClaimTemplates ?? []).map((t: any) => ({ ...t.metadata?.labels, ...s.spec?.selector?.matchLabels }))),
  ];
  for (const schedule of byKind('SnapshotSchedule')) {
    const selector = schedule.spec?.claimSelector;
    if (Object.keys(selector?.matchLabels ?? {}).length === 0 && (selector?.matchExpressions ?? []).length === 0) {
      messages.push(`${ref(schedule)}: claimSelector is empty, so it snapshots every claim of the namespace`);
    } else if (!claimLabels.some((labels) => selectorMatches(selector, labels))) {
      messages.push(`${ref(schedule)}: claimSelector ${JSON.stringify(selector)} selects no PersistentVolumeClaim of the stack`);
    }
  }
  return messages;
};

// ---------------------------------------------------------------------------------------------
// 3. Names and labels

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** Kubernetes' env var name rule (IsEnvVarName). */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
export const RECOMMENDED_LABELS = ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/component', 'app.kubernetes.io/part-of', 'app.kubernetes.io/managed-by'];

function isDnsSubdomain(value: string): boolean {
  return value.length > 0 && value.length <= 253 && value.split('.').every((l) => DNS_LABEL.test(l) && l.length <= 63);
}

function isQualifiedName(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  return name.length <= 63 && LABEL_NAME.test(name) && (parts.length === 1 || isDnsSubdomain(parts[0]));
}

function isLabelValue(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 63 && (value === '' || LABEL_NAME.test(value));
}

function isPortName(name: string): boolean {
  return name.length <= 15 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) && /[a-z]/.test(name) && !name.includes('--');
}

function checkLabelSet(messages: string[], where: string, labels: Record<string, unknown> | undefined): void {
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (!isQualifiedName(key)) messages.push(`${where}: label key ${JSON.stringify(key)} is not valid`);
    if (!isLabelValue(value)) messages.push(`${where}: label ${key} has invalid value ${JSON.stringify(value)}`);
  }
}

export const namesAndLabels: Invariant = (objects) => {
  const messages: string[] = [];
  const seen = new Map<string, number>();
  for (const o of objects) {
    const name = String(o.metadata?.name);
    const max = o.kind === 'StatefulSet' ? 52 : 63;
    if (!DNS_LABEL.test(name) || name.length > max) messages.push(`${ref(o)}: name is not a DNS-1123 label of at most ${max} characters`);
    if (o.kind === 'Service' && !DNS_1035_LABEL.test(name)) messages.push(`${ref(o)}: a Service name must start with a letter (DNS-1035)`);
    if (o.metadata?.namespace !== undefined && !DNS_LABEL.test(o.metadata.namespace)) messages.push(`${ref(o)}: namespace ${JSON.stringify(o.metadata.namespace)} is not valid`);
    const key = `${o.kind}/${name}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    checkLabelSet(messages, ref(o), o.metadata?.labels);
    for (const label of RECOMMENDED_LABELS) {
      if (!o.metadata?.labels?.[label]) messages.push(`${ref(o)}: recommended label ${label} is missing`);
    }
    for (const annotation of Object.keys(o.metadata?.annotations ?? {})) {
      if (!isQualifiedName(annotation)) messages.push(`${ref(o)}: annotation key ${JSON.stringify(annotation)} is not valid`);
    }
    if (o.spec?.selector?.matchLabels) checkLabelSet(messages, `${ref(o)} selector`, o.spec.selector.matchLabels);
    if (o.kind === 'Service') {
      checkLabelSet(messages, `${ref(o)} selector`, o.spec?.selector);
      const ports: any[] = o.spec?.ports ?? [];
      const names = ports.map((p) => p.name);
      if (ports.length > 1 && names.some((n) => !n)) messages.push(`${ref(o)}: every port needs a name when there are several`);
      for (const n of names.filter(Boolean)) if (!DNS_LABEL.test(n) || n.length > 63) messages.push(`${ref(o)}: port name ${JSON.stringify(n)} is not a DNS label`);
      if (new Set(names).size !== names.length) messages.push(`${ref(o)}: port names are not unique`);
    }
    for (const t of o.spec?.volumeClaimTemplates ?? []) {
      checkLabelSet(messages, `${ref(o)} volumeClaimTemplate ${t.metadata?.name}`, t.metadata?.labels);
      const claim = `${t.metadata?.name}-${name}-0`;
      if (!DNS_LABEL.test(claim) || claim.length > 63) messages.push(`${ref(o)}: claim name ${claim} is not a valid name`);
    }
  }
  for (const [key, count] of seen) if (count > 1) messages.push(`${key}: ${count} objects of this kind share the name`);
  for (const route of objects.filter((o) => o.kind === 'HTTPRoute')) {
    for (const host of route.spec?.hostnames ?? []) if (!isDnsSubdomain(String(host))) messages.push(`${ref(route)}: hostname ${JSON.stringify(host)} is not a DNS name`);
    for (const parent of route.spec?.parentRefs ?? []) {
      if (!isDnsSubdomain(String(parent.name))) messages.push(`${ref(route)}: parentRef name ${JSON.stringify(parent.name)} is not a valid name`);
      if (parent.namespace !== undefined && !DNS_LABEL.test(String(parent.namespace))) messages.push(`${ref(route)}: parentRef namespace ${JSON.stringify(parent.namespace)} is not valid`);
      if (parent.sectionName !== undefined && !isDnsSubdomain(String(parent.sectionName))) messages.push(`${ref(route)}: parentRef sectionName ${JSON.stringify(parent.sectionName)} is not valid`);
    }
  }
  for (const cert of objects.filter((o) => o.kind === 'Certificate')) {
    for (const host of cert.spec?.dnsNames ?? []) if (!isDnsSubdomain(String(host).replace(/^\*\./, ''))) messages.push(`${ref(cert)}: dnsName ${JSON.stringify(host)} is not a DNS name`);
    if (!isDnsSubdomain(String(cert.spec?.secretName))) messages.push(`${ref(cert)}: secretName ${JSON.stringify(cert.spec?.secretName)} is not a valid Secret name`);
    if (!isDnsSubdomain(String(cert.spec?.issuerRef?.name))) messages.push(`${ref(cert)}: issuerRef name ${JSON.stringify(cert.spec?.issuerRef?.name)} is not a valid name`);
  }
  for (const sm of objects.filter((o) => o.kind === 'ServiceMonitor')) {
    checkLabelSet(messages, `${ref(sm)} selector`, sm.spec?.selector?.matchLabels);
    for (const e of sm.spec?.endpoints ?? []) if (e.port !== undefined && !DNS_LABEL.test(String(e.port))) messages.push(`${ref(sm)}: endpoint port ${JSON.stringify(e.port)} is not a port name`);
  }
  for (const np of objects.filter((o) => o.kind === 'NetworkPolicy')) {
    checkLabelSet(messages, `${ref(np)} podSelector`, np.spec?.podSelector?.matchLabels);
    for (const peer of (np.spec?.ingress ?? []).flatMap((r: any) => r.from ?? [])) {
      checkLabelSet(messages, `${ref(np)} peer podSelector`, peer.podSelector?.matchLabels);
      checkLabelSet(messages, `${ref(np)} peer namespaceSelector`, peer.namespaceSelector?.matchLabels);
      for (const expr of [...peer.podSelector?.matchExpressions ?? [], ...peer.namespaceSelector?.matchExpressions ?? []]) {
        if (!isQualifiedName(String(expr.key))) messages.push(`${ref(np)}: peer selector key ${JSON.stringify(expr.key)} is not valid`);
        for (const v of expr.values ?? []) if (!isLabelValue(v)) messages.push(`${ref(np)}: peer selector value ${JSON.stringify(v)} is not a label value`);
      }
    }
  }
  for (const pod of podTemplates(objects)) {
    const where = `${ref(pod.owner)} pod template`;
    checkLabelSet(messages, where, pod.labels);
    for (const label of RECOMMENDED_LABELS) if (!pod.labels[label]) messages.push(`${where}: recommended label ${label} is missing`);
    const portNames = new Set<string>();
    for (const c of [...pod.containers, ...pod.initContainers]) {
      if (!DNS_LABEL.test(c.name ?? '') || c.name.length > 63) messages.push(`${where}: container name ${JSON.stringify(c.name)} is not a DNS label`);
      for (const p of c.ports ?? []) {
        if (p.name === undefined) continue;
        if (!isPortName(p.name)) messages.push(`${where} container ${c.name}: port name ${JSON.stringify(p.name)} is not a valid port name (IANA_SVC_NAME, at most 15 characters)`);
        if (portNames.has(p.name)) messages.push(`${where}: port name ${p.name} is used twice in the pod`);
        portNames.add(p.name);
      }
    }
    for (const v of pod.spec.volumes ?? []) if (!DNS_LABEL.test(v.name ?? '')) messages.push(`${where}: volume name ${JSON.stringify(v.name)} is not a DNS label`);
    if (pod.spec.priorityClassName !== undefined && !isDnsSubdomain(String(pod.spec.priorityClassName))) messages.push(`${where}: priorityClassName ${JSON.stringify(pod.spec.priorityClassName)} is not a valid name`);
    for (const alias of pod.spec.hostAliases ?? []) {
      for (const host of alias.hostnames ?? []) if (!isDnsSubdomain(String(host))) messages.push(`${where}: hostAliases hostname ${JSON.stringify(host)} is not a DNS name`);
    }
    const selectors = [
      ...(pod.spec.topologySpreadConstraints ?? []).map((t: any) => t.labelSelector),
      ...['podAffinity', 'podAntiAffinity'].flatMap((k) => [
        ...(pod.spec.affinity?.[k]?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t: any) => t.labelSelector),
        ...(pod.spec.affinity?.[k]?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t: any) => t.podAffinityTerm?.labelSelector),
      ]),
    ];
    for (const selector of selectors) checkLabelSet(messages, `${where} scheduling selector`, selector?.matchLabels);
    for (const [key, value] of Object.entries(pod.spec.nodeSelector ?? {})) {
      if (!isQualifiedName(key)) messages.push(`${where}: nodeSelector key ${JSON.stringify(key)} is not valid`);
      if (!isLabelValue(value)) messages.push(`${where}: nodeSelector ${key} has invalid value ${JSON.stringify(value)}`);
    }
    for (const c of [...pod.containers, ...pod.initContainers]) {
      for (const e of c.env ?? []) if (!ENV_NAME.test(String(e.name))) messages.push(`${where} container ${c.name}: env name ${JSON.stringify(e.name)} is not a valid variable name`);
    }
  }
  return messages;
};

// ---------------------------------------------------------------------------------------------
// 4. Hardening

/** `registry/repository[:tag][@sha256:digest]` split into parts. */
export function parseImage(image: string): { name: string; tag?: string; digest?: string } {
  const [nameAndTag, digest] = image.split('@', 2);
  const slash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.lastIndexOf(':');
  return colon > slash
    ? { name: nameAndTag.slice(0, colon), tag: nameAndTag.slice(colon + 1), digest }
    : { name: nameAndTag, digest };
}

function probePort(probe: any): number | string | undefined {
  return probe?.httpGet?.port ?? probe?.tcpSocket?.port ?? probe?.grpc?.port;
}

export const hardening: Invariant = (objects) => {
  const messages: string[] = [];
  for (const pod of podTemplates(objects)) {
    const where = ref(pod.owner);
    const podSc = pod.spec.securityContext ?? {};
    if (pod.spec.automountServiceAccountToken !== false) messages.push(`${where}: automountServiceAccountToken is not false`);
    for (const field of ['hostPID', 'hostIPC']) if (pod.spec[field]) messages.push(`${where}: ${field} is set`);
    if (podSc.fsGroup !== undefined && !(podSc.fsGroup > 1000)) messages.push(`${where}: fsGroup ${podSc.fsGroup} is not > 1000`);
    for (const c of [...pod.containers, ...pod.initContainers]) {
      const at = `${where} container ${c.name}`;
      const sc = c.securityContext ?? {};
      const effective = (field: string) => sc[field] ?? podSc[field];
      if (effective('runAsNonRoot') !== true) messages.push(`${at}: runAsNonRoot is not true`);
      if (!(effective('runAsUser') > 1000)) messages.push(`${at}: runAsUser ${effective('runAsUser')} is not a UID > 1000`);
      if (!(effective('runAsGroup') > 1000)) messages.push(`${at}: runAsGroup ${effective('runAsGroup')} is not a GID > 1000`);
      if (effective('seccompProfile')?.type !== 'RuntimeDefault') messages.push(`${at}: seccompProfile is not RuntimeDefault`);
      if (sc.readOnlyRootFilesystem !== true) messages.push(`${at}: readOnlyRootFilesystem is not true`);
      if (sc.allowPrivilegeEscalation !== false) messages.push(`${at}: allowPrivilegeEscalation is not false`);
      if (sc.privileged === true) messages.push(`${at}: privileged`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) messages.push(`${at}: capabilities.drop does not include ALL`);
      if ((sc.capabilities?.add ?? []).length > 0) messages.push(`${at}: adds capabilities ${sc.capabilities.add.join(', ')}`);
      const requests = c.resources?.requests ?? {};
      const limits = c.resources?.limits ?? {};
      if (quantity(requests.cpu) === undefined) messages.push(`${at}: no valid CPU request`);
      if (quantity(requests.memory) === undefined) messages.push(`${at}: no valid memory request`);
      if (quantity(limits.memory) === undefined) messages.push(`${at}: no valid memory limit`);
      for (const resource of Object.keys(limits)) {
        const request = quantity(requests[resource]);
        const limit = quantity(limits[resource]);
        if (request !== undefined && limit !== undefined && request > limit) messages.push(`${at}: ${resource} request ${requests[resource]} exceeds its limit ${limits[resource]}`);
      }
      const image = typeof c.image === 'string' ? c.image : '';
      const parsed = parseImage(image);
      if (parsed.tag === 'latest') messages.push(`${at}: image ${image} uses the tag latest`);
      if (parsed.tag === undefined && parsed.digest === undefined) messages.push(`${at}: image ${JSON.stringify(image)} is pinned by neither tag nor digest`);
      if (parsed.digest !== undefined && !/^sha256:[a-f0-9]{64}$/.test(parsed.digest)) messages.push(`${at}: image ${image} has a malformed digest`);
      if (parsed.tag !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(parsed.tag)) messages.push(`${at}: image ${image} has a malformed tag`);
      if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)+$/.test(parsed.name)) messages.push(`${at}: image name ${JSON.stringify(parsed.name)} is not registry/repository`);
    }
    for (const c of [...pod.containers, ...pod.initContainers]) {
      for (const p of c.ports ?? []) {
        // Every pod runs as non-root: a port below 1024 cannot be bound (on the host network, the node's port).
        if (!(Number.isInteger(p.containerPort) && p.containerPort >= 1024 && p.containerPort <= 65535)) {
          messages.push(`${where} container ${c.name}: containerPort ${p.containerPort} is not in 1024-65535, which a non-root process${pod.spec.hostNetwork ? ' on the host network' : ''} cannot bind`);
        }
        if (pod.spec.hostNetwork && p.hostPort !== undefined && p.hostPort !== p.containerPort) messages.push(`${where} container ${c.name}: hostPort ${p.hostPort} differs from containerPort ${p.containerPort} on the host network`);
      }
    }
    if (pod.spec.hostNetwork) {
      // On the host network the container shares the node's stack: keep it strictly non-root and unprivileged.
      if (podSc.runAsNonRoot !== true) messages.push(`${where}: host-network pod without pod-level runAsNonRoot`);
      if (pod.spec.shareProcessNamespace) messages.push(`${where}: host-network pod shares its process namespace`);
    }
    for (const c of pod.containers) {
      const at = `${where} container ${c.name}`;
      const ports = containerPorts(pod).filter((p) => p.container === c.name);
      for (const kind of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
        const probe = c[kind];
        if (!probe) {
          if (kind !== 'startupProbe') messages.push(`${at}: no ${kind}`);
          continue;
        }
        if (probe.exec) continue;
        const port = probePort(probe);
        if (port === undefined) messages.push(`${at}: ${kind} has no port`);
        else if (!findPort(ports, port, 'TCP')) messages.push(`${at}: ${kind} port ${port} is not a TCP port of the container`);
      }
    }
  }
  return messages;
};

// ---------------------------------------------------------------------------------------------
// 5. Secrets

/** Env names that carry credentials (tokens, passwords, keys, secrets), never as literals. */
const SECRET_ENV = /(TOKEN|PASSWORD|SECRET|_KEYS?|API_KEY)$/;

/** Where each inline credential's text appears outside Secrets. */
function secretHits(objects: K8sObject[], values: readonly string[]): Array<{ where: string; path: string; value: string }> {
  const hits: Array<{ where: string; path: string; value: string }> = [];
  for (const o of objects) {
    const candidates = o.kind === 'Secret' ? strings(o.metadata, '.metadata') : strings(o);
    for (const { path, value } of candidates) {
      for (const secret of values) if (value.includes(secret)) hits.push({ where: ref(o), path, value: secret });
    }
  }
  return hits;
}

/** High-entropy stand-ins for the inline credentials (valid for every check, found nowhere by chance). */
const MARKERS = { registrationToken: 'tokMARKER7f3c9a1e5b2d8f4a6c0e9b7d5f3a1c8e', apiKey: 'APIMARKER4e8b2c6a0d9f', apiSecret: 'MARKER-secret-2b7e4f9a1c6d3e8b5f0a7c2d9e4b6f1a' };

function withMarkers(props: any): any {
  const copy = { ...props };
  if (typeof props.homeserver?.registrationToken === 'string') copy.homeserver = { ...props.homeserver, registrationToken: MARKERS.registrationToken };
  if (props.livekit?.keys) {
    const keys = { ...props.livekit.keys };
    if (typeof keys.apiKey === 'string') keys.apiKey = MARKERS.apiKey;
    if (typeof keys.apiSecret === 'string') keys.apiSecret = MARKERS.apiSecret;
    copy.livekit = { ...props.livekit, keys };
  }
  return copy;
}

export const secrets: Invariant = (objects, scenario) => {
  const messages: string[] = [];
  const values = scenario.inlineSecrets.filter((v) => v.length >= 8);
  for (const pod of podTemplates(objects)) {
    for (const c of [...pod.containers, ...pod.initContainers]) {
      for (const e of c.env ?? []) {
        if (SECRET_ENV.test(e.name) && e.valueFrom?.secretKeyRef === undefined) messages.push(`${ref(pod.owner)} container ${c.name}: env ${e.name} carries a credential but does not come from a secretKeyRef`);
      }
    }
  }
  let hits = secretHits(objects, values);
  if (hits.length > 0) {
    // A credential's text can also be other text by coincidence (a token "construct" in the image
    // ghcr.io/matrix-construct/…, or part of the server name). Synthesize again with high-entropy
    // markers: a marker outside Secrets is a leak; an original hit whose text stays when the
    // credential changes is a coincidence.
    let rerun: K8sObject[] | undefined;
    try { rerun = synth(withMarkers(scenario.props), scenario.namespace ?? null); } catch { rerun = undefined; }
    if (rerun) {
      const again = new Map(rerun.map((o) => [ref(o), strings(o)]));
      hits = hits.filter((h) => !(again.get(h.where) ?? []).some((x) => x.path === h.path && x.value.includes(h.value)));
      hits.push(...secretHits(rerun, Object.values(MARKERS)));
    }
  }
  for (const h of hits) messages.push(`${h.where}: an inline secret value appears at ${h.path}`);
  return [...new Set(messages)];
};

// ---------------------------------------------------------------------------------------------
// 6. Config files

const URL_FIELD = /^[^\s\u0000-\u001f\u007f]+$/;

function checkUrl(messages: string[], where: string, value: unknown, schemes: string[]): void {
  if (typeof value !== 'string' || !URL_FIELD.test(value)) {
    messages.push(`${where}: ${JSON.stringify(value)} contains whitespace or control characters, or is not a string`);
    return;
  }
  try {
    const url = new URL(value);
    if (!schemes.includes(url.protocol)) messages.push(`${where}: ${JSON.stringify(value)} is not a ${schemes.join(' or ')} URL`);
  } catch {
    messages.push(`${where}: ${JSON.stringify(value)} is not a URL`);
  }
}

export const configFiles: Invariant = (objects) => {
  const messages: string[] = [];
  for (const cm of objects.filter((o) => o.kind === 'ConfigMap')) {
    for (const [file, text] of Object.entries<string>(cm.data ?? {})) {
      const where = `${ref(cm)} ${file}`;
      if (file === 'tuwunel.toml') {
        let parsed: any;
        try {
          parsed = parseToml(text);
        } catch (error) {
          messages.push(`${where}: does not parse as TOML: ${(error as Error).message}`);
          continue;
        }
        for (const top of Object.keys(parsed)) if (top !== 'global') messages.push(`${where}: top-level table ${top} is not [global]`);
        const global = parsed.global ?? {};
        for (const path of keyPaths(global)) {
          if (!matchesAny(path, TUWUNEL_GLOBAL_KEYS)) messages.push(`${where}: global.${path} is not a key Tuwunel reads`);
          if (matchesAny(path, TUWUNEL_FORBIDDEN_IN_CONFIGMAP)) messages.push(`${where}: global.${path} must not be written into a ConfigMap`);
        }
        if (typeof global.server_name !== 'string' || global.server_name === '') messages.push(`${where}: global.server_name is missing`);
        if (global.address === undefined && global.unix_socket_path === undefined) messages.push(`${where}: global.address is unset, so Tuwunel listens on loopback only`);
        if (global.well_known?.livekit_url !== undefined && global.well_known?.rtc_transports !== undefined) messages.push(`${where}: both well_known.livekit_url and rtc_transports are set (clients see the transport twice)`);
        if (global.well_known?.client !== undefined) checkUrl(messages, `${where} well_known.client`, global.well_known.client, ['https:', 'http:']);
        if (global.well_known?.livekit_url !== undefined) checkUrl(messages, `${where} well_known.livekit_url`, global.well_known.livekit_url, ['https:', 'http:']);
        if (global.allow_registration === true && global.registration_token_file === undefined && global.registration_token === undefined) {
          // the env override TUWUNEL_REGISTRATION_TOKEN may supply it; checked with the env below
        }
      } else if (file === 'config.yaml') {
        let parsed: any;
        try {
          parsed = parseYaml(text, { strict: true, uniqueKeys: true });
        } catch (error) {
          messages.push(`${where}: does not parse as YAML: ${(error as Error).message}`);
          continue;
        }
        const patterns = LIVEKIT_KEYS.map((k) => k.path);
        for (const path of keyPaths(parsed ?? {})) {
          const top = path.split(/[.[]/)[0];
          const scalarArray = LIVEKIT_KEYS.some((k) => !k.scalar && (path === k.path || path.startsWith(`${k.path}[]`) || path.startsWith(`${k.path}.`)));
          if (!matchesAny(path, patterns) && !scalarArray) messages.push(`${where}: ${path} is not a key LiveKit reads (LiveKit refuses to start on unknown keys)`);
          if (matchesAny(path, LIVEKIT_FORBIDDEN_IN_CONFIGMAP) || top === 'keys') messages.push(`${where}: ${path} must not be written into a ConfigMap`);
        }
        if (parsed?.rtc?.node_ip !== undefined && parsed.rtc.use_external_ip !== false) messages.push(`${where}: rtc.node_ip is ignored while rtc.use_external_ip is not false`);
        if (parsed?.turn?.enabled) {
          if (Number(parsed.turn.tls_port) > 0 && !parsed.turn.domain) messages.push(`${where}: turn.tls_port without turn.domain`);
          if (Number(parsed.turn.tls_port) > 0 && !parsed.turn.external_tls && (!parsed.turn.cert_file || !parsed.turn.key_file)) messages.push(`${where}: TURNS without cert_file/key_file`);
        }
        if (parsed?.room?.auto_create !== false) messages.push(`${where}: room.auto_create is not false (lk-jwt-service must create rooms)`);
        for (const url of parsed?.webhook?.urls ?? []) checkUrl(messages, `${where} webhook.urls`, url, ['http:', 'https:']);
        if (parsed?.webhook !== undefined && !Array.isArray(parsed.webhook.urls)) messages.push(`${where}: webhook.urls is not a list`);
        if (parsed?.prometheus?.port !== undefined && !(Number.isInteger(parsed.prometheus.port) && parsed.prometheus.port > 0 && parsed.prometheus.port < 65536)) messages.push(`${where}: prometheus.port ${parsed.prometheus.port} is not a port`);
      }
    }
  }

  const configMaps = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, o]));
  const lkJwtKeyRefs = podTemplates(objects).filter((p) => programOf(p) === 'lk-jwt-service')
    .flatMap((p) => p.containers.flatMap((c: any) => (c.env ?? []).filter((e: any) => e.name === 'LIVEKIT_KEY').map((e: any) => e.valueFrom?.secretKeyRef)));
  for (const pod of podTemplates(objects)) {
    for (const c of pod.containers) {
      // A helper sidecar (busybox) is not the pod's program: its env and args are its own.
      const program = modelForImage(c.image) === BUSYBOX_MODEL ? BUSYBOX_MODEL.program : programOf(pod);
      const at = `${ref(pod.owner)} container ${c.name}`;
      const env: any[] = c.env ?? [];
      const names = env.map((e) => e.name);
      if (new Set(names).size !== names.length) messages.push(`${at}: an env var is set twice`);
      for (const e of env) {
        let allowed = true;
        if (program === 'tuwunel') {
          const path = tuwunelEnvKey(e.name);
          allowed = TUWUNEL_ENV_EXTRA.has(e.name) || (path !== undefined && matchesAny(path, TUWUNEL_GLOBAL_KEYS));
          if (e.name.toUpperCase().startsWith('TUWUNEL_APPSERVICE__') && !TUWUNEL_APPSERVICE_ENV.test(e.name)) allowed = false;
        } else if (program === 'livekit') {
          allowed = LIVEKIT_ENV.has(e.name);
        } else if (program === 'lk-jwt-service') {
          allowed = LK_JWT_ENV.has(e.name);
        }
        if (!allowed) messages.push(`${at}: env ${e.name} is not a variable ${program} reads`);
      }
      const value = (name: string) => env.find((e) => e.name === name);
      if (program === 'lk-jwt-service') {
        for (const required of ['LIVEKIT_URL', 'LIVEKIT_FULL_ACCESS_HOMESERVERS']) if (!value(required)) messages.push(`${at}: required env ${required} is missing`);
        if (!(value('LIVEKIT_KEY') && value('LIVEKIT_SECRET')) && !(value('LIVEKIT_KEY_FROM_FILE') && value('LIVEKIT_SECRET_FROM_FILE')) && !value('LIVEKIT_KEY_FILE')) {
          messages.push(`${at}: no LiveKit key and secret (LIVEKIT_KEY/LIVEKIT_SECRET or the *_FROM_FILE pair)`);
        }
        const url = value('LIVEKIT_URL');
        if (url?.value !== undefined) checkUrl(messages, `${at} env LIVEKIT_URL`, url.value, ['wss:', 'ws:', 'https:', 'http:']);
        const skip = value('LIVEKIT_INSECURE_SKIP_VERIFY_TLS');
        if (skip && skip.value !== 'YES_I_KNOW_WHAT_I_AM_DOING') messages.push(`${at}: LIVEKIT_INSECURE_SKIP_VERIFY_TLS has a value lk-jwt-service ignores`);
        if (value('LIVEKIT_JWT_PORT') && value('LIVEKIT_JWT_BIND')) messages.push(`${at}: LIVEKIT_JWT_PORT and LIVEKIT_JWT_BIND conflict`);
      }
      if (program === 'livekit' && !value('LIVEKIT_KEYS') && !(c.args ?? []).includes('--key-file')) {
        messages.push(`${at}: LiveKit gets no keys (LIVEKIT_KEYS or --key-file)`);
      }
      const configs = mountedConfigMaps(pod, c, configMaps);
      if (program === 'livekit') {
        for (const cm of configs) {
          const config = parseLiveKitConfig(cm);
          if (!config) continue;
          // Newer LiveKit resolves STUN after reading NODE_IP, so use_external_ip would override it (research §2d).
          if (value('NODE_IP') && config.rtc?.use_external_ip !== false) messages.push(`${at}: NODE_IP is set but ${ref(cm)} rtc.use_external_ip is not false, so STUN overrides it`);
          if (config.webhook?.urls !== undefined) {
            const apiKey = value('LIVEKIT_WEBHOOK_API_KEY');
            if (!apiKey && config.webhook.api_key === undefined) messages.push(`${at}: webhook.urls set without LIVEKIT_WEBHOOK_API_KEY, so LiveKit sends no signed webhooks`);
            // lk-jwt-service verifies webhooks with its LIVEKIT_KEY: both must come from the same Secret key.
            const jwtKey = lkJwtKeyRefs.length > 0 ? lkJwtKeyRefs : undefined;
            const ref_ = apiKey?.valueFrom?.secretKeyRef;
            if (jwtKey && ref_ && !jwtKey.some((k) => k?.name === ref_.name && k?.key === ref_.key)) {
              messages.push(`${at}: LIVEKIT_WEBHOOK_API_KEY comes from ${ref_.name}/${ref_.key}, but lk-jwt-service's LIVEKIT_KEY from ${jwtKey.map((k) => `${k?.name}/${k?.key}`).join(', ')}`);
            }
          }
          const redis = config.redis;
          const replicas = pod.owner.spec?.replicas ?? 1;
          const redisConfigured = redis
            && (redis.address || (redis.sentinel_addresses ?? []).length > 0 || (redis.cluster_addresses ?? []).length > 0);
          if (replicas > 1 && !redisConfigured) messages.push(`${at}: ${replicas} SFU replicas without a Redis address, so rooms split across nodes`);
          if (redis !== undefined && !redisConfigured) messages.push(`${ref(cm)}: redis section without address, sentinel_addresses or cluster_addresses`);
          if ((redis?.sentinel_addresses ?? []).length > 0 && !redis.sentinel_master_name) messages.push(`${ref(cm)}: redis.sentinel_addresses without sentinel_master_name`);
          for (const a of [redis?.address, ...redis?.sentinel_addresses ?? [], ...redis?.cluster_addresses ?? []].filter((x) => x !== undefined)) {
            if (typeof a !== 'string' || !/^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+):\d{1,5}$/.test(a)) messages.push(`${ref(cm)}: Redis address ${JSON.stringify(a)} is not host:port`);
          }
          if ((value('LIVEKIT_REDIS_PASSWORD') || value('LIVEKIT_REDIS_SENTINEL_PASSWORD')) && !redisConfigured) messages.push(`${at}: a Redis password is set but no Redis is configured`);
          if (pod.spec.hostNetwork && config.rtc?.node_ip !== undefined && replicas > 1) messages.push(`${at}: every host-network replica advertises the same rtc.node_ip`);
        }
      }
      if (program === 'tuwunel') {
        // Appservice tables in tuwunel.toml and their token env overrides must name the same IDs (Figment lowercases env keys).
        const tables = new Set<string>();
        for (const cm of configs) {
          const text = cm.data?.['tuwunel.toml'];
          if (typeof text !== 'string') continue;
          try { Object.keys((parseToml(text) as any).global?.appservice ?? {}).forEach((id) => tables.add(id)); } catch { /* reported above */ }
        }
        const tokens = new Map<string, Set<string>>();
        for (const e of env) {
          const key = tuwunelEnvKey(e.name);
          const match = key === undefined ? null : /^appservice\.([^.]+)\.(as_token|hs_token)$/.exec(key);
          if (!match) continue;
          if (!tables.has(match[1])) messages.push(`${at}: env ${e.name} sets global.appservice.${match[1]}.${match[2]}, but tuwunel.toml has no [global.appservice.${match[1]}] table`);
          if (e.valueFrom?.secretKeyRef === undefined) messages.push(`${at}: env ${e.name} is not taken from a Secret`);
          tokens.set(match[1], new Set([...tokens.get(match[1]) ?? [], match[2]]));
        }
        for (const id of tables) {
          for (const token of ['as_token', 'hs_token']) {
            if (!tokens.get(id)?.has(token)) messages.push(`${at}: appservice ${id} gets no ${token} (required by Tuwunel) from env`);
          }
        }
      }
      if (program === 'tuwunel' && !value('TUWUNEL_CONFIG') && !(c.args ?? []).some((a: string) => a === '-c' || a.startsWith('--config'))) {
        messages.push(`${at}: Tuwunel is given no config file (TUWUNEL_CONFIG or -c)`);
      }
      for (const e of env) {
        if (e.value !== undefined && /[\u0000-\u0008\u000b-\u001f\u007f]/.test(e.value)) messages.push(`${at}: env ${e.name} holds control characters`);
      }
    }
  }
  return messages;
};

// ---------------------------------------------------------------------------------------------
// 7. Determinism

export const determinism: Invariant = (objects, scenario) => {
  const first = toYaml(objects);
  const second = toYaml(synth(scenario.props, scenario.namespace ?? null));
  if (first === second) return [];
  const a = first.split('\n');
  const b = second.split('\n');
  const line = a.findIndex((l, i) => l !== b[i]);
  return [`output differs between two synths from line ${line + 1}: ${JSON.stringify(a[line])} vs ${JSON.stringify(b[line])}`];
};

/** Invariants 1–7, by name. */
export const INVARIANTS: ReadonlyArray<readonly [string, Invariant]> = [
  ['1 schema', schema],
  ['2 references', references],
  ['3 names and labels', namesAndLabels],
  ['4 hardening', hardening],
  ['5 secrets', secrets],
  ['6 config files', configFiles],
  ['7 determinism', determinism],
  ['8 mounted files readable', mountedFilesReadable],
  ['9 start-up files', startupFiles],
  ['10 API server', apiServer],
];

/** Runs every invariant and returns all messages, each prefixed with the invariant's name. */
export function checkAll(objects: K8sObject[], scenario: Scenario): string[] {
  return INVARIANTS.flatMap(([name, check]) => check(objects, scenario).map((m) => `[${name}] ${m}`));
}
