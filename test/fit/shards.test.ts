import { fromRows, type Matrix } from '../../src/core/matrix';
import { prepareData } from '../../src/models/data';
import { family } from '../../src/models/families';
import type { Mixture } from '../../src/models/mixture';
import { noRows, noUsers } from '../../src/models/shards';
import { prepareSparse } from '../../src/models/sparse';
import { shardStatistics, stopAfter, summedMaximization } from '../../src/fit/shards';

// The M-step of statistics summed over shards is the family's own M-step: on a small table
// with missing cells, two shards' sums give the parameters of the state that saw all rows,
// with the floor and the course's "a mean coordinate moves only with weight ≥ 1" rule.
const rows = [
  [1, 5, NaN],
  [2, 4, NaN],
  [4, NaN, 3],
  [5, 1, NaN],
  [4.5, 2, NaN],
];
const m = fromRows(rows);
const part = (from: number, to: number): Matrix => fromRows(rows.slice(from, to));

// Column 3 is observed in row 3 only: its weight Σ post·δ is that row's posterior, < 1 in each component.
const start: Mixture = {
  k: 2,
  d: 3,
  mu: Float64Array.from([1.5, 4.5, 2, 4.5, 1.5, 2]),
  p: Float64Array.from([0.5, 0.5]),
  covariance: { family: 'spherical', variances: Float64Array.from([1, 1]) },
};

test.each([['spherical'], ['diag']] as const)('%s: two shards summed give the single state\'s M-step; a coordinate with weight < 1 keeps its mean', (name) => {
  const mixture = name === 'diag' ? { ...start, covariance: { family: 'diag' as const, variances: new Float64Array(6).fill(1) } } : start;
  const settings = { minVar: 0.25, regCovar: 0 };
  const whole = prepareData(m);
  const state = family(name).state(whole, mixture, settings);
  const ll = state.expectation();
  state.maximization();
  const single = state.mixture();
  // Each shard centred on the whole table's centre, as estep centres it.
  const a = shardStatistics(prepareData(part(0, 2), false, whole.center), mixture, settings);
  const total = a.statistics.total.slice();
  const b = shardStatistics(prepareData(part(2, 5), false, whole.center), mixture, settings);
  for (let t = 0; t < total.length; t++) total[t] += b.statistics.total[t];
  expect(a.logLikelihood + b.logLikelihood).toBeCloseTo(ll, 12);
  const summed = summedMaximization(noRows(3, whole.center, null, true), mixture, settings, total, 5, 1);
  for (let c = 0; c < 6; c++) expect(summed.mixture.mu[c]).toBeCloseTo(single.mu[c], 12);
  expect(Array.from(summed.mixture.p)).toEqual(Array.from(single.p).map((p) => expect.closeTo(p, 14)));
  // The third column's means stay the start's, exactly, in both.
  expect([summed.mixture.mu[2], summed.mixture.mu[5], single.mu[2], single.mu[5]]).toEqual([2, 2, 2, 2]);
  const v = (x: Mixture) => Array.from((x.covariance as { variances: Float64Array }).variances);
  expect(v(summed.mixture)).toEqual(v(single).map((x) => expect.closeTo(x, 12)));
  expect(summed.flooredVariances).toBe(state.flooredVariances);
});

test('on rating rows: the users of two shards summed give the sparse state\'s M-step', () => {
  // Users × 3 items; item 2 rated by one user only (weight < 1 per component).
  const ratings = [
    [[0, 1], [1, 5]],
    [[0, 2], [1, 4]],
    [[0, 4], [2, 3]],
    [[0, 5], [1, 1]],
  ];
  const csr = (users: number[][][]) => {
    const rowStart = [0];
    const itemIndex: number[] = [];
    const values: number[] = [];
    for (const u of users) {
      for (const [i, v] of u) {
        itemIndex.push(i);
        values.push(v);
      }
      rowStart.push(itemIndex.length);
    }
    return prepareSparse({ users: users.length, items: 3, rowStart: Int32Array.from(rowStart), itemIndex: Int32Array.from(itemIndex) }, (t) => values[t]);
  };
  const settings = { minVar: 0.25, regCovar: 0 };
  const sparse = family('spherical').sparse!;
  const state = sparse.state(csr(ratings), start, settings);
  state.expectation();
  state.maximization();
  const single = state.mixture();
  const a = shardStatistics(csr(ratings.slice(0, 1)), start, settings);
  const total = a.statistics.total.slice();
  const b = shardStatistics(csr(ratings.slice(1)), start, settings);
  for (let t = 0; t < total.length; t++) total[t] += b.statistics.total[t];
  const summed = summedMaximization(noUsers(3, false), start, settings, total, 4, 1);
  expect(Array.from(summed.mixture.mu)).toEqual(Array.from(single.mu).map((x) => expect.closeTo(x, 12)));
  expect([summed.mixture.mu[2], summed.mixture.mu[5]]).toEqual([2, 2]);
});

test("the stopping rule is the loop's: from the second E-step, new − old ≤ tol·|new|; a fall is a decrease; then --max-iter", () => {
  const settings = { tol: 1e-6, maxIter: 10 };
  expect(stopAfter(1, undefined, -100, settings)).toBeNull();
  expect(stopAfter(2, -100, -99, settings)).toBeNull();
  expect(stopAfter(3, -99, -99 + 1e-5, settings)).toBe('converged');
  expect(stopAfter(3, -99, -99.5, settings)).toBe('decrease');
  expect(stopAfter(10, -200, -100, settings)).toBe('max-iter');
});
