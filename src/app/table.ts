import { UsageError } from '../core/errors';
import { readTable as readTableFile } from '../io/read';
import { parseStream } from '../io/stream';
import type { ReadOptions, Table } from '../io/table';

/** A table with the path it was read from (`-` for standard input), the name messages call it by, and how it was read. */
export interface NamedTable extends Table {
  /** As given: a file path, `-` (standard input) or `<stream>`; the JSON's input.path. */
  readonly path: string;
  /** What messages call it: the path, or <stdin>. */
  readonly source: string;
  readonly read: ReadOptions;
}

/**
 * Reads a table of numbers: a file path, `-` with `stdin`, or any stream of bytes.
 * Whitespace, CSV or TSV, as described in the README's Input section.
 */
export async function readTable(input: string | NodeJS.ReadableStream, options: ReadOptions = {}, stdin?: NodeJS.ReadableStream): Promise<NamedTable> {
  if (typeof input === 'string') {
    if (input === '-' && !stdin) throw new UsageError('reading "-" needs the standard input stream');
    const table = await readTableFile(input, options, stdin as NodeJS.ReadableStream);
    return { ...table, path: input, source: input === '-' ? '<stdin>' : input, read: options };
  }
  const table = await parseStream(input as AsyncIterable<Buffer>, '<stream>', options);
  return { ...table, path: '<stream>', source: '<stream>', read: options };
}
