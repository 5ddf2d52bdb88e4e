import type { Matrix } from '../core/matrix';
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

/** Fit every (K, seed) pair and select K. A fit that fails is kept with its reason and the sweep goes on. */
export function sweep(matrix: Matrix, options: SweepOptions): SweepResult {
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
    }
  }
  return { fits, criterion: options.criterion, data, ...selectBest(fits, options.criterion) };
}
