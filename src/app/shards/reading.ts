import * as path from 'path';
import { DataError, UsageError } from '../../core/errors';
import { createMatrix, type Matrix } from '../../core/matrix';
import { prepareData, type PreparedData } from '../../models/data';
import type { SparseRows } from '../../models/sparse';
import type { Ratings } from '../../io/ratings';
import type { ReadOptions } from '../../io/table';
import { readRatingsFile, type RatingsReading } from '../ratings';
import { readOptionsFor } from '../reading';
import { readTable } from '../table';
import { same, shown, type ShardModel } from './plan';

/** The reading options an E-step is given (all optional): each one must be the start's. */
export interface ShardReadGiven {
  readonly ratings?: boolean;
  readonly table?: ReadOptions;
  readonly triplets?: RatingsReading;
}

/** How a table shard is read: the start's options, with its detected delimiter and header fixed, and the model's columns by name. */
export function tableReadOptions(read: Record<string, unknown>, columns: readonly string[] | null): ReadOptions {
  const { options } = readOptionsFor({ read, columns: columns ? [...columns] : null }, {});
  const detected = (read.detected ?? {}) as { delimiter?: ReadOptions['delimiter']; header?: boolean };
  return { ...options, delimiter: (read.delimiter as ReadOptions['delimiter']) ?? detected.delimiter, header: (read.header as boolean | undefined) ?? detected.header };
}

/** How a ratings shard is read: as the start read them, with its detected delimiter fixed. */
export function ratingsReadOptions(read: Record<string, unknown>): RatingsReading {
  const { input: _input, ...reading } = read;
  return reading as RatingsReading;
}

/** The reading options every shard of this model is read with. */
export function shardRead(m: ShardModel): ReadOptions | RatingsReading {
  return m.plan.input === 'table' ? tableReadOptions(m.read, m.columns) : ratingsReadOptions(m.read);
}

/** Each reading option given to an E-step must be the start's: a shard read otherwise would not be the shard the start read. */
export function checkGiven(m: ShardModel, given: ShardReadGiven): void {
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
    const then = key === 'select' ? m.read.select : read[key];
    if (!same(value, then)) throw new UsageError(`${flag} ${shown(value)} differs from the start's (${then === undefined ? 'not given' : shown(then)}): every shard is read as the start read them; leave the option out`);
  }
}

/** The shard of the start a file is (by its content), or an error saying why it is none. */
export function whichShard(m: ShardModel, name: string, digest: string): number {
  const index = m.plan.shards.findIndex((s) => s.digest === digest);
  if (index >= 0) return index;
  const named = m.plan.shards.findIndex((s) => path.resolve(s.name) === path.resolve(name));
  if (named >= 0) throw new DataError(`${name} is not the shard the start read under that name (its content has changed since): start again, or give the shard as it was`);
  throw new DataError(`${name} is not one of the ${m.plan.shards.length} shards ${m.source} was started on (no shard has its content)`);
}

/** A table shard read as the start read it, its mask made explicit when the whole table has missing cells, centred on the whole table's centre. */
export async function tableShard(m: ShardModel, name: string, stdin?: NodeJS.ReadableStream): Promise<PreparedData> {
  const table = await readTable(name, shardRead(m) as ReadOptions, stdin);
  const { matrix } = table;
  if (matrix.cols !== m.d) throw new DataError(`${name} has ${matrix.cols} columns; ${m.source} has ${m.d}`);
  // A shard with every cell observed, of a table with missing cells: its statistics have the observed-weight block too.
  const masked: Matrix = m.plan.missing && !matrix.observed ? { ...createMatrix(matrix.rows, matrix.cols, matrix.data, new Uint8Array(matrix.rows * matrix.cols).fill(1)), columns: matrix.columns } : matrix;
  return prepareData(masked, false, Float64Array.from(m.plan.center!));
}

/** Rating rows over the whole data's items, with their ratings in row order. */
export interface GlobalRows extends SparseRows {
  readonly rowStart: Int32Array;
  readonly itemIndex: Int32Array;
  readonly rating: Float64Array | Float32Array;
}

/** A ratings shard as CSR rows over the whole data's items (`globalItem` of each of its item ids), each user's ratings in ascending item order as one file's rows are. */
export function globalRows(r: Ratings, source: string, items: number, globalItem: (id: string) => number): GlobalRows {
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
  return { users: r.users, items, rowStart, itemIndex, rating };
}

/** A ratings shard read as the start read them, over the model's items. */
export async function ratingsShard(m: ShardModel, name: string, stdin?: NodeJS.ReadableStream): Promise<GlobalRows> {
  const r = (await readRatingsFile(name, shardRead(m) as RatingsReading, stdin)).ratings;
  const items = new Map((m.columns ?? []).map((id, i) => [id, i]));
  return globalRows(r, name, m.d, (id) => {
    const i = items.get(id);
    if (i === undefined) throw new DataError(`${name} rates item ${id}, which the start's shards do not have`);
    return i;
  });
}
