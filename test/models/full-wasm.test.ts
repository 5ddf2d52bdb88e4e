import { mixtureOf } from '../helpers/mixture';
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { fromRows, type Matrix } from '../../src/core/matrix';
import { prepareData } from '../../src/models/data';
import { FullState } from '../../src/models/families/full-state';
import { fullKernel } from '../../src/models/kernels/full';
import { localRunner, type KernelName, type RunnerFactory } from '../../src/models/kernels/layout';
import { choleskyInPlace, choleskyLoop } from '../../src/models/kernels/linalg';
import { instance } from '../../src/models/kernels/wasm';
import type { Mixture } from '../../src/models/mixture';
import { parseTable } from '../../src/io/table';
import { runSweep, sweep } from '../../src/fit/run';

// The full family's WebAssembly SIMD kernels (assembly/full.ts, through
// src/models/kernels/wasm-full.ts) must compute exactly the bits of the TypeScript
// kernel (src/models/kernels/full.ts FullChunkKernel): the blocked solves and the
// rank-k scatter keep every sum's order, so the LL trace, the mixtures, the
// posteriors and the row log-likelihoods are compared with Object.is (toEqual) and
// byte for byte, on complete data and with missing cells (the per-pattern factors).

const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

interface Run {
  readonly trace: number[];
  readonly mixtures: Mixture[];
  readonly posterior: string;
  readonly rowLogLikelihood: string;
  readonly kernel: string;
}

/** `iterations` E-steps with an M-step between each, with the kernel asked for (the one made is recorded). */
function run(matrix: Matrix, start: Mixture, kernel: KernelName, iterations: number, minVar = 0.01, regCovar = 1e-3): Run {
  let made = '';
  const runner: RunnerFactory = (data, layout, job, factory, requested) =>
    localRunner(data, layout, job, (...args) => {
      const k = factory(...args);
      made = k.name;
      return k;
    }, requested); // prettier-ignore
  const state = new FullState(prepareData(matrix), start, { minVar, regCovar, kernel }, runner);
  const trace: number[] = [];
  const mixtures: Mixture[] = [];
  for (let t = 0; t < iterations; t++) {
    trace.push(state.expectation());
    if (t === iterations - 1) break;
    state.maximization();
    mixtures.push(state.mixture());
  }
  return { trace, mixtures, posterior: bytes(state.posterior), rowLogLikelihood: bytes(state.rowLogLikelihood), kernel: made };
}

/** Deterministic rows in k loose, correlated clusters, a share of the cells missing (never a whole row), and a positive definite start. */
function synthetic(n: number, d: number, k: number, missingShare: number, seed: number): { matrix: Matrix; start: Mixture } {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const rows = Array.from({ length: n }, (_, u) => {
    const shared = next() - 0.5;
    return Array.from({ length: d }, (_, i) => (next() < missingShare ? NaN : (u % k) * 2 + (next() - 0.5) * (1 + (i % 4)) + shared * (i % 3)));
  });
  for (const row of rows) if (row.every(Number.isNaN)) row[Math.floor(next() * d)] = next();
  const cov = new Float64Array(k * d * d);
  for (let j = 0; j < k; j++) {
    const a = Array.from({ length: d }, () => Array.from({ length: d }, () => next() - 0.5));
    for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) cov[j * d * d + r * d + c] = a[r].reduce((t, v, i) => t + v * a[c][i], 0) / d + (r === c ? 1 : 0);
  }
  const mu = Float64Array.from({ length: k * d }, (_, c) => Math.floor(c / d) * 2 + next());
  return { matrix: fromRows(rows), start: mixtureOf({ k, d, covariance: 'full', mu, var: cov, p: Float64Array.from({ length: k }, () => 1 / k) }) };
}

