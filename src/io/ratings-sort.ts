import { DataError } from '../core/errors';
import { BUCKETS, fileIndices, type RatingArray, type TripletStore } from './ratings-store';

/** What to do with a (user, item) pair rated twice. */
export type Duplicates = 'error' | 'mean' | 'last';

/** Items sorted in one counting pass; more in two (low 16 bits, then the rest). */
const ONE_PASS_ITEMS = 1 << 16;

/**
 * One bucket's triplets sorted by item, ties in file order (a stable counting
 * sort, in one or two passes), into arrays sized for the largest bucket; with
 * `positions`, also each triplet's position in its bucket (its order in the
 * file among the bucket's triplets).
 */
export class BucketSorter {
  readonly user: Int32Array;
  readonly item: Int32Array;
  readonly rating: RatingArray;
  readonly position: Int32Array;
  private readonly counts: Int32Array;
  private readonly highCounts: Int32Array | null;
  // The first pass's output when there are two.
  private readonly user2: Int32Array;
  private readonly item2: Int32Array;
  private readonly rating2: RatingArray;
  private readonly position2: Int32Array;

  constructor(
    private readonly store: TripletStore,
    items: number,
    positions: boolean,
  ) {
    let largest = 0;
    for (const bucket of store.buckets) largest = Math.max(largest, bucket.size);
    const ratings = (n: number) => (store.float64 ? new Float64Array(n) : new Float32Array(n));
    const two = items > ONE_PASS_ITEMS;
    this.user = new Int32Array(largest);
    this.item = new Int32Array(largest);
    this.rating = ratings(largest);
    this.position = new Int32Array(positions ? largest : 0);
    this.counts = new Int32Array((two ? ONE_PASS_ITEMS : items) + 1);
    this.highCounts = two ? new Int32Array((items >>> 16) + 2) : null;
    this.user2 = new Int32Array(two ? largest : 0);
    this.item2 = new Int32Array(two ? largest : 0);
    this.rating2 = ratings(two ? largest : 0);
    this.position2 = new Int32Array(two && positions ? largest : 0);
  }

  /** Sort bucket b; returns its size. */
  sort(b: number): number {
    const size = this.store.buckets[b].size;
    if (size === 0) return 0;
    if (this.highCounts === null) {
      this.fromBlocks(b, -1, this.user, this.item, this.rating, this.position);
      return size;
    }
    const [u2, i2, r2, p2] = [this.user2, this.item2, this.rating2, this.position2];
    this.fromBlocks(b, 0xffff, u2, i2, r2, p2);
    // Second pass: by the high bits, stable, from the first pass's output.
    const counts = this.highCounts;
    counts.fill(0);
    for (let q = 0; q < size; q++) counts[(i2[q] >>> 16) + 1]++;
    for (let h = 1; h < counts.length; h++) counts[h] += counts[h - 1];
    const { user, item, rating, position } = this;
    const positions = position.length > 0;
    for (let q = 0; q < size; q++) {
      const it = i2[q];
      const to = counts[it >>> 16]++;
      user[to] = u2[q];
      item[to] = it;
      rating[to] = r2[q];
      if (positions) position[to] = p2[q];
    }
    return size;
  }

  /** A counting sort of bucket b's blocks by (item & mask; -1: the whole item) into the arrays given. */
  private fromBlocks(b: number, mask: number, user: Int32Array, item: Int32Array, rating: RatingArray, position: Int32Array): void {
    const bucket = this.store.buckets[b];
    const counts = this.counts;
    counts.fill(0);
    let left = bucket.size;
    for (let k = 0; k < bucket.items.length && left > 0; k++) {
      const block = bucket.items[k];
      const end = Math.min(block.length, left);
      for (let p = 0; p < end; p++) counts[(block[p] & mask) + 1]++;
      left -= end;
    }
    for (let i = 1; i < counts.length; i++) counts[i] += counts[i - 1];
    left = bucket.size;
    let j = 0;
    for (let k = 0; k < bucket.items.length && left > 0; k++) {
      const users = bucket.users[k];
      const items = bucket.items[k];
      const ratings = bucket.ratings[k];
      const end = Math.min(items.length, left);
      if (position.length > 0) {
        for (let p = 0; p < end; p++) {
          const it = items[p];
          const to = counts[it & mask]++;
          user[to] = users[p];
          item[to] = it;
          rating[to] = ratings[p];
          position[to] = j++;
        }
      } else {
        for (let p = 0; p < end; p++) {
          const it = items[p];
          const to = counts[it & mask]++;
          user[to] = users[p];
          item[to] = it;
          rating[to] = ratings[p];
        }
      }
      left -= end;
    }
  }
}

