import * as path from 'path';
import { DataError, UsageError } from '../core/errors';
import { createMatrix, type Matrix } from '../core/matrix';
import { NumpyRandomState } from '../core/random';
import { COVARIANCE_NAMES, DEFAULT_COVARIANCE, family, sparseFamily, type Covariance } from '../models/families';
import { LOG_LIKELIHOOD } from '../models/fit-state';
import { prepareData } from '../models/data';
import { prepareSparse, type SparseData } from '../models/sparse';
import type { Mixture } from '../models/mixture';
import { combineTableMoments, noRows, noUsers, observedCenter, observedScale, tableMoments, type TableMoments } from '../models/shards';
import { aic, bic } from '../fit/criteria';
import { regCovarFor } from '../fit/fit';
import type { StopReason } from '../fit/em';
import { runsOverShards, shardStatistics, statisticsFieldsFor, stopAfter, summedMaximization, type ShardFitSettings } from '../fit/shards';
import { fileDigest } from '../io/digest';
import { modelDocument, readModel, type ModelDocument } from '../io/model';
import { decodeStats, digestOf, encodeStats, type StatsHeader } from '../io/stats';
import type { Ratings } from '../io/ratings';
import type { ReadOptions } from '../io/table';
import { DEFAULTS, defaultMinVar } from './defaults';
import { readRecord } from './documents';
import { readRatingsFile, type Center, type RatingsReading } from './ratings';
import { readOptionsFor } from './reading';
import { columnVariancesOf } from './standardize';
import { readTable, type NamedTable } from './table';

/**
 * EM beyond one machine: `gmm-fit start` over the shards of the rows, then, per iteration,
 * `gmm-fit estep` on each shard (anywhere) and `gmm-fit mstep` on all their statistics.
 * The model document (`gmm-fit/1`, usable by predict, score and sample) carries a
 * `distributed` block: the shards the start read (name, content digest, rows, cells), the
 * row count, the centre every table shard is centred on, and the iteration. A statistics
 * file (`gmm-fit-stats/1`, io/stats.ts) names the model (its file's digest and iteration)
 * and the shard, so that stale files, files of another model and a shard counted twice or
 * not at all are refused, not added up.
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

/** The `distributed` block of a model started over shards. */
export interface ShardPlan {
  readonly format: typeof SHARDS_FORMAT;
  readonly input: 'table' | 'ratings';
  /** M-steps done (0: the start). */
  readonly iteration: number;
  readonly rows: number;
  readonly cells: number;
  /** Whether the whole data has missing cells (unrated pairs); the statistics' layout and the M-step's rule depend on it. */
  readonly missing: boolean;
  /** Tables: the column means of the observed cells, on which every shard is centred. */
  readonly center?: readonly number[];
  readonly shards: readonly ShardRecord[];
}

/** What a start over shards is asked for. */
export interface ShardStartRequest {
  readonly k: number;
  readonly seed?: number;
  readonly covariance?: Covariance;
  readonly tol?: number;
  readonly maxIter?: number;
  readonly minVar?: number;
  readonly regCovar?: number;
  /** Tables: how the shards are read (the first one's detected delimiter and header then hold for all). */
  readonly read?: ReadOptions;
  /** Given: the shards are rating triplets, read so. */
  readonly ratings?: RatingsReading;
  /** Ratings: only none (the course's model) runs over shards. */
  readonly center?: Center;
}

/** The reading options an E-step is given (all optional): each one must be the start's. */
export interface ShardReadGiven {
  readonly ratings?: boolean;
  readonly table?: ReadOptions;
  readonly triplets?: RatingsReading;
}

/** A model started over shards, read back and checked. */
export interface ShardModel {
  readonly source: string;
  /** sha256 of the model file's bytes. */
  readonly digest: string;
  readonly model: ModelDocument;
  readonly plan: ShardPlan;
  readonly settings: ShardFitSettings;
  readonly fit: Record<string, unknown>;
  readonly trace: readonly number[];
  /** Why the fit stopped, or null while it goes on. */
  readonly stop: StopReason | null;
}

/** What mstep prints: go on, or why the fit stopped. */
export type Verdict = 'continue' | StopReason;

