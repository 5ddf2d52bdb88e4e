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

/** ‖L⁻¹·v‖² for the lower factor L at l[o..] (d×d) and v in scratch (overwritten with L⁻¹v). */
export function solvedSquaredNorm(l: Float64Array, o: number, d: number, v: Float64Array): number {
  let norm = 0;
  for (let i = 0; i < d; i++) {
    let s = v[i];
    for (let t = 0; t < i; t++) s -= l[o + i * d + t] * v[t];
    s /= l[o + i * d + i];
    v[i] = s;
    norm += s * s;
  }
  return norm;
}
