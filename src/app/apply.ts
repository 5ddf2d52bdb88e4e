import { prepareData } from '../models/data';
import { familyOf, freeParameters } from '../models/families';
import type { Mixture } from '../models/mixture';
import { sampleBlocks, type SampleBlock } from '../models/sample';
import { aic, bic } from '../fit/criteria';
import type { ModelDocument } from '../io/model';
import type { NamedTable } from './table';

/** A saved model applied to a table: the rows' posteriors and log-likelihoods under it (one E-step, no floor). */
function expectation(model: ModelDocument, table: NamedTable) {
  const { mixture } = model;
  return familyOf(mixture.covariance).expectation(prepareData(table.matrix), mixture);
}

export interface Prediction {
  /** Each row's most probable component, 1..K (as the tables number them). */
  readonly labels: Int32Array;
  /** n×K, row-major. */
  readonly posterior: Float64Array;
}

/** The most probable component of each row (1..K; ties to the lower), and the posteriors. Rows with missing cells are judged on their observed cells. */
export function predict(model: ModelDocument, table: NamedTable): Prediction {
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
export function score(model: ModelDocument, table: NamedTable): Score {
  const { rowLogLikelihood, logLikelihood } = expectation(model, table);
  const { k, d } = model.mixture;
  const covariance = model.mixture.covariance.family;
  const n = table.matrix.rows;
  return {
    n,
    logLikelihood,
    bic: bic(logLikelihood, k, d, n, covariance),
    aic: aic(logLikelihood, k, d, covariance),
    parameters: freeParameters(k, d, covariance),
    rows: rowLogLikelihood,
  };
}

/** n rows drawn from the model, deterministic from the seed, in blocks (see sampleBlocks). */
export function sample(model: ModelDocument | { readonly mixture: Mixture }, n: number, seed = 0): Generator<SampleBlock> {
  return sampleBlocks(model.mixture, n, seed);
}
