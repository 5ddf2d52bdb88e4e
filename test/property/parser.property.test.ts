/**
 * Property-based tests of the table parser (issue 5): random matrices written
 * by hand as CSV, TSV or whitespace text, in every layout the parser promises
 * to read, must come back exactly. Every property has a fixed seed and a
 * bounded number of runs, so a failure replays the same way every time.
 *
 * test/io/table.test.ts already covers formatTable → parseTable for complete
 * matrices without -0 and the whitespace fast path against csv-parse; these
 * properties add missing cells, hand-written text (CRLF, BOM, final newline,
 * quoting, sniffed delimiters, header detection) and formatTable's exact text.
 */
import fc from 'fast-check';
import { fromRows } from '../../src/core/matrix';
import { formatTable, parseTable, type Delimiter, type Table } from '../../src/io/table';

// ---------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------

/** Finite doubles of every kind: any double, integers, tiny and huge magnitudes, subnormals, -0. */
const value: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 3, arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: -2000, max: 2000 }) }, // both sides of formatTable's ±1024 cache
  { weight: 1, arbitrary: fc.maxSafeInteger() },
  { weight: 2, arbitrary: fc.double({ min: -1e-300, max: 1e-300, noNaN: true }) }, // tiny, subnormals included
  { weight: 2, arbitrary: fc.double({ min: 1e300, max: Number.MAX_VALUE, noNaN: true }).chain((v) => fc.constantFrom(v, -v)) },
  { weight: 1, arbitrary: fc.constantFrom(-0, 0, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, 0.1, 1e21, 1e-7) },
);

/** A cell: a value, or NaN for a missing one (as in fromRows). */
const cell = (missingRate: number): fc.Arbitrary<number> =>
  missingRate === 0 ? value : fc.oneof({ weight: Math.round(100 * (1 - missingRate)), arbitrary: value }, { weight: Math.round(100 * missingRate), arbitrary: fc.constant(NaN) });

/**
 * The text of a number, in one of several forms that all read back as the same
 * double: the shortest round-trip form, a full exponential, 17 significant
 * digits, upper-case E, an explicit + sign, and -0 written with its sign.
 */
type NumberStyle = 'shortest' | 'exponential' | 'precision17' | 'upperE' | 'plus';
const NUMBER_STYLES: NumberStyle[] = ['shortest', 'exponential', 'precision17', 'upperE', 'plus'];

function numberText(v: number, style: NumberStyle): string {
  if (Object.is(v, -0)) return style === 'exponential' ? '-0e+0' : '-0';
  switch (style) {
    case 'shortest':
      return String(v);
    case 'exponential':
      return v.toExponential();
    case 'precision17':
      return v.toPrecision(17);
    case 'upperE':
      return String(v).toUpperCase();
    case 'plus':
      return v >= 0 ? `+${String(v)}` : String(v);
  }
}

// ---------------------------------------------------------------------------
// Hand-written tables
// ---------------------------------------------------------------------------

type Format = 'csv' | 'tsv' | 'whitespace';
const DELIMITER: Record<Format, Delimiter> = { csv: ',', tsv: '\t', whitespace: 'whitespace' };
const EXTENSION: Record<Format, string> = { csv: 'csv', tsv: 'tsv', whitespace: 'txt' };

/** Column names made of letters; never a missing marker or an infinity (those read as data). */
const columnName = fc.stringMatching(/^[A-Za-z]{1,8}$/).filter((s) => !/^(?:na|nan|inf|infinity)$/i.test(s));

interface Layout {
  readonly format: Format;
  readonly eol: '\n' | '\r\n';
  readonly bom: boolean;
  readonly finalEol: boolean;
  /** How the parser is told the delimiter: by the file's extension, by sniffing the content, or by the option. */
  readonly how: 'extension' | 'sniff' | 'option';
}

interface Case {
  readonly rows: number[][];
  readonly columns: string[] | null;
  readonly layout: Layout;
  readonly text: string;
  readonly source: string;
  readonly delimiter: Delimiter | undefined;
}

