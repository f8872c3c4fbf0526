// Pure checks of user-supplied Kubernetes structs against the API server's own rules (ported from k8s.io/kubernetes and apimachinery).
import { Construct } from 'constructs';
import { Problems, show as showText } from './validation';

/** Quotes any user value for a message; unlike a template string it cannot throw (objects without a prototype). */
function show(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return showText(value);
  try {
    return showText(JSON.stringify(value));
  } catch {
    return 'an unprintable value';
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** apimachinery IsDNS1123Label: what a namespace name must be. */
export function isDnsLabel(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 63 && DNS_LABEL.test(value);
}

function isDnsSubdomain(value: string): boolean {
  return value.length > 0 && value.length <= 253 && value.split('.').every((l) => DNS_LABEL.test(l));
}

/** apimachinery IsConfigMapKey: the characters, at most 253 of them, and not `.`, `..` or starting with `..` (hasChDirPrefix). */
export function isConfigMapKey(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0 && value.length <= 253 && /^[-._a-zA-Z0-9]+$/.test(value) && value !== '.' && !value.startsWith('..');
}

/** apimachinery IsQualifiedName (label keys, topology keys, toleration keys). */
export function isQualifiedName(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const parts = value.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) return false;
  return parts.length === 1 || isDnsSubdomain(parts[0]);
}

/** apimachinery IsValidLabelValue. */
export function isLabelValue(value: unknown): boolean {
  return typeof value === 'string' && (value === '' || (value.length <= 63 && LABEL_NAME.test(value)));
}

const SUFFIX: Record<string, number> = { '': 1, 'n': 1e-9, 'u': 1e-6, 'm': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18, 'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'Pi': 2 ** 50, 'Ei': 2 ** 60 };

/** apimachinery resource.ParseQuantity, as a number (undefined when it does not parse). */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?[0-9]+))?$/.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * (match[3] !== undefined ? 10 ** Number(match[3]) : SUFFIX[match[2] ?? '']);
}

/** A quantity above zero: ValidatePersistentVolumeClaimSpec requires `storage` "must be greater than zero". */
export function isPositiveQuantity(value: unknown): boolean {
  const parsed = parseQuantity(value);
  return parsed !== undefined && parsed > 0;
}

/** Millicores of a kplus Cpu amount; throws on what ValidateNonnegativeQuantity or ParseQuantity refuses (`-250m`, `NaNm`). */
export function cpuMillisOf(amount: unknown): number {
  const text = typeof amount === 'string' ? amount : show(amount);
  const millis = text.endsWith('m') ? Number(text.slice(0, -1)) : Number(text) * 1000;
  if (!Number.isFinite(millis) || millis < 0) throw new Error(`${show(text)} is not a non-negative number of cores`);
  return millis;
}

/** Requests may not exceed limits (ValidateResourceRequirements: "must be less than or equal to ... limit"), for sizes given as kplus Size. */
interface SizeLike { toKibibytes(): number }

export function checkSizeRequestNotAboveLimit(problems: Problems, path: string, pair: { request?: SizeLike; limit?: SizeLike } | undefined): void {
  if (!pair?.request || !pair.limit) return;
  let request: number;
  let limit: number;
  try {
    request = pair.request.toKibibytes();
    limit = pair.limit.toKibibytes();
  } catch {
    return; // reported where the quantity is built
  }
  if (request > limit) {
    problems.add(`${path}.request`, `is above ${path.split('.').pop()}.limit`, 'the API server rejects a container whose request exceeds its limit', `raise ${path.split('.').pop()}.limit or lower the request`);
  }
}

/** The API server's limit on one object's annotations (apimachinery ValidateAnnotationsSize, TotalAnnotationSizeLimitB). */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** Bytes of annotations as ValidateAnnotationsSize counts them (UTF-8 key plus value). */
export function annotationsSize(annotations: Record<string, unknown> | undefined): number {
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) total += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  return total;
}

/** Reports annotations above 256 KiB in total. */
export function checkAnnotationsSize(problems: Problems, path: string, annotations: Record<string, unknown> | undefined): void {
  const size = annotationsSize(annotations);
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) {
    problems.add(path, `total ${size} bytes, above the API server's limit of ${TOTAL_ANNOTATION_SIZE_LIMIT}`, 'the API server rejects the object ("metadata.annotations: Too long")', 'shorten or drop annotations');
  }
}

