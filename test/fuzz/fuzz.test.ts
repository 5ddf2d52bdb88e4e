/**
 * Fuzz tests (issue 5): random bytes and mutated valid files, fed to the parser
 * and to the CLI in-process. Whatever the input, the parser returns a sound
 * matrix or throws a DataError, and the CLI exits 0 with one clean JSON
 * document, or 1 or 2 with one error line and no stack trace, leaving no
 * partial output file. Every property has a fixed seed and a bounded number of
 * runs, so a failure replays the same way.
 */
import * as fs from 'fs';
import * as path from 'path';
import { gzipSync } from 'zlib';
import fc from 'fast-check';
import { DataError } from '../../src/core/errors';
import { decodeUtf8 } from '../../src/io/read';
import { parseStream } from '../../src/io/stream';
import { parseTable, type ColumnRef, type ColumnSelection, type ReadOptions, type Table } from '../../src/io/table';
import { makeTempDir, repoPath, runCli, type CliResult } from '../helpers/cli';

// ---------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------

const TOY_HEAD = Buffer.from(fs.readFileSync(repoPath('data', 'toy.txt'), 'utf8').split('\n').slice(0, 30).join('\n') + '\n', 'utf8');
const INCOMPLETE = fs.readFileSync(repoPath('test', 'fixtures', 'test_incomplete.txt'));

/** Random bytes, as they come. */
const randomBytes = fc.uint8Array({ minLength: 0, maxLength: 400 }).map((a) => Buffer.from(a));

/** Random text from a table's alphabet, to get past the UTF-8 check and deep into the parser. */
const TABLE_ALPHABET = '0123456789.-+eE,\t \n\r#"NAna?;xi';
const tableLikeBytes = fc
  .array(fc.constantFrom(...TABLE_ALPHABET.split('')), { minLength: 0, maxLength: 400 })
  .map((chars) => Buffer.from(chars.join(''), 'latin1'));

/** What a mutation may insert: delimiters, quotes, infinities, overflows, NUL, bytes that are not UTF-8, a BOM, a no-break space… */
const TOKENS: Buffer[] = [
  ',',
  '\t',
  '"',
  ' ',
  '\n',
  '\r\n',
  '\r',
  '#',
  'inf',
  '-Infinity',
  '1e999',
  '-1e400',
  '1e-400',
  'NA',
  '?',
  'nan',
  '0',
  '0x10',
  '1.2.3',
  'e5',
  '--1',
  'abc',
  '\ufeff',
  '\u00a0',
].map((t) => Buffer.from(t, 'utf8'));
TOKENS.push(Buffer.from([0]), Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from([0xed, 0xa0, 0x80]));

type MutationKind = 'flip' | 'insertByte' | 'deleteByte' | 'duplicateLine' | 'deleteLine' | 'truncate' | 'insertToken';

interface Mutation {
  readonly kind: MutationKind;
  readonly at: number;
  readonly byte: number;
  readonly token: number;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom<MutationKind>(
    'flip',
    'insertByte',
    'deleteByte',
    'duplicateLine',
    'duplicateLine',
    'deleteLine',
    'truncate',
    'insertToken',
    'insertToken',
    'insertToken',
  ),
  at: fc.nat(),
  byte: fc.integer({ min: 0, max: 255 }),
  token: fc.nat({ max: TOKENS.length - 1 }),
});

/** The lines of `bytes` as [start, end) ranges, end past its \n. */
function lineRanges(bytes: Buffer): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      ranges.push([start, i + 1]);
      start = i + 1;
    }
  }
  if (start < bytes.length) ranges.push([start, bytes.length]);
  return ranges;
}

function mutate(bytes: Buffer, m: Mutation): Buffer {
  const pos = m.at % (bytes.length + 1);
  switch (m.kind) {
    case 'flip': {
      if (bytes.length === 0) return bytes;
      const copy = Buffer.from(bytes);
      copy[pos % bytes.length] ^= 1 << (m.byte % 8);
      return copy;
    }
    case 'insertByte':
      return Buffer.concat([bytes.subarray(0, pos), Buffer.from([m.byte]), bytes.subarray(pos)]);
    case 'deleteByte':
      return bytes.length === 0 ? bytes : Buffer.concat([bytes.subarray(0, pos % bytes.length), bytes.subarray((pos % bytes.length) + 1)]);
    case 'duplicateLine':
    case 'deleteLine': {
      const lines = lineRanges(bytes);
      if (lines.length === 0) return bytes;
      const [s, e] = lines[m.at % lines.length];
      return m.kind === 'duplicateLine'
        ? Buffer.concat([bytes.subarray(0, e), bytes.subarray(s, e), bytes.subarray(e)])
        : Buffer.concat([bytes.subarray(0, s), bytes.subarray(e)]);
    }
    case 'truncate':
      return bytes.subarray(0, pos);
    case 'insertToken':
      return Buffer.concat([bytes.subarray(0, pos), TOKENS[m.token], bytes.subarray(pos)]);
  }
}

