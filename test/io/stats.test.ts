import { decodeStats, digestOf, encodeStats, STATS_FORMAT } from '../../src/io/stats';
import { DataError } from '../../src/core/errors';

const header = {
  model: { digest: digestOf('model'), iteration: 3, family: 'spherical', k: 2, d: 2, input: 'table' as const, columns: digestOf('null') },
  shard: { index: 1, name: 'b.txt', digest: digestOf('b'), rows: 10, cells: 18 },
  read: { missing: ['0'] },
  logLikelihood: -12.5,
  fields: [
    ['ll', 1],
    ['nHat', 2],
    ['sumX', 4],
  ] as Array<[string, number]>,
};
// Numbers a text format would have to work to keep: the LL, -0, a denormal, the largest double, a third.
const values = Float64Array.from([-12.5, -0, 5e-324, Number.MAX_VALUE, 1 / 3, 2 / 3, -1e-300]);

test('a statistics file round-trips its header and every number bit for bit, the numbers aligned to 8 bytes', () => {
  const bytes = encodeStats(header, values);
  expect(bytes.subarray(0, 16).toString('latin1')).toBe(`${STATS_FORMAT}\n`);
  const length = bytes.readUInt32LE(16);
  expect((20 + length) % 8).toBe(0);
  expect(bytes.length).toBe(20 + length + 8 * values.length);
  const back = decodeStats(bytes, 'x.stats');
  expect(back.header).toMatchObject({ ...header, format: STATS_FORMAT, count: 7, encoding: 'float64-le' });
  expect(Buffer.from(back.values.buffer).equals(Buffer.from(values.buffer))).toBe(true);
  expect(Object.is(back.values[1], -0)).toBe(true);
  // The numbers are little-endian doubles: the first is -12.5.
  expect(bytes.readDoubleLE(20 + length)).toBe(-12.5);
});

test.each([
  ['another format', (b: Buffer) => Buffer.concat([Buffer.from('gmm-fit-stats/2\n'), b.subarray(16)]), /x\.stats: its format is "gmm-fit-stats\/2"; this gmm-fit reads gmm-fit-stats\/1/],
  ['not a statistics file', () => Buffer.from('1 2 3\n'), /x\.stats: not a statistics file/],
  ['a header cut short', (b: Buffer) => b.subarray(0, 40), /cut short \(its header is incomplete\)/],
  ['numbers cut short', (b: Buffer) => b.subarray(0, b.length - 1), /cut short: \d+ bytes of the \d+ its header announces/],
  ['bytes beyond the numbers', (b: Buffer) => Buffer.concat([b, Buffer.alloc(8)]), /has 8 bytes more than its header announces/],
  ['a number changed', (b: Buffer) => {
    const c = Buffer.from(b);
    c[c.length - 1] ^= 1;
    return c;
  }, /its numbers do not match their sha256/],
])('%s is refused with one DataError naming the file', (_what, damage, message) => {
  const bytes = damage(encodeStats(header, values));
  expect(() => decodeStats(bytes, 'x.stats')).toThrow(DataError);
  expect(() => decodeStats(bytes, 'x.stats')).toThrow(message);
});
