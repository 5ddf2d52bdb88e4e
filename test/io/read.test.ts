import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { Readable } from 'stream';
import { DataError } from '../../src/core/errors';
import { decodeUtf8, readStream, readTable } from '../../src/io/read';
import { writeFileAtomic } from '../../src/io/atomic';
import { repoPath, stdinFrom, useTempDir, writeFile } from '../helpers/cli';

/** The rejection of a promise, which must be a DataError. */
async function dataError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return (err as Error).message;
  }
  throw new Error('expected a DataError, but the promise resolved');
}

const noStdin = () => stdinFrom('');

describe('readTable', () => {
  const tmp = useTempDir();

  test('reads a whitespace file', async () => {
    const file = writeFile(tmp(), 'a.txt', '1 2\n3 4.5\n-6 7e-1\n');
    const t = await readTable(file, {}, noStdin());
    expect([t.matrix.rows, t.matrix.cols]).toEqual([3, 2]);
    expect(Array.from(t.matrix.data)).toEqual([1, 2, 3, 4.5, -6, 0.7]);
    expect(t.matrix.observed).toBeNull();
    expect(t.delimiter).toBe('whitespace');
    expect(t.columns).toBeNull();
  });

  test('reads the toy data: 250 rows × 2, first and last rows exact', async () => {
    const t = await readTable(repoPath('data', 'toy.txt'), {}, noStdin());
    expect([t.matrix.rows, t.matrix.cols]).toEqual([250, 2]);
    expect(Array.from(t.matrix.data.subarray(0, 4))).toEqual([-1.636, 2.413, -2.957, 2.296]);
    const lines = fs.readFileSync(repoPath('data', 'toy.txt'), 'utf8').trim().split('\n');
    const last = lines[lines.length - 1].trim().split(/\s+/).map(Number);
    expect(Array.from(t.matrix.data.subarray(498, 500))).toEqual(last);
  });

  test('passes the options on: delimiter from the .csv name, header, --missing 0', async () => {
    const file = writeFile(tmp(), 'r.csv', '\ufeffa,b\r\n1,0\r\n0,2\r\n');
    const t = await readTable(file, { missing: ['0'] }, noStdin());
    expect(t.delimiter).toBe(',');
    expect(t.columns).toEqual(['a', 'b']);
    expect(Array.from(t.matrix.data)).toEqual([1, 0, 0, 2]);
    expect(Array.from(t.matrix.observed!)).toEqual([1, 0, 0, 1]);
  });

  test('the fixture with 0 = missing reads as 20×5 with 19 missing cells', async () => {
    const t = await readTable(repoPath('test', 'fixtures', 'test_incomplete.txt'), { missing: ['0'] }, noStdin());
    expect([t.matrix.rows, t.matrix.cols]).toEqual([20, 5]);
    expect(Array.from(t.matrix.observed!).filter((o) => o === 0).length).toBe(19);
    expect(Array.from(t.matrix.data.subarray(0, 5))).toEqual([2, 5, 3, 0, 0]);
    expect(Array.from(t.matrix.observed!.subarray(0, 5))).toEqual([1, 1, 1, 0, 0]);
  });

  test("reads stdin for '-', named <stdin> in errors", async () => {
    const t = await readTable('-', {}, stdinFrom('1 2\n3 4\n'));
    expect(Array.from(t.matrix.data)).toEqual([1, 2, 3, 4]);
    expect(await dataError(readTable('-', {}, stdinFrom('1 2\n3 x\n')))).toBe('<stdin>:2:2: "x" is not a number');
    expect(await dataError(readTable('-', {}, stdinFrom('')))).toBe('<stdin>: the file is empty (no rows of numbers)');
  });

  test('stdin in many chunks, with a BOM and a multi-byte character split across chunks', async () => {
    const bytes = Buffer.from('\ufeffé,b\n1,2\n3,4\n', 'utf8');
    const chunks = [bytes.subarray(0, 1), bytes.subarray(1, 4), bytes.subarray(4, 9), bytes.subarray(9)];
    const t = await readTable('-', { delimiter: ',' }, Readable.from(chunks));
    expect(t.columns).toEqual(['é', 'b']);
    expect(Array.from(t.matrix.data)).toEqual([1, 2, 3, 4]);
  });

  test('a missing file: no such file', async () => {
    const file = path.join(tmp(), 'nope.txt');
    expect(await dataError(readTable(file, {}, noStdin()))).toBe(`${file}: no such file`);
  });

  test('a directory', async () => {
    const dir = path.join(tmp(), 'folder');
    fs.mkdirSync(dir);
    expect(await dataError(readTable(dir, {}, noStdin()))).toBe(`${dir}: is a directory, not a file`);
  });

  test('a file with NUL bytes is binary', async () => {
    const file = writeFile(tmp(), 'bin.dat', Buffer.from([0x31, 0x20, 0x32, 0x0a, 0x00, 0x01, 0x02]));
    expect(await dataError(readTable(file, {}, noStdin()))).toBe(`${file}: looks like a binary file (it has NUL bytes), not a table of numbers`);
  });

  test('a file that is not UTF-8', async () => {
    const file = writeFile(tmp(), 'latin.txt', Buffer.from([0xff, 0xfe, 0x41]));
    expect(await dataError(readTable(file, {}, noStdin()))).toBe(`${file}: is not UTF-8 text`);
  });

  test('binary and non-UTF-8 stdin are named <stdin>', async () => {
    expect(await dataError(readTable('-', {}, stdinFrom(Buffer.from([0x31, 0x00]))))).toMatch(/^<stdin>: looks like a binary file/);
    expect(await dataError(readTable('-', {}, stdinFrom(Buffer.from([0x31, 0x20, 0xe9, 0x0a]))))).toBe('<stdin>: is not UTF-8 text');
  });

  test('an empty file and a bad cell name the path', async () => {
    const empty = writeFile(tmp(), 'empty.txt', '');
    expect(await dataError(readTable(empty, {}, noStdin()))).toBe(`${empty}: the file is empty (no rows of numbers)`);
    const bad = writeFile(tmp(), 'bad.csv', '1,2\n3,four\n');
    expect(await dataError(readTable(bad, {}, noStdin()))).toBe(`${bad}:2:2: "four" is not a number`);
  });
});

