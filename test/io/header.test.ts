/**
 * The first row: a header only if a cell is a name (neither a number, a missing
 * marker, an infinity, nor number-like); a malformed number there is an error,
 * as on any other line. Its cells are read in place; names come back exactly.
 */
import fc from 'fast-check';
import { DataError } from '../../src/core/errors';
import { isCanonicalPlain, plainDecimal } from '../../src/io/cells';
import { parseStream } from '../../src/io/stream';
import { parseTable, type ReadOptions } from '../../src/io/table';

async function* pieces(chunks: Buffer[]): AsyncGenerator<Buffer> {
  yield* chunks;
}

function parseError(text: string, source: string, options: ReadOptions = {}): string {
  try {
    parseTable(text, source, options);
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return (err as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail to parse`);
}

describe('a malformed number in the first row is an error, not a header', () => {
  test.each<[string, string, string]>([
    ['0x10,2,3\n1,2,3\n', 'a.csv', 'a.csv:1:1: "0x10" is not a number'],
    ['1,1e,3\n1,2,3\n', 'a.csv', 'a.csv:1:2: "1e" is not a number'],
    ['1 1_000\n3 4\n', 'a.txt', 'a.txt:1:2: "1_000" is not a number'],
    ['１２\t3\n1\t2\n', 'a.tsv', 'a.tsv:1:1: "１２" is not a number'],
    ['-.5e\t3\n1\t2\n', 'a.tsv', 'a.tsv:1:1: "-.5e" is not a number'],
    ['+٣ 3\n1 2\n', 'a.txt', 'a.txt:1:1: "+٣" is not a number'], // an Arabic-Indic digit
    ['NA,0x1,inf\n1,2,3\n', 'a.csv', 'a.csv:1:2: "0x1" is not a number'], // the first bad cell
    ['1,2,inf\n1,2,3\n', 'a.csv', 'a.csv:1:3: "inf" is infinite; only finite numbers are allowed'],
    ['1e999 2\n1 2\n', 'a.txt', 'a.txt:1:1: "1e999" overflows a double'],
    ['# c\n\n0x10 2\n', 'a.txt', 'a.txt:3:1: "0x10" is not a number'],
  ])('%j', (text, source, message) => {
    expect(parseError(text, source)).toBe(message);
  });

  test('the same text on line 2 gives the same message there', () => {
    expect(parseError('1,2,3\n0x10,2,3\n', 'a.csv')).toBe('a.csv:2:1: "0x10" is not a number');
  });

  test('one name among malformed numbers makes a header, names as written', () => {
    expect(parseTable('id,1e,x\n1,2,3\n', 'a.csv').columns).toEqual(['id', '1e', 'x']);
    expect(parseTable('0x10 y\n1 2\n', 'a.txt').columns).toEqual(['0x10', 'y']);
    expect(parseTable('1e,.x\n1,2\n', 'a.csv').columns).toEqual(['1e', '.x']); // '.x' is not number-like
  });

  test('years are data, as before', () => {
    const t = parseTable('2019,2020\n1,2\n', 'a.csv');
    expect(t.columns).toBeNull();
    expect(Array.from(t.matrix.data)).toEqual([2019, 2020, 1, 2]);
  });

  test('header: true still makes any first row the header', () => {
    expect(parseTable('0x10,2,3\n1,2,3\n', 'a.csv', { header: true }).columns).toEqual(['0x10', '2', '3']);
  });

  test('header: false makes a row of names data, an error at its first cell', () => {
    expect(parseError('id,0x10\n1,2\n', 'a.csv', { header: false })).toBe('a.csv:1:1: "id" is not a number');
  });

  test('the same through parseStream, cut anywhere', async () => {
    const text = '# c\n1 2 3 4 5 6 7 8 0x10 y\n1 2 3 4 5 6 7 8 9 10\n';
    const bytes = Buffer.from(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const t = await parseStream(pieces([bytes.subarray(0, cut), bytes.subarray(cut)]), 'a.txt');
      expect(t.columns).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '0x10', 'y']);
    }
    const bad = Buffer.from('1 2 3 0x10 5\n1 2 3 4 5\n');
    for (let cut = 1; cut < bad.length; cut++) {
      await expect(parseStream(pieces([bad.subarray(0, cut), bad.subarray(cut)]), 'a.txt')).rejects.toThrow('a.txt:1:4: "0x10" is not a number');
    }
  });
});

/** Any number text the readers take: every sign, leading and trailing zeros, exponents, long digit strings. */
const numberText: fc.Arbitrary<string> = fc
  .record({
    sign: fc.constantFrom('', '', '-', '+'),
    int: fc.oneof(fc.constantFrom('', '0', '00', '7'), fc.stringMatching(/^[0-9]{1,17}$/)),
    frac: fc.option(fc.stringMatching(/^[0-9]{0,9}$/), { nil: undefined }),
    exp: fc.option(fc.integer({ min: -330, max: 330 }), { nil: undefined }),
  })
  .map(({ sign, int, frac, exp }) => `${sign}${int}${frac === undefined ? '' : `.${frac}`}${exp === undefined ? '' : `e${exp}`}`)
  .filter((s) => /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s) && Number.isFinite(Number(s)));

describe('the first row is read in place, and a header gets its names back exactly', () => {
  test('isCanonicalPlain(t) is String(Number(t)) === t, for the tokens plainDecimal reads', () => {
    fc.assert(
      fc.property(numberText, (t) => {
        if (Number.isNaN(plainDecimal(t, 0, t.length))) return;
        expect(isCanonicalPlain(t, 0, t.length)).toBe(String(Number(t)) === t);
      }),
      { seed: 8101, numRuns: 3000 },
    );
    for (const t of ['0', '-0', '0.5', '-0.5', '.5', '5.', '1.50', '007', '+1', '0.000001', '0.0000001', '-0.0000012', '123456789012345', '1.5']) {
      expect([t, isCanonicalPlain(t, 0, t.length)]).toEqual([t, String(Number(t)) === t]);
    }
  });

  test('numbers and markers, then a name anywhere: the header is the texts as written; without the name, the row is data', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ weight: 6, arbitrary: numberText }, { weight: 1, arbitrary: fc.constantFrom('NA', 'nan', '?', '1e', '0x1', 'é1', '١٢') }), { minLength: 1, maxLength: 40 }),
        fc.nat(),
        fc.constantFrom(',', '\t', ' ', ';'),
        (cells, at, sep) => {
          const source = sep === ',' ? 'x.csv' : sep === '\t' ? 'x.tsv' : 'x.txt';
          const options: ReadOptions = sep === ';' ? { delimiter: ';' } : {};
          const names = cells.slice();
          names.splice(at % (cells.length + 1), 0, 'name');
          const data = names.map((_, i) => String(i)).join(sep);
          const t = parseTable(`${names.join(sep)}\n${data}\n`, source, options);
          expect(t.columns).toEqual(names);
          // Without the name: a header still if 'é1' (not number-like) is there; else data, or the error of its first malformed cell.
          const asData = `${cells.join(sep)}\n${cells.map(() => '1').join(sep)}\n`;
          const bad = cells.findIndex((c) => ['1e', '0x1', '١٢'].includes(c));
          if (cells.includes('é1')) {
            expect(parseTable(asData, source, options).columns).toEqual(cells);
          } else if (bad >= 0) {
            expect(() => parseTable(asData, source, options)).toThrow(`${source}:1:${bad + 1}: "${cells[bad]}" is not a number`);
          } else {
            const u = parseTable(asData, source, options);
            expect(u.columns).toBeNull();
            expect(Array.from(u.matrix.data.subarray(0, cells.length))).toEqual(cells.map((c) => (/^(NA|nan|\?)$/.test(c) ? 0 : Number(c))));
          }
        },
      ),
      { seed: 8102, numRuns: 400 },
    );
  });

  test('a first row of 200,000 numbers and then a name: the names come back exactly, after a stream cut in many pieces', async () => {
    const cells: string[] = [];
    let state = 7;
    for (let i = 0; i < 200_000; i++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      const forms = [String(state % 1000), (state / 1e4).toFixed(3), `${state % 7}e-3`, `-0.${state % 100}0`, `+${state % 9}`, '-0', 'NA'];
      cells.push(forms[state % forms.length]);
    }
    const text = `${cells.join(' ')} last\n${cells.map(() => '1').join(' ')} 2\n`;
    const bytes = Buffer.from(text);
    async function* pieces() {
      for (let p = 0; p < bytes.length; p += 65_537) yield bytes.subarray(p, p + 65_537);
    }
    const t = await parseStream(pieces(), 'long.txt', {});
    expect(t.columns).toEqual([...cells, 'last']);
    expect(t.matrix.rows).toBe(1);
    // Without the name the row is data, every value that of Number(text).
    const data = `${cells.join(' ')}\n`;
    const u = parseTable(data, 'long.txt');
    expect(u.columns).toBeNull();
    const expected = cells.map((c) => (c === 'NA' ? 0 : Number(c)));
    expect(Array.from(u.matrix.data)).toEqual(expected);
  });
});