/** A valid file with 1 to 4 mutations. */
const mutatedFile = fc
  .record({ base: fc.constantFrom(TOY_HEAD, INCOMPLETE), mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }) })
  .map(({ base, mutations }) => mutations.reduce(mutate, base));

const SOURCES = ['<stdin>', 'fuzz.txt', 'fuzz.csv', 'fuzz.tsv'];

// ---------------------------------------------------------------------------
// The parser
// ---------------------------------------------------------------------------

/** A table's matrix is sound: its shape adds up, its values are finite, its mask is 0/1 with 0 under a missing cell. */
function expectSoundTable(t: Table): void {
  const { rows, cols, data, observed } = t.matrix;
  expect(Number.isInteger(rows) && rows >= 1).toBe(true);
  expect(Number.isInteger(cols) && cols >= 1).toBe(true);
  expect(data).toBeInstanceOf(Float64Array);
  expect(data.length).toBe(rows * cols);
  for (let c = 0; c < data.length; c++) if (!Number.isFinite(data[c])) throw new Error(`cell ${c} is ${data[c]}`);
  if (observed) {
    expect(observed.length).toBe(rows * cols);
    for (let c = 0; c < observed.length; c++) {
      if (observed[c] !== 0 && observed[c] !== 1) throw new Error(`mask cell ${c} is ${observed[c]}`);
      if (observed[c] === 0 && data[c] !== 0) throw new Error(`missing cell ${c} holds ${data[c]}`);
    }
  }
  if (t.columns) expect(t.columns.length).toBe(cols);
  // Ids and labels: one text per row; the layout's features are the matrix's columns, within the file's.
  for (const texts of [t.ids, t.labels]) if (texts) expect(texts.length).toBe(rows);
  expect(t.layout.features.length).toBe(cols);
  for (const f of t.layout.features) expect(f >= 0 && f < t.layout.fileColumns).toBe(true);
}

/** decodeUtf8 then parseTable: a sound table, or a DataError with a one-line message naming the source. */
function parseBytes(bytes: Buffer, source: string): void {
  let table: Table;
  try {
    table = parseTable(decodeUtf8(bytes, source), source);
  } catch (err) {
    if (!(err instanceof DataError)) throw new Error(`not a DataError: ${String(err)} for ${JSON.stringify(bytes.toString('latin1'))}`);
    expect(err.message.startsWith(source)).toBe(true);
    expect(err.message).not.toMatch(/\n/);
    return;
  }
  expectSoundTable(table);
}

describe('fuzz: decodeUtf8 + parseTable return a sound matrix or throw a DataError', () => {
  test('random bytes', () => {
    fc.assert(
      fc.property(randomBytes, fc.constantFrom(...SOURCES), (bytes, source) => parseBytes(bytes, source)),
      { seed: 7001, numRuns: 200 },
    );
  });

  test('random text from a table alphabet', () => {
    fc.assert(
      fc.property(tableLikeBytes, fc.constantFrom(...SOURCES), (bytes, source) => parseBytes(bytes, source)),
      { seed: 7002, numRuns: 300 },
    );
  });

  test('mutated valid files (toy.txt head, test_incomplete.txt)', () => {
    fc.assert(
      fc.property(mutatedFile, fc.constantFrom(...SOURCES), (bytes, source) => parseBytes(bytes, source)),
      { seed: 7003, numRuns: 400 },
    );
  });
});

// ---------------------------------------------------------------------------
// The CLI
// ---------------------------------------------------------------------------

