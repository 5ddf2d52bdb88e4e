import { DataError } from '../core/errors';
import { createMatrix, type Matrix } from '../core/matrix';
import type { CellReader } from './cells';

/**
 * Collects rows into one growing Float64Array (doubling, never an array of
 * strings) and, from the first missing cell on, a mask, checking that every
 * row has the first row's width. Complete data never allocates the mask.
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

  constructor(
    private readonly source: string,
    private readonly cells: CellReader,
    private readonly header: boolean | undefined,
  ) {}

  /** A row of cell texts. The first one may be taken as the header. */
  addRow(record: string[], line: number): void {
    if (this.width < 0) {
      this.width = record.length;
      this.widthLine = line;
      if (this.header ?? !record.every((c) => this.cells.isData(c))) {
        this.columns = record;
        return;
      }
    }
    if (record.length !== this.width) this.raggedRow(line, record.length);
    this.reserve();
    for (let c = 0; c < record.length; c++) this.push(this.cells.read(record[c], line, c + 1));
    this.rows++;
  }

  /** Room for one more row; the caller then pushes exactly `width` values and calls endRow. */
  reserve(): void {
    const need = (this.rows + 1) * this.width;
    if (need > this.values.length) this.grow(Math.max(need, this.values.length * 2));
  }

  /** Room for about this many rows in all, when the reader can tell (saves the doublings). */
  expectRows(rows: number): void {
    const need = Math.ceil(rows) * this.width;
    if (need > this.values.length) this.grow(need);
  }

  private grow(size: number): void {
    const values = new Float64Array(size);
    values.set(this.values);
    this.values = values;
    if (this.observed) {
      const observed = new Uint8Array(size);
      observed.set(this.observed);
      this.observed = observed;
    }
  }

  /** One cell's value; NaN marks it missing. */
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

  endRow(): void {
    this.rows++;
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
