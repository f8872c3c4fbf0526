// The one snapshot: the example stack exactly as cdk8s synth writes it.
import { Testing } from 'cdk8s';
import { toYaml } from './util';
import { MatrixChatExample } from '../examples/main';

/**
 * The one snapshot of the suite: the example stack (existing Secrets, TURN, TLS through
 * cert-manager, a node IP, a namespace), exactly as `cdk8s synth` writes it.
 * Field-level behaviour is asserted elsewhere; this catches any unreviewed change of output.
 */
test('the example stack', () => {
  const chart = new MatrixChatExample(Testing.app(), 'matrix-chat');
  expect(toYaml(Testing.synth(chart) as any)).toMatchSnapshot();
});
