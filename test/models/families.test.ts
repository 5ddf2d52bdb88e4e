import { NumpyRandomState } from '../../src/core/random';
import { mixtureOf, varOf } from '../helpers/mixture';
import { fromRows } from '../../src/core/matrix';
import { prepareData } from '../../src/models/data';
import { DiagState } from '../../src/models/families/diag-state';
import { FullState } from '../../src/models/families/full-state';
import { freeParameters } from '../../src/models/families';
import { type Mixture } from '../../src/models/mixture';
import type { Covariance } from '../../src/models/families';
import { randomInit } from '../../src/models/start';
import { choleskyInPlace, solveBoth, solveLower } from '../../src/models/kernels/linalg';
import { fillMatrix } from '../../src/app/complete';

const LOG_2PI = Math.log(2 * Math.PI);
const mixture = (covariance: Covariance, mu: number[][], v: number[], p: number[]): Mixture =>
  mixtureOf({ k: mu.length, d: mu[0].length, covariance, mu: mu.flat(), var: v, p });

// Every expected value is worked out by hand in the comment beside it.
describe('diag', () => {
  test('K=1 with a missing cell: E-step and M-step', () => {
    // X = [1, ?], [3, 5]; mu = (0, 0); var = (1, 4); p = 1.
    // Row 1 sees column 1 only: −½(ln 2π + 1²/1). Row 2: −½(ln 2π + 9 + ln 8π + 25/4).
    const state = new DiagState(prepareData(fromRows([[1, NaN], [3, 5]])), mixture('diag', [[0, 0]], [1, 4], [1]), { minVar: 0.25, regCovar: 0 });
    expect(state.expectation()).toBeCloseTo(-0.5 * (LOG_2PI + 1) - 0.5 * (LOG_2PI + 9 + Math.log(8 * Math.PI) + 25 / 4), 12);
    state.maximization();
    // mu = ((1+3)/2, 5/1); var_1 = ((1−2)² + (3−2)²)/2 = 1; var_2 = 0/1, floored at 0.25.
    const m = state.mixture();
    expect(Array.from(m.mu)).toEqual([2, 5]);
    expect(varOf(m)[0]).toBeCloseTo(1, 14);
    expect(varOf(m)[1]).toBe(0.25);
  });

  test('regCovar is added to every variance', () => {
    const state = new DiagState(prepareData(fromRows([[0, 0], [2, 4]])), mixture('diag', [[1, 2]], [1, 1], [1]), { minVar: 0, regCovar: 0.5 });
    state.expectation();
    state.maximization();
    // var = (1, 4) + 0.5
    expect(Array.from(varOf(state.mixture()))).toEqual([1.5, 4.5]);
  });
});

