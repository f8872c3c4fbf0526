import { ApiObject, Size, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ImageProps, LIVEKIT_IMAGE, checkImage, imageReference } from './images';
import { checkAnnotationsSize } from './k8s-rules';
import { BASE_NAMES, CONFIG_HASH_ANNOTATION, prefixed, recommendedLabels, selectorLabels } from './names';
import { ComponentProps, PodPlacementProps, SecretKeyReference, apiObjectsOf, checkComponentProps, checkPlacement, commonPodSpec, configHash, containerSecurityContext, isManagedScope, placementPodSpec, podSecurityContext, resourceRequirements } from './pod';
import { TurnProps, TurnRelay } from './turn-relay';
import { Problems, checkAnnotations, checkContainerPort, checkDistinctPorts, checkLabels, checkSecretReference, isIpAddress, parseUrl, reportProblems, show } from './validation';

/** A user-managed Secret holding the LiveKit API key and secret. */
export interface LiveKitExistingSecret {
  /** Name of the Secret in the chart's namespace. */
  readonly name: string;

  /**
   * Key holding the API key (read by lk-jwt-service).
   * @default 'LIVEKIT_API_KEY'
   */
  readonly apiKeyKey?: string;

  /**
   * Key holding the API secret (read by lk-jwt-service).
   * @default 'LIVEKIT_API_SECRET'
   */
  readonly apiSecretKey?: string;

  /**
   * Key holding `<apiKey>: <apiSecret>` (read by the bundled LiveKit server as LIVEKIT_KEYS).
   * @default 'LIVEKIT_KEYS'
   */
  readonly livekitKeysKey?: string;
}

/** LiveKit API credentials, shared by the SFU and lk-jwt-service. */
export interface LiveKitKeysProps {
  /**
   * API key, stored in the Secret `livekit-secret`.
   * @default none; prefer `existingSecret`
   */
  readonly apiKey?: string;

  /**
   * API secret of at least 32 characters, stored in the Secret `livekit-secret`.
   * @default none; prefer `existingSecret`
   */
  readonly apiSecret?: string;

  /**
   * A user-managed Secret holding the credentials (for external secret managers); required for an external LiveKit.
   * @default none
   */
  readonly existingSecret?: LiveKitExistingSecret;
}

/** Media (RTC) networking of the SFU. */
export interface RtcProps {
  /**
   * Signaling, Twirp and health port (behind the ingress).
   * @default 7880
   */
  readonly signalingPort?: number;

  /**
   * ICE/TCP media port, published by the `livekit-rtc` LoadBalancer.
   * @default 7881
   */
  readonly tcpPort?: number;

  /**
   * Single UDP media port (UDP mux), published by the `livekit-rtc` LoadBalancer.
   * @default 7882
   */
  readonly udpPort?: number;

  /**
   * Public IP LiveKit advertises in ICE candidates: the `livekit-rtc` LoadBalancer's external IP; disables STUN discovery.
   * @default none; the address is discovered with STUN (`useExternalIp`)
   */
  readonly nodeIp?: string;

  /**
   * Discover the public IP with STUN when `nodeIp` is not set.
   * @default true
   */
  readonly useExternalIp?: boolean;

  /**
   * Labels added to the `livekit-rtc` Service (some bare-metal LoadBalancer controllers pick the IP pool by label).
   * @default none
   */
  readonly serviceLabels?: Record<string, string>;

  /**
   * Annotations added to the `livekit-rtc` Service (e.g. a static IP request for the cloud's load balancer).
   * @default none
   */
  readonly serviceAnnotations?: Record<string, string>;
}

/** LiveKit webhooks to lk-jwt-service (room and participant events). */
export interface LiveKitWebhookProps {
  /**
   * Send LiveKit webhooks to lk-jwt-service's `/sfu_webhook`; needs an lk-jwt-service image that serves that endpoint.
   * @default false
   */
  readonly enabled?: boolean;

  /**
   * Further webhook receivers.
   * @default none
   */
  readonly urls?: string[];
}

/** A Prometheus Operator ServiceMonitor for LiveKit's metrics. */
export interface ServiceMonitorProps {
  /**
   * Emit a `monitoring.coreos.com/v1` ServiceMonitor.
   * @default false
   */
  readonly enabled?: boolean;

  /**
   * Scrape interval.
   * @default '30s'
   */
  readonly interval?: string;

  /**
   * Labels on the ServiceMonitor (e.g. the `release` label your Prometheus selects).
   * @default none
   */
  readonly labels?: Record<string, string>;
}

/** LiveKit's Prometheus metrics. */
export interface LiveKitMetricsProps {
  /**
   * Serve Prometheus metrics.
   * @default false
   */
  readonly enabled?: boolean;

