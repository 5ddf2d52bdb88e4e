import * as fs from 'fs';
import * as path from 'path';
import { gzipSync } from 'zlib';
import fc from 'fast-check';
import { DataError, UsageError } from '../../src/core/errors';
import {
  idMap,
  isTriplets,
  parseRatings,
  parseRatingsStream,
  readRatings,
  type Ratings,
  type RatingsReadOptions,
  type RatingTriplets,
} from '../../src/io/ratings';
import { repoPath, stdinFrom, useTempDir, writeFile } from '../helpers/cli';

const fixture = (name: string) => repoPath('test', 'fixtures', 'ratings', name);
const noStdin = () => stdinFrom('');

/** Each user's ratings by original ids, in row order: `user: item=rating item=rating`. */
function rows(r: Ratings): string[] {
  const out: string[] = [];
  for (let u = 0; u < r.users; u++) {
    const cells: string[] = [];
    for (let p = r.rowStart[u]; p < r.rowStart[u + 1]; p++) cells.push(`${r.itemIds[r.itemIndex[p]]}=${r.rating[p]}`);
    out.push(`${r.userIds[u]}: ${cells.join(' ')}`);
  }
  return out;
}

/** The CSR's invariants: row starts ascending from 0 to nnz, items ascending within a row, indices in range. */
function checkShape(r: Ratings): void {
  expect([r.rowStart.length, r.itemIndex.length, r.rating.length, r.userIds.length, r.itemIds.length]).toEqual([r.users + 1, r.nnz, r.nnz, r.users, r.items]);
  expect([r.rowStart[0], r.rowStart[r.users]]).toEqual([0, r.nnz]);
  const bad: string[] = [];
  for (let u = 0; u < r.users; u++) {
    if (!(r.rowStart[u + 1] > r.rowStart[u])) bad.push(`user ${u} has no rating`);
    for (let p = r.rowStart[u] + 1; p < r.rowStart[u + 1]; p++) if (!(r.itemIndex[p] > r.itemIndex[p - 1])) bad.push(`row ${u} not ascending at ${p}`);
  }
  for (let p = 0; p < r.nnz; p++) if (!(r.itemIndex[p] >= 0 && r.itemIndex[p] < r.items)) bad.push(`item index ${r.itemIndex[p]} at ${p}`);
  expect(bad.slice(0, 5)).toEqual([]);
}

/** The message of a DataError thrown by `run`. */
async function dataError(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return (err as Error).message;
  }
  throw new Error('expected a DataError');
}

function usageError(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
}

/** The text's UTF-8 bytes cut at the given offsets, as a stream of chunks. */
async function* chunked(bytes: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let from = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    if (cut <= from || cut >= bytes.length) continue;
    yield bytes.subarray(from, cut);
    from = cut;
  }
  yield bytes.subarray(from);
}

/** A result or an error, comparable with toEqual (typed arrays as plain arrays). */
async function outcome(run: () => Promise<unknown> | unknown): Promise<unknown> {
  try {
    return plain(await run());
  } catch (err) {
    return { error: (err as Error).message, type: (err as Error).name };
  }
}

