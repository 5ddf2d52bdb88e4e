import { DataError } from '../core/errors';
import type { MatrixBuilder } from './builder';
import { isBlank, isInlineBlank, plainDecimal, type CellReader } from './cells';
import { SKIP, type ColumnPlan } from './columns';
import { FirstRow } from './first-row';
import type { Scanner } from './whitespace';

const LF = 10;
const HASH = 35;
const QUOTE = 34;

const RECORD_START = 0; // at the start of a line, no cell yet
const CELL_START = 1; // after a delimiter
const COMMENT = 2; // inside a # comment line
const QUOTED = 3; // inside a quoted cell
const QUOTE_AT_END = 4; // inside a quoted cell, and the last piece ended with a quote (closing, or the first of "")
const AFTER_QUOTE = 5; // after a quoted cell's closing quote

/**
 * CSV (RFC 4180) and the like, with any delimiter (`,`, `\t`, `;`, `|`, `::`…),
 * read in place into the builder, piece by piece, cut anywhere: only a cell cut
 * by the end of a piece is held over (a quoted cell as its text so far).
 *
 * The rules are csv-parse's with the options this tool always used: cells may be
 * quoted ("a ""b"", c"), and a quoted cell may hold delimiters and new lines;
 * a quote anywhere else in a cell is an error, as is text after a closing quote;
 * blank lines are skipped, and so is a line whose only cell is blank; a line
 * whose first cell starts with # is a comment (after leading blanks when
 * trimming, at the very start of the line otherwise). With `trim` (every
 * delimiter but a tab or another blank), blanks around cells are dropped (not
 * inside quotes). A row of another width than the first is an error with both
 * counts, reported before any bad cell in it.
 *
 * With a column selection (the plan's roles), a cell that is not a feature is
 * stepped over (not read as a number; a quoted one is not even collected) or,
 * for the id and labels columns, kept as text; features are placed at their slots.
 */
export class DelimitedScanner implements Scanner {
  private line: number;
  private state = RECORD_START;
  /** Cells completed so far in the current record. */
  private column = 0;
  private rowLine = 0;
  private ragged = false;
  /** The first error in a cell of the current row: thrown at its end unless the row is ragged. */
  private rowError: unknown = null;
  /** A blank first cell, held until the record turns out to have more cells (else the line is skipped). */
  private blankFirst: string | null = null;
  private blankFirstLine = 0;
  /** Text cut by the end of the last piece, read again at the start of the next one (state as at its start). */
  private carry = '';
  /** The content of the quoted cell being read. */
  private quoted = '';
  private quoteLine = 0;
  /** The quoted cell being read is in a skipped column: its text is not collected. */
  private discard = false;
  /** Whether a discarded quoted cell held anything but blanks (for a first cell: a line of one blank cell is skipped). */
  private discardedText = false;
  private first: FirstRow | null = null;
  private readonly d0: number;
  private readonly d1: number;
  private readonly dlength: number;

