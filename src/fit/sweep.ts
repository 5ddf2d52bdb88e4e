import type { Matrix } from '../core/matrix';
import { UsageError } from '../core/errors';
import { checkFullSize, missingPatterns } from '../models/full';
import { prepareData, type PreparedData } from '../models/data';
import { COST, LOG_LIKELIHOOD } from '../models/family';
import type { Criterion } from './criteria';
import { fitOne, isSuccessful, type Fit, type FitOptions, type SuccessfulFit } from './fit';

export interface SweepOptions extends Omit<FitOptions, 'k' | 'seed' | 'onIteration'> {
  readonly ks: readonly number[];
  readonly seeds: readonly number[];
  readonly criterion: Criterion;
  /** Called after each E-step of each fit. */
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

/** At most this many fits in one sweep (K values × seeds). */
export const MAX_FITS = 10_000;

/**
 * Checks, before anything is allocated, that the sweep is of a size that can run:
 * at most MAX_FITS fits, and full covariances that fit in memory for every K.
 */
export function checkSweepSize(matrix: Matrix, options: Pick<SweepOptions, 'ks' | 'seeds' | 'covariance' | 'model' | 'start'>): void {
  const fits = options.ks.length * options.seeds.length;
  if (fits > MAX_FITS) {
    throw new UsageError(`the sweep would run ${fits} fits (${options.ks.length} values of K × ${options.seeds.length} seeds); at most ${MAX_FITS} are allowed`);
  }
  const covariance = options.start?.covariance ?? options.covariance;
  if (options.model !== 'kmeans' && covariance === 'full') {
    const patterns = missingPatterns(matrix.observed, matrix.rows, matrix.cols);
    checkFullSize(Math.max(...options.ks), matrix.cols, patterns);
  }
}

/** Fit every (K, seed) pair and select K. A fit that fails is kept with its reason and the sweep goes on. */
export function sweep(matrix: Matrix, options: SweepOptions): SweepResult {
  const steps = sweepSteps(matrix, options);
  for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
}

/**
 * The same sweep in this thread, handing control back to the event loop after each fit,
 * so that a signal (Ctrl-C) is handled between fits and a progress bar can redraw.
 */
export async function sweepYielding(matrix: Matrix, options: SweepOptions): Promise<SweepResult> {
  const steps = sweepSteps(matrix, options);
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return step.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The sweep one fit at a time: each step yields the fit just made; the return value is the result. */
function* sweepSteps(matrix: Matrix, options: SweepOptions): Generator<Fit, SweepResult> {
  checkSweepSize(matrix, options);
  const data = prepareData(matrix);
  const fits: Fit[] = [];
  const total = options.ks.length * options.seeds.length;
  for (const k of options.ks) {
    for (const seed of options.seeds) {
      const fit = fitOne(matrix, data, {
        ...options,
        k,
        seed,
        onIteration: options.onIteration ? (iteration, value) => options.onIteration?.(k, seed, iteration, value) : undefined,
      });
      fits.push(fit);
      options.onFit?.(fit, fits.length, total);
      yield fit;
    }
  }
  return { fits, criterion: options.criterion, data, ...selectBest(fits, options.criterion) };
}
