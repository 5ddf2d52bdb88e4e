import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { repoPath, useTempDir } from '../helpers/cli';

// These run the built CLI (bin/gmm-fit.js → dist/) as a separate process: `npm test` builds dist first.
const BIN = repoPath('bin', 'gmm-fit.js');

describe('as a process', () => {
  const tmp = useTempDir();

  /** The dist/ modules (relative, with /) a run of the CLI leaves in require's cache, listed by the process itself. */
  function modulesLoaded(args: readonly string[]): string[] {
    const script = `process.stdout.write = () => true;
      require(${JSON.stringify(repoPath('dist', 'cli', 'main.js'))}).run(${JSON.stringify(['node', 'gmm-fit', ...args])}).then(() => {
        process.stderr.write(JSON.stringify(Object.keys(require.cache)));
      });`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    return JSON.parse(r.stderr).map((f: string) => path.relative(repoPath('dist'), f).split(path.sep).join('/'));
  }

  test('--help loads the program alone: no option table, parser, family, kernel or command module', () => {
    const loaded = modulesLoaded(['--help']);
    expect(loaded).toContain('cli/program.js');
    expect(loaded.filter((f) => !f.startsWith('..') && !['cli/main.js', 'cli/program.js', 'cli/io.js', 'core/errors.js'].includes(f))).toEqual([]);
  });

  test("a command's --help loads the families' catalogue only: no family record, state or kernel module", () => {
    const loaded = modulesLoaded(['fit', '--help']);
    expect(loaded).toContain('cli/options.js');
    expect(loaded).toContain('models/families/catalogue.js');
    expect(loaded.filter((f) => /^models\/(kernels\/|families\/(?!catalogue))|^fit\/(fit|em)\.js$|^cli\/(validate|commands\/)/.test(f))).toEqual(['models/kernels/layout.js']);
  });

  test('a reader that closes the pipe early: exit 0, no EPIPE trace', async () => {
    // A 2000×40 matrix with missing cells: its completion (~1 MB) is far more than a pipe buffer holds.
    const lines: string[] = [];
    for (let u = 0; u < 2000; u++) {
      const row: string[] = [];
      for (let i = 0; i < 40; i++) row.push((u * 7 + i * 13) % 11 === 0 ? 'NA' : String(((u * 31 + i * 17) % 5) + 1));
      lines.push(row.join(' '));
    }
    const file = path.join(tmp(), 'big.txt');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    // Rows repeat, so without a floor a component collapses onto them: the course's floor keeps the fit.
    const child = spawn(process.execPath, [BIN, 'complete', file, '--k', '2', '--min-var', '0.25']);
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
  });

  test('the shim sets the exit code: 2 for a usage error, 1 for a data error, 0 for success', () => {
    expect(spawnSync(process.execPath, [BIN, repoPath('data', 'toy.txt'), '--k', '0']).status).toBe(2);
    expect(spawnSync(process.execPath, [BIN, path.join(tmp(), 'nope.txt')]).status).toBe(1);
    const ok = spawnSync(process.execPath, [BIN, repoPath('data', 'toy.txt'), '--k', '3', '--seed', '0', '--json'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).fits[0].trace[0].toFixed(4)).toBe('-1388.0818');
  });
});
