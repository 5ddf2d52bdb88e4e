import { float64Arrays } from '../data';
import type { SparseData } from '../sparse';
import { shiftedExpSum } from './exp';
import { statsLayout, type ChunkLayout, type FitData, type KernelFactory } from './layout';
import { WasmSparseDiagKernel, WasmSparseSphericalKernel, wasmOrJs } from './wasm';

/**
 * The E-steps of sparse rating rows, with the sums their M-steps need, in O(nnz·K):
 * for user u with rated items C_u, only its ratings are read. The parameters are
 * held item-major (d×K: component j of item i at i·K + j), so one rating reads one
 * contiguous run of K numbers.
 *
 * These TypeScript kernels are the reference; the WebAssembly SIMD ones
 * (assembly/estep.ts, run by wasm.ts WasmSparseSphericalKernel and
 * WasmSparseDiagKernel, the default where available) compute the same bits, each
 * component's sums added in the same order (test/models/sparse-kernels.test.ts).
 *
 * The users are cut into chunks of about equal numbers of ratings; the cut depends on
 * the data only, and the chunk sums are added in chunk order, so any number of threads
 * gives the same bits.
 */

/** A sparse fit's chunks: the common layout, with the first user of each chunk. */
export interface SparseLayout extends ChunkLayout {
  /** Chunk c holds users chunkStart[c] ≤ u < chunkStart[c + 1]. */
  readonly chunkStart: Int32Array;
}

/** At most this many chunks: each holds a K×d block of sums, which for the Netflix Prize is 213,240 numbers. */
const MAX_SPARSE_CHUNKS = 16;
const MIN_CHUNK_RATINGS = 4096;

export function sparseLayout(data: SparseData, k: number, statsSize: number): SparseLayout {
  const { n, d, nnz, rowStart } = data;
  const chunks = Math.max(1, Math.min(MAX_SPARSE_CHUNKS, Math.floor(nnz / MIN_CHUNK_RATINGS), n));
  const chunkStart = new Int32Array(chunks + 1);
  let c = 1;
  for (let u = 0; u < n && c < chunks; u++) if (rowStart[u + 1] >= (c * nnz) / chunks) chunkStart[c++] = u + 1;
  for (; c <= chunks; c++) chunkStart[c] = n;
  let largest = 0;
  for (let t = 0; t < chunks; t++) largest = Math.max(largest, chunkStart[t + 1] - chunkStart[t]);
  return { n, d, k, chunkRows: largest, chunks, statsSize, chunkStart };
}

/** Per chunk, spherical: [LL, n̂ (K), Σw‖x_C‖² (K), Σw|C| (K), Σw·x (d×K), Σw·δ (d×K)]. */
export function sparseSphericalStats(k: number, d: number) {
  return statsLayout([
    ['ll', 1],
    ['nHat', k],
    ['rowSq', k],
    ['observed', k],
    ['sumX', d * k],
    ['weight', d * k],
  ] as const);
}

/** Per chunk, diag: [LL, n̂ (K), Σw·x (d×K), Σw·x² (d×K), Σw·δ (d×K)]. */
export function sparseDiagStats(k: number, d: number) {
  return statsLayout([
    ['ll', 1],
    ['nHat', k],
    ['sumX', d * k],
    ['sumXX', d * k],
    ['weight', d * k],
  ] as const);
}

/** What a sparse kernel reads (the parameters as the E-step wants them) and writes (chunk sums, the posterior when kept). */
export interface SparseBuffers {
  /** K: ln(p_j + 1e-16). Spherical: ½ln(2π·var_j) and 1/(2·var_j); diag: unused. */
  readonly logWeight: Float64Array;
  readonly halfLogNorm: Float64Array;
  readonly invTwoVar: Float64Array;
  /** d×K item-major. Spherical: mu in `a` (the kernels square it themselves; `b` is unused). Diag: mu/var, 1/var, mu²/var, ln(2π·var). */
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly c: Float64Array;
  readonly e: Float64Array;
  readonly stats: Float64Array;
  readonly posterior: Float64Array | null;
  readonly rowLogLikelihood: Float64Array | null;
}

