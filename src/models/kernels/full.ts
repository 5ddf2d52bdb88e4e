import { float64Arrays, type PreparedData } from '../data';
import { shiftedExpSum } from './exp';
import { chunkLayout, denseData, statsLayout, type ChunkLayout, type KernelFactory } from './layout';
import { wasmOrJs } from './wasm';
import { WasmFullKernel } from './wasm-full';

/**
 * The full family's per-row work on one chunk of rows, in two phases, so that
 * a fit's rows can be split over threads like the spherical and diag ones:
 *  - phase 0, the E-step and the sums the M-step needs first: each row's
 *    f(u, j), posteriors and log-likelihood, then n̂, the posterior weight of each
 *    missing pattern and Σ post·x̂ (x̂: the row completed by conditional means);
 *  - phase 1, the scatter Σ post·(x̂ − mean_j)(x̂ − mean_j)ᵀ around the new means.
 * Each chunk sums into its own block, added in chunk order by FullState, so any
 * number of threads gives the same bits. Four complete rows go together: each
 * load of a factor or scatter entry then serves four rows. This is the reference
 * (--kernel js) of the WebAssembly kernel (assembly/full.ts, kernels/wasm-full.ts),
 * which computes the same bits: change the order of any sum here and there together.
 */

const LOG_2PI = Math.log(2 * Math.PI);

/** Rows that share one set of observed columns. */
export interface Pattern {
  readonly observed: Int32Array;
  readonly missing: Int32Array;
}

/** What the kernel reads (written by FullState each iteration) and writes; shared memory when rows are split. */
export interface FullBuffers {
  /** Means (centred), K×d; ln(p_j + 1e-16), K. */
  readonly mu: Float64Array;
  readonly logWeight: Float64Array;
  /** Per pattern and component slot: the Cholesky factor of Σ_oo (d×d), its log-determinant, 1/its diagonal (d), Σ_mo·Σ_oo⁻¹ (d×d). */
  readonly factor: Float64Array;
  readonly logDet: Float64Array;
  readonly inverseDiagonal: Float64Array;
  readonly regression: Float64Array;
  /** The M-step's new means, K×d, read by phase 1. */
  readonly newMean: Float64Array;
  readonly posterior: Float64Array;
  readonly rowLogLikelihood: Float64Array;
  readonly stats: Float64Array;
}

/** The rows' missing patterns: each row's pattern id, and the patterns. */
export interface FullRows {
  readonly patterns: readonly Pattern[];
  readonly rowPattern: Int32Array;
}

/** Per chunk, phase 0: [LL, n̂ (K), pattern weights (patterns×K), Σ post·x̂ (K×d)]; phase 1 uses the block for the scatter (K×d×d, lower triangle). */
export function fullStats(k: number, d: number, patterns: number) {
  return statsLayout([
    ['ll', 1],
    ['nHat', k],
    ['patternWeight', patterns * k],
    ['meanSum', k * d],
  ] as const);
}
export type FullStats = ReturnType<typeof fullStats>;

/** At most this many numbers in all the chunks' blocks: big K·d² gets fewer chunks (the cut depends on n, K, d and the patterns only). */
const STATS_BUDGET = 4e6;

export function fullLayout(data: PreparedData, k: number, patterns: number): ChunkLayout {
  const { n, d } = data;
  const statsSize = Math.max(fullStats(k, d, patterns).size, k * d * d);
  const base = chunkLayout(data, k, statsSize);
  const chunks = Math.max(1, Math.min(base.chunks, Math.floor(STATS_BUDGET / statsSize)));
  const chunkRows = Math.max(base.chunkRows, Math.ceil(n / chunks / 4) * 4);
  return { n, d, k, chunkRows, chunks: Math.max(1, Math.ceil(n / chunkRows)), statsSize };
}

