// SFU options: logging, room defaults, TURN TLS terminated by the load balancer, UDP port ranges in scale-out.
import { Duration } from 'cdk8s';
import { LogLevel, MatrixChatProps } from '../src';
import { MINIMAL_PROPS, TURN_PROPS, container, find, has, livekitConfig, podSpec, problemsAt, synth } from './util';

function withLiveKit(livekit: object, base: MatrixChatProps = MINIMAL_PROPS): MatrixChatProps {
  return { ...base, livekit: { ...base.livekit, ...livekit } };
}

const REDIS = { address: 'redis-master.redis.svc:6379' };
function scaleOutWith(rtc: object): MatrixChatProps {
  return withLiveKit({ scaleOut: { enabled: true, redis: REDIS }, rtc });
}

describe('logging', () => {
  test('level, json and pion level render into logging', () => {
    const config = livekitConfig(synth(withLiveKit({ logging: { level: LogLevel.DEBUG, json: true, pionLevel: LogLevel.WARN } })));
    expect(config.logging.level).toBe('debug');
    expect(config.logging.json).toBe(true);
    expect(config.logging.pion_level).toBe('warn');
  });

  test('no logging section unless set', () => {
    expect(livekitConfig(synth(MINIMAL_PROPS)).logging).toBeUndefined();
  });

  test('an unknown level is refused', () => {
    expect(problemsAt(withLiveKit({ logging: { level: 'verbose' } }), 'livekit.logging.level')).toEqual([expect.stringContaining('is not a LogLevel')]);
    expect(problemsAt(withLiveKit({ logging: { pionLevel: 'trace' } }), 'livekit.logging.pionLevel')).toHaveLength(1);
  });

  test('json must be a boolean', () => {
    expect(problemsAt(withLiveKit({ logging: { json: 'yes' } }), 'livekit.logging.json')).toHaveLength(1);
    expect(problemsAt(withLiveKit({ logging: { json: false } }), 'livekit.logging.json')).toEqual([]);
  });
});

describe('room defaults', () => {
  test('empty timeout in seconds and the participant limit render next to auto_create', () => {
    const config = livekitConfig(synth(withLiveKit({ room: { emptyTimeout: Duration.minutes(2), maxParticipants: 50 } })));
    expect(config.room.auto_create).toBe(false);
    expect(config.room.empty_timeout).toBe(120);
    expect(config.room.max_participants).toBe(50);
  });

  test('without room props only auto_create is set', () => {
    expect(livekitConfig(synth(MINIMAL_PROPS)).room).toEqual({ auto_create: false });
  });

  test('a sub-second or zero empty timeout is refused; whole seconds pass', () => {
    expect(problemsAt(withLiveKit({ room: { emptyTimeout: Duration.millis(1500) } }), 'livekit.room.emptyTimeout')).toHaveLength(1);
    expect(problemsAt(withLiveKit({ room: { emptyTimeout: Duration.seconds(0) } }), 'livekit.room.emptyTimeout')).toHaveLength(1);
    expect(problemsAt(withLiveKit({ room: { emptyTimeout: 30 } }), 'livekit.room.emptyTimeout')).toHaveLength(1);
    expect(problemsAt(withLiveKit({ room: { emptyTimeout: Duration.seconds(1) } }), 'livekit.room.emptyTimeout')).toEqual([]);
  });

  test('maxParticipants must be a whole number from 1', () => {
    expect(problemsAt(withLiveKit({ room: { maxParticipants: 0 } }), 'livekit.room.maxParticipants')).toEqual([expect.stringContaining('0 would mean no limit')]);
    expect(problemsAt(withLiveKit({ room: { maxParticipants: 2.5 } }), 'livekit.room.maxParticipants')).toHaveLength(1);
    expect(problemsAt(withLiveKit({ room: { maxParticipants: 1 } }), 'livekit.room.maxParticipants')).toEqual([]);
  });
});

