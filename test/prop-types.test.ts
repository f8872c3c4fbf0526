// Type robustness (issue 14 item 3): any JSON value at any prop path is our validation error or valid output, never another exception.
import { Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { MatrixChat } from '../src';
import { MINIMAL_PROPS, problemLines, synthErrors } from './util';
import { PROP_TYPES } from '../src/known-props.generated';
import { CHECKED_BY_CONSTRUCT, LEAF_TYPES, sanitizeProps } from '../src/prop-types';
import { Problems } from '../src/validation';
import { stopCrdValidator } from './verification/crd-models';
import { VALIDATION_PREFIX } from './verification/errors';
import {
  ANY_JSON, HOSTILE, STANDALONE, TARGETS, format, key, outcome, standaloneOutcome, standaloneTargets, withValue,
} from './verification/prop-targets';
import { SCENARIOS } from './verification/scenarios';

afterAll(stopCrdValidator);

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
    fc.assert(fc.property(fc.nat({ max: TARGETS.length - 1 }), ANY_JSON, (i, v) => {
      const t = TARGETS[i];
      const problems = outcome(withValue(t.props, t.path, v), t.namespace);
      if (problems.length > 0) throw new Error(`${format(t.path)} = ${JSON.stringify(v)} (${t.scenarioName}):\n${problems.join('\n')}`);
    }), { seed: Number(process.env.FUZZ_SEED ?? 20250114), numRuns: Number(process.env.FUZZ_RUNS ?? 300) });
  });
});

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
    fc.assert(fc.property(fc.nat({ max: targets.length - 1 }), ANY_JSON, (i, v) => {
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

  test('every prop left to its construct\'s own type check names a prop PROP_TYPES has', () => {
    for (const entry of CHECKED_BY_CONSTRUCT) {
      const [struct, prop] = entry.split('.');
      const holders = Object.entries(PROP_TYPES).filter(([name, fields]) => (struct === '*' || name === struct) && fields[prop] !== undefined);
      expect({ entry, holders: holders.length > 0 }).toEqual({ entry, holders: true });
    }
  });

  test('a prop left to its construct keeps the construct\'s own reason', () => {
    const lines = problemLines(synthErrors({ ...MINIMAL_PROPS, homeserver: { ...MINIMAL_PROPS.homeserver, backup: { enabled: 'yes' as any } } }));
    expect(lines).toEqual([expect.stringMatching(/^homeserver\.backup\.enabled: "yes" is not true or false; whether the database is backed up would be guessed/)]);
  });

  test('one mistake, one message: what is dropped for its type is not reported again as missing', () => {
    expect(problemLines(synthErrors({ ...MINIMAL_PROPS, serverName: 42 as any }))).toEqual([expect.stringMatching(/^serverName: is number 42, not a string/)]);
    // A list emptied by dropping its wrong elements is left unset, so no "is empty" follows.
    expect(problemLines(synthErrors({ ...MINIMAL_PROPS, homeserver: { ...MINIMAL_PROPS.homeserver, listenAddresses: [null as any] } }))).toEqual([
      expect.stringMatching(/^homeserver\.listenAddresses\[0\]: is null, not a string/),
    ]);
  });

  test('keys named like Object.prototype members are unknown props, never a lookup of the prototype', () => {
    const lines = problemLines(synthErrors({
      ...MINIMAL_PROPS,
      homeserver: { ...MINIMAL_PROPS.homeserver, persistence: { toString: [1] } as any, backup: JSON.parse('{"__proto__": 1}') },
      livekit: { ...MINIMAL_PROPS.livekit, metrics: { serviceMonitor: { valueOf: 2 } as any } },
    }));
    expect(lines.map((l) => l.slice(0, l.indexOf(': ')))).toEqual(['homeserver.persistence.toString', 'homeserver.backup.__proto__', 'livekit.metrics.serviceMonitor.valueOf']);
  });

  test('a non-string admin (passed to its own check) is reported and left out of tuwunel.toml, not a TypeError', () => {
    const admin = Object.assign(Object.create(null), { id: '@a:matrix.example.org' });
    expect(problemLines(synthErrors({ ...MINIMAL_PROPS, homeserver: { ...MINIMAL_PROPS.homeserver, admins: [admin] } }))).toEqual([
      expect.stringMatching(/^homeserver\.admins\[0\]: \[object Object\] is not a user ID of this server/),
    ]);
  });

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