/**
 * The Ingress's final annotations: their total size, and `kubernetes.io/ingress.class` against `ingressClassName`
 * (pkg/apis/networking/validation ValidateIngressCreate: "must match `ingressClassName` when both are specified").
 */
export function checkIngressAnnotations(problems: Problems, path: string, merged: Record<string, string>, className: string): void {
  if (annotationsSize(merged) > TOTAL_ANNOTATION_SIZE_LIMIT) {
    problems.add(path, `with the controller annotations the stack adds (e.g. the allow-list) total ${annotationsSize(merged)} bytes, above the API server's limit of ${TOTAL_ANNOTATION_SIZE_LIMIT}`, 'the API server rejects the Ingress ("metadata.annotations: Too long")', 'shorten the annotations or ingress.whitelistSourceRange');
  }
  const legacy = merged['kubernetes.io/ingress.class'];
  if (legacy !== undefined && legacy !== className) {
    problems.add(`${path}.kubernetes.io/ingress.class`, `${show(legacy)} contradicts ingress.className ${show(className)}`, 'the API server rejects an Ingress whose kubernetes.io/ingress.class annotation differs from spec.ingressClassName', 'remove the annotation (ingress.className sets the class)');
  }
}

const TAINT_EFFECTS = ['', 'NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

function bad(problems: Problems, path: string, what: string, rule: string): void {
  problems.add(path, what, `the API server rejects every pod spec carrying it (${rule})`, 'correct the value as the Kubernetes API reference describes');
}

/** pkg/apis/core/validation ValidateTolerations. */
export function checkTolerations(problems: Problems, path: string, tolerations: unknown): void {
  if (tolerations === undefined) return;
  if (!Array.isArray(tolerations)) return bad(problems, path, `${show(tolerations)} is not a list`, 'ValidateTolerations');
  tolerations.forEach((t, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(t)) return bad(problems, at, `${show(t)} is not a toleration object`, 'ValidateTolerations');
    const key = t.key ?? '';
    const operator = t.operator ?? 'Equal';
    if (key !== '' && !isQualifiedName(key)) bad(problems, `${at}.key`, `${show(key)} is not a qualified name`, 'ValidateTolerations: key');
    if (key === '' && operator !== 'Exists') bad(problems, `${at}.operator`, `must be Exists when key is empty, not ${show(operator)}`, 'ValidateTolerations');
    if (t.tolerationSeconds !== undefined && (t.effect !== 'NoExecute' || !isInt(t.tolerationSeconds))) bad(problems, `${at}.tolerationSeconds`, 'is set without effect NoExecute or is not a whole number', 'ValidateTolerations: effect must be NoExecute when tolerationSeconds is set');
    if (operator === 'Equal') {
      if (!isLabelValue(t.value ?? '')) bad(problems, `${at}.value`, `${show(t.value)} is not a valid label value`, 'ValidateTolerations');
    } else if (operator === 'Exists') {
      if (t.value !== undefined && t.value !== '') bad(problems, `${at}.value`, 'must be empty when operator is Exists', 'ValidateTolerations');
    } else {
      bad(problems, `${at}.operator`, `${show(operator)} is not Equal or Exists`, 'ValidateTolerations');
    }
    if (!TAINT_EFFECTS.includes(t.effect ?? '')) bad(problems, `${at}.effect`, `${show(t.effect)} is not NoSchedule, PreferNoSchedule or NoExecute`, 'validateTaintEffect');
  });
}

