import { UsageError } from '../core/errors';

/** What numericId gives for an empty cell. */
export const EMPTY_ID = -2;
/** What numericId gives for an id that is not a plain non-negative integer (looked up by its text). */
export const TEXT_ID = -1;

/**
 * The value of an id written as a plain non-negative integer without leading
 * zeros (`0`, `7`, `1193`; at most 9 digits), else TEXT_ID (`01`, `u1`, `-3`,
 * `1e3`, ten digits), or EMPTY_ID for text[start, end) empty. Such ids take
 * the fast path (a typed array, no string made); as text they are the same
 * ids: `1` and `01` are two ids.
 */
export function numericId(text: string, start: number, end: number): number {
  const length = end - start;
  if (length === 0) return EMPTY_ID;
  if (length > 9) return TEXT_ID;
  let c = text.charCodeAt(start);
  if (c < 48 || c > 57 || (c === 48 && length > 1)) return TEXT_ID;
  let value = c - 48;
  for (let p = start + 1; p < end; p++) {
    c = text.charCodeAt(p);
    if (c < 48 || c > 57) return TEXT_ID;
    value = value * 10 + (c - 48);
  }
  return value;
}

/**
 * A string of its own: V8 makes a slice of 13 characters or more a view into
 * the text it came from, and an id kept as such would keep its whole piece of
 * the file (512 KB) alive. (UTF-16 code units copied as they are.)
 */
export function ownCopy(text: string): string {
  return text.length < 13 ? text : Buffer.from(text, 'utf16le').toString('utf16le');
}

/** Ids to indices: a numeric id by its value (see numericId), any other by its text. */
export interface IdResolver {
  numeric(value: number): number;
  text(id: string): number;
}

/** The direct table never grows past this many entries (256 MB)... */
const TABLE_CAP = 1 << 26;
/** ...nor past this many entries per id it holds (so sparse ids cost at most 64 bytes each)... */
const TABLE_PER_ID = 16;
/** ...unless it stays this small (16 MB: Netflix's user ids go to 2,649,429). */
const TABLE_MIN = 1 << 22;

/**
 * Dense indices 0, 1, 2… for ids, in order of first appearance, with the
 * original texts (`ids[index]`). Numeric ids go through an Int32Array indexed
 * by value (index + 1; 0 = not seen), so the usual integer ids cost one array
 * read and no string; the others through a Map of their texts. A numeric id
 * too large for the table at the time (it grows with the number of ids) goes
 * to the Map by its text; the table then looks there before making a new index,
 * so every id has exactly one index however the table grew.
 */
export class IdIndex implements IdResolver {
  private count = 0;
  /** Per index: the numeric id's value, or -1 for an id in `texts` (the next one there). */
  private values = new Int32Array(1024);
  private readonly texts: string[] = [];
  private table = new Int32Array(1024);
  private readonly map = new Map<string, number>();
  private numericInMap = false;
  private made: string[] | null = null;

  get size(): number {
    return this.count;
  }

  /** The ids' texts by index (numeric ones are made into strings only here, once). */
  get ids(): string[] {
    if (this.made !== null && this.made.length === this.count) return this.made;
    const ids = new Array<string>(this.count);
    let t = 0;
    for (let i = 0; i < this.count; i++) {
      const v = this.values[i];
      ids[i] = v >= 0 ? String(v) : this.texts[t++];
    }
    this.made = ids;
    return ids;
  }

  numeric(value: number): number {
    const table = this.table;
    if (value < table.length) {
      const x = table[value];
      if (x !== 0) return x - 1;
    }
    return this.numericMiss(value);
  }

  private numericMiss(value: number): number {
    if (value >= this.table.length && !this.growTo(value)) {
      this.numericInMap = true;
      return this.text(String(value));
    }
    if (this.numericInMap) {
      const known = this.map.get(String(value));
      if (known !== undefined) {
        this.table[value] = known + 1;
        return known;
      }
    }
    const index = this.add(value);
    this.table[value] = index + 1;
    return index;
  }

  private add(value: number): number {
    if (this.count === this.values.length) {
      const values = new Int32Array(this.values.length * 2);
      values.set(this.values);
      this.values = values;
    }
    this.values[this.count] = value;
    return this.count++;
  }

  private growTo(value: number): boolean {
    // Doubling (at least), so that the copies cost O(final size) in all.
    const size = Math.max(value + 1, this.table.length * 2);
    if (size > Math.min(TABLE_CAP, Math.max(TABLE_MIN, TABLE_PER_ID * (this.count + 1)))) return false;
    const table = new Int32Array(size);
    table.set(this.table);
    this.table = table;
    return true;
  }

  /** The index of an id that is not numeric (see numericId). */
  text(id: string): number {
    let index = this.map.get(id);
    if (index === undefined) {
      const own = ownCopy(id);
      this.texts.push(own);
      index = this.add(-1);
      this.map.set(own, index);
    }
    return index;
  }
}

/** Indices in a given map stay below this (arrays are sized by the largest). */
const MAX_KNOWN_INDEX = 2 ** 30;

/**
 * Ids looked up in a given map (a training set's): the indices of the known
 * ones are the map's; an id not in it gets `base + j`, where j numbers the
 * unknown ids by first appearance (`unknown.ids[j]`) and `base` is one past
 * the map's largest index. (The readers turn those into -1 in their output.)
 */
export class KnownIds implements IdResolver {
  /** One past the largest index in the map: indices from here on are unknown ids. */
  readonly base: number;
  readonly unknown = new IdIndex();
  private readonly table: Int32Array;
  private readonly map: ReadonlyMap<string, number>;
  /** Some numeric ids of the map are not in the table (too large). */
  private readonly numericInMap: boolean;

  constructor(map: ReadonlyMap<string, number>, what: string) {
    let max = -1;
    let top = -1;
    for (const [id, index] of map) {
      if (typeof id !== 'string' || !Number.isInteger(index) || index < 0 || index >= MAX_KNOWN_INDEX) {
        throw new UsageError(`${what}: the indices must be whole numbers from 0 to ${MAX_KNOWN_INDEX - 1} (got ${JSON.stringify(id)} → ${String(index)})`);
      }
      if (index > max) max = index;
      const value = numericId(id, 0, id.length);
      if (value > top) top = value;
    }
    this.base = max + 1;
    this.map = map;
    const allowed = Math.min(TABLE_CAP, Math.max(TABLE_MIN, TABLE_PER_ID * (map.size + 1)));
    this.table = new Int32Array(Math.min(allowed, top + 1));
    let outside = false;
    for (const [id, index] of map) {
      const value = numericId(id, 0, id.length);
      if (value < 0) continue;
      if (value < this.table.length) this.table[value] = index + 1;
      else outside = true;
    }
    this.numericInMap = outside;
  }

  numeric(value: number): number {
    if (value < this.table.length) {
      const x = this.table[value];
      if (x !== 0) return x - 1;
    } else if (this.numericInMap) {
      const known = this.map.get(String(value));
      if (known !== undefined) return known;
    }
    return this.base + this.unknown.numeric(value);
  }

  text(id: string): number {
    const known = this.map.get(id);
    return known !== undefined ? known : this.base + this.unknown.text(id);
  }
}
