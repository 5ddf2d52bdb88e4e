import { createHash } from 'crypto';
import { DataError } from '../core/errors';

/**
 * The statistics file `gmm-fit-stats/1`: what `gmm-fit estep` writes for one shard and
 * `gmm-fit mstep` adds up. Binary, with a JSON header:
 *
 *   bytes 0–15    the text `gmm-fit-stats/1` and a line feed
 *   bytes 16–19   H, the header's length in bytes (unsigned 32-bit, little-endian)
 *   next H bytes  the header, UTF-8 JSON, padded with spaces so that the numbers start at a multiple of 8
 *   the rest      `count` numbers, IEEE 754 doubles, little-endian: the family's E-step sums, laid
 *                 out as the header's `fields` say (name and length of each block, end to end)
 *
 * Binary because the sums are K × items × 2 or 3 numbers (5 MB a shard for K=12 on the
 * Netflix Prize's 17,770 items): doubles written as they are round-trip exactly at 8 bytes
 * each, where JSON would take about 20 characters each and a parse. The header's `sha256` is
 * the numbers' digest, so a file cut short or damaged in a copy is refused, not added up.
 */
export const STATS_FORMAT = 'gmm-fit-stats/1';

const MAGIC = Buffer.from(`${STATS_FORMAT}\n`, 'latin1');
const PREFIX = MAGIC.length + 4;
/** A header is a few kilobytes; anything near this is not one. */
const MAX_HEADER = 1 << 24;

/** The header: what the numbers are, and under which model, of which shard, read how. */
export interface StatsHeader {
  readonly format: typeof STATS_FORMAT;
  /** The model the E-step ran under: its file's digest and iteration, and its shape. */
  readonly model: {
    readonly digest: string;
    readonly iteration: number;
    /** Map/reduce passes done (with --center bias the baseline's count too); absent: the iterations. */
    readonly pass?: number;
    readonly family: string;
    readonly k: number;
    readonly d: number;
    /** What the rows are: a table's rows, or the users of rating triplets. */
    readonly input: 'table' | 'ratings';
    /** The digest of the model's column names (a table's header, or the item ids). */
    readonly columns: string;
  };
  /** Which of the start's shards this is (0-based), and what it held. */
  readonly shard: { readonly index: number; readonly name: string; readonly digest: string; readonly rows: number; readonly cells: number };
  /** The reading options the shard was read with (the start's). */
  readonly read: Record<string, unknown>;
  /** The shard's log-likelihood under the model (also the `ll` field of the numbers); null in the passes before the mixture's start. */
  readonly logLikelihood: number | null;
  readonly fields: ReadonlyArray<readonly [string, number]>;
  readonly count: number;
  readonly encoding: 'float64-le';
  /** sha256 of the numbers' bytes, hex. */
  readonly sha256: string;
}

const littleEndian = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

function numbersToBytes(values: Float64Array): Buffer {
  const bytes = Buffer.alloc(values.length * 8);
  if (littleEndian) Buffer.from(values.buffer, values.byteOffset, values.byteLength).copy(bytes);
  else for (let t = 0; t < values.length; t++) bytes.writeDoubleLE(values[t], t * 8);
  return bytes;
}

function bytesToNumbers(bytes: Buffer): Float64Array {
  const values = new Float64Array(bytes.length / 8);
  if (littleEndian) Buffer.from(values.buffer).set(bytes);
  else for (let t = 0; t < values.length; t++) values[t] = bytes.readDoubleLE(t * 8);
  return values;
}

/** The digest `sha256:…` of some bytes or text. */
export function digestOf(content: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

/** A statistics file: the header (its count, encoding and sha256 filled in here) and the numbers. */
export function encodeStats(header: Omit<StatsHeader, 'format' | 'count' | 'encoding' | 'sha256'>, values: Float64Array): Buffer {
  const numbers = numbersToBytes(values);
  const full: StatsHeader = { format: STATS_FORMAT, ...header, count: values.length, encoding: 'float64-le', sha256: createHash('sha256').update(numbers).digest('hex') };
  let json = Buffer.from(JSON.stringify(full), 'utf8');
  const padding = (8 - ((PREFIX + json.length) % 8)) % 8;
  if (padding > 0) json = Buffer.concat([json, Buffer.alloc(padding, 0x20)]);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length, 0);
  return Buffer.concat([MAGIC, length, json, numbers]);
}

/** A statistics file read back and checked: its format, its header, its length and its numbers' digest. */
export function decodeStats(bytes: Buffer, source: string): { header: StatsHeader; values: Float64Array } {
  const fail = (why: string): never => {
    throw new DataError(`${source}: ${why}`);
  };
  if (bytes.length < PREFIX || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    const text = bytes.subarray(0, 64).toString('latin1');
    if (text.startsWith('gmm-fit-stats/')) fail(`its format is ${JSON.stringify(text.split('\n')[0])}; this gmm-fit reads ${STATS_FORMAT}`);
    fail(`not a statistics file (${STATS_FORMAT}, written by gmm-fit estep)`);
  }
  const length = bytes.readUInt32LE(MAGIC.length);
  if (length > MAX_HEADER || PREFIX + length > bytes.length) fail('the statistics file is cut short (its header is incomplete)');
  let header: StatsHeader;
  try {
    header = JSON.parse(bytes.subarray(PREFIX, PREFIX + length).toString('utf8')) as StatsHeader;
  } catch {
    return fail('the statistics file is damaged (its header is not JSON)');
  }
  if (typeof header !== 'object' || header === null || header.format !== STATS_FORMAT) fail('the statistics file is damaged (its header has no format)');
  const count = header.count;
  if (!Number.isSafeInteger(count) || count < 0 || header.encoding !== 'float64-le') fail('the statistics file is damaged (its header has no count of float64-le numbers)');
  const expected = PREFIX + length + count * 8;
  if (bytes.length < expected) fail(`the statistics file is cut short: ${bytes.length} bytes of the ${expected} its header announces`);
  if (bytes.length > expected) fail(`the statistics file has ${bytes.length - expected} bytes more than its header announces`);
  const numbers = bytes.subarray(PREFIX + length);
  if (createHash('sha256').update(numbers).digest('hex') !== header.sha256) fail('the statistics file is damaged: its numbers do not match their sha256');
  const fields = header.fields;
  if (!Array.isArray(fields) || fields.some((f) => !Array.isArray(f) || typeof f[0] !== 'string' || !Number.isSafeInteger(f[1])) || fields.reduce((a, f) => a + f[1], 0) !== count) {
    fail('the statistics file is damaged: its fields do not add up to its count');
  }
  return { header, values: bytesToNumbers(numbers) };
}
