import { float64Arrays } from './data';

/**
 * Rating data as sparse rows (CSR by user): user u's ratings are x[rowStart[u]..rowStart[u+1]),
 * of the items items[…]. The unrated cells are missing, marginalised out exactly as the dense
 * path marginalises missing cells, so every E-step and M-step costs O(nnz·K), whatever n·d is.
 */
export interface SparseData {
  readonly kind: 'sparse';
  /** Users (rows) and items (columns). */
  readonly n: number;
  readonly d: number;
  readonly nnz: number;
  readonly rowStart: Int32Array;
  readonly items: Int32Array;
  /** The values the mixture is fitted to: the ratings, or their residuals from a baseline. */
  readonly x: Float64Array;
  /** Per user: Σ x² over its ratings, and how many it has (|C_u|). */
  readonly rowSquares: Float64Array;
  readonly rowObserved: Float64Array;
  /** Per item: Σ x and Σ x² over its ratings, and how many it has. */
  readonly columnSum: Float64Array;
  readonly columnSquares: Float64Array;
  readonly columnCount: Float64Array;
  /** Whether every cell is rated (then no cell is missing, as for a dense matrix without any). */
  readonly complete: boolean;
}

/** The CSR rows of rating data: users, items, and per user its items and values (`x`, any numeric array). */
export interface SparseRows {
  readonly users: number;
  readonly items: number;
  readonly rowStart: ArrayLike<number>;
  readonly itemIndex: ArrayLike<number>;
}

/**
 * Sparse data for the kernels, with the per-user and per-item sums they need; the values
 * are `values(t)` for the t-th rating (ratings, or residuals from a baseline). `shared`:
 * in SharedArrayBuffers, for worker threads to read in place.
 */
export function prepareSparse(rows: SparseRows, values: (t: number) => number, shared = false): SparseData {
  const f64 = float64Arrays(shared);
  const i32 = (length: number) => (shared ? new Int32Array(new SharedArrayBuffer(length * 4)) : new Int32Array(length));
  const n = rows.users;
  const d = rows.items;
  const nnz = rows.rowStart[n];
  const rowStart = i32(n + 1);
  const items = i32(nnz);
  const x = f64(nnz);
  const rowSquares = f64(n);
  const rowObserved = f64(n);
  const columnSum = new Float64Array(d);
  const columnSquares = new Float64Array(d);
  const columnCount = new Float64Array(d);
  for (let u = 0; u <= n; u++) rowStart[u] = rows.rowStart[u];
  for (let u = 0; u < n; u++) {
    let sq = 0;
    for (let t = rowStart[u], end = rowStart[u + 1]; t < end; t++) {
      const i = rows.itemIndex[t];
      const v = values(t);
      items[t] = i;
      x[t] = v;
      sq += v * v;
      columnSum[i] += v;
      columnSquares[i] += v * v;
      columnCount[i]++;
    }
    rowSquares[u] = sq;
    rowObserved[u] = rowStart[u + 1] - rowStart[u];
  }
  return { kind: 'sparse', n, d, nnz, rowStart, items, x, rowSquares, rowObserved, columnSum, columnSquares, columnCount, complete: nnz === n * d };
}
