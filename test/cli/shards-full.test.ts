import * as fs from 'fs';
import * as path from 'path';
import { repoPath, useTempDir } from '../helpers/cli';
import { cli, shardLoop, worstRelative, type ShardRun } from '../helpers/shards';
import { parseTable } from '../../src/io/table';
import { randomInit } from '../../src/models/start';
import { toRows } from '../../src/core/matrix';
import { floorStart } from '../../src/models/families/cov-floor';
import { columnVariances } from '../../src/app/standardize';

// The full family over shards of a complete table (iris, cut into consecutive slices of
// unequal size): the start is the single machine's random start (the scatter matrix summed
// over the shards), and start → (estep × shards → mstep)* gives the LL trace of `gmm-fit fit`
// on the whole file to 1e-9 relative, with the defaults (no --reg-covar, the per-column
// --cov-floor) and with a given --reg-covar.
const iris = fs.readFileSync(repoPath('test', 'fixtures', 'mclust', 'iris.csv'), 'utf8').trim().split('\n');
const header = iris[0];
const body = iris.slice(1);

/** `lines` (iris's rows by default) cut at `cuts` into shard files with the header, and the whole as one file. */
function writeIris(dir: string, cuts: readonly number[], lines: readonly string[] = body, name = 'iris'): { shards: string[]; whole: string } {
  const shards: string[] = [];
  for (let s = 0; s + 1 < cuts.length; s++) {
    const file = path.join(dir, `${name}-${s}.csv`);
    fs.writeFileSync(file, [header, ...lines.slice(cuts[s], cuts[s + 1])].join('\n') + '\n');
    shards.push(file);
  }
  const whole = path.join(dir, `${name}.csv`);
  fs.writeFileSync(whole, [header, ...lines].join('\n') + '\n');
  return { shards, whole };
}

function worstDifference(a: unknown, b: unknown): number {
  const x = [a].flat(4) as number[];
  const y = [b].flat(4) as number[];
  expect(x.length).toBe(y.length);
  return x.reduce((w, v, i) => Math.max(w, Math.abs(v - y[i]) / Math.max(1, Math.abs(y[i]))), 0);
}

/**
 * Iris with cells blanked (NA) by a fixed rule: about one cell in seven, some rows with one
 * cell only (row 1 with none), and rows 40–59 left complete; its consecutive slices.
 */
function writeIrisWithGaps(dir: string, cuts: readonly number[]): { shards: string[]; whole: string } {
  const gapped = body.map((line, u) =>
    line
      .split(',')
      .map((v, i) => (i < 4 && (u < 40 || u >= 60) && ((u * 5 + i * 3) % 7 === 0 || (u % 23 === 0 && i > 0)) ? 'NA' : v))
      .join(','),
  );
  return writeIris(dir, cuts, gapped, 'gaps');
}

/** The loop over shards ended where the single-machine fit did: its trace (1e-9), its iterations, its parameters. */
function expectSameFit(run: ShardRun, fit: { trace: number[]; iterations: number; mixture: { mu: number[][]; covariance: number[][][]; p: number[] } }): void {
  const ended = run.model.mixture as unknown as { covariance: number[][][] };
  expect(worstRelative(run.model.fit.trace, fit.trace)).toBeLessThan(1e-9);
  expect(run.model.fit.iterations).toBe(fit.iterations);
  expect(worstDifference(run.model.mixture.mu, fit.mixture.mu)).toBeLessThan(1e-8);
  expect(worstDifference(ended.covariance, fit.mixture.covariance)).toBeLessThan(1e-8);
  expect(worstDifference(run.model.mixture.p, fit.mixture.p)).toBeLessThan(1e-10);
}

jest.setTimeout(120_000);

describe('--covariance full over shards of a complete table gives the single-machine fit', () => {
  const tmp = useTempDir();

  test.each([
    [2, 0, [0, 40, 95, 150], []],
    [3, 1, [0, 30, 70, 110, 150], []],
    [3, 4, [0, 75, 150], ['--reg-covar', '1e-4']],
  ] as const)('iris, K=%i, seed %i, shards at %j %j: the start and the LL trace', async (k, seed, cuts, extra) => {
    const { shards, whole } = writeIris(tmp(), cuts);
    const args = ['--k', String(k), '--seed', String(seed), '--covariance', 'full', '--max-iter', '30', ...extra];
    const run = await shardLoop(tmp(), shards, args);
    const started = run.start as unknown as { options: { regCovar: number | number[]; covFloor?: number[] }; mixture: { covariance: number[][][] } };
    const fit = JSON.parse(await cli(['fit', whole, ...args, '--json', '--quiet', '--jobs', '1'])).fits[0];
    expect(run.model.model).toBe('full');
    // The start: the single machine's rows and means exactly, its covariances to rounding.
    const matrix = parseTable(fs.readFileSync(whole, 'utf8'), 'whole', {}).matrix;
    const regCovar = started.options.regCovar;
    expect(regCovar).toBe(extra.length ? 1e-4 : 0); // a table's default is no ridge
    const covFloor = started.options.covFloor;
    if (extra.length) expect(covFloor).toBeUndefined(); // a --reg-covar given is the ridge alone
    else {
      // The floor: 1e-6 × each column's variance (summed over the shards, so to rounding).
      const variances = columnVariances(matrix);
      expect(worstRelative(covFloor!, Array.from(variances, (v) => 1e-6 * v))).toBeLessThan(1e-13);
    }
    const start = floorStart(randomInit(matrix, k, seed, { covariance: 'full', regCovar: regCovar as number }).mixture, covFloor ? Float64Array.from(covFloor) : undefined);
    expect(run.start.fit.initialRows).toEqual(fit.initialRows);
    expect(run.start.mixture.mu).toEqual(toRows(start.mu, k, 4));
    expect(fit.trace.length).toBeGreaterThan(3);
    expectSameFit(run, fit);
    const matrices = start.covariance.family === 'full' ? start.covariance.matrices : new Float64Array(0);
    const single = Array.from({ length: k }, (_, j) => toRows(matrices.subarray(j * 16, (j + 1) * 16), 4, 4));
    expect(worstDifference(started.mixture.covariance, single)).toBeLessThan(1e-13);
  });
});