function plain(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return { [value.constructor.name]: Array.from(value as unknown as ArrayLike<number>) };
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

describe('the formats of real rating data', () => {
  test('MovieLens ratings.csv: a header, a timestamp (never read), users and items by first appearance', async () => {
    const r = await readRatings(fixture('ratings.csv'), {}, noStdin());
    checkShape(r);
    expect(r.columns).toEqual(['userId', 'movieId', 'rating', 'timestamp']);
    expect(r.delimiter).toBe(',');
    expect([r.users, r.items, r.nnz]).toEqual([3, 6, 8]);
    expect(r.userIds).toEqual(['1', '2', '3']);
    expect(r.itemIds).toEqual(['31', '1029', '1061', '10', '17', '1129']);
    expect(rows(r)).toEqual(['1: 31=2.5 1029=3 1061=3 1129=2', '2: 31=1 10=4 17=5', '3: 31=3.5']);
    expect(r.range).toEqual({ min: 1, max: 5 });
    expect(r.rating).toBeInstanceOf(Float32Array); // halves are exact in float32
    expect(r.rowStart).toBeInstanceOf(Int32Array);
  });

  test('MovieLens u.data: tab-separated, no header', async () => {
    const r = await readRatings(fixture('u.data'), {}, noStdin());
    checkShape(r);
    expect(r.delimiter).toBe('\t');
    expect(r.columns).toBeNull();
    expect(r.userIds).toEqual(['196', '186', '22', '244', '166', '298', '115', '253', '305', '6']);
    expect(rows(r)[0]).toBe('196: 242=3 51=5');
    expect(r.nnz).toBe(11);
  });

  test('MovieLens ratings.dat: "::"', async () => {
    const r = await readRatings(fixture('ratings.dat'), {}, noStdin());
    checkShape(r);
    expect(r.delimiter).toBe('::');
    expect(rows(r)).toEqual(['1: 1193=5 661=3 914=3 3408=4', '2: 1357=5 3068=4', '3: 1193=2']);
  });

  test('whitespace, semicolons and a given delimiter', () => {
    expect(rows(parseRatings('1 10 4\n  2   20 5  \n', 'r.txt'))).toEqual(['1: 10=4', '2: 20=5']);
    const semi = parseRatings('user;item;rating\n1;10;3,5\n', 'r.csv', { decimalComma: true });
    expect(semi.delimiter).toBe(';');
    expect(rows(semi)).toEqual(['1: 10=3.5']);
    expect(rows(parseRatings('1|10|4\n', 'r.txt', { delimiter: '|' }))).toEqual(['1: 10=4']);
  });

  describe('gzip, by its magic bytes, from a file, stdin or chunks', () => {
    const tmp = useTempDir();
    test('the same ratings as the plain file', async () => {
      const text = fs.readFileSync(fixture('ratings.csv'));
      const plainRead = await readRatings(fixture('ratings.csv'), {}, noStdin());
      const gz = writeFile(tmp(), 'ratings.csv.gz', gzipSync(text));
      expect(plain(await readRatings(gz, {}, noStdin()))).toEqual(plain(plainRead));
      expect(plain(await readRatings(writeFile(tmp(), 'no-extension', gzipSync(text)), {}, noStdin()))).toEqual(plain(plainRead));
      expect(plain(await readRatings('-', {}, stdinFrom(gzipSync(text))))).toEqual(plain(plainRead));
      const dat = gzipSync(fs.readFileSync(fixture('ratings.dat')));
      const viaChunks = await parseRatingsStream(chunked(dat, [1, 7, 30]), 'ratings.dat.gz', {});
      expect(viaChunks.delimiter).toBe('::');
      expect(viaChunks.nnz).toBe(7);
    });

    test('corrupt gzip data names the file', async () => {
      const gz = gzipSync(Buffer.from('1,2,3\n'.repeat(1000)));
      const bad = writeFile(tmp(), 'r.csv.gz', gz.subarray(0, gz.length - 9));
      expect(await dataError(() => readRatings(bad, {}, noStdin()))).toMatch(/r\.csv\.gz: corrupt gzip data/);
    });
  });

  test('CRLF, a BOM, blank lines and # comments; the lines still counted', async () => {
    const text = '\ufeff# from the export\r\nu,i,r\r\n\r\n1,10,4\r\n# a note\r\n   \r\n2,10,x\r\n';
    expect(await dataError(() => parseRatings(text, 'r.csv'))).toBe('r.csv:7:3: "x" is not a number');
    const r = parseRatings(text.replace(',x', ',5'), 'r.csv');
    expect(rows(r)).toEqual(['1: 10=4', '2: 10=5']);
    expect(r.columns).toEqual(['u', 'i', 'r']);
  });

  test('CSV quoting: quoted ids with the delimiter, quotes and line breaks inside', () => {
    const r = parseRatings('user,item,rating\n"a,b","x ""y""",4\n"multi\nline",z,"3"\n', 'q.csv');
    expect(r.userIds).toEqual(['a,b', 'multi\nline']);
    expect(r.itemIds).toEqual(['x "y"', 'z']);
    expect(rows(r)).toEqual(['a,b: x "y"=4', 'multi\nline: z=3']);
  });
});

describe('columns', () => {
  const text = 'timestamp,score,movie,who\n99,4,m1,u1\n98,2,m2,u2\n';

  test('by name (which makes the first row a header) and by position', () => {
    const named = parseRatings(text, 'r.csv', { user: { name: 'who' }, item: { name: 'movie' }, rating: { name: 'score' } });
    const indexed = parseRatings(text, 'r.csv', { user: { index: 4 }, item: { index: 3 }, rating: { index: 2 } });
    expect(rows(named)).toEqual(['u1: m1=4', 'u2: m2=2']);
    expect(plain(indexed)).toEqual(plain(named));
  });

  test('a name not in the header, twice in it, or without a header', () => {
    expect(() => parseRatings(text, 'r.csv', { user: { name: 'whoo' }, item: { index: 3 }, rating: { index: 2 } })).toThrow(
      'r.csv: no column named "whoo" (did you mean "who"?); the columns are timestamp, score, movie, who',
    );
    expect(() => parseRatings('a,a,r\n1,2,3\n', 'r.csv', { user: { name: 'a' } })).toThrow(/2 columns are named "a" \(1, 2\)/);
    expect(usageError(() => parseRatings(text, 'r.csv', { header: false, user: { name: 'who' } }))).toMatch(/needs a header row/);
  });

  test('a position past the last column, one column for two roles, a bad choice', () => {
    expect(() => parseRatings('1,2\n', 'r.csv')).toThrow('r.csv: there is no column 3: line 1 has 2 columns');
    expect(usageError(() => parseRatings(text, 'r.csv', { user: { index: 2 }, item: { index: 2 } }))).toMatch(/user and item columns are the same/);
    expect(() => parseRatings('u,r\n1,2\n', 'r.csv', { item: { name: 'u' }, rating: { index: 2 } })).toThrow(/column 1 \(u\) is both the user and the item column/);
    expect(usageError(() => parseRatings(text, 'r.csv', { rating: { index: 0 } }))).toMatch(/rating column is/);
    expect(usageError(() => parseRatings(text, 'r.csv', { duplicates: 'first' as never }))).toMatch(/duplicates is/);
  });

  test('the header: detected from the rating cell, or said', () => {
    // "u1" and "m1" are ids, not names that make a header: only the rating cell decides.
    expect(parseRatings('u1,m1,4\n', 'r.csv').columns).toBeNull();
    expect(parseRatings('u1,m1,stars\nu1,m1,4\n', 'r.csv').columns).toEqual(['u1', 'm1', 'stars']);
    expect(parseRatings('a,b,5\n1,2,3\n', 'r.csv', { header: true }).nnz).toBe(1);
    expect(() => parseRatings('user,item,rating\n', 'r.csv', { header: false })).toThrow('r.csv:1:3: "rating" is not a number');
  });

  test('other columns are never read, whatever they hold', () => {
    const r = parseRatings('1,10,4,not a number,"quoted, too"\n2,10,5,,\n', 'r.csv');
    expect(rows(r)).toEqual(['1: 10=4', '2: 10=5']);
  });

  test('a row of another width than the first is an error with both counts', () => {
    expect(() => parseRatings('1,10,4\n2,10,5,7\n', 'r.csv')).toThrow('r.csv:2: the row has 4 cells, but line 1 has 3');
    expect(() => parseRatings('1 10 4\n2 10\n', 'r.txt')).toThrow('r.txt:2: the row has 2 cells, but line 1 has 3');
  });
});

describe('ids', () => {
  test('in order of first appearance: a file written row by row from a dense matrix numbers its users as the rows', () => {
    // A 4 × 3 matrix with ids that do not sort as their rows do.
    const matrix = [
      [5, 3, 0],
      [0, 1, 4],
      [2, 0, 0],
      [1, 1, 1],
    ];
    const userNames = ['9', 'b', '10', '1'];
    const itemNames = ['z', '2', 'a'];
    let text = '';
    matrix.forEach((row, u) => row.forEach((v, i) => v !== 0 && (text += `${userNames[u]},${itemNames[i]},${v}\n`)));
    const r = parseRatings(text, 'm.csv');
    expect(r.userIds).toEqual(userNames);
    for (let u = 0; u < 4; u++) {
      const dense = [0, 0, 0];
      for (let p = r.rowStart[u]; p < r.rowStart[u + 1]; p++) dense[itemNames.indexOf(r.itemIds[r.itemIndex[p]])] = r.rating[p];
      expect(dense).toEqual(matrix[u]);
    }
  });

  test('string ids, and ids compared as text: 01 is not 1, nor 1.0, nor " 1" quoted', () => {
    const r = parseRatings('u1,A3F9C2E71B,4\n01,1,3\n1,01,2\n1,1,5\n"1",1.0,1\nu1,1,2\n', 'r.csv');
    expect(r.userIds).toEqual(['u1', '01', '1']);
    expect(r.itemIds).toEqual(['A3F9C2E71B', '1', '01', '1.0']);
    expect(rows(r)).toEqual(['u1: A3F9C2E71B=4 1=2', '01: 1=3', '1: 1=5 01=2 1.0=1']);
  });

  test('numeric ids of any size, mixed with text ids, each keep one index', () => {
    const ids = ['0', '7', '4294967296', '123456789', '1234567890', 'x', '999999999', '5000000', '0007'];
    let text = '';
    for (let rep = 0; rep < 3; rep++) ids.forEach((id, j) => (text += `${id},${(rep * 10 + j) % 4},${1 + (j % 5)}\n`));
    const r = parseRatings(text, 'r.csv', { duplicates: 'last' });
    expect(r.userIds).toEqual(ids);
    expect(r.itemIds).toEqual(['0', '1', '2', '3']);
  });

  test('an empty id is an error naming the cell', () => {
    expect(() => parseRatings('1,10,4\n,10,4\n', 'r.csv')).toThrow('r.csv:2:1: no user id');
    expect(() => parseRatings('1\t10\t4\n2\t\t4\n', 'r.tsv')).toThrow('r.tsv:2:2: no item id');
  });
});

describe('ratings', () => {
  test('a rating that is not a number: file, line, column and the cell', () => {
    expect(() => parseRatings('1,10,4\n2,10,4x\n', 'r.csv')).toThrow('r.csv:2:3: "4x" is not a number');
    expect(() => parseRatings('1::10::4::0\n2::10::five::0\n', 'ratings.dat')).toThrow('ratings.dat:2:3: "five" is not a number');
    expect(() => parseRatings('1;10;3,5\n', 'r.csv', { delimiter: ';' })).toThrow(/"3,5" is not a number \(a decimal comma\? use --decimal-comma\)/);
    expect(() => parseRatings('1,10,Infinity\n', 'r.csv', { header: false })).toThrow(/r\.csv:1:3: "Infinity" is infinite/);
  });

  test('a missing rating is an error ("no rating"), a missing marker too', () => {
    expect(() => parseRatings('1,10,4\n2,10,\n', 'r.csv')).toThrow('r.csv:2:3: no rating');
    expect(() => parseRatings('1,10,4\n2,10,NA\n', 'r.csv')).toThrow('r.csv:2:3: no rating ("NA" marks a missing cell)');
  });

  test('float32 while exact (integers, halves, quarters), float64 from the first rating that is not', () => {
    expect(parseRatings('1,1,4\n1,2,0.25\n2,1,-3.5\n', 'r.csv').rating).toBeInstanceOf(Float32Array);
    const r = parseRatings('1,1,4\n1,2,3.7\n2,1,1e-3\n', 'r.csv');
    expect(r.rating).toBeInstanceOf(Float64Array);
    expect(Array.from(r.rating)).toEqual([4, 3.7, 0.001]);
    expect(r.range).toEqual({ min: 0.001, max: 4 });
    expect(parseRatings('1,1,4\n', 'r.csv', {}, { float64: true }).rating).toBeInstanceOf(Float64Array);
  });
});

describe('duplicates', () => {
  const text = 'user,item,rating\n1,50,4\n2,50,3\n3,50,1\n# comment\n\n3,60,2\n1,51,5\n3,50,4\n2,50,2\n3,50,5\n';

  test('by default an error naming both lines of the first pair repeated (in the file)', () => {
    expect(() => parseRatings(text, 'ratings.csv')).toThrow(
      'ratings.csv:4 and :9 both rate user 3, item 50 (2 more ratings repeat a pair); give --duplicates mean or last',
    );
    expect(() => parseRatings('1,2,3\n1,2,3\n', 'r.csv')).toThrow('r.csv:1 and :2 both rate user 1, item 2; give --duplicates mean or last');
    expect(() => parseRatings('"u 1",2,3\n"u 1",2,3\n', 'r.csv')).toThrow('r.csv:1 and :2 both rate user "u 1", item 2;');
  });

  test('mean averages them, last keeps the later line', () => {
    expect(rows(parseRatings(text, 'r.csv', { duplicates: 'mean' }))).toEqual(['1: 50=4 51=5', '2: 50=2.5', '3: 50=3.3333333333333335 60=2']);
    const mean = parseRatings(text, 'r.csv', { duplicates: 'mean' });
    expect(mean.rating).toBeInstanceOf(Float64Array); // 10/3 is not a float32
    expect(mean.nnz).toBe(5);
    checkShape(mean);
    const last = parseRatings(text, 'r.csv', { duplicates: 'last' });
    expect(rows(last)).toEqual(['1: 50=4 51=5', '2: 50=2', '3: 50=5 60=2']);
    expect(last.rating).toBeInstanceOf(Float32Array);
    expect(rows(parseRatings('1,1,1\n1,1,2\n', 'r.csv', { duplicates: 'mean' }))).toEqual(['1: 1=1.5']);
    // The range is that of the ratings held.
    expect(parseRatings('1,1,1\n1,1,3\n2,1,2\n', 'r.csv', { duplicates: 'last' }).range).toEqual({ min: 2, max: 3 });
    expect(parseRatings('1,1,1\n1,1,5\n', 'r.csv', { duplicates: 'mean' }).range).toEqual({ min: 3, max: 3 });
  });
});

describe('empty input', () => {
  test('an empty file, or only blank lines and comments', () => {
    expect(() => parseRatings('', 'r.csv')).toThrow('r.csv: the file is empty (no ratings)');
    expect(() => parseRatings('\n# nothing\n  \n', 'r.csv')).toThrow('r.csv: the file is empty (no ratings)');
  });

  test('a header and no ratings', async () => {
    expect(() => parseRatings('userId,movieId,rating,timestamp\n', 'r.csv')).toThrow('r.csv: there is a header but no ratings');
    expect(await dataError(() => parseRatingsStream(chunked(Buffer.from('user item rating\n\n'), [3]), 'r.txt', {}))).toBe('r.txt: there is a header but no ratings');
  });
});

describe('a test set read against a training set: triplets in file order', () => {
  const train = parseRatings('user,item,rating\nu1,a,5\nu2,b,3\nu1,c,1\nu3,a,2\n', 'train.csv');
  const testSet = 'user,item,rating\nu2,a,4\nnew1,a,3\nu1,zz,2\nnew2,yy,1\nnew1,b,5\nu3,c,4\n';

  test('known ids get the training indices; unknown ones −1 − j (j their place in the list), counted and listed, never dropped', () => {
    const t = parseRatings(testSet, 'test.csv', { userIds: idMap(train.userIds), itemIds: idMap(train.itemIds) });
    expect(isTriplets(t)).toBe(true);
    expect(t.nnz).toBe(6);
    expect(Array.from(t.user)).toEqual([1, -1, 0, -2, -1, 2]);
    expect(Array.from(t.item)).toEqual([0, 0, -1, -2, 1, 2]);
    expect(Array.from(t.rating)).toEqual([4, 3, 2, 1, 5, 4]);
    expect(t.unknownUserIds).toEqual(['new1', 'new2']);
    expect(t.unknownItemIds).toEqual(['zz', 'yy']);
    expect([t.unknownUserRatings, t.unknownItemRatings]).toEqual([3, 2]);
    expect([t.userIds, t.itemIds]).toEqual([null, null]);
    expect(t.range).toEqual({ min: 1, max: 5 });
    expect(t.columns).toEqual(['user', 'item', 'rating']);
  });

  test('one side mapped: the other gets new indices by first appearance', () => {
    const t: RatingTriplets = parseRatings(testSet, 'test.csv', { itemIds: idMap(train.itemIds) });
    expect(t.userIds).toEqual(['u2', 'new1', 'u1', 'new2', 'u3']);
    expect(Array.from(t.user)).toEqual([0, 1, 2, 3, 1, 4]);
    expect(t.unknownUserIds).toEqual([]);
    expect(t.unknownUserRatings).toBe(0);
    expect(t.itemIds).toBeNull();
    expect(Array.from(t.item)).toEqual([0, 0, -1, -2, 1, 2]);
  });

  test('duplicates by id text, unknown ids too: an error with both lines, or merged where the pair first was', () => {
    const maps = { userIds: idMap(train.userIds), itemIds: idMap(train.itemIds) };
    const dup = 'new1,zz,1\nu1,a,2\nnew1,zz,4\nu1,a,5\nnew1,zz,4\n';
    expect(() => parseRatings(dup, 't.csv', maps)).toThrow('t.csv:1 and :3 both rate user new1, item zz (2 more ratings repeat a pair)');
    const mean = parseRatings(dup, 't.csv', { ...maps, duplicates: 'mean' });
    expect([Array.from(mean.user), Array.from(mean.item), Array.from(mean.rating)]).toEqual([
      [-1, 0],
      [-1, 0],
      [3, 3.5],
    ]);
    const last = parseRatings(dup, 't.csv', { ...maps, duplicates: 'last' });
    expect(Array.from(last.rating)).toEqual([4, 5]);
    expect([last.unknownUserRatings, last.nnz]).toEqual([1, 2]);
  });

  test('numeric ids through the map, large ones too; bad maps are usage errors', async () => {
    const trainNum = parseRatings('1,10,4\n2000000000,20,3\n7,10,2\n', 'train.csv');
    const t = await parseRatingsStream(chunked(Buffer.from('7,20,1\n2000000000,10,5\n8,10,3\n'), [4]), 'test.csv', {
      userIds: idMap(trainNum.userIds),
      itemIds: idMap(trainNum.itemIds),
    });
    expect(Array.from(t.user)).toEqual([2, 1, -1]);
    expect(Array.from(t.item)).toEqual([1, 0, 0]);
    expect(t.unknownUserIds).toEqual(['8']);
    expect(usageError(() => parseRatings('1,2,3\n', 't.csv', { userIds: new Map([['1', -1]]) }))).toMatch(/userIds: the indices must be whole numbers/);
  });
});

describe('streaming', () => {
  const TEXTS: Array<[string, string, RatingsReadOptions]> = [
    ['ratings.csv', fs.readFileSync(fixture('ratings.csv'), 'utf8'), {}],
    ['u.data', fs.readFileSync(fixture('u.data'), 'utf8'), {}],
    ['ratings.dat', fs.readFileSync(fixture('ratings.dat'), 'utf8'), {}],
    ['mixed.csv', '\ufeffuser,"item, b",rating\r\n"é,1",☕,4\r\n# note\r\n\r\nu2,"x\r\ny",3.5\r\n"é,1",x,2', {}],
    ['ws.txt', '  # c\n1 a 4\n\n2\u00a0b 5\n1 b 3\n', {}],
    ['dup.csv', '1::2::3\n2::2::3\n1::2::4\n', { duplicates: 'mean' }],
    ['bad.csv', 'u,i,r\n1,2,3\n3,4,zz\n', {}],
    ['quote.csv', 'u,i,r\n1,"2,3\n', {}],
    ['dupe.csv', '1,2,3\n2,2,3\n1,2,4\n', {}],
    ['empty.csv', '\n\n# only comments\n', {}],
    ['cr.txt', '1 2 3\r3 4 5\r', {}],
  ];

  test.each(TEXTS)('%s: the same result however the bytes are cut', async (name, text, options) => {
    const bytes = Buffer.from(text, 'utf8');
    const whole = await outcome(() => parseRatings(text, name, options));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: Math.max(1, bytes.length - 1) }), { maxLength: 12 }), async (cuts) => {
        expect(await outcome(() => parseRatingsStream(chunked(bytes, cuts), name, options))).toEqual(whole);
      }),
      { seed: 11, numRuns: 60 },
    );
  }, 30_000);

  test('every single-byte cut of the mixed sample', async () => {
    const [name, text, options] = TEXTS[3];
    const bytes = Buffer.from(text, 'utf8');
    const whole = await outcome(() => parseRatings(text, name, options));
    expect(whole).toHaveProperty('nnz', 3);
    for (let cut = 1; cut < bytes.length; cut++) expect(await outcome(() => parseRatingsStream(chunked(bytes, [cut]), name, options))).toEqual(whole);
  });

  test('a line longer than many pieces is held, not read again for each (linear)', async () => {
    const long = 'u'.repeat(2_000_000);
    const bytes = Buffer.from(`1,2,3\n${long},9,4\n${long},8,5`);
    const cuts = Array.from({ length: Math.floor(bytes.length / 1000) }, (_, k) => (k + 1) * 1000);
    const started = Date.now();
    const r = await parseRatingsStream(chunked(bytes, cuts), 'long.csv', {});
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.userIds).toEqual(['1', long]);
    expect(rows(r)[1]).toBe(`${long}: 9=4 8=5`);
  }, 30_000);

  test('binary and non-UTF-8 input are data errors', async () => {
    expect(await dataError(() => parseRatingsStream(chunked(Buffer.from('1,2,3\n\u0000'), []), 'b.csv', {}))).toMatch(/b\.csv: looks like a binary file/);
    expect(await dataError(() => parseRatingsStream(chunked(Buffer.from([0x31, 0x2c, 0xff, 0x2c, 0x33]), []), 'b.csv', {}))).toBe('b.csv: is not UTF-8 text');
  });
});