describe('TURN TLS terminated by the load balancer', () => {
  const external = withLiveKit({ turn: { enabled: true, domain: 'turn.matrix.example.org', externalTls: true } });

  test('external_tls, no certificate files, no certificate volume', () => {
    const objects = synth(external);
    const turn = livekitConfig(objects).turn;
    expect(turn.enabled).toBe(true);
    expect(turn.domain).toBe('turn.matrix.example.org');
    expect(turn.tls_port).toBe(5349);
    expect(turn.external_tls).toBe(true);
    expect(turn.cert_file).toBeUndefined();
    expect(turn.key_file).toBeUndefined();
    const deployment = find(objects, 'Deployment', 'livekit');
    expect(podSpec(deployment).volumes.map((v: any) => v.name)).not.toContain('turn-tls');
    expect(container(deployment).volumeMounts.map((m: any) => m.name)).not.toContain('turn-tls');
    expect(has(objects, 'Certificate', 'livekit-turn-tls')).toBe(false);
  });

  test('the rtc LoadBalancer still publishes 443 onto the plain-TCP tlsPort', () => {
    const rtc = find(synth(external), 'Service', 'livekit-rtc');
    const turns = rtc.spec.ports.find((port: any) => port.name === 'turns');
    expect(turns.port).toBe(443);
    expect(turns.targetPort).toBe(5349);
    expect(turns.protocol).toBe('TCP');
  });

  test('the mounted certificate stays the default', () => {
    const turn = livekitConfig(synth(TURN_PROPS)).turn;
    expect(turn.external_tls).toBeUndefined();
    expect(turn.cert_file).toBe('/etc/livekit-turn-tls/tls.crt');
  });

  test('a certificate together with externalTls is refused', () => {
    const both = withLiveKit({ turn: { enabled: true, domain: 'turn.matrix.example.org', externalTls: true, tls: { existingSecret: 'cert' } } });
    expect(problemsAt(both, 'livekit.turn.tls.existingSecret')).toEqual([expect.stringContaining('together with turn.externalTls')]);
    const issuer = withLiveKit({ turn: { enabled: true, domain: 'turn.matrix.example.org', externalTls: true, tls: { issuer: { name: 'dns01' } } } });
    expect(problemsAt(issuer, 'livekit.turn.tls.issuer')).toHaveLength(1);
    expect(problemsAt(external, 'livekit.turn.tls.existingSecret')).toEqual([]);
  });

  test('externalTls must be a boolean', () => {
    expect(problemsAt(withLiveKit({ turn: { enabled: true, domain: 'turn.matrix.example.org', externalTls: 'yes' } }), 'livekit.turn.externalTls')).toHaveLength(1);
  });
});

describe('UDP port range in scale-out mode', () => {
  test('port_range_start/end replace udp_port; no thousands of containerPorts', () => {
    const objects = synth(scaleOutWith({ udpPortRange: { start: 50000, end: 50999 } }));
    const rtc = livekitConfig(objects).rtc;
    expect(rtc.port_range_start).toBe(50000);
    expect(rtc.port_range_end).toBe(50999);
    expect(rtc.udp_port).toBeUndefined();
    expect(rtc.tcp_port).toBe(7881);
    const ports = container(find(objects, 'Deployment', 'livekit')).ports;
    expect(ports.filter((port: any) => port.protocol === 'UDP')).toEqual([]);
    expect(has(objects, 'NetworkPolicy', 'livekit-policy')).toBe(false);
  });

  test('refused for the single SFU behind the LoadBalancer, with the reason', () => {
    expect(problemsAt(withLiveKit({ rtc: { udpPortRange: { start: 50000, end: 50100 } } }), 'livekit.rtc.udpPortRange'))
      .toEqual([expect.stringContaining('one Service port per UDP port')]);
  });

  test('start above end, too wide, outside 1024-65535 or overlapping a listener is refused', () => {
    expect(problemsAt(scaleOutWith({ udpPortRange: { start: 50100, end: 50000 } }), 'livekit.rtc.udpPortRange.start')).toHaveLength(1);
    expect(problemsAt(scaleOutWith({ udpPortRange: { start: 40000, end: 60000 } }), 'livekit.rtc.udpPortRange')).toEqual([expect.stringContaining('more than 10000')]);
    expect(problemsAt(scaleOutWith({ udpPortRange: { start: 80, end: 1000 } }), 'livekit.rtc.udpPortRange.start')).toHaveLength(1);
    expect(problemsAt(scaleOutWith({ udpPortRange: { start: 50000, end: 70000 } }), 'livekit.rtc.udpPortRange.end')).toHaveLength(1);
    expect(problemsAt(scaleOutWith({ udpPortRange: { start: 7000, end: 8000 } }), 'livekit.rtc.udpPortRange'))
      .toEqual([expect.stringContaining('livekit.rtc.signalingPort 7880'), expect.stringContaining('livekit.rtc.tcpPort 7881')]);
    expect(problemsAt(scaleOutWith({ udpPortRange: { start: 50000, end: 59999 } }), 'livekit.rtc.udpPortRange')).toEqual([]);
  });

  test('udpPort together with a range is refused', () => {
    expect(problemsAt(scaleOutWith({ udpPort: 7882, udpPortRange: { start: 50000, end: 50010 } }), 'livekit.rtc.udpPort')).toHaveLength(1);
    expect(problemsAt(scaleOutWith({ udpPort: 7882 }), 'livekit.rtc.udpPort')).toEqual([]);
  });
});
