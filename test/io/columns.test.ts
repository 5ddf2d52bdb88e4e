/**
 * Column selection while reading (ReadOptions.select): features kept or
 * ignored by name, position or range, an id column and a labels column carried
 * as text, a saved model's column order; the LIST syntax of the CLI; every
 * error naming the file; the hint that says how to drop a text column.
 */
import { gzipSync } from 'zlib';
import fc from 'fast-check';
import { DataError, UsageError } from '../../src/core/errors';
import { closestName } from '../../src/io/columns';
import { readTable } from '../../src/io/read';
import { parseStream } from '../../src/io/stream';
import {
  formatColumnName,
  parseColumnList,
  parseColumnRef,
  parseTable,
  type ColumnRef,
  type ColumnSelection,
  type ReadOptions,
  type Table,
} from '../../src/io/table';
import { stdinFrom, useTempDir, writeFile } from '../helpers/cli';

/** What a test looks at: the matrix as rows, its mask, names, ids, labels and layout. */
function view(t: Table) {
  const { rows, cols, data, observed } = t.matrix;
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) out.push(Array.from(data.subarray(r * cols, r * cols + cols)));
  return {
    rows: out,
    observed: observed ? Array.from(observed) : null,
    columns: t.columns,
    ids: t.ids,
    labels: t.labels,
    layout: { ...t.layout },
  };
}

function read(text: string, source: string, select: ColumnSelection, options: ReadOptions = {}) {
  return view(parseTable(text, source, { ...options, select }));
}

