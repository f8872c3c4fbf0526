// The type of every prop path of MatrixChatProps, and a walker that reports wrong types and returns a copy without them.
import { Problems, show } from './validation';

/** The type a prop must have. */
export type PropType =
  | { readonly kind: 'string' | 'number' | 'boolean' | 'stringMap' | 'cpu' | 'size' | 'object' }
  | { readonly kind: 'list'; readonly of: PropType }
  | {
    readonly kind: 'struct';
    readonly fields: Readonly<Record<string, PropType>>;
    /** Fields without which the struct is unusable: it is dropped (and reported) when one is missing. */
    readonly required?: readonly string[];
    /** The field names its children in messages without its own segment (`routing.gatewayApiOptions.parentRefs` → `routing.parentRefs`). */
    readonly flatten?: boolean;
    /** A class instance (e.g. `Routing`): its prototype is kept. */
    readonly instance?: boolean;
  };

const STRING: PropType = { kind: 'string' };
const NUMBER: PropType = { kind: 'number' };
const BOOLEAN: PropType = { kind: 'boolean' };
const MAP: PropType = { kind: 'stringMap' };
/** A Kubernetes struct passed through (tolerations, affinity): its fields are checked by k8s-rules. */
const OBJECT: PropType = { kind: 'object' };
const list = (of: PropType): PropType => ({ kind: 'list', of });
const struct = (fields: Record<string, PropType>, required: string[] = [], extra: { flatten?: boolean; instance?: boolean } = {}): PropType => ({ kind: 'struct', fields, required, ...extra });
const STRINGS = list(STRING);

const pair = (kind: 'cpu' | 'size') => struct({ request: { kind }, limit: { kind } });
const RESOURCES = struct({ cpu: pair('cpu'), memory: pair('size'), ephemeralStorage: pair('size') });
const IMAGE = struct({ registry: STRING, repository: STRING, tag: STRING, digest: STRING });
const PLACEMENT = { priorityClassName: STRING, topologySpreadConstraints: list(OBJECT) };
const SECRET_KEY = struct({ name: STRING, key: STRING });
const NAMESPACE = struct({ regex: STRING, exclusive: BOOLEAN });

const APPSERVICE = struct({
  id: STRING,
  url: STRING,
  senderLocalpart: STRING,
  users: list(NAMESPACE),
  aliases: list(NAMESPACE),
  rooms: list(NAMESPACE),
  rateLimited: BOOLEAN,
  receiveEphemeral: BOOLEAN,
  protocols: STRINGS,
  tokensSecret: struct({ name: STRING, asTokenKey: STRING, hsTokenKey: STRING }),
}, ['id', 'tokensSecret']);

const HOMESERVER = struct({
  enabled: BOOLEAN,
  image: IMAGE,
  clientPort: NUMBER,
  allowRegistration: BOOLEAN,
  registrationToken: STRING,
  registrationTokenExistingSecret: struct({ name: STRING, key: STRING }),
  allowFederation: BOOLEAN,
  maxRequestSize: NUMBER,
  livekitServiceUrl: STRING,
  persistence: struct({ enabled: BOOLEAN, size: STRING, storageClassName: STRING, existingClaim: STRING }),
  resources: RESOURCES,
  appservices: list(APPSERVICE),
  ...PLACEMENT,
});

const REDIS = struct({
  address: STRING,
  username: STRING,
  passwordSecret: SECRET_KEY,
  db: NUMBER,
  useTls: BOOLEAN,
  sentinelMasterName: STRING,
  sentinelAddresses: STRINGS,
  sentinelUsername: STRING,
  sentinelPasswordSecret: SECRET_KEY,
  clusterAddresses: STRINGS,
});

const LIVEKIT = struct({
  enabled: BOOLEAN,
  image: IMAGE,
  publicUrl: STRING,
  keys: struct({
    apiKey: STRING,
    apiSecret: STRING,
    existingSecret: struct({ name: STRING, apiKeyKey: STRING, apiSecretKey: STRING, livekitKeysKey: STRING }),
  }),
  rtc: struct({
    signalingPort: NUMBER,
    tcpPort: NUMBER,
    udpPort: NUMBER,
    nodeIp: STRING,
    useExternalIp: BOOLEAN,
    serviceLabels: MAP,
    serviceAnnotations: MAP,
  }),
  turn: struct({
    enabled: BOOLEAN,
    domain: STRING,
    tlsPort: NUMBER,
    tls: struct({ existingSecret: STRING, issuer: struct({ name: STRING, kind: STRING }), certKey: STRING, keyKey: STRING }),
  }),
  resources: RESOURCES,
  webhooks: struct({ enabled: BOOLEAN, urls: STRINGS }),
  metrics: struct({ enabled: BOOLEAN, port: NUMBER, serviceMonitor: struct({ enabled: BOOLEAN, interval: STRING, labels: MAP }) }),
  scaleOut: struct({ enabled: BOOLEAN, replicas: NUMBER, redis: REDIS, nodeAddress: STRING }),
  terminationGracePeriodSeconds: NUMBER,
  meshSidecarOptOut: BOOLEAN,
  ...PLACEMENT,
});