function checkShardList(paths: readonly string[]): void {
  if (paths.length === 0) throw new UsageError('start needs the shards: gmm-fit start --k K SHARD…');
  const seen = new Map<string, string>();
  for (const p of paths) {
    if (p === '-') throw new UsageError('a shard is a file that every machine can read, not - (stdin)');
    const key = path.resolve(p);
    const other = seen.get(key);
    if (other !== undefined) throw new UsageError(`${p} is given twice (as ${other} and ${p}); give each shard once`);
    seen.set(key, p);
  }
}

/** Two shards with the same bytes are one shard given twice. */
function checkDistinct(digests: readonly string[], paths: readonly string[]): void {
  const seen = new Map<string, number>();
  digests.forEach((d, s) => {
    const other = seen.get(d);
    if (other !== undefined) throw new DataError(`${paths[other]} and ${paths[s]} are the same bytes: a shard given twice`);
    seen.set(d, s);
  });
}

/** The shard and local row of each global row (the shards' rows in order). */
function locate(rows: Int32Array, counts: readonly number[]): Array<{ shard: number; row: number }> {
  const starts = [0];
  for (const c of counts) starts.push(starts[starts.length - 1] + c);
  return Array.from(rows, (r) => {
    let s = 0;
    while (r >= starts[s + 1]) s++;
    return { shard: s, row: r - starts[s] };
  });
}

/** How a table shard is read: the start's options, with its detected delimiter and header fixed, and the model's columns by name. */
function tableReadOptions(read: Record<string, unknown>, columns: readonly string[] | null): ReadOptions {
  const { options } = readOptionsFor({ read, columns: columns ? [...columns] : null }, {});
  const detected = (read.detected ?? {}) as { delimiter?: ReadOptions['delimiter']; header?: boolean };
  return { ...options, delimiter: (read.delimiter as ReadOptions['delimiter']) ?? detected.delimiter, header: (read.header as boolean | undefined) ?? detected.header };
}

/** How a ratings shard is read: as the start read them, with its detected delimiter fixed. */
function ratingsReadOptions(read: Record<string, unknown>): RatingsReading {
  const { input: _input, ...reading } = read;
  return reading as RatingsReading;
}

/** The settings of a start, defaults resolved as the single-machine fit resolves them. */
function settingsOf(request: ShardStartRequest, covariance: Covariance, minVar: number, columnVariances: Float64Array | undefined): ShardFitSettings {
  return {
    minVar,
    regCovar: regCovarFor({ covariance, regCovar: request.regCovar, columnVariances }),
    tol: request.tol ?? LOG_LIKELIHOOD.defaultTol,
    maxIter: request.maxIter ?? DEFAULTS.maxIter,
  };
}

function startDocument(
  covariance: Covariance,
  mixture: Mixture,
  request: ShardStartRequest,
  settings: ShardFitSettings,
  rows: Int32Array,
  columns: readonly string[] | null,
  read: Record<string, unknown>,
  plan: Omit<ShardPlan, 'format' | 'iteration'>,
): Record<string, unknown> {
  const options = { model: 'gaussian', covariance, k: [mixture.k], seeds: [request.seed ?? 0], init: 'random', tol: settings.tol, maxIter: settings.maxIter, minVar: settings.minVar, regCovar: typeof settings.regCovar === 'number' ? settings.regCovar : Array.from(settings.regCovar), criterion: DEFAULTS.criterion };
  const fit = { seed: request.seed ?? 0, n: plan.rows, iterations: 0, converged: false, stop: null, initialRows: Array.from(rows), trace: [] };
  return { ...modelDocument({ model: 'gaussian', covariance, mixture, fit, columns, options, read }), distributed: { format: SHARDS_FORMAT, iteration: 0, ...plan } };
}

function checkK(k: number, rows: number): void {
  if (!Number.isSafeInteger(k) || k < 1) throw new UsageError(`--k takes a whole number ≥ 1, got ${k}`);
  if (k > rows) throw new UsageError(`--k ${k} is more components than the shards have rows (${rows})`);
}

