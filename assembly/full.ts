// The full-covariance family's two phases on one chunk of rows, in WebAssembly SIMD
// (f64x2): what src/models/kernels/full.ts FullChunkKernel computes, with the same
// bits. Every sum keeps the TypeScript kernel's order; the lanes run over rows in
// the E-step's triangular solves and over pairs of columns in the scatter, never
// over the terms of one sum, and there is no fused multiply-add.
//
//  - fullExpectation (phase 0): each row's f(u, j) = ln(p_j + 1e-16) − ½(|o|·ln 2π +
//    ln det Σ_oo + ‖L⁻¹(x_o − mu_o)‖²), its posterior and log-likelihood, then n̂, the
//    local patterns' weights and Σ post·x̂. The complete rows go twelve at a time
//    (a panel, held transposed: column c of the twelve rows is six vectors), so each
//    load of a factor entry serves twelve rows; a row's own arithmetic is that of the
//    TypeScript kernel's forward substitution, whichever rows share its panel. Rows
//    with missing cells are solved one by one on their pattern's factor.
//  - fullScatter (phase 1): Σ post·(x̂ − mean_j)(x̂ − mean_j)ᵀ, lower triangle, as a
//    symmetric rank-k update over blocks of rows: per component, the block's
//    differences D and weighted differences P = post·D (rows × d, rounded up to 4
//    columns with zeros), then tiles of 4 rows × 2 columns of the scatter held in
//    registers while the block's rows stream by. Within a tile each entry gets the
//    TypeScript kernel's additions in its order: four complete rows (aligned from
//    the chunk's start) as (P₀D₀ + P₁D₁) + (P₂D₂ + P₃D₃), any other row alone.
//
// Arguments: src/models/kernels/wasm-abi.ts FULL_ARGUMENTS (indices in ./abi/full.ts);
// the regions are laid out by src/models/kernels/wasm-full.ts. Nothing here allocates.

import * as F from './abi/full';
import { arg, mathLog, maxOf, shiftedExpSum } from './shared';

/** Rows per panel of the blocked solve: six vectors, six independent chains of subtractions. */
const PANEL: i32 = 12;
const PANEL_BYTES: usize = 96;

// The chunk's regions, read from the argument block once per call into globals (not
// memory: the module's memory is laid out by the caller from address 0 on).
let cRows: i32 = 0;
let cD: i32 = 0;
let cK: i32 = 0;
let cX: usize = 0;
let cRowPattern: usize = 0;
let cObservedCount: usize = 0;
let cObserved: usize = 0;
let cMissing: usize = 0;
let cFactor: usize = 0;
let cRegression: usize = 0;
let cLogDet: usize = 0;
let cInverseDiagonal: usize = 0;
let cMu: usize = 0;
let cNewMean: usize = 0;
let cLogWeight: usize = 0;
let cPost: usize = 0;
let cFilled: usize = 0;
let cWork: usize = 0;

function readChunk(args: usize): void {
  cRows = <i32>arg(args, F.rows);
  cD = <i32>arg(args, F.d);
  cK = <i32>arg(args, F.k);
  cX = arg(args, F.x);
  cRowPattern = arg(args, F.rowPattern);
  cObservedCount = arg(args, F.observedCount);
  cObserved = arg(args, F.observed);
  cMissing = arg(args, F.missing);
  cFactor = arg(args, F.factor);
  cRegression = arg(args, F.regression);
  cLogDet = arg(args, F.logDet);
  cInverseDiagonal = arg(args, F.inverseDiagonal);
  cMu = arg(args, F.mu);
  cNewMean = arg(args, F.newMean);
  cLogWeight = arg(args, F.logWeight);
  cPost = arg(args, F.post);
  cFilled = arg(args, F.filled);
  cWork = arg(args, F.work);
}

// @ts-ignore: decorator
@inline
function patternOf(u: i32): i32 {
  return load<i32>(cRowPattern + (<usize>u << 2));
}

