import { createMatrix, type Matrix } from '../../src/core/matrix';
import { runSweep, sweep } from '../../src/fit/run';
import { isSuccessful, type SuccessfulFit } from '../../src/fit/fit';
import type { SweepOptions } from '../../src/fit/sweep';
import { choleskyInPlace } from '../../src/models/kernels/linalg';
import type { Covariance } from '../../src/models/mixture';

// --accelerate (guarded SQUAREM, src/fit/em.ts) against plain EM from the same starts, on
// data drawn here: three Gaussian clusters in 4 columns (a fixed linear congruential
// generator and Box–Muller, so the data are the same on every machine), complete, with
// a fifth of the cells missing, and as rating triplets.
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 4294967296;
  };
}

function clusters(n: number, missingFraction: number, seed: number): Matrix {
  const next = generator(seed);
  const normal = () => Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
  const centres = [
    [0, 0, 0, 0],
    [3, 1, -2, 0.5],
    [-2, 4, 1, -1],
  ];
  const spreads = [1, 0.5, 1.5];
  const d = 4;
  const data = new Float64Array(n * d);
  const observed = missingFraction > 0 ? new Uint8Array(n * d) : null;
  for (let u = 0; u < n; u++) {
    const j = u % 3;
    for (let i = 0; i < d; i++) {
      data[u * d + i] = centres[j][i] + spreads[j] * normal() + (i === 1 ? 0.4 * data[u * d] : 0);
      if (observed) observed[u * d + i] = i === 0 || next() >= missingFraction ? 1 : 0;
    }
  }
  if (observed) for (let c = 0; c < n * d; c++) if (!observed[c]) data[c] = 0;
  return createMatrix(n, d, data, observed);
}

/** The rows of a matrix with missing cells as rating triplets (users × items, the observed cells). */
function asTriplets(m: Matrix) {
  const rowStart = new Int32Array(m.rows + 1);
  const items: number[] = [];
  const values: number[] = [];
  for (let u = 0; u < m.rows; u++) {
    for (let i = 0; i < m.cols; i++) {
      if (m.observed && !m.observed[u * m.cols + i]) continue;
      items.push(i);
      values.push(m.data[u * m.cols + i]);
    }
    rowStart[u + 1] = items.length;
  }
  return { kind: 'sparse' as const, rows: { users: m.rows, items: m.cols, rowStart, itemIndex: Int32Array.from(items) }, values: Float64Array.from(values) };
}

const complete = clusters(600, 0, 1);
const incomplete = clusters(600, 0.2, 2);

function run(input: Matrix | ReturnType<typeof asTriplets>, covariance: Covariance, accelerate: boolean, extra: Partial<SweepOptions> = {}): SuccessfulFit[] {
  const options: SweepOptions = { model: 'gaussian', covariances: [covariance], ks: [2, 3, 4], seeds: [0, 1, 2], maxIter: 5000, criterion: 'bic', accelerate, ...extra };
  const result = input instanceof Object && 'kind' in input ? sweep(input, options) : sweep(input as Matrix, options);
  return result.fits.map((fit) => {
    if (!isSuccessful(fit)) throw new Error(`K=${fit.k} seed=${fit.seed}: ${fit.error}`);
    return fit;
  });
}

