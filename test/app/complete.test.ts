import { mixtureOf } from '../helpers/mixture';
import { fromRows } from '../../src/core/matrix';
import { BASELINES, fillBaseline, fillMatrix, scoreAgainstTruth, scoreBaselines } from '../../src/app/complete';
import type { Mixture } from '../../src/models/mixture';

// Hand-computed expectations in the comments.
const input = fromRows([
  [1, NaN, 3],
  [NaN, 4, 5],
]);
// Observed: 1, 3, 4, 5 → global mean 13/4 = 3.25; row means 2 and 4.5;
// column means 1, 4, 4.

test('baselines fill missing cells with the global, row or column mean', () => {
  expect(Array.from(fillBaseline(input, 'global'))).toEqual([1, 3.25, 3, 3.25, 4, 5]);
  expect(Array.from(fillBaseline(input, 'row'))).toEqual([1, 2, 3, 4.5, 4, 5]);
  expect(Array.from(fillBaseline(input, 'column'))).toEqual([1, 4, 3, 1, 4, 5]);
});

test('a row or column with nothing observed falls back to the global mean', () => {
  const sparse = fromRows([
    [2, NaN],
    [NaN, NaN],
  ]);
  expect(Array.from(fillBaseline(sparse, 'row'))).toEqual([2, 2, 2, 2]);
  expect(Array.from(fillBaseline(sparse, 'column'))).toEqual([2, 2, 2, 2]);
});

test('RMSE over all cells and over the missing cells', () => {
  const truth = fromRows([
    [1, 2, 3],
    [6, 4, 5],
  ]);
  const filled = fillBaseline(input, 'global');
  // Errors at the two missing cells: 2 − 3.25 = −1.25 and 6 − 3.25 = 2.75.
  // All cells: sqrt((1.5625 + 7.5625)/6); missing cells: sqrt((1.5625 + 7.5625)/2).
  const scores = scoreAgainstTruth(filled, input, truth);
  expect(scores.rmse).toBeCloseTo(Math.sqrt(9.125 / 6), 14);
  expect(scores.rmseMissing).toBeCloseTo(Math.sqrt(9.125 / 2), 14);
  expect(scores.missingCells).toBe(2);
});

test("a cell missing from the truth counts as 0 over all cells and is left out of the missing-cells RMSE", () => {
  const truth = fromRows([
    [1, NaN, 3],
    [6, 4, 5],
  ]);
  const filled = fillBaseline(input, 'global');
  // All cells: the unknown truth cell is 0, error 3.25; missing cells: only the 6 − 3.25 cell.
  const scores = scoreAgainstTruth(filled, input, truth);
  expect(scores.rmse).toBeCloseTo(Math.sqrt((3.25 ** 2 + 2.75 ** 2) / 6), 14);
  expect(scores.rmseMissing).toBeCloseTo(2.75, 14);
  expect(scores.missingCells).toBe(1);
});

test('fillMatrix: the posterior-weighted mean, observed cells unchanged', () => {
  // One component: every posterior is 1, so each missing cell becomes mu's coordinate.
  const one: Mixture = mixtureOf({ k: 1, d: 3, covariance: 'spherical', mu: Float64Array.from([7, 8, 9]), var: Float64Array.from([1]), p: Float64Array.from([1]) });
  expect(Array.from(fillMatrix(input, one))).toEqual([1, 8, 3, 7, 4, 5]);
  // Two components far apart: row 1 (1, ?, 3) sits on mu_1 = (1, 30, 3), row 2 (?, 4, 5) on mu_2 = (20, 4, 5).
  // Row 1's distance² to mu_2 is 19² + 2² = 365, row 2's to mu_1 is 26² + 2² = 680 (var 1):
  // each posterior is 1 to within e^(−182), so the fills are 30 and 20.
  const two: Mixture = mixtureOf({
    k: 2,
    covariance: 'spherical',
    d: 3,
    mu: Float64Array.from([1, 30, 3, 20, 4, 5]),
    var: Float64Array.from([1, 1]),
    p: Float64Array.from([0.5, 0.5]),
  });
  const filled = fillMatrix(input, two);
  expect(filled[1]).toBeCloseTo(30, 12);
  expect(filled[3]).toBeCloseTo(20, 12);
  expect([filled[0], filled[2], filled[4], filled[5]]).toEqual([1, 3, 4, 5]);
});

test('scoreBaselines gives each baseline the errors of its filled matrix, bit for bit, without filling one', () => {
  // A 40×7 matrix with a third of its cells missing, an empty row and column, and a truth with unknown cells.
  const rows: number[][] = [];
  const truthRows: number[][] = [];
  for (let u = 0; u < 40; u++) {
    rows.push(Array.from({ length: 7 }, (_, i) => (u === 3 || i === 5 || (u * 7 + i) % 3 === 0 ? NaN : 1 + ((u * 13 + i * 7) % 5) + 0.1 * i)));
    truthRows.push(Array.from({ length: 7 }, (_, i) => ((u + i) % 11 === 0 ? NaN : 1 + ((u * 5 + i * 3) % 5))));
  }
  const m = fromRows(rows);
  const truth = fromRows(truthRows);
  const fused = scoreBaselines(m, truth);
  BASELINES.forEach((b, at) => expect(fused[at]).toEqual(scoreAgainstTruth(fillBaseline(m, b), m, truth)));
  // Complete input: every baseline is the input itself.
  const full = fromRows([[1, 2], [3, 4]]);
  for (const e of scoreBaselines(full, fromRows([[1, 2], [3, 5]]))) expect(e.rmse).toBeCloseTo(Math.sqrt(1 / 4), 15);
});