describe('full', () => {
  test('K=1: log-likelihood, mean and covariance', () => {
    // X = (0,0), (2,0), (0,2), (2,2); mu = (1,1), Σ = I: each ‖x − mu‖² = 2,
    // so LL = 4·(−½·2·ln 2π − ½·2) = −4·ln 2π − 4.
    const X = fromRows([[0, 0], [2, 0], [0, 2], [2, 2]]);
    const state = new FullState(prepareData(X), mixture('full', [[1, 1]], [1, 0, 0, 1], [1]), { minVar: 0, regCovar: 0 });
    expect(state.expectation()).toBeCloseTo(-4 * LOG_2PI - 4, 12);
    state.maximization();
    // mean (1, 1); covariance Σ (x − mu)(x − mu)ᵀ / 4 = [[1, 0], [0, 1]].
    const m = state.mixture();
    expect(Array.from(m.mu)).toEqual([1, 1]);
    expect(Array.from(varOf(m)).map((v) => Math.round(v * 1e12) / 1e12)).toEqual([1, 0, 0, 1]);
  });

  test('a covariance that is not positive definite is an error naming the component, with advice', () => {
    // Points on a line: the covariance of component 1 is singular, and regCovar 0 does not help.
    const X = fromRows([[0, 0], [1, 1], [2, 2], [3, 3]]);
    const state = new FullState(prepareData(X), mixture('full', [[1.5, 1.5]], [1, 0, 0, 1], [1]), { minVar: 0, regCovar: 0 });
    state.expectation();
    state.maximization();
    expect(() => state.expectation()).toThrow(/the covariance of component 1 is not positive definite; raise --cov-floor or --reg-covar, use fewer components, or scale the data/);
  });

  test('with missing cells: a row is scored by the marginal of its observed cells', () => {
    // mu = (0, 0), Σ = [[1, 0.8], [0.8, 4]]. Row (1, ?) sees x₁ only: N(1; 0, 1) = −½ ln 2π − ½.
    // Row (?, 2) sees x₂ only: N(2; 0, 4) = −½ ln 8π − ½.
    const start = mixture('full', [[0, 0]], [1, 0.8, 0.8, 4], [1]);
    const state = new FullState(prepareData(fromRows([[1, NaN], [NaN, 2]])), start, { minVar: 0, regCovar: 0 });
    expect(state.expectation()).toBeCloseTo(-0.5 * LOG_2PI - 0.5 - 0.5 * Math.log(8 * Math.PI) - 0.5, 12);
  });

  test('with missing cells: completion by the conditional mean, mu_m + Σ_mo·Σ_oo⁻¹(x_o − mu_o)', () => {
    // mu = (1, 2), Σ = [[1, 0.8], [0.8, 4]]: for (3, ?) the fill is 2 + 0.8·(3 − 1)/1 = 3.6;
    // for (?, 0) it is 1 + 0.8·(0 − 2)/4 = 0.6. One component, so the posterior is 1.
    const X = fromRows([[3, NaN], [NaN, 0], [1, 2]]);
    const filled = fillMatrix(X, mixture('full', [[1, 2]], [1, 0.8, 0.8, 4], [1]));
    expect(filled[1]).toBeCloseTo(3.6, 12);
    expect(filled[2]).toBeCloseTo(0.6, 12);
    expect([filled[0], filled[3], filled[4], filled[5]]).toEqual([3, 0, 1, 2]);
  });

  test('with missing cells: the log-likelihood never decreases', () => {
    // Correlated 3-D data from a fixed recipe, a quarter of the cells missing, K = 2.
    const rows: number[][] = [];
    for (let u = 0; u < 80; u++) {
      const t = Math.sin(u * 1.3) * 2 + (u % 2) * 5;
      const row = [t, t * 0.5 + Math.cos(u * 0.7), -t + Math.sin(u * 2.1) * 0.5];
      rows.push(row.map((v, i) => ((u * 3 + i) % 4 === 0 ? NaN : v)));
    }
    const X = fromRows(rows);
    const start = randomInit(X, 2, 1, { covariance: 'full', regCovar: 1e-6 }).mixture;
    const state = new FullState(prepareData(X), start, { minVar: 0, regCovar: 1e-6 });
    let previous = -Infinity;
    for (let t = 0; t < 40; t++) {
      const ll = state.expectation();
      expect(ll).toBeGreaterThanOrEqual(previous - 1e-9 * Math.abs(ll));
      previous = ll;
      state.maximization();
    }
  });
});

test('Cholesky and the triangular solve', () => {
  // [[4, 2], [2, 3]] = L·Lᵀ with L = [[2, 0], [1, √2]]; L⁻¹(2, 3) = (1, 2/√2), whose norm² is 1 + 2 = 3.
  const a = Float64Array.from([4, 2, 2, 3]);
  expect(choleskyInPlace(a, 0, 2)).toBe(true);
  expect(Array.from(a)).toEqual([2, 0, 1, Math.SQRT2]);
  expect(solveLower(a, 0, 2, Float64Array.from([2, 3]))).toBeCloseTo(3, 14);
  // [[4, 2], [2, 3]]⁻¹ = [[3/8, −1/4], [−1/4, 1/2]], so it maps (2, 3) to (0, 1).
  const v = Float64Array.from([2, 3]);
  solveBoth(a, 0, 2, v);
  expect(v[0]).toBeCloseTo(0, 14);
  expect(v[1]).toBeCloseTo(1, 14);
  expect(choleskyInPlace(Float64Array.from([1, 2, 2, 1]), 0, 2)).toBe(false);
});

test('free parameters per family (for BIC and AIC)', () => {
  // K·d means + covariances + K−1 weights, with K = 3, d = 4.
  expect(freeParameters(3, 4, 'spherical')).toBe(12 + 3 + 2);
  expect(freeParameters(3, 4, 'diag')).toBe(12 + 12 + 2);
  expect(freeParameters(3, 4, 'full')).toBe(12 + 30 + 2);
});

