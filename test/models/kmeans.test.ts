/**
 * KMeansState finds each row's mean through products (‖x‖² − 2·x·mu + ‖mu‖², screened with a
 * rounding bound) but must report exactly what the direct sums Σ_i (x_i − mu_ji)² give: the same
 * assignments (ties to the lower index), costs, means, weights and variances, bit for bit. The
 * reference below is the direct algorithm as KMeansState had it before the products, with its
 * sums cut as the kernels cut the rows (kernels/layout.ts chunkLayout): each sum runs over one
 * chunk's rows in order from 0, and the chunks' sums are added in chunk order.
 */
import fc from 'fast-check';
import { fromRows } from '../../src/core/matrix';
import { prepareData, shiftMeans, type PreparedData } from '../../src/models/data';
import { KMeansState, screenSlack } from '../../src/models/kmeans';
import { kmeansLayout } from '../../src/models/kernels/kmeans';
import { randomInit } from '../../src/models/start';
import type { Mixture } from '../../src/models/mixture';
import type { SphericalCovariance } from '../../src/models/families';
import { mixtureOf, varOf } from '../helpers/mixture';

/** The direct k-means: every distance as Σ_i (x_i − mu_ji)², in that order. */
class DirectKMeans {
  readonly mu: Float64Array;
  readonly variance: Float64Array;
  readonly weight: Float64Array;
  readonly label: Int32Array;

  constructor(
    private readonly data: PreparedData,
    start: Mixture,
  ) {
    this.mu = shiftMeans(start.mu, start.k, data, 1);
    this.variance = (start.covariance as SphericalCovariance).variances.slice();
    this.weight = start.p.slice();
    this.label = new Int32Array(data.n);
    this.chunkRows = kmeansLayout(data, start.k).chunkRows;
  }

  private readonly chunkRows: number;

  /** Σ over the rows of add(u, part) into `out`, chunk by chunk: each chunk's sums from 0 in row order, then added to `out` in chunk order. */
  private chunked(out: Float64Array, add: (u: number, part: Float64Array) => void): void {
    const part = new Float64Array(out.length);
    for (let from = 0; from < this.data.n; from += this.chunkRows) {
      part.fill(0);
      for (let u = from; u < Math.min(this.data.n, from + this.chunkRows); u++) add(u, part);
      for (let t = 0; t < out.length; t++) out[t] += part[t];
    }
  }

  private dist(u: number, j: number): number {
    const { d, x } = this.data;
    let s = 0;
    for (let i = 0; i < d; i++) {
      const diff = x[u * d + i] - this.mu[j * d + i];
      s += diff * diff;
    }
    return s;
  }

  expectation(): number {
    const k = this.weight.length;
    const cost = new Float64Array(1);
    this.chunked(cost, (u, part) => {
      let best = 0;
      let bestDist = Infinity;
      for (let j = 0; j < k; j++) {
        const dist = this.dist(u, j);
        if (dist < bestDist) {
          bestDist = dist;
          best = j;
        }
      }
      this.label[u] = best;
      part[0] += bestDist;
    });
    return cost[0];
  }

  maximization(): void {
    const { n, d, x } = this.data;
    const k = this.weight.length;
    const count = new Float64Array(k);
    for (let u = 0; u < n; u++) count[this.label[u]]++;
    const sum = new Float64Array(k * d);
    this.chunked(sum, (u, part) => {
      for (let i = 0; i < d; i++) part[this.label[u] * d + i] += x[u * d + i];
    });
    for (let j = 0; j < k; j++) {
      this.weight[j] = count[j] / n;
      if (count[j] > 0) for (let i = 0; i < d; i++) this.mu[j * d + i] = sum[j * d + i] / count[j];
    }
    const deviation = new Float64Array(k);
    this.chunked(deviation, (u, part) => {
      part[this.label[u]] += this.dist(u, this.label[u]);
    });
    for (let j = 0; j < k; j++) if (count[j] > 0) this.variance[j] = deviation[j] / (d * count[j]);
  }

  mixture(): { mu: number[]; p: number[]; variances: number[] } {
    const k = this.weight.length;
    return { mu: Array.from(shiftMeans(this.mu, k, this.data, -1)), p: Array.from(this.weight), variances: Array.from(this.variance) };
  }
}

const plain = (m: Mixture) => ({ mu: Array.from(m.mu), p: Array.from(m.p), variances: Array.from(varOf(m)) });

/**
 * Both states from the same start, E-step and M-step in turn until the cost stops falling (or
 * `iterations`): every cost, every mixture (read after each M-step, or only at the end when
 * `readEachStep` is false: the variances are then summed by the next E-step) and the final
 * clusters must be identical.
 */
function expectSameFit(rows: number[][], start: Mixture, { iterations = 60, readEachStep = true } = {}): number[] {
  const data = prepareData(fromRows(rows));
  const fast = new KMeansState(data, start);
  const direct = new DirectKMeans(data, start);
  const trace: number[] = [];
  for (let it = 0; it < iterations; it++) {
    const cost = fast.expectation();
    expect(cost).toBe(direct.expectation());
    fast.maximization();
    direct.maximization();
    if (readEachStep) expect(plain(fast.mixture())).toEqual(direct.mixture());
    trace.push(cost);
    if (it > 0 && trace[it - 1] - cost <= 0) break;
  }
  expect(plain(fast.mixture())).toEqual(direct.mixture());
  const clusters = fast.clusterMixture({ clusterCovariances: () => start.covariance } as never, 0, start);
  expect(Array.from(clusters.p)).toEqual(Array.from(direct.label.reduce((c, j) => (c[j]++, c), new Array(start.k).fill(0)), (c) => c / rows.length));
  return trace;
}

