import type { Matrix } from '../core/matrix';
import { randomInit, type InitMethod, type Initialisation } from '../core/init';
import { DataError, assertUnreachable } from '../core/errors';
import type { PreparedData } from '../models/data';
import { COST, LOG_LIKELIHOOD, type FitState, type ModelName, type Objective } from '../models/family';
import type { Covariance, Mixture } from '../models/mixture';
import { DiagState } from '../models/diag';
import { FullState } from '../models/full';
import { SphericalState } from '../models/spherical';
import type { KernelName, RunnerFactory } from '../models/chunk-kernel';
import { KMeansState } from '../models/kmeans';
import { runLoop, type StopReason } from './em';
import { aic, bic } from './criteria';

/**
 * The course's variance floor, for ratings on a 1–5 scale whose missing cells are
 * written as 0 (`--missing 0`). It is not applied by default to other data: see the
 * CLI's defaults.
 */
export const MISSING_DATA_MIN_VAR = 0.25;

export interface FitOptions {
  readonly model: ModelName;
  readonly k: number;
  readonly seed: number;
  /** Undefined: the family's default (EM 1e-6 relative, k-means 1e-4 absolute). */
  readonly tol?: number;
  readonly maxIter: number;
  /** Floor on every variance (full: every eigenvalue); undefined: none. */
  readonly minVar?: number;
  /** The Gaussian family; default spherical (the course's model). */
  readonly covariance?: Covariance;
  /** Added to the variances (the diagonal) after each M-step; default 0 for spherical, 1e-6 otherwise (scikit-learn's). */
  readonly regCovar?: number;
  /** How the start is drawn: random rows (default), k-means++ rows, or a k-means run from the random rows. */
  readonly init?: InitMethod | 'kmeans';
  /** A given start (a warm start from a saved model); overrides `init`. */
  readonly start?: Mixture;
  readonly onIteration?: (iteration: number, objective: number) => void;
  /** Gaussian fits: run the E-step's row chunks elsewhere (worker threads); default here. */
  readonly runnerFor?: RunnerFactory;
  /** Spherical and diag fits: the E-step kernel ('wasm' or 'js'; the same bits). Default: 'wasm' where available. */
  readonly kernel?: KernelName;
}

interface FitCommon {
  readonly model: ModelName;
  readonly covariance: Covariance;
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
  switch (model) {
    case 'gaussian':
      return LOG_LIKELIHOOD;
    case 'kmeans':
      return COST;
    default:
      return assertUnreachable(model);
  }
}


/** scikit-learn's reg_covar for diag and full; none for spherical, whose course model has none. */
export const DEFAULT_REG_COVAR = 1e-6;

export function regCovarFor(options: Pick<FitOptions, 'covariance' | 'regCovar'>): number {
  return options.regCovar ?? ((options.covariance ?? 'spherical') === 'spherical' ? 0 : DEFAULT_REG_COVAR);
}

function stateFor(model: ModelName, data: PreparedData, start: Mixture, minVar: number, options: FitOptions): FitState {
  const regCovar = regCovarFor(options);
  switch (model) {
    case 'gaussian':
      switch (start.covariance) {
        case 'spherical':
          return new SphericalState(data, start, { minVar, regCovar, kernel: options.kernel }, options.runnerFor);
        case 'diag':
          return new DiagState(data, start, { minVar, regCovar, kernel: options.kernel }, options.runnerFor);
        case 'full':
          return new FullState(data, start, { minVar, regCovar }, options.runnerFor);
        default:
          return assertUnreachable(start.covariance);
      }
    case 'kmeans':
      return new KMeansState(data, start);
    default:
      return assertUnreachable(model);
  }
}

/** Log-likelihood of `mixture` on the data: one E-step of its family, with no floor. */
export function logLikelihoodOf(data: PreparedData, mixture: Mixture): number {
  return stateFor('gaussian', data, mixture, 0, { model: 'gaussian', k: mixture.k, seed: 0, maxIter: 1, regCovar: 0 }).expectation();
}

