import { DataError } from '../core/errors';
import type { FitState } from './family';
import type { Mixture } from './mixture';
import { shiftMeans, type PreparedData } from './data';
import { shiftedExpSum } from './exp';
import type { CovarianceOptions } from './diag';
import { choleskyInPlace, solveBoth } from './linalg';

const LOG_2PI = Math.log(2 * Math.PI);
const WEIGHT_EPSILON = 1e-16;
/** Past this many cached numbers (patterns × K × d²) the family is refused: use diag. */
const MAX_CACHE = 5e7;

/** Rows that share one set of observed columns. */
interface Pattern {
  readonly observed: Int32Array;
  readonly missing: Int32Array;
}

/**
 * EM for Gaussians with full covariances (mclust's VVV). The rows are grouped
 * by their pattern of missing cells; each iteration factors, per pattern and
 * component, the observed block Σ_oo (Cholesky, L·Lᵀ = Σ_oo), so a row's
 * log-density is that of its observed sub-vector: −½(|o|·ln 2π + 2·Σ ln L_ii + ‖L⁻¹(x_o − mu_o)‖²).
 * The M-step uses the expected statistics (Ghahramani & Jordan): a missing block
 * is replaced by its conditional mean mu_m + Σ_mo·Σ_oo⁻¹(x_o − mu_o), and its
 * conditional covariance Σ_mm − Σ_mo·Σ_oo⁻¹·Σ_om is added to the scatter. On
 * complete data there is one pattern and this is scikit-learn's M-step:
 * Σ_j = Σ post·(x − mu_j)(x − mu_j)ᵀ / n̂_j + regCovar·I, each diagonal entry then
 * floored at minVar. Cost per iteration: patterns × K × d³/3 for the factors plus
 * rows × K × d² for the rows.
 */
export class FullState implements FitState {
  readonly posterior: Float64Array;
  /** Each row's log-likelihood at the last E-step. */
  readonly rowLogLikelihood: Float64Array;
  private readonly k: number;
  private readonly mu: Float64Array; // K×d, centred
  private readonly cov: Float64Array; // K×d×d
  private readonly weight: Float64Array;
  private readonly patterns: Pattern[];
  private readonly rowPattern: Int32Array;
  /** Per pattern and component: the factor of Σ_oo (d×d slot), its log-determinant, Σ_mo·Σ_oo⁻¹ (d×d slot), the conditional covariance (d×d slot). */
  private readonly factor: Float64Array;
  private readonly logDet: Float64Array;
  private readonly regression: Float64Array;
  private readonly conditional: Float64Array;
  /** Up to four rows' f(u, j), 4×K. */
  private readonly terms: Float64Array;
  private readonly logWeight: Float64Array;
  /** Per pattern and component: 1 / the factor's diagonal (d slot). */
  private readonly inverseDiagonal: Float64Array;
  private readonly work: Float64Array;
  private readonly filled: Float64Array;
  private readonly nHat: Float64Array;
  private readonly patternWeight: Float64Array; // patterns×K
  private readonly meanSum: Float64Array; // K×d
  private readonly newMean: Float64Array; // K×d: meanSum / n̂
  private readonly blockDiff: Float64Array; // 4×d: four rows less a mean
  private readonly scatter: Float64Array; // K×d×d

