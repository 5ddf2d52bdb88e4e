import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { writeFileAtomic } from '../../src/io/atomic';
import { DataError } from '../../src/core/errors';
import { checkOutputPaths, makeTempDir, removeTempDir, repoPath, runCli, useTempDir, writeFile } from '../helpers/cli';

const TOY = repoPath('data', 'toy.txt');
const INCOMPLETE = repoPath('test', 'fixtures', 'test_incomplete.txt');
const BIN = repoPath('bin', 'gmm-fit.js');
const ONE_ERROR_LINE = /^gmm-fit: error: [^\n]+\n$/;
const isRoot = process.getuid?.() === 0;

async function dataError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return (err as Error).message;
  }
  throw new Error('expected a DataError');
}

function mkfifo(file: string): boolean {
  try {
    execFileSync('mkfifo', [file]);
    return true;
  } catch {
    return false;
  }
}

/** Reads a FIFO to its end in a child process (a reader must be there for the writer's open to return). */
function readFifo(file: string): Promise<string> {
  const child = spawn('cat', [file]);
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  return new Promise((resolve) => child.on('close', () => resolve(out)));
}

describe('the test helper refuses outputs outside the test folder', () => {
  const tmp = useTempDir();

  test('a path outside every temporary folder throws before the tool runs', async () => {
    // A path that exists nowhere, outside every temporary folder: refused before anything runs.
    const outside = '/gmm-fit-test-guard/out.json';
    expect(() => checkOutputPaths([TOY, '--out', outside])).toThrow(/outside its temporary folder: --out \/gmm-fit-test-guard\/out\.json/);
    expect(() => checkOutputPaths([TOY, '--plot=/tmp/x.svg'])).toThrow(/--plot \/tmp\/x.svg/);
    expect(() => checkOutputPaths([TOY, '-o', path.join(repoPath(), 'x.json')])).toThrow(/outside/);
    await expect(runCli([TOY, '--out', outside])).rejects.toThrow(/outside its temporary folder/);
    expect(fs.existsSync(path.dirname(outside))).toBe(false);
  });

  test('paths inside the folder, and -, are allowed', () => {
    expect(() => checkOutputPaths([TOY, '--out', path.join(tmp(), 'm.json'), '--plot', '-'])).not.toThrow();
  });

  test('a folder that was removed is outside again', () => {
    const dir = makeTempDir();
    removeTempDir(dir);
    expect(() => checkOutputPaths(['--out', path.join(dir, 'x')])).toThrow(/outside/);
  });
});