/** Every number in a parsed JSON value is finite and nothing is null (NaN and ±Infinity print as null). */
function expectCleanJson(value: unknown, where = '$'): void {
  if (value === null) throw new Error(`${where} is null`);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${where} is ${value}`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => expectCleanJson(v, `${where}[${i}]`));
  } else if (typeof value === 'object') {
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) expectCleanJson(v, `${where}.${key}`);
  }
}

const STACK_LINE = /^\s+at /m;

/**
 * The outcome rules of issue 5 for one run, with the files it may write.
 *
 * On failure the issue asks for one line on stderr. When every fit fails, the CLI
 * prints a warning per failed fit and then the error line
 * ("gmm-fit: warning: K=1 seed=0 failed: …" … "gmm-fit: error: all 2 fits failed;
 * see the warnings above"): this is by design of the message, so warning lines are
 * allowed before the one error line, which must come last. (Reported.)
 */
function expectCleanOutcome(result: CliResult, dir: string, outName: string, command: 'fit' | 'complete'): void {
  const { code, stdout, stderr } = result;
  const context = `exit ${code}\nstderr: ${stderr}\nstdout: ${stdout.slice(0, 500)}`;
  if (![0, 1, 2].includes(code)) throw new Error(`unexpected ${context}`);
  if (STACK_LINE.test(stderr) || STACK_LINE.test(stdout)) throw new Error(`a stack trace: ${context}`);
  const lines = stderr.split('\n').filter((l) => l !== '');
  if (!stderr.endsWith('\n') && stderr !== '') throw new Error(`stderr does not end with a newline: ${context}`);
  const out = path.join(dir, outName);
  const files = fs.readdirSync(dir);

  if (code === 0) {
    for (const line of lines) if (!line.startsWith('gmm-fit: warning: ')) throw new Error(`a success with "${line}" on stderr: ${context}`);
    const doc = JSON.parse(stdout) as Record<string, any>; // one JSON document: nothing before or after it
    expectCleanJson(doc);
    expect(typeof doc.selected).toBe('object');
    // The output file, fully written, and nothing else left in the folder.
    expect(files).toEqual([outName]);
    const written = fs.readFileSync(out, 'utf8');
    if (command === 'fit') {
      const model = JSON.parse(written);
      expectCleanJson(model);
      const selected = doc.fits.find((f: any) => f.k === doc.selected.k && f.seed === doc.selected.seed);
      expect(model).toMatchObject({ format: 'gmm-fit/1', model: selected.model, k: selected.k, mixture: selected.mixture });
      expect(model.fit.logLikelihood).toBe(selected.logLikelihood);
    } else {
      const table = parseTable(written, out, { delimiter: doc.input.delimiter });
      expectSoundTable(table);
      expect({ rows: table.matrix.rows, cols: table.matrix.cols }).toEqual({ rows: doc.input.rows, cols: doc.input.cols });
      expect(table.matrix.observed).toBeNull();
    }
    return;
  }
  // Exit 1 or 2: one error line, last; nothing on stdout; no file, not even a temporary one.
  const errors = lines.filter((l) => l.startsWith('gmm-fit: error: '));
  if (errors.length !== 1 || lines[lines.length - 1] !== errors[0]) throw new Error(`not exactly one error line, last: ${context}`);
  for (const line of lines.slice(0, -1)) if (!line.startsWith('gmm-fit: warning: ')) throw new Error(`an unexpected line "${line}": ${context}`);
  expect(stdout).toBe('');
  expect(files).toEqual([]);
}

describe('fuzz: the CLI on random and mutated input', () => {
  test('fit --json and complete --missing 0: exit 0 with clean JSON, or 1/2 with one error line and no file', async () => {
    const root = makeTempDir();
    try {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.oneof({ weight: 4, arbitrary: mutatedFile }, { weight: 1, arbitrary: randomBytes }, { weight: 1, arbitrary: tableLikeBytes }),
          fc.constantFrom<'fit' | 'complete'>('fit', 'complete'),
          async (bytes, command) => {
            const dir = path.join(root, String(run++));
            fs.mkdirSync(dir);
            const outName = command === 'fit' ? 'fit.json' : 'completed.txt';
            const out = path.join(dir, outName);
            const args =
              command === 'fit'
                ? ['-', '--k', '1..2', '--json', '--out', out]
                : ['complete', '-', '--missing', '0', '--k', '1..2', '--json', '--out', out];
            const result = await runCli(args, { stdin: bytes });
            expectCleanOutcome(result, dir, outName, command);
          },
        ),
        { seed: 7004, numRuns: 60 },
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }, 30_000);

  // Inputs found or known to make every fit fail, so that the run ends in warnings
  // and then one error line (see expectCleanOutcome). Whatever the CLI does with
  // them, the outcome must be clean.
  test.each<[string, string, 'fit' | 'complete']>([
    ['two equal rows: every start has variance 0 (no floor on complete data)', '1\n1\n', 'fit'],
    ['every cell missing but one 0: the start variance is 0 and --min-var does not reach the start', 'NA NA\nNA NA\nNA 0\n', 'complete'],
  ])('%s', async (_, input, command) => {
    const dir = makeTempDir();
    try {
      const outName = command === 'fit' ? 'fit.json' : 'completed.txt';
      const out = path.join(dir, outName);
      const args =
        command === 'fit'
          ? ['-', '--k', '1..2', '--json', '--out', out]
          : ['complete', '-', '--k', '1..2', '--min-var', '1', '--json', '--out', out];
      expectCleanOutcome(await runCli(args, { stdin: input }), dir, outName, command);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------
// The streaming reader: gzip, the new delimiters, decimal commas
// ---------------------------------------------------------------------------

/** parseStream on pieces of `bytes`: a sound table, or a DataError with a one-line message naming the source. */
async function streamBytes(bytes: Buffer, source: string, options: ReadOptions, cuts: number[]): Promise<void> {
  async function* pieces(): AsyncGenerator<Buffer> {
    let from = 0;
    for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
      if (cut <= from) continue;
      yield bytes.subarray(from, cut);
      from = cut;
    }
    yield bytes.subarray(from);
  }
  let table: Table;
  try {
    table = await parseStream(pieces(), source, options);
  } catch (err) {
    if (!(err instanceof DataError)) throw new Error(`not a DataError: ${String(err)} for ${JSON.stringify(bytes.toString('latin1'))}`);
    expect(err.message.startsWith(source)).toBe(true);
    expect(err.message).not.toMatch(/\n/);
    return;
  }
  expectSoundTable(table);
}

/** A column selection by position (names need a header, and header: false with a name is a usage error, not a data error). */
const position = fc.integer({ min: 1, max: 6 });
const positionRef: fc.Arbitrary<ColumnRef> = fc.oneof(
  position.map((index) => ({ index })),
  fc.tuple(position, fc.option(position, { nil: undefined })).map(([a, b]) => (b === undefined ? { from: a, to: Infinity } : { from: Math.min(a, b), to: Math.max(a, b) })),
);
const selection: fc.Arbitrary<ColumnSelection> = fc.record(
  {
    keep: fc.array(positionRef, { maxLength: 3 }),
    ignore: fc.array(positionRef, { maxLength: 3 }),
    id: position.map((index) => ({ index })),
    labels: position.map((index) => ({ index })),
  },
  { requiredKeys: [] },
);

const readOptions: fc.Arbitrary<ReadOptions> = fc.record(
  {
    delimiter: fc.constantFrom<ReadOptions['delimiter']>(',', '\t', 'whitespace', ';', '|', '::', ':'),
    decimalComma: fc.boolean(),
    header: fc.boolean(),
    missing: fc.constantFrom(['0'], ['-'], ['0,5']),
    select: selection,
  },
  { requiredKeys: [] },
);

describe('fuzz: parseStream returns a sound matrix or throws a DataError', () => {
  test('mutated valid files, any options (column selections too), cut anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutatedFile, tableLikeBytes), fc.constantFrom(...SOURCES), readOptions, fc.array(fc.nat(), { maxLength: 6 }), (bytes, source, options, cuts) =>
        streamBytes(bytes, source, options, cuts),
      ),
      { seed: 7101, numRuns: 400 },
    );
  });

  test('a column selection on mutated valid files: parseStream, cut anywhere, gives what parseTable gives', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutatedFile, tableLikeBytes), fc.constantFrom(...SOURCES), selection, fc.array(fc.nat(), { maxLength: 6 }), async (bytes, source, select, cuts) => {
        await streamBytes(bytes, source, { select }, cuts);
        const outcome = async (run: () => Promise<Table> | Table) => {
          try {
            const t = await run();
            return { ...t, layout: { ...t.layout } };
          } catch (err) {
            return { error: (err as Error).message };
          }
        };
        let text: string;
        try {
          text = decodeUtf8(bytes, source);
        } catch {
          return;
        }
        const pieces = async function* () {
          let from = 0;
          for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
            if (cut <= from) continue;
            yield bytes.subarray(from, cut);
            from = cut;
          }
          yield bytes.subarray(from);
        };
        expect(await outcome(() => parseStream(pieces(), source, { select }))).toEqual(await outcome(() => parseTable(text, source, { select })));
      }),
      { seed: 7103, numRuns: 300 },
    );
  });

  test('gzip-compressed valid and mutated files, the compressed bytes mutated too', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(mutatedFile, tableLikeBytes),
        fc.array(mutation, { maxLength: 2 }),
        fc.constantFrom(...SOURCES, 'fuzz.csv.gz'),
        fc.array(fc.nat(), { maxLength: 6 }),
        (bytes, mutations, source, cuts) => {
          const compressed = gzipSync(bytes);
          // Keep the magic bytes: past them, anything may change.
          const mutated = Buffer.concat([compressed.subarray(0, 2), mutations.reduce(mutate, compressed.subarray(2))]);
          return streamBytes(mutated, source, {}, cuts);
        },
      ),
      { seed: 7102, numRuns: 300 },
    );
  });
});
