import type { FitState } from './family';
import type { Mixture } from './mixture';
import type { PreparedData } from './data';

const LOG_2PI = Math.log(2 * Math.PI);
/** The course's guard against log(0) for a weight that has gone to zero. */
const WEIGHT_EPSILON = 1e-16;

export interface SphericalOptions {
  /** Floor on every variance after an M-step (0 = none). */
  readonly minVar: number;
}

/**
 * EM for a mixture of spherical Gaussians, with missing cells marginalised out:
 * for row u with observed columns C_u,
 *   f(u,j) = ln(p_j + 1e-16) − |C_u|/2·ln(2π·var_j) − ‖x_C − mu_{j,C}‖² / (2·var_j).
 * On complete data C_u is every column and this is the plain spherical GMM.
 *
 * Means are held transposed (d×K) so that every inner loop runs over K, and
 * distances use the expanded form; the M-step's variance comes from the same
 * weighted sums that give the means, with no second pass over the data.
 */
export class SphericalState implements FitState {
  readonly posterior: Float64Array;
  private readonly k: number;
  private readonly muT: Float64Array; // d×K, centred coordinates
  private readonly muSqT: Float64Array; // d×K, mu² (for rows with missing cells)
  private readonly variance: Float64Array;
  private readonly weight: Float64Array;
  // E-step scratch
  private readonly logWeight: Float64Array;
  private readonly halfLogNorm: Float64Array;
  private readonly invTwoVar: Float64Array;
  private readonly muNorm: Float64Array;
  private readonly dot: Float64Array;
  private readonly muSqSum: Float64Array;
  private readonly logTerm: Float64Array;
  // M-step sufficient statistics
  private readonly sumX: Float64Array; // d×K: Σ_u post·x_ui over observed cells
  private readonly sumW: Float64Array; // d×K: Σ_u post·δ(i∈C_u)
  private readonly nHat: Float64Array;
  private readonly sumWRowSq: Float64Array;
  private readonly sumWObserved: Float64Array;

  constructor(
    private readonly data: PreparedData,
    start: Mixture,
    private readonly options: SphericalOptions,
  ) {
    const { n, d } = data;
    const k = start.k;
    if (start.d !== d) throw new Error(`mixture has ${start.d} dimensions, data has ${d}`);
    this.k = k;
    this.posterior = new Float64Array(n * k);
    this.muT = new Float64Array(d * k);
    for (let j = 0; j < k; j++) for (let i = 0; i < d; i++) this.muT[i * k + j] = start.mu[j * d + i] - data.center[i];
    this.muSqT = new Float64Array(d * k);
    this.variance = start.var.slice();
    this.weight = start.p.slice();
    this.logWeight = new Float64Array(k);
    this.halfLogNorm = new Float64Array(k);
    this.invTwoVar = new Float64Array(k);
    this.muNorm = new Float64Array(k);
    this.dot = new Float64Array(k);
    this.muSqSum = new Float64Array(k);
    this.logTerm = new Float64Array(k);
    this.sumX = new Float64Array(d * k);
    this.sumW = new Float64Array(d * k);
    this.nHat = new Float64Array(k);
    this.sumWRowSq = new Float64Array(k);
    this.sumWObserved = new Float64Array(k);
  }