/** The text of one cell. Missing: empty (CSV/TSV only) or a default marker; CSV cells may be quoted or padded. */
function cellText(v: number, format: Format, choice: { style: NumberStyle; marker: string; quote: boolean; pad: string }): string {
  let text = Number.isNaN(v) ? choice.marker : numberText(v, choice.style);
  if (format === 'csv') {
    if (choice.quote) text = `"${text}"`;
    text = choice.pad + text + choice.pad;
  }
  return text;
}

const cellChoice = (format: Format, cols: number, how: Layout['how']) =>
  fc.record({
    style: fc.constantFrom(...NUMBER_STYLES),
    // An empty cell cannot be seen in whitespace text, and in a one-column CSV or
    // TSV it is a blank line, which the parser skips: there, only markers.
    marker: format === 'whitespace' || cols === 1 ? fc.constantFrom('NA', 'na', 'NaN', '?') : fc.constantFrom('', '', 'NA', 'NA', 'nan', '?'),
    // A sniffed one-column CSV has no comma to be known by: it is read as whitespace, where quotes are not special.
    quote: format === 'csv' && !(how === 'sniff' && cols === 1) ? fc.boolean() : fc.constant(false),
    pad: format === 'csv' ? fc.constantFrom('', '', ' ', '  ') : fc.constant(''),
  });

/**
 * Blanks between whitespace cells. Unless the delimiter is given as an option, each
 * run holds a space: a .txt name does not tell the delimiter, and a first line such
 * as "a b<tab>c" is sniffed as TSV with the columns "a b" and "c" (by design: a TSV
 * header may have spaces in its names).
 */
const whitespaceSeparator = (how: Layout['how']) =>
  fc
    .array(fc.constantFrom(' ', '\t'), { minLength: 1, maxLength: 3 })
    .map((chars) => chars.join(''))
    .filter((s) => how === 'option' || s.includes(' '));

const layout: fc.Arbitrary<Layout> = fc.record({
  format: fc.constantFrom<Format>('csv', 'tsv', 'whitespace'),
  eol: fc.constantFrom<'\n' | '\r\n'>('\n', '\r\n'),
  bom: fc.boolean(),
  finalEol: fc.boolean(),
  how: fc.constantFrom<Layout['how']>('extension', 'sniff', 'option'),
});

const tableCase: fc.Arbitrary<Case> = fc
  .record({
    nRows: fc.integer({ min: 1, max: 30 }),
    nCols: fc.integer({ min: 1, max: 8 }),
    missingRate: fc.constantFrom(0, 0, 0.1, 0.3, 0.7),
    header: fc.boolean(),
    layout,
  })
  .chain(({ nRows, nCols, missingRate, header, layout }) =>
    fc.record({
      rows: fc.array(fc.array(cell(missingRate), { minLength: nCols, maxLength: nCols }), { minLength: nRows, maxLength: nRows }),
      columns: header ? fc.array(columnName, { minLength: nCols, maxLength: nCols }) : fc.constant(null),
      choices: fc.array(fc.array(cellChoice(layout.format, nCols, layout.how), { minLength: nCols, maxLength: nCols }), { minLength: nRows, maxLength: nRows }),
      seps: fc.array(fc.array(whitespaceSeparator(layout.how), { minLength: nCols, maxLength: nCols }), { minLength: nRows + 1, maxLength: nRows + 1 }),
      layout: fc.constant(layout),
    }),
  )
  .map(({ rows, columns, choices, seps, layout }) => {
    const { format, eol, bom, finalEol, how } = layout;
    const join = (cells: string[], r: number) =>
      format === 'csv' ? cells.join(',') : format === 'tsv' ? cells.join('\t') : cells.map((c, i) => (i > 0 ? seps[r][i] : '') + c).join('');
    const lines: string[] = [];
    if (columns) lines.push(join(columns, rows.length));
    rows.forEach((row, r) =>
      lines.push(
        join(
          row.map((v, c) => cellText(v, format, choices[r][c])),
          r,
        ),
      ),
    );
    const text = (bom ? '\ufeff' : '') + lines.join(eol) + (finalEol ? eol : '');
    const source = how === 'extension' ? `table.${EXTENSION[format]}` : how === 'sniff' ? '<stdin>' : 'table.dat';
    const delimiter = how === 'option' ? DELIMITER[format] : undefined;
    return { rows, columns, layout, text, source, delimiter };
  });

