import type { FitParameters, FitState, Objective } from '../models/fit-state';
import { ParameterSnapshot, ParameterVector } from '../models/parameter-vector';
import { DataError } from '../core/errors';

export interface LoopOptions {
  /** Convergence tolerance, read by the family's objective. */
  readonly tol: number;
  /** Safety cap on the number of E-steps. */
  readonly maxIter: number;
  /** Called after every E-step with its 1-based number and objective (the trace). */
  readonly onIteration?: (iteration: number, objective: number) => void;
  /** Guarded SQUAREM between E-steps (--accelerate); the state must expose its parameters. */
  readonly accelerate?: boolean;
}

/** What --accelerate did: E-steps in all, extrapolations tried, and those kept. */
export interface Acceleration {
  readonly eSteps: number;
  readonly extrapolations: number;
  readonly accepted: number;
}

/** Why a fit stopped: the tolerance was met; the objective went back (then it is not converged); or --max-iter. */
export type StopReason = 'converged' | 'decrease' | 'max-iter';

export interface LoopResult {
  /** The objective of the last E-step. */
  readonly objective: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly stop: StopReason;
  /** With --accelerate only. */
  readonly acceleration?: Acceleration;
}

/**
 * The one EM loop, shared by every family, in the course's order:
 * E-step, M-step, then stop once the objective has stopped improving
 * (so the returned parameters are those of the final M-step, and the
 * objective that of the E-step before it).
 */
export function runLoop(state: FitState, objective: Objective, options: LoopOptions): LoopResult {
  if (options.accelerate) {
    const params = state.parameters?.();
    if (!params) throw new Error('--accelerate needs a state that exposes its parameters');
    return runAccelerated(state, params, objective, options);
  }
  let previous = NaN;
  let current = NaN;
  let iterations = 0;
  let stop: StopReason = 'max-iter';
  const degenerate = state.degeneracy();
  if (degenerate) throw new DataError(`the start is not usable: ${degenerate}`);
  for (let iteration = 1; iteration <= options.maxIter; iteration++) {
    current = checkedExpectation(state, objective, iteration);
    iterations = iteration;
    options.onIteration?.(iteration, current);
    checkedMaximization(state, iteration);
    if (iteration > 1 && objective.hasConverged(previous, current, options.tol)) {
      stop = objective.wentBack(previous, current) ? 'decrease' : 'converged';
      break;
    }
    previous = current;
  }
  return { objective: current, iterations, converged: stop === 'converged', stop };
}

/** SQUAREM's step bounds (Varadhan & Roland 2008; the R package's defaults): the first cap, its factor, and a hard cap here. */
const STEP_MAX_START = 1;
const STEP_FACTOR = 4;
const STEP_MAX_CAP = 1024;

/** The E-step, checked as runLoop checks it; `iteration` is the E-step's number. */
function checkedExpectation(state: FitState, objective: Objective, iteration: number): number {
  const value = state.expectation();
  if (!Number.isFinite(value)) {
    throw new DataError(
      `the ${objective.name === 'cost' ? 'cost' : 'log-likelihood'} is not a finite number at iteration ${iteration}: ` +
        (state.degeneracy() ?? 'a component collapsed onto a single point (variance 0); try fewer components or a variance floor such as --min-var 1e-6'),
    );
  }
  return value;
}

function checkedMaximization(state: FitState, iteration: number): void {
  state.maximization();
  const problem = state.degeneracy();
  if (problem) throw new DataError(`at iteration ${iteration}, ${problem}`);
}

/**
 * EM with guarded SQUAREM (the "S3" step of Varadhan & Roland 2008). From θ0, whose E-step is
 * done, two EM steps give θ1 (E-step and M-step) and θ2 (its M-step only); with r = θ1 − θ0,
 * v = θ2 − 2θ1 + θ0 and α = −‖r‖/‖v‖, kept in [−stepMax, −1], the extrapolated point is
 * θ0 − 2αr + α²v, taken in the unconstrained parametrisation of ParameterVector, so weights
 * stay on the simplex and covariances positive definite. It is kept only when its parameters
 * pass the degeneracy checks and its log-likelihood is not below the plain EM step's (θ1's),
 * so the log-likelihood never falls; otherwise the fit goes on from θ2, exactly, and the cap
 * shrinks (it grows by 4 when a step at the cap is kept, up to 1024). The stopping rule is
 * the plain loop's, applied to every pair of plain EM steps (θ0 → θ1, and θ1 → θ2 when θ2 is
 * evaluated): the fit stops where a plain step gains no more than tol·|LL|, and, as in the
 * plain loop, returns the parameters of the M-step after the last E-step. Every E-step is
 * counted (`iterations`, against --max-iter) and traced, an extrapolated one included.
 */