describe('full covariances: the WebAssembly kernel gives the TypeScript kernel bit for bit', () => {
  // n: fewer rows than one panel (8) or one group of the scatter (4), ragged panels
  // and groups, several 64-row chunks and a 128-row block of the scatter; d: 1, odd
  // and even, below and above the tiles' 4 columns; K odd and even; complete rows,
  // a few missing cells (complete and incomplete rows mixed in panels, groups and
  // chunks) and many (a pattern per row, about).
  const shapes: Array<[number, number, number, number]> = [];
  for (const n of [1, 3, 9, 67, 301]) for (const d of [1, 2, 5, 8]) for (const k of [1, 2, 3]) for (const missing of [0, 0.08, 0.4]) shapes.push([n, d, k, missing]);
  shapes.push([700, 10, 8, 0], [300, 13, 4, 0.05], [260, 31, 3, 0], [200, 64, 2, 0], [150, 17, 5, 0.3]);

  test(`a grid of ${shapes.length} shapes (n, d, K, missing share): EM traces, mixtures, posteriors and row LLs`, () => {
    // One assertion for the grid: the shapes whose results differ (or are not finite), named.
    const differing: string[] = [];
    for (const [n, d, k, missing] of shapes) {
      const { matrix, start } = synthetic(n, d, k, missing, n * 1009 + d * 31 + k * 7 + Math.round(missing * 100));
      const js = run(matrix, start, 'js', 5);
      const wasm = run(matrix, start, 'wasm', 5);
      try {
        expect([js.kernel, wasm.kernel]).toEqual(['js', 'wasm']);
        expect(js.trace.every(Number.isFinite)).toBe(true);
        expect({ ...wasm, kernel: '' }).toEqual({ ...js, kernel: '' }); // every number, exactly (Object.is)
      } catch {
        differing.push(`n=${n} d=${d} K=${k} missing=${missing}`);
      }
    }
    expect(differing).toEqual([]);
  });

  test('property: random shapes, starts and missing cells', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 140 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom(0, 0, 0.03, 0.2, 0.5),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (n, d, k, missing, seed) => {
          const { matrix, start } = synthetic(n, d, k, missing, seed);
          const wasm = run(matrix, start, 'wasm', 3);
          const js = run(matrix, start, 'js', 3);
          expect({ ...wasm, kernel: '' }).toEqual({ ...js, kernel: '' });
        },
      ),
      { seed: 20261201, numRuns: 60 },
    );
  });

  test('posteriors that underflow (exponents below −700) take the same path as the TypeScript kernel', () => {
    // Two far-apart groups and tight components: each row's far component is beyond
    // the exp table's range, so both kernels go through Math.exp and get exactly 0.
    const rows: number[][] = [];
    for (let u = 0; u < 41; u++) rows.push([u % 2 === 0 ? 0.01 * u : 100 + 0.01 * u, 0.02 * u + (u % 3) * 0.01]);
    const start = mixtureOf({ k: 2, d: 2, covariance: 'full', mu: [0, 0.4, 100, 0.4], var: [0.01, 0, 0, 0.2, 0.01, 0, 0, 0.2], p: [0.5, 0.5] });
    const js = run(fromRows(rows), start, 'js', 3, 1e-6, 0);
    const wasm = run(fromRows(rows), start, 'wasm', 3, 1e-6, 0);
    expect({ ...wasm, kernel: '' }).toEqual({ ...js, kernel: '' });
    const posterior = new Float64Array(Buffer.from(js.posterior, 'hex').buffer.slice(0));
    expect(posterior.filter((v) => v === 0).length).toBeGreaterThan(30);
  });

  test('64 columns with constant ones (digits, K=10, as the bench runs it): the same fit, iteration for iteration', () => {
    const file = path.join(__dirname, '..', 'fixtures', 'mclust', 'digits.csv.gz');
    const table = parseTable(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8'), file, {});
    const options = { model: 'gaussian' as const, covariances: ['full' as const], ks: [10], seeds: [0], maxIter: 6, tol: 0, regCovar: 1e-6, criterion: 'bic' as const };
    const wasm = sweep(table.matrix, { ...options, kernel: 'wasm' });
    const js = sweep(table.matrix, { ...options, kernel: 'js' });
    expect(js.fits[0].covariance).toBe('full');
    expect(wasm.fits).toEqual(js.fits);
    expect(js.fits[0].trace.length).toBe(6);
  });

  test.each([
    ['complete rows', 0],
    ['missing cells', 0.1],
  ])('%s: rows split over two threads running the WebAssembly kernel = one thread running the TypeScript kernel', async (_name, missing) => {
    const { matrix } = synthetic(900, 7, 3, missing, 11);
    const options = { model: 'gaussian' as const, covariances: ['full' as const], ks: [3], seeds: [1], maxIter: 25, criterion: 'bic' as const };
    const js = sweep(matrix, { ...options, kernel: 'js' });
    const split = await runSweep(matrix, { ...options, kernel: 'wasm', jobs: 2, minRowSplitWork: 0 });
    expect(split.threads).toBe(2);
    expect(js.fits[0].covariance).toBe('full');
    expect(split.fits).toEqual(js.fits);
    expect(js.fits[0].trace.length).toBeGreaterThan(5);
  });
});

