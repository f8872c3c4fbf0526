/** What the fuzzer demands of a successful synthesis: the values given come back out unchanged. */
import { parse as parseYaml } from 'yaml';

/**
 * config.yaml as LiveKit reads it. cdk8s writes YAML 1.1, and LiveKit decodes with Go's yaml.v3
 * into typed fields: a Go string field receives the scalar's text whatever tag yaml.v3 resolves
 * (so an unquoted `0o17` arrives as "0o17"), and numbers and booleans are only ever emitted from
 * validated numeric and boolean props. Reading the text back under the 1.1 schema it was written
 * with is therefore what LiveKit's string fields get.
 */
function parseLiveKitConfig(text: string): any {
  return parseYaml(text, { version: '1.1' });
}
import { MatrixChatProps } from '../../src';
import { K8sObject } from '../util';

// smol-toml ships CommonJS beside its ES module build; its types only declare the latter (as in src/homeserver.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse: parseToml } = require('smol-toml') as { parse(text: string): Record<string, unknown> };

function named(objects: K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

function decode(secret: K8sObject, key: string): string | undefined {
  const value = secret.data?.[key];
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
}

/** JSON with object keys sorted, so key order does not matter. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));
}

function same(messages: string[], what: string, actual: unknown, expected: unknown): void {
  if (canonical(actual) !== canonical(expected)) {
    messages.push(`${what}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  }
}

/** Compares the parsed config files, Secrets, env and metadata against the props; one message per mismatch. */
export function roundTrip(objects: K8sObject[], props: MatrixChatProps): string[] {
  const messages: string[] = [];
  const prefix = props.namePrefix ?? '';
  const server = props.serverName;
  const homeserver = props.homeserver?.enabled !== false;
  const bundled = props.livekit?.enabled !== false;
  const lkJwt = props.lkJwt?.enabled !== false;

  const hsConfig = named(objects, 'ConfigMap', `${prefix}matrix-homeserver-config`);
  if (homeserver !== (hsConfig !== undefined)) messages.push(`homeserver ConfigMap present: ${hsConfig !== undefined}, homeserver enabled: ${homeserver}`);
  if (hsConfig) {
    const global = (parseToml(hsConfig.data['tuwunel.toml']) as any).global;
    same(messages, 'tuwunel.toml server_name', global.server_name, server);
    same(messages, 'tuwunel.toml port', global.port, props.homeserver?.clientPort ?? 6167);
    same(messages, 'tuwunel.toml max_request_size', global.max_request_size, props.homeserver?.maxRequestSize ?? 104857600);
    same(messages, 'tuwunel.toml allow_registration', global.allow_registration, props.homeserver?.allowRegistration ?? true);
    same(messages, 'tuwunel.toml allow_federation', global.allow_federation, props.homeserver?.allowFederation ?? true);
    same(messages, 'tuwunel.toml well_known.client', global.well_known?.client, `https://${server}`);
    same(messages, 'tuwunel.toml well_known.server', global.well_known?.server, `${server}:443`);
    same(messages, 'tuwunel.toml well_known.livekit_url', global.well_known?.livekit_url, props.homeserver?.livekitServiceUrl ?? (lkJwt ? `https://${server}` : undefined));
  }
  if (hsConfig) {
    // Declarative appservices: every value given comes back from tuwunel.toml (tokens stay in the Secret).
    const tables = (parseToml(hsConfig.data['tuwunel.toml']) as any).global.appservice;
    const expected = Object.fromEntries((props.homeserver?.appservices ?? []).map((as) => {
      const ns = (list: Array<{ regex: string; exclusive?: boolean }> | undefined) =>
        (list ?? []).map((n) => ({ exclusive: n.exclusive ?? false, regex: n.regex }));
      return [as.id, {
        url: as.url,
        sender_localpart: as.senderLocalpart,
        rate_limited: as.rateLimited ?? false,
        receive_ephemeral: as.receiveEphemeral ?? false,
        protocols: as.protocols && as.protocols.length > 0 ? as.protocols : undefined,
        users: ns(as.users),
        aliases: ns(as.aliases),
        rooms: ns(as.rooms),
      }];
    }));
    const normalize = (value: unknown) => JSON.parse(JSON.stringify(value ?? {}));
    same(messages, 'tuwunel.toml global.appservice', normalize(tables), normalize(expected));
    const sts = named(objects, 'StatefulSet', `${prefix}matrix-homeserver`);
    const env: any[] = sts?.spec.template.spec.containers[0].env ?? [];
    for (const as of props.homeserver?.appservices ?? []) {
      for (const [token, key] of [['AS_TOKEN', as.tokensSecret.asTokenKey ?? 'as_token'], ['HS_TOKEN', as.tokensSecret.hsTokenKey ?? 'hs_token']]) {
        const e = env.find((x) => x.name === `TUWUNEL_APPSERVICE__${as.id.toUpperCase()}__${token}`);
        same(messages, `appservice ${as.id} ${token} secretKeyRef`, e?.valueFrom?.secretKeyRef, { name: as.tokensSecret.name, key });
      }
    }
  }
  const tokenSecret = named(objects, 'Secret', `${prefix}matrix-homeserver-secret`);
  const inlineToken = homeserver && props.homeserver?.registrationToken !== undefined && !props.homeserver.registrationTokenExistingSecret;
  if (inlineToken !== (tokenSecret !== undefined)) messages.push(`registration token Secret present: ${tokenSecret !== undefined}, inline token: ${inlineToken}`);
  if (tokenSecret) same(messages, 'registration_token', decode(tokenSecret, 'registration_token'), props.homeserver?.registrationToken);

  const lkConfig = named(objects, 'ConfigMap', `${prefix}livekit-config`);
  if (bundled !== (lkConfig !== undefined)) messages.push(`LiveKit ConfigMap present: ${lkConfig !== undefined}, bundled: ${bundled}`);
  if (lkConfig) {
    const config = parseLiveKitConfig(lkConfig.data['config.yaml']);
    const rtc = props.livekit?.rtc;
    same(messages, 'config.yaml port', config.port, rtc?.signalingPort ?? 7880);
    same(messages, 'config.yaml rtc.tcp_port', config.rtc?.tcp_port, rtc?.tcpPort ?? 7881);
    same(messages, 'config.yaml rtc.udp_port', config.rtc?.udp_port, rtc?.udpPort ?? 7882);
    const scaleOut = props.livekit?.scaleOut?.enabled ? props.livekit.scaleOut : undefined;
    same(messages, 'config.yaml rtc.node_ip', config.rtc?.node_ip, scaleOut ? undefined : rtc?.nodeIp);
    same(messages, 'config.yaml rtc.use_external_ip', config.rtc?.use_external_ip, scaleOut
      ? (scaleOut.nodeAddress ?? 'STUN') === 'STUN'
      // A node IP wins; otherwise only an explicit useExternalIp: true means STUN (the default reads the LoadBalancer's address).
      : rtc?.nodeIp !== undefined ? false : rtc?.useExternalIp === true);
    const turn = props.livekit?.turn;
    same(messages, 'config.yaml turn.enabled', config.turn?.enabled, turn?.enabled ? true : undefined);
    if (turn?.enabled) {
      same(messages, 'config.yaml turn.domain', config.turn?.domain, turn.domain);
      same(messages, 'config.yaml turn.tls_port', config.turn?.tls_port, turn.tlsPort ?? 5349);
    }
  }
  if (lkConfig) {
    const config = parseLiveKitConfig(lkConfig.data['config.yaml']);
    const lk = props.livekit;
    const webhooks = lk?.webhooks?.enabled ? [`http://${prefix}lk-jwt-service:8080/sfu_webhook`, ...(lk.webhooks.urls ?? [])] : undefined;
    same(messages, 'config.yaml webhook.urls', config.webhook?.urls, webhooks);
    same(messages, 'config.yaml prometheus.port', config.prometheus?.port, lk?.metrics?.enabled ? lk.metrics.port ?? 6789 : undefined);
    const redis = lk?.scaleOut?.enabled ? lk.scaleOut.redis : undefined;
    if (redis) {
      same(messages, 'config.yaml redis.address', config.redis?.address, redis.address);
      same(messages, 'config.yaml redis.username', config.redis?.username, redis.username);
      same(messages, 'config.yaml redis.db', config.redis?.db, redis.db);
      same(messages, 'config.yaml redis.sentinel_master_name', config.redis?.sentinel_master_name, redis.sentinelMasterName);
      same(messages, 'config.yaml redis.sentinel_addresses', config.redis?.sentinel_addresses, redis.sentinelAddresses?.length ? redis.sentinelAddresses : undefined);
      same(messages, 'config.yaml redis.cluster_addresses', config.redis?.cluster_addresses, redis.clusterAddresses?.length ? redis.clusterAddresses : undefined);
    } else {
      same(messages, 'config.yaml redis', config.redis, undefined);
    }
    const deployment = named(objects, 'Deployment', `${prefix}livekit`);
    const pod = deployment?.spec.template.spec;
    same(messages, 'LiveKit replicas', deployment?.spec.replicas, lk?.scaleOut?.enabled ? lk.scaleOut.replicas ?? 2 : 1);
    same(messages, 'LiveKit hostNetwork', pod?.hostNetwork, lk?.scaleOut?.enabled ? true : undefined);
    same(messages, 'LiveKit terminationGracePeriodSeconds', pod?.terminationGracePeriodSeconds, lk?.terminationGracePeriodSeconds ?? 7200);
    same(messages, 'LiveKit priorityClassName', pod?.priorityClassName, lk?.priorityClassName);
    same(messages, 'livekit-rtc LoadBalancer present', named(objects, 'Service', `${prefix}livekit-rtc`) !== undefined, !lk?.scaleOut?.enabled);
    const monitor = named(objects, 'ServiceMonitor', `${prefix}livekit`);
    const sm = lk?.metrics?.enabled && lk.metrics.serviceMonitor?.enabled ? lk.metrics.serviceMonitor : undefined;
    same(messages, 'ServiceMonitor present', monitor !== undefined, sm !== undefined);
    if (monitor && sm) {
      same(messages, 'ServiceMonitor interval', monitor.spec.endpoints[0]?.interval, sm.interval ?? '30s');
      for (const [key, value] of Object.entries(sm.labels ?? {})) same(messages, `ServiceMonitor label ${key}`, monitor.metadata.labels?.[key], value);
    }
    const cert = named(objects, 'Certificate', `${prefix}livekit-turn-tls`);
    const issuer = lk?.turn?.enabled ? lk.turn.tls?.issuer : undefined;
    same(messages, 'TURN Certificate present', cert !== undefined, issuer !== undefined);
    if (cert && issuer) {
      same(messages, 'Certificate dnsNames', cert.spec.dnsNames, [lk!.turn!.domain]);
      same(messages, 'Certificate issuerRef', { name: cert.spec.issuerRef?.name, kind: cert.spec.issuerRef?.kind }, { name: issuer.name, kind: issuer.kind ?? 'ClusterIssuer' });
    }
  }
  const keysSecret = named(objects, 'Secret', `${prefix}livekit-secret`);
  const keys = props.livekit?.keys;
  if (keysSecret && keys?.apiKey !== undefined) {
    const text = decode(keysSecret, 'LIVEKIT_KEYS') ?? '';
    // LiveKit parses LIVEKIT_KEYS with go-yaml v3, which still resolves some YAML 1.1 forms
    // (0b…, 1_000, 0777): the key pair must read back the same under YAML 1.2 and 1.1.
    for (const version of ['1.2', '1.1'] as const) {
      let parsed: unknown;
      try {
        parsed = parseYaml(text, { version });
      } catch (error) {
        parsed = `parse error: ${(error as Error).message}`;
      }
      same(messages, `LIVEKIT_KEYS parsed as YAML ${version}`, parsed, { [keys.apiKey]: keys.apiSecret });
    }
    same(messages, 'LIVEKIT_API_KEY', decode(keysSecret, 'LIVEKIT_API_KEY'), keys.apiKey);
    same(messages, 'LIVEKIT_API_SECRET', decode(keysSecret, 'LIVEKIT_API_SECRET'), keys.apiSecret);
  }

  const jwt = named(objects, 'Deployment', `${prefix}lk-jwt-service`);
  if (lkJwt !== (jwt !== undefined)) messages.push(`lk-jwt-service present: ${jwt !== undefined}, enabled: ${lkJwt}`);
  if (jwt) {
    const env = jwt.spec.template.spec.containers[0].env as any[];
    const value = (name: string) => env.find((e) => e.name === name)?.value;
    same(messages, 'lk-jwt LIVEKIT_URL', value('LIVEKIT_URL'), props.livekit?.publicUrl ?? `wss://${server}`);
    same(messages, 'lk-jwt LIVEKIT_FULL_ACCESS_HOMESERVERS', value('LIVEKIT_FULL_ACCESS_HOMESERVERS'), server);
    const address = props.lkJwt?.serverNameAddress;
    same(messages, 'lk-jwt hostAliases', jwt.spec.template.spec.hostAliases, address === undefined ? undefined : [{ hostnames: [server], ip: address }]);
    same(messages, 'lk-jwt priorityClassName', jwt.spec.template.spec.priorityClassName, props.lkJwt?.priorityClassName);
  }

  const route = named(objects, 'HTTPRoute', `${prefix}matrix-route`);
  const gateway = props.routing?.gatewayApiOptions;
  same(messages, 'HTTPRoute present', route !== undefined, gateway !== undefined && (homeserver || bundled || lkJwt));
  if (route && gateway) {
    same(messages, 'HTTPRoute hostnames', route.spec.hostnames, [server]);
    same(messages, 'HTTPRoute parentRefs', route.spec.parentRefs.map((r: any) => ({ name: r.name, namespace: r.namespace, sectionName: r.sectionName })),
      gateway.parentRefs.map((r) => JSON.parse(JSON.stringify({ name: r.name, namespace: r.namespace, sectionName: r.sectionName }))));
    if (named(objects, 'Ingress', `${prefix}matrix-ingress`)) messages.push('an Ingress is emitted beside the HTTPRoute');
  }
  const ingressNamespace = props.networkPolicy?.ingressControllerNamespace;
  for (const np of objects.filter((o) => o.kind === 'NetworkPolicy' && /(matrix-homeserver|lk-jwt-service)-policy$/.test(o.metadata.name))) {
    const peer = np.spec.ingress[0]?.from?.find((f: any) => f.namespaceSelector);
    same(messages, `${np.metadata.name} ingress controller namespace`, peer?.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'], ingressNamespace);
  }
  const ingress = named(objects, 'Ingress', `${prefix}matrix-ingress`);
  if (ingress) {
    same(messages, 'Ingress host', ingress.spec.rules[0].host, server);
    for (const [key, value] of Object.entries(props.ingress?.annotations ?? {})) same(messages, `Ingress annotation ${key}`, ingress.metadata.annotations?.[key], value);
  }
  const rtcService = named(objects, 'Service', `${prefix}livekit-rtc`);
  if (rtcService) {
    for (const [key, value] of Object.entries(props.livekit?.rtc?.serviceAnnotations ?? {})) same(messages, `livekit-rtc annotation ${key}`, rtcService.metadata.annotations?.[key], value);
    for (const [key, value] of Object.entries(props.livekit?.rtc?.serviceLabels ?? {})) same(messages, `livekit-rtc label ${key}`, rtcService.metadata.labels?.[key], value);
  }
  for (const o of objects) {
    for (const [key, value] of Object.entries(props.labels ?? {})) {
      if (key.startsWith('app.kubernetes.io/')) continue;
      if (o.metadata.labels?.[key] !== value) messages.push(`${o.kind}/${o.metadata.name}: user label ${key} missing or changed`);
    }
  }
  return messages;
}
