/**
 * formatRows: the text of formatTable in blocks of about 64 KB, row by row,
 * never the whole text at once (a 5.5M × 10 matrix has more text than a
 * JavaScript string may hold).
 */
import fc from 'fast-check';
import { FORMAT_BLOCK, formatRows, formatTable, parseTable, type Delimiter } from '../../src/io/table';

const value = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -2000, max: 2000 }),
  fc.constantFrom(0, -0, 1e21, 1e-7, Number.MAX_VALUE),
);

const shapes = fc
  .record({
    rows: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 500, max: 6000 })),
    cols: fc.integer({ min: 1, max: 12 }),
    delimiter: fc.constantFrom<Delimiter>(',', '\t', 'whitespace', ';', '|', '::'),
    header: fc.boolean(),
    decimalComma: fc.boolean(),
  })
  .chain((s) =>
    fc.record({
      shape: fc.constant(s),
      values: fc.array(value, { minLength: s.rows * s.cols, maxLength: s.rows * s.cols }),
      columns: s.header ? fc.array(fc.stringMatching(/^[a-z][a-z0-9;,:| ]{0,12}$/), { minLength: s.cols, maxLength: s.cols }) : fc.constant(null),
    }),
  );

describe('formatRows', () => {
  test('its blocks join to formatTable, whole lines, header first, none past 64 KB by more than one row', () => {
    fc.assert(
      fc.property(shapes, ({ shape, values, columns }) => {
        const options = { decimalComma: shape.decimalComma && shape.delimiter !== ',' };
        const blocks = [...formatRows(values, shape.rows, shape.cols, shape.delimiter, columns, options)];
        const text = formatTable(values, shape.rows, shape.cols, shape.delimiter, columns, options);
        expect(blocks.join('')).toBe(text);
        const lines = text.split('\n');
        const longest = Math.max(...lines.map((l) => l.length + 1));
        for (const block of blocks) {
          expect(block.endsWith('\n')).toBe(true);
          expect(block.length).toBeLessThanOrEqual(FORMAT_BLOCK + longest);
        }
        if (columns) expect(blocks[0].startsWith(text.slice(0, text.indexOf('\n') + 1))).toBe(true);
        if (text.length > 2 * FORMAT_BLOCK) expect(blocks.length).toBeGreaterThan(1);
      }),
      { seed: 9201, numRuns: 60 },
    );
  });

  test('the exact text is what formatTable always wrote', () => {
    expect([...formatRows([1, -2.5, 3e-7, 4], 2, 2, ',', ['a', 'b,c'])]).toEqual(['a,"b,c"\n1,-2.5\n3e-7,4\n']);
    expect([...formatRows([], 0, 2, ',', ['a', 'b'])]).toEqual(['a,b\n']);
    expect(formatTable([], 0, 3, 'whitespace', null)).toBe('\n');
  });

  test('it is lazy: the first block of a 100,000,000-row matrix reads only the rows in it', () => {
    let reads = 0;
    const rows = 100_000_000;
    const cols = 10;
    const values = new Proxy({ length: rows * cols } as ArrayLike<number>, {
      get: (target, key) => {
        if (key === 'length') return rows * cols;
        reads++;
        return (Number(key) % 1000) / 7;
      },
    });
    const blocks = formatRows(values, rows, cols, '\t', null);
    const first = blocks.next();
    expect(first.done).toBe(false);
    expect((first.value as string).length).toBeGreaterThanOrEqual(FORMAT_BLOCK);
    expect(reads).toBeLessThan(FORMAT_BLOCK); // each cell takes several characters
    expect(reads % cols).toBe(0);
    blocks.return(undefined);
  });

  test('what it writes reads back, with a decimal comma too', () => {
    const values = [0.5, -1.25, 3, 1e-9, 123456.789, -0.1];
    const text = [...formatRows(values, 3, 2, ';', ['x', 'y'], { decimalComma: true })].join('');
    const t = parseTable(text, 'out.csv', { decimalComma: true });
    expect(t.delimiter).toBe(';');
    expect(Array.from(t.matrix.data)).toEqual(values);
  });
});
