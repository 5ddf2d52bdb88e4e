import { promises as fs } from 'fs';
import { DataError } from '../core/errors';
import { writeFileAtomic, type Chunks, type Content } from '../io/atomic';
import type { CliIO, Output } from './io';
import { interruptibleTempFiles } from './signals';

const temps = interruptibleTempFiles();

/** `-` (and /dev/stdout) mean standard output. */
export function isStdout(target: string): boolean {
  return target === '-' || target === '/dev/stdout';
}

/** Writes pieces of text to a stream, waiting for it to drain when it asks to (a pipe to a slow reader). */
export async function writeChunks(out: Output, chunks: Chunks): Promise<void> {
  if (typeof chunks === 'string') {
    if (!out.write(chunks) && out.once) await new Promise<void>((resolve) => out.once!('drain', resolve));
    return;
  }
  for await (const chunk of chunks as AsyncIterable<string>) {
    if (!out.write(chunk) && out.once) await new Promise<void>((resolve) => out.once!('drain', resolve));
  }
}

/** An output to `target`: standard output for `-`, else a file written whole or not at all (see writeFileAtomic). */
export async function writeOutput(io: CliIO, target: string, chunks: Chunks): Promise<void> {
  if (isStdout(target)) await writeChunks(io.stdout, chunks);
  else await writeFileAtomic(target, chunks, temps);
}

/**
 * Bytes to a file that must be replaced whole, never written in place: a new file, or a
 * regular file (through its links) renamed over. A device, a FIFO or a socket there is
 * refused (writeFileAtomic would write into it, and a reader could see half of it).
 */
export async function writeFileWhole(target: string, bytes: Uint8Array, flag: string): Promise<void> {
  let stats: import('fs').Stats | null = null;
  try {
    stats = await fs.stat(target);
  } catch {
    // Nothing there (or a dangling link): writeFileAtomic makes the file or says why not.
  }
  if (stats && !stats.isFile()) throw new DataError(`${flag} ${target}: not a regular file; the output is written whole to a file (a temporary file beside it, then a rename)`);
  if (/^\/(dev|proc)\//.test(target)) throw new DataError(`${flag} ${target}: not a regular file; the output is written whole to a file (a temporary file beside it, then a rename)`);
  await writeFileAtomic(target, bytes as Content, temps);
}
