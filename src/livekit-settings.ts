// The LiveKit SFU's props resolved once into defaulted settings, and the validators that read them.
import { Duration, Size } from 'cdk8s';
import { ResolvedComponent, resolveComponent } from './component';
import { KUBECTL_IMAGE, LIVEKIT_IMAGE, checkImage, imageReference } from './images';
import { checkAnnotationsSize } from './k8s-rules';
import type { LiveKitCredentialsRef, LiveKitProps } from './livekit';
import { LiveKitKeysProps, LiveKitRedisProps, LogLevel, NodeAddressSource, RtcPortRange, ServiceMonitorProps } from './livekit-props';
import { LK_JWT_PORT } from './lk-jwt';
import { BASE_NAMES, prefixed } from './names';
import { checkComponentProps, checkPlacement } from './pod';
import { ResourceDefaults } from './resources';
import type { TurnRelay } from './turn-relay';
import { Problems, checkAnnotations, checkContainerPort, checkDistinctPorts, checkLabels, checkSecretReference, isIpAddress, parseUrl, show } from './validation';

/** Kubernetes supports up to 5,000 nodes, and scale-out runs one SFU per node. */
const MAX_SFU_REPLICAS = 5000;
const HOST_PORT = /^[^\s:/]+:[0-9]{1,5}$|^\[[0-9a-fA-F:.]+\]:[0-9]{1,5}$/;
// eslint-disable-next-line no-control-regex
const UNSAFE_CREDENTIAL = /[\u0000-\u001f\u007f]|^\s|\s$/;

/** Scale-out mode, defaulted. */
export interface ResolvedRtcAddress {
  readonly image: string;
  /** Whole seconds; undefined when `rtc.nodeAddressTimeout` cannot be read (reported). */
  readonly timeoutSeconds?: number;
  readonly serviceAccountName: string;
  readonly roleName: string;
}

const DEFAULT_NODE_ADDRESS_TIMEOUT = Duration.minutes(10);

/** The single SFU's address source: an explicit choice, else what `nodeIp` and `useExternalIp` imply, else the LoadBalancer. */
function singleNodeAddress(props: LiveKitProps): NodeAddressSource {
  const rtc = props.rtc;
  if (rtc?.nodeAddress !== undefined) return rtc.nodeAddress;
  if (rtc?.nodeIp !== undefined) return NodeAddressSource.MANUAL;
  return rtc?.useExternalIp === true ? NodeAddressSource.STUN : NodeAddressSource.LOAD_BALANCER;
}

function seconds(value: unknown): number | undefined {
  if (!(value instanceof Duration)) return undefined;
  try {
    return value.toSeconds();
  } catch {
    return undefined;
  }
}

export interface ResolvedScaleOut {
  readonly replicas: number;
  readonly nodeAddress: NodeAddressSource;
  readonly redis?: LiveKitRedisProps;
}

/** The SFU's props with every default applied: what validation and rendering read. */
export interface LiveKitResolved extends ResolvedComponent<LiveKitProps> {
  readonly signalingServiceName: string;
  readonly rtcServiceName: string;
  readonly configName: string;
  readonly signalingPort: number;
  readonly tcpPort: number;
  readonly udpPort: number;
  /** The ICE UDP range instead of `udpPort` (scale-out only). */
  readonly udpPortRange?: RtcPortRange;
  /** The `logging` section of config.yaml; undefined when nothing is set. */
  readonly logging?: Record<string, unknown>;
  /** Room defaults beyond auto_create: `empty_timeout` (seconds), `max_participants`. */
  readonly room: Record<string, unknown>;
  readonly nodeIp?: string;
  /** How the single SFU learns its address (scale-out mode: `scaleOut.nodeAddress`). */
  readonly nodeAddress: NodeAddressSource;
  readonly useExternalIp: boolean;
  /** The LoadBalancer address lookup, with `NodeAddressSource.LOAD_BALANCER`. */
  readonly rtcAddress?: ResolvedRtcAddress;
  readonly credentials: LiveKitCredentialsRef;
  /** `<apiKey>: <apiSecret>` for the bundled Secret: inline keys without an existing Secret; '' otherwise. */
  readonly inlineKeys: string;
  readonly scaleOut?: ResolvedScaleOut;
  /** Webhook receivers: lk-jwt-service first, then the user's; undefined when webhooks are off. */
  readonly webhookUrls?: string[];
  readonly metrics?: { readonly port: number; readonly serviceMonitor?: ServiceMonitorProps; readonly interval: string };
  readonly turn?: TurnRelay;
  readonly terminationGracePeriodSeconds: number;
  readonly meshSidecarOptOut: boolean;
  readonly resourceDefaults: ResourceDefaults;
}

