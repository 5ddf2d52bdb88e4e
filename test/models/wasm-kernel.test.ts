import { mixtureOf, varOf } from '../helpers/mixture';
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { fromRows, type Matrix } from '../../src/core/matrix';
import { prepareData } from '../../src/models/data';
import { SphericalState } from '../../src/models/families/spherical-state';
import { DiagState } from '../../src/models/families/diag-state';
import type { Covariance } from '../../src/models/mixture';
import { kernelName } from '../../src/models/kernels/wasm';
import { type KernelName } from '../../src/models/kernels/layout';
import { wasmKernelAvailable } from '../../src/models/kernels/wasm';
import type { Mixture } from '../../src/models/mixture';
import { parseTable } from '../../src/io/table';
import { sweep } from '../../src/fit/run';
import { runSweep } from '../../src/fit/run';

// The WebAssembly SIMD kernels (assembly/estep.ts, built into dist/wasm by
// `npm test`'s build step) must compute exactly the bits of the TypeScript
// kernels (src/models/kernels/spherical.ts, diag.ts): same LL, posteriors,
// row LLs and M-step sums, for both families. Equality below is exact: toEqual compares numbers with Object.is
// (so even 0 and −0 differ), and the posteriors are compared byte for byte.

const bytes = (a: Float64Array | null) => (a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex') : null);

interface Run {
  readonly trace: number[];
  readonly mixtures: Mixture[];
  readonly posterior: string | null;
  readonly rowLogLikelihood: string | null;
}

function run(matrix: Matrix, start: Mixture, kernel: KernelName, iterations: number, keepPosterior: boolean, minVar = 0): Run {
  const data = prepareData(matrix);
  const state =
    start.covariance.family === 'diag' ? new DiagState(data, start, { minVar, regCovar: 0, keepPosterior, kernel }) : new SphericalState(data, start, { minVar, keepPosterior, kernel });
  const trace: number[] = [];
  const mixtures: Mixture[] = [];
  for (let t = 0; t < iterations; t++) {
    trace.push(state.expectation());
    if (t === iterations - 1) break;
    state.maximization();
    mixtures.push(state.mixture());
  }
  return { trace, mixtures, posterior: bytes(state.posterior), rowLogLikelihood: bytes(state.buffers.rowLogLikelihood) };
}

/** The same start in the diag family: each component's variance in every dimension, a little apart. */
function asDiag(start: Mixture): Mixture {
  const { k, d } = start;
  return mixtureOf({ k, d, mu: start.mu, p: start.p, covariance: 'diag', var: Float64Array.from({ length: k * d }, (_, c) => varOf(start)[Math.floor(c / d)] * (1 + 0.1 * (c % d))) });
}

/** A deterministic pseudo-random matrix: k loose clusters, with a share of cells missing. */
function synthetic(n: number, d: number, k: number, missingShare: number, seed: number): { matrix: Matrix; start: Mixture } {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const rows: number[][] = [];
  for (let u = 0; u < n; u++) {
    const row: number[] = [];
    for (let i = 0; i < d; i++) row.push(next() < missingShare ? NaN : (u % k) * 2.5 + (i % 3) + (next() - 0.5) * 3);
    rows.push(row);
  }
  // Keep at least one observed cell per row, as a real rating matrix would.
  for (const row of rows) if (row.every(Number.isNaN)) row[0] = next();
  const mu = new Float64Array(k * d);
  for (let j = 0; j < k; j++) for (let i = 0; i < d; i++) mu[j * d + i] = j * 2 + next();
  const variance = Float64Array.from({ length: k }, () => 0.5 + next() * 2);
  const p = Float64Array.from({ length: k }, () => 1 / k);
  return { matrix: fromRows(rows), start: mixtureOf({ k, d, covariance: 'spherical', mu, var: variance, p }) };
}

test('the build made the WebAssembly kernel, and it is the default', () => {
  expect(fs.existsSync(path.join(__dirname, '..', '..', 'dist', 'wasm', 'estep.js'))).toBe(true);
  expect(wasmKernelAvailable()).toBe(true);
  expect(kernelName()).toBe('wasm');
  expect(kernelName('js')).toBe('js');
});

describe.each(['spherical', 'diag'] as Covariance[])('%s: the WebAssembly kernel gives the TypeScript kernel bit for bit', (family) => {
  const inFamily = (start: Mixture) => (family === 'diag' ? asDiag(start) : start);
  // n covers fewer rows than one 4-row block, ragged blocks and several 64-row
  // chunks; d odd and even (the column pairs of the weighted sums); K odd and even
  // (the component pairs and the single last one).
  const shapes: Array<[number, number, number, number]> = [];
  for (const n of [1, 3, 6, 67, 259]) for (const d of [1, 2, 5]) for (const k of [1, 2, 3, 8]) for (const missing of [0, 0.3]) shapes.push([n, d, k, missing]);
  shapes.push([1000, 10, 9, 0], [300, 40, 12, 0.7], [130, 7, 5, 0.5]);

  test(`a grid of ${shapes.length} shapes (n, d, K, missing share), posteriors kept or not: EM traces, mixtures, posteriors`, () => {
    // One assertion for the grid: the shapes whose results differ (or are not finite), named.
    const differing: string[] = [];
    for (const [n, d, k, missing] of shapes) {
      const { matrix, start: sphericalStart } = synthetic(n, d, k, missing, n * 1000 + d * 10 + k);
      const start = inFamily(sphericalStart);
      const minVar = missing > 0 ? 0.25 : 1e-3; // a floor keeps tiny samples (K > n) finite
      for (const keep of [true, false]) {
        const js = run(matrix, start, 'js', 6, keep, minVar);
        const wasm = run(matrix, start, 'wasm', 6, keep, minVar);
        try {
          expect(js.trace.every(Number.isFinite)).toBe(true);
          expect(wasm).toEqual(js); // every number, exactly (Object.is)
        } catch {
          differing.push(`n=${n} d=${d} K=${k} missing=${missing} keep=${keep}`);
        }
      }
    }
    expect(differing).toEqual([]);
  });

  test('exponents below −700 (posteriors that underflow to 0) take the same path as Math.exp', () => {
    // Two far-apart groups and tight components: for each row the far
    // component's shifted log-density is about −(100²)/(2·0.01) = −5e5, beyond the
    // table range, so both kernels fall back to Math.exp and get exactly 0.
    const rows: number[][] = [];
    for (let u = 0; u < 37; u++) rows.push([u % 2 === 0 ? 0.01 * u : 100 + 0.01 * u, 0.02 * u]);
    const start = inFamily(mixtureOf({ k: 3, d: 2, covariance: 'spherical', mu: Float64Array.from([0, 0, 100, 0, 50, 0]), var: Float64Array.from([0.01, 0.01, 0.01]), p: Float64Array.from([0.4, 0.4, 0.2]) }));
    const js = run(fromRows(rows), start, 'js', 3, true, 1e-6);
    const wasm = run(fromRows(rows), start, 'wasm', 3, true, 1e-6);
    expect(wasm).toEqual(js);
    const posterior = new Float64Array(Buffer.from(js.posterior!, 'hex').buffer.slice(0));
    expect(posterior.filter((v) => v === 0).length).toBeGreaterThan(20);
  });

  test('property: random matrices and starts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 90 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 10 }),
        fc.constantFrom(0, 0.2, 0.6),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (n, d, k, missing, seed) => {
          const { matrix, start: sphericalStart } = synthetic(n, d, k, missing, seed);
          const start = inFamily(sphericalStart);
          const minVar = missing > 0 ? 0.25 : 1e-6;
          expect(run(matrix, start, 'wasm', 4, true, minVar)).toEqual(run(matrix, start, 'js', 4, true, minVar));
        },
      ),
      { seed: 20261129, numRuns: 150 },
    );
  });
});

