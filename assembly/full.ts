// The full-covariance family's two phases on one chunk of rows, in WebAssembly SIMD
// (f64x2): what src/models/kernels/full.ts FullChunkKernel computes, with the same
// bits. Every sum keeps the TypeScript kernel's order; the lanes run over rows in
// the E-step's triangular solves and over pairs of columns in the scatter, never
// over the terms of one sum, and there is no fused multiply-add.
//
//  - fullExpectation (phase 0): each row's f(u, j) = ln(p_j + 1e-16) − ½(|o|·ln 2π +
//    ln det Σ_oo + ‖L⁻¹(x_o − mu_o)‖²), its posterior and log-likelihood, then n̂, the
//    local patterns' weights and Σ post·x̂. The complete rows go eight at a time
//    (a panel, held transposed: column c of the eight rows is four vectors), so each
//    load of a factor entry serves eight rows, and two rows of the factor go
//    together, so each load of the panel serves both; a row's own arithmetic is
//    that of the TypeScript kernel's forward substitution, whichever rows share its
//    panel. Rows with missing cells are solved one by one on their pattern's factor.
//  - fullScatter (phase 1): Σ post·(x̂ − mean_j)(x̂ − mean_j)ᵀ, lower triangle, as a
//    symmetric rank-k update over blocks of rows: per component, the block's
//    differences D and weighted differences P = post·D (columns rounded up to 4 with
//    zeros, laid out by groups of four rows), then tiles of 1 row × 4 columns of the
//    scatter held in registers while the block's groups stream by. Within a tile
//    each entry gets the TypeScript kernel's additions in its order: four complete
//    rows (aligned from the chunk's start) as (P₀D₀ + P₁D₁) + (P₂D₂ + P₃D₃), any
//    other row alone.
//
// V8 issues a loop body's loads before its arithmetic, so a body's loaded numbers
// and accumulators must fit the 15 vector registers it uses: the shapes above are
// the largest that do.
//
// Arguments: src/models/kernels/wasm-abi.ts FULL_ARGUMENTS (indices in ./abi/full.ts);
// the regions are laid out by src/models/kernels/wasm-full.ts. Nothing here allocates.

import * as F from './abi/full';
import { arg, mathLog, maxOf, shiftedExpSum } from './shared';

/** Rows per panel of the blocked solve: four vectors (two rows of the factor at a time: eight chains of subtractions). */
const PANEL: i32 = 8;
const PANEL_BYTES: usize = 64;

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
 * The forward substitution of a panel of eight complete rows under one factor
 * (d×d, row-major) with its inverted diagonal: w (d × 8, column c's eight values at
 * c·64 bytes, x − mu) becomes L⁻¹w in place, and maha (8) gets each row's ‖L⁻¹w‖².
 * Row by row this is the TypeScript kernel's loop: t = w_a; t −= L_ac·w_c for c < a in
 * order; t ·= 1/L_aa; maha += t². Two rows of the factor go together (each load of
 * w_c serves both): t_a and t_(a+1) take their terms for c < a side by side, then
 * t_(a+1) its term for c = a, once t_a is final; the same operations in the same order.
 */
