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

/**
 * Eigen-decomposition of the symmetric d×d matrix at a[o..] by cyclic Jacobi rotations:
 * on return values[0..d) holds the eigenvalues and vectors (d×d, row-major, column t
 * the eigenvector of values[t]); `a` is left diagonalised. Accurate to a few units in
 * the last place of the largest eigenvalue; no allocation.
 */
export function symmetricEigen(a: Float64Array, o: number, d: number, values: Float64Array, vectors: Float64Array): void {
  vectors.fill(0, 0, d * d);
  for (let i = 0; i < d; i++) vectors[i * d + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let p = 0; p < d; p++) {
      for (let q = 0; q < d; q++) {
        const v = a[o + p * d + q] * a[o + p * d + q];
        total += v;
        if (p !== q) off += v;
      }
    }
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[o + p * d + q];
        if (apq === 0) continue;
        const app = a[o + p * d + p];
        const aqq = a[o + q * d + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < d; r++) {
          const arp = a[o + r * d + p];
          const arq = a[o + r * d + q];
          a[o + r * d + p] = c * arp - s * arq;
          a[o + r * d + q] = s * arp + c * arq;
        }
        for (let r = 0; r < d; r++) {
          const apr = a[o + p * d + r];
          const aqr = a[o + q * d + r];
          a[o + p * d + r] = c * apr - s * aqr;
          a[o + q * d + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < d; r++) {
          const vrp = vectors[r * d + p];
          const vrq = vectors[r * d + q];
          vectors[r * d + p] = c * vrp - s * vrq;
          vectors[r * d + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  for (let i = 0; i < d; i++) values[i] = a[o + i * d + i];
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
  for (let t = 0; t < d * d; t++) copy[t] = a[o + t];
  symmetricEigen(copy, 0, d, values, vectors);
  let raised = 0;
  for (let t = 0; t < d; t++) {
    if (values[t] < floor) {
      values[t] = floor;
      raised++;
    }
  }
  for (let r = 0; r < d; r++) {
    for (let c = 0; c <= r; c++) {
      let v = 0;
      for (let t = 0; t < d; t++) v += vectors[r * d + t] * values[t] * vectors[c * d + t];
      a[o + r * d + c] = v;
      a[o + c * d + r] = v;
    }
  }
  return raised;
}

/** Scratch that floorRelative needs for a d×d matrix. */
export function floorRelativeWork(d: number): Float64Array {
  return new Float64Array(4 * d * d + 3 * d);
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
  const raised = floorEigenvalues(block, 0, p, 1, eigen);
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
