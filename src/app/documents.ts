import { missingCount } from '../core/matrix';
import { isSuccessful, type Fit, type SuccessfulFit } from '../fit/fit';
import { mixtureToJson, modelDocument, modelName } from '../io/model';
import type { FitOutcome } from './fit';
import type { NamedTable } from './table';
import type { Mixture } from '../models/mixture';
import { familyOf } from '../models/families';

/** A fit as the JSON document holds it (typed arrays become plain arrays). */
export function fitToJson(fit: Fit): Record<string, unknown> {
  const common = { model: modelName(fit), k: fit.k, seed: fit.seed };
  if (!isSuccessful(fit)) return { ...common, error: fit.error, initialRows: fit.initialRows, trace: fit.trace };
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
    mixture: mixtureToJson(fit.mixture),
  };
}

/** The input as the JSON document describes it. */
export function inputToJson(table: NamedTable): Record<string, unknown> {
  const { matrix } = table;
  return {
    path: table.path,
    rows: matrix.rows,
    cols: matrix.cols,
    missing: missingCount(matrix),
    delimiter: table.delimiter,
    ...(table.columns ? { columns: table.columns } : {}),
  };
}

/** The whole result of a fit (what `--json` prints): input, every fit, the best per K and the selection. */
export function sweepDocument(outcome: FitOutcome): Record<string, unknown> {
  const { result } = outcome;
  return {
    input: inputToJson(outcome.table),
    fits: result.fits.map(fitToJson),
    best: result.best.map((fit) => ({
      k: fit.k,
      seed: fit.seed,
      logLikelihood: fit.logLikelihood,
      ...(fit.cost !== undefined ? { cost: fit.cost } : {}),
      bic: fit.bic,
      aic: fit.aic,
    })),
    selected: { k: result.selected.k, seed: result.selected.seed, criterion: result.criterion },
  };
}

/** The fit's own figures, as a model document records them. */
function fitRecord(fit: SuccessfulFit, n: number): Record<string, unknown> {
  return {
    seed: fit.seed,
    n,
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
  };
}

/**
 * The selected fit as a versioned model document (what `fit --out` writes), for
 * predict, score, sample, plot and warm starts: the family, K, d, the column names,
 * the parameters, the fit's figures, and the settings and reading options it was fitted with.
 */
export function selectedModel(outcome: FitOutcome): Record<string, unknown> {
  const fit = outcome.result.selected;
  const { settings, table } = outcome;
  const options: Record<string, unknown> = { ...settings };
  delete options.jobs;
  if (table.read.missing) options.missing = table.read.missing;
  return modelDocument({
    model: fit.model,
    covariance: fit.covariance,
    mixture: fit.mixture,
    fit: fitRecord(fit, table.matrix.rows),
    columns: table.columns,
    options,
  });
}

/** A mixture's components as the tables show them: each mean, its variance(s) — one number, or one per column — and weight. */
export function describeComponents(mixture: Mixture): { heading: string; rows: Array<{ mean: Float64Array; variances: number | Float64Array; weight: number }> } {
  const { k, d } = mixture;
  const family = familyOf(mixture.covariance);
  return {
    heading: family.varianceHeading,
    rows: Array.from({ length: k }, (_, j) => ({
      mean: mixture.mu.subarray(j * d, (j + 1) * d),
      variances: family.componentVariances(mixture.covariance, j, d),
      weight: mixture.p[j],
    })),
  };
}
