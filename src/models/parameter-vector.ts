import type { FitParameters } from './fit-state';
import { choleskyInPlace, floorEigenvalues } from './kernels/linalg';

/** Weights are packed as log(max(w, this)): a starved component (w = 0) stays near 0, never -Infinity. */
const LOG_WEIGHT_FLOOR = 1e-300;

/**
 * A fit's parameters as one vector in an unconstrained parametrisation, for extrapolation
 * (SQUAREM, --accelerate): log weights (mapped back through a softmax, so any vector gives
 * weights on the simplex), the means as they are, log variances, and for full covariances
 * each Cholesky factor with its diagonal as logs (so any vector gives a positive definite
 * matrix, Σ = L·Lᵀ). Every buffer is allocated here, once; pack and unpack allocate nothing.
 */
export class ParameterVector {
  /** The vector's length. */
  readonly size: number;
  private readonly k: number;
  private readonly d: number;
  private readonly meanAt: number;
  private readonly spreadAt: number;
  /** One d×d factor, for packing and unpacking a covariance. */
  private readonly factor: Float64Array;
  /** floorEigenvalues' work, for a full covariance under a floor. */
  private readonly eigenWork: Float64Array;

  constructor(private readonly params: FitParameters) {
    const { weight, mean, variance, covariance } = params;
    this.k = weight.length;
    this.d = covariance ? covariance.d : 0;
    this.meanAt = this.k;
    this.spreadAt = this.meanAt + mean.length;
    const spread = covariance ? (this.k * this.d * (this.d + 1)) / 2 : variance ? variance.length : 0;
    this.size = this.spreadAt + spread;
    this.factor = new Float64Array(this.d * this.d);
    this.eigenWork = new Float64Array(covariance && params.minVar > 0 ? 2 * this.d * this.d + this.d : 0);
  }

  /** The current parameters into `out`; false when a covariance cannot be factored (not positive definite). */
  pack(out: Float64Array): boolean {
    const { weight, mean, variance, covariance } = this.params;
    const { k, d, factor } = this;
    for (let j = 0; j < k; j++) out[j] = Math.log(Math.max(weight[j], LOG_WEIGHT_FLOOR));
    out.set(mean, this.meanAt);
    let at = this.spreadAt;
    if (variance) for (let c = 0; c < variance.length; c++) out[at++] = Math.log(variance[c]);
    if (covariance) {
      for (let j = 0; j < k; j++) {
        factor.set(covariance.matrices.subarray(j * d * d, (j + 1) * d * d));
        if (!choleskyInPlace(factor, 0, d)) return false;
        for (let a = 0; a < d; a++) {
          for (let b = 0; b < a; b++) out[at++] = factor[a * d + b];
          out[at++] = Math.log(factor[a * d + a]);
        }
      }
    }
    return true;
  }

  /** `vector` into the parameters: weights normalised, covariances L·Lᵀ, variances (eigenvalues) floored as the M-step floors them. */
  unpack(vector: Float64Array): void {
    const { weight, mean, variance, covariance, minVar } = this.params;
    const { k, d, factor } = this;
    let top = -Infinity;
    for (let j = 0; j < k; j++) top = Math.max(top, vector[j]);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(vector[j] - top);
    for (let j = 0; j < k; j++) weight[j] = Math.exp(vector[j] - top) / sum;
    mean.set(vector.subarray(this.meanAt, this.meanAt + mean.length));
    let at = this.spreadAt;
    if (variance) for (let c = 0; c < variance.length; c++) variance[c] = Math.max(Math.exp(vector[at++]), minVar);
    if (covariance) {
      const m = covariance.matrices;
      for (let j = 0; j < k; j++) {
        factor.fill(0);
        for (let a = 0; a < d; a++) {
          for (let b = 0; b < a; b++) factor[a * d + b] = vector[at++];
          factor[a * d + a] = Math.exp(vector[at++]);
        }
        const o = j * d * d;
        for (let a = 0; a < d; a++) {
          for (let b = 0; b <= a; b++) {
            let s = 0;
            for (let t = 0; t <= b; t++) s += factor[a * d + t] * factor[b * d + t];
            m[o + a * d + b] = s;
            m[o + b * d + a] = s;
          }
        }
        if (minVar > 0) floorEigenvalues(m, o, d, minVar, this.eigenWork);
      }
    }
  }
}

/** A copy of a fit's parameters, to go back to exactly (not through the vector's logs and exps). */
export class ParameterSnapshot {
  private readonly arrays: Float64Array[];
  private readonly copies: Float64Array[];

  constructor(params: FitParameters) {
    this.arrays = [params.weight, params.mean, ...(params.variance ? [params.variance] : []), ...(params.covariance ? [params.covariance.matrices] : [])];
    this.copies = this.arrays.map((a) => new Float64Array(a.length));
  }

  save(): void {
    this.arrays.forEach((a, i) => this.copies[i].set(a));
  }

  restore(): void {
    this.arrays.forEach((a, i) => a.set(this.copies[i]));
  }
}
