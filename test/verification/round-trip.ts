/** What the fuzzer demands of a successful synthesis: the values given come back out unchanged. */
import { parse as parseYaml } from 'yaml';
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

function same(messages: string[], what: string, actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
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
  const tokenSecret = named(objects, 'Secret', `${prefix}matrix-homeserver-secret`);
  const inlineToken = homeserver && props.homeserver?.registrationToken !== undefined && !props.homeserver.registrationTokenExistingSecret;
  if (inlineToken !== (tokenSecret !== undefined)) messages.push(`registration token Secret present: ${tokenSecret !== undefined}, inline token: ${inlineToken}`);
  if (tokenSecret) same(messages, 'registration_token', decode(tokenSecret, 'registration_token'), props.homeserver?.registrationToken);

  const lkConfig = named(objects, 'ConfigMap', `${prefix}livekit-config`);
  if (bundled !== (lkConfig !== undefined)) messages.push(`LiveKit ConfigMap present: ${lkConfig !== undefined}, bundled: ${bundled}`);
  if (lkConfig) {
    const config = parseYaml(lkConfig.data['config.yaml']);
    const rtc = props.livekit?.rtc;
    same(messages, 'config.yaml port', config.port, rtc?.signalingPort ?? 7880);
    same(messages, 'config.yaml rtc.tcp_port', config.rtc?.tcp_port, rtc?.tcpPort ?? 7881);
    same(messages, 'config.yaml rtc.udp_port', config.rtc?.udp_port, rtc?.udpPort ?? 7882);
    same(messages, 'config.yaml rtc.node_ip', config.rtc?.node_ip, rtc?.nodeIp);
    same(messages, 'config.yaml rtc.use_external_ip', config.rtc?.use_external_ip, rtc?.nodeIp !== undefined ? false : rtc?.useExternalIp ?? true);
    const turn = props.livekit?.turn;
    same(messages, 'config.yaml turn.enabled', config.turn?.enabled, turn?.enabled ? true : undefined);
    if (turn?.enabled) {
      same(messages, 'config.yaml turn.domain', config.turn?.domain, turn.domain);
      same(messages, 'config.yaml turn.tls_port', config.turn?.tls_port, turn.tlsPort ?? 5349);
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
