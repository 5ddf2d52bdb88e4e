import type { FitState } from './family';
import type { Mixture } from './mixture';
import type { PreparedData } from './data';
import { addWeightedRows, rowDots } from './kernels';

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
 * Distances use the expanded form ‖x_C‖² − 2·x·mu_j + ‖mu_{j,C}‖². Missing cells
 * are 0 in x, so x·mu_j is a dense dot product; ‖mu_{j,C}‖² is ‖mu_j‖² less the
 * missing columns. The M-step likewise takes dense weighted sums of x and
 * subtracts the missing cells' weights, and gets each variance from those same
 * sums, with no second pass over the data.
 */
export class SphericalState implements FitState {
  readonly posterior: Float64Array;
  private readonly k: number;
  private readonly mu: Float64Array; // K×d, centred coordinates
  private readonly muSquaredT: Float64Array; // d×K: mu², transposed for the missing-cell sums
  private readonly missingNorm: Float64Array;
  private readonly variance: Float64Array;
  private readonly weight: Float64Array;
  // E-step scratch
  private readonly logWeight: Float64Array;
  private readonly halfLogNorm: Float64Array;
  private readonly invTwoVar: Float64Array;
  private readonly muNorm: Float64Array;
  private readonly logTerm: Float64Array;
  // M-step sufficient statistics
  private readonly sumX: Float64Array; // K×d: Σ_u post·x_ui (0 at missing cells)
  private readonly missingWeight: Float64Array; // d×K: Σ_u post·δ(i∉C_u)
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
    this.mu = new Float64Array(k * d);
    for (let j = 0; j < k; j++) for (let i = 0; i < d; i++) this.mu[j * d + i] = start.mu[j * d + i] - data.center[i];
    this.muSquaredT = new Float64Array(d * k);
    this.missingNorm = new Float64Array(k);
    this.variance = start.var.slice();
    this.weight = start.p.slice();
    this.logWeight = new Float64Array(k);
    this.halfLogNorm = new Float64Array(k);
    this.invTwoVar = new Float64Array(k);
    this.muNorm = new Float64Array(k);
    this.logTerm = new Float64Array(k);
    this.sumX = new Float64Array(k * d);
    this.missingWeight = new Float64Array(d * k);
    this.nHat = new Float64Array(k);
    this.sumWRowSq = new Float64Array(k);
    this.sumWObserved = new Float64Array(k);
  }

  expectation(): number {
    const { n, d, x, rowSquares, rowObserved, missingStart, missingIndex } = this.data;
    const { k, mu, muSquaredT, missingNorm, posterior, logTerm, logWeight, halfLogNorm, invTwoVar, muNorm } = this;
    for (let j = 0; j < k; j++) {
      logWeight[j] = Math.log(this.weight[j] + WEIGHT_EPSILON);
      halfLogNorm[j] = 0.5 * (LOG_2PI + Math.log(this.variance[j]));
      invTwoVar[j] = 0.5 / this.variance[j];
      let norm = 0;
      for (let i = 0; i < d; i++) {
        const m = mu[j * d + i];
        muSquaredT[i * k + j] = m * m;
        norm += m * m;
      }
      muNorm[j] = norm;
    }

    // The dot products x_u·mu_j go into the posterior buffer, which each row then overwrites.
    rowDots(x, n, d, mu, k, posterior);
    let logLikelihood = 0;
    for (let u = 0; u < n; u++) {
      const out = u * k;
      const observed = rowObserved[u];
      const sq = rowSquares[u];
      // ‖mu_{j,C_u}‖² = ‖mu_j‖² − Σ over the row's missing columns of mu_j²
      missingNorm.fill(0);
      if (missingStart && missingIndex) {
        for (let t = missingStart[u], end = missingStart[u + 1]; t < end; t++) {
          const base = missingIndex[t] * k;
          for (let j = 0; j < k; j++) missingNorm[j] += muSquaredT[base + j];
        }
      }
      let max = -Infinity;
      for (let j = 0; j < k; j++) {
        let dist = sq - 2 * posterior[out + j] + (muNorm[j] - missingNorm[j]);
        if (dist < 0) dist = 0; // rounding only: a squared distance is never negative
        const f = logWeight[j] - observed * halfLogNorm[j] - dist * invTwoVar[j];
        logTerm[j] = f;
        if (f > max) max = f;
      }
      let sum = 0;
      for (let j = 0; j < k; j++) sum += Math.exp(logTerm[j] - max);
      const logSum = max + Math.log(sum);
      logLikelihood += logSum;
      for (let j = 0; j < k; j++) posterior[out + j] = Math.exp(logTerm[j] - logSum);
    }
    return logLikelihood;
  }

  maximization(): void {
    const { n, d, x, rowSquares, rowObserved, missingStart, missingIndex } = this.data;
    const { k, mu, posterior, sumX, missingWeight, nHat, sumWRowSq, sumWObserved, variance, weight } = this;
    sumX.fill(0);
    missingWeight.fill(0);
    nHat.fill(0);
    sumWRowSq.fill(0);
    sumWObserved.fill(0);
    for (let u = 0; u < n; u++) {
      const pu = u * k;
      const sq = rowSquares[u];
      const observed = rowObserved[u];
      for (let j = 0; j < k; j++) {
        const w = posterior[pu + j];
        nHat[j] += w;
        sumWRowSq[j] += w * sq;
        sumWObserved[j] += w * observed;
      }
      if (missingStart && missingIndex) {
        for (let t = missingStart[u], end = missingStart[u + 1]; t < end; t++) {
          const base = missingIndex[t] * k;
          for (let j = 0; j < k; j++) missingWeight[base + j] += posterior[pu + j];
        }
      }
    }
    addWeightedRows(x, posterior, n, d, k, sumX);

    // With missing cells a mean coordinate moves only where it has at least one
    // row's worth of weight (the course's rule); on complete data, wherever the
    // component has any weight. Elsewhere the previous value stays.
    const minWeight = missingIndex ? 1 : Number.MIN_VALUE;
    for (let j = 0; j < k; j++) {
      weight[j] = nHat[j] / n;
      // Σ_u w·‖x_C − mu_C‖² = Σ w·‖x_C‖² − 2 Σ_i mu_i·Σ w·x_i + Σ_i mu_i²·Σ w·δ(i∈C_u)
      let cross = 0;
      let square = 0;
      for (let i = 0; i < d; i++) {
        const c = j * d + i;
        const observedWeight = nHat[j] - missingWeight[i * k + j];
        if (observedWeight >= minWeight) mu[c] = sumX[c] / observedWeight;
        const m = mu[c];
        cross += m * sumX[c];
        square += m * m * observedWeight;
      }
      if (!(sumWObserved[j] > 0)) continue; // a starved component keeps its variance
      let v = (sumWRowSq[j] - 2 * cross + square) / sumWObserved[j];
      if (v < 0) v = 0;
      variance[j] = Math.max(v, this.options.minVar);
    }
  }

  mixture(): Mixture {
    const { k, mu } = this;
    const { d, center } = this.data;
    const out = new Float64Array(k * d);
    for (let j = 0; j < k; j++) for (let i = 0; i < d; i++) out[j * d + i] = mu[j * d + i] + center[i];
    return { k, d, mu: out, var: this.variance.slice(), p: this.weight.slice() };
  }
}
