import type { Matrix } from './core/matrix';
import type { Mixture } from './models/mixture';
import { prepareData, type PreparedData } from './models/data';
import { expectationOf } from './fit/fit';
import { FullState } from './models/full';

/**
 * Fill each missing cell (u,i) with its expected value under the mixture,
 * Σ_j post(j|u)·mu_{j,i}, the posterior coming from one E-step with the final
 * mixture (the course's fill_matrix); with full covariances, Σ_j post(j|u)·E[x_ui | x_o, j].
 * Observed cells are copied unchanged.
 */
export function fillMatrix(matrix: Matrix, mixture: Mixture, prepared: PreparedData = prepareData(matrix)): Float64Array {
  const { rows: n, cols: d, data, observed } = matrix;
  if (!observed) return data.slice();
  // Full covariances fill with each component's conditional mean given the observed cells.
  if (mixture.covariance === 'full') return new FullState(prepared, mixture, { minVar: 0, regCovar: 0 }).completed(data);
  const filled = data.slice();
  const post = expectationOf(prepared, mixture).posterior;
  const { k, mu } = mixture;
  for (let u = 0; u < n; u++) {
    for (let i = 0; i < d; i++) {
      const c = u * d + i;
      if (observed[c]) continue;
      let v = 0;
      for (let j = 0; j < k; j++) v += post[u * k + j] * mu[j * d + i];
      filled[c] = v;
    }
  }
  return filled;
}

/** The simple predictions a mixture should beat: missing cells filled with a mean. */
export type BaselineName = 'global' | 'row' | 'column';
export const BASELINES: readonly BaselineName[] = ['global', 'row', 'column'];

/**
 * Missing cells filled with the mean of the observed cells: over the whole matrix,
 * over the cell's row, or over its column. A row or column with nothing observed
 * falls back to the global mean.
 */
export function fillBaseline(matrix: Matrix, baseline: BaselineName): Float64Array {
  const { rows: n, cols: d, data, observed } = matrix;
  const filled = data.slice();
  if (!observed) return filled;
  const rowSum = new Float64Array(n);
  const rowCount = new Float64Array(n);
  const colSum = new Float64Array(d);
  const colCount = new Float64Array(d);
  let sum = 0;
  let count = 0;
  for (let u = 0; u < n; u++) {
    for (let i = 0; i < d; i++) {
      if (!observed[u * d + i]) continue;
      const v = data[u * d + i];
      rowSum[u] += v;
      rowCount[u]++;
      colSum[i] += v;
      colCount[i]++;
      sum += v;
      count++;
    }
  }
  const global = count > 0 ? sum / count : 0;
  for (let u = 0; u < n; u++) {
    for (let i = 0; i < d; i++) {
      const c = u * d + i;
      if (observed[c]) continue;
      if (baseline === 'global') filled[c] = global;
      else if (baseline === 'row') filled[c] = rowCount[u] > 0 ? rowSum[u] / rowCount[u] : global;
      else filled[c] = colCount[i] > 0 ? colSum[i] / colCount[i] : global;
    }
  }
  return filled;
}

export interface Errors {
  /** Over all n·d cells, the truth's missing cells counting as 0: the course's figure. */
  readonly rmse: number;
  /** Over the cells missing from the input and known in the truth: the honest figure; null when the truth knows none of them. */
  readonly rmseMissing: number | null;
  /** How many cells rmseMissing is taken over. */
  readonly missingCells: number;
}

/** Both RMSEs of a filled matrix against the truth (same shape). */
export function scoreAgainstTruth(filled: Float64Array, input: Matrix, truth: Matrix): Errors {
  let all = 0;
  let missing = 0;
  let missingCount = 0;
  for (let c = 0; c < filled.length; c++) {
    const diff = truth.data[c] - filled[c];
    all += diff * diff;
    const wasMissing = input.observed !== null && input.observed[c] === 0;
    const known = truth.observed === null || truth.observed[c] === 1;
    if (wasMissing && known) {
      missing += diff * diff;
      missingCount++;
    }
  }
  return {
    rmse: Math.sqrt(all / filled.length),
    rmseMissing: missingCount > 0 ? Math.sqrt(missing / missingCount) : null,
    missingCells: missingCount,
  };
}
