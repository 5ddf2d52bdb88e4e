import { availableParallelism } from 'os';
import { DataError, UsageError } from '../core/errors';
import type { Covariance } from '../models/families';
import { sparseFamily } from '../models/families';
import type { KernelName } from '../models/kernels/layout';
import type { SparseData } from '../models/sparse';
import { fitBaseline, ratingMeans, residuals, type Baseline, type Means } from '../models/baseline';
import { splitRatings, type RatedRows, type RatingPairs } from '../models/rating-split';
import { baselinePredictions, errors, fallbacks, mixturePredictions, type Clip } from '../models/rating-predict';
import type { Criterion } from '../fit/criteria';
import type { Fit, SuccessfulFit } from '../fit/fit';
import { runSweep } from '../fit/run';
import type { SweepResult } from '../fit/sweep';
import { readText } from '../io/read';
import { idMap, readRatings, type ColumnChoice, type Duplicates, type Ratings, type RatingTriplets } from '../io/ratings';
import type { Delimiter } from '../io/table';
import { DEFAULTS } from './defaults';
import { warner, type Warning } from './warnings';
import { everyFitFailed, warnAboutFits } from './fit-warnings';

/** How rating rows are fitted: the mixture on the ratings themselves (the course's model), or on their residuals from the bias baseline. */
export type Center = 'bias' | 'none';

/** Ratings as read, with the name of their file for messages. */
export interface NamedRatings {
  readonly source: string;
  readonly ratings: Ratings;
  /** How it was read (the options given, the delimiter found), for a model to read new ratings the same way. */
  readonly read: RatingsReading;
}

/** How a ratings file is read. */
export interface RatingsReading {
  readonly delimiter?: Delimiter;
  readonly header?: boolean;
  readonly user?: ColumnChoice;
  readonly item?: ColumnChoice;
  readonly rating?: ColumnChoice;
  readonly duplicates?: Duplicates;
  readonly decimalComma?: boolean;
}

/** Reads a ratings file (`-`: stdin) into rows by user, ids numbered in order of first appearance. */
export async function readRatingsFile(path: string, reading: RatingsReading, stdin?: NodeJS.ReadableStream): Promise<NamedRatings> {
  if (path === '-' && !stdin) throw new UsageError('reading "-" needs the standard input stream');
  const ratings = await readRatings(path, { ...reading, userIds: undefined, itemIds: undefined }, stdin as NodeJS.ReadableStream);
  return { source: path === '-' ? '<stdin>' : path, ratings, read: { ...reading, delimiter: ratings.delimiter } };
}

/** (user, item) pairs to predict, mapped through the training ids (−1 for an unknown one), with their ids as written. */
export interface NamedPairs {
  readonly pairs: RatingPairs;
  userId(t: number): string;
  itemId(t: number): string;
}

/**
 * A file of pairs to predict, one `user<sep>item` a line (further columns ignored): the
 * delimiter as for ratings (`::`, tab, comma, else blanks), a first line whose user and item
 * are both unknown to the training ratings taken as a header unless `header` says otherwise.
 */
export async function readPairs(path: string, reading: RatingsReading, train: Ratings, stdin?: NodeJS.ReadableStream): Promise<NamedPairs> {
  const source = path === '-' ? '<stdin>' : path;
  const text = await readText(path, stdin as NodeJS.ReadableStream);
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  const first = lines[0] ?? '';
  const sep = reading.delimiter ?? (first.includes('::') ? '::' : first.includes('\t') ? '\t' : first.includes(',') ? ',' : first.includes(';') ? ';' : 'whitespace');
  const split = (line: string) => (sep === 'whitespace' ? line.trim().split(/\s+/) : line.split(sep)).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  const users = idMap(train.userIds);
  const items = idMap(train.itemIds);
  const cells = lines.map(split);
  let start = 0;
  if (reading.header === true) start = 1;
  else if (reading.header === undefined && cells.length > 0 && !users.has(cells[0][0]) && !items.has(cells[0][1] ?? '')) start = 1;
  const rows = cells.slice(start);
  if (rows.length === 0) throw new DataError(`${source}: no pairs to predict`);
  rows.forEach((row, n) => {
    if (row.length < 2 || row[0] === '' || row[1] === '') throw new DataError(`${source}:${n + start + 1}: a pair needs a user and an item`);
  });
  const user = Int32Array.from(rows, (r) => users.get(r[0]) ?? -1);
  const item = Int32Array.from(rows, (r) => items.get(r[1]) ?? -1);
  return { pairs: { count: rows.length, user, item, rating: null }, userId: (t) => rows[t][0], itemId: (t) => rows[t][1] };
}

