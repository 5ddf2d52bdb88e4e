import { float64Arrays, type PreparedData } from '../data';
import { addWeightedRows, rowDots } from './products';
import { shiftedExpSum } from './exp';
import { chunkLayout, denseData, statsLayout, type ChunkLayout, type KernelFactory } from './layout';
import { WasmSphericalKernel, wasmOrJs } from './wasm';

/**
 * The spherical E-step on one chunk of rows, in TypeScript: the reference that
 * the WebAssembly kernel (assembly/estep.ts, run by wasm.ts) matches
 * bit for bit, and the kernel used wherever WebAssembly SIMD is not available.
 */

/** Per chunk: [LL, n̂ (K), Σw‖x_C‖² (K), Σw|C| (K), Σw·x (K×d), Σw·δ(i∈C) (K×d, with missing cells)]. */
export function sphericalStats(k: number, d: number, hasMissing: boolean) {
  return statsLayout([
    ['ll', 1],
    ['nHat', k],
    ['rowSq', k],
    ['observed', k],
    ['sumX', k * d],
    ['observedWeight', hasMissing ? k * d : 0],
  ] as const);
}
export type SphericalStats = ReturnType<typeof sphericalStats>;

/** The spherical family's chunks: the common cut, with its statistics block. */
export function sphericalLayout(data: PreparedData, k: number): ChunkLayout {
  return chunkLayout(data, k, sphericalStats(k, data.d, data.observed !== null).size);
}

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

export function sphericalBuffers(layout: ChunkLayout, shared: boolean, keepPosterior: boolean): SphericalBuffers {
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
export interface SphericalScratch {
  readonly stats: SphericalStats;
  readonly missingNorm: Float64Array;
  readonly logTerm: Float64Array;
  readonly posterior: Float64Array;
  /** The chunk's mask as 0/1 doubles (with missing cells only). */
  readonly mask: Float64Array;
}

export function sphericalScratch(layout: ChunkLayout, hasMissing: boolean): SphericalScratch {
  const { k, d, chunkRows } = layout;
  return {
    stats: sphericalStats(k, d, hasMissing),
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
export function sphericalChunk(data: PreparedData, layout: ChunkLayout, b: SphericalBuffers, chunk: number, scratch: SphericalScratch): void {
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
  const at = scratch.stats;
  const nHat = s + at.nHat;
  const rowSq = s + at.rowSq;
  const observedSum = s + at.observed;

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
  stats[s + at.ll] = logLikelihood;
  addWeightedRows(x, 0, posterior, base, from, to, d, k, stats, s + at.sumX);
  if (mask) {
    // Each mean coordinate's weight, Σ_u post·δ(i∈C_u), summed directly (not as n̂ less
    // the missing cells' weight) so that the course's "≥ 1" test sees exact sums: a
    // coordinate seen by one row with posterior 1 has weight exactly 1.
    const m = scratch.mask;
    for (let c = from * d, end = to * d, t = 0; c < end; c++, t++) m[t] = mask[c];
    addWeightedRows(m, from, posterior, base, from, to, d, k, stats, s + at.observedWeight);
  }
}


/** The spherical family's kernel for a job: the WebAssembly one unless told otherwise or it cannot be had, else this TypeScript one. */
export const sphericalKernel: KernelFactory = (requested, fitData, layout, job) => {
  const data = denseData(fitData);
  const buffers = job.buffers as SphericalBuffers;
  return wasmOrJs(
    requested,
    () => new WasmSphericalKernel(data, layout, buffers),
    () => {
      const scratch = sphericalScratch(layout, data.observed !== null);
      return (chunk) => sphericalChunk(data, layout, buffers, chunk, scratch);
    },
  );
};
