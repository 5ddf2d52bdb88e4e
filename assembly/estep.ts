// The spherical and diag E-steps for one chunk of rows, in WebAssembly SIMD (f64x2).
//
// `sphericalExpectation` computes exactly what src/models/kernels/spherical.ts
// sphericalChunk computes, and `diagExpectation` what src/models/kernels/diag.ts
// diagChunk computes,
// operation for operation, so the two give the same bits: every sum keeps the
// TypeScript kernel's order (lanes run over components or columns, never
// over the terms of one sum), there is no fused multiply-add, and e^x is the
// same table-driven exp as src/models/kernels/exp.ts (its 2^(j/64) table is
// copied in by the caller). test/models/wasm-kernel.test.ts checks the equality.
//
// Each export takes the address of an argument block (one u32 per argument,
// named in src/models/kernels/wasm-abi.ts, whose indices scripts/build-wasm.js
// writes into ./abi.ts): sizes, byte addresses in this module's memory laid out
// by src/models/kernels/wasm.ts, and the statistics offsets of the family's
// layout. Nothing here allocates.
//
// `sparseSphericalExpectation` and `sparseDiagExpectation` are the same for the
// sparse kernels of src/models/kernels/sparse.ts (sparseSphericalChunk,
// sparseDiagChunk) on CSR rating rows: lanes run over components, each
// component's sum over a user's ratings is added in rating order
// (test/models/sparse-kernels.test.ts checks the equality).

import * as S from './abi/spherical';
import * as D from './abi/diag';
import * as SS from './abi/sparse-spherical';
import * as SD from './abi/sparse-diag';
import { addInto, arg, mathLog, maxOf, rowDots, shiftedExpSum } from './shared';

// The full family's kernels, in their own file.
export { choleskyColumns, fullExpectation, fullScatter } from './full';
// k-means's, in its own file.
export { kmeansDeviation, kmeansExpectation } from './kmeans';
// The data's preparation and the start's scatter, before a fit's first E-step.
export { centreRows, columnSums, scatterRows, startCovariances } from './setup';

/**
 * out[j·d + i] += Σ_u w[u, j]·x[u, i], as kernels.ts addWeightedRows: per block of
 * 4 rows, out += (w0·x0 + w1·x1) + (w2·x2 + w3·x3); the last rows one at a time.
 * Lanes run over two columns.
 */
function addWeightedRows(x: usize, w: usize, rows: i32, d: i32, k: i32, out: usize): void {
  const rowBytes = <usize>d << 3;
  const wRow = <usize>k << 3;
  let u = 0;
  for (; u + 3 < rows; u += 4) {
    const r0 = x + <usize>u * rowBytes;
    const r1 = r0 + rowBytes;
    const r2 = r1 + rowBytes;
    const r3 = r2 + rowBytes;
    const p0 = w + <usize>u * wRow;
    for (let j = 0; j < k; j++) {
      const pj = p0 + (<usize>j << 3);
      const s0 = load<f64>(pj);
      const s1 = load<f64>(pj + wRow);
      const s2 = load<f64>(pj + 2 * wRow);
      const s3 = load<f64>(pj + 3 * wRow);
      const w0 = f64x2.splat(s0);
      const w1 = f64x2.splat(s1);
      const w2 = f64x2.splat(s2);
      const w3 = f64x2.splat(s3);
      const oj = out + <usize>j * rowBytes;
      let i = 0;
      for (; i + 1 < d; i += 2) {
        const c = <usize>i << 3;
        const left = f64x2.add(f64x2.mul(w0, v128.load(r0 + c)), f64x2.mul(w1, v128.load(r1 + c)));
        const right = f64x2.add(f64x2.mul(w2, v128.load(r2 + c)), f64x2.mul(w3, v128.load(r3 + c)));
        v128.store(oj + c, f64x2.add(v128.load(oj + c), f64x2.add(left, right)));
      }
      if (i < d) {
        const c = <usize>i << 3;
        store<f64>(oj + c, load<f64>(oj + c) + (s0 * load<f64>(r0 + c) + s1 * load<f64>(r1 + c) + (s2 * load<f64>(r2 + c) + s3 * load<f64>(r3 + c))));
      }
    }
  }
  for (; u < rows; u++) {
    const r = x + <usize>u * rowBytes;
    for (let j = 0; j < k; j++) {
      const wj = load<f64>(w + <usize>u * wRow + (<usize>j << 3));
      const oj = out + <usize>j * rowBytes;
      for (let i = 0; i < d; i++) {
        const c = <usize>i << 3;
        store<f64>(oj + c, load<f64>(oj + c) + wj * load<f64>(r + c));
      }
    }
  }
}

/**
 * The E-step of kernels/spherical.ts sphericalChunk on `rows` rows, with the sums
 * the M-step needs. Parameters (K each unless said): logWeight, halfLogNorm,
 * invTwoVar, muNorm; mu (K×d) and muT (d×K). Data: x (rows×d), sq and obs
 * (rows). Missing cells (when hasMissing): missStart (rows+1 i32, relative to
 * missIndex), missIndex (i32 columns), muSqT (d×K), mask (rows×d bytes) and
 * maskF64 (rows×d scratch). Out: post (rows×K), rowLL (rows, or 0 for none),
 * stats (statsSize numbers, each sum at the offset its stat… argument gives).
 * Scratch: logTerm and missingNorm (K each). fraction: the 64-entry table of exp.ts.
 */