test('the factorisation in WebAssembly (from d = 24) gives the TypeScript loop bit for bit, failures included', () => {
  let s = 12345;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  const differing: string[] = [];
  for (const d of [23, 24, 25, 31, 32, 33, 47, 64, 65]) {
    for (let rep = 0; rep < 6; rep++) {
      // A·Aᵀ + c·I at an offset in a longer array, its upper triangle not quite the lower one;
      // some nearly singular, one not positive definite.
      const b = Array.from({ length: d * d }, next);
      const o = 5;
      const a = new Float64Array(o + d * d + 3).fill(7);
      for (let i = 0; i < d; i++) for (let t = 0; t < d; t++) a[o + i * d + t] = b.slice(i * d, i * d + d).reduce((sum, v, c) => sum + v * b[t * d + c], 0) + (i === t ? [1e-10, 0.5, 2][rep % 3] : 0) + (i < t ? 1e-3 : 0);
      if (rep === 4) a[o + 7 * d + 7] = -1;
      const x = a.slice();
      const y = a.slice();
      const ok = [choleskyInPlace(x, o, d), choleskyLoop(y, o, d)];
      if (ok[0] !== ok[1] || bytes(x) !== bytes(y)) differing.push(`d=${d} rep=${rep}`);
    }
  }
  expect(differing).toEqual([]);
});

describe('the WebAssembly full kernel and its memory', () => {
  test('by default the full family runs the WebAssembly kernel; --kernel js the TypeScript one', () => {
    const { matrix, start } = synthetic(50, 3, 2, 0, 1);
    expect(run(matrix, start, undefined as unknown as KernelName, 2).kernel).toBe('wasm');
    expect(run(matrix, start, 'js', 2).kernel).toBe('js');
  });

  test('the memory is grown once, when the kernel is made: no iteration grows it', () => {
    const { matrix, start } = synthetic(2000, 24, 6, 0.02, 5);
    const state = new FullState(prepareData(matrix), start, { minVar: 0.01, regCovar: 1e-3, kernel: 'wasm' });
    const memory = instance().memory;
    const before = memory.buffer;
    for (let t = 0; t < 4; t++) {
      state.expectation();
      state.maximization();
    }
    expect(memory.buffer).toBe(before); // growing replaces the buffer
  });

  test('a kernel made and run directly, without passes, copies its parameters for every chunk', () => {
    // wasm-full.ts copies a chunk's factors only when the runner says passes begin; run
    // chunk by chunk without that, after changing the parameters, it must still see them.
    const { matrix, start } = synthetic(200, 4, 2, 0, 3);
    const data = prepareData(matrix);
    let captured: { layout: Parameters<RunnerFactory>[1]; job: Parameters<RunnerFactory>[2] } | null = null;
    const state = new FullState(data, start, { minVar: 0, regCovar: 1e-3, kernel: 'wasm' }, (d, layout, job, factory, requested) => {
      captured = { layout, job };
      return localRunner(d, layout, job, factory, requested);
    });
    state.expectation();
    const { layout, job } = captured!;
    const buffers = job.buffers as { factor: Float64Array; rowLogLikelihood: Float64Array };
    const wasm = fullKernel('wasm', data, layout, job);
    const js = fullKernel('js', data, layout, job);
    const both = () => {
      const out: string[] = [];
      for (const kernel of [wasm, js]) {
        for (let c = 0; c < layout.chunks; c++) kernel.run(c, 0);
        out.push(bytes(buffers.rowLogLikelihood));
      }
      return out;
    };
    const [a, b] = both();
    expect(a).toBe(b);
    for (let t = 0; t < buffers.factor.length; t++) buffers.factor[t] *= 1.5; // another factor, same pass as far as run() knows
    const [c, e] = both();
    expect(c).toBe(e);
    expect(c).not.toBe(a);
  });
});
