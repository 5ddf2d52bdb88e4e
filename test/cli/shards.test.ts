import * as fs from 'fs';
import { repoPath, useTempDir } from '../helpers/cli';
import { cli, shardLoop, slice, worstRelative, writeShards } from '../helpers/shards';
import { parseTable } from '../../src/io/table';
import { parseRatings } from '../../src/io/ratings';
import { prepareSparse } from '../../src/models/sparse';
import { randomInit, sparseRandomInit } from '../../src/models/start';
import { toRows } from '../../src/core/matrix';

// EM over shards against the single-machine fit, on the course's Netflix matrix cut into
// four consecutive slices of unequal size (as a table with --missing 0, and as rating
// triplets): the LL trace of start → (estep × 4 → mstep)* is the trace of `gmm-fit fit` on
// the whole file, to 1e-9 relative. The shards' sums are added shard by shard where the
// single machine adds its own chunks of rows, so the traces differ in the last bits. The
// start over triplet shards is the single machine's bit for bit (sums of integer ratings
// are exact in any order), and with one shard of triplets the whole trace is.
const reference = JSON.parse(fs.readFileSync(repoPath('test', 'fixtures', 'reference', 'netflix.json'), 'utf8')) as { runs: Array<{ K: number; seed: number; ll: number; iterations: number }> };
const course = reference.runs.find((r) => r.K === 12 && r.seed === 0)!;

interface SingleFit {
  trace: number[];
  iterations: number;
  logLikelihood: number;
  flooredVariances: number;
  initialRows: number[];
  mixture: { mu: number[][]; var: number[] | number[][]; p: number[] };
}

async function single(args: string[]): Promise<SingleFit> {
  return JSON.parse(await cli(['fit', ...args, '--json', '--quiet', '--jobs', '1'])).fits[0];
}

/** The largest difference between two nested arrays of numbers, relative to the larger magnitude (at least 1). */
function worstDifference(a: unknown, b: unknown): number {
  const x = [a].flat(3) as number[];
  const y = [b].flat(3) as number[];
  expect(x.length).toBe(y.length);
  return x.reduce((w, v, i) => Math.max(w, Math.abs(v - y[i]) / Math.max(1, Math.abs(y[i]))), 0);
}

// The loops read every shard once per iteration (in-process, no Python): seconds each.
jest.setTimeout(120_000);