/** The error of parsing `text`, which must be of this class. */
function failure(text: string, source: string, options: ReadOptions, type: typeof DataError | typeof UsageError = DataError): string {
  try {
    parseTable(text, source, options);
  } catch (err) {
    expect(err).toBeInstanceOf(type);
    return (err as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail to parse`);
}

const IRIS = [
  'sepal_length,sepal_width,petal_length,petal_width,species',
  '5.1,3.5,1.4,0.2,setosa',
  '4.9,3.0,1.4,0.2,setosa',
  '7.0,3.2,4.7,1.4,versicolor',
  '6.3,3.3,6.0,2.5,virginica',
  '',
].join('\n');

// ---------------------------------------------------------------------------
// The LIST syntax
// ---------------------------------------------------------------------------

describe('parseColumnList: names, positions and ranges, as cut', () => {
  test.each<[string, ColumnRef[]]>([
    ['2-5,7', [{ from: 2, to: 5 }, { index: 7 }]],
    ['sepal_length,petal_width', [{ name: 'sepal_length' }, { name: 'petal_width' }]],
    ['3', [{ index: 3 }]],
    ['3-', [{ from: 3, to: Infinity }]],
    ['-4', [{ from: 1, to: 4 }]],
    ['2 - 5', [{ from: 2, to: 5 }]],
    ['5-5', [{ from: 5, to: 5 }]],
    [' a , b ', [{ name: 'a' }, { name: 'b' }]],
    ['petal-width', [{ name: 'petal-width' }]], // a '-' in a name that is not all digits
    ['2019-a,a-1,1-2-3,-', [{ name: '2019-a' }, { name: 'a-1' }, { name: '1-2-3' }, { name: '-' }]],
    ['first name', [{ name: 'first name' }]],
    ['3.5,1e5', [{ name: '3.5' }, { name: '1e5' }]],
    ['"2019","2-5"', [{ name: '2019' }, { name: '2-5' }]], // quoted: names, though they look like positions
    ['"a,b","say ""hi""", "" ', [{ name: 'a,b' }, { name: 'say "hi"' }, { name: '' }]],
    ['" padded "', [{ name: ' padded ' }]],
    ['1,species,4-', [{ index: 1 }, { name: 'species' }, { from: 4, to: Infinity }]],
    ['007', [{ index: 7 }]],
  ])('%j', (text, refs) => {
    expect(parseColumnList(text)).toEqual(refs);
  });

  test.each<[string, RegExp]>([
    ['', /the column list is empty/],
    ['  ', /the column list is empty/],
    ['a,,b', /has an empty item/],
    ['a,', /has an empty item/],
    [',a', /has an empty item/],
    ['0', /the position 0: positions start at 1/],
    ['0-3', /the position 0/],
    ['5-2', /a range that goes down \(5-2\); write it from the smaller position, 2-5/],
    ['"ab', /a quote that is never closed/],
    ['"a"b', /text after a closing quote/],
    ['a"b', /a quote inside the name "a\\"b": quote the whole name/],
    ['99999999999999999999', /too large/],
  ])('%j is an Error: %s', (text, message) => {
    expect(() => parseColumnList(text)).toThrow(message);
    try {
      parseColumnList(text);
    } catch (err) {
      expect(err).not.toBeInstanceOf(DataError); // a plain Error: the CLI makes it a usage error
    }
  });

  test('parseColumnRef: one name or position, not a range or a list', () => {
    expect(parseColumnRef('species')).toEqual({ name: 'species' });
    expect(parseColumnRef('1')).toEqual({ index: 1 });
    expect(parseColumnRef('"2-5"')).toEqual({ name: '2-5' });
    expect(parseColumnRef('"a,b"')).toEqual({ name: 'a,b' });
    expect(() => parseColumnRef('2-5')).toThrow('"2-5" is a range; one column is needed');
    expect(() => parseColumnRef('a,b')).toThrow('"a,b" is a list; one column is needed');
    expect(() => parseColumnRef('0')).toThrow(/positions start at 1/);
  });

  test('formatColumnName writes any name so that it reads back as that name', () => {
    expect(formatColumnName('species')).toBe('species');
    expect(formatColumnName('petal-width')).toBe('petal-width');
    expect(formatColumnName('2019')).toBe('"2019"');
    expect(formatColumnName('2-5')).toBe('"2-5"');
    expect(formatColumnName('a,b')).toBe('"a,b"');
    expect(formatColumnName('')).toBe('""');
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (name) => {
        expect(parseColumnList(formatColumnName(name))).toEqual([{ name }]);
      }),
      { seed: 9201, numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 0, maxLength: 6 }), { minLength: 1, maxLength: 5 }), (names) => {
        expect(parseColumnList(names.map(formatColumnName).join(','))).toEqual(names.map((name) => ({ name })));
      }),
      { seed: 9202, numRuns: 300 },
    );
  });

  test('closestName: within 2 edits, case aside, the first of equals', () => {
    const names = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'];
    expect(closestName('petal_widht', names)).toBe('petal_width');
    expect(closestName('Species', names)).toBe('species');
    expect(closestName('sepal_lenght', names)).toBe('sepal_length');
    expect(closestName('petal', names)).toBeNull();
    expect(closestName('xyz', names)).toBeNull();
  });
});

// ---------------------------------------------------------------------------
// Selecting
// ---------------------------------------------------------------------------

describe('an iris-like CSV with a species column', () => {
  test('without a selection, the species column is an error that says how to drop it', () => {
    expect(failure(IRIS, 'iris.csv', {})).toBe(
      'iris.csv:2:5: "setosa" is not a number; column 5 (species) is not numeric: drop it with --ignore-columns species (or --labels-column species for true classes)',
    );
  });

  test('labels by name: four features, the species as labels, the layout', () => {
    expect(read(IRIS, 'iris.csv', { labels: { name: 'species' } })).toEqual({
      rows: [
        [5.1, 3.5, 1.4, 0.2],
        [4.9, 3.0, 1.4, 0.2],
        [7.0, 3.2, 4.7, 1.4],
        [6.3, 3.3, 6.0, 2.5],
      ],
      observed: null,
      columns: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
      ids: null,
      labels: ['setosa', 'setosa', 'versicolor', 'virginica'],
      layout: { fileColumns: 5, names: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'], features: [0, 1, 2, 3], labels: 4 },
    });
  });

  test('ignore by name, by position, by a range; keep by names; all the same features', () => {
    const features = read(IRIS, 'iris.csv', { labels: { name: 'species' } }).rows;
    for (const select of [
      { ignore: [{ name: 'species' }] },
      { ignore: [{ index: 5 }] },
      { ignore: [{ from: 5, to: Infinity }] },
      { keep: [{ from: 1, to: 4 }] },
      { keep: [{ name: 'petal_width' }, { name: 'sepal_length' }, { from: 2, to: 3 }] }, // the file's order, whatever the list's
    ]) {
      const t = read(IRIS, 'iris.csv', select);
      expect(t.rows).toEqual(features);
      expect(t.columns).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
      expect(t.labels).toBeNull();
      expect(t.layout).toEqual({ fileColumns: 5, names: expect.any(Array), features: [0, 1, 2, 3] });
    }
  });

  test('two petal columns only', () => {
    const t = read(IRIS, 'iris.csv', { keep: parseColumnList('petal_length,petal_width'), labels: parseColumnRef('species') });
    expect(t.rows[2]).toEqual([4.7, 1.4]);
    expect(t.columns).toEqual(['petal_length', 'petal_width']);
    expect(t.layout).toMatchObject({ features: [2, 3], labels: 4 });
  });

  test('without a header, a labels column of words by position: the first row is data (detection looks at the features)', () => {
    const text = IRIS.split('\n').slice(1).join('\n');
    const t = read(text, 'iris.csv', { labels: { index: 5 } });
    expect(t.rows.length).toBe(4);
    expect(t.columns).toBeNull();
    expect(t.labels).toEqual(['setosa', 'setosa', 'versicolor', 'virginica']);
    expect(t.layout).toEqual({ fileColumns: 5, names: null, features: [0, 1, 2, 3], labels: 4 });
    expect(read('5.1,3.5,setosa\n4.9,3.0,versicolor\n', 'iris.csv', { labels: { index: 3 } })).toMatchObject({
      rows: [
        [5.1, 3.5],
        [4.9, 3.0],
      ],
      columns: null,
      labels: ['setosa', 'versicolor'],
    });
  });

  test('by position with a header: a name among the features still makes it a header', () => {
    const t = read(IRIS, 'iris.csv', { labels: { index: 5 } });
    expect(t.columns).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    expect(t.labels).toEqual(['setosa', 'setosa', 'versicolor', 'virginica']);
  });

  test('header: true and a selection by position', () => {
    expect(read('1,2,x\n3,4,y\n', 'a.csv', { labels: { index: 3 } }, { header: true })).toMatchObject({ rows: [[3, 4]], columns: ['1', '2'], labels: ['y'] });
  });
});

describe('an id column first', () => {
  const TEXT = 'id,x,y\nu1,1,2\nu2,3,4\n,5,6\nNA,7,8\n';

  test('ids are the cell texts, one per data row; a missing marker is ""', () => {
    expect(read(TEXT, 'ids.csv', { id: { name: 'id' } })).toEqual({
      rows: [
        [1, 2],
        [3, 4],
        [5, 6],
        [7, 8],
      ],
      observed: null,
      columns: ['x', 'y'],
      ids: ['u1', 'u2', '', ''],
      labels: null,
      layout: { fileColumns: 3, names: ['id', 'x', 'y'], features: [1, 2], id: 0 },
    });
  });

  test('numeric ids are kept as written, not as numbers', () => {
    const t = read('001 1.5 2\n1e3 3 4\n-0 5 6\n', 'n.txt', { id: { index: 1 } });
    expect(t.ids).toEqual(['001', '1e3', '-0']);
    expect(t.columns).toBeNull();
    expect(t.rows).toEqual([
      [1.5, 2],
      [3, 4],
      [5, 6],
    ]);
  });

  test('an id in the first row of a headerless file keeps its text, whatever it is (with --missing 0, "0" is an id, not missing)', () => {
    expect(read('0,1,2\n7,3,4\n', 'n.csv', { id: { index: 1 } }, { missing: ['0'] }).ids).toEqual(['0', '7']);
    expect(read('é☕,1,2\nx,3,4\n', 'n.csv', { id: { index: 1 } }, { header: false }).ids).toEqual(['é☕', 'x']);
  });

  test('long ids (UUIDs), ids and labels both, with an ignored column between', () => {
    const rows = Array.from({ length: 300 }, (_, r) => [`0f8fad5b-d9cb-469f-a165-${String(r).padStart(12, '0')}`, r, 'drop', r / 2, `c${r % 3}`]);
    const text = ['id,a,note,b,class', ...rows.map((r) => r.join(','))].join('\n');
    const t = read(text, 'u.csv', { id: { name: 'id' }, labels: { name: 'class' }, ignore: [{ name: 'note' }] });
    expect(t.ids).toEqual(rows.map((r) => r[0]));
    expect(t.labels).toEqual(rows.map((r) => r[4]));
    expect(t.columns).toEqual(['a', 'b']);
    expect(t.rows[299]).toEqual([299, 149.5]);
    expect(t.layout).toEqual({ fileColumns: 5, names: ['id', 'a', 'note', 'b', 'class'], features: [1, 3], id: 0, labels: 4 });
  });

  test('many ids (more than one 64 KB block of texts), some not Latin-1, some missing', () => {
    const ids: string[] = [];
    const lines: string[] = [];
    for (let r = 0; r < 30_000; r++) {
      const id = r % 1000 === 7 ? `ü☕${r}` : r % 777 === 0 ? 'NA' : `id-${r}-${'x'.repeat(r % 20)}`;
      ids.push(id === 'NA' ? '' : id);
      lines.push(`${id} ${r}`);
    }
    const t = parseTable(lines.join('\n'), 'b.txt', { select: { id: { index: 1 } } });
    expect(t.ids).toEqual(ids);
    expect(t.matrix.data[29_999]).toBe(29_999);
  });

  test('a quoted id may hold the delimiter, quotes and a line break', () => {
    const t = read('id,x\n"a,b",1\n"say ""hi""",2\n"two\nlines",3\n', 'q.csv', { id: { index: 1 } });
    expect(t.ids).toEqual(['a,b', 'say "hi"', 'two\nlines']);
    expect(t.rows).toEqual([[1], [2], [3]]);
  });
});

describe('order: the features in a saved model\'s order', () => {
  const TEXT = 'id,petal_width,sepal_length,petal_length,species\nr1,0.2,5.1,1.4,setosa\nr2,1.4,7.0,4.7,versicolor\n';

  test('reordered to the order, the rest dropped, id and labels carried', () => {
    expect(read(TEXT, 'm.csv', { order: ['sepal_length', 'petal_length', 'petal_width'], id: { index: 1 }, labels: { name: 'species' } })).toEqual({
      rows: [
        [5.1, 1.4, 0.2],
        [7.0, 4.7, 1.4],
      ],
      observed: null,
      columns: ['sepal_length', 'petal_length', 'petal_width'],
      ids: ['r1', 'r2'],
      labels: ['setosa', 'versicolor'],
      layout: {
        fileColumns: 5,
        names: ['id', 'petal_width', 'sepal_length', 'petal_length', 'species'],
        features: [2, 3, 1],
        id: 0,
        labels: 4,
      },
    });
  });

  test('missing cells move with their columns; the mask too', () => {
    const t = read('a,b,c\n1,NA,x\n2,3,y\nNA,4,z\n', 'm.csv', { order: ['b', 'a'], labels: { name: 'c' } });
    expect(t.rows).toEqual([
      [0, 1],
      [3, 2],
      [4, 0],
    ]);
    expect(t.observed).toEqual([0, 1, 1, 1, 1, 0]);
  });

  test('a column of the order that the file does not have: an error naming it, with the closest name', () => {
    expect(failure(TEXT, 'new.csv', { select: { order: ['sepal_length', 'sepal_width'] } })).toBe(
      'new.csv: no column named "sepal_width" (did you mean "petal_width"?) (the features must be, in this order: sepal_length, sepal_width); the columns are id, petal_width, sepal_length, petal_length, species',
    );
    expect(failure(TEXT, 'new.csv', { select: { order: ['sepal_length', 'colour'] } })).toBe(
      'new.csv: no column named "colour" (the features must be, in this order: sepal_length, colour); the columns are id, petal_width, sepal_length, petal_length, species',
    );
  });

  test('with keep, the kept columns must be the ordered ones', () => {
    expect(read(TEXT, 'm.csv', { order: ['sepal_length', 'petal_width'], keep: [{ from: 2, to: 3 }] }).rows).toEqual([
      [5.1, 0.2],
      [7.0, 1.4],
    ]);
    expect(failure(TEXT, 'm.csv', { select: { order: ['sepal_length', 'petal_width'], keep: [{ from: 2, to: 4 }] } })).toBe(
      'm.csv: the kept columns (petal_width, sepal_length, petal_length) are not the ones the features must be (sepal_length, petal_width, in this order)',
    );
  });

  test('an ordered column that is also the id or ignored: an error', () => {
    expect(failure(TEXT, 'm.csv', { select: { order: ['id', 'sepal_length'], id: { name: 'id' } } })).toBe('m.csv: column 1 (id) is both one of the ordered features and the id column');
    expect(failure(TEXT, 'm.csv', { select: { order: ['sepal_length'], ignore: [{ index: 3 }] } })).toBe('m.csv: column 3 (sepal_length) is both one of the ordered features and ignored');
  });

  test('order needs a header; a name twice in the order is a usage error', () => {
    expect(failure('1,2\n', 'm.csv', { header: false, select: { order: ['a'] } }, UsageError)).toMatch(/needs a header row/);
    expect(failure(TEXT, 'm.csv', { select: { order: ['id', 'id'] } }, UsageError)).toBe('the feature order names "id" twice');
  });
});

describe('a gzip\'d semicolon file with decimal commas and an id column', () => {
  const tmp = useTempDir();
  const TEXT = '\ufeff# export 2024\r\nkunde;umsatz;"anteil";region\r\nK-001;1234,5;0,25;Nord\r\nK-002;-3,75;NA;"Süd"\r\nK-003;1e3;,5;West\r\n';
  const expected = {
    rows: [
      [1234.5, 0.25],
      [-3.75, 0],
      [1000, 0.5],
    ],
    observed: [1, 1, 1, 0, 1, 1],
    columns: ['umsatz', 'anteil'],
    ids: ['K-001', 'K-002', 'K-003'],
    labels: ['Nord', 'Süd', 'West'],
    layout: { fileColumns: 4, names: ['kunde', 'umsatz', 'anteil', 'region'], features: [1, 2], id: 0, labels: 3 },
  };
  const options: ReadOptions = { delimiter: ';', decimalComma: true, select: { id: { name: 'kunde' }, labels: { index: 4 } } };

  test('from a file, the delimiter given', async () => {
    const file = writeFile(tmp(), 'kunden.csv.gz', gzipSync(TEXT));
    expect(view(await readTable(file, options, stdinFrom()))).toEqual(expected);
  });

  test('from stdin, the semicolon sniffed from the .csv name and the first line', async () => {
    const { delimiter: _, ...sniffed } = options;
    const t = await readTable('-', sniffed, stdinFrom(gzipSync(TEXT)));
    expect(t.delimiter).toBe(';');
    expect(view(t)).toEqual(expected);
  });

  test('a text cell in a feature says how to drop its column (the name as the shell needs it)', async () => {
    const bad = TEXT.replace('-3,75', 'n/a').replace('"anteil"', '"mein anteil"').replace('0,25', 'hoch');
    const file = writeFile(tmp(), 'bad.csv.gz', gzipSync(bad));
    await expect(readTable(file, { delimiter: ';', decimalComma: true, select: { id: { index: 1 } } }, stdinFrom())).rejects.toThrow(
      `${file}:3:3: "hoch" is not a number; column 3 (mein anteil) is not numeric: drop it with --ignore-columns 'mein anteil' (or --labels-column 'mein anteil' for true classes)`,
    );
  });
});

describe('every layout: delimiters, whitespace, CRLF, BOM, comments, quoting', () => {
  const CELLS = [
    ['id', 'a', 'label', 'b'],
    ['r1', '1', 'x y', '2.5'],
    ['r2', 'NA', 'z', '-3'],
  ];
  const expected = {
    rows: [
      [1, 2.5],
      [0, -3],
    ],
    observed: [1, 1, 0, 1],
    columns: ['a', 'b'],
    ids: ['r1', 'r2'],
    labels: ['x y', 'z'],
  };

  test.each([',', '\t', ';', '|', '::', ':'])('delimiter %j, LF or CRLF, with a BOM and comments', (d) => {
    for (const eol of ['\n', '\r\n']) {
      const text = `\ufeff# a comment${eol}${CELLS.map((r) => r.join(d)).join(`${eol}${eol}`)}${eol}# end${eol}`;
      expect(read(text, 'x.dat', { id: { index: 1 }, labels: { name: 'label' } }, { delimiter: d })).toMatchObject(expected);
    }
  });

  test('whitespace: the labels without blanks', () => {
    const text = '  id a label b\r\n# c\r\nr1\t1  xy 2.5\r\n\r\nr2 NA z\t-3';
    expect(read(text, 'x.txt', { id: { index: 1 }, labels: { name: 'label' } })).toMatchObject({ ...expected, labels: ['xy', 'z'] });
  });

  test('quoted cells, skipped or kept, padded, with the delimiter, quotes and line breaks inside', () => {
    const text = ' "id" , "a" , "skip, me" ,b\n"r,1", "1" ,"x ""q""\ny",2\n r2 ,NA, "" ,3\n';
    expect(read(text, 'q.csv', { id: { index: 1 }, ignore: [{ index: 3 }] })).toMatchObject({
      rows: [
        [1, 2],
        [0, 3],
      ],
      columns: ['a', 'b'],
      ids: ['r,1', 'r2'],
    });
  });

  test('a skipped quoted first column: a line of one blank quoted cell is still a blank line, one of text is a short row', () => {
    expect(read('"a",1,2\n""\n"",3,4\n', 'q.csv', { ignore: [{ index: 1 }] }).rows).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(failure('"a",1,2\n"b"\n', 'q.csv', { select: { ignore: [{ index: 1 }] } })).toBe('q.csv:2: the row has 1 cell, but line 1 has 3');
    expect(failure('"a",1,2\n" x "\n', 'q.csv', { select: { ignore: [{ index: 1 }] } })).toBe('q.csv:2: the row has 1 cell, but line 1 has 3');
  });

  test('a skipped quoted cell is still checked for syntax', () => {
    expect(failure('1,"x"y,2\n', 'q.csv', { select: { ignore: [{ index: 2 }] } })).toMatch(/^q\.csv:1:2: cannot parse as CSV: "y,2" after a closing quote/);
    expect(failure('1,2,"x\n', 'q.csv', { select: { ignore: [{ index: 3 }] } })).toMatch(/^q\.csv:1: cannot parse as CSV: the quote that opens cell 3 is never closed/);
  });
});

