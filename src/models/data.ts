import type { Matrix } from '../core/matrix';
import { DataError } from '../core/errors';
import { rememberDiagonalScatter } from './scatter';
import { wasmCentreRows, wasmColumnSums } from './kernels/wasm-setup';

/**
 * A matrix laid out for the EM kernels, built once and shared by every fit of a sweep.
 *
 * Columns are centred on their observed means so that the expanded distance
 * ‖x−mu‖² = ‖x‖² − 2x·mu + ‖mu‖² loses little to cancellation. Distances, and
 * so every likelihood, are unchanged by the shift; means are shifted back on output.
 * Missing cells stay 0 in `x`, so dense dot products skip them by themselves; the
 * few sums that must leave them out subtract them through a per-row index of missing columns.
 */
export interface PreparedData {
  readonly kind: 'dense';
  readonly n: number;
  readonly d: number;
  /** Centred values, row-major n×d; 0 at missing cells. */
  readonly x: Float64Array;
  /** The column means that were subtracted. */
  readonly center: Float64Array;
  /** Σ over the row's observed cells of x², in centred coordinates. */
  readonly rowSquares: Float64Array;
  /** |C_u|: how many cells of each row are observed. */
  readonly rowObserved: Float64Array;
  /** For data with missing cells: the mask (1 = observed), row-major n×d. */
  readonly observed: Uint8Array | null;
  /** For data with missing cells: missing column indices, row u at missingIndex[missingStart[u]..missingStart[u+1]). */
  readonly missingStart: Int32Array | null;
  readonly missingIndex: Int32Array | null;
  /** Each column's variance over its observed cells (the mean of the centred squares): the data's scale, per column. */
  readonly columnVariance: Float64Array;
  /** The columns' names, when the input had a header. */
  readonly columns: readonly string[] | null;
}

/** Column i (0-based) as a message names it: `column 3`, or `column 3 (petal_width)` with a header. */
export function columnLabel(data: Pick<PreparedData, 'columns'>, i: number): string {
  const name = data.columns?.[i];
  return name ? `column ${i + 1} (${name})` : `column ${i + 1}`;
}

/**
 * A variance (or a Cholesky pivot) at or below this fraction of the data's scale is
 * rounding, not spread: 1000 units in the last place. The expanded distances leave
 * about 30 units (6.8e-15 where the exact value is 0) when a component sits on repeated points.
 */
export const COLLAPSE_RELATIVE = 1000 * Number.EPSILON;

/** The scale a variance of column i is judged against: the column's variance plus the squared (centred) mean, so a distant component's rounding counts too. */
export function varianceScale(data: PreparedData, i: number, centredMean: number): number {
  return data.columnVariance[i] + centredMean * centredMean;
}

/** A variance whose square and reciprocal are ordinary doubles (not 0, not denormal, not infinite). */
export function isUsableVariance(v: number): boolean {
  return v > 0 && v * v >= 2.2250738585072014e-308 && Number.isFinite(1 / v) && Number.isFinite(v * v);
}

/**
 * Why a variance cannot be used although it is not at the rounding level: its square
 * overflows or underflows a double, so the data's scale is out of range; null when it is usable.
 */
export function scaleProblem(v: number): string | null {
  if (isUsableVariance(v)) return null;
  if (!(v > 0)) return null; // 0 or below: a collapse, not a scale problem
  return v >= 1 ? `its square overflows a double: scale the data down` : `its square underflows a double: scale the data up`;
}

/** The columns (0-based) whose observed values are all equal, so any variance of theirs is 0. */
export function constantColumns(data: PreparedData): number[] {
  const out: number[] = [];
  for (let i = 0; i < data.d; i++) if (data.columnVariance[i] <= COLLAPSE_RELATIVE * data.center[i] * data.center[i]) out.push(i);
  return out;
}

/** Zeroed Float64Arrays of a given length: in SharedArrayBuffers when `shared` (for worker threads to use in place), else plain. */
export function float64Arrays(shared: boolean): (length: number) => Float64Array {
  return (length) => (shared ? new Float64Array(new SharedArrayBuffer(length * 8)) : new Float64Array(length));
}

/**
 * `shared`: allocate in SharedArrayBuffers, for worker threads to read in place. `given`: centre
 * on these column means instead of the matrix's own (a shard of a larger table is centred as the
 * whole table is, so that the statistics of its rows add up with the other shards').
 */
