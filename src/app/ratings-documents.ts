import { modelName } from '../io/model';
import { ratingsModelDocument } from '../io/ratings-model';
import { fitToJson } from './documents';
import type { HeldOut, RatingsOutcome } from './ratings';

/** The held-out report as the JSON holds it: `completion.heldout`. */
export function heldOutToJson(h: HeldOut): Record<string, unknown> {
  const e = (x: { rmse: number; mae: number }) => ({ rmse: x.rmse, mae: x.mae });
  return {
    ratings: h.ratings,
    rmse: h.rmse,
    mae: h.mae,
    baselines: { global: e(h.baselines.global), user: e(h.baselines.user), item: e(h.baselines.item), bias: e(h.baselines.bias) },
    fallbacks: h.fallbacks,
  };
}

/** The whole result of a ratings fit (what `--json` prints). */
export function ratingsDocument(outcome: RatingsOutcome, output?: string): Record<string, unknown> {
  const { result, ratings, train, settings } = outcome;
  const r = ratings.ratings;
  return {
    input: {
      path: ratings.source,
      format: 'ratings',
      users: r.users,
      items: r.items,
      ratings: r.nnz,
      trainingRatings: train.rating.length,
      delimiter: r.delimiter,
      ...(r.columns ? { columns: r.columns } : {}),
    },
    settings: { ...settings },
    fits: result.fits.map(fitToJson),
    best: result.best.map((fit) => ({ covariance: modelName(fit), k: fit.k, seed: fit.seed, logLikelihood: fit.logLikelihood, bic: fit.bic, aic: fit.aic })),
    selected: { covariance: modelName(result.selected), k: result.selected.k, seed: result.selected.seed, criterion: settings.criterion },
    ...(outcome.validation ? { validation: outcome.validation } : {}),
    completion: {
      ...(output !== undefined ? { output } : {}),
      ...(outcome.heldOut ? { heldout: heldOutToJson(outcome.heldOut) } : {}),
    },
  };
}

/** The selected fit as a ratings model document (what `fit --ratings --out` writes), for recommend. */
export function ratingsModel(outcome: RatingsOutcome): Record<string, unknown> {
  const fit = outcome.result.selected;
  const r = outcome.ratings.ratings;
  const options: Record<string, unknown> = { ...outcome.settings };
  delete options.jobs;
  return ratingsModelDocument({
    mixture: fit.mixture,
    center: outcome.center,
    baseline: outcome.baseline,
    clip: outcome.clip,
    userIds: r.userIds,
    itemIds: r.itemIds,
    read: { ...outcome.ratings.read },
    options,
    fit: { seed: fit.seed, users: r.users, ratings: outcome.train.rating.length, logLikelihood: fit.logLikelihood, bic: fit.bic, aic: fit.aic, iterations: fit.iterations, converged: fit.converged, stop: fit.stop },
  });
}
