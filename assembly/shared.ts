// What the WebAssembly kernels share (assembly/estep.ts, assembly/full.ts and
// assembly/kmeans.ts): the argument block's reader, the products X·muᵀ (rowDots), the JavaScript functions imported (Math.log, Math.exp),
// and src/models/kernels/exp.ts's table-driven exp with the max-shifted sum of a
// row's terms, operation for operation as the TypeScript kernels compute them.

/** Argument `index` of the block at `args`. */
// @ts-ignore: decorator
@inline
export function arg(args: usize, index: i32): usize {
  return <usize>load<u32>(args + (<usize>index << 2));
}

@external("env", "log")
export declare function mathLog(x: f64): f64;
@external("env", "exp")
export declare function mathExp(x: f64): f64;

const STEPS_PER_LN2: f64 = 64 / 0.6931471805599453; // 64 / Math.LN2
const LN2_HI: f64 = 6.9314718036912381649e-1 / 64;
const LN2_LO: f64 = 1.90821492927058770002e-10 / 64;
const C2: f64 = 1.0 / 2.0;
const C3: f64 = 1.0 / 6.0;
const C4: f64 = 1.0 / 24.0;
const C5: f64 = 1.0 / 120.0;
const C6: f64 = 1.0 / 720.0;

/** src/models/exp.ts exp, one argument. */
export function expScalar(x: f64, fraction: usize): f64 {
  if (!(x >= -700 && x <= 700)) return mathExp(x);
  const c = Math.ceil(x * STEPS_PER_LN2);
  const n = c - 0.5 > x * STEPS_PER_LN2 ? c - 1 : c; // Math.round: ties toward +∞
  const r = x - n * LN2_HI - n * LN2_LO;
  const ni = <i32>n;
  const j = ni & 63;
  const m = (ni - j) >> 6;
  const p = 1 + r * (1 + r * (C2 + r * (C3 + r * (C4 + r * (C5 + r * C6)))));
  return p * load<f64>(fraction + (<usize>j << 3)) * reinterpret<f64>(<i64>(m + 1023) << 52);
}

/** The same exp on two lanes; lanes outside ±700 (or NaN) go through expScalar. */
// @ts-ignore: decorator
@inline
export function expPair(x: v128, fraction: usize): v128 {
  const inRange = v128.and(f64x2.ge(x, f64x2.splat(-700)), f64x2.le(x, f64x2.splat(700)));
  if (!i64x2.all_true(inRange)) {
    return f64x2.replace_lane(f64x2.splat(expScalar(f64x2.extract_lane(x, 0), fraction)), 1, expScalar(f64x2.extract_lane(x, 1), fraction));
  }
  const y = f64x2.mul(x, f64x2.splat(STEPS_PER_LN2));
  const c = f64x2.ceil(y);
  const n = v128.bitselect(f64x2.sub(c, f64x2.splat(1)), c, f64x2.gt(f64x2.sub(c, f64x2.splat(0.5)), y));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(n, f64x2.splat(LN2_HI))), f64x2.mul(n, f64x2.splat(LN2_LO)));
  const ni = i32x4.trunc_sat_f64x2_s_zero(n);
  const j = v128.and(ni, i32x4.splat(63));
  const m = i32x4.shr_s(i32x4.sub(ni, j), 6);
  const power = i64x2.shl(i64x2.add(i64x2.extend_low_i32x4_s(m), i64x2.splat(1023)), 52);
  let p = f64x2.add(f64x2.splat(C5), f64x2.mul(r, f64x2.splat(C6)));
  p = f64x2.add(f64x2.splat(C4), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(C3), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(C2), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(1), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(1), f64x2.mul(r, p));
  const f0 = load<f64>(fraction + (<usize>i32x4.extract_lane(j, 0) << 3));
  const f1 = load<f64>(fraction + (<usize>i32x4.extract_lane(j, 1) << 3));
  const table = f64x2.replace_lane(f64x2.splat(f0), 1, f1);
  return f64x2.mul(f64x2.mul(p, table), power);
}

