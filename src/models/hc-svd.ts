/**
 * mclust's `hcUse = "SVD"` transform (mclust.options("hcUse") in mclust 6.0.0), the data that `hc()`
 * clusters:
 *
 *   X ← scale(X)                      centre each column, divide it by its standard deviation (n − 1)
 *   drop the columns that are not finite after that (constant columns: 0/0)
 *   X = U·D·Vᵀ (thin SVD)             Z = X·V·diag(1/√d)
 *
 * so Z = U·diag(√d): the principal-component scores, each divided by the square root of its
 * singular value (not by the singular value, which would whiten them).
 *
 * The SVD here is Householder QR of X followed by one-sided Jacobi on the triangle, accurate
 * to rounding like LAPACK's (mclust calls dgesdd), but not the same rounding, so Z agrees with
 * mclust's to about 1e-15 relative, not bit for bit. Directions whose singular value is below
 * max(n, d)·ε·d_max are dropped: there the data have no extent, and mclust's Z would hold
 * rounding noise divided by √d (or be NaN for an exact 0).
 */

// Math's functions as local names: under jest (a vm context) every lookup of the global Math is slow
// (nodejs/node#49283), enough to make the hierarchy of a few thousand rows many times slower.
const { abs, hypot, max, sqrt } = Math;
const { EPSILON, isFinite } = Number;

/** The transformed data and what the transform dropped. */
export interface SvdTransform {
  /** n×q, row-major. */
  readonly z: Float64Array;
  readonly n: number;
  readonly q: number;
  /** The input columns left out as constant (0-based). */
  readonly constantColumns: readonly number[];
  /** The singular values kept, largest first. */
  readonly singularValues: Float64Array;
}

export function svdTransform(data: Float64Array, n: number, d: number): SvdTransform {
  // scale(): column means and standard deviations, summed with compensation (R sums in long double).
  const kept: number[] = [];
  const constantColumns: number[] = [];
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  for (let c = 0; c < d; c++) {
    mean[c] = compensatedSum(data, c, d, n, 0, false) / n;
    sd[c] = sqrt(compensatedSum(data, c, d, n, mean[c], true) / max(1, n - 1));
    if (sd[c] > 0 && isFinite(sd[c])) kept.push(c);
    else constantColumns.push(c);
  }
  const m = kept.length;
  // X, column-major (n×m), standardised.
  const x = new Float64Array(n * m);
  for (let a = 0; a < m; a++) {
    const c = kept[a];
    for (let i = 0; i < n; i++) x[a * n + i] = (data[i * d + c] - mean[c]) / sd[c];
  }
  const { sigma, v, rank } = rightSingular(x, n, m);
  // Z = X·V·diag(1/√d), the product summed over the columns of X in order (as dgemm does).
  const q = rank;
  const z = new Float64Array(n * q);
  for (let k = 0; k < q; k++) {
    const scale = 1 / sqrt(sigma[k]);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let a = 0; a < m; a++) s += x[a * n + i] * v[a * m + k];
      z[i * q + k] = s * scale;
    }
  }
  return { z, n, q, constantColumns, singularValues: sigma.slice(0, q) };
}

/** Σ over rows of column c (or of its squared deviations from `centre`), Neumaier-compensated. */
function compensatedSum(data: Float64Array, c: number, d: number, n: number, centre: number, squares: boolean): number {
  let sum = 0;
  let comp = 0;
  for (let i = 0; i < n; i++) {
    const e = data[i * d + c] - centre;
    const term = squares ? e * e : data[i * d + c];
    const t = sum + term;
    comp += abs(sum) >= abs(term) ? sum - t + term : term - t + sum;
    sum = t;
  }
  return sum + comp;
}

/**
 * Singular values (largest first) and right singular vectors of the n×m column-major X:
 * V is m×m row-major by (row a, column k), its first `rank` columns those of the values kept.
 */
