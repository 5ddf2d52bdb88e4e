import * as fs from 'fs';
import { choleskyInPlace, floorRelative, floorRelativeWork, symmetricEigen } from '../../src/models/kernels/linalg';
import { floorCovariances } from '../../src/models/families/cov-floor';
import { repoPath, runCli, useTempDir } from '../helpers/cli';
import * as path from 'path';

// --cov-floor: Σ ⪰ diag(r) as the exact constrained M-step (the eigenvalues of the matrix
// scaled by 1/√r raised to 1), the diag family's max(var, r), and what the CLI does with it.

/** A reproducible generator (Park–Miller), in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

/** A random symmetric positive semidefinite d×d matrix of rank `rank` (a sum of outer products). */
function psd(d: number, rank: number, r: () => number, scale = 1): Float64Array {
  const a = new Float64Array(d * d);
  for (let t = 0; t < rank; t++) {
    const v = Array.from({ length: d }, () => (r() - 0.5) * scale);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) a[i * d + j] += v[i] * v[j];
  }
  return a;
}

/** The smallest eigenvalue of the d×d symmetric a scaled by 1/√r on both sides. */
function smallestScaled(a: Float64Array, d: number, r: Float64Array): number {
  const b = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) b[i * d + j] = a[i * d + j] / Math.sqrt(r[i] * r[j]);
  const values = new Float64Array(d);
  symmetricEigen(b, 0, d, values, new Float64Array(d * d));
  return Math.min(...values);
}

/** The Gaussian M-step's objective of Σ given the scatter S: −ln|Σ| − tr(Σ⁻¹S). */
function objective(sigma: Float64Array, s: Float64Array, d: number): number {
  const l = sigma.slice();
  if (!choleskyInPlace(l, 0, d)) return -Infinity;
  let logDet = 0;
  for (let i = 0; i < d; i++) logDet += 2 * Math.log(l[i * d + i]);
  // tr(Σ⁻¹S) = Σ_columns ‖L⁻¹ s_c‖²
  let trace = 0;
  for (let c = 0; c < d; c++) {
    const y = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      let v = s[i * d + c];
      for (let k = 0; k < i; k++) v -= l[i * d + k] * y[k];
      y[i] = v / l[i * d + i];
    }
    const x = new Float64Array(d);
    for (let i = d - 1; i >= 0; i--) {
      let v = y[i];
      for (let k = i + 1; k < d; k++) v -= l[k * d + i] * x[k];
      x[i] = v / l[i * d + i];
    }
    trace += x[c];
  }
  return -logDet - trace;
}

describe('symmetricEigen (Householder + implicit QL)', () => {
  /** The worst of ‖A·v_t − λ_t·v_t‖∞ and |VᵀV − I|, relative to the largest |λ|. */
  function check(a: Float64Array, d: number): number {
    const values = new Float64Array(d);
    const vectors = new Float64Array(d * d);
    symmetricEigen(a.slice(), 0, d, values, vectors);
    const top = Math.max(1e-300, ...Array.from(values, Math.abs));
    let worst = 0;
    for (let t = 0; t < d; t++) {
      for (let i = 0; i < d; i++) {
        let av = 0;
        for (let k = 0; k < d; k++) av += a[i * d + k] * vectors[k * d + t];
        worst = Math.max(worst, Math.abs(av - values[t] * vectors[i * d + t]) / top);
      }
      for (let u = 0; u < d; u++) {
        let dot = 0;
        for (let k = 0; k < d; k++) dot += vectors[k * d + t] * vectors[k * d + u];
        worst = Math.max(worst, Math.abs(dot - (t === u ? 1 : 0)));
      }
    }
    return worst;
  }

  test('random symmetric matrices, rank-deficient ones, repeated eigenvalues, a diagonal and the zero matrix: eigenpairs to 1e-13', () => {
    const r = lcg(9);
    for (const d of [1, 2, 3, 7, 24, 64]) {
      const a = new Float64Array(d * d);
      for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) a[i * d + j] = a[j * d + i] = r() - 0.5;
      expect(check(a, d)).toBeLessThan(1e-13);
      expect(check(psd(d, Math.max(1, d >> 1), r), d)).toBeLessThan(1e-13);
      const repeated = new Float64Array(d * d);
      for (let i = 0; i < d; i++) repeated[i * d + i] = i % 2 ? 2 : 5;
      expect(check(repeated, d)).toBeLessThan(1e-15);
      expect(check(new Float64Array(d * d), d)).toBe(0);
    }
    // Known eigenvalues: [[2, 1], [1, 2]] has 1 and 3.
    const values = new Float64Array(2);
    symmetricEigen(Float64Array.from([2, 1, 1, 2]), 0, 2, values, new Float64Array(4));
    expect(Array.from(values).sort()).toEqual([expect.closeTo(1, 14), expect.closeTo(3, 14)]);
  });
});

