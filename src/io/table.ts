import { parse as csvParse } from 'csv-parse/sync';
import { DataError } from '../core/errors';
import { createMatrix, type Matrix } from '../core/matrix';
import { CellReader } from './cells';

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

/** The delimiter from the first data line: a comma, else a tab alone, else whitespace. */
export function sniffDelimiter(text: string): Delimiter {
  const match = /^[ \t]*[^#\s][^\n]*/m.exec(text);
  const line = match ? match[0] : '';
  if (line.includes(',')) return ',';
  if (line.includes('\t') && !/\S +\S/.test(line)) return '\t';
  return 'whitespace';
}

/** Rows of cell texts, each with its 1-based line number. */
type RowSink = (cells: string[], line: number) => void;

/** Whitespace-separated files: split on runs of blanks. Gives the same cells as csv-parse would. */
function splitWhitespace(text: string, sink: RowSink): void {
  let line = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    const content = text.slice(start, end).trim();
    if (content !== '' && content[0] !== '#') sink(content.split(/[ \t]+/), line);
    start = end + 1;
  }
}

/** CSV and TSV through csv-parse: quoting, CRLF, blank lines and # comments handled there. */
export function splitWithCsvParse(text: string, delimiter: ',' | '\t' | ' ', sink: RowSink): void {
  const records = csvParse(text, {
    delimiter,
    relax_column_count: true,
    skip_empty_lines: true,
    comment: '#',
    comment_no_infix: true,
    trim: delimiter !== '\t',
    info: true,
  }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  for (const { record, info } of records) {
    const cells = delimiter === ' ' ? record.filter((c) => c !== '') : record;
    if (cells.length === 1 && cells[0].trim() === '') continue;
    sink(cells, info.lines);
  }
}

/**
 * Parse a table of numbers. Missing cells become NaN-free zeros with a mask.
 * Throws DataError naming `source`, line and column for any cell-level problem.
 */
export function parseTable(text: string, source: string, options: ReadOptions = {}): Table {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = text.replace(/\r\n?/g, '\n');
  const delimiter = options.delimiter ?? delimiterFromName(source) ?? sniffDelimiter(text);
  const cells = new CellReader(options.missing ?? [], source);

  let columns: string[] | null = null;
  let width = -1;
  let widthLine = 0;
  let rows = 0;
  let values = new Float64Array(1024);
  let observed = new Uint8Array(1024);
  let anyMissing = false;

  const sink: RowSink = (record, line) => {
    if (width < 0) {
      const isHeader = options.header ?? !record.every((c) => cells.isData(c));
      if (isHeader) {
        columns = record;
        width = record.length;
        widthLine = line;
        return;
      }
      width = record.length;
      widthLine = line;
    }
    if (record.length !== width) {
      throw new DataError(
        `${source}:${line}: the row has ${record.length} ${record.length === 1 ? 'cell' : 'cells'}, but line ${widthLine} has ${width}`,
      );
    }
    const need = (rows + 1) * width;
    if (need > values.length) {
      const size = Math.max(need, values.length * 2);
      const grownValues = new Float64Array(size);
      grownValues.set(values);
      values = grownValues;
      const grownMask = new Uint8Array(size);
      grownMask.set(observed);
      observed = grownMask;
    }
    const offset = rows * width;
    for (let c = 0; c < width; c++) {
      const v = cells.read(record[c], line, c + 1);
      if (Number.isNaN(v)) anyMissing = true;
      else {
        values[offset + c] = v;
        observed[offset + c] = 1;
      }
    }
    rows++;
  };

  try {
    if (delimiter === 'whitespace') splitWhitespace(text, sink);
    else splitWithCsvParse(text, delimiter, sink);
  } catch (err) {
    if (err instanceof DataError) throw err;
    const e = err as { message?: string; lines?: number };
    throw new DataError(`${source}${e.lines ? `:${e.lines}` : ''}: cannot parse as ${describe(delimiter)}: ${e.message ?? String(err)}`);
  }

  if (width < 0) throw new DataError(`${source}: the file is empty (no rows of numbers)`);
  if (rows === 0) throw new DataError(`${source}: there is a header but no rows of numbers`);
  const size = rows * width;
  const matrix = createMatrix(rows, width, values.slice(0, size), anyMissing ? observed.slice(0, size) : null);
  return { matrix, delimiter, columns };
}

export function describe(delimiter: Delimiter): string {
  return delimiter === ',' ? 'CSV' : delimiter === '\t' ? 'TSV' : 'whitespace-separated';
}

/** Text of a matrix in a table layout, with its header row if it had one. */
export function formatTable(values: ArrayLike<number>, rows: number, cols: number, delimiter: Delimiter, columns: string[] | null): string {
  const sep = delimiter === 'whitespace' ? ' ' : delimiter;
  const lines: string[] = [];
  if (columns) lines.push(columns.map((c) => quoteIfNeeded(c, sep)).join(sep));
  const row: string[] = new Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) row[c] = String(values[r * cols + c]);
    lines.push(row.join(sep));
  }
  return lines.join('\n') + '\n';
}

function quoteIfNeeded(text: string, sep: string): string {
  return text.includes(sep) || text.includes('"') ? `"${text.replace(/"/g, '""')}"` : text;
}
