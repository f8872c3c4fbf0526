// Unknown props (typos from JavaScript or YAML) reported at synth, against keys derived from the jsii assembly.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { MINIMAL_PROPS, build, problemLines, synthErrors } from './util';
import { SCENARIOS } from './verification/scenarios';
import { Assembly, GENERATED, KnownProps, StructTable, knownPropsFromAssembly, readAssembly, renderKnownProps, dependencyAssembly } from '../projenrc/known-props';
import { Homeserver, LiveKit, LkJwt, MatrixHttpRoute, MatrixIngress, MatrixNetworkPolicies, TurnRelay } from '../src';
import { readValuesFile } from '../src/cli';
import { propsFromHelmValues } from '../src/helm-values';
import { checkUnknownProps } from '../src/known-props';

const ROOT = path.join(__dirname, '..');
const UNKNOWN = 'is not a known prop';

/** The assembly compiled from the working tree: the types the known props must match. */
function ownAssembly(): Assembly {
  const file = path.join(ROOT, '.jsii');
  if (!fs.existsSync(file)) throw new Error('no .jsii assembly: run `npx projen compile` before these tests');
  return readAssembly(file);
}
const fromAssembly = (assembly: Assembly): KnownProps => knownPropsFromAssembly(assembly, (name) => dependencyAssembly(name, ROOT));

/** Unknown-prop lines of everything built in the chart (each construct's validations, without synthesizing). */
function unknownPropLines(chart: Chart): string[] {
  return chart.node.findAll().flatMap((c) => c.node.validate()).filter((line) => line.includes(UNKNOWN));
}

/** The problem lines of a standalone construct's chart that must fail to synthesize. */
function standaloneProblems(create: (chart: Chart) => void): string[] {
  const chart = new Chart(Testing.app(), 'standalone');
  create(chart);
  try {
    Testing.synth(chart);
  } catch (error) {
    return problemLines((error as Error).message);
  }
  throw new Error('expected validation errors');
}

const rename = (at: string, to: string) => `${at}: ${UNKNOWN}; the value is ignored and the default applies. Fix: rename it to ${to} (the nearest known prop).`;