function runAccelerated(state: FitState, params: FitParameters, objective: Objective, options: LoopOptions): LoopResult {
  const vector = new ParameterVector(params);
  const size = vector.size;
  const theta0 = new Float64Array(size);
  const theta1 = new Float64Array(size);
  const theta2 = new Float64Array(size);
  const plain = new ParameterSnapshot(params);
  let eSteps = 0;
  let extrapolations = 0;
  let accepted = 0;
  let stepMax = STEP_MAX_START;
  const degenerate = state.degeneracy();
  if (degenerate) throw new DataError(`the start is not usable: ${degenerate}`);
  const evaluate = (): number => {
    eSteps++;
    const value = checkedExpectation(state, objective, eSteps);
    options.onIteration?.(eSteps, value);
    return value;
  };
  const pack = (out: Float64Array): void => {
    if (!vector.pack(out)) throw new DataError(`at iteration ${eSteps}, a covariance is not positive definite`);
  };
  const done = (value: number, stop: StopReason): LoopResult => ({
    objective: value,
    iterations: eSteps,
    converged: stop === 'converged',
    stop,
    acceleration: { eSteps, extrapolations, accepted },
  });
  // After the E-step that gave `current`: whether the plain rule stops here (the M-step is then done).
  const stopsAt = (previous: number, current: number): StopReason | null => {
    if (!objective.hasConverged(previous, current, options.tol)) return null;
    checkedMaximization(state, eSteps);
    return objective.wentBack(previous, current) ? 'decrease' : 'converged';
  };
  let current = evaluate();
  for (;;) {
    // θ0, its E-step done (current): the plain steps to θ1 and θ2.
    pack(theta0);
    checkedMaximization(state, eSteps);
    if (eSteps >= options.maxIter) return done(current, 'max-iter');
    pack(theta1);
    const l1 = evaluate();
    let stop = stopsAt(current, l1);
    if (stop) return done(l1, stop);
    checkedMaximization(state, eSteps);
    if (eSteps >= options.maxIter) return done(l1, 'max-iter');
    pack(theta2);
    plain.save();
    // The step length from the two plain steps.
    let rr = 0;
    let vv = 0;
    for (let t = 0; t < size; t++) {
      const r = theta1[t] - theta0[t];
      const v = theta2[t] - 2 * theta1[t] + theta0[t];
      rr += r * r;
      vv += v * v;
    }
    let alpha = vv > 0 ? -Math.sqrt(rr / vv) : -1;
    if (!(alpha < -1)) alpha = -1;
    if (alpha < -stepMax) alpha = -stepMax;
    let kept = false;
    if (alpha < -1) {
      extrapolations++;
      for (let t = 0; t < size; t++) {
        const r = theta1[t] - theta0[t];
        const v = theta2[t] - 2 * theta1[t] + theta0[t];
        theta0[t] = theta0[t] - 2 * alpha * r + alpha * alpha * v;
      }
      vector.unpack(theta0);
      if (state.degeneracy() === null) {
        eSteps++;
        let value = NaN;
        try {
          value = state.expectation();
        } catch (error) {
          // A point the E-step cannot use (a covariance not positive definite in rounding) is a rejected step.
          if (!(error instanceof DataError)) throw error;
        }
        options.onIteration?.(eSteps, value);
        if (Number.isFinite(value) && value >= l1) {
          kept = true;
          current = value;
        }
      }
    }
    if (alpha === -stepMax) stepMax = kept || alpha === -1 ? Math.min(STEP_MAX_CAP, stepMax * STEP_FACTOR) : Math.max(STEP_MAX_START, stepMax / STEP_FACTOR);
    if (kept) accepted++;
    else {
      // θ2, the plain step, exactly: its E-step, judged by the plain rule against θ1.
      if (alpha < -1) plain.restore();
      if (eSteps >= options.maxIter) {
        // θ2 is an M-step's result, as the plain loop ends.
        if (alpha < -1) return done(l1, 'max-iter');
      }
      current = evaluate();
      stop = stopsAt(l1, current);
      if (stop) return done(current, stop);
    }
    if (eSteps >= options.maxIter) {
      checkedMaximization(state, eSteps);
      return done(current, 'max-iter');
    }
  }
}