  /**
   * Metrics port (container and signaling Service port `metrics`).
   * @default 6789
   */
  readonly port?: number;

  /**
   * Prometheus Operator ServiceMonitor.
   * @default none
   */
  readonly serviceMonitor?: ServiceMonitorProps;
}

/** Connection to an existing Redis, which coordinates the SFU nodes. */
export interface LiveKitRedisProps {
  /**
   * `host:port` of a standalone Redis.
   * @default none; set this, `sentinelAddresses` or `clusterAddresses`
   */
  readonly address?: string;

  /**
   * Redis ACL user name.
   * @default none
   */
  readonly username?: string;

  /**
   * Secret key holding the Redis password (passed as LIVEKIT_REDIS_PASSWORD, never in the ConfigMap).
   * @default no password
   */
  readonly passwordSecret?: SecretKeyReference;

  /**
   * Redis database number.
   * @default 0
   */
  readonly db?: number;

  /**
   * Connect with TLS.
   * @default false
   */
  readonly useTls?: boolean;

  /**
   * Sentinel master name (Sentinel mode).
   * @default none
   */
  readonly sentinelMasterName?: string;

  /**
   * `host:port` of each Sentinel.
   * @default none
   */
  readonly sentinelAddresses?: string[];

  /**
   * Sentinel user name.
   * @default none
   */
  readonly sentinelUsername?: string;

  /**
   * Secret key holding the Sentinel password (passed as LIVEKIT_REDIS_SENTINEL_PASSWORD).
   * @default no password
   */
  readonly sentinelPasswordSecret?: SecretKeyReference;

  /**
   * `host:port` of each Redis Cluster node (Cluster mode).
   * @default none
   */
  readonly clusterAddresses?: string[];
}

/** How each SFU node in scale-out mode learns the address it advertises. */
export enum NodeAddressSource {
  /** Discover the public address with STUN (nodes behind NAT with a public IP each). */
  STUN = 'STUN',
  /** The node's own IP from the downward API (`status.hostIP`): nodes with public addresses. */
  HOST_IP = 'HOST_IP',
}

/** LiveKit's distributed mode: several SFU nodes coordinated through Redis. */
export interface LiveKitScaleOutProps {
  /**
   * Run several SFU pods, one per node on the host network, coordinated through Redis; no RTC LoadBalancer.
   * @default false
   */
  readonly enabled?: boolean;

  /**
   * Number of SFU pods (each on its own node).
   * @default 2
   */
  readonly replicas?: number;

  /**
   * The Redis that routes each room to its node.
   * @default none; required
   */
  readonly redis?: LiveKitRedisProps;

  /**
   * Where each node's advertised address comes from.
   * @default NodeAddressSource.STUN
   */
  readonly nodeAddress?: NodeAddressSource;
}

/** Settings of the LiveKit SFU. */
export interface LiveKitSettings extends PodPlacementProps {
  /**
   * LiveKit image; its registry is its own, so a private mirror set elsewhere does not rewrite it.
   * @default docker.io/livekit/livekit-server:v1.13.5
   */
  readonly image?: ImageProps;

  /**
   * Public `wss://` URL of LiveKit that lk-jwt-service hands to browsers.
   * @default `wss://<serverName>` for the bundled SFU; required for an external LiveKit
   */
  readonly publicUrl?: string;

  /**
   * API credentials.
   * @default none; required
   */
  readonly keys?: LiveKitKeysProps;

  /**
   * Media ports, advertised address and the RTC LoadBalancer.
   * @default ports 7880/7881/7882 and STUN discovery
   */
  readonly rtc?: RtcProps;

  /**
   * Built-in TURNS relay for clients behind symmetric NAT.
   * @default disabled
   */
  readonly turn?: TurnProps;

  /**
   * CPU and memory of the SFU container.
   * @default requests 500m CPU and 512Mi memory, limit 2Gi memory
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * Webhooks to lk-jwt-service.
   * @default disabled
   */
  readonly webhooks?: LiveKitWebhookProps;

  /**
   * Prometheus metrics.
   * @default disabled
   */
  readonly metrics?: LiveKitMetricsProps;

  /**
   * Distributed mode on Redis.
   * @default one SFU behind the RTC LoadBalancer
   */
  readonly scaleOut?: LiveKitScaleOutProps;

  /**
   * Seconds a stopping SFU may keep serving: LiveKit drains on SIGTERM and exits when the last participant leaves.
   * @default 7200 (two hours, a long call)
   */
  readonly terminationGracePeriodSeconds?: number;

  /**
   * Keep Istio and Linkerd sidecars off the SFU pods (sidecars break UDP media).
   * @default true
   */
  readonly meshSidecarOptOut?: boolean;
}

