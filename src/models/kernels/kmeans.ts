import type { PreparedData } from '../data';
import { float64Arrays } from '../data';
import { rowDots } from './products';
import { chunkLayout, denseData, statsLayout, type ChunkLayout, type KernelFactory } from './layout';
import { WasmKMeansKernel } from './wasm-kmeans';
import { wasmOrJs } from './wasm';

/**
 * The k-means E-step on one chunk of rows, in TypeScript: the reference that the
 * WebAssembly kernel (assembly/kmeans.ts, run by wasm-kmeans.ts) matches bit for bit,
 * and the kernel used wherever WebAssembly SIMD is not available.
 *
 * Phase 0 (the E-step): each row's nearest mean (ties to the lower index), found through
 * the products ‖x‖² − 2·x·mu_j + ‖mu_j‖² (rowDots, BLOCK_ROWS rows at a time) and screened
 * by `screenSlack`, the direct sums Σ_i (x_i − mu_ji)² deciding any near tie; then, in row
 * order within the chunk, the row's label, the cost (its direct squared distance), n_j and
 * Σx of the next M-step and, when the parameters say so, its direct squared distance to its
 * previous cluster's mean (the last M-step's variances). Phase 1: only those distances, to
 * the mean of each row's current cluster (the variances after the last M-step).
 *
 * Every sum starts from 0 in each chunk and runs over its rows in order; the state adds the
 * chunks in chunk order (addChunks), so one thread or several give the same bits.
 */

/** Rows per block of the E-step: their products with the means (block × K) stay in cache while the block is scanned. */
export const KMEANS_BLOCK_ROWS = 256;

/** Per chunk: [cost, n_j (K), Σ squared distance to the previous cluster's mean (K), Σx (K×d)]. */
export function kmeansStats(k: number, d: number) {
  return statsLayout([
    ['cost', 1],
    ['count', k],
    ['deviation', k],
    ['sum', k * d],
  ] as const);
}
export type KMeansStats = ReturnType<typeof kmeansStats>;

/** k-means's chunks: the common cut, with its statistics block. */
export function kmeansLayout(data: Pick<PreparedData, 'n' | 'd'>, k: number): ChunkLayout {
  return chunkLayout(data, k, kmeansStats(k, data.d).size);
}

/** Slots of `KMeansBuffers.bounds`. */
export const KMEANS_BOUNDS = { maxNorm: 0, slack: 1, deviation: 2, size: 3 } as const;

/**
 * What the chunk kernel reads and writes: the means (centred, K×d) and their squared norms,
 * the screen's bounds and whether the E-step also sums the previous clusters' distances
 * (KMEANS_BOUNDS), every row's label, and each chunk's statistics. Plain arrays in one
 * thread; SharedArrayBuffers when rows are split across worker threads.
 */
export interface KMeansBuffers {
  readonly mu: Float64Array;
  readonly muNorm: Float64Array;
  readonly bounds: Float64Array;
  readonly label: Int32Array;
  readonly stats: Float64Array;
}

export function kmeansBuffers(layout: ChunkLayout, shared: boolean): KMeansBuffers {
  const f64 = float64Arrays(shared);
  const { n, d, k } = layout;
  return {
    mu: f64(k * d),
    muNorm: f64(k),
    bounds: f64(KMEANS_BOUNDS.size),
    label: shared ? new Int32Array(new SharedArrayBuffer(n * 4)) : new Int32Array(n),
    stats: f64(layout.chunks * layout.statsSize),
  };
}

/**
 * How far, relative to ‖x‖² + max_j ‖mu_j‖², the screened ‖x‖² + ‖mu_j‖² − 2·x·mu_j can be from
 * the direct Σ_i (x_i − mu_ji)² by rounding alone, with room to spare. With u = 2⁻⁵³ and
 * s = ‖x‖² + ‖mu_j‖²: 2·x·mu_j is off by at most γ_d·2·Σ|x_i·mu_ji| ≤ γ_d·s, ‖mu_j‖² and ‖x‖²
 * (rowSquares) by γ_d times themselves, the subtraction by u·|‖mu_j‖² − 2·x·mu_j| ≤ 2u·s: (2d + 2)·u·s
 * in all; the direct sum (each term rounded three times, then d − 1 additions) by
 * γ_(d+2)·‖x − mu_j‖² ≤ 2·γ_(d+2)·s = (2d + 4)·u·s. Together (4d + 6)·u·s, plus a few u for the
 * comparison's own roundings; this is about twice that. Two means whose screened values differ
 * by more than twice the bound are in the same order by the direct sums.
 */