// @ts-ignore: decorator
@inline
function observedOf(p: i32): i32 {
  return load<i32>(cObservedCount + (<usize>p << 2));
}

/**
 * kernels/full.ts fillRow: row u completed under component j into `filled` (d), the
 * observed cells as they are and the missing ones by mu_m + Σ_mo·Σ_oo⁻¹(x_o − mu_o),
 * with the means at mu.
 */
function fillRow(u: i32, j: i32): void {
  const d = cD;
  const p = patternOf(u);
  const no = observedOf(p);
  const nm = d - no;
  const o = cObserved + (<usize>p * <usize>d << 2);
  const m = cMissing + (<usize>p * <usize>d << 2);
  const row = cX + (<usize>u * <usize>d << 3);
  const mu = cMu + (<usize>j * <usize>d << 3);
  for (let a = 0; a < no; a++) {
    const at = <usize>load<i32>(o + (<usize>a << 2)) << 3;
    store<f64>(cFilled + at, load<f64>(row + at));
  }
  const f = cRegression + ((<usize>p * <usize>cK + <usize>j) * <usize>d * <usize>d << 3);
  for (let r = 0; r < nm; r++) {
    const mr = <usize>load<i32>(m + (<usize>r << 2)) << 3;
    let v = load<f64>(mu + mr);
    const fr = f + (<usize>r * <usize>no << 3);
    for (let a = 0; a < no; a++) {
      const at = <usize>load<i32>(o + (<usize>a << 2)) << 3;
      v += load<f64>(fr + (<usize>a << 3)) * (load<f64>(row + at) - load<f64>(mu + at));
    }
    store<f64>(cFilled + mr, v);
  }
}

/**
 * The forward substitution of a panel of twelve complete rows under one factor
 * (d×d, row-major) with its inverted diagonal: w (d × 12, column c's twelve values at
 * c·96 bytes, x − mu) becomes L⁻¹w in place, and maha (12) gets each row's ‖L⁻¹w‖².
 * Row by row this is the TypeScript kernel's loop: t = w_a; t −= L_ac·w_c for c < a in
 * order; t ·= 1/L_aa; maha += t².
 */
function solvePanel(w: usize, d: i32, factor: usize, inverse: usize, maha: usize): void {
  let m0 = f64x2.splat(0);
  let m1 = f64x2.splat(0);
  let m2 = f64x2.splat(0);
  let m3 = f64x2.splat(0);
  let m4 = f64x2.splat(0);
  let m5 = f64x2.splat(0);
  const rowBytes = <usize>d << 3;
  let wa = w;
  let la = factor;
  for (let a = 0; a < d; a++, wa += PANEL_BYTES, la += rowBytes) {
    let t0 = v128.load(wa);
    let t1 = v128.load(wa, 16);
    let t2 = v128.load(wa, 32);
    let t3 = v128.load(wa, 48);
    let t4 = v128.load(wa, 64);
    let t5 = v128.load(wa, 80);
    let wc = w;
    let lc = la;
    for (; wc < wa; wc += PANEL_BYTES, lc += 8) {
      const f = v128.load64_splat(lc);
      t0 = f64x2.sub(t0, f64x2.mul(f, v128.load(wc)));
      t1 = f64x2.sub(t1, f64x2.mul(f, v128.load(wc, 16)));
      t2 = f64x2.sub(t2, f64x2.mul(f, v128.load(wc, 32)));
      t3 = f64x2.sub(t3, f64x2.mul(f, v128.load(wc, 48)));
      t4 = f64x2.sub(t4, f64x2.mul(f, v128.load(wc, 64)));
      t5 = f64x2.sub(t5, f64x2.mul(f, v128.load(wc, 80)));
    }
    const s = v128.load64_splat(inverse + (<usize>a << 3));
    t0 = f64x2.mul(t0, s);
    t1 = f64x2.mul(t1, s);
    t2 = f64x2.mul(t2, s);
    t3 = f64x2.mul(t3, s);
    t4 = f64x2.mul(t4, s);
    t5 = f64x2.mul(t5, s);
    v128.store(wa, t0);
    v128.store(wa, t1, 16);
    v128.store(wa, t2, 32);
    v128.store(wa, t3, 48);
    v128.store(wa, t4, 64);
    v128.store(wa, t5, 80);
    m0 = f64x2.add(m0, f64x2.mul(t0, t0));
    m1 = f64x2.add(m1, f64x2.mul(t1, t1));
    m2 = f64x2.add(m2, f64x2.mul(t2, t2));
    m3 = f64x2.add(m3, f64x2.mul(t3, t3));
    m4 = f64x2.add(m4, f64x2.mul(t4, t4));
    m5 = f64x2.add(m5, f64x2.mul(t5, t5));
  }
  v128.store(maha, m0);
  v128.store(maha, m1, 16);
  v128.store(maha, m2, 32);
  v128.store(maha, m3, 48);
  v128.store(maha, m4, 64);
  v128.store(maha, m5, 80);
}

