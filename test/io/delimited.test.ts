/**
 * The CSV/TSV scanner (src/io/delimited.ts) against csv-parse, which the reader
 * used before: on random RFC-4180 tables (quoted names with delimiters, quotes
 * and new lines, padded and quoted numbers, missing cells, blank and comment
 * lines, ragged rows) both give the same table or both fail; and the scanner
 * gives the same whatever the pieces the text comes in.
 */
import fc from 'fast-check';
import { DataError } from '../../src/core/errors';
import { CellReader } from '../../src/io/cells';
import { parseStream } from '../../src/io/stream';
import { parseTable, splitWithCsvParse, type ReadOptions } from '../../src/io/table';

type Outcome = { columns: string[] | null; rows: number; cols: number; data: number[]; observed: number[] | null } | 'error';

/** The table csv-parse's records give, by the rules of the reader (the header rule as now). */
function reference(text: string, delimiter: ',' | '\t', header: boolean | undefined): Outcome {
  try {
    const records: string[][] = [];
    splitWithCsvParse(text, delimiter, (cells) => records.push(cells));
    if (records.length === 0) return 'error';
    const cells = new CellReader([], 'r');
    const isHeader = header ?? records[0].some((c) => cells.isName(c));
    const width = records[0].length;
    const body = isHeader ? records.slice(1) : records;
    if (body.length === 0) return 'error';
    const data: number[] = [];
    const observed: number[] = [];
    for (const record of body) {
      if (record.length !== width) return 'error';
      for (const c of record) {
        const v = cells.read(c, 1, 1);
        data.push(Number.isNaN(v) ? 0 : v);
        observed.push(Number.isNaN(v) ? 0 : 1);
      }
    }
    return { columns: isHeader ? records[0] : null, rows: body.length, cols: width, data, observed: observed.includes(0) ? observed : null };
  } catch {
    return 'error';
  }
}

function ours(text: string, source: string, options: ReadOptions): Outcome {
  try {
    const t = parseTable(text, source, options);
    return {
      columns: t.columns,
      rows: t.matrix.rows,
      cols: t.matrix.cols,
      data: Array.from(t.matrix.data),
      observed: t.matrix.observed ? Array.from(t.matrix.observed) : null,
    };
  } catch (err) {
    if (!(err instanceof DataError)) throw err;
    return 'error';
  }
}

const BLANKS = [' ', '  ', '\t', '\u00a0', '\f'];

/** A random table's text for a delimiter: names (quoted or not) on line 1, then numeric rows, blank and comment lines between. */
const tableText = (delimiter: ',' | '\t') => {
  const trim = delimiter === ',';
  const inName = ['a', 'b', 'Z', '_', '1', '.', '-', '#', 'é', ' ', ',', '\t', ';'].filter((c) => c !== delimiter);
  const unquotedName = fc
    .array(fc.constantFrom(...inName), { minLength: 1, maxLength: 6 })
    .map((chars) => `n${chars.join('')}`)
    .map((s) => (trim ? s.trim() || 'n' : s));
  const quotedName = fc
    .array(fc.constantFrom(...inName, delimiter, '"', '\n', 'x'), { minLength: 0, maxLength: 8 })
    .map((chars) => `"${chars.join('').replace(/"/g, '""')}"`);
  const pad = trim ? fc.constantFrom('', '', '', ...BLANKS) : fc.constant('');
  const number = fc.oneof(
    fc.integer({ min: -5000, max: 5000 }).map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    fc.constantFrom('1e3', '-.5', '+7', '0.000', '1E-2', '12345678901234567890'),
  );
  const dataCell = fc
    .record({ text: fc.oneof({ weight: 8, arbitrary: number }, { weight: 1, arbitrary: fc.constantFrom('', 'NA', '?', 'nan') }), quote: fc.boolean(), left: pad, right: pad })
    // csv-parse refused a multi-byte blank after a closing quote ("0"\u00a0,1), a bug of its own: not compared.
    .map(({ text, quote, left, right }) => `${left}${quote ? `"${text}"` : text}${quote && right === '\u00a0' ? ' ' : right}`);
  const extraLine = fc.constantFrom('', '', trim ? '  ' : '', '# a comment, "quoted', trim ? '  # indented' : '#', '""');
  return fc
    .record({ cols: fc.integer({ min: 1, max: 5 }), rows: fc.integer({ min: 1, max: 6 }) })
    .chain(({ cols, rows }) =>
      fc.record({
        header: fc.array(fc.oneof(unquotedName, quotedName, dataCell), { minLength: cols, maxLength: cols }),
        body: fc.array(
          fc.oneof(
            { weight: 12, arbitrary: fc.array(dataCell, { minLength: cols, maxLength: cols }) },
            { weight: 1, arbitrary: fc.array(dataCell, { minLength: 1, maxLength: cols + 2 }) }, // maybe ragged
          ),
          { minLength: rows, maxLength: rows },
        ),
        extras: fc.array(fc.option(extraLine, { freq: 3 }), { minLength: rows + 1, maxLength: rows + 1 }),
        finalEol: fc.boolean(),
      }),
    )
    .map(({ header, body, extras, finalEol }) => {
      const lines: string[] = [];
      [header, ...body].forEach((cells, i) => {
        if (extras[i] !== null) lines.push(extras[i] as string);
        lines.push(cells.join(delimiter));
      });
      return lines.join('\n') + (finalEol ? '\n' : '');
    });
};

