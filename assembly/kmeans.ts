// The k-means E-step on one chunk of rows, in WebAssembly SIMD (f64x2): exactly what
// src/models/kernels/kmeans.ts kmeansChunk computes, operation for operation, so the
// two give the same labels, cost and sums, bit for bit (test/models/kmeans-kernel.test.ts).
// The products X·muᵀ are shared.ts rowDots (lanes over components); the screen's
// comparisons run two components at a time (each one the same IEEE operations as the
// TypeScript kernel's); the direct distances are summed over the columns in order, four
// rows at a time; the sums of a cluster's rows run over the columns two at a time (each
// column's sum still in row order). No fused multiply-add.
//
// Arguments (src/models/kernels/wasm-abi.ts KMEANS_ARGUMENTS): sizes rows, d, k; data x
// (rows×d) and sq (rows: ‖x‖²); parameters mu (K×d), muT (d×K), muNorm (K) and bounds
// (f64: the largest ‖mu_j‖², the screen's slack, whether to sum the previous clusters'
// distances); label (rows i32: the previous labels in, the new ones out); scratch dots
// (blockRows×K), pick (blockRows i32), distance (blockRows); out stats (statsSize numbers,
// the cost, n_j, the deviations and Σx at the offsets the stat… arguments give).

import * as M from './abi/kmeans';
import { arg, rowDots } from './shared';

/** Σ_i (a[i] − b[i])², in order of i. */
// @ts-ignore: decorator
@inline
function directDistance(a: usize, b: usize, d: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < d; i++) {
    const c = <usize>i << 3;
    const e = load<f64>(a + c) - load<f64>(b + c);
    s += e * e;
  }
  return s;
}

/** kmeans.ts apart: the j of the smallest ‖mu_j‖² − 2·x·mu_j when every other is larger by more than `gap`, else −1. */
function apart(dots: usize, muNorm: usize, k: i32, gap: f64): i32 {
  let best = 0;
  let first: f64 = Infinity;
  let second: f64 = Infinity;
  for (let j = 0; j < k; j++) {
    const c = <usize>j << 3;
    const q = load<f64>(muNorm + c) - 2 * load<f64>(dots + c);
    if (q < first) {
      second = first;
      first = q;
      best = j;
    } else if (q < second) second = q;
  }
  return second - first > gap ? best : -1;
}

/** kmeans.ts directPick: a row's distance to its pick or, with none, its mean by the direct sums (ties to the lower index). */
function directPick(row: usize, mu: usize, d: i32, k: i32, pick: usize, distance: usize): void {
  const j = load<i32>(pick);
  const rowBytes = <usize>d << 3;
  if (j >= 0) {
    store<f64>(distance, directDistance(row, mu + <usize>j * rowBytes, d));
    return;
  }
  let best = 0;
  let bestDist: f64 = Infinity;
  for (let c = 0; c < k; c++) {
    const dist = directDistance(row, mu + <usize>c * rowBytes, d);
    if (dist < bestDist) {
      bestDist = dist;
      best = c;
    }
  }
  store<i32>(pick, best);
  store<f64>(distance, bestDist);
}

