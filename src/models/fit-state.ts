import type { Mixture } from './mixture';

/**
 * One fit in progress: a family's kernels bound to one data set and one
 * starting mixture, with every buffer allocated up front. The EM loop in
 * fit/em.ts drives it; nothing here allocates per iteration.
 */
/**
 * A fit's parameters, as live views of the state's own buffers (in its own layout and
 * coordinates: centred, item-major, …), for an accelerator that moves them between
 * E-steps (--accelerate). Writing them and calling expectation() evaluates the new point.
 */
export interface FitParameters {
  /** The K weights (on the simplex). */
  readonly weight: Float64Array;
  /** The means, any layout. */
  readonly mean: Float64Array;
  /** Spherical and diag: the variances (> 0), any layout. */
  readonly variance?: Float64Array;
  /** Full: K symmetric d×d matrices, row-major, positive definite. */
  readonly covariance?: { readonly matrices: Float64Array; readonly d: number };
  /** The variance floor the M-step holds (--min-var; 0 = none). */
  readonly minVar: number;
}

export interface FitState {
  /** E-step with the current parameters; returns the objective (log-likelihood or cost). */
  expectation(): number;
  /** M-step from the responsibilities of the last E-step. */
  maximization(): void;
  /** A copy of the current parameters, in the data's own coordinates. */
  mixture(): Mixture;
  /**
   * Why the current parameters are not a usable fit, or null: a component collapsed
   * onto repeated points (a variance, or a Cholesky pivot, at the rounding level of the
   * data's scale), a covariance that is not positive definite, a constant column.
   */
  degeneracy(): string | null;
  /** How many variances (full: eigenvalues) the last M-step raised to the floor (--min-var). */
  readonly flooredVariances: number;
  /**
   * The data's log-likelihood at the last E-step, when the objective is not it: with a prior
   * on the means (--mean-prior) the objective is the log posterior, LL + the prior's log density.
   */
  logLikelihood?(): number;
  /** With a prior on the means: its log density at the current parameters (the objective is the data's LL + this). */
  logPrior?(): number;
  /** The parameters as live views (Gaussian families); k-means has none. */
  parameters?(): FitParameters;
  /**
   * The sums of the last E-step that the M-step reads (the chunks added up), with the
   * layout of the family's statistics: what one shard's E-step hands to a distributed
   * M-step (gmm-fit estep). A live view; families that cannot be split over shards have none.
   */
  statistics?(): SufficientStatistics;
  /**
   * Statistics added up elsewhere (the shards' E-steps, in this state's layout) over `rows`
   * rows in all: the next maximization() runs on them exactly as on its own E-step's sums.
   * The data-wide scales the degeneracy checks use are taken from the sums too (the
   * posteriors of a row add up to 1, so Σ_j Σ post·‖x‖² is Σ‖x‖²), so a state made on no
   * rows can run the M-step of all of them (gmm-fit mstep).
   */
  loadStatistics?(total: Float64Array, rows: number): void;
}

/** A family's E-step sums: `total`, laid out as `fields` (name and length of each block, end to end). */
export interface SufficientStatistics {
  readonly fields: ReadonlyArray<readonly [string, number]>;
  readonly total: Float64Array;
}

/**
 * Statistics loaded from shards: the data's mean square per cell, Σ_j Σ post·‖x‖² over
 * Σ_j Σ post·|C| (K numbers from `squaresAt` and `cellsAt`), as the posteriors of a row add up
 * to 1; 0 without cells. What the spherical families' degeneracy checks judge a variance against.
 */
export function loadedCellScale(total: Float64Array, squaresAt: number, cellsAt: number, k: number): number {
  let squares = 0;
  let cells = 0;
  for (let j = 0; j < k; j++) {
    squares += total[squaresAt + j];
    cells += total[cellsAt + j];
  }
  return cells > 0 ? squares / cells : 0;
}

/** The fields of a statistics layout (field name → offset, and size), in the order they are laid out; empty ones left out. */
export function statisticsFields(layout: { readonly size: number } & Record<string, number>): Array<[string, number]> {
  const starts = Object.entries(layout)
    .filter(([name]) => name !== 'size')
    .sort((a, b) => a[1] - b[1]);
  const fields = starts.map(([name, at], i): [string, number] => [name, (i + 1 < starts.length ? starts[i + 1][1] : layout.size) - at]);
  return fields.filter(([, length]) => length > 0);
}

export type ModelName = 'gaussian' | 'kmeans';

/** How a family's objective is judged by the loop. */
export interface Objective {
  readonly name: 'logLikelihood' | 'cost';
  /** Whether the loop should stop after going from `previous` to `current`. */
  hasConverged(previous: number, current: number, tol: number): boolean;
  /** Whether going from `previous` to `current` is a step backwards by more than rounding (1e-12 relative). */
  wentBack(previous: number, current: number): boolean;
  /** Whether `a` is a better final objective than `b`. */
  isBetter(a: number, b: number): boolean;
  readonly defaultTol: number;
}

/** Steps backwards smaller than this, relative, are rounding. */
const ROUNDING = 1e-12;

/**
 * EM: stop when new LL − old LL ≤ tol·|new LL| (the course's rule; it also stops on a
 * decrease, which the loop then reports). tol = 0 never stops: exactly --max-iter
 * iterations, as scikit-learn's tol=0.
 */
export const LOG_LIKELIHOOD: Objective = {
  name: 'logLikelihood',
  hasConverged: (previous, current, tol) => tol > 0 && current - previous <= tol * Math.abs(current),
  wentBack: (previous, current) => current < previous - ROUNDING * Math.abs(current),
  isBetter: (a, b) => a > b,
  defaultTol: 1e-6,
};

/** k-means: stop when previous cost − cost ≤ tol (absolute, the course's rule); tol = 0 stops once the cost no longer falls (the assignments are fixed: scikit-learn's strict convergence). */
export const COST: Objective = {
  name: 'cost',
  hasConverged: (previous, current, tol) => previous - current <= tol,
  wentBack: (previous, current) => current > previous + ROUNDING * Math.abs(current),
  isBetter: (a, b) => a < b,
  defaultTol: 1e-4,
};