function rightSingular(x: Float64Array, n: number, m: number): { sigma: Float64Array; v: Float64Array; rank: number } {
  if (m === 0 || n === 0) return { sigma: new Float64Array(0), v: new Float64Array(0), rank: 0 };
  // The matrix the Jacobi sweeps work on: X's triangle R (m×m) when n ≥ m, else X itself
  // transposed (its n columns of length m), whose left singular vectors are X's right ones.
  let a: Float64Array; // column-major, rows × cols
  let rows: number;
  let cols: number;
  if (n >= m) {
    a = householderR(x, n, m);
    rows = m;
    cols = m;
  } else {
    a = new Float64Array(m * n);
    for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) a[j * m + i] = x[i * n + j];
    rows = m;
    cols = n;
  }
  const w = jacobi(a, rows, cols); // a ← a·W, columns orthogonal; W cols×cols, column-major
  const norms = new Float64Array(cols);
  for (let k = 0; k < cols; k++) {
    let s = 0;
    for (let i = 0; i < rows; i++) s += a[k * rows + i] * a[k * rows + i];
    norms[k] = sqrt(s);
  }
  const order = Array.from({ length: cols }, (_, k) => k).sort((p, q) => norms[q] - norms[p] || p - q);
  const top = norms[order[0]];
  const tol = max(n, m) * EPSILON * top;
  let rank = 0;
  while (rank < cols && norms[order[rank]] > tol && top > 0) rank++;
  const sigma = new Float64Array(cols);
  const v = new Float64Array(m * m);
  for (let k = 0; k < cols; k++) {
    const src = order[k];
    sigma[k] = norms[src];
    if (k >= rank) continue;
    if (n >= m) {
      // R·W = U·Σ: W's columns are the right singular vectors.
      for (let i = 0; i < m; i++) v[i * m + k] = w[src * cols + i];
    } else {
      // Xᵀ·W = U·Σ: U's columns, (Xᵀ·W)_k / σ_k, are X's right singular vectors.
      for (let i = 0; i < m; i++) v[i * m + k] = a[src * rows + i] / norms[src];
    }
  }
  return { sigma, v, rank };
}

/** The m×m upper triangle R of X = QR (Householder), column-major. */
function householderR(x0: Float64Array, n: number, m: number): Float64Array {
  const x = Float64Array.from(x0);
  for (let k = 0; k < m; k++) {
    const col = k * n;
    let norm = 0;
    for (let i = k; i < n; i++) norm = hypot(norm, x[col + i]);
    if (norm === 0) continue;
    const alpha = x[col + k] > 0 ? -norm : norm;
    x[col + k] -= alpha; // v = x_k − α·e_k, kept in place
    let vv = 0;
    for (let i = k; i < n; i++) vv += x[col + i] * x[col + i];
    for (let j = k + 1; j < m; j++) {
      const cj = j * n;
      let dot = 0;
      for (let i = k; i < n; i++) dot += x[col + i] * x[cj + i];
      const f = (2 * dot) / vv;
      for (let i = k; i < n; i++) x[cj + i] -= f * x[col + i];
    }
    x[col + k] = alpha;
    for (let i = k + 1; i < n; i++) x[col + i] = 0;
  }
  const r = new Float64Array(m * m);
  for (let j = 0; j < m; j++) for (let i = 0; i <= j; i++) r[j * m + i] = x[j * n + i];
  return r;
}

/** One-sided (Hestenes) Jacobi: rotates a's columns until they are orthogonal; returns the rotations' product W. */
function jacobi(a: Float64Array, rows: number, cols: number): Float64Array {
  const w = new Float64Array(cols * cols);
  for (let k = 0; k < cols; k++) w[k * cols + k] = 1;
  for (let sweep = 0; sweep < 80; sweep++) {
    let rotated = false;
    for (let p = 0; p < cols - 1; p++) {
      for (let q = p + 1; q < cols; q++) {
        const cp = p * rows;
        const cq = q * rows;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < rows; i++) {
          alpha += a[cp + i] * a[cp + i];
          beta += a[cq + i] * a[cq + i];
          gamma += a[cp + i] * a[cq + i];
        }
        if (gamma === 0 || abs(gamma) <= EPSILON * sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (abs(zeta) + hypot(1, zeta));
        const c = 1 / sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < rows; i++) {
          const xp = a[cp + i];
          const xq = a[cq + i];
          a[cp + i] = c * xp - s * xq;
          a[cq + i] = s * xp + c * xq;
        }
        const wp = p * cols;
        const wq = q * cols;
        for (let i = 0; i < cols; i++) {
          const xp = w[wp + i];
          const xq = w[wq + i];
          w[wp + i] = c * xp - s * xq;
          w[wq + i] = s * xp + c * xq;
        }
      }
    }
    if (!rotated) break;
  }
  return w;
}