  constructor(
    private readonly data: PreparedData,
    start: Mixture,
    private readonly options: CovarianceOptions,
  ) {
    const { n, d, observed } = data;
    const k = start.k;
    this.k = k;
    this.posterior = new Float64Array(n * k);
    this.rowLogLikelihood = new Float64Array(n);
    this.mu = shiftMeans(start.mu, k, data, 1);
    this.cov = start.var.slice();
    for (let j = 0; j < k; j++) for (let i = 0; i < d; i++) this.cov[j * d * d + i * d + i] = Math.max(this.cov[j * d * d + i * d + i], options.minVar);
    this.weight = start.p.slice();

    const ids = new Map<string, number>();
    this.patterns = [];
    this.rowPattern = new Int32Array(n);
    for (let u = 0; u < n; u++) {
      const key = observed ? observed.subarray(u * d, (u + 1) * d).join('') : '';
      let id = ids.get(key);
      if (id === undefined) {
        id = this.patterns.length;
        ids.set(key, id);
        const seen = Array.from({ length: d }, (_, i) => i).filter((i) => !observed || observed[u * d + i] === 1);
        const unseen = Array.from({ length: d }, (_, i) => i).filter((i) => observed !== null && observed[u * d + i] === 0);
        this.patterns.push({ observed: Int32Array.from(seen), missing: Int32Array.from(unseen) });
      }
      this.rowPattern[u] = id;
    }
    const slots = this.patterns.length * k;
    if (slots * d * d * 3 > MAX_CACHE) {
      throw new DataError(
        `--covariance full would factor ${this.patterns.length} patterns of missing cells × K=${k} covariances of ${d}×${d} each iteration; use --covariance diag`,
      );
    }
    this.factor = new Float64Array(slots * d * d);
    this.logDet = new Float64Array(slots);
    this.regression = new Float64Array(slots * d * d);
    this.conditional = new Float64Array(slots * d * d);
    this.terms = new Float64Array(4 * k);
    this.logWeight = new Float64Array(k);
    this.inverseDiagonal = new Float64Array(slots * d);
    this.work = new Float64Array(d);
    this.filled = new Float64Array(d);
    this.nHat = new Float64Array(k);
    this.patternWeight = new Float64Array(slots);
    this.meanSum = new Float64Array(k * d);
    this.newMean = new Float64Array(k * d);
    this.blockDiff = new Float64Array(4 * d);
    this.scatter = new Float64Array(k * d * d);
  }

  /** Factor Σ_oo for every pattern and component; Σ_mo·Σ_oo⁻¹ and the conditional covariance where cells are missing. */
  private factorAll(): void {
    const { d } = this.data;
    const { k, cov, factor, logDet, regression, conditional } = this;
    for (let p = 0; p < this.patterns.length; p++) {
      const { observed: o, missing: m } = this.patterns[p];
      const no = o.length;
      const nm = m.length;
      for (let j = 0; j < k; j++) {
        const slot = p * k + j;
        const f = slot * d * d;
        const c = j * d * d;
        for (let a = 0; a < no; a++) for (let b = 0; b < no; b++) factor[f + a * no + b] = cov[c + o[a] * d + o[b]];
        if (!choleskyInPlace(factor, f, no)) {
          throw new DataError(
            `the covariance of component ${j + 1} is not positive definite; raise --reg-covar, use fewer components, or scale the data`,
          );
        }
        let s = 0;
        for (let a = 0; a < no; a++) {
          s += Math.log(factor[f + a * no + a]);
          this.inverseDiagonal[slot * d + a] = 1 / factor[f + a * no + a];
        }
        logDet[slot] = 2 * s;
        if (nm === 0) continue;
        // R = Σ_mo·Σ_oo⁻¹ (nm×no): row by row, solve L·Lᵀ·r = Σ_om[:, row].
        const w = this.work;
        for (let r = 0; r < nm; r++) {
          for (let a = 0; a < no; a++) w[a] = cov[c + o[a] * d + m[r]];
          solveBoth(factor, f, no, w);
          for (let a = 0; a < no; a++) regression[f + r * no + a] = w[a];
        }
        // C = Σ_mm − R·Σ_om (nm×nm)
        for (let r = 0; r < nm; r++) {
          for (let t = 0; t < nm; t++) {
            let v = cov[c + m[r] * d + m[t]];
            for (let a = 0; a < no; a++) v -= regression[f + r * no + a] * cov[c + o[a] * d + m[t]];
            conditional[f + r * nm + t] = v;
          }
        }
      }
    }
  }

