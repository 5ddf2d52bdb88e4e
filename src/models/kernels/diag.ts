import { float64Arrays, type PreparedData } from '../data';
import { addWeightedRows, rowDots } from './products';
import { shiftedExpSum } from './exp';
import { chunkLayout, denseData, statsLayout, type ChunkLayout, type KernelFactory } from './layout';
import { WasmDiagKernel, wasmOrJs } from './wasm';

/**
 * The diag E-step on one chunk of rows, with the sums its M-step needs — the
 * diagonal-covariance counterpart of kernels/spherical.ts, cut into the same
 * chunks so that its rows can be split over threads with the same bits.
 *
 * With a_j = mu_j/var_j and b_j = 1/var_j (per dimension), the squared Mahalanobis
 * distance over the observed columns C is
 *   D(u,j) = x²·b_j − 2·x·a_j + (Σ_i mu_ji²/var_ji − Σ_{i∉C} mu_ji²/var_ji),
 * two dense products (missing cells are 0 in x), and
 *   f(u,j) = ln(p_j + 1e-16) − ½(Σ_{i∈C} ln(2π·var_ji) + max(D, 0)).
 * The M-step needs n̂_j, Σw·x, Σw·x² and, with missing cells, Σw·δ(i∈C), per
 * component and dimension (scikit-learn's diag M-step takes the same sums).
 */

/** Per chunk: [LL, n̂ (K), Σw·x (K×d), Σw·x² (K×d), Σw·δ(i∈C) (K×d, with missing cells)]. */
export function diagStats(k: number, d: number, hasMissing: boolean) {
  return statsLayout([
    ['ll', 1],
    ['nHat', k],
    ['sumX', k * d],
    ['sumXX', k * d],
    ['observedWeight', hasMissing ? k * d : 0],
  ] as const);
}
export type DiagStats = ReturnType<typeof diagStats>;

/** The diag family's chunks: the common cut, with its statistics block. */
export function diagLayout(data: PreparedData, k: number): ChunkLayout {
  return chunkLayout(data, k, diagStats(k, data.d, data.observed !== null).size);
}

/** The parameters as the kernel reads them (derived once per E-step), the chunk statistics, and the posterior when kept. */
export interface DiagBuffers {
  /** Means (centred) and variances, K×d; weights, K. */
  readonly mu: Float64Array;
  readonly variance: Float64Array;
  readonly weight: Float64Array;
  readonly logWeight: Float64Array;
  /** mu/var and 1/var, K×d. */
  readonly scaledMu: Float64Array;
  readonly precision: Float64Array;
  /** Per component: Σ_i mu²/var and Σ_i ln(2π·var). */
  readonly muTerm: Float64Array;
  readonly logNormTerm: Float64Array;
  /** d×K, for rows with missing cells: mu²/var and ln(2π·var), transposed. */
  readonly muTermT: Float64Array;
  readonly logNormT: Float64Array;
  readonly stats: Float64Array;
  readonly posterior: Float64Array | null;
  readonly rowLogLikelihood: Float64Array | null;
}

export function diagBuffers(layout: ChunkLayout, shared: boolean, keepPosterior: boolean): DiagBuffers {
  const f64 = float64Arrays(shared);
  const { n, d, k } = layout;
  return {
    mu: f64(k * d),
    variance: f64(k * d),
    weight: f64(k),
    logWeight: f64(k),
    scaledMu: f64(k * d),
    precision: f64(k * d),
    muTerm: f64(k),
    logNormTerm: f64(k),
    muTermT: f64(d * k),
    logNormT: f64(d * k),
    stats: f64(layout.chunks * layout.statsSize),
    posterior: keepPosterior ? f64(n * k) : null,
    rowLogLikelihood: keepPosterior ? f64(n) : null,
  };
}

/** Per-thread scratch: one chunk's x², posterior, second products and mask. */
export interface DiagScratch {
  readonly stats: DiagStats;
  readonly squares: Float64Array;
  readonly posterior: Float64Array;
  readonly products: Float64Array;
  readonly missingMu: Float64Array;
  readonly missingLogNorm: Float64Array;
  readonly logTerm: Float64Array;
  readonly mask: Float64Array;
}

