/**
 * A mixture of K spherical Gaussians in d dimensions: N(x; mu_j, var_j·I) with weight p_j.
 * `mu` is row-major K×d.
 */
export interface Mixture {
  readonly k: number;
  readonly d: number;
  readonly mu: Float64Array;
  readonly var: Float64Array;
  readonly p: Float64Array;
}

export function cloneMixture(m: Mixture): Mixture {
  return { k: m.k, d: m.d, mu: m.mu.slice(), var: m.var.slice(), p: m.p.slice() };
}

/** Free parameters of a spherical mixture: K·d means, K variances, K−1 weights. */
export function freeParameters(k: number, d: number): number {
  return k * d + k + (k - 1);
}
