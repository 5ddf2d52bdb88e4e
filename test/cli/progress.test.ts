import { sweepProgress } from '../../src/cli/render/progress';
import type { CliIO } from '../../src/cli/io';
import type { Fit } from '../../src/fit/fit';

/** A stderr that says it is a terminal and records what is written to it. */
function terminal(isTTY: boolean) {
  let text = '';
  const stream = {
    isTTY,
    columns: 100,
    write: (s: string) => {
      text += s;
      return true;
    },
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
    on: () => stream,
    removeListener: () => stream,
  };
  const io = { stderr: stream, stdout: { write: () => true }, stdin: process.stdin, env: {} } as unknown as CliIO;
  return { io, written: () => text };
}

const fit = (k: number, seed: number) => ({ k, seed }) as Fit;

describe('the sweep progress bar', () => {
  test('appears on a terminal once the sweep has run a second: fits done of total, the last K and seed', () => {
    const { io, written } = terminal(true);
    let clock = 0;
    const progress = sweepProgress(io, {}, () => clock);
    progress.onFit?.(fit(1, 0), 1, 4); // at 0 ms: too early
    expect(written()).toBe('');
    clock = 1500;
    progress.onFit?.(fit(2, 0), 2, 4);
    progress.onFit?.(fit(2, 1), 3, 4);
    progress.stop();
    expect(written()).toMatch(/fits .* 2\/4 \| last K=2 seed=0/);
    expect(written()).toMatch(/3\/4 \| last K=2 seed=1/);
  });

  test('never when stderr is not a terminal, nor with --quiet or --json, nor for a sweep done within a second', () => {
    for (const [isTTY, options] of [
      [false, {}],
      [true, { quiet: true }],
      [true, { json: true }],
    ] as const) {
      const { io, written } = terminal(isTTY);
      const progress = sweepProgress(io, options, () => 5000);
      progress.onFit?.(fit(1, 0), 1, 2);
      progress.onFit?.(fit(1, 1), 2, 2);
      progress.stop();
      expect(written()).toBe('');
    }
    const { io, written } = terminal(true);
    let clock = 0;
    const quick = sweepProgress(io, {}, () => clock);
    quick.onFit?.(fit(1, 0), 1, 2);
    clock = 2000;
    quick.onFit?.(fit(1, 1), 2, 2); // the last fit: nothing left to show
    quick.stop();
    expect(written()).toBe('');
  });
});

test('--verbose prints every iteration on stderr; --quiet silences warnings', async () => {
  const { runCli, repoPath } = await import('../helpers/cli');
  const toy = repoPath('data', 'toy.txt');
  const verbose = await runCli([toy, '--k', '1..2', '--seeds', '0..1', '--verbose', '--json']);
  expect(verbose.code).toBe(0);
  const lines = verbose.stderr.trim().split('\n');
  const doc = JSON.parse(verbose.stdout);
  const total = doc.fits.reduce((a: number, f: { iterations: number }) => a + f.iterations, 0);
  expect(lines).toHaveLength(total);
  expect(lines[0]).toMatch(/^gmm-fit: K=1 seed=0 iteration 1: log-likelihood -1573\.22278/);
  const warned = await runCli([toy, '--k', '3', '--max-iter', '2']);
  expect(warned.stderr).toMatch(/warning: K=3 seed=0 stopped at --max-iter 2/);
  const quiet = await runCli([toy, '--k', '3', '--max-iter', '2', '--quiet']);
  expect(quiet.code).toBe(0);
  expect(quiet.stderr).toBe('');
});
