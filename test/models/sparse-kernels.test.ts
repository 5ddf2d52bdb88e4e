import { prepareSparse, type SparseData } from '../../src/models/sparse';
import { sparseRandomInit } from '../../src/models/start';
import { SparseSphericalState } from '../../src/models/families/sparse-spherical-state';
import { SparseDiagState } from '../../src/models/families/sparse-diag-state';
import { sparseDiagKernel, sparseSphericalKernel, sparseBuffers, sparseLayout, sparseSphericalStats, sparseDiagStats } from '../../src/models/kernels/sparse';
import type { KernelName } from '../../src/models/kernels/layout';
import { setSparseTuning, wasmKernelAvailable, type SparseTuning } from '../../src/models/kernels/wasm';
import type { Mixture } from '../../src/models/mixture';
import { runSweep } from '../../src/fit/run';
import { mixtureOf } from '../helpers/mixture';

// The WebAssembly SIMD kernels of the sparse families (assembly/estep.ts
// sparseSphericalExpectation, sparseDiagExpectation) must compute exactly the bits
// of the TypeScript ones (src/models/kernels/sparse.ts): every chunk's statistics
// (its log-likelihood among them), the posterior and each user's log-likelihood,
// whichever way the WebAssembly kernel runs a chunk (in one call or in parts,
// its blocks interleaved or not: SparseTuning). Compared byte for byte, so even 0
// and −0 would differ.

