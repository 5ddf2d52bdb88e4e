import { createReadStream, promises as fs } from 'fs';
import { DataError } from '../core/errors';
import type { ReadOptions, Table } from './table';
import { parseStream } from './stream';

/** Read all of a stream as bytes. */
export async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

/** Strict UTF-8: a file that is not is named, not silently mangled. */
export function decodeUtf8(bytes: Buffer, source: string): string {
  if (bytes.includes(0)) throw new DataError(`${source}: looks like a binary file (it has NUL bytes), not a table of numbers`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DataError(`${source}: is not UTF-8 text`);
  }
}

function fileError(path: string, err: unknown): DataError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new DataError(`${path}: no such file`);
  if (code === 'EISDIR') return new DataError(`${path}: is a directory, not a file`);
  if (code === 'EACCES' || code === 'EPERM') return new DataError(`${path}: permission denied`);
  return new DataError(`${path}: cannot read (${code ?? (err as Error).message})`);
}

/** A table from a file, or from `stdin` when the path is `-`, parsed as it streams in. */
export async function readTable(path: string, options: ReadOptions, stdin: NodeJS.ReadableStream): Promise<Table> {
  if (path === '-') return parseStream(stdin as AsyncIterable<Buffer>, '<stdin>', options);
  let size: number;
  try {
    const stat = await fs.stat(path);
    if (stat.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    size = stat.size;
  } catch (err) {
    throw fileError(path, err);
  }
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    return await parseStream(stream, path, options, size);
  } catch (err) {
    throw err instanceof DataError ? err : fileError(path, err);
  } finally {
    stream.destroy();
  }
}
