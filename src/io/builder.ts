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
 */
export class MatrixBuilder {
  width = -1;
  rows = 0;
  columns: string[] | null = null;
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

  /** push, making room first (the first row, whose width is not known yet). */
  pushGrow(value: number): void {
    if (this.filled >= this.values.length) this.grow(this.values.length * 2);
    this.push(value);
  }

  endRow(): void {
    this.rows++;
  }

  /** The first row was data with this many cells (already pushed), on this line. */
  setWidth(width: number, line: number): void {
    this.width = width;
    this.widthLine = line;
    this.rows = 1;
  }

  /** The first row was a header: keep its names, drop any values pushed for it. */
  setHeader(columns: string[], line: number): void {
    this.columns = columns;
    this.width = columns.length;
    this.widthLine = line;
    // Missing cells are never written, so the header's values must not stay behind.
    this.values.fill(0, 0, this.filled);
    this.filled = 0;
    this.observed = null;
  }

  raggedRow(line: number, count: number): never {
    throw new DataError(
      `${this.source}:${line}: the row has ${count} ${count === 1 ? 'cell' : 'cells'}, but line ${this.widthLine} has ${this.width}`,
    );
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
