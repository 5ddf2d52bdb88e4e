/**
 * What mclust's agglomerations (hcvvv, hceii) share: the packed table of merge costs
 * between cluster slots, in mclust's own layout and order, since that order decides ties.
 *
 * Slots 0..g−1 hold the g clusters alive. The cost of merging the clusters in slots i < j
 * is at `pairIndex(i, j)`: column j holds (0, j), (1, j), …, (j−1, j), the columns one
 * after the other. mclust scans this table from the start and takes the last of equal
 * minima (`.le.`), so among equal costs the pair with the largest j, then the largest i, wins.
 * After a merge of slots i < j the merged cluster stays in slot i and the last slot's
 * cluster moves into slot j (`moveLastInto`, mclust's `wardsw`).
 */

// Math's functions as local names: under jest (a vm context) every lookup of the global Math is slow
// (nodejs/node#49283), enough to make the hierarchy of a few thousand rows many times slower.
const { abs, floor, max, min, sqrt } = Math;

/** Where the cost of slots i < j is kept. */
export function pairIndex(i: number, j: number): number {
  return (j * (j - 1)) / 2 + i;
}

/** The column j of a table index: the largest j with j(j−1)/2 ≤ index; the row is index − j(j−1)/2. */
export function pairColumn(index: number): number {
  let j = floor((1 + sqrt(1 + 8 * index)) / 2);
  while ((j * (j - 1)) / 2 > index) j--;
  while (((j + 1) * j) / 2 <= index) j++;
  return j;
}

/**
 * The packed cost table with the smallest cost of each column kept up to date, so that
 * finding mclust's choice (the last of the equal minima in the packed order) costs O(g)
 * per step instead of a scan of all g(g−1)/2 costs. Column j's minimum and the last row i
 * that holds it are exact; a column is rescanned only when its minimum may have risen.
 */
export class PairTable {
  readonly d: Float64Array;
  private readonly colMin: Float64Array;
  private readonly colArg: Int32Array;
  private readonly stale: Uint8Array;
  private readonly staleList: Int32Array;
  private staleCount = 0;

  constructor(n: number) {
    this.d = new Float64Array((n * (n - 1)) / 2);
    this.colMin = new Float64Array(max(n, 1));
    this.colArg = new Int32Array(max(n, 1));
    this.stale = new Uint8Array(max(n, 1));
    this.staleList = new Int32Array(max(n, 1));
  }

  /** After the costs of columns 1..g−1 were written straight into `d`: find every column's minimum. */
  indexColumns(g: number): void {
    for (let j = 1; j < g; j++) this.rescan(j);
  }

  /** Writes the cost of slots i < j. */
  set(i: number, j: number, value: number): void {
    this.d[pairIndex(i, j)] = value;
    if (this.stale[j]) return;
    const min = this.colMin[j];
    if (value < min) {
      this.colMin[j] = value;
      this.colArg[j] = i;
    } else if (value === min) {
      if (i > this.colArg[j]) this.colArg[j] = i;
    } else if (i === this.colArg[j]) this.markStale(j);
  }

  /** Column j has been rewritten as a whole (or may have been): find its minimum again before the next choice. */
  markStale(j: number): void {
    if (!this.stale[j]) {
      this.stale[j] = 1;
      this.staleList[this.staleCount++] = j;
    }
  }

  /**
   * mclust's `wardsw(j, last)`: the costs of slot `last` move to slot j, whose cluster has just
   * been merged away, and slot j's old costs go where slot `last`'s were (the column `last`),
   * where the Lance–Williams update of hceii still reads them. The pair (j, last) stays put.
   */
  moveLastInto(j: number, last: number): void {
    const d = this.d;
    const cj = pairIndex(0, j);
    const cl = pairIndex(0, last);
    for (let k = 0; k < j; k++) {
      const t = d[cj + k];
      d[cj + k] = d[cl + k];
      d[cl + k] = t;
    }
    this.markStale(j);
    for (let m = j + 1; m < last; m++) {
      const a = pairIndex(j, m);
      const t = d[a];
      this.set(j, m, d[cl + m]);
      d[cl + m] = t;
    }
  }

