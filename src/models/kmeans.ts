import type { FitState } from './fit-state';
import type { RegCovar } from './families/reg';
import type { Mixture } from './mixture';
import { shiftMeans, type PreparedData } from './data';
import { KMEANS_COVARIANCE, type Family, type SphericalCovariance } from './families';
import { rowDots } from './kernels/products';

/** Rows per block of the E-step: their products with the means (block × K) stay in cache while the block is scanned. */
const BLOCK_ROWS = 256;

/**
 * k-means as the course writes it (its own model, read as a spherical mixture): hard-assign each row to its nearest mean
 * (ties to the lower index), cost = Σ squared distance to the assigned mean;
 * then each mean becomes its cluster's average. The mixture it reports also
 * carries p_j = n_j/n and var_j = Σ‖x − mu_j‖² / (d·n_j) over the cluster.
 * A cluster that loses every row keeps its previous mean and variance.
 * Needs complete data.
 *
 * The nearest mean is found through products, as the spherical E-step does:
 * ‖x − mu_j‖² = ‖x‖² − 2·x·mu_j + ‖mu_j‖², one block of X·muᵀ at a time (kernels/products.ts).
 * Every number it reports is still the one the direct sums Σ_i (x_i − mu_ji)² give, bit for bit,
 * as when they were the only distances computed:
 * - a row goes to the mean the products put first when they set it apart from every other by
 *   more than their rounding can explain (`screenSlack`); otherwise (a tie, or a near one) the
 *   direct sums of every mean decide, ties to the lower index, as they always did;
 * - the cost adds each row's direct squared distance to its mean, in row order;
 * - a cluster's variance is the direct sum over its rows, in row order, taken during the next
 *   E-step (which visits every row and its previous cluster anyway) or, after the last M-step,
 *   when the mixture is read;
 * - the M-step's Σx and n_j per cluster are summed in row order too, by the E-step, while the
 *   rows are in cache.
 * Nothing is allocated per iteration.
 */
export class KMeansState implements FitState {
  private readonly k: number;
  private readonly mu: Float64Array; // K×d, centred coordinates
  private readonly muNorm: Float64Array; // ‖mu_j‖²
  private readonly variance: Float64Array;
  private readonly weight: Float64Array;
  private readonly label: Int32Array;
  /** The next M-step's n_j and Σx (K×d), summed by the E-step. */
  private readonly count: Float64Array;
  private readonly sum: Float64Array;
  /** n_j of the last M-step, for its variances. */
  private readonly size: Float64Array;
  private readonly deviation: Float64Array;
  /** One block's x·mu_j (BLOCK_ROWS × K), each row's new mean (−1: to be decided by the direct sums) and its direct squared distance. */
  private readonly dots: Float64Array;
  private readonly pick: Int32Array;
  private readonly distance: Float64Array;
  /** Whether the variances of the last M-step are still to be summed (they are, by the next E-step or by mixture()). */
  private variancesPending = false;

  constructor(private readonly data: PreparedData, start: Mixture) {
    if (data.missingIndex) throw new Error('k-means needs complete data');
    const { n, d } = data;
    const k = start.k;
    this.k = k;
    this.mu = shiftMeans(start.mu, k, data, 1);
    this.muNorm = new Float64Array(k);
    this.variance = (start.covariance as SphericalCovariance).variances.slice();
    this.weight = start.p.slice();
    this.label = new Int32Array(n);
    this.count = new Float64Array(k);
    this.sum = new Float64Array(k * d);
    this.size = new Float64Array(k);
    this.deviation = new Float64Array(k);
    const block = Math.min(n, BLOCK_ROWS);
    this.dots = new Float64Array(block * k);
    this.pick = new Int32Array(block);
    this.distance = new Float64Array(block);
  }

  /** k-means has no floor. */
  readonly flooredVariances = 0;

  /** A cluster with one distinct point is a valid k-means fit; its Gaussian reading is checked by the fit. */
  degeneracy(): string | null {
    return null;
  }

  expectation(): number {
    const { n, d, x, rowSquares } = this.data;
    const { k, mu, muNorm, label, count, sum, deviation, dots, pick, distance } = this;
    // The last M-step's variances are summed over its clusters (the labels about to be replaced) in this pass.
    const variances = this.variancesPending;
    const maxNorm = squaredNorms(mu, k, d, muNorm);
    const slack = screenSlack(d);
    count.fill(0);
    sum.fill(0);
    deviation.fill(0);
    let cost = 0;
    for (let from = 0; from < n; from += BLOCK_ROWS) {
      const to = Math.min(n, from + BLOCK_ROWS);
      rowDots(x, from, to, d, mu, k, dots, from);
      screen(dots, muNorm, k, rowSquares, maxNorm, slack, label, from, to, pick);
      directDistances(x, d, mu, k, from, to, pick, distance);
      cost = assign(x, d, mu, from, to, pick, distance, label, cost, count, sum, variances ? deviation : null);
    }
    if (variances) this.settleVariances();
    return cost;
  }