describe('skipped cells are never read as numbers', () => {
  test.each([
    ['whitespace', '1 inf 0x10 2\n3 1e999 abc 4\n', 'x.txt'],
    ['CSV', '1,inf,0x10,2\n3,1e999,"abc",4\n', 'x.csv'],
  ])('%s: infinities, overflows, malformed numbers and words in ignored columns', (_, text, source) => {
    expect(read(text, source, { ignore: [{ from: 2, to: 3 }] })).toMatchObject({
      rows: [
        [1, 2],
        [3, 4],
      ],
      observed: null,
      columns: null,
    });
  });

  test('nor do they make a header, or a mask', () => {
    expect(read('1,NA,2\n3,?,4\n', 'x.csv', { ignore: [{ index: 2 }] })).toMatchObject({ observed: null, columns: null });
    expect(read('1,word,2\n3,x,4\n', 'x.csv', { ignore: [{ index: 2 }] })).toMatchObject({ rows: [[1, 2], [3, 4]], columns: null });
  });
});

describe('missing cells and the mask with a selection', () => {
  test('missing in the first row and later, in features and in skipped columns', () => {
    const t = read('NA 1 x 2\n3 ? y NA\n5 6 NA 7\n', 'm.txt', { keep: [{ index: 4 }, { from: 1, to: 2 }], labels: { index: 3 } });
    expect(t.rows).toEqual([
      [0, 1, 2],
      [3, 0, 0],
      [5, 6, 7],
    ]);
    expect(t.observed).toEqual([0, 1, 1, 1, 0, 0, 1, 1, 1]);
    expect(t.labels).toEqual(['x', 'y', '']);
  });

  test('a table larger than the first buffer, reordered, every value in place', () => {
    const lines = ['a b c d'];
    const expected: number[][] = [];
    for (let r = 0; r < 3000; r++) {
      const row = [r, -r, r % 7 === 0 ? 'NA' : r / 8, `w${r}`];
      lines.push(row.join(' '));
      expected.push([row[2] === 'NA' ? 0 : (row[2] as number), r]);
    }
    const t = read(lines.join('\n'), 'big.txt', { order: ['c', 'a'], labels: { name: 'd' } });
    expect(t.rows).toEqual(expected);
    expect(t.observed!.filter((o) => o === 0).length).toBe(Math.ceil(3000 / 7));
    expect(t.labels![2999]).toBe('w2999');
  });
});

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

