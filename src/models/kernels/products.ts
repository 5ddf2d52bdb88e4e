/**
 * The two dense products every EM iteration spends its time in, written for
 * V8: row-major Float64Arrays, register blocks of 4 rows × 3 components (× 2, × 1 for the last) so
 * each load feeds several multiply-adds, and no allocation.
 */

/** a[ao..ao+len) · b[bo..bo+len). */
export function dotProduct(a: Float64Array, ao: number, b: Float64Array, bo: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < len; i += 4) {
    s0 += a[ao + i] * b[bo + i];
    s1 += a[ao + i + 1] * b[bo + i + 1];
    s2 += a[ao + i + 2] * b[bo + i + 2];
    s3 += a[ao + i + 3] * b[bo + i + 3];
  }
  for (; i < len; i++) s0 += a[ao + i] * b[bo + i];
  return s0 + s1 + (s2 + s3);
}

/**
 * out[u − base, j] = x[u,·] · mu[j,·] for rows from ≤ u < to: X·muᵀ, with x n×d, mu k×d
 * and out (rows from `base` on)×k, all row-major.
 */
export function rowDots(x: Float64Array, from: number, to: number, d: number, mu: Float64Array, k: number, out: Float64Array, base: number): void {
  let u = from;
  for (; u + 3 < to; u += 4) {
    const r0 = u * d;
    const r1 = r0 + d;
    const r2 = r1 + d;
    const r3 = r2 + d;
    let j = 0;
    for (; j + 2 < k; j += 3) {
      const m0 = j * d;
      const m1 = m0 + d;
      const m2 = m1 + d;
      let a0 = 0, a1 = 0, a2 = 0, b0 = 0, b1 = 0, b2 = 0, c0 = 0, c1 = 0, c2 = 0, e0 = 0, e1 = 0, e2 = 0; // prettier-ignore
      for (let i = 0; i < d; i++) {
        const v0 = mu[m0 + i];
        const v1 = mu[m1 + i];
        const v2 = mu[m2 + i];
        let xi = x[r0 + i];
        a0 += xi * v0;
        a1 += xi * v1;
        a2 += xi * v2;
        xi = x[r1 + i];
        b0 += xi * v0;
        b1 += xi * v1;
        b2 += xi * v2;
        xi = x[r2 + i];
        c0 += xi * v0;
        c1 += xi * v1;
        c2 += xi * v2;
        xi = x[r3 + i];
        e0 += xi * v0;
        e1 += xi * v1;
        e2 += xi * v2;
      }
      const o = (u - base) * k + j;
      out[o] = a0;
      out[o + 1] = a1;
      out[o + 2] = a2;
      out[o + k] = b0;
      out[o + k + 1] = b1;
      out[o + k + 2] = b2;
      out[o + 2 * k] = c0;
      out[o + 2 * k + 1] = c1;
      out[o + 2 * k + 2] = c2;
      out[o + 3 * k] = e0;
      out[o + 3 * k + 1] = e1;
      out[o + 3 * k + 2] = e2;
    }
    // Two components left (K = 8, say): 4 rows × 2 components, so each row's load still feeds two products.
    if (j + 1 < k) {
      const m0 = j * d;
      const m1 = m0 + d;
      let a0 = 0, a1 = 0, b0 = 0, b1 = 0, c0 = 0, c1 = 0, e0 = 0, e1 = 0; // prettier-ignore
      for (let i = 0; i < d; i++) {
        const v0 = mu[m0 + i];
        const v1 = mu[m1 + i];
        let xi = x[r0 + i];
        a0 += xi * v0;
        a1 += xi * v1;
        xi = x[r1 + i];
        b0 += xi * v0;
        b1 += xi * v1;
        xi = x[r2 + i];
        c0 += xi * v0;
        c1 += xi * v1;
        xi = x[r3 + i];
        e0 += xi * v0;
        e1 += xi * v1;
      }
      const o = (u - base) * k + j;
      out[o] = a0;
      out[o + 1] = a1;
      out[o + k] = b0;
      out[o + k + 1] = b1;
      out[o + 2 * k] = c0;
      out[o + 2 * k + 1] = c1;
      out[o + 3 * k] = e0;
      out[o + 3 * k + 1] = e1;
      j += 2;
    }
    // The last one: 4 rows × 1 component.
    for (; j < k; j++) {
      const m0 = j * d;
      let a0 = 0, b0 = 0, c0 = 0, e0 = 0; // prettier-ignore
      for (let i = 0; i < d; i++) {
        const v0 = mu[m0 + i];
        a0 += x[r0 + i] * v0;
        b0 += x[r1 + i] * v0;
        c0 += x[r2 + i] * v0;
        e0 += x[r3 + i] * v0;
      }
      const o = (u - base) * k + j;
      out[o] = a0;
      out[o + k] = b0;
      out[o + 2 * k] = c0;
      out[o + 3 * k] = e0;
    }
  }
  for (; u < to; u++) for (let j = 0; j < k; j++) out[(u - base) * k + j] = dotProduct(x, u * d, mu, j * d, d);
}