  constructor(
    private readonly delimiter: string,
    private readonly trim: boolean,
    private readonly cells: CellReader,
    private readonly builder: MatrixBuilder,
    private readonly plan: ColumnPlan,
    private readonly source: string,
    private readonly name: string,
    linesBefore = 0,
  ) {
    if (delimiter.length < 1 || delimiter.length > 2) throw new Error(`unsupported delimiter ${JSON.stringify(delimiter)}`);
    this.d0 = delimiter.charCodeAt(0);
    this.d1 = delimiter.length > 1 ? delimiter.charCodeAt(1) : -1;
    this.dlength = delimiter.length;
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
    const length = text.length;
    const { d0, d1, trim } = this;
    let pos = 0;
    for (;;) {
      const state = this.state;
      if (state === CELL_START || state === RECORD_START) {
        if (trim) while (pos < length && isInlineBlank(text.charCodeAt(pos))) pos++;
        if (pos === length) {
          if (final && state === CELL_START) {
            this.cell('', 0, 0, this.line); // "1,2," ends with an empty cell
            this.endRecord();
          }
          break;
        }
        const c = text.charCodeAt(pos);
        if (state === RECORD_START) {
          if (c === LF) {
            pos++;
            this.line++;
            continue;
          }
          if (c === HASH) {
            this.state = COMMENT;
            continue;
          }
          this.startRecord();
        }
        if (c === QUOTE) {
          this.state = QUOTED;
          this.quoted = '';
          this.quoteLine = this.line;
          const roles = this.plan.roles;
          this.discard = roles !== null && this.column < roles.length && roles[this.column] === SKIP;
          this.discardedText = false;
          pos++;
          continue;
        }
        // An unquoted cell: up to a delimiter, the end of the line, or of the text.
        const start = pos;
        let end = -1;
        for (; pos < length; pos++) {
          const ch = text.charCodeAt(pos);
          if (ch === d0) {
            if (d1 < 0) break;
            if (pos + 1 < length) {
              if (text.charCodeAt(pos + 1) === d1) break;
            } else if (!final) {
              end = -2; // maybe the first half of the delimiter
              break;
            }
          } else if (ch === LF) break;
          else if (ch === QUOTE) this.quoteInCell(text, start, pos);
        }
        if (end === -2 || (pos === length && !final)) {
          this.state = state === RECORD_START && this.column === 0 ? CELL_START : state;
          this.carry = text.slice(start);
          break;
        }
        end = pos;
        if (trim) while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
        this.cell(text, start, end, this.line);
        pos = this.terminate(text, pos, length);
        continue;
      }
      if (state === COMMENT) {
        const nl = text.indexOf('\n', pos);
        if (nl < 0) break;
        pos = nl + 1;
        this.line++;
        this.state = RECORD_START;
        continue;
      }
      if (state === QUOTED) {
        const q = text.indexOf('"', pos);
        const stop = q < 0 ? length : q;
        for (let nl = text.indexOf('\n', pos); nl >= 0 && nl < stop; nl = text.indexOf('\n', nl + 1)) this.line++;
        if (this.discard) {
          // A skipped column: only whether it was blank matters (for a first cell).
          if (!this.discardedText && this.column === 0) for (let p = pos; p < stop && !this.discardedText; p++) this.discardedText = !isBlank(text.charCodeAt(p));
          if (q < 0) {
            if (final) this.unclosedQuote();
            break;
          }
          if (q + 1 === length && !final) {
            this.state = QUOTE_AT_END;
            break;
          }
          if (q + 1 < length && text.charCodeAt(q + 1) === QUOTE) {
            this.discardedText = true; // "" is one quote
            pos = q + 2;
            continue;
          }
          this.state = AFTER_QUOTE;
          pos = q + 1;
          continue;
        }
        if (q < 0) {
          this.quoted += text.slice(pos);
          if (final) this.unclosedQuote();
          break;
        }
        if (q + 1 === length && !final) {
          this.quoted += text.slice(pos, q);
          this.state = QUOTE_AT_END;
          break;
        }
        if (q + 1 < length && text.charCodeAt(q + 1) === QUOTE) {
          this.quoted += text.slice(pos, q + 1); // "" is one quote
          pos = q + 2;
          continue;
        }
        this.quoted += text.slice(pos, q);
        this.state = AFTER_QUOTE;
        pos = q + 1;
        continue;
      }
      if (state === QUOTE_AT_END) {
        if (pos < length && text.charCodeAt(pos) === QUOTE) {
          if (this.discard) this.discardedText = true;
          else this.quoted += '"';
          this.state = QUOTED;
          pos++;
          continue;
        }
        if (pos === length && !final) break;
        this.state = AFTER_QUOTE;
        continue;
      }
      // AFTER_QUOTE: blanks (when trimming), then a delimiter, the end of the line or of the text.
      if (trim) while (pos < length && isInlineBlank(text.charCodeAt(pos))) pos++;
      if (pos === length) {
        if (final) {
          this.quotedCell();
          this.endRecord();
        }
        break;
      }
      const c = text.charCodeAt(pos);
      if (c === d0 && d1 >= 0 && pos + 1 === length && !final) {
        this.carry = text.slice(pos);
        break;
      }
      if (c === LF || (c === d0 && (d1 < 0 || text.charCodeAt(pos + 1) === d1))) {
        this.quotedCell();
        this.quoted = '';
        pos = this.terminate(text, pos, length);
        continue;
      }
      this.textAfterQuote(text, pos);
    }
  }

  /** After a cell, at text[pos]: a delimiter (another cell follows), a new line or the end (the record ends). Returns where to go on. */
  private terminate(text: string, pos: number, length: number): number {
    if (pos < length && text.charCodeAt(pos) !== LF) {
      if (this.blankFirst !== null) this.flushBlankFirst();
      this.state = CELL_START;
      return pos + this.dlength;
    }
    this.endRecord();
    if (pos < length) {
      this.line++;
      return pos + 1;
    }
    return pos;
  }