export function sphericalExpectation(args: usize): f64 {
  const rows = <i32>arg(args, S.rows);
  const d = <i32>arg(args, S.d);
  const k = <i32>arg(args, S.k);
  const x = arg(args, S.x);
  const sq = arg(args, S.sq);
  const obs = arg(args, S.obs);
  const mu = arg(args, S.mu);
  const muT = arg(args, S.muT);
  const logWeight = arg(args, S.logWeight);
  const halfLogNorm = arg(args, S.halfLogNorm);
  const invTwoVar = arg(args, S.invTwoVar);
  const muNorm = arg(args, S.muNorm);
  const hasMissing = arg(args, S.hasMissing) != 0;
  const missStart = arg(args, S.missStart);
  const missIndex = arg(args, S.missIndex);
  const muSqT = arg(args, S.muSqT);
  const mask = arg(args, S.mask);
  const maskF64 = arg(args, S.maskF64);
  const post = arg(args, S.post);
  const rowLL = arg(args, S.rowLL);
  const stats = arg(args, S.stats);
  const logTerm = arg(args, S.logTerm);
  const missingNorm = arg(args, S.missingNorm);
  const fraction = arg(args, S.fraction);
  memory.fill(stats, 0, arg(args, S.statsSize) << 3);
  const nHat = stats + (arg(args, S.statNHat) << 3);
  const rowSq = stats + (arg(args, S.statRowSq) << 3);
  const observedSum = stats + (arg(args, S.statObserved) << 3);
  const sumX = stats + (arg(args, S.statSumX) << 3);
  const observedWeight = stats + (arg(args, S.statObservedWeight) << 3);
  const kBytes = <usize>k << 3;
  const pairs = k & ~1;

  rowDots(x, rows, d, mu, muT, k, post);
  memory.fill(missingNorm, 0, kBytes);
  let logLikelihood: f64 = 0;
  for (let u = 0; u < rows; u++) {
    const out = post + <usize>u * kBytes;
    const observed = load<f64>(obs + (<usize>u << 3));
    const rowSquare = load<f64>(sq + (<usize>u << 3));
    if (hasMissing) {
      memory.fill(missingNorm, 0, kBytes);
      const end = load<i32>(missStart + (<usize>(u + 1) << 2));
      for (let t = load<i32>(missStart + (<usize>u << 2)); t < end; t++) {
        addInto(missingNorm, muSqT + <usize>load<i32>(missIndex + (<usize>t << 2)) * kBytes, k);
      }
    }
    // f(u, j) = (ln w_j − |C|·halfLogNorm_j) − max(0, (‖x‖² − 2x·mu_j) + (‖mu_j‖² − missing)) · invTwoVar_j
    const sqV = f64x2.splat(rowSquare);
    const obsV = f64x2.splat(observed);
    let j = 0;
    for (; j < pairs; j += 2) {
      const c = <usize>j << 3;
      let dist = f64x2.add(f64x2.sub(sqV, f64x2.mul(f64x2.splat(2), v128.load(out + c))), f64x2.sub(v128.load(muNorm + c), v128.load(missingNorm + c)));
      dist = f64x2.pmax(dist, f64x2.splat(0));
      const f = f64x2.sub(f64x2.sub(v128.load(logWeight + c), f64x2.mul(obsV, v128.load(halfLogNorm + c))), f64x2.mul(dist, v128.load(invTwoVar + c)));
      v128.store(logTerm + c, f);
    }
    if (j < k) {
      const c = <usize>j << 3;
      let dist = rowSquare - 2 * load<f64>(out + c) + (load<f64>(muNorm + c) - load<f64>(missingNorm + c));
      if (dist < 0) dist = 0;
      store<f64>(logTerm + c, load<f64>(logWeight + c) - observed * load<f64>(halfLogNorm + c) - dist * load<f64>(invTwoVar + c));
    }
    const max = maxOf(logTerm, k);
    const sum = shiftedExpSum(logTerm, k, max, fraction);
    const rowLogLikelihood = max + mathLog(sum);
    logLikelihood += rowLogLikelihood;
    if (rowLL != 0) store<f64>(rowLL + (<usize>u << 3), rowLogLikelihood);
    const inverse = 1 / sum;
    const invV = f64x2.splat(inverse);
    j = 0;
    for (; j < pairs; j += 2) {
      const c = <usize>j << 3;
      const w = f64x2.mul(v128.load(logTerm + c), invV);
      v128.store(out + c, w);
      v128.store(nHat + c, f64x2.add(v128.load(nHat + c), w));
      v128.store(rowSq + c, f64x2.add(v128.load(rowSq + c), f64x2.mul(w, sqV)));
      v128.store(observedSum + c, f64x2.add(v128.load(observedSum + c), f64x2.mul(w, obsV)));
    }
    if (j < k) {
      const c = <usize>j << 3;
      const w = load<f64>(logTerm + c) * inverse;
      store<f64>(out + c, w);
      store<f64>(nHat + c, load<f64>(nHat + c) + w);
      store<f64>(rowSq + c, load<f64>(rowSq + c) + w * rowSquare);
      store<f64>(observedSum + c, load<f64>(observedSum + c) + w * observed);
    }
  }
  store<f64>(stats, logLikelihood);
  addWeightedRows(x, post, rows, d, k, sumX);
  if (hasMissing) {
    const cells = <usize>rows * <usize>d;
    for (let c: usize = 0; c < cells; c++) store<f64>(maskF64 + (c << 3), <f64>load<u8>(mask + c));
    addWeightedRows(maskF64, post, rows, d, k, observedWeight);
  }
  return logLikelihood;
}

/**
 * The E-step of kernels/diag.ts diagChunk on `rows` rows, with the sums its
 * M-step needs. Parameters: scaledMu = mu/var and precision = 1/var (K×d, and
 * transposed d×K), logWeight, muTerm = Σ_i mu²/var and logNormTerm =
 * Σ_i ln(2π·var) (K each). Data: x (rows×d); squares (rows×d scratch) gets x².
 * Missing cells (when hasMissing): missStart, missIndex, and muTermT, logNormT
 * (d×K), mask and maskF64 as for sphericalExpectation. Out: post and products
 * (rows×K), rowLL (rows, or 0), stats at the offsets its stat… arguments give.
 * Scratch: logTerm, missingMu, missingLogNorm (K each).
 */