/** One E-step with `mixture`, of its own family: the n×K posterior and each row's log-likelihood. */
export function expectationOf(data: PreparedData, mixture: Mixture): { posterior: Float64Array; rowLogLikelihood: Float64Array; logLikelihood: number } {
  if (mixture.covariance === 'spherical') {
    const state = new SphericalState(data, mixture, { minVar: 0, keepPosterior: true });
    const logLikelihood = state.expectation();
    return { posterior: state.posterior!, rowLogLikelihood: state.buffers.rowLogLikelihood!, logLikelihood };
  }
  if (mixture.covariance === 'diag') {
    const state = new DiagState(data, mixture, { minVar: 0, regCovar: 0, keepPosterior: true });
    const logLikelihood = state.expectation();
    return { posterior: state.posterior!, rowLogLikelihood: state.rowLogLikelihood!, logLikelihood };
  }
  const state = new FullState(data, mixture, { minVar: 0, regCovar: 0 });
  const logLikelihood = state.expectation();
  return { posterior: state.posterior, rowLogLikelihood: state.rowLogLikelihood, logLikelihood };
}

/** One fit from the numpy-parity random start. Failures come back as a FailedFit, never thrown. */
export function fitOne(matrix: Matrix, data: PreparedData, options: FitOptions): Fit {
  return fitFrom(data, startFor(matrix, data, options), options);
}

/** The starting mixture the options ask for. */
export function startFor(matrix: Matrix, data: PreparedData, options: FitOptions): Initialisation {
  if (options.start) return { mixture: options.start, rows: new Int32Array(0) };
  const covariance = options.model === 'kmeans' ? 'spherical' : options.covariance ?? 'spherical';
  const regCovar = regCovarFor({ ...options, covariance });
  const method = options.init === 'kmeans++' ? 'kmeans++' : 'random';
  const start = randomInit(matrix, options.k, options.seed, { covariance, regCovar, method });
  if (options.init !== 'kmeans' || options.model === 'kmeans') return start;
  // k-means from the random rows, then each component from its cluster.
  const kmeans = new KMeansState(data, randomInit(matrix, options.k, options.seed).mixture);
  runLoop(kmeans, COST, { tol: COST.defaultTol, maxIter: options.maxIter });
  return { rows: start.rows, mixture: kmeans.clusterMixture(covariance, regCovar, start.mixture) };
}

/** One fit from a given start (`options.k` must match it; `options.seed` is recorded). */
export function fitFrom(data: PreparedData, init: Initialisation, options: FitOptions): Fit {
  const { model, k, seed } = options;
  const initialRows = Array.from(init.rows);
  const objective = objectiveOf(model);
  const trace: number[] = [];
  try {
    const state = stateFor(model, data, init.mixture, options.minVar ?? 0, options);
    const loop = runLoop(state, objective, {
      tol: options.tol ?? objective.defaultTol,
      maxIter: options.maxIter,
      onIteration: (iteration, value) => {
        trace.push(value);
        options.onIteration?.(iteration, value);
      },
    });
    const mixture = state.mixture();
    const logLikelihood = model === 'gaussian' ? loop.objective : logLikelihoodOf(data, mixture);
    if (!Number.isFinite(logLikelihood)) {
      const zero = Array.from(mixture.var).findIndex((v) => v === 0);
      throw new DataError(
        zero >= 0
          ? `cluster ${zero + 1} has zero variance (it holds a single distinct point), so its Gaussian log-likelihood is unbounded`
          : `the log-likelihood of the fitted mixture is ${logLikelihood}`,
      );
    }
    const n = data.n;
    return {
      model,
      covariance: init.mixture.covariance,
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
      bic: bic(logLikelihood, k, data.d, n, init.mixture.covariance),
      aic: aic(logLikelihood, k, data.d, init.mixture.covariance),
      mixture,
    };
  } catch (err) {
    if (!(err instanceof DataError)) throw err;
    return { model, covariance: init.mixture.covariance, k, seed, initialRows, trace, error: err.message };
  }
}
