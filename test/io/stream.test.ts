import * as fs from 'fs';
import fc from 'fast-check';
import { parseTable, type ReadOptions } from '../../src/io/table';
import { parseStream } from '../../src/io/stream';
import { repoPath } from '../helpers/cli';

/** The text's UTF-8 bytes cut at the given byte offsets, as a stream of chunks. */
async function* chunked(bytes: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let from = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    if (cut <= from || cut >= bytes.length) continue;
    yield bytes.subarray(from, cut);
    from = cut;
  }
  yield bytes.subarray(from);
}

async function outcome(run: () => Promise<unknown> | unknown): Promise<unknown> {
  try {
    return await run();
  } catch (err) {
    return { error: (err as Error).message, type: (err as Error).name };
  }
}

const TEXTS: Array<[string, string, ReadOptions]> = [
  ['toy.txt', fs.readFileSync(repoPath('data', 'toy.txt'), 'utf8'), {}],
  ['ratings.txt', fs.readFileSync(repoPath('test', 'fixtures', 'test_incomplete.txt'), 'utf8'), { missing: ['0'] }],
  ['a.csv', '\ufeffuser,"item, b",c\r\n1,2,\r\n# note\r\n3,"4",5\r\n\r\n6,NA,7', {}],
  ['a.tsv', 'x\ty z\n1\t2\n\n3\t?\n', {}],
  ['é.txt', '# café ☕\n1 2\n3\u00a04\n', {}],
  ['ragged.txt', '1 2\n3 4\n5\n', {}],
  ['bad.csv', 'a,b\n1,2\n3,zz\n', {}],
  ['quote.csv', 'a,b\n1,"2\n', {}],
  ['empty.txt', '\n\n# only comments\n', {}],
  ['cr.txt', '1 2\r3 4\r', {}],
  ['iris.csv', '\ufeffid,sepal,"petal, mm",species\r\n1,5.1,1.4,setosa\r\n# c\r\n2,4.9,NA,"versi\r\ncolor"\r\n', { select: { id: { index: 1 }, labels: { name: 'species' } } }],
  ['sel.txt', 'a b c d\nx 1 2 skip\ny 3 ? é☕\n', { select: { order: ['c', 'b'], id: { name: 'a' } } }],
  ['sel-bad.csv', 'a,b,c\n1,2,3\n4,5\n', { select: { ignore: [{ index: 2 }] } }],
];

describe('parseStream gives what parseTable gives on the whole text, however the bytes are cut', () => {
  test.each(TEXTS)('%s', async (name, text, options) => {
    const bytes = Buffer.from(text, 'utf8');
    const whole = await outcome(() => parseTable(text, name, options));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: Math.max(1, bytes.length - 1) }), { maxLength: 12 }), async (cuts) => {
        expect(await outcome(() => parseStream(chunked(bytes, cuts), name, options))).toEqual(whole);
      }),
      { seed: 7, numRuns: 60 },
    );
  });

  test('every single-byte cut of the CSV sample, including inside multi-byte characters and CRLF', async () => {
    const [name, text, options] = TEXTS[2];
    const bytes = Buffer.from(text, 'utf8');
    const whole = await outcome(() => parseTable(text, name, options));
    for (let cut = 1; cut < bytes.length; cut++) expect(await outcome(() => parseStream(chunked(bytes, [cut]), name, options))).toEqual(whole);
  });

  test('invalid UTF-8 and NUL bytes are data errors, wherever they fall', async () => {
    const bad = Buffer.concat([Buffer.from('1 2\n3 '), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]);
    await expect(parseStream(chunked(bad, [5]), 'b.txt')).rejects.toThrow(/b\.txt: is not UTF-8 text/);
    const nul = Buffer.from('1 2\n3 \u00004\n');
    await expect(parseStream(chunked(nul, [3]), 'n.txt')).rejects.toThrow(/n\.txt: looks like a binary file/);
  });
});
