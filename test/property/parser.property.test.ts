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
import { parseStream } from '../../src/io/stream';
import { formatTable, parseTable, type ColumnRef, type ColumnSelection, type Delimiter, type ReadOptions, type Table } from '../../src/io/table';

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

// ---------------------------------------------------------------------------
// Column selection: text columns, ids and labels, reordering; streamed in pieces
// ---------------------------------------------------------------------------

type SelectFormat = ',' | '\t' | ';' | '::' | 'whitespace';
type ColumnKind = 'number' | 'text';

/** Words for text cells: never a number, an infinity or number-like; sometimes a missing marker (then '' as an id or label). */
const word = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-z][a-z_]{0,5}$/).filter((s) => !/^(?:na|nan|inf|infinity)$/i.test(s)) },
  { weight: 1, arbitrary: fc.constantFrom('NA', '?', 'é☕', 'Süd') },
);

interface SelectCase {
  readonly text: string;
  readonly source: string;
  readonly options: ReadOptions;
  readonly expected: {
    rows: number[][];
    columns: string[] | null;
    ids: string[] | null;
    labels: string[] | null;
    features: number[];
    id?: number;
    labelsAt?: number;
  };
}

/**
 * A table of number and text columns, and a selection that leaves every text
 * column out of the features (ignored, not kept, the id or the labels column),
 * by names (with a header), positions or ranges; sometimes a saved model's
 * order. Written with any delimiter, quoting, CRLF, BOM and comments.
 */
const selectCase: fc.Arbitrary<SelectCase> = fc
  .record({
    width: fc.integer({ min: 1, max: 7 }),
    nRows: fc.integer({ min: 1, max: 12 }),
    header: fc.boolean(),
    format: fc.constantFrom<SelectFormat>(',', '\t', ';', '::', 'whitespace'),
    eol: fc.constantFrom('\n', '\r\n'),
    bom: fc.boolean(),
    comment: fc.boolean(),
    decimalComma: fc.boolean(),
    tellHeader: fc.boolean(),
  })
  .chain((c) =>
    fc.record({
      c: fc.constant(c),
      kinds: fc.array(fc.constantFrom<ColumnKind>('number', 'number', 'number', 'text'), { minLength: c.width, maxLength: c.width }),
      names: fc.uniqueArray(fc.stringMatching(/^[A-Za-z][a-z]{0,5}$/).filter((s) => !/^(?:na|nan|inf|infinity)$/i.test(s)), { minLength: c.width, maxLength: c.width }),
      numbers: fc.array(fc.array(fc.oneof({ weight: 8, arbitrary: value }, { weight: 1, arbitrary: fc.constant(NaN) }), { minLength: c.width, maxLength: c.width }), { minLength: c.nRows, maxLength: c.nRows }),
      words: fc.array(fc.array(word, { minLength: c.width, maxLength: c.width }), { minLength: c.nRows, maxLength: c.nRows }),
      // What each column is: 0 a feature, 1 ignored, 2 not kept (when there is a keep list), 3 the id, 4 the labels.
      roles: fc.array(fc.constantFrom(0, 0, 0, 1, 2, 3, 4), { minLength: c.width, maxLength: c.width }),
      useKeep: fc.boolean(),
      byName: fc.boolean(),
      ranges: fc.boolean(),
      reorder: fc.boolean(),
      shuffle: fc.array(fc.nat(), { minLength: c.width, maxLength: c.width }),
      quotes: fc.array(fc.boolean(), { minLength: (c.nRows + 1) * c.width, maxLength: (c.nRows + 1) * c.width }),
    }),
  )
  .map(({ c, kinds, names, numbers, words, roles: drawn, useKeep, byName, ranges, reorder, shuffle, quotes }) => {
    const width = c.width;
    // One id and one labels column at most; text columns are never features; at least one number feature.
    const roles = drawn.map((r) => (r === 2 && !useKeep ? 1 : r));
    const firstId = roles.indexOf(3);
    const firstLabels = roles.indexOf(4);
    roles.forEach((r, i) => {
      if ((r === 3 && i !== firstId) || (r === 4 && i !== firstLabels)) roles[i] = 1;
      if (kinds[i] === 'text' && roles[i] === 0) roles[i] = 1;
    });
    let feature = roles.indexOf(0);
    if (feature < 0) {
      feature = kinds.indexOf('number');
      if (feature < 0) {
        kinds[0] = 'number';
        feature = 0;
      }
      roles[feature] = 0;
    }
    const byNames = byName && c.header;
    const refOf = (i: number): ColumnRef => (byNames ? { name: names[i] } : { index: i + 1 });
    /** Refs for a set of columns: single ones, or runs as ranges. */
    const refsOf = (cols: number[]): ColumnRef[] => {
      if (!ranges || byNames) return cols.map(refOf);
      const out: ColumnRef[] = [];
      for (let k = 0; k < cols.length; ) {
        let j = k;
        while (j + 1 < cols.length && cols[j + 1] === cols[j] + 1) j++;
        out.push(j > k ? { from: cols[k] + 1, to: j === cols.length - 1 && cols[j] === width - 1 ? Infinity : cols[j] + 1 } : refOf(cols[k]));
        k = j + 1;
      }
      return out;
    };
    const where = (role: number) => roles.flatMap((r, i) => (r === role ? [i] : []));
    let features = where(0);
    const select: { -readonly [K in keyof ColumnSelection]: ColumnSelection[K] } = {};
    if (useKeep) select.keep = refsOf(features);
    if (where(1).length > 0) select.ignore = refsOf(where(1));
    if (firstId >= 0 && roles[firstId] === 3) select.id = refOf(firstId);
    if (firstLabels >= 0 && roles[firstLabels] === 4) select.labels = refOf(firstLabels);
    if (reorder && c.header) {
      features = features
        .map((f, k) => [f, shuffle[k]])
        .sort((a, b) => a[1] - b[1] || a[0] - b[0])
        .map(([f]) => f);
      select.order = features.map((f) => names[f]);
    }
    // The cells' texts.
    const delimiter = c.format === 'whitespace' ? ' ' : c.format;
    const decimalComma = c.decimalComma && c.format !== ',' && c.format !== 'whitespace';
    const quotable = c.format !== 'whitespace';
    const cellText = (text: string, q: boolean) => {
      const needs = quotable && (text.includes(delimiter) || text.includes('"'));
      return (q && quotable) || needs ? `"${text.replace(/"/g, '""')}"` : text;
    };
    const lines: string[] = [];
    if (c.comment) lines.push('# a comment, with; delimiters:: in it');
    if (c.header) lines.push(names.map((n, i) => cellText(n, quotes[i])).join(delimiter));
    const texts: string[][] = numbers.map((row, r) =>
      row.map((v, i) => {
        if (kinds[i] === 'text') return words[r][i];
        if (Number.isNaN(v)) return 'NA';
        const t = String(v);
        return decimalComma ? t.replace('.', ',') : t;
      }),
    );
    texts.forEach((row, r) => lines.push(row.map((t, i) => cellText(t, quotes[(r + 1) * width + i])).join(delimiter)));
    const text = (c.bom ? '\ufeff' : '') + lines.join(c.eol) + c.eol;
    const missingText = (t: string) => (['na', 'nan', '?', ''].includes(t.toLowerCase()) ? '' : t);
    const options: ReadOptions = {
      delimiter: c.format,
      decimalComma,
      select,
      ...(c.tellHeader ? { header: c.header } : {}),
    };
    return {
      text,
      source: 'table.dat',
      options,
      expected: {
        rows: numbers.map((row) => features.map((f) => row[f])),
        columns: c.header ? features.map((f) => names[f]) : null,
        ids: select.id ? texts.map((row) => missingText(row[firstId])) : null,
        labels: select.labels ? texts.map((row) => missingText(row[firstLabels])) : null,
        features,
        ...(select.id ? { id: firstId } : {}),
        ...(select.labels ? { labelsAt: firstLabels } : {}),
      },
    };
  });