/**
 * The single-machine random start over the shards, read one at a time: the rows numpy's
 * `choice` draws over the global row count (the shards' rows in the order given), the start's
 * spreads from per-shard moments (tables) or item sums (ratings), p_j = 1/K. Returns the model
 * document of iteration 0 (what `gmm-fit start --out` writes).
 */
export async function startOverShards(paths: readonly string[], request: ShardStartRequest, stdin?: NodeJS.ReadableStream): Promise<Record<string, unknown>> {
  checkShardList(paths);
  const covariance = request.covariance ?? DEFAULT_COVARIANCE;
  const ratings = request.ratings !== undefined;
  if (!runsOverShards(covariance, ratings)) {
    const able = COVARIANCE_NAMES.filter((name) => runsOverShards(name, ratings));
    throw new UsageError(`--covariance ${covariance} does not run over shards yet; start, estep and mstep take ${able.join(' and ')}`);
  }
  if (ratings && (request.center ?? 'none') !== 'none') {
    throw new UsageError('--center bias needs its baseline fitted over the shards first, which start does not do yet; use --center none (the course\'s model, the ratings themselves)');
  }
  const digests: string[] = [];
  for (const p of paths) digests.push(await fileDigest(p));
  checkDistinct(digests, paths);
  return ratings ? startOverRatings(paths, digests, request, covariance, stdin) : startOverTables(paths, digests, request, covariance, stdin);
}

async function startOverTables(paths: readonly string[], digests: readonly string[], request: ShardStartRequest, covariance: Covariance, stdin?: NodeJS.ReadableStream): Promise<Record<string, unknown>> {
  const f = family(covariance);
  const moments: TableMoments[] = [];
  let first: NamedTable | null = null;
  let read: Record<string, unknown> = {};
  let later: ReadOptions = request.read ?? {};
  let missing = false;
  for (const p of paths) {
    const table = await readTable(p, first ? later : request.read ?? {}, stdin);
    if (!first) {
      first = table;
      read = readRecord(table);
      later = tableReadOptions(read, table.columns);
    } else {
      if (table.matrix.cols !== first.matrix.cols) throw new DataError(`${p} has ${table.matrix.cols} columns, but ${paths[0]} has ${first.matrix.cols}: every shard holds the same columns`);
    }
    if (table.matrix.observed) missing = true;
    moments.push(tableMoments(table.matrix, f.startScatterMatrix === true));
  }
  const all = combineTableMoments(moments);
  const { rows: n } = all;
  const d = first!.matrix.cols;
  if (all.cells === 0) throw new DataError(`${paths.join(', ')}: every cell is missing, so there is nothing to fit`);
  checkK(request.k, n);
  const seed = request.seed ?? 0;
  const drawn = new NumpyRandomState(seed).choiceWithoutReplacement(n, request.k);
  const mu = new Float64Array(request.k * d);
  const where = locate(drawn, moments.map((m) => m.rows));
  for (const s of [...new Set(where.map((w) => w.shard))]) {
    const table = s === 0 ? first! : await readTable(paths[s], later, stdin);
    where.forEach((w, j) => {
      if (w.shard === s) mu.set(table.matrix.data.subarray(w.row * d, (w.row + 1) * d), j * d);
    });
  }
  const minVar = request.minVar ?? defaultMinVar(request.read?.missing) ?? 0;
  const relative = request.regCovar === undefined && f.defaultRegCovar > 0;
  const settings = settingsOf(request, covariance, minVar, relative ? columnVariancesOf(observedScale(all)) : undefined);
  const covariances = f.startCovariancesFromScatter!(n, all.zeroFilled.mean, f.startScatterMatrix ? all.cross! : all.zeroFilled.scatter, mu, request.k, settings.regCovar);
  const mixture: Mixture = { k: request.k, d, mu, p: new Float64Array(request.k).fill(1 / request.k), covariance: covariances };
  const shards = paths.map((p, s) => ({ name: p, digest: digests[s], rows: moments[s].rows, cells: moments[s].cells }));
  return startDocument(covariance, mixture, request, settings, drawn, first!.columns, read, { input: 'table', rows: n, cells: all.cells, missing, center: Array.from(observedCenter(all)), shards });
}

