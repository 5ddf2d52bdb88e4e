import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from '../core/errors';
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

/** The same place, whatever the spelling: `-` and /dev/stdout, `a` and `./a`, a link and its target. */
function identity(target: string): string {
  if (isStdout(target)) return '-';
  const absolute = path.resolve(target);
  try {
    return fs.realpathSync(absolute);
  } catch {
    return absolute;
  }
}

/**
 * Checks a command's output paths before anything runs: none is empty, and no two
 * name the same place (`--out F --plot F`, or both `-`). `outputs` maps each flag to
 * its value (undefined when not given).
 */
export function checkOutputs(outputs: Record<string, string | undefined>): void {
  const seen = new Map<string, string>();
  for (const [flag, target] of Object.entries(outputs)) {
    if (target === undefined) continue;
    if (target.trim() === '') throw new UsageError(`${flag} needs a file name, or - for standard output`);
    const id = identity(target);
    const other = seen.get(id);
    if (other) throw new UsageError(`${other} and ${flag} both write to ${target === '-' ? 'standard output' : target}; give them different files`);
    seen.set(id, flag);
  }
}

/** Whether any output goes to standard output (then the report that would go there goes to stderr). */
export function anyToStdout(outputs: Record<string, string | undefined>): boolean {
  return Object.values(outputs).some((target) => target !== undefined && isStdout(target));
}
