// The minimal stack synthesizes.
import { MINIMAL_PROPS, find, synth, tuwunelConfig } from './util';

test('minimal props synthesize the homeserver', () => {
  const objects = synth(MINIMAL_PROPS);
  expect(find(objects, 'StatefulSet', 'matrix-homeserver').spec.replicas).toBe(1);
  expect(tuwunelConfig(objects).global.server_name).toBe('matrix.example.org');
});
