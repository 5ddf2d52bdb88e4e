import { DataError } from '../core/errors';
import type { FitState } from './family';
import type { Mixture } from './mixture';
import { normaliseRow, shiftMeans, type PreparedData } from './data';
import type { CovarianceOptions } from './diag';
import { choleskyInPlace, solveLower, solveBoth } from './linalg';

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
  private readonly logTerm: Float64Array;
  private readonly work: Float64Array;
  private readonly filled: Float64Array;
  private readonly nHat: Float64Array;
  private readonly patternWeight: Float64Array; // patterns×K
  private readonly meanSum: Float64Array; // K×d
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
    this.logTerm = new Float64Array(k);
    this.work = new Float64Array(d);
    this.filled = new Float64Array(d);
    this.nHat = new Float64Array(k);
    this.patternWeight = new Float64Array(slots);
    this.meanSum = new Float64Array(k * d);
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
        for (let a = 0; a < no; a++) s += Math.log(factor[f + a * no + a]);
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
    const { n, d, x } = this.data;
    const { k, mu, factor, logDet, logTerm, posterior, work } = this;
    this.factorAll();
    let logLikelihood = 0;
    for (let u = 0; u < n; u++) {
      const p = this.rowPattern[u];
      const o = this.patterns[p].observed;
      const no = o.length;
      for (let j = 0; j < k; j++) {
        const slot = p * k + j;
        for (let a = 0; a < no; a++) work[a] = x[u * d + o[a]] - mu[j * d + o[a]];
        const maha = solveLower(factor, slot * d * d, no, work);
        const f = Math.log(this.weight[j] + WEIGHT_EPSILON) - 0.5 * (no * LOG_2PI + logDet[slot] + maha);
        logTerm[j] = f;
      }
      const logSum = normaliseRow(logTerm, k, posterior, u * k);
      logLikelihood += logSum;
      this.rowLogLikelihood[u] = logSum;
    }
    return logLikelihood;
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
    for (let u = 0; u < n; u++) {
      for (let j = 0; j < k; j++) {
        const w = posterior[u * k + j];
        this.fillRow(u, j, filled);
        for (let i = 0; i < d; i++) means[j * d + i] += w * filled[i];
      }
    }
    for (let u = 0; u < n; u++) {
      for (let j = 0; j < k; j++) {
        if (!(nHat[j] > 0)) continue;
        const w = posterior[u * k + j];
        this.fillRow(u, j, filled);
        for (let i = 0; i < d; i++) filled[i] -= means[j * d + i] / nHat[j];
        const c = j * d * d;
        for (let a = 0; a < d; a++) {
          const wa = w * filled[a];
          for (let b = 0; b <= a; b++) scatter[c + a * d + b] += wa * filled[b];
        }
      }
    }
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