describe('floorRelative: Σ ⪰ diag(r)', () => {
  test('a matrix that satisfies the floor strictly is left untouched, bit for bit', () => {
    const r = lcg(1);
    for (const d of [1, 3, 8, 30]) {
      const a = psd(d, d + 2, r);
      for (let i = 0; i < d; i++) a[i * d + i] += 0.5;
      const floor = Float64Array.from({ length: d }, () => 1e-3 * (1 + r()));
      const before = a.slice();
      expect(floorRelative(a, 0, d, floor, floorRelativeWork(d))).toBe(0);
      expect(Array.from(a)).toEqual(Array.from(before));
    }
  });

  test('a singular matrix is raised to the floor: the scaled eigenvalues below 1 become 1 (those of the null space, no others), symmetric', () => {
    const r = lcg(2);
    for (const [d, rank] of [
      [4, 1],
      [6, 3],
      [12, 5],
      [40, 20],
    ]) {
      const a = psd(d, rank, r);
      const floor = Float64Array.from({ length: d }, () => 1e-2 * (0.5 + r()));
      const raised = floorRelative(a, 0, d, floor, floorRelativeWork(d));
      expect(raised).toBe(d - rank); // the null space, and no more (the rank's eigenvalues are far above the floor)
      expect(smallestScaled(a, d, floor)).toBeGreaterThan(1 - 1e-9);
      expect(smallestScaled(a, d, floor)).toBeLessThan(1 + 1e-9);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(a[i * d + j]).toBe(a[j * d + i]);
      // Applied again it changes nothing beyond rounding: the floor holds.
      const again = a.slice();
      floorRelative(again, 0, d, floor, floorRelativeWork(d));
      for (let t = 0; t < d * d; t++) expect(Math.abs(again[t] - a[t])).toBeLessThan(1e-12 * (1 + Math.abs(a[t])));
    }
  });

  test('the floored matrix is the M-step under the constraint: no feasible matrix, the ridge S + diag(r) among them, scores higher', () => {
    const r = lcg(3);
    const d = 5;
    const s = psd(d, 2, r); // a scatter of rank 2: the unconstrained maximiser (S itself) is singular
    const floor = Float64Array.from({ length: d }, () => 0.01 + 0.02 * r());
    const best = s.slice();
    floorRelative(best, 0, d, floor, floorRelativeWork(d));
    const top = objective(best, s, d);
    const ridge = s.slice();
    for (let i = 0; i < d; i++) ridge[i * d + i] += floor[i];
    expect(objective(ridge, s, d)).toBeLessThan(top);
    // Feasible moves: add a small positive semidefinite matrix (Σ + εE ⪰ Σ ⪰ diag(r)).
    for (let trial = 0; trial < 200; trial++) {
      const e = psd(d, 1 + (trial % d), r, 0.3);
      const moved = best.map((v, t) => v + 1e-3 * e[t]);
      expect(objective(moved, s, d)).toBeLessThan(top);
    }
  });

  test('the eigenvectors of the low eigenvalues alone (inverse iteration) give the whole decomposition\'s result: clusters of equal eigenvalues, ones just below the floor', () => {
    const r = lcg(11);
    for (const [d, rank, near] of [
      [30, 20, 0],
      [64, 40, 3],
      [64, 60, 2],
      [9, 6, 1],
    ]) {
      // rank eigenvalues far above the floor, d − rank exactly 0 (one cluster), `near` of them moved to just below it.
      const a = psd(d, rank, r, 3);
      const floor = Float64Array.from({ length: d }, () => 1e-3 * (0.5 + r()));
      for (let t = 0; t < near; t++) {
        const v = Array.from({ length: d }, () => r() - 0.5);
        const len = Math.hypot(...v);
        for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) a[i * d + j] += 0.999 * Math.sqrt(floor[i] * floor[j]) * (v[i] / len) * (v[j] / len);
      }
      const got = a.slice();
      floorRelative(got, 0, d, floor, floorRelativeWork(d));
      // The reference: the scaled matrix decomposed whole, its eigenvalues below 1 raised, rebuilt.
      const b = new Float64Array(d * d);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) b[i * d + j] = a[i * d + j] / Math.sqrt(floor[i] * floor[j]);
      const values = new Float64Array(d);
      const vectors = new Float64Array(d * d);
      symmetricEigen(b.slice(), 0, d, values, vectors);
      let worst = 0;
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          let v = 0;
          for (let t = 0; t < d; t++) v += vectors[i * d + t] * Math.max(values[t], 1) * vectors[j * d + t];
          const want = v * Math.sqrt(floor[i] * floor[j]);
          worst = Math.max(worst, Math.abs(got[i * d + j] - want) / Math.sqrt(got[i * d + i] * got[j * d + j]));
        }
      }
      expect(worst).toBeLessThan(1e-10);
      expect(smallestScaled(got, d, floor)).toBeGreaterThan(1 - 1e-9);
    }
  });

  test('columns with r = 0 are left out of the scaled block: their rows and columns are unchanged', () => {
    const r = lcg(4);
    const d = 5;
    const a = psd(d, 2, r);
    const floor = Float64Array.from([0.01, 0, 0.02, 0.01, 0]);
    const before = a.slice();
    expect(floorRelative(a, 0, d, floor, floorRelativeWork(d))).toBeGreaterThan(0);
    for (const i of [1, 4]) for (let j = 0; j < d; j++) expect(a[i * d + j]).toBe(before[i * d + j]);
  });

  test('diag: each variance is at least its column floor, and the other variances are the same numbers', () => {
    const floored = floorCovariances({ family: 'diag', variances: Float64Array.from([0, 2, 1e-9, 3]) }, 2, 2, Float64Array.from([1e-6, 1e-3]));
    expect(floored.family === 'diag' && Array.from(floored.variances)).toEqual([1e-6, 2, 1e-6, 3]);
  });
});

