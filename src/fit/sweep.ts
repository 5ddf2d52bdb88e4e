import type { Matrix } from '../core/matrix';
import { UsageError } from '../core/errors';
import type { PreparedData } from '../models/data';
import { COST, LOG_LIKELIHOOD } from '../models/fit-state';
import { family } from '../models/families';
import type { Criterion } from './criteria';
import { covarianceOf, isSuccessful, type Fit, type FitOptions, type SuccessfulFit } from './fit';
import type { Plan } from './plan';

/** A sweep: every (K, seed) pair fitted with the same options, then the best per K and the selected K. */
export interface SweepOptions extends Omit<FitOptions, 'k' | 'seed' | 'onIteration' | 'runnerFor'> {
  readonly ks: readonly number[];
  readonly seeds: readonly number[];
  readonly criterion: Criterion;
  /** Called after each E-step of each fit (the fits then run one at a time, in this thread). */
  readonly onIteration?: (k: number, seed: number, iteration: number, objective: number) => void;
  /** Called when each fit ends. */
  readonly onFit?: (fit: Fit, done: number, total: number) => void;
}

export interface SweepResult {
  /** Every (K, seed) fit, K-major in the order given. */
  readonly fits: Fit[];
  /** Per K (ascending), the best fit over seeds: highest LL (k-means: lowest cost), ties to the first seed. */
  readonly best: SuccessfulFit[];
  /** The best of `best` by the criterion (larger is better), ties to the smaller K; null if every fit failed. */
  readonly selected: SuccessfulFit | null;
  readonly criterion: Criterion;
  readonly data: PreparedData;
  /** How the fits were run, and how many threads did the work. */
  readonly plan: Plan;
  readonly threads: number;
}

/** One (K, seed) fit of a sweep, numbered in the sweep's order. */
export interface SweepTask {
  readonly index: number;
  readonly k: number;
  readonly seed: number;
}

/** The sweep's fits, K-major. */
export function sweepTasks(options: Pick<SweepOptions, 'ks' | 'seeds'>): SweepTask[] {
  const tasks: SweepTask[] = [];
  for (const k of options.ks) for (const seed of options.seeds) tasks.push({ index: tasks.length, k, seed });
  return tasks;
}

/** The options of one task's fit: the sweep's, with its K and seed, and its iterations reported as the sweep's. */
export function fitOptionsFor(options: SweepOptions, task: SweepTask): FitOptions {
  const { ks: _ks, seeds: _seeds, criterion: _criterion, onFit: _onFit, onIteration, ...rest } = options;
  return {
    ...rest,
    k: task.k,
    seed: task.seed,
    onIteration: onIteration ? (iteration, value) => onIteration(task.k, task.seed, iteration, value) : undefined,
  };
}

function score(fit: SuccessfulFit, criterion: Criterion): number {
  return criterion === 'bic' ? fit.bic : criterion === 'aic' ? fit.aic : fit.logLikelihood;
}

/** Best per K, then the selected K (null when every fit failed). */
export function selectBest(fits: readonly Fit[], criterion: Criterion): Pick<SweepResult, 'best' | 'selected'> {
  const perK = new Map<number, SuccessfulFit>();
  for (const fit of fits) {
    if (!isSuccessful(fit)) continue;
    const current = perK.get(fit.k);
    const better =
      fit.model === 'kmeans'
        ? (a: SuccessfulFit, b: SuccessfulFit) => COST.isBetter(a.cost ?? Infinity, b.cost ?? Infinity)
        : (a: SuccessfulFit, b: SuccessfulFit) => LOG_LIKELIHOOD.isBetter(a.logLikelihood, b.logLikelihood);
    if (!current || better(fit, current)) perK.set(fit.k, fit);
  }
  const best = [...perK.values()].sort((a, b) => a.k - b.k);
  let selected: SuccessfulFit | null = null;
  for (const fit of best) if (!selected || score(fit, criterion) > score(selected, criterion)) selected = fit;
  return { best, selected };
}

/** The sweep's result from its fits: built here only, whichever executor ran them. */
export function sweepResult(fits: Fit[], options: Pick<SweepOptions, 'criterion'>, data: PreparedData, plan: Plan, threads: number): SweepResult {
  return { fits, criterion: options.criterion, data, plan, threads, ...selectBest(fits, options.criterion) };
}

/** At most this many fits in one sweep (K values × seeds). */
export const MAX_FITS = 10_000;

/**
 * Checks, before anything is allocated, that the sweep is of a size that can run:
 * at most MAX_FITS fits, and a family whose parameters fit in memory for every K.
 */
export function checkSweepSize(matrix: Matrix, options: Pick<SweepOptions, 'ks' | 'seeds' | 'covariance' | 'model' | 'start'>): void {
  const fits = options.ks.length * options.seeds.length;
  if (fits > MAX_FITS) {
    throw new UsageError(`the sweep would run ${fits} fits (${options.ks.length} values of K × ${options.seeds.length} seeds); at most ${MAX_FITS} are allowed`);
  }
  if (options.model !== 'kmeans') family(covarianceOf(options)).checkSize(matrix, Math.max(...options.ks));
}
