// Type robustness (issue 14 item 3): any JSON value at any prop path is our validation error or valid output, never another exception.
import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  ElementWeb, Homeserver, LiveKit, LkJwt, MatrixChat, MatrixChatProps, MatrixHttpRoute, MatrixIngress, MatrixNetworkPolicies, TurnRelay,
} from '../src';
import { K8sObject, MINIMAL_PROPS, synth } from './util';
import { PROP_TYPES } from '../src/known-props.generated';
import { LEAF_TYPES, sanitizeProps } from '../src/prop-types';
import { Problems } from '../src/validation';
import { apiServer } from './verification/apiserver';
import { stopCrdValidator } from './verification/crd-models';
import { VALIDATION_PREFIX, errorProblems } from './verification/errors';
import { SCENARIOS } from './verification/scenarios';

afterAll(stopCrdValidator);

/** Leaf class instances (kplus Cpu, cdk8s Size) are values; Routing is walked like data. */
function isWalkable(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return Array.isArray(value) || proto === Object.prototype || proto === null || proto?.constructor?.name === 'Routing';
}

/** Every path present in the props, as key lists (array indices as numbers). */
function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (!isWalkable(value)) return [];
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
}

/** A deep copy keeping class prototypes, with the value at `path` replaced. */
function withValue(value: any, path: Array<string | number>, replacement: unknown): any {
  if (path.length === 0) return replacement;
  if (value === undefined || value === null || typeof value !== 'object') value = typeof path[0] === 'number' ? [] : {};
  const copy = Array.isArray(value) ? [...value] : Object.assign(Object.create(Object.getPrototypeOf(value)), value);
  copy[path[0]] = withValue(value[path[0]], path.slice(1), replacement);
  return copy;
}

