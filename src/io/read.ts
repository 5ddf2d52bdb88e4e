import { promises as fs } from 'fs';
import type { FileHandle } from 'fs/promises';
import { DataError, UsageError } from '../core/errors';
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

/** An error of the operating system on reading `path`, as one line. */
export function fileError(path: string, err: unknown): DataError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new DataError(`${path}: no such file`);
  if (code === 'EISDIR') return new DataError(`${path}: is a directory, not a file`);
  if (code === 'EACCES' || code === 'EPERM') return new DataError(`${path}: permission denied`);
  return new DataError(`${path}: cannot read (${code ?? (err as Error).message})`);
}

/** A table from a file, or from `stdin` when the path is `-`, parsed as it streams in (gzip or not). */
export async function readTable(path: string, options: ReadOptions, stdin: NodeJS.ReadableStream): Promise<Table> {
  if (path === '-') {
    try {
      return await parseStream(stdin as AsyncIterable<Buffer>, '<stdin>', options);
    } catch (err) {
      throw isReadError(err) ? fileError('<stdin>', err) : err;
    }
  }
  // Opened here, not lazily by a stream, so that a file we may not read says so.
  let handle: FileHandle;
  try {
    handle = await fs.open(path, 'r');
  } catch (err) {
    throw fileError(path, err);
  }
  let stream: ReturnType<FileHandle['createReadStream']> | null = null;
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    // 512 KB pieces: under the size from which Node keeps latin1 strings outside the heap, where the
    // GC frees them late (peak RSS 216 MB rather than 277 on 190 MB of text, and no slower).
    // The stream closes the handle when it ends or is destroyed.
    stream = handle.createReadStream({ highWaterMark: 1 << 19 });
    return await parseStream(stream, path, options, stat.size);
  } catch (err) {
    throw isReadError(err) ? fileError(path, err) : err;
  } finally {
    if (stream) stream.destroy();
    else await handle.close();
  }
}

/** An error of the operating system (it has an errno code), not of the data or the options. */
function isReadError(err: unknown): boolean {
  return !(err instanceof DataError) && !(err instanceof UsageError) && typeof (err as NodeJS.ErrnoException | null)?.code === 'string';
}

/** A small text file (or stdin for `-`) as a string, strict UTF-8. */
export async function readText(path: string, stdin: NodeJS.ReadableStream): Promise<string> {
  const source = path === '-' ? '<stdin>' : path;
  let bytes: Buffer;
  try {
    bytes = path === '-' ? await readStream(stdin) : await fs.readFile(path);
  } catch (err) {
    throw fileError(source, err);
  }
  return decodeUtf8(bytes, source);
}

/** A JSON document from a file, or stdin for `-` (a model), strict UTF-8; a file that cannot be read or parsed is one DataError naming it. */
export async function readJsonFile(path: string, stdin: NodeJS.ReadableStream): Promise<unknown> {
  const source = path === '-' ? '<stdin>' : path;
  const text = await readText(path, stdin);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DataError(`${source}: not JSON (${(err as Error).message})`);
  }
}
