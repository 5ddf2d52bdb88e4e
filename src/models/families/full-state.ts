import { DataError } from '../../core/errors';
import { regColumns } from './reg';
import { type FitParameters, type FitState, type SufficientStatistics } from '../fit-state';
import type { Mixture } from '../mixture';
import { COLLAPSE_RELATIVE, columnLabel, shiftMeans, varianceScale, type PreparedData } from '../data';
import { choleskyInPlace, floorEigenvalues, floorRelative, floorRelativeWork, solveBoth } from '../kernels/linalg';
import { addChunks, localRunner, type ChunkLayout, type ChunkRunner, type RunnerFactory } from '../kernels/layout';
import { fillRow, fullBuffers, fullKernel, fullLayout, fullStats, type FullBuffers, type FullRows, type FullStats, type Pattern } from '../kernels/full';
import { collapseReason, SKLEARN_REG_COVAR } from './diag-state';
import type { FamilyOptions, FullCovariance } from './types';

const WEIGHT_EPSILON = 1e-16;
/** Past this many cached numbers (patterns × K × d²) the family is refused: use diag. */
const MAX_CACHE = 5e7;

/** The number of distinct patterns of missing cells among the rows (1 for complete data): one pass, before any fit. */
export function missingPatterns(observed: Uint8Array | null, n: number, d: number): number {
  if (!observed) return 1;
  const seen = new Set<string>();
  for (let u = 0; u < n; u++) seen.add(observed.subarray(u * d, (u + 1) * d).join(''));
  return seen.size;
}

/**
 * Refuses a full-covariance fit whose covariances and factors would not fit in memory,
 * before anything is allocated: patterns × K factors of d×d, three numbers each (the
 * factor, the regression and the conditional covariance), at most 5·10⁷ (400 MB).
 */
export function checkFullSize(k: number, d: number, patterns: number): void {
  if (patterns * k * d * d * 3 <= MAX_CACHE) return;
  if (patterns > 1) {
    throw new DataError(
      `--covariance full would factor ${patterns} patterns of missing cells × K=${k} covariances of ${d}×${d} each iteration; use --covariance diag`,
    );
  }
  const gigabytes = (k * d * d * 3 * 8) / 1e9;
  throw new DataError(
    `--covariance full with K=${k} and ${d} columns needs ${k} covariances of ${d}×${d} (about ${gigabytes.toFixed(1)} GB with their factors); use fewer components, --covariance diag, or fewer columns`,
  );
}

/**
 * EM for Gaussians with full covariances (mclust's VVV). The rows are grouped
 * by their pattern of missing cells; each iteration factors, per pattern and
 * component, the observed block Σ_oo (Cholesky, L·Lᵀ = Σ_oo), so a row's
 * log-density is that of its observed sub-vector: −½(|o|·ln 2π + 2·Σ ln L_ii + ‖L⁻¹(x_o − mu_o)‖²).
 * The M-step uses the expected statistics (Ghahramani & Jordan): a missing block
 * is replaced by its conditional mean mu_m + Σ_mo·Σ_oo⁻¹(x_o − mu_o), and its
 * conditional covariance Σ_mm − Σ_mo·Σ_oo⁻¹·Σ_om is added to the scatter. On
 * complete data there is one pattern and this is scikit-learn's M-step:
 * Σ_j = Σ post·(x − mu_j)(x − mu_j)ᵀ / n̂_j + regCovar·I, then held at Σ_j ⪰ diag(covFloor)
 * and its eigenvalues floored at minVar. Cost per iteration: patterns × K × d³/3 for the factors plus
 * rows × K × d² for the rows. The per-row work runs in chunks (kernels/full.ts),
 * which worker threads can share; the factors and the M-step's totals stay here.
 */
