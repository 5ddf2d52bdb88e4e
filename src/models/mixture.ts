import type { Covariances } from './families/types';

export type { Covariance, Covariances } from './families/types';

/**
 * A mixture of K Gaussians in d dimensions: weights p (K), means mu (K×d,
 * row-major) and the covariances, tagged with their family (see families/types.ts).
 */
export interface Mixture {
  readonly k: number;
  readonly d: number;
  readonly mu: Float64Array;
  readonly p: Float64Array;
  readonly covariance: Covariances;
}
