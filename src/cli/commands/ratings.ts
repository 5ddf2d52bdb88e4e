import { fitRatings, readHeldOutRatings, readPairs, readRatingsFile, type RatingsOutcome } from '../../app/ratings';
import { ratingsDocument, ratingsModel } from '../../app/ratings-documents';
import { recommend } from '../../app/recommend';
import { readRecommenderModel } from '../../app/shards';
import { readText } from '../../io/read';
import type { CliIO } from '../io';
import { EXIT_OK } from '../io';
import { isStdout, writeOutput } from '../output';
import { sweepProgress } from '../render/progress';
import { ratingsReport } from '../render/ratings-report';
import { styleFor } from '../render/report';
import type { RatingsCommand, RecommendCommand } from '../validate';
import type { Reporter } from './reporter';

/** A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Reads the ratings (and the test ratings against their ids) and fits, with progress and warnings on stderr. */
async function fitFromCommand(request: RatingsCommand, io: CliIO, reporter: Reporter): Promise<RatingsOutcome> {
  const named = await readRatingsFile(request.file, request.read, io.stdin);
  const test = request.test ? await readHeldOutRatings(request.test, request.read, named.ratings, io.stdin) : undefined;
  const pairs = request.pairs ? await readPairs(request.pairs, request.read, named.ratings, io.stdin) : undefined;
  if (test) {
    const unknown = [
      test.unknownUserIds.length > 0 ? `${test.unknownUserIds.length} users (${test.unknownUserRatings} ratings)` : '',
      test.unknownItemIds.length > 0 ? `${test.unknownItemIds.length} items (${test.unknownItemRatings} ratings)` : '',
    ].filter(Boolean);
    if (unknown.length > 0) reporter.warn(`${request.test} has ${unknown.join(' and ')} that ${request.file} does not; they are predicted by the baseline's fallbacks`);
  }
  const progress = sweepProgress(io, request.display);
  return fitRatings(named, {
    ...request.fit,
    test,
    testName: request.test,
    pairs,
    onFit: progress.onFit,
    onIteration: request.display.verbose ? (k, seed, iteration, value) => io.stderr.write(`gmm-fit: K=${k} seed=${seed} iteration ${iteration}: log-likelihood ${value}\n`) : undefined,
    onWarning: (w) => reporter.warn(w.message),
  }).finally(progress.stop);
}

/** `gmm-fit fit FILE --ratings`: the report (or JSON) on stdout; --out writes the ratings model. */
export async function fitRatingsCommand(request: RatingsCommand, io: CliIO, reporter: Reporter): Promise<number> {
  const outcome = await fitFromCommand(request, io, reporter);
  if (request.out) await writeOutput(io, request.out, JSON.stringify(ratingsModel(outcome)) + '\n');
  const report = request.display.json ? JSON.stringify(ratingsDocument(outcome)) + '\n' : ratingsReport(outcome, styleFor(request.display, io.stdout, io.env));
  (request.out && isStdout(request.out) ? io.stderr : io.stdout).write(report);
  return EXIT_OK;
}

/** The held-out pairs with their ratings and predictions, as CSV, ids as in the files. */
function* predictionsCsv(outcome: RatingsOutcome): Generator<string> {
  // The held-out pairs with their ratings, or --pairs without.
  const h = outcome.heldOut ?? { ...outcome.predicted!.pairs, predictions: outcome.predicted!.predictions };
  const rated = h.pairs.rating !== null;
  yield rated ? 'user,item,rating,prediction\n' : 'user,item,prediction\n';
  const block: string[] = [];
  for (let t = 0; t < h.pairs.count; t++) {
    const user = h.userId(t);
    const item = h.itemId(t);
    block.push(`${csvField(user)},${csvField(item)},${rated ? `${h.pairs.rating![t]},` : ''}${h.predictions[t]}\n`);
    if (block.length === 4096) {
      yield block.join('');
      block.length = 0;
    }
  }
  if (block.length > 0) yield block.join('');
}

/**
 * `gmm-fit complete FILE --ratings --test T | --holdout F`: every held-out pair's prediction as
 * user,item,rating,prediction (to --out, else stdout), and the report (on stderr when the
 * predictions are on stdout).
 */
export async function completeRatingsCommand(request: RatingsCommand, io: CliIO, reporter: Reporter): Promise<number> {
  const outcome = await fitFromCommand(request, io, reporter);
  const out = request.out ?? '-';
  await writeOutput(io, out, predictionsCsv(outcome));
  const report = request.display.json ? JSON.stringify(ratingsDocument(outcome, isStdout(out) ? undefined : out)) + '\n' : ratingsReport(outcome, styleFor(request.display, isStdout(out) ? io.stderr : io.stdout, io.env));
  if (isStdout(out)) io.stderr.write(report);
  else {
    io.stdout.write(report);
    io.stderr.write(`gmm-fit: predictions written to ${out}\n`);
  }
  return EXIT_OK;
}

/** `gmm-fit recommend -m MODEL RATINGS --top N`: user,item,score,rank, user by user as they are made. */
export async function recommendCommand(request: RecommendCommand, io: CliIO, reporter: Reporter): Promise<number> {
  // A ratings model (fit --ratings --out), or one fitted over shards of rating triplets (mstep --out).
  const model = readRecommenderModel(Buffer.from(await readText(request.modelFile, io.stdin), 'utf8'), request.modelFile === '-' ? '<stdin>' : request.modelFile);
  const read = { ...(model.read as object), ...definedOnly(request.read) };
  const named = await readRatingsFile(request.file, read, io.stdin);
  const outcome = recommend(model, named.ratings, { top: request.top, users: request.users }, named.source);
  if (outcome.unknownItemRatings > 0) reporter.warn(`${named.source} has ${outcome.unknownItemRatings} ratings of items the model does not know; they are left out`);
  function* rows(): Generator<string> {
    yield 'user,item,score,rank\n';
    for (const user of outcome.users) {
      const id = csvField(user.user);
      yield user.items.map((it, r) => `${id},${csvField(it.item)},${it.score},${r + 1}\n`).join('');
    }
  }
  await writeOutput(io, request.out ?? '-', rows());
  return EXIT_OK;
}

/** The fields of a record that were given (so the model's reading options fill the rest). */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
