// Invariant 5 is robust to coincidences: a credential that is also another prop's text is not reported as a leak, a real leak still is.
import { synth } from './util';
import { secrets } from './verification/invariants';
import { scenario } from './verification/scenarios';

const props = (token: string, serverName: string) => ({
  serverName,
  homeserver: { registrationToken: token },
  livekit: { keys: { existingSecret: { name: 'livekit-credentials' } } },
});

test('a token that is part of the server name is no leak', () => {
  const s = scenario('coincidence', props('matrixchat', 'matrixchat.example.org'));
  expect(secrets(synth(s.props, 'chat'), s)).toEqual([]);
});

test('the same token copied into a ConfigMap is a leak when no prop holds it', () => {
  const s = scenario('leak', props('matrixchat', 'matrix.example.org'));
  const objects = synth(s.props, 'chat');
  objects.find((o) => o.kind === 'ConfigMap')!.data.leak = 'matrixchat';
  expect(secrets(objects, s).join('\n')).toMatch(/ConfigMap\/.*: an inline secret value appears at .*leak/);
});

test('a token that is part of the homeserver image name is no leak', () => {
  const s = scenario('coincidence', props('construct', 'matrix.example.org'));
  expect(secrets(synth(s.props, 'chat'), s)).toEqual([]);
});
