/**
 * Where the ratings go as they are read: (user, item, rating) triplets in
 * typed blocks, never one growing array that is copied.
 *
 * The triplets are kept in BUCKETS buckets by the user's index (`user & 255`),
 * each in the file's order, and beside them one byte per rating, its bucket
 * (`seq`), which gives the file's order back. The buckets are what makes the
 * sort into rows fast: a bucket's users are 1/256 of all, so the counting sort
 * of one bucket into its users' rows writes to few places at a time (at 100M
 * ratings a direct scatter over all users takes 4 times as long: it misses the
 * caches and the TLB on every write).
 *
 * Ratings are Float32Array while every rating is exactly a float32 (any
 * integer scale, halves, quarters…); the first that is not (3.7) turns all the
 * blocks into Float64Array. At 100M ratings that is 400 MB less, at no cost in
 * time or exactness.
 */

export const BUCKETS = 256;
export const BUCKET_MASK = BUCKETS - 1;
const FIRST_BLOCK = 64;
const MAX_BLOCK = 1 << 14;
const SEQ_BLOCK = 1 << 20;

export type RatingArray = Float32Array | Float64Array;

/** One bucket's triplets, in blocks (all full but the last). */
export interface Bucket {
  /** Triplets in the bucket (set by sizes(), once all are in). */
  size: number;
  users: Int32Array[];
  items: Int32Array[];
  ratings: RatingArray[];
}

export class TripletStore {
  /** Ratings stored. */
  count = 0;
  /** Whether the ratings are held as float64 (some rating is not a float32). */
  float64: boolean;
  readonly buckets: Bucket[] = [];
  /** The bucket of each rating in file order, in blocks of SEQ_BLOCK. */
  readonly seq: Uint8Array[] = [];
  private seqBlock = new Uint8Array(0);
  private seqFill = 0;
  // The current (last) block of each bucket and how full it is.
  private readonly curUsers: Int32Array[] = [];
  private readonly curItems: Int32Array[] = [];
  private readonly curRatings: RatingArray[] = [];
  private readonly fill = new Int32Array(BUCKETS);

  constructor(float64 = false) {
    this.float64 = float64;
    const none = new Int32Array(0);
    for (let b = 0; b < BUCKETS; b++) {
      this.buckets.push({ size: 0, users: [], items: [], ratings: [] });
      this.curUsers.push(none);
      this.curItems.push(none);
      this.curRatings.push(float64 ? new Float64Array(0) : new Float32Array(0));
    }
  }

  push(user: number, item: number, rating: number): void {
    if (!this.float64 && Math.fround(rating) !== rating) this.toFloat64();
    const b = user & BUCKET_MASK;
    let at = this.fill[b];
    if (at === this.curUsers[b].length) {
      this.newBlock(b);
      at = 0;
    }
    this.curUsers[b][at] = user;
    this.curItems[b][at] = item;
    this.curRatings[b][at] = rating;
    this.fill[b] = at + 1;
    if (this.seqFill === this.seqBlock.length) this.newSeqBlock();
    this.seqBlock[this.seqFill++] = b;
    this.count++;
  }

  private newSeqBlock(): void {
    this.seqBlock = new Uint8Array(SEQ_BLOCK);
    this.seq.push(this.seqBlock);
    this.seqFill = 0;
  }

  /** Bucket sizes, once everything is in. */
  sizes(): void {
    for (let b = 0; b < BUCKETS; b++) {
      const bucket = this.buckets[b];
      const blocks = bucket.users.length;
      bucket.size = blocks === 0 ? 0 : this.fill[b] + bucket.users.slice(0, -1).reduce((sum, block) => sum + block.length, 0);
    }
  }

  /** Ratings per user index (one pass over the buckets' users, which stay in cache: a bucket has 1/256 of the users). */
  countUsers(users: number): Int32Array {
    const counts = new Int32Array(users);
    for (const bucket of this.buckets) {
      let left = bucket.size;
      for (const block of bucket.users) {
        const end = Math.min(block.length, left);
        for (let p = 0; p < end; p++) counts[block[p]]++;
        left -= end;
      }
    }
    return counts;
  }

  private newBlock(b: number): void {
    const bucket = this.buckets[b];
    const size = Math.min(MAX_BLOCK, Math.max(FIRST_BLOCK, this.curUsers[b].length * 2));
    const users = new Int32Array(size);
    const items = new Int32Array(size);
    const ratings = this.float64 ? new Float64Array(size) : new Float32Array(size);
    bucket.users.push(users);
    bucket.items.push(items);
    bucket.ratings.push(ratings);
    this.curUsers[b] = users;
    this.curItems[b] = items;
    this.curRatings[b] = ratings;
    this.fill[b] = 0;
  }

  /** Every rating block becomes a Float64Array (a rating that float32 would round has come). */
  private toFloat64(): void {
    this.float64 = true;
    for (let b = 0; b < BUCKETS; b++) {
      const bucket = this.buckets[b];
      bucket.ratings = bucket.ratings.map((block) => Float64Array.from(block));
      this.curRatings[b] = bucket.ratings.length > 0 ? bucket.ratings[bucket.ratings.length - 1] : new Float64Array(0);
    }
  }

  /** Drop a bucket's triplets (once they are sorted into rows), so that their memory can go. */
  release(b: number): void {
    const bucket = this.buckets[b];
    bucket.users = [];
    bucket.items = [];
    bucket.ratings = [];
    this.curUsers[b] = new Int32Array(0);
    this.curItems[b] = new Int32Array(0);
    this.curRatings[b] = new Float32Array(0);
  }
}

/**
 * For each of some (bucket, position in bucket) pairs, the rating's index in
 * file order, from one pass over `seq`. `positions[b]` must be ascending.
 * Returns the indices in the same layout (-1 where not found).
 */
export function fileIndices(store: TripletStore, positions: ReadonlyArray<readonly number[]>): number[][] {
  const out = positions.map((list) => list.map(() => -1));
  const next = new Int32Array(BUCKETS); // the next wanted entry of each bucket
  const seen = new Float64Array(BUCKETS); // entries of each bucket passed so far
  let wanted = 0;
  for (const list of positions) wanted += list.length;
  let k = 0;
  for (const block of store.seq) {
    const end = Math.min(block.length, store.count - k);
    for (let p = 0; p < end && wanted > 0; p++) {
      const b = block[p];
      const list = positions[b];
      if (list !== undefined && next[b] < list.length && list[next[b]] === seen[b]) {
        out[b][next[b]++] = k + p;
        wanted--;
      }
      seen[b]++;
    }
    k += end;
    if (wanted === 0) break;
  }
  return out;
}

/**
 * The line of each rating: the k-th rating is on line k + offset, and the
 * offset changes only after a skipped line (a header, a comment, a blank line,
 * a cell with a line break inside), so only those changes are kept.
 */
export class LineMap {
  private at = new Float64Array(16);
  private offsets = new Float64Array(16);
  private size = 0;
  /** The offset in force for the last rating noted. */
  offset = Number.NaN;

  /** Rating k is on `line` (called when the offset changes). */
  note(k: number, line: number): void {
    if (this.size === this.at.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.at = grow(this.at);
      this.offsets = grow(this.offsets);
    }
    this.offset = line - k;
    this.at[this.size] = k;
    this.offsets[this.size] = this.offset;
    this.size++;
  }

  /** The line of rating k. */
  lineOf(k: number): number {
    let lo = 0;
    let hi = this.size - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.at[mid] <= k) lo = mid;
      else hi = mid - 1;
    }
    return k + this.offsets[lo];
  }
}