/** The text's UTF-8 bytes in pieces cut at these offsets. */
async function* cutInPieces(bytes: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let from = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    if (cut <= from) continue;
    yield bytes.subarray(from, cut);
    from = cut;
  }
  yield bytes.subarray(from);
}

describe('column selection reads back exactly, and streams the same', () => {
  test('text columns left out, ids and labels as text, features in the file\'s or the order\'s order; any delimiter, quoting, CRLF, BOM', () => {
    fc.assert(
      fc.property(selectCase, ({ text, source, options, expected }) => {
        const t = parseTable(text, source, options);
        expectSameMatrix(t, expected.rows);
        expect(t.columns).toEqual(expected.columns);
        expect(t.ids).toEqual(expected.ids);
        expect(t.labels).toEqual(expected.labels);
        expect(t.layout.features).toEqual(expected.features);
        expect(t.layout.id).toBe(expected.id);
        expect(t.layout.labels).toBe(expected.labelsAt);
      }),
      { seed: 5201, numRuns: 400 },
    );
  });

  test('parseStream gives what parseTable gives, however the bytes are cut (also when both fail)', async () => {
    await fc.assert(
      fc.asyncProperty(
        selectCase,
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.constantFrom('as made', 'a text cell in a feature', 'a short row'),
        async ({ text, source, options }, cuts, change) => {
          // Sometimes break the table: a word where a number was, or a row cut short.
          const broken =
            change === 'as made' ? text : change === 'a text cell in a feature' ? text.replace(/(\d)([\r\n]+)(?![\s\S]*\d[\r\n])/, '$1 zz$2') : text.replace(/[^\r\n]*(\r?\n)$/, 'word$1');
          const outcome = async (run: () => Promise<Table> | Table) => {
            try {
              const t = await run();
              return { ...t, layout: { ...t.layout } };
            } catch (err) {
              return { error: (err as Error).message };
            }
          };
          const whole = await outcome(() => parseTable(broken, source, options));
          const bytes = Buffer.from(broken, 'utf8');
          expect(await outcome(() => parseStream(cutInPieces(bytes, cuts), source, options))).toEqual(whole);
        },
      ),
      { seed: 5202, numRuns: 300 },
    );
  });
});
