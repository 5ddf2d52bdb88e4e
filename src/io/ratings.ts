/**
 * Ratings in long format, one rating a line (`user,item,rating[,timestamp…]`),
 * read as a stream into sparse rows by user (CSR), or, against a training
 * set's ids, into triplets in file order.
 *
 * MovieLens `ratings.csv` (header, comma), `u.data` (tab, no header),
 * `ratings.dat` (`::`), the Netflix Prize's 100M lines: the delimiter is
 * given or found as for tables (the name, then the first data line), through
 * gzip too; the header is detected from the rating cell of the first row.
 *
 * How it goes:
 * 1. the text is scanned line by line in place (ratings-scan.ts) into a batch
 *    per piece: numeric ids as their values, no string made;
 * 2. the batch's ids become dense indices in order of first appearance
 *    (ratings-ids.ts: a typed array for integer ids, a Map for the others),
 *    in a tight loop of its own (its independent reads overlap; inside the
 *    scan, each miss of the 10 MB user table stalled the line);
 * 3. triplets go to 256 buckets by user, in typed blocks (ratings-store.ts);
 * 4. each bucket is counting-sorted by item, then scattered into its users'
 *    rows (ratings-sort.ts), and released: peak ≈ the triplets plus the rows,
 *    13 + 8 bytes a rating with float32 ratings.
 *
 * Measured on 100,480,507 Netflix-shaped lines (1.5 GB, 480,189 users with
 * sparse integer ids, 17,770 items, shuffled) on the 2-core build machine:
 * 26 s of CPU, 2.3 GB peak RSS (float64 ratings: the same time, 3.1 GB);
 * 10M lines: 3.1 s, 345 MB. The same file with text ids (`u123`) goes through
 * the Map: about 4.5 times slower.
 */
import { promises as fs } from 'fs';
import type { FileHandle } from 'fs/promises';
import { DataError, UsageError } from '../core/errors';
import { CellReader } from './cells';
import { fileError } from './read';
import { checkDelimiter, delimiterFromName, type Delimiter } from './delimiter';
import { decimalCommaError } from './reader';
import { IdIndex, KnownIds, type IdResolver } from './ratings-ids';
import { Batch, RatingsScanner, type ColumnChoice } from './ratings-scan';
import { buildRows, buildTriplets, type Duplicate, type Duplicates } from './ratings-sort';
import { LineMap, TripletStore, type RatingArray } from './ratings-store';
import { feedText } from './text';
import { openInput } from './gzip';
import { Sniffer } from './sniff';

export type { ColumnChoice } from './ratings-scan';
export type { Duplicates } from './ratings-sort';

export interface RatingsReadOptions {
  /** As for tables; undefined: from the name (`.csv`, `.tsv`), then the first data line (comma, tab, whitespace, `::`, semicolon…). */
  readonly delimiter?: Delimiter;
  /** Undefined: the first row is a header if a column is chosen by name, or if its rating cell is a name (not a number, nor number-like). */
  readonly header?: boolean;
  /** The columns: a header name, or a 1-based position. Default 1, 2 and 3; any other column is stepped over. */
  readonly user?: ColumnChoice;
  readonly item?: ColumnChoice;
  readonly rating?: ColumnChoice;
  /** A (user, item) pair rated twice: an error naming both lines (default), their mean, or the later line's rating. */
  readonly duplicates?: Duplicates;
  /** Ratings such as `3,5` are 3.5 (needs a delimiter other than comma). */
  readonly decimalComma?: boolean;
  /**
   * Map ids through these (a training set's, e.g. `idMap(train.userIds)`)
   * instead of making new ones; unknown ids get −1 − j (j: their place in unknownUserIds / unknownItemIds). With either given, the
   * result is a RatingTriplets, not rows.
   */
  readonly userIds?: ReadonlyMap<string, number>;
  readonly itemIds?: ReadonlyMap<string, number>;
}

/** Options without id maps: the result is Ratings (rows). */
export type NewIdsOptions = RatingsReadOptions & { readonly userIds?: undefined; readonly itemIds?: undefined };
/** Options with an id map: the result is RatingTriplets. */
export type MappedIdsOptions = RatingsReadOptions & ({ readonly userIds: ReadonlyMap<string, number> } | { readonly itemIds: ReadonlyMap<string, number> });

