import type { FitState } from './fit-state';
import type { RegCovar } from './families/reg';
import type { Mixture } from './mixture';
import { shiftMeans, type PreparedData } from './data';
import { KMEANS_COVARIANCE, type Family, type SphericalCovariance } from './families';
import { addChunks, localRunner, type ChunkLayout, type ChunkRunner, type KernelName, type RunnerFactory } from './kernels/layout';
import { KMEANS_BOUNDS, kmeansBuffers, kmeansKernel, kmeansLayout, kmeansStats, screenSlack, squaredNorms, type KMeansBuffers, type KMeansStats } from './kernels/kmeans';

export { screenSlack } from './kernels/kmeans';

/** What a k-means fit may be told: which chunk kernel runs its rows (the same bits either way). */
export interface KMeansOptions {
  readonly kernel?: KernelName;
}

/**
 * k-means as the course writes it (its own model, read as a spherical mixture): hard-assign each row to its nearest mean
 * (ties to the lower index), cost = Σ squared distance to the assigned mean;
 * then each mean becomes its cluster's average. The mixture it reports also
 * carries p_j = n_j/n and var_j = Σ‖x − mu_j‖² / (d·n_j) over the cluster.
 * A cluster that loses every row keeps its previous mean and variance.
 * Needs complete data.
 *
 * The nearest mean is found through products, as the spherical E-step does:
 * ‖x − mu_j‖² = ‖x‖² − 2·x·mu_j + ‖mu_j‖², one block of X·muᵀ at a time (kernels/kmeans.ts,
 * in WebAssembly SIMD where it can be had). Every number it reports is still made of the
 * direct sums Σ_i (x_i − mu_ji)², bit for bit:
 * - a row goes to the mean the products put first when they set it apart from every other by
 *   more than their rounding can explain (`screenSlack`); otherwise (a tie, or a near one) the
 *   direct sums of every mean decide, ties to the lower index;
 * - the cost adds each row's direct squared distance to its mean;
 * - a cluster's variance is the direct sum over its rows, taken during the next E-step (which
 *   visits every row and its previous cluster anyway) or, after the last M-step, when the
 *   mixture is read (one more pass, phase 1 of the kernel);
 * - the M-step's Σx and n_j per cluster are summed by the E-step, while the rows are in cache.
 * The rows are cut into the chunks of kernels/layout.ts; each sum runs over a chunk's rows in
 * order and the chunks are added in chunk order, so the numbers are the same whichever
 * kernel ran and however many threads shared the chunks (`runnerFor`).
 * Nothing is allocated per iteration.
 */
export class KMeansState implements FitState {
  private readonly k: number;
  readonly layout: ChunkLayout;
  readonly buffers: KMeansBuffers;
  private readonly runner: ChunkRunner;
  private readonly at: KMeansStats;
  /** The chunks' statistics added up: the next M-step's n_j and Σx, the cost, the variances' sums. */
  private readonly total: Float64Array;
  private readonly variance: Float64Array;
  private readonly weight: Float64Array;
  /** n_j of the last M-step, for its variances. */
  private readonly size: Float64Array;
  /** Whether the variances of the last M-step are still to be summed (they are, by the next E-step or by mixture()). */
  private variancesPending = false;

  /** `runnerFor` lets a caller spread the chunks over threads; by default they run here. */
  constructor(
    private readonly data: PreparedData,
    start: Mixture,
    options: KMeansOptions = {},
    runnerFor: RunnerFactory = localRunner,
  ) {
    if (data.missingIndex) throw new Error('k-means needs complete data');
    const { d } = data;
    const k = start.k;
    this.k = k;
    this.layout = kmeansLayout(data, k);
    this.at = kmeansStats(k, d);
    this.buffers = kmeansBuffers(this.layout, runnerFor !== localRunner);
    shiftMeans(start.mu, k, data, 1, this.buffers.mu);
    this.buffers.bounds[KMEANS_BOUNDS.slack] = screenSlack(d);
    this.variance = (start.covariance as SphericalCovariance).variances.slice();
    this.weight = start.p.slice();
    this.size = new Float64Array(k);
    this.total = new Float64Array(this.layout.statsSize);
    this.runner = runnerFor(data, this.layout, { family: 'kmeans', buffers: this.buffers }, kmeansKernel, options.kernel);
  }

  /** Every row's cluster at the last E-step. */
  get label(): Int32Array {
    return this.buffers.label;
  }

  /** k-means has no floor. */
  readonly flooredVariances = 0;

  /** A cluster with one distinct point is a valid k-means fit; its Gaussian reading is checked by the fit. */
  degeneracy(): string | null {
    return null;
  }

  expectation(): number {
    const { d } = this.data;
    const { k, buffers, total, at } = this;
    const { mu, muNorm, bounds } = buffers;
    // The last M-step's variances are summed over its clusters (the labels about to be replaced) in this pass.
    const variances = this.variancesPending;
    bounds[KMEANS_BOUNDS.maxNorm] = squaredNorms(mu, k, d, muNorm);
    bounds[KMEANS_BOUNDS.deviation] = variances ? 1 : 0;
    this.runner.runAll(0);
    addChunks(this.layout, buffers.stats, total);
    if (variances) this.settleVariances();
    return total[at.cost];
  }

  maximization(): void {
    const { n, d } = this.data;
    const { k, size, weight, total, at } = this;
    const mu = this.buffers.mu;
    for (let j = 0; j < k; j++) {
      const count = total[at.count + j];
      weight[j] = count / n;
      size[j] = count;
      if (count > 0) for (let i = 0; i < d; i++) mu[j * d + i] = total[at.sum + j * d + i] / count;
    }
    this.variancesPending = true;
  }

  /** var_j of the last M-step from the deviations summed (Σ over cluster j of the squared distances to its new mean); an empty cluster keeps its previous one. */
  private settleVariances(): void {
    const { d } = this.data;
    const { k, size, variance, total, at } = this;
    for (let j = 0; j < k; j++) if (size[j] > 0) variance[j] = total[at.deviation + j] / (d * size[j]);
    this.variancesPending = false;
  }

  /** The last M-step's variances, when no E-step has summed them yet: one pass over the rows in their clusters (the kernel's phase 1). */
  private variancesNow(): void {
    if (!this.variancesPending) return;
    this.runner.runAll(1);
    // Phase 1 sums only the deviations (the cost and n_j before them read 0; the next E-step sums them again).
    addChunks(this.layout, this.buffers.stats, this.total, this.at.deviation + this.k);
    this.settleVariances();
  }

  /**
   * A Gaussian start from the clusters: their means, p_j = n_j/n, and each cluster's
   * own spread in the family's shape plus `reg`. A cluster too small to have a
   * spread (fewer than two distinct rows) keeps `fallback`'s covariance.
   */
  clusterMixture(family: Family, reg: RegCovar, fallback: Mixture): Mixture {
    const { n } = this.data;
    const { k, label } = this;
    const mu = this.buffers.mu;
    const count = new Float64Array(k);
    for (let u = 0; u < n; u++) count[label[u]]++;
    const covariance = family.clusterCovariances(this.data, label, mu, k, reg, fallback.covariance);
    return { k, d: this.data.d, mu: shiftMeans(mu, k, this.data, -1), p: Float64Array.from(count, (c) => c / n), covariance };
  }

  mixture(): Mixture {
    this.variancesNow();
    const { k } = this;
    const { d } = this.data;
    return { k, d, mu: shiftMeans(this.buffers.mu, k, this.data, -1), p: this.weight.slice(), covariance: { family: KMEANS_COVARIANCE, variances: this.variance.slice() } as SphericalCovariance };
  }
}

