import { toRows } from '../../core/matrix';
import { regOf } from './reg';
import { scatterAroundMean } from '../scatter';
import { completedByMeans } from '../completion';
import { diagKernel } from '../kernels/diag';
import { DiagState } from './diag-state';
import { SPARSE_DIAG } from './sparse';
import { CATALOGUE } from './catalogue';
import type { DiagCovariance, Family } from './types';

/** The diag family (mclust's VVI): component j's covariance is diag(var_j1 … var_jd). */
export const DIAG: Family<DiagCovariance> = {
  ...CATALOGUE.diag,
  covarianceParameters: (d) => d,

  startCovariances(m, mu, k, reg) {
    const { center, scatter } = scatterAroundMean(m, false);
    return DIAG.startCovariancesFromScatter!(m.rows, center, scatter, mu, k, reg);
  },

  startCovariancesFromScatter(n, center, scatter, mu, k, reg) {
    // Per dimension, the mean over the rows of (X − mu_j)².
    const d = center.length;
    const variances = Float64Array.from({ length: k * d }, (_, c) => {
      const i = c % d;
      return (scatter[i] + n * (mu[c] - center[i]) ** 2) / n + regOf(reg, i);
    });
    return { family: 'diag', variances };
  },

  clusterCovariances(data, label, mu, k, reg, fallback) {
    const { n, d, x } = data;
    const spread = new Float64Array(k * d);
    const count = new Float64Array(k);
    for (let u = 0; u < n; u++) {
      const j = label[u];
      count[j]++;
      for (let a = 0; a < d; a++) {
        const da = x[u * d + a] - mu[j * d + a];
        spread[j * d + a] += da * da;
      }
    }
    for (let j = 0; j < k; j++) {
      let zero = true;
      for (let t = 0; t < d; t++) {
        spread[j * d + t] /= count[j];
        if (spread[j * d + t] > 0) zero = false;
      }
      if (count[j] < 2 || zero) spread.set(fallback.variances.subarray(j * d, (j + 1) * d), j * d);
      else for (let t = 0; t < d; t++) spread[j * d + t] += regOf(reg, t);
    }
    return { family: 'diag', variances: spread };
  },

  checkSize: () => {},
  state: (data, start, options, runnerFor) => new DiagState(data, start, options, runnerFor),
  kernel: diagKernel,
  sparse: SPARSE_DIAG,

  expectation(data, mixture) {
    const state = new DiagState(data, mixture, { minVar: 0, regCovar: 0, keepPosterior: true });
    const logLikelihood = state.expectation();
    return { posterior: state.posterior!, rowLogLikelihood: state.rowLogLikelihood!, logLikelihood };
  },

  completed(data, mixture, original) {
    // With a diagonal covariance the conditional mean of a missing cell is its component's mean.
    if (!data.observed) return original.slice();
    return completedByMeans(data, mixture, DIAG.expectation(data, mixture).posterior, original);
  },

  jsonKey: 'var',
  toJson: (c, k, d) => toRows(c.variances, k, d),
  valuesPerComponent: (d) => d,
  fromValues: (variances) => ({ family: 'diag', variances }),
  variancesOf: (c) => c.variances,
  marginal: (c, j, i, l, d) => [c.variances[j * d + i], 0, c.variances[j * d + l]],
  componentVariances: (c, j, d) => c.variances.subarray(j * d, (j + 1) * d),
  rescaled: (c, _k, d, scale) => ({ family: 'diag', variances: Float64Array.from(c.variances, (v, t) => v * scale[t % d] ** 2) }),
  varianceHeading: 'var (per dimension)',
  sampler(c, _k, d) {
    const { variances } = c;
    return (j, mu, z, out, o) => {
      for (let i = 0; i < d; i++) out[o + i] = mu[j * d + i] + Math.sqrt(variances[j * d + i]) * z[i];
    };
  },
};
