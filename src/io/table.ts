import { parse as csvParse } from 'csv-parse/sync';
import type { Matrix } from '../core/matrix';
import type { ColumnLayout, ColumnSelection } from './columns';
import { checkDelimiter, separator, type Delimiter } from './delimiter';
import { decimalCommaError, TableReader } from './reader';
import { sniffText } from './sniff';

export { delimiterFromName, describe, isAllowedDelimiter, type Delimiter } from './delimiter';
export { formatColumnName, parseColumnList, parseColumnRef, type ColumnLayout, type ColumnRef, type ColumnSelection } from './columns';

export interface ReadOptions {
  /** Undefined: from the file's extension (`.csv` may still turn out semicolon-separated), then from its first data line. */
  readonly delimiter?: Delimiter;
  /** Undefined: a first row with a cell that is neither a number, a missing marker nor number-like is a header. */
  readonly header?: boolean;
  /** Cell texts that mean missing, beside the defaults (empty, NA, NaN, ?). */
  readonly missing?: readonly string[];
  /** Cells such as `3,5` are 3.5 ('.' is then not allowed in numbers). Needs a delimiter other than comma. */
  readonly decimalComma?: boolean;
  /**
   * Which columns are the features, and which are ids or true classes
   * (--columns, --ignore-columns, --id-column, --labels-column; a saved
   * model's column order). Applied while reading: a column that is not a
   * feature is never read as a number. Selecting by name makes the first row
   * a header. Undefined: every column is a feature.
   */
  readonly select?: ColumnSelection;
}

export interface Table {
  /** The features only, in the selection's order. */
  readonly matrix: Matrix;
  readonly delimiter: Delimiter;
  /** The features' header names (null without a header). */
  readonly columns: string[] | null;
  /** The id column's cell texts, one per data row (a missing marker as ''); null without an id column. */
  readonly ids: string[] | null;
  /** The labels column's cell texts, likewise; null without a labels column. */
  readonly labels: string[] | null;
  /** How the file's columns were used: its width and names, the features' positions, the id and labels columns. */
  readonly layout: ColumnLayout;
}

/**
 * The delimiter from the first data line (blank and # lines are skipped): `::`,
 * a comma, a semicolon, a tab, or whitespace (see chooseDelimiter in sniff.ts).
 */
export function sniffDelimiter(text: string): Delimiter {
  return sniffText(text.replace(/\r\n?/g, '\n'));
}

/**
 * Parse a table of numbers; missing cells are 0 in the data and flagged in the mask.
 * Throws DataError naming `source`, line and column for any cell-level problem.
 */
export function parseTable(text: string, source: string, options: ReadOptions = {}): Table {
  const reader = new TableReader(source, options);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
  reader.feed(text, true);
  return reader.finish();
}

// ---------------------------------------------------------------------------
// csv-parse, kept as the reference the scanners are tested against.
// ---------------------------------------------------------------------------

/** Rows of cell texts, each with its 1-based line number. */
type RowSink = (cells: string[], line: number) => void;

/**
 * CSV and TSV through csv-parse: quoting, CRLF, blank lines and # comments handled there.
 * `' '` reads whitespace-separated text the slow way (runs of spaces and tabs
 * between cells). The readers do not use it: it is the reference that the
 * scanners are tested against.
 */
export function splitWithCsvParse(text: string, delimiter: ',' | '\t' | ' ', sink: RowSink): void {
  const records = csvParse(text, csvOptions(delimiter)) as unknown as CsvRecord[];
  for (const { record, info } of records) {
    const cells = recordCells(record, delimiter);
    if (cells) sink(cells, info.lines);
  }
}

export interface CsvRecord {
  record: string[];
  info: { lines: number };
}

/** csv-parse's options, as the reader once used them. */
export function csvOptions(delimiter: ',' | '\t' | ' ') {
  return {
    delimiter: delimiter === ' ' ? [' ', '\t'] : delimiter,
    relax_column_count: true,
    skip_empty_lines: true,
    comment: '#',
    comment_no_infix: true,
    trim: delimiter !== '\t',
    info: true,
  };
}

/** A csv-parse record's cells, or null for a line that holds none. */
export function recordCells(record: string[], delimiter: ',' | '\t' | ' '): string[] | null {
  const cells = delimiter === ' ' ? record.filter((c) => c !== '') : record;
  if (cells.length === 0 || (cells.length === 1 && cells[0].trim() === '')) return null;
  if (delimiter === ' ' && cells[0].startsWith('#')) return null;
  return cells;
}

// ---------------------------------------------------------------------------
// Writing tables
// ---------------------------------------------------------------------------

export interface FormatOptions {
  /** Write numbers with a decimal comma (`3,5`); needs a delimiter other than comma. */
  readonly decimalComma?: boolean;
  /** A first column of text, one per row (a table's ids), headed `idHeading` (default `id`). */
  readonly ids?: readonly string[] | null;
  readonly idHeading?: string;
}

/** Small integers, the usual observed cells of a rating matrix, are formatted once. */
const SMALL_INTEGERS = Array.from({ length: 2049 }, (_, i) => String(i - 1024));

/** About how many characters formatRows puts in one block. */
export const FORMAT_BLOCK = 64 * 1024;

/**
 * The text of a matrix in a table layout, with its header row if it had one,
 * in blocks of about FORMAT_BLOCK characters (whole lines; a block passes the
 * size by at most one line), so that a matrix of any size can be written
 * without its text ever being one string. Numbers print as JS prints them
 * (shortest round-trip), with a decimal comma if asked.
 */
export function* formatRows(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  delimiter: Delimiter,
  columns: string[] | null,
  options: FormatOptions = {},
): Generator<string, void, undefined> {
  checkDelimiter(delimiter);
  const decimalComma = options.decimalComma === true;
  if (decimalComma && delimiter === ',') throw decimalCommaError('formatTable');
  const sep = separator(delimiter);
  if (!columns && rows === 0) {
    yield '\n';
    return;
  }
  let block: string[] = [];
  let size = 0;
  const ids = options.ids ?? null;
  if (columns) {
    const head = (ids ? [options.idHeading ?? 'id', ...columns] : columns).map((c) => quoteIfNeeded(c, sep)).join(sep);
    block.push(head);
    size = head.length + 1;
  }
  const row: string[] = new Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = values[r * cols + c];
      if (Number.isInteger(v) && v >= -1024 && v <= 1024) row[c] = SMALL_INTEGERS[v + 1024];
      else row[c] = decimalComma ? String(v).replace('.', ',') : String(v);
    }
    const line = ids ? quoteIfNeeded(ids[r], sep) + sep + row.join(sep) : row.join(sep);
    block.push(line);
    size += line.length + 1;
    if (size >= FORMAT_BLOCK) {
      yield block.join('\n') + '\n';
      block = [];
      size = 0;
    }
  }
  if (block.length > 0) yield block.join('\n') + '\n';
}

/** The whole text of formatRows, for small tables. */
export function formatTable(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  delimiter: Delimiter,
  columns: string[] | null,
  options: FormatOptions = {},
): string {
  let text = '';
  for (const block of formatRows(values, rows, cols, delimiter, columns, options)) text += block;
  return text;
}

/** Quote a header name that would otherwise read back differently (a comment, a split, a new line). */
function quoteIfNeeded(text: string, sep: string): string {
  // A name holding any character of a two-character delimiter could glue to it ("a:" then "::").
  const risky = (sep.length > 1 ? [...sep].some((ch) => text.includes(ch)) : text.includes(sep)) || /["\r\n]/.test(text) || text.startsWith('#');
  return risky ? `"${text.replace(/"/g, '""')}"` : text;
}