export function screenSlack(d: number): number {
  return (4 * d + 12) * Number.EPSILON;
}

/** ‖mu_j‖² into `out`; returns the largest (NaN if any is). */
export function squaredNorms(mu: Float64Array, k: number, d: number, out: Float64Array): number {
  let max = 0;
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += mu[j * d + i] * mu[j * d + i];
    out[j] = s;
    if (s > max || s !== s) max = s;
  }
  return max;
}

/** Per-thread scratch of the TypeScript kernel: one block's products, picks and direct distances. */
export interface KMeansScratch {
  readonly at: KMeansStats;
  readonly dots: Float64Array;
  readonly pick: Int32Array;
  readonly distance: Float64Array;
}

export function kmeansScratch(layout: ChunkLayout): KMeansScratch {
  const { k, d } = layout;
  const block = Math.min(layout.chunkRows, KMEANS_BLOCK_ROWS);
  return { at: kmeansStats(k, d), dots: new Float64Array(block * k), pick: new Int32Array(block), distance: new Float64Array(block) };
}

/** Phase 0 (the E-step) or 1 (the distances to the current clusters only) on one chunk, into its statistics block. */
export function kmeansChunk(data: PreparedData, layout: ChunkLayout, b: KMeansBuffers, chunk: number, scratch: KMeansScratch, phase: number): void {
  const { d, x, rowSquares } = data;
  const { k, statsSize } = layout;
  const from = chunk * layout.chunkRows;
  const to = Math.min(layout.n, from + layout.chunkRows);
  const { mu, muNorm, bounds, label, stats } = b;
  const { at, dots, pick, distance } = scratch;
  const s = chunk * statsSize;
  stats.fill(0, s, s + statsSize);
  const deviation = s + at.deviation;
  if (phase === 1) {
    for (let u = from; u < to; u++) stats[deviation + label[u]] += directDistance(x, u * d, mu, label[u] * d, d);
    return;
  }
  const maxNorm = bounds[KMEANS_BOUNDS.maxNorm];
  const slack = bounds[KMEANS_BOUNDS.slack];
  const withDeviation = bounds[KMEANS_BOUNDS.deviation] !== 0;
  let cost = 0;
  for (let start = from; start < to; start += KMEANS_BLOCK_ROWS) {
    const end = Math.min(to, start + KMEANS_BLOCK_ROWS);
    rowDots(x, start, end, d, mu, k, dots, start);
    screen(dots, muNorm, k, rowSquares, maxNorm, slack, label, start, end, pick);
    directDistances(x, d, mu, k, start, end, pick, distance);
    cost = assign(x, d, mu, start, end, pick, distance, label, cost, stats, s + at.count, s + at.sum, withDeviation ? deviation : -1);
  }
  stats[s + at.cost] = cost;
}

/**
 * Each row's mean by the products (dots[(u − from)·K + j] = x_u·mu_j), or −1 when they do not set one apart:
 * pick[u − from] = the j whose ‖mu_j‖² − 2·x·mu_j is below every other's by more than twice the row's bound.
 * The row's previous mean is tried first: it is almost always still the one, and checking that
 * all others are farther is a count without unpredictable branches.
 */
function screen(
  dots: Float64Array,
  muNorm: Float64Array,
  k: number,
  rowSquares: Float64Array,
  maxNorm: number,
  slack: number,
  label: Int32Array,
  from: number,
  to: number,
  pick: Int32Array,
): void {
  for (let u = from; u < to; u++) {
    const o = (u - from) * k;
    const gap = 2 * slack * (rowSquares[u] + maxNorm);
    const previous = label[u];
    // NaN anywhere makes every comparison false: no count of 1, and `apart` below says no.
    const limit = muNorm[previous] - 2 * dots[o + previous] + gap;
    let within = 0;
    for (let j = 0; j < k; j++) within += +(muNorm[j] - 2 * dots[o + j] <= limit);
    pick[u - from] = within === 1 ? previous : apart(dots, o, muNorm, k, gap);
  }
}

/** The j of the smallest ‖mu_j‖² − 2·x·mu_j when every other is larger by more than `gap`, else −1. */
function apart(dots: Float64Array, o: number, muNorm: Float64Array, k: number, gap: number): number {
  let best = 0;
  let first = Infinity;
  let second = Infinity;
  for (let j = 0; j < k; j++) {
    const q = muNorm[j] - 2 * dots[o + j];
    if (q < first) {
      second = first;
      first = q;
      best = j;
    } else if (q < second) second = q;
  }
  return second - first > gap ? best : -1;
}

