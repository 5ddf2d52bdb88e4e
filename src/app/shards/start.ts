import * as path from 'path';
import { DataError, UsageError } from '../../core/errors';
import { NumpyRandomState } from '../../core/random';
import { COVARIANCE_NAMES, DEFAULT_COVARIANCE, family, familyOf, sparseFamily, type Covariance } from '../../models/families';
import { isUsableVariance } from '../../models/data';
import { LOG_LIKELIHOOD } from '../../models/fit-state';
import { BIAS_DEFAULTS } from '../../models/baseline';
import type { Mixture } from '../../models/mixture';
import { combineTableMoments, observedCenter, observedScale, tableMoments, type TableMoments } from '../../models/shards';
import { covFloorFor, regCovarFor } from '../../fit/fit';
import { floorStart } from '../../models/families/cov-floor';
import { runsOverShards, type ShardFitSettings } from '../../fit/shards';
import { fileDigest } from '../../io/digest';
import { mixtureFromJson, mixtureToJson, modelDocument } from '../../io/model';
import type { ReadOptions } from '../../io/table';
import { DEFAULTS, defaultMinVar } from '../defaults';
import { readRecord } from '../documents';
import { RATINGS_DEFAULTS, readRatingsFile, type Center, type RatingsReading } from '../ratings';
import { columnVariancesOf } from '../standardize';
import { readTable, type NamedTable } from '../table';
import { pendingDocument, SHARDS_FORMAT, type ShardBaseline, type ShardPlan, type ShardRecord } from './plan';
import { globalRows, tableReadOptions } from './reading';

/** What a start over shards is asked for. */
export interface ShardStartRequest {
  readonly k: number;
  readonly seed?: number;
  readonly covariance?: Covariance;
  readonly tol?: number;
  readonly maxIter?: number;
  readonly minVar?: number;
  readonly regCovar?: number;
  /** --cov-floor's factor (tables, diag and full); default the family's. */
  readonly covFloor?: number;
  /** Tables: how the shards are read (the first one's detected delimiter and header then hold for all). */
  readonly read?: ReadOptions;
  /** Given: the shards are rating triplets, read so. */
  readonly ratings?: RatingsReading;
  /** Ratings: bias (the default, as fit --ratings) fits the bias baseline over the shards first; none fits the ratings (the course's model). */
  readonly center?: Center;
  /** Ratings: λ of the means' prior; default as fit --ratings (20 with --center bias, 0 with none). */
  readonly meanPrior?: number;
}

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
export function locate(rows: ArrayLike<number>, counts: readonly number[]): Array<{ shard: number; row: number }> {
  const starts = [0];
  for (const c of counts) starts.push(starts[starts.length - 1] + c);
  return Array.from(rows, (r) => {
    let s = 0;
    while (r >= starts[s + 1]) s++;
    return { shard: s, row: r - starts[s] };
  });
}

/** `{ key: value }`, or nothing when the value is undefined. */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/** The settings of a start, defaults resolved as the single-machine fit resolves them. */
function settingsOf(request: ShardStartRequest, covariance: Covariance, minVar: number, columnVariances: Float64Array | undefined, meanPrior = 0): ShardFitSettings {
  return {
    minVar,
    regCovar: regCovarFor({ covariance, regCovar: request.regCovar, columnVariances }),
    ...optional('covFloor', covFloorFor({ covariance, covFloor: request.covFloor, regCovar: request.regCovar, columnVariances })),
    tol: request.tol ?? LOG_LIKELIHOOD.defaultTol,
    maxIter: request.maxIter ?? DEFAULTS.maxIter,
    ...(meanPrior > 0 ? { meanPrior } : {}),
  };
}

