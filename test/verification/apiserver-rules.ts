// Primitives of the API server's validation (k8s.io/apimachinery pkg/util/validation and friends), ported independently of src/.
import { isIP } from 'node:net';

// apimachinery pkg/util/validation/validation.go: dns1123LabelFmt, dns1035LabelFmt, qualifiedNameFmt (content.IsLabelKey).
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** IsDNS1123Label. */
export const isDns1123Label = (v: unknown): boolean => typeof v === 'string' && v.length <= 63 && DNS1123_LABEL.test(v);
/** IsDNS1035Label. */
export const isDns1035Label = (v: unknown): boolean => typeof v === 'string' && v.length <= 63 && DNS1035_LABEL.test(v);
/** IsDNS1123Subdomain. */
export const isDns1123Subdomain = (v: unknown): boolean => typeof v === 'string' && v.length <= 253 && v.length > 0 && v.split('.').every((l) => DNS1123_LABEL.test(l));
/** IsWildcardDNS1123Subdomain. */
export const isWildcardSubdomain = (v: unknown): boolean => typeof v === 'string' && v.length <= 253 && v.startsWith('*.') && isDns1123Subdomain(v.slice(2));

/** IsQualifiedName: optional DNS-subdomain prefix and "/", then a name of at most 63 characters. */
export function isQualifiedName(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const parts = v.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME_PART.test(name)) return false;
  return parts.length === 1 || (parts[0].length > 0 && isDns1123Subdomain(parts[0]));
}

/** IsValidLabelValue. */
export const isLabelValue = (v: unknown): boolean => typeof v === 'string' && (v === '' || (v.length <= 63 && QUALIFIED_NAME_PART.test(v)));

/** IsConfigMapKey: characters, length, and hasChDirPrefix (`.`, `..`, a `..` prefix). */
export const isConfigMapKey = (v: unknown): boolean => typeof v === 'string' && v.length > 0 && v.length <= 253 && /^[-._a-zA-Z0-9]+$/.test(v) && v !== '.' && v !== '..' && !v.startsWith('..');

/** IsEnvVarName (strict form; also hasChDirPrefix). */
export const isEnvVarName = (v: unknown): boolean => typeof v === 'string' && /^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(v) && v !== '.' && !v.startsWith('..');

/** IsValidPortName (IANA service names). */
export function isValidPortName(v: unknown): boolean {
  return typeof v === 'string' && v.length > 0 && v.length <= 15 && /^[-a-z0-9]+$/.test(v) && /[a-z]/.test(v) && !v.includes('--') && !v.startsWith('-') && !v.endsWith('-');
}

/** IsValidPortNum. */
export const isPortNumber = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535;

/** An int32 field (the API types are int32; JSON numbers beyond it fail to decode). */
export const isInt32 = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31;

/** A valid IP (netutils.ParseIPSloppy) and CIDR (ParseCIDRSloppy). */
export const isIpAddress = (v: unknown): boolean => typeof v === 'string' && isIP(v) !== 0;
export function isCidr(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const m = /^([^/]+)\/([0-9]{1,3})$/.exec(v);
  if (!m) return false;
  const family = isIP(m[1]);
  return (family === 4 && Number(m[2]) <= 32) || (family === 6 && Number(m[2]) <= 128);
}

const SUFFIX: Record<string, number> = { '': 1, 'n': 1e-9, 'u': 1e-6, 'm': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18, 'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'Pi': 2 ** 50, 'Ei': 2 ** 60 };

/** apimachinery pkg/api/resource ParseQuantity (as a float; undefined = does not parse). Numbers are quantities too. */
export function parseQuantity(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?[0-9]+))?$/.exec(v);
  if (!m) return undefined;
  return Number(m[1]) * (m[3] !== undefined ? 10 ** Number(m[3]) : SUFFIX[m[2] ?? '']);
}

/** Collects messages for one object, each prefixed with the object and the Go function the rule ports. */
export class Findings {
  public readonly messages: string[] = [];
  constructor(private readonly where: string) {}
  public add(field: string, what: string, rule: string): void {
    this.messages.push(`${this.where}: ${field} ${what} (${rule})`);
  }
  public check(ok: boolean, field: string, what: string, rule: string): void {
    if (!ok) this.add(field, what, rule);
  }
}

export const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const show = (v: unknown): string => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/** apimachinery pkg/apis/meta/v1/validation ValidateLabels. */
export function checkLabels(f: Findings, field: string, labels: unknown): void {
  if (labels === undefined) return;
  if (!isObject(labels)) return f.add(field, 'is not a map', 'ValidateLabels');
  for (const [k, v] of Object.entries(labels)) {
    f.check(isQualifiedName(k), `${field}[${show(k)}]`, 'key is not a qualified name', 'ValidateLabelName');
    f.check(isLabelValue(v), `${field}[${show(k)}]`, `value ${show(v)} is not a valid label value`, 'IsValidLabelValue');
  }
}

/** apimachinery pkg/apis/meta/v1/validation ValidateLabelSelector (and ValidateLabelSelectorRequirement). */
export function checkLabelSelector(f: Findings, field: string, selector: unknown): void {
  if (selector === undefined || selector === null) return;
  if (!isObject(selector)) return f.add(field, 'is not a label selector', 'ValidateLabelSelector');
  checkLabels(f, `${field}.matchLabels`, selector.matchLabels);
  const exprs = selector.matchExpressions ?? [];
  if (!Array.isArray(exprs)) return f.add(`${field}.matchExpressions`, 'is not a list', 'ValidateLabelSelector');
  exprs.forEach((r: any, i: number) => {
    const at = `${field}.matchExpressions[${i}]`;
    const values = r?.values ?? [];
    if (['In', 'NotIn'].includes(r?.operator)) f.check(Array.isArray(values) && values.length > 0, `${at}.values`, `must be non-empty with ${r.operator}`, 'ValidateLabelSelectorRequirement');
    else if (['Exists', 'DoesNotExist'].includes(r?.operator)) f.check(Array.isArray(values) && values.length === 0, `${at}.values`, `must be empty with ${r.operator}`, 'ValidateLabelSelectorRequirement');
    else f.add(`${at}.operator`, `${show(r?.operator)} is not a valid selector operator`, 'ValidateLabelSelectorRequirement');
    f.check(isQualifiedName(r?.key), `${at}.key`, `${show(r?.key)} is not a qualified name`, 'ValidateLabelSelectorRequirement');
    if (Array.isArray(values)) values.forEach((v: unknown) => f.check(isLabelValue(v), `${at}.values`, `${show(v)} is not a valid label value`, 'ValidateLabelSelectorRequirement'));
  });
}

/** apimachinery pkg/api/validation/objectmeta.go ValidateAnnotations: keys lowercased then IsQualifiedName; total size 256 KiB. */
export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * 1024;
export function checkAnnotations(f: Findings, field: string, annotations: unknown): void {
  if (annotations === undefined) return;
  if (!isObject(annotations)) return f.add(field, 'is not a map', 'ValidateAnnotations');
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    f.check(isQualifiedName(k.toLowerCase()), `${field}[${show(k)}]`, 'key is not a qualified name', 'ValidateAnnotations');
    f.check(typeof v === 'string', `${field}[${show(k)}]`, 'value is not a string', 'ValidateAnnotations');
    total += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  f.check(total <= TOTAL_ANNOTATION_SIZE_LIMIT_B, field, `total ${total} bytes exceeds ${TOTAL_ANNOTATION_SIZE_LIMIT_B}`, 'ValidateAnnotationsSize');
}