/**
 * out[o + j·d + i] += Σ_u w[u − base, j]·x[u − xBase, i] over rows from ≤ u < to: wᵀ·X, with
 * x (rows from `xBase` on)×d and w (rows from `base` on)×k row-major, and a k×d row-major
 * block of out at offset o.
 */
export function addWeightedRows(
  x: Float64Array,
  xBase: number,
  w: Float64Array,
  base: number,
  from: number,
  to: number,
  d: number,
  k: number,
  out: Float64Array,
  o: number,
): void {
  let u = from;
  for (; u + 3 < to; u += 4) {
    const r0 = (u - xBase) * d;
    const r1 = r0 + d;
    const r2 = r1 + d;
    const r3 = r2 + d;
    let j = 0;
    for (; j + 2 < k; j += 3) {
      const p0 = (u - base) * k + j;
      const p1 = p0 + k;
      const p2 = p1 + k;
      const p3 = p2 + k;
      const a0 = w[p0], a1 = w[p1], a2 = w[p2], a3 = w[p3]; // prettier-ignore
      const b0 = w[p0 + 1], b1 = w[p1 + 1], b2 = w[p2 + 1], b3 = w[p3 + 1]; // prettier-ignore
      const c0 = w[p0 + 2], c1 = w[p1 + 2], c2 = w[p2 + 2], c3 = w[p3 + 2]; // prettier-ignore
      const o0 = o + j * d;
      const o1 = o0 + d;
      const o2 = o1 + d;
      for (let i = 0; i < d; i++) {
        const x0 = x[r0 + i];
        const x1 = x[r1 + i];
        const x2 = x[r2 + i];
        const x3 = x[r3 + i];
        out[o0 + i] += a0 * x0 + a1 * x1 + (a2 * x2 + a3 * x3);
        out[o1 + i] += b0 * x0 + b1 * x1 + (b2 * x2 + b3 * x3);
        out[o2 + i] += c0 * x0 + c1 * x1 + (c2 * x2 + c3 * x3);
      }
    }
    for (; j < k; j++) {
      const w0 = w[(u - base) * k + j];
      const w1 = w[(u + 1 - base) * k + j];
      const w2 = w[(u + 2 - base) * k + j];
      const w3 = w[(u + 3 - base) * k + j];
      const oj = o + j * d;
      for (let i = 0; i < d; i++) out[oj + i] += w0 * x[r0 + i] + w1 * x[r1 + i] + (w2 * x[r2 + i] + w3 * x[r3 + i]);
    }
  }
  for (; u < to; u++) {
    const r = (u - xBase) * d;
    for (let j = 0; j < k; j++) {
      const wj = w[(u - base) * k + j];
      const oj = o + j * d;
      for (let i = 0; i < d; i++) out[oj + i] += wj * x[r + i];
    }
  }
}
