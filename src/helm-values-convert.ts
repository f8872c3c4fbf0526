// Value converters of the Helm values mapper: log levels, Secret references, images, resources and quantities, source ranges.
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Reader, describe, isPlainObject, isUnset } from './helm-values-reader';
import { ImageProps } from './images';
import { LogLevel } from './livekit-props';

/** A log level as LiveKit spells it: debug, info, warn or error. */
export function logLevel(r: Reader, path: string, value: unknown): LogLevel | undefined {
  const text = r.str(path, value);
  if (text === undefined) return undefined;
  const level = Object.values(LogLevel).find((l) => l === text.toLowerCase());
  if (!level) r.problem(path, `${JSON.stringify(text)} is not a log level; use debug, info, warn or error`);
  return level;
}

/** A Secret reference given as a name or as `{ name, key }`; undefined when the name is empty. */
export function secretRef(r: Reader, path: string, value: unknown): { name: string; key?: string } | undefined {
  const ref = r.stringOrMap(path, value);
  if (!ref) return undefined;
  const name = r.str(`${path}.name`, ref.name);
  const key = r.str(`${path}.key`, ref.key);
  return name === undefined ? undefined : { name, key };
}

/**
 * The chart's flat keys (`imageRegistry`, `imageName`, `imageTag`, `imageDigest`) or a nested
 * `image: { registry, repository, tag, digest }`. With the flat keys a digest wins over the tag,
 * as in the chart's templates (`image@digest` when a digest is set, `image:tag` otherwise).
 */
export function imageProps(r: Reader, path: string, section: Record<string, unknown>): ImageProps | undefined {
  const nested = r.map(`${path}.image`, section.image) ?? {};
  const pick = (nestedKeys: string[], flatKeys: string[]): string | undefined => {
    const given: Array<[string, string]> = [];
    for (const k of nestedKeys) {
      const v = r.str(`${path}.image.${k}`, nested[k]);
      if (v !== undefined) given.push([`image.${k}`, v]);
    }
    for (const k of flatKeys) {
      const v = r.str(`${path}.${k}`, section[k]);
      if (v !== undefined) given.push([k, v]);
    }
    if (given.length > 1 && new Set(given.map(([, v]) => v)).size > 1) {
      r.problem(`${path}.${given[1][0]}`, `conflicts with ${path}.${given[0][0]}; keep one of them`);
    }
    return given[0]?.[1];
  };
  const registry = pick(['registry'], ['imageRegistry']);
  const repository = pick(['repository', 'name'], ['imageRepository', 'imageName']);
  const nestedTag = r.str(`${path}.image.tag`, nested.tag);
  const nestedDigest = r.str(`${path}.image.digest`, nested.digest);
  const flatTag = r.str(`${path}.imageTag`, section.imageTag);
  const flatDigest = r.str(`${path}.imageDigest`, section.imageDigest);
  if (nestedTag !== undefined && flatTag !== undefined) r.problem(`${path}.imageTag`, 'is set together with image.tag; keep one of them');
  if (nestedDigest !== undefined && flatDigest !== undefined) r.problem(`${path}.imageDigest`, 'is set together with image.digest; keep one of them');
  const digest = nestedDigest ?? flatDigest;
  const tag = nestedTag ?? (flatDigest !== undefined ? undefined : flatTag);
  return { registry, repository, tag, digest };
}

/** Kubernetes-style `{ requests: { cpu, memory }, limits: { cpu, memory } }` to kplus resources. */
export function resourcesProps(r: Reader, path: string, value: unknown): kplus.ContainerResources | undefined {
  const resources = r.map(path, value);
  if (!resources) return undefined;
  const requests = r.map(`${path}.requests`, resources.requests) ?? {};
  const limits = r.map(`${path}.limits`, resources.limits) ?? {};
  return {
    cpu: {
      request: cpuQuantity(r, `${path}.requests.cpu`, requests.cpu),
      limit: cpuQuantity(r, `${path}.limits.cpu`, limits.cpu),
    },
    memory: {
      request: sizeQuantity(r, `${path}.requests.memory`, requests.memory),
      limit: sizeQuantity(r, `${path}.limits.memory`, limits.memory),
    },
    ephemeralStorage: {
      request: sizeQuantity(r, `${path}.requests.ephemeral-storage`, requests['ephemeral-storage']),
      limit: sizeQuantity(r, `${path}.limits.ephemeral-storage`, limits['ephemeral-storage']),
    },
  };
}

