import { constants, promises as fs, rmSync, statSync, type Stats } from 'fs';
import * as net from 'net';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { DataError } from '../core/errors';

/** What a writer takes: one text, or the text in pieces (written as they come, never joined). */
export type Chunks = string | Iterable<string> | AsyncIterable<string>;

/** What writeFileAtomic takes: text, or bytes (a binary file: gmm-fit estep's statistics). */
export type Content = Chunks | Uint8Array;

/**
 * Where the temporary files of the writes under way are recorded, so that whoever
 * owns the process can remove them when it is interrupted (the CLI does, on SIGINT,
 * SIGTERM and SIGHUP). `add` is called before a temporary file is created and
 * `delete` once it is renamed or removed.
 */
export interface TempFiles {
  add(file: string): void;
  delete(file: string): void;
}

/** The temporary files of the writes under way in this process; see TempFiles. */
export const pendingTempFiles = new Set<string>();

/** Removes every pending temporary file (synchronously: it runs from signal handlers). */
export function removePendingTempFiles(files: Iterable<string> = pendingTempFiles): void {
  for (const file of files) {
    try {
      rmSync(file, { force: true });
    } catch {
      // A temporary file that cannot be removed is left; nothing else can be done on the way out.
    }
  }
}

/** Writes are gathered into pieces of about this many characters. */
const WRITE_BLOCK = 1 << 20;
/** Symbolic links followed at most (as the kernel's ELOOP limit). */
const MAX_LINKS = 40;

const REASONS: Record<string, string> = {
  ENOENT: 'no such folder',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'name too long',
  ENXIO: 'no reader at the other end',
  ECONNREFUSED: 'connection refused',
  EPIPE: 'the reader closed it',
};

function writeError(target: string, err: unknown): DataError {
  if (err instanceof DataError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ENOTDIR' ? `${notAFolder(target)} is not a folder` : (code && REASONS[code]) ?? code ?? (err as Error).message;
  return new DataError(`${target}: cannot write (${why})`);
}

/** The first ancestor of `target` that is not a folder (for ENOTDIR), as the user wrote it. */
function notAFolder(target: string): string {
  let dir = path.dirname(target);
  for (let parent = path.dirname(dir); parent !== dir; dir = parent, parent = path.dirname(dir)) {
    try {
      if (statSync(parent).isDirectory()) return dir;
    } catch {
      // keep going up
    }
  }
  return path.dirname(target);
}

async function lstatOrNull(file: string): Promise<Stats | null> {
  try {
    return await fs.lstat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** The device folders, whose entries are written in place, never replaced. */
const DEVICE_TREES = ['/dev/', '/proc/'];
const inDeviceTree = (file: string) => DEVICE_TREES.some((tree) => path.resolve(file).startsWith(tree));

/** Where a write to `target` ends up: the file at the end of its symbolic links, and what is there now. */
interface Destination {
  /** The path to write (a link's target, resolved); equal to the target when it is not a link. */
  readonly file: string;
  readonly stats: Stats | null;
  /** The path or one of its links lies under /dev or /proc. */
  readonly device: boolean;
}

async function destination(target: string): Promise<Destination> {
  let file = target;
  let device = inDeviceTree(file);
  for (let hop = 0; ; hop++) {
    const stats = await lstatOrNull(file);
    if (!stats || !stats.isSymbolicLink()) return { file, stats, device };
    if (hop === MAX_LINKS) throw Object.assign(new Error('too many links'), { code: 'ELOOP' });
    const link = await fs.readlink(file);
    file = path.resolve(path.dirname(file), link);
    device ||= inDeviceTree(file);
  }
}

async function* pieces(chunks: Content): AsyncGenerator<string | Uint8Array> {
  if (chunks instanceof Uint8Array) {
    for (let at = 0; at < chunks.length; at += WRITE_BLOCK) yield chunks.subarray(at, at + WRITE_BLOCK);
    return;
  }
  if (typeof chunks === 'string') {
    for (let at = 0; at < chunks.length; at += WRITE_BLOCK) yield chunks.slice(at, at + WRITE_BLOCK);
    return;
  }
  let pending = '';
  for await (const chunk of chunks as AsyncIterable<string>) {
    pending += chunk;
    if (pending.length >= WRITE_BLOCK) {
      yield pending;
      pending = '';
    }
  }
  if (pending) yield pending;
}

async function writeHandle(handle: fs.FileHandle, chunks: Content): Promise<void> {
  for await (const piece of pieces(chunks)) await (typeof piece === 'string' ? handle.write(piece) : handle.write(piece));
}

/** A unix socket is written through a connection. */
async function writeSocket(file: string, chunks: Content): Promise<void> {
  const socket = net.createConnection({ path: file });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  try {
    for await (const piece of pieces(chunks)) {
      if (!socket.write(piece)) await new Promise<void>((resolve, reject) => {
        socket.once('drain', resolve);
        socket.once('error', reject);
      });
    }
  } finally {
    await new Promise<void>((resolve) => socket.end(resolve));
  }
}

/**
 * Write a file whole or not at all, without harming what is there:
 *  - a new file or an existing regular file is written to a temporary file beside
 *    it, which is then renamed over it; an existing file keeps its mode (and, for
 *    root, its owner); a file the user may not write is an error, as with cp;
 *  - a symbolic link to a regular file replaces the file it points to and keeps the link;
 *  - anything else that exists (a character or block device, a FIFO, a socket, a link
 *    to one of these) and any path under /dev or /proc is written in place, never replaced.
 * On any failure the temporary file is removed and the target is left as it was. The
 * temporary file is recorded in `temps` while it exists, for the process's owner to
 * remove if the process is interrupted.
 */
export async function writeFileAtomic(target: string, chunks: Content, temps: TempFiles = pendingTempFiles): Promise<void> {
  let found: Destination;
  try {
    found = await destination(target);
  } catch (err) {
    throw writeError(target, err);
  }
  const { file, stats } = found;
  if (stats?.isDirectory()) throw new DataError(`${target}: cannot write (is a directory)`);
  try {
    if (stats?.isSocket()) return await writeSocket(file, chunks);
    if ((stats && !stats.isFile()) || found.device) {
      const handle = await fs.open(file, 'w');
      try {
        await writeHandle(handle, chunks);
      } finally {
        await handle.close();
      }
      return;
    }
    if (stats) await fs.access(file, constants.W_OK);
  } catch (err) {
    throw writeError(target, err);
  }
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${randomBytes(6).toString('hex')}`);
  temps.add(temp);
  try {
    const handle = await fs.open(temp, 'wx', stats ? stats.mode & 0o7777 : 0o666);
    try {
      await writeHandle(handle, chunks);
      if (stats) {
        await handle.chmod(stats.mode & 0o7777); // the mode given to open is masked by the umask
        const made = await handle.stat();
        // Only root may give a file away; for anyone else the new file stays theirs, as with cp.
        if (made.uid !== stats.uid || made.gid !== stats.gid) await handle.chown(stats.uid, stats.gid).catch(() => {});
      }
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (err) {
    removePendingTempFiles([temp]);
    throw writeError(target, err);
  } finally {
    temps.delete(temp);
  }
}
