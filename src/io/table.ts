import { parse as csvParse } from 'csv-parse/sync';
import { DataError } from '../core/errors';
import type { Matrix } from '../core/matrix';
import { CellReader, parseNumber } from './cells';
import { MatrixBuilder } from './builder';
import { scanWhitespace } from './whitespace';

/** How cells are separated: a comma, a tab, or any run of spaces and tabs. */
export type Delimiter = ',' | '\t' | 'whitespace';

export interface ReadOptions {
  /** Undefined: from the file's extension, then from its first line. */
  readonly delimiter?: Delimiter;
  /** Undefined: a first row with any non-numeric, non-missing cell is a header. */
  readonly header?: boolean;
  /** Cell texts that mean missing, beside the defaults (empty, NA, NaN, ?). */
  readonly missing?: readonly string[];
}

export interface Table {
  readonly matrix: Matrix;
  readonly delimiter: Delimiter;
  readonly columns: string[] | null;
}

/** The delimiter from a file name's extension, if it tells. */
export function delimiterFromName(name: string): Delimiter | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith('.csv')) return ',';
  if (lower.endsWith('.tsv') || lower.endsWith('.tab')) return '\t';
  return undefined;
}

/**
 * The delimiter from the first data line: a comma; else tabs, if no blank
 * stands beside a tab and no tab-separated cell is itself several numbers
 * (a TSV header may say "user id"; "1 2<tab>3" is whitespace); else whitespace.
 */
export function sniffDelimiter(text: string): Delimiter {
  const match = /^[ \t]*[^#\s][^\n]*/m.exec(text);
  // Not trimmed: a TSV line may start or end with an empty cell (a tab at its edge).
  const line = match ? match[0] : '';
  if (line.includes(',')) return ',';
  if (!line.includes('\t') || /[^\S\t]\t|\t[^\S\t]/.test(line)) return 'whitespace';
  const severalNumbers = (cell: string) => {
    const parts = cell.trim().split(/\s+/);
    return parts.length > 1 && parts.every((p) => parseNumber(p) !== null);
  };
  return line.split('\t').some(severalNumbers) ? 'whitespace' : '\t';
}

/** Rows of cell texts, each with its 1-based line number. */
type RowSink = (cells: string[], line: number) => void;

/**
 * CSV and TSV through csv-parse: quoting, CRLF, blank lines and # comments handled there.
 * `' '` reads whitespace-separated text the slow way (runs of spaces and tabs
 * between cells), as the reference that the whitespace scanner is tested against.
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

/** csv-parse's options, the same for the whole-text and the streaming reader. */
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

/** A csv-parse failure as a DataError naming the file and line. */
export function csvError(err: unknown, source: string, delimiter: Delimiter): Error {
  if (err instanceof DataError) return err;
  const e = err as { message?: string; lines?: number };
  return new DataError(`${source}${e.lines ? `:${e.lines}` : ''}: cannot parse as ${describe(delimiter)}: ${e.message ?? String(err)}`);
}

/**
 * Parse a table of numbers; missing cells are 0 in the data and flagged in the mask.
 * Throws DataError naming `source`, line and column for any cell-level problem.
 */
export function parseTable(text: string, source: string, options: ReadOptions = {}): Table {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = text.replace(/\r\n?/g, '\n');
  const delimiter = options.delimiter ?? delimiterFromName(source) ?? sniffDelimiter(text);
  const cells = new CellReader(options.missing ?? [], source);
  const builder = new MatrixBuilder(source, cells, options.header);
  try {
    if (delimiter === 'whitespace') scanWhitespace(text, cells, builder);
    else splitWithCsvParse(text, delimiter, (record, line) => builder.addRow(record, line));
  } catch (err) {
    throw csvError(err, source, delimiter);
  }
  return { matrix: builder.finish(), delimiter, columns: builder.columns };
}

export function describe(delimiter: Delimiter): string {
  return delimiter === ',' ? 'CSV' : delimiter === '\t' ? 'TSV' : 'whitespace-separated';
}

/** Small integers, the usual observed cells of a rating matrix, are formatted once. */
const SMALL_INTEGERS = Array.from({ length: 2049 }, (_, i) => String(i - 1024));

/** Text of a matrix in a table layout, with its header row if it had one. Numbers print as JS prints them (shortest round-trip). */
export function formatTable(values: ArrayLike<number>, rows: number, cols: number, delimiter: Delimiter, columns: string[] | null): string {
  const sep = delimiter === 'whitespace' ? ' ' : delimiter;
  const lines: string[] = [];
  if (columns) lines.push(columns.map((c) => quoteIfNeeded(c, sep)).join(sep));
  const row: string[] = new Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = values[r * cols + c];
      row[c] = Number.isInteger(v) && v >= -1024 && v <= 1024 ? SMALL_INTEGERS[v + 1024] : String(v);
    }
    lines.push(row.join(sep));
  }
  return lines.join('\n') + '\n';
}

/** Quote a header name that would otherwise read back differently (a comment, a split, a new line). */
function quoteIfNeeded(text: string, sep: string): string {
  const risky = text.includes(sep) || /["\r\n]/.test(text) || text.startsWith('#');
  return risky ? `"${text.replace(/"/g, '""')}"` : text;
}
