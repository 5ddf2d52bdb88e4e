import * as fs from 'fs';
import * as path from 'path';
import { parseTable } from '../../src/io/table';
import { repoPath, runCli, useTempDir } from '../helpers/cli';

const TOY = repoPath('data', 'toy.txt');
const INCOMPLETE = repoPath('test', 'fixtures', 'test_incomplete.txt');

describe('predict, score and sample with a saved model', () => {
  const tmp = useTempDir();
  const saveModel = async (args: string[]) => {
    const file = path.join(tmp(), 'model.json');
    expect((await runCli([...args, '--out', file])).code).toBe(0);
    return file;
  };
  const writeModel = (doc: object) => {
    const file = path.join(tmp(), 'given.json');
    fs.writeFileSync(file, JSON.stringify({ format: 'gmm-fit/1', ...doc }));
    return file;
  };

  test('predict: one label per row, the argmax of --proba posteriors that sum to 1', async () => {
    const model = await saveModel([TOY, '--k', '3', '--seed', '0']);
    const plain = await runCli(['predict', '--model-file', model, TOY]);
    expect(plain.code).toBe(0);
    const labels = plain.stdout.trim().split('\n');
    expect(labels[0]).toBe('label');
    expect(labels).toHaveLength(251);
    const proba = parseTable((await runCli(['predict', '-m', model, TOY, '--proba'])).stdout, 'p.csv');
    expect(proba.columns).toEqual(['label', 'p1', 'p2', 'p3']);
    for (let u = 0; u < 250; u++) {
      const row = Array.from(proba.matrix.data.subarray(u * 4, u * 4 + 4));
      expect(row[1] + row[2] + row[3]).toBeCloseTo(1, 12);
      expect(row[0]).toBe(1 + row.slice(1).indexOf(Math.max(...row.slice(1))));
      expect(String(row[0])).toBe(labels[u + 1]);
    }
    // All three components are used on the toy data.
    expect(new Set(labels.slice(1))).toEqual(new Set(['1', '2', '3']));
  });

  test('predict --format json and tsv; rows with missing cells are handled by the marginal', async () => {
    const model = await saveModel([INCOMPLETE, '--missing', '0', '--k', '4', '--seed', '0']);
    const json = JSON.parse((await runCli(['predict', '-m', model, INCOMPLETE, '--missing', '0', '--format', 'json', '--proba'])).stdout);
    expect(json.labels).toHaveLength(20);
    expect(json.posterior[0].reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 12);
    const tsv = await runCli(['predict', '-m', model, INCOMPLETE, '--missing', '0', '--format', 'tsv', '--proba']);
    expect(tsv.stdout.split('\n')[0]).toBe('label\tp1\tp2\tp3\tp4');
  });

  test('score: the rows add up to the total; BIC and AIC use the family\'s parameter count', async () => {
    const model = await saveModel([TOY, '--k', '2', '--seed', '0', '--covariance', 'diag']);
    const r = await runCli(['score', '-m', model, TOY, '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.n).toBe(250);
    expect(doc.rows).toHaveLength(250);
    expect(doc.rows.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(doc.logLikelihood, 8);
    // diag, K=2, d=2: 4 + 4 + 1 = 9 parameters.
    expect(doc.parameters).toBe(9);
    expect(doc.bic).toBeCloseTo(doc.logLikelihood - 4.5 * Math.log(250), 9);
    expect(doc.aic).toBeCloseTo(doc.logLikelihood - 9, 9);
    const csv = await runCli(['score', '-m', model, TOY]);
    expect(csv.stdout.split('\n')[0]).toBe('log_likelihood');
    expect(csv.stderr).toMatch(/^n 250, log-likelihood -?\d/);
  });

  test('score by hand: one standard normal component', async () => {
    // N(0, I) in 2-D: log p(x) = −ln 2π − ‖x‖²/2. Rows (0,0) and (1,2): −ln 2π and −ln 2π − 2.5.
    const model = writeModel({ model: 'spherical', k: 1, d: 2, mixture: { mu: [[0, 0]], var: [1], p: [1] } });
    const data = path.join(tmp(), 'two.txt');
    fs.writeFileSync(data, '0 0\n1 2\n');
    const doc = JSON.parse((await runCli(['score', '-m', model, data, '--format', 'json'])).stdout);
    expect(doc.rows[0]).toBeCloseTo(-Math.log(2 * Math.PI), 12);
    expect(doc.rows[1]).toBeCloseTo(-Math.log(2 * Math.PI) - 2.5, 12);
  });

  test('sample: deterministic from the seed, with the mixture\'s moments', async () => {
    // p = (0.3, 0.7), means (0,0) and (5,5), variances 1 and 4. Per coordinate the mean is 3.5 and the
    // variance 0.3·1 + 0.7·4 + 0.3·0.7·5² = 8.35, so over 20000 rows the mean's standard error is 0.02.
    const model = writeModel({ model: 'spherical', k: 2, d: 2, columns: ['a', 'b'], mixture: { mu: [[0, 0], [5, 5]], var: [1, 4], p: [0.3, 0.7] } });
    const one = await runCli(['sample', '-m', model, '-n', '20000', '--seed', '3']);
    expect(one.code).toBe(0);
    expect((await runCli(['sample', '-m', model, '-n', '20000', '--seed', '3'])).stdout).toBe(one.stdout);
    expect((await runCli(['sample', '-m', model, '-n', '20000', '--seed', '4'])).stdout).not.toBe(one.stdout);
    const table = parseTable(one.stdout, 's.csv');
    expect(table.columns).toEqual(['a', 'b']);
    const x = table.matrix.data;
    for (const i of [0, 1]) {
      const column = x.filter((_, c) => c % 2 === i);
      const mean = column.reduce((a, b) => a + b, 0) / 20000;
      const variance = column.reduce((a, b) => a + (b - mean) ** 2, 0) / 20000;
      expect(Math.abs(mean - 3.5)).toBeLessThan(5 * 0.0204);
      expect(Math.abs(variance - 8.35)).toBeLessThan(0.4);
    }
    // Rows near (0,0) come from the first component: about 30% of them.
    let near = 0;
    for (let u = 0; u < 20000; u++) if (x[2 * u] + x[2 * u + 1] < 2.5) near++;
    expect(Math.abs(near / 20000 - 0.3)).toBeLessThan(0.03);
  });

  test('sample from a full covariance: the sample covariance', async () => {
    // Σ = [[2, 1], [1, 2]]: over 20000 rows each entry's standard error is at most √((1 + 4)/20000) ≈ 0.016.
    const model = writeModel({ model: 'full', k: 1, d: 2, mixture: { mu: [[1, -1]], covariance: [[[2, 1], [1, 2]]], p: [1] } });
    const x = parseTable((await runCli(['sample', '-m', model, '-n', '20000'])).stdout, 's.csv').matrix.data;
    const m = [0, 1].map((i) => x.filter((_, c) => c % 2 === i).reduce((a, b) => a + b, 0) / 20000);
    const cov = (a: number, b: number) => {
      let s = 0;
      for (let u = 0; u < 20000; u++) s += (x[2 * u + a] - m[a]) * (x[2 * u + b] - m[b]);
      return s / 20000;
    };
    expect(Math.abs(m[0] - 1)).toBeLessThan(0.05);
    expect(Math.abs(m[1] + 1)).toBeLessThan(0.05);
    expect(Math.abs(cov(0, 0) - 2)).toBeLessThan(0.08);
    expect(Math.abs(cov(1, 1) - 2)).toBeLessThan(0.08);
    expect(Math.abs(cov(0, 1) - 1)).toBeLessThan(0.08);
  });

  test('errors: no --model-file, a model for other data, both inputs on stdin, bad -n', async () => {
    const model = await saveModel([TOY, '--k', '2']);
    const cases: Array<[string[], number, RegExp]> = [
      [['predict', TOY], 2, /required option '-m, --model-file <file>' not specified/],
      [['predict', '-m', model, INCOMPLETE], 1, /not a usable model: its means have 2 values, but the data has 5 columns/],
      [['score', '-m', '-', '-'], 2, /the data and --model-file cannot both be stdin/],
      [['sample', '-m', model, '-n', '0'], 2, /expected an integer from 1 to 100000000/],
      [['sample', '-m', path.join(tmp(), 'none.json')], 1, /none\.json: no such file/],
    ];
    for (const [args, code, message] of cases) {
      const r = await runCli(args);
      expect([r.code, r.stderr]).toEqual([code, expect.stringMatching(message)]);
    }
  });
});