  /**
   * The index of the cost mclust chooses among the g slots alive: the last of the smallest in
   * the packed order (mclust: `if (d(i) .le. dopt)` scanning from d(1)), that is the smallest
   * cost in the largest column that holds it, in the largest row there.
   */
  lastMinimum(g: number): number {
    for (let s = 0; s < this.staleCount; s++) {
      const j = this.staleList[s];
      this.stale[j] = 0;
      if (j < g) this.rescan(j);
    }
    this.staleCount = 0;
    let bestJ = 1;
    let best = this.colMin[1];
    for (let j = 2; j < g; j++) {
      if (this.colMin[j] <= best) {
        best = this.colMin[j];
        bestJ = j;
      }
    }
    return pairIndex(this.colArg[bestJ], bestJ);
  }

  private rescan(j: number): void {
    const d = this.d;
    const c = pairIndex(0, j);
    let arg = 0;
    let min = d[c];
    for (let i = 1; i < j; i++) {
      if (d[c + i] <= min) {
        min = d[c + i];
        arg = i;
      }
    }
    this.colMin[j] = min;
    this.colArg[j] = arg;
  }
}

/** The merges as they happen: slots' clusters named by their lowest row. */
export class MergeLog {
  /** 2 per merge: the lower row first. */
  readonly rows: Int32Array;
  readonly costs: Float64Array;
  private count = 0;

  constructor(merges: number) {
    this.rows = new Int32Array(2 * merges);
    this.costs = new Float64Array(merges);
  }

  add(rowA: number, rowB: number, cost: number): void {
    const s = this.count++;
    this.rows[2 * s] = min(rowA, rowB);
    this.rows[2 * s + 1] = max(rowA, rowB);
    this.costs[s] = cost;
  }

  get length(): number {
    return this.count;
  }
}

/** The largest double, mclust's FLMAX: the starting "best" of every scan, and log-determinant −FLMAX marks a zero pivot. */
export const FLMAX = Number.MAX_VALUE;

/**
 * The reference BLAS's drotg (LAPACK 3.10 and later, Debian's libblas3 3.11, checked bit for bit):
 * the Givens rotation [c s; −s c] that takes (a, b) to (r, 0). The results are left in `rot`
 * (r, z, c, s: drotg overwrites a with r and b with z) so that no object is made per call.
 */
export const rot = { r: 0, z: 0, c: 1, s: 0 };

export function rotg(a: number, b: number): void {
  const anorm = abs(a);
  const bnorm = abs(b);
  if (bnorm === 0) {
    rot.r = a;
    rot.z = 0;
    rot.c = 1;
    rot.s = 0;
  } else if (anorm === 0) {
    rot.r = b;
    rot.z = 1;
    rot.c = 0;
    rot.s = 1;
  } else {
    // safmin/safmax clamp the scale for denormal and huge inputs; between them it is max(|a|, |b|).
    const scl = min(SAFMAX, max(SAFMIN, anorm, bnorm));
    const sigma = anorm > bnorm ? (a < 0 ? -1 : 1) : b < 0 ? -1 : 1;
    const ax = a / scl;
    const bx = b / scl;
    const r = sigma * (scl * sqrt(ax * ax + bx * bx));
    const c = a / r;
    const s = b / r;
    rot.r = r;
    rot.c = c;
    rot.s = s;
    rot.z = anorm > bnorm ? s : c !== 0 ? 1 / c : 1;
  }
}

/** drotg.f90's radix^max(minexponent−1, 1−maxexponent) and radix^max(1−minexponent, maxexponent−1): 2^−1022 and 2^1023. */
const SAFMIN = 2 ** -1022;
const SAFMAX = 2 ** 1023;
