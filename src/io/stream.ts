import { isAscii } from 'buffer';
import { parse as csvParseStream } from 'csv-parse';
import { DataError } from '../core/errors';
import { CellReader } from './cells';
import { MatrixBuilder } from './builder';
import { scanWhitespace } from './whitespace';
import { csvError, csvOptions, delimiterFromName, recordCells, sniffDelimiter, type CsvRecord, type Delimiter, type ReadOptions, type Table } from './table';

/**
 * Parse a table as it arrives, chunk by chunk, into the growing Float64Array
 * of a MatrixBuilder: the text is never held whole, nor as an array of strings.
 * Gives the same Table as parseTable on the whole text. `sizeHint` (the input's
 * size in bytes, when known) sizes the buffers once.
 */
export async function parseStream(
  chunks: AsyncIterable<Buffer | string>,
  source: string,
  options: ReadOptions = {},
  sizeHint?: number,
): Promise<Table> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const cells = new CellReader(options.missing ?? [], source);
  const builder = new MatrixBuilder(source, cells, options.header);
  let delimiter: Delimiter | undefined = options.delimiter ?? delimiterFromName(source);
  let head = ''; // text held until the first data line tells the delimiter
  let carry = ''; // the unfinished last line of the whitespace text so far
  let lines = 0;
  let pendingCR = false;
  let bytesRead = 0;
  let sized = false;
  let ascii = true; // ASCII chunks decode as latin1, much faster; after the first other one, TextDecoder throughout
  let csv: ReturnType<typeof csvParseStream> | null = null;
  let csvFailure: unknown = null;

  const startCsv = (d: ',' | '\t') => {
    const parser = csvParseStream(csvOptions(d));
    parser.on('readable', () => {
      try {
        let item: CsvRecord | null;
        while ((item = parser.read() as CsvRecord | null) !== null) {
          const row = recordCells(item.record, d);
          if (row) builder.addRow(row, item.info.lines);
        }
      } catch (err) {
        csvFailure ??= err;
        parser.destroy();
      }
    });
    parser.on('error', (err) => (csvFailure ??= err));
    return parser;
  };

  const consume = (text: string, final: boolean) => {
    if (delimiter === undefined) {
      head += text;
      if (!final && !/^[ \t]*[^#\s][^\n]*\n/m.test(head)) return;
      delimiter = sniffDelimiter(head);
      text = head;
      head = '';
    }
    if (delimiter === 'whitespace') {
      // Whole lines only: the unfinished tail waits for the next chunk. The
      // chunk itself is scanned in place, not glued to the tail first.
      const firstEnd = final ? text.length : text.indexOf('\n') + 1;
      if (firstEnd === 0) {
        carry += text;
        return;
      }
      lines = scanWhitespace(carry + text.slice(0, firstEnd), cells, builder, lines);
      const lastEnd = final ? text.length : text.lastIndexOf('\n') + 1;
      if (lastEnd > firstEnd) lines = scanWhitespace(text.slice(firstEnd, lastEnd), cells, builder, lines);
      carry = text.slice(lastEnd);
      bytesRead += text.length;
      // Once some rows are in, size the buffers for the whole input from its size.
      if (!sized && sizeHint && builder.rows >= 64) {
        builder.expectRows((builder.rows * sizeHint) / bytesRead * 1.02 + 16);
        sized = true;
      }
    } else {
      csv ??= startCsv(delimiter);
      if (text) csv.write(text);
      if (final) csv.end();
    }
  };

  // CRLF and lone CR become LF; a CR at a chunk's end waits for the next chunk.
  const lineEnds = (text: string, final: boolean) => {
    if (pendingCR) text = '\r' + text;
    pendingCR = !final && text.endsWith('\r');
    if (pendingCR) text = text.slice(0, -1);
    return text.replace(/\r\n?/g, '\n');
  };

  try {
    for await (const chunk of chunks) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (bytes.includes(0)) throw new DataError(`${source}: looks like a binary file (it has NUL bytes), not a table of numbers`);
      ascii &&= isAscii(bytes);
      consume(lineEnds(ascii ? bytes.toString('latin1') : decode(decoder, bytes, source, true), false), false);
      if (csvFailure) break;
      await Promise.resolve(); // let csv-parse hand over its records
    }
    if (!csvFailure) consume(lineEnds(decode(decoder, Buffer.alloc(0), source, false), true), true);
    const parser = csv as ReturnType<typeof csvParseStream> | null;
    if (parser && !csvFailure) {
      await new Promise<void>((resolve) => {
        if (parser.readableEnded) resolve();
        else {
          parser.on('end', resolve);
          parser.on('error', () => resolve());
          parser.on('close', resolve);
        }
      });
    }
    if (csvFailure) throw csvFailure;
  } catch (err) {
    throw csvError(err, source, delimiter ?? 'whitespace');
  }
  return { matrix: builder.finish(), delimiter: delimiter ?? 'whitespace', columns: builder.columns };
}

function decode(decoder: { decode(input: Uint8Array, options: { stream: boolean }): string }, bytes: Buffer, source: string, stream: boolean): string {
  try {
    return decoder.decode(bytes, { stream });
  } catch {
    throw new DataError(`${source}: is not UTF-8 text`);
  }
}
