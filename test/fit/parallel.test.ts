import * as fs from 'fs';
import * as path from 'path';
import { parseTable } from '../../src/io/table';
import { runSweep, sweep } from '../../src/fit/run';

// Worker threads run the compiled dist/fit/executors/*-worker.js, which the test setup builds fresh.
// Each result says how many threads did its work, so a test knows the workers really ran.
const read = (file: string, missing: string[] = []) => parseTable(fs.readFileSync(file, 'utf8'), file, { missing }).matrix;
const toy = read(path.join(__dirname, '..', '..', 'data', 'toy.txt'));
const ratings = read(path.join(__dirname, '..', 'fixtures', 'test_incomplete.txt'), ['0']);

describe.each([
  ['toy data, EM', toy, 'gaussian'],
  ['toy data, k-means', toy, 'kmeans'],
  ['the rating fixture with missing cells', ratings, 'gaussian'],
] as const)('%s: worker threads give bit-for-bit the results of one thread', (_name, matrix, model) => {
  const options = { model, ks: [1, 2, 3, 4], seeds: [0, 1, 2, 3, 4], maxIter: 1000, criterion: 'bic' as const };

  test('same fits, same order, same selection', async () => {
    const one = sweep(matrix, options);
    const many = await runSweep(matrix, { ...options, jobs: 3, minParallelWork: 0 });
    // The pool ran them: three workers, each of which returned fits.
    expect(many.plan).toEqual({ executor: 'pool', workers: 3 });
    expect(many.threads).toBe(3);
    expect([one.plan, one.threads]).toEqual([{ executor: 'thread' }, 1]);
    expect(many.fits).toHaveLength(20);
    // toEqual compares every number exactly (typed arrays element by element).
    expect(many.fits).toEqual(one.fits);
    expect(many.best.map((f) => [f.k, f.seed])).toEqual(one.best.map((f) => [f.k, f.seed]));
    expect([many.selected?.k, many.selected?.seed]).toEqual([one.selected?.k, one.selected?.seed]);
  });
});

test('onFit reports every fit once, with a running count', async () => {
  const seen: number[] = [];
  await runSweep(toy, {
    model: 'gaussian',
    ks: [2, 3],
    seeds: [0, 1, 2],
    maxIter: 1000,
    criterion: 'bic',
    jobs: 2,
    minParallelWork: 0,
    onFit: (_fit, done, total) => {
      expect(total).toBe(6);
      seen.push(done);
    },
  });
  expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
});

describe('one fit with its rows split over threads gives bit-for-bit the result of one thread', () => {
  test.each([
    ['toy data', toy, 3, 'spherical'],
    ['the rating fixture with missing cells', ratings, 4, 'spherical'],
    ['toy data, diag', toy, 3, 'diag'],
    ['the rating fixture with missing cells, diag', ratings, 4, 'diag'],
    ['toy data, full', toy, 3, 'full'],
    ['the rating fixture with missing cells, full', ratings, 2, 'full'],
  ] as const)('%s', async (_name, matrix, k, covariance) => {
    const options = { model: 'gaussian' as const, covariance, ks: [k], seeds: [0], maxIter: 1000, criterion: 'bic' as const };
    const one = sweep(matrix, options);
    for (const jobs of [2, 3]) {
      const split = await runSweep(matrix, { ...options, jobs, minRowSplitWork: 0 });
      expect(split.plan).toEqual({ executor: 'rows', threads: jobs });
      expect(split.threads).toBe(jobs);
      expect(split.fits).toEqual(one.fits);
    }
  });

  test('k-means: the same bits on 1, 2 and 3 threads, with either kernel', async () => {
    // 600 rows make 10 chunks of 64 rows: the chunks' sums are added in chunk order whichever thread ran them.
    const rows: number[][] = [];
    for (let u = 0; u < 600; u++) rows.push([Math.sin(u) * 3 + (u % 3) * 4, Math.cos(u * 1.7) * 2 - (u % 3) * 3, u % 5]);
    const matrix = parseTable(rows.map((r) => r.join(' ')).join('\n'), 'rows.txt').matrix;
    for (const [data, k] of [
      [matrix, 4],
      [toy, 3],
    ] as const) {
      const options = { model: 'kmeans' as const, ks: [k], seeds: [2], maxIter: 200, criterion: 'bic' as const };
      const one = sweep(data, options);
      expect(one.fits[0].error).toBeUndefined();
      for (const kernel of ['wasm', 'js'] as const) {
        for (const jobs of [2, 3]) {
          const split = await runSweep(data, { ...options, kernel, jobs, minRowSplitWork: 0 });
          expect(split.plan).toEqual({ executor: 'rows', threads: jobs });
          expect(split.threads).toBe(jobs);
          expect(split.fits).toEqual(one.fits);
        }
      }
    }
  });

  test('a fit with more rows than one chunk: the chunks really are shared out', async () => {
    // 600 rows make 10 chunks of 64 rows (the chunk size depends on n only).
    const rows: number[][] = [];
    for (let u = 0; u < 600; u++) rows.push([Math.sin(u) * 3 + (u % 3) * 4, Math.cos(u * 1.7) * 2 - (u % 3) * 3]);
    const matrix = parseTable(rows.map((r) => r.join(' ')).join('\n'), 'rows.txt').matrix;
    for (const covariance of ['spherical', 'diag', 'full'] as const) {
      const options = { model: 'gaussian' as const, covariance, ks: [3], seeds: [1], maxIter: 200, criterion: 'bic' as const };
      const one = sweep(matrix, options);
      const split = await runSweep(matrix, { ...options, jobs: 2, minRowSplitWork: 0 });
      expect(split.fits).toEqual(one.fits);
      expect(split.fits[0].trace.length).toBeGreaterThan(5);
    }
  });
});

describe('the plan: which executor a sweep gets (pure)', () => {
  const { plan } = require('../../src/fit/plan') as typeof import('../../src/fit/plan');
  const base = { rows: 1000, cols: 10, ks: [1, 2, 3, 4], seeds: [0, 1, 2], jobs: 4, watched: false };

  test('a big sweep: a pool of no more workers than fits or jobs', () => {
    expect(plan({ ...base, rows: 1e6 })).toEqual({ executor: 'pool', workers: 4 });
    expect(plan({ ...base, rows: 1e6, ks: [3], seeds: [0, 1] })).toEqual({ executor: 'pool', workers: 2 });
  });

  test('a small sweep, one job, or iterations watched: this thread', () => {
    expect(plan(base)).toEqual({ executor: 'thread' });
    expect(plan({ ...base, rows: 1e6, jobs: 1 })).toEqual({ executor: 'thread' });
    expect(plan({ ...base, rows: 1e6, watched: true })).toEqual({ executor: 'thread' });
  });

  test('one large fit (Gaussian or k-means): its rows split over the jobs', () => {
    expect(plan({ ...base, rows: 1e6, ks: [8], seeds: [0] })).toEqual({ executor: 'rows', threads: 4 });
    expect(plan({ ...base, rows: 1e6, ks: [8], seeds: [0], watched: true })).toEqual({ executor: 'rows', threads: 4 });
    expect(plan({ ...base, rows: 100, ks: [8], seeds: [0] })).toEqual({ executor: 'thread' });
  });
});