/** The reference: split lines, a Map per id, rows sorted by item index. */
function reference(lines: Array<[string, string, number]>): string[] {
  const users = new Map<string, number>();
  const items = new Map<string, number>();
  const byUser: Array<Map<number, number>> = [];
  for (const [u, i, r] of lines) {
    if (!users.has(u)) {
      users.set(u, users.size);
      byUser.push(new Map());
    }
    if (!items.has(i)) items.set(i, items.size);
    byUser[users.get(u) as number].set(items.get(i) as number, r); // 'last'
  }
  const itemIds = [...items.keys()];
  return [...users.keys()].map((u, k) => {
    const row = [...byUser[k]].sort((a, b) => a[0] - b[0]);
    return `${u}: ${row.map(([i, r]) => `${itemIds[i]}=${Math.fround(r) === r ? r : r}`).join(' ')}`;
  });
}

describe('against a reference reader', () => {
  test('random files: ids of every kind, any order, duplicates kept last', () => {
    const id = fc.oneof(
      fc.integer({ min: 0, max: 40 }).map(String),
      fc.integer({ min: 0, max: 3_000_000_000 }).map(String),
      fc.constantFrom('01', '007', 'u1', 'A3F', 'x-y', 'é', 'A3F9C2E71B8D4F0A17', 'user-with-a-long-name-☕'),
    );
    const line = fc.tuple(id, id, fc.integer({ min: 1, max: 10 }).map((h) => h / 2));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 200 }), fc.constantFrom(',', '\t', '::', ' '), (lines, sep) => {
        const text = lines.map(([u, i, r]) => [u, i, r, 'ts'].join(sep)).join('\n') + '\n';
        const r = parseRatings(text, 'r.txt', { duplicates: 'last', header: false });
        checkShape(r);
        expect(rows(r)).toEqual(reference(lines));
      }),
      { seed: 3, numRuns: 150 },
    );
  }, 30_000);
});