/**
 * Ratings as sparse rows by user (CSR). Users and items are numbered 0, 1, 2…
 * in order of first appearance in the file (a file written row by row from a
 * dense matrix numbers its users as the matrix's rows); `userIds[u]` and
 * `itemIds[i]` are the original ids, as text (`01` and `1` are two ids).
 */
export interface Ratings {
  readonly users: number;
  readonly items: number;
  /** Ratings held (after merging duplicates). */
  readonly nnz: number;
  readonly userIds: string[];
  readonly itemIds: string[];
  /**
   * User u's ratings are at [rowStart[u], rowStart[u + 1]). An Int32Array: more
   * than 2^31 - 1 ratings are refused (at 21 bytes a rating while reading, they
   * would need 45 GB); the type leaves room for a Float64Array.
   */
  readonly rowStart: Int32Array | Float64Array;
  /** Within a user, ascending item index. */
  readonly itemIndex: Int32Array;
  /**
   * Float32Array while every rating is exactly a float32 (integers, halves,
   * quarters…: any usual scale), else Float64Array: never a rounded rating,
   * and 4 bytes less a rating in the usual case (400 MB at 100M ratings).
   */
  readonly rating: Float64Array | Float32Array;
  /** The smallest and largest rating. */
  readonly range: { readonly min: number; readonly max: number };
  readonly delimiter: Delimiter;
  /** The header's names (every column), or null without a header. */
  readonly columns: string[] | null;
}

/**
 * Ratings read against a training set's ids (options.userIds / itemIds), in
 * the file's order: the k-th rating is `user[k]`, `item[k]`, `rating[k]`.
 * A mapped id is its index in the map given, or −1 − j if not there (j: its place in the unknown ids); such ratings
 * are kept and counted (`unknownUserRatings`), and the unknown ids listed.
 * A side not mapped gets new indices by first appearance, as in Ratings, with
 * their ids in `userIds` / `itemIds` (null for a mapped side).
 *
 * A pair rated twice is found by id text, unknown ids too; merged with
 * `duplicates` 'mean' or 'last', it sits where its first rating was.
 */
export interface RatingTriplets {
  readonly nnz: number;
  readonly user: Int32Array;
  readonly item: Int32Array;
  /** As in Ratings: Float32Array when exact, else Float64Array. */
  readonly rating: Float64Array | Float32Array;
  readonly userIds: string[] | null;
  readonly itemIds: string[] | null;
  /** Ids not in the map given, in order of first appearance (empty for a side not mapped). */
  readonly unknownUserIds: string[];
  readonly unknownItemIds: string[];
  /** Ratings whose user (item) is not in the map given. */
  readonly unknownUserRatings: number;
  readonly unknownItemRatings: number;
  readonly range: { readonly min: number; readonly max: number };
  readonly delimiter: Delimiter;
  readonly columns: string[] | null;
}

/** True for the triplets form (a read with id maps). */
export function isTriplets(r: Ratings | RatingTriplets): r is RatingTriplets {
  return 'user' in r;
}

/** A map from ids to their indices (a training set's `userIds` or `itemIds`), for reading a test set against it. */
export function idMap(ids: readonly string[]): Map<string, number> {
  return new Map(ids.map((id, i) => [id, i]));
}

const DUPLICATES: readonly string[] = ['error', 'mean', 'last'];

function checkChoice(choice: unknown, what: string): ColumnChoice {
  const c = choice as { name?: unknown; index?: unknown } | null;
  if (c !== null && typeof c === 'object' && 'name' in c && typeof c.name === 'string') return { name: c.name };
  if (c !== null && typeof c === 'object' && 'index' in c && Number.isSafeInteger(c.index) && (c.index as number) >= 1) return { index: c.index as number };
  throw new UsageError(`the ${what} column is { name } (a header name) or { index } (a position from 1), got ${JSON.stringify(choice)}`);
}

export interface ReaderOptions {
  /** Hold ratings as float64 even when float32 holds them exactly (one type for every file; 4 bytes more a rating). */
  readonly float64?: boolean;
}

