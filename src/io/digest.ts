import { createReadStream } from 'fs';
import { createHash } from 'crypto';
import { fileError } from './read';

/**
 * The sha256 of a file's bytes, `sha256:…`: what names a shard's content, so that the
 * shard an E-step reads is known to be one the start read, and each shard's statistics
 * are counted once.
 */
export async function fileDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  } catch (err) {
    throw fileError(path, err);
  }
  return `sha256:${hash.digest('hex')}`;
}