export function diagExpectation(args: usize): f64 {
  const rows = <i32>arg(args, D.rows);
  const d = <i32>arg(args, D.d);
  const k = <i32>arg(args, D.k);
  const x = arg(args, D.x);
  const squares = arg(args, D.squares);
  const scaledMu = arg(args, D.scaledMu);
  const scaledMuT = arg(args, D.scaledMuT);
  const precision = arg(args, D.precision);
  const precisionT = arg(args, D.precisionT);
  const logWeight = arg(args, D.logWeight);
  const muTerm = arg(args, D.muTerm);
  const logNormTerm = arg(args, D.logNormTerm);
  const hasMissing = arg(args, D.hasMissing) != 0;
  const missStart = arg(args, D.missStart);
  const missIndex = arg(args, D.missIndex);
  const muTermT = arg(args, D.muTermT);
  const logNormT = arg(args, D.logNormT);
  const mask = arg(args, D.mask);
  const maskF64 = arg(args, D.maskF64);
  const post = arg(args, D.post);
  const products = arg(args, D.products);
  const rowLL = arg(args, D.rowLL);
  const stats = arg(args, D.stats);
  const logTerm = arg(args, D.logTerm);
  const missingMu = arg(args, D.missingMu);
  const missingLogNorm = arg(args, D.missingLogNorm);
  const fraction = arg(args, D.fraction);
  memory.fill(stats, 0, arg(args, D.statsSize) << 3);
  const kBytes = <usize>k << 3;
  const nHat = stats + (arg(args, D.statNHat) << 3);
  const sumX = stats + (arg(args, D.statSumX) << 3);
  const sumXX = stats + (arg(args, D.statSumXX) << 3);
  const observedWeight = stats + (arg(args, D.statObservedWeight) << 3);
  const pairs = k & ~1;

  const cells = <usize>rows * <usize>d;
  for (let c: usize = 0; c < cells; c++) {
    const v = load<f64>(x + (c << 3));
    store<f64>(squares + (c << 3), v * v);
  }
  rowDots(x, rows, d, scaledMu, scaledMuT, k, post);
  rowDots(squares, rows, d, precision, precisionT, k, products);
  memory.fill(missingMu, 0, kBytes);
  memory.fill(missingLogNorm, 0, kBytes);
  let logLikelihood: f64 = 0;
  for (let u = 0; u < rows; u++) {
    const out = post + <usize>u * kBytes;
    const second = products + <usize>u * kBytes;
    if (hasMissing) {
      memory.fill(missingMu, 0, kBytes);
      memory.fill(missingLogNorm, 0, kBytes);
      const end = load<i32>(missStart + (<usize>(u + 1) << 2));
      for (let t = load<i32>(missStart + (<usize>u << 2)); t < end; t++) {
        const at = <usize>load<i32>(missIndex + (<usize>t << 2)) * kBytes;
        let j = 0;
        for (; j < pairs; j += 2) {
          const c = <usize>j << 3;
          v128.store(missingMu + c, f64x2.add(v128.load(missingMu + c), v128.load(muTermT + at + c)));
          v128.store(missingLogNorm + c, f64x2.add(v128.load(missingLogNorm + c), v128.load(logNormT + at + c)));
        }
        if (j < k) {
          const c = <usize>j << 3;
          store<f64>(missingMu + c, load<f64>(missingMu + c) + load<f64>(muTermT + at + c));
          store<f64>(missingLogNorm + c, load<f64>(missingLogNorm + c) + load<f64>(logNormT + at + c));
        }
      }
    }
    // f(u, j) = ln w_j − ½((logNormTerm_j − missing) + max(0, (x²·b_j − 2x·a_j) + (muTerm_j − missing)))
    let j = 0;
    for (; j < pairs; j += 2) {
      const c = <usize>j << 3;
      let distance = f64x2.add(
        f64x2.sub(v128.load(second + c), f64x2.mul(f64x2.splat(2), v128.load(out + c))),
        f64x2.sub(v128.load(muTerm + c), v128.load(missingMu + c)),
      );
      distance = f64x2.pmax(distance, f64x2.splat(0));
      const f = f64x2.sub(
        v128.load(logWeight + c),
        f64x2.mul(f64x2.splat(0.5), f64x2.add(f64x2.sub(v128.load(logNormTerm + c), v128.load(missingLogNorm + c)), distance)),
      );
      v128.store(logTerm + c, f);
    }
    if (j < k) {
      const c = <usize>j << 3;
      let distance = load<f64>(second + c) - 2 * load<f64>(out + c) + (load<f64>(muTerm + c) - load<f64>(missingMu + c));
      if (distance < 0) distance = 0;
      store<f64>(logTerm + c, load<f64>(logWeight + c) - 0.5 * (load<f64>(logNormTerm + c) - load<f64>(missingLogNorm + c) + distance));
    }
    const max = maxOf(logTerm, k);
    const sum = shiftedExpSum(logTerm, k, max, fraction);
    const rowLogLikelihood = max + mathLog(sum);
    logLikelihood += rowLogLikelihood;
    if (rowLL != 0) store<f64>(rowLL + (<usize>u << 3), rowLogLikelihood);
    const invV = f64x2.splat(1 / sum);
    const inverse = 1 / sum;
    j = 0;
    for (; j < pairs; j += 2) {
      const c = <usize>j << 3;
      const w = f64x2.mul(v128.load(logTerm + c), invV);
      v128.store(out + c, w);
      v128.store(nHat + c, f64x2.add(v128.load(nHat + c), w));
    }
    if (j < k) {
      const c = <usize>j << 3;
      const w = load<f64>(logTerm + c) * inverse;
      store<f64>(out + c, w);
      store<f64>(nHat + c, load<f64>(nHat + c) + w);
    }
  }
  store<f64>(stats, logLikelihood);
  addWeightedRows(x, post, rows, d, k, sumX);
  addWeightedRows(squares, post, rows, d, k, sumXX);
  if (hasMissing) {
    for (let c: usize = 0; c < cells; c++) store<f64>(maskF64 + (c << 3), <f64>load<u8>(mask + c));
    addWeightedRows(maskF64, post, rows, d, k, observedWeight);
  }
  return logLikelihood;
}

// ---------------------------------------------------------------------------
// Sparse rating rows (CSR by user), parameters item-major (d×K: component j of
// item i at i·K + j). A user's sums over its ratings are taken in blocks of
// components (8, then 4, 2 and 1), each block's sums in registers over the user's
// ratings in order, so each component's sum is added as the scalar code adds it.

/** Byte address of item `items[t]`'s run of K numbers in the block at `base` (item i's at i·stride bytes), plus `jo`. */
// @ts-ignore: decorator
@inline
function itemAt(items: usize, t: i32, base: usize, stride: usize, jo: usize): usize {
  return base + <usize>load<i32>(items + (<usize>t << 2)) * stride + jo;
}