/** Where the credentials live: the user's Secret, or the bundled `livekit-secret`. */
export function liveKitCredentials(keys: LiveKitKeysProps | undefined, namePrefix: string | undefined): LiveKitCredentialsRef {
  const existing = keys?.existingSecret;
  return {
    secretName: existing?.name ?? prefixed(namePrefix, BASE_NAMES.livekitSecret),
    apiKeyKey: existing?.apiKeyKey ?? 'LIVEKIT_API_KEY',
    apiSecretKey: existing?.apiSecretKey ?? 'LIVEKIT_API_SECRET',
    livekitKeysKey: existing?.livekitKeysKey ?? 'LIVEKIT_KEYS',
  };
}

export function resolveLiveKit(props: LiveKitProps, turn: TurnRelay | undefined): LiveKitResolved {
  const nodeIp = props.rtc?.nodeIp;
  const scaleOut = props.scaleOut?.enabled ? props.scaleOut : undefined;
  const nodeAddress = singleNodeAddress(props);
  const keys = props.keys;
  const monitor = props.metrics?.serviceMonitor;
  return {
    ...resolveComponent(props, BASE_NAMES.livekit, 'livekit', 'sfu', LIVEKIT_IMAGE),
    signalingServiceName: prefixed(props.namePrefix, BASE_NAMES.livekitSignaling),
    rtcServiceName: prefixed(props.namePrefix, BASE_NAMES.livekitRtc),
    configName: prefixed(props.namePrefix, BASE_NAMES.livekitConfig),
    signalingPort: props.rtc?.signalingPort ?? 7880,
    tcpPort: props.rtc?.tcpPort ?? 7881,
    udpPort: props.rtc?.udpPort ?? 7882,
    udpPortRange: props.rtc?.udpPortRange,
    logging: loggingSection(props),
    room: roomSection(props),
    nodeIp,
    nodeAddress,
    // LiveKit only honours node_ip (and --node-ip) while use_external_ip is false.
    useExternalIp: nodeAddress === NodeAddressSource.STUN,
    rtcAddress: !scaleOut && nodeAddress === NodeAddressSource.LOAD_BALANCER
      ? {
        image: imageReference(props.rtc?.nodeAddressImage, KUBECTL_IMAGE),
        timeoutSeconds: seconds(props.rtc?.nodeAddressTimeout ?? DEFAULT_NODE_ADDRESS_TIMEOUT),
        serviceAccountName: prefixed(props.namePrefix, BASE_NAMES.livekit),
        roleName: prefixed(props.namePrefix, BASE_NAMES.livekitRtcReader),
      }
      : undefined,
    credentials: liveKitCredentials(keys, props.namePrefix),
    // Both sides double-quoted (a JSON string is a YAML double-quoted scalar), so any key or
    // secret arrives as a string, also under the YAML 1.1 rules Go's parser still applies
    // (an unquoted `0b1010…` or `1_000…` would become a number and the key be dropped).
    inlineKeys: !keys?.existingSecret && keys?.apiKey !== undefined && keys?.apiSecret !== undefined
      ? `${JSON.stringify(keys.apiKey)}: ${JSON.stringify(keys.apiSecret)}`
      : '',
    scaleOut: scaleOut
      ? {
        replicas: scaleOut.replicas ?? 2,
        nodeAddress: scaleOut.nodeAddress ?? props.rtc?.nodeAddress ?? NodeAddressSource.STUN,
        redis: scaleOut.redis,
      }
      : undefined,
    webhookUrls: props.webhooks?.enabled
      ? [`${props.lkJwtUrl ?? `http://${prefixed(props.namePrefix, BASE_NAMES.lkJwt)}:${LK_JWT_PORT}`}/sfu_webhook`, ...(props.webhooks.urls ?? [])]
      : undefined,
    metrics: props.metrics?.enabled ? { port: props.metrics.port ?? 6789, serviceMonitor: monitor, interval: monitor?.interval ?? '30s' } : undefined,
    turn,
    terminationGracePeriodSeconds: props.terminationGracePeriodSeconds ?? 7200,
    meshSidecarOptOut: props.meshSidecarOptOut ?? true,
    resourceDefaults: { cpuRequestMillis: 500, memoryRequest: Size.mebibytes(512), memoryLimit: Size.gibibytes(2) },
  };
}

function loggingSection(props: LiveKitProps): Record<string, unknown> | undefined {
  const l = props.logging;
  const section: Record<string, unknown> = {};
  if (l?.level !== undefined) section.level = l.level;
  if (l?.json !== undefined) section.json = l.json;
  if (l?.pionLevel !== undefined) section.pion_level = l.pionLevel;
  return Object.keys(section).length > 0 ? section : undefined;
}

function roomSection(props: LiveKitProps): Record<string, unknown> {
  const r = props.room;
  const section: Record<string, unknown> = {};
  const timeout = seconds(r?.emptyTimeout);
  if (timeout !== undefined) section.empty_timeout = timeout;
  if (r?.maxParticipants !== undefined) section.max_participants = r.maxParticipants;
  return section;
}

/** LiveKit's config fields are uint32 (pkg/config/config.go:213-214). */
const MAX_UINT32 = 4294967295;
/** The widest UDP range accepted: LiveKit's own fallback range is 10,000 ports (mediatransportutil rtcconfig/config.go:94-95). */
const MAX_UDP_RANGE = 10000;

function checkOptions(problems: Problems, s: LiveKitResolved, p: string): void {
  const l = s.props.logging;
  for (const field of ['level', 'pionLevel'] as const) {
    const level = l?.[field];
    if (level !== undefined && !Object.values(LogLevel).includes(level)) {
      problems.add(`${p}logging.${field}`, `${show(level)} is not a LogLevel`, 'LiveKit silently falls back to info for a level it cannot parse (protocol logger.ParseZapLevel), so the setting would be lost', 'use LogLevel.DEBUG, INFO, WARN or ERROR');
    }
  }
  if (l?.json !== undefined && typeof l.json !== 'boolean') {
    problems.add(`${p}logging.json`, `${show(l.json)} is not true or false`, 'LiveKit fails to parse config.yaml and does not start', 'use true for JSON lines or false for console text');
  }
  const room = s.props.room;
  if (room?.emptyTimeout !== undefined) {
    const t = seconds(room.emptyTimeout);
    if (t === undefined || !Number.isSafeInteger(t) || t < 1 || t > MAX_UINT32) {
      problems.add(`${p}room.emptyTimeout`, `${show(room.emptyTimeout)} is not a whole number of seconds from 1`, 'LiveKit reads whole seconds (0 means its default) and fails to parse anything else', 'use e.g. Duration.minutes(5)');
    }
  }
  const max = room?.maxParticipants;
  if (max !== undefined && (!Number.isSafeInteger(max) || max < 1 || max > MAX_UINT32)) {
    problems.add(`${p}room.maxParticipants`, `${show(max)} is not a whole number from 1`, 'LiveKit fails to parse it, and 0 would mean no limit rather than none allowed', 'use e.g. 100, or leave it unset for no limit');
  }
  if (s.udpPortRange) checkUdpPortRange(problems, s, s.udpPortRange, p);
}

function checkUdpPortRange(problems: Problems, s: LiveKitResolved, range: RtcPortRange, p: string): void {
  const path = `${p}rtc.udpPortRange`;
  if (!s.scaleOut) {
    problems.add(path, 'is set without scale-out mode', 'the single SFU is reached through the livekit-rtc LoadBalancer, which would need one Service port per UDP port (thousands), beyond what Services and cloud load balancers accept', `remove ${path} and keep the single UDP mux port ${p}rtc.udpPort, or enable ${p}scaleOut (host network: the node firewall opens the range)`);
    return;
  }
  if (s.props.rtc?.udpPort !== undefined) {
    problems.add(`${p}rtc.udpPort`, `is set together with ${path}`, 'LiveKit uses the range and ignores the single port, so the node firewall would be opened for the wrong port', `remove ${p}rtc.udpPort or ${path}`);
  }
  const valid = (port: unknown): boolean => typeof port === 'number' && Number.isSafeInteger(port) && port >= 1024 && port <= 65535;
  for (const field of ['start', 'end'] as const) {
    if (!valid(range[field])) {
      problems.add(`${path}.${field}`, `${show(range[field])} is not a port from 1024 to 65535`, 'LiveKit cannot bind the range (ports below 1024 need root on the host network) and fails to start', 'use e.g. 50000 to 60000');
    }
  }
  if (!valid(range.start) || !valid(range.end)) return;
  if (range.start > range.end) {
    problems.add(`${path}.start`, `${range.start} is above end ${range.end}`, 'the range is empty and LiveKit cannot set its ephemeral UDP ports', 'swap start and end');
  } else if (range.end - range.start + 1 > MAX_UDP_RANGE) {
    problems.add(path, `spans ${range.end - range.start + 1} ports, more than ${MAX_UDP_RANGE}`, 'every SFU node would have to keep that many host ports free and open in its firewall', `use at most ${MAX_UDP_RANGE} ports, e.g. 50000 to 59999`);
  }
  const others = [
    { path: `${p}rtc.signalingPort`, port: s.signalingPort },
    { path: `${p}rtc.tcpPort`, port: s.tcpPort },
    { path: `${p}metrics.port`, port: s.metrics?.port },
  ];
  for (const other of others) {
    if (other.port !== undefined && other.port >= range.start && other.port <= range.end) {
      problems.add(path, `${range.start}-${range.end} contains ${other.path} ${other.port}`, 'LiveKit would hand that port to ICE and collide with its own listener on the node', `move the range or ${other.path}`);
    }
  }
}

/** Validates the SFU's settings; `p` is the prefix of its prop paths (`livekit.` inside MatrixChat). */
export function checkLiveKit(problems: Problems, s: LiveKitResolved, p: string): void {
  if (!s.scope.parentValidated) checkComponentProps(problems, s.props);
  checkImage(problems, `${p}image`, s.props.image, LIVEKIT_IMAGE);
  checkKeys(problems, s, p);
  checkPorts(problems, s, p);
  checkOptions(problems, s, p);
  checkMonitoring(problems, s, p);
  const grace = s.props.terminationGracePeriodSeconds;
  if (grace !== undefined && (!Number.isSafeInteger(grace) || grace < 0)) {
    problems.add(`${p}terminationGracePeriodSeconds`, `${show(grace)} is not a whole number of seconds`, 'the API server rejects the pod spec', 'use e.g. 7200 (two hours) so active calls can finish');
  }
  if (s.scaleOut) checkScaleOut(problems, s, s.scaleOut, p);
  else checkNodeAddress(problems, s, p);
  if (s.nodeIp !== undefined && !isIpAddress(s.nodeIp)) {
    problems.add(`${p}rtc.nodeIp`, `${show(s.nodeIp)} is not an IPv4 or IPv6 address`, 'LiveKit would advertise an unusable ICE candidate and calls connect with no media', 'set the external IP of the livekit-rtc LoadBalancer, e.g. "203.0.113.10"');
  }
  checkLabels(problems, `${p}rtc.serviceLabels`, s.props.rtc?.serviceLabels);
  checkAnnotations(problems, `${p}rtc.serviceAnnotations`, s.props.rtc?.serviceAnnotations);
  checkAnnotationsSize(problems, `${p}rtc.serviceAnnotations`, s.props.rtc?.serviceAnnotations);
  checkPlacement(problems, p, s.props);
}

function checkKeys(problems: Problems, s: LiveKitResolved, p: string): void {
  const keys = s.props.keys;
  const hasInline = keys?.apiKey !== undefined || keys?.apiSecret !== undefined;
  if (!hasInline && !keys?.existingSecret) {
    problems.add(
      `${p}keys`,
      'no credentials are set',
      'livekit-server would start with no signing key and lk-jwt-service would reference a Secret that does not exist, so no call can start',
      `set ${p}keys.existingSecret.name (a Secret with LIVEKIT_KEYS, LIVEKIT_API_KEY and LIVEKIT_API_SECRET) or ${p}keys.apiKey and ${p}keys.apiSecret`,
    );
  }
  if (hasInline && keys?.existingSecret) {
    problems.add(keys?.apiKey !== undefined ? `${p}keys.apiKey` : `${p}keys.apiSecret`, `inline credentials are set together with ${p}keys.existingSecret`, 'only the existing Secret would be used, and the inline values would be silently ignored', `remove ${p}keys.apiKey/apiSecret or ${p}keys.existingSecret`);
  }
  if (hasInline && !keys?.existingSecret) checkInlineKeys(problems, keys, p);
  if (keys?.existingSecret) {
    checkSecretReference(problems, `${p}keys.existingSecret.name`, keys.existingSecret.name, [
      { path: `${p}keys.existingSecret.apiKeyKey`, key: s.credentials.apiKeyKey },
      { path: `${p}keys.existingSecret.apiSecretKey`, key: s.credentials.apiSecretKey },
      { path: `${p}keys.existingSecret.livekitKeysKey`, key: s.credentials.livekitKeysKey },
    ]);
  }
}

function checkInlineKeys(problems: Problems, keys: LiveKitKeysProps | undefined, p: string): void {
  if (keys?.apiKey === undefined || keys.apiKey === '') {
    problems.add(`${p}keys.apiKey`, `is not set while ${p}keys.apiSecret is`, 'LiveKit needs both halves of the credential pair to sign and verify tokens', `set ${p}keys.apiKey`);
  } else if (typeof keys.apiKey !== 'string' || UNSAFE_CREDENTIAL.test(keys.apiKey)) {
    problems.add(`${p}keys.apiKey`, 'contains control characters or leading/trailing whitespace', 'it is passed in environment variables and JWT claims, where such characters are mangled and authentication fails', 'use printable characters only, e.g. `openssl rand -hex 8` prefixed with "API"');
  }
  if (keys?.apiSecret === undefined || keys.apiSecret === '') {
    problems.add(`${p}keys.apiSecret`, `is not set while ${p}keys.apiKey is`, 'LiveKit needs both halves of the credential pair to sign and verify tokens', `set ${p}keys.apiSecret`);
  } else if (typeof keys.apiSecret !== 'string' || UNSAFE_CREDENTIAL.test(keys.apiSecret)) {
    problems.add(`${p}keys.apiSecret`, 'contains control characters or leading/trailing whitespace', 'it is passed in environment variables, where such characters are mangled and token signatures fail', 'use printable characters only, e.g. `openssl rand -hex 32`');
  } else if (keys.apiSecret.length < 32) {
    problems.add(`${p}keys.apiSecret`, `is ${keys.apiSecret.length} characters long, fewer than 32`, 'livekit-server only logs a warning and starts with a weak signing key that can be brute-forced', 'use at least 32 characters, e.g. `openssl rand -hex 32`');
  }
}

function checkPorts(problems: Problems, s: LiveKitResolved, p: string): void {
  checkContainerPort(problems, `${p}rtc.signalingPort`, s.signalingPort);
  checkContainerPort(problems, `${p}rtc.tcpPort`, s.tcpPort);
  if (!s.udpPortRange) checkContainerPort(problems, `${p}rtc.udpPort`, s.udpPort);
  checkDistinctPorts(problems, [
    { path: `${p}rtc.signalingPort`, port: s.signalingPort },
    { path: `${p}rtc.tcpPort`, port: s.tcpPort },
    // UDP and TCP could share a number, but LiveKit's TCP listeners and the LB port names would collide in practice.
    { path: `${p}rtc.udpPort`, port: s.udpPortRange ? undefined : s.udpPort },
    { path: `${p}turn.tlsPort`, port: s.turn?.tlsPort },
    { path: `${p}metrics.port`, port: s.metrics?.port },
  ]);
  if (s.metrics) checkContainerPort(problems, `${p}metrics.port`, s.metrics.port);
}

function checkMonitoring(problems: Problems, s: LiveKitResolved, p: string): void {
  const monitor = s.metrics?.serviceMonitor;
  if (monitor?.enabled) {
    checkLabels(problems, `${p}metrics.serviceMonitor.labels`, monitor.labels);
    if (monitor.interval !== undefined && !/^([0-9]+(ms|s|m|h|d|w|y))+$/.test(monitor.interval)) {
      problems.add(`${p}metrics.serviceMonitor.interval`, `${show(monitor.interval)} is not a Prometheus duration`, 'the Prometheus Operator rejects the ServiceMonitor and LiveKit is never scraped', 'use a duration such as "30s" or "1m"');
    }
  }
  (s.props.webhooks?.urls ?? []).forEach((url, index) => {
    if (!parseUrl(url, ['http', 'https'])) {
      problems.add(`${p}webhooks.urls[${index}]`, `${show(url)} is not an http(s) URL`, 'LiveKit cannot deliver webhooks to it', 'use a URL such as "http://my-receiver:8080/webhook"');
    }
  });
}

const MAX_NODE_ADDRESS_TIMEOUT_SECONDS = 3600;

function checkNodeAddress(problems: Problems, s: LiveKitResolved, p: string): void {
  const rtc = s.props.rtc;
  if (!Object.values(NodeAddressSource).includes(s.nodeAddress)) {
    problems.add(`${p}rtc.nodeAddress`, `${show(s.nodeAddress)} is not a NodeAddressSource`, 'the SFU would not know which address to advertise and calls would connect with no media', 'use NodeAddressSource.LOAD_BALANCER, MANUAL (with rtc.nodeIp), STUN or HOST_IP');
    return;
  }
  if (s.nodeAddress === NodeAddressSource.MANUAL && s.nodeIp === undefined) {
    problems.add(`${p}rtc.nodeIp`, 'is not set while rtc.nodeAddress is MANUAL', 'the SFU would advertise no reachable address and calls connect with no media', `set ${p}rtc.nodeIp to the external IP of the livekit-rtc LoadBalancer, or use NodeAddressSource.LOAD_BALANCER`);
  }
  if (s.nodeAddress !== NodeAddressSource.MANUAL && s.nodeIp !== undefined) {
    problems.add(`${p}rtc.nodeIp`, `is set while rtc.nodeAddress is ${s.nodeAddress}`, 'the address would come from two places and which one LiveKit advertises is ambiguous', `remove ${p}rtc.nodeIp, or set ${p}rtc.nodeAddress to MANUAL`);
  }
  // A node IP winning over useExternalIp: true is how the reference chart reads the pair, so only an explicit source conflicts.
  if (rtc?.useExternalIp === true && rtc.nodeAddress !== undefined && rtc.nodeAddress !== NodeAddressSource.STUN) {
    problems.add(`${p}rtc.useExternalIp`, `is true while the address source is ${s.nodeAddress}`, 'LiveKit would overwrite the chosen address with the one STUN reports, which is the node\'s egress address and not the LoadBalancer\'s', `remove ${p}rtc.useExternalIp (STUN is NodeAddressSource.STUN)`);
  }
  if (s.rtcAddress) {
    checkImage(problems, `${p}rtc.nodeAddressImage`, rtc?.nodeAddressImage, KUBECTL_IMAGE);
    const timeout = s.rtcAddress.timeoutSeconds;
    if (timeout === undefined || !Number.isSafeInteger(timeout) || timeout < 10 || timeout > MAX_NODE_ADDRESS_TIMEOUT_SECONDS) {
      problems.add(`${p}rtc.nodeAddressTimeout`, timeout === undefined ? `${show(rtc?.nodeAddressTimeout)} is not a whole-second cdk8s Duration` : `${timeout} seconds is outside 10 seconds to 1 hour`, 'the init container could not bound its wait for the LoadBalancer address', 'use e.g. Duration.minutes(10)');
    }
  } else if (rtc?.nodeAddressImage !== undefined || rtc?.nodeAddressTimeout !== undefined) {
    problems.add(`${p}rtc.${rtc?.nodeAddressImage !== undefined ? 'nodeAddressImage' : 'nodeAddressTimeout'}`, `is set while rtc.nodeAddress is ${s.nodeAddress}`, 'only NodeAddressSource.LOAD_BALANCER runs the address lookup, so the setting would be silently ignored', 'remove it, or use NodeAddressSource.LOAD_BALANCER');
  }
}

function checkScaleOut(problems: Problems, s: LiveKitResolved, scaleOut: ResolvedScaleOut, p: string): void {
  const replicas = scaleOut.replicas;
  // One SFU per node: more replicas than any cluster has nodes is a typo (and above int32 the API server rejects it).
  if (!Number.isSafeInteger(replicas) || replicas < 2 || replicas > MAX_SFU_REPLICAS) {
    problems.add(`${p}scaleOut.replicas`, `${show(replicas)} is not a whole number from 2 to ${MAX_SFU_REPLICAS}`, 'scale-out mode runs one SFU per node; with fewer than two it only adds Redis and host networking to a single SFU', `set replicas to 2 or more, or disable ${p}scaleOut`);
  }
  checkRedis(problems, scaleOut.redis, `${p}scaleOut.redis`);
  if (s.nodeIp !== undefined) {
    problems.add(`${p}rtc.nodeIp`, 'is set in scale-out mode', 'every node would advertise the same address, so media for rooms on the other nodes goes to the wrong server', `remove ${p}rtc.nodeIp and choose ${p}scaleOut.nodeAddress (STUN or HOST_IP)`);
  }
  if (![NodeAddressSource.STUN, NodeAddressSource.HOST_IP].includes(scaleOut.nodeAddress)) {
    const path = s.props.scaleOut?.nodeAddress !== undefined ? `${p}scaleOut.nodeAddress` : `${p}rtc.nodeAddress`;
    problems.add(path, `${show(scaleOut.nodeAddress)} is not STUN or HOST_IP`, 'in scale-out mode each node advertises its own address and there is no LoadBalancer or single IP to advertise, so the nodes would not know which address to use', 'use NodeAddressSource.STUN or NodeAddressSource.HOST_IP');
  }
  const rtcSource = s.props.rtc?.nodeAddress;
  if (rtcSource !== undefined && s.props.scaleOut?.nodeAddress !== undefined && rtcSource !== s.props.scaleOut.nodeAddress) {
    problems.add(`${p}rtc.nodeAddress`, `is ${show(rtcSource)} while scaleOut.nodeAddress is ${show(s.props.scaleOut.nodeAddress)}`, 'the nodes would get two address sources and which one applies is ambiguous', `set only one of ${p}rtc.nodeAddress and ${p}scaleOut.nodeAddress`);
  }
  if (s.turn) {
    problems.add(
      `${p}turn.enabled`,
      'TURNS is not supported in scale-out mode yet',
      'LiveKit advertises one TURN domain on port 443 for every node, but a relayed client must reach the node hosting its room, which one DNS name cannot guarantee; and a non-root pod on the host network cannot bind 443',
      `disable ${p}turn in scale-out mode, or run a single SFU with TURNS`,
    );
  }
}

/** `path` is the prop path of the Redis props (`livekit.scaleOut.redis` inside MatrixChat). */
function checkRedis(problems: Problems, redis: LiveKitRedisProps | undefined, path: string): void {
  const hasSentinel = redis?.sentinelAddresses !== undefined && redis.sentinelAddresses.length > 0;
  const hasCluster = redis?.clusterAddresses !== undefined && redis.clusterAddresses.length > 0;
  if (!redis?.address && !hasSentinel && !hasCluster) {
    problems.add(path, 'no Redis address is set', 'without Redis each SFU runs alone: rooms split across nodes and participants of one call land on different servers', `set ${path}.address (or sentinelAddresses with sentinelMasterName, or clusterAddresses)`);
  }
  if (hasSentinel && !redis?.sentinelMasterName) {
    problems.add(`${path}.sentinelMasterName`, 'is not set while sentinelAddresses are', 'LiveKit cannot ask the Sentinels for a master and fails to start', 'set the Sentinel master name, e.g. "mymaster"');
  }
  const addresses = [
    ...(redis?.address !== undefined ? [{ path: `${path}.address`, value: redis.address }] : []),
    ...(redis?.sentinelAddresses ?? []).map((value, i) => ({ path: `${path}.sentinelAddresses[${i}]`, value })),
    ...(redis?.clusterAddresses ?? []).map((value, i) => ({ path: `${path}.clusterAddresses[${i}]`, value })),
  ];
  for (const { path: addressPath, value } of addresses) {
    if (typeof value !== 'string' || !HOST_PORT.test(value)) {
      problems.add(addressPath, `${show(value)} is not host:port`, 'LiveKit cannot connect to Redis and fails to start', 'use e.g. "redis-master.redis.svc:6379"');
    }
  }
  if (redis?.db !== undefined && (!Number.isSafeInteger(redis.db) || redis.db < 0)) {
    problems.add(`${path}.db`, `${show(redis.db)} is not a database number`, 'LiveKit cannot select the database and fails to start', 'use a whole number such as 0');
  }
  for (const [field, ref] of [['passwordSecret', redis?.passwordSecret], ['sentinelPasswordSecret', redis?.sentinelPasswordSecret]] as const) {
    if (ref) checkSecretReference(problems, `${path}.${field}.name`, ref.name, [{ path: `${path}.${field}.key`, key: ref.key }]);
  }
}
