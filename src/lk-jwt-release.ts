// Which lk-jwt-service release runs, and what that release serves and reads (routes, webhooks, environment).

/**
 * The lk-jwt-service release the image is, which decides the routes and environment it gets.
 *
 * Read from element-hq/lk-jwt-service: v0.5.0 main.go:376-384 registers `/sfu/get`, `/get_token`
 * and `/healthz` only; main (the v0.6.0 line) handler.go:794-802 adds `/delegate_delayed_leave`
 * and `/sfu_webhook`, and config.go:89-105, 153-156 reads `LIVEKIT_CS_API_URL_OVERRIDES`.
 */
export enum LkJwtRelease {
  /** v0.5.x (the pinned default image): `/sfu/get`, `/get_token`, `/healthz`. */
  V0_5 = 'V0_5',
  /** v0.6.0 and later: also `/delegate_delayed_leave` and `/sfu_webhook`, and `LIVEKIT_CS_API_URL_OVERRIDES`. */
  V0_6 = 'V0_6',
}

const RELEASES: readonly string[] = Object.values(LkJwtRelease);

/** Whether a value is a member of `LkJwtRelease` (values from JS/YAML are untyped). */
export function isLkJwtRelease(value: unknown): value is LkJwtRelease {
  return typeof value === 'string' && RELEASES.includes(value);
}

/**
 * The release an image tag names: the published tags are bare versions (`0.5.0`, docker/metadata-action
 * `type=semver,pattern={{version}}`, .github/workflows/build.yaml); `v0.6.0` is accepted too.
 * Any other tag (a `sha-…` build, a mirror's own name) names no release.
 */
export function releaseOfTag(tag: string | undefined): LkJwtRelease | undefined {
  const match = typeof tag === 'string' ? /^v?(\d+)\.(\d+)\.(\d+)/.exec(tag) : null;
  if (!match) return undefined;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major > 0 || minor >= 6 ? LkJwtRelease.V0_6 : LkJwtRelease.V0_5;
}

/** Whether the release serves `/delegate_delayed_leave` and `/sfu_webhook` and reads `LIVEKIT_CS_API_URL_OVERRIDES`. */
export function servesDelayedLeave(release: LkJwtRelease | undefined): boolean {
  return release === LkJwtRelease.V0_6;
}

/**
 * The public path prefixes of lk-jwt-service. `/sfu` covers the legacy `/sfu/get` (a Prefix match is
 * per path element, so it does not also match `/sfu_webhook`). `/sfu_webhook` is public only for an
 * external SFU, which posts from outside the cluster; webhooks are signed with the API key
 * (webhook.ReceiveWebhookEvent, handler.go:919), so routing it exposes nothing.
 */
export function lkJwtPaths(release: LkJwtRelease | undefined, externalSfu: boolean): string[] {
  if (!servesDelayedLeave(release)) return ['/sfu', '/get_token'];
  return ['/sfu', '/get_token', '/delegate_delayed_leave', ...(externalSfu ? ['/sfu_webhook'] : [])];
}
