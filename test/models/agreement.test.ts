import fc from 'fast-check';
import { agreement } from '../../src/models/agreement';
import { quantileClasses } from '../../src/models/hc-start';

// Expected figures from mclust 6.0.0 (R): adjustedRandIndex, classError(...)$errorRate and mclust:::qclass
// on the same vectors; the first ARI case is also worked by hand below.
describe('agreement with known classes', () => {
  test('a hand-worked case: ARI 0, error rate 0.25 (mclust: 0, 0.25)', () => {
    // Contingency a: [2, 1], b: [0, 1]; Σ C(n_ij, 2) = 1, rows 3 + 0, columns 1 + 1, C(4, 2) = 6:
    // expected 3·2/6 = 1, maximum (3 + 2)/2 = 2.5, so ARI = (1 − 1)/(2.5 − 1) = 0. Component 2 ties a and b: read as a.
    const a = agreement(Int32Array.from([0, 0, 1, 1]), 2, ['a', 'a', 'a', 'b']);
    expect(a.ari).toBe(0);
    expect(a.errorRate).toBe(0.25);
    expect(a.counts).toEqual([
      [2, 1],
      [0, 1],
    ]);
    expect(a.mapping).toEqual(['a', 'a']);
  });

  test('three classes: ARI 0.475 and error rate 1/7, as mclust', () => {
    const a = agreement(Int32Array.from([0, 1, 1, 2, 2, 2, 0]), 3, ['x', 'y', 'y', 'y', 'z', 'z', 'x']);
    expect(a.ari).toBeCloseTo(0.475, 12);
    expect(a.errorRate).toBeCloseTo(1 / 7, 12);
    expect(a.classes).toEqual(['x', 'y', 'z']);
  });

  test('ARI is 1 for the same partition under any renaming, and symmetric', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 2, maxLength: 60 }), fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 60, maxLength: 60 }), (labels, other) => {
        const names = labels.map((l) => `class${(l * 3 + 1) % 5}`);
        const same = agreement(Int32Array.from(labels), 5, names);
        expect(same.ari).toBeCloseTo(1, 12);
        expect(same.errorRate).toBe(0);
        const b = other.slice(0, labels.length);
        const ab = agreement(Int32Array.from(labels), 5, b.map(String)).ari;
        const ba = agreement(Int32Array.from(b), 5, labels.map(String)).ari;
        expect(ab).toBeCloseTo(ba, 12);
      }),
    );
  });
});

describe("mclust's quantile classes (the hc start of one column)", () => {
  test('as mclust:::qclass', () => {
    expect(Array.from(quantileClasses(Float64Array.from([1, 2, 3, 4, 5, 6]), 3))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(Array.from(quantileClasses(Float64Array.from([3.1, 0.5, 2.2, 2.2, 9, 4, 1, 7.5]), 4))).toEqual([2, 0, 1, 1, 3, 2, 0, 3]);
  });
});