/**
 * One ratings file read from text that comes in pieces (LF line ends, no
 * BOM): the delimiter (given, from the name, or sniffed from the first data
 * line), then the scanner. parseRatings feeds it the whole text at once,
 * parseRatingsStream piece by piece; both give the same result.
 */
export class RatingsReader {
  private readonly cells: CellReader;
  private readonly batch = new Batch();
  private readonly lines = new LineMap();
  private readonly store: TripletStore;
  private readonly users: IdResolver;
  private readonly items: IdResolver;
  private readonly duplicates: Duplicates;
  private readonly choice: { header: boolean | undefined; user: ColumnChoice; item: ColumnChoice; rating: ColumnChoice };
  private delimiter: Delimiter | undefined;
  private sniffer: Sniffer | null = null;
  private scanner: RatingsScanner | null = null;
  /** The range of the ratings read. */
  private min = Infinity;
  private max = -Infinity;

  constructor(
    private readonly source: string,
    private readonly options: RatingsReadOptions = {},
    reader: ReaderOptions = {},
  ) {
    if (options.delimiter !== undefined) checkDelimiter(options.delimiter);
    if (options.header !== undefined && typeof options.header !== 'boolean') throw new UsageError(`header is true, false or undefined, got ${JSON.stringify(options.header)}`);
    const user = checkChoice(options.user ?? { index: 1 }, 'user');
    const item = checkChoice(options.item ?? { index: 2 }, 'item');
    const rating = checkChoice(options.rating ?? { index: 3 }, 'rating');
    const chosen: Array<[string, ColumnChoice]> = [
      ['user', user],
      ['item', item],
      ['rating', rating],
    ];
    const named = chosen.find(([, c]) => 'name' in c);
    if (named && options.header === false) {
      throw new UsageError(`choosing the ${named[0]} column by name (${JSON.stringify((named[1] as { name: string }).name)}) needs a header row, but the first row is said to be data; choose it by position`);
    }
    for (let a = 0; a < 3; a++) {
      for (let b = a + 1; b < 3; b++) {
        const [x, y] = [chosen[a][1], chosen[b][1]];
        const same = 'index' in x ? 'index' in y && x.index === y.index : 'name' in y && x.name === y.name;
        if (same) throw new UsageError(`the ${chosen[a][0]} and ${chosen[b][0]} columns are the same (${'index' in x ? x.index : JSON.stringify(x.name)})`);
      }
    }
    this.choice = { header: options.header, user, item, rating };
    const duplicates = options.duplicates ?? 'error';
    if (!DUPLICATES.includes(duplicates)) throw new UsageError(`duplicates is 'error', 'mean' or 'last', got ${JSON.stringify(duplicates)}`);
    this.duplicates = duplicates;
    const decimalComma = options.decimalComma === true;
    this.cells = new CellReader([], source, decimalComma);
    this.store = new TripletStore(reader.float64 === true);
    this.users = options.userIds !== undefined ? new KnownIds(options.userIds, 'userIds') : new IdIndex();
    this.items = options.itemIds !== undefined ? new KnownIds(options.itemIds, 'itemIds') : new IdIndex();
    this.batch.onFull = () => this.flush();
    const hint = delimiterFromName(source);
    if (options.delimiter !== undefined) this.start(options.delimiter, 0);
    else if (hint === '\t') this.start(hint, 0);
    else this.sniffer = new Sniffer(hint, decimalComma);
  }

  private start(delimiter: Delimiter, linesBefore: number): void {
    if (this.options.decimalComma && delimiter === ',') throw decimalCommaError(this.source);
    this.delimiter = delimiter;
    this.cells.hintDecimalComma = delimiter !== ',' && delimiter !== 'whitespace';
    this.scanner = new RatingsScanner(this.source, delimiter, this.choice, this.cells, this.batch, this.lines, linesBefore);
  }

  /** The next piece of text; `final` for the last one (which may be empty). */
  feed(text: string, final: boolean): void {
    if (this.sniffer) {
      const found = this.sniffer.feed(text, final);
      if (!found) return;
      this.sniffer = null;
      this.start(found.delimiter, found.linesBefore);
      text = found.text;
    }
    (this.scanner as RatingsScanner).feed(text, final);
    this.flush();
  }

