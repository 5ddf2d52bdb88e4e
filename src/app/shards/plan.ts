import { DataError } from '../../core/errors';
import { COVARIANCE_NAMES, type Covariance } from '../../models/families';
import type { Mixture } from '../../models/mixture';
import type { StopReason } from '../../fit/em';
import type { ShardFitSettings } from '../../fit/shards';
import { readModel } from '../../io/model';
import { digestOf, type StatsHeader } from '../../io/stats';

/**
 * EM beyond one machine: `gmm-fit start` over the shards of the rows, then, per iteration,
 * `gmm-fit estep` on each shard (anywhere) and `gmm-fit mstep` on all their statistics.
 * The model document (`gmm-fit/1`, usable by predict, score and sample; by recommend for
 * rating triplets) carries a `distributed` block: the shards the start read (name, content
 * digest, rows, cells), the row count, the centre every table shard is centred on, and the
 * iteration. A statistics file (`gmm-fit-stats/1`, io/stats.ts) names the model (its file's
 * digest, iteration and pass) and the shard, so that stale files, files of another model and
 * a shard counted twice or not at all are refused, not added up.
 *
 * Rating triplets with `--center bias` first fit the bias baseline over the shards, one
 * map/reduce pass per ALS epoch (each shard's users' biases are its own; the items' come
 * from the sums), then one pass for the mixture's start on the residuals. Until then the
 * document is a fit in progress (`format: gmm-fit-shards/1`, no mixture), which only estep
 * and mstep read.
 */
export const SHARDS_FORMAT = 'gmm-fit-shards/1';

/** One shard as the start read it. */
export interface ShardRecord {
  readonly name: string;
  /** sha256 of the file's bytes. */
  readonly digest: string;
  /** Rows of a table, users of rating triplets. */
  readonly rows: number;
  /** Observed cells, or ratings. */
  readonly cells: number;
}

/** Rating triplets with --center bias: the bias baseline as fitted so far over the shards. */
export interface ShardBaseline {
  /** μ, the mean rating. */
  readonly mean: number;
  readonly regUser: number;
  readonly regItem: number;
  /** ALS epochs to run (Surprise's 10). */
  readonly epochs: number;
  /** Epochs done: the item biases below are those of this epoch (0: none yet, every bias 0). */
  readonly epoch: number;
  readonly item: readonly number[];
}

/** The `distributed` block of a model started over shards. */
export interface ShardPlan {
  readonly format: typeof SHARDS_FORMAT;
  readonly input: 'table' | 'ratings';
  /** M-steps of the mixture done (0: its start). */
  readonly iteration: number;
  /** Map/reduce passes done in all: the baseline's epochs and the start's pass (--center bias), then the mixture's iterations. */
  readonly pass?: number;
  readonly rows: number;
  readonly cells: number;
  /** Whether the whole data has missing cells (unrated pairs); the statistics' layout and the M-step's rule depend on it. */
  readonly missing: boolean;
  /** Tables: the column means of the observed cells, on which every shard is centred. */
  readonly center?: readonly number[];
  /** Ratings: how many ratings each item has, and the ratings' range (the predictions' clip). */
  readonly itemCount?: readonly number[];
  readonly range?: { readonly min: number; readonly max: number };
  /** Ratings with --center bias: the mixture is fitted to the residuals from this baseline. */
  readonly baseline?: ShardBaseline;
  readonly shards: readonly ShardRecord[];
}

/** Where a fit over shards stands: fitting the baseline, the pass of the mixture's start, or the mixture's EM. */
export type ShardStage = 'baseline' | 'start' | 'mixture';

/** What a fit over shards records of itself, with or without its mixture (a fit in progress's document holds these and its plan). */
export interface PendingParts {
  readonly family: Covariance;
  readonly k: number;
  /** Columns, or items. */
  readonly d: number;
  /** Column names, or item ids. */
  readonly columns: readonly string[] | null;
  readonly read: Record<string, unknown>;
  readonly options: Record<string, unknown>;
  readonly fit: Record<string, unknown>;
}