/** A ratings shard as CSR rows over the whole data's items (`globalItem` of each of its item ids), each user's ratings in ascending item order as one file's rows are. */
function globalRows(r: Ratings, source: string, globalItem: (id: string) => number): { rowStart: Int32Array; itemIndex: Int32Array; rating: Float64Array | Float32Array } {
  const local = Int32Array.from(r.itemIds, (id) => globalItem(id));
  const rowStart = r.rowStart instanceof Int32Array ? r.rowStart : Int32Array.from(r.rowStart);
  if (r.nnz > 2 ** 31 - 1) throw new DataError(`${source}: ${r.nnz} ratings are more than the 2^31 − 1 one shard can hold; cut it smaller`);
  const itemIndex = new Int32Array(r.nnz);
  const rating = r.rating instanceof Float32Array ? new Float32Array(r.nnz) : new Float64Array(r.nnz);
  const order: number[] = [];
  for (let u = 0; u < r.users; u++) {
    const from = rowStart[u];
    const to = rowStart[u + 1];
    order.length = 0;
    for (let t = from; t < to; t++) order.push(t);
    order.sort((a, b) => local[r.itemIndex[a]] - local[r.itemIndex[b]]);
    order.forEach((t, o) => {
      itemIndex[from + o] = local[r.itemIndex[t]];
      rating[from + o] = r.rating[t];
    });
  }
  return { rowStart, itemIndex, rating };
}

async function startOverRatings(paths: readonly string[], digests: readonly string[], request: ShardStartRequest, covariance: Covariance, stdin?: NodeJS.ReadableStream): Promise<Record<string, unknown>> {
  const itemIds: string[] = [];
  const items = new Map<string, number>();
  const users = new Map<string, number>();
  const globalItem = (id: string) => {
    let i = items.get(id);
    if (i === undefined) {
      i = itemIds.length;
      items.set(id, i);
      itemIds.push(id);
    }
    return i;
  };
  // The items' sums, added user by user in the shards' order: the numbers the single-machine reader gives.
  let columnSum = new Float64Array(1024);
  let columnSquares = new Float64Array(1024);
  let columnCount = new Float64Array(1024);
  const records: ShardRecord[] = [];
  let reading: RatingsReading = request.ratings!;
  let read: Record<string, unknown> = {};
  let min = Infinity;
  let max = -Infinity;
  for (let s = 0; s < paths.length; s++) {
    const named = await readRatingsFile(paths[s], reading, stdin);
    const r = named.ratings;
    if (s === 0) {
      reading = named.read;
      read = { input: 'ratings', ...named.read };
    }
    for (const id of r.userIds) {
      const other = users.get(id);
      if (other !== undefined) throw new DataError(`user ${id} has ratings in ${paths[other]} and in ${paths[s]}: cut the shards between users (all of a user's ratings in one shard)`);
      users.set(id, s);
    }
    const rows = globalRows(r, paths[s], globalItem);
    if (itemIds.length > columnSum.length) {
      const size = Math.max(itemIds.length, columnSum.length * 2);
      const grow = (a: Float64Array) => {
        const b = new Float64Array(size);
        b.set(a);
        return b;
      };
      [columnSum, columnSquares, columnCount] = [grow(columnSum), grow(columnSquares), grow(columnCount)];
    }
    for (let t = 0; t < r.nnz; t++) {
      const i = rows.itemIndex[t];
      const v = rows.rating[t];
      columnSum[i] += v;
      columnSquares[i] += v * v;
      columnCount[i]++;
    }
    min = Math.min(min, r.range.min);
    max = Math.max(max, r.range.max);
    records.push({ name: paths[s], digest: digests[s], rows: r.users, cells: r.nnz });
  }
  const d = itemIds.length;
  const n = records.reduce((a, r) => a + r.rows, 0);
  const nnz = records.reduce((a, r) => a + r.cells, 0);
  checkK(request.k, n);
  const seed = request.seed ?? 0;
  const drawn = new NumpyRandomState(seed).choiceWithoutReplacement(n, request.k);
  const mu = new Float64Array(request.k * d);
  const where = locate(drawn, records.map((r) => r.rows));
  for (const s of [...new Set(where.map((w) => w.shard))]) {
    const r = (await readRatingsFile(paths[s], reading, stdin)).ratings;
    const rows = globalRows(r, paths[s], (id) => items.get(id)!);
    where.forEach((w, j) => {
      if (w.shard !== s) return;
      for (let t = rows.rowStart[w.row]; t < rows.rowStart[w.row + 1]; t++) mu[j * d + rows.itemIndex[t]] = rows.rating[t];
    });
  }
  const minVar = request.minVar ?? ((max - min) / 8) ** 2;
  const settings = settingsOf(request, covariance, minVar, undefined);
  const sums = { n, d, columnSum: columnSum.subarray(0, d), columnSquares: columnSquares.subarray(0, d) };
  const covariances = sparseFamily(covariance).startCovariances(sums, mu, request.k, settings.regCovar);
  const mixture: Mixture = { k: request.k, d, mu, p: new Float64Array(request.k).fill(1 / request.k), covariance: covariances };
  return startDocument(covariance, mixture, request, settings, drawn, itemIds, read, { input: 'ratings', rows: n, cells: nnz, missing: nnz < n * d, shards: records });
}