  /** The batch's ids to indices (each side in file order, so by first appearance), then into the store. */
  private flush(): void {
    const { batch, store } = this;
    const n = batch.size;
    if (n === 0) return;
    const { user, item, rating } = batch;
    resolve(user, n, batch.userTexts, this.users);
    resolve(item, n, batch.itemTexts, this.items);
    let { min, max } = this;
    for (let j = 0; j < n; j++) {
      const r = rating[j];
      if (r < min) min = r;
      if (r > max) max = r;
      store.push(user[j], item[j], r);
    }
    this.min = min;
    this.max = max;
    batch.clear(store.count);
  }

  finish(): Ratings | RatingTriplets {
    if (this.sniffer || !this.scanner) this.feed('', true);
    const scanner = this.scanner as RatingsScanner;
    if (!scanner.sawRow) throw new DataError(`${this.source}: the file is empty (no ratings)`);
    if (this.store.count === 0) throw new DataError(`${this.source}: there is a header but no ratings`);
    const delimiter = this.delimiter as Delimiter;
    const columns = scanner.columns;
    const { users, items, store } = this;
    store.sizes();
    const fail = (d: Duplicate) => this.duplicateError(d);
    if (users instanceof IdIndex && items instanceof IdIndex) {
      const rows = buildRows(store, users.size, items.size, this.duplicates, fail);
      return { users: users.size, items: items.size, userIds: users.ids, itemIds: items.ids, ...rows, range: this.range(rows.rating), delimiter, columns };
    }
    const side = (ids: IdResolver) =>
      ids instanceof KnownIds
        ? { count: ids.base + ids.unknown.size, base: ids.base, ids: null, unknown: ids.unknown.ids }
        : { count: (ids as IdIndex).size, base: Infinity, ids: (ids as IdIndex).ids, unknown: [] };
    const u = side(users);
    const i = side(items);
    const t = buildTriplets(store, u.count, i.count, u.base, i.base, this.duplicates, fail);
    return {
      ...t,
      userIds: u.ids,
      itemIds: i.ids,
      unknownUserIds: u.unknown,
      unknownItemIds: i.unknown,
      range: this.range(t.rating),
      delimiter,
      columns,
    };
  }

  /** The range of the ratings held: those read, unless duplicates were merged (which may drop the extremes). */
  private range(held: RatingArray): { min: number; max: number } {
    return held.length === this.store.count ? { min: this.min, max: this.max } : range(held);
  }

  private duplicateError(d: Duplicate): never {
    const more = d.count > 1 ? ` (${d.count - 1} more ${d.count === 2 ? 'rating repeats' : 'ratings repeat'} a pair)` : '';
    throw new DataError(
      `${this.source}:${this.lines.lineOf(d.first)} and :${this.lines.lineOf(d.again)} both rate user ${shown(idText(this.users, d.user, this.options.userIds))}, item ${shown(idText(this.items, d.item, this.options.itemIds))}${more}; give --duplicates mean or last`,
    );
  }
}

function resolve(ids: Int32Array, n: number, texts: string[], resolver: IdResolver): void {
  let t = 0;
  for (let j = 0; j < n; j++) {
    const v = ids[j];
    ids[j] = v >= 0 ? resolver.numeric(v) : resolver.text(texts[t++]);
  }
}

/** The id text of an index (a slow look-up in a given map: for messages only). */
function idText(ids: IdResolver, index: number, map: ReadonlyMap<string, number> | undefined): string {
  if (ids instanceof IdIndex) return ids.ids[index];
  const known = ids as KnownIds;
  if (index >= known.base) return known.unknown.ids[index - known.base];
  for (const [id, i] of map as ReadonlyMap<string, number>) if (i === index) return id;
  return String(index);
}

/** An id as written in a message: as is, or quoted when it has blanks, commas, quotes or nothing. */
function shown(id: string): string {
  return id === '' || /[\s,;"'\u0000-\u001f]/.test(id) ? JSON.stringify(id) : id;
}

function range(rating: RatingArray): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < rating.length; k++) {
    const r = rating[k];
    if (r < min) min = r;
    if (r > max) max = r;
  }
  return { min, max };
}