/** The options a model over shards records (what its E-steps and M-steps run with). */
function optionsOf(covariance: Covariance, k: number, seed: number, settings: ShardFitSettings, center?: Center): Record<string, unknown> {
  return {
    model: 'gaussian',
    covariance,
    k: [k],
    seeds: [seed],
    init: 'random',
    tol: settings.tol,
    maxIter: settings.maxIter,
    minVar: settings.minVar,
    regCovar: typeof settings.regCovar === 'number' ? settings.regCovar : Array.from(settings.regCovar),
    ...(settings.covFloor ? { covFloor: Array.from(settings.covFloor) } : {}),
    ...(center !== undefined ? { center, meanPrior: settings.meanPrior ?? 0 } : {}),
    criterion: DEFAULTS.criterion,
  };
}

/**
 * A start the E-step cannot use is refused before any shard is read again, as the single
 * machine refuses it: a variance that is 0 (no spread in the data, or in a drawn row's
 * cells, and no floor), whose square is not an ordinary double, or a covariance that is not
 * positive definite.
 */
export function checkStart(mixture: Mixture, columns: readonly string[] | null): void {
  const { k, d, covariance } = mixture;
  const variances = familyOf(covariance).variancesOf(covariance, k, d);
  const per = variances.length / k;
  const bad = variances.findIndex((v) => !isUsableVariance(v));
  if (bad >= 0) {
    const j = Math.floor(bad / per);
    const where = per === 1 ? '' : ` in ${columns?.[bad % per] !== undefined ? JSON.stringify(columns[bad % per]) : `column ${(bad % per) + 1}`}`;
    throw new DataError(`the start is not usable: component ${j + 1} has variance ${variances[bad]}${where} (the data have no spread there); give a variance floor such as --min-var 1e-6, or fewer components`);
  }
  // The rest of what a model reader checks (a full covariance positive definite and symmetric), so that estep can read what start writes.
  const fail = (why: string): never => {
    throw new DataError(`the start is not usable: ${why}; give --reg-covar, or fewer components`);
  };
  mixtureFromJson(covariance.family, mixtureToJson(mixture), fail, d);
}

/** The model document of iteration 0: the mixture's start, and the plan. */
export function startDocument(mixture: Mixture, options: Record<string, unknown>, fit: Record<string, unknown>, columns: readonly string[] | null, read: Record<string, unknown>, plan: Omit<ShardPlan, 'format' | 'iteration'>): Record<string, unknown> {
  checkStart(mixture, columns);
  const covariance = mixture.covariance.family;
  return { ...modelDocument({ model: 'gaussian', covariance, mixture, fit, columns: columns ? [...columns] : null, options, read }), distributed: { format: SHARDS_FORMAT, iteration: 0, ...plan } };
}

function firstFit(seed: number, n: number, rows: ArrayLike<number>): Record<string, unknown> {
  return { seed, n, iterations: 0, converged: false, stop: null, initialRows: Array.from(rows), trace: [] };
}

function checkK(k: number, rows: number): void {
  if (!Number.isSafeInteger(k) || k < 1) throw new UsageError(`--k takes a whole number ≥ 1, got ${k}`);
  if (k > rows) throw new UsageError(`--k ${k} is more components than the shards have rows (${rows})`);
}

/**
 * The single-machine random start over the shards, read one at a time: the rows numpy's
 * `choice` draws over the global row count (the shards' rows in the order given), the start's
 * spreads from per-shard moments (tables) or item sums (ratings), p_j = 1/K. Returns the model
 * document of iteration 0 (what `gmm-fit start --out` writes), or, for rating triplets with
 * --center bias, the fit in progress whose passes fit the baseline first.
 */
