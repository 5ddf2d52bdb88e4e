import { CATALOGUE, COVARIANCE_NAMES, DEFAULT_COVARIANCE } from '../models/families/catalogue';
import type { Covariance } from '../models/families';
import { KERNEL_NAMES, type KernelName } from '../models/kernels/layout';
import type { ModelName } from '../models/fit-state';
import type { Criterion } from '../fit/criteria';
import { MISSING_DATA_MIN_VAR } from '../fit/constants';
import type { StartMethod } from '../fit/fit';

export type { Covariance, Criterion, KernelName, StartMethod };

/** The covariance families, as help texts list them: name, what a component's covariance is, and the defaults of --reg-covar (rating triplets) and --cov-floor (tables). */
export const FAMILY_CHOICES: ReadonlyArray<{ readonly name: Covariance; readonly summary: string; readonly defaultRegCovar: number; readonly defaultCovFloor: number }> = COVARIANCE_NAMES.map((name) => ({
  name,
  summary: CATALOGUE[name].summary,
  defaultRegCovar: CATALOGUE[name].defaultRegCovar,
  defaultCovFloor: CATALOGUE[name].defaultCovFloor,
}));

/** The E-step kernels. */
export const KERNEL_CHOICES: readonly KernelName[] = KERNEL_NAMES;

/** Every default of a fit, in one place: the CLI's options and help show these. */
export const DEFAULTS = {
  model: 'gaussian' as ModelName,
  covariance: DEFAULT_COVARIANCE,
  /** The numbers of components when none are given: 1..4, capped at the row count. */
  kRange: [1, 4] as const,
  seeds: [0] as readonly number[],
  init: 'random' as StartMethod,
  maxIter: 1000,
  criterion: 'bic' as Criterion,
};

/** 1..4, capped at the row count. */
export function defaultKs(rows: number): number[] {
  const [lo, hi] = DEFAULTS.kRange;
  const ks: number[] = [];
  for (let k = lo; k <= Math.min(hi, rows); k++) ks.push(k);
  return ks;
}

/** Whether a missing marker means "a cell written 0" (0, 0.0, -0, 00 …). */
function isZero(marker: string): boolean {
  return /^[+-]?0*(\.0*)?$/.test(marker.trim()) && /0/.test(marker);
}

/**
 * The course's floor of 0.25 applies to its ratings convention only: cells written 0
 * mean "not rated" (`--missing 0`), on a 1–5 scale. Any other data has no floor unless
 * one is asked for: a fixed 0.25 would clamp every variance of data on a small scale.
 */
export function defaultMinVar(missing: readonly string[] | undefined): number | undefined {
  return (missing ?? []).some(isZero) ? MISSING_DATA_MIN_VAR : undefined;
}
