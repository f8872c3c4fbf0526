/** Checks that a synthesis failure is our validation error, naming real prop paths. */
import { MatrixChatProps } from '../../src';
import { PROP_TYPES, STRUCTS } from '../../src/known-props.generated';

export const VALIDATION_PREFIX = 'Validation failed with the following errors';

/** Every prop path of MatrixChatProps, as patterns (`*` = a user-chosen map key, `[n]` = a list index). */
const PROP_PATHS: readonly string[] = [
  'props', 'serverName', 'namePrefix', 'labels', 'labels.*', 'imagePullSecrets', 'imagePullSecrets[n]',
  'scheduling', 'scheduling.nodeSelector', 'scheduling.nodeSelector.*', 'scheduling.tolerations', 'scheduling.affinity',
  'networkPolicy', 'networkPolicy.enabled',
  'homeserver', 'homeserver.enabled', 'homeserver.clientPort', 'homeserver.allowRegistration', 'homeserver.registrationToken',
  'homeserver.registrationTokenExistingSecret', 'homeserver.registrationTokenExistingSecret.name', 'homeserver.registrationTokenExistingSecret.key',
  'homeserver.allowFederation', 'homeserver.maxRequestSize', 'homeserver.livekitServiceUrl',
  'homeserver.persistence', 'homeserver.persistence.enabled', 'homeserver.persistence.size', 'homeserver.persistence.storageClassName', 'homeserver.persistence.existingClaim',
  'livekit', 'livekit.enabled', 'livekit.publicUrl', 'livekit.keys', 'livekit.keys.apiKey', 'livekit.keys.apiSecret',
  'livekit.keys.existingSecret', 'livekit.keys.existingSecret.name', 'livekit.keys.existingSecret.apiKeyKey', 'livekit.keys.existingSecret.apiSecretKey', 'livekit.keys.existingSecret.livekitKeysKey',
  'livekit.rtc', 'livekit.rtc.signalingPort', 'livekit.rtc.tcpPort', 'livekit.rtc.udpPort', 'livekit.rtc.nodeIp', 'livekit.rtc.useExternalIp',
  'livekit.rtc.serviceLabels', 'livekit.rtc.serviceLabels.*', 'livekit.rtc.serviceAnnotations', 'livekit.rtc.serviceAnnotations.*',
  'livekit.turn', 'livekit.turn.enabled', 'livekit.turn.domain', 'livekit.turn.tlsPort', 'livekit.turn.tls', 'livekit.turn.tls.existingSecret', 'livekit.turn.tls.certKey', 'livekit.turn.tls.keyKey',
  'lkJwt', 'lkJwt.enabled', 'lkJwt.insecureSkipVerifyTls',
  'ingress', 'ingress.enabled', 'ingress.className', 'ingress.tls', 'ingress.tls.enabled', 'ingress.tls.secretName', 'ingress.tls.clusterIssuer',
  'ingress.whitelistSourceRange', 'ingress.whitelistSourceRange[n]', 'ingress.annotations', 'ingress.annotations.*',
  // Opt-in features (issues 6, 7, 10).
  'routing', 'routing.kind', 'routing.parentRefs', 'routing.parentRefs[n]', 'routing.parentRefs[n].name', 'routing.parentRefs[n].namespace', 'routing.parentRefs[n].sectionName',
  'networkPolicy.ingressControllerNamespace', 'lkJwt.serverNameAddress',
  'homeserver.appservices', 'homeserver.appservices[n]', 'homeserver.appservices[n].id', 'homeserver.appservices[n].url', 'homeserver.appservices[n].senderLocalpart',
  ...['users', 'aliases', 'rooms'].flatMap((k) => [`homeserver.appservices[n].${k}`, `homeserver.appservices[n].${k}[n]`, `homeserver.appservices[n].${k}[n].regex`, `homeserver.appservices[n].${k}[n].exclusive`]),
  'homeserver.appservices[n].rateLimited', 'homeserver.appservices[n].receiveEphemeral', 'homeserver.appservices[n].protocols', 'homeserver.appservices[n].protocols[n]',
  'homeserver.appservices[n].tokensSecret', 'homeserver.appservices[n].tokensSecret.name', 'homeserver.appservices[n].tokensSecret.asTokenKey', 'homeserver.appservices[n].tokensSecret.hsTokenKey',
  'livekit.turn.tls.issuer', 'livekit.turn.tls.issuer.name', 'livekit.turn.tls.issuer.kind',
  'livekit.webhooks', 'livekit.webhooks.enabled', 'livekit.webhooks.urls', 'livekit.webhooks.urls[n]',
  'livekit.metrics', 'livekit.metrics.enabled', 'livekit.metrics.port', 'livekit.metrics.serviceMonitor', 'livekit.metrics.serviceMonitor.enabled',
  'livekit.metrics.serviceMonitor.interval', 'livekit.metrics.serviceMonitor.labels', 'livekit.metrics.serviceMonitor.labels.*',
  'livekit.scaleOut', 'livekit.scaleOut.enabled', 'livekit.scaleOut.replicas', 'livekit.scaleOut.nodeAddress', 'livekit.scaleOut.redis',
  ...['address', 'username', 'db', 'useTls', 'sentinelMasterName', 'sentinelAddresses', 'sentinelAddresses[n]', 'sentinelUsername', 'clusterAddresses', 'clusterAddresses[n]',
    'passwordSecret', 'passwordSecret.name', 'passwordSecret.key', 'sentinelPasswordSecret', 'sentinelPasswordSecret.name', 'sentinelPasswordSecret.key'].map((k) => `livekit.scaleOut.redis.${k}`),
  'livekit.terminationGracePeriodSeconds', 'livekit.meshSidecarOptOut',
  ...['homeserver', 'livekit', 'lkJwt'].flatMap((c) => [`${c}.priorityClassName`, `${c}.topologySpreadConstraints`, `${c}.topologySpreadConstraints[n]`]),
  ...['homeserver', 'livekit', 'lkJwt'].flatMap((c) => [
    `${c}.image`, `${c}.image.registry`, `${c}.image.repository`, `${c}.image.tag`, `${c}.image.digest`,
    `${c}.resources`, `${c}.resources.cpu.request`, `${c}.resources.cpu.limit`, `${c}.resources.memory.request`, `${c}.resources.memory.limit`,
    `${c}.resources.ephemeralStorage.request`, `${c}.resources.ephemeralStorage.limit`,
  ]),
];

