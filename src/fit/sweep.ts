import { DataError, UsageError } from '../core/errors';
import type { PreparedData } from '../models/data';
import type { FitData } from '../models/kernels/layout';
import { COST, LOG_LIKELIHOOD } from '../models/fit-state';
import { DEFAULT_COVARIANCE, family, type Covariance } from '../models/families';
import type { Criterion } from './criteria';
import { covarianceOf, isSuccessful, type Fit, type FitOptions, type StartMethod, type SuccessfulFit } from './fit';
import type { Plan } from './plan';
import { inputSize, isSparseInput, type SweepInput } from './source';

/** A sweep: every (family, K, seed) fitted with the same options, then the best per family and K, and the selected one. */
export interface SweepOptions extends Omit<FitOptions, 'k' | 'seed' | 'onIteration' | 'runnerFor' | 'covariance'> {
  readonly ks: readonly number[];
  readonly seeds: readonly number[];
  /** The Gaussian families swept (default: the one of FitOptions, spherical); k-means reads its clusters as spherical. */
  readonly covariances?: readonly Covariance[];
  /** Several starts per seed (--init all: the best LL per family and K is kept); hc, being deterministic, once per family and K. */
  readonly inits?: readonly StartMethod[];
  readonly criterion: Criterion;
  /** Called after each E-step of each fit (the fits then run one at a time, in this thread). */
  readonly onIteration?: (k: number, seed: number, iteration: number, objective: number) => void;
  /** Called when each fit ends. */
  readonly onFit?: (fit: Fit, done: number, total: number) => void;
}

export interface SweepResult<D extends FitData = PreparedData> {
  /** Every (family, K, seed) fit: family-major, then K-major, in the order given. */
  readonly fits: Fit[];
  /** Per family (in the order given) and K (ascending), the best fit over seeds: highest LL (k-means: lowest cost), ties to the first seed. */
  readonly best: SuccessfulFit[];
  /** The best of `best` by the criterion (larger is better), ties to the earlier family and the smaller K; null if every fit failed. */
  readonly selected: SuccessfulFit | null;
  /** The families swept, in order. */
  readonly covariances: readonly Covariance[];
  readonly criterion: Criterion;
  readonly data: D;
  /** How the fits were run, and how many threads did the work. */
  readonly plan: Plan;
  readonly threads: number;
}

/** One (family, K, seed) fit of a sweep, numbered in the sweep's order. */
export interface SweepTask {
  readonly index: number;
  readonly covariance: Covariance;
  readonly init: StartMethod;
  readonly k: number;
  readonly seed: number;
}

/** The families a sweep fits: a warm start's, the ones asked for, or the default. */
export function sweepCovariances(options: Pick<SweepOptions, 'covariances' | 'start' | 'model'>): readonly Covariance[] {
  if (options.start) return [options.start.covariance.family];
  if (options.model === 'kmeans') return [covarianceOf({ model: 'kmeans' })];
  return options.covariances && options.covariances.length > 0 ? options.covariances : [DEFAULT_COVARIANCE];
}

/** The sweep's fits: family-major, then K-major. */
export function sweepTasks(options: Pick<SweepOptions, 'ks' | 'seeds' | 'covariances' | 'start' | 'model' | 'init' | 'inits'>): SweepTask[] {
  const tasks: SweepTask[] = [];
  const inits = options.inits && options.inits.length > 0 ? options.inits : [options.init ?? 'random'];
  for (const covariance of sweepCovariances(options)) {
    for (const k of options.ks) {
      options.seeds.forEach((seed, s) => {
        for (const init of inits) if (init !== 'hc' || s === 0) tasks.push({ index: tasks.length, covariance, init, k, seed });
      });
    }
  }
  return tasks;
}

