// The stack's Content-Security-Policy sources and merging them into a policy.
import { build, EXTERNAL_PROPS, MINIMAL_PROPS } from './util';
import { MatrixChatProps } from '../src';
import { mergeContentSecurityPolicy } from '../src/csp';

const HTTPS = 'https://matrix.example.org';
const WSS = 'wss://matrix.example.org';
/** What current clients need besides the stack's origins (Element Web's index.html policy). */
const CLIENT = { scriptSrc: ["'wasm-unsafe-eval'"], workerSrc: ['blob:'] };
const CALLS = { ...CLIENT, frameSrc: ["'self'"] };
/** The directives a merge into an empty policy creates for MINIMAL_PROPS. */
const CREATED = {
  'connect-src': [HTTPS, WSS],
  'media-src': [HTTPS, 'blob:'],
  'img-src': [HTTPS, 'blob:'],
  'script-src': ["'wasm-unsafe-eval'"],
  'worker-src': ['blob:'],
  'frame-src': ["'self'"],
};

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
    expect(csp(MINIMAL_PROPS)).toEqual({ connectSrc: [HTTPS, WSS], mediaSrc: [HTTPS, 'blob:'], imgSrc: [HTTPS, 'blob:'], ...CALLS });
  });

  test('external LiveKit: its origin is added to connect-src (the reference chart forgets it)', () => {
    expect(csp(EXTERNAL_PROPS)).toEqual({
      connectSrc: [HTTPS, WSS, 'wss://livekit.operator.example', 'https://livekit.operator.example'],
      mediaSrc: [HTTPS, 'blob:'],
      imgSrc: [HTTPS, 'blob:'],
      ...CALLS,
    });
  });

  test('no calls (no lk-jwt-service, no LiveKit): no frame-src for Element Call, the client sources stay', () => {
    const sources = csp({ ...MINIMAL_PROPS, lkJwt: { enabled: false }, livekit: { ...MINIMAL_PROPS.livekit, enabled: false } });
    expect(sources).toEqual({ connectSrc: [HTTPS, WSS], mediaSrc: [HTTPS, 'blob:'], imgSrc: [HTTPS, 'blob:'], ...CLIENT, frameSrc: [] });
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
    const none = { connectSrc: [], mediaSrc: [], imgSrc: [], scriptSrc: [], workerSrc: [], frameSrc: [] };
    expect(csp({ ...MINIMAL_PROPS, homeserver: { enabled: false } })).toEqual(none);
  });

  test('the server name follows the prop', () => {
    expect(csp({ ...MINIMAL_PROPS, serverName: 'chat.example.com' }).connectSrc).toEqual(['https://chat.example.com', 'wss://chat.example.com']);
  });
});

