import { isAscii } from 'buffer';
import { DataError } from '../core/errors';
import type { Input } from './gzip';

/**
 * The bytes of an opened input (gzip already unwrapped, see openInput) as text, piece by
 * piece, for the table and ratings readers alike: ASCII pieces decoded as latin1 (fast),
 * and from the first other one on strict UTF-8 (an error names the source); NUL bytes are
 * an error (`source: looks like a binary file …, not WHAT`); a BOM at the start is dropped;
 * CRLF and lone CR become LF (a CR at a piece's end waits for the next piece). `feed` gets
 * each piece, then '' with `final`; `onBytes` each piece's size, before it is decoded.
 */
export async function feedText(
  input: Input,
  source: string,
  what: string,
  feed: (text: string, final: boolean) => void,
  onBytes?: (bytes: number) => void,
): Promise<void> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const iterator = input.chunks[Symbol.asyncIterator]();
  let ascii = true;
  let pendingCR = false;
  let atStart = true;
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
      onBytes?.(bytes.length);
      if (bytes.includes(0)) throw new DataError(`${source}: looks like a binary file (it has NUL bytes), not ${what}`);
      ascii &&= isAscii(bytes);
      feed(text(ascii ? bytes.toString('latin1') : decode(decoder, bytes, source, true), false), false);
    }
    done = true;
    feed(text(decode(decoder, Buffer.alloc(0), source, false), true), true);
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
