import type { Matrix } from '../core/matrix';
import { hierarchicalClustering, type Hierarchy } from './hc';

/**
 * The partitions mclust's `Mclust()` starts from: for one column, its quantile classes
 * (mclust's qclass: breaks at the k+1 quantiles of type 7, the first lowered by 1); else
 * the model-based hierarchy (hc), VVV on the scaled SVD, or EII when there are no more rows
 * than columns. Built once; `partition(k)` reads K clusters for any K.
 */
export interface StartPartitions {
  partition(k: number): Int32Array;
}

/** R's quantile(x, p, type = 7) of sorted values. */
function quantile7(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** mclust's qclass(x, k): the class of each value (0-based) between consecutive quantiles. */
export function quantileClasses(x: Float64Array, k: number): Int32Array {
  const sorted = Float64Array.from(x).sort();
  const q = Float64Array.from({ length: k + 1 }, (_, i) => quantile7(sorted, i / k));
  q[0] -= 1;
  const labels = new Int32Array(x.length);
  for (let u = 0; u < x.length; u++) {
    let c = 0;
    while (c < k - 1 && !(x[u] > q[c] && x[u] <= q[c + 1])) c++;
    labels[u] = c;
  }
  return labels;
}

export function startPartitions(m: Matrix): StartPartitions {
  if (m.cols === 1) return { partition: (k) => quantileClasses(m.data, k) };
  const hierarchy: Hierarchy = hierarchicalClustering(m, { model: m.rows <= m.cols ? 'EII' : 'VVV' });
  return { partition: (k) => hierarchy.partition(k) };
}
