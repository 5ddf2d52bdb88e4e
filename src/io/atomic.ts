import { promises as fs, rmSync } from 'fs';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { DataError } from '../core/errors';

/** Temporary files being written now: removed if the process is interrupted. */
const pending = new Set<string>();

function removePendingAndExit(signal: NodeJS.Signals): void {
  for (const file of pending) rmSync(file, { force: true });
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

/**
 * Write a whole file or nothing: the text goes to a temporary file beside the
 * target, which is then renamed over it. On any failure the temporary file is
 * removed and an existing target is left untouched. While a write is under way,
 * Ctrl-C (SIGINT) or SIGTERM removes the temporary file before the process exits;
 * at any other time they end the process as usual (nothing half-written exists then).
 */
export async function writeFileAtomic(target: string, text: string): Promise<void> {
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  if (pending.size === 0) {
    process.on('SIGINT', removePendingAndExit);
    process.on('SIGTERM', removePendingAndExit);
  }
  pending.add(temp);
  try {
    await fs.writeFile(temp, text, { flag: 'wx' });
    await fs.rename(temp, target);
  } catch (err) {
    await fs.rm(temp, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such folder' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : code ?? (err as Error).message;
    throw new DataError(`${target}: cannot write (${why})`);
  } finally {
    pending.delete(temp);
    if (pending.size === 0) {
      process.off('SIGINT', removePendingAndExit);
      process.off('SIGTERM', removePendingAndExit);
    }
  }
}
