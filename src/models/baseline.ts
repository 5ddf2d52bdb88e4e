import type { SparseRows } from './sparse';

/**
 * The regularised user + item bias baseline, r̂_ui = μ + b_u + b_i, fitted by alternating
 * least squares as Surprise's BaselineOnly (method 'als'): b_u = b_i = 0, then each epoch
 *   b_i = Σ_{u∈R(i)} (r_ui − μ − b_u) / (λ_i + |R(i)|),  then
 *   b_u = Σ_{i∈R(u)} (r_ui − μ − b_i) / (λ_u + |R(u)|),
 * with Surprise's defaults λ_i = 10, λ_u = 15 and 10 epochs. A user or item with no
 * rating has bias 0, so an unknown user is predicted by the item's bias and the reverse.
 */
export interface Baseline {
  readonly mean: number;
  readonly user: Float64Array;
  readonly item: Float64Array;
  /** Ratings per user and per item (0: unknown, predicted by the other side's bias alone). */
  readonly userCount: Float64Array;
  readonly itemCount: Float64Array;
  readonly regUser: number;
  readonly regItem: number;
  readonly epochs: number;
}

export interface BaselineOptions {
  readonly regUser: number;
  readonly regItem: number;
  readonly epochs: number;
}

/** Surprise's BaselineOnly ALS defaults. */
export const BIAS_DEFAULTS: BaselineOptions = { regUser: 15, regItem: 10, epochs: 10 };

/** The bias baseline of rating rows (rating(t) is the t-th rating, in row order). */
export function fitBaseline(rows: SparseRows, rating: ArrayLike<number>, options: BaselineOptions = BIAS_DEFAULTS): Baseline {
  const { users: n, items: d, rowStart, itemIndex } = rows;
  const nnz = rowStart[n];
  let total = 0;
  for (let t = 0; t < nnz; t++) total += rating[t];
  const mean = nnz > 0 ? total / nnz : 0;
  const user = new Float64Array(n);
  const item = new Float64Array(d);
  const userCount = new Float64Array(n);
  const itemCount = new Float64Array(d);
  for (let u = 0; u < n; u++) userCount[u] = rowStart[u + 1] - rowStart[u];
  for (let t = 0; t < nnz; t++) itemCount[itemIndex[t]]++;
  const itemSum = new Float64Array(d);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    itemSum.fill(0);
    addItemResiduals(rows, rating, mean, user, itemSum);
    itemBiases(itemSum, itemCount, options.regItem, item);
    userBiases(rows, rating, mean, item, options.regUser, user);
  }
  return { mean, user, item, userCount, itemCount, ...options };
}

/**
 * Half an ALS epoch: Σ_{u∈R(i)} (r_ui − μ − b_u) added into `sum`, per item, user by user
 * in row order (`user`: b_u of each row). Over shards of users each shard adds its own.
 */
export function addItemResiduals(rows: SparseRows, rating: ArrayLike<number>, mean: number, user: ArrayLike<number>, sum: Float64Array): void {
  const { users: n, rowStart, itemIndex } = rows;
  for (let u = 0; u < n; u++) {
    const bu = user[u];
    for (let t = rowStart[u], end = rowStart[u + 1]; t < end; t++) sum[itemIndex[t]] += rating[t] - mean - bu;
  }
}

/** The other half's item side: b_i = sum_i / (λ_i + |R(i)|), into `item`. */
export function itemBiases(sum: ArrayLike<number>, count: ArrayLike<number>, regItem: number, item: Float64Array): void {
  for (let i = 0; i < item.length; i++) item[i] = sum[i] / (regItem + count[i]);
}

/** b_u = Σ_{i∈R(u)} (r_ui − μ − b_i) / (λ_u + |R(u)|) for each row, into `user`: a user's bias needs only their own ratings and the items' biases. */
export function userBiases(rows: SparseRows, rating: ArrayLike<number>, mean: number, item: ArrayLike<number>, regUser: number, user: Float64Array): void {
  const { users: n, rowStart, itemIndex } = rows;
  for (let u = 0; u < n; u++) {
    let sum = 0;
    for (let t = rowStart[u], end = rowStart[u + 1]; t < end; t++) sum += rating[t] - mean - item[itemIndex[t]];
    user[u] = sum / (regUser + (rowStart[u + 1] - rowStart[u]));
  }
}

/** The baseline's prediction μ + b_u + b_i; an index < 0 (an id the training ratings do not have) adds no bias. */
export function baselinePrediction(b: Baseline, u: number, i: number): number {
  return b.mean + (u >= 0 ? b.user[u] : 0) + (i >= 0 ? b.item[i] : 0);
}

/** Each rating's residual from the baseline, r_ui − (μ + b_u + b_i), in row order. */
export function residuals(rows: SparseRows, rating: ArrayLike<number>, b: Baseline): Float64Array {
  const { users: n, rowStart, itemIndex } = rows;
  const out = new Float64Array(rowStart[n]);
  for (let u = 0; u < n; u++) {
    const bu = b.mean + b.user[u];
    for (let t = rowStart[u], end = rowStart[u + 1]; t < end; t++) out[t] = rating[t] - bu - b.item[itemIndex[t]];
  }
  return out;
}

/** The simple baselines' statistics: each user's and item's mean rating (the global mean where it has none). */
export interface Means {
  readonly global: number;
  readonly user: Float64Array;
  readonly item: Float64Array;
}

export function ratingMeans(rows: SparseRows, rating: ArrayLike<number>): Means {
  const { users: n, items: d, rowStart, itemIndex } = rows;
  const nnz = rowStart[n];
  const user = new Float64Array(n);
  const item = new Float64Array(d);
  const itemCount = new Float64Array(d);
  let total = 0;
  for (let u = 0; u < n; u++) {
    let sum = 0;
    for (let t = rowStart[u], end = rowStart[u + 1]; t < end; t++) {
      sum += rating[t];
      item[itemIndex[t]] += rating[t];
      itemCount[itemIndex[t]]++;
    }
    total += sum;
    user[u] = sum;
  }
  const global = nnz > 0 ? total / nnz : 0;
  for (let u = 0; u < n; u++) {
    const count = rowStart[u + 1] - rowStart[u];
    user[u] = count > 0 ? user[u] / count : global;
  }
  for (let i = 0; i < d; i++) item[i] = itemCount[i] > 0 ? item[i] / itemCount[i] : global;
  return { global, user, item };
}
