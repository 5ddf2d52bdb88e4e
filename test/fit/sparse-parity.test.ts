import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { parseTable } from '../../src/io/table';
import { parseRatings } from '../../src/io/ratings';
import { runSweep, sweep } from '../../src/fit/run';
import { MISSING_DATA_MIN_VAR } from '../../src/fit/fit';
import { fillMatrix } from '../../src/app/complete';
import { sparseFamily } from '../../src/models/families';
import { mixturePredictions } from '../../src/models/rating-predict';
import { fitBaseline } from '../../src/models/baseline';

// The course's Netflix matrix as rating triplets (its non-zero cells, written row by row):
// the sparse EM must give the dense path's figures (test/fixtures/reference/netflix.json, the
// numpy port of the course's em.py) and the same filled values.
const fixtures = path.join(__dirname, '..', 'fixtures');
const text = zlib.gunzipSync(fs.readFileSync(path.join(fixtures, 'netflix_incomplete.txt.gz'))).toString('utf8');
const dense = parseTable(text, 'netflix_incomplete.txt', { missing: ['0'] }).matrix;
const reference = JSON.parse(fs.readFileSync(path.join(fixtures, 'reference', 'netflix.json'), 'utf8')) as {
  runs: Array<{ K: number; seed: number; ll: number; iterations: number }>;
};

function triplets(): string {
  const lines = ['user,item,rating'];
  const { rows, cols, data, observed } = dense;
  for (let u = 0; u < rows; u++) for (let i = 0; i < cols; i++) if (observed![u * cols + i]) lines.push(`u${u + 1},m${i + 1},${data[u * cols + i]}`);
  return lines.join('\n') + '\n';
}

const ratings = parseRatings(triplets(), 'triplets.csv');
const rows = { users: ratings.users, items: ratings.items, rowStart: ratings.rowStart as Int32Array, itemIndex: ratings.itemIndex };
const input = { kind: 'sparse' as const, rows, values: ratings.rating };
const options = { model: 'gaussian' as const, ks: [1, 12], seeds: [0, 1, 2, 3, 4], maxIter: 1000, criterion: 'bic' as const, minVar: MISSING_DATA_MIN_VAR };
const result = sweep(input, options);

test('the triplets are the matrix: 1200 users and items in the order of the rows and columns', () => {
  expect([ratings.users, ratings.items, ratings.nnz]).toEqual([1200, 1200, 1111768]);
  expect(ratings.userIds.slice(0, 3)).toEqual(['u1', 'u2', 'u3']);
  // Items appear in the order of the first user's ratings; the course's first row rates every column it has in order.
  const order = Array.from(ratings.itemIds, (id) => Number(id.slice(1)) - 1);
  expect(new Set(order).size).toBe(1200);
});

test.each(reference.runs.map((r) => [r.K, r.seed, r] as const))('K=%i seed=%i: the sparse EM gives numpy\'s dense LL to 1e-9 and its iterations', (k, seed, ref) => {
  const fit = result.fits.find((f) => f.k === k && f.seed === seed)!;
  if (fit.error !== undefined) throw new Error(fit.error);
  expect(Math.abs(fit.logLikelihood - ref.ll) / Math.abs(ref.ll)).toBeLessThan(1e-9);
  expect(fit.iterations).toBe(ref.iterations);
});

test('the filled values of the missing cells are the dense completion\'s', () => {
  const best = result.selected!;
  expect(best.k).toBe(12);
  const filled = fillMatrix(dense, mixtureInMatrixOrder(best.mixture));
  const posterior = sparseFamily('spherical').expectation(result.data, best.mixture).posterior;
  // Every missing cell of the matrix, as a pair of the sparse indices.
  const itemOf = new Int32Array(1200);
  ratings.itemIds.forEach((id, i) => (itemOf[Number(id.slice(1)) - 1] = i));
  const user: number[] = [];
  const item: number[] = [];
  const expected: number[] = [];
  for (let u = 0; u < 1200; u++) {
    for (let c = 0; c < 1200; c++) {
      if (dense.observed![u * 1200 + c]) continue;
      user.push(u);
      item.push(itemOf[c]);
      expected.push(filled[u * 1200 + c]);
    }
  }
  const pairs = { count: user.length, user: Int32Array.from(user), item: Int32Array.from(item), rating: null };
  const predicted = mixturePredictions(pairs, best.mixture, posterior, fitBaseline(rows, ratings.rating), false, null);
  let worst = 0;
  for (let t = 0; t < pairs.count; t++) worst = Math.max(worst, Math.abs(predicted[t] - expected[t]) / Math.max(1, Math.abs(expected[t])));
  expect(pairs.count).toBe(1200 * 1200 - 1111768);
  expect(worst).toBeLessThan(1e-9);
});

test('the users split over two threads, or the fits over two workers, give the same bits', async () => {
  const one = { ...options, ks: [12], seeds: [1] };
  const split = await runSweep(input, { ...one, jobs: 2, minRowSplitWork: 0 });
  expect(split.plan).toEqual({ executor: 'rows', threads: 2 });
  const single = result.fits.find((f) => f.k === 12 && f.seed === 1)!;
  expect(split.fits[0]).toEqual(single);
  const pooled = await runSweep(input, { ...options, ks: [1], jobs: 2, minParallelWork: 0 });
  expect(pooled.plan).toEqual({ executor: 'pool', workers: 2 });
  expect(pooled.fits).toEqual(result.fits.filter((f) => f.k === 1));
});

/** The sparse mixture's means are over items in order of first appearance; the dense matrix's over its columns. */
function mixtureInMatrixOrder<M extends { k: number; d: number; mu: Float64Array }>(m: M): M {
  const mu = new Float64Array(m.k * m.d);
  ratings.itemIds.forEach((id, i) => {
    const c = Number(id.slice(1)) - 1;
    for (let j = 0; j < m.k; j++) mu[j * m.d + c] = m.mu[j * m.d + i];
  });
  return { ...m, mu };
}
