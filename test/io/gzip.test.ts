/**
 * Gzip input: recognised by its magic bytes whatever the name, from a file or
 * from stdin, decompressed as a stream; corrupt or truncated data is a clear
 * DataError naming the file.
 */
import * as path from 'path';
import { Readable } from 'stream';
import { gzipSync } from 'zlib';
import fc from 'fast-check';
import { DataError } from '../../src/core/errors';
import { readTable } from '../../src/io/read';
import { parseStream } from '../../src/io/stream';
import { parseTable, type Table } from '../../src/io/table';
import { stdinFrom, useTempDir, writeFile } from '../helpers/cli';

async function dataError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return (err as Error).message;
  }
  throw new Error('expected a DataError, but the promise resolved');
}

function shape(t: Table) {
  return { delimiter: t.delimiter, columns: t.columns, rows: t.matrix.rows, cols: t.matrix.cols, data: Array.from(t.matrix.data) };
}

/** Bytes as a stream of pieces cut at the given offsets. */
function piecesOf(bytes: Buffer, cuts: number[]): Readable {
  const pieces: Buffer[] = [];
  let from = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    if (cut <= from || cut >= bytes.length) continue;
    pieces.push(bytes.subarray(from, cut));
    from = cut;
  }
  pieces.push(bytes.subarray(from));
  return Readable.from(pieces);
}

const TEXT = 'x,y\n1,2.5\n3,-4\n';

describe('gzip input', () => {
  const tmp = useTempDir();

  test('a gzip file is read whatever it is called; the same table as the plain text', async () => {
    const plain = parseTable(TEXT, 'data');
    for (const name of ['data.gz', 'data', 'data.txt']) {
      const file = writeFile(tmp(), name, gzipSync(TEXT));
      expect(shape(await readTable(file, {}, stdinFrom()))).toEqual(shape(plain));
    }
  });

  test('the delimiter from the extension looks through .gz', async () => {
    const csv = writeFile(tmp(), 'x.csv.gz', gzipSync('5\n6\n'));
    expect((await readTable(csv, {}, stdinFrom())).delimiter).toBe(',');
    const tsv = writeFile(tmp(), 'x.TSV.gz', gzipSync('a b\t3\n4\t6\n'));
    expect(shape(await readTable(tsv, {}, stdinFrom()))).toMatchObject({ delimiter: '\t', columns: ['a b', '3'] });
    const semicolon = writeFile(tmp(), 'x.csv.gz', gzipSync('a;b\n1;2\n'));
    expect((await readTable(semicolon, {}, stdinFrom())).delimiter).toBe(';');
  });

  test('gzip on stdin, the magic bytes split across pieces', async () => {
    const bytes = gzipSync(TEXT);
    for (const cuts of [[1], [1, 2], [2, 3, 10], [5]]) {
      expect(shape(await readTable('-', {}, piecesOf(bytes, cuts)))).toEqual(shape(parseTable(TEXT, '<stdin>')));
    }
  });

  test('concatenated members are one text (gzip -c a b)', async () => {
    const bytes = Buffer.concat([gzipSync('1 2\n3 4\n'), gzipSync('5 6\n'), gzipSync('')]);
    const file = writeFile(tmp(), 'cat.gz', bytes);
    expect(shape(await readTable(file, {}, stdinFrom()))).toMatchObject({ rows: 3, data: [1, 2, 3, 4, 5, 6] });
  });

  test('a line cut between members is whole', async () => {
    const bytes = Buffer.concat([gzipSync('1 2\n3 '), gzipSync('4\n')]);
    expect(shape(await parseStream(piecesOf(bytes, [7]), 's'))).toMatchObject({ rows: 2, data: [1, 2, 3, 4] });
  });

  test('a big gzip file goes through in pieces, with line numbers exact', async () => {
    const lines: string[] = [];
    for (let r = 0; r < 60_000; r++) lines.push(`${r} ${r / 4} ${-r}`);
    lines.push('1 2 x');
    const file = writeFile(tmp(), 'big.txt.gz', gzipSync(lines.join('\n') + '\n'));
    expect(await dataError(readTable(file, {}, stdinFrom()))).toBe(`${file}:60001:3: "x" is not a number`);
    const ok = writeFile(tmp(), 'ok.gz', gzipSync(lines.slice(0, -1).join('\n') + '\n'));
    const t = await readTable(ok, {}, stdinFrom());
    expect([t.matrix.rows, t.matrix.cols, t.matrix.data[3 * 59_999 + 1]]).toEqual([60_000, 3, 59_999 / 4]);
  });

  test('truncated gzip data: corrupt gzip data, naming the file', async () => {
    const bytes = gzipSync(TEXT);
    const file = writeFile(tmp(), 'cut.csv.gz', bytes.subarray(0, bytes.length - 4));
    expect(await dataError(readTable(file, {}, stdinFrom()))).toBe(`${file}: corrupt gzip data (unexpected end of file)`);
    expect(await dataError(readTable('-', {}, stdinFrom(bytes.subarray(0, 2))))).toBe('<stdin>: corrupt gzip data (unexpected end of file)');
  });

  test('trailing garbage after a member is corrupt gzip data too', async () => {
    const file = writeFile(tmp(), 'tail.gz', Buffer.concat([gzipSync(TEXT), Buffer.from('garbage')]));
    expect(await dataError(readTable(file, {}, stdinFrom()))).toMatch(new RegExp(`^${escapeRegExp(file)}: corrupt gzip data \\(`));
  });

  test('any changed byte past the magic: the same table, or corrupt gzip data, never "binary" or "not UTF-8"', async () => {
    const text = Array.from({ length: 40 }, (_, r) => `${r},${r * 0.5},${-r}`).join('\n') + '\n';
    const bytes = gzipSync(text);
    const expected = shape(parseTable(text, 'c.gz'));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const copy = Buffer.from(bytes);
        copy[at] ^= xor;
        try {
          expect(shape(await parseStream(piecesOf(copy, [at]), 'c.gz'))).toEqual(expected);
        } catch (err) {
          expect(err).toBeInstanceOf(DataError);
          expect((err as Error).message).toMatch(/^c\.gz: corrupt gzip data \(/);
        }
      }),
      { seed: 9101, numRuns: 300 },
    );
  });

  test('a gzip of a binary file is binary; of Latin-1 text, not UTF-8', async () => {
    expect(await dataError(parseStream(piecesOf(gzipSync(Buffer.from([0x31, 0x20, 0x00, 0x0a])), []), 'b.gz'))).toBe(
      'b.gz: looks like a binary file (it has NUL bytes), not a table of numbers',
    );
    expect(await dataError(parseStream(piecesOf(gzipSync(Buffer.from([0x31, 0x20, 0xe9, 0x0a])), []), 'l.gz'))).toBe('l.gz: is not UTF-8 text');
  });

  test('an empty gzip stream is an empty file', async () => {
    const file = writeFile(tmp(), path.join('e.gz'), gzipSync(''));
    expect(await dataError(readTable(file, {}, stdinFrom()))).toBe(`${file}: the file is empty (no rows of numbers)`);
  });

  test('one byte 1f alone is not gzip', async () => {
    expect(await dataError(parseStream(piecesOf(Buffer.from([0x1f]), []), 'one'))).toBe('one: there is a header but no rows of numbers');
    expect(shape(await parseStream(piecesOf(Buffer.from([0x1f, 0x0a, 0x31, 0x0a]), [1]), 'two'))).toMatchObject({ columns: ['\u001f'], data: [1] });
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