export async function startOverShards(paths: readonly string[], request: ShardStartRequest, stdin?: NodeJS.ReadableStream): Promise<Record<string, unknown>> {
  checkShardList(paths);
  const covariance = request.covariance ?? DEFAULT_COVARIANCE;
  const ratings = request.ratings !== undefined;
  if (!runsOverShards(covariance, ratings)) {
    const able = COVARIANCE_NAMES.filter((name) => runsOverShards(name, ratings));
    throw new UsageError(`--covariance ${covariance} does not run over shards${ratings ? ' of rating triplets' : ''}; start, estep and mstep take ${able.join(' and ')}${ratings ? ' there' : ''}`);
  }
  if (!ratings && request.meanPrior !== undefined) throw new UsageError('--mean-prior goes with --ratings (rating triplets)');
  if (request.meanPrior !== undefined && !(request.meanPrior >= 0 && Number.isFinite(request.meanPrior))) throw new UsageError(`--mean-prior takes a number ≥ 0, got ${request.meanPrior}`);
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
  // The columns' variances, for --cov-floor (and with them, no --reg-covar by default), as on one machine.
  const settings = settingsOf(request, covariance, minVar, f.isotropic ? undefined : columnVariancesOf(observedScale(all)));
  const covariances = f.startCovariancesFromScatter!(n, all.zeroFilled.mean, f.startScatterMatrix ? all.cross! : all.zeroFilled.scatter, mu, request.k, settings.regCovar);
  const mixture = floorStart({ k: request.k, d, mu, p: new Float64Array(request.k).fill(1 / request.k), covariance: covariances }, settings.covFloor);
  const shards = paths.map((p, s) => ({ name: p, digest: digests[s], rows: moments[s].rows, cells: moments[s].cells }));
  return startDocument(mixture, optionsOf(covariance, request.k, seed, settings), firstFit(seed, n, drawn), first!.columns, read, { input: 'table', rows: n, cells: all.cells, missing, center: Array.from(observedCenter(all)), shards });
}

async function startOverRatings(paths: readonly string[], digests: readonly string[], request: ShardStartRequest, covariance: Covariance, stdin?: NodeJS.ReadableStream): Promise<Record<string, unknown>> {
  const center = request.center ?? RATINGS_DEFAULTS.center;
  const meanPrior = request.meanPrior ?? (center === 'bias' ? RATINGS_DEFAULTS.meanPrior : 0);
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
  // Σ of every rating in the same order: the baseline's μ, as fitBaseline adds them.
  let total = 0;
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
    const rows = globalRows(r, paths[s], 0, globalItem);
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
      total += v;
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
  const minVar = request.minVar ?? ((max - min) / 8) ** 2;
  const settings = settingsOf(request, covariance, minVar, undefined, meanPrior);
  const options = optionsOf(covariance, request.k, seed, settings, center);
  const itemCount = Array.from(columnCount.subarray(0, d));
  const plan = { input: 'ratings' as const, rows: n, cells: nnz, missing: nnz < n * d, itemCount, range: { min, max }, shards: records };
  if (center === 'bias') {
    // The baseline first, one pass an epoch (app/shards/baseline.ts); the mixture's start after it, on the residuals.
    const baseline: ShardBaseline = { mean: nnz > 0 ? total / nnz : 0, ...BIAS_DEFAULTS, epoch: 0, item: new Array<number>(d).fill(0) };
    const parts = { family: covariance, k: request.k, d, columns: itemIds, read, options, fit: firstFit(seed, n, drawn) };
    return pendingDocument(parts, { format: SHARDS_FORMAT, iteration: 0, pass: 0, ...plan, baseline }, 'baseline');
  }
  const mu = new Float64Array(request.k * d);
  const where = locate(drawn, records.map((r) => r.rows));
  for (const s of [...new Set(where.map((w) => w.shard))]) {
    const r = (await readRatingsFile(paths[s], reading, stdin)).ratings;
    const rows = globalRows(r, paths[s], d, (id) => items.get(id)!);
    where.forEach((w, j) => {
      if (w.shard !== s) return;
      for (let t = rows.rowStart[w.row]; t < rows.rowStart[w.row + 1]; t++) mu[j * d + rows.itemIndex[t]] = rows.rating[t];
    });
  }
  const sums = { n, d, columnSum: columnSum.subarray(0, d), columnSquares: columnSquares.subarray(0, d) };
  const covariances = sparseFamily(covariance).startCovariances(sums, mu, request.k, settings.regCovar);
  const mixture: Mixture = { k: request.k, d, mu, p: new Float64Array(request.k).fill(1 / request.k), covariance: covariances };
  return startDocument(mixture, options, firstFit(seed, n, drawn), itemIds, read, plan);
}