const bytes = (a: Float64Array | null) => (a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex') : null);

type Family = 'spherical' | 'diag';

interface Shape {
  readonly users: number;
  readonly items: number;
  /** Mean ratings per user. */
  readonly perUser: number;
  readonly seed: number;
}

/**
 * Deterministic random CSR rows: users with no rating, users with one, items that no
 * one rates (the last three), values a mix of integers and residual-like fractions;
 * each user's items in no particular order.
 */
function randomRows(shape: Shape): { data: SparseData; rows: { users: number; items: number; rowStart: Int32Array; itemIndex: Int32Array }; values: Float64Array } {
  let s = shape.seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const { users, items } = shape;
  const rated = items - 3;
  const rowStart = new Int32Array(users + 1);
  const itemIndex: number[] = [];
  const values: number[] = [];
  for (let u = 0; u < users; u++) {
    const kind = u % 11;
    const count = kind === 3 ? 0 : kind === 5 ? 1 : Math.min(rated, Math.floor(next() * 2 * shape.perUser) + 1);
    const seen = new Set<number>();
    while (seen.size < count) {
      // popular items more often
      const i = Math.floor(rated * next() ** 2);
      if (seen.has(i)) continue;
      seen.add(i);
      itemIndex.push(i);
      const group = (u % 3) - 1;
      values.push(u % 4 === 0 ? Math.round(1 + next() * 4) : group * 1.5 + (i % 5) * 0.3 + (next() - 0.5) * 2);
    }
    rowStart[u + 1] = itemIndex.length;
  }
  const rows = { users, items, rowStart, itemIndex: Int32Array.from(itemIndex) };
  const v = Float64Array.from(values);
  return { data: prepareSparse(rows, (t) => v[t]), rows, values: v };
}

function state(family: Family, data: SparseData, start: Mixture, kernel: KernelName, minVar: number, keepPosterior = true) {
  const options = { minVar, kernel, keepPosterior };
  return family === 'diag' ? new SparseDiagState(data, start, options) : new SparseSphericalState(data, start, options);
}

/** The same with the WebAssembly kernel run as `tuning` says (parts, interleaving), then as before. */
function tuned<T>(tuning: Partial<SparseTuning>, run: () => T): T {
  const previous = setSparseTuning(tuning);
  try {
    return run();
  } finally {
    setSparseTuning(previous);
  }
}

/** Every way of running the WebAssembly kernel's chunks: as chosen, always or never interleaved, in parts of a few users. */
const TUNINGS: Array<Partial<SparseTuning>> = [{}, { interleavePerItem: 0 }, { interleavePerItem: Infinity }, { partRatings: 40, partUsers: 6 }];

interface Trace {
  readonly lls: number[];
  readonly stats: string[];
  readonly posterior: Array<string | null>;
  readonly rowLL: Array<string | null>;
  readonly mixture: Mixture;
}

/** `iterations` E+M steps, with every E-step's outputs. */
function trace(family: Family, data: SparseData, start: Mixture, kernel: KernelName, iterations: number, minVar: number): Trace {
  const fit = state(family, data, start, kernel, minVar);
  const out: Trace = { lls: [], stats: [], posterior: [], rowLL: [], mixture: start };
  for (let t = 0; t < iterations; t++) {
    out.lls.push(fit.expectation());
    out.stats.push(bytes(fit.buffers.stats) as string);
    out.posterior.push(bytes(fit.posterior));
    out.rowLL.push(bytes(fit.rowLogLikelihood));
    fit.maximization();
  }
  return { ...out, mixture: fit.mixture() };
}

test('the WebAssembly kernel is built, and is the sparse families’ default', () => {
  expect(wasmKernelAvailable()).toBe(true);
  const { data } = randomRows({ users: 40, items: 20, perUser: 4, seed: 1 });
  for (const [factory, at] of [
    [sparseSphericalKernel, sparseSphericalStats(3, data.d)],
    [sparseDiagKernel, sparseDiagStats(3, data.d)],
  ] as const) {
    const layout = sparseLayout(data, 3, at.size);
    const job = { family: 'spherical', buffers: sparseBuffers(layout, factory === sparseDiagKernel, false, false) };
    expect(factory(undefined, data, layout, job).name).toBe('wasm');
    expect(factory('wasm', data, layout, job).name).toBe('wasm');
    expect(factory('js', data, layout, job).name).toBe('js');
  }
});

const SHAPES: Shape[] = [
  { users: 30, items: 12, perUser: 3, seed: 7 }, // one chunk, small K may exceed a user's ratings
  { users: 400, items: 90, perUser: 25, seed: 11 }, // a few chunks
  { users: 2500, items: 300, perUser: 40, seed: 13 }, // 16 chunks
];

describe.each(['spherical', 'diag'] as Family[])('%s: the WebAssembly kernel gives the TypeScript kernel bit for bit', (family) => {
  test.each([1, 2, 3, 7, 12])('K=%i: statistics, posterior and row log-likelihoods of every E-step', (k) => {
    const differing: string[] = [];
    for (const shape of SHAPES) {
      const { data } = randomRows(shape);
      expect(data.rowObserved.some((c) => c === 0) && data.rowObserved.some((c) => c === 1)).toBe(true);
      expect(data.columnCount.slice(-3)).toEqual(new Float64Array(3));
      for (const minVar of [0.25, 1e-3]) {
        const start = sparseRandomInit(data, k, shape.seed + k, { covariance: family }).mixture;
        const js = trace(family, data, start, 'js', 5, minVar);
        if (!js.lls.every(Number.isFinite)) differing.push(`users=${shape.users} minVar=${minVar}: LL not finite`);
        for (const tuning of TUNINGS) {
          const wasm = tuned(tuning, () => trace(family, data, start, 'wasm', 5, minVar));
          try {
            expect(wasm).toEqual(js); // every number exactly (Object.is), the buffers as bytes
          } catch {
            differing.push(`users=${shape.users} items=${shape.items} minVar=${minVar} ${JSON.stringify(tuning)}`);
          }
        }
      }
    }
    expect(differing).toEqual([]);
  });

  test('terms far below the largest (e^x for x < −700, through Math.exp) and posteriors that underflow to 0', () => {
    // Two far-apart groups of users and tight variances: the far component's shifted
    // term is about −(40²·|C|)/(2·0.01), beyond the table's range.
    const users = 50;
    const items = 6;
    const rowStart = Int32Array.from({ length: users + 1 }, (_, u) => u * 3);
    const itemIndex = Int32Array.from({ length: users * 3 }, (_, t) => (Math.floor(t / 3) + t) % items);
    const values = Float64Array.from({ length: users * 3 }, (_, t) => (Math.floor(t / 3) % 2 === 0 ? 0.01 * t : 40 + 0.01 * t));
    const data = prepareSparse({ users, items, rowStart, itemIndex }, (t) => values[t]);
    const k = 3;
    const start = mixtureOf({
      k,
      d: items,
      covariance: family,
      mu: Float64Array.from({ length: k * items }, (_, c) => [0, 40, 20][Math.floor(c / items)]),
      var: Float64Array.from({ length: family === 'diag' ? k * items : k }, () => 0.01),
      p: [0.4, 0.4, 0.2],
    });
    const js = trace(family, data, start, 'js', 6, 1e-4);
    const wasm = tuned({ interleavePerItem: 0 }, () => trace(family, data, start, 'wasm', 6, 1e-4));
    const check = state(family, data, start, 'js', 1e-4);
    check.expectation();
    check.maximization();
    check.expectation();
    expect(check.posterior?.some((p) => p === 0)).toBe(true);
    expect(wasm).toEqual(js);
  });

  test('chunks run in many small parts, the sums going on from part to part (K=5, 7)', () => {
    // Parts of at most 40 ratings and 6 users: most chunks are many calls, some parts
    // one user with more ratings than that, some only users with no rating.
    const { data } = randomRows({ users: 700, items: 60, perUser: 18, seed: 21 });
    for (const k of [5, 7]) {
      const start = sparseRandomInit(data, k, k, { covariance: family }).mixture;
      const js = trace(family, data, start, 'js', 4, 0.25);
      for (const interleavePerItem of [0, Infinity]) expect(tuned({ partRatings: 40, partUsers: 6, interleavePerItem }, () => trace(family, data, start, 'wasm', 4, 0.25))).toEqual(js);
    }
  });

  test('chunks with no users (the last user holds most ratings, so the cut leaves the last chunks empty)', () => {
    const users = 120;
    const items = 9000;
    const counts = Array.from({ length: users }, (_, u) => (u === users - 1 ? 8500 : 1 + (u % 9)));
    const rowStart = new Int32Array(users + 1);
    counts.forEach((c, u) => (rowStart[u + 1] = rowStart[u] + c));
    const itemIndex = new Int32Array(rowStart[users]);
    for (let u = 0; u < users; u++) for (let t = rowStart[u]; t < rowStart[u + 1]; t++) itemIndex[t] = (t - rowStart[u]) * 2 + (u % 2);
    const values = Float64Array.from(itemIndex, (i, t) => ((i * 13 + t) % 9) / 2 - 2);
    const data = prepareSparse({ users, items: items * 2, rowStart, itemIndex }, (t) => values[t]);
    const start = sparseRandomInit(data, 3, 4, { covariance: family }).mixture;
    const fit = state(family, data, start, 'js', 0.25);
    const { chunkStart, chunks } = fit.layout;
    expect(chunks).toBeGreaterThan(1);
    expect(chunkStart[chunks - 1]).toBe(chunkStart[chunks]); // an empty chunk
    const js = trace(family, data, start, 'js', 3, 0.25);
    for (const tuning of TUNINGS) expect(tuned(tuning, () => trace(family, data, start, 'wasm', 3, 0.25))).toEqual(js);
  });

  test('a 20-iteration fit: every log-likelihood the same', () => {
    const { data } = randomRows({ users: 1200, items: 150, perUser: 30, seed: 5 });
    const start = sparseRandomInit(data, 7, 3, { covariance: family }).mixture;
    const js = state(family, data, start, 'js', 0.25, false);
    const wasm = state(family, data, start, 'wasm', 0.25, false);
    for (let t = 0; t < 20; t++) {
      const a = js.expectation();
      expect(Number.isFinite(a)).toBe(true);
      expect(wasm.expectation()).toBe(a);
      js.maximization();
      wasm.maximization();
    }
    expect(wasm.mixture()).toEqual(js.mixture());
  });
});

test('row split over two worker threads: the WebAssembly kernel gives the TypeScript kernel’s fits', async () => {
  const { rows, values } = randomRows({ users: 1500, items: 120, perUser: 30, seed: 9 });
  const input = { kind: 'sparse' as const, rows, values };
  for (const family of ['spherical', 'diag'] as Family[]) {
    const options = { model: 'gaussian' as const, ks: [5], seeds: [2], covariances: [family], maxIter: 15, minVar: 0.25, criterion: 'bic' as const, jobs: 2, minRowSplitWork: 0 };
    const wasm = await runSweep(input, { ...options, kernel: 'wasm' });
    const js = await runSweep(input, { ...options, kernel: 'js' });
    expect([wasm.plan.executor, wasm.threads]).toEqual(['rows', 2]);
    expect(wasm.fits.map((f) => f.error)).toEqual([undefined]);
    expect(wasm.fits).toEqual(js.fits);
  }
});
