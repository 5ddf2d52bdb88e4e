import { float64Arrays, type PreparedData } from './data';
import { addWeightedRows, rowDots } from './kernels';
import { shiftedExpSum } from './exp';

/**
 * The spherical E-step on one chunk of rows, in TypeScript: the reference that
 * the WebAssembly kernel (assembly/estep.ts, run by wasm-kernel.ts) matches
 * bit for bit, and the kernel used wherever WebAssembly SIMD is not available.
 */

/**
 * How the rows are cut into chunks. Each chunk sums its own statistics, and the
 * chunk sums are added in chunk order, so the result does not depend on which
 * thread did which chunk: one thread or several give the same bits. The cut
 * depends only on n.
 */
export interface ChunkLayout {
  readonly n: number;
  readonly d: number;
  readonly k: number;
  readonly chunkRows: number;
  readonly chunks: number;
  /** Per chunk: [LL, n̂ (K), Σw‖x_C‖² (K), Σw|C| (K), Σw·x (K×d), Σw·δ(i∈C) (K×d, with missing cells)]. */
  readonly statsSize: number;
}

/** At most this many chunks, so the per-chunk statistics stay small next to the data. */
const MAX_CHUNKS = 64;
const MIN_CHUNK_ROWS = 64;

export function chunkLayout(data: PreparedData, k: number): ChunkLayout {
  const { n, d } = data;
  const chunkRows = Math.max(MIN_CHUNK_ROWS, Math.ceil(n / MAX_CHUNKS / 4) * 4);
  const chunks = Math.max(1, Math.ceil(n / chunkRows));
  const statsSize = 1 + 3 * k + k * d + (data.observed ? k * d : 0);
  return { n, d, k, chunkRows, chunks, statsSize };
}

/** Where each statistic starts within a chunk's block (see ChunkLayout.statsSize). */
export const STAT_LL = 0;
export const statNHat = (k: number) => 1;
export const statRowSq = (k: number) => 1 + k;
export const statObserved = (k: number) => 1 + 2 * k;
export const statSumX = (k: number) => 1 + 3 * k;
export const statObservedWeight = (k: number, d: number) => 1 + 3 * k + k * d;

/**
 * Everything the chunk kernel reads and writes: the parameters (means centred,
 * K×d), what the E-step derives from them, each chunk's statistics and, when
 * asked for, the whole posterior (otherwise each thread keeps only its current
 * chunk's). Plain arrays in one thread; SharedArrayBuffers when rows are split
 * across worker threads.
 */
export interface SphericalBuffers {
  readonly mu: Float64Array;
  readonly variance: Float64Array;
  readonly weight: Float64Array;
  readonly logWeight: Float64Array;
  readonly halfLogNorm: Float64Array;
  readonly invTwoVar: Float64Array;
  readonly muNorm: Float64Array;
  /** d×K: mu², transposed for the missing-cell sums. */
  readonly muSquaredT: Float64Array;
  readonly stats: Float64Array;
  readonly posterior: Float64Array | null;
  /** Each row's log-likelihood, kept with the posterior. */
  readonly rowLogLikelihood: Float64Array | null;
}

export function allocateBuffers(layout: ChunkLayout, shared: boolean, keepPosterior: boolean): SphericalBuffers {
  const f64 = float64Arrays(shared);
  const { n, d, k } = layout;
  return {
    mu: f64(k * d),
    variance: f64(k),
    weight: f64(k),
    logWeight: f64(k),
    halfLogNorm: f64(k),
    invTwoVar: f64(k),
    muNorm: f64(k),
    muSquaredT: f64(d * k),
    stats: f64(layout.chunks * layout.statsSize),
    posterior: keepPosterior ? f64(n * k) : null,
    rowLogLikelihood: keepPosterior ? f64(n) : null,
  };
}

/** Per-thread scratch for the chunk kernel, with room for one chunk's posterior and mask. */
export interface ChunkScratch {
  readonly missingNorm: Float64Array;
  readonly logTerm: Float64Array;
  readonly posterior: Float64Array;
  /** The chunk's mask as 0/1 doubles (with missing cells only). */
  readonly mask: Float64Array;
}

export function chunkScratch(layout: ChunkLayout, hasMissing: boolean): ChunkScratch {
  const { k, d, chunkRows } = layout;
  return {
    missingNorm: new Float64Array(k),
    logTerm: new Float64Array(k),
    posterior: new Float64Array(chunkRows * k),
    mask: new Float64Array(hasMissing ? chunkRows * d : 0),
  };
}

