import { NumpyRandomState } from '../core/random';
import type { SparseRows } from './sparse';

/** Rating pairs to predict or score: user and item indices (−1: an id the training ratings do not have) and, when known, the ratings. */
export interface RatingPairs {
  readonly count: number;
  readonly user: Int32Array;
  readonly item: Int32Array;
  readonly rating: Float64Array | null;
}

/** Rating rows with their ratings, in row order. */
export interface RatedRows {
  readonly rows: SparseRows;
  readonly rating: Float64Array | Float32Array;
}

/**
 * A random split of the ratings: `round(fraction · nnz)` of them, the first of numpy's
 * `np.random.seed(seed); np.random.permutation(nnz)` (the ratings numbered in row order:
 * by user, then item), are held out; the rest are the training rows, with the same users
 * and items (a user whose every rating is held out has no training rating).
 */
export function splitRatings(data: RatedRows, fraction: number, seed: number): { train: RatedRows; heldOut: RatingPairs } {
  const { rows, rating } = data;
  const { users: n, rowStart, itemIndex } = rows;
  const nnz = rowStart[n];
  const m = Math.round(fraction * nnz);
  const held = new Uint8Array(nnz);
  const order = new NumpyRandomState(seed).permutation(nnz);
  for (let r = 0; r < m; r++) held[order[r]] = 1;
  const trainStart = new Int32Array(n + 1);
  const trainItems = new Int32Array(nnz - m);
  const trainRating = new Float64Array(nnz - m);
  const user = new Int32Array(m);
  const item = new Int32Array(m);
  const heldRating = new Float64Array(m);
  let a = 0;
  let b = 0;
  for (let u = 0; u < n; u++) {
    for (let t = rowStart[u], end = rowStart[u + 1]; t < end; t++) {
      if (held[t]) {
        user[b] = u;
        item[b] = itemIndex[t];
        heldRating[b++] = rating[t];
      } else {
        trainItems[a] = itemIndex[t];
        trainRating[a++] = rating[t];
      }
    }
    trainStart[u + 1] = a;
  }
  return {
    train: { rows: { users: n, items: rows.items, rowStart: trainStart, itemIndex: trainItems }, rating: trainRating },
    heldOut: { count: m, user, item, rating: heldRating },
  };
}

/** The pairs of rating rows (all of them), for scoring a fit on its own ratings or a validation split. */
export function pairsOf(data: RatedRows): RatingPairs {
  const { rows, rating } = data;
  const nnz = rows.rowStart[rows.users];
  const user = new Int32Array(nnz);
  for (let u = 0; u < rows.users; u++) user.fill(u, rows.rowStart[u], rows.rowStart[u + 1]);
  return { count: nnz, user, item: Int32Array.from(rows.itemIndex), rating: Float64Array.from(rating) };
}
