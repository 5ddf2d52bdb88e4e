import { DataError } from '../core/errors';
import { missingCount, type Matrix } from '../core/matrix';
import type { PreparedData } from '../models/data';
import { prepareData } from '../models/data';
import { familyOf } from '../models/families';
import type { Mixture } from '../models/mixture';
import { fitTable, type FitOutcome, type FitRequest } from './fit';
import { sweepDocument } from './documents';
import type { NamedTable } from './table';
import { warner } from './warnings';
import { standardize, type Standardization } from './standardize';

/** A matrix completed in standardised units, with its missing cells back in the data's units and its observed cells the input's. */
function fromStandardized(filled: Float64Array, input: Matrix, s: Standardization): Float64Array {
  const { cols: d, data, observed } = input;
  for (let c = 0; c < filled.length; c++) filled[c] = observed && !observed[c] ? filled[c] * s.scale[c % d] + s.mean[c % d] : data[c];
  return filled;
}

/**
 * Fill each missing cell (u,i) with its expected value under the mixture given the
 * row's observed cells, the posterior coming from one E-step with the final mixture
 * (the course's fill_matrix): Σ_j post(j|u)·mu_{j,i} for spherical and diag, and
 * Σ_j post(j|u)·E[x_ui | x_o, j] with full covariances. Observed cells are copied unchanged.
 */
export function fillMatrix(matrix: Matrix, mixture: Mixture, prepared: PreparedData = prepareData(matrix)): Float64Array {
  if (!matrix.observed) return matrix.data.slice();
  return familyOf(mixture.covariance).completed(prepared, mixture, matrix.data);
}

/** The simple predictions a mixture should beat: missing cells filled with a mean. */
export type BaselineName = 'global' | 'row' | 'column';
export const BASELINES: readonly BaselineName[] = ['global', 'row', 'column'];

/** The sums and counts of each row's and column's observed cells, and the mean of them all (0 with none). */
function observedSums(matrix: Matrix, observed: Uint8Array) {
  const { rows: n, cols: d, data } = matrix;
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
  return { rowSum, rowCount, colSum, colCount, global: count > 0 ? sum / count : 0 };
}

/**
 * Missing cells filled with the mean of the observed cells: over the whole matrix,
 * over the cell's row, or over its column. A row or column with nothing observed
 * falls back to the global mean.
 */