const startAt = (mu: number[][], variances = mu.map(() => 1)): Mixture =>
  mixtureOf({ k: mu.length, d: mu[0].length, covariance: 'spherical', mu: mu.flat(), var: variances, p: mu.map(() => 1 / mu.length) });

describe('k-means through products gives the direct sums’ results, bit for bit', () => {
  test('an exact tie goes to the lower index', () => {
    // Row (1) is 1 from both means: cluster 1; row (3) is nearer mean 2.
    const trace = expectSameFit([[0], [1], [2], [3]], startAt([[0], [2]]), { iterations: 1 });
    expect(trace).toEqual([0 + 1 + 0 + 1]);
    const state = new KMeansState(prepareData(fromRows([[0], [1], [2], [3]])), startAt([[0], [2]]));
    state.expectation();
    state.maximization();
    expect(Array.from(state.mixture().p)).toEqual([0.5, 0.5]); // (0, 1) and (2, 3)
  });

  test('ties in many dimensions, duplicate rows and duplicate means', () => {
    const rows = [
      [1, 1, 0],
      [1, 1, 0],
      [0, 0, 0],
      [2, 2, 0],
      [1, 1, 1],
      [1, 1, -1],
      [0, 2, 0],
      [2, 0, 0],
    ];
    // Two means on the same point: the second never gets a row, and keeps its start mean and variance.
    const trace = expectSameFit(rows, startAt([[0, 0, 0], [2, 2, 0], [2, 2, 0]], [1, 2, 3]));
    expect(trace.length).toBeGreaterThan(1);
    const state = new KMeansState(prepareData(fromRows(rows)), startAt([[0, 0, 0], [2, 2, 0], [2, 2, 0]], [1, 2, 3]));
    state.expectation();
    state.maximization();
    const m = state.mixture();
    expect(m.p[2]).toBe(0);
    expect(Array.from(m.mu.subarray(6, 9))).toEqual([2, 2, 0]);
    expect(varOf(m)[2]).toBe(3);
  });

  test('a row nearly halfway between two means, closer than the screen can tell: the direct sums decide', () => {
    // Means 0 and 1 in each of 4 columns; rows at 0.5 ± a few units in the last place of the distances.
    const d = 4;
    const rows: number[][] = [];
    for (let t = -6; t <= 6; t++) rows.push(new Array(d).fill(0.5 + t * Number.EPSILON));
    rows.push(new Array(d).fill(0), new Array(d).fill(1));
    const gap = 2 * screenSlack(d) * d; // about the screen's margin here
    expect(Math.abs(rows[0][0] - 0.5) * 2 * d).toBeLessThan(gap);
    expectSameFit(rows, startAt([new Array(d).fill(0), new Array(d).fill(1)]), { iterations: 1 });
  });

  test('data far from the origin and at large and small scales', () => {
    for (const [offset, scale] of [
      [1e8, 1],
      [0, 1e100],
      [0, 1e-100],
      [-3e5, 1e-3],
    ]) {
      const rows = Array.from({ length: 40 }, (_, u) => [offset + scale * ((u * 7) % 11), offset + scale * ((u * 5) % 13) * 0.5, offset + scale * (u % 3)]);
      expectSameFit(rows, randomInit(fromRows(rows), 4, 1).mixture);
    }
  });

  test('random tables (integers with many ties, or blobs), random K and starts; the mixture read after every M-step or only at the end', () => {
    fc.assert(
      fc.property(
        fc.record({
          n: fc.integer({ min: 4, max: 70 }),
          d: fc.integer({ min: 1, max: 6 }),
          k: fc.integer({ min: 1, max: 7 }),
          seed: fc.integer({ min: 0, max: 1000 }),
          integers: fc.boolean(),
          readEachStep: fc.boolean(),
          values: fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: 70 * 6, maxLength: 70 * 6 }),
        }),
        ({ n, d, k, seed, integers, readEachStep, values }) => {
          const rows = Array.from({ length: n }, (_, u) => Array.from({ length: d }, (_, i) => (integers ? Math.round(values[u * d + i]) : values[u * d + i])));
          const m = fromRows(rows);
          expectSameFit(rows, randomInit(m, Math.min(k, n), seed).mixture, { readEachStep });
          expectSameFit(rows, randomInit(m, Math.min(k, n), seed, { method: 'kmeans++' }).mixture, { readEachStep });
        },
      ),
      { seed: 20240615, numRuns: 300 },
    );
  });

  test('many rows (several blocks of the E-step, and a last partial one)', () => {
    const rows = Array.from({ length: 1234 }, (_, u) => [Math.sin(u) * 3 + (u % 4), Math.cos(u * 1.3) + (u % 3), ((u * 37) % 101) / 10]);
    expectSameFit(rows, randomInit(fromRows(rows), 6, 3).mixture, { readEachStep: false });
    expectSameFit(rows, randomInit(fromRows(rows), 6, 3).mixture);
  });
});
