import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { repoPath, runCli, useTempDir, writeFile, type CliResult } from '../helpers/cli';
import { parseXml } from '../plot/xml';

// The hostile cases of "never damage the machine, never pass a failed fit off as a
// success, never print NaN or a stack trace": each runs the CLI end to end and checks
// the exit code, the message, and that no file is left or changed.

const TOY = repoPath('data', 'toy.txt');
const INCOMPLETE = repoPath('test', 'fixtures', 'test_incomplete.txt');
const ONE_ERROR_LINE = /^gmm-fit: error: [^\n]+\n$/;
const STACK = /\n\s+at /;

 
type Json = any;

function expectError(r: CliResult, code: 1 | 2, message: RegExp): void {
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code, stdout: '' });
  expect(r.stderr).toMatch(ONE_ERROR_LINE);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(STACK);
  expect(r.stderr).not.toMatch(/internal error/);
}

/** Never NaN, Infinity or null in a number of the JSON or the tables. */
function expectNoBadNumbers(text: string): void {
  expect(text).not.toMatch(/NaN|Infinity|null/);
}

/** A generator of the same numbers every run. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

/** 12 copies of one point among 40 spread ones: components collapse onto the copies. */
function repeatedPoints(): string {
  const r = lcg(1);
  const rows: string[] = [];
  for (let i = 0; i < 12; i++) rows.push('0.1 0.7');
  for (let i = 0; i < 40; i++) rows.push(`${(r() * 10).toFixed(3)} ${(r() * 10).toFixed(3)}`);
  return rows.join('\n') + '\n';
}

