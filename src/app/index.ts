/**
 * The application: what the CLI does, as functions that take tables and requests
 * and return results with their warnings, never touching argv, stdout or the
 * process. It is also the library API (src/index.ts re-exports it).
 */
export { readTable, type NamedTable } from './table';
export { fitTable, type FitOutcome, type FitRequest, type FitSettings } from './fit';
export { completeTable, completionDocument, fillMatrix, fillBaseline, scoreAgainstTruth, BASELINES, type CompleteOutcome, type CompleteRequest, type CompletionRow, type Errors } from './complete';
export { predict, score, sample, type Prediction, type Score } from './apply';
export { describeComponents, fitToJson, selectedModel, sweepDocument } from './documents';
export { DEFAULTS } from './defaults';
export type { Warning } from './warnings';
export { isSuccessful, type Fit, type SuccessfulFit, type FailedFit } from '../fit/fit';
export type { SweepResult } from '../fit/sweep';
export { loadModelFile, parseModel, type ModelDocument } from '../io/model';
export type { SampleBlock } from '../models/sample';
