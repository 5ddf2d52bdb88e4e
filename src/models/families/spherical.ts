import { scatterAroundMean } from '../scatter';
import { regMean } from './reg';
import { completedByMeans } from '../completion';
import { sphericalKernel } from '../kernels/spherical';
import { SphericalState } from './spherical-state';
import { SPARSE_SPHERICAL } from './sparse';
import { CATALOGUE } from './catalogue';
import type { Family, SphericalCovariance } from './types';

/** The spherical family (mclust's VII): component j's covariance is var_j·I. The course's model. */
export const SPHERICAL: Family<SphericalCovariance> = {
  ...CATALOGUE.spherical,
  covarianceParameters: () => 1,

  startCovariances(m, mu, k, reg) {
    const { center, scatter } = scatterAroundMean(m, false);
    return SPHERICAL.startCovariancesFromScatter!(m.rows, center, scatter, mu, k, reg);
  },

  startCovariancesFromScatter(n, center, scatter, mu, k, reg) {
    // var_j = the mean over all n·d cells of (X − mu_j)² (the course's common.init).
    const d = center.length;
    let total = 0;
    for (let i = 0; i < d; i++) total += scatter[i];
    const variances = Float64Array.from({ length: k }, (_, j) => {
      let offset = 0;
      for (let i = 0; i < d; i++) offset += (mu[j * d + i] - center[i]) ** 2;
      return (total + n * offset) / (n * d) + regMean(reg, 0);
    });
    return { family: 'spherical', variances };
  },

  clusterCovariances(data, label, mu, k, reg, fallback) {
    const { n, d, x } = data;
    const spread = new Float64Array(k);
    const count = new Float64Array(k);
    for (let u = 0; u < n; u++) {
      const j = label[u];
      count[j]++;
      for (let a = 0; a < d; a++) {
        const da = x[u * d + a] - mu[j * d + a];
        spread[j] += da * da;
      }
    }
    for (let j = 0; j < k; j++) {
      spread[j] /= count[j] * d;
      if (count[j] < 2 || !(spread[j] > 0)) spread[j] = fallback.variances[j];
      else spread[j] += regMean(reg, 0);
    }
    return { family: 'spherical', variances: spread };
  },

  checkSize: () => {},
  state: (data, start, options, runnerFor) => new SphericalState(data, start, options, runnerFor),
  kernel: sphericalKernel,
  sparse: SPARSE_SPHERICAL,

  expectation(data, mixture) {
    const state = new SphericalState(data, mixture, { minVar: 0, keepPosterior: true });
    const logLikelihood = state.expectation();
    return { posterior: state.posterior!, rowLogLikelihood: state.rowLogLikelihood!, logLikelihood };
  },

  completed(data, mixture, original) {
    if (!data.observed) return original.slice();
    return completedByMeans(data, mixture, SPHERICAL.expectation(data, mixture).posterior, original);
  },

  jsonKey: 'var',
  toJson: (c) => Array.from(c.variances),
  valuesPerComponent: () => 1,
  fromValues: (variances) => ({ family: 'spherical', variances }),
  variancesOf: (c) => c.variances,
  marginal: (c, j) => [c.variances[j], 0, c.variances[j]],
  componentVariances: (c, j) => c.variances[j],
  rescaled: (c, k, d, scale) => ({ family: 'diag', variances: Float64Array.from({ length: k * d }, (_, t) => c.variances[Math.floor(t / d)] * scale[t % d] ** 2) }),
  varianceHeading: 'var',
  sampler(c, _k, d) {
    const { variances } = c;
    return (j, mu, z, out, o) => {
      for (let i = 0; i < d; i++) out[o + i] = mu[j * d + i] + Math.sqrt(variances[j]) * z[i];
    };
  },
};