describe('failed fits are reported failed, never converged', () => {
  const tmp = useTempDir();

  test('spherical components that collapse onto repeated points fail with the reason, are never selected, and any saved model is usable', async () => {
    const file = writeFile(tmp(), 'repeated.txt', repeatedPoints());
    const model = path.join(tmp(), 'model.json');
    const r = await runCli([file, '--k', '2..5', '--seeds', '0..9', '--json', '--out', model]);
    expect(r.code).toBe(0);
    expectNoBadNumbers(r.stdout);
    const doc: Json = JSON.parse(r.stdout);
    const failed = doc.fits.filter((f: Json) => f.error);
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) expect(f.error).toMatch(/component \d collapsed onto repeated points \(variance [^,]+, at the rounding level of the data's scale 10\.5\); try fewer components, or a variance floor such as --min-var 1e-5/);
    // Not only exact zeros: variances of a few units in the last place (the expanded distance's rounding) are caught too.
    expect(failed.some((f: Json) => /variance [1-9][^,]*e-1[45]/.test(f.error))).toBe(true);
    // Every fit reported as a success has variances far above rounding.
    for (const f of doc.fits.filter((f: Json) => !f.error)) for (const v of f.mixture.var) expect(v).toBeGreaterThan(1e-6);
    const selected = doc.fits.find((f: Json) => f.k === doc.selected.k && f.seed === doc.selected.seed);
    expect(selected.error).toBeUndefined();
    // The model --out wrote is accepted by every command that reads models.
    for (const args of [['predict', '-m', model, file], ['score', '-m', model, file], ['sample', '-m', model, '-n', '5'], ['plot', '-m', model, file]]) {
      const used = await runCli(args);
      expect(used.code).toBe(0);
      expectNoBadNumbers(used.stdout);
    }
    expect(r.stderr.split('\n').filter((l) => l.includes('failed: ')).length).toBe(failed.length);
  });

  test.each(['diag', 'full'])('%s with no regularisation (--reg-covar 0 --cov-floor 0) and a constant column: the fit fails naming the column, not a "collapsed point"', async (covariance) => {
    const r = lcg(3);
    const rows = Array.from({ length: 30 }, () => `${(r() * 5).toFixed(2)} 7 ${(r() * 3).toFixed(2)}`);
    const file = writeFile(tmp(), 'constant.txt', rows.join('\n') + '\n');
    const out = path.join(tmp(), 'model.json');
    const result = await runCli([file, '--k', '2', '--covariance', covariance, '--reg-covar', '0', '--cov-floor', '0', '--out', out]);
    expectError(result, 1, /column 2 is constant, so its variance is 0 in every component; drop it or give --cov-floor > 0 or --reg-covar > 0/);
    expect(result.stderr).not.toMatch(/single point/);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('with a header, the constant column is named', async () => {
    const rows = Array.from({ length: 20 }, (_, u) => `${(u * 0.37) % 3},4.5,${(u * 0.71) % 2}`);
    const file = writeFile(tmp(), 'named.csv', 'width,flat,height\n' + rows.join('\n') + '\n');
    expectError(await runCli([file, '--k', '2', '--covariance', 'diag', '--reg-covar', '0', '--cov-floor', '0']), 1, /column 2 \(flat\) is constant/);
  });

  test('full with no regularisation on collinear columns: a singular covariance fails with its reason', async () => {
    const r = lcg(5);
    const rows = Array.from({ length: 40 }, () => {
      const a = r() * 10;
      return `${a.toFixed(3)} ${(2 * Number(a.toFixed(3))).toFixed(3)} ${(r() * 4).toFixed(3)}`;
    });
    const file = writeFile(tmp(), 'collinear.txt', rows.join('\n') + '\n');
    const result = await runCli([file, '--k', '1', '--covariance', 'full', '--reg-covar', '0', '--cov-floor', '0']);
    expectError(result, 1, /the covariance of component 1 is (singular|not positive definite).*raise --cov-floor or --reg-covar, use fewer components, or scale the data/);
  });

  test('a fit that stops on a decrease of the log-likelihood is not converged: "stop": "decrease" and one warning', async () => {
    // Found by search: with --reg-covar the M-step is not the exact maximiser, and this fit's LL falls at its last step.
    const data = '1.9 0.3\n8.2 5.5\n3.1 2.8\n5.8 4.7\n1.3 4.3\n3.8 5.3\n3.5 5\n5.3 3.5\n1.3 4.4\n6.6 6.3\n';
    const r = await runCli(['-', '--k', '3', '--seeds', '0,1', '--reg-covar', '0.1', '--json'], { stdin: data });
    expect(r.code).toBe(0);
    const doc: Json = JSON.parse(r.stdout);
    const fit = doc.fits[0];
    expect(fit.stop).toBe('decrease');
    expect(fit.converged).toBe(false);
    expect(fit.trace[fit.trace.length - 1]).toBeLessThan(fit.trace[fit.trace.length - 2]);
    const warnings = r.stderr.split('\n').filter(Boolean);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^gmm-fit: warning: K=3 seed=0(, K=3 seed=1)? stopped because the log-likelihood fell by more than rounding, so (it is|they are) not converged/);
  });

  test('a fit that converges says so: "stop": "converged"', async () => {
    const doc: Json = JSON.parse((await runCli([TOY, '--k', '3', '--seed', '0', '--json'])).stdout);
    expect(doc.fits[0]).toMatchObject({ converged: true, stop: 'converged', iterations: 33, flooredVariances: 0 });
  });

  test('--tol 0 runs exactly --max-iter iterations, as scikit-learn tol=0, without a max-iter warning', async () => {
    const r = await runCli([TOY, '--k', '3', '--seed', '0', '--tol', '0', '--max-iter', '7', '--json']);
    expect(r.stderr).toBe('');
    const fit = JSON.parse(r.stdout).fits[0];
    expect(fit).toMatchObject({ iterations: 7, converged: false, stop: 'max-iter' });
    expect(fit.trace).toHaveLength(7);
    // The course's stopping rule still holds by default: 33 iterations.
    expect(JSON.parse((await runCli([TOY, '--k', '3', '--seed', '0', '--json'])).stdout).fits[0].iterations).toBe(33);
  });

  test('the floor on a full covariance bounds its eigenvalues, and EM stays monotone', async () => {
    // Two tight, tilted clusters: a floor of 0.05 binds along their narrow axes, off the coordinate axes.
    const r = lcg(9);
    const rows: string[] = [];
    for (let u = 0; u < 80; u++) {
      const t = r() * 4 - 2;
      const e = (r() - 0.5) * 0.1;
      const [cx, cy] = u % 2 ? [0, 0] : [6, 1];
      rows.push(`${(cx + t + e).toFixed(4)} ${(cy + t - e).toFixed(4)}`);
    }
    const file = writeFile(tmp(), 'tilted.txt', rows.join('\n') + '\n');
    const res = await runCli([file, '--k', '2', '--seed', '1', '--covariance', 'full', '--min-var', '0.05', '--json']);
    const fit = JSON.parse(res.stdout).fits[0];
    expect(fit.flooredVariances).toBeGreaterThan(0);
    for (const [[a, b], [, c]] of fit.mixture.covariance) {
      const smallest = (a + c) / 2 - Math.hypot((a - c) / 2, b);
      expect(smallest).toBeGreaterThan(0.05 * (1 - 1e-9));
    }
    for (let t = 1; t < fit.trace.length; t++) expect(fit.trace[t]).toBeGreaterThanOrEqual(fit.trace[t - 1] - 1e-9 * Math.abs(fit.trace[t]));
    expect(res.stderr).toMatch(/warning: the variance floor 0\.05 \(--min-var\) held up variances in 1 of 1 fits, \d+ of them in the selected fit/);
  });
});

describe('no silent variance floor', () => {
  const tmp = useTempDir();

  /** 200 rows on a small scale (values about ±0.1, like scikit-learn's diabetes data), one cell blank. */
  function smallScale(): string {
    const r = lcg(21);
    const rows = Array.from({ length: 200 }, (_, u) => [0, 1, 2].map((i) => (u === 7 && i === 1 ? '' : ((r() - 0.5) * 0.2 + (u % 2) * 0.05 * i).toFixed(5))).join(','));
    return 'a,b,c\n' + rows.join('\n') + '\n';
  }

  test('a missing cell on data of another scale turns on no floor: the same fit as --min-var 0, no floored variances', async () => {
    const file = writeFile(tmp(), 'small.csv', smallScale());
    const plain = await runCli([file, '--k', '2', '--json']);
    const unfloored = await runCli([file, '--k', '2', '--min-var', '0', '--json']);
    expect(plain.stderr).toBe('');
    expect(plain.stdout).toBe(unfloored.stdout);
    const fit = JSON.parse(plain.stdout).fits[0];
    expect(fit.flooredVariances).toBe(0);
    expect(fit.logLikelihood).toBeGreaterThan(0); // variances ≈ 0.003: a positive log-density; the old 0.25 floor made it about −600
  });

  test('a floor that raises variances is reported on stderr and counted in the JSON', async () => {
    const file = writeFile(tmp(), 'small.csv', smallScale());
    const r = await runCli([file, '--k', '2', '--min-var', '0.25', '--json']);
    expect(r.stderr).toBe('gmm-fit: warning: the variance floor 0.25 (--min-var) held up variances in 1 of 1 fits, 2 of them in the selected fit\n');
    expect(JSON.parse(r.stdout).fits[0].flooredVariances).toBe(2);
  });

  test("--missing 0 keeps the course's 0.25 floor, and says so", async () => {
    const r = await runCli(['complete', INCOMPLETE, '--missing', '0', '--k', '4', '--seed', '0', '--out', path.join(tmp(), 'filled.txt'), '--json']);
    const fit = JSON.parse(r.stdout).fits[0];
    expect(fit.logLikelihood).toBeCloseTo(-84.98451993042474, 8); // test_solutions.txt
    expect(fit.flooredVariances).toBe(2);
    expect(r.stderr).toMatch(/the variance floor 0\.25 \(--min-var, the course's default for --missing 0 ratings\)/);
  });
});

describe('numbers that must never appear', () => {
  const tmp = useTempDir();

  test('complete on an all-missing matrix: one data error, not "relative change NaN"', async () => {
    const file = writeFile(tmp(), 'empty.txt', '0 0 0\n0 0 0\n0 0 0\n');
    const out = path.join(tmp(), 'filled.txt');
    expectError(await runCli(['complete', file, '--missing', '0', '--k', '1', '--out', out]), 1, /empty\.txt: every cell is missing, so there is nothing to fit/);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('a model with a denormal variance is refused, naming the file, by score and predict', async () => {
    const model = writeFile(tmp(), 'tiny.json', JSON.stringify({ format: 'gmm-fit/1', model: 'spherical', k: 1, d: 2, mixture: { mu: [[0, 0]], var: [5e-324], p: [1] } }));
    for (const command of ['score', 'predict']) {
      expectError(await runCli([command, '-m', model, TOY, '--format', 'json']), 1, /tiny\.json: not a usable model: the variance 5e-324 is too small to use/);
    }
  });

  test('complete --truth that knows none of the missing cells: missing-cells RMSE null / n/a, a warning, nothing marked best', async () => {
    const input = writeFile(tmp(), 'in.txt', '1 2 NA\n2 NA 3\n1 2 3\n2 1 3\n');
    const truth = writeFile(tmp(), 'truth.txt', '1 2 NA\n2 NA 3\n1 2 3\n2 1 3\n');
    const out = path.join(tmp(), 'filled.txt');
    const json = await runCli(['complete', input, '--k', '1', '--truth', truth, '--out', out, '--json']);
    expect(json.code).toBe(0);
    const c = JSON.parse(json.stdout.trim().split('\n').pop()!).completion;
    expect(c.rmseMissing).toBeNull();
    for (const b of Object.values(c.baselines) as Json[]) expect(b.rmseMissing).toBeNull();
    expect(json.stderr).toMatch(/truth\.txt knows none of the 2 cells missing from .*in\.txt: the missing-cells RMSE is n\/a, and no prediction is marked best/);
    const table = await runCli(['complete', input, '--k', '1', '--truth', truth, '--out', out]);
    const lines = table.stdout.split('\n').filter((l) => /mixture|mean/.test(l));
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      expect(line).toMatch(/n\/a/);
      expect(line).not.toMatch(/\*/);
    }
    expectNoBadNumbers(table.stdout);
  });
});

describe('crashes become one clean line', () => {
  const tmp = useTempDir();

  test('sample from a full model whose covariance is not positive definite: a data error naming the file', async () => {
    const model = writeFile(tmp(), 'notpd.json', JSON.stringify({ format: 'gmm-fit/1', model: 'full', k: 1, d: 2, mixture: { mu: [[0, 0]], covariance: [[[1, 2], [2, 1]]], p: [1] } }));
    expectError(await runCli(['sample', '-m', model, '-n', '3']), 1, /notpd\.json: not a usable model: the covariance of component 1 is not positive definite/);
  });

  test('complete --init kmeans on data with missing cells: a usage error (k-means needs complete data)', async () => {
    expectError(await runCli(['complete', INCOMPLETE, '--missing', '0', '--k', '2', '--init', 'kmeans']), 2, /--init kmeans runs k-means, which needs complete data, but .* has 19 missing cells; use --init random or kmeans\+\+/);
  });
});

describe('resources are bounded before they are spent', () => {
  const tmp = useTempDir();

  test('--covariance full too large for memory is refused before anything is allocated', async () => {
    const r = lcg(2);
    const rows = Array.from({ length: 60 }, () => Array.from({ length: 600 }, () => (r() * 9).toFixed(1)).join(' '));
    const file = writeFile(tmp(), 'wide.txt', rows.join('\n') + '\n');
    expectError(await runCli([file, '--k', '50', '--covariance', 'full']), 1, /--covariance full with K=50 and 600 columns needs 50 covariances of 600×600 \(about 0\.4 GB with their factors\); use fewer components, --covariance diag, or fewer columns/);
  });

  test('a sweep of more than 10,000 fits is a usage error naming the total, however the seeds are split into ranges', async () => {
    expectError(await runCli([TOY, '--seeds', '0..99999,100000..199999']), 2, /the sweep would run 800000 fits \(4 values of K × 200000 seeds\); at most 10000 are allowed/);
    expectError(await runCli([TOY, '--k', '1..3', '--seeds', '0..3333']), 2, /10002 fits/);
  });

  test('--jobs above the number of cores is capped, with a note', async () => {
    const r = await runCli([TOY, '--k', '1..3', '--jobs', '256', '--json'], { cores: 2 });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('gmm-fit: warning: --jobs 256 is more than the 2 cores here; using 2\n');
  });

  test('--init kmeans++ with K above the number of distinct rows still takes K different rows', async () => {
    const rows = [...Array.from({ length: 300 }, () => '1 1'), '2 2', '3 3'];
    const r = await runCli(['-', '--k', '40', '--init', 'kmeans++', '--min-var', '0.01', '--json'], { stdin: rows.join('\n') + '\n' });
    const fit = JSON.parse(r.stdout).fits[0];
    expect(new Set(fit.initialRows).size).toBe(40);
  });
});

describe('pictures are well-formed whatever the names', () => {
  const tmp = useTempDir();

  test('header cells and file names with control characters give SVG that parses as XML', async () => {
    const header = 'a\u0001b,c\uFFFEd\n';
    const body = Array.from({ length: 30 }, (_, u) => `${(u % 7) + u / 10},${(u % 5) * 2 - u / 20}`).join('\n');
    const file = writeFile(tmp(), 'odd\u0002name.csv', header + body + '\n');
    const model = path.join(tmp(), 'm.json');
    expect((await runCli([file, '--k', '2', '--out', model])).code).toBe(0);
    const plot = await runCli(['plot', '-m', model, file]);
    expect(plot.code).toBe(0);
    expect(() => parseXml(plot.stdout)).not.toThrow();
    const sweep = await runCli(['plot-sweep', file, '--k', '1..3']);
    expect(sweep.code).toBe(0);
    expect(() => parseXml(sweep.stdout)).not.toThrow();
    // The test parser itself refuses such characters.
    expect(() => parseXml('<svg>\u0001</svg>')).toThrow(/U\+0001 .* not allowed in XML/);
  });
});

describe('commands and usage', () => {
  test('a mistyped command gets a suggestion, exit 2', async () => {
    expectError(await runCli(['compelte', INCOMPLETE]), 2, /^gmm-fit: error: unknown command 'compelte' \(Did you mean complete\?\)\n$/);
    expectError(await runCli(['predcit', '-m', 'x.json', TOY]), 2, /unknown command 'predcit' \(Did you mean predict\?\)/);
  });

  test('a first argument close to a command is a mistyped command; one far from every command is read as a file', async () => {
    const r = await runCli(['fti']);
    expect(r.stderr).toMatch(/unknown command 'fti' \(Did you mean fit\?\)/);
    const far = await runCli(['nothing-like-a-command']);
    expectError(far, 1, /nothing-like-a-command: no such file/);
  });

  test('bare gmm-fit prints the usage on stderr, exit 2', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Usage: gmm-fit \[options\] \[command\]/);
    expect(r.stderr).toMatch(/complete/);
  });

  test('an option of another command says whose it is', async () => {
    expectError(await runCli(['fit', TOY, '--truth', 'x']), 2, /^gmm-fit: error: unknown option '--truth' for fit: --truth belongs to complete\n$/);
    expectError(await runCli([TOY, '--truth', 'x']), 2, /for fit: --truth belongs to complete/);
    expectError(await runCli(['complete', TOY, '--plot', '-']), 2, /unknown option '--plot' for complete: --plot belongs to fit/);
  });
});

describe('Ctrl-C while the progress bar shows', () => {
  test('the cursor and line wrap are restored, and the exit code is 130', () => {
    const script = `
      const { sweepProgress } = require(${JSON.stringify(repoPath('dist', 'cli', 'render', 'progress.js'))});
      const stream = { isTTY: true, columns: 80, write: (s) => process.stdout.write(JSON.stringify(s) + '\\n'), cursorTo: () => true, clearLine: () => true, moveCursor: () => true, on: () => stream, removeListener: () => stream };
      let clock = 0;
      const bar = sweepProgress({ stderr: stream, stdout: stream, stdin: process.stdin, env: {} }, {}, () => clock);
      bar.onFit({ k: 1, seed: 0 }, 1, 10);
      clock = 5000;
      bar.onFit({ k: 1, seed: 1 }, 2, 10);
      process.kill(process.pid, 'SIGINT');
      setTimeout(() => {}, 2000);`;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(result.status).toBe(130);
    const writes = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as string);
    expect(writes.join('')).toMatch(/\x1b\[\?25l/); // the bar hid the cursor
    expect(writes[writes.length - 1]).toBe('\x1b[?25h\x1b[?7h');
  });
});