/** Props of a standalone `LiveKit`. */
export interface LiveKitProps extends LiveKitSettings, ComponentProps {
  /**
   * In-cluster base URL of lk-jwt-service; webhooks go to `<lkJwtUrl>/sfu_webhook`.
   * @default `http://<namePrefix>lk-jwt-service:8080`
   */
  readonly lkJwtUrl?: string;
}

/** Where lk-jwt-service and the SFU read the LiveKit credentials from. */
export interface LiveKitCredentialsRef {
  /** Name of the Secret. */
  readonly secretName: string;
  /** Key holding the API key. */
  readonly apiKeyKey: string;
  /** Key holding the API secret. */
  readonly apiSecretKey: string;
  /** Key holding `<apiKey>: <apiSecret>`. */
  readonly livekitKeysKey: string;
}

/** A port a pod listens on, as a NetworkPolicy admits it. */
export interface ListenerPort {
  /** Port number. */
  readonly port: number;
  /** `TCP` or `UDP`. */
  readonly protocol: string;
}

/** Tells the two LiveKit Services apart (a ServiceMonitor must select only the signaling one). */
const SERVICE_ROLE_LABEL = 'matrix-chat.cdk8s.io/service-role';
const CONFIG_DIR = '/etc/livekit';
const CONFIG_FILE = 'config.yaml';

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

/**
 * The LiveKit SFU: Deployment, `config.yaml` ConfigMap, credentials Secret (inline keys only),
 * the signaling ClusterIP Service behind the ingress and the RTC LoadBalancer for media.
 */
export class LiveKit extends Construct {
  /** Name of the Deployment. */
  public readonly name: string;
  /** Labels selecting the SFU pods. */
  public readonly selectorLabels: Record<string, string>;
  /** Signaling (HTTP/WebSocket) port. */
  public readonly signalingPort: number;
  /** Name of the signaling Service. */
  public readonly signalingServiceName: string;
  /** Every port the SFU listens on (signaling, media and TURNS). */
  public readonly listenerPorts: ListenerPort[];
  /** Where the credentials are read from. */
  public readonly credentials: LiveKitCredentialsRef;
  /** The generated `config.yaml`. */
  public readonly configYaml: string;
  /** The TURNS relay, when enabled. */
  public readonly turnRelay?: TurnRelay;
  /** ConfigMap holding `config.yaml`. */
  public readonly configMap: k8s.KubeConfigMap;
  /** Secret holding inline credentials; undefined with `keys.existingSecret`. */
  public readonly secret?: k8s.KubeSecret;
  /** The SFU Deployment (L1, so its selector is the chart's stable `app` label and not a path hash). */
  public readonly deployment: k8s.KubeDeployment;
  /** ClusterIP Service for signaling and Twirp, reached through the ingress. */
  public readonly signalingService: k8s.KubeService;
  /** LoadBalancer Service for media: the only LoadBalancer in the stack (none in scale-out mode). */
  public readonly rtcService?: k8s.KubeService;
  /** The Prometheus Operator ServiceMonitor, when enabled. */
  public readonly serviceMonitor?: ApiObject;
  /** True in scale-out mode: the pods use the host network, so NetworkPolicies do not apply to them. */
  public readonly hostNetwork: boolean;
  /** Hash of the inline credentials ('' with an existing Secret), so pods reading them roll when they change. */
  public readonly credentialsHash: string;