  expectation(): number {
    const { n } = this.data;
    const { k, logWeight } = this;
    this.factorAll();
    for (let j = 0; j < k; j++) logWeight[j] = Math.log(this.weight[j] + WEIGHT_EPSILON);
    let logLikelihood = 0;
    let u = 0;
    // Four complete rows at a time share each load of the factor; each row's
    // arithmetic is the same as alone, so the numbers are too.
    for (; u + 3 < n; u += 4) {
      if (this.isComplete(u) && this.isComplete(u + 1) && this.isComplete(u + 2) && this.isComplete(u + 3)) this.blockTerms(u);
      else for (let r = 0; r < 4; r++) this.rowTerms(u + r, r * k);
      for (let r = 0; r < 4; r++) logLikelihood += this.normalise(u + r, r * k);
    }
    for (; u < n; u++) {
      this.rowTerms(u, 0);
      logLikelihood += this.normalise(u, 0);
    }
    return logLikelihood;
  }

  /**
   * f(u, j) = ln(p_j + 1e-16) − ½(|o|·ln 2π + ln det Σ_oo + ‖L⁻¹(x_o − mu_o)‖²) into
   * terms[o..o+K): the Mahalanobis term by forward substitution, with the factor's
   * diagonal inverted once per iteration.
   */
  private rowTerms(u: number, o: number): void {
    const { d, x } = this.data;
    const { k, mu, factor, logDet, work, logWeight, inverseDiagonal, terms } = this;
    const p = this.rowPattern[u];
    const observed = this.patterns[p].observed;
    const no = observed.length;
    const row = u * d;
    for (let j = 0; j < k; j++) {
      const slot = p * k + j;
      const base = j * d;
      if (no === d) for (let a = 0; a < d; a++) work[a] = x[row + a] - mu[base + a];
      else for (let a = 0; a < no; a++) work[a] = x[row + observed[a]] - mu[base + observed[a]];
      const l = slot * d * d;
      const inverse = slot * d;
      let maha = 0;
      for (let a = 0; a < no; a++) {
        let t = work[a];
        const la = l + a * no;
        for (let b = 0; b < a; b++) t -= factor[la + b] * work[b];
        t *= inverseDiagonal[inverse + a];
        work[a] = t;
        maha += t * t;
      }
      terms[o + j] = logWeight[j] - 0.5 * (no * LOG_2PI + logDet[slot] + maha);
    }
  }

  /** rowTerms for the four complete rows from u on, into terms[0..4K). */
  private blockTerms(u: number): void {
    const { d, x } = this.data;
    const { k, mu, factor, logDet, logWeight, inverseDiagonal, terms, blockDiff: w } = this;
    const p = this.rowPattern[u];
    const r0 = u * d;
    const r1 = r0 + d;
    const r2 = r1 + d;
    const r3 = r2 + d;
    for (let j = 0; j < k; j++) {
      const slot = p * k + j;
      const base = j * d;
      for (let a = 0; a < d; a++) {
        const m = mu[base + a];
        w[a] = x[r0 + a] - m;
        w[d + a] = x[r1 + a] - m;
        w[2 * d + a] = x[r2 + a] - m;
        w[3 * d + a] = x[r3 + a] - m;
      }
      const l = slot * d * d;
      const inverse = slot * d;
      let m0 = 0, m1 = 0, m2 = 0, m3 = 0; // prettier-ignore
      for (let a = 0; a < d; a++) {
        let t0 = w[a];
        let t1 = w[d + a];
        let t2 = w[2 * d + a];
        let t3 = w[3 * d + a];
        const la = l + a * d;
        for (let b = 0; b < a; b++) {
          const f = factor[la + b];
          t0 -= f * w[b];
          t1 -= f * w[d + b];
          t2 -= f * w[2 * d + b];
          t3 -= f * w[3 * d + b];
        }
        const scale = inverseDiagonal[inverse + a];
        t0 *= scale;
        t1 *= scale;
        t2 *= scale;
        t3 *= scale;
        w[a] = t0;
        w[d + a] = t1;
        w[2 * d + a] = t2;
        w[3 * d + a] = t3;
        m0 += t0 * t0;
        m1 += t1 * t1;
        m2 += t2 * t2;
        m3 += t3 * t3;
      }
      const constant = d * LOG_2PI + logDet[slot];
      terms[j] = logWeight[j] - 0.5 * (constant + m0);
      terms[k + j] = logWeight[j] - 0.5 * (constant + m1);
      terms[2 * k + j] = logWeight[j] - 0.5 * (constant + m2);
      terms[3 * k + j] = logWeight[j] - 0.5 * (constant + m3);
    }
  }