/** One block of `rows` rows (x, sq and label at the block's first row): screen, direct distances, then the rows join their means. Returns the cost so far. */
function block(
  x: usize,
  sq: usize,
  label: usize,
  rows: i32,
  d: i32,
  k: i32,
  mu: usize,
  muT: usize,
  muNorm: usize,
  maxNorm: f64,
  slack: f64,
  dots: usize,
  pick: usize,
  distance: usize,
  cost: f64,
  count: usize,
  sum: usize,
  deviation: usize,
): f64 {
  const rowBytes = <usize>d << 3;
  const kBytes = <usize>k << 3;
  const pairs = k & ~1;
  rowDots(x, rows, d, mu, muT, k, dots);

  // kmeans.ts screen: the previous mean first, counting the means within its bound.
  for (let u = 0; u < rows; u++) {
    const o = dots + <usize>u * kBytes;
    const gap = 2 * slack * (load<f64>(sq + (<usize>u << 3)) + maxNorm);
    const previous = load<i32>(label + (<usize>u << 2));
    const pc = <usize>previous << 3;
    const limit = load<f64>(muNorm + pc) - 2 * load<f64>(o + pc) + gap;
    const limitV = f64x2.splat(limit);
    const two = f64x2.splat(2);
    let within = i64x2.splat(0);
    let j = 0;
    for (; j < pairs; j += 2) {
      const c = <usize>j << 3;
      const q = f64x2.sub(v128.load(muNorm + c), f64x2.mul(two, v128.load(o + c)));
      within = i64x2.sub(within, f64x2.le(q, limitV));
    }
    let n = i64x2.extract_lane(within, 0) + i64x2.extract_lane(within, 1);
    if (j < k) {
      const c = <usize>j << 3;
      if (load<f64>(muNorm + c) - 2 * load<f64>(o + c) <= limit) n++;
    }
    store<i32>(pick + (<usize>u << 2), n == 1 ? previous : apart(o, muNorm, k, gap));
  }

  // kmeans.ts directDistances: four rows at a time, each sum over the columns in order.
  let u = 0;
  for (; u + 3 < rows; u += 4) {
    const p = pick + (<usize>u << 2);
    const j0 = load<i32>(p);
    const j1 = load<i32>(p, 4);
    const j2 = load<i32>(p, 8);
    const j3 = load<i32>(p, 12);
    const r0 = x + <usize>u * rowBytes;
    const dist = distance + (<usize>u << 3);
    if ((j0 | j1 | j2 | j3) < 0) {
      for (let v = 0; v < 4; v++) directPick(r0 + <usize>v * rowBytes, mu, d, k, p + (<usize>v << 2), dist + (<usize>v << 3));
      continue;
    }
    const r1 = r0 + rowBytes;
    const r2 = r1 + rowBytes;
    const r3 = r2 + rowBytes;
    const m0 = mu + <usize>j0 * rowBytes;
    const m1 = mu + <usize>j1 * rowBytes;
    const m2 = mu + <usize>j2 * rowBytes;
    const m3 = mu + <usize>j3 * rowBytes;
    let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
    for (let i = 0; i < d; i++) {
      const c = <usize>i << 3;
      const e0 = load<f64>(r0 + c) - load<f64>(m0 + c);
      s0 += e0 * e0;
      const e1 = load<f64>(r1 + c) - load<f64>(m1 + c);
      s1 += e1 * e1;
      const e2 = load<f64>(r2 + c) - load<f64>(m2 + c);
      s2 += e2 * e2;
      const e3 = load<f64>(r3 + c) - load<f64>(m3 + c);
      s3 += e3 * e3;
    }
    store<f64>(dist, s0);
    store<f64>(dist, s1, 8);
    store<f64>(dist, s2, 16);
    store<f64>(dist, s3, 24);
  }
  for (; u < rows; u++) directPick(x + <usize>u * rowBytes, mu, d, k, pick + (<usize>u << 2), distance + (<usize>u << 3));

  // kmeans.ts assign, in row order.
  for (u = 0; u < rows; u++) {
    const j = load<i32>(pick + (<usize>u << 2));
    const dist = load<f64>(distance + (<usize>u << 3));
    const row = x + <usize>u * rowBytes;
    const lu = label + (<usize>u << 2);
    if (deviation != 0) {
      const previous = load<i32>(lu);
      const at = deviation + (<usize>previous << 3);
      store<f64>(at, load<f64>(at) + (previous == j ? dist : directDistance(row, mu + <usize>previous * rowBytes, d)));
    }
    store<i32>(lu, j);
    cost += dist;
    const cj = count + (<usize>j << 3);
    store<f64>(cj, load<f64>(cj) + 1);
    const s = sum + <usize>j * rowBytes;
    let i = 0;
    for (; i + 1 < d; i += 2) {
      const c = <usize>i << 3;
      v128.store(s + c, f64x2.add(v128.load(s + c), v128.load(row + c)));
    }
    if (i < d) {
      const c = <usize>i << 3;
      store<f64>(s + c, load<f64>(s + c) + load<f64>(row + c));
    }
  }
  return cost;
}

/** kmeansChunk's phase 0 on `rows` rows: the E-step, blockRows rows at a time. Returns the cost. */
export function kmeansExpectation(args: usize): f64 {
  const rows = <i32>arg(args, M.rows);
  const d = <i32>arg(args, M.d);
  const k = <i32>arg(args, M.k);
  const x = arg(args, M.x);
  const sq = arg(args, M.sq);
  const mu = arg(args, M.mu);
  const muT = arg(args, M.muT);
  const muNorm = arg(args, M.muNorm);
  const bounds = arg(args, M.bounds);
  const label = arg(args, M.label);
  const dots = arg(args, M.dots);
  const pick = arg(args, M.pick);
  const distance = arg(args, M.distance);
  const blockRows = <i32>arg(args, M.blockRows);
  const stats = arg(args, M.stats);
  memory.fill(stats, 0, arg(args, M.statsSize) << 3);
  const count = stats + (arg(args, M.statCount) << 3);
  const sum = stats + (arg(args, M.statSum) << 3);
  const deviation = load<f64>(bounds, 16) != 0 ? stats + (arg(args, M.statDeviation) << 3) : 0;
  const maxNorm = load<f64>(bounds);
  const slack = load<f64>(bounds, 8);
  const rowBytes = <usize>d << 3;
  let cost: f64 = 0;
  for (let start = 0; start < rows; start += blockRows) {
    const n = min(blockRows, rows - start);
    const s = <usize>start;
    cost = block(x + s * rowBytes, sq + (s << 3), label + (s << 2), n, d, k, mu, muT, muNorm, maxNorm, slack, dots, pick, distance, cost, count, sum, deviation);
  }
  store<f64>(stats + (arg(args, M.statCost) << 3), cost);
  return cost;
}

/** kmeansChunk's phase 1: each row's direct squared distance to its cluster's mean, added to that cluster's deviation. */
export function kmeansDeviation(args: usize): void {
  const rows = <i32>arg(args, M.rows);
  const d = <i32>arg(args, M.d);
  const x = arg(args, M.x);
  const mu = arg(args, M.mu);
  const label = arg(args, M.label);
  const stats = arg(args, M.stats);
  memory.fill(stats, 0, arg(args, M.statsSize) << 3);
  const deviation = stats + (arg(args, M.statDeviation) << 3);
  const rowBytes = <usize>d << 3;
  for (let u = 0; u < rows; u++) {
    const j = load<i32>(label + (<usize>u << 2));
    const at = deviation + (<usize>j << 3);
    store<f64>(at, load<f64>(at) + directDistance(x + <usize>u * rowBytes, mu + <usize>j * rowBytes, d));
  }
}