  constructor(scope: Construct, id: string, props: LiveKitProps) {
    super(scope, id);
    const problems = new Problems();
    this.name = prefixed(props.namePrefix, BASE_NAMES.livekit);
    this.selectorLabels = selectorLabels(this.name);
    this.signalingServiceName = prefixed(props.namePrefix, BASE_NAMES.livekitSignaling);
    const rtcServiceName = prefixed(props.namePrefix, BASE_NAMES.livekitRtc);
    const configName = prefixed(props.namePrefix, BASE_NAMES.livekitConfig);
    const labels = recommendedLabels('livekit', 'sfu', this.name, props.labels);

    this.signalingPort = props.rtc?.signalingPort ?? 7880;
    const tcpPort = props.rtc?.tcpPort ?? 7881;
    const udpPort = props.rtc?.udpPort ?? 7882;
    const nodeIp = props.rtc?.nodeIp;
    // LiveKit only honours node_ip while use_external_ip is false.
    const useExternalIp = nodeIp !== undefined ? false : props.rtc?.useExternalIp ?? true;
    this.credentials = liveKitCredentials(props.keys, props.namePrefix);

    const scaleOut = props.scaleOut?.enabled ? props.scaleOut : undefined;
    this.hostNetwork = scaleOut !== undefined;
    const replicas = scaleOut ? scaleOut.replicas ?? 2 : 1;
    const nodeAddress = scaleOut?.nodeAddress ?? NodeAddressSource.STUN;
    const webhooks = props.webhooks?.enabled ? props.webhooks : undefined;
    const lkJwtUrl = props.lkJwtUrl ?? `http://${prefixed(props.namePrefix, BASE_NAMES.lkJwt)}:8080`;
    const metrics = props.metrics?.enabled ? { port: props.metrics.port ?? 6789, serviceMonitor: props.metrics.serviceMonitor } : undefined;

    if (props.turn?.enabled) {
      this.turnRelay = new TurnRelay(this, 'turn', { ...props.turn, namePrefix: props.namePrefix, labels: props.labels });
    }

    if (!isManagedScope(scope)) checkComponentProps(problems, props);
    checkLiveKitProps(problems, props, this.turnRelay, metrics?.port);
    checkPlacement(problems, 'livekit', props);

    const rtcConfig: Record<string, unknown> = {
      tcp_port: tcpPort,
      // One UDP mux port, so the LoadBalancer (or node firewall) forwards exactly one UDP port.
      udp_port: udpPort,
    };
    if (scaleOut) {
      // Each node advertises its own address: STUN, or the node IP injected as NODE_IP (honoured only without use_external_ip).
      rtcConfig.use_external_ip = nodeAddress === NodeAddressSource.STUN;
    } else {
      rtcConfig.use_external_ip = useExternalIp;
      if (nodeIp !== undefined) rtcConfig.node_ip = nodeIp;
    }
    const config: Record<string, unknown> = {
      port: this.signalingPort,
      rtc: rtcConfig,
      // lk-jwt-service creates rooms for authorised users; auto-creation would let anyone with a token open rooms.
      room: { auto_create: false },
      ...(this.turnRelay ? { turn: this.turnRelay.configSection } : {}),
      ...(scaleOut ? { redis: redisConfig(scaleOut.redis) } : {}),
      // The API key comes from LIVEKIT_WEBHOOK_API_KEY (env), never from this file.
      ...(webhooks ? { webhook: { urls: [`${lkJwtUrl}/sfu_webhook`, ...(webhooks.urls ?? [])] } } : {}),
      ...(metrics ? { prometheus: { port: metrics.port } } : {}),
    };
    this.configYaml = Yaml.stringify(config);

    this.configMap = new k8s.KubeConfigMap(this, 'config', {
      metadata: { name: configName, labels },
      data: { [CONFIG_FILE]: this.configYaml },
    });

    let inlineKeys = '';
    if (!props.keys?.existingSecret && props.keys?.apiKey !== undefined && props.keys?.apiSecret !== undefined) {
      // Both sides double-quoted (a JSON string is a YAML double-quoted scalar), so any key or
      // secret arrives as a string, also under the YAML 1.1 rules Go's parser still applies
      // (an unquoted `0b1010…` or `1_000…` would become a number and the key be dropped).
      inlineKeys = `${JSON.stringify(props.keys.apiKey)}: ${JSON.stringify(props.keys.apiSecret)}`;
      this.secret = new k8s.KubeSecret(this, 'secret', {
        metadata: { name: this.credentials.secretName, labels },
        type: 'Opaque',
        data: {
          LIVEKIT_KEYS: base64(inlineKeys),
          LIVEKIT_API_KEY: base64(props.keys.apiKey),
          LIVEKIT_API_SECRET: base64(props.keys.apiSecret),
        },
      });
    }
    this.credentialsHash = inlineKeys === '' ? '' : configHash(inlineKeys);

    const containerPorts: k8s.ContainerPort[] = [
      { name: 'signaling', containerPort: this.signalingPort, protocol: 'TCP' },
      { name: 'rtc-tcp', containerPort: tcpPort, protocol: 'TCP' },
      { name: 'rtc-udp', containerPort: udpPort, protocol: 'UDP' },
      ...(this.turnRelay ? [this.turnRelay.containerPort] : []),
      ...(metrics ? [{ name: 'metrics', containerPort: metrics.port, protocol: 'TCP' }] : []),
    ];
    this.listenerPorts = containerPorts.map((p) => ({ port: p.containerPort, protocol: p.protocol ?? 'TCP' }));

    const secretEnv = (name: string, ref: { name: string; key: string }): k8s.EnvVar => ({
      name,
      valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } },
    });
    const env: k8s.EnvVar[] = [
      secretEnv('LIVEKIT_KEYS', { name: this.credentials.secretName, key: this.credentials.livekitKeysKey }),
      ...(webhooks ? [secretEnv('LIVEKIT_WEBHOOK_API_KEY', { name: this.credentials.secretName, key: this.credentials.apiKeyKey })] : []),
      ...(scaleOut?.redis?.passwordSecret ? [secretEnv('LIVEKIT_REDIS_PASSWORD', scaleOut.redis.passwordSecret)] : []),
      ...(scaleOut?.redis?.sentinelPasswordSecret ? [secretEnv('LIVEKIT_REDIS_SENTINEL_PASSWORD', scaleOut.redis.sentinelPasswordSecret)] : []),
      ...(scaleOut && nodeAddress === NodeAddressSource.HOST_IP ? [{ name: 'NODE_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } }] : []),
    ];

    const probe = (failureThreshold: number): k8s.Probe => ({
      httpGet: { path: '/', port: k8s.IntOrString.fromString('signaling') },
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold,
    });

    const meshOptOut = props.meshSidecarOptOut ?? true;
    const common = commonPodSpec(props);
    // In scale-out mode every SFU pod binds its ports on its node: one pod per node.
    const affinity = scaleOut ? withHostAntiAffinity(common.affinity, this.selectorLabels) : common.affinity;

    this.deployment = new k8s.KubeDeployment(this, 'deployment', {
      metadata: { name: this.name, labels },
      spec: {
        replicas,
        selector: { matchLabels: this.selectorLabels },
        // Single SFU: start the new pod before stopping the old one. Host network: the ports are
        // taken on the node, so replace one node at a time instead (a surge pod could not start).
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: scaleOut
            ? { maxSurge: k8s.IntOrString.fromNumber(0), maxUnavailable: k8s.IntOrString.fromNumber(1) }
            : { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) },
        },
        template: {
          metadata: {
            labels: { ...labels, ...(meshOptOut ? { 'sidecar.istio.io/inject': 'false' } : {}), ...this.selectorLabels },
            annotations: {
              [CONFIG_HASH_ANNOTATION]: configHash(this.configYaml, inlineKeys),
              ...(meshOptOut ? { 'sidecar.istio.io/inject': 'false', 'linkerd.io/inject': 'disabled' } : {}),
            },
          },
          spec: {
            ...common,
            affinity,
            ...placementPodSpec(props),
            ...(scaleOut ? { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' } : {}),
            terminationGracePeriodSeconds: props.terminationGracePeriodSeconds ?? 7200,
            // fsGroup: Secret and ConfigMap files are owned by gid fsGroup (0 without it), so the
            // SFU reads its 0440 TURNS certificate and key only through this group.
            securityContext: podSecurityContext(true),
            containers: [{
              name: 'livekit',
              image: imageReference(props.image, LIVEKIT_IMAGE),
              args: ['--config', `${CONFIG_DIR}/${CONFIG_FILE}`],
              env,
              ports: containerPorts,
              volumeMounts: [
                { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
                ...(this.turnRelay ? [this.turnRelay.volumeMount] : []),
              ],
              readinessProbe: probe(3),
              livenessProbe: probe(6),
              resources: resourceRequirements(problems, 'livekit.resources', props.resources, { cpuRequestMillis: 500, memoryRequest: Size.mebibytes(512), memoryLimit: Size.gibibytes(2) }),
              securityContext: containerSecurityContext(),
            }],
            volumes: [
              { name: 'config', configMap: { name: configName, items: [{ key: CONFIG_FILE, path: CONFIG_FILE }] } },
              ...(this.turnRelay ? [this.turnRelay.volume] : []),
            ],
          },
        },
      },
    });

    const signalingLabels = { ...labels, [SERVICE_ROLE_LABEL]: 'signaling' };
    this.signalingService = new k8s.KubeService(this, 'signaling', {
      metadata: { name: this.signalingServiceName, labels: signalingLabels },
      spec: {
        type: 'ClusterIP',
        selector: this.selectorLabels,
        ports: [
          { name: 'signaling', port: this.signalingPort, targetPort: k8s.IntOrString.fromNumber(this.signalingPort), protocol: 'TCP' },
          ...(metrics ? [{ name: 'metrics', port: metrics.port, targetPort: k8s.IntOrString.fromNumber(metrics.port), protocol: 'TCP' }] : []),
        ],
      },
    });

    if (!scaleOut) {
      // port == targetPort: LiveKit advertises its own ports in ICE candidates, so the LB must not remap them.
      this.rtcService = new k8s.KubeService(this, 'rtc', {
        metadata: {
          name: rtcServiceName,
          labels: { ...labels, ...props.rtc?.serviceLabels, [SERVICE_ROLE_LABEL]: 'rtc' },
          annotations: nonEmpty(props.rtc?.serviceAnnotations),
        },
        spec: {
          type: 'LoadBalancer',
          selector: this.selectorLabels,
          ports: [
            { name: 'rtc-udp', port: udpPort, targetPort: k8s.IntOrString.fromNumber(udpPort), protocol: 'UDP' },
            { name: 'rtc-tcp', port: tcpPort, targetPort: k8s.IntOrString.fromNumber(tcpPort), protocol: 'TCP' },
            ...(this.turnRelay ? [this.turnRelay.servicePort] : []),
          ],
        },
      });
    }

    if (metrics?.serviceMonitor?.enabled) {
      this.serviceMonitor = new ApiObject(this, 'service-monitor', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: { name: this.name, labels: { ...labels, ...metrics.serviceMonitor.labels } },
        spec: {
          selector: { matchLabels: { 'app.kubernetes.io/instance': this.name, [SERVICE_ROLE_LABEL]: 'signaling' } },
          endpoints: [{ port: 'metrics', path: '/metrics', interval: metrics.serviceMonitor.interval ?? '30s' }],
        },
      } as any);
    }

    reportProblems(this, problems);
  }

  /** The objects this construct generated, for escape hatches (`addJsonPatch`, labels). */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }
}

