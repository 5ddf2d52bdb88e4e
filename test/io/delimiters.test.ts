/**
 * Delimiters beyond comma, tab and whitespace (semicolon, pipe, `::`, any single
 * character), their sniffing, and decimal commas.
 */
import { InvalidArgumentError } from 'commander';
import { DataError, UsageError } from '../../src/core/errors';
import { parseDelimiter } from '../../src/cli/parsers';
import { delimiterFromName, describe as describeDelimiter, formatTable, isAllowedDelimiter, parseTable, sniffDelimiter, type Delimiter, type ReadOptions, type Table } from '../../src/io/table';

function parseError(text: string, source: string, options: ReadOptions = {}): string {
  try {
    parseTable(text, source, options);
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return (err as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail to parse`);
}

function shape(t: Table) {
  return { delimiter: t.delimiter, columns: t.columns, rows: t.matrix.rows, cols: t.matrix.cols, data: Array.from(t.matrix.data), observed: t.matrix.observed ? Array.from(t.matrix.observed) : null };
}

describe('more delimiters: semicolon, pipe, ::, any single character', () => {
  test.each<[string, Delimiter]>([
    ['1;2;3\n4;5;6\n', ';'],
    ['1|2|3\n4|5|6\n', '|'],
    ['1::2::3\n4::5::6\n', '::'],
    ['1:2:3\n4:5:6\n', ':'],
    ['1 2 3\n4 5 6\n', ' '],
    ['1x2x3\n4x5x6\n', 'x'],
    ['1€2€3\n4€5€6\n', '€'],
  ])('the option %j reads with %j', (text, delimiter) => {
    expect(shape(parseTable(text, 'a.dat', { delimiter }))).toEqual({ delimiter, columns: null, rows: 2, cols: 3, data: [1, 2, 3, 4, 5, 6], observed: null });
  });

  test('MovieLens ratings.dat (::), sniffed', () => {
    const t = parseTable('1::1193::5::978300760\n1::661::3::978302109\n', 'ratings.dat');
    expect(shape(t)).toEqual({ delimiter: '::', columns: null, rows: 2, cols: 4, data: [1, 1193, 5, 978300760, 1, 661, 3, 978302109], observed: null });
  });

  test('semicolon cells are trimmed, quoted, and may be empty (missing), as CSV cells', () => {
    const t = parseTable('"a;b" ; c\n 1 ;"2"\n;3\n', 'a.dat', { delimiter: ';' });
    expect(shape(t)).toEqual({ delimiter: ';', columns: ['a;b', 'c'], rows: 2, cols: 2, data: [1, 2, 0, 3], observed: [1, 1, 0, 1] });
  });

  test('a ::-separated header, comments and blank lines, and a ragged row with its line', () => {
    expect(shape(parseTable('# MovieLens\nuser::item\n\n1::2\n', 'r.dat'))).toMatchObject({ delimiter: '::', columns: ['user', 'item'], data: [1, 2] });
    expect(parseError('1::2\n3::4::5\n', 'r.dat')).toBe('r.dat:2: the row has 3 cells, but line 1 has 2');
    expect(parseError('1::2\n3::x\n', 'r.dat')).toBe('r.dat:2:2: "x" is not a number');
    // A single ':' is part of a cell.
    expect(parseError('1::2\n3:4::5\n', 'r.dat')).toBe('r.dat:2:1: "3:4" is not a number');
  });

  test('errors name the layout', () => {
    expect(parseError('1;2\n3;"4\n', 'a.dat')).toMatch(/^a\.dat:2: cannot parse as semicolon-separated: .*quote/);
    expect(parseError('1|2\n3|"4\n', 'a.dat', { delimiter: '|' })).toMatch(/^a\.dat:2: cannot parse as pipe-separated: .*quote/);
    expect(parseError('1::2\n3::"4\n', 'a.dat')).toMatch(/^a\.dat:2: cannot parse as "::"-separated: .*quote/);
  });

  test('describe() names every layout', () => {
    expect([',', '\t', 'whitespace', ';', '|', '::', ':'].map(describeDelimiter)).toEqual([
      'CSV',
      'TSV',
      'whitespace-separated',
      'semicolon-separated',
      'pipe-separated',
      '"::"-separated',
      '":"-separated',
    ]);
  });

  test.each(['"', '\n', '\r', '0', '7', '+', '-', '.', ',,', 'ab', ':::', '', '٣'])('the delimiter %j is refused (UsageError)', (delimiter) => {
    expect(isAllowedDelimiter(delimiter)).toBe(false);
    expect(() => parseTable('1 2\n', 'a.txt', { delimiter })).toThrow(UsageError);
  });
});

describe('sniffing: ::, comma, semicolon, tab, whitespace', () => {
  test.each<[string, Delimiter]>([
    ['1::2\n', '::'],
    ['a::b,c\n', '::'],
    ['1;2\n', ';'],
    ['a;b;c\n', ';'],
    ['"a,b";c\n', ';'], // the comma is inside quotes
    ['"a;b",c\n', ','],
    ['1,2;3\n', ','], // a comma outside quotes wins
    ['"a,b"\n', ','], // a comma inside quotes and nothing else: a one-column CSV, as before
    ['1;2\t3\n', ';'],
    ['1\t2\n', '\t'],
    ['1 2\n', 'whitespace'],
    ['# 1;2\n\n1 2\n', 'whitespace'],
  ])('%j -> %j', (text, expected) => {
    expect(sniffDelimiter(text)).toBe(expected);
  });

  test('a .csv file whose first data line has semicolons and no commas is semicolon-separated (a European Excel export)', () => {
    expect(shape(parseTable('# export\na;b\r\n1;2\r\n', 'x.csv'))).toMatchObject({ delimiter: ';', columns: ['a', 'b'], data: [1, 2] });
    expect(parseTable('a,b;c\n1,2\n', 'x.csv').delimiter).toBe(',');
    expect(parseTable('1\n2\n', 'x.csv').delimiter).toBe(',');
    // .tsv says tab whatever the line holds.
    expect(shape(parseTable('a;b\tc\n1\t3\n', 'x.tsv'))).toMatchObject({ delimiter: '\t', columns: ['a;b', 'c'] });
  });

  test('the extension looks through .gz', () => {
    expect(['x.csv.gz', 'X.TSV.GZ', 'x.tab.gz', 'x.gz', 'x.txt.gz', 'x.csv'].map(delimiterFromName)).toEqual([',', '\t', '\t', undefined, undefined, ',']);
  });
});

describe('decimal commas', () => {
  test('cells such as 3,5 and -1,25e3 read as 3.5 and -1250, the same doubles as 3.5 and -1.25e3', () => {
    const t = parseTable('a;b;c\n3,5;-1,25e3;7\n0,1;,5;1,\n', 'x.csv', { decimalComma: true });
    expect(shape(t)).toEqual({ delimiter: ';', columns: ['a', 'b', 'c'], rows: 2, cols: 3, data: [3.5, -1250, 7, 0.1, 0.5, 1], observed: null });
    const cells = ['0,1', '1,7976931348623157e308', '4,9e-324', '123456789012345678,5', '-0,000123'];
    const u = parseTable(cells.join('\t') + '\n', 'x.txt', { decimalComma: true });
    expect(Array.from(u.matrix.data)).toEqual(cells.map((c) => Number(c.replace(',', '.'))));
    expect(Object.is(parseTable('-0,0\t1\n', 'x.tsv', { decimalComma: true }).matrix.data[0], -0)).toBe(true);
  });

  test('with a sniffed delimiter the commas are decimal marks: semicolon, tab or whitespace', () => {
    expect(parseTable('1,5;2\n', 'x', { decimalComma: true }).delimiter).toBe(';');
    expect(parseTable('1,5\t2\n', 'x', { decimalComma: true }).delimiter).toBe('\t');
    expect(shape(parseTable('1,5 2,25\n3 4\n', 'x', { decimalComma: true }))).toMatchObject({ delimiter: 'whitespace', data: [1.5, 2.25, 3, 4] });
    // A .csv with commas and semicolons: the semicolons.
    expect(parseTable('1,5;2\n', 'x.csv', { decimalComma: true }).delimiter).toBe(';');
  });

  test('a comma delimiter, given or found, is a DataError', () => {
    const message = 'x.csv: --decimal-comma needs a delimiter other than comma, such as --delimiter semicolon';
    expect(parseError('1,5\n', 'x.csv', { decimalComma: true })).toBe(message);
    expect(parseError('1;5\n', 'x.csv', { decimalComma: true, delimiter: ',' })).toBe(message);
    expect(() => formatTable([1.5], 1, 1, ',', null, { decimalComma: true })).toThrow(/--decimal-comma needs a delimiter other than comma/);
  });

  test("a cell with a '.' is an error naming the decimal mark", () => {
    expect(parseError('1;1.234,5\n', 'x.txt', { decimalComma: true })).toBe(`x.txt:1:2: "1.234,5" is not a number (with --decimal-comma the decimal mark is ',' and '.' is not allowed)`);
    expect(parseError('1;2\n3;4.5\n', 'x.txt', { decimalComma: true })).toBe(`x.txt:2:2: "4.5" is not a number (with --decimal-comma the decimal mark is ',' and '.' is not allowed)`);
    expect(parseError('1;2\n3;1,2,3\n', 'x.txt', { decimalComma: true })).toBe('x.txt:2:2: "1,2,3" is not a number');
  });

  test('without --decimal-comma, 3,5 in a semicolon, tab or pipe file gets a hint; not in CSV, nor in whitespace', () => {
    expect(parseError('a;b\n1;3,5\n', 'x.txt')).toBe('x.txt:2:2: "3,5" is not a number (a decimal comma? use --decimal-comma)');
    expect(parseError('1\t2\n3\t-3,5e2\n', 'x.tsv')).toBe('x.tsv:2:2: "-3,5e2" is not a number (a decimal comma? use --decimal-comma)');
    expect(parseError('3,5|1\n', 'x.dat', { delimiter: '|' })).toBe('x.dat:1:1: "3,5" is not a number (a decimal comma? use --decimal-comma)');
    expect(parseError('1,2\n3,"1,5"\n', 'n.csv')).toBe('n.csv:2:2: "1,5" is not a number');
    expect(parseError('1;2\n3;1,2,3\n', 'x.txt')).toBe('x.txt:2:2: "1,2,3" is not a number');
  });

  test('--missing markers are read with the decimal comma too', () => {
    expect(shape(parseTable('1;0,5\n0,50;2\n', 'x.txt', { decimalComma: true, missing: ['0,5'] }))).toMatchObject({ data: [1, 0, 0, 2], observed: [1, 0, 0, 1] });
  });

  test('formatTable writes a decimal comma when asked, and it reads back', () => {
    const values = [1.5, -2, 3e-7, 1e21, 0.1, 1024.5];
    const text = formatTable(values, 2, 3, ';', ['a', 'b;c', 'd'], { decimalComma: true });
    expect(text).toBe('a;"b;c";d\n1,5;-2;3e-7\n1e+21;0,1;1024,5\n');
    expect(shape(parseTable(text, 'x.csv', { decimalComma: true }))).toMatchObject({ delimiter: ';', columns: ['a', 'b;c', 'd'], data: values });
  });
});

describe('formatTable with the new delimiters', () => {
  test.each<[Delimiter, string]>([
    [';', 'a;"b;c"\n1;2.5\n'],
    ['|', 'a|b;c\n1|2.5\n'],
    ['::', 'a::b;c\n1::2.5\n'],
  ])('%j', (delimiter, expected) => {
    const text = formatTable([1, 2.5], 1, 2, delimiter, ['a', 'b;c']);
    expect(text).toBe(expected);
    expect(shape(parseTable(text, 'x.dat', { delimiter }))).toMatchObject({ delimiter, columns: ['a', 'b;c'], data: [1, 2.5] });
  });

  test('a name holding a character of :: is quoted, so that it reads back', () => {
    const text = formatTable([1, 2], 1, 2, '::', ['a:', ':b']);
    expect(text).toBe('"a:"::":b"\n1::2\n');
    expect(parseTable(text, 'x.dat', { delimiter: '::' }).columns).toEqual(['a:', ':b']);
  });
});

describe('parseDelimiter (--delimiter)', () => {
  test.each<[string, string]>([
    ['comma', ','],
    ['tab', '\t'],
    ['whitespace', 'whitespace'],
    ['space', 'whitespace'],
    ['semicolon', ';'],
    ['SEMICOLON', ';'],
    [';', ';'],
    ['pipe', '|'],
    ['|', '|'],
    ['::', '::'],
    [':', ':'],
    ['^', '^'],
    ['\\t', '\t'],
  ])('%j -> %j', (text, expected) => {
    expect(parseDelimiter(text)).toBe(expected);
  });

  test.each(['"', '5', '+', '-', '.', 'ab', ':::', 'constructor', ''])('%j is refused, and the message lists what is accepted', (text) => {
    expect(() => parseDelimiter(text)).toThrow(InvalidArgumentError);
    expect(() => parseDelimiter(text)).toThrow(
      `expected comma, tab, whitespace (or space), semicolon, pipe, :: or a single character other than a quote, a digit, a sign or '.', got "${text}"`,
    );
  });

  test('what it accepts, the readers accept', () => {
    for (const text of ['comma', 'tab', 'semicolon', 'pipe', '::', ':', '^', '~']) expect(isAllowedDelimiter(parseDelimiter(text))).toBe(true);
  });
});
