// What a fit does once before its first E-step, on complete data, in WebAssembly SIMD:
// src/models/data.ts prepareData's two passes (the column sums, then the centred rows,
// their squares and each column's sum of squares) and src/models/scatter.ts
// computeScatter's d×d scatter around the column means, operation for operation as the
// TypeScript loops compute them, so the same bits: lanes run over two columns, every sum
// runs over the rows in row order (over the columns, for a row's sum of squares), and
// there is no fused multiply-add. The caller (src/models/kernels/wasm-setup.ts) hands
// in the rows a block at a time; the sums carry over from block to block in place.

import { addInto } from './shared';

/** sums[i] += data[u·d + i] for each of `rows` rows (row-major, d columns), in row order. */
export function columnSums(data: usize, rows: i32, d: i32, sums: usize): void {
  const rowBytes = <usize>d << 3;
  for (let u = 0; u < rows; u++) addInto(sums, data + <usize>u * rowBytes, d);
}

/**
 * For each of `rows` rows: x = data − center (per column), rowSquares[u] = Σ_i x_i²
 * (columns in order, from 0) and squares[i] += x_i². The first row whose sum of squares
 * is not finite, or −1.
 */
export function centreRows(data: usize, rows: i32, d: i32, center: usize, x: usize, rowSquares: usize, squares: usize): i32 {
  const rowBytes = <usize>d << 3;
  const pairs = d & ~1;
  let bad = -1;
  for (let u = 0; u < rows; u++) {
    const row = data + <usize>u * rowBytes;
    const out = x + <usize>u * rowBytes;
    let sq: f64 = 0;
    let i = 0;
    for (; i < pairs; i += 2) {
      const at = <usize>i << 3;
      const v = f64x2.sub(v128.load(row + at), v128.load(center + at));
      v128.store(out + at, v);
      const square = f64x2.mul(v, v);
      sq += f64x2.extract_lane(square, 0);
      sq += f64x2.extract_lane(square, 1);
      v128.store(squares + at, f64x2.add(v128.load(squares + at), square));
    }
    if (i < d) {
      const at = <usize>i << 3;
      const v = load<f64>(row + at) - load<f64>(center + at);
      store<f64>(out + at, v);
      const square = v * v;
      sq += square;
      store<f64>(squares + at, load<f64>(squares + at) + square);
    }
    store<f64>(rowSquares + (<usize>u << 3), sq);
    if (bad < 0 && !isFinite(sq)) bad = u;
  }
  return bad;
}

/**
 * scatter[a·d + b] += Σ_u x[u·d + a]·x[u·d + b] for b ≤ a, over `rows` centred rows,
 * in row order (four rows per pass over the triangle, each added in turn). Lanes run over
 * the column pairs (b, b + 1): where b = a the lane past the diagonal is summed too
 * (never read by the caller), so `scatter` has room for d·d + 1 numbers and `x` one
 * number past its last row.
 */
export function scatterRows(x: usize, rows: i32, d: i32, scatter: usize): void {
  const rowBytes = <usize>d << 3;
  let u = 0;
  for (; u + 3 < rows; u += 4) {
    const r0 = x + <usize>u * rowBytes;
    const r1 = r0 + rowBytes;
    const r2 = r1 + rowBytes;
    const r3 = r2 + rowBytes;
    for (let a = 0; a < d; a++) {
      const ao = <usize>a << 3;
      const s0 = v128.load64_splat(r0 + ao);
      const s1 = v128.load64_splat(r1 + ao);
      const s2 = v128.load64_splat(r2 + ao);
      const s3 = v128.load64_splat(r3 + ao);
      const out = scatter + <usize>a * rowBytes;
      for (let b = 0; b <= a; b += 2) {
        const bo = <usize>b << 3;
        let acc = v128.load(out + bo);
        acc = f64x2.add(acc, f64x2.mul(s0, v128.load(r0 + bo)));
        acc = f64x2.add(acc, f64x2.mul(s1, v128.load(r1 + bo)));
        acc = f64x2.add(acc, f64x2.mul(s2, v128.load(r2 + bo)));
        acc = f64x2.add(acc, f64x2.mul(s3, v128.load(r3 + bo)));
        v128.store(out + bo, acc);
      }
    }
  }
  for (; u < rows; u++) {
    const r0 = x + <usize>u * rowBytes;
    for (let a = 0; a < d; a++) {
      const s0 = v128.load64_splat(r0 + (<usize>a << 3));
      const out = scatter + <usize>a * rowBytes;
      for (let b = 0; b <= a; b += 2) {
        const bo = <usize>b << 3;
        v128.store(out + bo, f64x2.add(v128.load(out + bo), f64x2.mul(s0, v128.load(r0 + bo))));
      }
    }
  }
}

/**
 * src/models/families/full.ts startCovariancesFromScatter without the regularisation: for
 * each of the k means, out[j·d·d + a·d + b] = (S_ab + n·(mu_ja − c_a)·(mu_jb − c_b)) / n, S the
 * lower triangle of `scatter` (d×d), the products in that order. `diff` is scratch (d numbers).
 */
export function startCovariances(scatter: usize, center: usize, mu: usize, k: i32, d: i32, n: f64, out: usize, diff: usize): void {
  const rowBytes = <usize>d << 3;
  for (let j = 0; j < k; j++) {
    const m = mu + <usize>j * rowBytes;
    for (let a = 0; a < d; a++) {
      const ao = <usize>a << 3;
      store<f64>(diff + ao, load<f64>(m + ao) - load<f64>(center + ao));
    }
    const o = out + <usize>j * <usize>d * rowBytes;
    for (let a = 0; a < d; a++) {
      const na = n * load<f64>(diff + (<usize>a << 3));
      const row = o + <usize>a * rowBytes;
      const lower = scatter + <usize>a * rowBytes;
      for (let b = 0; b < a; b++) {
        const bo = <usize>b << 3;
        store<f64>(row + bo, (load<f64>(lower + bo) + na * load<f64>(diff + bo)) / n);
      }
      for (let b = a; b < d; b++) {
        const bo = <usize>b << 3;
        store<f64>(row + bo, (load<f64>(scatter + <usize>b * rowBytes + (<usize>a << 3)) + na * load<f64>(diff + bo)) / n);
      }
    }
  }
}