describe('sizes the sort must handle', () => {
  test('more than 65,536 items (a counting sort in two passes), many users, shuffled', () => {
    let seed = 99;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const lines: Array<[string, string, number]> = [];
    for (let k = 0; k < 90_000; k++) lines.push([String(next() % 700), `i${k % 80_000}`, 1 + (k % 5)]);
    const text = lines.map((l) => l.join(',')).join('\n');
    const r = parseRatings(text, 'wide.csv', { duplicates: 'last' });
    expect(r.items).toBe(80_000);
    checkShape(r);
    expect(rows(r)).toEqual(reference(lines));
  });

  test('a rating that float32 would round, after 100,000 that it holds: all blocks become float64', () => {
    const lines = Array.from({ length: 100_000 }, (_, k) => `${k % 1000},${Math.floor(k / 1000)},${1 + (k % 9) / 2}`);
    lines.push('5000,0,3.7');
    const r = parseRatings(lines.join('\n'), 'late.csv');
    expect(r.rating).toBeInstanceOf(Float64Array);
    expect(r.range).toEqual({ min: 1, max: 5 });
    const last = r.userIds.indexOf('5000');
    expect(r.rating[r.rowStart[last]]).toBe(3.7);
    expect(r.rating[r.rowStart[r.userIds.indexOf('3')]]).toBe(2.5);
  });

  test('--decimal-comma needs a delimiter other than comma', () => {
    expect(() => parseRatings('1,2,3\n', 'r.csv', { decimalComma: true, delimiter: ',' })).toThrow(/--decimal-comma needs a delimiter other than comma/);
  });
});