describe('writeFileAtomic: what is at the target decides how it is written', () => {
  const tmp = useTempDir();

  test('a FIFO is written through, and stays a FIFO', async () => {
    const fifo = path.join(tmp(), 'pipe');
    if (!mkfifo(fifo)) return;
    const read = readFifo(fifo);
    await writeFileAtomic(fifo, ['a,b\n', '1,2\n']);
    expect(await read).toBe('a,b\n1,2\n');
    expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
    expect(fs.readdirSync(tmp())).toEqual(['pipe']);
  });

  test('a symbolic link to a FIFO is written through; the link and the FIFO stay', async () => {
    const fifo = path.join(tmp(), 'pipe');
    if (!mkfifo(fifo)) return;
    const link = path.join(tmp(), 'link');
    fs.symlinkSync(fifo, link);
    const read = readFifo(fifo);
    await writeFileAtomic(link, 'through the link\n');
    expect(await read).toBe('through the link\n');
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
  });

  test('a unix socket is written through a connection, and stays a socket', async () => {
    const sock = path.join(tmp(), 'sock');
    let received = '';
    const done = new Promise<void>((resolve) => {
      const server = net.createServer((c) => {
        c.on('data', (d) => (received += d));
        c.on('end', () => server.close(() => resolve()));
      });
      server.listen(sock);
    });
    await new Promise((r) => setTimeout(r, 20));
    await writeFileAtomic(sock, 'to the socket\n');
    await done;
    expect(received).toBe('to the socket\n');
  });

  test('a character device (made in the test folder, as root) is written in place, never replaced', async () => {
    if (!isRoot) return;
    const device = path.join(tmp(), 'null');
    try {
      execFileSync('mknod', ['-m', '666', device, 'c', '1', '3']);
    } catch {
      return; // no mknod here (a container may forbid it)
    }
    await writeFileAtomic(device, 'gone\n');
    const stat = fs.lstatSync(device);
    expect(stat.isCharacterDevice()).toBe(true);
    expect(fs.readdirSync(tmp())).toEqual(['null']);
  });

  test('a symbolic link to a regular file replaces the file it points to and keeps the link', async () => {
    const real = writeFile(tmp(), 'real.txt', 'old content that is longer\n');
    const link = path.join(tmp(), 'link.txt');
    fs.symlinkSync('real.txt', link);
    await writeFileAtomic(link, 'new\n');
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(real, 'utf8')).toBe('new\n');
    expect(fs.readdirSync(tmp()).sort()).toEqual(['link.txt', 'real.txt']);
  });

  test('a dangling link creates the file it points to', async () => {
    const link = path.join(tmp(), 'link.txt');
    fs.symlinkSync('made.txt', link);
    await writeFileAtomic(link, 'made\n');
    expect(fs.readFileSync(path.join(tmp(), 'made.txt'), 'utf8')).toBe('made\n');
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
  });

  test('an existing regular file keeps its mode', async () => {
    const file = writeFile(tmp(), 'model.json', '{}\n');
    fs.chmodSync(file, 0o640);
    await writeFileAtomic(file, '{"new": true}\n');
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"new": true}\n');
  });

  test('a new file gets the usual mode (0666 less the umask)', async () => {
    const file = path.join(tmp(), 'new.txt');
    await writeFileAtomic(file, 'x\n');
    const umask = process.umask();
    expect(fs.statSync(file).mode & 0o777).toBe(0o666 & ~umask);
  });

  test('a file the user may not write (0444, not root) is an error, as with cp; it is unchanged', () => {
    const dir = tmp();
    fs.chmodSync(dir, 0o777);
    const file = writeFile(dir, 'locked.txt', 'keep\n');
    fs.chmodSync(file, 0o444);
    const script = `require(${JSON.stringify(repoPath('dist', 'io', 'atomic.js'))}).writeFileAtomic(${JSON.stringify(file)}, 'x').then(() => console.log('written'), (e) => console.log(e.message))`;
    // Root may write anything; the rule is checked as an ordinary user.
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', ...(isRoot ? { uid: 65534, gid: 65534 } : {}) });
    if (result.error) return; // no such user here
    expect(result.stdout.trim()).toBe(`${file}: cannot write (permission denied)`);
    expect(fs.readFileSync(file, 'utf8')).toBe('keep\n');
    expect(fs.readdirSync(dir)).toEqual(['locked.txt']);
  });

  test('dir/x where dir is a regular file: a clean DataError naming it, nothing left', async () => {
    const file = writeFile(tmp(), 'notadir', 'x');
    const target = path.join(file, 'out.json');
    expect(await dataError(writeFileAtomic(target, 'data'))).toBe(`${target}: cannot write (${file} is not a folder)`);
    expect(fs.readdirSync(tmp())).toEqual(['notadir']);
  });

  test('pieces are written in order, and an iterator that fails leaves the target as it was', async () => {
    const file = writeFile(tmp(), 'out.txt', 'before\n');
    async function* failing() {
      yield 'a'.repeat(3 << 20);
      throw new DataError('the producer failed');
    }
    await expect(writeFileAtomic(file, failing())).rejects.toThrow('the producer failed');
    expect(fs.readFileSync(file, 'utf8')).toBe('before\n');
    expect(fs.readdirSync(tmp())).toEqual(['out.txt']);
    await writeFileAtomic(file, (function* () {
      for (let i = 0; i < 5; i++) yield `${i}\n`;
    })());
    expect(fs.readFileSync(file, 'utf8')).toBe('0\n1\n2\n3\n4\n');
  });
});