describe('starts', () => {
  const X = fromRows([[0, 0], [0, 1], [10, 10], [10, 11], [20, 0], [21, 0]]);

  test('kmeans++ draws distinct rows, deterministically from the seed', () => {
    const a = randomInit(X, 3, 5, { method: 'kmeans++' });
    expect(new Set(a.rows).size).toBe(3);
    expect(Array.from(randomInit(X, 3, 5, { method: 'kmeans++' }).rows)).toEqual(Array.from(a.rows));
    // Three far-apart pairs: D² sampling takes one row from each pair for almost every seed.
    const pairs = (rows: Int32Array) => new Set(Array.from(rows, (r) => Math.floor(r / 2))).size;
    const spread = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].filter((seed) => pairs(randomInit(X, 3, seed, { method: 'kmeans++' }).rows) === 3);
    expect(spread.length).toBeGreaterThanOrEqual(9);
  });

  test("kmeans++ is scikit-learn's greedy seeding: of 2 + ⌊ln K⌋ D² candidates per step, the one leaving the smallest potential", () => {
    // A direct transcription of the documented algorithm (scikit-learn's _kmeans_plusplus), with the same draws.
    const reference = (m: ReturnType<typeof fromRows>, k: number, seed: number): number[] => {
      const random = new NumpyRandomState(seed);
      const row = (u: number) => Array.from(m.data.subarray(u * m.cols, (u + 1) * m.cols));
      const dist = (a: number[], b: number[]) => a.reduce((s0, v, i) => s0 + (v - b[i]) ** 2, 0);
      const chosen = [random.interval(m.rows - 1)];
      let nearest = Array.from({ length: m.rows }, (_, u) => dist(row(u), row(chosen[0])));
      while (chosen.length < k) {
        const total = nearest.reduce((a, b) => a + b, 0);
        let best = -1;
        let bestPotential = Infinity;
        for (let t = 0; t < 2 + Math.floor(Math.log(k)); t++) {
          let target = random.randomSample() * total;
          const candidate = nearest.findIndex((v) => (target -= v) < 0 && v > 0);
          const potential = nearest.reduce((a, v, u) => a + Math.min(v, dist(row(u), row(candidate))), 0);
          if (potential < bestPotential) [best, bestPotential] = [candidate, potential];
        }
        chosen.push(best);
        nearest = nearest.map((v, u) => Math.min(v, dist(row(u), row(best))));
      }
      return chosen;
    };
    const rows: number[][] = [];
    for (let u = 0; u < 60; u++) rows.push([Math.sin(u * 1.7) * 5 + (u % 4) * 3, Math.cos(u * 0.9) * 2 + (u % 3)]);
    const Y = fromRows(rows);
    for (const k of [2, 3, 5, 8]) for (const seed of [0, 1, 7]) expect(Array.from(randomInit(Y, k, seed, { method: 'kmeans++' }).rows)).toEqual(reference(Y, k, seed));
  });

  test('kmeans++ with fewer distinct rows than K still gives K distinct rows', () => {
    const same = fromRows([[1], [1], [1]]);
    expect(new Set(randomInit(same, 3, 0, { method: 'kmeans++' }).rows).size).toBe(3);
  });

  test('the start of each family around row means: diag per dimension, full the scatter, plus reg', () => {
    // Rows (0,0), (2,0), (0,2), (2,2); seed 0 picks one corner (a, b) as the single mean.
    const Y = fromRows([[0, 0], [2, 0], [0, 2], [2, 2]]);
    const diagStart = randomInit(Y, 1, 0, { covariance: 'diag', regCovar: 0.5 });
    const full = randomInit(Y, 1, 0, { covariance: 'full', regCovar: 0.5 }).mixture;
    const [a, b] = [Y.data[diagStart.rows[0] * 2], Y.data[diagStart.rows[0] * 2 + 1]];
    // Around any corner each coordinate differs by 2 in half the rows: mean square 2 (+ 0.5).
    // The cross term Σ (x₁ − a)(x₂ − b)/4 comes from the opposite corner alone: (2 − 2a)(2 − 2b)/4.
    const cross = ((2 - 2 * a) * (2 - 2 * b)) / 4;
    expect(Math.abs(cross)).toBe(1);
    expect(Array.from(varOf(diagStart.mixture))).toEqual([2.5, 2.5]);
    expect(Array.from(varOf(full))).toEqual([2.5, cross, cross, 2.5]);
  });
});
