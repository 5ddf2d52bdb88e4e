/**
 * Small dense linear algebra for the full-covariance family: a Cholesky
 * factorisation in place and the triangular solve the E-step needs.
 */

/**
 * Lower Cholesky factor of the symmetric d×d matrix at a[o..], in place (the upper
 * triangle is zeroed). Returns false if the matrix is not positive definite.
 */
export function choleskyInPlace(a: Float64Array, o: number, d: number): boolean {
  for (let j = 0; j < d; j++) {
    let diagonal = a[o + j * d + j];
    for (let t = 0; t < j; t++) diagonal -= a[o + j * d + t] * a[o + j * d + t];
    if (!(diagonal > 0)) return false;
    const ljj = Math.sqrt(diagonal);
    a[o + j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let s = a[o + i * d + j];
      for (let t = 0; t < j; t++) s -= a[o + i * d + t] * a[o + j * d + t];
      a[o + i * d + j] = s / ljj;
    }
    for (let i = 0; i < j; i++) a[o + i * d + j] = 0;
  }
  return true;
}

/** ‖L⁻¹v‖² for the lower factor L (n×n, row-major at l[o..]); v becomes L⁻¹v. */
export function solveLower(l: Float64Array, o: number, n: number, v: Float64Array): number {
  let norm = 0;
  for (let i = 0; i < n; i++) {
    let s = v[i];
    for (let t = 0; t < i; t++) s -= l[o + i * n + t] * v[t];
    s /= l[o + i * n + i];
    v[i] = s;
    norm += s * s;
  }
  return norm;
}

/** v ← (L·Lᵀ)⁻¹·v, for the lower factor L (n×n at l[o..]). */
export function solveBoth(l: Float64Array, o: number, n: number, v: Float64Array): void {
  solveLower(l, o, n, v);
  for (let i = n - 1; i >= 0; i--) {
    let s = v[i];
    for (let t = i + 1; t < n; t++) s -= l[o + t * n + i] * v[t];
    v[i] = s / l[o + i * n + i];
  }
}
