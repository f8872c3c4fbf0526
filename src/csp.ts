// Content-Security-Policy sources of the stack and merging them into an existing policy.
/** Origins a web app embedding the chat must allow in its Content-Security-Policy. */
export interface ContentSecurityPolicySources {
  /** Sources for `connect-src` (chat sync over https, call signaling over wss). */
  readonly connectSrc: string[];
  /** Sources for `media-src` (chat media). */
  readonly mediaSrc: string[];
  /** Sources for `img-src` (chat images and avatars). */
  readonly imgSrc: string[];
}

/** The CSP sources of a stack on `serverName`, plus an external LiveKit's origin when given. */
export function contentSecurityPolicySources(serverName: string | undefined, livekitPublicUrl: string | undefined): ContentSecurityPolicySources {
  if (serverName === undefined) return { connectSrc: [], mediaSrc: [], imgSrc: [] };
  const https = `https://${serverName}`;
  const connectSrc = [https, `wss://${serverName}`];
  const livekit = livekitOrigins(livekitPublicUrl);
  for (const origin of livekit) if (!connectSrc.includes(origin)) connectSrc.push(origin);
  return { connectSrc, mediaSrc: [https], imgSrc: [https] };
}

/**
 * The origins of LiveKit's public URL: the WebSocket origin for signaling and its https
 * twin, which the LiveKit client calls to validate a failed connection.
 */
function livekitOrigins(publicUrl: string | undefined): string[] {
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

const DIRECTIVES: Array<[keyof ContentSecurityPolicySources, string]> = [
  ['connectSrc', 'connect-src'],
  ['mediaSrc', 'media-src'],
  ['imgSrc', 'img-src'],
];

/**
 * Adds the sources to a Content-Security-Policy header value: appended to each directive
 * that exists (without duplicates), and the directive created where it is missing. A created
 * directive starts from `default-src`'s sources, which it replaces as the fallback, so the page
 * keeps every permission it had.
 */
export function mergeContentSecurityPolicy(policy: string, sources: ContentSecurityPolicySources): string {
  const directives = policy.split(';').map((d) => d.trim()).filter((d) => d.length > 0);
  const nameOf = (directive: string) => directive.split(/\s+/)[0].toLowerCase();
  const sourcesOf = (directive: string) => directive.split(/\s+/).slice(1)
    // 'none' cannot be combined with sources; the sources replace it.
    .filter((t) => t.toLowerCase() !== "'none'");
  const fallback = directives.find((d) => nameOf(d) === 'default-src');
  for (const [field, directive] of DIRECTIVES) {
    const wanted = sources[field];
    if (wanted.length === 0) continue;
    const index = directives.findIndex((d) => nameOf(d) === directive);
    const merged = index === -1 ? (fallback ? sourcesOf(fallback) : []) : sourcesOf(directives[index]);
    for (const source of wanted) if (!merged.includes(source)) merged.push(source);
    const text = [directive, ...merged].join(' ');
    if (index === -1) directives.push(text);
    else directives[index] = text;
  }
  return directives.join('; ');
}
