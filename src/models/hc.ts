import type { Matrix } from '../core/matrix';
import { DataError } from '../core/errors';
import { agglomerateEII } from './hc-eii';
import type { MergeLog } from './hc-pairs';
import { svdTransform } from './hc-svd';
import { agglomerateVVV, type VvvFactors } from './hc-vvv';

// Math's functions as local names: under jest (a vm context) every lookup of the global Math is slow
// (nodejs/node#49283), enough to make the hierarchy of a few thousand rows many times slower.
const { floor, round, sqrt } = Math;
const { isFinite: finite, isInteger } = Number;

/**
 * Model-based agglomerative hierarchical clustering as mclust's `hc()` does it, the start
 * `Mclust()` uses (Fraley 1998, "Algorithms for model-based Gaussian hierarchical clustering",
 * SIAM J. Sci. Comput. 20(1)). The hierarchy is built once; `partition(k)` then reads the
 * clusters for any K from 1 to n.
 *
 * mclust's defaults, which are Mclust's: `use = 'SVD'` (the data's scaled SVD transform, see
 * hc-svd) and `model = 'VVV'` (unconstrained covariances, regularised with hcVVV's α = 1·traceW
 * of the data/√(np) and β = 1). `model = 'EII'` is Ward's criterion (Mclust's choice when n ≤ d);
 * `use = 'VARS'` clusters the columns as they are.
 */
export type HcModel = 'VVV' | 'EII';
export type HcUse = 'SVD' | 'VARS';

export interface HcOptions {
  /** The Gaussian model whose classification likelihood is merged on; default 'VVV'. */
  readonly model?: HcModel;
  /** The data clustered: mclust's scaled SVD transform (default) or the columns as given. */
  readonly use?: HcUse;
  /** hcVVV's alpha (default 1), which multiplies the data's scatter trace/(np). */
  readonly alpha?: number;
  /** hcVVV's beta (default 1). */
  readonly beta?: number;
  /** VVV only: 'mclust' (default) computes as mclust 6.0.0 does, 'exact' the criterion as written (see VvvFactors). */
  readonly factors?: VvvFactors;
}

export type { VvvFactors };

/**
 * More rows than this are refused (a DataError) rather than sub-sampled: the merge costs alone
 * take n(n−1)/2 doubles (5000 rows: 100 MB). Mclust itself (6.0.0) builds the hierarchy on every
 * row unless given `initialization$subset`; a sub-sample, and classifying the other rows, is
 * the caller's choice.
 */
export const HC_MAX_ROWS = 5000;

export class Hierarchy {
  constructor(
    readonly n: number,
    readonly model: HcModel,
    readonly use: HcUse,
    /** Columns of the data clustered (after the transform). */
    readonly dimensions: number,
    /**
     * The n − 1 merges in order, 2 entries each: merge s joins the cluster that holds row
     * merges[2s] with the one that holds row merges[2s + 1], each named by its lowest row
     * (0-based), the lower of the two first.
     */
    readonly merges: Int32Array,
    /**
     * What each merge cost, as mclust computes it: for VVV the rise in Σ_k n_k·log(|W_k/n_k| +
     * β(tr W_k + α)/n_k) (the |W| term only for clusters of more than p rows), for EII the rise
     * in the within-cluster sum of squares (Ward).
     */
    readonly costs: Float64Array,
  ) {}

  /**
   * The partition into k clusters (1 ≤ k ≤ n), after the first n − k merges: labels 0..k−1
   * numbered by first appearance (row 0 is in cluster 0, the first row outside cluster 0 in
   * cluster 1, …), which is how mclust's `hclass` numbers them (from 1). Replays the merges
   * (union–find), about O(n) per call, so a sweep over K costs one hierarchy.
   */
  partition(k: number): Int32Array {
    const { n } = this;
    if (!isInteger(k) || k < 1 || k > n) throw new RangeError(`a partition of ${n} rows has 1 to ${n} clusters, not ${k}`);
    const parent = new Int32Array(n);
    for (let i = 0; i < n; i++) parent[i] = i;
    const find = (a: number): number => {
      while (parent[a] !== a) {
        parent[a] = parent[parent[a]];
        a = parent[a];
      }
      return a;
    };
    for (let s = 0; s < n - k; s++) {
      const a = find(this.merges[2 * s]);
      const b = find(this.merges[2 * s + 1]);
      if (a < b) parent[b] = a;
      else parent[a] = b;
    }
    const labelOf = new Int32Array(n).fill(-1);
    const labels = new Int32Array(n);
    let next = 0;
    for (let i = 0; i < n; i++) {
      const root = find(i);
      if (labelOf[root] < 0) labelOf[root] = next++;
      labels[i] = labelOf[root];
    }
    return labels;
  }
}

/**
 * Builds the hierarchy of a complete matrix (every cell observed and finite), in O(n²)
 * memory. Throws a DataError for more than HC_MAX_ROWS rows, missing cells or values that are
 * not finite.
 */
export function hierarchicalClustering(m: Matrix, options: HcOptions = {}): Hierarchy {
  const model = options.model ?? 'VVV';
  const use = options.use ?? 'SVD';
  const alpha = options.alpha ?? 1;
  const beta = options.beta ?? 1;
  const { rows: n, cols: d, data } = m;
  if (n > HC_MAX_ROWS) {
    const mb = round((n * (n - 1) * 4) / 1e6);
    throw new DataError(`hierarchical clustering of ${n} rows would keep ${n}·${n - 1}/2 merge costs (${mb} MB); it takes at most ${HC_MAX_ROWS} rows`);
  }
  if (n === 0) throw new DataError('hierarchical clustering needs at least one row');
  if (m.observed && m.observed.some((o) => o === 0)) throw new DataError('hierarchical clustering needs complete data: the matrix has missing cells');
  for (let c = 0; c < data.length; c++) {
    if (!finite(data[c])) throw new DataError(`hierarchical clustering needs finite values: row ${floor(c / d) + 1}, column ${(c % d) + 1} is ${data[c]}`);
  }
  if (!(alpha >= 0 && beta > 0 && finite(alpha) && finite(beta))) throw new RangeError('alpha must be ≥ 0 and beta > 0');

  let z: Float64Array;
  let p: number;
  if (use === 'SVD') {
    const t = svdTransform(data, n, d);
    z = t.z;
    p = t.q;
  } else {
    z = data;
    p = d;
  }
  let log: MergeLog;
  if (model === 'VVV') log = agglomerateVVV(z, n, p, alpha * traceW(z, n, p), beta, options.factors ?? 'mclust');
  else log = agglomerateEII(z, n, p);
  return new Hierarchy(n, model, use, p, log.rows, log.costs);
}

/**
 * mclust's traceW(data/√(np)) (Fortran mcltrw): the trace of the scatter matrix of the data
 * divided by √(np), in its arithmetic: column sums of x/√n, then centring, then sums of squares.
 */
export function traceW(z: Float64Array, n: number, p: number): number {
  if (n === 0 || p === 0) return 0;
  const scale = sqrt(n * p);
  const fac = 1 / sqrt(n);
  let ss = 0;
  for (let j = 0; j < p; j++) {
    let u = 0;
    for (let i = 0; i < n; i++) u += fac * (z[i * p + j] / scale);
    const shift = -fac * u;
    let col = 0;
    for (let i = 0; i < n; i++) {
      const x = z[i * p + j] / scale + shift;
      col += x * x;
    }
    ss += col;
  }
  return ss;
}
