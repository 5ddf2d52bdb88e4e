import type { FitState, Objective } from '../models/fit-state';
import { DataError } from '../core/errors';

export interface LoopOptions {
  /** Convergence tolerance, read by the family's objective. */
  readonly tol: number;
  /** Safety cap on the number of E-steps. */
  readonly maxIter: number;
  /** Called after every E-step with its 1-based number and objective (the trace). */
  readonly onIteration?: (iteration: number, objective: number) => void;
}

/** Why a fit stopped: the tolerance was met; the objective went back (then it is not converged); or --max-iter. */
export type StopReason = 'converged' | 'decrease' | 'max-iter';

export interface LoopResult {
  /** The objective of the last E-step. */
  readonly objective: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly stop: StopReason;
}

/**
 * The one EM loop, shared by every family, in the course's order:
 * E-step, M-step, then stop once the objective has stopped improving
 * (so the returned parameters are those of the final M-step, and the
 * objective that of the E-step before it).
 */
export function runLoop(state: FitState, objective: Objective, options: LoopOptions): LoopResult {
  let previous = NaN;
  let current = NaN;
  let iterations = 0;
  let stop: StopReason = 'max-iter';
  const degenerate = state.degeneracy();
  if (degenerate) throw new DataError(`the start is not usable: ${degenerate}`);
  for (let iteration = 1; iteration <= options.maxIter; iteration++) {
    current = state.expectation();
    iterations = iteration;
    if (!Number.isFinite(current)) {
      throw new DataError(
        `the ${objective.name === 'cost' ? 'cost' : 'log-likelihood'} is not a finite number at iteration ${iteration}: ` +
          (state.degeneracy() ?? 'a component collapsed onto a single point (variance 0); try fewer components or a variance floor such as --min-var 1e-6'),
      );
    }
    options.onIteration?.(iteration, current);
    state.maximization();
    const problem = state.degeneracy();
    if (problem) throw new DataError(`at iteration ${iteration}, ${problem}`);
    if (iteration > 1 && objective.hasConverged(previous, current, options.tol)) {
      stop = objective.wentBack(previous, current) ? 'decrease' : 'converged';
      break;
    }
    previous = current;
  }
  return { objective: current, iterations, converged: stop === 'converged', stop };
}
