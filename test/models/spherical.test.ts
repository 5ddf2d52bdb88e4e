import { mixtureOf, varOf } from '../helpers/mixture';
import { fromRows } from '../../src/core/matrix';
import { prepareData } from '../../src/models/data';
import { SphericalState } from '../../src/models/families/spherical-state';
import type { Mixture } from '../../src/models/mixture';

const LOG_2PI = Math.log(2 * Math.PI);

function mixture(mu: number[][], variance: number[], p: number[]): Mixture {
  return mixtureOf({ k: mu.length, d: mu[0].length, covariance: 'spherical', mu: Float64Array.from(mu.flat()), var: Float64Array.from(variance), p: Float64Array.from(p) });
}

// Every expected value below is worked out by hand in the comment beside it.
describe('spherical EM on complete data', () => {
  test('K=1: one E-step and one M-step', () => {
    // X = [0], [2]; mu = 0, var = 1, p = 1.
    // LL = ln N(0;0,1) + ln N(2;0,1) = −½ln2π − ½ln2π − 4/2 = −ln2π − 2.
    const state = new SphericalState(prepareData(fromRows([[0], [2]])), mixture([[0]], [1], [1]), { minVar: 0, keepPosterior: true });
    expect(state.expectation()).toBeCloseTo(-LOG_2PI - 2, 12);
    expect(Array.from(state.posterior!)).toEqual([1, 1]);
    state.maximization();
    // mu = (0+2)/2 = 1; var = ((0−1)² + (2−1)²)/(d·n̂) = 2/2 = 1; p = 1.
    const m = state.mixture();
    expect(m.mu[0]).toBeCloseTo(1, 14);
    expect(varOf(m)[0]).toBeCloseTo(1, 14);
    expect(m.p[0]).toBe(1);
  });

  test('K=2, d=2: posteriors and M-step', () => {
    // X = (0,0), (4,0); mu_1 = (0,0), mu_2 = (4,0); var = 1, 1; p = ½, ½.
    // Row 1: distances² 0 and 16, so f_2 − f_1 = −8 and post = (1, e⁻⁸)/(1+e⁻⁸); row 2 mirrored.
    // LL per row = ln ½ − ln2π + ln(1 + e⁻⁸)  (d=2: −(d/2)·ln2π·var = −ln2π).
    const state = new SphericalState(prepareData(fromRows([[0, 0], [4, 0]])), mixture([[0, 0], [4, 0]], [1, 1], [0.5, 0.5]), { minVar: 0, keepPosterior: true });
    const ll = state.expectation();
    const a = 1 / (1 + Math.exp(-8));
    const b = Math.exp(-8) / (1 + Math.exp(-8));
    expect(ll).toBeCloseTo(2 * (Math.log(0.5) - LOG_2PI + Math.log(1 + Math.exp(-8))), 12);
    const post = Array.from(state.posterior!);
    [a, b, b, a].forEach((v, i) => expect(post[i]).toBeCloseTo(v, 14));
    state.maximization();
    // n̂ = (1, 1); mu_1 = (a·0 + b·4, 0) = (4b, 0); mu_2 = (4a, 0);
    // var_1 = (a·(4b)² + b·(4 − 4b)²)/(2·1) = 16(ab² + ba²)/2 = 8ab.
    const m = state.mixture();
    expect(m.mu[0]).toBeCloseTo(4 * b, 12);
    expect(m.mu[2]).toBeCloseTo(4 * a, 12);
    expect(varOf(m)[0]).toBeCloseTo(8 * a * b, 12);
    expect(varOf(m)[1]).toBeCloseTo(8 * a * b, 12);
    expect(m.p[0]).toBeCloseTo(0.5, 15);
  });

  test('a component with no weight keeps its mean and variance', () => {
    // mu_2 sits at 1000 with var 1: its posterior underflows to exactly 0 for both rows.
    const state = new SphericalState(prepareData(fromRows([[0], [1]])), mixture([[0.5], [1000]], [1, 1], [0.5, 0.5]), { minVar: 0, keepPosterior: true });
    state.expectation();
    state.maximization();
    const m = state.mixture();
    expect(m.mu[1]).toBe(1000);
    expect(varOf(m)[1]).toBe(1);
    expect(m.p[1]).toBe(0);
    expect(Number.isFinite(state.expectation())).toBe(true);
  });
});

describe('spherical EM with missing cells', () => {
  test('K=1 by hand', () => {
    // X = [1, ?], [3, 5]; mu = (0, 0), var = 1, p = 1.
    // Row 1 sees one cell: −½ln2π − 1/2. Row 2 sees two: −ln2π − (9+25)/2.
    // ln(p + 1e-16) = ln(1 + 1e-16), which is 0 in double precision.
    const state = new SphericalState(prepareData(fromRows([[1, NaN], [3, 5]])), mixture([[0, 0]], [1], [1]), { minVar: 0.25, keepPosterior: true });
    expect(state.expectation()).toBeCloseTo(-1.5 * LOG_2PI - 17.5, 12);
    state.maximization();
    // mu = ((1+3)/2, 5/1) = (2, 5): both denominators are ≥ 1.
    // var = ((1−2)² + (3−2)² + (5−5)²)/(1 + 2) = 2/3.
    const m = state.mixture();
    expect(Array.from(m.mu)).toEqual([2, 5]);
    expect(varOf(m)[0]).toBeCloseTo(2 / 3, 14);
  });

  test('a mean coordinate with less than one row of weight keeps its value; the floor applies', () => {
    // Column 2 is seen only in row 2. mu_1 = (0, 1), mu_2 = (10, 9), var = 1, 1, p = ½, ½.
    // Row 2 = (10, 9) sits on mu_2; its weight on component 1 is ≈ e⁻⁸² (distance² 164),
    // so component 1's weight on column 2 is < 1 and its 1 stays (an update would give 9).
    // Row 1 = (0, ?) sits on mu_1: component 1 gets weight ≈ 1 on column 1 → mu_1 = (≈0, 1).
    // Both variances come out ≈ 0 and are floored at 0.25.
    const state = new SphericalState(prepareData(fromRows([[0, NaN], [10, 9]])), mixture([[0, 1], [10, 9]], [1, 1], [0.5, 0.5]), {
      minVar: 0.25,
      keepPosterior: true,
    });
    state.expectation();
    state.maximization();
    const m = state.mixture();
    expect(m.mu[1]).toBe(1);
    expect(m.mu[3]).toBeCloseTo(9, 12);
    expect(m.mu[0]).toBeCloseTo(0, 10);
    expect(varOf(m)[0]).toBe(0.25);
    expect(varOf(m)[1]).toBe(0.25);
  });

  test('a row with every cell missing adds nothing to the LL and its posterior is p', () => {
    const start = mixture([[0, 0], [3, 3]], [1, 2], [0.3, 0.7]);
    const withEmpty = new SphericalState(prepareData(fromRows([[1, 2], [NaN, NaN], [3, NaN]])), start, { minVar: 0.25, keepPosterior: true });
    const without = new SphericalState(prepareData(fromRows([[1, 2], [3, NaN]])), start, { minVar: 0.25, keepPosterior: true });
    expect(withEmpty.expectation()).toBeCloseTo(without.expectation(), 12);
    expect(withEmpty.posterior![2]).toBeCloseTo(0.3, 12);
    expect(withEmpty.posterior![3]).toBeCloseTo(0.7, 12);
  });
});