function solvePanel(w: usize, d: i32, factor: usize, inverse: usize, maha: usize): void {
  memory.fill(maha, 0, PANEL_BYTES);
  const rowBytes = <usize>d << 3;
  let a = 0;
  for (; a + 1 < d; a += 2) {
    const wa = w + <usize>a * PANEL_BYTES;
    const wb = wa + PANEL_BYTES;
    const la = factor + <usize>a * rowBytes;
    const lb = la + rowBytes;
    let t0 = v128.load(wa);
    let t1 = v128.load(wa, 16);
    let t2 = v128.load(wa, 32);
    let t3 = v128.load(wa, 48);
    let u0 = v128.load(wb);
    let u1 = v128.load(wb, 16);
    let u2 = v128.load(wb, 32);
    let u3 = v128.load(wb, 48);
    let wc = w;
    let c: usize = 0;
    for (; wc < wa; wc += PANEL_BYTES, c += 8) {
      const f = v128.load64_splat(la + c);
      const g = v128.load64_splat(lb + c);
      const w0 = v128.load(wc);
      const w1 = v128.load(wc, 16);
      const w2 = v128.load(wc, 32);
      const w3 = v128.load(wc, 48);
      t0 = f64x2.sub(t0, f64x2.mul(f, w0));
      t1 = f64x2.sub(t1, f64x2.mul(f, w1));
      t2 = f64x2.sub(t2, f64x2.mul(f, w2));
      t3 = f64x2.sub(t3, f64x2.mul(f, w3));
      u0 = f64x2.sub(u0, f64x2.mul(g, w0));
      u1 = f64x2.sub(u1, f64x2.mul(g, w1));
      u2 = f64x2.sub(u2, f64x2.mul(g, w2));
      u3 = f64x2.sub(u3, f64x2.mul(g, w3));
    }
    const s = v128.load64_splat(inverse + (<usize>a << 3));
    t0 = f64x2.mul(t0, s);
    t1 = f64x2.mul(t1, s);
    t2 = f64x2.mul(t2, s);
    t3 = f64x2.mul(t3, s);
    v128.store(wa, t0);
    v128.store(wa, t1, 16);
    v128.store(wa, t2, 32);
    v128.store(wa, t3, 48);
    const g = v128.load64_splat(lb + c);
    u0 = f64x2.mul(f64x2.sub(u0, f64x2.mul(g, t0)), v128.load64_splat(inverse + (<usize>(a + 1) << 3)));
    u1 = f64x2.mul(f64x2.sub(u1, f64x2.mul(g, t1)), v128.load64_splat(inverse + (<usize>(a + 1) << 3)));
    u2 = f64x2.mul(f64x2.sub(u2, f64x2.mul(g, t2)), v128.load64_splat(inverse + (<usize>(a + 1) << 3)));
    u3 = f64x2.mul(f64x2.sub(u3, f64x2.mul(g, t3)), v128.load64_splat(inverse + (<usize>(a + 1) << 3)));
    v128.store(wb, u0);
    v128.store(wb, u1, 16);
    v128.store(wb, u2, 32);
    v128.store(wb, u3, 48);
    v128.store(maha, f64x2.add(f64x2.add(v128.load(maha), f64x2.mul(t0, t0)), f64x2.mul(u0, u0)));
    v128.store(maha, f64x2.add(f64x2.add(v128.load(maha, 16), f64x2.mul(t1, t1)), f64x2.mul(u1, u1)), 16);
    v128.store(maha, f64x2.add(f64x2.add(v128.load(maha, 32), f64x2.mul(t2, t2)), f64x2.mul(u2, u2)), 32);
    v128.store(maha, f64x2.add(f64x2.add(v128.load(maha, 48), f64x2.mul(t3, t3)), f64x2.mul(u3, u3)), 48);
  }
  if (a < d) {
    // The last row of an odd d, alone.
    const wa = w + <usize>a * PANEL_BYTES;
    const la = factor + <usize>a * rowBytes;
    let t0 = v128.load(wa);
    let t1 = v128.load(wa, 16);
    let t2 = v128.load(wa, 32);
    let t3 = v128.load(wa, 48);
    let c: usize = 0;
    for (let wc = w; wc < wa; wc += PANEL_BYTES, c += 8) {
      const f = v128.load64_splat(la + c);
      t0 = f64x2.sub(t0, f64x2.mul(f, v128.load(wc)));
      t1 = f64x2.sub(t1, f64x2.mul(f, v128.load(wc, 16)));
      t2 = f64x2.sub(t2, f64x2.mul(f, v128.load(wc, 32)));
      t3 = f64x2.sub(t3, f64x2.mul(f, v128.load(wc, 48)));
    }
    const s = v128.load64_splat(inverse + (<usize>a << 3));
    t0 = f64x2.mul(t0, s);
    t1 = f64x2.mul(t1, s);
    t2 = f64x2.mul(t2, s);
    t3 = f64x2.mul(t3, s);
    v128.store(wa, t0);
    v128.store(wa, t1, 16);
    v128.store(wa, t2, 32);
    v128.store(wa, t3, 48);
    v128.store(maha, f64x2.add(v128.load(maha), f64x2.mul(t0, t0)));
    v128.store(maha, f64x2.add(v128.load(maha, 16), f64x2.mul(t1, t1)), 16);
    v128.store(maha, f64x2.add(v128.load(maha, 32), f64x2.mul(t2, t2)), 32);
    v128.store(maha, f64x2.add(v128.load(maha, 48), f64x2.mul(t3, t3)), 48);
  }
}

