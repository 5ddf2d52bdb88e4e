'use strict';
// The eigenvalues of a small symmetric matrix (cyclic Jacobi rotations), for
// bench/optima.js: the smallest eigenvalue of a fitted covariance, to tell a
// component that collapsed onto a discrete column (eigenvalue ≈ reg_covar)
// from a genuine optimum. d ≤ a few hundred; accurate to rounding.

/**
 * @param {number[][]} a  a symmetric d×d matrix (not changed)
 * @returns {number[]} its eigenvalues, ascending
 */
function symmetricEigenvalues(a) {
  const d = a.length;
  const m = a.map((row) => Float64Array.from(row));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < d; i++) {
      diag += m[i][i] * m[i][i];
      for (let j = i + 1; j < d; j++) off += m[i][j] * m[i][j];
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = m[p][q];
        if (apq === 0) continue;
        const theta = (m[q][q] - m[p][p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = m[k][p];
          const akq = m[k][q];
          m[k][p] = c * akp - s * akq;
          m[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = m[p][k];
          const aqk = m[q][k];
          m[p][k] = c * apk - s * aqk;
          m[q][k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Array.from({ length: d }, (_, i) => m[i][i]).sort((x, y) => x - y);
}

/**
 * The smallest eigenvalue of any component's covariance in a gmm-fit mixture
 * (`mixture.var`: K numbers for spherical, K arrays for diag; `mixture.covariance`:
 * K matrices for full), or null when the mixture has none of these.
 */
function mixtureMinEigenvalue(mixture) {
  if (!mixture) return null;
  if (Array.isArray(mixture.covariance)) return Math.min(...mixture.covariance.map((c) => symmetricEigenvalues(c)[0]));
  if (Array.isArray(mixture.var)) return Math.min(...mixture.var.flat());
  return null;
}

module.exports = { symmetricEigenvalues, mixtureMinEigenvalue };
