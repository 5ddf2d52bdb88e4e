import { Readable, pipeline } from 'stream';
import { createGunzip } from 'zlib';
import { DataError } from '../core/errors';

/** The bytes of an input, decompressed if it was gzip. */
export interface Input {
  readonly chunks: AsyncIterable<Buffer>;
  /** Whether the input was gzip (recognised by its first two bytes, 1f 8b, whatever its name). */
  readonly gzip: boolean;
  /** Compressed bytes consumed so far (gzip only; else 0). */
  compressedBytes(): number;
  /** Read on, dropping the bytes, to the end or up to `limit` more bytes: a corrupt gzip stream then throws its error. */
  drain(limit?: number): Promise<void>;
}

/** True for an error from zlib (its codes start with Z_). */
export function isZlibError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

function toBuffer(chunk: Buffer | string | Uint8Array): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
}

/**
 * The chunks as they come, or, when they start with the gzip magic bytes,
 * decompressed as a stream (zlib's gunzip, which also reads concatenated
 * members), with backpressure, so only a chunk or two is held at a time. A
 * corrupt or truncated gzip stream throws `SOURCE: corrupt gzip data (…)`.
 */
export async function openInput(chunks: AsyncIterable<Buffer | string | Uint8Array>, source: string): Promise<Input> {
  // Through a generator of our own: any iterable (for await takes arrays too), closed with it.
  const iterator = (async function* () {
    for await (const chunk of chunks) yield chunk;
  })();
  const head: Buffer[] = [];
  let headLength = 0;
  let ended = false;
  while (headLength < 2) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    const bytes = toBuffer(next.value);
    if (bytes.length === 0) continue;
    head.push(bytes);
    headLength += bytes.length;
  }
  const first = head.length === 1 ? head[0] : Buffer.concat(head);
  async function* raw(): AsyncGenerator<Buffer> {
    try {
      if (first.length > 0) yield first;
      if (ended) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield toBuffer(next.value);
      }
    } finally {
      if (!ended) await iterator.return(undefined); // stopped early: close the source too
    }
  }
  if (!(first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b)) {
    return {
      chunks: raw(),
      gzip: false,
      compressedBytes: () => 0,
      drain: async () => {},
    };
  }
  const gunzip = createGunzip();
  const input = Readable.from(raw(), { objectMode: false });
  pipeline(input, gunzip, () => {}); // errors surface on the gunzip stream
  const corrupt = (err: unknown) => (isZlibError(err) ? new DataError(`${source}: corrupt gzip data (${(err as Error).message})`) : err);
  async function* inflated(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of gunzip) yield chunk as Buffer;
    } catch (err) {
      throw corrupt(err);
    } finally {
      gunzip.destroy();
      input.destroy();
    }
  }
  const out = inflated();
  return {
    chunks: out,
    gzip: true,
    compressedBytes: () => gunzip.bytesWritten,
    drain: async (limit = Infinity) => {
      let read = 0;
      for (let next = await out.next(); !next.done && read < limit; next = await out.next()) read += next.value.length;
    },
  };
}