export function fullBuffers(layout: ChunkLayout, patterns: number, shared: boolean): FullBuffers {
  const f64 = float64Arrays(shared);
  const { n, d, k } = layout;
  const slots = patterns * k;
  return {
    mu: f64(k * d),
    logWeight: f64(k),
    factor: f64(slots * d * d),
    logDet: f64(slots),
    inverseDiagonal: f64(slots * d),
    regression: f64(slots * d * d),
    newMean: f64(k * d),
    posterior: f64(n * k),
    rowLogLikelihood: f64(n),
    stats: f64(layout.chunks * layout.statsSize),
  };
}

/** Row u completed under component j (centred) into out: observed cells as they are, missing ones by their conditional mean. */
export function fillRow(data: PreparedData, rows: FullRows, b: FullBuffers, k: number, u: number, j: number, out: Float64Array): void {
  const { d, x } = data;
  const p = rows.rowPattern[u];
  const { observed: o, missing: m } = rows.patterns[p];
  const no = o.length;
  const mu = b.mu;
  for (let a = 0; a < no; a++) out[o[a]] = x[u * d + o[a]];
  if (m.length === 0) return;
  const f = (p * k + j) * d * d;
  for (let r = 0; r < m.length; r++) {
    let v = mu[j * d + m[r]];
    for (let a = 0; a < no; a++) v += b.regression[f + r * no + a] * (x[u * d + o[a]] - mu[j * d + o[a]]);
    out[m[r]] = v;
  }
}

/** Runs the two phases on one fit's chunks, in the calling thread. */
export class FullChunkKernel {
  private readonly k: number;
  private readonly work: Float64Array;
  private readonly filled: Float64Array;
  private readonly block: Float64Array;
  private readonly terms: Float64Array;
  private readonly stats: FullStats;

  constructor(
    private readonly data: PreparedData,
    private readonly layout: ChunkLayout,
    private readonly rows: FullRows,
    private readonly b: FullBuffers,
  ) {
    const { d, k } = layout;
    this.k = k;
    this.stats = fullStats(k, d, rows.patterns.length);
    this.work = new Float64Array(d);
    this.filled = new Float64Array(d);
    this.block = new Float64Array(4 * d);
    this.terms = new Float64Array(4 * k);
  }

  run(chunk: number, phase: number): void {
    const from = chunk * this.layout.chunkRows;
    const to = Math.min(this.layout.n, from + this.layout.chunkRows);
    const s = chunk * this.layout.statsSize;
    if (phase === 0) this.expectation(from, to, s);
    else this.scatter(from, to, s);
  }

  private isComplete(u: number): boolean {
    return this.rows.patterns[this.rows.rowPattern[u]].missing.length === 0;
  }

  private expectation(from: number, to: number, s: number): void {
    const { d } = this.data;
    const { k, b, filled } = this;
    const { stats, posterior } = b;
    stats.fill(0, s, s + this.stats.size);
    let logLikelihood = 0;
    let u = from;
    for (; u + 3 < to; u += 4) {
      if (this.isComplete(u) && this.isComplete(u + 1) && this.isComplete(u + 2) && this.isComplete(u + 3)) this.blockTerms(u);
      else for (let r = 0; r < 4; r++) this.rowTerms(u + r, r * k);
      for (let r = 0; r < 4; r++) logLikelihood += this.normalise(u + r, r * k);
    }
    for (; u < to; u++) {
      this.rowTerms(u, 0);
      logLikelihood += this.normalise(u, 0);
    }
    stats[s + this.stats.ll] = logLikelihood;
    // The sums the new means need, over the rows completed under the current parameters.
    const { x } = this.data;
    const nHat = s + this.stats.nHat;
    const patternWeight = s + this.stats.patternWeight;
    const meanSum = s + this.stats.meanSum;
    for (u = from; u < to; u++) {
      const p = this.rows.rowPattern[u];
      const complete = this.rows.patterns[p].missing.length === 0;
      const row = complete ? x : filled;
      const at = complete ? u * d : 0;
      for (let j = 0; j < k; j++) {
        const w = posterior[u * k + j];
        stats[nHat + j] += w;
        stats[patternWeight + p * k + j] += w;
        if (!complete) fillRow(this.data, this.rows, b, k, u, j, filled);
        for (let i = 0; i < d; i++) stats[meanSum + j * d + i] += w * row[at + i];
      }
    }
  }