/** Reads held-out ratings against the training ratings' ids: unknown users and items get −1 and are counted. */
export async function readHeldOutRatings(path: string, reading: RatingsReading, train: Ratings, stdin?: NodeJS.ReadableStream): Promise<RatingTriplets> {
  if (path === '-' && !stdin) throw new UsageError('reading "-" needs the standard input stream');
  return readRatings(path, { ...reading, userIds: idMap(train.userIds), itemIds: idMap(train.itemIds) }, stdin as NodeJS.ReadableStream);
}

/** What to fit to rating rows; every field has a default (see RATINGS_DEFAULTS). */
export interface RatingsRequest {
  /** spherical or diag (full needs users who rated both items of every pair: a usage error). */
  readonly covariance?: Covariance | readonly Covariance[];
  readonly k?: readonly number[];
  readonly seeds?: readonly number[];
  readonly tol?: number;
  readonly maxIter?: number;
  /** Floor on every variance; default (range/8)², the course's 0.25 for 1–5 ratings. */
  readonly minVar?: number;
  readonly regCovar?: number;
  /** Guarded SQUAREM between EM steps; default plain EM. */
  readonly accelerate?: boolean;
  /** bic, aic, ll (on the training ratings), or rmse (on a validation split carved from them). */
  readonly criterion?: Criterion | 'rmse';
  readonly center?: Center;
  /** λ of the means' MAP estimate (see FamilyOptions.meanPrior). */
  readonly meanPrior?: number;
  /** Bounds of every prediction; undefined: the training ratings' range; null: none. */
  readonly clip?: Clip | null;
  /** Hold out this fraction of the ratings (drawn with splitSeed) and report on them. */
  readonly holdout?: number;
  readonly splitSeed?: number;
  /** Held-out ratings read against these ratings' ids (readRatings with userIds and itemIds). */
  readonly test?: RatingTriplets;
  /** What `test` is called in messages. */
  readonly testName?: string;
  /** Pairs to predict without their ratings (complete --pairs): as readPairs returns them. */
  readonly pairs?: NamedPairs;
  /** With criterion rmse: the fraction of the training ratings the candidates are scored on. */
  readonly validation?: number;
  readonly jobs?: number;
  readonly cores?: number;
  readonly kernel?: KernelName;
  readonly onIteration?: (k: number, seed: number, iteration: number, objective: number) => void;
  readonly onFit?: (fit: Fit, done: number, total: number) => void;
  readonly onWarning?: (warning: Warning) => void;
  readonly minParallelWork?: number;
  readonly minRowSplitWork?: number;
}

/** The defaults of ratings mode, as measured on held-out splits (README, "Recommending from ratings"). */
export const RATINGS_DEFAULTS = {
  center: 'bias' as Center,
  meanPrior: 20,
  validation: 0.1,
  splitSeed: 0,
  k: [1, 2, 4, 8, 12] as readonly number[],
};

/** One predictor's errors on the held-out ratings. */
export interface HeldOutErrors {
  readonly rmse: number;
  readonly mae: number;
}

/** The held-out report: the mixture and the four baselines, and how many pairs fell back to the baseline. */
export interface HeldOut extends HeldOutErrors {
  readonly ratings: number;
  readonly baselines: { readonly global: HeldOutErrors; readonly user: HeldOutErrors; readonly item: HeldOutErrors; readonly bias: HeldOutErrors };
  readonly fallbacks: { readonly unknownUser: number; readonly unknownItem: number; readonly unknownBoth: number };
  /** The pairs and the mixture's prediction of each (for --out). */
  readonly pairs: RatingPairs;
  readonly predictions: Float64Array;
  /** The ids of the t-th pair, as in the files (a test file's own, for users or items the training ratings lack). */
  userId(t: number): string;
  itemId(t: number): string;
}

