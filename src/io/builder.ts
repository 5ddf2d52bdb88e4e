import { DataError } from '../core/errors';
import { createMatrix, type Matrix } from '../core/matrix';

/**
 * Collects rows into one growing Float64Array (doubling, never an array of
 * strings) and, from the first missing cell on, a mask, checking that every
 * row has the first row's width. Complete data never allocates the mask.
 *
 * The first row's cells are pushed (with pushGrow) before its width is known;
 * then setWidth (it was data) or setHeader (it was a header: its values are
 * dropped) fixes the width.
 *
 * With a column selection, `width` is the number of features and `cellsPerRow`
 * the file's; the scanners then `place` each feature cell at its slot (the
 * features may be in another order than the file's) instead of pushing it.
 */
export class MatrixBuilder {
  width = -1;
  rows = 0;
  columns: string[] | null = null;
  /** Cells per row in the file (the width, unless columns are selected). */
  cellsPerRow = -1;
  /** Rows are written with place, not push (set by the column plan). */
  placing = false;
  private widthLine = 0;
  private values = new Float64Array(1024);
  /** 1 = observed; made at the first missing cell. */
  private observed: Uint8Array | null = null;
  private filled = 0;

  constructor(private readonly source: string) {}

  /** Cells pushed so far. */
  get cells(): number {
    return this.filled;
  }

  /** Cells there is room for. */
  get capacity(): number {
    return this.values.length;
  }

  /** The value of cell `i` as pushed (0 for a missing one). */
  valueAt(i: number): number {
    return this.values[i];
  }

  /** Room for one more row; the caller then pushes exactly `width` values and calls endRow. */
  reserve(): void {
    const need = (this.rows + 1) * this.width;
    if (need > this.values.length) this.grow(Math.max(need, this.values.length * 2));
  }

  /** Room for about this many rows in all, when the reader can tell (saves the doublings). */
  expectRows(rows: number): void {
    this.expectCells(Math.ceil(rows) * this.width);
  }

  /** Room for about this many cells in all (the first row, before its width is known). */
  expectCells(cells: number): void {
    const need = Math.ceil(cells);
    if (need > this.values.length) this.grow(need);
  }

  private grow(size: number): void {
    const values = new Float64Array(size);
    values.set(this.values.subarray(0, this.filled));
    this.values = values;
    if (this.observed) {
      const observed = new Uint8Array(size);
      observed.set(this.observed.subarray(0, this.filled));
      this.observed = observed;
    }
  }

  /** One cell's value; NaN marks it missing. The caller has reserved room. */
  push(value: number): void {
    if (Number.isNaN(value)) {
      if (!this.observed) {
        // Every cell so far was observed.
        this.observed = new Uint8Array(this.values.length);
        this.observed.fill(1, 0, this.filled);
      }
    } else {
      this.values[this.filled] = value;
      if (this.observed) this.observed[this.filled] = 1;
    }
    this.filled++;
  }

  /**
   * One feature cell of the current row at its slot, in any order; NaN marks it
   * missing. The caller has reserved room and places each slot once; endRow
   * then moves past the row.
   */
  place(slot: number, value: number): void {
    const at = this.filled + slot;
    if (Number.isNaN(value)) {
      if (!this.observed) {
        // Every cell so far was observed, and so are the ones of this row placed so far (the others are placed later).
        this.observed = new Uint8Array(this.values.length);
        this.observed.fill(1, 0, this.filled + this.width);
      }
      this.observed[at] = 0;
    } else {
      this.values[at] = value;
      if (this.observed) this.observed[at] = 1;
    }
  }

  /** push, making room first (the first row, whose width is not known yet). */
  pushGrow(value: number): void {
    if (this.filled >= this.values.length) this.grow(this.values.length * 2);
    this.push(value);
  }

  endRow(): void {
    if (this.placing) this.filled += this.width;
    this.rows++;
  }

  /** The first row was data with `width` features (already pushed), on this line, of `cellsPerRow` cells in the file. */
  setWidth(width: number, line: number, cellsPerRow = width): void {
    this.width = width;
    this.cellsPerRow = cellsPerRow;
    this.widthLine = line;
    this.rows = 1;
  }

  /**
   * The first row's cells were all pushed, but only these (file positions, in
   * the features' order) are features: keep them, in that order, at the start.
   */
  keepFirstRow(features: readonly number[]): void {
    const values = this.values.slice(0, this.filled);
    const observed = this.observed ? this.observed.slice(0, this.filled) : null;
    this.values.fill(0, 0, this.filled);
    let missing = false;
    features.forEach((f, slot) => {
      this.values[slot] = values[f];
      if (observed && observed[f] === 0) missing = true;
    });
    if (missing) {
      const mask = this.observed as Uint8Array;
      mask.fill(0, 0, this.filled);
      features.forEach((f, slot) => (mask[slot] = (observed as Uint8Array)[f]));
    } else this.observed = null; // only cells that are not features were missing
    this.filled = features.length;
  }

  /** The first row was a header: keep the features' names, drop any values pushed for it. */
  setHeader(columns: string[], line: number, cellsPerRow = columns.length): void {
    this.columns = columns;
    this.width = columns.length;
    this.cellsPerRow = cellsPerRow;
    this.widthLine = line;
    // Missing cells are never written, so the header's values must not stay behind.
    this.values.fill(0, 0, this.filled);
    this.filled = 0;
    this.observed = null;
  }

  raggedRow(line: number, count: number): never {
    throw new DataError(
      `${this.source}:${line}: the row has ${count} ${count === 1 ? 'cell' : 'cells'}, but line ${this.widthLine} has ${this.cellsPerRow}`,
    );
  }

  /** True if a finished row has a number (not a missing cell) at this feature slot. */
  hasNumberIn(slot: number): boolean {
    if (this.width < 0 || this.rows === 0) return false;
    const { observed, width } = this;
    if (!observed) return true;
    for (let r = 0; r < this.rows; r++) if (observed[r * width + slot] === 1) return true;
    return false;
  }

  finish(): Matrix {
    if (this.width < 0) throw new DataError(`${this.source}: the file is empty (no rows of numbers)`);
    if (this.rows === 0) throw new DataError(`${this.source}: there is a header but no rows of numbers`);
    const size = this.rows * this.width;
    // Keep the buffer when little of it is spare rather than copy it.
    const trim = <T extends Float64Array | Uint8Array>(a: T): T => (size >= a.length * 0.875 ? (a.subarray(0, size) as T) : (a.slice(0, size) as T));
    return createMatrix(this.rows, this.width, trim(this.values), this.observed ? trim(this.observed) : null);
  }
}