  /**
   * f(u, j) = ln(p_j + 1e-16) − ½(|o|·ln 2π + ln det Σ_oo + ‖L⁻¹(x_o − mu_o)‖²) into
   * terms[o..o+K): the Mahalanobis term by forward substitution, with the factor's
   * diagonal inverted once per iteration.
   */
  private rowTerms(u: number, o: number): void {
    const { d, x } = this.data;
    const { k, work, terms, b } = this;
    const { mu, factor, logDet, logWeight, inverseDiagonal } = b;
    const p = this.rows.rowPattern[u];
    const observed = this.rows.patterns[p].observed;
    const no = observed.length;
    const row = u * d;
    for (let j = 0; j < k; j++) {
      const slot = p * k + j;
      const base = j * d;
      if (no === d) for (let a = 0; a < d; a++) work[a] = x[row + a] - mu[base + a];
      else for (let a = 0; a < no; a++) work[a] = x[row + observed[a]] - mu[base + observed[a]];
      const l = slot * d * d;
      const inverse = slot * d;
      let maha = 0;
      for (let a = 0; a < no; a++) {
        let t = work[a];
        const la = l + a * no;
        for (let c = 0; c < a; c++) t -= factor[la + c] * work[c];
        t *= inverseDiagonal[inverse + a];
        work[a] = t;
        maha += t * t;
      }
      terms[o + j] = logWeight[j] - 0.5 * (no * LOG_2PI + logDet[slot] + maha);
    }
  }

  /** rowTerms for the four complete rows from u on, into terms[0..4K); each row's arithmetic as alone. */
  private blockTerms(u: number): void {
    const { d, x } = this.data;
    const { k, terms, b, block: w } = this;
    const { mu, factor, logDet, logWeight, inverseDiagonal } = b;
    const p = this.rows.rowPattern[u];
    const r0 = u * d;
    const r1 = r0 + d;
    const r2 = r1 + d;
    const r3 = r2 + d;
    for (let j = 0; j < k; j++) {
      const slot = p * k + j;
      const base = j * d;
      for (let a = 0; a < d; a++) {
        const m = mu[base + a];
        w[a] = x[r0 + a] - m;
        w[d + a] = x[r1 + a] - m;
        w[2 * d + a] = x[r2 + a] - m;
        w[3 * d + a] = x[r3 + a] - m;
      }
      const l = slot * d * d;
      const inverse = slot * d;
      let m0 = 0, m1 = 0, m2 = 0, m3 = 0; // prettier-ignore
      for (let a = 0; a < d; a++) {
        let t0 = w[a];
        let t1 = w[d + a];
        let t2 = w[2 * d + a];
        let t3 = w[3 * d + a];
        const la = l + a * d;
        for (let c = 0; c < a; c++) {
          const f = factor[la + c];
          t0 -= f * w[c];
          t1 -= f * w[d + c];
          t2 -= f * w[2 * d + c];
          t3 -= f * w[3 * d + c];
        }
        const scale = inverseDiagonal[inverse + a];
        t0 *= scale;
        t1 *= scale;
        t2 *= scale;
        t3 *= scale;
        w[a] = t0;
        w[d + a] = t1;
        w[2 * d + a] = t2;
        w[3 * d + a] = t3;
        m0 += t0 * t0;
        m1 += t1 * t1;
        m2 += t2 * t2;
        m3 += t3 * t3;
      }
      const constant = d * LOG_2PI + logDet[slot];
      terms[j] = logWeight[j] - 0.5 * (constant + m0);
      terms[k + j] = logWeight[j] - 0.5 * (constant + m1);
      terms[2 * k + j] = logWeight[j] - 0.5 * (constant + m2);
      terms[3 * k + j] = logWeight[j] - 0.5 * (constant + m3);
    }
  }

