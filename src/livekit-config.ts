// LiveKit's `config.yaml` built as data from the SFU settings (keys livekit-server reads).
import { Yaml } from 'cdk8s';
import { LiveKitRedisProps, NodeAddressSource } from './livekit-props';
import type { LiveKitResolved } from './livekit-settings';

/** Where the SFU pod mounts its config. */
export const LIVEKIT_CONFIG_PATHS = { dir: '/etc/livekit', file: 'config.yaml' } as const;

/** The config document. */
export function livekitConfig(s: LiveKitResolved): Record<string, unknown> {
  return {
    port: s.signalingPort,
    rtc: rtcConfig(s),
    // lk-jwt-service creates rooms for authorised users; auto-creation would let anyone with a token open rooms.
    room: { auto_create: false, ...s.room },
    ...(s.logging ? { logging: s.logging } : {}),
    ...(s.turn ? { turn: s.turn.configSection } : {}),
    ...(s.scaleOut ? { redis: redisConfig(s.scaleOut.redis) } : {}),
    // The API key comes from LIVEKIT_WEBHOOK_API_KEY (env), never from this file.
    ...(s.webhookUrls ? { webhook: { urls: s.webhookUrls } } : {}),
    ...(s.metrics ? { prometheus: { port: s.metrics.port } } : {}),
  };
}

/** config.yaml as text. */
export function livekitConfigYaml(config: Record<string, unknown>): string {
  return Yaml.stringify(config);
}

function rtcConfig(s: LiveKitResolved): Record<string, unknown> {
  // One UDP mux port, so the LoadBalancer (or node firewall) forwards exactly one UDP port; with a range
  // (scale-out only) udp_port stays unset, since LiveKit picks the range only then (mediatransportutil rtcconfig/config.go:89-95).
  const rtc: Record<string, unknown> = s.udpPortRange
    ? { tcp_port: s.tcpPort, port_range_start: s.udpPortRange.start, port_range_end: s.udpPortRange.end }
    : { tcp_port: s.tcpPort, udp_port: s.udpPort };
  if (s.scaleOut) {
    // Each node advertises its own address: STUN, or the node IP injected as NODE_IP (honoured only without use_external_ip).
    rtc.use_external_ip = s.scaleOut.nodeAddress === NodeAddressSource.STUN;
  } else {
    // LOAD_BALANCER passes the address read at start as --node-ip, HOST_IP as NODE_IP; both need use_external_ip off.
    rtc.use_external_ip = s.useExternalIp;
    if (s.nodeAddress === NodeAddressSource.MANUAL && s.nodeIp !== undefined) rtc.node_ip = s.nodeIp;
  }
  return rtc;
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