/** pkg/apis/core/validation validateNodeSelectorRequirement, for matchExpressions (node labels) and matchFields (metadata.name). */
function checkNodeSelectorRequirement(problems: Problems, at: string, r: unknown, fields: boolean): void {
  if (!isObject(r)) return bad(problems, at, `${show(r)} is not a requirement object`, 'validateNodeSelectorRequirement');
  const values = r.values ?? [];
  if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) return bad(problems, `${at}.values`, 'is not a list of strings', 'validateNodeSelectorRequirement');
  if (fields) {
    if (r.key !== 'metadata.name') bad(problems, `${at}.key`, `${show(r.key)} is not a supported field (metadata.name)`, 'validateNodeFieldSelectorRequirement');
    if (!['In', 'NotIn'].includes(r.operator) || values.length !== 1) bad(problems, at, 'a metadata.name field selector must use In or NotIn with exactly one value', 'validateNodeFieldSelectorRequirement');
    return;
  }
  switch (r.operator) {
    case 'In': case 'NotIn':
      if (values.length === 0) bad(problems, `${at}.values`, `must be non-empty with operator ${r.operator}`, 'validateNodeSelectorRequirement');
      break;
    case 'Exists': case 'DoesNotExist':
      if (values.length > 0) bad(problems, `${at}.values`, `must be empty with operator ${r.operator}`, 'validateNodeSelectorRequirement');
      break;
    case 'Gt': case 'Lt':
      if (values.length !== 1 || !/^[-+]?[0-9]+$/.test(values[0])) bad(problems, `${at}.values`, `must be one integer with operator ${r.operator}`, 'validateNodeSelectorRequirement');
      break;
    default:
      bad(problems, `${at}.operator`, `${show(r.operator)} is not In, NotIn, Exists, DoesNotExist, Gt or Lt`, 'validateNodeSelectorRequirement');
  }
  if (!isQualifiedName(r.key)) bad(problems, `${at}.key`, `${show(r.key)} is not a qualified name`, 'validateNodeSelectorRequirement: key');
}

/** pkg/apis/core/validation validateNodeSelectorTerm. */
function checkNodeSelectorTerm(problems: Problems, at: string, term: unknown): void {
  if (!isObject(term)) return bad(problems, at, `${show(term)} is not a node selector term`, 'validateNodeSelectorTerm');
  for (const [field, isFields] of [['matchExpressions', false], ['matchFields', true]] as const) {
    const list = term[field] ?? [];
    if (!Array.isArray(list)) bad(problems, `${at}.${field}`, 'is not a list', 'validateNodeSelectorTerm');
    else list.forEach((r, j) => checkNodeSelectorRequirement(problems, `${at}.${field}[${j}]`, r, isFields));
  }
}

/** apimachinery metav1 validation ValidateLabelSelector (with ValidateLabelSelectorRequirement and ValidateLabels). */
export function checkLabelSelector(problems: Problems, at: string, selector: unknown, rule: string): void {
  if (selector === undefined || selector === null) return;
  if (!isObject(selector)) return bad(problems, at, `${show(selector)} is not a label selector`, rule);
  const matchLabels = selector.matchLabels ?? {};
  if (!isObject(matchLabels)) {bad(problems, `${at}.matchLabels`, 'is not a map', rule);} else {
    for (const [k, v] of Object.entries(matchLabels)) {
      if (!isQualifiedName(k) || !isLabelValue(v)) bad(problems, `${at}.matchLabels`, `${show(k)}: ${show(v)} is not a valid label`, `${rule}: ValidateLabels`);
    }
  }
  const expressions = selector.matchExpressions ?? [];
  if (!Array.isArray(expressions)) return bad(problems, `${at}.matchExpressions`, 'is not a list', rule);
  expressions.forEach((r, j) => {
    const rAt = `${at}.matchExpressions[${j}]`;
    if (!isObject(r)) return bad(problems, rAt, `${show(r)} is not a requirement`, rule);
    const values = r.values ?? [];
    if (!Array.isArray(values) || values.some((v) => !isLabelValue(v))) return bad(problems, `${rAt}.values`, 'is not a list of label values', `${rule}: ValidateLabelSelectorRequirement`);
    if (['In', 'NotIn'].includes(r.operator)) {
      if (values.length === 0) bad(problems, `${rAt}.values`, `must be non-empty with operator ${r.operator}`, `${rule}: ValidateLabelSelectorRequirement`);
    } else if (['Exists', 'DoesNotExist'].includes(r.operator)) {
      if (values.length > 0) bad(problems, `${rAt}.values`, `must be empty with operator ${r.operator}`, `${rule}: ValidateLabelSelectorRequirement`);
    } else {
      bad(problems, `${rAt}.operator`, `${show(r.operator)} is not In, NotIn, Exists or DoesNotExist`, `${rule}: ValidateLabelSelectorRequirement`);
    }
    if (!isQualifiedName(r.key)) bad(problems, `${rAt}.key`, `${show(r.key)} is not a qualified name`, `${rule}: ValidateLabelSelectorRequirement`);
  });
}

function checkWeight(problems: Problems, at: string, weight: unknown, rule: string): void {
  if (!isInt(weight) || weight < 1 || weight > 100) bad(problems, `${at}.weight`, `${show(weight)} is not a whole number from 1 to 100`, rule);
}