/** The options of one task's fit: the sweep's, with its family, K and seed, and its iterations reported as the sweep's. */
export function fitOptionsFor(options: SweepOptions, task: SweepTask): FitOptions {
  const { ks: _ks, seeds: _seeds, covariances: _covariances, inits: _inits, criterion: _criterion, onFit: _onFit, onIteration, ...rest } = options;
  return {
    ...rest,
    covariance: task.covariance,
    init: task.init,
    k: task.k,
    seed: task.seed,
    onIteration: onIteration ? (iteration, value) => onIteration(task.k, task.seed, iteration, value) : undefined,
  };
}

function score(fit: SuccessfulFit, criterion: Criterion): number {
  return criterion === 'bic' ? fit.bic : criterion === 'aic' ? fit.aic : fit.logLikelihood;
}

/** Best per family and K, then the selected one (null when every fit failed). */
export function selectBest(fits: readonly Fit[], criterion: Criterion): Pick<SweepResult, 'best' | 'selected'> {
  const perCase = new Map<string, SuccessfulFit>();
  const families: Covariance[] = [];
  for (const fit of fits) {
    if (!families.includes(fit.covariance)) families.push(fit.covariance);
    if (!isSuccessful(fit)) continue;
    const key = `${fit.covariance} ${fit.k}`;
    const current = perCase.get(key);
    const better =
      fit.model === 'kmeans'
        ? (a: SuccessfulFit, b: SuccessfulFit) => COST.isBetter(a.cost ?? Infinity, b.cost ?? Infinity)
        : (a: SuccessfulFit, b: SuccessfulFit) => LOG_LIKELIHOOD.isBetter(a.logLikelihood, b.logLikelihood);
    if (!current || better(fit, current)) perCase.set(key, fit);
  }
  const best = [...perCase.values()].sort((a, b) => families.indexOf(a.covariance) - families.indexOf(b.covariance) || a.k - b.k);
  let selected: SuccessfulFit | null = null;
  for (const fit of best) if (!selected || score(fit, criterion) > score(selected, criterion)) selected = fit;
  return { best, selected };
}

/** The sweep's result from its fits: built here only, whichever executor ran them. */
export function sweepResult<D extends FitData>(fits: Fit[], options: Pick<SweepOptions, 'criterion' | 'covariances' | 'start' | 'model'>, data: D, plan: Plan, threads: number): SweepResult<D> {
  return { fits, criterion: options.criterion, covariances: sweepCovariances(options), data, plan, threads, ...selectBest(fits, options.criterion) };
}

/** At most this many fits in one sweep (K values × seeds). */
export const MAX_FITS = 10_000;

/**
 * Checks, before anything is allocated, that the sweep is of a size that can run:
 * at most MAX_FITS fits, and a family whose parameters fit in memory for every K.
 */
export function checkSweepSize(input: SweepInput, options: Pick<SweepOptions, 'ks' | 'seeds' | 'covariances' | 'model' | 'start'>): void {
  const families = sweepCovariances(options);
  const fits = sweepTasks(options).length;
  if (fits > MAX_FITS) {
    const what = `${options.ks.length} values of K × ${options.seeds.length} seeds${families.length > 1 ? ` × ${families.length} families` : ''}`;
    throw new UsageError(`the sweep would run ${fits} fits (${what}); at most ${MAX_FITS} are allowed`);
  }
  const k = Math.max(...options.ks);
  if (!isSparseInput(input)) {
    if (options.model !== 'kmeans') for (const name of families) family(name).checkSize(input, k);
    return;
  }
  if (options.model === 'kmeans') throw new UsageError('--model kmeans does not run on rating rows (--ratings); use --model gaussian');
  for (const name of families) {
    if (!family(name).sparse) throw new UsageError(`--covariance ${name} does not run on rating rows (--ratings): a covariance between two items needs users who rated both; use spherical or diag`);
  }
  // The means and the per-chunk sums are K×d numbers each (about 40 such blocks in all).
  const { cols } = inputSize(input);
  if (k * cols * 40 * 8 > 2 ** 33) throw new DataError(`K=${k} components over ${cols} items would need about ${((k * cols * 40 * 8) / 2 ** 30).toFixed(0)} GB for the means and the sums; use fewer components`);
}
