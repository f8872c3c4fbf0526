// The stack's Content-Security-Policy sources and merging them into a policy.
import { build, EXTERNAL_PROPS, MINIMAL_PROPS } from './util';
import { MatrixChatProps } from '../src';
import { mergeContentSecurityPolicy } from '../src/csp';

const HTTPS = 'https://matrix.example.org';
const WSS = 'wss://matrix.example.org';

function csp(props: MatrixChatProps) {
  return build(props).chat.contentSecurityPolicy;
}

function merge(props: MatrixChatProps, policy: string): string {
  return build(props).chat.mergeContentSecurityPolicy(policy);
}

/** A CSP header value as a map of directive → sources, for order-insensitive comparisons. */
function directives(policy: string): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const part of policy.split(';').map((d) => d.trim()).filter((d) => d !== '')) {
    const [name, ...sources] = part.split(/\s+/);
    expect(result).not.toHaveProperty(name.toLowerCase());
    result[name.toLowerCase()] = sources;
  }
  return result;
}

describe('contentSecurityPolicy', () => {
  test('bundled: https and wss of the server name for connect, https for media and images', () => {
    expect(csp(MINIMAL_PROPS)).toEqual({ connectSrc: [HTTPS, WSS], mediaSrc: [HTTPS], imgSrc: [HTTPS] });
  });

  test('external LiveKit: its origin is added to connect-src (the reference chart forgets it)', () => {
    expect(csp(EXTERNAL_PROPS)).toEqual({
      connectSrc: [HTTPS, WSS, 'wss://livekit.operator.example', 'https://livekit.operator.example'],
      mediaSrc: [HTTPS],
      imgSrc: [HTTPS],
    });
  });

  test('external LiveKit with a port and a path: the origin only', () => {
    const sources = csp({ ...EXTERNAL_PROPS, livekit: { ...EXTERNAL_PROPS.livekit, publicUrl: 'wss://sfu.example.net:7443/livekit' } });
    expect(sources.connectSrc).toEqual([HTTPS, WSS, 'wss://sfu.example.net:7443', 'https://sfu.example.net:7443']);
  });

  test('a bundled publicUrl on the server name adds no duplicate', () => {
    const sources = csp({ ...MINIMAL_PROPS, livekit: { ...MINIMAL_PROPS.livekit, publicUrl: `${WSS}/` } });
    expect(sources.connectSrc).toEqual([HTTPS, WSS]);
  });

  test('homeserver disabled: empty lists', () => {
    expect(csp({ ...MINIMAL_PROPS, homeserver: { enabled: false } })).toEqual({ connectSrc: [], mediaSrc: [], imgSrc: [] });
  });

  test('the server name follows the prop', () => {
    expect(csp({ ...MINIMAL_PROPS, serverName: 'chat.example.com' }).connectSrc).toEqual(['https://chat.example.com', 'wss://chat.example.com']);
  });
});

describe('mergeContentSecurityPolicy', () => {
  test('missing directives are created', () => {
    expect(merge(MINIMAL_PROPS, "script-src 'self'")).toBe(
      `script-src 'self'; connect-src ${HTTPS} ${WSS}; media-src ${HTTPS}; img-src ${HTTPS}`,
    );
  });

  test('an empty policy gets the three directives', () => {
    expect(directives(merge(MINIMAL_PROPS, ''))).toEqual({ 'connect-src': [HTTPS, WSS], 'media-src': [HTTPS], 'img-src': [HTTPS] });
  });

  test('existing directives keep their sources and get ours appended', () => {
    const merged = merge(MINIMAL_PROPS, "default-src 'self'; connect-src 'self' https://api.example.org; img-src 'self' data:; media-src 'self'");
    expect(merged).toBe(
      "default-src 'self'; connect-src 'self' https://api.example.org " + `${HTTPS} ${WSS}; img-src 'self' data: ${HTTPS}; media-src 'self' ${HTTPS}`,
    );
  });

  test('sources already present are not added twice, and merging is idempotent', () => {
    const policy = `connect-src ${WSS} 'self'; img-src ${HTTPS}; media-src ${HTTPS}`;
    const merged = merge(MINIMAL_PROPS, policy);
    expect(directives(merged)).toEqual({ 'connect-src': [WSS, "'self'", HTTPS], 'img-src': [HTTPS], 'media-src': [HTTPS] });
    expect(merge(MINIMAL_PROPS, merged)).toBe(merged);
  });

  test("'none' is replaced by the sources", () => {
    expect(directives(merge(MINIMAL_PROPS, "media-src 'none'; connect-src 'NONE'"))).toEqual({
      'media-src': [HTTPS],
      'connect-src': [HTTPS, WSS],
      'img-src': [HTTPS],
    });
  });

  test('directive names match case-insensitively (no second directive)', () => {
    expect(directives(merge(MINIMAL_PROPS, "Connect-Src 'self'"))['connect-src']).toEqual(["'self'", HTTPS, WSS]);
  });

  test('extra whitespace and a trailing semicolon are tolerated', () => {
    expect(directives(merge(MINIMAL_PROPS, "  img-src   'self' ;  "))['img-src']).toEqual(["'self'", HTTPS]);
  });

  test('external LiveKit: its origin lands in connect-src', () => {
    expect(directives(merge(EXTERNAL_PROPS, "connect-src 'self'"))['connect-src'])
      .toEqual(["'self'", HTTPS, WSS, 'wss://livekit.operator.example', 'https://livekit.operator.example']);
  });

  test('homeserver disabled: the policy is returned unchanged', () => {
    const policy = "default-src 'self'; img-src 'self' data:";
    expect(merge({ ...MINIMAL_PROPS, homeserver: { enabled: false } }, policy)).toBe(policy);
  });

  test('the exported function does the same with explicit sources', () => {
    expect(mergeContentSecurityPolicy("img-src 'self'", { connectSrc: [], mediaSrc: [], imgSrc: ['https://a.example'] })).toBe("img-src 'self' https://a.example");
  });
});

describe('mergeContentSecurityPolicy keeps the default-src fallback', () => {
  // A page with `default-src 'self'` and no connect-src may connect to 'self'. Creating
  // `connect-src https://matrix…` without copying default-src's sources REMOVES 'self' from
  // what the page may connect to, so merging breaks the web app's own API calls instead of
  // only adding sources. A created directive must start from default-src's sources.
  test("a created directive keeps default-src's sources", () => {
    const merged = directives(merge(MINIMAL_PROPS, "default-src 'self' https://cdn.example.org"));
    expect(merged['connect-src']).toEqual(["'self'", 'https://cdn.example.org', HTTPS, WSS]);
    expect(merged['img-src']).toEqual(["'self'", 'https://cdn.example.org', HTTPS]);
    expect(merged['media-src']).toEqual(["'self'", 'https://cdn.example.org', HTTPS]);
  });
});
