import { prepareData } from '../models/data';
import { familyOf, freeParameters } from '../models/families';
import type { Mixture } from '../models/mixture';
import { sampleBlocks, type SampleBlock } from '../models/sample';
import { aic, bic } from '../fit/criteria';
import type { ModelDocument } from '../io/model';
import type { NamedTable } from './table';
import type { FitOutcome } from './fit';
import { inDataUnits, logJacobian, standardize, unstandardizeRows } from './standardize';

/** What applying a model needs of it: its mixture, and its standardisation (null for none). */
export type Applied = Pick<ModelDocument, 'mixture' | 'standardization'>;

/** The table as the model sees it: standardised with the model's transform, when it has one. */
function asFitted(model: Applied, table: NamedTable) {
  return model.standardization ? standardize(table.matrix, model.standardization) : table.matrix;
}

/** A saved model applied to a table: the rows' posteriors and log-likelihoods under it (one E-step, no floor). */
function expectation(model: Applied, table: NamedTable) {
  const { mixture } = model;
  return familyOf(mixture.covariance).expectation(prepareData(asFitted(model, table)), mixture);
}

/** The model's mixture in the data's units (transformed back from standardised units when it was fitted so). */
export function mixtureInDataUnits(model: Applied): Mixture {
  return model.standardization ? inDataUnits(model.mixture, model.standardization) : model.mixture;
}

export interface Prediction {
  /** Each row's most probable component, 1..K (as the tables number them). */
  readonly labels: Int32Array;
  /** n×K, row-major. */
  readonly posterior: Float64Array;
}

/** The most probable component of each row (1..K; ties to the lower), and the posteriors. Rows with missing cells are judged on their observed cells. */
export function predict(model: Applied, table: NamedTable): Prediction {
  const { posterior } = expectation(model, table);
  const { k } = model.mixture;
  const n = table.matrix.rows;
  const labels = new Int32Array(n);
  for (let u = 0; u < n; u++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (posterior[u * k + j] > posterior[u * k + best]) best = j;
    labels[u] = best + 1;
  }
  return { labels, posterior };
}

export interface Score {
  readonly n: number;
  readonly logLikelihood: number;
  readonly bic: number;
  readonly aic: number;
  readonly parameters: number;
  /** Each row's log-likelihood. */
  readonly rows: Float64Array;
}

/** Each row's log-likelihood under the model, the total, and BIC and AIC for this data. */
export function score(model: Applied, table: NamedTable): Score {
  const { rowLogLikelihood, logLikelihood: fitted } = expectation(model, table);
  const { k, d } = model.mixture;
  const covariance = model.mixture.covariance.family;
  const n = table.matrix.rows;
  // In the data's units: a standardised density less the transform's log-Jacobian, row by row.
  const s = model.standardization;
  let logLikelihood = fitted;
  if (s) {
    const { observed } = table.matrix;
    for (let u = 0; u < n; u++) {
      let jacobian = 0;
      for (let i = 0; i < d; i++) if (!observed || observed[u * d + i]) jacobian += Math.log(s.scale[i]);
      rowLogLikelihood[u] -= jacobian;
    }
    logLikelihood = fitted - logJacobian(table.matrix, s);
  }
  return {
    n,
    logLikelihood,
    bic: bic(logLikelihood, k, d, n, covariance),
    aic: aic(logLikelihood, k, d, covariance),
    parameters: freeParameters(k, d, covariance),
    rows: rowLogLikelihood,
  };
}

/** n rows drawn from the model, deterministic from the seed, in blocks (see sampleBlocks), in the data's units. */
export function* sample(model: Applied, n: number, seed = 0): Generator<SampleBlock> {
  const s = model.standardization;
  for (const block of sampleBlocks(model.mixture, n, seed)) {
    if (s) unstandardizeRows(block.rows, model.mixture.d, s);
    yield block;
  }
}

/** The selected fit of a sweep applied to its own table: each row's component and posteriors (scikit-learn's fit_predict). */
export function predictSelected(outcome: FitOutcome): Prediction {
  return predict({ mixture: outcome.fitted.selected.mixture, standardization: outcome.standardization ?? null }, outcome.table);
}
