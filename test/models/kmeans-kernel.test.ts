/**
 * The WebAssembly SIMD k-means kernel (assembly/kmeans.ts, built into dist/wasm) must give
 * exactly the bits of the TypeScript kernel (src/models/kernels/kmeans.ts): every E-step's
 * cost, every label, and the means, weights and variances after every M-step, over many
 * shapes (d = 1..70, K = 1..20, n from 1 row to many chunks, not a multiple of the E-step's
 * block of rows nor of 4), on data with ties and duplicate rows. Numbers are compared with
 * Object.is (toBe / toEqual on plain arrays), labels byte for byte.
 */
import { fromRows } from '../../src/core/matrix';
import { prepareData } from '../../src/models/data';
import { KMeansState } from '../../src/models/kmeans';
import { kmeansLayout, KMEANS_BLOCK_ROWS } from '../../src/models/kernels/kmeans';
import type { KernelName } from '../../src/models/kernels/layout';
import { wasmKernelAvailable } from '../../src/models/kernels/wasm';
import type { Mixture } from '../../src/models/mixture';
import { mixtureOf, varOf } from '../helpers/mixture';

/** A deterministic generator in [0, 1). */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

type Kind = 'blobs' | 'integers' | 'duplicates';

/** n rows of d columns: loose blobs, small integers (many exact ties), or a few distinct rows repeated. */
function table(n: number, d: number, kind: Kind, seed: number): number[][] {
  const next = generator(seed);
  const centres = Array.from({ length: 5 }, () => Array.from({ length: d }, () => (next() - 0.5) * 8));
  const distinct = Array.from({ length: 3 }, () => Array.from({ length: d }, () => Math.floor(next() * 3)));
  return Array.from({ length: n }, () => {
    if (kind === 'integers') return Array.from({ length: d }, () => Math.floor(next() * 3));
    if (kind === 'duplicates') return distinct[Math.floor(next() * distinct.length)].slice();
    const c = centres[Math.floor(next() * centres.length)];
    return c.map((v) => v + (next() - 0.5) * 3);
  });
}

/** K means taken from rows (repeats allowed, so two means may start on one point), p = 1/K, variances 1..K. */
function startFrom(rows: number[][], k: number, seed: number): Mixture {
  const next = generator(seed + 17);
  const d = rows[0].length;
  const mu = new Float64Array(k * d);
  for (let j = 0; j < k; j++) mu.set(rows[Math.floor(next() * rows.length)], j * d);
  return mixtureOf({ k, d, mu, p: new Float64Array(k).fill(1 / k), covariance: 'spherical', var: Float64Array.from({ length: k }, (_, j) => j + 1) });
}

interface Run {
  readonly costs: number[];
  readonly labels: string[];
  readonly mixtures: { mu: number[]; p: number[]; variances: number[] }[];
}

const plain = (m: Mixture) => ({ mu: Array.from(m.mu), p: Array.from(m.p), variances: Array.from(varOf(m)) });

/** E- and M-steps in turn; the mixture read after every M-step (readEachStep) or only at the end. */
function run(rows: number[][], start: Mixture, kernel: KernelName, iterations: number, readEachStep: boolean): Run {
  const state = new KMeansState(prepareData(fromRows(rows)), start, { kernel });
  const out: Run = { costs: [], labels: [], mixtures: [] };
  for (let t = 0; t < iterations; t++) {
    out.costs.push(state.expectation());
    out.labels.push(Buffer.from(state.label.buffer, state.label.byteOffset, state.label.byteLength).toString('hex'));
    state.maximization();
    if (readEachStep || t === iterations - 1) out.mixtures.push(plain(state.mixture()));
  }
  return out;
}

const available = wasmKernelAvailable();
const maybe = available ? describe : describe.skip;

test('the WebAssembly kernel is built (npm run build), so the comparisons below run', () => {
  expect(available).toBe(true);
});

maybe('the WebAssembly k-means kernel gives the TypeScript kernel’s bits', () => {
  const ds = [1, 2, 3, 4, 5, 7, 10, 16, 33, 70];
  const ks = [1, 2, 3, 4, 5, 8, 13, 20];
  const ns = [1, 3, 5, 22, 63, 257, 700, 1029];
  const kinds: Kind[] = ['blobs', 'integers', 'duplicates'];
  const cases: [number, number, number, Kind][] = [];
  let c = 0;
  for (const d of ds) {
    for (let t = 0; t < 5; t++, c++) cases.push([ns[(c * 3 + t) % ns.length], d, ks[(c * 5 + t) % ks.length], kinds[c % kinds.length]]);
  }

  test.each(cases)('n = %i, d = %i, K = %i, %s', (n, d, k, kind) => {
    const rows = table(n, d, kind, n * 131 + d * 7 + k);
    const start = startFrom(rows, k, n + d + k);
    const iterations = n > 500 ? 6 : 10;
    const readEachStep = (n + d + k) % 2 === 0;
    const wasm = run(rows, start, 'wasm', iterations, readEachStep);
    const js = run(rows, start, 'js', iterations, readEachStep);
    expect(wasm.costs).toEqual(js.costs);
    expect(wasm.labels).toEqual(js.labels);
    expect(wasm.mixtures).toEqual(js.mixtures);
    expect(wasm.costs.every(Number.isFinite)).toBe(true);
  });

  test('the shapes include several chunks, and blocks of the E-step cut short', () => {
    expect(kmeansLayout({ n: 1029, d: 3 }, 4).chunks).toBeGreaterThan(1);
    expect(kmeansLayout({ n: 700, d: 3 }, 4).chunkRows % KMEANS_BLOCK_ROWS).not.toBe(0);
    expect(257 % KMEANS_BLOCK_ROWS).not.toBe(0);
  });

  test('rows halfway between two means (exact ties) go to the lower index in both kernels', () => {
    const rows = [
      [0, 0],
      [2, 0],
      [1, 0],
      [1, 0],
      [1, 5],
      [1, -5],
    ];
    const start = mixtureOf({ k: 2, d: 2, mu: Float64Array.from([0, 0, 2, 0]), p: Float64Array.from([0.5, 0.5]), covariance: 'spherical', var: Float64Array.from([1, 1]) });
    const wasm = run(rows, start, 'wasm', 1, true);
    const js = run(rows, start, 'js', 1, true);
    expect(wasm).toEqual(js);
    // Rows 3..6 are at the same distance from both means: cluster 0, the lower index.
    expect(Array.from(new Int32Array(Uint8Array.from(Buffer.from(wasm.labels[0], 'hex')).buffer))).toEqual([0, 1, 0, 0, 0, 0]);
  });
});