/**
 * The terms of the `count` (≤ 12) complete rows listed at `index` (the list padded to
 * 12 with its last row), pattern p: into post[u·K + j]. `panel`: x transposed (d × 12),
 * then w (d × 12), then maha (12).
 */
function panelTerms(index: usize, count: i32, p: i32, panel: usize, logTwoPi: f64): void {
  const d = cD;
  const k = cK;
  const xT = panel;
  const w = panel + <usize>d * PANEL_BYTES;
  const maha = w + <usize>d * PANEL_BYTES;
  for (let r = 0; r < PANEL; r++) {
    const row = cX + (<usize>load<i32>(index + (<usize>r << 2)) * <usize>d << 3);
    for (let i = 0; i < d; i++) store<f64>(xT + <usize>i * PANEL_BYTES + (<usize>r << 3), load<f64>(row + (<usize>i << 3)));
  }
  const slotBytes = <usize>d * <usize>d << 3;
  const constant0 = <f64>d * logTwoPi;
  for (let j = 0; j < k; j++) {
    const slot = <usize>p * <usize>k + <usize>j;
    const mu = cMu + (<usize>j * <usize>d << 3);
    for (let i = 0; i < d; i++) {
      const m = v128.load64_splat(mu + (<usize>i << 3));
      const from = xT + <usize>i * PANEL_BYTES;
      const to = w + <usize>i * PANEL_BYTES;
      v128.store(to, f64x2.sub(v128.load(from), m));
      v128.store(to, f64x2.sub(v128.load(from, 16), m), 16);
      v128.store(to, f64x2.sub(v128.load(from, 32), m), 32);
      v128.store(to, f64x2.sub(v128.load(from, 48), m), 48);
      v128.store(to, f64x2.sub(v128.load(from, 64), m), 64);
      v128.store(to, f64x2.sub(v128.load(from, 80), m), 80);
    }
    solvePanel(w, d, cFactor + slot * slotBytes, cInverseDiagonal + (slot * <usize>d << 3), maha);
    const constant = constant0 + load<f64>(cLogDet + (slot << 3));
    const logWeight = load<f64>(cLogWeight + (<usize>j << 3));
    for (let r = 0; r < count; r++) {
      const u = <usize>load<i32>(index + (<usize>r << 2));
      store<f64>(cPost + ((u * <usize>k + <usize>j) << 3), logWeight - 0.5 * (constant + load<f64>(maha + (<usize>r << 3))));
    }
  }
}

