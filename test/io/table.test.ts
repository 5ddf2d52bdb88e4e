import fc from 'fast-check';
import { DataError } from '../../src/core/errors';
import { formatTable, parseTable, sniffDelimiter, splitWithCsvParse, type Delimiter, type ReadOptions, type Table } from '../../src/io/table';

const values = (t: Table): number[] => Array.from(t.matrix.data);
const mask = (t: Table): number[] | null => (t.matrix.observed ? Array.from(t.matrix.observed) : null);

/** The DataError message of parsing `text`, or a failure if it parses. */
function parseError(text: string, source: string, options: ReadOptions = {}): string {
  try {
    parseTable(text, source, options);
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return (err as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail to parse`);
}

/** Shape, values, mask, delimiter and header of a parsed table, checked at once. */
function expectTable(
  t: Table,
  expected: { rows: number; cols: number; data: number[]; observed?: number[] | null; delimiter?: Delimiter; columns?: string[] | null },
): void {
  expect(t.matrix.data).toBeInstanceOf(Float64Array);
  expect(t.matrix.data.length).toBe(expected.rows * expected.cols);
  expect({ rows: t.matrix.rows, cols: t.matrix.cols }).toEqual({ rows: expected.rows, cols: expected.cols });
  expect(values(t)).toEqual(expected.data);
  expect(mask(t)).toEqual(expected.observed ?? null);
  if (expected.delimiter !== undefined) expect(t.delimiter).toBe(expected.delimiter);
  if (expected.columns !== undefined) expect(t.columns).toEqual(expected.columns);
}

describe('parseTable: delimiters', () => {
  test('whitespace: single spaces', () => {
    expectTable(parseTable('1 2 3\n4 5 6\n', 'a.txt'), {
      rows: 2,
      cols: 3,
      data: [1, 2, 3, 4, 5, 6],
      delimiter: 'whitespace',
      columns: null,
    });
  });

  test('whitespace: runs of spaces and tabs, leading and trailing blanks, no final newline', () => {
    const text = '1   2  3\n\t4 \t 5\t\t6  \n  -7.5\t8e2 +9';
    expectTable(parseTable(text, 'a.txt'), {
      rows: 3,
      cols: 3,
      data: [1, 2, 3, 4, 5, 6, -7.5, 800, 9],
      delimiter: 'whitespace',
    });
  });

  test('CSV from the .csv extension', () => {
    expectTable(parseTable('1,2\n3,4\n', 'data/a.csv'), { rows: 2, cols: 2, data: [1, 2, 3, 4], delimiter: ',' });
  });

  test('CSV from the content when the name says nothing', () => {
    expectTable(parseTable('1.5, -2\n3,4e-1\n', 'table'), { rows: 2, cols: 2, data: [1.5, -2, 3, 0.4], delimiter: ',' });
  });

  test.each(['a.tsv', 'a.tab', 'A.TSV'])('TSV from the extension of %s', (name) => {
    expectTable(parseTable('1\t2\n3\t4\n', name), { rows: 2, cols: 2, data: [1, 2, 3, 4], delimiter: '\t' });
  });

  test('TSV from the content: a tab alone between cells', () => {
    expectTable(parseTable('1\t2\t3\n4\t5\t6\n', 'a.txt'), { rows: 2, cols: 3, data: [1, 2, 3, 4, 5, 6], delimiter: '\t' });
  });

  test('TSV keeps empty cells between two tabs (they are missing)', () => {
    expectTable(parseTable('1\t\t2\n3\t4\t\n', 'a.tsv'), {
      rows: 2,
      cols: 3,
      data: [1, 0, 2, 3, 4, 0],
      observed: [1, 0, 1, 1, 1, 0],
      delimiter: '\t',
    });
  });

  test('the extension wins over the content', () => {
    // The content alone would be whitespace; the name says CSV / TSV.
    expect(sniffDelimiter('5\n6\n')).toBe('whitespace');
    expectTable(parseTable('5\n6\n', 'one.csv'), { rows: 2, cols: 1, data: [5, 6], delimiter: ',' });
    expectTable(parseTable('5\n6\n', 'one.tsv'), { rows: 2, cols: 1, data: [5, 6], delimiter: '\t' });
    // A whitespace table named .csv is read as CSV: each line is one cell.
    expect(parseError('1 2\n3 4\n', 'a.csv', { header: false })).toBe('a.csv:1:1: "1 2" is not a number');
  });

  test('the delimiter option overrides the extension and the content', () => {
    expectTable(parseTable('1 2\n3 4\n', 'a.csv', { delimiter: 'whitespace' }), {
      rows: 2,
      cols: 2,
      data: [1, 2, 3, 4],
      delimiter: 'whitespace',
    });
    expectTable(parseTable('1\t2\n3\t4\n', 'a.csv', { delimiter: '\t' }), { rows: 2, cols: 2, data: [1, 2, 3, 4], delimiter: '\t' });
    expectTable(parseTable('1,2\n3,4\n', 'a.tsv', { delimiter: ',' }), { rows: 2, cols: 2, data: [1, 2, 3, 4], delimiter: ',' });
    expect(parseError('1,2\n3,4\n', 'a.txt', { delimiter: 'whitespace', header: false })).toBe('a.txt:1:1: "1,2" is not a number');
  });
});

describe('sniffDelimiter', () => {
  test.each<[string, Delimiter]>([
    ['1,2\n3,4\n', ','],
    ['1\t2\n', '\t'],
    ['1 2\n', 'whitespace'],
    ['1  2   3\n', 'whitespace'],
    ['1 2\t3\n', 'whitespace'], // spaces between cells: not a TSV
    ['# a,b\n1 2\n', 'whitespace'], // the comment line is not looked at
    ['\n\n  \n1,2\n', ','], // blank lines are not looked at
    ['# only a comment\n', 'whitespace'],
    ['', 'whitespace'],
  ])('%j -> %j', (text, expected) => {
    expect(sniffDelimiter(text)).toBe(expected);
  });
});

describe('parseTable: header', () => {
  test('a first row with a non-numeric cell is a header; names are kept', () => {
    expectTable(parseTable('x,y\n1,2\n3,4\n', 'a.csv'), { rows: 2, cols: 2, data: [1, 2, 3, 4], columns: ['x', 'y'] });
    expectTable(parseTable('alpha beta\n1 2\n', 'a.txt'), { rows: 1, cols: 2, data: [1, 2], columns: ['alpha', 'beta'] });
    expectTable(parseTable('first name\tage\n1\t2\n', 'a.tsv'), { rows: 1, cols: 2, data: [1, 2], columns: ['first name', 'age'] });
  });

  test('a quoted CSV header keeps commas and quotes inside names', () => {
    expectTable(parseTable('"a,b","say ""hi""",c\n1,2,3\n', 'a.csv'), { rows: 1, cols: 3, data: [1, 2, 3], columns: ['a,b', 'say "hi"', 'c'] });
  });

  test('one non-numeric cell is enough to make a header', () => {
    expectTable(parseTable('1,b\n3,4\n', 'a.csv'), { rows: 1, cols: 2, data: [3, 4], columns: ['1', 'b'] });
  });

  test('a numeric first row is data', () => {
    expectTable(parseTable('1,2\n3,4\n', 'a.csv'), { rows: 2, cols: 2, data: [1, 2, 3, 4], columns: null });
  });

  test('a first row of numbers and missing markers is data, not a header', () => {
    expectTable(parseTable('NA,2\n3,?\n', 'a.csv'), { rows: 2, cols: 2, data: [0, 2, 3, 0], observed: [0, 1, 1, 0], columns: null });
  });

  test('a first row with inf is data (and then an error), not a header', () => {
    expect(parseError('inf 2\n3 4\n', 'a.txt')).toBe('a.txt:1:1: "inf" is infinite; only finite numbers are allowed');
  });

  test('header: true makes a numeric first row the header', () => {
    expectTable(parseTable('1 2\n3 4\n', 'a.txt', { header: true }), { rows: 1, cols: 2, data: [3, 4], columns: ['1', '2'] });
  });

  test('header: false makes a text first row data, which is then an error', () => {
    expect(parseError('x,y\n1,2\n', 'a.csv', { header: false })).toBe('a.csv:1:1: "x" is not a number');
  });

  test('the header sets the width that rows must have', () => {
    expect(parseError('x y\n1 2\n3\n', 'a.txt')).toBe('a.txt:3: the row has 1 cell, but line 1 has 2');
  });
});

describe('parseTable: line ends, BOM, blank lines, comments', () => {
  test('CRLF line ends, whitespace and CSV', () => {
    expectTable(parseTable('1 2\r\n3 4\r\n', 'a.txt'), { rows: 2, cols: 2, data: [1, 2, 3, 4] });
    expectTable(parseTable('x,y\r\n1,2\r\n3,4\r\n', 'a.csv'), { rows: 2, cols: 2, data: [1, 2, 3, 4], columns: ['x', 'y'] });
    expectTable(parseTable('1\t2\r\n3\t4\r\n', 'a.tsv'), { rows: 2, cols: 2, data: [1, 2, 3, 4] });
  });

  test('lone CR line ends', () => {
    expectTable(parseTable('1 2\r3 4\r', 'a.txt'), { rows: 2, cols: 2, data: [1, 2, 3, 4] });
  });

  test('a UTF-8 BOM is dropped (it does not stick to the first cell or name)', () => {
    expectTable(parseTable('\ufeffx,y\r\n1,2\r\n', 'a.csv'), { rows: 1, cols: 2, data: [1, 2], columns: ['x', 'y'] });
    expectTable(parseTable('\ufeff1 2\n3 4\n', 'a.txt'), { rows: 2, cols: 2, data: [1, 2, 3, 4], columns: null });
    expectTable(parseTable('\ufeff1\t2\n', 'a.tsv'), { rows: 1, cols: 2, data: [1, 2], columns: null });
  });

  test('blank lines and # comment lines are skipped (whitespace)', () => {
    const text = '# a comment\n\n1 2\n\n   \n\t\n# another, with a comma\n3 4\n\n';
    expectTable(parseTable(text, 'a.txt'), { rows: 2, cols: 2, data: [1, 2, 3, 4], delimiter: 'whitespace' });
  });

  test('blank lines and # comment lines are skipped (CSV and TSV)', () => {
    expectTable(parseTable('# c\n1,2\n\n#x,y\n3,4\n\n', 'a.csv'), { rows: 2, cols: 2, data: [1, 2, 3, 4], columns: null });
    expectTable(parseTable('# c\n1\t2\n\n# d\n3\t4\n', 'a.tsv'), { rows: 2, cols: 2, data: [1, 2, 3, 4], columns: null });
  });

  test('line numbers in errors count the skipped lines', () => {
    expect(parseError('1 2\n\n# c\n3 4 5\n', 'a.txt')).toBe('a.txt:4: the row has 3 cells, but line 1 has 2');
    expect(parseError('1,2\n\n# c\n3,4,5\n', 'a.csv')).toBe('a.csv:4: the row has 3 cells, but line 1 has 2');
    expect(parseError('# c\n\n1,2\n\n3,abc\n', 'a.csv')).toBe('a.csv:5:2: "abc" is not a number');
    expect(parseError('1 2\r\n\r\n3 abc\r\n', 'a.txt')).toBe('a.txt:3:2: "abc" is not a number');
  });
});

describe('parseTable: quoted CSV cells', () => {
  test('quoted numbers are numbers', () => {
    expectTable(parseTable('"1","2.5"\n"-3",4\n', 'a.csv'), { rows: 2, cols: 2, data: [1, 2.5, -3, 4] });
  });

  test('a quoted empty cell is missing', () => {
    expectTable(parseTable('1,""\n3,4\n', 'a.csv'), { rows: 2, cols: 2, data: [1, 0, 3, 4], observed: [1, 0, 1, 1] });
  });

  test('blanks around CSV cells are trimmed', () => {
    expectTable(parseTable(' 1 , 2 \n3,  4\n', 'a.csv'), { rows: 2, cols: 2, data: [1, 2, 3, 4] });
  });

  test('an unclosed quote is a DataError naming the file and the line', () => {
    expect(parseError('1,2\n3,"4\n', 'a.csv')).toMatch(/^a\.csv:2: cannot parse as CSV: .*quote/i);
  });
});

describe('parseTable: missing cells', () => {
  test('empty, NA, NaN and ? are missing, case-insensitively; they hold 0 with a 0 mask', () => {
    const t = parseTable('1,,2\n3,NA,na\n?,NaN,nan\nnA,Nan,4\n', 'a.csv');
    expectTable(t, {
      rows: 4,
      cols: 3,
      data: [1, 0, 2, 3, 0, 0, 0, 0, 0, 0, 0, 4],
      observed: [1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1],
    });
    expect(values(t).some(Number.isNaN)).toBe(false);
  });

  test('missing markers in a whitespace file', () => {
    expectTable(parseTable('1 NA\nnan ?\n5 6\n', 'a.txt'), {
      rows: 3,
      cols: 2,
      data: [1, 0, 0, 0, 5, 6],
      observed: [1, 0, 0, 0, 1, 1],
    });
  });

  test('a complete table has no mask', () => {
    expect(parseTable('1 2\n3 4\n', 'a.txt').matrix.observed).toBeNull();
  });

  test("without a marker, 0 is a value", () => {
    expectTable(parseTable('1 0\n0 2\n', 'a.txt'), { rows: 2, cols: 2, data: [1, 0, 0, 2], observed: null });
  });

  test("missing: ['0'] matches 0 by value: 0, 0.0, -0, +0, 00, 0e5; not 0.5", () => {
    const t = parseTable('1 0\n0.0 -0\n+0 2\n00 0e5\n0.5 3\n', 'a.txt', { missing: ['0'] });
    expectTable(t, {
      rows: 5,
      cols: 2,
      data: [1, 0, 0, 0, 0, 2, 0, 0, 0.5, 3],
      observed: [1, 0, 0, 0, 0, 1, 0, 0, 1, 1],
    });
    // Missing cells hold +0, never -0 or NaN.
    expect(Object.is(t.matrix.data[3], -0)).toBe(false);
  });

  test("missing: ['0'] matches -0 and 0.0 on the first row too, and in CSV and TSV", () => {
    expectTable(parseTable('-0 1\n2 0.0\n', 'a.txt', { missing: ['0'] }), { rows: 2, cols: 2, data: [0, 1, 2, 0], observed: [0, 1, 1, 0] });
    expectTable(parseTable('1,-0\n-0.0,2\n', 'a.csv', { missing: ['0'] }), { rows: 2, cols: 2, data: [1, 0, 0, 2], observed: [1, 0, 0, 1] });
    expectTable(parseTable('-0\t1\n2\t+0\n', 'a.tsv', { missing: ['0'] }), { rows: 2, cols: 2, data: [0, 1, 2, 0], observed: [0, 1, 1, 0] });
  });

  test('a numeric marker given as 0.0 also matches 0', () => {
    expectTable(parseTable('1 0\n', 'a.txt', { missing: ['0.0'] }), { rows: 1, cols: 2, data: [1, 0], observed: [1, 0] });
  });

  test('a text marker matches its text, case-insensitively', () => {
    expectTable(parseTable('1 x\nX 2\n', 'a.txt', { missing: ['x'] }), {
      rows: 2,
      cols: 2,
      data: [1, 0, 0, 2],
      observed: [1, 0, 0, 1],
    });
  });

  test('several markers at once, the defaults still apply', () => {
    expectTable(parseTable('1,-,0\nNA,5,6\n', 'a.csv', { missing: ['-', '0'] }), {
      rows: 2,
      cols: 3,
      data: [1, 0, 0, 0, 5, 6],
      observed: [1, 0, 0, 0, 1, 1],
    });
  });

  test('without the marker, the text is an error', () => {
    expect(parseError('1 2\n3 x\n', 'a.txt')).toBe('a.txt:2:2: "x" is not a number');
  });
});

describe('parseTable: errors', () => {
  test.each([
    ['', 'empty'],
    ['\n\n', 'blank lines only'],
    ['# only\n# comments\n', 'comments only'],
  ])('an empty input (%j, %s)', (text) => {
    expect(parseError(text, 'e.txt')).toBe('e.txt: the file is empty (no rows of numbers)');
    expect(parseError(text, 'e.csv')).toBe('e.csv: the file is empty (no rows of numbers)');
  });

  test('a header without rows', () => {
    expect(parseError('x y\n', 'h.txt')).toBe('h.txt: there is a header but no rows of numbers');
    expect(parseError('x,y\n\n# nothing\n', 'h.csv')).toBe('h.csv: there is a header but no rows of numbers');
    expect(parseError('1 2\n', 'h.txt', { header: true })).toBe('h.txt: there is a header but no rows of numbers');
  });

  test('a ragged row names its line and both counts', () => {
    expect(parseError('1 2\n3 4\n5 6 7\n', 'r.txt')).toBe('r.txt:3: the row has 3 cells, but line 1 has 2');
    expect(parseError('1 2\n3\n', 'r.txt')).toBe('r.txt:2: the row has 1 cell, but line 1 has 2');
    expect(parseError('1\n2 3\n', 'r.txt')).toBe('r.txt:2: the row has 2 cells, but line 1 has 1');
    expect(parseError('1,2,3\n4,5\n', 'r.csv')).toBe('r.csv:2: the row has 2 cells, but line 1 has 3');
    expect(parseError('1\t2\n3\t4\t5\n', 'r.tsv')).toBe('r.tsv:2: the row has 3 cells, but line 1 has 2');
  });

  test.each([
    ['1 2\n3 abc\n', 'n.txt', 'n.txt:2:2: "abc" is not a number'],
    ['1,2\n3,abc\n', 'n.csv', 'n.csv:2:2: "abc" is not a number'],
    ['1\t2\nabc\t4\n', 'n.tsv', 'n.tsv:2:1: "abc" is not a number'],
    ['1 2\n0x10 4\n', 'n.txt', 'n.txt:2:1: "0x10" is not a number'],
    ['1 2\n3 1e\n', 'n.txt', 'n.txt:2:2: "1e" is not a number'],
    ['1 2\n3 --4\n', 'n.txt', 'n.txt:2:2: "--4" is not a number'],
    ['1,2\n3,"1,5"\n', 'n.csv', 'n.csv:2:2: "1,5" is not a number'],
    ['1,2\n3,"ab""c"\n', 'n.csv', 'n.csv:2:2: "ab"c" is not a number'],
  ])('a non-numeric cell is quoted with source:line:column (%j)', (text, source, message) => {
    expect(parseError(text, source)).toBe(message);
  });

  test('a long non-numeric cell is cut at 40 characters; control characters are shown as ?', () => {
    const long = 'z'.repeat(50);
    expect(parseError(`1 2\n3 ${long}\n`, 'l.txt')).toBe(`l.txt:2:2: "${'z'.repeat(40)}…" is not a number`);
    expect(parseError('1,2\n3,"a\u0007b"\n', 'c.csv')).toBe('c.csv:2:2: "a?b" is not a number');
  });

  test.each(['inf', 'Inf', '-inf', '+INF', 'Infinity', '-Infinity', 'infinity'])('%s is rejected as infinite', (cell) => {
    expect(parseError(`1 2\n3 ${cell}\n`, 'i.txt')).toBe(`i.txt:2:2: "${cell}" is infinite; only finite numbers are allowed`);
  });

  test.each(['1e400', '-1e400', '1.5E+309'])('%s overflows a double', (cell) => {
    expect(parseError(`1 2\n${cell} 4\n`, 'o.txt')).toBe(`o.txt:2:1: "${cell}" overflows a double`);
  });
});

describe('parseTable: values', () => {
  test('every number form gives the value Number() gives', () => {
    const cells = ['0.1', '1e-300', '-2.5E+3', '.5', '5.', '+7', '-0.000123', '123456789012345678', '1.7976931348623157e308', '4.9e-324'];
    const t = parseTable(cells.join(' ') + '\n', 'v.txt');
    expectTable(t, { rows: 1, cols: cells.length, data: cells.map(Number) });
  });

  test('a table larger than the initial buffer keeps every value in place', () => {
    // Deterministic LCG; 700 × 3 = 2100 cells, more than the first 1024-cell buffer.
    let state = 12345;
    const next = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state;
    };
    const rows = 700;
    const cols = 3;
    const expected: number[] = [];
    const lines: string[] = [];
    for (let r = 0; r < rows; r++) {
      const row: number[] = [];
      for (let c = 0; c < cols; c++) row.push((next() % 200001) / 100 - 1000);
      expected.push(...row);
      lines.push(row.join(' '));
    }
    const t = parseTable(lines.join('\n') + '\n', 'big.txt');
    expectTable(t, { rows, cols, data: expected });
  });

  test('missing cells past the initial buffer are masked in place', () => {
    const lines: string[] = [];
    for (let r = 0; r < 600; r++) lines.push(r === 599 ? `${r} NA` : `${r} ${-r}`);
    const t = parseTable(lines.join('\n'), 'm.txt');
    expect(t.matrix.rows).toBe(600);
    expect(t.matrix.observed).not.toBeNull();
    const observed = t.matrix.observed!;
    expect(observed.length).toBe(1200);
    expect(Array.from(observed).filter((o) => o === 0).length).toBe(1);
    expect(observed[1199]).toBe(0);
    expect(t.matrix.data[1198]).toBe(599);
    expect(t.matrix.data[1197]).toBe(-598);
  });
});

// ---------------------------------------------------------------------------
// The whitespace fast path against csv-parse.
// ---------------------------------------------------------------------------

/** A number written in one of many decimal forms: integers, decimals, exponents, signs. */
const numberText: fc.Arbitrary<string> = fc
  .record({
    sign: fc.constantFrom('', '-', '+'),
    // Short integers, long ones, and digit strings past 15 digits (with leading zeros).
    int: fc.oneof(fc.nat({ max: 9 }).map(String), fc.nat({ max: 1_000_000_000 }).map(String), fc.stringMatching(/^[0-9]{12,22}$/)),
    frac: fc.option(fc.stringMatching(/^[0-9]{0,8}$/), { nil: undefined }),
    exp: fc.option(
      fc.record({ e: fc.constantFrom('e', 'E'), sign: fc.constantFrom('', '-', '+'), digits: fc.integer({ min: 0, max: 300 }).map(String) }),
      { nil: undefined },
    ),
  })
  .map(({ sign, int, frac, exp }) => `${sign}${int}${frac === undefined ? '' : `.${frac}`}${exp ? `${exp.e}${exp.sign}${exp.digits}` : ''}`)
  .filter((s) => Number.isFinite(Number(s)));

/** A run of blanks between cells. csv-parse's ' ' mode only splits on spaces, so each run holds one. */
const separator: fc.Arbitrary<string> = fc
  .array(fc.constantFrom(' ', '\t'), { minLength: 1, maxLength: 4 })
  .map((chars) => chars.join(''))
  .filter((s) => s.includes(' '));
const edgeBlanks: fc.Arbitrary<string> = fc.array(fc.constantFrom(' ', '\t'), { maxLength: 3 }).map((chars) => chars.join(''));

interface TextTable {
  readonly text: string;
  readonly cells: string[][];
}

const whitespaceTable: fc.Arbitrary<TextTable> = fc
  .record({ rows: fc.integer({ min: 1, max: 25 }), cols: fc.integer({ min: 1, max: 7 }) })
  .chain(({ rows, cols }) =>
    fc.record({
      cells: fc.array(fc.array(numberText, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows }),
      seps: fc.array(fc.array(separator, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows }),
      leads: fc.array(edgeBlanks, { minLength: rows, maxLength: rows }),
      trails: fc.array(edgeBlanks, { minLength: rows, maxLength: rows }),
      extras: fc.array(fc.constantFrom('', '', '', 'blank', 'comment'), { minLength: rows, maxLength: rows }),
      eol: fc.constantFrom('\n', '\r\n'),
      finalEol: fc.boolean(),
    }),
  )
  .map(({ cells, seps, leads, trails, extras, eol, finalEol }) => {
    const lines: string[] = [];
    cells.forEach((row, r) => {
      if (extras[r] === 'blank') lines.push('');
      if (extras[r] === 'comment') lines.push('# a comment 1 2 3');
      let line = leads[r];
      row.forEach((cell, c) => {
        line += (c > 0 ? seps[r][c] : '') + cell;
      });
      lines.push(line + trails[r]);
    });
    return { text: lines.join(eol) + (finalEol ? eol : ''), cells };
  });

describe('the whitespace fast path gives the same matrix as csv-parse', () => {
  test('random numeric tables with runs of spaces and tabs (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(whitespaceTable, ({ text, cells }) => {
        const fast = parseTable(text, 'x.txt', { delimiter: 'whitespace' });

        const reference: number[][] = [];
        splitWithCsvParse(text, ' ', (record) => reference.push(record.map(Number)));

        expect(reference.length).toBe(cells.length);
        expect(fast.matrix.rows).toBe(reference.length);
        expect(fast.matrix.cols).toBe(reference[0].length);
        expect(fast.matrix.observed).toBeNull();
        expect(Array.from(fast.matrix.data)).toEqual(reference.flat());
        // And both are the numbers that were written.
        expect(Array.from(fast.matrix.data)).toEqual(cells.flat().map(Number));
      }),
      { seed: 20240611, numRuns: 300 },
    );
  });

  test('a hand-written table with every number form', () => {
    const text = '  12\t -3.5   4e3\n+0.25 \t\t-6E-2  7.\n.125  8   -9e+1\t\n';
    const fast = parseTable(text, 'x.txt', { delimiter: 'whitespace' });
    const reference: number[] = [];
    splitWithCsvParse(text, ' ', (record) => reference.push(...record.map(Number)));
    expect(Array.from(fast.matrix.data)).toEqual(reference);
    expect(reference).toEqual([12, -3.5, 4000, 0.25, -0.06, 7, 0.125, 8, -90]);
  });
});

// ---------------------------------------------------------------------------
// formatTable round-trips.
// ---------------------------------------------------------------------------

/** Finite doubles, without -0 (String(-0) is "0"). */
const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v));

/**
 * Column names that survive every layout: a letter, then letters, digits and _;
 * not a missing marker or an infinity (those read as data, not as a header).
 */
const plainName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,9}$/).filter((s) => !/^(?:na|nan|inf|infinity)$/i.test(s));

/** CSV and TSV names may hold the delimiter, quotes and inner blanks (they get quoted). */
const quotedName = fc
  .array(fc.constantFrom('a', 'b', 'Z', '_', ' ', ',', '\t', '"', '1', '.'), { minLength: 1, maxLength: 10 })
  .map((chars) => `n${chars.join('')}x`);

const matrixShape = fc.record({ rows: fc.integer({ min: 1, max: 12 }), cols: fc.integer({ min: 1, max: 6 }) });

const EXTENSION: Record<Delimiter, string> = { ',': 'csv', '\t': 'tsv', whitespace: 'txt' };

describe('formatTable round-trips through parseTable', () => {
  const delimiters: Delimiter[] = [',', '\t', 'whitespace'];

  test.each(delimiters)('delimiter %j, without a header', (delimiter) => {
    fc.assert(
      fc.property(
        matrixShape.chain(({ rows, cols }) =>
          fc.record({ rows: fc.constant(rows), cols: fc.constant(cols), data: fc.array(finiteDouble, { minLength: rows * cols, maxLength: rows * cols }) }),
        ),
        ({ rows, cols, data }) => {
          const text = formatTable(data, rows, cols, delimiter, null);
          const back = parseTable(text, `r.${EXTENSION[delimiter]}`);
          expectTable(back, { rows, cols, data, delimiter, columns: null });
        },
      ),
      { seed: 7, numRuns: 150 },
    );
  });

  test.each(delimiters)('delimiter %j, with a header (detected, and forced with header: true)', (delimiter) => {
    fc.assert(
      fc.property(
        matrixShape.chain(({ rows, cols }) =>
          fc.record({
            rows: fc.constant(rows),
            cols: fc.constant(cols),
            data: fc.array(finiteDouble, { minLength: rows * cols, maxLength: rows * cols }),
            columns: fc.array(delimiter === 'whitespace' ? plainName : fc.oneof(plainName, quotedName), { minLength: cols, maxLength: cols }),
          }),
        ),
        ({ rows, cols, data, columns }) => {
          const text = formatTable(data, rows, cols, delimiter, columns);
          expectTable(parseTable(text, `r.${EXTENSION[delimiter]}`), { rows, cols, data, delimiter, columns });
          expectTable(parseTable(text, 'r.dat', { delimiter, header: true }), { rows, cols, data, delimiter, columns });
        },
      ),
      { seed: 11, numRuns: 150 },
    );
  });

  test('the exact text of formatTable', () => {
    expect(formatTable([1, -2.5, 3e-7, 4], 2, 2, ',', ['a', 'b,c'])).toBe('a,"b,c"\n1,-2.5\n3e-7,4\n');
    expect(formatTable([1, 2], 1, 2, '\t', ['say "x"', 'y'])).toBe('"say ""x"""\ty\n1\t2\n');
    expect(formatTable([1, 2, 3, 4], 2, 2, 'whitespace', null)).toBe('1 2\n3 4\n');
  });

  test('a whitespace table with CRLF and a BOM reads back the same after formatting', () => {
    const t = parseTable('\ufeff1.5 2\r\n-3 4e2\r\n', 'a.txt');
    const text = formatTable(t.matrix.data, t.matrix.rows, t.matrix.cols, t.delimiter, t.columns);
    expect(text).toBe('1.5 2\n-3 400\n');
    expectTable(parseTable(text, 'a.txt'), { rows: 2, cols: 2, data: [1.5, 2, -3, 400] });
  });
});

// Found in review: each of these once parsed wrongly or failed.
describe('regressions', () => {
  test.each<[string, number[]]>([
    ['1 \t2\n3 \t4\n', [1, 2, 3, 4]], // a space beside a tab: whitespace, not TSV
    ['1\t 2\n3\t 4\n', [1, 2, 3, 4]],
    ['1 2\n3 4\u00a0\n', [1, 2, 3, 4]], // a no-break space is a blank on every row, not only the first
    ['1 2\n\f\n3 4\n', [1, 2, 3, 4]], // a form-feed line is blank
    ['\f\n1 2\n', [1, 2]],
  ])('%j', (text, expected) => {
    const table = parseTable(text, 'x.txt');
    expect(table.delimiter).toBe('whitespace');
    expect(Array.from(table.matrix.data)).toEqual(expected);
  });

  test('a TSV header may hold spaces', () => {
    const table = parseTable('user id\tscore\n1\t2\n', 'x.txt');
    expect(table.delimiter).toBe('\t');
    expect(table.columns).toEqual(['user id', 'score']);
  });

  test('header names that start with # or hold a new line survive a round trip', () => {
    const text = formatTable([1, 2], 1, 2, ',', ['#id', 'a\nb']);
    const back = parseTable(text, 'o.csv', { header: true });
    expect(back.columns).toEqual(['#id', 'a\nb']);
    expect(Array.from(back.matrix.data)).toEqual([1, 2]);
  });

  test("the csv-parse reference for whitespace splits on tabs and skips blank and indented comment lines", () => {
    const rows: string[][] = [];
    splitWithCsvParse('1\t2\n \n  # c\n3  4\n', ' ', (record) => rows.push(record));
    expect(rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
  });
});