/** A model document started over shards (the bytes of its file), checked: the model itself, its `distributed` block and its settings. */
export function readShardModel(bytes: Buffer, source: string): ShardModel {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new DataError(`${source}: not JSON (${(err as Error).message})`);
  }
  const model = readModel(doc, source);
  const fail = (why: string): never => {
    throw new DataError(`${source}: not a model started over shards: ${why}`);
  };
  const plan = doc.distributed as ShardPlan | undefined;
  if (typeof plan !== 'object' || plan === null) fail('it has no "distributed" block (write one with gmm-fit start)');
  if (plan!.format !== SHARDS_FORMAT) fail(`its "distributed" format is ${JSON.stringify(plan!.format)}; this gmm-fit reads ${SHARDS_FORMAT}`);
  const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  if (plan!.input !== 'table' && plan!.input !== 'ratings') fail('"distributed.input" is not table or ratings');
  if (!count(plan!.iteration) || !count(plan!.rows) || !count(plan!.cells) || typeof plan!.missing !== 'boolean') fail('"distributed" needs iteration, rows, cells and missing');
  if (!Array.isArray(plan!.shards) || plan!.shards.length === 0 || !plan!.shards.every((s) => typeof s?.name === 'string' && typeof s.digest === 'string' && count(s.rows) && count(s.cells))) {
    fail('"distributed.shards" is not a list of { name, digest, rows, cells }');
  }
  if (plan!.shards.reduce((a, s) => a + s.rows, 0) !== plan!.rows) fail("the shards' rows do not add up to \"distributed.rows\"");
  if (plan!.input === 'table' && (!Array.isArray(plan!.center) || plan!.center.length !== model.mixture.d || !plan!.center.every((c) => typeof c === 'number' && Number.isFinite(c)))) {
    fail(`"distributed.center" is not ${model.mixture.d} finite numbers`);
  }
  const fit = (typeof doc.fit === 'object' && doc.fit !== null ? doc.fit : {}) as Record<string, unknown>;
  const trace = Array.isArray(fit.trace) && fit.trace.every((v) => typeof v === 'number') ? (fit.trace as number[]) : fail('"fit.trace" is not a list of numbers');
  if (trace.length !== plan!.iteration) fail(`"fit.trace" has ${trace.length} log-likelihoods for iteration ${plan!.iteration}`);
  const o = model.options;
  const number = (v: unknown, what: string) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fail(`"options.${what}" is not a number ≥ 0`));
  // --reg-covar: one number, or one per column (the relative default).
  const reg = Array.isArray(o.regCovar)
    ? o.regCovar.length === model.mixture.d && o.regCovar.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)
      ? Float64Array.from(o.regCovar as number[])
      : fail(`"options.regCovar" is not one number ≥ 0 or ${model.mixture.d} of them`)
    : number(o.regCovar, 'regCovar');
  const settings: ShardFitSettings = { minVar: number(o.minVar, 'minVar'), regCovar: reg, tol: number(o.tol, 'tol'), maxIter: number(o.maxIter, 'maxIter') };
  const stops: ReadonlyArray<StopReason> = ['converged', 'decrease', 'max-iter'];
  const stop = fit.stop === null || fit.stop === undefined ? null : stops.includes(fit.stop as StopReason) ? (fit.stop as StopReason) : fail('"fit.stop" is not null, converged, decrease or max-iter');
  return { source, digest: digestOf(bytes), model, plan: plan!, settings, fit, trace, stop };
}