describe('--cov-floor on the command line', () => {
  const tmp = useTempDir();
  const iris = fs.readFileSync(repoPath('test', 'fixtures', 'mclust', 'iris.csv'), 'utf8');

  test.each(['diag', 'full'])('iris %s K=3 from the hc start: the floor does not touch this fit, which is the unregularised one bit for bit (mclust 6.0.0 VVV: loglik −180.185839)', async (covariance) => {
    const file = path.join(tmp(), 'iris.csv');
    fs.writeFileSync(file, iris);
    const args = [file, '--k', '3', '--covariance', covariance, '--init', 'hc', '--json'];
    const byDefault = JSON.parse((await runCli(args)).stdout).fits[0];
    const none = JSON.parse((await runCli([...args, '--cov-floor', '0'])).stdout).fits[0];
    expect(byDefault.trace).toEqual(none.trace);
    expect(byDefault.mixture).toEqual(none.mixture);
    expect(byDefault.stop).toBe('converged');
    // A ridge (scikit-learn's reg_covar, here 1e-6 × the smallest column variance's order) moves it.
    const ridge = JSON.parse((await runCli([...args, '--reg-covar', '1e-4'])).stdout).fits[0];
    expect(ridge.logLikelihood).toBeLessThan(byDefault.logLikelihood);
    if (covariance === 'full') {
      expect(byDefault.logLikelihood).toBeGreaterThanOrEqual(-180.185839 - 1e-6);
      expect(byDefault.logLikelihood).toBeLessThan(-180.18);
    }
  });

  // Two groups, each constant in a discrete column: within each component that column has no
  // spread, so the unregularised fit is degenerate and the floor holds both components up.
  const rows = Array.from({ length: 60 }, (_, u) => {
    const group = u < 30 ? 0 : 1;
    const x = group * 6 + ((u * 7919) % 61) / 20;
    const y = (((u * 104729) % 53) / 13) * (group ? 1.5 : 1);
    return `${x.toFixed(3)},${group},${y.toFixed(3)}`;
  });
  const data = 'x,flag,y\n' + rows.join('\n') + '\n';

  test('a component with no spread in a discrete column: diag variances sit exactly on the floor, full Σ − diag(r) is singular, and EM never goes back', async () => {
    const file = path.join(tmp(), 'flag.csv');
    fs.writeFileSync(file, data);
    const out = path.join(tmp(), 'model.json');
    for (const covariance of ['diag', 'full']) {
      const r = await runCli([file, '--k', '2', '--covariance', covariance, '--init', 'kmeans', '--json', '--out', out]);
      expect(r.code).toBe(0);
      const fit = JSON.parse(r.stdout).fits[0];
      expect(fit.stop).toBe('converged');
      for (let t = 1; t < fit.trace.length; t++) expect(fit.trace[t]).toBeGreaterThanOrEqual(fit.trace[t - 1] - 1e-12 * Math.abs(fit.trace[t - 1]));
      const floor: number[] = JSON.parse(fs.readFileSync(out, 'utf8')).options.covFloor;
      // flag's variance over the rows, by hand: 30 zeros and 30 ones, 0.25; its floor 1e-6 × that.
      expect(floor[1]).toBeCloseTo(0.25e-6, 18);
      if (covariance === 'diag') {
        for (const v of fit.mixture.var) expect(v[1]).toBe(floor[1]);
      } else {
        for (const sigma of fit.mixture.covariance as number[][][]) {
          const m = Float64Array.from(sigma.flat());
          expect(smallestScaled(m, 3, Float64Array.from(floor))).toBeCloseTo(1, 6);
        }
      }
      // Without the floor the same start has nothing to hold it: each cluster's covariance is singular.
      const none = await runCli([file, '--k', '2', '--covariance', covariance, '--init', 'kmeans', '--cov-floor', '0']);
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(/the start is not usable: .*(not positive definite|singular|variance 0).*raise --cov-floor or --reg-covar/);
    }
  });

  test("a --reg-covar given is scikit-learn's model, the ridge alone: the default floor is off unless --cov-floor is given too", async () => {
    const file = path.join(tmp(), 'flag.csv');
    fs.writeFileSync(file, data);
    const out = path.join(tmp(), 'ridge.json');
    const args = [file, '--k', '2', '--covariance', 'full', '--init', 'kmeans', '--reg-covar', '1e-9', '--json'];
    const ridge = JSON.parse((await runCli([...args, '--out', out])).stdout).fits[0];
    const none = JSON.parse((await runCli([...args, '--cov-floor', '0'])).stdout).fits[0];
    const both = JSON.parse((await runCli([...args, '--cov-floor', '1e-6'])).stdout).fits[0];
    expect(ridge.trace).toEqual(none.trace);
    expect(ridge.mixture).toEqual(none.mixture);
    // On this data the floor (0.25e-6 on flag) is far above the ridge, so with both the fit is another one.
    expect(both.logLikelihood).toBeLessThan(ridge.logLikelihood - 1);
    const options = JSON.parse(fs.readFileSync(out, 'utf8')).options;
    expect(options.regCovar).toBe(1e-9);
    expect(options.covFloor).toBeUndefined();
  });

  test('a --cov-floor whose floor is not a finite number (1e308 × a variance of 3) is one error line, exit 1', async () => {
    const file = path.join(tmp(), 'iris.csv');
    fs.writeFileSync(file, iris);
    const r = await runCli([file, '--k', '2', '--covariance', 'full', '--cov-floor', '1e308']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("gmm-fit: error: --cov-floor 1e+308 times the columns' variances is not a finite number; give a smaller one\n");
  });

  test('--cov-floor is for tables: with --ratings it is refused in one line', async () => {
    const file = path.join(tmp(), 'r.csv');
    fs.writeFileSync(file, 'u1,i1,4\nu1,i2,3\nu2,i1,5\n');
    const r = await runCli(['fit', file, '--ratings', '--cov-floor', '1e-4']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--cov-floor is for tables/);
  });
});
