import type { Mixture } from './mixture';

/**
 * One fit in progress: a family's kernels bound to one data set and one
 * starting mixture, with every buffer allocated up front. The EM loop in
 * fit/em.ts drives it; nothing here allocates per iteration.
 */
export interface FitState {
  /** E-step with the current parameters; returns the objective (log-likelihood or cost). */
  expectation(): number;
  /** M-step from the responsibilities of the last E-step. */
  maximization(): void;
  /** A copy of the current parameters, in the data's own coordinates. */
  mixture(): Mixture;
}

export type ModelName = 'gaussian' | 'kmeans';
export const MODEL_NAMES: readonly ModelName[] = ['gaussian', 'kmeans'];

/** How a family's objective is judged by the loop. */
export interface Objective {
  readonly name: 'logLikelihood' | 'cost';
  /** Whether the loop should stop after going from `previous` to `current`. */
  hasConverged(previous: number, current: number, tol: number): boolean;
  /** Whether `a` is a better final objective than `b`. */
  isBetter(a: number, b: number): boolean;
  readonly defaultTol: number;
}

/** EM: stop when new LL − old LL ≤ tol·|new LL| (the course's rule). */
export const LOG_LIKELIHOOD: Objective = {
  name: 'logLikelihood',
  hasConverged: (previous, current, tol) => current - previous <= tol * Math.abs(current),
  isBetter: (a, b) => a > b,
  defaultTol: 1e-6,
};

/** k-means: stop when previous cost − cost ≤ tol (absolute, the course's rule). */
export const COST: Objective = {
  name: 'cost',
  hasConverged: (previous, current, tol) => previous - current <= tol,
  isBetter: (a, b) => a < b,
  defaultTol: 1e-4,
};