/** `500m`, `0.5`, `2` → millicores. */
export function cpuQuantity(r: Reader, path: string, value: unknown): kplus.Cpu | undefined {
  if (isUnset(value)) return undefined;
  const text = String(value).trim();
  const match = /^([0-9]+(?:\.[0-9]+)?)(m?)$/.exec(text);
  // Rounded to undo float noise ("0.3" cores is 300.00000000000006 millicores).
  const millis = match ? Math.round((match[2] === 'm' ? Number(match[1]) : Number(match[1]) * 1000) * 1e6) / 1e6 : NaN;
  if (typeof value === 'boolean' || !Number.isInteger(millis) || millis <= 0) {
    r.problem(path, `${describe(value)} is not a CPU quantity; use millicores such as "500m" or cores such as "1"`);
    return undefined;
  }
  return kplus.Cpu.millis(millis);
}

const BINARY_UNITS: Record<string, number> = { '': 1, 'Ki': 1024, 'Mi': 1024 ** 2, 'Gi': 1024 ** 3, 'Ti': 1024 ** 4, 'Pi': 1024 ** 5, 'k': 1e3, 'K': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15 };

/** `512Mi`, `1Gi`, `1G`, bytes → a Size in the largest binary unit that keeps it whole. */
export function sizeQuantity(r: Reader, path: string, value: unknown): Size | undefined {
  if (isUnset(value)) return undefined;
  const text = String(value).trim();
  const match = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|k|K|M|G|T|P)?$/.exec(text);
  let bytes = match && typeof value !== 'boolean' ? Number(match[1]) * BINARY_UNITS[match[2] ?? ''] : NaN;
  if (!Number.isFinite(bytes) || bytes <= 0) {
    r.problem(path, `${describe(value)} is not a memory quantity; use a value such as "512Mi" or "1Gi"`);
    return undefined;
  }
  if (bytes % 1024 !== 0) {
    // kplus sizes are whole KiB; decimal units such as "1G" (10^9 bytes) are rounded up to the next KiB.
    const rounded = Math.ceil(bytes / 1024) * 1024;
    r.note(`${path}: ${describe(value)} rounded up to ${rounded / 1024}Ki (sizes are whole KiB)`);
    bytes = rounded;
  }
  if (bytes % 1024 ** 3 === 0) return Size.gibibytes(bytes / 1024 ** 3);
  if (bytes % 1024 ** 2 === 0) return Size.mebibytes(bytes / 1024 ** 2);
  return Size.kibibytes(bytes / 1024);
}

/** `"10.0.0.0/8, 192.168.0.0/16"` (the nginx annotation form) or a list. */
export function sourceRanges(r: Reader, path: string, value: unknown): string[] | undefined {
  if (isUnset(value)) return undefined;
  const items = typeof value === 'string' ? value.split(/[,\s]+/) : r.list(path, value, (p, item) => r.str(p, item));
  if (!items) return undefined;
  const ranges = items.map((s) => s.trim()).filter((s) => s !== '');
  return ranges.length > 0 ? ranges : undefined;
}

/** Removes undefined values and empty plain objects, recursively (kplus objects are kept). */
export function prune<T>(value: T): T | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value) || !isPlainObject(value)) return value;
  const result: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const pruned = prune(v);
    if (pruned !== undefined) result[k] = pruned;
  }
  return Object.keys(result).length > 0 ? (result as T) : undefined;
}
