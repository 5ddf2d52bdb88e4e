import { DataError, UsageError } from '../core/errors';
import type { RegCovar } from '../models/families/reg';
import { family, sparseFamily, type Covariance } from '../models/families';
import { LOG_LIKELIHOOD, type FitState, type SufficientStatistics } from '../models/fit-state';
import type { FitData, KernelName } from '../models/kernels/layout';
import type { Mixture } from '../models/mixture';
import type { StopReason } from './em';

/**
 * EM over shards of the rows: the E-step of each shard as a map (its sufficient statistics),
 * their sums as the reduce, and the M-step on the sums. Both steps are the families' own
 * states, so the arithmetic is the single-machine fit's: a shard's state runs its E-step and
 * hands over its sums (FitState.statistics); a state made on no rows takes the summed
 * statistics (FitState.loadStatistics) and runs the M-step, with the same floor, the same
 * regularisation and the same "a mean coordinate moves only with weight ≥ 1" rule.
 */

/** The settings a distributed fit runs with, fixed by its start. */
export interface ShardFitSettings {
  readonly minVar: number;
  /** One number, or one per column. */
  readonly regCovar: RegCovar;
  /** --cov-floor per column (tables, diag and full); undefined: none. */
  readonly covFloor?: Float64Array;
  readonly tol: number;
  readonly maxIter: number;
  /** Rating rows: λ of the means' prior (0: none); the objective is then LL + the prior's log density. */
  readonly meanPrior?: number;
  /** The E-step kernel ('wasm' or 'js': the same bits). */
  readonly kernel?: KernelName;
}

/** Whether family `name` runs over shards of a table (its start from per-shard sums, its states' statistics), or of rating rows. */
export function runsOverShards(name: Covariance, ratings: boolean): boolean {
  const f = family(name);
  return ratings ? f.sparse !== undefined : f.startCovariancesFromScatter !== undefined;
}

function stateFor(data: FitData, mixture: Mixture, settings: Pick<ShardFitSettings, 'minVar' | 'regCovar' | 'covFloor' | 'kernel' | 'meanPrior'>): FitState & Required<Pick<FitState, 'statistics' | 'loadStatistics'>> {
  const name = mixture.covariance.family;
  const options = { minVar: settings.minVar, regCovar: settings.regCovar, covFloor: settings.covFloor, kernel: settings.kernel, meanPrior: settings.meanPrior };
  const state = data.kind === 'dense' ? family(name).state(data, mixture, options) : sparseFamily(name).state(data, mixture, options);
  if (!state.statistics || !state.loadStatistics) throw new UsageError(`the ${name} family does not run over shards`);
  return state as FitState & Required<Pick<FitState, 'statistics' | 'loadStatistics'>>;
}

/** One shard's E-step under `mixture`: its log-likelihood and the sums the M-step needs (a live view of the state's; copy to keep). */
export function shardStatistics(data: FitData, mixture: Mixture, settings: Pick<ShardFitSettings, 'minVar' | 'regCovar' | 'covFloor' | 'kernel' | 'meanPrior'>): { logLikelihood: number; statistics: SufficientStatistics } {
  const state = stateFor(data, mixture, settings);
  state.expectation();
  // The shard's data LL, its `ll` field (a prior, a function of the parameters alone, is added once, by the M-step).
  const statistics = state.statistics();
  return { logLikelihood: statistics.total[offsetOf(statistics.fields, 'll')], statistics };
}

/** The layout of the statistics a model's E-steps give on `shape` (a state made on no rows): to check a file's fields against. */
export function statisticsFieldsFor(shape: FitData, mixture: Mixture, settings: Pick<ShardFitSettings, 'minVar' | 'regCovar' | 'meanPrior'>): ReadonlyArray<readonly [string, number]> {
  return stateFor(shape, mixture, { ...settings, kernel: 'js' }).statistics().fields;
}

/**
 * The M-step of statistics summed over every shard (`rows` in all), from `mixture` (the
 * parameters the E-steps ran under): the new mixture and how many variances the floor held.
 * `shape` is a data set of no rows with the whole data's shape (models/shards.ts). A sum
 * that is not finite, or a result that is degenerate, is a DataError worded as the EM loop
 * words it, at this iteration.
 */
export function summedMaximization(
  shape: FitData,
  mixture: Mixture,
  settings: Pick<ShardFitSettings, 'minVar' | 'regCovar' | 'meanPrior'>,
  total: Float64Array,
  rows: number,
  iteration: number,
): { mixture: Mixture; flooredVariances: number; objective: number } {
  const state = stateFor(shape, mixture, { ...settings, kernel: 'js' });
  const fields = state.statistics().fields;
  const expected = fields.reduce((a, [, length]) => a + length, 0);
  if (total.length !== expected) throw new Error(`internal: ${total.length} statistics for a layout of ${expected}`);
  state.loadStatistics(total, rows);
  const logLikelihood = total[offsetOf(fields, 'll')];
  if (!Number.isFinite(logLikelihood)) {
    throw new DataError(
      `the log-likelihood summed over the shards is not a finite number at iteration ${iteration}: ` +
        (state.degeneracy() ?? 'a component collapsed onto a single point (variance 0); try fewer components or a variance floor such as --min-var 1e-6'),
    );
  }
  // What the loop watches: the LL, + the prior's log density at the E-step's parameters (--mean-prior).
  const objective = logLikelihood + (state.logPrior?.() ?? 0);
  state.maximization();
  const problem = state.degeneracy();
  if (problem) throw new DataError(`at iteration ${iteration}, ${problem}`);
  return { mixture: state.mixture(), flooredVariances: state.flooredVariances, objective };
}

/**
 * The EM loop's stopping rule after E-step number `iteration` gave `current` (`previous`: the
 * E-step's before it): the course's rule, new LL − old LL ≤ tol·|new LL|, from the second
 * E-step on, as runLoop applies it ('decrease' when the LL went back by more than rounding);
 * 'max-iter' once --max-iter E-steps are done; null: go on.
 */
export function stopAfter(iteration: number, previous: number | undefined, current: number, settings: Pick<ShardFitSettings, 'tol' | 'maxIter'>): StopReason | null {
  if (iteration > 1 && previous !== undefined && LOG_LIKELIHOOD.hasConverged(previous, current, settings.tol)) {
    return LOG_LIKELIHOOD.wentBack(previous, current) ? 'decrease' : 'converged';
  }
  return iteration >= settings.maxIter ? 'max-iter' : null;
}

/** Where field `name` starts in a statistics layout. */
export function offsetOf(fields: ReadonlyArray<readonly [string, number]>, name: string): number {
  let at = 0;
  for (const [field, length] of fields) {
    if (field === name) return at;
    at += length;
  }
  throw new Error(`internal: no ${name} field`);
}