describe('--covariance full over shards of a table with missing cells gives the single-machine fit', () => {
  const tmp = useTempDir();

  test.each([
    [3, 0, [0, 40, 60, 110, 150], 'the second shard complete'],
    [2, 2, [0, 75, 150], 'both with missing cells'],
  ] as const)('iris with NA cells, K=%i, seed %i, shards at %j (%s): the expected statistics give the LL trace', async (k, seed, cuts, _what) => {
    const { shards, whole } = writeIrisWithGaps(tmp(), cuts);
    const read = ['--missing', 'NA'];
    const matrix = parseTable(fs.readFileSync(whole, 'utf8'), 'whole', { missing: ['NA'] }).matrix;
    const missing = Array.from(matrix.observed!).filter((o) => o === 0).length;
    const patterns = new Set(Array.from({ length: 150 }, (_, u) => Array.from(matrix.observed!.subarray(u * 4, u * 4 + 4)).join(''))).size;
    expect(missing).toBeGreaterThan(60); // a real share of the cells
    expect(patterns).toBeGreaterThan(4); // several patterns of missing cells, complete rows among them
    const args = ['--k', String(k), '--seed', String(seed), '--covariance', 'full', '--max-iter', '25'];
    const run = await shardLoop(tmp(), shards, args, read);
    const fit = JSON.parse(await cli(['fit', whole, ...args, ...read, '--json', '--quiet', '--jobs', '1'])).fits[0];
    expect(run.start.fit.initialRows).toEqual(fit.initialRows);
    expect(fit.trace.length).toBeGreaterThan(5);
    expectSameFit(run, fit);
  });
});

describe('the covariance floor over shards', () => {
  const tmp = useTempDir();

  test('a component held on the floor (a 0/1 column constant within one group), with NA cells, in 2 shards: the single-machine trace and its variance on the floor', async () => {
    // Two groups; flag is 0 in one and 1 in the other, so within each component it has no
    // spread and --cov-floor holds it (1e-6 × flag's variance, 0.25 by hand: 30 zeros, 30 ones).
    const rows = Array.from({ length: 60 }, (_, u) => {
      const group = u < 30 ? 0 : 1;
      const cells = [(group * 6 + ((u * 7919) % 61) / 20).toFixed(3), String(group), ((((u * 104729) % 53) / 13) * (group ? 1.5 : 1)).toFixed(3)];
      if (u % 7 === 3) cells[0] = 'NA';
      if (u % 11 === 5) cells[2] = 'NA';
      return cells.join(',');
    });
    const dir = tmp();
    const write = (name: string, lines: string[]) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, ['x,flag,y', ...lines].join('\n') + '\n');
      return file;
    };
    const whole = write('flag.csv', rows);
    const shards = [write('flag-0.csv', rows.slice(0, 25)), write('flag-1.csv', rows.slice(25))];
    const read = ['--missing', 'NA'];
    const args = ['--k', '2', '--seed', '1', '--covariance', 'full', '--max-iter', '30'];
    const run = await shardLoop(dir, shards, args, read);
    const fit = JSON.parse(await cli(['fit', whole, ...args, ...read, '--json', '--quiet', '--jobs', '1'])).fits[0];
    expect(fit.stop).toBe('converged');
    expectSameFit(run, fit);
    const floor = (run.model as unknown as { options: { covFloor: number[] } }).options.covFloor;
    expect(floor[1]).toBeCloseTo(0.25e-6, 18);
    // This start leaves one component on group 0 alone (on the floor) and one across both groups.
    const flags = (fit.mixture.covariance as number[][][]).map((sigma) => sigma[1][1]);
    expect(flags.filter((v) => Math.abs(v - floor[1]) < 1e-20)).toHaveLength(1);
    for (const v of flags) expect(v).toBeGreaterThanOrEqual(floor[1] * (1 - 1e-12));
  });
});