const MAP_PREFIXES = PROP_PATHS.filter((p) => p.endsWith('.*')).map((p) => p.slice(0, -1));

/** Kubernetes structs passed through whole (tolerations, affinity, spread constraints): messages may name any field inside them. */
const OPAQUE_ROOTS = /^(scheduling\.tolerations\[\d+\]|scheduling\.affinity|(homeserver|livekit|lkJwt)\.topologySpreadConstraints\[\d+\])(?=[.[]|: )/;

/**
 * Whether text starts with a known prop path followed by `: `; returns that path. For the props of
 * another construct than MatrixChat (`root`), the paths come from the assembly alone.
 */
export function leadingPropPath(message: string, root = 'MatrixChatProps'): string | undefined {
  if (root !== 'MatrixChatProps') {
    // A map key (a label name) may hold anything, even `: `: a message under a map prop names the map.
    for (let dot = message.indexOf('.'); dot !== -1; dot = message.indexOf('.', dot + 1)) {
      if (isMapPath(message.slice(0, dot), root)) return message.slice(0, dot);
    }
    // Up to the first `: ` (a map key such as a label name may hold anything, even nothing).
    const head = /^([A-Za-z_$][^:]*?)(: )/.exec(message);
    if (!head) return undefined;
    const path = head[1].replace(/\[\d+\]/g, '[n]');
    if (path === 'props' || isDerivedPropPath(path, root)) return opaquePrefix(head[1], root);
    const parent = path.replace(/\.[^.]+$/, '');
    return parent !== path && message.startsWith(`${head[1]}: is not a known prop`) && isDerivedPropPath(parent, root) ? head[1] : undefined;
  }
  const opaque = OPAQUE_ROOTS.exec(message);
  if (opaque) return opaque[1];
  for (const mapPrefix of MAP_PREFIXES) {
    if (message.startsWith(mapPrefix)) return mapPrefix.slice(0, -1);
  }
  const match = /^([A-Za-z_$][\w$]*(?:\[\d+\])*(?:\.[A-Za-z_$][\w$]*(?:\[\d+\])*)*)(: )/.exec(message);
  if (!match) return undefined;
  const path = match[1].replace(/\[\d+\]/g, '[n]');
  if (PROP_PATHS.includes(path) || isDerivedPropPath(path)) return match[1];
  // An unknown key is reported at its own path, one level below a known one.
  const parent = path.replace(/\.[^.]+$/, '');
  return parent !== path && message.startsWith(`${match[1]}: is not a known prop`) && (parent === '' || PROP_PATHS.includes(parent) || isDerivedPropPath(parent)) ? match[1] : undefined;
}

/**
 * A path through the prop structs as the jsii assembly declares them (src/known-props.generated.ts),
 * so props added later are known without a hand-kept list; below a value the assembly does not
 * describe (maps, JSON, Kubernetes types) any key may follow.
 */
function isDerivedPropPath(path: string, root = 'MatrixChatProps'): boolean {
  let struct: string | undefined = root;
  const segments = path.split('.');
  for (let i = 0; i < segments.length; i++) {
    if (struct === undefined) return true;
    const [name, ...indexes] = segments[i].split('[n]');
    const type: string | undefined = own(STRUCTS[struct], name);
    if (type === undefined) return false;
    if (type === '') return true;
    const element: string = type.replace(/(\[\]|\{\})$/, '');
    struct = indexes.length >= 0 ? element : undefined;
    if (type.endsWith('{}') && i < segments.length - 1) {
      i++; // a user-chosen map key
    }
  }
  return true;
}

/**
 * The declared type (PROP_TYPES, without `?`) of each segment of a path of `root`, in order; it
 * stops at a segment the table does not declare or below a value that is not a struct.
 */
function declaredTypes(segments: readonly string[], root: string): string[] {
  const types: string[] = [];
  let struct: string | undefined = root;
  for (const segment of segments) {
    const type: string | undefined = struct === undefined ? undefined : own(PROP_TYPES[struct], segment.replace(/\[\d+\]/g, ''))?.replace(/\?$/, '');
    if (type === undefined) break;
    types.push(type);
    const element: string = type.replace(/(\[\]|\{\})+$/, '');
    struct = PROP_TYPES[element] ? element : undefined;
  }
  return types;
}

/** Whether the path (e.g. `rtc.serviceLabels`) is a prop whose value is a map. */
function isMapPath(path: string, root: string): boolean {
  const segments = path.split('.');
  if (!segments.every((segment) => /^[A-Za-z_$][\w$]*(\[\d+\])*$/.test(segment))) return false;
  const types = declaredTypes(segments, root);
  return types.length === segments.length && types[types.length - 1].endsWith('{}');
}

/**
 * The path cut after a Kubernetes struct passed through whole (tolerations, affinity, spread
 * constraints), whose fields the messages may name although the props set only the struct.
 */
function opaquePrefix(path: string, root: string): string {
  const segments = path.split('.');
  const k8s = declaredTypes(segments, root).findIndex((type) => type.replace(/(\[\]|\{\})+$/, '') === 'k8s');
  return k8s === -1 ? path : segments.slice(0, k8s + 1).join('.');
}

/** A table entry by own key (a path segment such as `toString` must not find Object.prototype's). */
function own(table: { readonly [key: string]: string } | undefined, key: string): string | undefined {
  return table !== undefined && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

/** Whether the props hold the path: a key present with the value undefined counts (extraConfig refuses such keys by name). */
function isSet(props: unknown, path: string): boolean {
  // `Routing.gatewayApi({ parentRefs })` keeps its options in `gatewayApiOptions`; messages name them as written.
  const keys = path.replace(/^routing\.parentRefs/, 'routing.gatewayApiOptions.parentRefs').replace(/\[(\d+)\]/g, '.$1').split('.');
  const parent = keys.slice(0, -1).reduce((acc: any, key) => (acc === undefined || acc === null ? undefined : acc[key]), props);
  const last = keys[keys.length - 1];
  return typeof parent === 'object' && parent !== null && (parent[last] !== undefined || Object.prototype.hasOwnProperty.call(parent, last));
}

/**
 * Problems with a thrown error: not our validation error, a line that names no prop path, or a
 * line that blames a prop the user did not set without saying it is missing.
 */
export function errorProblems(error: unknown, props: MatrixChatProps | object, root = 'MatrixChatProps'): string[] {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof Error) || error.constructor.name === 'TypeError' || !message.startsWith(VALIDATION_PREFIX)) {
    return [`not a validation error: ${error instanceof Error ? error.constructor.name : typeof error}: ${message.slice(0, 500)}`];
  }
  const problems: string[] = [];
  const lines = message.split(/\n {2}\[[^\]\n]*\] /).slice(1);
  if (lines.length === 0) problems.push(`validation error with no entries: ${message.slice(0, 300)}`);
  for (const line of lines) {
    const path = leadingPropPath(line, root);
    if (!path) {
      problems.push(`error line names no prop path of ${root}: ${JSON.stringify(line.slice(0, 200))}`);
      continue;
    }
    if (path === 'props') continue; // the props themselves are not an object
    const set = isSet(props, path);
    const saysMissing = /undefined is not|is unset|: is undefined, not |is not set|is required|no credentials are set|but no registration token|is true but|not set while|neither a tag nor a digest|^no [A-Za-z ]+ (is|are) set|: no [A-Za-z ]+ (is|are) set/.test(line);
    if (!set && !saysMissing) problems.push(`error blames ${path}, which the props do not set: ${JSON.stringify(line.slice(0, 200))}`);
  }
  return problems;
}