/**
 * The terms of the `count` (≤ 8) complete rows listed at `index` (the list padded to
 * 8 with its last row), pattern p: into post[u·K + j]. `panel`: x transposed (d × 8),
 * then w (d × 8), then maha (8).
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

  // The complete rows (one pattern at most has every column) in panels of eight.
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
 * Adds a block's products into one 1×4 tile of a component's scatter: row a (< d),
 * columns e0..e0 + 3 in two vectors (those ≤ a stored). The block is laid out by groups
 * of four rows (groupBytes each): P's column a as the group's four numbers at a·32,
 * D's columns e, e + 1 (e even) as the group's four pairs at e·32. runs[g] = 2·(the end
 * of group g's run of groups of one kind) + whether they go as four complete rows; the
 * `rest` rows of the last, partial group alone. The loops hold no branch, every load
 * has its offset in the instruction, and a group's numbers fit the registers.
 */
// @ts-ignore: decorator
@inline
function scatterTile(out: usize, d: i32, a: i32, e0: i32, blockP: usize, blockD: usize, groupBytes: usize, runs: usize, groups: i32, rest: i32): void {
  const c0 = out + (<usize>a * <usize>d << 3) + (<usize>e0 << 3);
  // Columns past d read the next numbers of the region (never stored).
  let acc0 = v128.load(c0);
  let acc1 = v128.load(c0, 16);
  let p = blockP + (<usize>a << 5);
  let q = blockD + (<usize>e0 << 5);
  let g = 0;
  while (g < groups) {
    const run = load<i32>(runs + (<usize>g << 2));
    const last = p + <usize>((run >> 1) - g) * groupBytes;
    g = run >> 1;
    if ((run & 1) != 0) {
      for (; p < last; p += groupBytes, q += groupBytes) {
        const s0 = v128.load64_splat(p);
        const s1 = v128.load64_splat(p, 8);
        const s2 = v128.load64_splat(p, 16);
        const s3 = v128.load64_splat(p, 24);
        acc0 = f64x2.add(acc0, f64x2.add(f64x2.add(f64x2.mul(s0, v128.load(q)), f64x2.mul(s1, v128.load(q, 16))), f64x2.add(f64x2.mul(s2, v128.load(q, 32)), f64x2.mul(s3, v128.load(q, 48)))));
        acc1 = f64x2.add(acc1, f64x2.add(f64x2.add(f64x2.mul(s0, v128.load(q, 64)), f64x2.mul(s1, v128.load(q, 80))), f64x2.add(f64x2.mul(s2, v128.load(q, 96)), f64x2.mul(s3, v128.load(q, 112)))));
      }
    } else {
      for (; p < last; p += groupBytes, q += groupBytes) {
        let s = v128.load64_splat(p);
        acc0 = f64x2.add(acc0, f64x2.mul(s, v128.load(q)));
        acc1 = f64x2.add(acc1, f64x2.mul(s, v128.load(q, 64)));
        s = v128.load64_splat(p, 8);
        acc0 = f64x2.add(acc0, f64x2.mul(s, v128.load(q, 16)));
        acc1 = f64x2.add(acc1, f64x2.mul(s, v128.load(q, 80)));
        s = v128.load64_splat(p, 16);
        acc0 = f64x2.add(acc0, f64x2.mul(s, v128.load(q, 32)));
        acc1 = f64x2.add(acc1, f64x2.mul(s, v128.load(q, 96)));
        s = v128.load64_splat(p, 24);
        acc0 = f64x2.add(acc0, f64x2.mul(s, v128.load(q, 48)));
        acc1 = f64x2.add(acc1, f64x2.mul(s, v128.load(q, 112)));
      }
    }
  }
  for (let r = 0; r < rest; r++, p += 8, q += 16) {
    const s = v128.load64_splat(p);
    acc0 = f64x2.add(acc0, f64x2.mul(s, v128.load(q)));
    acc1 = f64x2.add(acc1, f64x2.mul(s, v128.load(q, 64)));
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
  const groupBytes = <usize>width << 5;
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
        const at = <usize>(u - b0) >> 2;
        const r = <usize>(u - b0) & 3;
        // D: column pair i/2 of row r at (group·width/2 + i/2)·64 + r·16; P: column i at (group·width + i)·32 + r·8.
        const dr = blockD + at * groupBytes + (r << 4);
        const pr = blockP + at * groupBytes + (r << 3);
        let i = 0;
        for (; i < pairs; i += 2) {
          const v = f64x2.sub(v128.load(row + (<usize>i << 3)), v128.load(mean + (<usize>i << 3)));
          const pv = f64x2.mul(wV, v);
          v128.store(dr + (<usize>i << 5), v);
          v128.store64_lane(pr + (<usize>i << 5), pv, 0);
          v128.store64_lane(pr + (<usize>i << 5), pv, 1, 32);
        }
        for (; i < width; i++) {
          const v = i < d ? load<f64>(row + (<usize>i << 3)) - load<f64>(mean + (<usize>i << 3)) : 0;
          store<f64>(dr + (<usize>(i & ~1) << 5) + (<usize>(i & 1) << 3), v);
          store<f64>(pr + (<usize>i << 5), w * v);
        }
      }
      const out = scatter + <usize>j * componentBytes;
      for (let a = 0; a < d; a++) {
        for (let e0 = 0; e0 <= a; e0 += 4) scatterTile(out, d, a, e0, blockP, blockD, groupBytes, runs, groups, rest);
      }
    }
  }
}