export function fillBaseline(matrix: Matrix, baseline: BaselineName): Float64Array {
  const { rows: n, cols: d, data, observed } = matrix;
  const filled = data.slice();
  if (!observed) return filled;
  const { rowSum, rowCount, colSum, colCount, global } = observedSums(matrix, observed);
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

/**
 * Each baseline's errors against the truth, as scoreAgainstTruth(fillBaseline(input, b), input, truth)
 * gives them (the same sums in the same order, so the same bits), without a filled matrix per baseline.
 */
export function scoreBaselines(input: Matrix, truth: Matrix): Errors[] {
  const { rows: n, cols: d, data, observed } = input;
  if (!observed) return BASELINES.map(() => scoreAgainstTruth(data, input, truth));
  const { rowSum, rowCount, colSum, colCount, global } = observedSums(input, observed);
  // Per baseline (global, row, column): Σ diff² over all cells, and over the missing cells the truth knows.
  let allGlobal = 0;
  let allRow = 0;
  let allColumn = 0;
  let missingGlobal = 0;
  let missingRow = 0;
  let missingColumn = 0;
  let missingCells = 0;
  const t = truth.data;
  for (let u = 0; u < n; u++) {
    const rowMean = rowCount[u] > 0 ? rowSum[u] / rowCount[u] : global;
    for (let i = 0; i < d; i++) {
      const c = u * d + i;
      if (observed[c]) {
        const diff = t[c] - data[c];
        allGlobal += diff * diff;
        allRow += diff * diff;
        allColumn += diff * diff;
        continue;
      }
      const g = t[c] - global;
      const r = t[c] - rowMean;
      const k = t[c] - (colCount[i] > 0 ? colSum[i] / colCount[i] : global);
      allGlobal += g * g;
      allRow += r * r;
      allColumn += k * k;
      if (truth.observed === null || truth.observed[c] === 1) {
        missingCells++;
        missingGlobal += g * g;
        missingRow += r * r;
        missingColumn += k * k;
      }
    }
  }
  const sums: Record<BaselineName, [number, number]> = { global: [allGlobal, missingGlobal], row: [allRow, missingRow], column: [allColumn, missingColumn] };
  return BASELINES.map((name) => ({
    rmse: Math.sqrt(sums[name][0] / (n * d)),
    rmseMissing: missingCells > 0 ? Math.sqrt(sums[name][1] / missingCells) : null,
    missingCells,
  }));
}

/** One line of the completion table: a predictor and its errors against the truth. */
export interface CompletionRow {
  readonly name: string;
  readonly errors: Errors;
}

/** What to complete: the fit's request, and the full matrix to score against (same shape), if there is one. */
export interface CompleteRequest extends FitRequest {
  readonly truth?: NamedTable;
}

export interface CompleteOutcome extends FitOutcome {
  /** The completed matrix, row-major, in the input's shape. */
  readonly filled: Float64Array;
  /** How many cells were filled. */
  readonly filledCells: number;
  /** The mixture and the baselines against the truth; null without one. */
  readonly scores: CompletionRow[] | null;
}

/**
 * Fits as fitTable does, keeps the selected model, and fills the missing cells;
 * with a truth, scores the mixture and the baselines on all cells and on the missing
 * ones. The truth is checked before the fit, so a wrong file fails at once.
 */
export async function completeTable(table: NamedTable, request: CompleteRequest = {}): Promise<CompleteOutcome> {
  const input = table.matrix;
  const { warnings, warn } = warner(request.onWarning);
  const truth = request.truth?.matrix ?? null;
  if (request.truth && truth) {
    if (truth.rows !== input.rows || truth.cols !== input.cols) {
      throw new DataError(`${request.truth.source}: the truth is ${truth.rows}×${truth.cols}, but ${table.source} is ${input.rows}×${input.cols}`);
    }
    const unknown = missingCount(truth);
    if (unknown > 0) {
      warn('truth', `${request.truth.source} has ${unknown} missing cells: they count as 0 in the all-cells RMSE (the course's figure) and are left out of the missing-cells RMSE`);
    }
  }
  const outcome = await fitTable(table, { ...request, onWarning: (w) => (warnings.push(w), request.onWarning?.(w)) });
  if (!input.observed) warn('no-missing', `${table.source} has no missing cells: the completed matrix is the input`);
  const selected = outcome.result.selected;
  const s = outcome.standardization;
  // Filled as fitted (in standardised units with --standardize), then back in the data's units; observed cells as they were.
  const filled = s ? fromStandardized(fillMatrix(standardize(input, s), outcome.fitted.selected.mixture, outcome.fitted.data), input, s) : fillMatrix(input, selected.mixture, outcome.result.data);
  let scores: CompletionRow[] | null = null;
  if (truth) {
    scores = [
      { name: `mixture (K=${selected.k}, seed ${selected.seed})`, errors: scoreAgainstTruth(filled, input, truth) },
      ...scoreBaselines(input, truth).map((errors, b) => ({ name: `${BASELINES[b]} mean`, errors })),
    ];
    if (scores[0].errors.rmseMissing === null) {
      warn('truth', `${request.truth!.source} knows none of the ${missingCount(input)} cells missing from ${table.source}: the missing-cells RMSE is n/a, and no prediction is marked best`);
    }
  }
  return { ...outcome, warnings, filled, filledCells: missingCount(input), scores };
}

/** What complete --json prints: the fit's document with a `completion` section. */
export function completionDocument(outcome: CompleteOutcome, output?: string): Record<string, unknown> {
  const scores = (e: Errors) => ({ rmse: e.rmse, rmseMissing: e.rmseMissing });
  const rows = outcome.scores;
  const completion = {
    ...(output !== undefined ? { output } : {}),
    filledCells: outcome.filledCells,
    ...(rows
      ? {
          ...scores(rows[0].errors),
          scoredMissingCells: rows[0].errors.missingCells,
          baselines: Object.fromEntries(BASELINES.map((b, i) => [b, scores(rows[i + 1].errors)])),
        }
      : {}),
  };
  return { ...sweepDocument(outcome), completion };
}
