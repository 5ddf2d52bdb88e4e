import { DataError } from '../core/errors';
import type { RegCovar } from '../models/families/reg';
import type { PreparedData } from '../models/data';
import { COST, LOG_LIKELIHOOD, type FitState, type ModelName, type Objective } from '../models/fit-state';
import type { Mixture } from '../models/mixture';
import { DEFAULT_COVARIANCE, expectationOf, family, familyOf, KMEANS_COVARIANCE, sparseFamily, type Covariance } from '../models/families';
import { denseData, type FitData, type KernelName, type RunnerFactory } from '../models/kernels/layout';
import type { Initialisation, InitMethod } from '../models/start';
import { KMeansState } from '../models/kmeans';
import { runLoop, type Acceleration, type StopReason } from './em';
import { aic, bic } from './criteria';

/**
 * The course's variance floor, for ratings on a 1–5 scale whose missing cells are
 * written as 0 (`--missing 0`). It is not applied by default to other data: the
 * application's defaults decide (see app/defaults.ts).
 */
export { MISSING_DATA_MIN_VAR } from './constants';

/**
 * How a start is drawn: random rows (numpy's), k-means++ rows, a k-means run from the random
 * rows, or mclust's hierarchical classes (hc: deterministic, so one fit per K whatever the seeds).
 */
export type StartMethod = InitMethod | 'kmeans' | 'hc';

export interface FitOptions {
  readonly model: ModelName;
  readonly k: number;
  readonly seed: number;
  /** Undefined: the objective's default (EM 1e-6 relative, k-means 1e-4 absolute). */
  readonly tol?: number;
  readonly maxIter: number;
  /** Floor on every variance (full: every eigenvalue); undefined: none. */
  readonly minVar?: number;
  /** The Gaussian family; default spherical (the course's model). */
  readonly covariance?: Covariance;
  /** Added to the variances (the diagonal) after each M-step and to the start, as scikit-learn's reg_covar; undefined: 0 on tables (with columnVariances), else the family's absolute default (1e-6 for diag and full). */
  readonly regCovar?: number;
  /** --cov-floor, diag and full on tables: each covariance ⪰ this × diag(columnVariances) after each M-step and at the start; undefined: the family's default (1e-6) unless regCovar is given (then none), 0: none. */
  readonly covFloor?: number;
  /**
   * Each column's variance (of a table), which --cov-floor is relative to, so that a column's
   * units do not change the fit. Undefined (rating triplets): no floor, and the default
   * --reg-covar is the family's absolute one (scikit-learn's 1e-6).
   */
  readonly columnVariances?: Float64Array;
  /** How the start is drawn (default random). */
  readonly init?: StartMethod;
  /** A given start (a warm start from a saved model); overrides `init`. */
  readonly start?: Mixture;
  readonly onIteration?: (iteration: number, objective: number) => void;
  /** Run the E-step's row chunks elsewhere (worker threads); default here. */
  readonly runnerFor?: RunnerFactory;
  /** The kernels ('wasm' or 'js'; the same bits). Default: 'wasm' where available. */
  readonly kernel?: KernelName;
  /** Rating rows: λ of the means' MAP estimate (see FamilyOptions.meanPrior); default 0. */
  readonly meanPrior?: number;
  /** Gaussian fits: guarded SQUAREM between E-steps (fit/em.ts); default plain EM, the course's. */
  readonly accelerate?: boolean;
}

interface FitCommon {
  readonly model: ModelName;
  readonly covariance: Covariance;
  /** How its start was drawn ('model': a given start, a warm start from a saved model). */
  readonly init: StartMethod | 'model';
  readonly k: number;
  readonly seed: number;
  /** The rows of the input whose values became the initial means. */
  readonly initialRows: number[];
  readonly trace: number[];
}

export interface SuccessfulFit extends FitCommon {
  readonly error?: undefined;
  /** Gaussian: the LL of the last E-step. k-means: the LL of its mixture read as a spherical GMM. */
  readonly logLikelihood: number;
  /** k-means only: Σ squared distance to the assigned means, at the last E-step. */
  readonly cost?: number;
  readonly iterations: number;
  readonly converged: boolean;
  /** Why it stopped: the tolerance was met, a decrease of the objective larger than rounding, or --max-iter. */
  readonly stop: StopReason;
  /** How many variances (full: eigenvalues) the floor held up at the last M-step. */
  readonly flooredVariances: number;
  /** With --accelerate: E-steps used, extrapolations tried and kept. */
  readonly acceleration?: Acceleration;
  readonly bic: number;
  readonly aic: number;
  readonly mixture: Mixture;
}

export interface FailedFit extends FitCommon {
  readonly error: string;
}

export type Fit = SuccessfulFit | FailedFit;

export function isSuccessful(fit: Fit): fit is SuccessfulFit {
  return fit.error === undefined;
}

function objectiveOf(model: ModelName): Objective {
  return model === 'kmeans' ? COST : LOG_LIKELIHOOD;
}

