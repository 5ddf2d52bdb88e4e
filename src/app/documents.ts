import { missingCount } from '../core/matrix';
import { isSuccessful, type Fit, type SuccessfulFit } from '../fit/fit';
import { mixtureToJson, modelDocument, modelName } from '../io/model';
import type { FitOutcome } from './fit';
import type { Standardization } from './standardize';
import type { NamedTable } from './table';
import type { ColumnRef, ColumnSelection } from '../io/columns';
import { agreement, type Agreement } from '../models/agreement';
import { predictSelected } from './apply';
import type { Mixture } from '../models/mixture';
import { familyOf } from '../models/families';

/** A fit as the JSON document holds it (typed arrays become plain arrays). */
export function fitToJson(fit: Fit): Record<string, unknown> {
  const common = { model: modelName(fit), k: fit.k, seed: fit.seed, init: fit.init };
  if (!isSuccessful(fit)) return { ...common, error: fit.error, initialRows: fit.initialRows, trace: fit.trace };
  return {
    ...common,
    logLikelihood: fit.logLikelihood,
    ...(fit.cost !== undefined ? { cost: fit.cost } : {}),
    iterations: fit.iterations,
    converged: fit.converged,
    stop: fit.stop,
    ...(fit.model === 'kmeans' ? {} : { flooredVariances: fit.flooredVariances }),
    ...(fit.acceleration ? { acceleration: fit.acceleration } : {}),
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
      covariance: modelName(fit),
      k: fit.k,
      seed: fit.seed,
      init: fit.init,
      logLikelihood: fit.logLikelihood,
      ...(fit.cost !== undefined ? { cost: fit.cost } : {}),
      bic: fit.bic,
      aic: fit.aic,
    })),
    selected: { covariance: modelName(result.selected), k: result.selected.k, seed: result.selected.seed, init: result.selected.init, criterion: result.criterion },
    ...(outcome.standardization ? { standardization: standardizationToJson(outcome.standardization) } : {}),
    ...(outcome.table.labels ? { classification: agreementToJson(knownClassAgreement(outcome)!) } : {}),
  };
}

/** With a labels column: how the selected fit's components agree with the known classes; null without one. */
export function knownClassAgreement(outcome: FitOutcome): Agreement | null {
  if (!outcome.table.labels) return null;
  const { labels } = predictSelected(outcome);
  return agreement(Int32Array.from(labels, (l) => l - 1), outcome.result.selected.k, outcome.table.labels);
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
    ...(fit.acceleration ? { acceleration: fit.acceleration } : {}),
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
  // The parameters as fitted (in standardised units with --standardize, the transform beside them); the figures in the data's units.
  const { mixture } = outcome.fitted.selected;
  const { settings, table } = outcome;
  const options: Record<string, unknown> = { ...settings };
  delete options.jobs;
  return modelDocument({
    model: fit.model,
    covariance: fit.covariance,
    mixture,
    fit: fitRecord(fit, table.matrix.rows),
    columns: table.columns,
    options,
    standardization: outcome.standardization,
    read: readRecord(table),
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

/**
 * The standardisation as the documents record it; every figure of a standardised fit is in the
 * data's units, its log-likelihood including the transform's Jacobian.
 */
export function standardizationToJson(s: Standardization): Record<string, unknown> {
  return {
    mean: Array.from(s.mean),
    scale: Array.from(s.scale),
    note: "fitted in standardised units, (x − mean)/scale per column; means, covariances and log-likelihoods are reported in the data's units (the log-likelihood less Σ ln scale over the observed cells, the Jacobian)",
  };
}

/** How a table was read, as a model document records it: the options given (left out: detected again), and what was found. */
export function readRecord(table: NamedTable): Record<string, unknown> {
  const given = Object.fromEntries(Object.entries(table.read).filter(([, value]) => value !== undefined && value !== table.read.select));
  const { layout } = table;
  return {
    ...given,
    ...(table.read.select ? { select: selectionToJson(table.read.select) } : {}),
    // Where the features were in the file (0-based), and the id column: how a file without a header is matched.
    layout: { fileColumns: layout.fileColumns, features: layout.features, ...(layout.id !== undefined ? { id: layout.id } : {}) },
    detected: { delimiter: table.delimiter, header: layout.names !== null },
  };
}

/** A column selection as JSON (an open range's end, Infinity, as null). */
function selectionToJson(select: ColumnSelection): Record<string, unknown> {
  const ref = (r: ColumnRef) => ('to' in r && r.to === Infinity ? { from: r.from, to: null } : r);
  return Object.fromEntries(Object.entries(select).map(([key, value]) => [key, Array.isArray(value) ? value.map((r) => (typeof r === 'string' ? r : ref(r))) : ref(value as ColumnRef)]));
}

/** Agreement with known classes as the JSON holds it: ARI, error rate, the confusion table and each component's class. */
export function agreementToJson(a: Agreement): Record<string, unknown> {
  return { adjustedRandIndex: a.ari, errorRate: a.errorRate, classes: a.classes, confusion: a.counts, componentClass: a.mapping };
}
