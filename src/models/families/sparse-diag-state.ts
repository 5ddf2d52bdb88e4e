import { statisticsFields, type FitParameters, type FitState, type SufficientStatistics } from '../fit-state';
import { regColumns } from './reg';
import type { Mixture } from '../mixture';
import { COLLAPSE_RELATIVE, isUsableVariance, scaleProblem } from '../data';
import type { SparseData } from '../sparse';
import { addChunks, localRunner, type ChunkRunner, type RunnerFactory } from '../kernels/layout';
import { sparseBuffers, sparseDiagKernel, sparseDiagStats, sparseLayout, type SparseBuffers, type SparseLayout } from '../kernels/sparse';
import type { DiagCovariance, FamilyOptions } from './types';
import { fromItemMajor, toItemMajor } from './item-major';
import { SKLEARN_REG_COVAR } from './diag-state';

const LOG_2PI = Math.log(2 * Math.PI);
const WEIGHT_EPSILON = 1e-16;

/**
 * EM for Gaussians with one variance per component and item on sparse rating rows:
 * DiagState's algorithm in O(nnz·K) per iteration. A coordinate with no weight keeps its
 * variance. With `meanPrior` λ > 0 it is MAP EM under mu_ji ~ N(0, var_ji/λ), as in the
 * spherical state: mu_ji = Σ post·x / (W_ji + λ), var_ji = (Σ post·(x − mu)² + λ·mu²) / (W_ji + 1),
 * W_ji = Σ post·δ; the loop watches the log posterior, and logLikelihood() is the data's LL.
 */
export class SparseDiagState implements FitState {
  readonly posterior: Float64Array | null;
  readonly rowLogLikelihood: Float64Array | null;
  readonly layout: SparseLayout;
  readonly buffers: SparseBuffers;
  private readonly runner: ChunkRunner;
  private readonly total: Float64Array;
  private readonly at: ReturnType<typeof sparseDiagStats>;
  /** Item-major d×K. */
  private readonly mu: Float64Array;
  private readonly variance: Float64Array;
  private readonly weight: Float64Array;
  /** --reg-covar per item. */
  private readonly reg: Float64Array;
  /** Per item: its ratings' mean square, the scale a variance of it is judged against. */
  private readonly itemScale: Float64Array;
  /** The users the M-step's weights are over: the data's, or those of statistics loaded from shards. */
  private rows: number;
  private lastLogLikelihood = NaN;
  flooredVariances = 0;

  constructor(
    private readonly data: SparseData,
    start: Mixture,
    private readonly options: FamilyOptions,
    runnerFor: RunnerFactory = localRunner,
  ) {
    const { d } = data;
    const k = start.k;
    if (start.d !== d) throw new Error(`mixture has ${start.d} items, data has ${d}`);
    this.reg = regColumns(options.regCovar, d, SKLEARN_REG_COVAR);
    this.at = sparseDiagStats(k, d);
    this.layout = sparseLayout(data, k, this.at.size);
    this.buffers = sparseBuffers(this.layout, true, runnerFor !== localRunner, options.keepPosterior === true);
    this.mu = toItemMajor(start.mu, k, d);
    const startVariances = toItemMajor((start.covariance as DiagCovariance).variances, k, d);
    this.variance = startVariances.map((v) => Math.max(v, options.minVar));
    this.weight = start.p.slice();
    this.posterior = this.buffers.posterior;
    this.rowLogLikelihood = this.buffers.rowLogLikelihood;
    this.total = new Float64Array(this.layout.statsSize);
    this.itemScale = Float64Array.from(data.columnSquares, (s, i) => s / (data.columnCount[i] || 1));
    this.rows = data.n;
    this.runner = runnerFor(data, this.layout, { family: 'diag', buffers: this.buffers }, sparseDiagKernel, options.kernel);
  }

  expectation(): number {
    const { d } = this.data;
    const { k } = this.layout;
    const { logWeight, a: scaledMu, b: precision, c: muTerm, e: logNorm } = this.buffers;
    for (let j = 0; j < k; j++) logWeight[j] = Math.log(this.weight[j] + WEIGHT_EPSILON);
    for (let c = 0, end = d * k; c < end; c++) {
      const inverse = 1 / this.variance[c];
      const scaled = this.mu[c] * inverse;
      precision[c] = inverse;
      scaledMu[c] = scaled;
      muTerm[c] = this.mu[c] * scaled;
      logNorm[c] = LOG_2PI + Math.log(this.variance[c]);
    }
    const prior = this.logPrior();
    this.runner.runAll();
    addChunks(this.layout, this.buffers.stats, this.total);
    this.lastLogLikelihood = this.total[this.at.ll];
    return this.lastLogLikelihood + prior;
  }