describe('typos in MatrixChatProps', () => {
  test('are reported at every level at once, each with the nearest known prop', () => {
    const props: any = {
      ...MINIMAL_PROPS,
      namePrefx: 'chat-',
      homeserver: { ...MINIMAL_PROPS.homeserver, persistance: { size: '5Gi' }, appservices: [{ id: 'bridge', url: 'http://bridge:9000', senderLocalPart: 'bot', tokensSecret: { name: 'bridge-tokens' } }] },
      livekit: { ...MINIMAL_PROPS.livekit, rtc: { nodeIP: '203.0.113.7' }, resources: { cpu: { requests: kplus.Cpu.millis(100) } } },
      ingress: { tls: { enabled: true, secretname: 'cert' } },
      scheduling: { nodeselector: { pool: 'chat' } },
    };
    const lines = problemLines(synthErrors(props)).filter((line) => line.includes(UNKNOWN));
    expect(lines.sort()).toEqual([
      rename('homeserver.appservices[0].senderLocalPart', 'homeserver.appservices[0].senderLocalpart'),
      rename('homeserver.persistance', 'homeserver.persistence'),
      rename('ingress.tls.secretname', 'ingress.tls.secretName'),
      rename('livekit.resources.cpu.requests', 'livekit.resources.cpu.request'),
      rename('livekit.rtc.nodeIP', 'livekit.rtc.nodeIp'),
      rename('namePrefx', 'namePrefix'),
      rename('scheduling.nodeselector', 'scheduling.nodeSelector'),
    ]);
  });

  test('a key near no known prop lists the props known at its level', () => {
    const lines = problemLines(synthErrors({ ...MINIMAL_PROPS, wellKnown: { somethingElse: true } } as any));
    expect(lines).toContain(`wellKnown.somethingElse: ${UNKNOWN}; the value is ignored and the default applies. Fix: remove it, or use one of the props known under wellKnown: routeOnServerName.`);
    const top = problemLines(synthErrors({ ...MINIMAL_PROPS, zzzzzzzzzz: 1 } as any)).find((line) => line.startsWith('zzzzzzzzzz:'));
    expect(top).toMatch(/Fix: remove it, or use one of the props known at the top level: elementWeb, gitOpsPruneProtection, homeserver, imagePullSecrets, .*, wellKnown\.$/);
  });

  test('an unknown key set to undefined is still a typo', () => {
    expect(problemLines(synthErrors({ ...MINIMAL_PROPS, publicHots: undefined } as any))).toEqual([rename('publicHots', 'publicHost')]);
  });

  test('each is reported once: the components MatrixChat builds do not report it again', () => {
    // ingress options are spread into MatrixIngress's props, livekit's into LiveKit's, turn's into TurnRelay's.
    const { chart } = build({
      ...MINIMAL_PROPS,
      ingress: { classname: 'nginx' },
      livekit: { ...MINIMAL_PROPS.livekit, turn: { enabled: true, domain: 'turn.example.org', tls: { existingSecret: 'turn-tls' }, tlsport: 5349 } },
      homeserver: { ...MINIMAL_PROPS.homeserver, allowFederaton: false },
      lkJwt: { imag: { tag: 'x' } },
    } as any);
    expect(unknownPropLines(chart).map((line) => line.slice(0, line.indexOf(':'))).sort()).toEqual([
      'homeserver.allowFederaton', 'ingress.classname', 'livekit.turn.tlsport', 'lkJwt.imag',
    ]);
  });

  test('the valid neighbours pass: every verification scenario has no unknown prop', () => {
    for (const scenario of SCENARIOS) {
      expect({ scenario: scenario.name, lines: unknownPropLines(build(scenario.props).chart) }).toEqual({ scenario: scenario.name, lines: [] });
    }
  });

  test('props mapped from the reference Helm chart values have no unknown prop', () => {
    for (const file of ['seed-bundled-turn.yaml', 'seed-external.yaml']) {
      const props = propsFromHelmValues(readValuesFile(path.join(__dirname, 'fixtures', file)));
      expect(props).toBeDefined();
      expect(unknownPropLines(build(props!).chart)).toEqual([]);
    }
  });

  test('Kubernetes API types and class instances are not looked into; a wrong type is left to the other checks', () => {
    const { chart } = build({
      ...MINIMAL_PROPS,
      // matchLabelKeys on a pod affinity term is newer than cdk8s-plus-28's k8s types; the API server reads it.
      scheduling: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', matchLabelKeys: ['app'] }] } } },
      homeserver: { ...MINIMAL_PROPS.homeserver, startupTimeout: Duration.minutes(5), resources: { memory: { limit: Size.gibibytes(2) } } },
      livekit: { ...MINIMAL_PROPS.livekit, rtc: 'not a map', webhooks: ['not', 'a', 'map'] },
    } as any);
    expect(unknownPropLines(chart)).toEqual([]);
  });

  test('the validation scope a parent hands its child (a symbol key) is not a prop', () => {
    const chart = new Chart(Testing.app(), 'c');
    new LiveKit(chart, 'lk', { keys: { existingSecret: { name: 'lk' } }, [Symbol('other')]: 1 } as any);
    expect(unknownPropLines(chart)).toEqual([]);
  });
});

