// The extraConfig escape hatch as users reach it: homeserver.extraConfig into tuwunel.toml, livekit.extraConfig into config.yaml, with every refusal at synth.
import { find, K8sObject, livekitConfig, MINIMAL_PROPS, problemsAt, synth, synthErrors, tuwunelConfig } from './util';
import { MatrixChatProps } from '../src';

const hs = (extraConfig: Record<string, any>): MatrixChatProps => ({ ...MINIMAL_PROPS, homeserver: { ...MINIMAL_PROPS.homeserver, extraConfig } });
const lk = (extraConfig: Record<string, any>): MatrixChatProps => ({ ...MINIMAL_PROPS, livekit: { ...MINIMAL_PROPS.livekit, extraConfig } });
const hash = (objects: K8sObject[], kind: string, name: string) => find(objects, kind, name).spec.template.metadata.annotations['matrix-chat.cdk8s.io/config-hash'];

describe('homeserver.extraConfig', () => {
  test('a key Tuwunel reads lands in [global], and the pod rolls', () => {
    const objects = synth(hs({ url_preview_max_spider_size: 1_000_000, allow_room_creation: false }));
    const global = tuwunelConfig(objects).global;
    expect(global.url_preview_max_spider_size).toBe(1_000_000);
    expect(global.allow_room_creation).toBe(false);
    expect(hash(objects, 'StatefulSet', 'matrix-homeserver')).not.toBe(hash(synth(MINIMAL_PROPS), 'StatefulSet', 'matrix-homeserver'));
  });

  test('tables merge deeply: the construct\'s well_known keys stay', () => {
    const wellKnown = tuwunelConfig(synth(hs({ well_known: { support_page: 'https://example.org/help' } }))).global.well_known;
    expect(wellKnown).toEqual({ client: 'https://matrix.example.org', server: 'matrix.example.org:443', livekit_url: 'https://matrix.example.org', support_page: 'https://example.org/help' });
  });

  test('key order does not change the bytes; an undefined value is refused, not dropped', () => {
    const toml = (objects: K8sObject[]) => find(objects, 'ConfigMap', 'matrix-homeserver-config').data['tuwunel.toml'];
    const first = toml(synth(hs({ url_preview_max_spider_size: 5, allow_room_creation: false })));
    expect(first).toBe(toml(synth(hs({ allow_room_creation: false, url_preview_max_spider_size: 5 }))));
    expect(synthErrors(hs({ allow_room_creation: undefined }))).toContain('homeserver.extraConfig.allow_room_creation');
  });

  test.each<[string, Record<string, any>, string, string]>([
    ['a managed key', { max_request_size: 20_000_000 }, 'homeserver.extraConfig.max_request_size', 'set homeserver.maxRequestSize instead'],
    ['the server name', { server_name: 'other.org' }, 'homeserver.extraConfig.server_name', 'set serverName instead'],
    ['a key the construct sets by leaving it out', { ip_source: 'x_real_ip' }, 'homeserver.extraConfig.ip_source', 'set homeserver.clientIpSource instead'],
    ['a managed well-known key', { well_known: { client: 'https://elsewhere.org' } }, 'homeserver.extraConfig.well_known.client', 'publicHost'],
    ['an unknown key, with a suggestion', { url_preview_max_spidr_size: 1 }, 'homeserver.extraConfig.url_preview_max_spidr_size', 'url_preview_max_spider_size'],
    ['a secret', { turn_secret: 'abc' }, 'homeserver.extraConfig.turn_secret', 'Secret'],
    ['not a map', 'allow_room_creation = false' as any, 'homeserver.extraConfig', 'must be a map of config keys'],
  ])('%s is refused', (_name, extra, path, text) => {
    expect(problemsAt(hs(extra), path).join('\n')).toContain(text);
    expect(problemsAt(hs({ allow_room_creation: false }), path)).toEqual([]);
  });

  test('Tuwunel\'s own start-up refusals cover what the escape hatch adds, blamed on it', () => {
    const props = hs({ allow_outgoing_presence: true, allow_local_presence: false });
    const lines = synthErrors(props);
    expect(lines).toMatch(/homeserver\.extraConfig\.allow_local_presence: .*check\.rs/);
  });
});

describe('livekit.extraConfig', () => {
  test('room defaults merge beside the construct\'s auto_create: false', () => {
    const objects = synth(lk({ room: { empty_timeout: 300, max_participants: 50 } }));
    expect(livekitConfig(objects).room).toEqual({ auto_create: false, empty_timeout: 300, max_participants: 50 });
    expect(hash(objects, 'Deployment', 'livekit')).not.toBe(hash(synth(MINIMAL_PROPS), 'Deployment', 'livekit'));
  });

  test.each<[string, Record<string, any>, string, string]>([
    ['a managed port', { rtc: { tcp_port: 9000 } }, 'livekit.extraConfig.rtc.tcp_port', 'set livekit.rtc.tcpPort instead'],
    ['a key LiveKit does not declare', { room: { empty_timout: 300 } }, 'livekit.extraConfig.room.empty_timout', 'refuse to start'],
    ['credentials', { keys: { APIxyz: 'secret' } }, 'livekit.extraConfig.keys', 'livekit.keys'],
    ['TURN, which the relay renders', { turn: { udp_port: 3478 } }, 'livekit.extraConfig.turn', 'livekit.turn'],
  ])('%s is refused', (_name, extra, path, text) => {
    expect(problemsAt(lk(extra), path).join('\n')).toContain(text);
    expect(problemsAt(lk({ room: { empty_timeout: 300 } }), path)).toEqual([]);
  });
});