/**
 * Spherical, ratings t0 ≤ t < t1 of one user: dot[j] = Σ x_t·mu[i_t, j] and
 * squares[j] = Σ mu[i_t, j]² (the TypeScript kernel's mu², which is mu·mu), added
 * in rating order.
 */
function sparseSphericalSums(items: usize, x: usize, t0: i32, t1: i32, mu: usize, k: i32, dot: usize, squares: usize): void {
  const kBytes = <usize>k << 3;
  let j = 0;
  for (; j + 7 < k; j += 8) {
    const jo = <usize>j << 3;
    let d0 = f64x2.splat(0), d1 = f64x2.splat(0), d2 = f64x2.splat(0), d3 = f64x2.splat(0);
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    for (let t = t0; t < t1; t++) {
      const m = itemAt(items, t, mu, kBytes, jo);
      const v = v128.load64_splat(x + (<usize>t << 3));
      const m0 = v128.load(m);
      const m1 = v128.load(m, 16);
      const m2 = v128.load(m, 32);
      const m3 = v128.load(m, 48);
      d0 = f64x2.add(d0, f64x2.mul(v, m0));
      s0 = f64x2.add(s0, f64x2.mul(m0, m0));
      d1 = f64x2.add(d1, f64x2.mul(v, m1));
      s1 = f64x2.add(s1, f64x2.mul(m1, m1));
      d2 = f64x2.add(d2, f64x2.mul(v, m2));
      s2 = f64x2.add(s2, f64x2.mul(m2, m2));
      d3 = f64x2.add(d3, f64x2.mul(v, m3));
      s3 = f64x2.add(s3, f64x2.mul(m3, m3));
    }
    v128.store(dot + jo, d0);
    v128.store(dot + jo, d1, 16);
    v128.store(dot + jo, d2, 32);
    v128.store(dot + jo, d3, 48);
    v128.store(squares + jo, s0);
    v128.store(squares + jo, s1, 16);
    v128.store(squares + jo, s2, 32);
    v128.store(squares + jo, s3, 48);
  }
  if (j + 3 < k) {
    const jo = <usize>j << 3;
    let d0 = f64x2.splat(0), d1 = f64x2.splat(0), s0 = f64x2.splat(0), s1 = f64x2.splat(0);
    for (let t = t0; t < t1; t++) {
      const m = itemAt(items, t, mu, kBytes, jo);
      const v = v128.load64_splat(x + (<usize>t << 3));
      const m0 = v128.load(m);
      const m1 = v128.load(m, 16);
      d0 = f64x2.add(d0, f64x2.mul(v, m0));
      s0 = f64x2.add(s0, f64x2.mul(m0, m0));
      d1 = f64x2.add(d1, f64x2.mul(v, m1));
      s1 = f64x2.add(s1, f64x2.mul(m1, m1));
    }
    v128.store(dot + jo, d0);
    v128.store(dot + jo, d1, 16);
    v128.store(squares + jo, s0);
    v128.store(squares + jo, s1, 16);
    j += 4;
  }
  if (j + 1 < k) {
    const jo = <usize>j << 3;
    let d0 = f64x2.splat(0), s0 = f64x2.splat(0);
    for (let t = t0; t < t1; t++) {
      const m0 = v128.load(itemAt(items, t, mu, kBytes, jo));
      d0 = f64x2.add(d0, f64x2.mul(v128.load64_splat(x + (<usize>t << 3)), m0));
      s0 = f64x2.add(s0, f64x2.mul(m0, m0));
    }
    v128.store(dot + jo, d0);
    v128.store(squares + jo, s0);
    j += 2;
  }
  if (j < k) {
    const jo = <usize>j << 3;
    let d0: f64 = 0, s0: f64 = 0;
    for (let t = t0; t < t1; t++) {
      const m0 = load<f64>(itemAt(items, t, mu, kBytes, jo));
      d0 += load<f64>(x + (<usize>t << 3)) * m0;
      s0 += m0 * m0;
    }
    store<f64>(dot + jo, d0);
    store<f64>(squares + jo, s0);
  }
}

/**
 * Spherical, ratings t0 ≤ t < t1 of one user: sumX[i_t, j] += post[j]·x_t and weight[i_t, j] += post[j],
 * rating by rating; item i's run of sumX at sumX + i·stride bytes (stride K numbers, or more when the
 * blocks are interleaved), weight's likewise.
 */
function sparseSphericalScatter(items: usize, x: usize, t0: i32, t1: i32, post: usize, k: i32, sumX: usize, weight: usize, stride: usize): void {
  let j = 0;
  for (; j + 7 < k; j += 8) {
    const jo = <usize>j << 3;
    const p0 = v128.load(post + jo);
    const p1 = v128.load(post + jo, 16);
    const p2 = v128.load(post + jo, 32);
    const p3 = v128.load(post + jo, 48);
    for (let t = t0; t < t1; t++) {
      const v = v128.load64_splat(x + (<usize>t << 3));
      const a = itemAt(items, t, sumX, stride, jo);
      const w = itemAt(items, t, weight, stride, jo);
      v128.store(a, f64x2.add(v128.load(a), f64x2.mul(p0, v)));
      v128.store(a, f64x2.add(v128.load(a, 16), f64x2.mul(p1, v)), 16);
      v128.store(a, f64x2.add(v128.load(a, 32), f64x2.mul(p2, v)), 32);
      v128.store(a, f64x2.add(v128.load(a, 48), f64x2.mul(p3, v)), 48);
      v128.store(w, f64x2.add(v128.load(w), p0));
      v128.store(w, f64x2.add(v128.load(w, 16), p1), 16);
      v128.store(w, f64x2.add(v128.load(w, 32), p2), 32);
      v128.store(w, f64x2.add(v128.load(w, 48), p3), 48);
    }
  }
  if (j + 3 < k) {
    const jo = <usize>j << 3;
    const p0 = v128.load(post + jo);
    const p1 = v128.load(post + jo, 16);
    for (let t = t0; t < t1; t++) {
      const v = v128.load64_splat(x + (<usize>t << 3));
      const a = itemAt(items, t, sumX, stride, jo);
      const w = itemAt(items, t, weight, stride, jo);
      v128.store(a, f64x2.add(v128.load(a), f64x2.mul(p0, v)));
      v128.store(a, f64x2.add(v128.load(a, 16), f64x2.mul(p1, v)), 16);
      v128.store(w, f64x2.add(v128.load(w), p0));
      v128.store(w, f64x2.add(v128.load(w, 16), p1), 16);
    }
    j += 4;
  }
  if (j + 1 < k) {
    const jo = <usize>j << 3;
    const p0 = v128.load(post + jo);
    for (let t = t0; t < t1; t++) {
      const v = v128.load64_splat(x + (<usize>t << 3));
      const a = itemAt(items, t, sumX, stride, jo);
      const w = itemAt(items, t, weight, stride, jo);
      v128.store(a, f64x2.add(v128.load(a), f64x2.mul(p0, v)));
      v128.store(w, f64x2.add(v128.load(w), p0));
    }
    j += 2;
  }
  if (j < k) {
    const jo = <usize>j << 3;
    const p0 = load<f64>(post + jo);
    for (let t = t0; t < t1; t++) {
      const a = itemAt(items, t, sumX, stride, jo);
      const w = itemAt(items, t, weight, stride, jo);
      store<f64>(a, load<f64>(a) + p0 * load<f64>(x + (<usize>t << 3)));
      store<f64>(w, load<f64>(w) + p0);
    }
  }
}