function redisConfig(redis: LiveKitRedisProps | undefined): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  if (redis?.address !== undefined) config.address = redis.address;
  if (redis?.username !== undefined) config.username = redis.username;
  if (redis?.db !== undefined) config.db = redis.db;
  if (redis?.useTls) config.use_tls = true;
  if (redis?.sentinelMasterName !== undefined) config.sentinel_master_name = redis.sentinelMasterName;
  if (redis?.sentinelAddresses && redis.sentinelAddresses.length > 0) config.sentinel_addresses = [...redis.sentinelAddresses];
  if (redis?.sentinelUsername !== undefined) config.sentinel_username = redis.sentinelUsername;
  if (redis?.clusterAddresses && redis.clusterAddresses.length > 0) config.cluster_addresses = [...redis.clusterAddresses];
  return config;
}

/** Adds a required one-pod-per-node anti-affinity term to the user's affinity. */
function withHostAntiAffinity(affinity: k8s.Affinity | undefined, selector: Record<string, string>): k8s.Affinity {
  const term: k8s.PodAffinityTerm = { labelSelector: { matchLabels: selector }, topologyKey: 'kubernetes.io/hostname' };
  return {
    ...affinity,
    podAntiAffinity: {
      ...affinity?.podAntiAffinity,
      requiredDuringSchedulingIgnoredDuringExecution: [...(affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []), term],
    },
  };
}