describe('the scanner reads what csv-parse read', () => {
  test.each<[',' | '\t', string, number]>([
    [',', 'x.csv', 6001],
    ['\t', 'x.tsv', 6002],
  ])('random tables, delimiter %j (header detected, and forced)', (delimiter, source, seed) => {
    fc.assert(
      fc.property(tableText(delimiter), fc.constantFrom<boolean | undefined>(undefined, undefined, true, false), (text, header) => {
        // The delimiter given, as csv-parse was given it (a .csv line with semicolons alone is now semicolon-separated).
        const options: ReadOptions = header === undefined ? { delimiter } : { header, delimiter };
        const expected = reference(text, delimiter, header);
        expect(ours(text, source, options)).toEqual(expected);
      }),
      { seed, numRuns: 1500 },
    );
  });

  test.each<[string, string]>([
    ['1,"a"b\n', 'text after a closing quote'],
    ['1,a"b\n', 'a quote inside an unquoted cell'],
    ['1, "a" x\n', 'text after a closing quote, past blanks'],
    ['"a\n', 'an unclosed quote'],
    ['a,b\n1,"2\n\n3\n', 'an unclosed quote over lines'],
  ])('malformed quoting fails in both: %j (%s)', (text) => {
    expect(reference(text, ',', undefined)).toBe('error');
    expect(ours(text, 'x.csv', {})).toBe('error');
    expect(() => parseTable(text, 'x.csv')).toThrow(/^x\.csv:\d+(:\d+)?: cannot parse as CSV: /);
  });

  test('messages of malformed quoting name the line and the cell', () => {
    expect(() => parseTable('a,b\n1,"x"y\n', 'q.csv')).toThrow('q.csv:2:2: cannot parse as CSV: "y" after a closing quote; expected "," or the end of the line');
    expect(() => parseTable('a,b\n1,x"y\n', 'q.csv')).toThrow('q.csv:2:2: cannot parse as CSV: a quote inside an unquoted cell ("x\\""); quote the whole cell and double the quotes in it');
    expect(() => parseTable('a,b\n1,"x\ny\n', 'q.csv')).toThrow('q.csv:2: cannot parse as CSV: the quote that opens cell 2 is never closed');
  });

  test('a no-break space after a closing quote is trimmed like any blank (csv-parse refused it)', () => {
    expect(Array.from(parseTable('"0"\u00a0,1\n', 'n.csv').matrix.data)).toEqual([0, 1]);
    expect(reference('"0"\u00a0,1\n', ',', undefined)).toBe('error');
  });

  test('a quoted cell over several lines: later line numbers stay exact', () => {
    expect(() => parseTable('"a\nb",c\n1,2\n3,x\n', 'm.csv')).toThrow('m.csv:4:2: "x" is not a number');
    expect(parseTable('"a\nb",c\n1,2\n', 'm.csv').columns).toEqual(['a\nb', 'c']);
  });

  test('a ragged row is reported before a bad cell in it (CSV), a bad cell before the excess (whitespace), as before', () => {
    expect(() => parseTable('1,2\nx,3,4\n', 'r.csv')).toThrow('r.csv:2: the row has 3 cells, but line 1 has 2');
    expect(() => parseTable('1 2\nx 3 4\n', 'r.txt')).toThrow('r.txt:2:1: "x" is not a number');
    expect(() => parseTable('1 2\n3 4 x\n', 'r.txt')).toThrow('r.txt:2: the row has 3 cells, but line 1 has 2');
  });
});

/** The text's bytes in pieces cut at the given offsets. */
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

describe('parseStream gives what parseTable gives, cut anywhere: the new delimiters', () => {
  const TEXTS: Array<[string, string, ReadOptions]> = [
    ['r.dat', '1::1193::5::978300760\r\n1::661::3::978302109\r\n2::3::"4"::"5::6"\n', {}],
    ['s.csv', '\ufeffa;"b;\n""c"""\n1,5;2\n\n# c\n3;-0,25e1\n', { decimalComma: true }],
    ['p.txt', 'x|y\n1|2\n3|"4|4"\n', { delimiter: '|' }],
    ['q.csv', 'a,b\n1,"2\n', {}],
    ['e.txt', 'a€b\n1€2\n', { delimiter: '€' }],
    ['h.txt', '1 2 0x10 3\n4 5 6 7\n', {}],
    ['w.tsv', '\t1\n2\t\n\t\n', {}],
    ['bad.dat', 'a;b\n1;3,5\n', {}],
  ];

  test.each(TEXTS)('%s', async (name, text, options) => {
    const bytes = Buffer.from(text, 'utf8');
    const whole = await outcome(() => parseTable(text, name, options));
    for (let cut = 1; cut < bytes.length; cut++) expect(await outcome(() => parseStream(chunked(bytes, [cut]), name, options))).toEqual(whole);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }), async (cuts) => {
        expect(await outcome(() => parseStream(chunked(bytes, cuts), name, options))).toEqual(whole);
      }),
      { seed: 6003, numRuns: 60 },
    );
  });

  test('random CSV and TSV tables, cut anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<',' | '\t'>(',', '\t').chain((d) => fc.tuple(fc.constant(d), tableText(d))), fc.array(fc.nat(), { maxLength: 8 }), async ([d, text], cuts) => {
        const name = d === ',' ? 'x.csv' : 'x.tsv';
        const bytes = Buffer.from(text, 'utf8');
        const whole = await outcome(() => parseTable(text, name));
        expect(await outcome(() => parseStream(chunked(bytes, cuts.map((c) => 1 + (c % Math.max(1, bytes.length - 1)))), name))).toEqual(whole);
      }),
      { seed: 6004, numRuns: 300 },
    );
  });
});