describe('standalone constructs report typos under their own prop names', () => {
  const lk = { keys: { existingSecret: { name: 'lk' } } };
  const targets = { serverName: 'matrix.example.org', homeserver: { serviceName: 'hs', port: 8008 } };
  test.each<[string, (chart: Chart) => void, string, string]>([
    ['Homeserver', (c) => new Homeserver(c, 'x', { serverName: 'matrix.example.org', allowRegistration: false, clientport: 8008 } as any), 'clientport', 'clientPort'],
    ['LiveKit', (c) => new LiveKit(c, 'x', { ...lk, rtc: { udpport: 7882 } } as any), 'rtc.udpport', 'rtc.udpPort'],
    ['LiveKit (its TURN relay does not report it again)', (c) => new LiveKit(c, 'x', { ...lk, turn: { enabled: true, domain: 'turn.example.org', tls: { existingSecret: 't' }, tlsprt: 5349 } } as any), 'turn.tlsprt', 'turn.tlsPort'],
    ['TurnRelay', (c) => new TurnRelay(c, 'x', { domain: 'turn.example.org', tls: { existingSecret: 't', certkey: 'c' } } as any), 'tls.certkey', 'tls.certKey'],
    ['LkJwt', (c) => new LkJwt(c, 'x', { serverName: 'matrix.example.org', livekitUrl: 'wss://matrix.example.org', credentials: { secretName: 'lk' }, serverNameAdress: '10.0.0.1' } as any), 'serverNameAdress', 'serverNameAddress'],
    ['MatrixIngress', (c) => new MatrixIngress(c, 'x', { ...targets, whitelistSourceRanges: ['10.0.0.0/8'] } as any), 'whitelistSourceRanges', 'whitelistSourceRange'],
    ['MatrixHttpRoute', (c) => new MatrixHttpRoute(c, 'x', { ...targets, parentRefs: [{ name: 'gw', sectionname: 'https' }] } as any), 'parentRefs[0].sectionname', 'parentRefs[0].sectionName'],
    ['MatrixNetworkPolicies', (c) => new MatrixNetworkPolicies(c, 'x', { nameprefix: 'a-' } as any), 'nameprefix', 'namePrefix'],
  ])('%s', (_name, create, at, to) => {
    expect(standaloneProblems(create).filter((line) => line.includes(UNKNOWN))).toEqual([rename(at, to)]);
  });
});

/** Props with every prop `known` declares for `struct`, at every level, plus `extra` keys at each level. */
function everyProp(known: StructTable, struct: string, extra: string[] = [], depth = 0): Record<string, unknown> {
  if (depth > 20) throw new Error(`struct cycle through ${struct}`);
  const sample = (type: string): unknown => {
    if (type.endsWith('[]')) return [sample(type.slice(0, -2))];
    if (type.endsWith('{}')) return { key: sample(type.slice(0, -2)) };
    return type === '' ? 'leaf' : everyProp(known, type, extra, depth + 1);
  };
  const props: Record<string, unknown> = Object.fromEntries(Object.entries(known[struct]).map(([prop, type]) => [prop, sample(type)]));
  for (const key of extra) props[key] = 'typo';
  return props;
}

/** The prop paths checkUnknownProps reports for `props` of `struct` on a bare construct. */
function reportedPaths(struct: string, props: unknown): string[] {
  const construct = new Construct(new Chart(Testing.app(), 'c'), struct);
  checkUnknownProps(construct, struct, props);
  return construct.node.validate().map((line) => line.slice(0, line.indexOf(': ')));
}

