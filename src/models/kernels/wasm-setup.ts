import { Regions, scratchInstance } from './wasm';

/**
 * What a fit computes once before its first E-step, on complete data, in WebAssembly
 * SIMD (assembly/setup.ts), in this thread's second instance: prepareData's column sums
 * and centred rows (data.ts) and the start's d×d scatter around the column means
 * (scatter.ts). Cold TypeScript loops take some 15 and 25 ms over digits (1797 × 64)
 * before V8 has optimised them; these take about 1. Each gives the bits of the
 * TypeScript loop it stands for (the same operations in the same order), which runs
 * instead where the module cannot be had (each function then returns false or null).
 *
 * The rows go through the instance's memory a block at a time (about 256 KB of them),
 * so that memory stays small whatever the data's size; the sums carry over from block
 * to block in place.
 */

/** Numbers of the data per block (a multiple of 4 rows, at least 4). */
const BLOCK_NUMBERS = 32768;

function blockRows(d: number): number {
  return Math.max(4, Math.floor(BLOCK_NUMBERS / Math.max(1, d) / 4) * 4);
}

/** The instance's regions for blocks of `rows` rows of d columns (with the scatter's d·d when `scatter`). */
function regions(rows: number, d: number, scatter: boolean) {
  const at = new Regions();
  const data = at.f64(rows * d);
  // One number past the last row: scatterRows reads the lane past the diagonal.
  const x = at.f64(rows * d + 2);
  const rowSquares = at.f64(rows);
  const center = at.f64(d + 2);
  const sums = at.f64(d + 2);
  const out = at.f64(scatter ? d * d + 2 : 0);
  return { data, x, rowSquares, center, sums, out, end: at.end };
}

/**
 * sums[i] = Σ_u data[u·d + i] over the n rows (row-major), in row order, from 0: prepareData's
 * and computeScatter's column sums. False when the module cannot be had.
 */
export function wasmColumnSums(data: Float64Array, n: number, d: number, sums: Float64Array): boolean {
  const rows = Math.min(blockRows(d), Math.max(4, Math.ceil(n / 4) * 4));
  const at = regions(rows, d, false);
  const instance = scratchInstance(at.end);
  if (!instance) return false;
  const { exports, f64 } = instance;
  f64.fill(0, at.sums / 8, at.sums / 8 + d);
  for (let from = 0; from < n; from += rows) {
    const count = Math.min(rows, n - from);
    f64.set(data.subarray(from * d, (from + count) * d), at.data / 8);
    exports.columnSums(at.data, count, d, at.sums);
  }
  sums.set(f64.subarray(at.sums / 8, at.sums / 8 + d));
  return true;
}

/**
 * prepareData's second pass on complete data: x = data − center per column, rowSquares[u] =
 * Σ_i x_ui² (columns in order) and squares[i] = Σ_u x_ui² (rows in order, from 0). The first
 * row whose sum of squares is not finite (what comes after it is not written), −1 when
 * none, or null when the module cannot be had.
 */
export function wasmCentreRows(
  data: Float64Array,
  n: number,
  d: number,
  center: Float64Array,
  x: Float64Array,
  rowSquares: Float64Array,
  squares: Float64Array,
): number | null {
  const rows = Math.min(blockRows(d), Math.max(4, Math.ceil(n / 4) * 4));
  const at = regions(rows, d, false);
  const instance = scratchInstance(at.end);
  if (!instance) return null;
  const { exports, f64 } = instance;
  f64.set(center, at.center / 8);
  f64.fill(0, at.sums / 8, at.sums / 8 + d);
  let bad = -1;
  for (let from = 0; from < n && bad < 0; from += rows) {
    const count = Math.min(rows, n - from);
    f64.set(data.subarray(from * d, (from + count) * d), at.data / 8);
    const row = exports.centreRows(at.data, count, d, at.center, at.x, at.rowSquares, at.sums);
    const kept = row < 0 ? count : row + 1;
    x.set(f64.subarray(at.x / 8, at.x / 8 + kept * d), from * d);
    rowSquares.set(f64.subarray(at.rowSquares / 8, at.rowSquares / 8 + kept), from);
    if (row >= 0) bad = from + row;
  }
  squares.set(f64.subarray(at.sums / 8, at.sums / 8 + d));
  return bad;
}

/**
 * computeScatter's full scatter: scatter[a·d + b] = Σ_u (data[u·d + a] − center[a])·(data[u·d + b] −
 * center[b]) for b ≤ a, the rows in order, from 0 (the upper triangle left 0). False when the
 * module cannot be had.
 */
export function wasmScatter(data: Float64Array, n: number, d: number, center: Float64Array, scatter: Float64Array): boolean {
  const rows = Math.min(blockRows(d), Math.max(4, Math.ceil(n / 4) * 4));
  const at = regions(rows, d, true);
  const instance = scratchInstance(at.end);
  if (!instance) return false;
  const { exports, f64 } = instance;
  f64.set(center, at.center / 8);
  f64.fill(0, at.out / 8, at.out / 8 + d * d + 2);
  for (let from = 0; from < n; from += rows) {
    const count = Math.min(rows, n - from);
    f64.set(data.subarray(from * d, (from + count) * d), at.data / 8);
    // The differences of the rows (their squares' sums are not needed here).
    exports.centreRows(at.data, count, d, at.center, at.x, at.rowSquares, at.sums);
    exports.scatterRows(at.x, count, d, at.out);
  }
  const out = at.out / 8;
  for (let a = 0; a < d; a++) scatter.set(f64.subarray(out + a * d, out + a * d + a + 1), a * d);
  return true;
}

/**
 * The full family's start covariances before --reg-covar (full.ts startCovariancesFromScatter):
 * matrices[j·d·d + a·d + b] = (S_ab + n·(mu_ja − c_a)·(mu_jb − c_b)) / n for the k means, S the
 * lower triangle of `scatter`. False when the module cannot be had.
 */
export function wasmStartCovariances(n: number, center: Float64Array, scatter: Float64Array, mu: Float64Array, k: number, matrices: Float64Array): boolean {
  const d = center.length;
  const at = new Regions();
  const s = at.f64(d * d);
  const c = at.f64(d);
  const m = at.f64(k * d);
  const out = at.f64(k * d * d);
  const diff = at.f64(d);
  const instance = scratchInstance(at.end);
  if (!instance) return false;
  const { exports, f64 } = instance;
  f64.set(scatter.subarray(0, d * d), s / 8);
  f64.set(center, c / 8);
  f64.set(mu.subarray(0, k * d), m / 8);
  exports.startCovariances(s, c, m, k, d, n, out, diff);
  matrices.set(f64.subarray(out / 8, out / 8 + k * d * d));
  return true;
}