/** The fit's parameters are a valid mixture: weights on the simplex, variances > 0, covariances positive definite. */
function expectValid(fit: SuccessfulFit): void {
  const { p, k, d, covariance } = fit.mixture;
  expect(Math.abs(Array.from(p).reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
  for (const w of p) expect(w).toBeGreaterThanOrEqual(0);
  if (covariance.family === 'full') {
    for (let j = 0; j < k; j++) expect(choleskyInPlace(covariance.matrices.slice(j * d * d, (j + 1) * d * d), 0, d)).toBe(true);
  } else {
    for (const v of covariance.variances) expect(v).toBeGreaterThan(0);
  }
}

const cases: Array<[string, Matrix | ReturnType<typeof asTriplets>, Covariance]> = [
  ['complete, spherical', complete, 'spherical'],
  ['complete, diag', complete, 'diag'],
  ['complete, full', complete, 'full'],
  ['missing cells, spherical', incomplete, 'spherical'],
  ['missing cells, diag', incomplete, 'diag'],
  ['missing cells, full', incomplete, 'full'],
  ['rating triplets, spherical', asTriplets(incomplete), 'spherical'],
  ['rating triplets, diag', asTriplets(incomplete), 'diag'],
];

describe.each(cases)('%s', (_name, input, covariance) => {
  const plain = run(input, covariance, false);
  const fast = run(input, covariance, true);

  test('plain EM reports no acceleration; --accelerate counts every E-step, and keeps no more extrapolations than it tried', () => {
    for (const fit of plain) expect(fit.acceleration).toBeUndefined();
    for (const fit of fast) {
      expect(fit.acceleration).toBeDefined();
      const { eSteps, extrapolations, accepted } = fit.acceleration!;
      expect(eSteps).toBe(fit.iterations);
      expect(fit.trace).toHaveLength(eSteps);
      expect(accepted).toBeLessThanOrEqual(extrapolations);
      expect(fit.stop).toBe('converged');
    }
    // It does extrapolate, and keeps most of its steps.
    const tried = fast.reduce((a, f) => a + f.acceleration!.extrapolations, 0);
    const kept = fast.reduce((a, f) => a + f.acceleration!.accepted, 0);
    expect(tried).toBeGreaterThan(0);
    expect(kept).toBeGreaterThan(tried / 2);
  });

  test("to the same stopping rule: each K's best log-likelihood ≥ plain EM's (1e-6 relative), and valid parameters", () => {
    // Per start the two may end on different optima (an extrapolation can cross into another
    // basin, above or below); what the sweep keeps, the best per K, must not be lower.
    const best = (fits: SuccessfulFit[], k: number) => Math.max(...fits.filter((f) => f.k === k).map((f) => f.logLikelihood));
    for (const k of [2, 3, 4]) expect(best(fast, k)).toBeGreaterThanOrEqual(best(plain, k) - 1e-6 * Math.abs(best(plain, k)));
    fast.forEach((fit, i) => {
      expect([fit.k, fit.seed]).toEqual([plain[i].k, plain[i].seed]);
      // Never below where one plain EM step from the start got (the kept points' log-likelihoods do not fall).
      expect(fit.logLikelihood).toBeGreaterThanOrEqual(fit.trace[1]);
      expectValid(fit);
    });
  });
});

test('with a tight tolerance, where EM is slow, the accelerated fits take fewer E-steps and end no lower', () => {
  for (const covariance of ['spherical', 'diag', 'full'] as Covariance[]) {
    const plain = run(incomplete, covariance, false, { tol: 1e-10 });
    const fast = run(incomplete, covariance, true, { tol: 1e-10 });
    const steps = (fits: SuccessfulFit[]) => fits.reduce((a, f) => a + f.iterations, 0);
    expect(steps(fast)).toBeLessThan(steps(plain));
    const best = (fits: SuccessfulFit[], k: number) => Math.max(...fits.filter((f) => f.k === k).map((f) => f.logLikelihood));
    for (const k of [2, 3, 4]) expect(best(fast, k)).toBeGreaterThanOrEqual(best(plain, k) - 1e-9 * Math.abs(best(plain, k)));
  }
});

test('--max-iter counts every E-step, extrapolated ones included', () => {
  for (const maxIter of [1, 2, 3, 7]) {
    const fits = run(incomplete, 'diag', true, { maxIter, tol: 1e-12 });
    for (const fit of fits) {
      expect(fit.iterations).toBeLessThanOrEqual(maxIter);
      expect(fit.stop).toBe('max-iter');
      expectValid(fit);
    }
  }
});

test('the same bits on worker threads: a sweep on a pool, and one fit with its rows split over threads', async () => {
  for (const covariance of ['spherical', 'full'] as Covariance[]) {
    const options: SweepOptions = { model: 'gaussian', covariances: [covariance], ks: [3], seeds: [0, 1], maxIter: 500, criterion: 'bic', accelerate: true };
    const here = sweep(incomplete, options);
    const pool = await runSweep(incomplete, { ...options, jobs: 2, minParallelWork: 0 });
    const rows = await runSweep(incomplete, { ...options, seeds: [0], jobs: 2, minRowSplitWork: 0 });
    expect(pool.plan.executor).toBe('pool');
    expect(rows.plan.executor).toBe('rows');
    const figures = (fits: readonly unknown[]) => (fits as SuccessfulFit[]).map((f) => [f.logLikelihood, f.iterations, f.acceleration, f.trace]);
    expect(figures(pool.fits)).toEqual(figures(here.fits));
    expect(figures(rows.fits)).toEqual(figures(here.fits.slice(0, 1)));
  }
});
