import type { Matrix } from '../core/matrix';
import { prepareData, type PreparedData } from '../models/data';
import { prepareSparse, type SparseData, type SparseRows } from '../models/sparse';
import type { StartPartitions } from '../models/hc-start';

/** Sparse rating rows to fit, with the value of each rating to fit (the ratings, or their residuals from a baseline). */
export interface SparseInput {
  readonly kind: 'sparse';
  readonly rows: SparseRows;
  readonly values: ArrayLike<number>;
}

/** What a sweep is asked to fit: a dense table, or sparse rating rows. */
export type SweepInput = Matrix | SparseInput;

/** What the fits run on: a dense matrix with its prepared form (the starts read the matrix), or prepared sparse rows. */
export type FitSource =
  | { readonly kind: 'dense'; readonly matrix: Matrix; readonly data: PreparedData; readonly memo: { partitions?: StartPartitions } }
  | { readonly kind: 'sparse'; readonly data: SparseData };

export function isSparseInput(input: SweepInput): input is SparseInput {
  return (input as SparseInput).kind === 'sparse';
}

/** The input laid out for the kernels; `shared`: in shared memory, for worker threads. */
export function prepareSource(input: SweepInput, shared: boolean): FitSource {
  if (isSparseInput(input)) return { kind: 'sparse', data: prepareSparse(input.rows, (t) => input.values[t], shared) };
  return { kind: 'dense', matrix: input, data: prepareData(input, shared), memo: {} };
}

/** Rows, columns and the cells an E-step reads (n·d dense, the ratings sparse): what the plan weighs. */
export function inputSize(input: SweepInput): { rows: number; cols: number; cells: number } {
  if (isSparseInput(input)) return { rows: input.rows.users, cols: input.rows.items, cells: input.rows.rowStart[input.rows.users] };
  return { rows: input.rows, cols: input.cols, cells: input.rows * input.cols };
}