/** The delimiter the parser should report. Sniffing a one-column CSV finds no comma: it reads it as whitespace, with the same cells. */
function expectedDelimiter(c: Case): Delimiter {
  const d = DELIMITER[c.layout.format];
  if (c.layout.how === 'sniff' && c.rows[0].length === 1) return 'whitespace';
  return d;
}

/** Values and mask, compared with === (so -0 and 0 are equal), with the first mismatch in the message. */
function expectSameMatrix(t: Table, rows: number[][]): void {
  const expected = fromRows(rows);
  const { matrix } = t;
  expect({ rows: matrix.rows, cols: matrix.cols }).toEqual({ rows: expected.rows, cols: expected.cols });
  expect(matrix.data.length).toBe(expected.rows * expected.cols);
  for (let c = 0; c < expected.data.length; c++) {
    if (matrix.data[c] !== expected.data[c]) {
      throw new Error(`cell ${c} (row ${Math.floor(c / expected.cols)}, column ${c % expected.cols}): got ${matrix.data[c]}, expected ${expected.data[c]}`);
    }
  }
  expect(matrix.observed === null ? null : Array.from(matrix.observed)).toEqual(expected.observed === null ? null : Array.from(expected.observed));
}

describe('parseTable reads back hand-written tables exactly', () => {
  // Found by the round-trip property: sniffDelimiter once trimmed the first line
  // before looking for a tab, so a leading or trailing empty TSV cell there vanished
  // and the text was read as whitespace, with fewer columns or as ragged.
  test.each([
    ['\t1\n\t2\n', 2, 2],
    ['1\t\n2\t\n', 2, 2],
    ['\t1\n3\t2\n', 2, 2],
    ['\t?\n\t\n\t0\n', 3, 2],
  ])('a sniffed TSV whose first line starts or ends with an empty cell keeps its columns (%j)', (text, rows, cols) => {
    const t = parseTable(text, '<stdin>');
    expect({ rows: t.matrix.rows, cols: t.matrix.cols, delimiter: t.delimiter }).toEqual({ rows, cols, delimiter: '\t' });
  });

  test.each([
    ['\t1\n\t2\n', 2, 2],
    ['1\t\n2\t\n', 2, 2],
    ['\t1\n3\t2\n', 2, 2],
    ['\t?\n\t\n\t0\n', 3, 2],
  ])('the same TSV named .tsv keeps its columns (%j)', (text, rows, cols) => {
    const t = parseTable(text, 'x.tsv');
    expect({ rows: t.matrix.rows, cols: t.matrix.cols }).toEqual({ rows, cols });
  });

  test('CSV, TSV and whitespace; header or not; missing cells; LF or CRLF; BOM; final newline or not', () => {
    fc.assert(
      fc.property(tableCase, (c) => {
        const t = parseTable(c.text, c.source, c.delimiter === undefined ? {} : { delimiter: c.delimiter });
        expectSameMatrix(t, c.rows);
        expect(t.columns).toEqual(c.columns);
        expect(t.delimiter).toBe(expectedDelimiter(c));
      }),
      { seed: 5001, numRuns: 400 },
    );
  });

  test('header: true and header: false agree with the detection', () => {
    fc.assert(
      fc.property(tableCase, (c) => {
        const options = { header: c.columns !== null, ...(c.delimiter === undefined ? {} : { delimiter: c.delimiter }) };
        const t = parseTable(c.text, c.source, options);
        expectSameMatrix(t, c.rows);
        expect(t.columns).toEqual(c.columns);
      }),
      { seed: 5002, numRuns: 150 },
    );
  });

  test('a header row is a row with a cell that is neither a number nor a missing marker', () => {
    // One name among numbers and markers is enough; the names are kept as written.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }).chain((cols) =>
          fc.record({
            first: fc.array(fc.oneof(value.map((v) => numberText(v, 'shortest')), fc.constantFrom('NA', '?', 'nan')), { minLength: cols, maxLength: cols }),
            at: fc.integer({ min: 0, max: cols - 1 }),
            name: columnName,
            data: fc.array(fc.array(value, { minLength: cols, maxLength: cols }), { minLength: 1, maxLength: 5 }),
            format: fc.constantFrom<Format>('csv', 'tsv', 'whitespace'),
          }),
        ),
        ({ first, at, name, data, format }) => {
          const sep = format === 'csv' ? ',' : format === 'tsv' ? '\t' : ' ';
          const body = data.map((row) => row.map((v) => numberText(v, 'shortest')).join(sep)).join('\n');
          // Without the name the first row is data…
          const asData = parseTable(`${first.join(sep)}\n${body}\n`, `t.${EXTENSION[format]}`);
          expect(asData.columns).toBeNull();
          expect(asData.matrix.rows).toBe(data.length + 1);
          // …with it, the header.
          const header = first.slice();
          header[at] = name;
          const withHeader = parseTable(`${header.join(sep)}\n${body}\n`, `t.${EXTENSION[format]}`);
          expect(withHeader.columns).toEqual(header);
          expectSameMatrix(withHeader, data);
        },
      ),
      { seed: 5003, numRuns: 150 },
    );
  });
});

