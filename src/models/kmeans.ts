import type { FitState } from './fit-state';
import type { Mixture } from './mixture';
import { shiftMeans, type PreparedData } from './data';
import { KMEANS_COVARIANCE, type Family, type SphericalCovariance } from './families';

/**
 * k-means as the course writes it (its own model, read as a spherical mixture): hard-assign each row to its nearest mean
 * (ties to the lower index), cost = Σ squared distance to the assigned mean;
 * then each mean becomes its cluster's average. The mixture it reports also
 * carries p_j = n_j/n and var_j = Σ‖x − mu_j‖² / (d·n_j) over the cluster.
 * A cluster that loses every row keeps its previous mean and variance.
 * Needs complete data.
 */
export class KMeansState implements FitState {
  private readonly k: number;
  private readonly mu: Float64Array; // K×d, centred coordinates
  private readonly variance: Float64Array;
  private readonly weight: Float64Array;
  private readonly label: Int32Array;
  private readonly count: Float64Array;
  private readonly sum: Float64Array;
  private readonly deviation: Float64Array;

  constructor(private readonly data: PreparedData, start: Mixture) {
    if (data.missingIndex) throw new Error('k-means needs complete data');
    const { n, d } = data;
    const k = start.k;
    this.k = k;
    this.mu = shiftMeans(start.mu, k, data, 1);
    this.variance = (start.covariance as SphericalCovariance).variances.slice();
    this.weight = start.p.slice();
    this.label = new Int32Array(n);
    this.count = new Float64Array(k);
    this.sum = new Float64Array(k * d);
    this.deviation = new Float64Array(k);
  }

  /** k-means has no floor. */
  readonly flooredVariances = 0;

  /** A cluster with one distinct point is a valid k-means fit; its Gaussian reading is checked by the fit. */
  degeneracy(): string | null {
    return null;
  }

  expectation(): number {
    const { n, d, x } = this.data;
    const { k, mu, label } = this;
    let cost = 0;
    for (let u = 0; u < n; u++) {
      let best = 0;
      let bestDist = Infinity;
      for (let j = 0; j < k; j++) {
        let dist = 0;
        for (let i = 0; i < d; i++) {
          const diff = x[u * d + i] - mu[j * d + i];
          dist += diff * diff;
        }
        if (dist < bestDist) {
          bestDist = dist;
          best = j;
        }
      }
      label[u] = best;
      cost += bestDist;
    }
    return cost;
  }

  maximization(): void {
    const { n, d, x } = this.data;
    const { k, mu, label, count, sum, deviation, variance, weight } = this;
    count.fill(0);
    sum.fill(0);
    for (let u = 0; u < n; u++) {
      const j = label[u];
      count[j]++;
      for (let i = 0; i < d; i++) sum[j * d + i] += x[u * d + i];
    }
    for (let j = 0; j < k; j++) {
      weight[j] = count[j] / n;
      if (count[j] > 0) for (let i = 0; i < d; i++) mu[j * d + i] = sum[j * d + i] / count[j];
    }
    deviation.fill(0);
    for (let u = 0; u < n; u++) {
      const j = label[u];
      let dist = 0;
      for (let i = 0; i < d; i++) {
        const diff = x[u * d + i] - mu[j * d + i];
        dist += diff * diff;
      }
      deviation[j] += dist;
    }
    for (let j = 0; j < k; j++) if (count[j] > 0) variance[j] = deviation[j] / (d * count[j]);
  }

  /**
   * A Gaussian start from the clusters: their means, p_j = n_j/n, and each cluster's
   * own spread in the family's shape plus `reg`. A cluster too small to have a
   * spread (fewer than two distinct rows) keeps `fallback`'s covariance.
   */
  clusterMixture(family: Family, reg: number, fallback: Mixture): Mixture {
    const { n } = this.data;
    const { k, mu, label } = this;
    const count = new Float64Array(k);
    for (let u = 0; u < n; u++) count[label[u]]++;
    const covariance = family.clusterCovariances(this.data, label, mu, k, reg, fallback.covariance);
    return { k, d: this.data.d, mu: shiftMeans(mu, k, this.data, -1), p: Float64Array.from(count, (c) => c / n), covariance };
  }

  mixture(): Mixture {
    const { k } = this;
    const { d } = this.data;
    return { k, d, mu: shiftMeans(this.mu, k, this.data, -1), p: this.weight.slice(), covariance: { family: KMEANS_COVARIANCE, variances: this.variance.slice() } as SphericalCovariance };
  }
}