const LK_JWT = struct({
  enabled: BOOLEAN,
  image: IMAGE,
  insecureSkipVerifyTls: BOOLEAN,
  resources: RESOURCES,
  serverNameAddress: STRING,
  ...PLACEMENT,
});

const INGRESS = struct({
  enabled: BOOLEAN,
  className: STRING,
  tls: struct({ enabled: BOOLEAN, secretName: STRING, clusterIssuer: STRING }),
  whitelistSourceRange: STRINGS,
  annotations: MAP,
});

const ROUTING = struct({
  kind: STRING,
  gatewayApiOptions: struct({ parentRefs: list(struct({ name: STRING, namespace: STRING, sectionName: STRING })) }, ['parentRefs'], { flatten: true }),
}, ['kind'], { instance: true });

/** The type of every prop of `MatrixChatProps`. */
export const MATRIX_CHAT_PROP_TYPES: PropType = struct({
  serverName: STRING,
  namePrefix: STRING,
  homeserver: HOMESERVER,
  livekit: LIVEKIT,
  lkJwt: LK_JWT,
  networkPolicy: struct({ enabled: BOOLEAN, ingressControllerNamespace: STRING }),
  ingress: INGRESS,
  routing: ROUTING,
  scheduling: struct({ nodeSelector: MAP, tolerations: list(OBJECT), affinity: OBJECT }),
  imagePullSecrets: STRINGS,
  labels: MAP,
});

const EXAMPLES: Record<string, string> = {
  string: 'a string, e.g. "example"',
  number: 'a number',
  boolean: 'true or false',
  stringMap: 'a map of strings, e.g. { "key": "value" }',
  cpu: 'a kplus Cpu, e.g. Cpu.millis(250)',
  size: 'a cdk8s Size, e.g. Size.mebibytes(256)',
  object: 'an object',
  list: 'a list, e.g. ["a"]',
  struct: 'an object',
};

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${show(value)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function matches(type: PropType, value: unknown): boolean {
  switch (type.kind) {
    case 'string': return typeof value === 'string';
    case 'number': return typeof value === 'number';
    case 'boolean': return typeof value === 'boolean';
    case 'cpu': return isRecord(value) && typeof value.amount === 'string';
    case 'size': return isRecord(value) && typeof value.toKibibytes === 'function';
    case 'list': return Array.isArray(value);
    default: return isRecord(value);
  }
}

const INVALID = Symbol('invalid');

/** Sets an own property, even one named `__proto__` (an assignment would change the prototype instead). */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function walk(problems: Problems, type: PropType, value: unknown, path: string): unknown {
  if (!matches(type, value)) {
    problems.add(path, `is ${describeValue(value)}, not ${EXAMPLES[type.kind]}`, 'the stack cannot be built from a value of the wrong type', `set ${path} to ${EXAMPLES[type.kind]}, or leave it unset`);
    return INVALID;
  }
  if (type.kind === 'list') {
    return (value as unknown[]).flatMap((item, i) => {
      const checked = walk(problems, type.of, item, `${path}[${i}]`);
      return checked === INVALID ? [] : [checked];
    });
  }
  if (type.kind === 'stringMap') {
    const copy: Record<string, string> = {};
    for (const [key, item] of Object.entries(value as object)) {
      if (typeof item === 'string') put(copy, key, item);
      else problems.add(`${path}.${key}`, `is ${describeValue(item)}, not a string`, 'labels and annotations are strings, so the API server rejects the object', 'quote the value');
    }
    return copy;
  }
  if (type.kind !== 'struct') return value;
  const record = value as Record<string, unknown>;
  const copy: Record<string, unknown> = type.instance ? Object.create(Object.getPrototypeOf(record)) : {};
  // Fields this schema does not know are kept: nothing reads them, so they cannot break construction.
  for (const [key, item] of Object.entries(record)) {
    const fieldType = Object.prototype.hasOwnProperty.call(type.fields, key) ? type.fields[key] : undefined;
    if (item === undefined) continue;
    if (!fieldType) {
      put(copy, key, item);
      continue;
    }
    const childPath = fieldType.kind === 'struct' && fieldType.flatten ? path : path === '' ? key : `${path}.${key}`;
    const checked = walk(problems, fieldType, item, childPath);
    if (checked !== INVALID) put(copy, key, checked);
  }
  for (const key of type.required ?? []) {
    if (!Object.prototype.hasOwnProperty.call(copy, key)) {
      if (record[key] === undefined) problems.add(path === '' ? key : `${path}.${key}`, 'is required but not set', 'the stack cannot be built without it', `set ${path === '' ? key : `${path}.${key}`}`);
      return INVALID;
    }
  }
  return copy;
}

/**
 * Reports every prop whose value has the wrong type (a JavaScript or YAML caller can pass
 * anything) and returns a copy without those values, so construction continues on the defaults
 * and every problem is reported together instead of a TypeError.
 */
export function sanitizeProps<T>(problems: Problems, type: PropType, props: T, requiredRoot: readonly string[] = []): T {
  if (!isRecord(props)) {
    for (const key of requiredRoot) problems.add(key, `is not set: the props are ${describeValue(props)}, not an object`, 'the stack cannot be built without props', `pass props such as { ${key}: ... }`);
    return {} as T;
  }
  const checked = walk(problems, type, props, '');
  return (checked === INVALID ? {} : checked) as T;
}