function nonEmpty(map: Record<string, string> | undefined): Record<string, string> | undefined {
  return map && Object.keys(map).length > 0 ? { ...map } : undefined;
}

function base64(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64');
}

// eslint-disable-next-line no-control-regex
const UNSAFE_CREDENTIAL = /[\u0000-\u001f\u007f]|^\s|\s$/;

/** Kubernetes supports up to 5,000 nodes, and scale-out runs one SFU per node. */
const MAX_SFU_REPLICAS = 5000;
const HOST_PORT = /^[^\s:/]+:[0-9]{1,5}$|^\[[0-9a-fA-F:.]+\]:[0-9]{1,5}$/;

function checkLiveKitProps(problems: Problems, props: LiveKitProps, turnRelay: TurnRelay | undefined, metricsPort: number | undefined): void {
  checkImage(problems, 'livekit.image', props.image, LIVEKIT_IMAGE);
  const keys = props.keys;
  const hasInline = keys?.apiKey !== undefined || keys?.apiSecret !== undefined;
  if (!hasInline && !keys?.existingSecret) {
    problems.add(
      'livekit.keys',
      'no credentials are set',
      'livekit-server would start with no signing key and lk-jwt-service would reference a Secret that does not exist, so no call can start',
      'set livekit.keys.existingSecret.name (a Secret with LIVEKIT_KEYS, LIVEKIT_API_KEY and LIVEKIT_API_SECRET) or livekit.keys.apiKey and livekit.keys.apiSecret',
    );
  }
  if (hasInline && keys?.existingSecret) {
    problems.add(keys?.apiKey !== undefined ? 'livekit.keys.apiKey' : 'livekit.keys.apiSecret', 'inline credentials are set together with livekit.keys.existingSecret', 'only the existing Secret would be used, and the inline values would be silently ignored', 'remove livekit.keys.apiKey/apiSecret or livekit.keys.existingSecret');
  }
  if (hasInline && !keys?.existingSecret) {
    if (keys?.apiKey === undefined || keys.apiKey === '') {
      problems.add('livekit.keys.apiKey', 'is not set while livekit.keys.apiSecret is', 'LiveKit needs both halves of the credential pair to sign and verify tokens', 'set livekit.keys.apiKey');
    } else if (typeof keys.apiKey !== 'string' || UNSAFE_CREDENTIAL.test(keys.apiKey)) {
      problems.add('livekit.keys.apiKey', 'contains control characters or leading/trailing whitespace', 'it is passed in environment variables and JWT claims, where such characters are mangled and authentication fails', 'use printable characters only, e.g. `openssl rand -hex 8` prefixed with "API"');
    }
    if (keys?.apiSecret === undefined || keys.apiSecret === '') {
      problems.add('livekit.keys.apiSecret', 'is not set while livekit.keys.apiKey is', 'LiveKit needs both halves of the credential pair to sign and verify tokens', 'set livekit.keys.apiSecret');
    } else if (typeof keys.apiSecret !== 'string' || UNSAFE_CREDENTIAL.test(keys.apiSecret)) {
      problems.add('livekit.keys.apiSecret', 'contains control characters or leading/trailing whitespace', 'it is passed in environment variables, where such characters are mangled and token signatures fail', 'use printable characters only, e.g. `openssl rand -hex 32`');
    } else if (keys.apiSecret.length < 32) {
      problems.add('livekit.keys.apiSecret', `is ${keys.apiSecret.length} characters long, fewer than 32`, 'livekit-server only logs a warning and starts with a weak signing key that can be brute-forced', 'use at least 32 characters, e.g. `openssl rand -hex 32`');
    }
  }
  if (keys?.existingSecret) {
    const ref = liveKitCredentials(keys, undefined);
    checkSecretReference(problems, 'livekit.keys.existingSecret.name', keys.existingSecret.name, [
      { path: 'livekit.keys.existingSecret.apiKeyKey', key: ref.apiKeyKey },
      { path: 'livekit.keys.existingSecret.apiSecretKey', key: ref.apiSecretKey },
      { path: 'livekit.keys.existingSecret.livekitKeysKey', key: ref.livekitKeysKey },
    ]);
  }

  const rtc = props.rtc ?? {};
  checkContainerPort(problems, 'livekit.rtc.signalingPort', rtc.signalingPort ?? 7880);
  checkContainerPort(problems, 'livekit.rtc.tcpPort', rtc.tcpPort ?? 7881);
  checkContainerPort(problems, 'livekit.rtc.udpPort', rtc.udpPort ?? 7882);
  checkDistinctPorts(problems, [
    { path: 'livekit.rtc.signalingPort', port: rtc.signalingPort ?? 7880 },
    { path: 'livekit.rtc.tcpPort', port: rtc.tcpPort ?? 7881 },
    // UDP and TCP could share a number, but LiveKit's TCP listeners and the LB port names would collide in practice.
    { path: 'livekit.rtc.udpPort', port: rtc.udpPort ?? 7882 },
    { path: 'livekit.turn.tlsPort', port: turnRelay?.tlsPort },
    { path: 'livekit.metrics.port', port: metricsPort },
  ]);
  if (metricsPort !== undefined) checkContainerPort(problems, 'livekit.metrics.port', metricsPort);
  const monitor = props.metrics?.enabled ? props.metrics.serviceMonitor : undefined;
  if (monitor?.enabled) {
    checkLabels(problems, 'livekit.metrics.serviceMonitor.labels', monitor.labels);
    if (monitor.interval !== undefined && !/^([0-9]+(ms|s|m|h|d|w|y))+$/.test(monitor.interval)) {
      problems.add('livekit.metrics.serviceMonitor.interval', `${show(monitor.interval)} is not a Prometheus duration`, 'the Prometheus Operator rejects the ServiceMonitor and LiveKit is never scraped', 'use a duration such as "30s" or "1m"');
    }
  }
  (props.webhooks?.urls ?? []).forEach((url, index) => {
    if (!parseUrl(url, ['http', 'https'])) {
      problems.add(`livekit.webhooks.urls[${index}]`, `${show(url)} is not an http(s) URL`, 'LiveKit cannot deliver webhooks to it', 'use a URL such as "http://my-receiver:8080/webhook"');
    }
  });
  const grace = props.terminationGracePeriodSeconds;
  if (grace !== undefined && (!Number.isSafeInteger(grace) || grace < 0)) {
    problems.add('livekit.terminationGracePeriodSeconds', `${show(grace)} is not a whole number of seconds`, 'the API server rejects the pod spec', 'use e.g. 7200 (two hours) so active calls can finish');
  }
  checkScaleOut(problems, props, turnRelay);
  if (rtc.nodeIp !== undefined && !isIpAddress(rtc.nodeIp)) {
    problems.add('livekit.rtc.nodeIp', `${show(rtc.nodeIp)} is not an IPv4 or IPv6 address`, 'LiveKit would advertise an unusable ICE candidate and calls connect with no media', 'set the external IP of the livekit-rtc LoadBalancer, e.g. "203.0.113.10"');
  }
  checkLabels(problems, 'livekit.rtc.serviceLabels', rtc.serviceLabels);
  checkAnnotations(problems, 'livekit.rtc.serviceAnnotations', rtc.serviceAnnotations);
  checkAnnotationsSize(problems, 'livekit.rtc.serviceAnnotations', rtc.serviceAnnotations);
}

