// How a parent construct tells a child it builds where the child's props sit in the parent's props.

/**
 * Where a child construct's props sit in its parent's props, handed over inside the props under a
 * symbol key (invisible to jsii, so it is not public API and other languages cannot set it).
 */
export interface ValidationScope {
  /** Prefix of every prop path the child reports, e.g. `homeserver.`; empty for a standalone construct. */
  readonly prefix: string;
  /**
   * The parent owns the shared props (labels, namePrefix, serverName, scheduling, imagePullSecrets)
   * and the values it derived for the child, and validated them against what the user set.
   */
  readonly parentValidated: boolean;
}

const SCOPE = Symbol('matrix-chat.validation-scope');
const STANDALONE: ValidationScope = { prefix: '', parentValidated: false };

/** The props with the scope a parent gives its child. */
export function inScope<T extends object>(props: T, scope: ValidationScope): T {
  return { ...props, [SCOPE]: scope };
}

/** The scope the props were built in: standalone unless a parent set one. */
export function scopeOf(props: object): ValidationScope {
  return (props as { [SCOPE]?: ValidationScope })[SCOPE] ?? STANDALONE;
}