  /** Row u's max-shifted log-sum-exp over terms[o..o+K): its posteriors, and its log-likelihood returned. */
  private normalise(u: number, o: number): number {
    const { k, terms, posterior } = this;
    let max = -Infinity;
    for (let j = 0; j < k; j++) if (terms[o + j] > max) max = terms[o + j];
    const sum = shiftedExpSum(terms, o, k, max);
    const logSum = max + Math.log(sum);
    const scale = 1 / sum;
    for (let j = 0; j < k; j++) posterior[u * k + j] = terms[o + j] * scale;
    this.rowLogLikelihood[u] = logSum;
    return logSum;
  }

  /** Row u completed under component j (centred): observed cells as they are, missing ones by their conditional mean. */
  private fillRow(u: number, j: number, out: Float64Array): void {
    const { d, x } = this.data;
    const p = this.rowPattern[u];
    const { observed: o, missing: m } = this.patterns[p];
    const no = o.length;
    const mu = this.mu;
    for (let a = 0; a < no; a++) out[o[a]] = x[u * d + o[a]];
    if (m.length === 0) return;
    const f = (p * this.k + j) * d * d;
    for (let r = 0; r < m.length; r++) {
      let v = mu[j * d + m[r]];
      for (let a = 0; a < no; a++) v += this.regression[f + r * no + a] * (x[u * d + o[a]] - mu[j * d + o[a]]);
      out[m[r]] = v;
    }
  }

  maximization(): void {
    const { n, d } = this.data;
    const { k, mu, cov, weight, posterior, nHat, filled, patternWeight, scatter } = this;
    const means = this.meanSum;
    means.fill(0);
    scatter.fill(0);
    nHat.fill(0);
    patternWeight.fill(0);
    for (let u = 0; u < n; u++) {
      for (let j = 0; j < k; j++) {
        nHat[j] += posterior[u * k + j];
        patternWeight[this.rowPattern[u] * k + j] += posterior[u * k + j];
      }
    }
    // The completed rows depend on the old parameters: compute all new means first.
    // A row with no missing cell is its own completion, read in place.
    const { x } = this.data;
    for (let u = 0; u < n; u++) {
      const complete = this.patterns[this.rowPattern[u]].missing.length === 0;
      const row = complete ? x : filled;
      const at = complete ? u * d : 0;
      for (let j = 0; j < k; j++) {
        const w = posterior[u * k + j];
        if (!complete) this.fillRow(u, j, filled);
        for (let i = 0; i < d; i++) means[j * d + i] += w * row[at + i];
      }
    }
    const mean = this.newMean;
    for (let c = 0; c < k * d; c++) mean[c] = means[c] / nHat[Math.floor(c / d)];
    const diff = this.work;
    const blocks = this.blockDiff;
    let u = 0;
    // Four complete rows at a time: each scatter entry is loaded and stored once per
    // block, with (w0·d0a·d0b + w1·d1a·d1b) + (w2·d2a·d2b + w3·d3a·d3b) added.
    for (; u + 3 < n; u += 4) {
      if (!(this.isComplete(u) && this.isComplete(u + 1) && this.isComplete(u + 2) && this.isComplete(u + 3))) {
        for (let v = u; v < u + 4; v++) this.addScatterRow(v, mean, filled, diff);
        continue;
      }
      for (let j = 0; j < k; j++) {
        if (!(nHat[j] > 0)) continue;
        const w0 = posterior[u * k + j];
        const w1 = posterior[(u + 1) * k + j];
        const w2 = posterior[(u + 2) * k + j];
        const w3 = posterior[(u + 3) * k + j];
        const m = j * d;
        for (let i = 0; i < d; i++) {
          const mi = mean[m + i];
          blocks[i] = x[u * d + i] - mi;
          blocks[d + i] = x[(u + 1) * d + i] - mi;
          blocks[2 * d + i] = x[(u + 2) * d + i] - mi;
          blocks[3 * d + i] = x[(u + 3) * d + i] - mi;
        }
        const c = j * d * d;
        for (let a = 0; a < d; a++) {
          const a0 = w0 * blocks[a];
          const a1 = w1 * blocks[d + a];
          const a2 = w2 * blocks[2 * d + a];
          const a3 = w3 * blocks[3 * d + a];
          const ca = c + a * d;
          for (let b = 0; b <= a; b++) scatter[ca + b] += a0 * blocks[b] + a1 * blocks[d + b] + (a2 * blocks[2 * d + b] + a3 * blocks[3 * d + b]);
        }
      }
    }
    for (; u < n; u++) this.addScatterRow(u, mean, filled, diff);
    for (let j = 0; j < k; j++) {
      weight[j] = nHat[j] / n;
      if (!(nHat[j] > 0)) continue; // a starved component keeps its mean and covariance
      for (let i = 0; i < d; i++) mu[j * d + i] = means[j * d + i] / nHat[j];
      const c = j * d * d;
      // The conditional covariance of each pattern's missing block, weighted by its rows' posteriors.
      for (let p = 0; p < this.patterns.length; p++) {
        const m = this.patterns[p].missing;
        const pw = patternWeight[p * k + j];
        if (m.length === 0 || pw === 0) continue;
        const f = (p * k + j) * d * d;
        // Lower triangle only (m is ascending, so m[r] ≥ m[t] for t ≤ r), as the scatter.
        for (let r = 0; r < m.length; r++) {
          for (let t = 0; t <= r; t++) scatter[c + m[r] * d + m[t]] += pw * this.conditional[f + r * m.length + t];
        }
      }
      for (let a = 0; a < d; a++) {
        for (let b = 0; b <= a; b++) {
          const v = scatter[c + a * d + b] / nHat[j];
          cov[c + a * d + b] = v;
          cov[c + b * d + a] = v;
        }
        cov[c + a * d + a] = Math.max(cov[c + a * d + a] + this.options.regCovar, this.options.minVar);
      }
    }
  }