/** The --reg-covar in force: the one given, else 0 on a table (--cov-floor does its work), else the family's absolute default (0 for spherical, 1e-6 for diag and full). */
export function regCovarFor(options: Pick<FitOptions, 'covariance' | 'regCovar' | 'columnVariances'>): RegCovar {
  if (options.regCovar !== undefined) return options.regCovar;
  return options.columnVariances ? 0 : family(options.covariance ?? DEFAULT_COVARIANCE).defaultRegCovar;
}

/**
 * The --cov-floor in force, per column: its factor times each column's variance. The factor
 * is the one given, else the family's default, unless a --reg-covar is given: then that ridge
 * alone, as scikit-learn's reg_covar (so --reg-covar 1e-6 is scikit-learn's model, and
 * --reg-covar 0 no regularisation at all). Undefined for spherical, without column variances,
 * or at 0.
 */
export function covFloorFor(options: Pick<FitOptions, 'covariance' | 'covFloor' | 'regCovar' | 'columnVariances'>): Float64Array | undefined {
  const f = family(options.covariance ?? DEFAULT_COVARIANCE);
  const factor = options.covFloor ?? (options.regCovar !== undefined ? 0 : f.defaultCovFloor);
  if (f.isotropic || !(factor > 0) || !options.columnVariances) return undefined;
  const floor = options.columnVariances.map((v) => factor * v);
  if (!floor.every(Number.isFinite)) throw new DataError(`--cov-floor ${factor} times the columns' variances is not a finite number; give a smaller one`);
  return floor;
}

/** The family a fit's start and state come from: a warm start's, else the one asked for; k-means reads its clusters as spherical. */
export function covarianceOf(options: Pick<FitOptions, 'model' | 'covariance' | 'start'>): Covariance {
  if (options.start) return options.start.covariance.family;
  return options.model === 'kmeans' ? KMEANS_COVARIANCE : options.covariance ?? DEFAULT_COVARIANCE;
}

/**
 * The log-likelihood of `mixture` on the data: one E-step of its family, with no floor. With
 * `runnerFor` (a fit's worker threads) its chunks are shared out; the chunks' sums are added in
 * chunk order, so the number is the same.
 */
export function logLikelihoodOf(data: PreparedData, mixture: Mixture, runnerFor?: RunnerFactory, kernel?: KernelName): number {
  if (!runnerFor) return expectationOf(data, mixture).logLikelihood;
  return familyOf(mixture.covariance).state(data, mixture, { minVar: 0, kernel }, runnerFor).expectation();
}

/** One fit from a given start (`options.k` must match it; `options.seed` is recorded). Failures come back as a FailedFit, never thrown. */
export function fitFrom(data: FitData, init: Initialisation, options: FitOptions): Fit {
  const { model, k, seed } = options;
  const covariance = init.mixture.covariance.family;
  const start: StartMethod | 'model' = options.start ? 'model' : options.init ?? 'random';
  const initialRows = Array.from(init.rows);
  const objective = objectiveOf(model);
  const trace: number[] = [];
  try {
    const familyOptions = { minVar: options.minVar ?? 0, regCovar: regCovarFor({ ...options, covariance }), covFloor: covFloorFor({ ...options, covariance }), kernel: options.kernel, meanPrior: options.meanPrior };
    const state =
      model === 'kmeans'
        ? new KMeansState(denseData(data), init.mixture, { kernel: options.kernel }, options.runnerFor)
        : data.kind === 'dense'
          ? family(covariance).state(data, init.mixture, familyOptions, options.runnerFor)
          : sparseFamily(covariance).state(data, init.mixture, familyOptions, options.runnerFor);
    const loop = runLoop(state, objective, {
      tol: options.tol ?? objective.defaultTol,
      maxIter: options.maxIter,
      accelerate: options.accelerate === true && model === 'gaussian',
      onIteration: (iteration, value) => {
        trace.push(value);
        options.onIteration?.(iteration, value);
      },
    });
    const mixture = state.mixture();
    const logLikelihood = model === 'gaussian' ? ((state as FitState).logLikelihood?.() ?? loop.objective) : logLikelihoodOf(denseData(data), mixture, options.runnerFor, options.kernel);
    if (!Number.isFinite(logLikelihood)) {
      const zero = Array.from(familyOf(mixture.covariance).variancesOf(mixture.covariance, mixture.k, mixture.d)).findIndex((v) => v === 0);
      throw new DataError(
        zero >= 0
          ? `cluster ${zero + 1} has zero variance (it holds a single distinct point), so its Gaussian log-likelihood is unbounded`
          : `the log-likelihood of the fitted mixture is ${logLikelihood}`,
      );
    }
    return {
      model,
      covariance,
      init: start,
      k,
      seed,
      initialRows,
      trace,
      logLikelihood,
      ...(model === 'kmeans' ? { cost: loop.objective } : {}),
      iterations: loop.iterations,
      converged: loop.converged,
      stop: loop.stop,
      flooredVariances: state.flooredVariances,
      ...(loop.acceleration ? { acceleration: loop.acceleration } : {}),
      bic: bic(logLikelihood, k, data.d, data.n, covariance),
      aic: aic(logLikelihood, k, data.d, covariance),
      mixture,
    };
  } catch (err) {
    if (!(err instanceof DataError)) throw err;
    return { model, covariance, init: start, k, seed, initialRows, trace, error: err.message };
  }
}
