import { statisticsFields, type FitParameters, type FitState, type SufficientStatistics } from '../fit-state';
import { regColumns } from './reg';
import type { Mixture } from '../mixture';
import { COLLAPSE_RELATIVE, columnLabel, constantColumns, isUsableVariance, scaleProblem, shiftMeans, varianceScale, type PreparedData } from '../data';
import { addChunks, localRunner, type ChunkLayout, type ChunkRunner, type RunnerFactory } from '../kernels/layout';
import { diagBuffers, diagKernel, diagLayout, diagStats, type DiagBuffers, type DiagStats } from '../kernels/diag';
import type { DiagCovariance, FamilyOptions } from './types';

const LOG_2PI = Math.log(2 * Math.PI);
const WEIGHT_EPSILON = 1e-16;
/** scikit-learn's reg_covar, the default of diag and full. */
export const SKLEARN_REG_COVAR = 1e-6;

/**
 * EM for Gaussians with diagonal covariances (one variance per component and
 * dimension; mclust's VVI). Missing cells are marginalised out per dimension,
 * as the spherical family does: for row u with observed columns C_u,
 *   f(u,j) = ln(p_j + 1e-16) − ½ Σ_{i∈C_u} [ln(2π·var_ji) + (x_ui − mu_ji)²/var_ji].
 * The E-step runs chunk by chunk (kernels/diag.ts), with the distances expanded
 * into two dense products, and sums what the M-step needs; the chunk sums are
 * added in chunk order, so rows split over threads give the same bits. A mean
 * coordinate moves where its weight Σ_u post·δ(i∈C_u) is ≥ 1 with missing cells
 * (> 0 on complete data); var_ji = max(Σ post·(x − mu)²/weight + regCovar, covFloor_i, minVar),
 * with Σ post·(x − mu)² = Σ post·x² − 2·mu·Σ post·x + mu²·weight (scikit-learn's form;
 * the data are centred, which keeps the cancellation small).
 */