  private isComplete(u: number): boolean {
    return this.patterns[this.rowPattern[u]].missing.length === 0;
  }

  /** Row u's weighted outer products (x − mean_j)(x − mean_j)ᵀ added to each component's scatter (lower triangle). */
  private addScatterRow(u: number, mean: Float64Array, filled: Float64Array, diff: Float64Array): void {
    const { d, x } = this.data;
    const { k, posterior, nHat, scatter } = this;
    const complete = this.isComplete(u);
    const row = complete ? x : filled;
    const at = complete ? u * d : 0;
    for (let j = 0; j < k; j++) {
      if (!(nHat[j] > 0)) continue;
      const w = posterior[u * k + j];
      if (!complete) this.fillRow(u, j, filled);
      for (let i = 0; i < d; i++) diff[i] = row[at + i] - mean[j * d + i];
      const c = j * d * d;
      for (let a = 0; a < d; a++) {
        const wa = w * diff[a];
        const ca = c + a * d;
        for (let b = 0; b <= a; b++) scatter[ca + b] += wa * diff[b];
      }
    }
  }

  /**
   * The matrix completed: each missing cell gets Σ_j post(j|u)·E[x_m | x_o, j], the
   * conditional mean under each component, weighted by the posterior of one E-step.
   * Observed cells are copied from `original` unchanged.
   */
  completed(original: Float64Array): Float64Array {
    const { n, d, center } = this.data;
    const { k, posterior, filled } = this;
    this.expectation();
    const out = original.slice();
    for (let u = 0; u < n; u++) {
      const m = this.patterns[this.rowPattern[u]].missing;
      if (m.length === 0) continue;
      for (let r = 0; r < m.length; r++) out[u * d + m[r]] = 0;
      for (let j = 0; j < k; j++) {
        this.fillRow(u, j, filled);
        const w = posterior[u * k + j];
        for (let r = 0; r < m.length; r++) out[u * d + m[r]] += w * (filled[m[r]] + center[m[r]]);
      }
    }
    return out;
  }

  mixture(): Mixture {
    const { k, mu } = this;
    const { d } = this.data;
    const out = shiftMeans(mu, k, this.data, -1);
    return { k, d, covariance: 'full', mu: out, var: this.cov.slice(), p: this.weight.slice() };
  }
}
