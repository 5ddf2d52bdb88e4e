import { promises as fs } from 'fs';
import { DataError } from '../core/errors';
import { parseTable, type ReadOptions, type Table } from './table';

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

async function readBytes(path: string): Promise<Buffer> {
  try {
    return await fs.readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataError(`${path}: no such file`);
    if (code === 'EISDIR') throw new DataError(`${path}: is a directory, not a file`);
    if (code === 'EACCES' || code === 'EPERM') throw new DataError(`${path}: permission denied`);
    throw new DataError(`${path}: cannot read (${code ?? (err as Error).message})`);
  }
}

/** A table from a file, or from `stdin` when the path is `-`. */
export async function readTable(path: string, options: ReadOptions, stdin: NodeJS.ReadableStream): Promise<Table> {
  const source = path === '-' ? '<stdin>' : path;
  const bytes = path === '-' ? await readStream(stdin) : await readBytes(path);
  return parseTable(decodeUtf8(bytes, source), source, options);
}
