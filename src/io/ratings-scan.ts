import { DataError } from '../core/errors';
import { isBlank, isInlineBlank, plainDecimal, type CellReader } from './cells';
import { closestName, formatColumnName } from './columns';
import { describe, type Delimiter } from './delimiter';
import { EMPTY_ID, TEXT_ID, numericId, ownCopy } from './ratings-ids';
import type { LineMap } from './ratings-store';

/** A column of a ratings file: by its header name, or by its 1-based position. */
export type ColumnChoice = { readonly name: string } | { readonly index: number };

const LF = 10;
const HASH = 35;
const QUOTE = 34;

const SKIP = 0;
const USER = 1;
const RATING = 3; // (2: the item)
const ROLE_NAMES = ['', 'user', 'item', 'rating'];
/** Ratings a batch grows to before it is emptied in the middle of a piece. */
const BATCH_LIMIT = 1 << 16;

/**
 * The ratings of one piece of text, in file order, before their ids are
 * looked up: an id is its value when numeric (see numericId), else TEXT_ID
 * with its text next in `userTexts` / `itemTexts`.
 */
export class Batch {
  /** The index (in the whole file) of the batch's first rating. */
  start = 0;
  size = 0;
  user = new Int32Array(4096);
  item = new Int32Array(4096);
  rating = new Float64Array(4096);
  userTexts: string[] = [];
  itemTexts: string[] = [];

  /** Called when the batch holds BATCH_LIMIT ratings (the reader empties it), so that a whole text at once is not one batch. */
  onFull: (() => void) | null = null;

  /** Room for one more. */
  reserve(): void {
    if (this.size < this.user.length) return;
    if (this.size >= BATCH_LIMIT && this.onFull) {
      this.onFull();
      if (this.size < this.user.length) return;
    }
    const grow = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(a.length * 2);
      b.set(a);
      return b;
    };
    this.user = grow(this.user, (n) => new Int32Array(n));
    this.item = grow(this.item, (n) => new Int32Array(n));
    this.rating = grow(this.rating, (n) => new Float64Array(n));
  }

  clear(start: number): void {
    this.start = start;
    this.size = 0;
    this.userTexts = [];
    this.itemTexts = [];
  }
}

export interface ScanChoice {
  readonly header: boolean | undefined;
  readonly user: ColumnChoice;
  readonly item: ColumnChoice;
  readonly rating: ColumnChoice;
}

/**
 * Ratings text, piece by piece (LF line ends, no BOM), into a Batch: one
 * (user, item, rating) per line, other columns stepped over (never read as
 * numbers). Lines are read in place: a line of plain cells goes through a fast
 * path that makes no strings for numeric ids; anything else (a quote, a bad or
 * missing cell, a row of another width) through the slow path, which gives the
 * exact error. Only a line cut by the end of a piece is held over.
 *
 * As in tables: CSV quoting (RFC 4180) for every delimiter but whitespace;
 * blank lines and lines whose first non-blank is # are skipped; every row has
 * the first row's number of cells. Unlike tables, blanks around the id and
 * rating cells are dropped for every delimiter (a tab too).
 *
 * The first row is a header if `header` says so, if a column is chosen by
 * name, or (header undefined) if its rating cell is a name (neither a number
 * nor number-like: see CellReader.isName).
 */
export class RatingsScanner {
  /** The line the next record starts on. */
  line: number;
  /** The header's names, if the first row was one. */
  columns: string[] | null = null;
  /** Whether any row (a header or data) was read. */
  sawRow = false;
  private width = -1;
  private widthLine = 0;
  private roles = new Uint8Array(0);
  private userColumn = -1;
  private itemColumn = -1;
  private ratingColumn = -1;
  private carry = '';
  private readonly whitespace: boolean;
  private readonly d0: number;
  private readonly d1: number;
  private readonly dlength: number;
  private readonly mark: number;
  private readonly name: string;

