// A reference to one key of a user-managed Secret.

/** A key of a user-managed Secret. */
export interface SecretKeyReference {
  /** Name of the Secret in the chart's namespace. */
  readonly name: string;
  /** Key inside the Secret. */
  readonly key: string;
}