describe('selection errors name the file', () => {
  test('a name not in the header, with the closest name when one is within 2 edits', () => {
    expect(failure(IRIS, 'iris.csv', { select: { keep: [{ name: 'petal' }] } })).toBe(
      'iris.csv: no column named "petal"; the columns are sepal_length, sepal_width, petal_length, petal_width, species',
    );
    expect(failure(IRIS, 'iris.csv', { select: { labels: { name: 'Species' } } })).toBe(
      'iris.csv: no column named "Species" (did you mean "species"?); the columns are sepal_length, sepal_width, petal_length, petal_width, species',
    );
    expect(failure(IRIS, 'iris.csv', { select: { ignore: [{ name: 'petal_widht' }] } })).toMatch(/^iris\.csv: no column named "petal_widht" \(did you mean "petal_width"\?\)/);
  });

  test('a long header is listed in part', () => {
    const names = Array.from({ length: 30 }, (_, i) => `c${i}`);
    expect(failure(`${names.join(',')}\n${names.map(() => 1).join(',')}\n`, 'w.csv', { select: { id: { name: 'zzz' } } })).toBe(
      `w.csv: no column named "zzz"; the columns are ${names.slice(0, 20).join(', ')}, … (30 in all)`,
    );
  });

  test('a name two columns have', () => {
    expect(failure('a b a\n1 2 3\n', 'd.txt', { select: { id: { name: 'a' } } })).toBe('d.txt: columns 1 and 3 are both named "a"; select one by its position');
  });

  test('a position beyond the row', () => {
    expect(failure('1,2,3\n', 'p.csv', { select: { id: { index: 7 } } })).toBe('p.csv: there is no column 7: line 1 has 3 columns');
    expect(failure('# c\n1,2,3\n', 'p.csv', { select: { keep: [{ from: 2, to: 5 }] } })).toBe('p.csv: there is no column 5 (in 2-5): line 2 has 3 columns');
    expect(failure('1\n', 'p.csv', { select: { ignore: [{ from: 4, to: Infinity }] } })).toBe('p.csv: there is no column 4 (in 4-): line 1 has 1 column');
    expect(failure(IRIS, 'iris.csv', { select: { labels: { index: 6 } } })).toBe('iris.csv: there is no column 6: line 1 has 5 columns');
  });

  test('a column with two roles: which', () => {
    expect(failure(IRIS, 'iris.csv', { select: { keep: [{ from: 1, to: 5 }], ignore: [{ name: 'species' }] } })).toBe('iris.csv: column 5 (species) is both kept and ignored');
    expect(failure(IRIS, 'iris.csv', { select: { id: { index: 5 }, labels: { name: 'species' } } })).toBe('iris.csv: column 5 (species) is both the id column and the labels column');
    expect(failure('1 2 3\n', 'x.txt', { select: { keep: [{ index: 2 }], id: { index: 2 } } })).toBe('x.txt: column 2 is both kept and the id column');
    expect(failure('1 2 3\n', 'x.txt', { select: { ignore: [{ index: 3 }], labels: { index: 3 } } })).toBe('x.txt: column 3 is both ignored and the labels column');
  });

  test('the same column twice in one list is once', () => {
    expect(read('1 2 3\n', 'x.txt', { keep: [{ index: 2 }, { from: 1, to: 2 }] }).rows).toEqual([[1, 2]]);
    expect(read('1 2 3\n', 'x.txt', { ignore: [{ index: 2 }, { index: 2 }] }).rows).toEqual([[1, 3]]);
  });

  test('no feature left', () => {
    expect(failure('id,species\na,b\n', 'n.csv', { select: { id: { name: 'id' }, labels: { name: 'species' } } })).toBe(
      'n.csv: no column is left as a feature: all its 2 columns are ignored, not kept, or the id or labels column',
    );
    expect(failure('1\n', 'n.csv', { select: { ignore: [{ index: 1 }] } })).toBe('n.csv: no column is left as a feature: its 1 column is ignored, not kept, or the id or labels column');
    expect(failure('1,2\n', 'n.csv', { select: { keep: [] } })).toMatch(/^n\.csv: no column is left as a feature/);
  });

  test('names without a header: a usage error, before anything is read', () => {
    expect(failure('1,2\n', 'n.csv', { header: false, select: { labels: { name: 'species' } } }, UsageError)).toBe(
      'selecting columns by name ("species") needs a header row, but the first row is said to be data (--no-header); select them by position',
    );
  });

  test('a selection by name makes the first row a header, numbers or not', () => {
    expect(read('1,2,3\n4,5,6\n', 'n.csv', { id: { name: '1' } })).toMatchObject({ rows: [[5, 6]], columns: ['2', '3'], ids: ['4'] });
  });

  test.each<[ColumnSelection, string]>([
    [{ id: { index: 0 } }, 'the id column: a column position is a whole number from 1 (got 0)'],
    [{ keep: [{ index: 1.5 }] }, 'keep: a column position is a whole number from 1 (got 1.5)'],
    [{ ignore: [{ from: 3, to: 2 }] }, 'ignore: a range of columns goes from a position ≥ 1 to one at least as large (got 3-2)'],
    [{ labels: {} as ColumnRef }, 'the labels column: a column is { name }, { index } or { from, to }'],
  ])('a ref that cannot be right: a usage error (%j)', (select, message) => {
    expect(failure('1,2\n', 'n.csv', { select }, UsageError)).toBe(message);
  });

  test('a ragged row counts the file\'s cells, not the features', () => {
    expect(failure('1 2 3\n4 5\n', 'r.txt', { select: { ignore: [{ index: 2 }] } })).toBe('r.txt:2: the row has 2 cells, but line 1 has 3');
    expect(failure('a,b,c\n1,2,3\n4,5,6,7\n', 'r.csv', { select: { id: { name: 'a' } } })).toBe('r.csv:3: the row has 4 cells, but line 1 has 3');
  });
});