/**
 * Diag, ratings t0 ≤ t < t1 of one user: terms[j] = Σ (x_t²·precision + muTerm) + logNorm
 * and dot[j] = Σ x_t·scaledMu (each at [i_t, j] of its block: item i's run at i·stride bytes),
 * added in rating order.
 */
function sparseDiagSums(items: usize, x: usize, t0: i32, t1: i32, precision: usize, muTerm: usize, logNorm: usize, scaledMu: usize, stride: usize, k: i32, terms: usize, dot: usize): void {
  let j = 0;
  for (; j + 7 < k; j += 8) {
    const jo = <usize>j << 3;
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    let d0 = f64x2.splat(0), d1 = f64x2.splat(0), d2 = f64x2.splat(0), d3 = f64x2.splat(0);
    for (let t = t0; t < t1; t++) {
      const at = <usize>load<i32>(items + (<usize>t << 2)) * stride + jo;
      const v = v128.load64_splat(x + (<usize>t << 3));
      const vv = f64x2.mul(v, v);
      const p = precision + at;
      const m = muTerm + at;
      const l = logNorm + at;
      const s = scaledMu + at;
      a0 = f64x2.add(a0, f64x2.add(f64x2.add(f64x2.mul(vv, v128.load(p)), v128.load(m)), v128.load(l)));
      a1 = f64x2.add(a1, f64x2.add(f64x2.add(f64x2.mul(vv, v128.load(p, 16)), v128.load(m, 16)), v128.load(l, 16)));
      a2 = f64x2.add(a2, f64x2.add(f64x2.add(f64x2.mul(vv, v128.load(p, 32)), v128.load(m, 32)), v128.load(l, 32)));
      a3 = f64x2.add(a3, f64x2.add(f64x2.add(f64x2.mul(vv, v128.load(p, 48)), v128.load(m, 48)), v128.load(l, 48)));
      d0 = f64x2.add(d0, f64x2.mul(v, v128.load(s)));
      d1 = f64x2.add(d1, f64x2.mul(v, v128.load(s, 16)));
      d2 = f64x2.add(d2, f64x2.mul(v, v128.load(s, 32)));
      d3 = f64x2.add(d3, f64x2.mul(v, v128.load(s, 48)));
    }
    v128.store(terms + jo, a0);
    v128.store(terms + jo, a1, 16);
    v128.store(terms + jo, a2, 32);
    v128.store(terms + jo, a3, 48);
    v128.store(dot + jo, d0);
    v128.store(dot + jo, d1, 16);
    v128.store(dot + jo, d2, 32);
    v128.store(dot + jo, d3, 48);
  }
  if (j + 3 < k) {
    const jo = <usize>j << 3;
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), d0 = f64x2.splat(0), d1 = f64x2.splat(0);
    for (let t = t0; t < t1; t++) {
      const at = <usize>load<i32>(items + (<usize>t << 2)) * stride + jo;
      const v = v128.load64_splat(x + (<usize>t << 3));
      const vv = f64x2.mul(v, v);
      const p = precision + at;
      const m = muTerm + at;
      const l = logNorm + at;
      const s = scaledMu + at;
      a0 = f64x2.add(a0, f64x2.add(f64x2.add(f64x2.mul(vv, v128.load(p)), v128.load(m)), v128.load(l)));
      a1 = f64x2.add(a1, f64x2.add(f64x2.add(f64x2.mul(vv, v128.load(p, 16)), v128.load(m, 16)), v128.load(l, 16)));
      d0 = f64x2.add(d0, f64x2.mul(v, v128.load(s)));
      d1 = f64x2.add(d1, f64x2.mul(v, v128.load(s, 16)));
    }
    v128.store(terms + jo, a0);
    v128.store(terms + jo, a1, 16);
    v128.store(dot + jo, d0);
    v128.store(dot + jo, d1, 16);
    j += 4;
  }
  if (j + 1 < k) {
    const jo = <usize>j << 3;
    let a0 = f64x2.splat(0), d0 = f64x2.splat(0);
    for (let t = t0; t < t1; t++) {
      const at = <usize>load<i32>(items + (<usize>t << 2)) * stride + jo;
      const v = v128.load64_splat(x + (<usize>t << 3));
      a0 = f64x2.add(a0, f64x2.add(f64x2.add(f64x2.mul(f64x2.mul(v, v), v128.load(precision + at)), v128.load(muTerm + at)), v128.load(logNorm + at)));
      d0 = f64x2.add(d0, f64x2.mul(v, v128.load(scaledMu + at)));
    }
    v128.store(terms + jo, a0);
    v128.store(dot + jo, d0);
    j += 2;
  }
  if (j < k) {
    const jo = <usize>j << 3;
    let a0: f64 = 0, d0: f64 = 0;
    for (let t = t0; t < t1; t++) {
      const at = <usize>load<i32>(items + (<usize>t << 2)) * stride + jo;
      const v = load<f64>(x + (<usize>t << 3));
      a0 += v * v * load<f64>(precision + at) + load<f64>(muTerm + at) + load<f64>(logNorm + at);
      d0 += v * load<f64>(scaledMu + at);
    }
    store<f64>(terms + jo, a0);
    store<f64>(dot + jo, d0);
  }
}

