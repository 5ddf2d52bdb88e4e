import type { MatrixBuilder } from './builder';
import { isBlank, plainDecimal, type CellReader } from './cells';
import { SKIP, type ColumnPlan } from './columns';
import { FirstRow } from './first-row';

const LF = 10;
const HASH = 35;

const START = 0; // at the start of a line (blanks so far)
const ROW = 1; // inside a row
const COMMENT = 2; // inside a # comment line

/** Text fed to a scanner piece by piece (LF line ends); `final` marks the last piece. */
export interface Scanner {
  feed(text: string, final: boolean): void;
}

/**
 * Whitespace-separated text into the builder: cells are runs of anything but
 * blanks (space, tab and the other characters trim() removes); blank lines and
 * lines whose first non-blank is # are skipped. Cells are read in place, never
 * as one string per cell (but the rare ones that are not plain numbers); the
 * text may come in pieces cut anywhere, and only a cell cut by the end of a
 * piece is held over. The first row may be a header (see FirstRow).
 *
 * With a column selection (the plan's roles), a cell that is not a feature is
 * stepped over (not read as a number, nothing allocated) or, for the id and
 * labels columns, kept as text; features are placed at their slots.
 */
export class WhitespaceScanner implements Scanner {
  /** The number of the line being read. */
  private line: number;
  private state = START;
  /** Cells so far in the current row. */
  private column = 0;
  private rowLine = 0;
  private ragged = false;
  /** A cell cut by the end of the last piece. */
  private carry = '';
  private first: FirstRow | null = null;

  constructor(
    private readonly cells: CellReader,
    private readonly builder: MatrixBuilder,
    private readonly plan: ColumnPlan,
    /** Lines already read before this text (its first line is linesBefore + 1). */
    linesBefore = 0,
  ) {
    this.line = linesBefore + 1;
  }

  feed(text: string, final: boolean): void {
    if (this.carry !== '') {
      // Glued to the held text: only the next piece's first line (the rest is read where it is, not copied).
      const carry = this.carry;
      this.carry = '';
      const nl = text.indexOf('\n');
      if (nl >= 0 && nl + 1 < text.length) {
        this.scan(carry + text.slice(0, nl + 1), false);
        text = text.slice(nl + 1);
      } else text = carry + text;
    }
    this.scan(text, final);
  }

  private scan(text: string, final: boolean): void {
    const { cells, builder, plan } = this;
    const mark = cells.mark;
    const length = text.length;
    let line = this.line;
    let state = this.state;
    let column = this.column;
    let width = builder.width;
    let roles = plan.roles;
    let fileWidth = plan.fileWidth;
    let pos = 0;
    while (pos < length) {
      if (state === COMMENT) {
        const nl = text.indexOf('\n', pos);
        if (nl < 0) break;
        pos = nl + 1;
        line++;
        state = START;
        continue;
      }
      if (state === START) {
        let c = 0;
        while (pos < length && (c = text.charCodeAt(pos)) !== LF && isBlank(c)) pos++;
        if (pos === length) break;
        if (c === LF) {
          pos++;
          line++;
          continue;
        }
        if (c === HASH) {
          state = COMMENT;
          continue;
        }
        state = ROW;
        column = 0;
        this.ragged = false;
        this.rowLine = line;
        if (width < 0) this.first = new FirstRow(cells, builder, plan, line);
        else builder.reserve();
      }
      // In a row: its cells up to the end of the line, or of the piece.
      let lineEnd = text.indexOf('\n', pos);
      const eol = lineEnd >= 0;
      if (!eol) lineEnd = length;
      const first = this.first;
      while (pos < lineEnd) {
        if (isBlank(text.charCodeAt(pos))) {
          pos++;
          continue;
        }
        const start = pos++;
        while (pos < lineEnd && !isBlank(text.charCodeAt(pos))) pos++;
        if (pos === length && !final) {
          this.carry = text.slice(start); // the cell may go on in the next piece
          break;
        }
        column++;
        if (first) first.add(text, start, pos, line);
        else if (roles === null) {
          if (column <= width) {
            let value = plainDecimal(text, start, pos, mark);
            value = value !== value ? cells.read(text.slice(start, pos), line, column) : cells.checkValue(value);
            builder.push(value);
          } else this.ragged = true; // counted to the end of the row, for the message
        } else if (column <= fileWidth) {
          const role = roles[column - 1];
          if (role >= 0) {
            let value = plainDecimal(text, start, pos, mark);
            value = value !== value ? cells.read(text.slice(start, pos), line, column) : cells.checkValue(value);
            builder.place(role, value);
          } else if (role !== SKIP) plan.text(role, text, start, pos);
        } else this.ragged = true;
      }
      if (!eol) break;
      this.endRow(column);
      width = builder.width;
      roles = plan.roles;
      fileWidth = plan.fileWidth;
      state = START;
      line++;
      pos = lineEnd + 1;
    }
    if (final && state === ROW) {
      this.endRow(column);
      state = START;
    }
    this.line = line;
    this.state = state;
    this.column = column;
  }

  private endRow(column: number): void {
    if (this.first) {
      this.first.finish();
      this.first = null;
      return;
    }
    if (this.ragged || column !== this.builder.cellsPerRow) this.builder.raggedRow(this.rowLine, column);
    this.builder.endRow();
  }
}