/** Ratings from their whole text (CRLF, lone CR and a BOM are accepted). */
export function parseRatings(text: string, source: string, options?: NewIdsOptions, reader?: ReaderOptions): Ratings;
export function parseRatings(text: string, source: string, options: MappedIdsOptions, reader?: ReaderOptions): RatingTriplets;
export function parseRatings(text: string, source: string, options: RatingsReadOptions, reader?: ReaderOptions): Ratings | RatingTriplets;
export function parseRatings(text: string, source: string, options: RatingsReadOptions = {}, reader: ReaderOptions = {}): Ratings | RatingTriplets {
  const r = new RatingsReader(source, options, reader);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
  r.feed(text, true);
  return r.finish();
}

/**
 * Ratings as they arrive, chunk by chunk (gzip recognised by its first bytes
 * and decompressed as it streams); the same result as parseRatings on the
 * whole text. `sizeHint` is accepted as for parseStream, but not needed: the
 * triplets grow in blocks, never copied.
 */
export function parseRatingsStream(chunks: AsyncIterable<Buffer | string>, source: string, options?: NewIdsOptions, sizeHint?: number, reader?: ReaderOptions): Promise<Ratings>;
export function parseRatingsStream(chunks: AsyncIterable<Buffer | string>, source: string, options: MappedIdsOptions, sizeHint?: number, reader?: ReaderOptions): Promise<RatingTriplets>;
export function parseRatingsStream(chunks: AsyncIterable<Buffer | string>, source: string, options: RatingsReadOptions, sizeHint?: number, reader?: ReaderOptions): Promise<Ratings | RatingTriplets>;
export async function parseRatingsStream(
  chunks: AsyncIterable<Buffer | string>,
  source: string,
  options: RatingsReadOptions = {},
  _sizeHint?: number,
  reader: ReaderOptions = {},
): Promise<Ratings | RatingTriplets> {
  const r = new RatingsReader(source, options, reader);
  await feedText(await openInput(chunks, source), source, 'ratings as text', (text, final) => r.feed(text, final));
  return r.finish();
}

/** Ratings from a file, or from `stdin` when the path is `-`, read as they stream in (gzip or not). */
export function readRatings(path: string, options: NewIdsOptions, stdin: NodeJS.ReadableStream, reader?: ReaderOptions): Promise<Ratings>;
export function readRatings(path: string, options: MappedIdsOptions, stdin: NodeJS.ReadableStream, reader?: ReaderOptions): Promise<RatingTriplets>;
export function readRatings(path: string, options: RatingsReadOptions, stdin: NodeJS.ReadableStream, reader?: ReaderOptions): Promise<Ratings | RatingTriplets>;
export async function readRatings(path: string, options: RatingsReadOptions, stdin: NodeJS.ReadableStream, reader: ReaderOptions = {}): Promise<Ratings | RatingTriplets> {
  if (path === '-') {
    try {
      return await parseRatingsStream(stdin as AsyncIterable<Buffer>, '<stdin>', options, undefined, reader);
    } catch (err) {
      throw isReadError(err) ? fileError('<stdin>', err) : err;
    }
  }
  let handle: FileHandle;
  try {
    handle = await fs.open(path, 'r');
  } catch (err) {
    throw fileError(path, err);
  }
  let stream: ReturnType<FileHandle['createReadStream']> | null = null;
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    // 512 KB pieces, as for tables (latin1 strings of that size stay on the heap, where the GC frees them soon).
    stream = handle.createReadStream({ highWaterMark: 1 << 19 });
    return await parseRatingsStream(stream, path, options, stat.size, reader);
  } catch (err) {
    throw isReadError(err) ? fileError(path, err) : err;
  } finally {
    if (stream) stream.destroy();
    else await handle.close();
  }
}


/** An error of the operating system (it has an errno code), not of the data or the options. */
function isReadError(err: unknown): boolean {
  return !(err instanceof DataError) && !(err instanceof UsageError) && typeof (err as NodeJS.ErrnoException | null)?.code === 'string';
}
