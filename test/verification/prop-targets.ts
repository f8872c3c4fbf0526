// The prop paths the type-robustness properties feed values at: every path the scenarios set and every path the assembly declares, for MatrixChat and each standalone construct.
import { Chart, Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import {
  ElementWeb, Homeserver, LiveKit, LkJwt, MatrixChatProps, MatrixHttpRoute, MatrixIngress, MatrixNetworkPolicies, TurnRelay,
} from '../../src';
import { PROP_TYPES } from '../../src/known-props.generated';
import { K8sObject, synth } from '../util';
import { apiServer } from './apiserver';
import { errorProblems } from './errors';
import { SCENARIOS } from './scenarios';

/** Any JSON value, undefined, and the shapes most often wrong (strings, lists of strings, numbers, maps). */
export const ANY_JSON: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(), fc.constantFrom(null, undefined), fc.string(), fc.array(fc.string()), fc.double(), fc.dictionary(fc.string(), fc.jsonValue()),
);

/** Leaf class instances (kplus Cpu, cdk8s Size) are values; Routing is walked like data. */
function isWalkable(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return Array.isArray(value) || proto === Object.prototype || proto === null || proto?.constructor?.name === 'Routing';
}

/** Every path present in the props, as key lists (array indices as numbers). */
export function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (!isWalkable(value)) return [];
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
}

/** A deep copy keeping class prototypes, with the value at `path` replaced. */
export function withValue(value: any, path: Array<string | number>, replacement: unknown): any {
  if (path.length === 0) return replacement;
  if (value === undefined || value === null || typeof value !== 'object') value = typeof path[0] === 'number' ? [] : {};
  const copy = Array.isArray(value) ? [...value] : Object.assign(Object.create(Object.getPrototypeOf(value)), value);
  copy[path[0]] = withValue(value[path[0]], path.slice(1), replacement);
  return copy;
}

export const format = (path: Array<string | number>) => path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('').slice(1).replace(/\.\[/g, '[');

/** Every prop path the assembly declares under `struct` (PROP_TYPES), lists at index 0 and maps at key `k`. */
export function assemblyPaths(struct: string, prefix: Array<string | number> = [], depth = 0): Array<Array<string | number>> {
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
export const key = (path: Array<string | number>) => format(path).replace(/\[\d+\]/g, '[n]');

/** A prop path of a scenario's props to put values at. */
export interface Target {
  readonly scenarioName: string;
  readonly props: MatrixChatProps;
  readonly namespace: string | undefined;
  readonly path: Array<string | number>;
}

/** One target per distinct path (indices normalized): from the first scenario holding it, else at a path the assembly declares. */
export const TARGETS: Target[] = [];
const seen = new Set<string>();
for (const s of SCENARIOS) {
  for (const path of pathsOf(s.props)) {
    if (seen.has(key(path))) continue;
    seen.add(key(path));
    TARGETS.push({ scenarioName: s.name, props: s.props, namespace: s.namespace, path });
  }
}
/** Paths of the assembly no scenario sets: set on the scenario that holds the longest part of the path, so the prop is read in context. */
for (const path of assemblyPaths('MatrixChatProps')) {
  if (seen.has(key(path))) continue;
  seen.add(key(path));
  const depthIn = (props: unknown) => path.findIndex((_, i) => valueAtPath(props, path.slice(0, i + 1)) === undefined);
  const best = [...SCENARIOS].sort((a, b) => depthIn(b.props) - depthIn(a.props))[0];
  TARGETS.push({ scenarioName: best.name, props: best.props, namespace: best.namespace, path });
}

function valueAtPath(value: any, path: Array<string | number>): unknown {
  return path.reduce((acc, k) => (acc === undefined || acc === null ? undefined : acc[k]), value);
}

/** Problems with one synthesis: an exception that is not our validation error, or output the API server would refuse. */
export function outcome(props: MatrixChatProps, namespace: string | undefined): string[] {
  let objects: K8sObject[];
  try {
    objects = synth(props, namespace ?? null);
  } catch (error) {
    return errorProblems(error, props);
  }
  return apiServer(objects);
}

export const HOSTILE: unknown[] = [null, 'regcred', 12345, -1, true, [], [null], [{}], {}, { x: 1 }, ['a', 'b'], Number.NaN];

/** A standalone construct under test: its props struct, valid props to start from, and how it is built. */
export interface Standalone {
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

export const STANDALONE: Standalone[] = [
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
export function standaloneOutcome(c: Standalone, change: (props: object) => unknown): string[] {
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
export function standaloneTargets(c: Standalone): Array<Array<string | number>> {
  const base = c.base(new Chart(Testing.app(), 'paths'));
  const all = new Map<string, Array<string | number>>();
  for (const path of [...pathsOf(base), ...assemblyPaths(c.struct)]) if (!all.has(key(path))) all.set(key(path), path);
  return [...all.values()];
}

