import type { Matrix } from '../core/matrix';
import type { PreparedData } from './data';
import type { SparseData } from './sparse';

/**
 * The data-wide sums a start over shards needs, computed shard by shard and combined, so
 * that no machine holds more than one shard: the row draw needs only the row count, and the
 * start's spreads and the data's scales come from per-column moments.
 *
 * Means and spreads are combined as Chan, Golub and LeVeque's parallel variance does
 * (M2 = M2_a + M2_b + δ²·n_a·n_b/n), never as Σx² − n·mean², which loses every digit
 * to cancellation on data far from 0. One shard gives exactly the numbers its own two
 * passes give (the single-machine start's).
 */

/** Per column: how many values, their mean and Σ(x − mean)². */
export interface Moments {
  readonly count: Float64Array;
  readonly mean: Float64Array;
  readonly scatter: Float64Array;
}

/** A table shard's moments: its rows; every cell with missing ones as 0 (the start's spread); the observed cells only (the centre, the scales). */
export interface TableMoments {
  readonly rows: number;
  /** Cells observed. */
  readonly cells: number;
  readonly zeroFilled: Moments;
  readonly observed: Moments;
  /** Σ over the observed cells of x, per column (the centre is Σ over the shards of these, over the count). */
  readonly observedSum: Float64Array;
  /** With `matrix`: the zero-filled cells' Σ(x − mean)(x − mean)ᵀ, d×d, lower triangle (the full family's start). */
  readonly cross?: Float64Array;
}

function emptyMoments(d: number): Moments {
  return { count: new Float64Array(d), mean: new Float64Array(d), scatter: new Float64Array(d) };
}

/** One shard's moments, in two passes over its rows as the single-machine start makes them. */
export function tableMoments(m: Matrix, matrix = false): TableMoments {
  const { rows: n, cols: d, data, observed } = m;
  const zeroFilled = emptyMoments(d);
  const seen = emptyMoments(d);
  const observedSum = new Float64Array(d);
  let cells = 0;
  for (let u = 0; u < n; u++) {
    for (let i = 0; i < d; i++) {
      const c = u * d + i;
      zeroFilled.mean[i] += data[c];
      if (observed && !observed[c]) continue;
      observedSum[i] += data[c];
      seen.count[i]++;
      cells++;
    }
  }
  for (let i = 0; i < d; i++) {
    zeroFilled.count[i] = n;
    zeroFilled.mean[i] /= n;
    seen.mean[i] = observedSum[i] / (seen.count[i] || 1);
  }
  for (let u = 0; u < n; u++) {
    for (let i = 0; i < d; i++) {
      const c = u * d + i;
      const z = data[c] - zeroFilled.mean[i];
      zeroFilled.scatter[i] += z * z;
      if (observed && !observed[c]) continue;
      const o = data[c] - seen.mean[i];
      seen.scatter[i] += o * o;
    }
  }
  let cross: Float64Array | undefined;
  if (matrix) {
    // As the single-machine start's scatter (models/scatter.ts), in the same order.
    const c = zeroFilled.mean;
    cross = new Float64Array(d * d);
    for (let u = 0; u < n; u++) {
      for (let a = 0; a < d; a++) {
        const da = data[u * d + a] - c[a];
        for (let b = 0; b <= a; b++) cross[a * d + b] += da * (data[u * d + b] - c[b]);
      }
    }
  }
  return { rows: n, cells, zeroFilled, observed: seen, observedSum, cross };
}

/** b added into a (Chan et al.); an empty a takes b's numbers exactly. */
function addMoments(a: Moments, b: Moments): void {
  for (let i = 0; i < a.count.length; i++) {
    const na = a.count[i];
    const nb = b.count[i];
    if (nb === 0) continue;
    if (na === 0) {
      a.count[i] = nb;
      a.mean[i] = b.mean[i];
      a.scatter[i] = b.scatter[i];
      continue;
    }
    const n = na + nb;
    const delta = b.mean[i] - a.mean[i];
    a.mean[i] += (delta * nb) / n;
    a.scatter[i] += b.scatter[i] + ((delta * delta * na) / n) * nb;
    a.count[i] = n;
  }
}

