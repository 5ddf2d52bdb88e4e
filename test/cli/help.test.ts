import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { addAllOptions, buildProgram } from '../../src/cli/program';
import { repoPath, runCli, useTempDir } from '../helpers/cli';

// `gmm-fit --help` starts fast two ways: the program adds a command's options only when that
// command runs or shows its help, and bin/gmm-fit.js prints --help, -h and the bare usage
// from dist/cli/help.json (rendered by the build) when commander would print that very text.

const BIN = repoPath('bin', 'gmm-fit.js');
const MAIN = repoPath('dist', 'cli', 'main.js');

describe('options added on demand', () => {
  const quiet = { stdout: { write: () => true }, stderr: { write: () => true }, stdin: process.stdin, env: {} };

  test('the commands read the same in the program help before their options are added as after', () => {
    const program = buildProgram(quiet, async () => {});
    const before = program.helpInformation();
    expect(program.commands.every((c) => c.options.length === 0)).toBe(true);
    addAllOptions(program);
    expect(program.commands.every((c) => c.options.length > 0)).toBe(true);
    expect(before).toMatch(/^ {2}fit \[options\] <file> /m);
    expect(before).toMatch(/^ {2}start \[options\] <files\.\.\.> /m);
    expect(before).toBe(program.helpInformation());
  });

  test("`help <command>` shows the command's options, as `<command> --help` does", async () => {
    for (const command of ['fit', 'sample', 'mstep']) {
      const viaHelp = await runCli(['help', command]);
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.stdout).toMatch(/--model-file|--k /);
      expect(viaHelp.stdout).toBe((await runCli([command, '--help'])).stdout);
    }
  });
});

describe('the help the build rendered (dist/cli/help.json)', () => {
  const tmp = useTempDir();

  interface Run {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
    /** Whether the process loaded the CLI (dist/cli/main.js). */
    readonly cli: boolean;
  }

  /**
   * Runs `script` (bin/gmm-fit.js, or a script calling run() directly) with a preload that makes
   * stdout look like a terminal of `columns` (when given) and records whether the CLI was loaded.
   */
  function runScript(script: string, args: readonly string[], columns?: number): Run {
    const dir = tmp();
    const mark = path.join(dir, 'loaded.json');
    const preload = path.join(dir, 'preload.js');
    fs.writeFileSync(
      preload,
      `${columns === undefined ? '' : `Object.defineProperty(process.stdout, 'isTTY', { value: true }); Object.defineProperty(process.stdout, 'columns', { value: ${columns} });`}
      process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(mark)}, JSON.stringify(require.resolve(${JSON.stringify(MAIN)}) in require.cache)));`,
    );
    const r = spawnSync(process.execPath, ['-r', preload, script, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, cli: JSON.parse(fs.readFileSync(mark, 'utf8')) };
  }

  /** What the CLI itself prints: run() called as the shim calls it, without the shim. */
  function direct(args: readonly string[], columns?: number): Run {
    const script = path.join(tmp(), 'direct.js');
    fs.writeFileSync(script, `require(${JSON.stringify(MAIN)}).run(process.argv).then((code) => { process.exitCode = code; });`);
    return runScript(script, args, columns);
  }

  const output = (r: Run) => ({ status: r.status, stdout: r.stdout, stderr: r.stderr });

  test('holds what the CLI prints for --help (stdout, exit 0) and bare gmm-fit (stderr, exit 2), at width 80', () => {
    const cache = JSON.parse(fs.readFileSync(repoPath('dist', 'cli', 'help.json'), 'utf8'));
    expect(cache.width).toBe(80);
    expect(output(direct(['--help']))).toEqual({ status: 0, stdout: cache.help, stderr: '' });
    expect(output(direct([]))).toEqual({ status: 2, stdout: '', stderr: cache.usage });
    expect(cache.help).toMatch(/^Usage: gmm-fit \[options\] \[command\]\n/);
    expect(cache.help).toContain('\nExamples:\n');
  });

  test.each([[['--help']], [['-h']], [[]]])('the shim prints it for %j on a pipe without loading the CLI, the same bytes and exit code', (args) => {
    const shim = runScript(BIN, args);
    expect(shim.cli).toBe(false);
    expect(output(shim)).toEqual(output(direct(args)));
  });

  test('on a terminal 80 wide it is the same text; on one 100 or 60 wide the CLI renders its own', () => {
    for (const args of [['--help'], []]) {
      const at80 = runScript(BIN, args, 80);
      expect(at80.cli).toBe(false);
      expect(output(at80)).toEqual(output(direct(args, 80)));
      for (const columns of [100, 60]) {
        const wide = runScript(BIN, args, columns);
        expect(wide.cli).toBe(true);
        expect(output(wide)).toEqual(output(direct(args, columns)));
        expect(output(wide)).not.toEqual(output(at80));
      }
    }
  });

  test('any other arguments run the CLI', () => {
    for (const args of [['help'], ['fit', '--help'], ['--help', 'fit'], ['-V']]) {
      const shim = runScript(BIN, args);
      expect({ args, cli: shim.cli }).toEqual({ args, cli: true });
      expect(output(shim)).toEqual(output(direct(args)));
    }
  });

  test('without the file (a build that failed) the shim runs the CLI, with the same output', () => {
    // A copy of the built package without dist/cli/help.json, its dependencies linked.
    const root = path.join(tmp(), 'package');
    for (const entry of ['bin', 'dist', 'package.json']) fs.cpSync(repoPath(entry), path.join(root, entry), { recursive: true });
    fs.symlinkSync(repoPath('node_modules'), path.join(root, 'node_modules'));
    fs.rmSync(path.join(root, 'dist', 'cli', 'help.json'));
    for (const args of [['--help'], []]) {
      const r = spawnSync(process.execPath, [path.join(root, 'bin', 'gmm-fit.js'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual(output(direct(args)));
    }
  });
});
