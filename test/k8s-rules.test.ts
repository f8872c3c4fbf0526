// Unit tests of the API server rules ported into src/k8s-rules.ts.
import { Chart, Testing } from 'cdk8s';
import { cpuMillisOf, checkObjectSizes, checkTolerations, isConfigMapKey, isDnsLabel, isPositiveQuantity, isQualifiedName, parseQuantity } from '../src/k8s-rules';
import { Problems } from '../src/validation';

describe('k8s-rules', () => {
  test.each([['tls.crt', true], ['.hidden', true], ['a..b', true], ['.', false], ['..', false], ['..data', false], ['', false], ['a/b', false], ['a'.repeat(254), false], [7, false]])('isConfigMapKey(%p) is %p', (v, ok) => {
    expect(isConfigMapKey(v)).toBe(ok);
  });
  test.each([['ingress-nginx', true], ['ingress.nginx', false], ['Ingress', false], ['a'.repeat(64), false], ['a'.repeat(63), true]])('isDnsLabel(%p) is %p', (v, ok) => {
    expect(isDnsLabel(v)).toBe(ok);
  });
  test.each([['example.com/Key', true], ['Example.com/key', false], ['a/b/c', false], ['key', true], ['-key', false]])('isQualifiedName(%p) is %p', (v, ok) => {
    expect(isQualifiedName(v)).toBe(ok);
  });
  test.each([['10Gi', 10 * 2 ** 30], ['500M', 5e8], ['250m', 0.25], ['1e3', 1000], ['-1', -1], ['Gi', undefined], ['1.5.5', undefined], [1, undefined]])('parseQuantity(%p) = %p', (v, n) => {
    expect(parseQuantity(v)).toBe(n);
  });
  test.each([['1Gi', true], ['0', false], ['0Gi', false], ['-1Gi', false], ['0.5Gi', true], ['ten', false]])('isPositiveQuantity(%p) is %p', (v, ok) => {
    expect(isPositiveQuantity(v)).toBe(ok);
  });
  test('cpuMillisOf refuses negative and NaN amounts', () => {
    expect(cpuMillisOf('250m')).toBe(250);
    expect(cpuMillisOf('1.5')).toBe(1500);
    expect(() => cpuMillisOf('-250m')).toThrow(/non-negative/);
    expect(() => cpuMillisOf('NaNm')).toThrow(/non-negative/);
  });
  test('checkTolerations names the field and the Go rule; a valid toleration passes', () => {
    const problems = new Problems();
    checkTolerations(problems, 't', [{ key: 'a', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }, { key: 'b', effect: 'Later' }]);
    expect(problems.all).toEqual([expect.stringMatching(/^t\[1\]\.effect: "Later" is not NoSchedule.*validateTaintEffect/)]);
  });
  test('checkObjectSizes measures only large props', () => {
    const chart = new Chart(Testing.app(), 'c');
    checkObjectSizes(chart, { small: 'x' }, () => { throw new Error('measured'); });
    expect(chart.node.validate()).toEqual([]);
    checkObjectSizes(chart, { big: 'x'.repeat(70_000) }, () => [{ kind: 'ConfigMap', name: 'cm', toJson: () => ({ data: 'x'.repeat(1_048_577) }) }]);
    expect(chart.node.validate()).toEqual([expect.stringMatching(/^big: makes ConfigMap\/cm \d+ bytes, above 1048576/)]);
  });
});