export class DiagState implements FitState {
  /** The last E-step's posterior, n×K, when the state was made with keepPosterior. */
  readonly posterior: Float64Array | null;
  /** Each row's log-likelihood at the last E-step, with keepPosterior. */
  readonly rowLogLikelihood: Float64Array | null;
  readonly layout: ChunkLayout;
  readonly buffers: DiagBuffers;
  private readonly runner: ChunkRunner;
  private readonly total: Float64Array;
  private readonly at: DiagStats;
  /** --reg-covar per column. */
  private readonly reg: Float64Array;
  /** The rows the M-step's weights are over: the data's, or those of statistics loaded from shards. */
  private rows: number;
  /** The data whose column variances the degeneracy checks judge against: the data, or with the loaded statistics' variances. */
  private scales: PreparedData;
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
    this.reg = regColumns(options.regCovar, d, SKLEARN_REG_COVAR);
    this.layout = diagLayout(data, k);
    this.at = diagStats(k, d, data.observed !== null);
    this.buffers = diagBuffers(this.layout, runnerFor !== localRunner, options.keepPosterior === true);
    const { mu, variance, weight } = this.buffers;
    shiftMeans(start.mu, k, data, 1, mu);
    const startVariances = (start.covariance as DiagCovariance).variances;
    for (let c = 0; c < k * d; c++) variance[c] = Math.max(startVariances[c], options.minVar);
    weight.set(start.p);
    this.posterior = this.buffers.posterior;
    this.rowLogLikelihood = this.buffers.rowLogLikelihood;
    this.total = new Float64Array(this.layout.statsSize);
    this.rows = data.n;
    this.scales = data;
    this.runner = runnerFor(data, this.layout, { family: 'diag', buffers: this.buffers }, diagKernel, options.kernel);
  }

  expectation(): number {
    const { d } = this.data;
    const { k } = this.layout;
    const { mu, variance, weight, logWeight, scaledMu, precision, muTerm, logNormTerm, muTermT, logNormT } = this.buffers;
    for (let j = 0; j < k; j++) {
      logWeight[j] = Math.log(weight[j] + WEIGHT_EPSILON);
      let muSum = 0;
      let logNormSum = 0;
      for (let i = 0; i < d; i++) {
        const c = j * d + i;
        const inverse = 1 / variance[c];
        const scaled = mu[c] * inverse;
        const muPart = mu[c] * scaled;
        const logNorm = LOG_2PI + Math.log(variance[c]);
        precision[c] = inverse;
        scaledMu[c] = scaled;
        muTermT[i * k + j] = muPart;
        logNormT[i * k + j] = logNorm;
        muSum += muPart;
        logNormSum += logNorm;
      }
      muTerm[j] = muSum;
      logNormTerm[j] = logNormSum;
    }
    this.runner.runAll();
    addChunks(this.layout, this.buffers.stats, this.total);
    return this.total[this.at.ll];
  }

  maximization(): void {
    const { d, observed } = this.data;
    const n = this.rows;
    const { k } = this.layout;
    const { mu, variance, weight } = this.buffers;
    const total = this.total;
    const { nHat, sumX, sumXX } = this.at;
    const observedWeightAt = observed ? this.at.observedWeight : -1;
    const minWeight = observed ? 1 : Number.MIN_VALUE;
    const floor = this.options.covFloor;
    this.flooredVariances = 0;
    for (let j = 0; j < k; j++) {
      const nj = total[nHat + j];
      weight[j] = nj / n;
      for (let i = 0; i < d; i++) {
        const c = j * d + i;
        const sx = total[sumX + c];
        const cells = observedWeightAt >= 0 ? total[observedWeightAt + c] : nj;
        if (cells >= minWeight) mu[c] = sx / cells;
        if (!(cells > 0)) continue; // a starved coordinate keeps its variance
        const m = mu[c];
        let v = (total[sumXX + c] - 2 * m * sx + m * m * cells) / cells;
        if (v < 0) v = 0;
        v += this.reg[i];
        if (floor !== undefined && v < floor[i]) v = floor[i];
        if (v < this.options.minVar) {
          v = this.options.minVar;
          this.flooredVariances++;
        }
        variance[c] = v;
      }
    }
  }

  parameters(): FitParameters {
    const { mu, variance, weight } = this.buffers;
    return { weight, mean: mu, variance, minVar: this.options.minVar };
  }

  statistics(): SufficientStatistics {
    return { fields: statisticsFields(this.at), total: this.total };
  }

  /** Also each column's variance over its observed cells, Σ_j Σ post·x² over Σ_j Σ post·δ (the data are centred). */
  loadStatistics(total: Float64Array, rows: number): void {
    this.total.set(total);
    this.rows = rows;
    const { d } = this.data;
    const { k } = this.layout;
    const weightAt = this.data.observed ? this.at.observedWeight : -1;
    const columnVariance = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      let squares = 0;
      let cells = 0;
      for (let j = 0; j < k; j++) {
        squares += total[this.at.sumXX + j * d + i];
        cells += weightAt >= 0 ? total[weightAt + j * d + i] : total[this.at.nHat + j];
      }
      columnVariance[i] = cells > 0 ? squares / cells : 0;
    }
    this.scales = { ...this.data, columnVariance };
  }

  /** A variance at the rounding level of its column's scale: the component sits on one value of that column. */
  degeneracy(): string | null {
    const { d } = this.data;
    const { k } = this.layout;
    const { mu, variance } = this.buffers;
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < d; i++) {
        const v = variance[j * d + i];
        const threshold = COLLAPSE_RELATIVE * varianceScale(this.scales, i, mu[j * d + i]);
        if (v > threshold && isUsableVariance(v)) continue;
        const scale = scaleProblem(v);
        if (scale && v > threshold) return `the variance of component ${j + 1} in ${columnLabel(this.data, i)} (${v}) cannot be used: ${scale}`;
        return collapseReason(this.scales, `component ${j + 1} collapsed in ${columnLabel(this.data, i)} (variance ${v}): it holds a single value there`);
      }
    }
    return null;
  }

  mixture(): Mixture {
    const { k } = this.layout;
    const { d } = this.data;
    return { k, d, mu: shiftMeans(this.buffers.mu, k, this.data, -1), p: this.buffers.weight.slice(), covariance: { family: 'diag', variances: this.buffers.variance.slice() } };
  }
}

/**
 * Why a diag or full fit failed: a constant column when there is one (any variance of
 * it is 0, so --cov-floor or --reg-covar must be > 0 or the column dropped), else `otherwise`.
 */
export function collapseReason(data: PreparedData, otherwise: string): string {
  const constant = constantColumns(data);
  if (constant.length === 0) return `${otherwise}; raise --cov-floor or --reg-covar, use fewer components, or scale the data`;
  const one = constant.length === 1;
  const names = constant.slice(0, 5).map((i) => columnLabel(data, i).replace(/^column /, '')).join(', ') + (constant.length > 5 ? `, … (${constant.length} in all)` : '');
  return `${one ? 'column' : 'columns'} ${names} ${one ? 'is' : 'are'} constant, so ${one ? 'its' : 'their'} variance is 0 in every component; drop ${one ? 'it' : 'them'} or give --cov-floor > 0 or --reg-covar > 0`;
}