  expectation(): number {
    const { n, d, x, rowSquares, rowObserved, obsStart, obsIndex } = this.data;
    const { k, muT, muSqT, posterior, dot, muSqSum, logTerm, logWeight, halfLogNorm, invTwoVar, muNorm } = this;
    for (let j = 0; j < k; j++) {
      logWeight[j] = Math.log(this.weight[j] + WEIGHT_EPSILON);
      halfLogNorm[j] = 0.5 * (LOG_2PI + Math.log(this.variance[j]));
      invTwoVar[j] = 0.5 / this.variance[j];
      muNorm[j] = 0;
    }
    for (let t = 0; t < d * k; t++) {
      const m = muT[t];
      muSqT[t] = m * m;
      muNorm[t % k] += m * m;
    }

    let logLikelihood = 0;
    for (let u = 0; u < n; u++) {
      dot.fill(0);
      const row = u * d;
      if (obsIndex && obsStart) {
        muSqSum.fill(0);
        for (let t = obsStart[u], end = obsStart[u + 1]; t < end; t++) {
          const i = obsIndex[t];
          const v = x[row + i];
          const base = i * k;
          for (let j = 0; j < k; j++) {
            dot[j] += v * muT[base + j];
            muSqSum[j] += muSqT[base + j];
          }
        }
      } else {
        for (let i = 0; i < d; i++) {
          const v = x[row + i];
          const base = i * k;
          for (let j = 0; j < k; j++) dot[j] += v * muT[base + j];
        }
        muSqSum.set(muNorm);
      }
      const observed = rowObserved[u];
      const sq = rowSquares[u];
      let max = -Infinity;
      for (let j = 0; j < k; j++) {
        let dist = sq - 2 * dot[j] + muSqSum[j];
        if (dist < 0) dist = 0; // rounding only: a squared distance is never negative
        const f = logWeight[j] - observed * halfLogNorm[j] - dist * invTwoVar[j];
        logTerm[j] = f;
        if (f > max) max = f;
      }
      let sum = 0;
      for (let j = 0; j < k; j++) sum += Math.exp(logTerm[j] - max);
      const logSum = max + Math.log(sum);
      logLikelihood += logSum;
      const out = u * k;
      for (let j = 0; j < k; j++) posterior[out + j] = Math.exp(logTerm[j] - logSum);
    }
    return logLikelihood;
  }

  maximization(): void {
    const { n, d, x, rowSquares, rowObserved, obsStart, obsIndex } = this.data;
    const { k, muT, posterior, sumX, sumW, nHat, sumWRowSq, sumWObserved, variance, weight } = this;
    sumX.fill(0);
    sumW.fill(0);
    nHat.fill(0);
    sumWRowSq.fill(0);
    sumWObserved.fill(0);
    for (let u = 0; u < n; u++) {
      const pu = u * k;
      const row = u * d;
      const sq = rowSquares[u];
      const observed = rowObserved[u];
      for (let j = 0; j < k; j++) {
        const w = posterior[pu + j];
        nHat[j] += w;
        sumWRowSq[j] += w * sq;
        sumWObserved[j] += w * observed;
      }
      if (obsIndex && obsStart) {
        for (let t = obsStart[u], end = obsStart[u + 1]; t < end; t++) {
          const i = obsIndex[t];
          const v = x[row + i];
          const base = i * k;
          for (let j = 0; j < k; j++) {
            const w = posterior[pu + j];
            sumX[base + j] += w * v;
            sumW[base + j] += w;
          }
        }
      } else {
        for (let i = 0; i < d; i++) {
          const v = x[row + i];
          const base = i * k;
          for (let j = 0; j < k; j++) sumX[base + j] += posterior[pu + j] * v;
        }
      }
    }
    if (!obsIndex) for (let i = 0; i < d; i++) sumW.set(nHat, i * k);

    // With missing cells a mean coordinate moves only where it has at least one
    // row's worth of weight (the course's rule); on complete data, wherever the
    // component has any weight. Elsewhere the previous value stays.
    const minWeight = obsIndex ? 1 : Number.MIN_VALUE;
    for (let t = 0; t < d * k; t++) if (sumW[t] >= minWeight) muT[t] = sumX[t] / sumW[t];

    for (let j = 0; j < k; j++) {
      weight[j] = nHat[j] / n;
      if (!(sumWObserved[j] > 0)) continue; // a starved component keeps its variance
      // Σ_u w·‖x_C − mu_C‖² = Σ w·‖x_C‖² − 2 Σ_i mu_i·Σ w·x_i + Σ_i mu_i²·Σ w·δ(i∈C_u)
      let cross = 0;
      let square = 0;
      for (let i = 0; i < d; i++) {
        const m = muT[i * k + j];
        cross += m * sumX[i * k + j];
        square += m * m * sumW[i * k + j];
      }
      let v = (sumWRowSq[j] - 2 * cross + square) / sumWObserved[j];
      if (v < 0) v = 0;
      variance[j] = Math.max(v, this.options.minVar);
    }
  }

  mixture(): Mixture {
    const { k } = this;
    const { d, center } = this.data;
    const mu = new Float64Array(k * d);
    for (let j = 0; j < k; j++) for (let i = 0; i < d; i++) mu[j * d + i] = this.muT[i * k + j] + center[i];
    return { k, d, mu, var: this.variance.slice(), p: this.weight.slice() };
  }
}