function checkScaleOut(problems: Problems, props: LiveKitProps, turnRelay: TurnRelay | undefined): void {
  const scaleOut = props.scaleOut;
  if (!scaleOut?.enabled) return;
  const replicas = scaleOut.replicas ?? 2;
  // One SFU per node: more replicas than any cluster has nodes is a typo (and above int32 the API server rejects it).
  if (!Number.isSafeInteger(replicas) || replicas < 2 || replicas > MAX_SFU_REPLICAS) {
    problems.add('livekit.scaleOut.replicas', `${show(replicas)} is not a whole number from 2 to ${MAX_SFU_REPLICAS}`, 'scale-out mode runs one SFU per node; with fewer than two it only adds Redis and host networking to a single SFU', 'set replicas to 2 or more, or disable livekit.scaleOut');
  }
  const redis = scaleOut.redis;
  const hasSentinel = redis?.sentinelAddresses !== undefined && redis.sentinelAddresses.length > 0;
  const hasCluster = redis?.clusterAddresses !== undefined && redis.clusterAddresses.length > 0;
  if (!redis?.address && !hasSentinel && !hasCluster) {
    problems.add('livekit.scaleOut.redis', 'no Redis address is set', 'without Redis each SFU runs alone: rooms split across nodes and participants of one call land on different servers', 'set livekit.scaleOut.redis.address (or sentinelAddresses with sentinelMasterName, or clusterAddresses)');
  }
  if (hasSentinel && !redis?.sentinelMasterName) {
    problems.add('livekit.scaleOut.redis.sentinelMasterName', 'is not set while sentinelAddresses are', 'LiveKit cannot ask the Sentinels for a master and fails to start', 'set the Sentinel master name, e.g. "mymaster"');
  }
  const addresses = [
    ...(redis?.address !== undefined ? [{ path: 'livekit.scaleOut.redis.address', value: redis.address }] : []),
    ...(redis?.sentinelAddresses ?? []).map((value, i) => ({ path: `livekit.scaleOut.redis.sentinelAddresses[${i}]`, value })),
    ...(redis?.clusterAddresses ?? []).map((value, i) => ({ path: `livekit.scaleOut.redis.clusterAddresses[${i}]`, value })),
  ];
  for (const { path, value } of addresses) {
    if (typeof value !== 'string' || !HOST_PORT.test(value)) {
      problems.add(path, `${show(value)} is not host:port`, 'LiveKit cannot connect to Redis and fails to start', 'use e.g. "redis-master.redis.svc:6379"');
    }
  }
  if (redis?.db !== undefined && (!Number.isSafeInteger(redis.db) || redis.db < 0)) {
    problems.add('livekit.scaleOut.redis.db', `${show(redis.db)} is not a database number`, 'LiveKit cannot select the database and fails to start', 'use a whole number such as 0');
  }
  for (const [field, ref] of [['passwordSecret', redis?.passwordSecret], ['sentinelPasswordSecret', redis?.sentinelPasswordSecret]] as const) {
    if (ref) checkSecretReference(problems, `livekit.scaleOut.redis.${field}.name`, ref.name, [{ path: `livekit.scaleOut.redis.${field}.key`, key: ref.key }]);
  }
  if (props.rtc?.nodeIp !== undefined) {
    problems.add('livekit.rtc.nodeIp', 'is set in scale-out mode', 'every node would advertise the same address, so media for rooms on the other nodes goes to the wrong server', 'remove livekit.rtc.nodeIp and choose livekit.scaleOut.nodeAddress (STUN or HOST_IP)');
  }
  if (scaleOut.nodeAddress !== undefined && !Object.values(NodeAddressSource).includes(scaleOut.nodeAddress)) {
    problems.add('livekit.scaleOut.nodeAddress', `${show(scaleOut.nodeAddress)} is not STUN or HOST_IP`, 'the nodes would not know which address to advertise', 'use NodeAddressSource.STUN or NodeAddressSource.HOST_IP');
  }
  if (turnRelay) {
    problems.add(
      'livekit.turn.enabled',
      'TURNS is not supported in scale-out mode yet',
      'LiveKit advertises one TURN domain on port 443 for every node, but a relayed client must reach the node hosting its room, which one DNS name cannot guarantee; and a non-root pod on the host network cannot bind 443',
      'disable livekit.turn in scale-out mode, or run a single SFU with TURNS',
    );
  }
}
