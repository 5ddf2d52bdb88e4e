import { loadedCellScale, statisticsFields, type FitParameters, type FitState, type SufficientStatistics } from '../fit-state';
import { regMean } from './reg';
import type { Mixture } from '../mixture';
import { COLLAPSE_RELATIVE, isUsableVariance, scaleProblem } from '../data';
import type { SparseData } from '../sparse';
import { addChunks, localRunner, type ChunkRunner, type RunnerFactory } from '../kernels/layout';
import { sparseBuffers, sparseLayout, sparseSphericalKernel, sparseSphericalStats, type SparseBuffers, type SparseLayout } from '../kernels/sparse';
import type { FamilyOptions, SphericalCovariance } from './types';
import { fromItemMajor, toItemMajor } from './item-major';

const LOG_2PI = Math.log(2 * Math.PI);
/** The course's guard against log(0) for a weight that has gone to zero. */
const WEIGHT_EPSILON = 1e-16;

/**
 * EM for spherical Gaussians on sparse rating rows: SphericalState's algorithm (the unrated
 * cells marginalised out, a mean coordinate moving only where it has a row's worth of weight)
 * in O(nnz·K) per iteration.
 *
 * With `meanPrior` λ > 0 it is MAP EM under the conjugate prior mu_ji ~ N(0, var_j/λ) for every
 * item: the means shrink toward 0 (the baseline, when the values are residuals),
 *   mu_ji = Σ post·x / (Σ post·δ + λ),  var_j = (Σ post·‖x_C − mu_C‖² + λ‖mu_j‖²) / (Σ post·|C| + d),
 * and the objective the loop watches (and stops on) is the log posterior, LL + Σ_j log p(mu_j | var_j),
 * which EM does not decrease. logLikelihood() is the data's LL alone.
 */
