import { isAscii } from 'buffer';
import { DataError } from '../core/errors';
import { openInput } from './gzip';
import { TableReader } from './reader';
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
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const iterator = input.chunks[Symbol.asyncIterator]();
  let ascii = true; // ASCII chunks decode as latin1, much faster; after the first other one, TextDecoder throughout
  let pendingCR = false;
  let atStart = true;

  // CRLF and lone CR become LF; a CR at a chunk's end waits for the next chunk. A BOM at the start is dropped.
  const text = (raw: string, final: boolean): string => {
    if (atStart && raw.length > 0) {
      atStart = false;
      if (raw.charCodeAt(0) === 0xfeff) raw = raw.slice(1);
    }
    if (pendingCR) raw = '\r' + raw;
    pendingCR = !final && raw.endsWith('\r');
    if (pendingCR) raw = raw.slice(0, -1);
    return raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
  };

  let done = false;
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const bytes = next.value;
      inflated += bytes.length;
      if (bytes.includes(0)) throw new DataError(`${source}: looks like a binary file (it has NUL bytes), not a table of numbers`);
      ascii &&= isAscii(bytes);
      reader.feed(text(ascii ? bytes.toString('latin1') : decode(decoder, bytes, source, true), false), false);
    }
    done = true;
    reader.feed(text(decode(decoder, Buffer.alloc(0), source, false), true), true);
    return reader.finish();
  } catch (err) {
    // Garbage from a corrupt gzip stream may look binary, or not UTF-8, or hold bad cells, before zlib
    // notices (a changed byte may show only in the CRC at the member's end): read on to see, to the end
    // for what only garbage looks like, a little way for a bad cell.
    if (!done && input.gzip && err instanceof DataError) {
      await input.drain(/: (looks like a binary file|is not UTF-8 text)/.test(err.message) ? Infinity : 1 << 20);
    }
    throw err;
  } finally {
    if (!done) await iterator.return?.();
  }
}

function decode(decoder: { decode(input: Uint8Array, options: { stream: boolean }): string }, bytes: Buffer, source: string, stream: boolean): string {
  try {
    return decoder.decode(bytes, { stream });
  } catch {
    throw new DataError(`${source}: is not UTF-8 text`);
  }
}