describe('a text cell in a feature: the message names the column and says how to drop it', () => {
  test.each<[string, string, ReadOptions, string]>([
    // Without a selection (the common first-time case), with a header: the name.
    [IRIS, 'iris.csv', {}, 'iris.csv:2:5: "setosa" is not a number; column 5 (species) is not numeric: drop it with --ignore-columns species (or --labels-column species for true classes)'],
    // With another selection.
    [IRIS, 'iris.csv', { select: { keep: [{ from: 3, to: 5 }] } }, 'iris.csv:2:5: "setosa" is not a number; column 5 (species) is not numeric: drop it with --ignore-columns species (or --labels-column species for true classes)'],
    // Labels already chosen: only dropping is suggested.
    ['id,a,b,c\nx,1,w,2\n', 'a.csv', { select: { labels: { name: 'id' } } }, 'a.csv:2:3: "w" is not a number; column 3 (b) is not numeric: drop it with --ignore-columns b'],
    // Without a header: the position.
    ['1 2 NA\n3 4 b\n', 'a.txt', { header: false }, 'a.txt:2:3: "b" is not a number; column 3 is not numeric: drop it with --ignore-columns 3 (or --labels-column 3 for true classes)'],
    ['x,1,2,NA\ny,3,4,z\n', 'a.csv', { select: { ignore: [{ index: 1 }] } }, 'a.csv:2:4: "z" is not a number; column 4 is not numeric: drop it with --ignore-columns 4 (or --labels-column 4 for true classes)'],
    ['x,1,2,w\ny,3,4,z\n', 'a.csv', { select: { ignore: [{ index: 1 }] }, header: false }, 'a.csv:1:4: "w" is not a number'],
    // Earlier rows have only missing cells there: still a text column.
    ['a,b\n1,NA\n2,\n3,yes\n', 'a.csv', {}, 'a.csv:4:2: "yes" is not a number; column 2 (b) is not numeric: drop it with --ignore-columns b (or --labels-column b for true classes)'],
    // Names the shell or the LIST syntax would read otherwise are quoted.
    ['a,2019,"x y",it\'s\n1,u,2,3\n', 'a.csv', {}, 'a.csv:2:2: "u" is not a number; column 2 (2019) is not numeric: drop it with --ignore-columns \'"2019"\' (or --labels-column \'"2019"\' for true classes)'],
    ['a,b c\n1,u\n', 'a.csv', {}, 'a.csv:2:2: "u" is not a number; column 2 (b c) is not numeric: drop it with --ignore-columns \'b c\' (or --labels-column \'b c\' for true classes)'],
    ['a,it\'s\n1,u\n', 'a.csv', {}, 'a.csv:2:2: "u" is not a number; column 2 (it\'s) is not numeric: drop it with --ignore-columns \'it\'\\\'\'s\' (or --labels-column \'it\'\\\'\'s\' for true classes)'],
    // Two columns of one name: the position.
    ['x,x\n1,u\n', 'a.csv', {}, 'a.csv:2:2: "u" is not a number; column 2 (x) is not numeric: drop it with --ignore-columns 2 (or --labels-column 2 for true classes)'.replace(' (x)', '')],
  ])('%j', (text, source, options, message) => {
    expect(failure(text, source, options)).toBe(message);
  });

  test('a header detected only from this column\'s word: the position, and why line 1 was a header', () => {
    expect(failure('5.1,3.5,setosa\n4.9,3.0,versicolor\n', 'iris.csv', {})).toBe(
      'iris.csv:2:3: "versicolor" is not a number; column 3 is not numeric: drop it with --ignore-columns 3 (or --labels-column 3 for true classes); line 1 was taken for a header only because of its "setosa"',
    );
    // …and the position suggested does read line 1 as data.
    expect(read('5.1,3.5,setosa\n4.9,3.0,versicolor\n', 'iris.csv', { labels: parseColumnRef('3') }).labels).toEqual(['setosa', 'versicolor']);
  });

  test('a typo in a numeric column, a malformed number, a decimal comma: the messages as before', () => {
    expect(failure('a,b\n1,2\n3,abc\n', 'n.csv', {})).toBe('n.csv:3:2: "abc" is not a number');
    expect(failure('a,b\n1,0x10\n', 'n.csv', {})).toBe('n.csv:2:2: "0x10" is not a number');
    expect(failure('1;2\n3;4,5\n', 'n.dat', { delimiter: ';' })).toBe('n.dat:2:2: "4,5" is not a number (a decimal comma? use --decimal-comma)');
    expect(failure('x,y\n1,2\n', 'a.csv', { header: false })).toBe('a.csv:1:1: "x" is not a number'); // more likely a header than a text column
    expect(failure('1 2\n3 inf\n', 'n.txt', {})).toBe('n.txt:2:2: "inf" is infinite; only finite numbers are allowed');
  });

  test('the same through parseStream, cut anywhere', async () => {
    const bytes = Buffer.from(IRIS);
    const message = failure(IRIS, 'iris.csv', {});
    for (let cut = 1; cut < bytes.length; cut += 3) {
      await expect(parseStream(pieces(bytes, [cut]), 'iris.csv')).rejects.toThrow(message);
    }
  });
});

