import { wasmCholesky } from './wasm';

/**
 * Small dense linear algebra for the full-covariance family: a Cholesky
 * factorisation in place and the triangular solve the E-step needs.
 */

/** From this order on, the factorisation runs in WebAssembly (assembly/full.ts choleskyColumns), with the same bits. */
const WASM_CHOLESKY_FROM = 24;

/**
 * Lower Cholesky factor of the symmetric d×d matrix at a[o..], in place (the upper
 * triangle is zeroed). Returns false if the matrix is not positive definite. The
 * full family factors K covariances twice an iteration in the main thread: from
 * d = 24 the WebAssembly copy of the loop below does it, with the same bits.
 */
export function choleskyInPlace(a: Float64Array, o: number, d: number): boolean {
  if (d >= WASM_CHOLESKY_FROM && wasmCholesky(a, o, d)) return true;
  return choleskyLoop(a, o, d);
}

/** choleskyInPlace in TypeScript, the reference (and what runs below d = 24, or without the WebAssembly module). */
export function choleskyLoop(a: Float64Array, o: number, d: number): boolean {
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

/** √(x² + y²) without overflow or underflow in the squares. */
function hypot(x: number, y: number): number {
  const a = Math.abs(x);
  const b = Math.abs(y);
  if (a > b) {
    const r = b / a;
    return a * Math.sqrt(1 + r * r);
  }
  if (b === 0) return 0;
  const r = a / b;
  return b * Math.sqrt(1 + r * r);
}

/**
 * Eigen-decomposition of the symmetric d×d matrix at a[o..]: Householder reduction to
 * tridiagonal form, then the implicit QL algorithm (EISPACK's tred2 and tql2, as JAMA
 * has them), about 4·d³ operations where cyclic Jacobi rotations took about 3·d³ per
 * sweep. On return values[0..d) holds the eigenvalues and vectors (d×d, row-major,
 * column t the eigenvector of values[t]), accurate to a few units in the last place of
 * the largest eigenvalue. `a` is scratch (overwritten). No allocation.
 */
export function symmetricEigen(a: Float64Array, o: number, d: number, values: Float64Array, vectors: Float64Array): void {
  const e = a.subarray(o, o + d); // scratch: the matrix is copied into V first
  tridiagonalize(a, o, d, vectors, values, e);
  implicitQL(values, e, d, vectors);
}

/**
 * EISPACK's tred2: V ← the orthogonal Q with Qᵀ·A·Q tridiagonal, its diagonal in v and its
 * subdiagonal in e[1..n) (e[0] = 0), A the symmetric n×n matrix at a[o..] (copied into V
 * first, so `e` may alias it).
 */
function tridiagonalize(a: Float64Array, o: number, n: number, V: Float64Array, v: Float64Array, e: Float64Array): void {
  reduce(a, o, n, V, v, e);
  accumulate(V, v, e, n);
}

/**
 * tred2's reduction alone: after it, column i of V (rows 0..i) holds the Householder vector u_i
 * of step i and v[i] its h_i (0: no reflection), T's diagonal is V's and e[1..n) its
 * subdiagonal; Q = H_{n−1}·…·H_1 with H_i = I − u_i·u_iᵀ/h_i (applyQ).
 */
function reduce(a: Float64Array, o: number, n: number, V: Float64Array, v: Float64Array, e: Float64Array): void {
  for (let t = 0; t < n * n; t++) V[t] = a[o + t];
  for (let j = 0; j < n; j++) v[j] = V[(n - 1) * n + j];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(v[k]);
    if (scale === 0) {
      e[i] = v[i - 1];
      for (let j = 0; j < i; j++) {
        v[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
        V[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        v[k] /= scale;
        h += v[k] * v[k];
      }
      let f = v[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      v[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = v[j];
        V[j * n + i] = f;
        g = e[j] + V[j * n + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[k * n + j] * v[k];
          e[k] += V[k * n + j] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * v[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * v[j];
      for (let j = 0; j < i; j++) {
        f = v[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) V[k * n + j] -= f * e[k] + g * v[k];
        v[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
      }
    }
    v[i] = h;
  }
}

/** tred2's accumulation: V ← Q from reduce's reflectors, v ← T's diagonal, e[0] = 0. */
function accumulate(V: Float64Array, v: Float64Array, e: Float64Array, n: number): void {
  for (let i = 0; i < n - 1; i++) {
    V[(n - 1) * n + i] = V[i * n + i];
    V[i * n + i] = 1;
    const h = v[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) v[k] = V[k * n + i + 1] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k * n + i + 1] * V[k * n + j];
        for (let k = 0; k <= i; k++) V[k * n + j] -= g * v[k];
      }
    }
    for (let k = 0; k <= i; k++) V[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    v[j] = V[(n - 1) * n + j];
    V[(n - 1) * n + j] = 0;
  }
  V[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/** raiseEigenvalues by the whole decomposition: values (n), copy and vectors (n² each) are scratch. */
function raiseAll(a: Float64Array, o: number, n: number, floor: number, values: Float64Array, copy: Float64Array, vectors: Float64Array): number {
  for (let t = 0; t < n * n; t++) copy[t] = a[o + t];
  symmetricEigen(copy, 0, n, values, vectors);
  let raised = 0;
  for (let t = 0; t < n; t++) {
    if (values[t] < floor) {
      values[t] = floor;
      raised++;
    }
  }
  for (let r = 0; r < n; r++) {
    for (let c = 0; c <= r; c++) {
      let v = 0;
      for (let t = 0; t < n; t++) v += vectors[r * n + t] * values[t] * vectors[c * n + t];
      a[o + r * n + c] = v;
      a[o + c * n + r] = v;
    }
  }
  return raised;
}

/** y made orthogonal to the first m rows of `found` (n numbers each, orthonormal), then of unit length (a unit vector of its own when nothing is left). */
function orthonormalise(y: Float64Array, found: Float64Array, m: number, n: number): void {
  for (let q = 0; q < m; q++) {
    let dot = 0;
    for (let i = 0; i < n; i++) dot += found[q * n + i] * y[i];
    for (let i = 0; i < n; i++) y[i] -= dot * found[q * n + i];
  }
  let length = 0;
  for (let i = 0; i < n; i++) length = Math.max(length, Math.abs(y[i]));
  if (!(length > 0 && Number.isFinite(length))) {
    for (let i = 0; i < n; i++) y[i] = i === m ? 1 : 0;
    return;
  }
  for (let i = 0; i < n; i++) y[i] /= length;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += y[i] * y[i];
  const scale = 1 / Math.sqrt(squares);
  for (let i = 0; i < n; i++) y[i] *= scale;
}

/** y ← Q·y for the reflectors reduce left in V and h (H_1 first, then H_2, …). */
function applyQ(V: Float64Array, h: Float64Array, n: number, y: Float64Array): void {
  for (let i = 1; i < n; i++) {
    if (h[i] === 0) continue;
    let s = 0;
    for (let k = 0; k < i; k++) s += V[k * n + i] * y[k];
    const f = s / h[i];
    for (let k = 0; k < i; k++) y[k] -= f * V[k * n + i];
  }
}

/**
 * EISPACK's tql2: the tridiagonal matrix (diagonal v, subdiagonal e[1..n)) diagonalised by
 * implicit QL steps, its eigenvalues left in v; the rotations applied to V's columns when V
 * is given (then V·(T's eigenvectors)), none without (the eigenvalues alone, O(n²)).
 */
function implicitQL(v: Float64Array, e: Float64Array, n: number, V: Float64Array | null): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = Number.EPSILON;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(v[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && !(Math.abs(e[m]) <= eps * tst1)) m++;
    if (m > l) {
      for (let iteration = 0; iteration < 64; iteration++) {
        let g = v[l];
        let p = (v[l + 1] - g) / (2 * e[l]);
        let r = hypot(p, 1);
        if (p < 0) r = -r;
        v[l] = e[l] / (p + r);
        v[l + 1] = e[l] * (p + r);
        const dl1 = v[l + 1];
        let h = g - v[l];
        for (let i = l + 2; i < n; i++) v[i] -= h;
        f += h;
        p = v[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * v[i] - s * g;
          v[i + 1] = h + s * (c * g + s * v[i]);
          if (V) for (let k = 0; k < n; k++) {
            h = V[k * n + i + 1];
            V[k * n + i + 1] = s * V[k * n + i] + c * h;
            V[k * n + i] = c * V[k * n + i] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        v[l] = c * p;
        if (!(Math.abs(e[l]) > eps * tst1)) break;
      }
    }
    v[l] += f;
    e[l] = 0;
  }
}

/**
 * Raises every eigenvalue of the symmetric d×d matrix at a[o..] below `floor` to it:
 * the nearest matrix (in Frobenius norm, and the exact constrained M-step of a Gaussian
 * covariance) whose eigenvalues are all ≥ floor. Returns how many were raised; when
 * none is below the floor (a Cholesky factor of a − floor·I exists) the matrix is left
 * untouched, bit for bit. `work` needs 2·d² + d numbers.
 */
export function floorEigenvalues(a: Float64Array, o: number, d: number, floor: number, work: Float64Array): number {
  const copy = work.subarray(0, d * d);
  const vectors = work.subarray(d * d, 2 * d * d);
  const values = work.subarray(2 * d * d, 2 * d * d + d);
  for (let t = 0; t < d * d; t++) copy[t] = a[o + t];
  for (let i = 0; i < d; i++) copy[i * d + i] -= floor;
  if (choleskyInPlace(copy, 0, d)) return 0;
  return raiseAll(a, o, d, floor, values, copy, vectors);
}

/** Scratch that floorRelative needs for a d×d matrix: its check (d²), the columns' indices and scales (2·d), the scaled block (d²), and raiseEigenvalues'. */
export function floorRelativeWork(d: number): Float64Array {
  return new Float64Array(2 * d * d + 2 * d + raiseWorkSize(d));
}

/** Scratch that raiseEigenvalues needs for an n×n matrix. */
function raiseWorkSize(n: number): number {
  return 2 * n * n + 10 * n;
}

/** Inverse iteration: at most this many steps per eigenvector, until ‖T·y − λ·y‖∞ ≤ INVERSE_RESIDUAL × T's largest |eigenvalue|; else the whole decomposition. */
const INVERSE_STEPS = 8;
const INVERSE_RESIDUAL = 1e-12;

/**
 * Raises the eigenvalues of the symmetric n×n matrix at a[o..] that are below `floor` to it,
 * in place: a + Σ (floor − λ_t)·v_t·v_tᵀ over them. Only those eigenvectors are computed:
 * the Householder reduction to tridiagonal form T (tred2), T's eigenvalues without vectors
 * (QL), then each low one's eigenvector of T by inverse iteration (LAPACK's dgttrf/dgtts2
 * solve with partial pivoting, each step orthogonalised against the vectors found before, so
 * a cluster of equal eigenvalues gets an orthonormal basis, until its residual is at the
 * rounding level of T), taken back by Q.
 * About (4/3)·n³ operations (the reduction; Q is applied from its reflectors) where a whole
 * decomposition and rebuild takes about 8·n³.
 * When more than half the eigenvalues are low, or a vector does not converge, the whole
 * decomposition is used. Returns
 * how many were raised. `work`: raiseWorkSize(n) numbers.
 */
function raiseEigenvalues(a: Float64Array, o: number, n: number, floor: number, work: Float64Array): number {
  const nn = n * n;
  const Q = work.subarray(0, nn);
  const found = work.subarray(nn, 2 * nn); // the low eigenvectors of T, one per row
  const diag = work.subarray(2 * nn, 2 * nn + n);
  const sub = work.subarray(2 * nn + n, 2 * nn + 2 * n);
  const lambda = work.subarray(2 * nn + 2 * n, 2 * nn + 3 * n);
  const off = work.subarray(2 * nn + 3 * n, 2 * nn + 4 * n);
  const dd = work.subarray(2 * nn + 4 * n, 2 * nn + 5 * n);
  const du = work.subarray(2 * nn + 5 * n, 2 * nn + 6 * n);
  const dl = work.subarray(2 * nn + 6 * n, 2 * nn + 7 * n);
  const du2 = work.subarray(2 * nn + 7 * n, 2 * nn + 8 * n);
  const swapped = work.subarray(2 * nn + 8 * n, 2 * nn + 9 * n); // 1: rows i and i+1 swapped in the LU
  const h = work.subarray(2 * nn + 9 * n, 2 * nn + 10 * n);
  // The reduction alone: Q stays as its reflectors (applyQ), T's diagonal is on Q's.
  reduce(a, o, n, Q, h, sub);
  for (let j = 0; j < n; j++) diag[j] = Q[j * n + j];
  sub[0] = 0;
  lambda.set(diag);
  off.set(sub);
  implicitQL(lambda, off, n, null);
  let low = 0;
  let norm = 0;
  for (let t = 0; t < n; t++) {
    if (lambda[t] < floor) low++;
    norm = Math.max(norm, Math.abs(lambda[t]));
  }
  if (low === 0) return 0;
  // Most of the spectrum, or (below) a vector that did not converge: the whole decomposition (Q's and found's storage reused).
  if (2 * low > n) return raiseAll(a, o, n, floor, lambda, found, Q);
  const tiny = Number.EPSILON * Math.max(norm, Number.MIN_VALUE);
  let m = 0;
  for (let t = 0; t < n; t++) {
    const shift = lambda[t];
    if (!(shift < floor)) continue;
    const y = found.subarray(m * n, (m + 1) * n);
    // LU of T − shift·I with partial pivoting (dgttrf).
    for (let i = 0; i < n; i++) {
      dd[i] = diag[i] - shift;
      du[i] = i + 1 < n ? sub[i + 1] : 0;
      dl[i] = i + 1 < n ? sub[i + 1] : 0;
      du2[i] = 0;
    }
    for (let i = 0; i < n - 1; i++) {
      if (Math.abs(dd[i]) >= Math.abs(dl[i])) {
        if (dd[i] === 0) dd[i] = tiny;
        const fact = dl[i] / dd[i];
        dl[i] = fact;
        dd[i + 1] -= fact * du[i];
        swapped[i] = 0;
      } else {
        const fact = dd[i] / dl[i];
        dd[i] = dl[i];
        dl[i] = fact;
        const temp = du[i];
        du[i] = dd[i + 1];
        dd[i + 1] = temp - fact * dd[i + 1];
        if (i + 2 < n) {
          du2[i] = du[i + 1];
          du[i + 1] = -fact * du[i + 1];
        }
        swapped[i] = 1;
      }
    }
    for (let i = 0; i < n; i++) if (Math.abs(dd[i]) < tiny) dd[i] = dd[i] < 0 ? -tiny : tiny;
    for (let i = 0; i < n; i++) y[i] = 1 + ((i * 7919) % 61) / 610; // a start with weight on every eigenvector
    let converged = false;
    for (let step = 0; step < INVERSE_STEPS && !converged; step++) {
      // Solve (T − shift·I)·x = y in place (dgtts2).
      for (let i = 0; i < n - 1; i++) {
        if (swapped[i] === 0) y[i + 1] -= dl[i] * y[i];
        else {
          const temp = y[i];
          y[i] = y[i + 1];
          y[i + 1] = temp - dl[i] * y[i];
        }
      }
      y[n - 1] /= dd[n - 1];
      if (n > 1) y[n - 2] = (y[n - 2] - du[n - 2] * y[n - 1]) / dd[n - 2];
      for (let i = n - 3; i >= 0; i--) y[i] = (y[i] - du[i] * y[i + 1] - du2[i] * y[i + 2]) / dd[i];
      orthonormalise(y, found, m, n);
      // The residual ‖T·y − shift·y‖∞: converged at T's rounding level.
      let residual = 0;
      for (let i = 0; i < n; i++) {
        let r = (diag[i] - shift) * y[i];
        if (i > 0) r += sub[i] * y[i - 1];
        if (i + 1 < n) r += sub[i + 1] * y[i + 1];
        residual = Math.max(residual, Math.abs(r));
      }
      converged = residual <= INVERSE_RESIDUAL * Math.max(norm, Number.MIN_VALUE);
    }
    if (!converged) return raiseAll(a, o, n, floor, lambda, found, Q);
    orthonormalise(y, found, m, n); // once more, for the rounding
    lambda[m] = floor - shift; // the weight of this vector's correction
    m++;
  }
  // Back to A's basis, v = Q·y, and a += Σ w·v·vᵀ (lower triangle, then mirrored).
  const v = diag; // T's diagonal is no longer needed
  for (let q = 0; q < m; q++) {
    for (let r = 0; r < n; r++) v[r] = found[q * n + r];
    applyQ(Q, h, n, v);
    const w = lambda[q];
    for (let r = 0; r < n; r++) {
      const wr = w * v[r];
      for (let c = 0; c <= r; c++) a[o + r * n + c] += wr * v[c];
    }
  }
  for (let r = 0; r < n; r++) for (let c = 0; c < r; c++) a[o + c * n + r] = a[o + r * n + c];
  return m;
}

/**
 * The floor Σ ⪰ diag(r) (Loewner order) on the symmetric d×d matrix at a[o..]: in the
 * columns scaled by 1/√r_i, every eigenvalue below 1 is raised to 1, which is the exact
 * M-step of a Gaussian covariance under that constraint (the likelihood is the same in
 * any fixed basis; Ingrassia 2004), so EM with it stays monotone, and a matrix that
 * already satisfies it strictly (a Cholesky factor of a − diag(r) exists) is left
 * untouched, bit for bit. Columns with r_i = 0 are left out of the scaled block (their
 * rows and columns unchanged: raising the block adds a positive semidefinite matrix, so
 * the result is still ⪰ a). Returns how many eigenvalues were raised. `work`:
 * floorRelativeWork(d).
 */
export function floorRelative(a: Float64Array, o: number, d: number, r: Float64Array, work: Float64Array): number {
  const check = work.subarray(0, d * d);
  for (let t = 0; t < d * d; t++) check[t] = a[o + t];
  for (let i = 0; i < d; i++) check[i * d + i] -= r[i];
  if (choleskyInPlace(check, 0, d)) return 0;
  const index = work.subarray(d * d, d * d + d);
  const scale = work.subarray(d * d + d, d * d + 2 * d);
  let p = 0;
  for (let i = 0; i < d; i++) {
    if (r[i] > 0) {
      index[p] = i;
      scale[p] = Math.sqrt(r[i]);
      p++;
    }
  }
  if (p === 0) return 0;
  const block = work.subarray(d * d + 2 * d, d * d + 2 * d + p * p);
  const eigen = work.subarray(d * d + 2 * d + p * p);
  for (let x = 0; x < p; x++) {
    for (let y = 0; y < p; y++) block[x * p + y] = a[o + index[x] * d + index[y]] / (scale[x] * scale[y]);
  }
  const raised = raiseEigenvalues(block, 0, p, 1, eigen);
  if (raised === 0) return 0;
  for (let x = 0; x < p; x++) {
    for (let y = 0; y <= x; y++) {
      const v = block[x * p + y] * scale[x] * scale[y];
      a[o + index[x] * d + index[y]] = v;
      a[o + index[y] * d + index[x]] = v;
    }
  }
  return raised;
}