/** With --criterion rmse: each candidate's validation RMSE, and the protocol's sizes. */
export interface Validation {
  readonly fraction: number;
  readonly ratings: number;
  readonly candidates: ReadonlyArray<{ readonly covariance: Covariance; readonly k: number; readonly rmse: number }>;
}

type Selected = SweepResult<SparseData> & { readonly selected: SuccessfulFit };

export interface RatingsOutcome {
  readonly ratings: NamedRatings;
  /** The fits on the training ratings (all of them but the held-out ones). */
  readonly result: Selected;
  readonly center: Center;
  readonly baseline: Baseline;
  readonly means: Means;
  readonly clip: Clip | null;
  /** The selected fit's posterior of every user, from their training ratings (n×K). */
  readonly posterior: Float64Array;
  readonly train: RatedRows;
  readonly heldOut: HeldOut | null;
  /** With `pairs`: their predictions. */
  readonly predicted: { readonly pairs: NamedPairs; readonly predictions: Float64Array } | null;
  readonly validation: Validation | null;
  readonly settings: RatingsSettings;
  readonly warnings: readonly Warning[];
}

/** The settings a ratings fit ran with, every default resolved (recorded in the model document). */
export interface RatingsSettings {
  readonly covariance: Covariance;
  readonly covariances?: readonly Covariance[];
  readonly k: readonly number[];
  readonly seeds: readonly number[];
  readonly tol?: number;
  readonly maxIter: number;
  readonly minVar: number;
  readonly regCovar?: number;
  readonly accelerate?: boolean;
  readonly criterion: Criterion | 'rmse';
  readonly center: Center;
  readonly meanPrior: number;
  readonly clip: Clip | null;
  readonly holdout?: number;
  readonly splitSeed?: number;
  readonly validation?: number;
  readonly baseline: { readonly regUser: number; readonly regItem: number; readonly epochs: number };
  readonly jobs: number;
}

/** The ratings as rows the fit layer takes (CSR, 32-bit offsets). */
export function ratedRows(r: Ratings, source: string): RatedRows {
  if (r.nnz === 0) throw new DataError(`${source}: no ratings`);
  if (r.nnz > 2 ** 31 - 1) throw new DataError(`${source}: ${r.nnz} ratings are more than the 2^31 − 1 one fit can hold`);
  const rowStart = r.rowStart instanceof Int32Array ? r.rowStart : Int32Array.from(r.rowStart);
  return { rows: { users: r.users, items: r.items, rowStart, itemIndex: r.itemIndex }, rating: r.rating };
}

