import type { Matrix } from './matrix';
import type { Covariance, Mixture } from '../models/mixture';
import { NumpyRandomState } from './random';
import { assertUnreachable } from './errors';

export interface Initialisation {
  readonly mixture: Mixture;
  /** The rows whose values became the initial means. */
  readonly rows: Int32Array;
}

/** How the initial means are chosen. */
export type InitMethod = 'random' | 'kmeans++';
export const INIT_METHODS: readonly InitMethod[] = ['random', 'kmeans++'];

export interface InitOptions {
  readonly covariance?: Covariance;
  /** Added to the start's variances (the diagonal, for full), as to every M-step's. */
  readonly regCovar?: number;
  readonly method?: InitMethod;
}

/**
 * The starting mixture: K rows as the means, p_j = 1/K, and each component's
 * spread around its mean over the whole data (missing cells as 0):
 * spherical, var_j = the mean over all n·d cells of (X − mu_j)² (the course's
 * `common.init`); diag, the mean over rows per dimension; full, (X − mu_j)ᵀ(X − mu_j)/n.
 * `random` draws the rows as numpy's legacy `np.random.seed(s); np.random.choice(n, K,
 * replace=False)` does; `kmeans++` by D² sampling from the same generator.
 */
export function randomInit(m: Matrix, k: number, seed: number, options: InitOptions = {}): Initialisation {
  const random = new NumpyRandomState(seed);
  const method = options.method ?? 'random';
  const rows = method === 'random' ? random.choiceWithoutReplacement(m.rows, k) : kmeansPlusPlusRows(m, k, random);
  const { cols: d, data } = m;
  const mu = new Float64Array(k * d);
  for (let j = 0; j < k; j++) mu.set(data.subarray(rows[j] * d, rows[j] * d + d), j * d);
  const covariance = options.covariance ?? 'spherical';
  const variance = spreadAround(m, mu, k, covariance, options.regCovar ?? 0);
  const p = new Float64Array(k).fill(1 / k);
  return { mixture: { k, d, covariance, mu, var: variance, p }, rows };
}

/**
 * k-means++ seeding: the first row uniformly, then each next row with probability
 * proportional to its squared distance to the nearest row chosen so far.
 */
function kmeansPlusPlusRows(m: Matrix, k: number, random: NumpyRandomState): Int32Array {
  const { rows: n, cols: d, data } = m;
  const chosen = new Int32Array(k);
  const nearest = new Float64Array(n).fill(Infinity);
  chosen[0] = random.interval(n - 1);
  // Which rows are chosen, and the first that is not: O(n) in all, however often it is asked.
  const taken = new Uint8Array(n);
  taken[chosen[0]] = 1;
  let firstFree = 0;
  for (let c = 1; c <= k; c++) {
    const last = chosen[c - 1];
    let total = 0;
    for (let u = 0; u < n; u++) {
      let dist = 0;
      for (let i = 0; i < d; i++) {
        const diff = data[u * d + i] - data[last * d + i];
        dist += diff * diff;
      }
      if (dist < nearest[u]) nearest[u] = dist;
      total += nearest[u];
    }
    if (c === k) break;
    let next = -1;
    if (total > 0) {
      let target = random.randomSample() * total;
      for (let u = 0; u < n && next < 0; u++) {
        target -= nearest[u];
        if (target < 0 && nearest[u] > 0) next = u;
      }
    }
    // Fewer distinct rows than K (or rounding at the end): the first row not yet chosen.
    if (next < 0) {
      while (taken[firstFree]) firstFree++;
      next = firstFree;
    }
    chosen[c] = next;
    taken[next] = 1;
  }
  return chosen;
}

/** Each component's spread around its mean over all rows, by family, plus `reg` on the diagonal. */
function spreadAround(m: Matrix, mu: Float64Array, k: number, covariance: Covariance, reg: number): Float64Array {
  const { rows: n, cols: d, data } = m;
  // Around the column means c first: Σ_u (x−mu)(x−mu)ᵀ = S + n·(c−mu)(c−mu)ᵀ, one pass over the data.
  const center = new Float64Array(d);
  for (let u = 0; u < n; u++) for (let i = 0; i < d; i++) center[i] += data[u * d + i];
  for (let i = 0; i < d; i++) center[i] /= n;
  const full = covariance === 'full';
  const scatter = new Float64Array(full ? d * d : d); // full: S; else its diagonal
  for (let u = 0; u < n; u++) {
    for (let a = 0; a < d; a++) {
      const da = data[u * d + a] - center[a];
      if (!full) scatter[a] += da * da;
      else for (let b = 0; b <= a; b++) scatter[a * d + b] += da * (data[u * d + b] - center[b]);
    }
  }
  const at = (a: number, b: number) => (full ? scatter[Math.max(a, b) * d + Math.min(a, b)] : scatter[a]);
  switch (covariance) {
    case 'spherical': {
      let total = 0;
      for (let i = 0; i < d; i++) total += scatter[i];
      return Float64Array.from({ length: k }, (_, j) => {
        let offset = 0;
        for (let i = 0; i < d; i++) offset += (mu[j * d + i] - center[i]) ** 2;
        return (total + n * offset) / (n * d) + reg;
      });
    }
    case 'diag':
      return Float64Array.from({ length: k * d }, (_, c) => {
        const i = c % d;
        return (scatter[i] + n * (mu[c] - center[i]) ** 2) / n + reg;
      });
    case 'full': {
      const out = new Float64Array(k * d * d);
      for (let j = 0; j < k; j++) {
        for (let a = 0; a < d; a++) {
          for (let b = 0; b < d; b++) {
            const v = (at(a, b) + n * (mu[j * d + a] - center[a]) * (mu[j * d + b] - center[b])) / n;
            out[j * d * d + a * d + b] = v + (a === b ? reg : 0);
          }
        }
      }
      return out;
    }
    default:
      return assertUnreachable(covariance);
  }
}
