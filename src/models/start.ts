import type { Matrix } from '../core/matrix';
import { NumpyRandomState } from '../core/random';
import type { Mixture } from './mixture';
import { DEFAULT_COVARIANCE, family, type Covariance } from './families';

export interface Initialisation {
  readonly mixture: Mixture;
  /** The rows whose values became the initial means. */
  readonly rows: Int32Array;
}

/** How the initial means are chosen: rows drawn as numpy does, or by k-means++'s D² sampling. */
export type InitMethod = 'random' | 'kmeans++';

export interface InitOptions {
  readonly covariance?: Covariance;
  /** Added to the start's variances (the diagonal, for full), as to every M-step's. */
  readonly regCovar?: number;
  readonly method?: InitMethod;
}

/**
 * The starting mixture: K rows as the means, p_j = 1/K, and each component's
 * spread around its mean over the whole data (missing cells as 0):
 * spherical, var_j = the mean over all n·d cells of (X − mu_j)² (the course's
 * `common.init`); diag, the mean over rows per dimension; full, (X − mu_j)ᵀ(X − mu_j)/n.
 * `random` draws the rows as numpy's legacy `np.random.seed(s); np.random.choice(n, K,
 * replace=False)` does; `kmeans++` by D² sampling from the same generator.
 */
export function randomInit(m: Matrix, k: number, seed: number, options: InitOptions = {}): Initialisation {
  const random = new NumpyRandomState(seed);
  const method = options.method ?? 'random';
  const rows = method === 'random' ? random.choiceWithoutReplacement(m.rows, k) : kmeansPlusPlusRows(m, k, random);
  const { cols: d, data } = m;
  const mu = new Float64Array(k * d);
  for (let j = 0; j < k; j++) mu.set(data.subarray(rows[j] * d, rows[j] * d + d), j * d);
  const covariances = family(options.covariance ?? DEFAULT_COVARIANCE).startCovariances(m, mu, k, options.regCovar ?? 0);
  const p = new Float64Array(k).fill(1 / k);
  return { mixture: { k, d, mu, p, covariance: covariances }, rows };
}

/**
 * k-means++ seeding: the first row uniformly, then each next row with probability
 * proportional to its squared distance to the nearest row chosen so far.
 */
function kmeansPlusPlusRows(m: Matrix, k: number, random: NumpyRandomState): Int32Array {
  const { rows: n, cols: d, data } = m;
  const chosen = new Int32Array(k);
  const nearest = new Float64Array(n).fill(Infinity);
  chosen[0] = random.interval(n - 1);
  // Which rows are chosen, and the first that is not: O(n) in all, however often it is asked.
  const taken = new Uint8Array(n);
  taken[chosen[0]] = 1;
  let firstFree = 0;
  for (let c = 1; c <= k; c++) {
    const last = chosen[c - 1];
    let total = 0;
    for (let u = 0; u < n; u++) {
      let dist = 0;
      for (let i = 0; i < d; i++) {
        const diff = data[u * d + i] - data[last * d + i];
        dist += diff * diff;
      }
      if (dist < nearest[u]) nearest[u] = dist;
      total += nearest[u];
    }
    if (c === k) break;
    let next = -1;
    if (total > 0) {
      let target = random.randomSample() * total;
      for (let u = 0; u < n && next < 0; u++) {
        target -= nearest[u];
        if (target < 0 && nearest[u] > 0) next = u;
      }
    }
    // Fewer distinct rows than K (or rounding at the end): the first row not yet chosen.
    if (next < 0) {
      while (taken[firstFree]) firstFree++;
      next = firstFree;
    }
    chosen[c] = next;
    taken[next] = 1;
  }
  return chosen;
}
