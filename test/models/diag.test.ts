import { mixtureOf, varOf } from '../helpers/mixture';
import * as fc from 'fast-check';
import { fromRows, type Matrix } from '../../src/core/matrix';
import { prepareData } from '../../src/models/data';
import { DiagState } from '../../src/models/families/diag-state';
import type { Mixture } from '../../src/models/mixture';

// The diag E-step works with expanded distances (x²·b − 2x·a + Σ mu²/var) and the
// M-step with summed moments (Σw·x², Σw·x, Σw). Here both are checked against the
// textbook formulas computed directly, cell by cell, on random data with and
// without missing cells.

const LOG_2PI = Math.log(2 * Math.PI);

/** Σ_u ln Σ_j p_j·Π_{i∈C_u} N(x_ui; mu_ji, var_ji), and the posteriors, computed directly. */
function direct(rows: number[][], m: Mixture): { ll: number; post: number[][] } {
  const { k, d } = m;
  let ll = 0;
  const post: number[][] = [];
  for (const row of rows) {
    const f: number[] = [];
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let i = 0; i < d; i++) {
        if (Number.isNaN(row[i])) continue;
        const v = varOf(m)[j * d + i];
        const diff = row[i] - m.mu[j * d + i];
        s += Math.log(2 * Math.PI * v) + (diff * diff) / v;
      }
      f.push(Math.log(m.p[j] + 1e-16) - 0.5 * s);
    }
    const max = Math.max(...f);
    const sum = f.reduce((a, b) => a + Math.exp(b - max), 0);
    ll += max + Math.log(sum);
    post.push(f.map((v) => Math.exp(v - max) / sum));
  }
  return { ll, post };
}

/** The M-step by its definition: weighted means, then weighted mean squared deviations (two passes). */
function directM(rows: number[][], post: number[][], prev: Mixture, minVar: number): Mixture {
  const { k, d } = prev;
  const n = rows.length;
  const hasMissing = rows.some((r) => r.some(Number.isNaN));
  const mu = Float64Array.from(prev.mu);
  const variance = Float64Array.from(varOf(prev));
  const p = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    p[j] = post.reduce((a, w) => a + w[j], 0) / n;
    for (let i = 0; i < d; i++) {
      let weight = 0;
      let sx = 0;
      rows.forEach((r, u) => {
        if (!Number.isNaN(r[i])) {
          weight += post[u][j];
          sx += post[u][j] * r[i];
        }
      });
      if (weight >= (hasMissing ? 1 : Number.MIN_VALUE)) mu[j * d + i] = sx / weight;
      if (!(weight > 0)) continue;
      let ss = 0;
      rows.forEach((r, u) => {
        if (!Number.isNaN(r[i])) ss += post[u][j] * (r[i] - mu[j * d + i]) ** 2;
      });
      variance[j * d + i] = Math.max(ss / weight, minVar);
    }
  }
  return mixtureOf({ k, d, covariance: 'diag', mu, var: variance, p });
}

function randomCase(n: number, d: number, k: number, missing: number, seed: number): { rows: number[][]; matrix: Matrix; start: Mixture } {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const rows: number[][] = [];
  for (let u = 0; u < n; u++) rows.push(Array.from({ length: d }, (_, i) => (next() < missing ? NaN : (u % k) * 3 + i + (next() - 0.5) * (1 + i))));
  for (const row of rows) if (row.every(Number.isNaN)) row[0] = next();
  const mu = Float64Array.from({ length: k * d }, (_, c) => Math.floor(c / d) * 3 + (c % d) + next());
  const variance = Float64Array.from({ length: k * d }, () => 0.3 + next() * 2);
  const p = Float64Array.from({ length: k }, () => 1 / k);
  return { rows, matrix: fromRows(rows), start: mixtureOf({ k, d, covariance: 'diag', mu, var: variance, p }) };
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1);

test('property: the chunked E-step and M-step equal the direct formulas', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 150 }),
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 1, max: 5 }),
      fc.constantFrom(0, 0.3),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      (n, d, k, missing, seed) => {
        const { rows, matrix, start } = randomCase(n, d, k, missing, seed);
        const minVar = 0.05;
        const state = new DiagState(prepareData(matrix), start, { minVar, regCovar: 0, keepPosterior: true });
        let current: Mixture = mixtureOf({ k: start.k, d: start.d, mu: start.mu, p: start.p, covariance: 'diag', var: varOf(start).map((v) => Math.max(v, minVar)) });
        let previous = -Infinity;
        for (let t = 0; t < 4; t++) {
          const ll = state.expectation();
          const expected = direct(rows, current);
          expect(relative(ll, expected.ll)).toBeLessThan(1e-10);
          state.posterior!.forEach((w, c) => expect(Math.abs(w - expected.post[Math.floor(c / k)][c % k])).toBeLessThan(1e-10));
          // EM never lowers the likelihood (up to rounding).
          expect(ll).toBeGreaterThanOrEqual(previous - 1e-9 * Math.abs(ll));
          previous = ll;
          state.maximization();
          const next = state.mixture();
          const want = directM(rows, expected.post, current, minVar);
          next.mu.forEach((v, c) => expect(relative(v, want.mu[c])).toBeLessThan(1e-9));
          varOf(next).forEach((v, c) => expect(relative(v, varOf(want)[c])).toBeLessThan(1e-8));
          next.p.forEach((v, j) => expect(Math.abs(v - want.p[j])).toBeLessThan(1e-12));
          current = next;
        }
      },
    ),
    { seed: 20261129, numRuns: 120 },
  );
});

test('K=1, d=2 by hand: LL, mean and variance', () => {
  // X = (0, 1), (2, 3); mu = (1, 2), var = (1, 4), p = 1.
  // Each row: −½[ln 2π + 1 + ln 8π + 1/4]  (|x − mu| = 1 in both columns).
  const state = new DiagState(prepareData(fromRows([[0, 1], [2, 3]])), mixtureOf({ k: 1, d: 2, covariance: 'diag', mu: Float64Array.from([1, 2]), var: Float64Array.from([1, 4]), p: Float64Array.from([1]) }), { minVar: 0, regCovar: 0 });
  expect(state.expectation()).toBeCloseTo(2 * -0.5 * (LOG_2PI + 1 + Math.log(8 * Math.PI) + 0.25), 12);
  state.maximization();
  // mean (1, 2); variance per column: ((0−1)² + (2−1)²)/2 = 1 and ((1−2)² + (3−2)²)/2 = 1.
  const m = state.mixture();
  expect(Array.from(m.mu)).toEqual([1, 2]);
  expect(varOf(m)[0]).toBeCloseTo(1, 14);
  expect(varOf(m)[1]).toBeCloseTo(1, 14);
});