/**
 * The E-step for one chunk of rows, with the sums its M-step needs:
 * f(u,j) = ln(p_j + 1e-16) − |C_u|/2·ln(2π·var_j) − ‖x_C − mu_{j,C}‖² / (2·var_j),
 * with ‖x_C − mu_{j,C}‖² = ‖x_C‖² − 2·x·mu_j + (‖mu_j‖² − Σ_{i∉C} mu_{j,i}²): missing
 * cells are 0 in x, so x·mu_j is a dense product over all columns.
 */
export function expectationChunk(data: PreparedData, layout: ChunkLayout, b: SphericalBuffers, chunk: number, scratch: ChunkScratch): void {
  const { d, x, rowSquares, rowObserved, observed: mask, missingStart, missingIndex } = data;
  const { k, statsSize } = layout;
  const from = chunk * layout.chunkRows;
  const to = Math.min(layout.n, from + layout.chunkRows);
  const { stats, logWeight, halfLogNorm, invTwoVar, muNorm, muSquaredT } = b;
  const { missingNorm, logTerm } = scratch; // missingNorm stays 0 on complete data
  // The whole posterior when it is kept, else this chunk's rows in scratch (row u at u − base).
  const posterior = b.posterior ?? scratch.posterior;
  const base = b.posterior ? 0 : from;
  const s = chunk * statsSize;
  stats.fill(0, s, s + statsSize);
  const nHat = s + statNHat(k);
  const rowSq = s + statRowSq(k);
  const observedSum = s + statObserved(k);

  // x_u·mu_j goes into the posterior buffer, which each row then overwrites.
  rowDots(x, from, to, d, b.mu, k, posterior, base);
  let logLikelihood = 0;
  for (let u = from; u < to; u++) {
    const out = (u - base) * k;
    const observed = rowObserved[u];
    const sq = rowSquares[u];
    if (missingStart && missingIndex) {
      for (let j = 0; j < k; j++) missingNorm[j] = 0;
      for (let t = missingStart[u], end = missingStart[u + 1]; t < end; t++) {
        const base = missingIndex[t] * k;
        for (let j = 0; j < k; j++) missingNorm[j] += muSquaredT[base + j];
      }
    }
    let max = -Infinity;
    for (let j = 0; j < k; j++) {
      let dist = sq - 2 * posterior[out + j] + (muNorm[j] - missingNorm[j]);
      if (dist < 0) dist = 0; // rounding only: a squared distance is never negative
      const f = logWeight[j] - observed * halfLogNorm[j] - dist * invTwoVar[j];
      logTerm[j] = f;
      if (f > max) max = f;
    }
    // Max-shifted log-sum-exp; each posterior is its shifted exponential over the sum.
    const sum = shiftedExpSum(logTerm, 0, k, max);
    const rowLogLikelihood = max + Math.log(sum);
    logLikelihood += rowLogLikelihood;
    if (b.rowLogLikelihood) b.rowLogLikelihood[u] = rowLogLikelihood;
    const inverse = 1 / sum;
    for (let j = 0; j < k; j++) {
      const w = logTerm[j] * inverse;
      posterior[out + j] = w;
      stats[nHat + j] += w;
      stats[rowSq + j] += w * sq;
      stats[observedSum + j] += w * observed;
    }
  }
  stats[s + STAT_LL] = logLikelihood;
  addWeightedRows(x, 0, posterior, base, from, to, d, k, stats, s + statSumX(k));
  if (mask) {
    // Each mean coordinate's weight, Σ_u post·δ(i∈C_u), summed directly (not as n̂ less
    // the missing cells' weight) so that the course's "≥ 1" test sees exact sums: a
    // coordinate seen by one row with posterior 1 has weight exactly 1.
    const m = scratch.mask;
    for (let c = from * d, end = to * d, t = 0; c < end; c++, t++) m[t] = mask[c];
    addWeightedRows(m, from, posterior, base, from, to, d, k, stats, s + statObservedWeight(k, d));
  }
}

/** Runs the chunk kernel over every chunk: in this thread, or spread over workers. */
export interface ChunkRunner {
  /** Every chunk, for this phase of the iteration (full fits have two; the others one, phase 0). */
  runAll(phase?: number): void;
}