export function prepareData(m: Matrix, shared = false, given?: Float64Array): PreparedData {
  const f64 = float64Arrays(shared);
  const i32 = (length: number) => (shared ? new Int32Array(new SharedArrayBuffer(length * 4)) : new Int32Array(length));
  const n = m.rows;
  const d = m.cols;
  const mask = m.observed;
  const center = f64(d);
  const counts = new Float64Array(d);
  // Complete data: both passes in WebAssembly where it can be had (wasm-setup.ts; the same bits).
  if (!mask && wasmColumnSums(m.data, n, d, center)) counts.fill(n);
  else prepareColumnSums(m, center, counts);
  for (let i = 0; i < d; i++) center[i] = counts[i] > 0 ? center[i] / counts[i] : 0;
  if (given) {
    if (given.length !== d) throw new Error(`internal: ${given.length} column means for ${d} columns`);
    center.set(given);
  }

  const x = f64(n * d);
  const rowSquares = f64(n);
  const rowObserved = f64(n);
  let missingStart: Int32Array | null = null;
  let missingIndex: Int32Array | null = null;
  if (mask) {
    let total = 0;
    for (let c = 0; c < mask.length; c++) total += 1 - mask[c];
    missingStart = i32(n + 1);
    missingIndex = i32(total);
  }
  // Σ over each column's observed cells of x², in row order, summed in the same pass.
  const columnVariance = new Float64Array(d);
  const bad = mask ? null : wasmCentreRows(m.data, n, d, center, x, rowSquares, columnVariance);
  if (bad === null) prepareRows(m, center, x, rowSquares, rowObserved, columnVariance, missingStart, missingIndex);
  else {
    if (bad >= 0) throw tooLarge(bad);
    rowObserved.fill(d);
  }
  // Complete data centred on its own means: those sums are the start's scatter around the column means (scatter.ts), computed here once.
  if (!mask && !given) rememberDiagonalScatter(m, center, columnVariance);
  for (let i = 0; i < d; i++) columnVariance[i] = counts[i] > 0 ? columnVariance[i] / counts[i] : 0;
  let observed: Uint8Array | null = null;
  if (mask) {
    observed = shared ? new Uint8Array(new SharedArrayBuffer(mask.length)) : new Uint8Array(mask.length);
    observed.set(mask);
  }
  return { kind: 'dense', n, d, x, center, rowSquares, rowObserved, observed, missingStart, missingIndex, columnVariance, columns: m.columns && m.columns.length === d ? m.columns : null };
}

function tooLarge(u: number): DataError {
  return new DataError(`row ${u + 1} of the data has values too large for distances: the sum of their squares overflows a double (about 1.8e308); scale the data down`);
}

/** prepareData's first pass in TypeScript (the reference of wasmColumnSums): each column's sum and count over its observed cells, in row order. */
function prepareColumnSums(m: Matrix, center: Float64Array, counts: Float64Array): void {
  const n = m.rows;
  const d = m.cols;
  const mask = m.observed;
  for (let u = 0; u < n; u++) {
    for (let i = 0; i < d; i++) {
      if (mask && mask[u * d + i] === 0) continue;
      center[i] += m.data[u * d + i];
      counts[i]++;
    }
  }
}

/**
 * prepareData's second pass in TypeScript (the reference of wasmCentreRows, and what runs on
 * data with missing cells): the centred rows, each row's sum of squares and observed count,
 * each column's sum of squares, and the index of the missing cells.
 */
function prepareRows(
  m: Matrix,
  center: Float64Array,
  x: Float64Array,
  rowSquares: Float64Array,
  rowObserved: Float64Array,
  columnVariance: Float64Array,
  missingStart: Int32Array | null,
  missingIndex: Int32Array | null,
): void {
  const n = m.rows;
  const d = m.cols;
  const mask = m.observed;
  let t = 0;
  for (let u = 0; u < n; u++) {
    if (missingStart) missingStart[u] = t;
    let sq = 0;
    let count = 0;
    for (let i = 0; i < d; i++) {
      const c = u * d + i;
      if (mask && mask[c] === 0) {
        if (missingIndex) missingIndex[t++] = i;
        continue;
      }
      const v = m.data[c] - center[i];
      x[c] = v;
      const square = v * v;
      sq += square;
      columnVariance[i] += square;
      count++;
    }
    if (!Number.isFinite(sq)) throw tooLarge(u);
    rowSquares[u] = sq;
    rowObserved[u] = count;
  }
  if (missingStart) missingStart[n] = t;
}

/** Means (K×d, row-major) moved into the data's centred coordinates, or back out (sign −1). */
export function shiftMeans(mu: Float64Array, k: number, data: PreparedData, sign: 1 | -1, out: Float64Array = new Float64Array(k * data.d)): Float64Array {
  const { d, center } = data;
  for (let j = 0; j < k; j++) for (let i = 0; i < d; i++) out[j * d + i] = mu[j * d + i] - sign * center[i];
  return out;
}
