/**
 * Sniffing reads a bounded prefix: blank and comment lines before the first
 * data line are counted (line numbers stay exact) but not kept, and only the
 * first data line, up to SNIFF_LIMIT characters, is held.
 */
import { DataError } from '../../src/core/errors';
import { SNIFF_LIMIT, Sniffer } from '../../src/io/sniff';
import { parseStream } from '../../src/io/stream';
import { parseTable } from '../../src/io/table';

/** What the sniffer holds between pieces. */
const held = (sniffer: Sniffer): number => (sniffer as unknown as { held: string }).held.length;

async function* repeat(piece: string, times: number, then: string): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(piece);
  for (let i = 0; i < times; i++) yield bytes;
  yield Buffer.from(then);
}

describe('Sniffer', () => {
  test('blank and comment lines are counted and dropped, whatever their number', () => {
    const sniffer = new Sniffer(undefined, false);
    let most = 0;
    let lines = 0;
    for (let i = 0; i < 5000; i++) {
      const piece = i % 3 === 0 ? '# a comment, with commas; and semicolons\n' : ' \t \n\n';
      lines += piece.split('\n').length - 1;
      expect(sniffer.feed(piece, false)).toBeNull();
      most = Math.max(most, held(sniffer));
    }
    expect(most).toBe(0);
    expect(sniffer.feed('1;2\n3;4\n', false)).toEqual({ delimiter: ';', text: '1;2\n3;4\n', linesBefore: lines });
  });

  test('a comment line cut into pieces is not held either', () => {
    const sniffer = new Sniffer(undefined, false);
    expect(sniffer.feed('# ' + 'x'.repeat(100_000), false)).toBeNull();
    for (let i = 0; i < 50; i++) expect(sniffer.feed('y'.repeat(100_000), false)).toBeNull();
    expect(held(sniffer)).toBe(0);
    expect(sniffer.feed('\n1\t2\n', false)).toEqual({ delimiter: '\t', text: '1\t2\n', linesBefore: 1 });
  });

  test('the first data line is held only up to SNIFF_LIMIT: a long line is decided before its end', () => {
    const sniffer = new Sniffer(undefined, false);
    const piece = '1.5 2.5 '.repeat(1000); // 8000 characters, no new line
    let found = null;
    let pieces = 0;
    while (!found) {
      found = sniffer.feed(piece, false);
      pieces++;
      expect(held(sniffer)).toBeLessThanOrEqual(SNIFF_LIMIT);
    }
    expect(pieces).toBe(Math.ceil(SNIFF_LIMIT / piece.length));
    expect(found.delimiter).toBe('whitespace');
    expect(found.text.length).toBe(pieces * piece.length); // all of it goes on to the scanner
  });

  test('blanks before the first data line\'s cells stay with it (a TSV line may start with an empty cell)', () => {
    const sniffer = new Sniffer(undefined, false);
    expect(sniffer.feed('\n\t', false)).toBeNull();
    expect(sniffer.feed('1\t2\n', false)).toEqual({ delimiter: '\t', text: '\t1\t2\n', linesBefore: 1 });
  });

  test('the end of the text decides: an empty or comment-only text is whitespace (or what the name says)', () => {
    expect(new Sniffer(undefined, false).feed('\n# c', true)).toEqual({ delimiter: 'whitespace', text: '', linesBefore: 1 });
    expect(new Sniffer(',', false).feed('', true)?.delimiter).toBe(',');
    expect(new Sniffer(undefined, false).feed('1,2', true)).toEqual({ delimiter: ',', text: '1,2', linesBefore: 0 });
  });
});

describe('line numbers after many skipped lines are exact', () => {
  test.each<[string, string]>([
    ['t.txt', '1 2\n3 x\n'],
    ['t.csv', '1,2\n3,x\n'],
    ['t.dat', '1;2\n3;x\n'],
    ['t.tsv', '1\t2\n3\tx\n'],
    ['r.dat', '1::2\n3::x\n'],
  ])('%s after 200,000 blank and comment lines, in pieces', async (name, data) => {
    const message = `${name}:200002:2: "x" is not a number`;
    const piece = '\n'.repeat(999) + '# c\n';
    await expect(parseStream(repeat(piece, 200, data), name)).rejects.toThrow(message);
    expect(() => parseTable(piece.repeat(200) + data, name)).toThrow(message);
    await expect(parseStream(repeat(piece, 200, data), name)).rejects.toBeInstanceOf(DataError);
  });

  test('a ragged row and a header line after skipped lines', async () => {
    const piece = '\n \n# x,y\n';
    await expect(parseStream(repeat(piece, 1000, 'a,b\n1,2\n3\n'), 's')).rejects.toThrow('s:3003: the row has 1 cell, but line 3001 has 2');
  });

  test('20 MB of blank lines before the data: parsed in about the time of the data, not quadratic', async () => {
    const start = Date.now();
    const t = await parseStream(repeat('\n'.repeat(1 << 20), 20, '1 2\n3 4\n'), 'blank.txt');
    expect(Array.from(t.matrix.data)).toEqual([1, 2, 3, 4]);
    expect(Date.now() - start).toBeLessThan(5000);
  });
});