  /** Row u's max-shifted log-sum-exp over terms[o..o+K): its posteriors, and its log-likelihood returned. */
  private normalise(u: number, o: number): number {
    const { k, terms } = this;
    const { posterior, rowLogLikelihood } = this.b;
    let max = -Infinity;
    for (let j = 0; j < k; j++) if (terms[o + j] > max) max = terms[o + j];
    const sum = shiftedExpSum(terms, o, k, max);
    const logSum = max + Math.log(sum);
    const scale = 1 / sum;
    for (let j = 0; j < k; j++) posterior[u * k + j] = terms[o + j] * scale;
    rowLogLikelihood[u] = logSum;
    return logSum;
  }

  /** Phase 1: Σ post·(x̂ − mean_j)(x̂ − mean_j)ᵀ over the chunk's rows, lower triangle, four complete rows at a time. */
  private scatter(from: number, to: number, s: number): void {
    const { d, x } = this.data;
    const { k, b, block } = this;
    const { stats, posterior, newMean: mean } = b;
    stats.fill(0, s, s + k * d * d);
    let u = from;
    for (; u + 3 < to; u += 4) {
      if (!(this.isComplete(u) && this.isComplete(u + 1) && this.isComplete(u + 2) && this.isComplete(u + 3))) {
        for (let v = u; v < u + 4; v++) this.scatterRow(v, s);
        continue;
      }
      for (let j = 0; j < k; j++) {
        const w0 = posterior[u * k + j];
        const w1 = posterior[(u + 1) * k + j];
        const w2 = posterior[(u + 2) * k + j];
        const w3 = posterior[(u + 3) * k + j];
        const m = j * d;
        for (let i = 0; i < d; i++) {
          const mi = mean[m + i];
          block[i] = x[u * d + i] - mi;
          block[d + i] = x[(u + 1) * d + i] - mi;
          block[2 * d + i] = x[(u + 2) * d + i] - mi;
          block[3 * d + i] = x[(u + 3) * d + i] - mi;
        }
        const c = s + j * d * d;
        for (let a = 0; a < d; a++) {
          const a0 = w0 * block[a];
          const a1 = w1 * block[d + a];
          const a2 = w2 * block[2 * d + a];
          const a3 = w3 * block[3 * d + a];
          const ca = c + a * d;
          for (let e = 0; e <= a; e++) stats[ca + e] += a0 * block[e] + a1 * block[d + e] + (a2 * block[2 * d + e] + a3 * block[3 * d + e]);
        }
      }
    }
    for (; u < to; u++) this.scatterRow(u, s);
  }

  /** One row's weighted outer products (x̂ − mean_j)(x̂ − mean_j)ᵀ added to each component's scatter. */
  private scatterRow(u: number, s: number): void {
    const { d, x } = this.data;
    const { k, b, filled, work: diff } = this;
    const { stats, posterior, newMean: mean } = b;
    const complete = this.isComplete(u);
    const row = complete ? x : filled;
    const at = complete ? u * d : 0;
    for (let j = 0; j < k; j++) {
      const w = posterior[u * k + j];
      if (!complete) fillRow(this.data, this.rows, b, k, u, j, filled);
      for (let i = 0; i < d; i++) diff[i] = row[at + i] - mean[j * d + i];
      const c = s + j * d * d;
      for (let a = 0; a < d; a++) {
        const wa = w * diff[a];
        const ca = c + a * d;
        for (let e = 0; e <= a; e++) stats[ca + e] += wa * diff[e];
      }
    }
  }
}

/**
 * The full family's kernel for a job: the WebAssembly one (kernels/wasm-full.ts, the
 * same bits) unless told otherwise or it cannot be had, else this TypeScript one.
 */
export const fullKernel: KernelFactory = (requested, fitData, layout, job) => {
  const data = denseData(fitData);
  const rows = job.rows as FullRows;
  const buffers = job.buffers as FullBuffers;
  return wasmOrJs(
    requested,
    () => new WasmFullKernel(data, layout, rows, buffers, fullStats(layout.k, layout.d, rows.patterns.length)),
    () => {
      const kernel = new FullChunkKernel(data, layout, rows, buffers);
      return (chunk, phase) => kernel.run(chunk, phase);
    },
  );
};