/** A model started over shards, read back and checked. */
export interface ShardModel extends PendingParts {
  readonly source: string;
  /** sha256 of the model file's bytes. */
  readonly digest: string;
  readonly stage: ShardStage;
  /** The mixture the next E-step runs under; null before its start (stage baseline or start). */
  readonly mixture: Mixture | null;
  readonly plan: ShardPlan;
  readonly settings: ShardFitSettings;
  readonly trace: readonly number[];
  /** Why the fit stopped, or null while it goes on. */
  readonly stop: StopReason | null;
}

/** What mstep prints: go on, or why the fit stopped. */
export type Verdict = 'continue' | StopReason;

export const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
export const shown = (v: unknown) => (Array.isArray(v) ? v.join(',') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));

/** The document of a fit over shards still before its mixture (`format: gmm-fit-shards/1`), as readShardModel reads it back. */
export function pendingDocument(parts: PendingParts, plan: ShardPlan, stage: 'baseline' | 'start'): Record<string, unknown> {
  const { family, k, d, columns, read, options, fit } = parts;
  return { format: SHARDS_FORMAT, stage, model: family, k, d, columns, read, options, fit, distributed: plan };
}

/** A model document started over shards (the bytes of its file), checked: the model itself, its `distributed` block and its settings. */
export function readShardModel(bytes: Buffer, source: string): ShardModel {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new DataError(`${source}: not JSON (${(err as Error).message})`);
  }
  const fail = (why: string): never => {
    throw new DataError(`${source}: not a model started over shards: ${why}`);
  };
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) fail('not a JSON object');
  const pending = doc.format === SHARDS_FORMAT;
  const model = pending ? null : readModel(doc, source);
  const plan = doc.distributed as ShardPlan | undefined;
  if (typeof plan !== 'object' || plan === null) fail('it has no "distributed" block (write one with gmm-fit start)');
  if (plan!.format !== SHARDS_FORMAT) fail(`its "distributed" format is ${JSON.stringify(plan!.format)}; this gmm-fit reads ${SHARDS_FORMAT}`);
  const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  if (plan!.input !== 'table' && plan!.input !== 'ratings') fail('"distributed.input" is not table or ratings');
  if (!count(plan!.iteration) || !count(plan!.rows) || !count(plan!.cells) || typeof plan!.missing !== 'boolean') fail('"distributed" needs iteration, rows, cells and missing');
  if (plan!.pass !== undefined && !count(plan!.pass)) fail('"distributed.pass" is not a count');
  if (!Array.isArray(plan!.shards) || plan!.shards.length === 0 || !plan!.shards.every((s) => typeof s?.name === 'string' && typeof s.digest === 'string' && count(s.rows) && count(s.cells))) {
    fail('"distributed.shards" is not a list of { name, digest, rows, cells }');
  }
  if (plan!.shards.reduce((a, s) => a + s.rows, 0) !== plan!.rows) fail("the shards' rows do not add up to \"distributed.rows\"");
  const family = (pending ? doc.model : model!.mixture.covariance.family) as Covariance;
  if (!COVARIANCE_NAMES.includes(family)) fail('"model" is not a family');
  const k = pending ? (doc.k as number) : model!.mixture.k;
  const d = pending ? (doc.d as number) : model!.mixture.d;
  if (!Number.isSafeInteger(k) || k < 1 || !Number.isSafeInteger(d) || d < 1) fail('"k" and "d" are not counts ≥ 1');
  const columns = pending ? (Array.isArray(doc.columns) && doc.columns.every((c) => typeof c === 'string') ? (doc.columns as string[]) : fail('"columns" is not a list of names')) : model!.columns;
  if (pending && columns!.length !== d) fail(`"columns" has ${columns!.length} names for d = ${d}`);
  const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  const numbers = (v: unknown, length: number) => Array.isArray(v) && v.length === length && v.every(finite);
  if (plan!.input === 'table' && !numbers(plan!.center, d)) fail(`"distributed.center" is not ${d} finite numbers`);
  if (plan!.itemCount !== undefined && !numbers(plan!.itemCount, d)) fail(`"distributed.itemCount" is not ${d} finite numbers`);
  if (plan!.range !== undefined && !(finite(plan!.range?.min) && finite(plan!.range?.max) && plan!.range.min <= plan!.range.max)) fail('"distributed.range" is not { min, max }');
  const b = plan!.baseline;
  if (b !== undefined) {
    if (plan!.input !== 'ratings') fail('a table has no bias baseline');
    if (!(finite(b.mean) && finite(b.regUser) && finite(b.regItem) && count(b.epochs) && count(b.epoch) && b.epoch <= b.epochs && numbers(b.item, d))) fail('"distributed.baseline" is not { mean, regUser, regItem, epochs, epoch ≤ epochs, item }');
    if (!numbers(plan!.itemCount, d)) fail('"distributed.itemCount" is missing');
  }
  let stage: ShardStage = 'mixture';
  if (pending) {
    if (!b) fail('a fit in progress without a baseline');
    stage = b!.epoch < b!.epochs ? 'baseline' : 'start';
    if (doc.stage !== stage) fail(`its stage is ${JSON.stringify(doc.stage)}, but its baseline has done ${b!.epoch} of ${b!.epochs} epochs`);
    if (plan!.iteration !== 0) fail('a fit in progress before its start has no iterations');
  } else if (b && b.epoch !== b.epochs) fail(`the mixture started before the baseline's ${b.epochs} epochs were done`);
  const fit = (typeof doc.fit === 'object' && doc.fit !== null ? doc.fit : {}) as Record<string, unknown>;
  const trace = Array.isArray(fit.trace) && fit.trace.every((v) => typeof v === 'number') ? (fit.trace as number[]) : fail('"fit.trace" is not a list of numbers');
  if (trace.length !== plan!.iteration) fail(`"fit.trace" has ${trace.length} log-likelihoods for iteration ${plan!.iteration}`);
  const record = (v: unknown) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const o = pending ? record(doc.options) : model!.options;
  const number = (v: unknown, what: string) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fail(`"options.${what}" is not a number ≥ 0`));
  // --cov-floor: none, or one number per column.
  const covFloor =
    o.covFloor === undefined
      ? undefined
      : Array.isArray(o.covFloor) && o.covFloor.length === d && o.covFloor.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)
        ? Float64Array.from(o.covFloor as number[])
        : fail(`"options.covFloor" is not ${d} numbers ≥ 0`);
  // --reg-covar: one number, or one per column.
  const reg = Array.isArray(o.regCovar)
    ? o.regCovar.length === d && o.regCovar.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)
      ? Float64Array.from(o.regCovar as number[])
      : fail(`"options.regCovar" is not one number ≥ 0 or ${d} of them`)
    : number(o.regCovar, 'regCovar');
  const meanPrior = o.meanPrior === undefined ? 0 : number(o.meanPrior, 'meanPrior');
  const settings: ShardFitSettings = { minVar: number(o.minVar, 'minVar'), regCovar: reg, ...(covFloor ? { covFloor } : {}), tol: number(o.tol, 'tol'), maxIter: number(o.maxIter, 'maxIter'), ...(meanPrior > 0 ? { meanPrior } : {}) };
  const stops: ReadonlyArray<StopReason> = ['converged', 'decrease', 'max-iter'];
  const stop = fit.stop === null || fit.stop === undefined ? null : stops.includes(fit.stop as StopReason) ? (fit.stop as StopReason) : fail('"fit.stop" is not null, converged, decrease or max-iter');
  return {
    source,
    digest: digestOf(bytes),
    stage,
    mixture: model ? model.mixture : null,
    family,
    k,
    d,
    columns,
    read: pending ? record(doc.read) : model!.read,
    options: o,
    plan: plan!,
    settings,
    fit,
    trace,
    stop,
  };
}

/** The model's family name and shape, as a statistics header records them. */
export function modelShape(m: ShardModel): StatsHeader['model'] {
  return { digest: m.digest, iteration: m.plan.iteration, ...(m.plan.pass !== undefined ? { pass: m.plan.pass } : {}), family: m.family, k: m.k, d: m.d, input: m.plan.input, columns: digestOf(JSON.stringify(m.columns)) };
}

/** What a statistics file's model is, in a few words. */
export function describe(shape: StatsHeader['model']): string {
  return `a ${shape.family} K=${shape.k} model over ${shape.d} ${shape.input === 'table' ? 'columns' : 'items'}`;
}
