import type { Matrix } from '../core/matrix';
import type { RegCovar } from './families/reg';
import { NumpyRandomState } from '../core/random';
import type { Mixture } from './mixture';
import { DEFAULT_COVARIANCE, family, sparseFamily, type Covariance } from './families';
import type { SparseData } from './sparse';
import { shiftMeans, type PreparedData } from './data';

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
  readonly regCovar?: RegCovar;
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
 * The course's start on sparse rating rows: the rows numpy's `choice` draws (as randomInit),
 * zero-filled (an unrated cell's mean is 0), p_j = 1/K, and the spreads over the zero-filled
 * rows from sums, in O(nnz + K·d): the dense start on the matrix with 0 for "not rated".
 */
export function sparseRandomInit(data: SparseData, k: number, seed: number, options: Omit<InitOptions, 'method'> = {}): Initialisation {
  const rows = new NumpyRandomState(seed).choiceWithoutReplacement(data.n, k);
  const { d, rowStart, items, x } = data;
  const mu = new Float64Array(k * d);
  for (let j = 0; j < k; j++) for (let t = rowStart[rows[j]], end = rowStart[rows[j] + 1]; t < end; t++) mu[j * d + items[t]] = x[t];
  const covariance = sparseFamily(options.covariance ?? DEFAULT_COVARIANCE).startCovariances(data, mu, k, options.regCovar ?? 0);
  const p = new Float64Array(k).fill(1 / k);
  return { mixture: { k, d, mu, p, covariance }, rows };
}

/** ‖x_u − x_v‖² of rows u and v (d columns, row-major). */
function squaredDistance(data: Float64Array, d: number, u: number, v: number): number {
  let dist = 0;
  for (let i = 0; i < d; i++) {
    const diff = data[u * d + i] - data[v * d + i];
    dist += diff * diff;
  }
  return dist;
}

/**
 * Greedy k-means++ seeding, as scikit-learn's `kmeans_plusplus`: the first row uniformly, then
 * at each step 2 + ⌊ln K⌋ candidate rows, each drawn with probability proportional to its
 * squared distance to the nearest row chosen so far, and the one that leaves the smallest
 * sum of those squared distances is kept. The draws come from the seed's numpy generator.
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
  // scikit-learn's number of local trials: 2 + ⌊ln K⌋.
  const trials = 2 + Math.floor(Math.log(k));
  for (let c = 1; c <= k; c++) {
    const last = chosen[c - 1];
    let total = 0;
    for (let u = 0; u < n; u++) {
      const dist = squaredDistance(data, d, u, last);
      if (dist < nearest[u]) nearest[u] = dist;
      total += nearest[u];
    }
    if (c === k) break;
    let next = -1;
    if (total > 0) {
      // scikit-learn's greedy k-means++: several candidates drawn by D², the one that lowers the potential most.
      let best = Infinity;
      for (let t = 0; t < trials; t++) {
        let candidate = -1;
        let target = random.randomSample() * total;
        for (let u = 0; u < n && candidate < 0; u++) {
          target -= nearest[u];
          if (target < 0 && nearest[u] > 0) candidate = u;
        }
        if (candidate < 0) continue;
        let potential = 0;
        for (let u = 0; u < n; u++) {
          const dist = squaredDistance(data, d, u, candidate);
          potential += dist < nearest[u] ? dist : nearest[u];
        }
        if (potential < best) {
          best = potential;
          next = candidate;
        }
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

/**
 * The start from a hard partition of the rows (labels 0..k−1), as mclust's `Mclust()` starts
 * EM from its hierarchical classes: each cluster's mean and share of the rows, and its
 * covariance (a cluster with fewer than two distinct rows takes its spread around its mean
 * over all rows). Complete data only.
 */
export function partitionInit(m: Matrix, data: PreparedData, labels: Int32Array, k: number, options: Omit<InitOptions, 'method'> = {}): Initialisation {
  const { n, d, x } = data;
  const f = family(options.covariance ?? DEFAULT_COVARIANCE);
  const reg = options.regCovar ?? 0;
  const count = new Float64Array(k);
  const centred = new Float64Array(k * d);
  for (let u = 0; u < n; u++) {
    const j = labels[u];
    count[j]++;
    for (let i = 0; i < d; i++) centred[j * d + i] += x[u * d + i];
  }
  for (let j = 0; j < k; j++) for (let i = 0; i < d; i++) centred[j * d + i] /= count[j] || 1;
  const mu = shiftMeans(centred, k, data, -1);
  const fallback = f.startCovariances(m, mu, k, reg);
  const covariance = f.clusterCovariances(data, labels, centred, k, reg, fallback);
  // The first row of each cluster stands for it in `rows` (the JSON's initialRows).
  const rows = new Int32Array(k).fill(-1);
  for (let u = 0; u < n; u++) if (rows[labels[u]] < 0) rows[labels[u]] = u;
  return { mixture: { k, d, mu, p: Float64Array.from(count, (c) => c / n), covariance }, rows };
}