/** The shards' moments combined, in the order given. */
export function combineTableMoments(shards: readonly TableMoments[]): TableMoments {
  const d = shards[0].observedSum.length;
  const zeroFilled = emptyMoments(d);
  const observed = emptyMoments(d);
  const observedSum = new Float64Array(d);
  let rows = 0;
  let cells = 0;
  const matrix = shards.every((s) => s.cross !== undefined);
  const cross = matrix ? new Float64Array(d * d) : undefined;
  const delta = new Float64Array(d);
  for (const s of shards) {
    if (cross) {
      // Chan et al. for the cross terms: + δ_a·δ_b·n_a·n_b/n, δ before the means move.
      const na = rows;
      const nb = s.rows;
      if (na === 0) cross.set(s.cross!);
      else if (nb > 0) {
        for (let i = 0; i < d; i++) delta[i] = s.zeroFilled.mean[i] - zeroFilled.mean[i];
        const f = (na * nb) / (na + nb);
        for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) cross[a * d + b] += s.cross![a * d + b] + delta[a] * delta[b] * f;
      }
    }
    addMoments(zeroFilled, s.zeroFilled);
    addMoments(observed, s.observed);
    for (let i = 0; i < d; i++) observedSum[i] += s.observedSum[i];
    rows += s.rows;
    cells += s.cells;
  }
  return { rows, cells, zeroFilled, observed, observedSum, cross };
}

/** The column means of the observed cells, as prepareData centres a table (0 for a column with none). */
export function observedCenter(m: TableMoments): Float64Array {
  return Float64Array.from(m.observedSum, (s, i) => (m.observed.count[i] > 0 ? s / m.observed.count[i] : 0));
}

/** Each column's standard deviation over its observed cells (n in the denominator), as --standardize and the default --reg-covar take it. */
export function observedScale(m: TableMoments): Float64Array {
  return Float64Array.from(m.observed.scatter, (s, i) => Math.sqrt(s / (m.observed.count[i] || 1)));
}

/** A ratings shard's sums, per item of the whole data (its global index): what the sparse start and the ratings' range need. */
export interface RatingsSums {
  readonly users: number;
  readonly ratings: number;
  readonly columnSum: Float64Array;
  readonly columnSquares: Float64Array;
  readonly columnCount: Float64Array;
  readonly min: number;
  readonly max: number;
}

/**
 * A table with no rows, of the whole data's shape: what a state is made on to run the
 * M-step of statistics summed over shards (gmm-fit mstep). `center` is the one every shard
 * was centred on; `missing`: whether the whole table has missing cells (its statistics then
 * have the observed-weight block).
 */
export function noRows(d: number, center: Float64Array, columns: readonly string[] | null, missing: boolean): PreparedData {
  return {
    kind: 'dense',
    n: 0,
    d,
    x: new Float64Array(0),
    center,
    rowSquares: new Float64Array(0),
    rowObserved: new Float64Array(0),
    observed: missing ? new Uint8Array(0) : null,
    missingStart: missing ? new Int32Array(1) : null,
    missingIndex: missing ? new Int32Array(0) : null,
    columnVariance: new Float64Array(d),
    columns: columns && columns.length === d ? columns : null,
  };
}

/** Rating rows with no users, over the whole data's d items; `complete`: whether every user rated every item. */
export function noUsers(d: number, complete: boolean): SparseData {
  return {
    kind: 'sparse',
    n: 0,
    d,
    nnz: 0,
    rowStart: new Int32Array(1),
    items: new Int32Array(0),
    x: new Float64Array(0),
    rowSquares: new Float64Array(0),
    rowObserved: new Float64Array(0),
    columnSum: new Float64Array(d),
    columnSquares: new Float64Array(d),
    columnCount: new Float64Array(d),
    complete,
  };
}