/**
 * The duplicates of one sorted bucket (with positions): each user's items come
 * in order, so a pair rated again follows its user's last item. `note` gets
 * the user, item and the positions of the pair's previous and repeated rating.
 */
function duplicatesIn(sorter: BucketSorter, size: number, lastItem: Int32Array, lastPosition: Int32Array, note: (user: number, item: number, first: number, again: number) => void): void {
  const { user, item, position } = sorter;
  for (let q = 0; q < size; q++) {
    const u = user[q];
    const i = item[q];
    if (lastItem[u] === i) note(u, i, lastPosition[u], position[q]);
    lastItem[u] = i;
    lastPosition[u] = position[q];
  }
}

/** The first duplicate of one bucket (by its second rating's place in the file). */
interface FirstDuplicate {
  user: number;
  item: number;
  /** Positions in the bucket of the pair's first rating and of the one that repeats it. */
  first: number;
  again: number;
}

/** A pair rated twice, with its ratings' indices in file order. */
export interface Duplicate {
  readonly user: number;
  readonly item: number;
  readonly first: number;
  readonly again: number;
  /** How many ratings repeat a pair, in all. */
  readonly count: number;
}

/**
 * Keeps, per bucket, the duplicate whose repeated rating comes first in the
 * file, and finds the earliest of them all (their file indices from one pass
 * over the store's order).
 */
class DuplicateFinder {
  private readonly firsts: Array<FirstDuplicate | null> = new Array<FirstDuplicate | null>(BUCKETS).fill(null);
  count = 0;

  note(b: number, user: number, item: number, first: number, again: number): void {
    this.count++;
    const known = this.firsts[b];
    if (known === null || again < known.again) this.firsts[b] = { user, item, first, again };
  }

  earliest(store: TripletStore): Duplicate | null {
    if (this.count === 0) return null;
    const wanted = this.firsts.map((d) => (d === null ? [] : [d.first, d.again]));
    const found = fileIndices(store, wanted);
    let best: Duplicate | null = null;
    this.firsts.forEach((d, b) => {
      if (d === null) return;
      const [first, again] = found[b];
      if (best === null || again < best.again) best = { user: d.user, item: d.item, first, again, count: this.count };
    });
    return best;
  }
}

/** Ratings as rows (CSR) by user: user u's at [rowStart[u], rowStart[u + 1]), items ascending. */
export interface Rows {
  readonly rowStart: Int32Array | Float64Array;
  readonly itemIndex: Int32Array;
  readonly rating: RatingArray;
  readonly nnz: number;
}

/**
 * The store's triplets as rows: per bucket, a counting sort by item, then
 * each triplet to the next place in its user's row (so each row is in item
 * order, and a pair rated twice is two neighbours in file order). The store's
 * triplets are released bucket by bucket (peak: the triplets and the rows).
 * With `duplicates` 'error', the first duplicate in the file is passed to
 * `fail`; with 'mean' or 'last' the neighbours are merged.
 */