/**
 * src/models/kernels/linalg.ts choleskyInPlace on the d×d matrix at `b`, held by
 * columns (b[t·d + i] = A[i][t]): the lower factor in place (the upper triangle
 * zeroed), with the TypeScript loop's operations in its order: per column j, the
 * diagonal A_jj − Σ_t A_jt² (t ascending), its square root, then each row's
 * (A_ij − Σ_t A_it·A_jt) / L_jj, eight rows at a time in vectors. 0 when the matrix
 * is not positive definite (the caller then runs the TypeScript loop on its copy).
 */
export function choleskyColumns(b: usize, d: i32): i32 {
  const column = <usize>d << 3;
  for (let j = 0; j < d; j++) {
    const cj = b + <usize>j * column;
    const jo = <usize>j << 3;
    let diagonal = load<f64>(cj + jo);
    for (let t = 0; t < j; t++) {
      const v = load<f64>(b + <usize>t * column + jo);
      diagonal -= v * v;
    }
    if (!(diagonal > 0)) return 0;
    const ljj = Math.sqrt(diagonal);
    store<f64>(cj + jo, ljj);
    const l = f64x2.splat(ljj);
    let i = j + 1;
    for (; i + 7 < d; i += 8) {
      const io = <usize>i << 3;
      let s0 = v128.load(cj + io);
      let s1 = v128.load(cj + io, 16);
      let s2 = v128.load(cj + io, 32);
      let s3 = v128.load(cj + io, 48);
      for (let t = 0; t < j; t++) {
        const ct = b + <usize>t * column;
        const f = v128.load64_splat(ct + jo);
        s0 = f64x2.sub(s0, f64x2.mul(v128.load(ct + io), f));
        s1 = f64x2.sub(s1, f64x2.mul(v128.load(ct + io, 16), f));
        s2 = f64x2.sub(s2, f64x2.mul(v128.load(ct + io, 32), f));
        s3 = f64x2.sub(s3, f64x2.mul(v128.load(ct + io, 48), f));
      }
      v128.store(cj + io, f64x2.div(s0, l));
      v128.store(cj + io, f64x2.div(s1, l), 16);
      v128.store(cj + io, f64x2.div(s2, l), 32);
      v128.store(cj + io, f64x2.div(s3, l), 48);
    }
    for (; i + 1 < d; i += 2) {
      const io = <usize>i << 3;
      let s = v128.load(cj + io);
      for (let t = 0; t < j; t++) {
        const ct = b + <usize>t * column;
        s = f64x2.sub(s, f64x2.mul(v128.load(ct + io), v128.load64_splat(ct + jo)));
      }
      v128.store(cj + io, f64x2.div(s, l));
    }
    for (; i < d; i++) {
      const io = <usize>i << 3;
      let s = load<f64>(cj + io);
      for (let t = 0; t < j; t++) {
        const ct = b + <usize>t * column;
        s -= load<f64>(ct + io) * load<f64>(ct + jo);
      }
      store<f64>(cj + io, s / ljj);
    }
    memory.fill(cj, 0, jo);
  }
  return 1;
}
