import { DataError } from '../core/errors';
import { sparseFamily } from '../models/families';
import { prepareSparse } from '../models/sparse';
import type { Ratings } from '../io/ratings';
import type { RatingsModel } from '../io/ratings-model';

export interface RecommendRequest {
  /** How many unseen items per user. */
  readonly top: number;
  /** Only these users (ids as in the file); default every user in the file. */
  readonly users?: readonly string[];
}

/** One user's recommendations, best first. */
export interface UserRecommendations {
  readonly user: string;
  readonly items: ReadonlyArray<{ readonly item: string; readonly score: number }>;
}

export interface RecommendOutcome {
  /** Per user, in the file's order (or --user's), made as they are written. */
  readonly users: Iterable<UserRecommendations>;
  /** Ratings of items the model does not know (they cannot inform a posterior, and are skipped). */
  readonly unknownItemRatings: number;
  /** Users the model was not fitted on (their bias and posterior come from these ratings alone). */
  readonly newUsers: number;
}

/**
 * The `top` best unseen items of each user under a ratings model. Each user's bias is one ALS
 * step from their ratings in the file (for a user of the training set with the same ratings,
 * the model's own b_u), their posterior over the user types comes from those ratings, and an
 * item's score is the model's prediction: μ + b_u + b_i + Σ_j post_j·mu_ji (center bias) or
 * Σ_j post_j·mu_ji (center none), clipped as the model clips. Items the user rated in the file,
 * and items with no training rating, are not recommended. Ties go to the item seen first in training.
 */
export function recommend(model: RatingsModel, ratings: Ratings, request: RecommendRequest, source: string): RecommendOutcome {
  const { mixture, baseline, center } = model;
  const { k, d, mu } = mixture;
  const itemIndex = new Map(model.itemIds.map((id, i) => [id, i]));
  const fileToModel = Int32Array.from(ratings.itemIds, (id) => itemIndex.get(id) ?? -1);
  const userOrder = request.users
    ? request.users.map((id) => {
        const u = ratings.userIds.indexOf(id);
        if (u < 0) throw new DataError(`${source}: user ${JSON.stringify(id)} has no ratings in the file, so there is nothing to base a recommendation on`);
        return u;
      })
    : Array.from({ length: ratings.users }, (_, u) => u);
  const knownUsers = new Map(model.userIds.map((id, u) => [id, u]));

  // The chosen users' ratings of known items, as rows over the model's items, with their values as fitted.
  const n = userOrder.length;
  const rowStart = new Int32Array(n + 1);
  let unknownItemRatings = 0;
  for (let r = 0; r < n; r++) {
    const u = userOrder[r];
    let count = 0;
    for (let t = ratings.rowStart[u]; t < ratings.rowStart[u + 1]; t++) if (fileToModel[ratings.itemIndex[t]] >= 0) count++;
    unknownItemRatings += ratings.rowStart[u + 1] - ratings.rowStart[u] - count;
    rowStart[r + 1] = rowStart[r] + count;
  }
  const items = new Int32Array(rowStart[n]);
  const values = new Float64Array(rowStart[n]);
  const userBias = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const u = userOrder[r];
    // Within a row the items ascend, as the fit's rows do.
    const row: Array<[number, number]> = [];
    for (let t = ratings.rowStart[u]; t < ratings.rowStart[u + 1]; t++) {
      const i = fileToModel[ratings.itemIndex[t]];
      if (i >= 0) row.push([i, ratings.rating[t]]);
    }
    row.sort((a, b) => a[0] - b[0]);
    let sum = 0;
    for (const [i, v] of row) sum += v - baseline.mean - baseline.item[i];
    userBias[r] = row.length > 0 ? sum / (baseline.regUser + row.length) : 0;
    let t = rowStart[r];
    for (const [i, v] of row) {
      items[t] = i;
      values[t++] = center === 'bias' ? v - baseline.mean - userBias[r] - baseline.item[i] : v;
    }
  }
  const data = prepareSparse({ users: n, items: d, rowStart, itemIndex: items }, (t) => values[t]);
  const posterior = sparseFamily(mixture.covariance.family).expectation(data, mixture).posterior;
  const newUsers = userOrder.filter((u) => !knownUsers.has(ratings.userIds[u])).length;
  const top = request.top;
  const clip = model.clip;

  function* perUser(): Generator<UserRecommendations> {
    const score = new Float64Array(d);
    const seen = new Uint8Array(d);
    const best = new Int32Array(top);
    for (let r = 0; r < n; r++) {
      const u = userOrder[r];
      seen.fill(0);
      for (let t = rowStart[r]; t < rowStart[r + 1]; t++) seen[items[t]] = 1;
      for (let t = ratings.rowStart[u]; t < ratings.rowStart[u + 1]; t++) {
        const i = fileToModel[ratings.itemIndex[t]];
        if (i >= 0) seen[i] = 1;
      }
      const base = center === 'bias' ? baseline.mean + userBias[r] : 0;
      let count = 0;
      for (let i = 0; i < d; i++) {
        if (seen[i] || !(baseline.itemCount[i] > 0)) continue;
        let v = base + (center === 'bias' ? baseline.item[i] : 0);
        for (let j = 0; j < k; j++) v += posterior[r * k + j] * mu[j * d + i];
        if (clip) v = Math.min(clip.max, Math.max(clip.min, v));
        score[i] = v;
        // Keep the best `top` so far, sorted (a higher score first, then the earlier item).
        if (count < top) count++;
        else if (!(v > score[best[count - 1]])) continue;
        let p = count - 1;
        while (p > 0 && v > score[best[p - 1]]) {
          best[p] = best[p - 1];
          p--;
        }
        best[p] = i;
      }
      const chosen = Array.from(best.subarray(0, count), (i) => ({ item: model.itemIds[i], score: score[i] }));
      yield { user: ratings.userIds[u], items: chosen };
    }
  }
  return { users: perUser(), unknownItemRatings, newUsers };
}
