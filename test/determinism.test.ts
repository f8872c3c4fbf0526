// Synthesis is deterministic: the same props give the same bytes.
import { App, Chart } from 'cdk8s';
import { INLINE_PROPS, MINIMAL_PROPS, synth, toYaml, TURN_PROPS } from './util';
import { MatrixChat, MatrixChatProps } from '../src';

const FULL: MatrixChatProps = {
  ...INLINE_PROPS,
  namePrefix: 'chat-',
  livekit: {
    ...INLINE_PROPS.livekit,
    rtc: { nodeIp: '203.0.113.10', serviceLabels: { 'metallb.io/pool': 'public' }, serviceAnnotations: { 'example.org/b': '2', 'example.org/a': '1' } },
    turn: TURN_PROPS.livekit!.turn,
  },
  ingress: { className: 'traefik', whitelistSourceRange: ['203.0.113.0/24'], tls: { enabled: true, clusterIssuer: 'letsencrypt' }, annotations: { 'z.example.org/x': '1', 'a.example.org/y': '2' } },
  labels: { 'example.org/team': 'platform' },
};

/** What `cdk8s synth` writes for one chart, from a fresh App. */
function appYaml(props: MatrixChatProps): string {
  const app = new App({ outdir: '/tmp/cdk8s-matrix-chat-determinism' });
  const chart = new Chart(app, 'stack', { namespace: 'chat' });
  new MatrixChat(chart, 'chat', props);
  return app.synthYaml();
}

describe('determinism', () => {
  test.each<[string, MatrixChatProps]>([
    ['minimal', MINIMAL_PROPS],
    ['inline credentials', INLINE_PROPS],
    ['full stack with TURN, traefik, TLS, prefix and labels', FULL],
  ])('two synths of the same props are byte-identical (%s)', (_name, props) => {
    const first = toYaml(synth(props));
    const second = toYaml(synth(props));
    expect(first.length).toBeGreaterThan(1000);
    expect(second).toBe(first);
  });

  test('two Apps write byte-identical YAML', () => {
    const first = appYaml(FULL);
    expect(first).toContain('kind: StatefulSet');
    expect(appYaml(FULL)).toBe(first);
  });

  test('the output does not depend on the order props were written in', () => {
    const reordered: MatrixChatProps = {
      labels: FULL.labels,
      ingress: { annotations: { 'a.example.org/y': '2', 'z.example.org/x': '1' }, tls: FULL.ingress!.tls, whitelistSourceRange: FULL.ingress!.whitelistSourceRange, className: 'traefik' },
      livekit: { turn: FULL.livekit!.turn, rtc: { serviceAnnotations: { 'example.org/a': '1', 'example.org/b': '2' }, serviceLabels: { 'metallb.io/pool': 'public' }, nodeIp: '203.0.113.10' }, keys: FULL.livekit!.keys },
      homeserver: FULL.homeserver,
      namePrefix: 'chat-',
      serverName: FULL.serverName,
    };
    expect(toYaml(synth(reordered))).toBe(toYaml(synth(FULL)));
  });
});
