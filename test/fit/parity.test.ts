import { varOf } from '../helpers/mixture';
import * as fs from 'fs';
import * as path from 'path';
import { fromRows } from '../../src/core/matrix';
import { randomInit } from '../../src/models/start';
import { prepareData } from '../../src/models/data';
import { fitFrom, isSuccessful, logLikelihoodOf } from '../../src/fit/fit';
import type { Covariance } from '../../src/models/mixture';

// Expected figures: test/fixtures/parity/sklearn.json, written by
// bench/parity/sklearn_parity.py with scikit-learn's GaussianMixture (its "source"
// field names the versions): iris and wine, K=3, the start below, tol=0,
// max_iter=50, reg_covar=1e-6; score_n = score(X)·n, the LL of the final parameters.
interface Family {
  start: { rows: number[]; means: number[][]; weights: number[]; var?: number[] | number[][]; covariance?: number[][][] };
  sklearn: { score_n: number; means: number[][]; weights: number[]; n_iter: number };
}
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'parity', 'sklearn.json'), 'utf8')) as {
  k: number;
  seed: number;
  reg_covar: number;
  iterations: number;
  datasets: Record<string, { X: number[][]; families: Record<Covariance, Family> }>;
};

const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
const cases = Object.entries(fixture.datasets).flatMap(([name, set]) =>
  (Object.keys(set.families) as Covariance[]).map((covariance) => [name, covariance, set.X, set.families[covariance]] as const),
);

describe.each(cases)('%s, %s: the same numbers as scikit-learn', (_name, covariance, X, family) => {
  const matrix = fromRows(X);
  const data = prepareData(matrix);
  const { k, seed, reg_covar: regCovar, iterations } = fixture;
  const start = randomInit(matrix, k, seed, { covariance, regCovar });

  test('the start: the same rows, weights and covariances', () => {
    expect(Array.from(start.rows)).toEqual(family.start.rows);
    expect(Array.from(start.mixture.p)).toEqual(family.start.weights);
    const expected = (family.start.var ?? family.start.covariance)!.flat(2) as number[];
    expect(varOf(start.mixture)).toHaveLength(expected.length);
    varOf(start.mixture).forEach((v, i) => expect(relative(v, expected[i])).toBeLessThan(1e-12));
  });

  test(`after ${iterations} EM iterations: the log-likelihood (score·n) to 1e-9, the parameters to 1e-7`, () => {
    // tol −∞: never stop early, as scikit-learn's tol=0 does here.
    const fit = fitFrom(data, start, { model: 'gaussian', covariance, regCovar, k, seed, tol: -Infinity, maxIter: iterations });
    if (!isSuccessful(fit)) throw new Error(fit.error);
    expect(fit.iterations).toBe(family.sklearn.n_iter);
    // The bar is 1e-6 relative; the two agree far closer.
    expect(relative(logLikelihoodOf(data, fit.mixture), family.sklearn.score_n)).toBeLessThan(1e-9);
    const means = family.sklearn.means.flat();
    fit.mixture.mu.forEach((v, i) => expect(Math.abs(v - means[i])).toBeLessThan(1e-7 * Math.max(1, Math.abs(means[i]))));
    fit.mixture.p.forEach((v, j) => expect(Math.abs(v - family.sklearn.weights[j])).toBeLessThan(1e-9));
  });
});