/** kernels/full.ts rowTerms: row u's terms on its pattern's factors, one row, its observed cells gathered into work. */
function rowTerms(u: i32, logTwoPi: f64): void {
  const d = cD;
  const k = cK;
  const p = patternOf(u);
  const no = observedOf(p);
  const o = cObserved + (<usize>p * <usize>d << 2);
  const row = cX + (<usize>u * <usize>d << 3);
  const work = cWork;
  const noBytes = <usize>no << 3;
  for (let j = 0; j < k; j++) {
    const slot = <usize>p * <usize>k + <usize>j;
    const mu = cMu + (<usize>j * <usize>d << 3);
    for (let a = 0; a < no; a++) {
      const at = <usize>load<i32>(o + (<usize>a << 2)) << 3;
      store<f64>(work + (<usize>a << 3), load<f64>(row + at) - load<f64>(mu + at));
    }
    const l = cFactor + (slot * <usize>d * <usize>d << 3);
    const inverse = cInverseDiagonal + (slot * <usize>d << 3);
    let maha: f64 = 0;
    for (let a = 0; a < no; a++) {
      let t = load<f64>(work + (<usize>a << 3));
      const la = l + <usize>a * noBytes;
      for (let b = 0; b < a; b++) t -= load<f64>(la + (<usize>b << 3)) * load<f64>(work + (<usize>b << 3));
      t *= load<f64>(inverse + (<usize>a << 3));
      store<f64>(work + (<usize>a << 3), t);
      maha += t * t;
    }
    store<f64>(cPost + ((<usize>u * <usize>k + <usize>j) << 3), load<f64>(cLogWeight + (<usize>j << 3)) - 0.5 * (<f64>no * logTwoPi + load<f64>(cLogDet + (slot << 3)) + maha));
  }
}

/**
 * Phase 0 on `rows` rows: the terms (complete rows in panels, the others alone), each
 * row's posterior and log-likelihood (kernels/full.ts normalise), then in row order
 * n̂ += post, the pattern weights += post and Σ post·x̂ (x̂: x, or the row filled under
 * component j). Returns the chunk's log-likelihood (also at statLL).
 */
export function fullExpectation(args: usize): f64 {
  readChunk(args);
  const rows = cRows;
  const d = cD;
  const k = cK;
  const patterns = <i32>arg(args, F.patterns);
  const rowLL = arg(args, F.rowLL);
  const stats = arg(args, F.stats);
  const panel = arg(args, F.panel);
  const fraction = arg(args, F.fraction);
  memory.fill(stats, 0, arg(args, F.statsSize) << 3);
  const nHat = stats + (arg(args, F.statNHat) << 3);
  const meanSum = stats + (arg(args, F.statMeanSum) << 3);
  const patternWeight = stats + (arg(args, F.statPatternWeight) << 3);
  const logTwoPi = mathLog(2 * Math.PI);
  const kBytes = <usize>k << 3;

  // The complete rows (one pattern at most has every column) in panels of twelve.
  let complete = -1;
  for (let p = 0; p < patterns; p++) if (observedOf(p) == d) complete = p;
  const index = panel + (<usize>(2 * d + 1) * PANEL_BYTES);
  let count = 0;
  for (let u = 0; u < rows; u++) {
    if (patternOf(u) != complete) {
      rowTerms(u, logTwoPi);
      continue;
    }
    store<i32>(index + (<usize>count << 2), u);
    if (++count == PANEL) {
      panelTerms(index, PANEL, complete, panel, logTwoPi);
      count = 0;
    }
  }
  if (count > 0) {
    const last = load<i32>(index + (<usize>(count - 1) << 2));
    for (let r = count; r < PANEL; r++) store<i32>(index + (<usize>r << 2), last);
    panelTerms(index, count, complete, panel, logTwoPi);
  }

  let logLikelihood: f64 = 0;
  for (let u = 0; u < rows; u++) {
    const terms = cPost + <usize>u * kBytes;
    const max = maxOf(terms, k);
    const sum = shiftedExpSum(terms, k, max, fraction);
    const logSum = max + mathLog(sum);
    const scale = 1 / sum;
    for (let j = 0; j < k; j++) {
      const at = terms + (<usize>j << 3);
      store<f64>(at, load<f64>(at) * scale);
    }
    store<f64>(rowLL + (<usize>u << 3), logSum);
    logLikelihood += logSum;
  }
  store<f64>(stats + (arg(args, F.statLL) << 3), logLikelihood);

  const pairs = d & ~1;
  for (let u = 0; u < rows; u++) {
    const p = patternOf(u);
    const isComplete = observedOf(p) == d;
    const row = isComplete ? cX + (<usize>u * <usize>d << 3) : cFilled;
    const weights = patternWeight + (<usize>p * kBytes);
    for (let j = 0; j < k; j++) {
      const jo = <usize>j << 3;
      const w = load<f64>(cPost + <usize>u * kBytes + jo);
      store<f64>(nHat + jo, load<f64>(nHat + jo) + w);
      store<f64>(weights + jo, load<f64>(weights + jo) + w);
      if (!isComplete) fillRow(u, j);
      const sums = meanSum + (<usize>j * <usize>d << 3);
      const wV = f64x2.splat(w);
      let i = 0;
      for (; i < pairs; i += 2) {
        const at = <usize>i << 3;
        v128.store(sums + at, f64x2.add(v128.load(sums + at), f64x2.mul(wV, v128.load(row + at))));
      }
      if (i < d) {
        const at = <usize>i << 3;
        store<f64>(sums + at, load<f64>(sums + at) + w * load<f64>(row + at));
      }
    }
  }
  return logLikelihood;
}