  constructor(
    private readonly source: string,
    private readonly delimiter: Delimiter,
    private readonly choice: ScanChoice,
    private readonly cells: CellReader,
    private readonly batch: Batch,
    private readonly lines: LineMap,
    linesBefore: number,
  ) {
    this.line = linesBefore + 1;
    this.whitespace = delimiter === 'whitespace';
    this.d0 = this.whitespace ? -1 : delimiter.charCodeAt(0);
    this.d1 = !this.whitespace && delimiter.length > 1 ? delimiter.charCodeAt(1) : -1;
    this.dlength = this.whitespace ? 1 : delimiter.length;
    this.mark = cells.mark;
    this.name = describe(delimiter);
  }

  feed(text: string, final: boolean): void {
    let from = 0;
    if (this.carry !== '') {
      // Glued to the held text: only the next piece's first line (the rest is read where it is, not copied).
      const carry = this.carry;
      const nl = text.indexOf('\n');
      if (nl < 0 && !final) {
        // The cut line goes on past this piece too: held, not read again and again (linear in a long line).
        this.carry = carry + text;
        return;
      }
      this.carry = '';
      if (nl >= 0 && nl + 1 < text.length) {
        this.scan(carry + text.slice(0, nl + 1), 0, false);
        from = nl + 1;
        if (this.carry !== '') {
          // A quoted cell with a line break goes on.
          text = this.carry + text.slice(from);
          from = 0;
          this.carry = '';
        }
      } else text = carry + text;
    }
    this.scan(text, from, final);
  }

  private scan(text: string, from: number, final: boolean): void {
    const length = text.length;
    let pos = from;
    for (;;) {
      if (this.width >= 0) pos = this.whitespace ? this.fastWhitespaceLines(text, pos, final) : this.fastDelimitedLines(text, pos, final);
      if (pos >= length) return;
      // A line the fast path leaves to the slow one, or a line cut by the end of the piece.
      let nl = text.indexOf('\n', pos);
      const eol = nl >= 0;
      if (!eol && !final) break;
      if (!eol) nl = length;
      const end = this.whitespace ? this.slowWhitespace(text, pos, nl, eol) : this.slowDelimited(text, pos, final);
      if (end < 0) break;
      pos = end;
    }
    this.carry = text.slice(pos);
  }

  /** A blank that pads a cell (not the delimiter itself: a tab, when cells are tab-separated). */
  private isPad(c: number): boolean {
    return c !== this.d0 && isInlineBlank(c);
  }

  /**
   * Whole lines through the fast path, from pos, in one pass over their
   * characters (the line ends are found on the way). Returns where it stopped:
   * at a line it leaves to the slow path or that the piece cuts, or past the end.
   */
  private fastDelimitedLines(text: string, pos: number, final: boolean): number {
    const length = text.length;
    const { d0, d1, dlength, roles, width, batch, lines } = this;
    while (pos < length) {
      let p = pos;
      let c = text.charCodeAt(p);
      if ((c === LF || c === HASH || c <= 32 || c >= 0xa0) && c !== d0) {
        // A blank line, a comment, or leading blanks.
        while (p < length && this.isPad(text.charCodeAt(p))) p++;
        if (p < length && (c = text.charCodeAt(p)) !== LF && c !== HASH) {
          // Leading blanks before a data line: read it from its first cell.
        } else {
          const nl = text.indexOf('\n', p);
          if (nl < 0) return final ? length : pos;
          this.line++;
          pos = nl + 1;
          continue;
        }
      }
      let user = EMPTY_ID;
      let userStart = 0;
      let userEnd = 0;
      let item = EMPTY_ID;
      let itemStart = 0;
      let itemEnd = 0;
      let rating = Number.NaN;
      let column = 0;
      let eol = false;
      for (;;) {
        const s = p;
        let value = 0;
        let plain = true; // only digits so far
        for (; p < length; p++) {
          const ch = text.charCodeAt(p);
          const digit = ch - 48;
          if (digit >= 0 && digit <= 9) {
            value = value * 10 + digit;
            continue;
          }
          if (ch === d0 && (d1 < 0 || (p + 1 < length && text.charCodeAt(p + 1) === d1))) break;
          if (ch === LF) {
            eol = true;
            break;
          }
          if (ch === QUOTE) return pos;
          plain = false;
        }
        if (p === length && !final) return pos; // cut by the end of the piece
        if (column >= width) return pos;
        const role = roles[column];
        if (role !== SKIP) {
          const n = p - s;
          if (role === RATING) {
            if (plain && n > 0 && n <= 15) rating = value;
            else {
              const [from, to] = trimmed(text, s, p);
              rating = plainDecimal(text, from, to, this.mark);
              if (rating !== rating) return pos;
            }
          } else {
            let id = value;
            let from = s;
            let to = p;
            if (!(plain && n > 0 && n <= 9 && (n === 1 || text.charCodeAt(s) !== 48))) {
              [from, to] = trimmed(text, s, p);
              id = numericId(text, from, to);
              if (id === EMPTY_ID) return pos;
            }
            if (role === USER) {
              user = id;
              userStart = from;
              userEnd = to;
            } else {
              item = id;
              itemStart = from;
              itemEnd = to;
            }
          }
        }
        column++;
        if (eol || p >= length) break;
        p += dlength;
      }
      if (column !== width) return pos;
      // Commit the line's rating.
      batch.reserve();
      const at = batch.size;
      const k = batch.start + at;
      if (this.line - k !== lines.offset) lines.note(k, this.line);
      batch.user[at] = user;
      if (user === TEXT_ID) batch.userTexts.push(text.slice(userStart, userEnd));
      batch.item[at] = item;
      if (item === TEXT_ID) batch.itemTexts.push(text.slice(itemStart, itemEnd));
      batch.rating[at] = rating;
      batch.size = at + 1;
      this.line++;
      pos = p + 1;
    }
    return pos;
  }