describe('the layout without a selection', () => {
  test('every column a feature, in order', () => {
    const t = parseTable('a,b,c\n1,2,3\n', 'l.csv');
    expect({ ...t.layout }).toEqual({ fileColumns: 3, names: ['a', 'b', 'c'], features: [0, 1, 2] });
    expect(JSON.parse(JSON.stringify(t.layout))).toEqual({ fileColumns: 3, names: ['a', 'b', 'c'], features: [0, 1, 2] });
    expect([t.ids, t.labels]).toEqual([null, null]);
    expect(parseTable('1 2\n', 'l.txt').layout.features).toEqual([0, 1]);
    expect(parseTable('1 2\n', 'l.txt').layout.names).toBeNull();
  });

  test('an empty selection is none', () => {
    expect(view(parseTable(IRIS.replace(/,species|,setosa|,versicolor|,virginica/g, ''), 'i.csv', { select: { ignore: [] } }))).toEqual(
      view(parseTable(IRIS.replace(/,species|,setosa|,versicolor|,virginica/g, ''), 'i.csv')),
    );
  });
});

// ---------------------------------------------------------------------------
// Streaming
// ---------------------------------------------------------------------------

async function* pieces(bytes: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let from = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    if (cut <= from || cut >= bytes.length) continue;
    yield bytes.subarray(from, cut);
    from = cut;
  }
  yield bytes.subarray(from);
}