/**
 * Adds block rows' products into one 1×4 tile of a component's scatter: row a (< d),
 * columns e0..e0 + 3 in two vectors (those ≤ a stored). P and D: the block's rows at
 * `stride` bytes, in groups of four rows; runs[g] = 2·(the end of group g's run of
 * groups of one kind) + whether they go as four complete rows; the last `rest` rows
 * (after the groups) alone. The loops hold no branch, and a group's numbers fit
 * the registers (a group's loads come first in the code V8 makes).
 */
// @ts-ignore: decorator
@inline
function scatterTile(
  out: usize,
  d: i32,
  a: i32,
  e0: i32,
  blockP: usize,
  blockD: usize,
  stride: usize,
  runs: usize,
  groups: i32,
  rest: i32,
): void {
  const c0 = out + (<usize>a * <usize>d << 3) + (<usize>e0 << 3);
  // Columns past d read the next numbers of the region (never stored).
  let acc0 = v128.load(c0);
  let acc1 = v128.load(c0, 16);
  let p = blockP + (<usize>a << 3);
  let q = blockD + (<usize>e0 << 3);
  const stride2 = stride << 1;
  const stride3 = stride2 + stride;
  const stride4 = stride << 2;
  let g = 0;
  while (g < groups) {
    const run = load<i32>(runs + (<usize>g << 2));
    const end = run >> 1;
    if ((run & 1) != 0) {
      for (; g < end; g++, p += stride4, q += stride4) {
        const s0 = v128.load64_splat(p);
        const s1 = v128.load64_splat(p + stride);
        const s2 = v128.load64_splat(p + stride2);
        const s3 = v128.load64_splat(p + stride3);
        acc0 = f64x2.add(acc0, f64x2.add(f64x2.add(f64x2.mul(s0, v128.load(q)), f64x2.mul(s1, v128.load(q + stride))), f64x2.add(f64x2.mul(s2, v128.load(q + stride2)), f64x2.mul(s3, v128.load(q + stride3)))));
        acc1 = f64x2.add(acc1, f64x2.add(f64x2.add(f64x2.mul(s0, v128.load(q, 16)), f64x2.mul(s1, v128.load(q + stride, 16))), f64x2.add(f64x2.mul(s2, v128.load(q + stride2, 16)), f64x2.mul(s3, v128.load(q + stride3, 16)))));
      }
    } else {
      for (const last = p + <usize>(end - g) * stride4; p < last; p += stride, q += stride) {
        const s = v128.load64_splat(p);
        acc0 = f64x2.add(acc0, f64x2.mul(s, v128.load(q)));
        acc1 = f64x2.add(acc1, f64x2.mul(s, v128.load(q, 16)));
      }
      g = end;
    }
  }
  for (let r = 0; r < rest; r++, p += stride, q += stride) {
    const s = v128.load64_splat(p);
    acc0 = f64x2.add(acc0, f64x2.mul(s, v128.load(q)));
    acc1 = f64x2.add(acc1, f64x2.mul(s, v128.load(q, 16)));
  }
  storeTileRow(c0, acc0, a, e0, d);
  storeTileRow(c0 + 16, acc1, a, e0 + 2, d);
}