/** The largest of the K terms, compared in order as the TypeScript kernels do (a NaN is passed over). */
// @ts-ignore: decorator
@inline
export function maxOf(terms: usize, k: i32): f64 {
  let max: f64 = -Infinity;
  for (let t = 0; t < k; t++) {
    const f = load<f64>(terms + (<usize>t << 3));
    if (f > max) max = f;
  }
  return max;
}

/** exp.ts shiftedExpSum: terms ← e^(terms − max) in place, two at a time; their sum, added in order. */
// @ts-ignore: decorator
@inline
export function shiftedExpSum(terms: usize, k: i32, max: f64, fraction: usize): f64 {
  const maxV = f64x2.splat(max);
  const pairs = k & ~1;
  let sum: f64 = 0;
  let j = 0;
  for (; j < pairs; j += 2) {
    const c = <usize>j << 3;
    const e = expPair(f64x2.sub(v128.load(terms + c), maxV), fraction);
    v128.store(terms + c, e);
    sum += f64x2.extract_lane(e, 0);
    sum += f64x2.extract_lane(e, 1);
  }
  if (j < k) {
    const c = <usize>j << 3;
    const e = expScalar(load<f64>(terms + c) - max, fraction);
    store<f64>(terms + c, e);
    sum += e;
  }
  return sum;
}

/** dst[i] += src[i] for i < n: lanes over two numbers, the last one alone when n is odd (the same sums as the scalar loop). */
@inline
export function addInto(dst: usize, src: usize, n: i32): void {
  const pairs = n & ~1;
  let i = 0;
  for (; i < pairs; i += 2) {
    const at = <usize>i << 3;
    v128.store(dst + at, f64x2.add(v128.load(dst + at), v128.load(src + at)));
  }
  if (i < n) {
    const at = <usize>i << 3;
    store<f64>(dst + at, load<f64>(dst + at) + load<f64>(src + at));
  }
}

/** src/models/kernels.ts dotProduct: four accumulators, added as (s0 + s1) + (s2 + s3). */
export function dotProduct(a: usize, b: usize, len: i32): f64 {
  let s0: f64 = 0;
  let s1: f64 = 0;
  let s2: f64 = 0;
  let s3: f64 = 0;
  let i = 0;
  for (; i + 3 < len; i += 4) {
    const o = <usize>i << 3;
    s0 += load<f64>(a + o) * load<f64>(b + o);
    s1 += load<f64>(a + o, 8) * load<f64>(b + o, 8);
    s2 += load<f64>(a + o, 16) * load<f64>(b + o, 16);
    s3 += load<f64>(a + o, 24) * load<f64>(b + o, 24);
  }
  for (; i < len; i++) s0 += load<f64>(a + (<usize>i << 3)) * load<f64>(b + (<usize>i << 3));
  return s0 + s1 + (s2 + s3);
}

/**
 * out[u, j] = x[u, ·]·mu[j, ·] for 0 ≤ u < rows, as kernels.ts rowDots: rows in
 * blocks of 4, each dot product summed by one accumulator over the columns in
 * order; the last rows % 4 rows by dotProduct. `muT` is mu transposed (d×K),
 * so two components sit in one vector; `mu` is K×d for the last rows.
 */
