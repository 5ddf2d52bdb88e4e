import { openInput } from './gzip';
import { TableReader } from './reader';
import { feedText } from './text';
import type { ReadOptions, Table } from './table';

/**
 * Parse a table as it arrives, chunk by chunk, into the growing Float64Array
 * of a MatrixBuilder: the text is never held whole, nor as an array of strings.
 * Gives the same Table as parseTable on the whole text. A gzip input (its first
 * bytes 1f 8b, whatever its name) is decompressed as it streams. `sizeHint`
 * (the input's size in bytes, when known) sizes the buffers once.
 */
export async function parseStream(
  chunks: AsyncIterable<Buffer | string>,
  source: string,
  options: ReadOptions = {},
  sizeHint?: number,
): Promise<Table> {
  const input = await openInput(chunks, source);
  let inflated = 0; // bytes read (decompressed) so far
  const total = !sizeHint
    ? undefined
    : input.gzip
      ? () => {
          // A gzip input's decompressed size, estimated from its ratio so far.
          const compressed = input.compressedBytes();
          return compressed > 0 ? (sizeHint * inflated) / compressed : undefined;
        }
      : () => sizeHint;
  const reader = new TableReader(source, options, total, input.gzip);
  await feedText(input, source, 'a table of numbers', (text, final) => reader.feed(text, final), (bytes) => (inflated += bytes));
  return reader.finish();
}