export function diagScratch(layout: ChunkLayout, hasMissing: boolean): DiagScratch {
  const { k, d, chunkRows } = layout;
  return {
    stats: diagStats(k, d, hasMissing),
    squares: new Float64Array(chunkRows * d),
    posterior: new Float64Array(chunkRows * k),
    products: new Float64Array(chunkRows * k),
    missingMu: new Float64Array(k),
    missingLogNorm: new Float64Array(k),
    logTerm: new Float64Array(k),
    mask: new Float64Array(hasMissing ? chunkRows * d : 0),
  };
}

export function diagChunk(data: PreparedData, layout: ChunkLayout, b: DiagBuffers, chunk: number, scratch: DiagScratch): void {
  const { d, x, observed: mask, missingStart, missingIndex } = data;
  const { k, statsSize } = layout;
  const from = chunk * layout.chunkRows;
  const to = Math.min(layout.n, from + layout.chunkRows);
  const { stats, logWeight, muTerm, logNormTerm, muTermT, logNormT } = b;
  const { squares, products, missingMu, missingLogNorm, logTerm } = scratch; // the missing sums stay 0 on complete data
  const posterior = b.posterior ?? scratch.posterior;
  const base = b.posterior ? 0 : from;
  const s = chunk * statsSize;
  stats.fill(0, s, s + statsSize);
  const offsets = scratch.stats;
  const nHat = s + offsets.nHat;

  for (let c = from * d, end = to * d, t = 0; c < end; c++, t++) squares[t] = x[c] * x[c];
  // x·a_j into the posterior buffer (each row then overwrites it), x²·b_j into products.
  rowDots(x, from, to, d, b.scaledMu, k, posterior, base);
  rowDots(squares, 0, to - from, d, b.precision, k, products, 0);
  let logLikelihood = 0;
  for (let u = from; u < to; u++) {
    const out = (u - base) * k;
    const local = (u - from) * k;
    if (missingStart && missingIndex) {
      for (let j = 0; j < k; j++) {
        missingMu[j] = 0;
        missingLogNorm[j] = 0;
      }
      for (let t = missingStart[u], end = missingStart[u + 1]; t < end; t++) {
        const at = missingIndex[t] * k;
        for (let j = 0; j < k; j++) {
          missingMu[j] += muTermT[at + j];
          missingLogNorm[j] += logNormT[at + j];
        }
      }
    }
    let max = -Infinity;
    for (let j = 0; j < k; j++) {
      let distance = products[local + j] - 2 * posterior[out + j] + (muTerm[j] - missingMu[j]);
      if (distance < 0) distance = 0; // rounding only: a squared distance is never negative
      const f = logWeight[j] - 0.5 * (logNormTerm[j] - missingLogNorm[j] + distance);
      logTerm[j] = f;
      if (f > max) max = f;
    }
    const sum = shiftedExpSum(logTerm, 0, k, max);
    const rowLogLikelihood = max + Math.log(sum);
    logLikelihood += rowLogLikelihood;
    if (b.rowLogLikelihood) b.rowLogLikelihood[u] = rowLogLikelihood;
    const inverse = 1 / sum;
    for (let j = 0; j < k; j++) {
      const w = logTerm[j] * inverse;
      posterior[out + j] = w;
      stats[nHat + j] += w;
    }
  }
  stats[s + offsets.ll] = logLikelihood;
  addWeightedRows(x, 0, posterior, base, from, to, d, k, stats, s + offsets.sumX);
  addWeightedRows(squares, from, posterior, base, from, to, d, k, stats, s + offsets.sumXX);
  if (mask) {
    const m = scratch.mask;
    for (let c = from * d, end = to * d, t = 0; c < end; c++, t++) m[t] = mask[c];
    addWeightedRows(m, from, posterior, base, from, to, d, k, stats, s + offsets.observedWeight);
  }
}

/** The diag family's kernel for a job: the WebAssembly one unless told otherwise or it cannot be had, else this TypeScript one. */
export const diagKernel: KernelFactory = (requested, fitData, layout, job) => {
  const data = denseData(fitData);
  const buffers = job.buffers as DiagBuffers;
  return wasmOrJs(
    requested,
    () => new WasmDiagKernel(data, layout, buffers),
    () => {
      const scratch = diagScratch(layout, data.observed !== null);
      return (chunk) => diagChunk(data, layout, buffers, chunk, scratch);
    },
  );
};
