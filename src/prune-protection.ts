// The GitOps no-prune annotations (Argo CD and Flux) on the objects that hold data or inline secrets.

/**
 * Argo CD skips pruning an object annotated `argocd.argoproj.io/sync-options: Prune=false`
 * (docs/user-guide/sync-options.md, "No Prune Resources"); Flux's kustomize-controller skips
 * garbage-collecting one annotated `kustomize.toolkit.fluxcd.io/prune: disabled`
 * (Kustomization API, "Garbage collection"). A commit that drops the object from Git then
 * leaves it in the cluster instead of deleting the chat history or a credential with it.
 */
export const PRUNE_PROTECTION_ANNOTATIONS: Readonly<Record<string, string>> = {
  'argocd.argoproj.io/sync-options': 'Prune=false',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
};

/** The annotations for an object holding data or an inline secret; undefined when the user opted out. */
export function pruneProtectionAnnotations(enabled: unknown): Record<string, string> | undefined {
  return enabled === false ? undefined : { ...PRUNE_PROTECTION_ANNOTATIONS };
}
