import { NumpyRandomState } from './core/random';
import type { Mixture } from './models/mixture';
import { choleskyInPlace } from './models/linalg';

/**
 * n rows drawn from the mixture, deterministic from the seed: for each row a
 * component by its weight, then mu_j + A_j·z with z standard normal (Box–Muller
 * on the generator's 53-bit uniforms) and A_j = √var_j·I, diag(√var_j) or the
 * Cholesky factor of Σ_j. Returns the rows (n×d, row-major) and their components.
 */
export function sampleMixture(mixture: Mixture, n: number, seed: number): { rows: Float64Array; components: Int32Array } {
  const { k, d, mu, p } = mixture;
  const random = new NumpyRandomState(seed);
  const factor = new Float64Array(mixture.covariance === 'full' ? k * d * d : 0);
  if (mixture.covariance === 'full') {
    factor.set(mixture.var);
    for (let j = 0; j < k; j++) if (!choleskyInPlace(factor, j * d * d, d)) throw new RangeError(`the covariance of component ${j + 1} is not positive definite`);
  }
  let spare = NaN;
  const normal = () => {
    if (!Number.isNaN(spare)) {
      const z = spare;
      spare = NaN;
      return z;
    }
    const u1 = 1 - random.randomSample(); // (0, 1]: the log never sees 0
    const u2 = random.randomSample();
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  };
  const rows = new Float64Array(n * d);
  const components = new Int32Array(n);
  const z = new Float64Array(d);
  for (let u = 0; u < n; u++) {
    let target = random.randomSample();
    let j = 0;
    while (j < k - 1 && target >= p[j]) target -= p[j++];
    components[u] = j;
    for (let i = 0; i < d; i++) z[i] = normal();
    for (let i = 0; i < d; i++) {
      let v = mu[j * d + i];
      if (mixture.covariance === 'spherical') v += Math.sqrt(mixture.var[j]) * z[i];
      else if (mixture.covariance === 'diag') v += Math.sqrt(mixture.var[j * d + i]) * z[i];
      else for (let t = 0; t <= i; t++) v += factor[j * d * d + i * d + t] * z[t];
      rows[u * d + i] = v;
    }
  }
  return { rows, components };
}
