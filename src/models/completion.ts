import type { PreparedData } from './data';
import type { Mixture } from './mixture';

/**
 * The matrix completed by the posterior-weighted means: each missing cell (u, i) gets
 * Σ_j post(j|u)·mu_{j,i} (the course's fill_matrix; the conditional mean when the
 * covariance is diagonal). Observed cells are copied from `original` unchanged.
 */
export function completedByMeans(data: PreparedData, mixture: Mixture, posterior: Float64Array, original: Float64Array): Float64Array {
  const { n, d, observed } = data;
  const filled = original.slice();
  if (!observed) return filled;
  const { k, mu } = mixture;
  for (let u = 0; u < n; u++) {
    for (let i = 0; i < d; i++) {
      const c = u * d + i;
      if (observed[c]) continue;
      let v = 0;
      for (let j = 0; j < k; j++) v += posterior[u * k + j] * mu[j * d + i];
      filled[c] = v;
    }
  }
  return filled;
}
