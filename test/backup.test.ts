// Keeping the chat history (issue 13): claim retention, GitOps prune protection, Tuwunel's online backups and snapshot schedules.
import { Testing } from 'cdk8s';
import { INLINE_PROPS, K8sObject, MINIMAL_PROPS, find, problemsAt, synth } from './util';
import { Homeserver, LiveKit, MatrixChatProps } from '../src';

const NO_PRUNE = { 'argocd.argoproj.io/sync-options': 'Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };

function statefulSet(objects: K8sObject[], name = 'matrix-homeserver'): K8sObject {
  return find(objects, 'StatefulSet', name);
}

describe('state that survives', () => {
  test('the StatefulSet retains its claims on delete and on scale-down', () => {
    expect(statefulSet(synth(MINIMAL_PROPS)).spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  });

  test('inline Secrets carry the Argo CD and Flux no-prune annotations by default', () => {
    const objects = synth(INLINE_PROPS);
    expect(find(objects, 'Secret', 'matrix-homeserver-secret').metadata.annotations).toEqual(NO_PRUNE);
    expect(find(objects, 'Secret', 'livekit-secret').metadata.annotations).toEqual(NO_PRUNE);
  });

  test('gitOpsPruneProtection: false drops the annotations', () => {
    const objects = synth({ ...INLINE_PROPS, gitOpsPruneProtection: false });
    expect(find(objects, 'Secret', 'matrix-homeserver-secret').metadata.annotations).toBeUndefined();
    expect(find(objects, 'Secret', 'livekit-secret').metadata.annotations).toBeUndefined();
  });

  test('standalone constructs take the opt-out from their own props', () => {
    const chart = Testing.chart();
    new Homeserver(chart, 'hs', { serverName: 'matrix.example.org', registrationToken: 'tok-0123456789', gitOpsPruneProtection: false });
    new LiveKit(chart, 'lk', { keys: { apiKey: 'APIchat', apiSecret: 'test-secret-0123456789abcdefghijklmnopqr' } });
    const objects = Testing.synth(chart) as K8sObject[];
    expect(find(objects, 'Secret', 'matrix-homeserver-secret').metadata.annotations).toBeUndefined();
    expect(find(objects, 'Secret', 'livekit-secret').metadata.annotations).toEqual(NO_PRUNE);
  });

  test('a gitOpsPruneProtection that is not a boolean is refused; true passes', () => {
    expect(problemsAt({ ...MINIMAL_PROPS, gitOpsPruneProtection: 'no' as unknown as boolean }, 'gitOpsPruneProtection')).toEqual([
      'gitOpsPruneProtection: "no" is not true or false; whether Argo CD and Flux may prune the database claims and inline Secrets would be guessed. Fix: use true (the default) or false.',
    ]);
    expect(problemsAt({ ...MINIMAL_PROPS, gitOpsPruneProtection: true } as MatrixChatProps, 'gitOpsPruneProtection')).toEqual([]);
  });
});