describe('--out through the CLI', () => {
  const tmp = useTempDir();

  test("--out '' is a usage error", async () => {
    const r = await runCli([TOY, '--k', '3', '--out', '']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(ONE_ERROR_LINE);
    expect(r.stderr).toMatch(/--out needs a file name, or - for standard output/);
  });

  test('--out F --plot F (the same place twice, however spelled) is a usage error that writes nothing', async () => {
    const f = path.join(tmp(), 'x.out');
    for (const [a, b] of [
      [f, f],
      [f, path.join(tmp(), '.', 'x.out')],
      ['-', '-'],
    ]) {
      const r = await runCli([TOY, '--k', '3', '--out', a, '--plot', b]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--out and --plot both write to/);
    }
    expect(fs.readdirSync(tmp())).toEqual([]);
  });

  test('fit --out - : the model on stdout, the report on stderr', async () => {
    const r = await runCli([TOY, '--k', '3', '--seed', '0', '--out', '-']);
    expect(r.code).toBe(0);
    const model = JSON.parse(r.stdout);
    expect(model.format).toBe('gmm-fit/1');
    expect(r.stderr).toMatch(/log-likelihood -1138\.8909/);
  });

  test('fit --out - --json: the model on stdout, the JSON report on stderr', async () => {
    const r = await runCli([TOY, '--k', '3', '--seed', '0', '--out', '-', '--json']);
    expect(JSON.parse(r.stdout).format).toBe('gmm-fit/1');
    expect(JSON.parse(r.stderr).fits[0].trace[0]).toBeCloseTo(-1388.0818, 4);
  });

  test('fit --plot - : the SVG on stdout, the report on stderr', async () => {
    const r = await runCli([TOY, '--k', '1..3', '--plot', '-']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^<\?xml[^]*<\/svg>\n$/);
    expect(r.stderr).toMatch(/selected/);
  });

  test('fit --out FILE --plot - : the model in the file, the SVG on stdout', async () => {
    const model = path.join(tmp(), 'm.json');
    const r = await runCli([TOY, '--k', '1..3', '--out', model, '--plot', '-', '--json']);
    expect(r.stdout).toMatch(/<\/svg>\n$/);
    expect(JSON.parse(fs.readFileSync(model, 'utf8')).format).toBe('gmm-fit/1');
    expect(JSON.parse(r.stderr).selected.k).toBeGreaterThan(0);
  });

  test('complete --out - : the matrix on stdout, the report on stderr; with --json too', async () => {
    const plain = await runCli(['complete', INCOMPLETE, '--missing', '0', '--k', '2', '--out', '-']);
    expect(plain.code).toBe(0);
    expect(plain.stdout.trim().split('\n')).toHaveLength(20);
    const json = await runCli(['complete', INCOMPLETE, '--missing', '0', '--k', '2', '--out', '-', '--json']);
    expect(json.stdout).toBe(plain.stdout);
    const lines = json.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^gmm-fit: warning: the variance floor 0\.25/);
    expect(JSON.parse(lines[lines.length - 1]).completion.filledCells).toBe(19);
  });

  test('plot --out - and plot-sweep --out - write the SVG to stdout (even on a terminal)', async () => {
    const model = path.join(tmp(), 'm.json');
    await runCli([TOY, '--k', '3', '--out', model]);
    const plot = await runCli(['plot', '-m', model, TOY, '--out', '-']);
    expect(plot.code).toBe(0);
    expect(plot.stdout).toMatch(/<\/svg>\n$/);
    const sweep = await runCli(['plot-sweep', TOY, '--k', '1..3', '--out', '-'], { isTTY: true });
    expect(sweep.stdout).toMatch(/^<\?xml/);
    expect(sweep.stdout).not.toMatch(/written to/);
  });

  test('--out dir/x where dir is a regular file: one clean data error, nothing written', async () => {
    const file = writeFile(tmp(), 'plain', 'x');
    const r = await runCli([TOY, '--k', '3', '--out', path.join(file, 'm.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(ONE_ERROR_LINE);
    expect(r.stderr).toMatch(/cannot write \(.*plain is not a folder\)/);
    expect(r.stderr).not.toMatch(/internal error/);
  });

  test('--out to a FIFO in the folder: written through', async () => {
    const fifo = path.join(tmp(), 'fifo');
    if (!mkfifo(fifo)) return;
    const read = readFifo(fifo);
    const r = await runCli([TOY, '--k', '3', '--out', fifo]);
    expect(r.code).toBe(0);
    expect(JSON.parse(await read).format).toBe('gmm-fit/1');
    expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
  });
});

describe('interrupted while writing: the temporary file is removed', () => {
  const tmp = useTempDir();

  test.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ])('%s during a write leaves no file and exits %i', (signal, code) => {
    const dir = tmp();
    const script = `
      const { writeFileAtomic } = require(${JSON.stringify(repoPath('dist', 'io', 'atomic.js'))});
      const { interruptibleTempFiles } = require(${JSON.stringify(repoPath('dist', 'cli', 'signals.js'))});
      async function* big() { for (let i = 0; i < 400; i++) { yield 'x'.repeat(1 << 20); await new Promise((r) => setImmediate(r)); } }
      writeFileAtomic(${JSON.stringify(path.join(dir, 'out.txt'))}, big(), interruptibleTempFiles());
      setTimeout(() => process.kill(process.pid, ${JSON.stringify(signal)}), 30);`;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(result.status).toBe(code);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('standard streams that fail', () => {
  const tmp = useTempDir();

  test('a write to stdout that fails (ENOSPC) in-process: one error line, exit 1', async () => {
    const { run } = await import('../../src/cli/main');
    let stderr = '';
    const io = {
      stdout: {
        write: () => {
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
        },
      },
      stderr: { write: (t: string) => ((stderr += t), true) },
      stdin: process.stdin,
      env: {},
    };
    const code = await run(['node', 'gmm-fit', TOY, '--k', '3'], io);
    expect(code).toBe(1);
    expect(stderr).toBe('gmm-fit: error: cannot write to standard output (no space left on device)\n');
  });

  test('stdout on a full device (a /dev/full made in the test folder, as root): one error line, exit 1', () => {
    if (!isRoot) return;
    const full = path.join(tmp(), 'full');
    try {
      execFileSync('mknod', ['-m', '666', full, 'c', '1', '7']);
    } catch {
      return;
    }
    const fd = fs.openSync(full, 'w');
    try {
      const result = spawnSync(process.execPath, [BIN, TOY, '--k', '3'], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe('gmm-fit: error: cannot write to standard output (no space left on device)\n');
    } finally {
      fs.closeSync(fd);
    }
  });

  test('a closed stderr pipe (--verbose 2>&1 | head -1) ends quietly with exit 0', async () => {
    const child = spawn(process.execPath, [BIN, TOY, '--k', '1..4', '--seeds', '0..4', '--verbose']);
    child.stderr.once('data', () => child.stderr.destroy());
    child.stdout.resume();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
  });
});
