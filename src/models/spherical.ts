import type { FitState } from './family';
import type { Mixture } from './mixture';
import { shiftMeans, type PreparedData } from './data';
import { addWeightedRows, rowDots } from './kernels';
import { exp } from './exp';

const LOG_2PI = Math.log(2 * Math.PI);
/** The course's guard against log(0) for a weight that has gone to zero. */
const WEIGHT_EPSILON = 1e-16;

export interface SphericalOptions {
  /** Floor on every variance after an M-step (0 = none). */
  readonly minVar: number;
  /** Added to every variance after an M-step, as scikit-learn's reg_covar (default 0: the course's model). */
  readonly regCovar?: number;
  /** Keep the whole n×K posterior of the last E-step, and each row's log-likelihood (for filling a matrix, predicting, scoring); a fit needs only a chunk's at a time. */
  readonly keepPosterior?: boolean;
}

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

const STAT_LL = 0;
const statNHat = (k: number) => 1;
const statRowSq = (k: number) => 1 + k;
const statObserved = (k: number) => 1 + 2 * k;
const statSumX = (k: number) => 1 + 3 * k;
const statObservedWeight = (k: number, d: number) => 1 + 3 * k + k * d;

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
  const f64 = (length: number) => (shared ? new Float64Array(new SharedArrayBuffer(length * 8)) : new Float64Array(length));
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
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const e = exp(logTerm[j] - max);
      logTerm[j] = e;
      sum += e;
    }
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

/** Runs expectationChunk over every chunk: in this thread, or spread over workers. */
export interface ChunkRunner {
  runAll(): void;
}

/**
 * EM for a mixture of spherical Gaussians, with missing cells marginalised out
 * (on complete data every column is observed and this is the plain spherical GMM).
 * The E-step also sums, chunk by chunk, what the M-step needs; the M-step adds
 * the chunks up and gets each variance from the same sums, with no second pass
 * over the data. Means are held centred (see PreparedData).
 */
export class SphericalState implements FitState {
  /** The last E-step's posterior, n×K, when the state was made with keepPosterior. */
  readonly posterior: Float64Array | null;
  readonly layout: ChunkLayout;
  readonly buffers: SphericalBuffers;
  private readonly runner: ChunkRunner;
  // Chunk statistics added up
  private readonly total: Float64Array;

  /** `runnerFor` lets a caller spread the chunks over threads; by default they run here. */
  constructor(
    private readonly data: PreparedData,
    start: Mixture,
    private readonly options: SphericalOptions,
    runnerFor?: (layout: ChunkLayout, buffers: SphericalBuffers) => ChunkRunner,
  ) {
    const { d } = data;
    const k = start.k;
    if (start.d !== d) throw new Error(`mixture has ${start.d} dimensions, data has ${d}`);
    this.layout = chunkLayout(data, k);
    this.buffers = allocateBuffers(this.layout, runnerFor !== undefined, options.keepPosterior === true);
    const { mu, variance, weight } = this.buffers;
    shiftMeans(start.mu, k, data, 1, mu);
    // The floor holds from the start: a start at 0 (identical rows) or below it would
    // make the first E-step infinite or let the first M-step lower the LL.
    for (let j = 0; j < k; j++) variance[j] = Math.max(start.var[j], options.minVar);
    weight.set(start.p);
    this.posterior = this.buffers.posterior;
    this.total = new Float64Array(this.layout.statsSize);
    this.runner = runnerFor ? runnerFor(this.layout, this.buffers) : this.localRunner();
  }

  private localRunner(): ChunkRunner {
    const scratch = chunkScratch(this.layout, this.data.observed !== null);
    return {
      runAll: () => {
        for (let c = 0; c < this.layout.chunks; c++) expectationChunk(this.data, this.layout, this.buffers, c, scratch);
      },
    };
  }

  expectation(): number {
    const { d } = this.data;
    const { k } = this.layout;
    const { mu, variance, weight, logWeight, halfLogNorm, invTwoVar, muNorm, muSquaredT } = this.buffers;
    for (let j = 0; j < k; j++) {
      logWeight[j] = Math.log(weight[j] + WEIGHT_EPSILON);
      halfLogNorm[j] = 0.5 * (LOG_2PI + Math.log(variance[j]));
      invTwoVar[j] = 0.5 / variance[j];
      let norm = 0;
      for (let i = 0; i < d; i++) {
        const m = mu[j * d + i];
        muSquaredT[i * k + j] = m * m;
        norm += m * m;
      }
      muNorm[j] = norm;
    }
    this.runner.runAll();
    // Add the chunks in order: the same sum whatever ran them.
    const { stats } = this.buffers;
    const { statsSize, chunks } = this.layout;
    const total = this.total;
    total.fill(0);
    for (let c = 0; c < chunks; c++) {
      const s = c * statsSize;
      for (let t = 0; t < statsSize; t++) total[t] += stats[s + t];
    }
    return total[STAT_LL];
  }

  maximization(): void {
    const { n, d } = this.data;
    const { k } = this.layout;
    const { mu, variance, weight } = this.buffers;
    const total = this.total;
    const nHat = statNHat(k);
    const rowSq = statRowSq(k);
    const observedSum = statObserved(k);
    const sumX = statSumX(k);
    const observedWeightAt = this.data.observed ? statObservedWeight(k, d) : -1;
    // With missing cells a mean coordinate moves only where it has at least one
    // row's worth of weight (the course's rule); on complete data, wherever the
    // component has any weight. Elsewhere the previous value stays.
    const minWeight = observedWeightAt >= 0 ? 1 : Number.MIN_VALUE;
    for (let j = 0; j < k; j++) {
      const nj = total[nHat + j];
      weight[j] = nj / n;
      // Σ_u w·‖x_C − mu_C‖² = Σ w·‖x_C‖² − 2 Σ_i mu_i·Σ w·x_i + Σ_i mu_i²·Σ w·δ(i∈C_u)
      let cross = 0;
      let square = 0;
      for (let i = 0; i < d; i++) {
        const c = j * d + i;
        const sx = total[sumX + c];
        const observedWeight = observedWeightAt >= 0 ? total[observedWeightAt + c] : nj;
        if (observedWeight >= minWeight) mu[c] = sx / observedWeight;
        const m = mu[c];
        cross += m * sx;
        square += m * m * observedWeight;
      }
      const cells = total[observedSum + j];
      if (!(cells > 0)) continue; // a starved component keeps its variance
      let v = (total[rowSq + j] - 2 * cross + square) / cells;
      if (v < 0) v = 0;
      variance[j] = Math.max(v + (this.options.regCovar ?? 0), this.options.minVar);
    }
  }

  mixture(): Mixture {
    const { k } = this.layout;
    const { d } = this.data;
    return { k, d, covariance: 'spherical', mu: shiftMeans(this.buffers.mu, k, this.data, -1), var: this.buffers.variance.slice(), p: this.buffers.weight.slice() };
  }
}