/** The model's family name and shape, as a statistics header records them. */
function modelShape(m: ShardModel): StatsHeader['model'] {
  const { mixture } = m.model;
  return { digest: m.digest, iteration: m.plan.iteration, family: mixture.covariance.family, k: mixture.k, d: mixture.d, input: m.plan.input, columns: digestOf(JSON.stringify(m.model.columns)) };
}

/** The reading options every shard of this model is read with. */
function shardRead(m: ShardModel): ReadOptions | RatingsReading {
  return m.plan.input === 'table' ? tableReadOptions(m.model.read, m.model.columns) : ratingsReadOptions(m.model.read);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const shown = (v: unknown) => (Array.isArray(v) ? v.join(',') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));

/** Each reading option given to an E-step must be the start's: a shard read otherwise would not be the shard the start read. */
function checkGiven(m: ShardModel, given: ShardReadGiven): void {
  if (m.plan.input === 'table' && given.ratings) throw new UsageError(`${m.source} was started on tables, not rating triplets: leave --ratings out`);
  const read = shardRead(m) as Record<string, unknown>;
  const flags: Record<string, string> =
    m.plan.input === 'table'
      ? { delimiter: '--delimiter', header: '--header', missing: '--missing', decimalComma: '--decimal-comma', select: '--columns, --ignore-columns or --id-column' }
      : { delimiter: '--delimiter', header: '--header', user: '--user-col', item: '--item-col', rating: '--rating-col', duplicates: '--duplicates', decimalComma: '--decimal-comma' };
  const now = ((m.plan.input === 'table' ? given.table : given.triplets) ?? {}) as Record<string, unknown>;
  for (const [key, flag] of Object.entries(flags)) {
    const value = now[key];
    if (value === undefined) continue;
    const then = key === 'select' ? m.model.read.select : read[key];
    if (!same(value, then)) throw new UsageError(`${flag} ${shown(value)} differs from the start's (${then === undefined ? 'not given' : shown(then)}): every shard is read as the start read them; leave the option out`);
  }
}

/** The shard of the start a file is (by its content), or an error saying why it is none. */
function whichShard(m: ShardModel, name: string, digest: string): number {
  const index = m.plan.shards.findIndex((s) => s.digest === digest);
  if (index >= 0) return index;
  const named = m.plan.shards.findIndex((s) => path.resolve(s.name) === path.resolve(name));
  if (named >= 0) throw new DataError(`${name} is not the shard the start read under that name (its content has changed since): start again, or give the shard as it was`);
  throw new DataError(`${name} is not one of the ${m.plan.shards.length} shards ${m.source} was started on (no shard has its content)`);
}

/** A table shard read as the start read it, its mask made explicit when the whole table has missing cells, centred on the whole table's centre. */
async function tableShard(m: ShardModel, name: string, stdin?: NodeJS.ReadableStream) {
  const table = await readTable(name, shardRead(m) as ReadOptions, stdin);
  const { matrix } = table;
  const { d } = m.model.mixture;
  if (matrix.cols !== d) throw new DataError(`${name} has ${matrix.cols} columns; ${m.source} has ${d}`);
  // A shard with every cell observed, of a table with missing cells: its statistics have the observed-weight block too.
  const masked: Matrix = m.plan.missing && !matrix.observed ? { ...createMatrix(matrix.rows, matrix.cols, matrix.data, new Uint8Array(matrix.rows * matrix.cols).fill(1)), columns: matrix.columns } : matrix;
  return prepareData(masked, false, Float64Array.from(m.plan.center!));
}