export function rowDots(x: usize, rows: i32, d: i32, mu: usize, muT: usize, k: i32, out: usize): void {
  const rowBytes = <usize>d << 3;
  const outRow = <usize>k << 3;
  let u = 0;
  for (; u + 3 < rows; u += 4) {
    const r0 = x + <usize>u * rowBytes;
    const r1 = r0 + rowBytes;
    const r2 = r1 + rowBytes;
    const r3 = r2 + rowBytes;
    const o = out + <usize>u * outRow;
    let j = 0;
    for (; j + 3 < k; j += 4) {
      let a0 = f64x2.splat(0), a1 = f64x2.splat(0), b0 = f64x2.splat(0), b1 = f64x2.splat(0);
      let c0 = f64x2.splat(0), c1 = f64x2.splat(0), e0 = f64x2.splat(0), e1 = f64x2.splat(0);
      let m = muT + (<usize>j << 3);
      for (let i = 0; i < d; i++, m += outRow) {
        const v0 = v128.load(m);
        const v1 = v128.load(m, 16);
        const c = <usize>i << 3;
        let xi = v128.load64_splat(r0 + c);
        a0 = f64x2.add(a0, f64x2.mul(xi, v0));
        a1 = f64x2.add(a1, f64x2.mul(xi, v1));
        xi = v128.load64_splat(r1 + c);
        b0 = f64x2.add(b0, f64x2.mul(xi, v0));
        b1 = f64x2.add(b1, f64x2.mul(xi, v1));
        xi = v128.load64_splat(r2 + c);
        c0 = f64x2.add(c0, f64x2.mul(xi, v0));
        c1 = f64x2.add(c1, f64x2.mul(xi, v1));
        xi = v128.load64_splat(r3 + c);
        e0 = f64x2.add(e0, f64x2.mul(xi, v0));
        e1 = f64x2.add(e1, f64x2.mul(xi, v1));
      }
      const oj = o + (<usize>j << 3);
      v128.store(oj, a0);
      v128.store(oj, a1, 16);
      v128.store(oj + outRow, b0);
      v128.store(oj + outRow, b1, 16);
      v128.store(oj + 2 * outRow, c0);
      v128.store(oj + 2 * outRow, c1, 16);
      v128.store(oj + 3 * outRow, e0);
      v128.store(oj + 3 * outRow, e1, 16);
    }
    for (; j + 1 < k; j += 2) {
      let a0 = f64x2.splat(0), b0 = f64x2.splat(0), c0 = f64x2.splat(0), e0 = f64x2.splat(0);
      let m = muT + (<usize>j << 3);
      for (let i = 0; i < d; i++, m += outRow) {
        const v0 = v128.load(m);
        const c = <usize>i << 3;
        a0 = f64x2.add(a0, f64x2.mul(v128.load64_splat(r0 + c), v0));
        b0 = f64x2.add(b0, f64x2.mul(v128.load64_splat(r1 + c), v0));
        c0 = f64x2.add(c0, f64x2.mul(v128.load64_splat(r2 + c), v0));
        e0 = f64x2.add(e0, f64x2.mul(v128.load64_splat(r3 + c), v0));
      }
      const oj = o + (<usize>j << 3);
      v128.store(oj, a0);
      v128.store(oj + outRow, b0);
      v128.store(oj + 2 * outRow, c0);
      v128.store(oj + 3 * outRow, e0);
    }
    for (; j < k; j++) {
      let a0: f64 = 0, b0: f64 = 0, c0: f64 = 0, e0: f64 = 0;
      let m = muT + (<usize>j << 3);
      for (let i = 0; i < d; i++, m += outRow) {
        const v0 = load<f64>(m);
        const c = <usize>i << 3;
        a0 += load<f64>(r0 + c) * v0;
        b0 += load<f64>(r1 + c) * v0;
        c0 += load<f64>(r2 + c) * v0;
        e0 += load<f64>(r3 + c) * v0;
      }
      const oj = o + (<usize>j << 3);
      store<f64>(oj, a0);
      store<f64>(oj + outRow, b0);
      store<f64>(oj + 2 * outRow, c0);
      store<f64>(oj + 3 * outRow, e0);
    }
  }
  for (; u < rows; u++) {
    for (let j = 0; j < k; j++) store<f64>(out + <usize>u * outRow + (<usize>j << 3), dotProduct(x + <usize>u * rowBytes, mu + <usize>j * rowBytes, d));
  }
}