// ---------------------------------------------------------------------------
// formatTable's own output
// ---------------------------------------------------------------------------

const formatCase = fc
  .record({
    rows: fc.integer({ min: 1, max: 30 }),
    cols: fc.integer({ min: 1, max: 8 }),
    delimiter: fc.constantFrom<Delimiter>(',', '\t', 'whitespace'),
    header: fc.boolean(),
  })
  .chain(({ rows, cols, delimiter, header }) =>
    fc.record({
      rows: fc.constant(rows),
      cols: fc.constant(cols),
      delimiter: fc.constant(delimiter),
      values: fc.array(value, { minLength: rows * cols, maxLength: rows * cols }),
      columns: header ? fc.array(columnName, { minLength: cols, maxLength: cols }) : fc.constant(null),
    }),
  );

describe('formatTable', () => {
  test('writes one line per row (after the header), each cell as String(v), LF only, with a final newline', () => {
    fc.assert(
      fc.property(formatCase, ({ rows, cols, delimiter, values, columns }) => {
        const text = formatTable(values, rows, cols, delimiter, columns);
        const sep = delimiter === 'whitespace' ? ' ' : delimiter;
        expect(text.endsWith('\n')).toBe(true);
        expect(text).not.toMatch(/\r/);
        const lines = text.slice(0, -1).split('\n');
        expect(lines.length).toBe(rows + (columns ? 1 : 0));
        if (columns) expect(lines.shift()).toBe(columns.join(sep));
        lines.forEach((line, r) => {
          // String(-0) is "0": the sign of zero is not written.
          expect(line.split(sep)).toEqual(values.slice(r * cols, r * cols + cols).map((v) => String(v)));
        });
      }),
      { seed: 5004, numRuns: 150 },
    );
  });

  test('its text reads back to the same values and names, whatever way the delimiter is found', () => {
    fc.assert(
      fc.property(formatCase, fc.constantFrom('extension', 'sniff'), ({ rows, cols, delimiter, values, columns }, how) => {
        const text = formatTable(values, rows, cols, delimiter, columns);
        const ext = delimiter === ',' ? 'csv' : delimiter === '\t' ? 'tsv' : 'txt';
        const t = parseTable(text, how === 'extension' ? `out.${ext}` : 'out');
        const expected: number[][] = [];
        for (let r = 0; r < rows; r++) expected.push(values.slice(r * cols, r * cols + cols));
        expectSameMatrix(t, expected);
        expect(t.columns).toEqual(columns);
        // A one-column table has no delimiter to sniff: it reads as whitespace, with the same cells.
        expect(t.delimiter).toBe(how === 'sniff' && cols === 1 ? 'whitespace' : delimiter);
      }),
      { seed: 5005, numRuns: 150 },
    );
  });

  test('a parsed table with missing cells formats to the same layout and reads back with the missing cells as 0 (what complete writes)', () => {
    fc.assert(
      fc.property(tableCase, (c) => {
        const t = parseTable(c.text, c.source, c.delimiter === undefined ? {} : { delimiter: c.delimiter });
        const { rows, cols, data } = t.matrix;
        const text = formatTable(data, rows, cols, t.delimiter, t.columns);
        const back = parseTable(text, c.source, c.delimiter === undefined ? {} : { delimiter: c.delimiter });
        expect(back.matrix.observed).toBeNull();
        expect(back.columns).toEqual(t.columns);
        expectSameMatrix(back, c.rows.map((row) => row.map((v) => (Number.isNaN(v) ? 0 : v))));
      }),
      { seed: 5006, numRuns: 150 },
    );
  });
});