/** Diag, ratings t0 ≤ t < t1 of one user: with w = post[j], sumX += w·x_t, sumXX += (w·x_t)·x_t and weight += w at [i_t, j] (item i's runs at i·stride bytes), rating by rating. */
function sparseDiagScatter(items: usize, x: usize, t0: i32, t1: i32, post: usize, k: i32, sumX: usize, sumXX: usize, weight: usize, stride: usize): void {
  let j = 0;
  for (; j + 7 < k; j += 8) {
    const jo = <usize>j << 3;
    const p0 = v128.load(post + jo);
    const p1 = v128.load(post + jo, 16);
    const p2 = v128.load(post + jo, 32);
    const p3 = v128.load(post + jo, 48);
    for (let t = t0; t < t1; t++) {
      const v = v128.load64_splat(x + (<usize>t << 3));
      const at = <usize>load<i32>(items + (<usize>t << 2)) * stride + jo;
      const a = sumX + at;
      const b = sumXX + at;
      const w = weight + at;
      const q0 = f64x2.mul(p0, v);
      const q1 = f64x2.mul(p1, v);
      const q2 = f64x2.mul(p2, v);
      const q3 = f64x2.mul(p3, v);
      v128.store(a, f64x2.add(v128.load(a), q0));
      v128.store(a, f64x2.add(v128.load(a, 16), q1), 16);
      v128.store(a, f64x2.add(v128.load(a, 32), q2), 32);
      v128.store(a, f64x2.add(v128.load(a, 48), q3), 48);
      v128.store(b, f64x2.add(v128.load(b), f64x2.mul(q0, v)));
      v128.store(b, f64x2.add(v128.load(b, 16), f64x2.mul(q1, v)), 16);
      v128.store(b, f64x2.add(v128.load(b, 32), f64x2.mul(q2, v)), 32);
      v128.store(b, f64x2.add(v128.load(b, 48), f64x2.mul(q3, v)), 48);
      v128.store(w, f64x2.add(v128.load(w), p0));
      v128.store(w, f64x2.add(v128.load(w, 16), p1), 16);
      v128.store(w, f64x2.add(v128.load(w, 32), p2), 32);
      v128.store(w, f64x2.add(v128.load(w, 48), p3), 48);
    }
  }
  if (j + 3 < k) {
    const jo = <usize>j << 3;
    const p0 = v128.load(post + jo);
    const p1 = v128.load(post + jo, 16);
    for (let t = t0; t < t1; t++) {
      const v = v128.load64_splat(x + (<usize>t << 3));
      const at = <usize>load<i32>(items + (<usize>t << 2)) * stride + jo;
      const a = sumX + at;
      const b = sumXX + at;
      const w = weight + at;
      const q0 = f64x2.mul(p0, v);
      const q1 = f64x2.mul(p1, v);
      v128.store(a, f64x2.add(v128.load(a), q0));
      v128.store(a, f64x2.add(v128.load(a, 16), q1), 16);
      v128.store(b, f64x2.add(v128.load(b), f64x2.mul(q0, v)));
      v128.store(b, f64x2.add(v128.load(b, 16), f64x2.mul(q1, v)), 16);
      v128.store(w, f64x2.add(v128.load(w), p0));
      v128.store(w, f64x2.add(v128.load(w, 16), p1), 16);
    }
    j += 4;
  }
  if (j + 1 < k) {
    const jo = <usize>j << 3;
    const p0 = v128.load(post + jo);
    for (let t = t0; t < t1; t++) {
      const v = v128.load64_splat(x + (<usize>t << 3));
      const at = <usize>load<i32>(items + (<usize>t << 2)) * stride + jo;
      const q0 = f64x2.mul(p0, v);
      v128.store(sumX + at, f64x2.add(v128.load(sumX + at), q0));
      v128.store(sumXX + at, f64x2.add(v128.load(sumXX + at), f64x2.mul(q0, v)));
      v128.store(weight + at, f64x2.add(v128.load(weight + at), p0));
    }
    j += 2;
  }
  if (j < k) {
    const jo = <usize>j << 3;
    const p0 = load<f64>(post + jo);
    for (let t = t0; t < t1; t++) {
      const v = load<f64>(x + (<usize>t << 3));
      const at = <usize>load<i32>(items + (<usize>t << 2)) * stride + jo;
      const q0 = p0 * v;
      store<f64>(sumX + at, load<f64>(sumX + at) + q0);
      store<f64>(sumXX + at, load<f64>(sumXX + at) + q0 * v);
      store<f64>(weight + at, load<f64>(weight + at) + p0);
    }
  }
}

/**
 * A user's posterior from its K terms (in place): max-shifted log-sum-exp as
 * kernels/sparse.ts finishRow; post[j] ← terms[j]/sum, n̂ += post. Returns the
 * user's log-likelihood.
 */
// @ts-ignore: decorator
@inline
function sparseFinish(terms: usize, k: i32, post: usize, nHat: usize, fraction: usize): f64 {
  const max = maxOf(terms, k);
  const sum = shiftedExpSum(terms, k, max, fraction);
  const rowLogLikelihood = max + mathLog(sum);
  const inverse = 1 / sum;
  const invV = f64x2.splat(inverse);
  const pairs = k & ~1;
  let j = 0;
  for (; j < pairs; j += 2) {
    const c = <usize>j << 3;
    const w = f64x2.mul(v128.load(terms + c), invV);
    v128.store(post + c, w);
    v128.store(nHat + c, f64x2.add(v128.load(nHat + c), w));
  }
  if (j < k) {
    const c = <usize>j << 3;
    const w = load<f64>(terms + c) * inverse;
    store<f64>(post + c, w);
    store<f64>(nHat + c, load<f64>(nHat + c) + w);
  }
  return rowLogLikelihood;
}

/**
 * Spherical, one user's terms from its sums (dot in `post`, squares in `terms`), in
 * place in terms: f_j = (ln w_j − |C|·halfLogNorm_j) − max(0, (‖x_C‖² − 2·dot_j) +
 * squares_j)·invTwoVar_j; then its posterior into post, with n̂, Σw‖x_C‖² and
 * Σw|C|. Returns its log-likelihood.
 */