async function outcome(run: () => Promise<Table> | Table): Promise<unknown> {
  try {
    return view(await run());
  } catch (err) {
    return { error: (err as Error).message };
  }
}

describe('parseStream gives what parseTable gives, for every single cut', () => {
  test.each<[string, string, ReadOptions]>([
    ['iris.csv', IRIS, { select: { labels: { name: 'species' }, ignore: [{ index: 2 }] } }],
    ['iris.csv', IRIS, { select: { order: ['petal_width', 'sepal_length'], labels: { index: 5 } } }],
    ['q.csv', '\ufeffid,"a b",skip\r\n"x,\r\n1",1,"s ""q"""\r\n# c\r\n"",NA,""\r\n', { select: { id: { index: 1 }, ignore: [{ index: 3 }] } }],
    ['w.txt', '# c\n  r1 1 é☕ 2\n\nr2 3 ü 4 \n', { select: { id: { index: 1 }, labels: { index: 3 } } }],
    ['d.dat', 'k::1,5::x\nl::2::y\n', { decimalComma: true, select: { id: { index: 1 }, ignore: [{ index: 3 }] } }],
    ['bad.csv', 'a,b,c\n1,2,x\n', { select: { id: { index: 1 } } }],
    ['missing.csv', 'a,b\n1,2\n', { select: { order: ['b', 'c'] } }],
  ])('%s %j', async (name, text, options) => {
    const bytes = Buffer.from(text, 'utf8');
    const whole = await outcome(() => parseTable(text, name, options));
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(await outcome(() => parseStream(pieces(bytes, [cut]), name, options))).toEqual(whole);
    }
    expect(await outcome(() => parseStream(pieces(gzipSync(bytes), [3, 11]), name, options))).toEqual(whole);
  });
});
