import { toRows } from '../../core/matrix';
import { regOf } from './reg';
import { scatterAroundMean } from '../scatter';
import { wasmStartCovariances } from '../kernels/wasm-setup';
import { fullKernel } from '../kernels/full';
import { choleskyInPlace } from '../kernels/linalg';
import { checkFullSize, FullState, missingPatterns } from './full-state';
import { CATALOGUE } from './catalogue';
import type { Family, FullCovariance } from './types';

/** The full family (mclust's VVV): any positive definite Σ_j. */
export const FULL: Family<FullCovariance> = {
  ...CATALOGUE.full,
  covarianceParameters: (d) => (d * (d + 1)) / 2,

  startCovariances(m, mu, k, reg) {
    const { center, scatter } = scatterAroundMean(m, true);
    return FULL.startCovariancesFromScatter!(m.rows, center, scatter, mu, k, reg);
  },

  startScatterMatrix: true,
  startCovariancesFromScatter(n, center, scatter, mu, k, reg) {
    // (X − mu_j)ᵀ(X − mu_j)/n, from the scatter around the column means (lower triangle):
    // entry (a, b) is (S_ab + n·(mu_a − c_a)·(mu_b − c_b)) / n, the products in that order, plus
    // --reg-covar on the diagonal. (S_ab + …) is never −0 (S_ab sums from +0), so the 0 once
    // added off the diagonal changed nothing and is left out.
    const d = center.length;
    const matrices = new Float64Array(k * d * d);
    // In WebAssembly where it can be had (wasm-setup.ts; the same operations, so the same bits), else here.
    if (wasmStartCovariances(n, center, scatter, mu, k, matrices)) {
      for (let j = 0; j < k; j++) for (let a = 0; a < d; a++) matrices[j * d * d + a * d + a] += regOf(reg, a);
      return { family: 'full', matrices };
    }
    const diff = new Float64Array(d);
    for (let j = 0; j < k; j++) {
      for (let a = 0; a < d; a++) diff[a] = mu[j * d + a] - center[a];
      const o = j * d * d;
      for (let a = 0; a < d; a++) {
        const na = n * diff[a];
        const row = o + a * d;
        for (let b = 0; b < a; b++) matrices[row + b] = (scatter[a * d + b] + na * diff[b]) / n;
        for (let b = a; b < d; b++) matrices[row + b] = (scatter[b * d + a] + na * diff[b]) / n;
        matrices[row + a] += regOf(reg, a);
      }
    }
    return { family: 'full', matrices };
  },

  clusterCovariances(data, label, mu, k, reg, fallback) {
    const { n, d, x } = data;
    const size = d * d;
    const spread = new Float64Array(k * size);
    const count = new Float64Array(k);
    for (let u = 0; u < n; u++) {
      const j = label[u];
      count[j]++;
      for (let a = 0; a < d; a++) {
        const da = x[u * d + a] - mu[j * d + a];
        for (let b = 0; b < d; b++) spread[j * size + a * d + b] += da * (x[u * d + b] - mu[j * d + b]);
      }
    }
    for (let j = 0; j < k; j++) {
      let zero = true;
      for (let t = 0; t < size; t++) {
        spread[j * size + t] /= count[j];
        if (spread[j * size + t] > 0) zero = false;
      }
      if (count[j] < 2 || zero) spread.set(fallback.matrices.subarray(j * size, (j + 1) * size), j * size);
      else for (let a = 0; a < d; a++) spread[j * size + a * d + a] += regOf(reg, a);
    }
    return { family: 'full', matrices: spread };
  },

  checkSize: (m, k) => checkFullSize(k, m.cols, missingPatterns(m.observed, m.rows, m.cols)),
  state: (data, start, options, runnerFor) => new FullState(data, start, options, runnerFor),
  kernel: fullKernel,

  expectation(data, mixture) {
    const state = new FullState(data, mixture, { minVar: 0, regCovar: 0 });
    const logLikelihood = state.expectation();
    return { posterior: state.posterior, rowLogLikelihood: state.rowLogLikelihood, logLikelihood };
  },

  // Each missing cell by its conditional mean given the row's observed cells, under each component.
  completed: (data, mixture, original) => (data.observed ? new FullState(data, mixture, { minVar: 0, regCovar: 0 }).completed(original) : original.slice()),

  jsonKey: 'covariance',
  toJson: (c, k, d) => Array.from({ length: k }, (_, j) => toRows(c.matrices.subarray(j * d * d, (j + 1) * d * d), d, d)),
  valuesPerComponent: (d) => d * d,
  fromValues: (matrices) => ({ family: 'full', matrices }),
  variancesOf: (c, k, d) => Float64Array.from({ length: k * d }, (_, t) => c.matrices[Math.floor(t / d) * d * d + (t % d) * d + (t % d)]),
  marginal(c, j, i, l, d) {
    const base = j * d * d;
    const V = c.matrices;
    return [V[base + i * d + i], (V[base + i * d + l] + V[base + l * d + i]) / 2, V[base + l * d + l]];
  },
  componentVariances: (c, j, d) => Float64Array.from({ length: d }, (_, i) => c.matrices[j * d * d + i * d + i]),
  rescaled: (c, _k, d, scale) => ({ family: 'full', matrices: Float64Array.from(c.matrices, (v, t) => v * scale[Math.floor((t % (d * d)) / d)] * scale[t % d]) }),
  varianceHeading: 'diagonal of the covariance',
  sampler(c, k, d) {
    // mu_j + L_j·z with L_j the Cholesky factor of Σ_j.
    const factor = c.matrices.slice();
    for (let j = 0; j < k; j++) if (!choleskyInPlace(factor, j * d * d, d)) return null;
    return (j, mu, z, out, o) => {
      for (let i = 0; i < d; i++) {
        let v = mu[j * d + i];
        for (let t = 0; t <= i; t++) v += factor[j * d * d + i * d + t] * z[t];
        out[o + i] = v;
      }
    };
  },
};