  logLikelihood(): number {
    return this.lastLogLikelihood;
  }

  /** Σ_ji log N(mu_ji; 0, var_ji/λ) under the current parameters (0 without a prior). */
  logPrior(): number {
    const lambda = this.options.meanPrior ?? 0;
    if (!(lambda > 0)) return 0;
    let total = 0;
    for (let c = 0, end = this.mu.length; c < end; c++) {
      const v = this.variance[c];
      total += -0.5 * Math.log((2 * Math.PI * v) / lambda) - (lambda * this.mu[c] * this.mu[c]) / (2 * v);
    }
    return total;
  }

  maximization(): void {
    const { d, complete } = this.data;
    const n = this.rows;
    const { k } = this.layout;
    const { mu, variance, total } = this;
    const { nHat, sumX, sumXX, weight: weightAt } = this.at;
    const minWeight = complete ? Number.MIN_VALUE : 1;
    const prior = this.options.meanPrior ?? 0;
    this.flooredVariances = 0;
    for (let j = 0; j < k; j++) this.weight[j] = total[nHat + j] / n;
    for (let c = 0, end = d * k; c < end; c++) {
      const sx = total[sumX + c];
      const cells = total[weightAt + c];
      if (prior > 0) mu[c] = sx / (cells + prior);
      else if (cells >= minWeight) mu[c] = sx / cells;
      if (!(cells > 0)) continue; // a starved coordinate keeps its variance
      const m = mu[c];
      let v = prior > 0 ? (total[sumXX + c] - 2 * m * sx + m * m * cells + prior * m * m) / (cells + 1) : (total[sumXX + c] - 2 * m * sx + m * m * cells) / cells;
      if (v < 0) v = 0;
      v += this.reg[Math.floor(c / k)];
      if (v < this.options.minVar) {
        v = this.options.minVar;
        this.flooredVariances++;
      }
      variance[c] = v;
    }
  }

  parameters(): FitParameters {
    return { weight: this.weight, mean: this.mu, variance: this.variance, minVar: this.options.minVar };
  }

  statistics(): SufficientStatistics {
    return { fields: statisticsFields(this.at), total: this.total };
  }

  /** Also each item's mean square, Σ_j Σ post·x² over Σ_j Σ post·δ: its ratings' Σx² over their count. */
  loadStatistics(total: Float64Array, rows: number): void {
    this.total.set(total);
    this.rows = rows;
    this.lastLogLikelihood = total[this.at.ll];
    const { d } = this.data;
    const { k } = this.layout;
    for (let i = 0; i < d; i++) {
      let squares = 0;
      let count = 0;
      for (let j = 0; j < k; j++) {
        squares += total[this.at.sumXX + i * k + j];
        count += total[this.at.weight + i * k + j];
      }
      this.itemScale[i] = squares / (count || 1);
    }
  }

  degeneracy(): string | null {
    const { d } = this.data;
    const { k } = this.layout;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < k; j++) {
        const c = i * k + j;
        const v = this.variance[c];
        const threshold = COLLAPSE_RELATIVE * (this.itemScale[i] + this.mu[c] * this.mu[c]);
        if (v > threshold && isUsableVariance(v)) continue;
        const scale = scaleProblem(v);
        if (scale && v > threshold) return `the variance of component ${j + 1} at item ${i + 1} (${v}) cannot be used: ${scale}`;
        return `component ${j + 1} collapsed at item ${i + 1} (variance ${v}): its ratings there are all equal; give a variance floor such as --min-var 0.01, or use --covariance spherical`;
      }
    }
    return null;
  }

  mixture(): Mixture {
    const { k } = this.layout;
    const { d } = this.data;
    return { k, d, mu: fromItemMajor(this.mu, k, d), p: this.weight.slice(), covariance: { family: 'diag', variances: fromItemMajor(this.variance, k, d) } };
  }
}