  maximization(): void {
    const { n, d } = this.data;
    const { k, mu, count, sum, size, weight } = this;
    for (let j = 0; j < k; j++) {
      weight[j] = count[j] / n;
      size[j] = count[j];
      if (count[j] > 0) for (let i = 0; i < d; i++) mu[j * d + i] = sum[j * d + i] / count[j];
    }
    this.variancesPending = true;
  }

  /** var_j of the last M-step from `deviation` (Σ over cluster j of the squared distances to its new mean); an empty cluster keeps its previous one. */
  private settleVariances(): void {
    const { d } = this.data;
    const { k, size, deviation, variance } = this;
    for (let j = 0; j < k; j++) if (size[j] > 0) variance[j] = deviation[j] / (d * size[j]);
    this.variancesPending = false;
  }

  /** The last M-step's variances, when no E-step has summed them yet: one pass over the rows in their clusters. */
  private variancesNow(): void {
    if (!this.variancesPending) return;
    const { n, d, x } = this.data;
    const { mu, label, deviation } = this;
    deviation.fill(0);
    for (let u = 0; u < n; u++) deviation[label[u]] += directDistance(x, u * d, mu, label[u] * d, d);
    this.settleVariances();
  }

  /**
   * A Gaussian start from the clusters: their means, p_j = n_j/n, and each cluster's
   * own spread in the family's shape plus `reg`. A cluster too small to have a
   * spread (fewer than two distinct rows) keeps `fallback`'s covariance.
   */
  clusterMixture(family: Family, reg: RegCovar, fallback: Mixture): Mixture {
    const { n } = this.data;
    const { k, mu, label } = this;
    const count = new Float64Array(k);
    for (let u = 0; u < n; u++) count[label[u]]++;
    const covariance = family.clusterCovariances(this.data, label, mu, k, reg, fallback.covariance);
    return { k, d: this.data.d, mu: shiftMeans(mu, k, this.data, -1), p: Float64Array.from(count, (c) => c / n), covariance };
  }

  mixture(): Mixture {
    this.variancesNow();
    const { k } = this;
    const { d } = this.data;
    return { k, d, mu: shiftMeans(this.mu, k, this.data, -1), p: this.weight.slice(), covariance: { family: KMEANS_COVARIANCE, variances: this.variance.slice() } as SphericalCovariance };
  }
}

/**
 * How far, relative to ‖x‖² + max_j ‖mu_j‖², the screened ‖x‖² + ‖mu_j‖² − 2·x·mu_j can be from
 * the direct Σ_i (x_i − mu_ji)² by rounding alone, with room to spare. With u = 2⁻⁵³ and
 * s = ‖x‖² + ‖mu_j‖²: 2·x·mu_j is off by at most γ_d·2·Σ|x_i·mu_ji| ≤ γ_d·s, ‖mu_j‖² and ‖x‖²
 * (rowSquares) by γ_d times themselves, the subtraction by u·|‖mu_j‖² − 2·x·mu_j| ≤ 2u·s: (2d + 2)·u·s
 * in all; the direct sum (each term rounded three times, then d − 1 additions) by
 * γ_(d+2)·‖x − mu_j‖² ≤ 2·γ_(d+2)·s = (2d + 4)·u·s. Together (4d + 6)·u·s, plus a few u for the
 * comparison's own roundings; this is about twice that. Two means whose screened values differ
 * by more than twice the bound are in the same order by the direct sums.
 */
export function screenSlack(d: number): number {
  return (4 * d + 12) * Number.EPSILON;
}

/** ‖mu_j‖² into `out`; returns the largest (NaN if any is). */
function squaredNorms(mu: Float64Array, k: number, d: number, out: Float64Array): number {
  let max = 0;
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += mu[j * d + i] * mu[j * d + i];
    out[j] = s;
    if (s > max || s !== s) max = s;
  }
  return max;
}

/**
 * Each row's mean by the products (dots[(u − from)·K + j] = x_u·mu_j), or −1 when they do not set one apart:
 * pick[u − from] = the j whose ‖mu_j‖² − 2·x·mu_j is below every other's by more than twice the row's bound.
 * The row's previous mean is tried first: it is almost always still the one, and checking that
 * all others are farther is a count without unpredictable branches.
 */