describe('the known props are derived from the types', () => {
  const known = fromAssembly(ownAssembly());

  test('every construct\'s props struct is found in the assembly', () => {
    expect(known.roots).toEqual([
      'ElementWebProps', 'HomeserverProps', 'LiveKitProps', 'LkJwtProps', 'MatrixChatProps', 'MatrixHttpRouteProps', 'MatrixIngressProps', 'MatrixNetworkPoliciesProps', 'TurnRelayProps',
    ]);
  });

  test('every prop of every struct reachable from a construct\'s props is accepted', () => {
    for (const root of known.roots) {
      expect({ root, reported: reportedPaths(root, everyProp(known.structs, root)) }).toEqual({ root, reported: [] });
    }
  });

  test('and at every one of those levels an extra key is reported', () => {
    const props = everyProp(known.structs, 'MatrixChatProps', ['notAProp']);
    const reported = reportedPaths('MatrixChatProps', props);
    expect(reported).toContain('notAProp');
    expect(reported).toContain('livekit.rtc.notAProp');
    expect(reported).toContain('homeserver.appservices[0].tokensSecret.notAProp');
    expect(reported).toContain('livekit.resources.cpu.notAProp');
    // One per struct value in the props: count them independently of the checker.
    const structValues = (value: unknown): number => (Array.isArray(value) ? value.reduce((n, v) => n + structValues(v), 0)
      : typeof value === 'object' && value !== null ? 1 + Object.values(value).reduce((n: number, v) => n + structValues(v), 0) : 0);
    expect(reported).toHaveLength(structValues(props));
  });

  test('a prop added to an interface is known after compiling, with no list to edit', () => {
    // What jsii writes for `readonly brandNewProp?: string` added to RtcProps and for a new struct
    // on HomeserverSettings, which MatrixChatHomeserverOptions and HomeserverProps extend.
    const own = ownAssembly();
    const rtc = own.types['cdk8s-matrix-chat.RtcProps'];
    const settings = own.types['cdk8s-matrix-chat.HomeserverSettings'];
    const changed: Assembly = {
      ...own,
      types: {
        ...own.types,
        'cdk8s-matrix-chat.RtcProps': { ...rtc, properties: [...rtc.properties!, { name: 'brandNewProp', type: { primitive: 'string' } }] },
        'cdk8s-matrix-chat.HomeserverSettings': { ...settings, properties: [...settings.properties!, { name: 'brandNew', type: { fqn: 'cdk8s-matrix-chat.BrandNewOptions' } }] },
        'cdk8s-matrix-chat.BrandNewOptions': { fqn: 'cdk8s-matrix-chat.BrandNewOptions', kind: 'interface', datatype: true, properties: [{ name: 'level', type: { primitive: 'number' } }] },
      },
    };
    const after = fromAssembly(changed).structs;
    expect(known.structs.RtcProps.brandNewProp).toBeUndefined();
    expect(after.RtcProps.brandNewProp).toBe('');
    expect(after.MatrixChatHomeserverOptions.brandNew).toBe('BrandNewOptions');
    expect(after.HomeserverProps.brandNew).toBe('BrandNewOptions');
    expect(after.BrandNewOptions).toEqual({ level: '' });
    // And its type, for the type check of untyped callers.
    const types = fromAssembly(changed).types;
    expect(types.RtcProps.brandNewProp).toBe('string');
    expect(types.HomeserverProps.brandNew).toBe('BrandNewOptions');
    expect(types.BrandNewOptions).toEqual({ level: 'number' });
  });

  test('the types describe optional props, lists, maps, enums, classes and Kubernetes structs', () => {
    const types = known.types;
    expect(types.MatrixChatProps.serverName).toBe('string');
    expect(types.MatrixChatProps.imagePullSecrets).toBe('string[]?');
    expect(types.MatrixChatProps.labels).toBe('string{}?');
    expect(types.MatrixChatProps.routing).toBe('Routing?');
    expect(types.Routing).toEqual({ gatewayApiOptions: 'GatewayApiRoutingOptions?', kind: 'enum' });
    expect(known.classes).toEqual(['Routing']);
    expect(types.SchedulingProps.tolerations).toBe('k8s[]?');
    expect(types.HomeserverProps.startupTimeout).toBe('cdk8s.Duration?');
    expect(types.HomeserverProps.extraConfig).toBe('json{}?');
    expect(types.MatrixNetworkPoliciesProps.homeserver).toBe('construct?');
    expect(types['cdk8s-plus-28.CpuResources'].request).toBe('cdk8s-plus-28.Cpu?');
  });

  test('src/known-props.generated.ts is what the compiled assembly gives (the compile task rewrites it)', () => {
    expect(fs.readFileSync(GENERATED, 'utf8')).toBe(renderKnownProps(known));
  });

  test('a struct name no construct has is a programming error', () => {
    expect(() => reportedPaths('NoSuchProps', {})).toThrow(/NoSuchProps is not a construct's props struct/);
  });
});

describe('the type descriptors of the generated table', () => {
  test('arrays and maps of structs, nested, are looked into element by element', () => {
    jest.isolateModules(() => {
      jest.doMock('../src/known-props.generated', () => ({
        STRUCTS: { Root: { byName: 'Leaf{}', grid: 'Leaf[][]', plain: '' }, Leaf: { size: '' } },
      }));
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh module instance that reads the mocked table
      const { checkUnknownProps: check } = require('../src/known-props') as typeof import('../src/known-props');
      const construct = new Construct(new Chart(Testing.app(), 'c'), 'x');
      check(construct, 'Root', { byName: { a: { size: 1 }, b: { sise: 2 } }, grid: [[{ size: 1 }], [{}, { szie: 3 }]], plain: { anything: true } });
      expect(construct.node.validate().map((line) => line.slice(0, line.indexOf(': ')))).toEqual(['byName.b.sise', 'grid[1][1].szie']);
    });
  });
});
