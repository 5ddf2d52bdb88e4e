import { writeFileAtomic, type Chunks } from '../io/atomic';
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
