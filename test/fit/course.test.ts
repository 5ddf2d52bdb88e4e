import { fitOne } from '../../src/fit/start';
import { varOf } from '../helpers/mixture';
import * as fs from 'fs';
import * as path from 'path';
import { parseTable } from '../../src/io/table';
import { randomInit } from '../../src/models/start';
import { prepareData } from '../../src/models/data';
import { SphericalState } from '../../src/models/families/spherical-state';
import { isSuccessful, MISSING_DATA_MIN_VAR } from '../../src/fit/fit';
import { fillMatrix, scoreAgainstTruth } from '../../src/app/complete';
import { maxAbsDiff, readSolutions } from '../helpers/solutions';

// The course's small rating fixture: test_incomplete.txt (0 = missing), K=4, seed 0.
// Every expected number comes from the course's test_solutions.txt, printed to 8
// decimals (or 9 significant digits), so 1e-8 is the tightest check it supports.
const fixtures = path.join(__dirname, '..', 'fixtures');
const read = (name: string) => parseTable(fs.readFileSync(path.join(fixtures, name), 'utf8'), name, { missing: ['0'] }).matrix;
const X = read('test_incomplete.txt');
const gold = read('test_complete.txt');
const expected = readSolutions();
const TOL = 1e-8;

test('the fixture parses as 20×5 with its zeros missing', () => {
  expect([X.rows, X.cols]).toEqual([20, 5]);
  expect(Array.from(X.data)).toEqual(expected['Input'].X);
});

test('initial mixture', () => {
  const { mixture } = randomInit(X, 4, 0);
  expect(maxAbsDiff(mixture.mu, expected['Input'].Mu)).toBeLessThan(TOL);
  expect(maxAbsDiff(varOf(mixture), expected['Input'].Var)).toBeLessThan(TOL);
  expect(maxAbsDiff(mixture.p, expected['Input'].P)).toBeLessThan(TOL);
});

test('first E-step and first M-step', () => {
  const state = new SphericalState(prepareData(X), randomInit(X, 4, 0).mixture, { minVar: MISSING_DATA_MIN_VAR, keepPosterior: true });
  expect(Math.abs(state.expectation() - -152.16319226209848)).toBeLessThan(TOL);
  expect(maxAbsDiff(state.posterior!, expected['After first E-step'].post)).toBeLessThan(TOL);
  state.maximization();
  const m = state.mixture();
  expect(maxAbsDiff(m.mu, expected['After first M-step'].Mu)).toBeLessThan(TOL);
  expect(maxAbsDiff(varOf(m), expected['After first M-step'].Var)).toBeLessThan(TOL);
  expect(maxAbsDiff(m.p, expected['After first M-step'].P)).toBeLessThan(TOL);
});

describe('a full run', () => {
  const data = prepareData(X);
  const fit = fitOne({ kind: 'dense', matrix: X, data, memo: {} }, { model: 'gaussian', k: 4, seed: 0, maxIter: 1000, minVar: MISSING_DATA_MIN_VAR });
  if (!isSuccessful(fit)) throw new Error(fit.error);
  const run = expected['After a run'];

  test('log-likelihood and mixture', () => {
    expect(Math.abs(fit.logLikelihood - -84.98451993042474)).toBeLessThan(TOL);
    expect(fit.converged).toBe(true);
    expect(maxAbsDiff(fit.mixture.mu, run.Mu)).toBeLessThan(TOL);
    expect(maxAbsDiff(varOf(fit.mixture), run.Var)).toBeLessThan(TOL);
    expect(maxAbsDiff(fit.mixture.p, run.P)).toBeLessThan(TOL);
  });

  test("posteriors: those of the run's last E-step", () => {
    // Re-run the same loop by hand to read the last E-step's posteriors.
    const state = new SphericalState(data, randomInit(X, 4, 0).mixture, { minVar: MISSING_DATA_MIN_VAR, keepPosterior: true });
    for (let i = 0; i < fit.iterations; i++) {
      state.expectation();
      if (i < fit.iterations - 1) state.maximization();
    }
    expect(maxAbsDiff(state.posterior!, run.post)).toBeLessThan(TOL);
  });

  test('filled matrix and RMSE against the full matrix', () => {
    const filled = fillMatrix(X, fit.mixture);
    expect(maxAbsDiff(filled, run.X_pred)).toBeLessThan(TOL);
    expect(Array.from(gold.data)).toEqual(run.X_gold);
    expect(Math.abs(scoreAgainstTruth(filled, X, gold).rmse - 0.3152301205749675)).toBeLessThan(TOL);
  });
});