describe('EM over shards gives the single-machine fit', () => {
  const tmp = useTempDir();

  test("table shards of the course's Netflix matrix (--missing 0, K=12, seed 0): the same LL trace to 1e-9, with the 0.25 floor holding", async () => {
    const { shards, whole } = writeShards(tmp(), [0, 250, 600, 900, 1200], 'table');
    const run = await shardLoop(tmp(), shards, ['--k', '12', '--seed', '0'], ['--missing', '0']);
    const fit = await single([whole, '--missing', '0', '--k', '12', '--seed', '0']);
    // The start: numpy's rows over the 1200 rows of the four shards; the spreads from per-shard moments, to rounding.
    const matrix = parseTable(slice(0, 1200, 'table'), 'whole', { missing: ['0'] }).matrix;
    const start = randomInit(matrix, 12, 0).mixture;
    expect(run.start.fit.initialRows).toEqual(fit.initialRows);
    expect(run.start.mixture.mu).toEqual(toRows(start.mu, 12, 1200));
    expect(worstDifference(run.start.mixture.var, Array.from(start.covariance.family === 'spherical' ? start.covariance.variances : []))).toBeLessThan(1e-14);
    expect(fit.iterations).toBe(course.iterations);
    expect(worstRelative(run.model.fit.trace, fit.trace)).toBeLessThan(1e-9);
    expect(run.verdicts).toEqual([...Array(course.iterations - 1).fill('continue'), 'converged']);
    expect(run.model.fit).toMatchObject({ iterations: course.iterations, converged: true, stop: 'converged' });
    expect(Math.abs(run.model.fit.logLikelihood - course.ll) / Math.abs(course.ll)).toBeLessThan(1e-9);
    // The course's floor held variances up in both, as many at the end.
    expect(Math.max(...run.floored)).toBeGreaterThan(0);
    expect(run.model.fit.flooredVariances).toBe(fit.flooredVariances);
    expect(worstDifference(run.model.mixture.mu, fit.mixture.mu)).toBeLessThan(1e-8);
    expect(worstDifference(run.model.mixture.var, fit.mixture.var)).toBeLessThan(1e-8);
    expect(worstDifference(run.model.mixture.p, fit.mixture.p)).toBeLessThan(1e-10);
  });

  test('rating triplet shards of its first 600 users (--ratings --center none, K=6): the single machine\'s start bit for bit, its LL trace to 1e-9', async () => {
    const { shards, whole } = writeShards(tmp(), [0, 150, 330, 450, 600], 'ratings');
    const run = await shardLoop(tmp(), shards, ['--k', '6', '--seed', '1'], ['--ratings', '--center', 'none']);
    const fit = await single([whole, '--ratings', '--center', 'none', '--k', '6', '--seed', '1']);
    const r = parseRatings(fs.readFileSync(whole, 'utf8'), 'whole');
    const data = prepareSparse({ users: r.users, items: r.items, rowStart: r.rowStart as Int32Array, itemIndex: r.itemIndex }, (t) => r.rating[t]);
    const start = sparseRandomInit(data, 6, 1).mixture;
    expect(run.start.mixture).toEqual({ mu: toRows(start.mu, 6, r.items), var: Array.from(start.covariance.family === 'spherical' ? start.covariance.variances : []), p: Array.from(start.p) });
    expect(run.start.columns).toEqual(r.itemIds);
    expect(run.model.fit.trace.length).toBeGreaterThan(5);
    expect(worstRelative(run.model.fit.trace, fit.trace)).toBeLessThan(1e-9);
    expect(run.model.fit).toMatchObject({ iterations: fit.iterations, converged: true, stop: 'converged' });
    expect(worstDifference(run.model.mixture.mu, fit.mixture.mu)).toBeLessThan(1e-8);
    expect(worstDifference(run.model.mixture.var, fit.mixture.var)).toBeLessThan(1e-8);
  });

  test('one shard of triplets: the trace and the mixture are the single-machine ones bit for bit', async () => {
    const { shards, whole } = writeShards(tmp(), [0, 500], 'ratings');
    const run = await shardLoop(tmp(), shards, ['--k', '4', '--seed', '1', '--max-iter', '4'], ['--ratings', '--center', 'none']);
    const fit = await single([whole, '--ratings', '--center', 'none', '--k', '4', '--seed', '1', '--max-iter', '4']);
    expect(run.verdicts).toEqual(['continue', 'continue', 'continue', 'max-iter']);
    expect(run.model.fit.trace).toEqual(fit.trace);
    expect(run.model.mixture).toEqual(fit.mixture);
  });

  test('diag on the first 300 users, as table shards and as triplet shards: the same 8 E-steps to 1e-9, and the same mixture after them', async () => {
    const cuts = [0, 70, 160, 230, 300];
    const args = ['--k', '3', '--seed', '2', '--covariance', 'diag', '--max-iter', '8'];
    const table = writeShards(tmp(), cuts, 'table');
    const tableRun = await shardLoop(tmp(), table.shards, args, ['--missing', '0']);
    const tableFit = await single([table.whole, '--missing', '0', ...args]);
    expect(tableRun.model.model).toBe('diag');
    expect(tableRun.verdicts).toEqual([...Array(7).fill('continue'), 'max-iter']);
    expect(worstRelative(tableRun.model.fit.trace, tableFit.trace)).toBeLessThan(1e-9);
    expect(worstDifference(tableRun.model.mixture.mu, tableFit.mixture.mu)).toBeLessThan(1e-8);
    expect(worstDifference(tableRun.model.mixture.var, tableFit.mixture.var)).toBeLessThan(1e-8);
    const ratings = writeShards(tmp(), cuts, 'ratings');
    const ratingsRun = await shardLoop(tmp(), ratings.shards, args, ['--ratings', '--center', 'none']);
    const ratingsFit = await single([ratings.whole, '--ratings', '--center', 'none', ...args]);
    expect(worstRelative(ratingsRun.model.fit.trace, ratingsFit.trace)).toBeLessThan(1e-9);
    expect(worstDifference(ratingsRun.model.mixture.var, ratingsFit.mixture.var)).toBeLessThan(1e-8);
  });
});
