import type { Covariance, Covariances } from '../../src/models/families';
import type { Mixture } from '../../src/models/mixture';

/** A mixture from the flat numbers of its covariances (K variances, K×d, or K d×d matrices), as tests write them. */
export function mixtureOf(m: { k: number; d: number; covariance: Covariance; mu: ArrayLike<number>; var: ArrayLike<number>; p: ArrayLike<number> }): Mixture {
  const values = Float64Array.from(m.var);
  const covariance: Covariances = m.covariance === 'full' ? { family: 'full', matrices: values } : { family: m.covariance, variances: values };
  return { k: m.k, d: m.d, mu: Float64Array.from(m.mu), p: Float64Array.from(m.p), covariance };
}

/** The flat numbers of a mixture's covariances, whatever the family. */
export function varOf(m: Mixture): Float64Array {
  const c = m.covariance;
  return c.family === 'full' ? c.matrices : c.variances;
}