/** Σ_i (x[a + i] − mu[b + i])², in order of i: the distance every reported number is made of. */
export function directDistance(x: Float64Array, a: number, mu: Float64Array, b: number, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) {
    const diff = x[a + i] - mu[b + i];
    s += diff * diff;
  }
  return s;
}

/**
 * Each row's direct squared distance to its picked mean into distance[u − from]; a row with no pick
 * gets its mean (and distance) from the direct sums of every mean, ties to the lower index.
 * Four rows at a time, so that their four running sums (each in order of i) overlap.
 */
function directDistances(x: Float64Array, d: number, mu: Float64Array, k: number, from: number, to: number, pick: Int32Array, distance: Float64Array): void {
  let u = from;
  for (; u + 3 < to; u += 4) {
    const t = u - from;
    const j0 = pick[t];
    const j1 = pick[t + 1];
    const j2 = pick[t + 2];
    const j3 = pick[t + 3];
    if ((j0 | j1 | j2 | j3) < 0) {
      for (let v = u; v < u + 4; v++) directPick(x, d, mu, k, v, v - from, pick, distance);
      continue;
    }
    const r0 = u * d;
    const r1 = r0 + d;
    const r2 = r1 + d;
    const r3 = r2 + d;
    const m0 = j0 * d;
    const m1 = j1 * d;
    const m2 = j2 * d;
    const m3 = j3 * d;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0; // prettier-ignore
    for (let i = 0; i < d; i++) {
      const e0 = x[r0 + i] - mu[m0 + i];
      s0 += e0 * e0;
      const e1 = x[r1 + i] - mu[m1 + i];
      s1 += e1 * e1;
      const e2 = x[r2 + i] - mu[m2 + i];
      s2 += e2 * e2;
      const e3 = x[r3 + i] - mu[m3 + i];
      s3 += e3 * e3;
    }
    distance[t] = s0;
    distance[t + 1] = s1;
    distance[t + 2] = s2;
    distance[t + 3] = s3;
  }
  for (; u < to; u++) directPick(x, d, mu, k, u, u - from, pick, distance);
}

/** One row's distance to its pick, or, with no pick, its mean by the direct sums (the strict < keeps ties on the lower index). */
function directPick(x: Float64Array, d: number, mu: Float64Array, k: number, u: number, t: number, pick: Int32Array, distance: Float64Array): void {
  const j = pick[t];
  if (j >= 0) {
    distance[t] = directDistance(x, u * d, mu, j * d, d);
    return;
  }
  let best = 0;
  let bestDist = Infinity;
  for (let c = 0; c < k; c++) {
    const dist = directDistance(x, u * d, mu, c * d, d);
    if (dist < bestDist) {
      bestDist = dist;
      best = c;
    }
  }
  pick[t] = best;
  distance[t] = bestDist;
}

/**
 * The block's rows join their means, in row order: the label, the cost, n_j (at stats[count + j])
 * and Σx (at stats[sum + j·d + i]) of the next M-step and, when `deviation` ≥ 0, each row's direct
 * squared distance to its previous cluster's mean added to that cluster's (stats[deviation + j]).
 * Returns the cost so far.
 */
function assign(
  x: Float64Array,
  d: number,
  mu: Float64Array,
  from: number,
  to: number,
  pick: Int32Array,
  distance: Float64Array,
  label: Int32Array,
  cost: number,
  stats: Float64Array,
  count: number,
  sum: number,
  deviation: number,
): number {
  for (let u = from; u < to; u++) {
    const t = u - from;
    const j = pick[t];
    const dist = distance[t];
    if (deviation >= 0) {
      const previous = label[u];
      stats[deviation + previous] += previous === j ? dist : directDistance(x, u * d, mu, previous * d, d);
    }
    label[u] = j;
    cost += dist;
    stats[count + j]++;
    const row = u * d;
    const s = sum + j * d;
    for (let i = 0; i < d; i++) stats[s + i] += x[row + i];
  }
  return cost;
}

/** k-means's kernel for a job: the WebAssembly one unless told otherwise or it cannot be had, else this TypeScript one. */
export const kmeansKernel: KernelFactory = (requested, fitData, layout, job) => {
  const data = denseData(fitData);
  const buffers = job.buffers as KMeansBuffers;
  return wasmOrJs(
    requested,
    () => new WasmKMeansKernel(data, layout, buffers),
    () => {
      const scratch = kmeansScratch(layout);
      return (chunk, phase) => kmeansChunk(data, layout, buffers, chunk, scratch, phase);
    },
  );
};