  private fastWhitespaceLines(text: string, pos: number, final: boolean): number {
    const length = text.length;
    while (pos < length) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0) {
        if (!final) return pos;
        nl = length;
      }
      if (!this.fastWhitespace(text, pos, nl)) return pos;
      this.line++;
      pos = nl + 1;
    }
    return pos;
  }

  /** A line of whitespace-separated cells, read in place; false (nothing done) for anything the slow path must see. */
  private fastWhitespace(text: string, start: number, end: number): boolean {
    const { roles, width } = this;
    let p = start;
    let user = EMPTY_ID;
    let userStart = 0;
    let userEnd = 0;
    let item = EMPTY_ID;
    let itemStart = 0;
    let itemEnd = 0;
    let rating = Number.NaN;
    let column = 0;
    for (;;) {
      while (p < end && isBlank(text.charCodeAt(p))) p++;
      if (p === end) break;
      if (column === 0 && text.charCodeAt(p) === HASH) return true; // a comment
      const s = p;
      while (p < end && !isBlank(text.charCodeAt(p))) p++;
      if (column >= width) return false;
      const role = roles[column];
      if (role === RATING) {
        rating = plainDecimal(text, s, p, this.mark);
        if (rating !== rating) return false;
      } else if (role !== SKIP) {
        const id = numericId(text, s, p);
        if (role === USER) {
          user = id;
          userStart = s;
          userEnd = p;
        } else {
          item = id;
          itemStart = s;
          itemEnd = p;
        }
      }
      column++;
    }
    if (column === 0) return true; // a blank line
    if (column !== width) return false;
    this.commit(
      user,
      user === TEXT_ID ? text.slice(userStart, userEnd) : '',
      item,
      item === TEXT_ID ? text.slice(itemStart, itemEnd) : '',
      rating,
      this.line,
    );
    return true;
  }

  private commit(user: number, userText: string, item: number, itemText: string, rating: number, line: number): void {
    const batch = this.batch;
    batch.reserve();
    const at = batch.size;
    const k = batch.start + at;
    if (line - k !== this.lines.offset) this.lines.note(k, line);
    batch.user[at] = user;
    if (user === TEXT_ID) batch.userTexts.push(userText);
    batch.item[at] = item;
    if (item === TEXT_ID) batch.itemTexts.push(itemText);
    batch.rating[at] = rating;
    batch.size = at + 1;
  }

  /**
   * One record with the full rules (quotes, line breaks in quoted cells, errors).
   * Returns where the next record starts, or -1 if the record may go on in the next piece.
   */
  private slowDelimited(text: string, pos: number, final: boolean): number {
    const length = text.length;
    const { d0, d1, dlength } = this;
    let p = pos;
    let line = this.line;
    while (p < length && this.isPad(text.charCodeAt(p))) p++;
    if (p === length) return final ? length : -1;
    let c = text.charCodeAt(p);
    if (c === LF || c === HASH) {
      // A blank line, or a comment.
      const nl = c === LF ? p : text.indexOf('\n', p);
      if (nl < 0) return final ? length : -1;
      this.line++;
      return nl + 1;
    }
    const cells: string[] = [];
    const cellLines: number[] = [];
    for (;;) {
      while (p < length && this.isPad(text.charCodeAt(p))) p++;
      cellLines.push(line);
      if (p < length && text.charCodeAt(p) === QUOTE) {
        let value = '';
        p++;
        for (;;) {
          const q = text.indexOf('"', p);
          if (q < 0) {
            if (!final) return -1;
            throw new DataError(`${this.source}:${cellLines[cells.length]}: cannot parse as ${this.name}: the quote that opens cell ${cells.length + 1} is never closed`);
          }
          for (let n = text.indexOf('\n', p); n >= 0 && n < q; n = text.indexOf('\n', n + 1)) line++;
          value += text.slice(p, q);
          if (q + 1 === length && !final) return -1; // maybe the first of ""
          if (q + 1 < length && text.charCodeAt(q + 1) === QUOTE) {
            value += '"';
            p = q + 2;
            continue;
          }
          p = q + 1;
          break;
        }
        cells.push(value);
        while (p < length && this.isPad(text.charCodeAt(p))) p++;
        if (p === length) {
          if (!final) return -1;
          break;
        }
        c = text.charCodeAt(p);
        if (c === LF) break;
        if (c === d0 && d1 >= 0 && p + 1 === length && !final) return -1;
        if (c === d0 && (d1 < 0 || text.charCodeAt(p + 1) === d1)) {
          p += dlength;
          continue;
        }
        const nl = text.indexOf('\n', p);
        const rest = text.slice(p, Math.min(nl < 0 ? length : nl, p + 10));
        throw new DataError(
          `${this.source}:${line}:${cells.length}: cannot parse as ${this.name}: ${JSON.stringify(shorten(rest))} after a closing quote; expected ${this.delimiter === '\t' ? 'a tab' : JSON.stringify(this.delimiter)} or the end of the line`,
        );
      }
      const s = p;
      for (; p < length; p++) {
        c = text.charCodeAt(p);
        if (c === LF) break;
        if (c === d0) {
          if (d1 < 0) break;
          if (p + 1 < length) {
            if (text.charCodeAt(p + 1) === d1) break;
          } else if (!final) return -1; // maybe the first half of the delimiter
        } else if (c === QUOTE) {
          throw new DataError(
            `${this.source}:${line}:${cells.length + 1}: cannot parse as ${this.name}: a quote inside an unquoted cell (${JSON.stringify(shorten(text.slice(s, p + 1)))}); quote the whole cell and double the quotes in it`,
          );
        }
      }
      if (p === length && !final) return -1;
      let e = p;
      while (e > s && isBlank(text.charCodeAt(e - 1))) e--;
      cells.push(text.slice(s, e));
      if (p < length && text.charCodeAt(p) !== LF) {
        p += dlength;
        continue;
      }
      break;
    }
    // A line whose only cell is blank (a quoted "") holds nothing.
    if (!(cells.length === 1 && cells[0].trim() === '')) this.record(cells, cellLines, this.line);
    this.line = line + 1;
    return p < length ? p + 1 : length;
  }

  private slowWhitespace(text: string, pos: number, nl: number, eol: boolean): number {
    const cells: string[] = [];
    let p = pos;
    for (;;) {
      while (p < nl && isBlank(text.charCodeAt(p))) p++;
      if (p >= nl) break;
      if (cells.length === 0 && text.charCodeAt(p) === HASH) break; // a comment
      const s = p;
      while (p < nl && !isBlank(text.charCodeAt(p))) p++;
      cells.push(text.slice(s, p));
    }
    if (cells.length > 0) this.record(cells, null, this.line);
    this.line++;
    return eol ? nl + 1 : text.length;
  }

  /** A record's cells (`cellLines`: the line each starts on, when they may differ). */
  private record(cells: string[], cellLines: number[] | null, line: number): void {
    this.sawRow = true;
    if (this.width < 0 && this.firstRow(cells, line)) return;
    const at = (column: number) => (cellLines ? cellLines[column] : line);
    if (cells.length !== this.width) {
      throw new DataError(`${this.source}:${line}: the row has ${cells.length} ${cells.length === 1 ? 'cell' : 'cells'}, but line ${this.widthLine} has ${this.width}`);
    }
    const ids: Array<[number, string]> = [];
    for (const column of [this.userColumn, this.itemColumn]) {
      const text = cells[column];
      const id = numericId(text, 0, text.length);
      if (id === EMPTY_ID) throw new DataError(`${this.source}:${at(column)}:${column + 1}: no ${column === this.userColumn ? 'user' : 'item'} id`);
      ids.push([id, id === TEXT_ID ? text : '']);
    }
    const column = this.ratingColumn;
    const text = cells[column];
    if (text === '') throw new DataError(`${this.source}:${at(column)}:${column + 1}: no rating`);
    let rating = plainDecimal(text, 0, text.length, this.mark);
    if (rating !== rating) rating = this.cells.read(text, at(column), column + 1); // throws for what is not a number
    if (rating !== rating) throw new DataError(`${this.source}:${at(column)}:${column + 1}: no rating (${JSON.stringify(text)} marks a missing cell)`);
    this.commit(ids[0][0], ids[0][1], ids[1][0], ids[1][1], rating, line);
  }

  /** The first row: fixes the width and the columns. True if it was a header. */
  private firstRow(cells: string[], line: number): boolean {
    const { choice } = this;
    const byName = 'name' in choice.user || 'name' in choice.item || 'name' in choice.rating;
    let header = choice.header;
    if (header === undefined) {
      if (byName) header = true;
      else {
        const r = (choice.rating as { index: number }).index - 1;
        header = r < cells.length && this.cells.isName(cells[r]);
      }
    }
    this.width = cells.length;
    this.widthLine = line;
    if (header) this.columns = cells.map(ownCopy);
    const position = (c: ColumnChoice): number => {
      if ('index' in c) {
        if (c.index > cells.length) {
          throw new DataError(`${this.source}: there is no column ${c.index}: line ${line} has ${cells.length} ${cells.length === 1 ? 'column' : 'columns'}`);
        }
        return c.index - 1;
      }
      const at: number[] = [];
      cells.forEach((n, i) => n === c.name && at.push(i));
      if (at.length === 1) return at[0];
      if (at.length > 1) throw new DataError(`${this.source}: ${at.length} columns are named ${JSON.stringify(c.name)} (${at.map((i) => i + 1).join(', ')}); choose one by its position`);
      const close = closestName(c.name, cells);
      const shown = cells.slice(0, 20).map(formatColumnName).join(', ') + (cells.length > 20 ? `, … (${cells.length} in all)` : '');
      throw new DataError(`${this.source}: no column named ${JSON.stringify(c.name)}${close === null ? '' : ` (did you mean ${JSON.stringify(close)}?)`}; the columns are ${shown}`);
    };
    const columns = [position(choice.user), position(choice.item), position(choice.rating)];
    const roles = new Uint8Array(cells.length);
    columns.forEach((column, r) => {
      const role = r + 1;
      if (roles[column] !== SKIP) {
        const label = header ? `${column + 1} (${cells[column]})` : String(column + 1);
        throw new DataError(`${this.source}: column ${label} is both the ${ROLE_NAMES[roles[column]]} and the ${ROLE_NAMES[role]} column`);
      }
      roles[column] = role;
    });
    [this.userColumn, this.itemColumn, this.ratingColumn] = columns;
    this.roles = roles;
    return header;
  }
}

/** [start, end) without the blanks around it. */
function trimmed(text: string, start: number, end: number): [number, number] {
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  while (start < end && isBlank(text.charCodeAt(start))) start++;
  return [start, end];
}

function shorten(text: string): string {
  const printable = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return printable.length > 20 ? `…${printable.slice(-20)}` : printable;
}
