// The nested props of the LiveKit SFU: credentials, media networking, webhooks, metrics and scale-out on Redis.
import { Duration } from 'cdk8s';
import { ImageProps } from './images';
import { SecretKeyReference } from './secret-key-reference';

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
   * A UDP port range for ICE instead of the single `udpPort` (scale-out mode only: the host network reaches every port, a LoadBalancer would need one Service port each).
   * @default none; one UDP mux port (`udpPort`)
   */
  readonly udpPortRange?: RtcPortRange;

  /**
   * Public IP LiveKit advertises in ICE candidates: the `livekit-rtc` LoadBalancer's external IP (`NodeAddressSource.MANUAL`).
   * @default none; the address is read from the `livekit-rtc` LoadBalancer at pod start (`NodeAddressSource.LOAD_BALANCER`)
   */
  readonly nodeIp?: string;

  /**
   * Discover the public IP with STUN (the same as `nodeAddress: NodeAddressSource.STUN`); STUN finds the node's egress address, which is not the LoadBalancer's on most clouds.
   * @default false unless set; `nodeAddress` decides
   */
  readonly useExternalIp?: boolean;

  /**
   * Where the SFU learns the address it advertises in ICE candidates.
   * @default NodeAddressSource.MANUAL when `nodeIp` is set, NodeAddressSource.STUN when `useExternalIp` is true, otherwise NodeAddressSource.LOAD_BALANCER
   */
  readonly nodeAddress?: NodeAddressSource;

  /**
   * Image of the init container that reads the `livekit-rtc` LoadBalancer address (`NodeAddressSource.LOAD_BALANCER`): it needs a POSIX shell and kubectl.
   * @default cgr.dev/chainguard/kubectl:latest-dev pinned by digest
   */
  readonly nodeAddressImage?: ImageProps;

  /**
   * How long the init container waits for the LoadBalancer address before the pod fails and restarts (`NodeAddressSource.LOAD_BALANCER`).
   * @default Duration.minutes(10)
   */
  readonly nodeAddressTimeout?: Duration;

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

/** An inclusive range of UDP ports. */
export interface RtcPortRange {
  /** First port of the range. */
  readonly start: number;

  /** Last port of the range (inclusive). */
  readonly end: number;
}

/** A LiveKit (zap) log level. */
export enum LogLevel {
  /** Debug and above. */
  DEBUG = 'debug',
  /** Info and above. */
  INFO = 'info',
  /** Warnings and errors. */
  WARN = 'warn',
  /** Errors only. */
  ERROR = 'error',
}

/** The SFU's logging. */
export interface LiveKitLoggingProps {
  /**
   * Log level of livekit-server.
   * @default LogLevel.INFO
   */
  readonly level?: LogLevel;

  /**
   * Log one JSON object per line (for log collectors) instead of console text.
   * @default false
   */
  readonly json?: boolean;

  /**
   * Log level of the pion WebRTC libraries.
   * @default LogLevel.ERROR
   */
  readonly pionLevel?: LogLevel;
}

/** Defaults for rooms the SFU creates. */
export interface LiveKitRoomProps {
  /**
   * How long an empty room is kept before it closes (whole seconds).
   * @default Duration.minutes(5) (LiveKit's default)
   */
  readonly emptyTimeout?: Duration;

  /**
   * Most participants in one room.
   * @default no limit
   */
  readonly maxParticipants?: number;
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

/** How an SFU learns the address it advertises, in single-node and scale-out mode alike (scale-out accepts STUN and HOST_IP). */
export enum NodeAddressSource {
  /** Discover the public address with STUN (nodes behind NAT with a public IP each). */
  STUN = 'STUN',
  /** The node's own IP from the downward API (`status.hostIP`): nodes with public addresses. */
  HOST_IP = 'HOST_IP',
  /** The `livekit-rtc` LoadBalancer's address, read at pod start by an init container allowed to `get` that one Service. */
  LOAD_BALANCER = 'LOAD_BALANCER',
  /** The address given in `rtc.nodeIp`. */
  MANUAL = 'MANUAL',
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