describe('decodeUtf8 and readStream', () => {
  test('decodeUtf8 drops a BOM and keeps multi-byte text', () => {
    expect(decodeUtf8(Buffer.from('\ufeffé 1\n', 'utf8'), 's')).toBe('é 1\n');
  });

  test('decodeUtf8 rejects NUL bytes before the UTF-8 check', () => {
    expect(() => decodeUtf8(Buffer.from([0xff, 0x00]), 'src')).toThrow(/^src: looks like a binary file/);
  });

  test('readStream joins Buffer and string chunks', async () => {
    const bytes = await readStream(Readable.from([Buffer.from('ab'), 'cd', Buffer.from('é')]));
    expect(bytes.toString('utf8')).toBe('abcdé');
  });
});

describe('writeFileAtomic', () => {
  const tmp = useTempDir();

  test('writes the content, and leaves no temporary file', async () => {
    const target = path.join(tmp(), 'out.txt');
    await writeFileAtomic(target, 'héllo\n1 2\n');
    expect(fs.readFileSync(target, 'utf8')).toBe('héllo\n1 2\n');
    expect(fs.readdirSync(tmp())).toEqual(['out.txt']);
  });

  test('an existing target is replaced whole (a shorter text leaves no tail)', async () => {
    const target = writeFile(tmp(), 'out.txt', 'x'.repeat(10_000));
    await writeFileAtomic(target, 'short\n');
    expect(fs.readFileSync(target, 'utf8')).toBe('short\n');
    expect(fs.readdirSync(tmp())).toEqual(['out.txt']);
  });

  test('a missing folder: DataError naming the target, and nothing is left behind', async () => {
    const target = path.join(tmp(), 'no', 'such', 'out.txt');
    expect(await dataError(writeFileAtomic(target, 'data'))).toBe(`${target}: cannot write (no such folder)`);
    expect(fs.readdirSync(tmp())).toEqual([]);
  });

  test('a target that is a directory: DataError, the directory is untouched, no temporary file', async () => {
    const target = path.join(tmp(), 'dir');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'keep.txt'), 'keep');
    expect(await dataError(writeFileAtomic(target, 'data'))).toMatch(new RegExp(`^${escapeRegExp(target)}: cannot write \\(`));
    expect(fs.readdirSync(tmp())).toEqual(['dir']);
    expect(fs.readFileSync(path.join(target, 'keep.txt'), 'utf8')).toBe('keep');
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('an unreadable file: permission denied', () => {
  const tmp = useTempDir();

  afterEach(() => jest.restoreAllMocks());

  test.each(['EACCES', 'EPERM'])('open refused with %s (mocked): FILE: permission denied, from the open itself', async (code) => {
    const file = writeFile(tmp(), 'secret.txt', '1 2\n');
    const open = jest.spyOn(fs.promises, 'open').mockRejectedValueOnce(Object.assign(new Error(`${code}: permission denied, open '${file}'`), { code }));
    expect(await dataError(readTable(file, {}, noStdin()))).toBe(`${file}: permission denied`);
    expect(open).toHaveBeenCalledWith(file, 'r');
  });

  test('a read error after the open names the file too (mocked EIO)', async () => {
    const file = writeFile(tmp(), 'disk.txt', '1 2\n');
    const realOpen = fs.promises.open;
    jest.spyOn(fs.promises, 'open').mockImplementationOnce(async (...args: Parameters<typeof fs.promises.open>) => {
      const handle = await realOpen(...args);
      jest.spyOn(handle, 'createReadStream').mockImplementation(() => {
        const stream = new Readable({ read: () => stream.destroy(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' })) });
        stream.on('close', () => void handle.close()); // as the real stream does
        return stream as unknown as fs.ReadStream;
      });
      return handle;
    });
    expect(await dataError(readTable(file, {}, noStdin()))).toBe(`${file}: cannot read (EIO)`);
  });

  test('a real file without read permission (run as an unprivileged user when the tests run as root)', () => {
    const dir = tmp();
    const file = writeFile(dir, 'secret.txt', '1 2\n');
    fs.chmodSync(file, 0o000);
    fs.chmodSync(dir, 0o755); // the folder readable to that user, the file not
    const script = [
      `require(${JSON.stringify(repoPath('src', 'io', 'read.ts'))})`,
      `.readTable(process.argv[1], {}, process.stdin)`,
      `.then(() => console.log('read'), (e) => console.log(e.name + ': ' + e.message))`,
    ].join('');
    const asRoot = process.getuid?.() === 0;
    const result = spawnSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), '-e', script, file], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', TS_NODE_PROJECT: repoPath('tsconfig.json') },
      timeout: 60_000,
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    if (result.error || result.status !== 0) {
      // Neither an unprivileged user nor a way to become one: this variant cannot run here (the mocked ones did).
      console.warn(`permission test skipped: ${result.error?.message ?? result.stderr}`);
      return;
    }
    expect(result.stdout.trim()).toBe(`DataError: ${file}: permission denied`);
  });
});
