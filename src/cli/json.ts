import { toRows } from '../core/matrix';
import { isSuccessful, type Fit, type SuccessfulFit } from '../fit/fit';
import { MODEL_FORMAT } from '../io/model';
import type { SweepResult } from '../fit/sweep';
import type { Table } from '../io/table';
import { missingCount } from '../core/matrix';
import { assertUnreachable } from '../core/errors';
import type { Mixture } from '../models/mixture';

/** The fit's model name: the covariance family for Gaussians (spherical, diag, full), or kmeans. */
export function modelName(fit: Pick<Fit, 'model' | 'covariance'>): string {
  return fit.model === 'kmeans' ? 'kmeans' : fit.covariance;
}

/** A mixture's parameters: var as K numbers (spherical) or K×d (diag); covariance as K d×d matrices (full). */
export function mixtureToJson(mixture: Mixture): Record<string, unknown> {
  const { k, d } = mixture;
  const mu = toRows(mixture.mu, k, d);
  const p = Array.from(mixture.p);
  switch (mixture.covariance) {
    case 'spherical':
      return { mu, var: Array.from(mixture.var), p };
    case 'diag':
      return { mu, var: toRows(mixture.var, k, d), p };
    case 'full':
      return { mu, covariance: Array.from({ length: k }, (_, j) => toRows(mixture.var.subarray(j * d * d, (j + 1) * d * d), d, d)), p };
    default:
      return assertUnreachable(mixture.covariance);
  }
}

/** A fit as the JSON document holds it (typed arrays become plain arrays). */
export function fitToJson(fit: Fit): Record<string, unknown> {
  const common = { model: modelName(fit), k: fit.k, seed: fit.seed };
  if (!isSuccessful(fit)) return { ...common, error: fit.error, initialRows: fit.initialRows, trace: fit.trace };
  const { mixture } = fit;
  return {
    ...common,
    logLikelihood: fit.logLikelihood,
    ...(fit.cost !== undefined ? { cost: fit.cost } : {}),
    iterations: fit.iterations,
    converged: fit.converged,
    stop: fit.stop,
    ...(fit.model === 'kmeans' ? {} : { flooredVariances: fit.flooredVariances }),
    bic: fit.bic,
    aic: fit.aic,
    initialRows: fit.initialRows,
    trace: fit.trace,
    mixture: mixtureToJson(mixture),
  };
}

export function inputToJson(path: string, table: Table): Record<string, unknown> {
  const { matrix } = table;
  return {
    path,
    rows: matrix.rows,
    cols: matrix.cols,
    missing: missingCount(matrix),
    delimiter: table.delimiter,
    ...(table.columns ? { columns: table.columns } : {}),
  };
}

/** The whole result of `fit`: input, every fit, the best per K and the selection. */
export function sweepDocument(path: string, table: Table, result: SweepResult): Record<string, unknown> {
  return {
    input: inputToJson(path, table),
    fits: result.fits.map(fitToJson),
    best: result.best.map((fit) => ({
      k: fit.k,
      seed: fit.seed,
      logLikelihood: fit.logLikelihood,
      ...(fit.cost !== undefined ? { cost: fit.cost } : {}),
      bic: fit.bic,
      aic: fit.aic,
    })),
    selected: result.selected ? { k: result.selected.k, seed: result.selected.seed, criterion: result.criterion } : null,
  };
}

/**
 * The versioned model document `fit --out` writes: the family, K, d, the column
 * names if the input had a header, the parameters, the fit's statistics and the
 * options used. predict, score, sample, plot and `--init FILE.json` read it.
 */
export function modelDocument(fit: SuccessfulFit, table: Table, options: Record<string, unknown>): Record<string, unknown> {
  const { mixture } = fit;
  return {
    format: MODEL_FORMAT,
    model: modelName(fit),
    k: mixture.k,
    d: mixture.d,
    ...(table.columns ? { columns: table.columns } : {}),
    mixture: mixtureToJson(mixture),
    fit: {
      seed: fit.seed,
      n: table.matrix.rows,
      logLikelihood: fit.logLikelihood,
      ...(fit.cost !== undefined ? { cost: fit.cost } : {}),
      bic: fit.bic,
      aic: fit.aic,
      iterations: fit.iterations,
      converged: fit.converged,
      stop: fit.stop,
      ...(fit.model === 'kmeans' ? {} : { flooredVariances: fit.flooredVariances }),
      initialRows: fit.initialRows,
      trace: fit.trace,
    },
    options: Object.fromEntries(Object.entries(options).filter(([key, value]) => value !== undefined && MODEL_OPTIONS.includes(key))),
  };
}

/** The options a model document records. */
const MODEL_OPTIONS = ['model', 'covariance', 'criterion', 'tol', 'maxIter', 'minVar', 'regCovar', 'init', 'missing', 'k', 'seed', 'seeds'];