export class FullState implements FitState {
  readonly posterior: Float64Array;
  /** Each row's log-likelihood at the last E-step. */
  readonly rowLogLikelihood: Float64Array;
  readonly layout: ChunkLayout;
  private readonly k: number;
  private readonly cov: Float64Array; // K×d×d
  private readonly weight: Float64Array;
  private readonly rows: FullRows;
  private readonly buffers: FullBuffers;
  /** Per pattern and component: the conditional covariance of the missing block (d×d slot). */
  private readonly conditional: Float64Array;
  private readonly work: Float64Array;
  private readonly filled: Float64Array;
  /** The chunks' phase-0 sums added up, and their scatters. */
  private readonly sums: Float64Array;
  private readonly scatter: Float64Array;
  private readonly runner: ChunkRunner;
  private readonly at: FullStats;
  /** --reg-covar per column. */
  private readonly reg: Float64Array;
  /** Scratch for the eigenvalue floor and the degeneracy check (2·d² + d). */
  private readonly eigenWork: Float64Array;
  /** Scratch for --cov-floor; null without it. */
  private readonly floorWork: Float64Array | null;
  /** The rows the M-step's weights are over: the data's, or those of statistics loaded from shards. */
  private rows_: number;
  /** The data whose column variances the degeneracy checks judge against: the data, or with the loaded statistics' variances. */
  private scales: PreparedData;
  /** Σ post·x xᵀ about the data's centre (K×d×d, lower triangle), from statistics loaded from shards; null: the scatter comes from phase 1. */
  private loaded: Float64Array | null = null;
  flooredVariances = 0;

  /** `runnerFor` lets a caller spread the chunks over threads; by default they run here. */
  constructor(
    private readonly data: PreparedData,
    start: Mixture,
    private readonly options: FamilyOptions,
    runnerFor: RunnerFactory = localRunner,
  ) {
    const { n, d, observed } = data;
    const k = start.k;
    this.k = k;
    this.cov = (start.covariance as FullCovariance).matrices.slice();
    this.reg = regColumns(options.regCovar, data.d, SKLEARN_REG_COVAR);
    this.eigenWork = new Float64Array(2 * d * d + d);
    this.floorWork = options.covFloor ? floorRelativeWork(d) : null;
    this.rows_ = n;
    this.scales = data;
    // The floor holds from the start, on the eigenvalues as in every M-step.
    if (options.minVar > 0) for (let j = 0; j < k; j++) floorEigenvalues(this.cov, j * d * d, d, options.minVar, this.eigenWork);
    this.weight = start.p.slice();

    const shared = runnerFor !== localRunner;
    const ids = new Map<string, number>();
    const patterns: Pattern[] = [];
    const rowPattern = shared ? new Int32Array(new SharedArrayBuffer(n * 4)) : new Int32Array(n);
    for (let u = 0; u < n; u++) {
      const key = observed ? observed.subarray(u * d, (u + 1) * d).join('') : '';
      let id = ids.get(key);
      if (id === undefined) {
        id = patterns.length;
        ids.set(key, id);
        const seen = Array.from({ length: d }, (_, i) => i).filter((i) => !observed || observed[u * d + i] === 1);
        const unseen = Array.from({ length: d }, (_, i) => i).filter((i) => observed !== null && observed[u * d + i] === 0);
        patterns.push({ observed: Int32Array.from(seen), missing: Int32Array.from(unseen) });
      }
      rowPattern[u] = id;
    }
    // No rows (the M-step of statistics summed over shards): the one pattern of complete rows, as the shards' layout has.
    if (patterns.length === 0) patterns.push({ observed: Int32Array.from({ length: d }, (_, i) => i), missing: new Int32Array(0) });
    const slots = patterns.length * k;
    checkFullSize(k, d, patterns.length);
    this.rows = { patterns, rowPattern };
    this.layout = fullLayout(data, k, patterns.length);
    this.buffers = fullBuffers(this.layout, patterns.length, shared);
    this.at = fullStats(k, d, patterns.length);
    shiftMeans(start.mu, k, data, 1, this.buffers.mu);
    this.posterior = this.buffers.posterior;
    this.rowLogLikelihood = this.buffers.rowLogLikelihood;
    this.conditional = new Float64Array(slots * d * d);
    this.work = new Float64Array(d);
    this.filled = new Float64Array(d);
    this.sums = new Float64Array(this.at.size);
    this.scatter = new Float64Array(k * d * d);
    this.runner = runnerFor(data, this.layout, { family: 'full', buffers: this.buffers, rows: this.rows }, fullKernel, options.kernel);
  }