describe('mergeContentSecurityPolicy', () => {
  test('missing directives are created', () => {
    expect(merge(MINIMAL_PROPS, "style-src 'self'")).toBe(
      `style-src 'self'; connect-src ${HTTPS} ${WSS}; media-src ${HTTPS} blob:; img-src ${HTTPS} blob:; script-src 'wasm-unsafe-eval'; worker-src blob:; frame-src 'self'`,
    );
  });

  test('an empty policy gets the six directives', () => {
    expect(directives(merge(MINIMAL_PROPS, ''))).toEqual(CREATED);
  });

  test('existing directives keep their sources and get ours appended', () => {
    const merged = merge(MINIMAL_PROPS, "default-src 'self'; connect-src 'self' https://api.example.org; img-src 'self' data:; media-src 'self'; script-src 'self'; worker-src 'self'; frame-src https://widgets.example.org");
    expect(merged).toBe(
      "default-src 'self'; connect-src 'self' https://api.example.org " + `${HTTPS} ${WSS}; img-src 'self' data: ${HTTPS} blob:; media-src 'self' ${HTTPS} blob:; `
      + "script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; frame-src https://widgets.example.org 'self'",
    );
  });

  test('sources already present are not added twice, and merging is idempotent', () => {
    const policy = `connect-src ${WSS} 'self'; img-src blob: ${HTTPS}; media-src ${HTTPS}; script-src 'wasm-unsafe-eval'`;
    const merged = merge(MINIMAL_PROPS, policy);
    // worker-src is created from script-src, its fallback, so it carries that directive's source too.
    expect(directives(merged)).toEqual({ ...CREATED, 'connect-src': [WSS, "'self'", HTTPS], 'img-src': ['blob:', HTTPS], 'worker-src': ["'wasm-unsafe-eval'", 'blob:'] });
    expect(merge(MINIMAL_PROPS, merged)).toBe(merged);
  });

  test("'none' is replaced by the sources", () => {
    expect(directives(merge(MINIMAL_PROPS, "media-src 'none'; connect-src 'NONE'"))).toEqual(CREATED);
  });

  test('directive names match case-insensitively (no second directive)', () => {
    expect(directives(merge(MINIMAL_PROPS, "Connect-Src 'self'"))['connect-src']).toEqual(["'self'", HTTPS, WSS]);
  });

  test('extra whitespace and a trailing semicolon are tolerated', () => {
    expect(directives(merge(MINIMAL_PROPS, "  img-src   'self' ;  "))['img-src']).toEqual(["'self'", HTTPS, 'blob:']);
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
    expect(merged['img-src']).toEqual(["'self'", 'https://cdn.example.org', HTTPS, 'blob:']);
    expect(merged['media-src']).toEqual(["'self'", 'https://cdn.example.org', HTTPS, 'blob:']);
    expect(merged['script-src']).toEqual(["'self'", 'https://cdn.example.org', "'wasm-unsafe-eval'"]);
  });

  // worker-src falls back to child-src, then script-src; frame-src to child-src (CSP3 fallback lists):
  // starting a created worker-src from default-src would drop what script-src allowed workers.
  test('worker-src starts from child-src, else script-src; frame-src from child-src', () => {
    const viaScript = directives(merge(MINIMAL_PROPS, "default-src 'none'; script-src 'self' https://js.example.org"));
    expect(viaScript['worker-src']).toEqual(["'self'", 'https://js.example.org', 'blob:']);
    expect(viaScript['frame-src']).toEqual(["'self'"]);
    const viaChild = directives(merge(MINIMAL_PROPS, "default-src 'self'; child-src https://c.example.org; script-src 'self'"));
    expect(viaChild['worker-src']).toEqual(['https://c.example.org', 'blob:']);
    expect(viaChild['frame-src']).toEqual(['https://c.example.org', "'self'"]);
    // A directive created by the merge (script-src here) does not feed the fallback of another.
    expect(directives(merge(MINIMAL_PROPS, 'default-src https://d.example.org'))['worker-src']).toEqual(['https://d.example.org', 'blob:']);
  });

  test('nothing is removed: every source of the effective directive before the merge is still allowed after it', () => {
    const fallbacks: Record<string, string[]> = {
      'connect-src': ['default-src'],
      'media-src': ['default-src'],
      'img-src': ['default-src'],
      'script-src': ['default-src'],
      'worker-src': ['child-src', 'script-src', 'default-src'],
      'frame-src': ['child-src', 'default-src'],
    };
    const effective = (d: Record<string, string[]>, name: string) => [name, ...fallbacks[name]].map((n) => d[n]).find((v) => v !== undefined) ?? [];
    const policies = [
      '', "default-src 'self'", "default-src 'self'; script-src 'self' https://js.example.org; child-src https://c.example.org",
      "img-src data:; media-src https://m.example.org; worker-src 'self'", "script-src 'strict-dynamic' 'nonce-abc'; frame-src https://f.example.org",
    ];
    for (const policy of policies) {
      const before = directives(policy);
      const after = directives(merge(MINIMAL_PROPS, policy));
      for (const name of Object.keys(fallbacks)) {
        for (const source of effective(before, name).filter((s) => s !== "'none'")) expect(effective(after, name)).toContain(source);
      }
      expect(merge(MINIMAL_PROPS, merge(MINIMAL_PROPS, policy))).toBe(merge(MINIMAL_PROPS, policy));
    }
  });
});