export class SparseSphericalState implements FitState {
  readonly posterior: Float64Array | null;
  readonly rowLogLikelihood: Float64Array | null;
  readonly layout: SparseLayout;
  readonly buffers: SparseBuffers;
  private readonly runner: ChunkRunner;
  private readonly total: Float64Array;
  private readonly at: ReturnType<typeof sparseSphericalStats>;
  private readonly variance: Float64Array;
  private readonly weight: Float64Array;
  private readonly regCovar: number;
  private cellScale: number;
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
    this.regCovar = regMean(options.regCovar, 0);
    this.at = sparseSphericalStats(k, d);
    this.layout = sparseLayout(data, k, this.at.size);
    this.buffers = sparseBuffers(this.layout, false, runnerFor !== localRunner, options.keepPosterior === true);
    toItemMajor(start.mu, k, d, this.buffers.a);
    const startVariances = (start.covariance as SphericalCovariance).variances;
    this.variance = Float64Array.from(startVariances, (v) => Math.max(v, options.minVar));
    this.weight = start.p.slice();
    this.posterior = this.buffers.posterior;
    this.rowLogLikelihood = this.buffers.rowLogLikelihood;
    this.total = new Float64Array(this.layout.statsSize);
    let squares = 0;
    for (let u = 0; u < data.n; u++) squares += data.rowSquares[u];
    this.cellScale = data.nnz > 0 ? squares / data.nnz : 0;
    this.rows = data.n;
    this.runner = runnerFor(data, this.layout, { family: 'spherical', buffers: this.buffers }, sparseSphericalKernel, options.kernel);
  }

  expectation(): number {
    const { k } = this.layout;
    const { logWeight, halfLogNorm, invTwoVar } = this.buffers;
    for (let j = 0; j < k; j++) {
      logWeight[j] = Math.log(this.weight[j] + WEIGHT_EPSILON);
      halfLogNorm[j] = 0.5 * (LOG_2PI + Math.log(this.variance[j]));
      invTwoVar[j] = 0.5 / this.variance[j];
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

  /** Σ_j log N(mu_j; 0, var_j/λ · I_d) under the current parameters (0 without a prior). */
  logPrior(): number {
    const lambda = this.options.meanPrior ?? 0;
    if (!(lambda > 0)) return 0;
    const { d } = this.data;
    const { k } = this.layout;
    const mu = this.buffers.a;
    let total = 0;
    for (let j = 0; j < k; j++) {
      let norm = 0;
      for (let i = 0; i < d; i++) norm += mu[i * k + j] * mu[i * k + j];
      const v = this.variance[j];
      total += -0.5 * d * Math.log((2 * Math.PI * v) / lambda) - (lambda * norm) / (2 * v);
    }
    return total;
  }

  maximization(): void {
    const { d, complete } = this.data;
    const n = this.rows;
    const { k } = this.layout;
    const mu = this.buffers.a;
    const total = this.total;
    const { nHat, rowSq, observed: observedSum, sumX, weight: weightAt } = this.at;
    const minWeight = complete ? Number.MIN_VALUE : 1;
    const prior = this.options.meanPrior ?? 0;
    this.flooredVariances = 0;
    for (let j = 0; j < k; j++) {
      const nj = total[nHat + j];
      this.weight[j] = nj / n;
      let cross = 0;
      let square = 0;
      for (let i = 0; i < d; i++) {
        const c = i * k + j;
        const sx = total[sumX + c];
        const observedWeight = total[weightAt + c];
        if (prior > 0) mu[c] = sx / (observedWeight + prior);
        else if (observedWeight >= minWeight) mu[c] = sx / observedWeight;
        const m = mu[c];
        cross += m * sx;
        square += m * m * observedWeight;
      }
      let cells = total[observedSum + j];
      if (!(cells > 0)) continue; // a starved component keeps its variance
      let spread = total[rowSq + j] - 2 * cross + square;
      if (prior > 0) {
        // The prior's share: λ‖mu_j‖² and one cell per item.
        let norm = 0;
        for (let i = 0; i < d; i++) norm += mu[i * k + j] * mu[i * k + j];
        spread += prior * norm;
        cells += d;
      }
      let v = spread / cells;
      if (v < 0) v = 0;
      v += this.regCovar;
      if (v < this.options.minVar) {
        v = this.options.minVar;
        this.flooredVariances++;
      }
      this.variance[j] = v;
    }
  }

  parameters(): FitParameters {
    return { weight: this.weight, mean: this.buffers.a, variance: this.variance, minVar: this.options.minVar };
  }

  statistics(): SufficientStatistics {
    return { fields: statisticsFields(this.at), total: this.total };
  }

  loadStatistics(total: Float64Array, rows: number): void {
    this.total.set(total);
    this.rows = rows;
    this.lastLogLikelihood = total[this.at.ll];
    this.cellScale = loadedCellScale(total, this.at.rowSq, this.at.observed, this.layout.k);
  }

  degeneracy(): string | null {
    const { d } = this.data;
    const { k } = this.layout;
    const mu = this.buffers.a;
    for (let j = 0; j < k; j++) {
      let norm = 0;
      for (let i = 0; i < d; i++) norm += mu[i * k + j] * mu[i * k + j];
      const v = this.variance[j];
      const threshold = COLLAPSE_RELATIVE * (this.cellScale + norm / d);
      if (v > threshold && isUsableVariance(v)) continue;
      const scale = scaleProblem(v);
      if (scale && v > threshold) return `the variance of component ${j + 1} (${v}) cannot be used: ${scale}`;
      if (!(this.cellScale > 0)) return 'every rating is 0, so there is no spread to fit; give a variance floor such as --min-var 1e-6';
      return `component ${j + 1} collapsed onto repeated ratings (variance ${v}); try fewer components, or a variance floor such as --min-var ${(1e-6 * this.cellScale).toExponential(0)}`;
    }
    return null;
  }

  mixture(): Mixture {
    const { k } = this.layout;
    const { d } = this.data;
    return { k, d, mu: fromItemMajor(this.buffers.a, k, d), p: this.weight.slice(), covariance: { family: 'spherical', variances: this.variance.slice() } };
  }
}