  /** Factor Σ_oo for every pattern and component; Σ_mo·Σ_oo⁻¹ and the conditional covariance where cells are missing. */
  private factorAll(): void {
    const { d } = this.data;
    const { k, cov, conditional } = this;
    const { factor, logDet, regression, inverseDiagonal } = this.buffers;
    const { patterns } = this.rows;
    for (let p = 0; p < patterns.length; p++) {
      const { observed: o, missing: m } = patterns[p];
      const no = o.length;
      const nm = m.length;
      for (let j = 0; j < k; j++) {
        const slot = p * k + j;
        const f = slot * d * d;
        const c = j * d * d;
        for (let a = 0; a < no; a++) for (let b = 0; b < no; b++) factor[f + a * no + b] = cov[c + o[a] * d + o[b]];
        if (!choleskyInPlace(factor, f, no)) {
          throw new DataError(collapseReason(this.data, `the covariance of component ${j + 1} is not positive definite`));
        }
        let s = 0;
        for (let a = 0; a < no; a++) {
          s += Math.log(factor[f + a * no + a]);
          inverseDiagonal[slot * d + a] = 1 / factor[f + a * no + a];
        }
        logDet[slot] = 2 * s;
        if (nm === 0) continue;
        // R = Σ_mo·Σ_oo⁻¹ (nm×no): row by row, solve L·Lᵀ·r = Σ_om[:, row].
        const w = this.work;
        for (let r = 0; r < nm; r++) {
          for (let a = 0; a < no; a++) w[a] = cov[c + o[a] * d + m[r]];
          solveBoth(factor, f, no, w);
          for (let a = 0; a < no; a++) regression[f + r * no + a] = w[a];
        }
        // C = Σ_mm − R·Σ_om (nm×nm)
        for (let r = 0; r < nm; r++) {
          for (let t = 0; t < nm; t++) {
            let v = cov[c + m[r] * d + m[t]];
            for (let a = 0; a < no; a++) v -= regression[f + r * no + a] * cov[c + o[a] * d + m[t]];
            conditional[f + r * nm + t] = v;
          }
        }
      }
    }
  }

  /** The E-step (phase 0 of the chunks), which also sums n̂, the pattern weights and Σ post·x̂ for the M-step. */
  expectation(): number {
    const { k } = this;
    const { logWeight } = this.buffers;
    this.factorAll();
    for (let j = 0; j < k; j++) logWeight[j] = Math.log(this.weight[j] + WEIGHT_EPSILON);
    this.runner.runAll(0);
    addChunks(this.layout, this.buffers.stats, this.sums, this.at.size);
    return this.sums[this.at.ll];
  }

