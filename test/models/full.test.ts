import { mixtureOf, varOf } from '../helpers/mixture';
import * as fc from 'fast-check';
import { fromRows } from '../../src/core/matrix';
import { prepareData } from '../../src/models/data';
import { FullState } from '../../src/models/families/full-state';
import type { Mixture } from '../../src/models/mixture';

// The full family's E-step (a forward substitution per row with the factor's
// inverted diagonal, and the table exp) and its M-step (four complete rows per
// block in the scatter) checked against textbook formulas written independently
// here (Gauss–Jordan inverse and determinant), and, with missing cells, against
// the same fit on the rows in another order.

function inverseAndLogDet(a: number[][]): { inverse: number[][]; logDet: number } {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  let logDet = 0;
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) pivot = r;
    [m[c], m[pivot]] = [m[pivot], m[c]];
    const v = m[c][c];
    logDet += Math.log(Math.abs(v));
    for (let t = 0; t < 2 * n; t++) m[c][t] /= v;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c];
      for (let t = 0; t < 2 * n; t++) m[r][t] -= f * m[c][t];
    }
  }
  return { inverse: m.map((row) => row.slice(n)), logDet };
}

function randomData(n: number, d: number, k: number, seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const rows = Array.from({ length: n }, (_, u) => Array.from({ length: d }, (_, i) => (u % k) * 2 + (next() - 0.5) * (1 + i) + (i > 0 ? 0.3 * next() : 0)));
  const cov = new Float64Array(k * d * d);
  for (let j = 0; j < k; j++) {
    // A random positive definite start: A·Aᵀ + I.
    const a = Array.from({ length: d }, () => Array.from({ length: d }, () => next() - 0.5));
    for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) cov[j * d * d + r * d + c] = a[r].reduce((t, v, i) => t + v * a[c][i], 0) + (r === c ? 1 : 0);
  }
  const start: Mixture = mixtureOf({
    k,
    d,
    covariance: 'full',
    mu: Float64Array.from({ length: k * d }, (_, c) => Math.floor(c / d) * 2 + next()),
    var: cov,
    p: Float64Array.from({ length: k }, () => 1 / k),
  });
  return { rows, start, next };
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1);

test('property, complete data: one E-step and one M-step equal the textbook formulas', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (n, d, k, seed) => {
      const { rows, start } = randomData(n, d, k, seed);
      const regCovar = 1e-3;
      const state = new FullState(prepareData(fromRows(rows)), start, { minVar: 0, regCovar });
      // E-step by definition.
      let ll = 0;
      const post: number[][] = [];
      const comps = Array.from({ length: k }, (_, j) => inverseAndLogDet(Array.from({ length: d }, (_, r) => Array.from({ length: d }, (_, c) => varOf(start)[j * d * d + r * d + c]))));
      for (const x of rows) {
        const f = comps.map(({ inverse, logDet }, j) => {
          const diff = x.map((v, i) => v - start.mu[j * d + i]);
          const maha = diff.reduce((t, a, r) => t + a * diff.reduce((s, b, c) => s + inverse[r][c] * b, 0), 0);
          return Math.log(start.p[j] + 1e-16) - 0.5 * (d * Math.log(2 * Math.PI) + logDet + maha);
        });
        const max = Math.max(...f);
        const sum = f.reduce((t, v) => t + Math.exp(v - max), 0);
        ll += max + Math.log(sum);
        post.push(f.map((v) => Math.exp(v - max) / sum));
      }
      expect(relative(state.expectation(), ll)).toBeLessThan(1e-10);
      state.posterior.forEach((w, c) => expect(Math.abs(w - post[Math.floor(c / k)][c % k])).toBeLessThan(1e-10));
      state.maximization();
      const m = state.mixture();
      for (let j = 0; j < k; j++) {
        const nj = post.reduce((t, w) => t + w[j], 0);
        expect(Math.abs(m.p[j] - nj / n)).toBeLessThan(1e-12);
        if (!(nj > 1e-8)) continue;
        const mean = Array.from({ length: d }, (_, i) => rows.reduce((t, x, u) => t + post[u][j] * x[i], 0) / nj);
        mean.forEach((v, i) => expect(relative(m.mu[j * d + i], v)).toBeLessThan(1e-9));
        for (let r = 0; r < d; r++) {
          for (let c = 0; c < d; c++) {
            const want = rows.reduce((t, x, u) => t + post[u][j] * (x[r] - mean[r]) * (x[c] - mean[c]), 0) / nj + (r === c ? regCovar : 0);
            expect(Math.abs(varOf(m)[j * d * d + r * d + c] - want)).toBeLessThan(1e-9 * Math.max(1, Math.abs(want)));
          }
        }
      }
    }),
    { seed: 20261129, numRuns: 100 },
  );
});

test('property, missing cells: the rows in another order give the same fit', () => {
  fc.assert(
    fc.property(fc.integer({ min: 6, max: 40 }), fc.integer({ min: 2, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (n, d, k, seed) => {
      const { rows, start, next } = randomData(n, d, k, seed);
      // Blank some cells (never a whole row), so that complete rows and rows with
      // missing cells mix within the four-row blocks.
      for (const row of rows) if (next() < 0.4) row[Math.floor(next() * d)] = NaN;
      const order = rows.map((_, u) => u).sort(() => next() - 0.5);
      const fit = (data: number[][]) => {
        const state = new FullState(prepareData(fromRows(data)), start, { minVar: 0.01, regCovar: 1e-3 });
        const trace: number[] = [];
        for (let t = 0; t < 3; t++) {
          trace.push(state.expectation());
          state.maximization();
        }
        return { trace, mixture: state.mixture() };
      };
      const a = fit(rows);
      const b = fit(order.map((u) => rows[u]));
      a.trace.forEach((v, t) => expect(relative(v, b.trace[t])).toBeLessThan(1e-10));
      a.mixture.mu.forEach((v, c) => expect(relative(v, b.mixture.mu[c])).toBeLessThan(1e-9));
      varOf(a.mixture).forEach((v, c) => expect(relative(v, varOf(b.mixture)[c])).toBeLessThan(1e-9));
    }),
    { seed: 20261129, numRuns: 100 },
  );
});
