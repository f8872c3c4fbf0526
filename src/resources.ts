// CPU and memory requests and limits: kplus resources converted to the Kubernetes form, with component defaults.
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { checkSizeRequestNotAboveLimit, cpuMillisOf } from './k8s-rules';
import { Problems } from './validation';

/** Default requests and limits of one container. */
export interface ResourceDefaults {
  readonly cpuRequestMillis: number;
  readonly memoryRequest: Size;
  readonly memoryLimit: Size;
}

/** The largest whole unit (Gi, Mi, Ki) that expresses the size; cdk8s throws for a fractional one. */
function sizeQuantity(size: Size): string {
  for (const [unit, convert] of [['Gi', () => size.toGibibytes()], ['Mi', () => size.toMebibytes()]] as const) {
    try {
      return `${convert()}${unit}`;
    } catch {
      // not a whole number of this unit: try the next smaller one
    }
  }
  return `${size.toKibibytes()}Ki`;
}

function cpuMillis(cpu: kplus.Cpu): number {
  return cpuMillisOf(cpu.amount);
}

/**
 * Converts kplus resources to the Kubernetes form, filling what the user left out from the
 * component's defaults (every container gets CPU and memory requests and a memory limit). A
 * default never contradicts a user value: a request above the default limit raises the limit,
 * a limit below the default request lowers the request. Values that cannot be expressed are
 * reported instead of thrown.
 */
export function resourceRequirements(
  problems: Problems,
  path: string,
  resources: kplus.ContainerResources | undefined,
  defaults: ResourceDefaults,
): k8s.ResourceRequirements {
  const requests: Record<string, k8s.Quantity> = {};
  const limits: Record<string, k8s.Quantity> = {};
  const attempt = <T>(field: string, produce: () => T): T | undefined => {
    try {
      return produce();
    } catch (error) {
      problems.add(`${path}.${field}`, `cannot be expressed as a Kubernetes quantity (${(error as Error).message})`, 'the container would get no valid resource setting', 'use a whole number of KiB, MiB or GiB, or millicores for CPU');
      return undefined;
    }
  };

  const cpu = resources?.cpu;
  const cpuLimit = cpu?.limit ? attempt('cpu.limit', () => cpuMillis(cpu.limit!)) : undefined;
  let cpuRequest = cpu?.request ? attempt('cpu.request', () => cpuMillis(cpu.request!)) : undefined;
  if (cpuRequest === undefined) cpuRequest = cpuLimit !== undefined ? Math.min(cpuLimit, defaults.cpuRequestMillis) : defaults.cpuRequestMillis;
  if (cpuLimit !== undefined && cpuRequest > cpuLimit) {
    problems.add(`${path}.cpu.request`, `${cpuRequest}m is above the CPU limit of ${cpuLimit}m`, 'the API server rejects a container whose request exceeds its limit', 'raise cpu.limit or lower cpu.request');
  }
  requests.cpu = k8s.Quantity.fromString(`${cpuRequest}m`);
  if (cpuLimit !== undefined) limits.cpu = k8s.Quantity.fromString(`${cpuLimit}m`);

  const memory = resources?.memory;
  const kib = (field: string, size: Size | undefined) => (size ? attempt(field, () => size.toKibibytes()) : undefined);
  const userRequest = kib('memory.request', memory?.request);
  const userLimit = kib('memory.limit', memory?.limit);
  const defaultRequest = defaults.memoryRequest.toKibibytes();
  const defaultLimit = defaults.memoryLimit.toKibibytes();
  let memoryRequest = defaults.memoryRequest;
  if (userRequest !== undefined) memoryRequest = memory!.request!;
  else if (userLimit !== undefined && userLimit < defaultRequest) memoryRequest = memory!.limit!;
  let memoryLimit = defaults.memoryLimit;
  if (userLimit !== undefined) memoryLimit = memory!.limit!;
  else if (userRequest !== undefined && userRequest > defaultLimit) memoryLimit = memory!.request!;
  if (userRequest !== undefined && userLimit !== undefined && userRequest > userLimit) {
    problems.add(`${path}.memory.request`, 'is above memory.limit', 'the API server rejects a container whose request exceeds its limit', 'raise memory.limit or lower memory.request');
  }
  const requestQuantity = attempt('memory.request', () => sizeQuantity(memoryRequest));
  const limitQuantity = attempt('memory.limit', () => sizeQuantity(memoryLimit));
  if (requestQuantity) requests.memory = k8s.Quantity.fromString(requestQuantity);
  if (limitQuantity) limits.memory = k8s.Quantity.fromString(limitQuantity);

  const storage = resources?.ephemeralStorage;
  const storageRequest = storage?.request ? attempt('ephemeralStorage.request', () => sizeQuantity(storage.request!)) : undefined;
  const storageLimit = storage?.limit ? attempt('ephemeralStorage.limit', () => sizeQuantity(storage.limit!)) : undefined;
  checkSizeRequestNotAboveLimit(problems, `${path}.ephemeralStorage`, storage);
  if (storageRequest) requests['ephemeral-storage'] = k8s.Quantity.fromString(storageRequest);
  if (storageLimit) limits['ephemeral-storage'] = k8s.Quantity.fromString(storageLimit);
  return { requests, limits };
}