  maximization(): void {
    const { d } = this.data;
    const n = this.rows_;
    const { k, cov, weight, sums, scatter } = this;
    const { mu, newMean } = this.buffers;
    const patterns = this.rows.patterns;
    const { nHat, patternWeight, meanSum } = this.at;
    this.flooredVariances = 0;
    for (let c = 0; c < k * d; c++) newMean[c] = sums[meanSum + c] / sums[nHat + Math.floor(c / d)];
    if (this.loaded) {
      // Over shards: Σ post·(x̂ − m)(x̂ − m)ᵀ + Σ pw·C = (Σ post·x̂ x̂ᵀ + Σ pw·C) − n̂·m mᵀ, all about the centre.
      const second = this.loaded;
      for (let j = 0; j < k; j++) {
        const nj = sums[nHat + j];
        for (let a = 0; a < d; a++) {
          const ma = newMean[j * d + a];
          for (let b = 0; b <= a; b++) scatter[j * d * d + a * d + b] = second[j * d * d + a * d + b] - nj * ma * newMean[j * d + b];
        }
      }
    } else {
      // Phase 1: the scatter around the new means, with the rows completed under the old parameters.
      this.runner.runAll(1);
      addChunks(this.layout, this.buffers.stats, scatter, k * d * d);
    }
    for (let j = 0; j < k; j++) {
      const nj = sums[nHat + j];
      weight[j] = nj / n;
      if (!(nj > 0)) continue; // a starved component keeps its mean and covariance
      mu.set(newMean.subarray(j * d, (j + 1) * d), j * d); // the new means, as phase 1 used them
      const c = j * d * d;
      // The conditional covariance of each pattern's missing block, weighted by its rows' posteriors.
      for (let p = 0; p < patterns.length; p++) {
        const m = patterns[p].missing;
        const pw = sums[patternWeight + p * k + j];
        if (m.length === 0 || pw === 0) continue;
        const f = (p * k + j) * d * d;
        // Lower triangle only (m is ascending, so m[r] ≥ m[t] for t ≤ r), as the scatter.
        for (let r = 0; r < m.length; r++) {
          for (let t = 0; t <= r; t++) scatter[c + m[r] * d + m[t]] += pw * this.conditional[f + r * m.length + t];
        }
      }
      for (let a = 0; a < d; a++) {
        for (let b = 0; b <= a; b++) {
          const v = scatter[c + a * d + b] / nj;
          cov[c + a * d + b] = v;
          cov[c + b * d + a] = v;
        }
        cov[c + a * d + a] += this.reg[a];
      }
      // --cov-floor: Σ ⪰ diag(floor), the exact M-step under that constraint (untouched when it holds strictly).
      if (this.floorWork) floorRelative(cov, c, d, this.options.covFloor!, this.floorWork);
      // The floor bounds the eigenvalues (the exact constrained M-step), so EM stays monotone.
      if (this.options.minVar > 0) this.flooredVariances += floorEigenvalues(cov, c, d, this.options.minVar, this.eigenWork);
    }
  }

  /**
   * After an E-step, the sums a shard hands over: LL, n̂, Σ post·x̂ (phase 0's, the missing
   * cells completed by their conditional means under the E-step's parameters) and the
   * expected second moment Σ post·(x̂ x̂ᵀ + C) about the data's centre (the model's, the same
   * on every shard; lower triangle), C the conditional covariance of the row's missing block
   * (0 on its observed cells): Σ_p (Σ_{rows of pattern p} post)·C_p, added per pattern. So
   * the layout is the same on every shard whatever its patterns of missing cells, and the
   * M-step forms the expected scatter around the new means from the sums alone (Ghahramani
   * & Jordan's M-step, as `maximization` forms it from the rows).
   */
  statistics(): SufficientStatistics {
    const { d } = this.data;
    const { k } = this;
    const { ll, nHat, meanSum } = this.at;
    const size = k * d * d;
    const fields: Array<[string, number]> = [
      ['ll', 1],
      ['nHat', k],
      ['meanSum', k * d],
      ['secondMoment', size],
    ];
    const total = new Float64Array(1 + k + k * d + size);
    total[0] = this.sums[ll];
    total.set(this.sums.subarray(nHat, nHat + k), 1);
    total.set(this.sums.subarray(meanSum, meanSum + k * d), 1 + k);
    if (this.data.n > 0) {
      const second = total.subarray(1 + k + k * d);
      this.buffers.newMean.fill(0);
      this.runner.runAll(1);
      addChunks(this.layout, this.buffers.stats, second, size);
      const { patterns } = this.rows;
      const { patternWeight } = this.at;
      for (let p = 0; p < patterns.length; p++) {
        const m = patterns[p].missing;
        if (m.length === 0) continue;
        for (let j = 0; j < k; j++) {
          const pw = this.sums[patternWeight + p * k + j];
          if (pw === 0) continue;
          const f = (p * k + j) * d * d;
          const c = j * d * d;
          for (let r = 0; r < m.length; r++) {
            for (let t = 0; t <= r; t++) second[c + m[r] * d + m[t]] += pw * this.conditional[f + r * m.length + t];
          }
        }
      }
    }
    return { fields, total };
  }

