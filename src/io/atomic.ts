import { promises as fs } from 'fs';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { DataError } from '../core/errors';

/**
 * Write a whole file or nothing: the text goes to a temporary file beside the
 * target, which is then renamed over it. On any failure the temporary file is
 * removed and an existing target is left untouched.
 */
export async function writeFileAtomic(target: string, text: string): Promise<void> {
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await fs.writeFile(temp, text, { flag: 'wx' });
    await fs.rename(temp, target);
  } catch (err) {
    await fs.rm(temp, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such folder' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : code ?? (err as Error).message;
    throw new DataError(`${target}: cannot write (${why})`);
  }
}