  /** The quoted cell just closed: its text, or for a skipped column a stand-in that is blank if it was. */
  private quotedCell(): void {
    if (this.discard) {
      this.discard = false;
      const standIn = this.discardedText ? SKIPPED : '';
      this.cell(standIn, 0, standIn.length, this.quoteLine);
    } else this.cell(this.quoted, 0, this.quoted.length, this.quoteLine);
  }

  private startRecord(): void {
    this.column = 0;
    this.ragged = false;
    this.rowError = null;
    this.rowLine = this.line;
    if (this.builder.width >= 0) this.builder.reserve();
  }

  /** The next cell of the record: text[start, end), starting on `line`. */
  private cell(text: string, start: number, end: number, line: number): void {
    const column = ++this.column;
    if (column === 1) {
      let blank = true;
      for (let p = start; p < end && blank; p++) blank = isBlank(text.charCodeAt(p));
      if (blank) {
        this.blankFirst = text.slice(start, end);
        this.blankFirstLine = line;
        return;
      }
    }
    this.value(text, start, end, line, column);
  }

  private flushBlankFirst(): void {
    const text = this.blankFirst as string;
    this.blankFirst = null;
    this.value(text, 0, text.length, this.blankFirstLine, 1);
  }

  private value(text: string, start: number, end: number, line: number, column: number): void {
    const { builder, cells } = this;
    if (builder.width < 0) {
      (this.first ??= new FirstRow(cells, builder, this.plan, this.rowLine)).add(text, start, end, line);
      return;
    }
    const roles = this.plan.roles;
    if (roles === null) {
      if (column > builder.width) {
        this.ragged = true; // counted to the end of the record, for the message
        return;
      }
      let value = plainDecimal(text, start, end, cells.mark);
      if (value !== value) value = this.slowValue(text.slice(start, end), line, column);
      else value = cells.checkValue(value);
      builder.push(value);
      return;
    }
    if (column > roles.length) {
      this.ragged = true;
      return;
    }
    const role = roles[column - 1];
    if (role >= 0) {
      let value = plainDecimal(text, start, end, cells.mark);
      if (value !== value) value = this.slowValue(text.slice(start, end), line, column);
      else value = cells.checkValue(value);
      builder.place(role, value);
    } else if (role !== SKIP) this.plan.text(role, text, start, end);
  }

  private slowValue(text: string, line: number, column: number): number {
    if (this.rowError !== null) return NaN;
    try {
      return this.cells.read(text, line, column);
    } catch (err) {
      this.rowError = err;
      return NaN;
    }
  }

  private endRecord(): void {
    this.state = RECORD_START;
    if (this.blankFirst !== null) {
      // A line whose only cell is blank holds nothing.
      this.blankFirst = null;
      this.column = 0;
      return;
    }
    const { builder } = this;
    if (this.first) {
      this.first.finish();
      this.first = null;
    } else {
      if (this.ragged || this.column !== builder.cellsPerRow) builder.raggedRow(this.rowLine, this.column);
      if (this.rowError !== null) throw this.rowError;
      builder.endRow();
    }
    this.column = 0;
  }

  private quoteInCell(text: string, start: number, pos: number): never {
    throw new DataError(
      `${this.source}:${this.line}:${this.column + 1}: cannot parse as ${this.name}: a quote inside an unquoted cell (${JSON.stringify(shorten(text.slice(start, pos + 1)))}); quote the whole cell and double the quotes in it`,
    );
  }

  private textAfterQuote(text: string, pos: number): never {
    throw new DataError(
      `${this.source}:${this.line}:${this.column + 1}: cannot parse as ${this.name}: ${JSON.stringify(shorten(restOfLine(text, pos, 10)))} after a closing quote; expected ${this.delimiter === '\t' ? 'a tab' : JSON.stringify(this.delimiter)} or the end of the line`,
    );
  }

  private unclosedQuote(): never {
    throw new DataError(`${this.source}:${this.quoteLine}: cannot parse as ${this.name}: the quote that opens cell ${this.column + 1} is never closed`);
  }
}

/** What a skipped quoted cell that was not blank is passed on as (it is never read). */
const SKIPPED = 'x';

/** Up to `max` characters of the line from `pos`. */
function restOfLine(text: string, pos: number, max: number): string {
  const nl = text.indexOf('\n', pos);
  return text.slice(pos, Math.min(nl < 0 ? text.length : nl, pos + max));
}

function shorten(text: string): string {
  const printable = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return printable.length > 20 ? `…${printable.slice(-20)}` : printable;
}