const format = (path: Array<string | number>) => path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('').slice(1).replace(/\.\[/g, '[');

/** Every prop path the assembly declares under `struct` (PROP_TYPES), lists at index 0 and maps at key `k`. */
function assemblyPaths(struct: string, prefix: Array<string | number> = [], depth = 0): Array<Array<string | number>> {
  const fields = PROP_TYPES[struct];
  if (!fields || depth > 8) return [];
  return Object.entries(fields).flatMap(([key, declared]) => {
    let type = declared.replace(/\?$/, '');
    const path: Array<string | number> = [...prefix, key];
    const paths = [path];
    while (type.endsWith('[]') || type.endsWith('{}')) {
      path.push(type.endsWith('[]') ? 0 : 'k');
      paths.push([...path]);
      type = type.slice(0, -2);
    }
    return [...paths, ...assemblyPaths(type, [...path], depth + 1)];
  });
}

/** A path with its list indices normalized. */
const key = (path: Array<string | number>) => format(path).replace(/\[\d+\]/g, '[n]');

interface Target { readonly scenarioName: string; readonly props: MatrixChatProps; readonly namespace: string | undefined; readonly path: Array<string | number> }

/** One target per distinct path (indices normalized): from the first scenario holding it, else at a path the assembly declares. */
const TARGETS: Target[] = [];
const seen = new Set<string>();
for (const s of SCENARIOS) {
  for (const path of pathsOf(s.props)) {
    if (seen.has(key(path))) continue;
    seen.add(key(path));
    TARGETS.push({ scenarioName: s.name, props: s.props, namespace: s.namespace, path });
  }
}
/** Paths of the assembly no scenario sets: set on the scenario that holds the longest part of the path, so the prop is read in context. */
const ASSEMBLY_ONLY: string[] = [];
for (const path of assemblyPaths('MatrixChatProps')) {
  if (seen.has(key(path))) continue;
  seen.add(key(path));
  ASSEMBLY_ONLY.push(key(path));
  const depthIn = (props: unknown) => path.findIndex((_, i) => valueAtPath(props, path.slice(0, i + 1)) === undefined);
  const best = [...SCENARIOS].sort((a, b) => depthIn(b.props) - depthIn(a.props))[0];
  TARGETS.push({ scenarioName: best.name, props: best.props, namespace: best.namespace, path });
}

function valueAtPath(value: any, path: Array<string | number>): unknown {
  return path.reduce((acc, k) => (acc === undefined || acc === null ? undefined : acc[k]), value);
}

/** Problems with one synthesis: an exception that is not our validation error, or output the API server would refuse. */
function outcome(props: MatrixChatProps, namespace: string | undefined): string[] {
  let objects: K8sObject[];
  try {
    objects = synth(props, namespace ?? null);
  } catch (error) {
    return errorProblems(error, props);
  }
  return apiServer(objects);
}

const HOSTILE: unknown[] = [null, 'regcred', 12345, -1, true, [], [null], [{}], {}, { x: 1 }, ['a', 'b'], Number.NaN];

describe('type robustness', () => {
  test('the targets are every prop path: those the scenarios set and those only the assembly declares', () => {
    expect(TARGETS.length).toBeGreaterThan(300);
    for (const path of ['homeserver.sso.identityProviders[n].clientSecretSecret.key', 'homeserver.registrationSharedSecretExistingSecret.name', 'livekit.rtc.udpPortRange.start']) {
      expect(TARGETS.map((t) => key(t.path))).toContain(path);
    }
  });

  test.each([[undefined], [null], ['matrix.example.org'], [42], [[]]])('MatrixChat with props %p is a validation error, not a TypeError', (props) => {
    const app = Testing.app();
    const chart = new Chart(app, 'x');
    new MatrixChat(chart, 'x', props as any);
    expect(() => Testing.synth(chart)).toThrow(VALIDATION_PREFIX);
    try { Testing.synth(chart); } catch (error) { expect((error as Error).message).toMatch(/serverName: is not set/); }
  });

  test.each(HOSTILE.map((v) => [Number.isNaN(v) ? 'NaN' : JSON.stringify(v), v]))('%s at every prop path of the scenarios', (_name, value) => {
    const failures: string[] = [];
    for (const t of TARGETS) {
      const problems = outcome(withValue(t.props, t.path, value), t.namespace);
      if (problems.length > 0) failures.push(`${format(t.path)} (${t.scenarioName}): ${problems.join('; ')}`);
    }
    expect(failures).toEqual([]);
  });

  test('arbitrary JSON values at every prop path', () => {
    const value = fc.oneof(
      fc.jsonValue(), fc.constantFrom(null, undefined), fc.string(), fc.array(fc.string()), fc.double(), fc.dictionary(fc.string(), fc.jsonValue()),
    );
    fc.assert(fc.property(fc.nat({ max: TARGETS.length - 1 }), value, (i, v) => {
      const t = TARGETS[i];
      const problems = outcome(withValue(t.props, t.path, v), t.namespace);
      if (problems.length > 0) throw new Error(`${format(t.path)} = ${JSON.stringify(v)} (${t.scenarioName}):\n${problems.join('\n')}`);
    }), { seed: Number(process.env.FUZZ_SEED ?? 20250114), numRuns: Number(process.env.FUZZ_RUNS ?? 300) });
  });
});

/** A standalone construct under test: its props struct, valid props to start from, and how it is built. */
interface Standalone {
  readonly struct: string;
  readonly base: (chart: Chart) => object;
  readonly build: (chart: Chart, props: any) => Construct;
}

const LK_CREDENTIALS = { secretName: 'lk', apiKeyKey: 'k', apiSecretKey: 's', livekitKeysKey: 'LIVEKIT_KEYS' };
const TARGETS_OF_ROUTES = {
  serverName: 'matrix.example.org',
  homeserver: { serviceName: 'tuwunel', port: 8008 },
  lkJwt: { serviceName: 'lk-jwt-service', port: 8080 },
  livekitSignaling: { serviceName: 'livekit', port: 7880 },
  labels: { team: 'chat' },
};
const RESOURCES = { cpu: { request: Cpu.millis(100), limit: Cpu.millis(500) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(512) } };

const STANDALONE: Standalone[] = [
  {
    struct: 'HomeserverProps',
    base: () => ({
      serverName: 'matrix.example.org',
      registrationTokenExistingSecret: { name: 'reg' },
      appservices: [{ id: 'tg', senderLocalpart: 'tgbot', tokensSecret: { name: 'tg' }, users: [{ regex: '@tg_.*', exclusive: true }] }],
      persistence: { size: '10Gi' },
      resources: RESOURCES,
      labels: { team: 'chat' },
      accessTokenTtl: Duration.hours(1),
      backup: { enabled: true, keep: 3 },
    }),
    build: (chart, props) => new Homeserver(chart, 'hs', props),
  },
  {
    struct: 'LiveKitProps',
    base: () => ({ keys: { existingSecret: { name: 'lk' } }, turn: { enabled: true, domain: 'turn.example.org', tls: { existingSecret: 'turn-tls' } }, resources: RESOURCES, labels: { team: 'chat' } }),
    build: (chart, props) => new LiveKit(chart, 'lk', props),
  },
  {
    struct: 'LkJwtProps',
    base: () => ({ serverName: 'matrix.example.org', livekitUrl: 'wss://matrix.example.org', credentials: LK_CREDENTIALS, resources: RESOURCES }),
    build: (chart, props) => new LkJwt(chart, 'jwt', props),
  },
  {
    struct: 'TurnRelayProps',
    base: () => ({ domain: 'turn.example.org', tls: { existingSecret: 'turn-tls' }, labels: { team: 'chat' } }),
    build: (chart, props) => new TurnRelay(chart, 'turn', props),
  },
  {
    struct: 'ElementWebProps',
    base: () => ({ host: 'chat.example.org', homeserverUrl: 'https://matrix.example.org', serverName: 'example.org', resources: RESOURCES }),
    build: (chart, props) => new ElementWeb(chart, 'web', props),
  },
  {
    struct: 'MatrixIngressProps',
    base: () => ({ ...TARGETS_OF_ROUTES, tls: { enabled: true, clusterIssuer: 'letsencrypt' }, whitelistSourceRange: ['10.0.0.0/8'], annotations: { a: 'b' } }),
    build: (chart, props) => new MatrixIngress(chart, 'ingress', props),
  },
  {
    struct: 'MatrixHttpRouteProps',
    base: () => ({ ...TARGETS_OF_ROUTES, parentRefs: [{ name: 'gw', namespace: 'gateways', sectionName: 'https' }] }),
    build: (chart, props) => new MatrixHttpRoute(chart, 'route', props),
  },
  {
    struct: 'MatrixNetworkPoliciesProps',
    base: (chart) => ({
      homeserver: new Homeserver(chart, 'hs', { serverName: 'matrix.example.org', allowRegistration: false }),
      livekit: new LiveKit(chart, 'lk', { keys: { existingSecret: { name: 'lk' } } }),
      lkJwt: new LkJwt(chart, 'jwt', { serverName: 'matrix.example.org', livekitUrl: 'wss://matrix.example.org', credentials: LK_CREDENTIALS }),
      labels: { team: 'chat' },
      ingressControllerNamespace: 'ingress-nginx',
    }),
    build: (chart, props) => new MatrixNetworkPolicies(chart, 'policies', props),
  },
];

/** What one synthesis of a standalone construct gives: problems (an exception not our validation error, or output the API server refuses). */
function standaloneOutcome(c: Standalone, change: (props: object) => unknown): string[] {
  const chart = new Chart(Testing.app(), 'standalone', { namespace: 'chat' });
  const props = change(c.base(chart));
  try {
    c.build(chart, props);
    return apiServer(Testing.synth(chart) as K8sObject[]);
  } catch (error) {
    return errorProblems(error, props as object, c.struct);
  }
}

/** Every path of a standalone construct's props: those of its base and those the assembly declares. */
function standaloneTargets(c: Standalone): Array<Array<string | number>> {
  const base = c.base(new Chart(Testing.app(), 'paths'));
  const all = new Map<string, Array<string | number>>();
  for (const path of [...pathsOf(base), ...assemblyPaths(c.struct)]) if (!all.has(key(path))) all.set(key(path), path);
  return [...all.values()];
}

describe.each(STANDALONE.map((c) => [c.struct, c] as const))('type robustness of a standalone construct: %s', (_struct, c) => {
  const targets = standaloneTargets(c);

  test('its valid base props synthesize', () => {
    expect(standaloneOutcome(c, (props) => props)).toEqual([]);
  });

  test.each([[undefined], [null], ['matrix.example.org'], [42], [[]]])('props %p are a validation error or valid output, never a TypeError', (props) => {
    expect(standaloneOutcome(c, () => props)).toEqual([]);
  });

  test('hostile values at every prop path', () => {
    const failures: string[] = [];
    for (const path of targets) {
      for (const value of HOSTILE) {
        const problems = standaloneOutcome(c, (props) => withValue(props, path, value));
        if (problems.length > 0) failures.push(`${format(path)} = ${JSON.stringify(value)}: ${problems.join('; ')}`);
      }
    }
    expect(failures).toEqual([]);
  });

  test('arbitrary JSON values at every prop path', () => {
    const value = fc.oneof(fc.jsonValue(), fc.constantFrom(null, undefined), fc.string(), fc.array(fc.string()), fc.double(), fc.dictionary(fc.string(), fc.jsonValue()));
    fc.assert(fc.property(fc.nat({ max: targets.length - 1 }), value, (i, v) => {
      const problems = standaloneOutcome(c, (props) => withValue(props, targets[i], v));
      if (problems.length > 0) throw new Error(`${format(targets[i])} = ${JSON.stringify(v)}:\n${problems.join('\n')}`);
    }), { seed: Number(process.env.FUZZ_SEED ?? 20250114), numRuns: Number(process.env.FUZZ_RUNS ?? 100) });
  });
});

describe('sanitizeProps', () => {
  test('every type PROP_TYPES names is one the checker knows: a leaf type or an entry of PROP_TYPES', () => {
    const unknown = Object.entries(PROP_TYPES).flatMap(([struct, fields]) => Object.entries(fields)
      .map(([prop, type]) => [`${struct}.${prop}`, type.replace(/\?$/, '').replace(/(\[\]|\{\})+$/, '')])
      .filter(([, type]) => !LEAF_TYPES.includes(type) && PROP_TYPES[type] === undefined));
    expect(unknown).toEqual([]);
  });

  const sanitize = (props: unknown) => {
    const problems = new Problems();
    const result = sanitizeProps(problems, 'MatrixChatProps', props);
    return { result: result as any, messages: problems.all };
  };

  test('a wrong type is reported under its path and removed; the valid neighbour is kept', () => {
    const { result, messages } = sanitize({ ...MINIMAL_PROPS, imagePullSecrets: 'regcred', labels: { team: 'chat', n: 1 } });
    expect(messages).toEqual([
      expect.stringMatching(/^imagePullSecrets: is string "regcred", not a list/),
      expect.stringMatching(/^labels\.n: is number 1, not a string/),
    ]);
    expect(result.imagePullSecrets).toBeUndefined();
    expect(result.labels).toEqual({ team: 'chat' });
    expect(result.serverName).toBe('matrix.example.org');
  });

  test('valid props come back equal and report nothing', () => {
    for (const s of SCENARIOS) {
      const { result, messages } = sanitize(s.props);
      expect(messages).toEqual([]);
      expect(JSON.stringify(result)).toEqual(JSON.stringify(s.props));
    }
  });

  test('a list element missing a required field is dropped and reported; its neighbours stay', () => {
    const good = { id: 'tg', senderLocalpart: 'tgbot', tokensSecret: { name: 'tg' } };
    const { result, messages } = sanitize({ ...MINIMAL_PROPS, homeserver: { appservices: [{}, null, good] } });
    expect(messages).toEqual([
      expect.stringMatching(/^homeserver\.appservices\[0\]\.id: is required but not set/),
      expect.stringMatching(/^homeserver\.appservices\[1\]: is null, not an object/),
    ]);
    expect(result.homeserver.appservices).toEqual([good]);
  });

  test('Routing keeps its prototype and names parentRefs without gatewayApiOptions', () => {
    const routing = { kind: 'GATEWAY_API', gatewayApiOptions: { parentRefs: null } };
    const { result, messages } = sanitize({ ...MINIMAL_PROPS, routing });
    expect(messages).toEqual([expect.stringMatching(/^routing\.parentRefs: is null, not a list/)]);
    expect(result.routing.kind).toBe('GATEWAY_API');
    expect(result.routing.gatewayApiOptions).toBeUndefined();
  });
});