function screen(
  dots: Float64Array,
  muNorm: Float64Array,
  k: number,
  rowSquares: Float64Array,
  maxNorm: number,
  slack: number,
  label: Int32Array,
  from: number,
  to: number,
  pick: Int32Array,
): void {
  for (let u = from; u < to; u++) {
    const o = (u - from) * k;
    const gap = 2 * slack * (rowSquares[u] + maxNorm);
    const previous = label[u];
    // NaN anywhere makes every comparison false: no count of 1, and `apart` below says no.
    const limit = muNorm[previous] - 2 * dots[o + previous] + gap;
    let within = 0;
    for (let j = 0; j < k; j++) within += +(muNorm[j] - 2 * dots[o + j] <= limit);
    pick[u - from] = within === 1 ? previous : apart(dots, o, muNorm, k, gap);
  }
}

/** The j of the smallest ‖mu_j‖² − 2·x·mu_j when every other is larger by more than `gap`, else −1. */
function apart(dots: Float64Array, o: number, muNorm: Float64Array, k: number, gap: number): number {
  let best = 0;
  let first = Infinity;
  let second = Infinity;
  for (let j = 0; j < k; j++) {
    const q = muNorm[j] - 2 * dots[o + j];
    if (q < first) {
      second = first;
      first = q;
      best = j;
    } else if (q < second) second = q;
  }
  return second - first > gap ? best : -1;
}

/** Σ_i (x[a + i] − mu[b + i])², in order of i: the distance every reported number is made of. */
function directDistance(x: Float64Array, a: number, mu: Float64Array, b: number, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) {
    const diff = x[a + i] - mu[b + i];
    s += diff * diff;
  }
  return s;
}

/**
 * Each row's direct squared distance to its picked mean into distance[u − from]; a row with no pick
 * gets its mean (and distance) from the direct sums of every mean, ties to the lower index.
 * Four rows at a time, so that their four running sums (each in order of i) overlap.
 */
function directDistances(x: Float64Array, d: number, mu: Float64Array, k: number, from: number, to: number, pick: Int32Array, distance: Float64Array): void {
  let u = from;
  for (; u + 3 < to; u += 4) {
    const t = u - from;
    const j0 = pick[t];
    const j1 = pick[t + 1];
    const j2 = pick[t + 2];
    const j3 = pick[t + 3];
    if ((j0 | j1 | j2 | j3) < 0) {
      for (let v = u; v < u + 4; v++) directPick(x, d, mu, k, v, v - from, pick, distance);
      continue;
    }
    const r0 = u * d;
    const r1 = r0 + d;
    const r2 = r1 + d;
    const r3 = r2 + d;
    const m0 = j0 * d;
    const m1 = j1 * d;
    const m2 = j2 * d;
    const m3 = j3 * d;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0; // prettier-ignore
    for (let i = 0; i < d; i++) {
      const e0 = x[r0 + i] - mu[m0 + i];
      s0 += e0 * e0;
      const e1 = x[r1 + i] - mu[m1 + i];
      s1 += e1 * e1;
      const e2 = x[r2 + i] - mu[m2 + i];
      s2 += e2 * e2;
      const e3 = x[r3 + i] - mu[m3 + i];
      s3 += e3 * e3;
    }
    distance[t] = s0;
    distance[t + 1] = s1;
    distance[t + 2] = s2;
    distance[t + 3] = s3;
  }
  for (; u < to; u++) directPick(x, d, mu, k, u, u - from, pick, distance);
}

/** One row's distance to its pick, or, with no pick, its mean by the direct sums (the strict < keeps ties on the lower index). */
function directPick(x: Float64Array, d: number, mu: Float64Array, k: number, u: number, t: number, pick: Int32Array, distance: Float64Array): void {
  const j = pick[t];
  if (j >= 0) {
    distance[t] = directDistance(x, u * d, mu, j * d, d);
    return;
  }
  let best = 0;
  let bestDist = Infinity;
  for (let c = 0; c < k; c++) {
    const dist = directDistance(x, u * d, mu, c * d, d);
    if (dist < bestDist) {
      bestDist = dist;
      best = c;
    }
  }
  pick[t] = best;
  distance[t] = bestDist;
}

/**
 * The block's rows join their means, in row order: the label, the cost, n_j and Σx of the next
 * M-step and, when `deviation` is given, each row's direct squared distance to its previous
 * cluster's mean added to that cluster's (the last M-step's variances). Returns the cost so far.
 */
function assign(
  x: Float64Array,
  d: number,
  mu: Float64Array,
  from: number,
  to: number,
  pick: Int32Array,
  distance: Float64Array,
  label: Int32Array,
  cost: number,
  count: Float64Array,
  sum: Float64Array,
  deviation: Float64Array | null,
): number {
  for (let u = from; u < to; u++) {
    const t = u - from;
    const j = pick[t];
    const dist = distance[t];
    if (deviation) {
      const previous = label[u];
      deviation[previous] += previous === j ? dist : directDistance(x, u * d, mu, previous * d, d);
    }
    label[u] = j;
    cost += dist;
    count[j]++;
    const row = u * d;
    const s = j * d;
    for (let i = 0; i < d; i++) sum[s + i] += x[row + i];
  }
  return cost;
}
