import { fitOne } from '../../src/fit/start';
import { varOf } from '../helpers/mixture';
import * as fs from 'fs';
import * as path from 'path';
import { parseTable } from '../../src/io/table';
import { prepareData } from '../../src/models/data';
import { isSuccessful, type SuccessfulFit } from '../../src/fit/fit';
import { sweep } from '../../src/fit/run';

// Expected figures: test/fixtures/reference/toy.json, written by
// bench/reference/toy_reference.py, a numpy port of the course's kmeans.py,
// naive_em.py and common.py (its "source" field names the numpy version).
interface ReferenceRun {
  K: number;
  seed: number;
  kmeans: { cost: number; iterations: number; trace: number[] };
  em: { ll: number; iterations: number; trace: number[]; bic: number; aic: number; mu: number[][]; var: number[]; p: number[] };
}
const reference = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'reference', 'toy.json'), 'utf8')) as {
  runs: ReferenceRun[];
  best: Record<string, { em: { ll: number; seed: number; bic: number }; kmeans: { cost: number; seed: number } }>;
};

const toy = parseTable(fs.readFileSync(path.join(__dirname, '..', '..', 'data', 'toy.txt'), 'utf8'), 'toy.txt').matrix;
const data = prepareData(toy);
const ok = (fit: ReturnType<typeof fitOne>): SuccessfulFit => {
  if (!isSuccessful(fit)) throw new Error(fit.error);
  return fit;
};

test("the course's published check: K=3, seed 0, first E-step LL −1388.0818", () => {
  const fit = ok(fitOne({ kind: 'dense', matrix: toy, data, memo: {} }, { model: 'gaussian', k: 3, seed: 0, maxIter: 1000 }));
  expect(fit.trace[0].toFixed(4)).toBe('-1388.0818');
});

describe.each(reference.runs.map((r) => [r.K, r.seed, r] as const))('K=%i seed=%i matches numpy', (k, seed, ref) => {
  test('EM: LL, BIC, AIC, iterations, trace, mixture', () => {
    const fit = ok(fitOne({ kind: 'dense', matrix: toy, data, memo: {} }, { model: 'gaussian', k, seed, maxIter: 1000 }));
    // The bar is 4 decimals; the kernels agree with numpy far closer than that.
    expect(Math.abs(fit.logLikelihood - ref.em.ll)).toBeLessThan(1e-8);
    expect(Math.abs(fit.bic - ref.em.bic)).toBeLessThan(1e-8);
    expect(Math.abs(fit.aic - ref.em.aic)).toBeLessThan(1e-8);
    expect(fit.iterations).toBe(ref.em.iterations);
    fit.trace.forEach((v, i) => expect(Math.abs(v - ref.em.trace[i])).toBeLessThan(1e-8));
    fit.mixture.mu.forEach((v, i) => expect(Math.abs(v - ref.em.mu.flat()[i])).toBeLessThan(1e-8));
    varOf(fit.mixture).forEach((v, j) => expect(Math.abs(v - ref.em.var[j])).toBeLessThan(1e-8));
  });

  test('k-means: cost, iterations, trace', () => {
    const fit = ok(fitOne({ kind: 'dense', matrix: toy, data, memo: {} }, { model: 'kmeans', k, seed, maxIter: 1000 }));
    expect(Math.abs((fit.cost ?? NaN) - ref.kmeans.cost)).toBeLessThan(1e-8);
    expect(fit.iterations).toBe(ref.kmeans.iterations);
    fit.trace.forEach((v, i) => expect(Math.abs(v - ref.kmeans.trace[i])).toBeLessThan(1e-8));
  });
});

test('the LL never decreases in any trace, K=1..4 × seeds 0..4', () => {
  const result = sweep(toy, { model: 'gaussian', ks: [1, 2, 3, 4], seeds: [0, 1, 2, 3, 4], maxIter: 1000, criterion: 'bic' });
  expect(result.fits).toHaveLength(20);
  for (const fit of result.fits) {
    for (let i = 1; i < fit.trace.length; i++) expect(fit.trace[i]).toBeGreaterThanOrEqual(fit.trace[i - 1]);
  }
});

test('the k-means cost never increases in any trace', () => {
  const result = sweep(toy, { model: 'kmeans', ks: [1, 2, 3, 4], seeds: [0, 1, 2, 3, 4], maxIter: 1000, criterion: 'bic' });
  for (const fit of result.fits) {
    for (let i = 1; i < fit.trace.length; i++) expect(fit.trace[i]).toBeLessThanOrEqual(fit.trace[i - 1]);
  }
});

test('sweep keeps the best seed per K and selects K=3 by BIC, as numpy does', () => {
  const result = sweep(toy, { model: 'gaussian', ks: [1, 2, 3, 4], seeds: [0, 1, 2, 3, 4], maxIter: 1000, criterion: 'bic' });
  expect(result.best.map((f) => [f.k, f.seed])).toEqual([1, 2, 3, 4].map((k) => [k, reference.best[k].em.seed]));
  result.best.forEach((f) => expect(Math.abs(f.bic - reference.best[f.k].em.bic)).toBeLessThan(1e-8));
  expect(result.selected?.k).toBe(3);
  // By LL alone the largest K wins.
  expect(sweep(toy, { model: 'gaussian', ks: [1, 2, 3, 4], seeds: [0, 1, 2, 3, 4], maxIter: 1000, criterion: 'll' }).selected?.k).toBe(4);
});

test('k-means sweep keeps the lowest cost per K', () => {
  const result = sweep(toy, { model: 'kmeans', ks: [1, 2, 3, 4], seeds: [0, 1, 2, 3, 4], maxIter: 1000, criterion: 'bic' });
  expect(result.best.map((f) => [f.k, f.seed])).toEqual([1, 2, 3, 4].map((k) => [k, reference.best[k].kmeans.seed]));
  result.best.forEach((f) => expect(Math.abs((f.cost ?? NaN) - reference.best[f.k].kmeans.cost)).toBeLessThan(1e-8));
});

test('--max-iter stops a fit and reports it not converged', () => {
  const fit = ok(fitOne({ kind: 'dense', matrix: toy, data, memo: {} }, { model: 'gaussian', k: 3, seed: 0, maxIter: 5 }));
  expect(fit.iterations).toBe(5);
  expect(fit.converged).toBe(false);
});
