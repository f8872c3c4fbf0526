// Content-Security-Policy sources of the stack and of current Matrix web clients, and merging them into an existing policy.
/**
 * What a web app embedding the chat must allow in its Content-Security-Policy: the stack's origins
 * and what current clients (Element Web, matrix-js-sdk with the Rust crypto, Element Call) load.
 */
export interface ContentSecurityPolicySources {
  /** Sources for `connect-src` (chat sync over https, call signaling over wss). */
  readonly connectSrc: string[];
  /** Sources for `media-src` (chat media; `blob:` for voice messages and decrypted media). */
  readonly mediaSrc: string[];
  /** Sources for `img-src` (chat images and avatars; `blob:` for decrypted images). */
  readonly imgSrc: string[];
  /**
   * Sources for `script-src`: `'wasm-unsafe-eval'`, which the Rust crypto (end-to-end encryption of chats and calls) needs to compile its WebAssembly.
   * @default none
   */
  readonly scriptSrc?: string[];
  /**
   * Sources for `worker-src`: `blob:`, where clients start web workers from (LiveKit's end-to-end encryption worker among them).
   * @default none
   */
  readonly workerSrc?: string[];
  /**
   * Sources for `frame-src`: `'self'`, for the Element Call widget Element Web serves from its own origin (`/widgets/element-call/`), when calls are configured.
   * @default none
   */
  readonly frameSrc?: string[];
}

/**
 * The CSP sources of a stack on `serverName`, plus an external LiveKit's origin when given.
 *
 * The client sources are those of Element Web's own policy (element-hq/element-web
 * apps/web/src/vector/index.html, `<meta http-equiv="Content-Security-Policy">`): `script-src 'self'
 * 'wasm-unsafe-eval'`, `media-src * blob: data:`, `img-src * blob: data:`, `worker-src 'self' blob:`,
 * `frame-src * blob: data:`. Only what a policy that already allows the page's own origin lacks is added.
 */
export function contentSecurityPolicySources(serverName: string | undefined, livekitPublicUrl: string | undefined): ContentSecurityPolicySources {
  if (serverName === undefined) return { connectSrc: [], mediaSrc: [], imgSrc: [], scriptSrc: [], workerSrc: [], frameSrc: [] };
  const https = `https://${serverName}`;
  const connectSrc = [https, `wss://${serverName}`];
  const livekit = livekitOrigins(livekitPublicUrl);
  for (const origin of livekit) if (!connectSrc.includes(origin)) connectSrc.push(origin);
  return {
    connectSrc,
    mediaSrc: [https, 'blob:'],
    imgSrc: [https, 'blob:'],
    scriptSrc: ["'wasm-unsafe-eval'"],
    workerSrc: ['blob:'],
    frameSrc: livekitPublicUrl !== undefined ? ["'self'"] : [],
  };
}

/**
 * The origins of LiveKit's public URL: the WebSocket origin for signaling and its https
 * twin, which the LiveKit client calls to validate a failed connection.
 */
export function livekitOrigins(publicUrl: string | undefined): string[] {
  if (publicUrl === undefined) return [];
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    return [];
  }
  const secure = url.protocol === 'wss:' || url.protocol === 'https:';
  return [`${secure ? 'wss' : 'ws'}://${url.host}`, `${secure ? 'https' : 'http'}://${url.host}`];
}

/**
 * Each directive with the directives a browser falls back to when it is missing (CSP Level 3,
 * "Get the effective directive" fallback lists): worker-src → child-src → script-src → default-src,
 * frame-src → child-src → default-src, the others → default-src.
 */
const DIRECTIVES: Array<[keyof ContentSecurityPolicySources, string, string[]]> = [
  ['connectSrc', 'connect-src', ['default-src']],
  ['mediaSrc', 'media-src', ['default-src']],
  ['imgSrc', 'img-src', ['default-src']],
  ['scriptSrc', 'script-src', ['default-src']],
  ['workerSrc', 'worker-src', ['child-src', 'script-src', 'default-src']],
  ['frameSrc', 'frame-src', ['child-src', 'default-src']],
];

/**
 * Adds the sources to a Content-Security-Policy header value: appended to each directive
 * that exists (without duplicates), and the directive created where it is missing. A created
 * directive starts from the sources of the directive the browser used in its place (its fallback,
 * read before anything is added), so the page keeps every permission it had.
 */
export function mergeContentSecurityPolicy(policy: string, sources: ContentSecurityPolicySources): string {
  const directives = policy.split(';').map((d) => d.trim()).filter((d) => d.length > 0);
  const nameOf = (directive: string) => directive.split(/\s+/)[0].toLowerCase();
  const sourcesOf = (directive: string) => directive.split(/\s+/).slice(1)
    // 'none' cannot be combined with sources; the sources replace it.
    .filter((t) => t.toLowerCase() !== "'none'");
  // Fallbacks are read from the policy as given, so a directive created here never feeds another.
  const original = [...directives];
  const find = (list: string[], name: string) => list.find((d) => nameOf(d) === name);
  for (const [field, directive, fallbacks] of DIRECTIVES) {
    const wanted = sources[field] ?? [];
    if (wanted.length === 0) continue;
    const index = directives.findIndex((d) => nameOf(d) === directive);
    const fallback = fallbacks.map((name) => find(original, name)).find((d) => d !== undefined);
    const merged = index === -1 ? (fallback ? sourcesOf(fallback) : []) : sourcesOf(directives[index]);
    for (const source of wanted) if (!merged.includes(source)) merged.push(source);
    const text = [directive, ...merged].join(' ');
    if (index === -1) directives.push(text);
    else directives[index] = text;
  }
  return directives.join('; ');
}
