import { DataError } from '../core/errors';
import type { FitState } from './family';
import type { Mixture } from './mixture';
import type { PreparedData } from './data';
import type { CovarianceOptions } from './diag';
import { choleskyInPlace, solvedSquaredNorm } from './linalg';

const LOG_2PI = Math.log(2 * Math.PI);
const WEIGHT_EPSILON = 1e-16;

/**
 * EM for Gaussians with full covariances (mclust's VVV), on complete data.
 * The E-step factors each covariance once per iteration (Cholesky, L·Lᵀ = Σ_j);
 * the log-determinant is 2·Σ ln L_ii and the Mahalanobis distance ‖L⁻¹(x − mu_j)‖².
 * The M-step is scikit-learn's: Σ_j = Σ_u post·(x − mu_j)(x − mu_j)ᵀ / n̂_j + regCovar·I,
 * with each diagonal entry then floored at minVar (adding to a diagonal keeps Σ_j
 * positive definite).
 */
export class FullState implements FitState {
  readonly posterior: Float64Array;
  private readonly k: number;
  private readonly mu: Float64Array; // K×d, centred
  private readonly cov: Float64Array; // K×d×d
  private readonly factor: Float64Array; // K×d×d, lower Cholesky factors
  private readonly logDet: Float64Array;
  private readonly weight: Float64Array;
  private readonly logTerm: Float64Array;
  private readonly diff: Float64Array;
  private readonly nHat: Float64Array;

  constructor(
    private readonly data: PreparedData,
    start: Mixture,
    private readonly options: CovarianceOptions,
  ) {
    if (data.observed) throw new DataError('--covariance full does not handle missing cells yet; use spherical or diag');
    const { n, d } = data;
    const k = start.k;
    this.k = k;
    this.posterior = new Float64Array(n * k);
    this.mu = new Float64Array(k * d);
    for (let j = 0; j < k; j++) for (let i = 0; i < d; i++) this.mu[j * d + i] = start.mu[j * d + i] - data.center[i];
    this.cov = start.var.slice();
    for (let j = 0; j < k; j++) for (let i = 0; i < d; i++) this.cov[j * d * d + i * d + i] = Math.max(this.cov[j * d * d + i * d + i], options.minVar);
    this.factor = new Float64Array(k * d * d);
    this.logDet = new Float64Array(k);
    this.weight = start.p.slice();
    this.logTerm = new Float64Array(k);
    this.diff = new Float64Array(d);
    this.nHat = new Float64Array(k);
  }

  expectation(): number {
    const { n, d, x } = this.data;
    const { k, mu, factor, logDet, logTerm, diff, posterior } = this;
    factor.set(this.cov);
    for (let j = 0; j < k; j++) {
      if (!choleskyInPlace(factor, j * d * d, d)) {
        throw new DataError(
          `the covariance of component ${j + 1} is not positive definite; raise --reg-covar, use fewer components, or scale the data`,
        );
      }
      let s = 0;
      for (let i = 0; i < d; i++) s += Math.log(factor[j * d * d + i * d + i]);
      logDet[j] = 2 * s;
    }
    let logLikelihood = 0;
    for (let u = 0; u < n; u++) {
      let max = -Infinity;
      for (let j = 0; j < k; j++) {
        for (let i = 0; i < d; i++) diff[i] = x[u * d + i] - mu[j * d + i];
        const maha = solvedSquaredNorm(factor, j * d * d, d, diff);
        const f = Math.log(this.weight[j] + WEIGHT_EPSILON) - 0.5 * (d * LOG_2PI + logDet[j] + maha);
        logTerm[j] = f;
        if (f > max) max = f;
      }
      let sum = 0;
      for (let j = 0; j < k; j++) sum += Math.exp(logTerm[j] - max);
      const logSum = max + Math.log(sum);
      logLikelihood += logSum;
      for (let j = 0; j < k; j++) posterior[u * k + j] = Math.exp(logTerm[j] - logSum);
    }
    return logLikelihood;
  }

  maximization(): void {
    const { n, d, x } = this.data;
    const { k, mu, cov, weight, posterior, nHat, diff } = this;
    nHat.fill(0);
    for (let u = 0; u < n; u++) for (let j = 0; j < k; j++) nHat[j] += posterior[u * k + j];
    for (let j = 0; j < k; j++) {
      weight[j] = nHat[j] / n;
      if (!(nHat[j] > 0)) continue; // a starved component keeps its mean and covariance
      const m = j * d;
      for (let i = 0; i < d; i++) mu[m + i] = 0;
      for (let u = 0; u < n; u++) {
        const w = posterior[u * k + j];
        for (let i = 0; i < d; i++) mu[m + i] += w * x[u * d + i];
      }
      for (let i = 0; i < d; i++) mu[m + i] /= nHat[j];
      const c = j * d * d;
      cov.fill(0, c, c + d * d);
      for (let u = 0; u < n; u++) {
        const w = posterior[u * k + j];
        for (let i = 0; i < d; i++) diff[i] = x[u * d + i] - mu[m + i];
        for (let a = 0; a < d; a++) {
          const wa = w * diff[a];
          for (let b = 0; b <= a; b++) cov[c + a * d + b] += wa * diff[b];
        }
      }
      for (let a = 0; a < d; a++) {
        for (let b = 0; b <= a; b++) {
          const v = cov[c + a * d + b] / nHat[j];
          cov[c + a * d + b] = v;
          cov[c + b * d + a] = v;
        }
        cov[c + a * d + a] = Math.max(cov[c + a * d + a] + this.options.regCovar, this.options.minVar);
      }
    }
  }

  mixture(): Mixture {
    const { k, mu } = this;
    const { d, center } = this.data;
    const out = new Float64Array(k * d);
    for (let j = 0; j < k; j++) for (let i = 0; i < d; i++) out[j * d + i] = mu[j * d + i] + center[i];
    return { k, d, covariance: 'full', mu: out, var: this.cov.slice(), p: this.weight.slice() };
  }
}
