import { floorRelative, floorRelativeWork } from '../kernels/linalg';
import type { Mixture } from '../mixture';
import type { Covariances } from './types';

/**
 * --cov-floor on a start: each component's covariance held at or above diag(floor) (the
 * floor per column, its factor times the column's variance). Diag: each variance is at
 * least its column's floor. Full: Σ ⪰ diag(floor), the eigenvalues of the scaled matrix
 * raised to 1 (floorRelative). Spherical: unchanged (its floor is --min-var). The same
 * function floors a start on one machine and over shards, so both start from the same bits.
 */
export function floorCovariances(covariance: Covariances, k: number, d: number, floor: Float64Array): Covariances {
  if (covariance.family === 'diag') {
    const variances = covariance.variances.slice();
    for (let c = 0; c < k * d; c++) if (variances[c] < floor[c % d]) variances[c] = floor[c % d];
    return { family: 'diag', variances };
  }
  if (covariance.family === 'full') {
    const matrices = covariance.matrices.slice();
    const work = floorRelativeWork(d);
    for (let j = 0; j < k; j++) floorRelative(matrices, j * d * d, d, floor, work);
    return { family: 'full', matrices };
  }
  return covariance;
}

/** The mixture with its covariances floored (floorCovariances); itself without a floor. */
export function floorStart(mixture: Mixture, floor: Float64Array | undefined): Mixture {
  if (!floor) return mixture;
  return { ...mixture, covariance: floorCovariances(mixture.covariance, mixture.k, mixture.d, floor) };
}
