import { loadedCellScale, statisticsFields, type FitParameters, type FitState, type SufficientStatistics } from '../fit-state';
import { regMean } from './reg';
import type { Mixture } from '../mixture';
import { COLLAPSE_RELATIVE, isUsableVariance, scaleProblem, shiftMeans, type PreparedData } from '../data';
import { addChunks, localRunner, type ChunkLayout, type ChunkRunner, type RunnerFactory } from '../kernels/layout';
import { sphericalBuffers, sphericalKernel, sphericalLayout, sphericalStats, type SphericalBuffers, type SphericalStats } from '../kernels/spherical';
import type { FamilyOptions, SphericalCovariance } from './types';

const LOG_2PI = Math.log(2 * Math.PI);
/** The course's guard against log(0) for a weight that has gone to zero. */
const WEIGHT_EPSILON = 1e-16;

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
  /** Each row's log-likelihood at the last E-step, with keepPosterior. */
  readonly rowLogLikelihood: Float64Array | null;
  readonly layout: ChunkLayout;
  readonly buffers: SphericalBuffers;
  private readonly runner: ChunkRunner;
  /** The chunks' statistics added up, and where each one sits. */
  private readonly total: Float64Array;
  private readonly at: SphericalStats;
  private readonly regCovar: number;
  /** The data's scale per observed cell: the mean of the column variances weighted by their observed cells. */
  private cellScale: number;
  /** The rows the M-step's weights are over: the data's, or those of statistics loaded from shards. */
  private rows: number;
  flooredVariances = 0;

  /** `runnerFor` lets a caller spread the chunks over threads; by default they run here. */
  constructor(
    private readonly data: PreparedData,
    start: Mixture,
    private readonly options: FamilyOptions,
    runnerFor: RunnerFactory = localRunner,
  ) {
    const { d } = data;
    const k = start.k;
    if (start.d !== d) throw new Error(`mixture has ${start.d} dimensions, data has ${d}`);
    const startVariances = (start.covariance as SphericalCovariance).variances;
    this.regCovar = regMean(options.regCovar, 0);
    this.layout = sphericalLayout(data, k);
    this.at = sphericalStats(k, d, data.observed !== null);
    this.buffers = sphericalBuffers(this.layout, runnerFor !== localRunner, options.keepPosterior === true);
    const { mu, variance, weight } = this.buffers;
    shiftMeans(start.mu, k, data, 1, mu);
    // The floor holds from the start: a start at 0 (identical rows) or below it would
    // make the first E-step infinite or let the first M-step lower the LL.
    for (let j = 0; j < k; j++) variance[j] = Math.max(startVariances[j], options.minVar);
    weight.set(start.p);
    this.posterior = this.buffers.posterior;
    this.rowLogLikelihood = this.buffers.rowLogLikelihood;
    this.total = new Float64Array(this.layout.statsSize);
    let squares = 0;
    let cells = 0;
    for (let u = 0; u < data.n; u++) {
      squares += data.rowSquares[u];
      cells += data.rowObserved[u];
    }
    this.cellScale = cells > 0 ? squares / cells : 0;
    this.rows = data.n;
    this.runner = runnerFor(data, this.layout, { family: 'spherical', buffers: this.buffers }, sphericalKernel, options.kernel);
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
    const total = this.total;
    addChunks(this.layout, this.buffers.stats, total);
    return total[this.at.ll];
  }

  maximization(): void {
    const { d } = this.data;
    const n = this.rows;
    const { k } = this.layout;
    const { mu, variance, weight } = this.buffers;
    const total = this.total;
    const { nHat, rowSq, observed: observedSum, sumX } = this.at;
    const observedWeightAt = this.data.observed ? this.at.observedWeight : -1;
    // With missing cells a mean coordinate moves only where it has at least one
    // row's worth of weight (the course's rule); on complete data, wherever the
    // component has any weight. Elsewhere the previous value stays.
    const minWeight = observedWeightAt >= 0 ? 1 : Number.MIN_VALUE;
    this.flooredVariances = 0;
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
      v += this.regCovar;
      if (v < this.options.minVar) {
        v = this.options.minVar;
        this.flooredVariances++;
      }
      variance[j] = v;
    }
  }

  parameters(): FitParameters {
    const { mu, variance, weight } = this.buffers;
    return { weight, mean: mu, variance, minVar: this.options.minVar };
  }

  statistics(): SufficientStatistics {
    return { fields: statisticsFields(this.at), total: this.total };
  }

  loadStatistics(total: Float64Array, rows: number): void {
    this.total.set(total);
    this.rows = rows;
    this.cellScale = loadedCellScale(total, this.at.rowSq, this.at.observed, this.layout.k);
  }

  /**
   * A component whose variance is at the rounding level of the data's scale sits on
   * repeated points: its likelihood is unbounded (the expanded distances leave a few
   * units in the last place, 6.8e-15 where the exact value is 0).
   */
  degeneracy(): string | null {
    const { d } = this.data;
    const { k } = this.layout;
    const { mu, variance } = this.buffers;
    for (let j = 0; j < k; j++) {
      let norm = 0;
      for (let i = 0; i < d; i++) norm += mu[j * d + i] * mu[j * d + i];
      const v = variance[j];
      if (v > COLLAPSE_RELATIVE * (this.cellScale + norm / d) && isUsableVariance(v)) continue;
      const scale = scaleProblem(v);
      if (scale && v > COLLAPSE_RELATIVE * (this.cellScale + norm / d)) return `the variance of component ${j + 1} (${v}) cannot be used: ${scale}`;
      if (!(this.cellScale > 0)) return 'every row is the same point, so there is no spread to fit; give a variance floor such as --min-var 1e-6';
      const floor = (1e-6 * this.cellScale).toExponential(0);
      return `component ${j + 1} collapsed onto repeated points (variance ${v}, at the rounding level of the data's scale ${this.cellScale.toPrecision(3)}); try fewer components, or a variance floor such as --min-var ${floor}`;
    }
    return null;
  }

  mixture(): Mixture {
    const { k } = this.layout;
    const { d } = this.data;
    return { k, d, mu: shiftMeans(this.buffers.mu, k, this.data, -1), p: this.buffers.weight.slice(), covariance: { family: 'spherical', variances: this.buffers.variance.slice() } };
  }
}
