import { baselinePrediction, type Baseline, type Means } from './baseline';
import type { Mixture } from './mixture';
import type { RatingPairs } from './rating-split';

/** Predictions are bounded to [min, max] (the observed rating range by default, as Surprise clips to its scale). */
export interface Clip {
  readonly min: number;
  readonly max: number;
}

function clipped(v: number, clip: Clip | null): number {
  return clip ? Math.min(clip.max, Math.max(clip.min, v)) : v;
}

/**
 * The mixture's predictions for the pairs: for a known user and item, Σ_j post(j|u)·mu_ji,
 * plus the baseline when the mixture was fitted to its residuals (`centred`). A pair with an
 * unknown user or item (index −1, or no training rating: `known`) falls back to the bias
 * baseline, which then uses the side it knows.
 */
export function mixturePredictions(
  pairs: RatingPairs,
  mixture: Mixture,
  posterior: Float64Array,
  baseline: Baseline,
  centred: boolean,
  clip: Clip | null,
): Float64Array {
  const { k, d, mu } = mixture;
  const out = new Float64Array(pairs.count);
  for (let t = 0; t < pairs.count; t++) {
    const u = pairs.user[t];
    const i = pairs.item[t];
    const knownUser = u >= 0 && baseline.userCount[u] > 0;
    const knownItem = i >= 0 && baseline.itemCount[i] > 0;
    if (!knownUser || !knownItem) {
      out[t] = clipped(baselinePrediction(baseline, knownUser ? u : -1, knownItem ? i : -1), clip);
      continue;
    }
    let v = centred ? baselinePrediction(baseline, u, i) : 0;
    for (let j = 0; j < k; j++) v += posterior[u * k + j] * mu[j * d + i];
    out[t] = clipped(v, clip);
  }
  return out;
}

/** The four baselines' predictions for the pairs: the global mean, the user's mean, the item's mean, the bias baseline. */
export function baselinePredictions(pairs: RatingPairs, means: Means, baseline: Baseline, clip: Clip | null): Record<'global' | 'user' | 'item' | 'bias', Float64Array> {
  const n = pairs.count;
  const global = new Float64Array(n);
  const user = new Float64Array(n);
  const item = new Float64Array(n);
  const bias = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const u = pairs.user[t];
    const i = pairs.item[t];
    const knownUser = u >= 0 && baseline.userCount[u] > 0;
    const knownItem = i >= 0 && baseline.itemCount[i] > 0;
    global[t] = clipped(means.global, clip);
    user[t] = clipped(knownUser ? means.user[u] : means.global, clip);
    item[t] = clipped(knownItem ? means.item[i] : means.global, clip);
    bias[t] = clipped(baselinePrediction(baseline, knownUser ? u : -1, knownItem ? i : -1), clip);
  }
  return { global, user, item, bias };
}

/** RMSE and MAE of predictions against the pairs' ratings. */
export function errors(pairs: RatingPairs, predicted: Float64Array): { rmse: number; mae: number } {
  const rating = pairs.rating!;
  let sq = 0;
  let abs = 0;
  for (let t = 0; t < pairs.count; t++) {
    const e = predicted[t] - rating[t];
    sq += e * e;
    abs += Math.abs(e);
  }
  return pairs.count > 0 ? { rmse: Math.sqrt(sq / pairs.count), mae: abs / pairs.count } : { rmse: NaN, mae: NaN };
}

/** How many pairs fall back: unknown user only, unknown item only, both. */
export function fallbacks(pairs: RatingPairs, baseline: Baseline): { unknownUser: number; unknownItem: number; unknownBoth: number } {
  let unknownUser = 0;
  let unknownItem = 0;
  let unknownBoth = 0;
  for (let t = 0; t < pairs.count; t++) {
    const u = pairs.user[t];
    const i = pairs.item[t];
    const ku = u >= 0 && baseline.userCount[u] > 0;
    const ki = i >= 0 && baseline.itemCount[i] > 0;
    if (!ku && !ki) unknownBoth++;
    else if (!ku) unknownUser++;
    else if (!ki) unknownItem++;
  }
  return { unknownUser, unknownItem, unknownBoth };
}
