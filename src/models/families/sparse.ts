import { regMean, regOf } from './reg';
import { sparseDiagKernel, sparseSphericalKernel } from '../kernels/sparse';
import { SparseDiagState } from './sparse-diag-state';
import { SparseSphericalState } from './sparse-spherical-state';
import type { DiagCovariance, Expectation, ItemSums, SparseFamily, SphericalCovariance } from './types';

/** One E-step of a state made with keepPosterior. */
function expect(state: SparseSphericalState | SparseDiagState): Expectation {
  const logLikelihood = state.expectation();
  return { posterior: state.posterior!, rowLogLikelihood: state.rowLogLikelihood!, logLikelihood };
}

/**
 * Each column's zero-filled mean c_i = Σx/n and its scatter about it, Σ(x − c_i)² over all
 * n rows (the unrated cells as 0), from the per-item sums: what the dense start computes.
 */
function zeroFilledScatter(data: ItemSums): { center: Float64Array; scatter: Float64Array } {
  const { n, d, columnSum, columnSquares } = data;
  const center = new Float64Array(d);
  const scatter = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    center[i] = columnSum[i] / n;
    scatter[i] = Math.max(0, columnSquares[i] - columnSum[i] * center[i]);
  }
  return { center, scatter };
}

/** The spherical family on sparse rows. */
export const SPARSE_SPHERICAL: SparseFamily<SphericalCovariance> = {
  startCovariances(data, mu, k, reg) {
    const { n, d } = data;
    const { center, scatter } = zeroFilledScatter(data);
    let total = 0;
    for (let i = 0; i < d; i++) total += scatter[i];
    const variances = Float64Array.from({ length: k }, (_, j) => {
      let offset = 0;
      for (let i = 0; i < d; i++) offset += (mu[j * d + i] - center[i]) ** 2;
      return (total + n * offset) / (n * d) + regMean(reg, 0);
    });
    return { family: 'spherical', variances };
  },
  state: (data, start, options, runnerFor) => new SparseSphericalState(data, start, options, runnerFor),
  kernel: sparseSphericalKernel,
  expectation: (data, mixture) => expect(new SparseSphericalState(data, mixture, { minVar: 0, keepPosterior: true })),
};

/** The diag family on sparse rows: one variance per component and item. */
export const SPARSE_DIAG: SparseFamily<DiagCovariance> = {
  startCovariances(data, mu, k, reg) {
    const { n, d } = data;
    const { center, scatter } = zeroFilledScatter(data);
    const variances = Float64Array.from({ length: k * d }, (_, c) => {
      const i = c % d;
      return (scatter[i] + n * (mu[c] - center[i]) ** 2) / n + regOf(reg, i);
    });
    return { family: 'diag', variances };
  },
  state: (data, start, options, runnerFor) => new SparseDiagState(data, start, options, runnerFor),
  kernel: sparseDiagKernel,
  expectation: (data, mixture) => expect(new SparseDiagState(data, mixture, { minVar: 0, keepPosterior: true })),
};
