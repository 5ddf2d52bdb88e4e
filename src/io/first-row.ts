import type { MatrixBuilder } from './builder';
import { isCanonicalPlain, plainDecimal, type CellReader } from './cells';
import type { ColumnPlan } from './columns';

/**
 * The first row, read cell by cell before it is known to be a header or data.
 *
 * It is a header if `header` is true, or (when `header` is undefined) if one of
 * its cells is a name: neither a number, a missing marker, an infinity, nor
 * number-like (see CellReader.isName). Otherwise it is data, and a malformed
 * cell gets the same error as on any other line.
 *
 * Numbers go straight into the builder as they are read, so a first row of ten
 * million numbers costs about their 8 bytes each. To give the names back
 * exactly if a name turns up later in the row, only the texts that
 * String(value) would not reproduce are kept: ASCII and Latin-1 ones as bytes in
 * one arena, others (rare) as strings.
 *
 * With a column selection by positions, only the feature columns decide
 * whether the row is a header (a labels column of words does not make every
 * first row one), and only they can be an error; the other cells are pushed as
 * 0 and their texts kept (for a header's names, or the id and labels of a data
 * row). The column plan is resolved once the row has ended, before the row's
 * deferred error is thrown.
 */
export class FirstRow {
  private count = 0;
  /** The names, once the row is known to be a header. */
  private names: string[] | null;
  /** The first cell that would be an error if the row is data. */
  private error: { text: string; line: number; column: number } | null = null;
  private arena = new Uint8Array(256);
  private arenaUsed = 0;
  private keptIndex = new Int32Array(64);
  private keptEnd = new Int32Array(64);
  private keptCount = 0;
  private keptStrings: Map<number, string> | null = null;

  private readonly header: boolean | undefined;
  private readonly isFeature: ((index: number) => boolean) | null;

  constructor(
    private readonly cells: CellReader,
    private readonly builder: MatrixBuilder,
    private readonly plan: ColumnPlan,
    /** The line the row starts on. */
    readonly line: number,
  ) {
    this.header = plan.header;
    this.isFeature = plan.isFeature;
    this.names = this.header === true ? [] : null;
  }

  /** The next cell: text[start, end), which starts on `line`. */
  add(text: string, start: number, end: number, line: number): void {
    const index = this.count++;
    if (this.names) {
      this.names.push(text.slice(start, end));
      return;
    }
    const { cells, builder } = this;
    if (this.isFeature && !this.isFeature(index)) {
      builder.pushGrow(0);
      this.keep(index, text, start, end);
      return;
    }
    const plain = plainDecimal(text, start, end, cells.mark);
    if (plain === plain) {
      const value = cells.checkValue(plain);
      builder.pushGrow(value);
      if (value !== value || cells.decimalComma || !isCanonicalPlain(text, start, end)) this.keep(index, text, start, end);
      return;
    }
    const cell = text.slice(start, end);
    if (this.header === undefined && cells.isName(cell)) {
      this.becomeHeader(cell);
      return;
    }
    const value = cells.peek(cell);
    if (value === undefined && this.error === null) this.error = { text: cell, line, column: index + 1 };
    builder.pushGrow(value ?? NaN);
    this.keep(index, cell, 0, cell.length);
  }

  /** The row has ended: fix the builder's width (data) or its columns (header). Throws the deferred error of a data row. */
  finish(): void {
    if (this.names) {
      this.plan.headerRow(this.names, this.line);
      return;
    }
    this.plan.resolveData(this.count, this.line);
    if (this.error) {
      const { text, line, column } = this.error;
      this.cells.read(text, line, column); // throws: peek said it would
    }
    this.plan.dataRow(this.count, this.line, (i) => this.textAt(i));
  }

  /** The text of cell `index` of a data row (before it is finished): as kept, or as its value prints. */
  private textAt(index: number): string {
    const kept = this.keptStrings?.get(index);
    if (kept !== undefined) return kept;
    // keptIndex is sorted: find the cell by bisection.
    let lo = 0;
    let hi = this.keptCount;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.keptIndex[mid] < index) lo = mid + 1;
      else hi = mid;
    }
    if (lo < this.keptCount && this.keptIndex[lo] === index) {
      const start = lo === 0 ? 0 : this.keptEnd[lo - 1];
      return Buffer.from(this.arena.buffer, this.arena.byteOffset + start, this.keptEnd[lo] - start).toString('latin1');
    }
    return String(this.builder.valueAt(index));
  }

  private keep(index: number, text: string, start: number, end: number): void {
    let latin1 = true;
    for (let p = start; p < end && latin1; p++) latin1 = text.charCodeAt(p) < 256;
    if (!latin1) {
      (this.keptStrings ??= new Map()).set(index, text.slice(start, end));
      return;
    }
    const length = end - start;
    if (this.arenaUsed + length > this.arena.length) {
      const arena = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + length));
      arena.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = arena;
    }
    for (let p = start; p < end; p++) this.arena[this.arenaUsed++] = text.charCodeAt(p);
    if (this.keptCount === this.keptIndex.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.keptIndex = grow(this.keptIndex);
      this.keptEnd = grow(this.keptEnd);
    }
    this.keptIndex[this.keptCount] = index;
    this.keptEnd[this.keptCount] = this.arenaUsed;
    this.keptCount++;
  }

  /** A name among the cells: the row is a header. The cells before it get their texts back. */
  private becomeHeader(name: string): void {
    const names: string[] = [];
    const before = this.count - 1;
    let k = 0;
    let arenaStart = 0;
    for (let i = 0; i < before; i++) {
      const kept = this.keptStrings?.get(i);
      if (kept !== undefined) names.push(kept);
      else if (k < this.keptCount && this.keptIndex[k] === i) {
        const end = this.keptEnd[k++];
        names.push(Buffer.from(this.arena.buffer, this.arena.byteOffset + arenaStart, end - arenaStart).toString('latin1'));
        arenaStart = end;
      } else names.push(String(this.builder.valueAt(i)));
    }
    names.push(name);
    this.names = names;
    this.arena = new Uint8Array(0);
    this.keptStrings = null;
    this.error = null;
  }
}