/** pkg/apis/core/validation validatePodAffinityTerm. */
function checkPodAffinityTerm(problems: Problems, at: string, term: unknown): void {
  if (!isObject(term)) return bad(problems, at, `${show(term)} is not a pod affinity term`, 'validatePodAffinityTerm');
  if (!isQualifiedName(term.topologyKey)) bad(problems, `${at}.topologyKey`, `${show(term.topologyKey)} is not set or not a qualified name`, 'validatePodAffinityTerm: topologyKey');
  checkLabelSelector(problems, `${at}.labelSelector`, term.labelSelector, 'validatePodAffinityTerm');
  checkLabelSelector(problems, `${at}.namespaceSelector`, term.namespaceSelector, 'validatePodAffinityTerm');
  const namespaces = term.namespaces ?? [];
  if (!Array.isArray(namespaces) || namespaces.some((n) => !isDnsLabel(n))) bad(problems, `${at}.namespaces`, 'is not a list of namespace names', 'validatePodAffinityTerm: ValidateNamespaceName');
}

/** pkg/apis/core/validation validateAffinity: node affinity (ValidateNodeSelector, validatePreferredSchedulingTerms) and pod (anti-)affinity. */
export function checkAffinity(problems: Problems, path: string, affinity: unknown): void {
  if (affinity === undefined) return;
  if (!isObject(affinity)) return bad(problems, path, `${show(affinity)} is not an affinity object`, 'validateAffinity');
  const node = affinity.nodeAffinity;
  if (node !== undefined) {
    const required = node?.requiredDuringSchedulingIgnoredDuringExecution;
    if (required !== undefined) {
      const terms = required?.nodeSelectorTerms;
      if (!Array.isArray(terms) || terms.length === 0) bad(problems, `${path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`, 'must have at least one node selector term', 'ValidateNodeSelector');
      else terms.forEach((t, i) => checkNodeSelectorTerm(problems, `${path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[${i}]`, t));
    }
    const preferred = node?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    if (!Array.isArray(preferred)) {bad(problems, `${path}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution`, 'is not a list', 'validatePreferredSchedulingTerms');} else {
      preferred.forEach((p, i) => {
        const at = `${path}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
        if (!isObject(p)) return bad(problems, at, `${show(p)} is not a preferred scheduling term`, 'validatePreferredSchedulingTerms');
        checkWeight(problems, at, p.weight, 'validatePreferredSchedulingTerms');
        checkNodeSelectorTerm(problems, `${at}.preference`, p.preference);
      });
    }
  }
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const pod = affinity[kind];
    if (pod === undefined) continue;
    const required = pod?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    if (!Array.isArray(required)) bad(problems, `${path}.${kind}.requiredDuringSchedulingIgnoredDuringExecution`, 'is not a list', 'validatePodAffinityTerms');
    else required.forEach((t, i) => checkPodAffinityTerm(problems, `${path}.${kind}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`, t));
    const preferred = pod?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    if (!Array.isArray(preferred)) {bad(problems, `${path}.${kind}.preferredDuringSchedulingIgnoredDuringExecution`, 'is not a list', 'validateWeightedPodAffinityTerms');} else {
      preferred.forEach((p, i) => {
        const at = `${path}.${kind}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
        if (!isObject(p)) return bad(problems, at, `${show(p)} is not a weighted pod affinity term`, 'validateWeightedPodAffinityTerms');
        checkWeight(problems, at, p.weight, 'validateWeightedPodAffinityTerms');
        checkPodAffinityTerm(problems, `${at}.podAffinityTerm`, p.podAffinityTerm);
      });
    }
  }
}