export function sparseBuffers(layout: SparseLayout, diag: boolean, shared: boolean, keepPosterior: boolean): SparseBuffers {
  const f64 = float64Arrays(shared);
  const { n, d, k } = layout;
  return {
    logWeight: f64(k),
    halfLogNorm: f64(k),
    invTwoVar: f64(k),
    a: f64(d * k),
    b: f64(d * k),
    c: f64(diag ? d * k : 0),
    e: f64(diag ? d * k : 0),
    stats: f64(layout.chunks * layout.statsSize),
    posterior: keepPosterior ? f64(n * k) : null,
    rowLogLikelihood: keepPosterior ? f64(n) : null,
  };
}

/** Per-thread scratch: one user's K terms and sums. */
interface Scratch {
  readonly terms: Float64Array;
  readonly dot: Float64Array;
  readonly squares: Float64Array;
  readonly post: Float64Array;
}

function scratch(k: number): Scratch {
  return { terms: new Float64Array(k), dot: new Float64Array(k), squares: new Float64Array(k), post: new Float64Array(k) };
}

/**
 * Spherical: f(u,j) = ln(p_j + 1e-16) − |C_u|/2·ln(2π·var_j) − ‖x_C − mu_{j,C}‖²/(2·var_j), with
 * ‖x_C − mu_{j,C}‖² = ‖x_C‖² − 2·Σ_{i∈C} x_i·mu_ji + Σ_{i∈C} mu_ji². The squares are taken here,
 * mu·mu, from the one d×K block of means (`b`, which the state fills with the same mu², is not
 * read: one block fewer to fetch per rating).
 */
export function sparseSphericalChunk(data: SparseData, layout: SparseLayout, b: SparseBuffers, chunk: number, s: Scratch, at: ReturnType<typeof sparseSphericalStats>): void {
  const { rowStart, items, x, rowSquares, rowObserved } = data;
  const { k, statsSize } = layout;
  const { stats, logWeight, halfLogNorm, invTwoVar, a: mu } = b;
  const { terms, dot, squares, post } = s;
  const o = chunk * statsSize;
  stats.fill(0, o, o + statsSize);
  const nHat = o + at.nHat;
  const rowSq = o + at.rowSq;
  const observedSum = o + at.observed;
  const sumX = o + at.sumX;
  const weight = o + at.weight;
  let logLikelihood = 0;
  for (let u = layout.chunkStart[chunk], end = layout.chunkStart[chunk + 1]; u < end; u++) {
    dot.fill(0);
    squares.fill(0);
    const first = rowStart[u];
    const last = rowStart[u + 1];
    for (let t = first; t < last; t++) {
      const v = x[t];
      const base = items[t] * k;
      for (let j = 0; j < k; j++) {
        const m = mu[base + j];
        dot[j] += v * m;
        squares[j] += m * m;
      }
    }
    const sq = rowSquares[u];
    const observed = rowObserved[u];
    let max = -Infinity;
    for (let j = 0; j < k; j++) {
      let dist = sq - 2 * dot[j] + squares[j];
      if (dist < 0) dist = 0; // rounding only: a squared distance is never negative
      const f = logWeight[j] - observed * halfLogNorm[j] - dist * invTwoVar[j];
      terms[j] = f;
      if (f > max) max = f;
    }
    const rowLL = finishRow(u, k, terms, max, post, b);
    logLikelihood += rowLL;
    for (let j = 0; j < k; j++) {
      const w = post[j];
      stats[nHat + j] += w;
      stats[rowSq + j] += w * sq;
      stats[observedSum + j] += w * observed;
    }
    for (let t = first; t < last; t++) {
      const v = x[t];
      const base = items[t] * k;
      for (let j = 0; j < k; j++) {
        stats[sumX + base + j] += post[j] * v;
        stats[weight + base + j] += post[j];
      }
    }
  }
  stats[o + at.ll] = logLikelihood;
}

/**
 * Diag: f(u,j) = ln(p_j + 1e-16) − ½Σ_{i∈C}[ln(2π·var_ji) + (x_i − mu_ji)²/var_ji], with
 * (x − mu)²/var = x²·(1/var) − 2x·(mu/var) + mu²/var, each a sum over the user's ratings.
 */