/** A ratings shard read as the start read them, over the model's items. */
async function ratingsShard(m: ShardModel, name: string, stdin?: NodeJS.ReadableStream): Promise<SparseData> {
  const r = (await readRatingsFile(name, shardRead(m) as RatingsReading, stdin)).ratings;
  const items = new Map((m.model.columns ?? []).map((id, i) => [id, i]));
  const rows = globalRows(r, name, (id) => {
    const i = items.get(id);
    if (i === undefined) throw new DataError(`${name} rates item ${id}, which the start's shards do not have`);
    return i;
  });
  const data = prepareSparse({ users: r.users, items: m.model.mixture.d, rowStart: rows.rowStart, itemIndex: rows.itemIndex }, (t) => rows.rating[t]);
  return { ...data, complete: !m.plan.missing };
}

/**
 * The E-step of one shard under a model started over shards: the shard is read as the start
 * read it, recognised by its content, and its statistics and log-likelihood are encoded as a
 * `gmm-fit-stats/1` file (what `gmm-fit estep --stats` writes).
 */
export async function shardExpectation(m: ShardModel, name: string, given: ShardReadGiven = {}, stdin?: NodeJS.ReadableStream): Promise<{ bytes: Buffer; header: Omit<StatsHeader, 'format' | 'count' | 'encoding' | 'sha256'> }> {
  if (name === '-') throw new UsageError('a shard is a file, not - (stdin): its content names it');
  checkGiven(m, given);
  const index = whichShard(m, name, await fileDigest(name));
  const record = m.plan.shards[index];
  const data = m.plan.input === 'table' ? await tableShard(m, name, stdin) : await ratingsShard(m, name, stdin);
  if (data.n !== record.rows) throw new DataError(`${name} has ${data.n} rows; the start read ${record.rows}`);
  const { logLikelihood, statistics } = shardStatistics(data, m.model.mixture, m.settings);
  const header = {
    model: modelShape(m),
    shard: { index, name, digest: record.digest, rows: record.rows, cells: record.cells },
    read: shardRead(m) as Record<string, unknown>,
    logLikelihood,
    fields: statistics.fields,
  };
  return { bytes: encodeStats(header, statistics.total), header };
}

/** A data set of no rows with the whole data's shape, for the M-step of summed statistics. */
function shapeOf(m: ShardModel) {
  const { d } = m.model.mixture;
  return m.plan.input === 'table' ? noRows(d, Float64Array.from(m.plan.center!), m.model.columns, m.plan.missing) : noUsers(d, !m.plan.missing);
}

/** What a statistics file's model is, in a few words. */
function describe(shape: StatsHeader['model']): string {
  return `a ${shape.family} K=${shape.k} model over ${shape.d} ${shape.input === 'table' ? 'columns' : 'items'}`;
}

/** A statistics file checked against the model it is added up under: the same model, the same iteration, a shard of the start read as it read them. */
function checkHeader(m: ShardModel, header: StatsHeader, source: string, fields: ReadonlyArray<readonly [string, number]>): void {
  const mine = modelShape(m);
  const theirs = header.model ?? ({} as StatsHeader['model']);
  if (theirs.input !== mine.input || theirs.family !== mine.family || theirs.k !== mine.k || theirs.d !== mine.d) {
    throw new DataError(`${source} holds the statistics of ${describe(theirs)}, but ${m.source} is ${describe(mine)}`);
  }
  if (theirs.columns !== mine.columns) throw new DataError(`${source} holds statistics over other ${mine.input === 'table' ? 'columns' : 'items'} than ${m.source}'s`);
  if (theirs.iteration !== mine.iteration) {
    throw new DataError(
      `${source} was computed under the model of iteration ${theirs.iteration}, but ${m.source} is the model of iteration ${mine.iteration}: ` +
        (theirs.iteration < mine.iteration ? 'a stale file from an earlier iteration' : 'a file of a later iteration') +
        `; run gmm-fit estep under ${m.source} again`,
    );
  }
  if (theirs.digest !== mine.digest) throw new DataError(`${source} was computed under another model than ${m.source} (their digests differ); run gmm-fit estep under ${m.source} again`);
  if (!same(header.read, shardRead(m))) throw new DataError(`${source}: its shard was read with other options than the start's`);
  if (!same(header.fields, fields)) throw new DataError(`${source}: its statistics are laid out as ${JSON.stringify(header.fields)}, not as the model's ${JSON.stringify(fields)}`);
  const shard = header.shard ?? ({} as StatsHeader['shard']);
  const record = Number.isSafeInteger(shard.index) ? m.plan.shards[shard.index] : undefined;
  if (!record || record.digest !== shard.digest) throw new DataError(`${source} is the statistics of a shard that ${m.source} was not started on`);
  if (record.rows !== shard.rows) throw new DataError(`${source} covers ${shard.rows} rows of ${record.name}, which had ${record.rows} at the start`);
}