function rangeOf(rating: ArrayLike<number>): Clip {
  let min = Infinity;
  let max = -Infinity;
  for (let t = 0; t < rating.length; t++) {
    const v = rating[t];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** The triplets of a test file as pairs to score (their ids mapped through the training ones; −1 where unknown). */
export function testPairs(test: RatingTriplets): RatingPairs {
  return { count: test.nnz, user: test.user, item: test.item, rating: Float64Array.from(test.rating) };
}

interface Prepared {
  readonly train: RatedRows;
  readonly baseline: Baseline;
  readonly values: Float64Array | Float32Array;
}

function prepare(train: RatedRows, center: Center): Prepared {
  const baseline = fitBaseline(train.rows, train.rating);
  return { train, baseline, values: center === 'bias' ? residuals(train.rows, train.rating, baseline) : train.rating };
}


/**
 * Fits a mixture of user types to rating rows by the sparse EM, after the bias baseline
 * (center bias) or on the ratings themselves (center none, the course's model), selects K,
 * and, given held-out ratings (--test or --holdout), reports the mixture's and the four
 * baselines' RMSE and MAE on them. The held-out ratings are never used for fitting or selection.
 */
export async function fitRatings(named: NamedRatings, request: RatingsRequest = {}): Promise<RatingsOutcome> {
  const { source } = named;
  const { warnings, warn } = warner(request.onWarning);
  const all = ratedRows(named.ratings, source);
  const asked = request.covariance === undefined ? undefined : typeof request.covariance === 'string' ? [request.covariance] : request.covariance;
  const covariances: readonly Covariance[] = asked && asked.length > 0 ? asked : [DEFAULTS.covariance];
  const center = request.center ?? RATINGS_DEFAULTS.center;
  // The course's model (center none) has no prior: its numbers stay the course's.
  const meanPrior = request.meanPrior ?? (center === 'bias' ? RATINGS_DEFAULTS.meanPrior : 0);
  if (!(meanPrior >= 0 && Number.isFinite(meanPrior))) throw new UsageError(`--mean-prior takes a number ≥ 0, got ${meanPrior}`);
  if (request.holdout !== undefined && request.test) throw new UsageError('--holdout and --test are two ways of holding ratings out; give one');
  const splitSeed = request.splitSeed ?? RATINGS_DEFAULTS.splitSeed;

  // The held-out ratings are set aside first; nothing below reads their ratings until the report.
  let train = all;
  let heldOutPairs: RatingPairs | null = null;
  if (request.holdout !== undefined) {
    const split = splitRatings(all, request.holdout, splitSeed);
    if (split.heldOut.count === 0) throw new UsageError(`--holdout ${request.holdout} holds out none of the ${all.rating.length} ratings; give a larger fraction`);
    if (split.heldOut.count === all.rating.length) throw new UsageError(`--holdout ${request.holdout} holds out every rating, leaving none to fit`);
    train = split.train;
    heldOutPairs = split.heldOut;
  } else if (request.test) {
    if (request.test.nnz === 0) throw new DataError(`${request.testName ?? 'the test file'}: no ratings`);
    heldOutPairs = testPairs(request.test);
  }

  const users = all.rows.users;
  const ks = request.k ?? RATINGS_DEFAULTS.k.filter((k) => k <= users);
  const tooMany = ks.find((k) => k > users);
  if (tooMany !== undefined) throw new UsageError(`--k ${tooMany} is more components than ${source} has users (${users})`);
  const seeds = request.seeds ?? DEFAULTS.seeds;
  const range = rangeOf(train.rating);
  const clip = request.clip === undefined ? range : request.clip;
  const minVar = request.minVar ?? ((range.max - range.min) / 8) ** 2;
  const cores = request.cores ?? availableParallelism();
  if (request.jobs !== undefined && request.jobs > cores) warn('jobs', `--jobs ${request.jobs} is more than the ${cores} cores here; using ${cores}`);
  const jobs = Math.min(request.jobs ?? cores, cores);
  const maxIter = request.maxIter ?? DEFAULTS.maxIter;
  // A recommender is judged by its held-out error; the course's model (center none) by the course's BIC.
  const criterion = request.criterion ?? (center === 'bias' ? 'rmse' : DEFAULTS.criterion);
  const sweepOptions = (ksHere: readonly number[], families: readonly Covariance[]) => ({
    model: 'gaussian' as const,
    covariances: families,
    ks: ksHere,
    seeds,
    tol: request.tol,
    maxIter,
    minVar: minVar > 0 ? minVar : undefined,
    regCovar: request.regCovar,
    accelerate: request.accelerate,
    meanPrior,
    criterion: criterion === 'rmse' ? ('ll' as const) : criterion,
    kernel: request.kernel,
    jobs,
    onIteration: request.onIteration,
    onFit: request.onFit,
    minParallelWork: request.minParallelWork,
    minRowSplitWork: request.minRowSplitWork,
  });
  const fit = async (p: Prepared, ksHere: readonly number[], families: readonly Covariance[]) =>
    runSweep({ kind: 'sparse', rows: p.train.rows, values: p.values }, sweepOptions(ksHere, families));

  // --criterion rmse: every candidate fitted on the training ratings less a validation split and
  // scored on that split; the best (family, K) is then refitted on all the training ratings.
  let validation: Validation | null = null;
  let finalKs = ks;
  let finalFamilies = covariances;
  if (criterion === 'rmse') {
    const fraction = request.validation ?? RATINGS_DEFAULTS.validation;
    const carved = splitRatings(train, fraction, splitSeed + 1);
    if (carved.heldOut.count === 0) throw new UsageError(`--validation ${fraction} leaves no validation ratings; give a larger fraction`);
    const p = prepare(carved.train, center);
    const swept = await fit(p, ks, covariances);
    const candidates = swept.best.map((best) => {
      const posterior = sparseFamily(best.covariance).expectation(swept.data, best.mixture).posterior;
      const predicted = mixturePredictions(carved.heldOut, best.mixture, posterior, p.baseline, center === 'bias', clip);
      return { covariance: best.covariance, k: best.k, rmse: errors(carved.heldOut, predicted).rmse };
    });
    if (candidates.length === 0) throw everyFitFailed(swept.fits);
    const chosen = candidates.reduce((a, b) => (b.rmse < a.rmse ? b : a));
    validation = { fraction, ratings: carved.heldOut.count, candidates };
    finalKs = [chosen.k];
    finalFamilies = [chosen.covariance];
  }

  const prepared = prepare(train, center);
  const result = await fit(prepared, finalKs, finalFamilies);
  if (!result.selected) throw everyFitFailed(result.fits);
  const selected = result.selected;
  warnAboutFits(result.fits, warn, { maxIter, tol: request.tol });
  const posterior = sparseFamily(selected.covariance).expectation(result.data, selected.mixture).posterior;
  const means = ratingMeans(train.rows, train.rating);
  let heldOut: HeldOut | null = null;
  if (heldOutPairs) {
    const predictions = mixturePredictions(heldOutPairs, selected.mixture, posterior, prepared.baseline, center === 'bias', clip);
    const b = baselinePredictions(heldOutPairs, means, prepared.baseline, clip);
    heldOut = {
      ratings: heldOutPairs.count,
      ...errors(heldOutPairs, predictions),
      baselines: { global: errors(heldOutPairs, b.global), user: errors(heldOutPairs, b.user), item: errors(heldOutPairs, b.item), bias: errors(heldOutPairs, b.bias) },
      fallbacks: fallbacks(heldOutPairs, prepared.baseline),
      pairs: heldOutPairs,
      predictions,
      ...pairIds(heldOutPairs, named.ratings, request.test),
    };
  }
  const settings: RatingsSettings = {
    covariance: selected.covariance,
    ...(covariances.length > 1 ? { covariances } : {}),
    k: ks,
    seeds,
    ...(request.tol !== undefined ? { tol: request.tol } : {}),
    maxIter,
    minVar,
    ...(request.regCovar !== undefined ? { regCovar: request.regCovar } : {}),
    ...(request.accelerate ? { accelerate: true } : {}),
    criterion,
    center,
    meanPrior,
    clip,
    ...(request.holdout !== undefined ? { holdout: request.holdout, splitSeed } : {}),
    ...(validation ? { validation: validation.fraction, splitSeed } : {}),
    baseline: { regUser: prepared.baseline.regUser, regItem: prepared.baseline.regItem, epochs: prepared.baseline.epochs },
    jobs,
  };
  const predicted = request.pairs
    ? { pairs: request.pairs, predictions: mixturePredictions(request.pairs.pairs, selected.mixture, posterior, prepared.baseline, center === 'bias', clip) }
    : null;
  return { ratings: named, result: result as Selected, center, baseline: prepared.baseline, means, clip, posterior, train, heldOut, predicted, validation, settings, warnings };
}

/**
 * The ids of held-out pairs: the training ratings' for known indices; a test file's unknown
 * ids are numbered −1 − j, j their place in its list of unknown ids.
 */
function pairIds(pairs: RatingPairs, train: Ratings, test: RatingTriplets | undefined): Pick<HeldOut, 'userId' | 'itemId'> {
  const name = (index: number, known: readonly string[], unknown: readonly string[] | undefined) => (index >= 0 ? known[index] : unknown?.[-1 - index] ?? '');
  return {
    userId: (t) => name(pairs.user[t], train.userIds, test?.unknownUserIds),
    itemId: (t) => name(pairs.item[t], train.itemIds, test?.unknownItemIds),
  };
}
