import * as fs from 'fs';

import * as path from 'path';
import { parseTable } from '../../src/io/table';
import { makeTempDir, removeTempDir, repoPath, runCli, useTempDir, writeFile, type CliResult } from '../helpers/cli';

const TOY = repoPath('data', 'toy.txt');
const INCOMPLETE = repoPath('test', 'fixtures', 'test_incomplete.txt');
const COMPLETE = repoPath('test', 'fixtures', 'test_complete.txt');

 
type Json = any;

const ONE_ERROR_LINE = /^gmm-fit: error: [^\n]+\n$/;
const STACK_TRACE = /\n\s+at /;

/** Exit 2, nothing on stdout, one `gmm-fit: error:` line matching `message` on stderr. */
function expectUsageError(r: CliResult, message: RegExp): void {
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
  expect(r.stderr).toMatch(ONE_ERROR_LINE);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(STACK_TRACE);
}

/** Exit 1, nothing on stdout, one `gmm-fit: error:` line matching `message`, no stack trace. */
function expectDataError(r: CliResult, message: RegExp): void {
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 1, stdout: '' });
  expect(r.stderr).toMatch(ONE_ERROR_LINE);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(STACK_TRACE);
}

/** Exit 0, stderr exactly `stderr` (default: empty), and stdout is one JSON document. */
function expectJson(r: CliResult, stderr = ''): Json {
  expect(r.stderr).toBe(stderr);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Number of free parameters of a spherical mixture: K·d means, K variances, K−1 weights. */
const params = (k: number, d: number) => k * d + k + (k - 1);

describe('fit --json, one fit: data/toy.txt --k 3 --seed 0', () => {
  let doc: Json;
  let result: CliResult;

  beforeAll(async () => {
    result = await runCli([TOY, '--k', '3', '--seed', '0', '--json']);
    doc = JSON.parse(result.stdout);
  });

  test('exit 0, empty stderr, stdout is exactly one JSON document', () => {
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(() => JSON.parse(result.stdout)).not.toThrow();
    expect(result.stdout.endsWith('}\n')).toBe(true);
    expect(result.stdout.startsWith('{')).toBe(true);
  });

  test('input', () => {
    expect(doc.input).toMatchObject({ path: TOY, rows: 250, cols: 2, missing: 0, delimiter: 'whitespace' });
  });

  test("the first E-step's log-likelihood is -1388.0818 (the course's published check)", () => {
    expect(doc.fits).toHaveLength(1);
    expect(doc.fits[0].trace[0]).toBeCloseTo(-1388.0818, 4);
  });

  test('the fit has every key, with consistent values', () => {
    const fit = doc.fits[0];
    expect(fit).toMatchObject({ model: 'spherical', k: 3, seed: 0, converged: true });
    for (const key of ['logLikelihood', 'iterations', 'bic', 'aic']) expect(typeof fit[key]).toBe('number');
    expect(fit.cost).toBeUndefined();
    expect(fit.logLikelihood).toBeCloseTo(-1138.8909, 4);
    expect(fit.bic).toBeCloseTo(-1169.2589, 4);
    expect(fit.bic).toBeCloseTo(fit.logLikelihood - (params(3, 2) / 2) * Math.log(250), 9);
    expect(fit.aic).toBeCloseTo(fit.logLikelihood - params(3, 2), 9);
    expect(Number.isInteger(fit.iterations)).toBe(true);
    expect(fit.trace).toHaveLength(fit.iterations);
    expect(fit.trace[fit.trace.length - 1]).toBe(fit.logLikelihood);
    for (let i = 1; i < fit.trace.length; i++) expect(fit.trace[i]).toBeGreaterThanOrEqual(fit.trace[i - 1] - 1e-9);
  });

  test('the mixture: mu K×d, var and p of length K, p sums to 1', () => {
    const { mu, var: variance, p } = doc.fits[0].mixture;
    expect(mu).toHaveLength(3);
    for (const row of mu) expect(row).toHaveLength(2);
    expect(variance).toHaveLength(3);
    expect(p).toHaveLength(3);
    for (const v of variance) expect(v).toBeGreaterThan(0);
    expect(p.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 12);
  });

  test('best and selected', () => {
    expect(doc.best).toEqual([
      { covariance: 'spherical', k: 3, seed: 0, init: 'random', logLikelihood: doc.fits[0].logLikelihood, bic: doc.fits[0].bic, aic: doc.fits[0].aic },
    ]);
    expect(doc.selected).toEqual({ covariance: 'spherical', k: 3, seed: 0, init: 'random', criterion: 'bic' });
  });
});

describe('fit --json, the sweep --k 1..4 --seeds 0..4', () => {
  let doc: Json;

  beforeAll(async () => {
    doc = expectJson(await runCli([TOY, '--k', '1..4', '--seeds', '0..4', '--json']));
  });

  test('20 fits, K-major, every seed', () => {
    expect(doc.fits).toHaveLength(20);
    const pairs = doc.fits.map((f: Json) => [f.k, f.seed]);
    const expected: number[][] = [];
    for (let k = 1; k <= 4; k++) for (let s = 0; s <= 4; s++) expected.push([k, s]);
    expect(pairs).toEqual(expected);
    for (const fit of doc.fits) expect(fit.model).toBe('spherical');
  });

  test('best: one per K ascending, the highest log-likelihood over seeds', () => {
    expect(doc.best.map((b: Json) => b.k)).toEqual([1, 2, 3, 4]);
    for (const best of doc.best) {
      const ofK = doc.fits.filter((f: Json) => f.k === best.k);
      const top = Math.max(...ofK.map((f: Json) => f.logLikelihood));
      expect(best.logLikelihood).toBe(top);
      expect(ofK.find((f: Json) => f.logLikelihood === top).seed).toBe(best.seed);
    }
    // The course's log-likelihoods for K = 1..4 on the toy data.
    const lls = doc.best.map((b: Json) => b.logLikelihood);
    [-1307.2234, -1175.7146, -1138.8909, -1138.6012].forEach((ll, i) => expect(lls[i]).toBeCloseTo(ll, 4));
  });

  test('selected: K=3 by BIC (the course answer), BIC -1169.2589', () => {
    expect(doc.selected).toEqual({ covariance: 'spherical', k: 3, seed: 0, init: 'random', criterion: 'bic' });
    const chosen = doc.best.find((b: Json) => b.k === 3);
    expect(chosen.bic).toBeCloseTo(-1169.2589, 4);
    expect(chosen.bic).toBe(Math.max(...doc.best.map((b: Json) => b.bic)));
  });

  test('--criterion ll selects K=4, --criterion aic selects K=3', async () => {
    const ll = expectJson(await runCli([TOY, '--k', '1..4', '--seeds', '0..4', '--json', '--criterion', 'll']));
    expect(ll.selected).toEqual({ covariance: 'spherical', k: 4, seed: 4, init: 'random', criterion: 'll' });
    const aic = expectJson(await runCli([TOY, '--k', '1..4', '--seeds', '0..4', '--json', '--criterion', 'aic']));
    expect(aic.selected).toEqual({ covariance: 'spherical', k: 3, seed: 0, init: 'random', criterion: 'aic' });
  });

  test('--seed is the same as --seeds', async () => {
    const other = expectJson(await runCli([TOY, '--k', '1..4', '--seed', '0..4', '--json']));
    expect(other).toEqual(doc);
  });
});

describe('fit --model kmeans', () => {
  test('every fit has a cost, the last entry of its trace; best keeps the lowest cost', async () => {
    const doc = expectJson(await runCli([TOY, '--model', 'kmeans', '--k', '1..4', '--seeds', '0..4', '--json']));
    expect(doc.fits).toHaveLength(20);
    for (const fit of doc.fits) {
      expect(fit.model).toBe('kmeans');
      expect(typeof fit.cost).toBe('number');
      expect(fit.trace[fit.trace.length - 1]).toBe(fit.cost);
      expect(typeof fit.logLikelihood).toBe('number');
    }
    for (const best of doc.best) {
      const ofK = doc.fits.filter((f: Json) => f.k === best.k);
      expect(best.cost).toBe(Math.min(...ofK.map((f: Json) => f.cost)));
    }
    // The course's lowest k-means costs for K = 1..4 on the toy data.
    const costs = doc.best.map((b: Json) => b.cost);
    [5462.2975, 1684.908, 1329.5949, 1035.4998].forEach((c, i) => expect(costs[i]).toBeCloseTo(c, 4));
  });
});

describe('fit, human output', () => {
  test('a single fit prints the iteration table, the components and a summary', async () => {
    const r = await runCli([TOY, '--k', '3', '--seed', '0']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/iteration\s*│\s*log-likelihood\s*│\s*change\s*│\s*relative change/);
    expect(r.stdout).toMatch(/│\s+1 │\s+-1388\.0818 │/);
    expect(r.stdout).toMatch(/│\s+2 │\s+-1240\.7876 │\s+147\.2942 │/);
    expect(r.stdout).toMatch(/component\s*│\s*mu\s*│\s*var\s*│\s*p/);
    for (const j of [1, 2, 3]) expect(r.stdout).toMatch(new RegExp(`│\\s+${j} │ \\[-?\\d+\\.\\d{4}, -?\\d+\\.\\d{4}\\]\\s*│\\s+\\d+\\.\\d{4} │\\s+0\\.\\d{4} │`));
    expect(r.stdout).toMatch(/K=3 seed=0, log-likelihood -1138\.8909, BIC -1169\.2589, AIC -1149\.8909, \d+ iterations, converged/);
    expect(r.stdout).not.toMatch(/\x1b\[/); // not a terminal: no colour
  });

  test('a sweep prints a row per fit, the best per K, and the selected K', async () => {
    const r = await runCli([TOY, '--k', '1..4', '--seeds', '0..1']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/K\s*│\s*seed\s*│\s*log-likelihood\s*│\s*iterations\s*│\s*converged/);
    expect(r.stdout).toMatch(/K\s*│\s*best seed\s*│\s*log-likelihood\s*│\s*BIC\s*│\s*AIC\s*│\s*selected/);
    expect(r.stdout).toMatch(/\* by BIC/);
    expect(r.stdout).toMatch(/selected: spherical K=3 seed=0,/);
    expect(r.stdout).toMatch(/│\s+1 │\s+0 │\s+-1307\.2234 │/);
  });

  test('--precision changes the decimals', async () => {
    const r = await runCli([TOY, '--k', '3', '--seed', '0', '--precision', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/│\s+1 │\s+-1388\.08 │/);
    expect(r.stdout).toMatch(/log-likelihood -1138\.89, BIC -1169\.26/);
  });

  test('colour only on a terminal, and never with NO_COLOR or --no-color', async () => {
    const tty = await runCli([TOY, '--k', '1', '--seed', '0'], { isTTY: true });
    expect(tty.stdout).toMatch(/\x1b\[/);
    const noColorEnv = await runCli([TOY, '--k', '1', '--seed', '0'], { isTTY: true, env: { NO_COLOR: '1' } });
    expect(noColorEnv.stdout).not.toMatch(/\x1b\[/);
    const noColorFlag = await runCli([TOY, '--k', '1', '--seed', '0', '--no-color'], { isTTY: true });
    expect(noColorFlag.stdout).not.toMatch(/\x1b\[/);
  });
});

describe('fit: --out, the default command, stdin', () => {
  const tmp = useTempDir();

  test('--out writes the selected fit as a versioned model document', async () => {
    const out = path.join(tmp(), 'best.json');
    const doc = expectJson(await runCli([TOY, '--k', '1..4', '--seeds', '0..2', '--json', '--out', out]));
    const written = fs.readFileSync(out, 'utf8');
    expect(written.endsWith('\n')).toBe(true);
    const model = JSON.parse(written);
    const selected = doc.fits.find((f: Json) => f.k === doc.selected.k && f.seed === doc.selected.seed);
    expect(model).toMatchObject({ format: 'gmm-fit/1', model: 'spherical', k: 3, d: 2, mixture: selected.mixture });
    expect(model.fit).toMatchObject({ seed: 0, n: 250, logLikelihood: selected.logLikelihood, bic: selected.bic, iterations: selected.iterations });
    expect(model.options).toMatchObject({ model: 'gaussian', covariance: 'spherical', criterion: 'bic', k: [1, 2, 3, 4], seeds: [0, 1, 2] });
    expect(fs.readdirSync(tmp())).toEqual(['best.json']);
  });

  test('--out also works with human output, replacing an existing file', async () => {
    const out = writeFile(tmp(), 'best.json', 'old content that is much longer than nothing'.repeat(100));
    const r = await runCli([TOY, '--k', '2', '--seed', '1', '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/K=2 seed=1,/);
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toMatchObject({ model: 'spherical', k: 2, fit: { seed: 1 } });
  });

  test('`gmm-fit FILE` and `gmm-fit fit FILE` give the same JSON', async () => {
    const implied = await runCli([TOY, '--k', '2..3', '--seed', '0', '--json']);
    const explicit = await runCli(['fit', TOY, '--k', '2..3', '--seed', '0', '--json']);
    expect(implied.code).toBe(0);
    expect(explicit.code).toBe(0);
    expect(implied.stdout).toBe(explicit.stdout);
    expect(JSON.parse(implied.stdout).fits).toHaveLength(2);
  });

  test("stdin: '-' reads the piped toy data, with the same fits as the file", async () => {
    const fromFile = expectJson(await runCli([TOY, '--k', '3', '--seed', '0', '--json']));
    const fromStdin = expectJson(await runCli(['-', '--k', '3', '--seed', '0', '--json'], { stdin: fs.readFileSync(TOY) }));
    expect(fromStdin.input).toMatchObject({ path: '-', rows: 250, cols: 2 });
    expect(fromStdin.fits).toEqual(fromFile.fits);
    expect(fromStdin.fits[0].trace[0]).toBeCloseTo(-1388.0818, 4);
  });

  test('stdin with CSV content, sniffed from the content', async () => {
    const doc = expectJson(await runCli(['-', '--k', '1', '--json'], { stdin: 'x,y\r\n0,0\r\n2,0\r\n0,2\r\n2,2\r\n' }));
    expect(doc.input).toMatchObject({ path: '-', rows: 4, cols: 2, delimiter: ',', columns: ['x', 'y'] });
    expect(doc.fits[0].mixture.mu).toEqual([[1, 1]]);
    expect(doc.fits[0].mixture.var).toEqual([1]);
  });

  test('--help goes to stdout with exit 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: gmm-fit/);
    expect(r.stdout).toMatch(/complete/);
  });
});

describe('usage errors: exit 2, one line, nothing on stdout', () => {
  test.each<[string, string[], RegExp]>([
    ['an unknown flag, with a suggestion commander would not make', [TOY, '--kk', '3'], /^gmm-fit: error: unknown option '--kk' \(Did you mean --k\?\)$/m],
    ['an unknown flag with nothing near it', [TOY, '--xyzzy'], /^gmm-fit: error: unknown option '--xyzzy'$/m],
    ['an unknown short flag', [TOY, '-x'], /^gmm-fit: error: unknown option '-x'$/m],
    ['an unknown flag, with a suggestion', [TOY, '--jsn'], /^gmm-fit: error: unknown option '--jsn' \(Did you mean --json\?\)$/m],
    ['an unknown flag on `fit`, with a suggestion', ['fit', TOY, '--seeed', '0'], /unknown option '--seeed' \(Did you mean --seed\?\)/],
    ['--k 0', [TOY, '--k', '0'], /option '-k, --k <list>' argument '0' is invalid\. 0 in "0" is outside 1\.\.1000000/],
    ['--k 1..x', [TOY, '--k', '1..x'], /argument '1\.\.x' is invalid\. "1\.\.x" is not an integer, a list \(1,2,4\) or a range \(1\.\.4\)/],
    ['--k 3..1', [TOY, '--k', '3..1'], /argument '3\.\.1' is invalid\. the range "3\.\.1" runs backwards; write 1\.\.3/],
    ['--k 251 on 250 rows', [TOY, '--k', '251'], new RegExp(`--k 251 is more components than ${escapeRegExp(TOY)} has rows \\(250\\)$`, 'm')],
    ['--k 1..251 on 250 rows', [TOY, '--k', '249..251'], /--k 251 is more components than .* has rows \(250\)/],
    ['--seed 4294967296', [TOY, '--seed', '4294967296'], /option '-s, --seed <list>' argument '4294967296' is invalid\. 4294967296 in "4294967296" is outside 0\.\.4294967295/],
    ['--seeds 4294967296', [TOY, '--seeds', '4294967296'], /argument '4294967296' is invalid/],
    ['--seed -1', [TOY, '--seed', '-1'], /option '-s, --seed <list>' argument '-1' is invalid\. "-1" is not an integer, a list/],
    ['--tol -1e-6', [TOY, '--tol', '-1e-6'], /option '--tol <x>' argument '-1e-6' is invalid\. expected a number ≥ 0, got "-1e-6"/],
    ['--min-var -1', [TOY, '--min-var', '-1'], /option '--min-var <x>' argument '-1' is invalid\. expected a number ≥ 0, got "-1"/],
    ['--max-iter 0', [TOY, '--max-iter', '0'], /option '--max-iter <n>' argument '0' is invalid\. expected an integer ≥ 1, got "0"/],
    ['--max-iter 2.5', [TOY, '--max-iter', '2.5'], /expected an integer ≥ 1, got "2\.5"/],
    ['--model svm', [TOY, '--model', 'svm'], /argument 'svm' is invalid\. Allowed choices are gaussian, kmeans/],
    ['--criterion bicc', [TOY, '--criterion', 'bicc'], /argument 'bicc' is invalid\. Allowed choices are bic, aic, ll/],
    ['--delimiter 5 (a digit cannot separate numbers)', [TOY, '--delimiter', '5'], /expected comma, tab, whitespace \(or space\), semicolon, pipe, :: or a single character other than a quote, a digit, a sign or '\.', got "5"/],
    ['--seed with --seeds', [TOY, '--seed', '0', '--seeds', '1'], /give --seed or --seeds, not both/],
    [
      '--model kmeans on data with missing cells',
      [INCOMPLETE, '--missing', '0', '--model', 'kmeans', '--k', '2'],
      new RegExp(`--model kmeans needs complete data, but ${escapeRegExp(INCOMPLETE)} has 19 missing cells; use --model gaussian`),
    ],
    ['complete --json without --out', ['complete', INCOMPLETE, '--missing', '0', '--k', '4', '--json'], /complete --json prints the report on stdout, so the completed matrix needs --out FILE/],
    ['no file argument to fit', ['fit', '--k', '3'], /missing required argument 'file'/],
    ['no file argument to complete', ['complete'], /missing required argument 'file'/],
    ['--truth given to fit', ['fit', TOY, '--truth', COMPLETE], /unknown option '--truth'/],
  ])('%s', async (_name, args, message) => {
    expectUsageError(await runCli(args), message);
  });

  test('a usage error found after reading the data writes no --out file', async () => {
    const dir = makeTempDir();
    try {
      const out = path.join(dir, 'fit.json');
      expectUsageError(await runCli([TOY, '--k', '251', '--out', out]), /--k 251 is more components/);
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('data errors: exit 1, one line naming the file, no stack trace', () => {
  const tmp = useTempDir();

  test('a missing file', async () => {
    const file = path.join(tmp(), 'nope.txt');
    expectDataError(await runCli([file, '--k', '1']), new RegExp(`^gmm-fit: error: ${escapeRegExp(file)}: no such file$`, 'm'));
  });

  test('an empty file', async () => {
    const file = writeFile(tmp(), 'empty.txt', '');
    expectDataError(await runCli([file, '--k', '1']), new RegExp(`^gmm-fit: error: ${escapeRegExp(file)}: the file is empty \\(no rows of numbers\\)$`, 'm'));
  });

  test('a header without rows', async () => {
    const file = writeFile(tmp(), 'head.csv', 'x,y\n');
    expectDataError(await runCli([file, '--k', '1']), new RegExp(`${escapeRegExp(file)}: there is a header but no rows of numbers`));
  });

  test('a non-numeric cell, quoted with line and column', async () => {
    const file = writeFile(tmp(), 'bad.txt', '1 2\n3 4\n5 six\n');
    expectDataError(await runCli([file, '--k', '1']), new RegExp(`^gmm-fit: error: ${escapeRegExp(file)}:3:2: "six" is not a number$`, 'm'));
  });

  test('a non-numeric cell in a CSV, after a blank line and a comment', async () => {
    const file = writeFile(tmp(), 'bad.csv', 'a,b\n1,2\n\n# note\n3,??\n');
    expectDataError(await runCli(['fit', file, '--k', '1']), new RegExp(`${escapeRegExp(file)}:5:2: "\\?\\?" is not a number$`, 'm'));
  });

  test('a ragged row names the line and both counts', async () => {
    const file = writeFile(tmp(), 'ragged.txt', '1 2\n3 4\n5 6 7\n');
    expectDataError(await runCli([file, '--k', '1']), new RegExp(`${escapeRegExp(file)}:3: the row has 3 cells, but line 1 has 2$`, 'm'));
  });

  test('infinity and overflow', async () => {
    const inf = writeFile(tmp(), 'inf.txt', '1 2\n3 -inf\n');
    expectDataError(await runCli([inf, '--k', '1']), /inf\.txt:2:2: "-inf" is infinite; only finite numbers are allowed/);
    const big = writeFile(tmp(), 'big.txt', '1 2\n1e400 4\n');
    expectDataError(await runCli([big, '--k', '1']), /big\.txt:2:1: "1e400" overflows a double/);
  });

  test('a directory', async () => {
    const dir = path.join(tmp(), 'folder');
    fs.mkdirSync(dir);
    expectDataError(await runCli([dir, '--k', '1']), new RegExp(`${escapeRegExp(dir)}: is a directory, not a file$`, 'm'));
  });

  test('a binary file and a non-UTF-8 file', async () => {
    const bin = writeFile(tmp(), 'bin.dat', Buffer.from([0x31, 0x00, 0x32]));
    expectDataError(await runCli([bin, '--k', '1']), new RegExp(`${escapeRegExp(bin)}: looks like a binary file`));
    const latin = writeFile(tmp(), 'latin.txt', Buffer.from([0xff, 0xfe, 0x41]));
    expectDataError(await runCli([latin, '--k', '1']), new RegExp(`${escapeRegExp(latin)}: is not UTF-8 text$`, 'm'));
  });

  test('bad stdin is named <stdin>', async () => {
    expectDataError(await runCli(['-', '--k', '1'], { stdin: '1 2\nx 4\n' }), /<stdin>:2:1: "x" is not a number/);
    expectDataError(await runCli(['-', '--k', '1'], { stdin: '' }), /<stdin>: the file is empty/);
  });

  test('--out into a missing folder: exit 1, nothing on stdout', async () => {
    const out = path.join(tmp(), 'missing', 'fit.json');
    expectDataError(await runCli([TOY, '--k', '1', '--json', '--out', out]), new RegExp(`${escapeRegExp(out)}: cannot write \\(no such folder\\)`));
    expect(fs.readdirSync(tmp())).toEqual([]);
  });

  test('--debug adds the stack trace', async () => {
    const file = path.join(tmp(), 'nope.txt');
    const r = await runCli([file, '--k', '1', '--debug']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^gmm-fit: error: .*nope\.txt: no such file\n/);
    expect(r.stderr).toMatch(STACK_TRACE);
  });
});

/** X_pred from test/fixtures/test_solutions.txt (the course's filled matrix, printed to 8 decimals). */
const X_PRED = [
  [2, 5, 3, 3.94554203, 1.53247395],
  [3, 5, 3.11376, 4, 3],
  [2, 4.98967752, 3, 3, 1],
  [4, 4.20321354, 4, 5, 2],
  [3, 4, 3.18859109, 3.64540838, 4],
  [1, 4.99965498, 4, 5, 5],
  [2, 5, 3.16858887, 4.01321529, 1],
  [3, 4.20380457, 5, 4, 3],
  [2.99334056, 5, 3, 3, 3],
  [2, 4.63458935, 3.16542905, 3, 3],
  [3, 4, 3, 3, 3],
  [1, 5, 3, 4.00170707, 1],
  [4, 5, 3, 4, 3],
  [1, 4, 4.50628741, 5, 2],
  [1, 5, 3, 3, 5],
  [3, 5, 3, 4, 3],
  [3, 4.40437447, 4.03220151, 4, 2],
  [3, 5, 3, 5, 1],
  [2, 4, 5, 5, 2.3116484],
  [2, 5, 4, 4, 2],
];

/** The completed matrix written by `complete` against the input: observed cells unchanged, filled cells = X_pred. */
function expectCompletion(text: string): void {
  const filled = parseTable(text, 'completed.txt');
  expect([filled.matrix.rows, filled.matrix.cols]).toEqual([20, 5]);
  expect(filled.delimiter).toBe('whitespace');
  expect(filled.matrix.observed).toBeNull();
  const input = parseTable(fs.readFileSync(INCOMPLETE, 'utf8'), INCOMPLETE, { missing: ['0'] }).matrix;
  let filledCells = 0;
  for (let c = 0; c < 100; c++) {
    if (input.observed![c]) expect(filled.matrix.data[c]).toBe(input.data[c]);
    else {
      filledCells++;
      expect(Math.abs(filled.matrix.data[c] - X_PRED[Math.floor(c / 5)][c % 5])).toBeLessThan(1e-7);
    }
  }
  expect(filledCells).toBe(19);
}

/** The course's floor is reported: on the rating fixture (K=4, seed 0) it holds up two of the four variances. */
const COURSE_FLOOR_WARNING = "gmm-fit: warning: the variance floor 0.25 (--min-var, the course's default for --missing 0 ratings) held up variances in 1 of 1 fits, 2 of them in the selected fit\n";

describe('complete', () => {
  const tmp = useTempDir();
  const base = ['complete', INCOMPLETE, '--k', '4', '--seed', '0', '--missing', '0'];

  test('--truth --out --json: RMSE 0.3152301205749675, baselines, and the completed file', async () => {
    const out = path.join(tmp(), 'completed.txt');
    const doc = expectJson(await runCli([...base, '--truth', COMPLETE, '--out', out, '--json']), COURSE_FLOOR_WARNING);
    expect(doc.input).toMatchObject({ path: INCOMPLETE, rows: 20, cols: 5, missing: 19 });
    expect(doc.selected).toEqual({ covariance: 'spherical', k: 4, seed: 0, init: 'random', criterion: 'bic' });
    // test_solutions.txt: LL after the first E-step and after the run.
    expect(Math.abs(doc.fits[0].trace[0] - -152.16319226209848)).toBeLessThan(1e-8);
    expect(Math.abs(doc.fits[0].logLikelihood - -84.98451993042474)).toBeLessThan(1e-8);

    const c = doc.completion;
    expect(Math.abs(c.rmse - 0.3152301205749675)).toBeLessThan(1e-8);
    expect(c.output).toBe(out);
    expect(c.filledCells).toBe(19);
    expect(typeof c.rmseMissing).toBe('number');
    // Over all 100 cells vs over the 19 filled ones: the same squared error.
    expect(c.rmseMissing).toBeCloseTo(c.rmse * Math.sqrt(100 / 19), 12);
    expect(Object.keys(c.baselines).sort()).toEqual(['column', 'global', 'row']);
    for (const name of ['global', 'row', 'column']) {
      const b = c.baselines[name];
      expect(Object.keys(b).sort()).toEqual(['rmse', 'rmseMissing']);
      expect(Number.isFinite(b.rmse)).toBe(true);
      expect(b.rmse).toBeGreaterThan(0);
      expect(b.rmseMissing).toBeCloseTo(b.rmse * Math.sqrt(100 / 19), 12);
    }

    expectCompletion(fs.readFileSync(out, 'utf8'));
    expect(fs.readdirSync(tmp())).toEqual(['completed.txt']);
  });

  test('the baselines are the global, row and column means of the observed cells', async () => {
    const out = path.join(tmp(), 'o.txt');
    const doc = expectJson(await runCli([...base, '--truth', COMPLETE, '--out', out, '--json']), COURSE_FLOOR_WARNING);
    const input = parseTable(fs.readFileSync(INCOMPLETE, 'utf8'), 'in', { missing: ['0'] }).matrix;
    const truth = parseTable(fs.readFileSync(COMPLETE, 'utf8'), 'truth').matrix;
    const obs = input.observed!;
    const mean = (cells: number[]) => cells.reduce((a, b) => a + b, 0) / cells.length;
    const observedWhere = (keep: (c: number) => boolean) => Array.from({ length: 100 }, (_, c) => c).filter((c) => obs[c] && keep(c)).map((c) => input.data[c]);
    const global = mean(observedWhere(() => true));
    const predict = {
      global: () => global,
      row: (c: number) => mean(observedWhere((x) => Math.floor(x / 5) === Math.floor(c / 5))),
      column: (c: number) => mean(observedWhere((x) => x % 5 === c % 5)),
    };
    for (const [name, fill] of Object.entries(predict)) {
      let sum = 0;
      for (let c = 0; c < 100; c++) if (!obs[c]) sum += (truth.data[c] - fill(c)) ** 2;
      expect(doc.completion.baselines[name].rmseMissing).toBeCloseTo(Math.sqrt(sum / 19), 12);
    }
  });

  test('without --out and --json: the completed matrix on stdout, the report on stderr', async () => {
    const r = await runCli([...base, '--truth', COMPLETE]);
    expect(r.code).toBe(0);
    expectCompletion(r.stdout);
    expect(r.stdout).not.toMatch(/[│┌]/);
    expect(r.stderr).toMatch(/│\s+1 │\s+-152\.1632 │/);
    expect(r.stderr).toMatch(/prediction\s*│\s*RMSE \(all cells\)\s*│\s*RMSE \(missing cells\)/);
    expect(r.stderr).toMatch(/mixture \(K=4, seed 0\)\s*│\s+0\.3152 │/);
    expect(r.stderr).toMatch(/global mean\s*│/);
    expect(r.stderr).toMatch(/row mean\s*│/);
    expect(r.stderr).toMatch(/column mean\s*│/);
    expect(r.stderr).not.toMatch(/gmm-fit: error/);
  });

  test('without --truth: the matrix on stdout, no RMSE table', async () => {
    const r = await runCli(base);
    expect(r.code).toBe(0);
    expectCompletion(r.stdout);
    expect(r.stderr).not.toMatch(/RMSE/);
  });

  test('--out without --json: the report on stdout, the file named on stderr', async () => {
    const out = path.join(tmp(), 'filled.txt');
    const r = await runCli([...base, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/│\s+1 │\s+-152\.1632 │/);
    expect(r.stdout).toMatch(/spherical K=4 seed=0, log-likelihood -84\.9845, .*converged\n$/);
    expect(r.stderr).toBe(COURSE_FLOOR_WARNING + `gmm-fit: completed matrix written to ${out}\n`);
    expectCompletion(fs.readFileSync(out, 'utf8'));
  });

  test('a complete input is copied, with a warning', async () => {
    const input = writeFile(tmp(), 'full.csv', 'a,b\n1,2\n3,4.5\n5,6\n');
    const r = await runCli(['complete', input, '--k', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('a,b\n1,2\n3,4.5\n5,6\n');
    expect(r.stderr).toMatch(new RegExp(`gmm-fit: warning: ${escapeRegExp(input)} has no missing cells`));
  });

  test('a truth file of another shape: exit 1 naming both shapes; no --out file', async () => {
    const truth = writeFile(tmp(), 'truth.txt', '1 2\n3 4\n5 6\n');
    const out = path.join(tmp(), 'completed.txt');
    const r = await runCli([...base, '--truth', truth, '--out', out, '--json']);
    expectDataError(r, new RegExp(`${escapeRegExp(truth)}: the truth is 3×2, but ${escapeRegExp(INCOMPLETE)} is 20×5$`, 'm'));
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(tmp()).sort()).toEqual(['truth.txt']);
  });

  test('an error after the fit leaves an existing --out file untouched', async () => {
    const truth = writeFile(tmp(), 'truth.txt', '1 2 3 4 5\n');
    const out = writeFile(tmp(), 'completed.txt', 'precious\n');
    const before = fs.statSync(out);
    const r = await runCli([...base, '--truth', truth, '--out', out]);
    expectDataError(r, /the truth is 1×5, but .* is 20×5/);
    expect(fs.readFileSync(out, 'utf8')).toBe('precious\n');
    expect(fs.statSync(out).ino).toBe(before.ino);
    expect(fs.readdirSync(tmp()).sort()).toEqual(['completed.txt', 'truth.txt']);
  });

  test('a missing truth file is a data error naming it', async () => {
    const truth = path.join(tmp(), 'no-truth.txt');
    expectDataError(await runCli([...base, '--truth', truth]), new RegExp(`${escapeRegExp(truth)}: no such file$`, 'm'));
  });
});

describe('--jobs and repeated --missing', () => {
  const tmp = useTempDir();

  test('--jobs 0 and --jobs x are usage errors', async () => {
    for (const bad of ['0', 'x', '1.5']) {
      const r = await runCli([TOY, '--jobs', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^gmm-fit: error: option '-j, --jobs <n>' argument '.*' is invalid\. expected an integer from 1 to 256/);
    }
  });

  test('--jobs 1 and --jobs 2 print the same JSON', async () => {
    const args = [INCOMPLETE, '--missing', '0', '--k', '1..4', '--seeds', '0..4', '--json'];
    const one = await runCli([...args, '--jobs', '1']);
    const two = await runCli([...args, '--jobs', '2']);
    expect(one.code).toBe(0);
    expect(two.stdout).toBe(one.stdout);
  });

  test('--kernel wasm and --kernel js print the same JSON; another name is a usage error', async () => {
    for (const args of [
      [TOY, '--k', '1..4', '--seeds', '0..2', '--json'],
      [INCOMPLETE, '--missing', '0', '--k', '1..4', '--seeds', '0..2', '--json'],
    ]) {
      const wasm = await runCli([...args, '--kernel', 'wasm']);
      const js = await runCli([...args, '--kernel', 'js']);
      expect(wasm.code).toBe(0);
      expect(js.stdout).toBe(wasm.stdout);
    }
    expectUsageError(await runCli([TOY, '--kernel', 'simd']), /option '--kernel <name>' argument 'simd' is invalid\. Allowed choices are wasm, js\./);
  });

  test('--missing may be given more than once; the defaults stay', async () => {
    const file = path.join(tmp(), 'm.txt');
    fs.writeFileSync(file, '1 -1 2\n3 NA 4\n5 6 -9\n7 8 9\n');
    const r = await runCli([file, '--missing', '-1', '--missing', '-9', '--k', '1', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).input.missing).toBe(3);
  });
});

describe('degenerate fits', () => {
  test('values whose squares overflow a double: exit 1 and one line saying so, not a collapsed component', async () => {
    // (1e300 − mean)² ≈ 1e600 overflows; the fit would otherwise see an infinite log-likelihood.
    for (const args of [['--k', '2'], ['--k', '2', '--covariance', 'diag'], ['--k', '2', '--model', 'kmeans']]) {
      const r = await runCli(['-', ...args], { stdin: '1e300 2\n-1e300 3\n5 1\n4 4\n' });
      expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 1, stdout: '' });
      expect(r.stderr).toBe('gmm-fit: error: row 1 of the data has values too large for distances: the sum of their squares overflows a double (about 1.8e308); scale the data down\n');
    }
  });

  test('when every fit fails: exit 1 and exactly one line, with the first reason', async () => {
    const r = await runCli(['-', '--k', '3', '--seeds', '0..2'], { stdin: '0 0\n0 0\n0 0\n5 5\n' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^gmm-fit: error: all 3 fits failed; K=3 seed=0: at iteration \d+, component \d collapsed onto repeated points \(variance 0, at the rounding level of the data's scale 4\.69\); try fewer components, or a variance floor such as --min-var 5e-6\n$/);
  });

  test('some fits fail: a warning each, the sweep goes on, the JSON holds their reasons and no NaN', async () => {
    const r = await runCli(['-', '--k', '1..3', '--seeds', '0..1', '--json'], { stdin: '0 0\n0 0\n0 0\n5 5\n' });
    expect(r.code).toBe(0);
    expect(r.stderr.trim().split('\n').every((line) => line.startsWith('gmm-fit: warning: K='))).toBe(true);
    expect(r.stdout).not.toMatch(/NaN|Infinity|null/);
    const doc = JSON.parse(r.stdout);
    expect(doc.fits.filter((f: { error?: string }) => f.error)).not.toHaveLength(0);
    expect(doc.selected.k).toBe(1);
  });

  test('--min-var keeps identical rows fittable: the floor holds from the start', async () => {
    const r = await runCli(['-', '--k', '1', '--min-var', '1', '--json'], { stdin: '1\n1\n' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).fits[0].mixture.var).toEqual([1]);
  });

  test('stdin is named <stdin> in messages', async () => {
    const r = await runCli(['-', '--k', '3'], { stdin: '1\n2\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('gmm-fit: error: --k 3 is more components than <stdin> has rows (2)\n');
  });
});

describe('every error case: its exit code, its message, and no --out file', () => {
  const tmp = useTempDir();
  const bad = (name: string, content: string | Buffer) => {
    const file = path.join(tmp(), name);
    fs.writeFileSync(file, content);
    return file;
  };

  test.each<[string, () => string[], number, RegExp]>([
    ['a missing file', () => [path.join(tmp(), 'nope.txt')], 1, /nope\.txt: no such file$/m],
    ['a directory', () => [tmp()], 1, /is a directory, not a file$/m],
    ['an empty file', () => [bad('empty.txt', '')], 1, /empty\.txt: the file is empty/],
    ['a header with no rows', () => [bad('h.csv', 'a,b\n')], 1, /h\.csv: there is a header but no rows of numbers/],
    ['a ragged row', () => [bad('r.txt', '1 2\n3 4 5\n')], 1, /r\.txt:2: the row has 3 cells, but line 1 has 2/],
    ['a non-numeric cell', () => [bad('n.txt', '1 2\n3 abc\n')], 1, /n\.txt:2:2: "abc" is not a number/],
    ['infinity', () => [bad('i.txt', '1 2\n-Infinity 4\n')], 1, /i\.txt:2:1: "-Infinity" is infinite/],
    ['an overflowing number', () => [bad('o.txt', '1 2\n1e999 4\n')], 1, /o\.txt:2:1: "1e999" overflows a double/],
    ['a binary file', () => [bad('b.txt', Buffer.from([49, 32, 50, 10, 0, 1, 2]))], 1, /b\.txt: looks like a binary file/],
    ['a non-UTF-8 file', () => [bad('u.txt', Buffer.from([49, 32, 0xff, 10]))], 1, /u\.txt: is not UTF-8 text/],
    ['K < 1', () => [TOY, '--k', '0'], 2, /argument '0' is invalid/],
    ['K > rows', () => [TOY, '--k', '251'], 2, /more components than/],
    ['a seed out of range', () => [TOY, '--seed', '4294967296'], 2, /outside 0\.\.4294967295/],
    ['a malformed range', () => [TOY, '--k', '1..x'], 2, /is not an integer, a list/],
    ['a backwards range', () => [TOY, '--k', '3..1'], 2, /runs backwards/],
    ['a negative --tol', () => [TOY, '--tol', '-1'], 2, /expected a number ≥ 0/],
    ['a negative --min-var', () => [TOY, '--min-var', '-1'], 2, /expected a number ≥ 0/],
    ['--max-iter 0', () => [TOY, '--max-iter', '0'], 2, /expected an integer ≥ 1/],
    ['an unknown flag', () => [TOY, '--precison', '3'], 2, /unknown option '--precison' \(Did you mean --precision\?\)/],
  ])('%s', async (_name, args, code, message) => {
    const out = path.join(tmp(), 'out.json');
    const argv = args();
    const before = new Set(fs.readdirSync(tmp()));
    const r = await runCli([...argv, '--out', out]);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^gmm-fit: error: /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(fs.existsSync(out)).toBe(false);
    expect(new Set(fs.readdirSync(tmp()))).toEqual(before); // no temporary file either
  });
});

describe('covariance families and starts', () => {
  const tmp = useTempDir();
  const json = async (args: string[]) => {
    const r = await runCli([TOY, '--k', '2', '--seed', '0', '--json', ...args]);
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout);
  };

  test('--covariance diag and full: the model name, the shapes of the parameters, BIC with their parameter counts', async () => {
    const n = 250;
    const diag = (await json(['--covariance', 'diag'])).fits[0];
    expect(diag.model).toBe('diag');
    expect(diag.mixture.var).toHaveLength(2);
    expect(diag.mixture.var[0]).toHaveLength(2);
    // p = K·d + K·d + K − 1 = 4 + 4 + 1 = 9
    expect(diag.bic).toBeCloseTo(diag.logLikelihood - (9 / 2) * Math.log(n), 9);
    const full = (await json(['--covariance', 'full'])).fits[0];
    expect(full.model).toBe('full');
    expect(full.mixture.var).toBeUndefined();
    expect(full.mixture.covariance).toHaveLength(2);
    expect(full.mixture.covariance[0]).toEqual([expect.any(Array), expect.any(Array)]);
    expect(full.mixture.covariance[0][0][1]).toBe(full.mixture.covariance[0][1][0]);
    // p = K·d + K·d(d+1)/2 + K − 1 = 4 + 6 + 1 = 11
    expect(full.aic).toBeCloseTo(full.logLikelihood - 11, 9);
  });

  test('--reg-covar changes the fit; the default for spherical stays the course model', async () => {
    const plain = (await json([])).fits[0];
    const regularised = (await json(['--reg-covar', '0.5'])).fits[0];
    expect(regularised.logLikelihood).not.toBe(plain.logLikelihood);
    expect(plain.trace[0]).toBe((await json(['--reg-covar', '0'])).fits[0].trace[0]);
  });

  test('--init kmeans++ and kmeans give other starts, deterministic from the seed', async () => {
    const random = (await json([])).fits[0];
    const plusPlus = (await json(['--init', 'kmeans++'])).fits[0];
    expect((await json(['--init', 'kmeans++'])).fits[0]).toEqual(plusPlus);
    expect(plusPlus.initialRows).not.toEqual(random.initialRows);
    const kmeans = (await json(['--init', 'kmeans'])).fits[0];
    expect(kmeans.trace[0]).toBeGreaterThan(random.trace[0]); // a k-means start is already near a fit
  });

  test('usage errors: kmeans with another family, a bad family name', async () => {
    const kmeans = await runCli([TOY, '--model', 'kmeans', '--covariance', 'diag']);
    expect(kmeans.code).toBe(2);
    expect(kmeans.stderr).toMatch(/--covariance diag goes with --model gaussian/);
    const bad = await runCli([TOY, '--covariance', 'tied']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/"tied" is not one of spherical, diag, full/);
  });

  test('full completes the course fixture by conditional means', async () => {
    const r = await runCli(['complete', INCOMPLETE, '--missing', '0', '--k', '2', '--covariance', 'full', '--truth', COMPLETE, '--out', path.join(tmp(), 'filled.txt'), '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.fits[0].model).toBe('full');
    expect(doc.completion.rmseMissing).toBeGreaterThan(0);
    expect(doc.completion.rmseMissing).toBeLessThan(2);
  });

  test('full with too many missing patterns for its cache: a clear error pointing to diag', async () => {
    // 300 rows × 100 columns, each row missing its own pair of cells (column u mod 100, and column
    // 97 + ⌊u/100⌋): 300 patterns × K=8 × 100² × 3 = 7.2·10⁷ > 5·10⁷.
    const missing = (u: number, i: number) => i === u % 100 || i === 97 + Math.floor(u / 100);
    const lines = Array.from({ length: 300 }, (_, u) => Array.from({ length: 100 }, (_, i) => (missing(u, i) ? 'NA' : String(((u * 7 + i * 3) % 11) + (u % 5)))).join(' '));
    const file = writeFile(tmp(), 'wide.txt', lines.join('\n') + '\n');
    const r = await runCli([file, '--k', '8', '--covariance', 'full']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--covariance full would factor \d+ patterns of missing cells × K=8 covariances of 100×100 each iteration; use --covariance diag/);
  });

  test('diag completes a matrix with missing cells', async () => {
    const r = await runCli(['complete', INCOMPLETE, '--missing', '0', '--k', '2', '--covariance', 'diag', '--truth', COMPLETE, '--out', path.join(tmp(), 'filled.txt'), '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.fits[0].model).toBe('diag');
    expect(doc.completion.rmse).toBeGreaterThan(0);
    expect(doc.completion.rmse).toBeLessThan(1);
  });
});

test('diag with K=1 fills each missing cell with its column mean, as the column baseline does', async () => {
  const dir = makeTempDir();
  // One component: every posterior is 1 and each mean coordinate is its column's observed mean.
  const r = await runCli(['complete', INCOMPLETE, '--missing', '0', '--k', '1', '--covariance', 'diag', '--truth', COMPLETE, '--out', path.join(dir, 'filled.txt'), '--json']);
  removeTempDir(dir);
  const { completion } = JSON.parse(r.stdout);
  expect(completion.rmse).toBeCloseTo(completion.baselines.column.rmse, 12);
  expect(completion.rmseMissing).toBeCloseTo(completion.baselines.column.rmseMissing, 12);
});

test('--json is one compact line, so the first E-step LL is at the front of the document', async () => {
  const r = await runCli([TOY, '--k', '3', '--seed', '0', '--json']);
  expect(r.stdout.endsWith('\n')).toBe(true);
  expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stdout.slice(0, 400)).toMatch(/"trace":\[-1388\.0818/);
});

describe('--accelerate', () => {
  const tmp = useTempDir();

  test("the JSON gives each fit's E-steps, extrapolations and kept steps; the model records the option; plain EM is the course's", async () => {
    const model = path.join(tmp(), 'model.json');
    const plain = JSON.parse((await runCli([TOY, '--k', '3', '--seeds', '0..4', '--json'])).stdout);
    const r = await runCli([TOY, '--k', '3', '--seeds', '0..4', '--accelerate', '--json', '--out', model]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    for (const [i, fit] of doc.fits.entries()) {
      expect(plain.fits[i].acceleration).toBeUndefined();
      expect(fit.acceleration.eSteps).toBe(fit.iterations);
      expect(fit.acceleration.accepted).toBeLessThanOrEqual(fit.acceleration.extrapolations);
      // The same starts (the course's numpy rows), carried to the same stopping rule.
      expect(fit.initialRows).toEqual(plain.fits[i].initialRows);
      expect(fit.trace[0]).toBe(plain.fits[i].trace[0]);
    }
    const saved = JSON.parse(fs.readFileSync(model, 'utf8'));
    expect(saved.options.accelerate).toBe(true);
    expect(saved.fit.acceleration.eSteps).toBe(saved.fit.iterations);
    // The text report's summary line says how many extrapolations were kept; plain EM's says nothing of it.
    const selected = doc.fits.find((f: Json) => f.k === doc.selected.k && f.seed === doc.selected.seed);
    const human = await runCli([TOY, '--k', '3', '--seeds', '0..4', '--accelerate']);
    expect(human.stdout).toContain(`${selected.iterations} iterations (accelerated: ${selected.acceleration.accepted} of ${selected.acceleration.extrapolations} extrapolations kept)`);
    expect((await runCli([TOY, '--k', '3', '--seeds', '0..4'])).stdout).not.toMatch(/accelerated/);
  });

  test('--accelerate with --model kmeans is a usage error (exit 2, one line)', async () => {
    const r = await runCli([TOY, '--k', '3', '--model', 'kmeans', '--accelerate']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--accelerate .* not --model kmeans/);
  });

  test('rating triplets take it too', async () => {
    const lines: string[] = [];
    for (let u = 0; u < 12; u++) for (let i = 0; i < 9; i++) if ((u + i) % 3 !== 0) lines.push(`u${u},m${i},${1 + ((u * i) % 5)}`);
    const file = writeFile(tmp(), 'r.csv', 'user,item,rating\n' + lines.join('\n') + '\n');
    const r = await runCli(['fit', '--ratings', file, '--k', '2', '--center', 'none', '--accelerate', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.fits[0].acceleration.eSteps).toBe(doc.fits[0].iterations);
  });
});