  /** Also each column's variance, Σ_j Σ post·x² over the rows (the data are centred). */
  loadStatistics(total: Float64Array, rows: number): void {
    const { d } = this.data;
    const { k } = this;
    const { ll, nHat, meanSum, patternWeight } = this.at;
    this.sums.fill(0);
    this.sums[ll] = total[0];
    this.sums.set(total.subarray(1, 1 + k), nHat);
    this.sums.set(total.subarray(1 + k, 1 + k + k * d), meanSum);
    // The one pattern of a state on no rows has no missing cells: the conditional terms are in the second moment.
    this.sums.fill(0, patternWeight, patternWeight + k);
    this.loaded = total.slice(1 + k + k * d, 1 + k + k * d + k * d * d);
    this.rows_ = rows;
    const columnVariance = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      let squares = 0;
      for (let j = 0; j < k; j++) squares += this.loaded[j * d * d + i * d + i];
      columnVariance[i] = rows > 0 ? squares / rows : 0;
    }
    this.scales = { ...this.data, columnVariance };
  }

  parameters(): FitParameters {
    return { weight: this.weight, mean: this.buffers.mu, covariance: { matrices: this.cov, d: this.data.d }, minVar: this.options.minVar };
  }

  /**
   * A covariance that is not positive definite, or whose Cholesky pivot in some column
   * is at the rounding level of that column's scale: the component lies on a lower-
   * dimensional set (a constant column, collinear columns, repeated points).
   */
  degeneracy(): string | null {
    const { d } = this.data;
    const { k, cov } = this;
    const { mu } = this.buffers;
    const work = this.eigenWork;
    for (let j = 0; j < k; j++) {
      const c = j * d * d;
      for (let t = 0; t < d * d; t++) work[t] = cov[c + t];
      if (!choleskyInPlace(work, 0, d)) return collapseReason(this.scales, `the covariance of component ${j + 1} is not positive definite`);
      for (let i = 0; i < d; i++) {
        const pivot = work[i * d + i] * work[i * d + i];
        if (pivot <= COLLAPSE_RELATIVE * varianceScale(this.scales, i, mu[j * d + i]) || !(pivot * pivot > 0)) {
          return collapseReason(this.scales, `the covariance of component ${j + 1} is singular (its variance in ${columnLabel(this.data, i)} given the columns before is ${pivot})`);
        }
      }
    }
    return null;
  }

  /**
   * The matrix completed: each missing cell gets Σ_j post(j|u)·E[x_m | x_o, j], the
   * conditional mean under each component, weighted by the posterior of one E-step.
   * Observed cells are copied from `original` unchanged.
   */
  completed(original: Float64Array): Float64Array {
    const { n, d, center } = this.data;
    const { k, posterior, filled } = this;
    this.expectation();
    const out = original.slice();
    for (let u = 0; u < n; u++) {
      const m = this.rows.patterns[this.rows.rowPattern[u]].missing;
      if (m.length === 0) continue;
      for (let r = 0; r < m.length; r++) out[u * d + m[r]] = 0;
      for (let j = 0; j < k; j++) {
        fillRow(this.data, this.rows, this.buffers, k, u, j, filled);
        const w = posterior[u * k + j];
        for (let r = 0; r < m.length; r++) out[u * d + m[r]] += w * (filled[m[r]] + center[m[r]]);
      }
    }
    return out;
  }

  mixture(): Mixture {
    const { k } = this;
    const { d } = this.data;
    const out = shiftMeans(this.buffers.mu, k, this.data, -1);
    return { k, d, mu: out, p: this.weight.slice(), covariance: { family: 'full', matrices: this.cov.slice() } };
  }
}