/** A tile row's two entries (a, e0) and (a, e0 + 1), those in the lower triangle of a d×d matrix. */
// @ts-ignore: decorator
@inline
function storeTileRow(at: usize, acc: v128, a: i32, e0: i32, d: i32): void {
  if (a >= d || e0 > a) return;
  if (e0 + 1 <= a) v128.store(at, acc);
  else store<f64>(at, f64x2.extract_lane(acc, 0));
}

/**
 * Phase 1 on `rows` rows: each component's scatter Σ post·(x̂ − newMean_j)(x̂ − newMean_j)ᵀ
 * into scatter (K×d×d, lower triangle; the rest 0), x̂ filled under the means at mu,
 * in blocks of blockRows rows (a multiple of 4).
 */
export function fullScatter(args: usize): void {
  readChunk(args);
  const rows = cRows;
  const d = cD;
  const k = cK;
  const scatter = arg(args, F.scatter);
  const blockP = arg(args, F.blockP);
  const blockD = arg(args, F.blockD);
  const runs = arg(args, F.groupFlag);
  const blockRows = <i32>arg(args, F.blockRows);
  const width = (d + 3) & ~3;
  const stride = <usize>width << 3;
  const kBytes = <usize>k << 3;
  const componentBytes = <usize>d * <usize>d << 3;
  memory.fill(scatter, 0, <usize>k * componentBytes);
  const pairs = d & ~1;
  for (let b0 = 0; b0 < rows; b0 += blockRows) {
    const b1 = min(rows, b0 + blockRows);
    const groups = (b1 - b0) >> 2;
    const rest = (b1 - b0) & 3;
    // Each group's kind, then each group's run of groups of its kind, from the last.
    for (let g = 0; g < groups; g++) {
      const u = b0 + (g << 2);
      let all = 1;
      for (let r = 0; r < 4; r++) if (observedOf(patternOf(u + r)) != d) all = 0;
      store<i32>(runs + (<usize>g << 2), all);
    }
    for (let g = groups - 1, end = groups; g >= 0; g--) {
      const kind = load<i32>(runs + (<usize>g << 2));
      if (g + 1 < groups && kind != (load<i32>(runs + (<usize>(g + 1) << 2)) & 1)) end = g + 1;
      store<i32>(runs + (<usize>g << 2), (end << 1) | kind);
    }
    for (let j = 0; j < k; j++) {
      const mean = cNewMean + (<usize>j * <usize>d << 3);
      for (let u = b0; u < b1; u++) {
        const isComplete = observedOf(patternOf(u)) == d;
        if (!isComplete) fillRow(u, j);
        const row = isComplete ? cX + (<usize>u * <usize>d << 3) : cFilled;
        const w = load<f64>(cPost + <usize>u * kBytes + (<usize>j << 3));
        const wV = f64x2.splat(w);
        const dr = blockD + <usize>(u - b0) * stride;
        const pr = blockP + <usize>(u - b0) * stride;
        let i = 0;
        for (; i < pairs; i += 2) {
          const at = <usize>i << 3;
          const v = f64x2.sub(v128.load(row + at), v128.load(mean + at));
          v128.store(dr + at, v);
          v128.store(pr + at, f64x2.mul(wV, v));
        }
        for (; i < width; i++) {
          const at = <usize>i << 3;
          const v = i < d ? load<f64>(row + at) - load<f64>(mean + at) : 0;
          store<f64>(dr + at, v);
          store<f64>(pr + at, w * v);
        }
      }
      const out = scatter + <usize>j * componentBytes;
      for (let a = 0; a < d; a++) {
        for (let e0 = 0; e0 <= a; e0 += 4) scatterTile(out, d, a, e0, blockP, blockD, stride, runs, groups, rest);
      }
    }
  }
}
