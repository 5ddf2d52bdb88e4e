import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { parseTable } from '../../src/io/table';
import { sweep } from '../../src/fit/run';
import { MISSING_DATA_MIN_VAR } from '../../src/fit/fit';
import { fillMatrix, scoreAgainstTruth } from '../../src/app/complete';

// The course's 1200×1200 Netflix matrix (0 = not rated), gzipped copies of
// ../shared/data/netflix_{incomplete,complete}.txt. Expected figures:
// test/fixtures/reference/netflix.json, from bench/reference/netflix_reference.py,
// a numpy port of the course's em.py (its "source" field names the numpy version).
const fixtures = path.join(__dirname, '..', 'fixtures');
const load = (name: string) =>
  parseTable(zlib.gunzipSync(fs.readFileSync(path.join(fixtures, name))).toString('utf8'), name, { missing: ['0'] }).matrix;
const reference = JSON.parse(fs.readFileSync(path.join(fixtures, 'reference', 'netflix.json'), 'utf8')) as {
  runs: Array<{ K: number; seed: number; ll: number; iterations: number }>;
  best: Record<string, { ll: number; seed: number; bic: number; rmse_all: number; rmse_missing_only: number; n_missing_scored: number }>;
};

const input = load('netflix_incomplete.txt.gz');
const truth = load('netflix_complete.txt.gz');
const result = sweep(input, { model: 'gaussian', ks: [1, 12], seeds: [0, 1, 2, 3, 4], maxIter: 1000, criterion: 'bic', minVar: MISSING_DATA_MIN_VAR });

test('the matrix is 1200×1200 with 77% of its cells observed', () => {
  expect([input.rows, input.cols]).toEqual([1200, 1200]);
  const observed = input.observed!.reduce((a, b) => a + b, 0);
  expect(observed / (1200 * 1200)).toBeCloseTo(0.7720611111111111, 12);
});

test.each(reference.runs.map((r) => [r.K, r.seed, r] as const))('K=%i seed=%i: LL and iterations as numpy', (k, seed, ref) => {
  const fit = result.fits.find((f) => f.k === k && f.seed === seed)!;
  if (fit.error !== undefined) throw new Error(fit.error);
  expect(Math.abs(fit.logLikelihood - ref.ll) / Math.abs(ref.ll)).toBeLessThan(1e-9);
  expect(fit.iterations).toBe(ref.iterations);
});

test('best per K, BIC selection, and the RMSEs of the filled matrix', () => {
  expect(result.best.map((f) => [f.k, f.seed])).toEqual([
    [1, reference.best['1'].seed],
    [12, reference.best['12'].seed],
  ]);
  for (const fit of result.best) {
    const ref = reference.best[String(fit.k)];
    expect(Math.abs(fit.bic - ref.bic) / Math.abs(ref.bic)).toBeLessThan(1e-9);
    const scores = scoreAgainstTruth(fillMatrix(input, fit.mixture), input, truth);
    expect(Math.abs(scores.rmse - ref.rmse_all)).toBeLessThan(1e-8);
    expect(Math.abs(scores.rmseMissing! - ref.rmse_missing_only)).toBeLessThan(1e-8);
    expect(scores.missingCells).toBe(ref.n_missing_scored);
  }
  expect(result.selected?.k).toBe(12);
});