/**
 * The M-step of the shards' statistics, added up in the order given (read one at a time from
 * `stats`), under a model started over shards: the new model document (iteration + 1, the summed log-likelihood in its trace,
 * whether the course's stopping rule now holds), and the verdict mstep prints.
 */
export function shardMaximization(
  m: ShardModel,
  stats: Iterable<{ readonly source: string; readonly bytes: Buffer }>,
): { document: Record<string, unknown>; verdict: Verdict; logLikelihood: number; iteration: number; flooredVariances: number; shards: number } {
  if (m.stop) throw new DataError(`the fit in ${m.source} has stopped (${m.stop} at iteration ${m.plan.iteration}); nothing to do: start again with gmm-fit start`);
  const shape = shapeOf(m);
  const fields = statisticsFieldsFor(shape, m.model.mixture, m.settings);
  const size = fields.reduce((a, [, length]) => a + length, 0);
  const total = new Float64Array(size);
  const seen = new Map<number, string>();
  let rows = 0;
  // One file at a time (a caller may read each only when asked): the driver holds one shard's statistics and the sums.
  for (const { source, bytes } of stats) {
    const { header, values } = decodeStats(bytes, source);
    checkHeader(m, header, source, fields);
    const other = seen.get(header.shard.index);
    if (other !== undefined) throw new DataError(`${other} and ${source} are both the statistics of shard ${header.shard.index + 1} (${m.plan.shards[header.shard.index].name}): a shard given twice`);
    seen.set(header.shard.index, source);
    for (let t = 0; t < size; t++) total[t] += values[t];
    rows += header.shard.rows;
  }
  if (seen.size === 0) throw new UsageError('mstep needs the statistics files of the shards: gmm-fit mstep -m MODEL STATS… --out NEW');
  if (rows !== m.plan.rows) {
    const missing = m.plan.shards.map((s, i) => ({ ...s, i })).filter((s) => !seen.has(s.i));
    const named = missing.slice(0, 3).map((s) => `${s.i + 1} (${s.name}, ${s.rows} rows)`).join(', ') + (missing.length > 3 ? `, … (${missing.length} in all)` : '');
    throw new DataError(`the statistics cover ${rows} of the start's ${m.plan.rows} rows: shard${missing.length > 1 ? 's' : ''} ${named} ${missing.length > 1 ? 'are' : 'is'} missing`);
  }
  const iteration = m.plan.iteration + 1;
  const step = summedMaximization(shape, m.model.mixture, m.settings, total, rows, iteration);
  const logLikelihood = total[offsetOf(fields, 'll')];
  const stop = stopAfter(iteration, m.trace[m.trace.length - 1], logLikelihood, m.settings);
  const { k, d } = step.mixture;
  const covariance = step.mixture.covariance.family;
  const fit = {
    ...m.fit,
    n: m.plan.rows,
    logLikelihood,
    bic: bic(logLikelihood, k, d, m.plan.rows, covariance),
    aic: aic(logLikelihood, k, d, covariance),
    iterations: iteration,
    converged: stop === 'converged',
    stop,
    flooredVariances: step.flooredVariances,
    trace: [...m.trace, logLikelihood],
  };
  const document = {
    ...modelDocument({ model: 'gaussian', covariance, mixture: step.mixture, fit, columns: m.model.columns, options: m.model.options, read: m.model.read }),
    distributed: { ...m.plan, iteration },
  };
  return { document, verdict: stop ?? 'continue', logLikelihood, iteration, flooredVariances: step.flooredVariances, shards: seen.size };
}

function offsetOf(fields: ReadonlyArray<readonly [string, number]>, name: string): number {
  let at = 0;
  for (const [field, length] of fields) {
    if (field === name) return at;
    at += length;
  }
  throw new Error(`internal: no ${name} field`);
}