/** pkg/apis/core/validation validateTopologySpreadConstraints. */
export function checkTopologySpreadConstraints(problems: Problems, path: string, constraints: unknown): void {
  if (constraints === undefined) return;
  if (!Array.isArray(constraints)) return bad(problems, path, `${show(constraints)} is not a list`, 'validateTopologySpreadConstraints');
  const seen = new Set<string>();
  constraints.forEach((c, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(c)) return bad(problems, at, `${show(c)} is not a topology spread constraint`, 'validateTopologySpreadConstraints');
    if (!isInt(c.maxSkew) || c.maxSkew <= 0) bad(problems, `${at}.maxSkew`, `${show(c.maxSkew)} is not a whole number above zero`, 'ValidateMaxSkew');
    if (!isQualifiedName(c.topologyKey)) bad(problems, `${at}.topologyKey`, `${show(c.topologyKey)} is not set or not a qualified name`, 'ValidateTopologyKey');
    if (!['DoNotSchedule', 'ScheduleAnyway'].includes(c.whenUnsatisfiable)) bad(problems, `${at}.whenUnsatisfiable`, `${show(c.whenUnsatisfiable)} is not DoNotSchedule or ScheduleAnyway`, 'ValidateWhenUnsatisfiable');
    const pair = `${show(c.topologyKey)}|${show(c.whenUnsatisfiable)}`;
    if (seen.has(pair)) bad(problems, at, `repeats topologyKey ${show(c.topologyKey)} with whenUnsatisfiable ${show(c.whenUnsatisfiable)}`, 'ValidateSpreadConstraintNotRepeat');
    seen.add(pair);
    if (c.minDomains !== undefined && (!isInt(c.minDomains) || c.minDomains <= 0 || c.whenUnsatisfiable !== 'DoNotSchedule')) bad(problems, `${at}.minDomains`, 'must be a whole number above zero, with whenUnsatisfiable DoNotSchedule', 'validateMinDomains');
    for (const policy of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
      if (c[policy] !== undefined && !['Honor', 'Ignore'].includes(c[policy])) bad(problems, `${at}.${policy}`, `${show(c[policy])} is not Honor or Ignore`, 'validateNodeInclusionPolicy');
    }
    const keys = c.matchLabelKeys ?? [];
    if (!Array.isArray(keys) || keys.some((k) => !isQualifiedName(k))) bad(problems, `${at}.matchLabelKeys`, 'is not a list of label keys', 'validateMatchLabelKeysInTopologySpread');
    else if (keys.length > 0 && !isObject(c.labelSelector)) bad(problems, `${at}.matchLabelKeys`, 'requires labelSelector', 'validateMatchLabelKeysInTopologySpread');
    checkLabelSelector(problems, `${at}.labelSelector`, c.labelSelector, 'validateTopologySpreadConstraints');
  });
}

/**
 * The stricter of the size limits an object meets (Secret/ConfigMap data: MaxSecretSize 1 MiB;
 * etcd's request limit is 1.5 MiB): applied to each object's serialized JSON.
 */
export const MAX_OBJECT_SIZE = 1024 * 1024;
/**
 * Props this small cannot make an object of 1 MiB: the fixed output is a few KiB and escaping at
 * most multiplies a string's length by twelve (TOML then JSON), so larger props are measured.
 */
const PROPS_SIZE_WORTH_MEASURING = 64 * 1024;

/** The deepest prop path holding most of the text (the likely cause of an oversized object). */
function largestProp(value: unknown, path: string): { path: string; size: number } {
  let best = { path, size: JSON.stringify(value ?? null)?.length ?? 0 };
  const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((v, i) => [`${path}[${i}]`, v]) : isObject(value) ? Object.entries(value).map(([k, v]) => [path === '' ? k : `${path}.${k}`, v]) : [];
  let bestChild: { path: string; size: number } | undefined;
  for (const [childPath, child] of entries) {
    const found = largestProp(child, childPath);
    if (!bestChild || found.size > bestChild.size) bestChild = found;
  }
  if (bestChild && (bestChild.size * 2 > best.size || path === '')) best = bestChild;
  return best;
}

/**
 * Registers a check of every generated object's size when the props are large enough to matter
 * (measuring means serializing, so small props skip it).
 */
export function checkObjectSizes(scope: Construct, props: unknown, objects: () => Array<{ kind: string; name: string; toJson(): unknown }>): void {
  let propsSize: number;
  try {
    propsSize = JSON.stringify(props)?.length ?? 0;
  } catch {
    return;
  }
  if (propsSize <= PROPS_SIZE_WORTH_MEASURING) return;
  scope.node.addValidation({
    validate: () => {
      const problems = new Problems();
      const culprit = largestProp(props, '');
      for (const o of objects()) {
        const size = Buffer.byteLength(JSON.stringify(o.toJson()));
        if (size > MAX_OBJECT_SIZE) {
          problems.add(culprit.path, `makes ${o.kind}/${o.name} ${size} bytes, above ${MAX_OBJECT_SIZE}`, 'the API server rejects objects of more than 1 MiB (Secret and ConfigMap data) and etcd requests above 1.5 MiB', 'shorten the value, or move large data into a Secret or ConfigMap you manage yourself');
        }
      }
      return problems.all;
    },
  });
}