describe('a large generated file', () => {
  const tmp = useTempDir();

  /** Netflix-like lines: 2,000 users, 300 items, no pair twice, shuffled. */
  function generate(n: number): string[] {
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const lines: string[] = [];
    for (let k = 0; k < n; k++) {
      const u = k % 2000;
      const i = Math.floor(k / 2000);
      lines.push(`${u * 7 + 1},${i * 3 + 1},${1 + (next() % 5)}`);
    }
    for (let k = lines.length - 1; k > 0; k--) {
      const j = next() % (k + 1);
      [lines[k], lines[j]] = [lines[j], lines[k]];
    }
    return lines;
  }

  test('200,000 ratings read through the file stream, and a bad line in the middle named by its number', async () => {
    const lines = generate(200_000);
    const good = writeFile(tmp(), 'big.csv', 'user,item,rating\n' + lines.join('\n') + '\n');
    const r = await readRatings(good, {}, noStdin());
    expect([r.users, r.items, r.nnz]).toEqual([2000, 100, 200_000]);
    checkShape(r);
    // Every rating is where the file put it.
    const want = new Map(lines.map((l) => [l.split(',').slice(0, 2).join(','), Number(l.split(',')[2])]));
    const wrong: string[] = [];
    for (let u = 0; u < r.users; u++) {
      for (let p = r.rowStart[u]; p < r.rowStart[u + 1]; p++) {
        const key = `${r.userIds[u]},${r.itemIds[r.itemIndex[p]]}`;
        if (r.rating[p] !== want.get(key)) wrong.push(key);
      }
    }
    expect(wrong).toEqual([]);
    const bad = lines.slice();
    bad[123_456] = '5,5,oops';
    const file = writeFile(tmp(), 'bad.csv', 'user,item,rating\n' + bad.join('\n') + '\n');
    expect(await dataError(() => readRatings(file, {}, noStdin()))).toBe(`${file}:123458:3: "oops" is not a number`);
    // A duplicate far apart: both lines named.
    const dup = lines.slice();
    dup[150_000] = dup[20_000];
    const dupFile = writeFile(tmp(), 'dup.csv', dup.join('\n') + '\n');
    const [u, i] = dup[20_000].split(',');
    expect(await dataError(() => readRatings(dupFile, {}, noStdin()))).toBe(`${dupFile}:20001 and :150001 both rate user ${u}, item ${i}; give --duplicates mean or last`);
  }, 60_000);

  test('stdin and file errors', async () => {
    const r = await readRatings('-', {}, stdinFrom('1 2 3\n'));
    expect(r.nnz).toBe(1);
    expect(await dataError(() => readRatings(path.join(tmp(), 'missing.csv'), {}, noStdin()))).toMatch(/missing\.csv: no such file/);
    expect(await dataError(() => readRatings(tmp(), {}, noStdin()))).toMatch(/is a directory, not a file/);
  });
});