describe('whole fits: the kernel does not change a number', () => {
  const read = (file: string, missing: string[] = []) => parseTable(fs.readFileSync(file, 'utf8'), file, { missing }).matrix;
  const toy = read(path.join(__dirname, '..', '..', 'data', 'toy.txt'));
  const ratings = read(path.join(__dirname, '..', 'fixtures', 'test_incomplete.txt'), ['0']);

  test.each([
    ['toy data', toy, 'spherical'],
    ['the rating fixture with missing cells', ratings, 'spherical'],
    ['toy data, diag', toy, 'diag'],
    ['the rating fixture with missing cells, diag', ratings, 'diag'],
  ] as const)('%s: a sweep with either kernel', (_name, matrix, covariance) => {
    const options = { model: 'gaussian' as const, covariance, ks: [1, 2, 3, 4], seeds: [0, 1, 2], maxIter: 1000, criterion: 'bic' as const };
    const wasm = sweep(matrix, { ...options, kernel: 'wasm' });
    const js = sweep(matrix, { ...options, kernel: 'js' });
    expect(wasm.fits).toEqual(js.fits);
  });

  test.each(['spherical', 'diag'] as const)('%s: rows split over two threads running the WebAssembly kernel = one thread running the TypeScript kernel', async (covariance) => {
    const { matrix } = synthetic(700, 6, 4, 0, 7);
    const options = { model: 'gaussian' as const, covariance, ks: [4], seeds: [2], maxIter: 60, criterion: 'bic' as const };
    const js = sweep(matrix, { ...options, kernel: 'js' });
    const split = await runSweep(matrix, { ...options, kernel: 'wasm', jobs: 2, minRowSplitWork: 0 });
    expect(split.fits).toEqual(js.fits);
    expect(js.fits[0].trace.length).toBeGreaterThan(5);
  });
});