// @ts-ignore: decorator
@inline
function sparseSphericalUser(
  post: usize,
  terms: usize,
  k: i32,
  sq: f64,
  observed: f64,
  logWeight: usize,
  halfLogNorm: usize,
  invTwoVar: usize,
  nHat: usize,
  rowSq: usize,
  observedSum: usize,
  fraction: usize,
): f64 {
  const sqV = f64x2.splat(sq);
  const obsV = f64x2.splat(observed);
  const pairs = k & ~1;
  let j = 0;
  for (; j < pairs; j += 2) {
    const c = <usize>j << 3;
    let dist = f64x2.add(f64x2.sub(sqV, f64x2.mul(f64x2.splat(2), v128.load(post + c))), v128.load(terms + c));
    dist = f64x2.pmax(dist, f64x2.splat(0));
    v128.store(terms + c, f64x2.sub(f64x2.sub(v128.load(logWeight + c), f64x2.mul(obsV, v128.load(halfLogNorm + c))), f64x2.mul(dist, v128.load(invTwoVar + c))));
  }
  if (j < k) {
    const c = <usize>j << 3;
    let dist = sq - 2 * load<f64>(post + c) + load<f64>(terms + c);
    if (dist < 0) dist = 0;
    store<f64>(terms + c, load<f64>(logWeight + c) - observed * load<f64>(halfLogNorm + c) - dist * load<f64>(invTwoVar + c));
  }
  const rowLogLikelihood = sparseFinish(terms, k, post, nHat, fraction);
  j = 0;
  for (; j < pairs; j += 2) {
    const c = <usize>j << 3;
    const w = v128.load(post + c);
    v128.store(rowSq + c, f64x2.add(v128.load(rowSq + c), f64x2.mul(w, sqV)));
    v128.store(observedSum + c, f64x2.add(v128.load(observedSum + c), f64x2.mul(w, obsV)));
  }
  if (j < k) {
    const c = <usize>j << 3;
    const w = load<f64>(post + c);
    store<f64>(rowSq + c, load<f64>(rowSq + c) + w * sq);
    store<f64>(observedSum + c, load<f64>(observedSum + c) + w * observed);
  }
  return rowLogLikelihood;
}

/** Diag, one user's terms from its sums (terms, dot in `post`), in place: f_j = ln w_j − ½(terms_j − 2·dot_j); then its posterior into post. */
// @ts-ignore: decorator
@inline
function sparseDiagUser(post: usize, terms: usize, k: i32, logWeight: usize, nHat: usize, fraction: usize): f64 {
  const pairs = k & ~1;
  let j = 0;
  for (; j < pairs; j += 2) {
    const c = <usize>j << 3;
    const inner = f64x2.sub(v128.load(terms + c), f64x2.mul(f64x2.splat(2), v128.load(post + c)));
    v128.store(terms + c, f64x2.sub(v128.load(logWeight + c), f64x2.mul(f64x2.splat(0.5), inner)));
  }
  if (j < k) {
    const c = <usize>j << 3;
    store<f64>(terms + c, load<f64>(logWeight + c) - 0.5 * (load<f64>(terms + c) - 2 * load<f64>(post + c)));
  }
  return sparseFinish(terms, k, post, nHat, fraction);
}

/** User u's first rating in the part's copy of the ratings. */
// @ts-ignore: decorator
@inline
function userStart(rowStart: usize, u: i32, firstRating: i32): i32 {
  return load<i32>(rowStart + (<usize>u << 2)) - firstRating;
}

/** Copies d runs of `bytes` bytes (a multiple of 8), item i's from src + i·srcStride to dst + i·dstStride. */
function copyRuns(src: usize, srcStride: usize, dst: usize, dstStride: usize, d: i32, bytes: usize): void {
  for (let i = 0; i < d; i++) {
    const a = src + <usize>i * srcStride;
    const b = dst + <usize>i * dstStride;
    let o: usize = 0;
    for (; o + 16 <= bytes; o += 16) v128.store(b + o, v128.load(a + o));
    if (o < bytes) store<f64>(b + o, load<f64>(a + o));
  }
}

/*
 * The sums of a chunk go on from part to part (firstPart: they start from zero).
 * With `interleave`, an item's runs of the d×K blocks read at each rating sit side
 * by side (diag: its parameters [precision | muTerm | logNorm | scaledMu] in
 * params, copied there from their blocks on the first part; both families: its M-step
 * sums [sumX | (sumXX |) weight] in scatter, copied out to their blocks in stats on the
 * last part): one rating then reads a few neighbouring cache lines and one page
 * rather than one of each per block. Only the addresses change, not the arithmetic.
 * stats[0, headSize) holds the sums that are not d×K blocks (they come first).
 */

/**
 * The E-step of kernels/sparse.ts sparseSphericalChunk on `rows` users, with the
 * sums its M-step needs (arguments in wasm-abi.ts SPARSE_SPHERICAL_ARGUMENTS), on a
 * chunk or a part of one. Each user's dot products go through its row of post
 * (rows×K), its squared means and terms through terms (K).
 */