export function buildRows(store: TripletStore, users: number, items: number, duplicates: Duplicates, fail: (d: Duplicate) => never): Rows {
  const n = store.count;
  if (n >= 2 ** 31) throw new DataError(`more than ${2 ** 31 - 1} ratings (${n}) are more than the rows can index`);
  const rowStart = new Int32Array(users + 1);
  const counts = store.countUsers(users);
  for (let u = 0; u < users; u++) rowStart[u + 1] = rowStart[u] + counts[u];
  // Per user, side by side (one cache line): where its next rating goes, and its last item so far.
  const state = new Int32Array(2 * users);
  for (let u = 0; u < users; u++) {
    state[2 * u] = rowStart[u];
    state[2 * u + 1] = -1;
  }
  const itemIndex = new Int32Array(n);
  let rating: RatingArray = store.float64 ? new Float64Array(n) : new Float32Array(n);
  const finder = new DuplicateFinder();
  const merge = duplicates !== 'error';
  const dupRows = merge ? new Uint8Array(users) : null;
  const sorter = new BucketSorter(store, items, false);
  let again: { sorter: BucketSorter; lastItem: Int32Array; lastPosition: Int32Array } | null = null;
  for (let b = 0; b < BUCKETS; b++) {
    const size = sorter.sort(b);
    const { user, item, rating: r } = sorter;
    let repeats = 0;
    for (let q = 0; q < size; q++) {
      const u = user[q];
      const i = item[q];
      const at = 2 * u;
      const p = state[at];
      state[at] = p + 1;
      itemIndex[p] = i;
      rating[p] = r[q];
      if (state[at + 1] === i) {
        repeats++;
        if (dupRows) dupRows[u] = 1;
      }
      state[at + 1] = i;
    }
    if (repeats > 0 && !merge) {
      // An error to come: sort the bucket again with positions, for the lines of its first duplicate.
      again ??= { sorter: new BucketSorter(store, items, true), lastItem: new Int32Array(users).fill(-1), lastPosition: new Int32Array(users) };
      duplicatesIn(again.sorter, again.sorter.sort(b), again.lastItem, again.lastPosition, (u, i, first, second) => finder.note(b, u, i, first, second));
    } else finder.count += repeats;
    store.release(b); // the error, if any, needs only the store's order (seq)
  }
  if (finder.count === 0) return { rowStart, itemIndex, rating, nnz: n };
  if (!dupRows) fail(finder.earliest(store) as Duplicate);
  const rows = dupRows as Uint8Array;
  if (duplicates === 'mean' && rating instanceof Float32Array && !meansAreFloat32(rowStart, itemIndex, rating, rows)) rating = Float64Array.from(rating);
  // Merge the neighbours, moving everything after them down.
  let w = 0;
  let start = rowStart[0];
  for (let u = 0; u < users; u++) {
    const end = rowStart[u + 1];
    rowStart[u] = w;
    if (rows[u] === 0) {
      if (w !== start) {
        itemIndex.copyWithin(w, start, end);
        rating.copyWithin(w, start, end);
      }
      w += end - start;
    } else {
      for (let p = start; p < end; ) {
        const i = itemIndex[p];
        let sum = rating[p];
        let last = sum;
        let q = p + 1;
        for (; q < end && itemIndex[q] === i; q++) {
          last = rating[q];
          sum += last;
        }
        itemIndex[w] = i;
        rating[w] = duplicates === 'mean' ? sum / (q - p) : last;
        w++;
        p = q;
      }
    }
    start = end;
  }
  rowStart[users] = w;
  const trim = <T extends Int32Array | RatingArray>(a: T): T => (w >= a.length * 0.875 ? (a.subarray(0, w) as T) : (a.slice(0, w) as T));
  return { rowStart, itemIndex: trim(itemIndex), rating: trim(rating), nnz: w };
}

/** Whether every mean of a run of equal items, in the rows marked, is exactly a float32. */
function meansAreFloat32(rowStart: Int32Array | Float64Array, itemIndex: Int32Array, rating: RatingArray, rows: Uint8Array): boolean {
  for (let u = 0; u < rows.length; u++) {
    if (rows[u] === 0) continue;
    const end = rowStart[u + 1];
    for (let p = rowStart[u]; p < end; ) {
      let sum = rating[p];
      let q = p + 1;
      for (; q < end && itemIndex[q] === itemIndex[p]; q++) sum += rating[q];
      if (q - p > 1 && Math.fround(sum / (q - p)) !== sum / (q - p)) return false;
      p = q;
    }
  }
  return true;
}

/** Ratings in file order, as indices (see buildTriplets). */
export interface Triplets {
  readonly user: Int32Array;
  readonly item: Int32Array;
  readonly rating: RatingArray;
  readonly nnz: number;
  readonly unknownUserRatings: number;
  readonly unknownItemRatings: number;
}

/**
 * The store's triplets in file order, with indices from `userBase` and
 * `itemBase` on (unknown ids) written as −1 − j, j the id's place in the list of unknown ids. Duplicates are found as in
 * buildRows (by the full indices, so two ratings of one unknown user for one
 * unknown item are a duplicate too); merged ones sit at the pair's first rating.
 */