export function sparseDiagChunk(data: SparseData, layout: SparseLayout, b: SparseBuffers, chunk: number, s: Scratch, at: ReturnType<typeof sparseDiagStats>): void {
  const { rowStart, items, x } = data;
  const { k, statsSize } = layout;
  const { stats, logWeight, a: scaledMu, b: precision, c: muTerm, e: logNorm } = b;
  const { terms, dot, squares, post } = s;
  const o = chunk * statsSize;
  stats.fill(0, o, o + statsSize);
  const nHat = o + at.nHat;
  const sumX = o + at.sumX;
  const sumXX = o + at.sumXX;
  const weight = o + at.weight;
  let logLikelihood = 0;
  for (let u = layout.chunkStart[chunk], end = layout.chunkStart[chunk + 1]; u < end; u++) {
    // terms: Σ (x²/var + mu²/var + ln 2πvar); dot: Σ x·mu/var.
    terms.fill(0);
    dot.fill(0);
    const first = rowStart[u];
    const last = rowStart[u + 1];
    for (let t = first; t < last; t++) {
      const v = x[t];
      const base = items[t] * k;
      for (let j = 0; j < k; j++) {
        terms[j] += v * v * precision[base + j] + muTerm[base + j] + logNorm[base + j];
        dot[j] += v * scaledMu[base + j];
      }
    }
    let max = -Infinity;
    for (let j = 0; j < k; j++) {
      const f = logWeight[j] - 0.5 * (terms[j] - 2 * dot[j]);
      squares[j] = f;
      if (f > max) max = f;
    }
    logLikelihood += finishRow(u, k, squares, max, post, b);
    for (let j = 0; j < k; j++) stats[nHat + j] += post[j];
    for (let t = first; t < last; t++) {
      const v = x[t];
      const base = items[t] * k;
      for (let j = 0; j < k; j++) {
        const w = post[j];
        stats[sumX + base + j] += w * v;
        stats[sumXX + base + j] += w * v * v;
        stats[weight + base + j] += w;
      }
    }
  }
  stats[o + at.ll] = logLikelihood;
}

/** A user's max-shifted log-sum-exp over its K terms: its posterior into `post` (and the kept posterior), its log-likelihood returned. */
function finishRow(u: number, k: number, terms: Float64Array, max: number, post: Float64Array, b: SparseBuffers): number {
  const sum = shiftedExpSum(terms, 0, k, max);
  const rowLL = max + Math.log(sum);
  const inverse = 1 / sum;
  for (let j = 0; j < k; j++) post[j] = terms[j] * inverse;
  if (b.posterior) b.posterior.set(post, u * k);
  if (b.rowLogLikelihood) b.rowLogLikelihood[u] = rowLL;
  return rowLL;
}

function sparseData(data: FitData): SparseData {
  if (data.kind !== 'sparse') throw new Error('internal: a sparse kernel was given a dense matrix');
  return data;
}

/** The sparse spherical kernel for a job: the WebAssembly one (assembly/estep.ts, the same bits) unless told otherwise or it cannot be had, else this TypeScript one. */
export const sparseSphericalKernel: KernelFactory = (requested, data, fitLayout, job) => {
  const layout = fitLayout as SparseLayout;
  const at = sparseSphericalStats(layout.k, layout.d);
  const buffers = job.buffers as SparseBuffers;
  const rows = sparseData(data);
  return wasmOrJs(
    requested,
    () => new WasmSparseSphericalKernel(rows, layout, buffers, at),
    () => {
      const s = scratch(layout.k);
      return (chunk) => sparseSphericalChunk(rows, layout, buffers, chunk, s, at);
    },
  );
};

/** The sparse diag kernel for a job: the WebAssembly one unless told otherwise or it cannot be had, else this TypeScript one. */
export const sparseDiagKernel: KernelFactory = (requested, data, fitLayout, job) => {
  const layout = fitLayout as SparseLayout;
  const at = sparseDiagStats(layout.k, layout.d);
  const buffers = job.buffers as SparseBuffers;
  const rows = sparseData(data);
  return wasmOrJs(
    requested,
    () => new WasmSparseDiagKernel(rows, layout, buffers, at),
    () => {
      const s = scratch(layout.k);
      return (chunk) => sparseDiagChunk(rows, layout, buffers, chunk, s, at);
    },
  );
};