export function sparseSphericalExpectation(args: usize): f64 {
  const rows = <i32>arg(args, SS.rows);
  const d = <i32>arg(args, SS.d);
  const k = <i32>arg(args, SS.k);
  const firstRating = <i32>arg(args, SS.firstRating);
  const rowStart = arg(args, SS.rowStart);
  const items = arg(args, SS.items);
  const x = arg(args, SS.x);
  const rowSquares = arg(args, SS.rowSquares);
  const rowObserved = arg(args, SS.rowObserved);
  const logWeight = arg(args, SS.logWeight);
  const halfLogNorm = arg(args, SS.halfLogNorm);
  const invTwoVar = arg(args, SS.invTwoVar);
  const mu = arg(args, SS.mu);
  const post = arg(args, SS.post);
  const rowLL = arg(args, SS.rowLL);
  const terms = arg(args, SS.terms);
  const stats = arg(args, SS.stats);
  const scatter = arg(args, SS.scatter);
  const interleave = arg(args, SS.interleave) != 0;
  const fraction = arg(args, SS.fraction);
  const kBytes = <usize>k << 3;
  const llAt = stats + (arg(args, SS.statLL) << 3);
  const nHat = stats + (arg(args, SS.statNHat) << 3);
  const rowSq = stats + (arg(args, SS.statRowSq) << 3);
  const observedSum = stats + (arg(args, SS.statObserved) << 3);
  const sumXOut = stats + (arg(args, SS.statSumX) << 3);
  const weightOut = stats + (arg(args, SS.statWeight) << 3);
  const sumX = interleave ? scatter : sumXOut;
  const weight = interleave ? scatter + kBytes : weightOut;
  const stride = interleave ? kBytes << 1 : kBytes;
  if (arg(args, SS.firstPart) != 0) {
    if (interleave) {
      memory.fill(stats, 0, arg(args, SS.headSize) << 3);
      memory.fill(scatter, 0, <usize>d * stride);
    } else memory.fill(stats, 0, arg(args, SS.statsSize) << 3);
  }
  let logLikelihood = load<f64>(llAt);
  for (let u = 0; u < rows; u++) {
    const t0 = userStart(rowStart, u, firstRating);
    const t1 = userStart(rowStart, u + 1, firstRating);
    const out = post + <usize>u * kBytes;
    sparseSphericalSums(items, x, t0, t1, mu, k, out, terms);
    const rowLogLikelihood = sparseSphericalUser(out, terms, k, load<f64>(rowSquares + (<usize>u << 3)), load<f64>(rowObserved + (<usize>u << 3)), logWeight, halfLogNorm, invTwoVar, nHat, rowSq, observedSum, fraction);
    logLikelihood += rowLogLikelihood;
    store<f64>(rowLL + (<usize>u << 3), rowLogLikelihood);
    sparseSphericalScatter(items, x, t0, t1, out, k, sumX, weight, stride);
  }
  store<f64>(llAt, logLikelihood);
  if (interleave && arg(args, SS.lastPart) != 0) {
    copyRuns(sumX, stride, sumXOut, kBytes, d, kBytes);
    copyRuns(weight, stride, weightOut, kBytes, d, kBytes);
  }
  return logLikelihood;
}

/**
 * The E-step of kernels/sparse.ts sparseDiagChunk on `rows` users, with the sums its
 * M-step needs (arguments in wasm-abi.ts SPARSE_DIAG_ARGUMENTS), on a chunk or a part
 * of one as sparseSphericalExpectation: the dot products through post, the other
 * sums and the terms through terms.
 */
export function sparseDiagExpectation(args: usize): f64 {
  const rows = <i32>arg(args, SD.rows);
  const d = <i32>arg(args, SD.d);
  const k = <i32>arg(args, SD.k);
  const firstRating = <i32>arg(args, SD.firstRating);
  const rowStart = arg(args, SD.rowStart);
  const items = arg(args, SD.items);
  const x = arg(args, SD.x);
  const logWeight = arg(args, SD.logWeight);
  const scaledMuIn = arg(args, SD.scaledMu);
  const precisionIn = arg(args, SD.precision);
  const muTermIn = arg(args, SD.muTerm);
  const logNormIn = arg(args, SD.logNorm);
  const post = arg(args, SD.post);
  const rowLL = arg(args, SD.rowLL);
  const terms = arg(args, SD.terms);
  const stats = arg(args, SD.stats);
  const params = arg(args, SD.params);
  const scatter = arg(args, SD.scatter);
  const interleave = arg(args, SD.interleave) != 0;
  const fraction = arg(args, SD.fraction);
  const kBytes = <usize>k << 3;
  const llAt = stats + (arg(args, SD.statLL) << 3);
  const nHat = stats + (arg(args, SD.statNHat) << 3);
  const sumXOut = stats + (arg(args, SD.statSumX) << 3);
  const sumXXOut = stats + (arg(args, SD.statSumXX) << 3);
  const weightOut = stats + (arg(args, SD.statWeight) << 3);
  const precision = interleave ? params : precisionIn;
  const muTerm = interleave ? params + kBytes : muTermIn;
  const logNorm = interleave ? params + 2 * kBytes : logNormIn;
  const scaledMu = interleave ? params + 3 * kBytes : scaledMuIn;
  const strideE = interleave ? kBytes << 2 : kBytes;
  const sumX = interleave ? scatter : sumXOut;
  const sumXX = interleave ? scatter + kBytes : sumXXOut;
  const weight = interleave ? scatter + 2 * kBytes : weightOut;
  const strideM: usize = interleave ? kBytes * 3 : kBytes;
  if (arg(args, SD.firstPart) != 0) {
    if (interleave) {
      memory.fill(stats, 0, arg(args, SD.headSize) << 3);
      memory.fill(scatter, 0, <usize>d * strideM);
      copyRuns(precisionIn, kBytes, precision, strideE, d, kBytes);
      copyRuns(muTermIn, kBytes, muTerm, strideE, d, kBytes);
      copyRuns(logNormIn, kBytes, logNorm, strideE, d, kBytes);
      copyRuns(scaledMuIn, kBytes, scaledMu, strideE, d, kBytes);
    } else memory.fill(stats, 0, arg(args, SD.statsSize) << 3);
  }
  let logLikelihood = load<f64>(llAt);
  for (let u = 0; u < rows; u++) {
    const t0 = userStart(rowStart, u, firstRating);
    const t1 = userStart(rowStart, u + 1, firstRating);
    const out = post + <usize>u * kBytes;
    sparseDiagSums(items, x, t0, t1, precision, muTerm, logNorm, scaledMu, strideE, k, terms, out);
    const rowLogLikelihood = sparseDiagUser(out, terms, k, logWeight, nHat, fraction);
    logLikelihood += rowLogLikelihood;
    store<f64>(rowLL + (<usize>u << 3), rowLogLikelihood);
    sparseDiagScatter(items, x, t0, t1, out, k, sumX, sumXX, weight, strideM);
  }
  store<f64>(llAt, logLikelihood);
  if (interleave && arg(args, SD.lastPart) != 0) {
    copyRuns(sumX, strideM, sumXOut, kBytes, d, kBytes);
    copyRuns(sumXX, strideM, sumXXOut, kBytes, d, kBytes);
    copyRuns(weight, strideM, weightOut, kBytes, d, kBytes);
  }
  return logLikelihood;
}