export function buildTriplets(
  store: TripletStore,
  users: number,
  items: number,
  userBase: number,
  itemBase: number,
  duplicates: Duplicates,
  fail: (d: Duplicate) => never,
): Triplets {
  // Find the duplicates: the rows' order without the rows (each user's last item and its position).
  const lastItem = new Int32Array(users).fill(-1);
  const lastPosition = new Int32Array(users);
  const finder = new DuplicateFinder();
  const merge = duplicates !== 'error';
  // Per user, the pair being merged: its first rating's position, the sum or the last rating, the count.
  const head = new Int32Array(merge ? users : 0);
  const value = new Float64Array(merge ? users : 0);
  const runs = new Int32Array(merge ? users : 0);
  // Per bucket: positions of ratings merged away (NaN) or that take a merged value.
  const changes: Array<Array<[number, number]>> = [];
  let float32 = !store.float64;
  const sorter = new BucketSorter(store, items, true);
  for (let b = 0; b < BUCKETS; b++) {
    const size = sorter.sort(b);
    const changed: Array<[number, number]> = [];
    changes.push(changed);
    if (!merge) {
      duplicatesIn(sorter, size, lastItem, lastPosition, (u, i, first, again) => finder.note(b, u, i, first, again));
      continue;
    }
    const close = (u: number) => {
      if (runs[u] < 2) return;
      const merged = duplicates === 'mean' ? value[u] / runs[u] : value[u];
      if (Math.fround(merged) !== merged) float32 = false;
      changed.push([head[u], merged]);
    };
    const { user, item, rating, position } = sorter;
    for (let q = 0; q < size; q++) {
      const u = user[q];
      const i = item[q];
      if (lastItem[u] === i) {
        changed.push([position[q], Number.NaN]);
        value[u] = duplicates === 'mean' ? value[u] + rating[q] : rating[q];
        runs[u]++;
      } else {
        if (lastItem[u] >= 0) close(u);
        head[u] = position[q];
        value[u] = rating[q];
        runs[u] = 1;
      }
      lastItem[u] = i;
    }
    for (let u = b; u < users; u += BUCKETS) if (lastItem[u] >= 0) close(u);
  }
  if (!merge && finder.count > 0) fail(finder.earliest(store) as Duplicate);

  // The merged ratings' file indices, in one list sorted by index.
  let changedAt: Float64Array = new Float64Array(0);
  let changedTo: Float64Array = new Float64Array(0);
  let dropped = 0;
  if (changes.some((c) => c.length > 0)) {
    for (const c of changes) c.sort((x, y) => x[0] - y[0]);
    const found = fileIndices(
      store,
      changes.map((c) => c.map((x) => x[0])),
    );
    const all: Array<[number, number]> = [];
    changes.forEach((c, b) => c.forEach((x, j) => all.push([found[b][j], x[1]])));
    all.sort((x, y) => x[0] - y[0]);
    changedAt = Float64Array.from(all, (x) => x[0]);
    changedTo = Float64Array.from(all, (x) => x[1]);
    for (const [, v] of all) if (v !== v) dropped++;
  }

  // Out in file order, from the buckets' blocks (each released once read).
  const n = store.count - dropped;
  const outUser = new Int32Array(n);
  const outItem = new Int32Array(n);
  const outRating: RatingArray = float32 ? new Float32Array(n) : new Float64Array(n);
  const block = new Int32Array(BUCKETS);
  const offset = new Int32Array(BUCKETS);
  let unknownUsers = 0;
  let unknownItems = 0;
  let w = 0;
  let c = 0;
  let k = 0;
  for (let s = 0; s < store.seq.length; s++) {
    const seq = store.seq[s];
    const end = Math.min(seq.length, store.count - k);
    for (let p = 0; p < end; p++, k++) {
      const b = seq[p];
      const bucket = store.buckets[b];
      let at = offset[b];
      let blockIndex = block[b];
      if (at === bucket.users[blockIndex].length) {
        bucket.users[blockIndex] = bucket.items[blockIndex] = EMPTY;
        bucket.ratings[blockIndex] = EMPTY_RATINGS;
        blockIndex = ++block[b];
        at = 0;
      }
      offset[b] = at + 1;
      let r = bucket.ratings[blockIndex][at];
      if (c < changedAt.length && changedAt[c] === k) {
        r = changedTo[c++];
        if (r !== r) continue;
      }
      const u = bucket.users[blockIndex][at];
      const i = bucket.items[blockIndex][at];
      if (u >= userBase) unknownUsers++;
      if (i >= itemBase) unknownItems++;
      // An unknown id j (unknownUserIds[j]) is written −1 − j: negative, and still its own id.
      outUser[w] = u >= userBase ? -1 - (u - userBase) : u;
      outItem[w] = i >= itemBase ? -1 - (i - itemBase) : i;
      outRating[w] = r;
      w++;
    }
  }
  for (let b = 0; b < BUCKETS; b++) store.release(b);
  return { user: outUser, item: outItem, rating: outRating, nnz: n, unknownUserRatings: unknownUsers, unknownItemRatings: unknownItems };
}

const EMPTY = new Int32Array(0);
const EMPTY_RATINGS = new Float32Array(0);
