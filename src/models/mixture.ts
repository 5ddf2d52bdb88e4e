import { assertUnreachable } from '../core/errors';

/** How each component's covariance is shaped (mclust: VII, VVI, VVV). */
export type Covariance = 'spherical' | 'diag' | 'full';
export const COVARIANCES: readonly Covariance[] = ['spherical', 'diag', 'full'];

/**
 * A mixture of K Gaussians in d dimensions with weights p. `mu` is row-major K×d.
 * `var` holds the covariances, by family: spherical, K variances (var_j·I);
 * diag, K×d variances; full, K d×d covariance matrices, row-major one after another.
 */
export interface Mixture {
  readonly k: number;
  readonly d: number;
  readonly covariance: Covariance;
  readonly mu: Float64Array;
  readonly var: Float64Array;
  readonly p: Float64Array;
}

/** How many numbers `var` holds per component. */
export function varianceSize(covariance: Covariance, d: number): number {
  switch (covariance) {
    case 'spherical':
      return 1;
    case 'diag':
      return d;
    case 'full':
      return d * d;
    default:
      return assertUnreachable(covariance);
  }
}

/** Free parameters: K·d means, the covariances' own (K, K·d or K·d(d+1)/2) and K−1 weights. */
export function freeParameters(k: number, d: number, covariance: Covariance = 'spherical'): number {
  const perComponent = covariance === 'spherical' ? 1 : covariance === 'diag' ? d : (d * (d + 1)) / 2;
  return k * d + k * perComponent + (k - 1);
}
