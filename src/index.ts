/**
 * gmm-fit as a library: the same application the CLI runs, as functions.
 *
 *     const { readTable, sweep } = require('gmm-fit');
 *     const doc = await sweep(await readTable('data/toy.txt'), { k: [3], seeds: [0] });
 *     doc.fits[0].trace[0]; // -1388.0818…, the document `gmm-fit data/toy.txt --k 3 --seed 0 --json` prints
 */
import { completeTable, completionDocument, fitTable, parseModel, selectedModel, sweepDocument, type CompleteRequest, type FitRequest, type ModelDocument, type NamedTable } from './app';
import { fitRatings as fitRatingsOutcome, readHeldOutRatings as readHeldOut, type NamedRatings, type RatingsReading, type RatingsRequest } from './app/ratings';
import { ratingsDocument, ratingsModel } from './app/ratings-documents';
import { recommend as recommendFor, type RecommendRequest, type UserRecommendations } from './app/recommend';
import { readRatingsModel } from './io/ratings-model';
import type { RatingTriplets } from './io/ratings';

export { readTable, predict, score, sample, DEFAULTS } from './app';
export type { CompleteRequest, FitRequest, ModelDocument, NamedTable, Prediction, SampleBlock, Score, Warning } from './app';
export type { ReadOptions } from './io/table';
export type { Mixture } from './models/mixture';
export type { Covariance, Covariances } from './models/families';
export { DataError, UsageError } from './core/errors';
export { readRatingsFile as readRatings, type NamedRatings, type RatingsReading, type RatingsRequest } from './app/ratings';
export type { RatingsModel } from './io/ratings-model';
export type { RecommendRequest, UserRecommendations } from './app/recommend';
export { readRecommenderModel, readShardModel, shardExpectation, shardMaximization, startOverShards, type ShardModel, type ShardReadGiven, type ShardStartRequest, type ShardStep, type Verdict } from './app/shards';

/** Fits every (K, seed) pair and selects K: the document `gmm-fit FILE --json` prints. */
export async function sweep(table: NamedTable, options: FitRequest = {}): Promise<Record<string, unknown>> {
  return sweepDocument(await fitTable(table, options));
}

/** The same sweep, with the selected fit as a model document (what `fit --out` writes), ready for loadModel, predict and score. */
export async function fit(table: NamedTable, options: FitRequest = {}): Promise<{ document: Record<string, unknown>; model: Record<string, unknown> }> {
  const outcome = await fitTable(table, options);
  return { document: sweepDocument(outcome), model: selectedModel(outcome) };
}

/** Fits, fills the missing cells, and (with `truth`) scores against it: the document `complete --json` prints, and the completed matrix (row-major). */
export async function complete(table: NamedTable, options: CompleteRequest = {}): Promise<{ document: Record<string, unknown>; filled: Float64Array }> {
  const outcome = await completeTable(table, options);
  return { document: completionDocument(outcome), filled: outcome.filled };
}

/**
 * Fits a mixture of user types to rating rows (the sparse EM, after the bias baseline by default) and
 * reports on held-out ratings (`holdout`, or `test` from readHeldOutRatings): the document
 * `fit FILE --ratings --json` prints, and the ratings model `--out` writes.
 */
export async function fitRatings(ratings: NamedRatings, options: RatingsRequest = {}): Promise<{ document: Record<string, unknown>; model: Record<string, unknown> }> {
  const outcome = await fitRatingsOutcome(ratings, options);
  return { document: ratingsDocument(outcome), model: ratingsModel(outcome) };
}

/** Held-out ratings read against a training set's ids (unknown users and items fall back to the baseline). */
export function readHeldOutRatings(path: string, reading: RatingsReading, train: NamedRatings, stdin?: NodeJS.ReadableStream): Promise<RatingTriplets> {
  return readHeldOut(path, reading, train.ratings, stdin);
}

/** Each user's `top` best unseen items under a ratings model (an object as fitRatings returns, or its JSON text), from their ratings. */
export function recommend(model: unknown, ratings: NamedRatings, request: RecommendRequest): Iterable<UserRecommendations> {
  const checked = readRatingsModel(typeof model === 'string' ? JSON.parse(model) : model, '<model>');
  return recommendFor(checked, ratings.ratings, request, ratings.source).users;
}

/** A model document (an object, or its JSON text) checked as `predict -m` checks it; `d`, if given, is the data's column count. */
export function loadModel(json: unknown, d?: number): ModelDocument {
  return parseModel(json, '<model>', d);
}
