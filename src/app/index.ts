/**
 * The application: what the CLI does, as functions that take tables and requests
 * and return results with their warnings, never touching argv, stdout or the
 * process. It is also the library API (src/index.ts re-exports it).
 */
export { readTable, type NamedTable } from './table';
export { fitTable, type FitOutcome, type FitRequest, type FitSettings } from './fit';
export { completeTable, completionDocument, fillMatrix, fillBaseline, scoreAgainstTruth, BASELINES, type CompleteOutcome, type CompleteRequest, type CompletionRow, type Errors } from './complete';
export { mixtureInDataUnits, predict, predictSelected, score, sample, type Applied, type Prediction, type Score } from './apply';
export type { Standardization } from './standardize';
export { agreementToJson, knownClassAgreement, describeComponents, fitToJson, selectedModel, sweepDocument } from './documents';
export { DEFAULTS } from './defaults';
export { readOptionsFor } from './reading';
export type { Warning } from './warnings';
export { agreement, type Agreement } from '../models/agreement';
export { isSuccessful, type Fit, type SuccessfulFit, type FailedFit } from '../fit/fit';
export type { SweepResult } from '../fit/sweep';
export { checkWidth, loadModelFile, parseModel, type ModelDocument } from '../io/model';
export type { SampleBlock } from '../models/sample';
