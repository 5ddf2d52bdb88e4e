import type { FitState } from './family';
import type { Mixture } from './mixture';
import { normaliseRow, shiftMeans, type PreparedData } from './data';

const LOG_2PI = Math.log(2 * Math.PI);
const WEIGHT_EPSILON = 1e-16;

export interface CovarianceOptions {
  /** Floor on every variance after an M-step (0 = none). */
  readonly minVar: number;
  /** Added to every variance after an M-step, as scikit-learn's reg_covar. */
  readonly regCovar: number;
}

/**
 * EM for Gaussians with diagonal covariances (one variance per component and
 * dimension; mclust's VVI). Missing cells are marginalised out per dimension,
 * as the spherical family does: for row u with observed columns C_u,
 *   f(u,j) = ln(p_j + 1e-16) − ½ Σ_{i∈C_u} [ln(2π·var_ji) + (x_ui − mu_ji)²/var_ji].
 * Distances are taken directly, (x − mu)², not expanded. A mean coordinate
 * moves where its weight Σ_u post·δ(i∈C_u) is ≥ 1 with missing cells (> 0 on
 * complete data); var_ji = max(Σ post·(x − mu)²/weight + regCovar, minVar).
 */
export class DiagState implements FitState {
  readonly posterior: Float64Array;
  /** Each row's log-likelihood at the last E-step. */
  readonly rowLogLikelihood: Float64Array;
  private readonly k: number;
  private readonly mu: Float64Array; // K×d, centred
  private readonly variance: Float64Array; // K×d
  private readonly weight: Float64Array;
  private readonly logNorm: Float64Array; // K×d: ln(2π·var)
  private readonly inverse: Float64Array; // K×d: 1/var
  private readonly logTerm: Float64Array;
  private readonly weightSum: Float64Array; // K×d
  private readonly sumX: Float64Array; // K×d
  private readonly nHat: Float64Array;

  constructor(
    private readonly data: PreparedData,
    start: Mixture,
    private readonly options: CovarianceOptions,
  ) {
    const { n, d } = data;
    const k = start.k;
    this.k = k;
    this.posterior = new Float64Array(n * k);
    this.rowLogLikelihood = new Float64Array(n);
    this.mu = shiftMeans(start.mu, k, data, 1);
    this.variance = new Float64Array(k * d);
    for (let c = 0; c < k * d; c++) this.variance[c] = Math.max(start.var[c], options.minVar);
    this.weight = start.p.slice();
    this.logNorm = new Float64Array(k * d);
    this.inverse = new Float64Array(k * d);
    this.logTerm = new Float64Array(k);
    this.weightSum = new Float64Array(k * d);
    this.sumX = new Float64Array(k * d);
    this.nHat = new Float64Array(k);
  }

  expectation(): number {
    const { n, d, x, observed } = this.data;
    const { k, mu, logNorm, inverse, logTerm, posterior } = this;
    for (let c = 0; c < k * d; c++) {
      logNorm[c] = LOG_2PI + Math.log(this.variance[c]);
      inverse[c] = 1 / this.variance[c];
    }
    let logLikelihood = 0;
    for (let u = 0; u < n; u++) {
      const row = u * d;
      for (let j = 0; j < k; j++) {
        const base = j * d;
        let s = 0;
        for (let i = 0; i < d; i++) {
          if (observed && observed[row + i] === 0) continue;
          const diff = x[row + i] - mu[base + i];
          s += logNorm[base + i] + diff * diff * inverse[base + i];
        }
        const f = Math.log(this.weight[j] + WEIGHT_EPSILON) - 0.5 * s;
        logTerm[j] = f;
      }
      const logSum = normaliseRow(logTerm, k, posterior, u * k);
      logLikelihood += logSum;
      this.rowLogLikelihood[u] = logSum;
    }
    return logLikelihood;
  }

  maximization(): void {
    const { n, d, x, observed } = this.data;
    const { k, mu, variance, weight, posterior, weightSum, sumX, nHat } = this;
    weightSum.fill(0);
    sumX.fill(0);
    nHat.fill(0);
    for (let u = 0; u < n; u++) {
      const row = u * d;
      for (let j = 0; j < k; j++) {
        const w = posterior[u * k + j];
        nHat[j] += w;
        const base = j * d;
        for (let i = 0; i < d; i++) {
          if (observed && observed[row + i] === 0) continue;
          weightSum[base + i] += w;
          sumX[base + i] += w * x[row + i];
        }
      }
    }
    const minWeight = observed ? 1 : Number.MIN_VALUE;
    for (let c = 0; c < k * d; c++) if (weightSum[c] >= minWeight) mu[c] = sumX[c] / weightSum[c];
    sumX.fill(0); // now Σ post·(x − mu)²
    for (let u = 0; u < n; u++) {
      const row = u * d;
      for (let j = 0; j < k; j++) {
        const w = posterior[u * k + j];
        const base = j * d;
        for (let i = 0; i < d; i++) {
          if (observed && observed[row + i] === 0) continue;
          const diff = x[row + i] - mu[base + i];
          sumX[base + i] += w * diff * diff;
        }
      }
    }
    for (let j = 0; j < k; j++) weight[j] = nHat[j] / n;
    for (let c = 0; c < k * d; c++) {
      if (!(weightSum[c] > 0)) continue; // a starved coordinate keeps its variance
      variance[c] = Math.max(sumX[c] / weightSum[c] + this.options.regCovar, this.options.minVar);
    }
  }

  mixture(): Mixture {
    const { k, mu } = this;
    const { d } = this.data;
    const out = shiftMeans(mu, k, this.data, -1);
    return { k, d, covariance: 'diag', mu: out, var: this.variance.slice(), p: this.weight.slice() };
  }
}