// ---------------------------------------------------------------------------
// The delimiters beyond comma, tab and whitespace, and decimal commas
// ---------------------------------------------------------------------------

type NewDelimiter = ';' | '|' | '::';

const newCase = fc
  .record({
    nRows: fc.integer({ min: 1, max: 20 }),
    nCols: fc.integer({ min: 1, max: 6 }),
    missingRate: fc.constantFrom(0, 0, 0.2),
    header: fc.boolean(),
    delimiter: fc.constantFrom<NewDelimiter>(';', '|', '::'),
    decimalComma: fc.boolean(),
    eol: fc.constantFrom('\n', '\r\n'),
    bom: fc.boolean(),
    how: fc.constantFrom<'sniff' | 'option'>('sniff', 'option'),
  })
  .chain((c) =>
    fc.record({
      c: fc.constant(c),
      rows: fc.array(fc.array(cell(c.missingRate), { minLength: c.nCols, maxLength: c.nCols }), { minLength: c.nRows, maxLength: c.nRows }),
      columns: c.header ? fc.array(columnName, { minLength: c.nCols, maxLength: c.nCols }) : fc.constant(null),
      styles: fc.array(fc.constantFrom(...NUMBER_STYLES), { minLength: c.nRows * c.nCols, maxLength: c.nRows * c.nCols }),
      quotes: fc.array(fc.boolean(), { minLength: c.nRows * c.nCols, maxLength: c.nRows * c.nCols }),
      pads: fc.array(fc.constantFrom('', '', ' '), { minLength: c.nRows * c.nCols, maxLength: c.nRows * c.nCols }),
    }),
  );

describe('hand-written tables with ;, | or :: (and decimal commas) read back exactly', () => {
  test('values, missing cells, header, quoting, padding, CRLF, BOM; sniffed or given', () => {
    fc.assert(
      fc.property(newCase, ({ c, rows, columns, styles, quotes, pads }) => {
        const lines: string[] = [];
        if (columns) lines.push(columns.join(c.delimiter));
        rows.forEach((row, r) => {
          const cells = row.map((v, i) => {
            const k = r * c.nCols + i;
            let text = Number.isNaN(v) ? 'NA' : numberText(v, styles[k]);
            if (c.decimalComma) text = text.replace('.', ',');
            if (quotes[k]) text = `"${text}"`;
            return pads[k] + text + pads[k];
          });
          lines.push(cells.join(c.delimiter));
        });
        const text = (c.bom ? '\ufeff' : '') + lines.join(c.eol) + c.eol;
        // A one-column table has no delimiter to sniff, and '|' is never sniffed.
        const sniffable = c.how === 'sniff' && c.nCols > 1 && c.delimiter !== '|';
        const t = parseTable(text, 'table.dat', { decimalComma: c.decimalComma, ...(sniffable ? {} : { delimiter: c.delimiter }) });
        expect(t.delimiter).toBe(c.delimiter);
        expect(t.columns).toEqual(columns);
        expectSameMatrix(t, rows);
      }),
      { seed: 5101, numRuns: 300 },
    );
  });

  test('formatTable writes them (with a decimal comma if asked) and parseTable reads them back', () => {
    fc.assert(
      fc.property(
        formatCase,
        fc.constantFrom<NewDelimiter>(';', '|', '::'),
        fc.boolean(),
        ({ rows, cols, values, columns }, delimiter, decimalComma) => {
          const text = formatTable(values, rows, cols, delimiter, columns, { decimalComma });
          const t = parseTable(text, 'out.dat', { delimiter, decimalComma });
          const expected: number[][] = [];
          for (let r = 0; r < rows; r++) expected.push(values.slice(r * cols, r * cols + cols));
          expectSameMatrix(t, expected);
          expect(t.columns).toEqual(columns);
        },
      ),
      { seed: 5102, numRuns: 200 },
    );
  });
});
