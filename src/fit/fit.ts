import type { Matrix } from '../core/matrix';
import { randomInit, type Initialisation } from '../core/init';
import { DataError, assertUnreachable } from '../core/errors';
import type { PreparedData } from '../models/data';
import { COST, LOG_LIKELIHOOD, type FitState, type ModelName, type Objective } from '../models/family';
import type { Mixture } from '../models/mixture';
import { SphericalState, type ChunkLayout, type ChunkRunner, type SphericalBuffers } from '../models/spherical';
import { KMeansState } from '../models/kmeans';
import { runLoop } from './em';
import { aic, bic } from './criteria';

/** Variance floor used on data with missing cells when none is given (the course's). */
export const MISSING_DATA_MIN_VAR = 0.25;

export interface FitOptions {
  readonly model: ModelName;
  readonly k: number;
  readonly seed: number;
  /** Undefined: the family's default (EM 1e-6 relative, k-means 1e-4 absolute). */
  readonly tol?: number;
  readonly maxIter: number;
  /** Undefined: 0.25 with missing cells, none on complete data. */
  readonly minVar?: number;
  readonly onIteration?: (iteration: number, objective: number) => void;
  /** Gaussian fits: run the E-step's row chunks elsewhere (worker threads); default here. */
  readonly runnerFor?: (layout: ChunkLayout, buffers: SphericalBuffers) => ChunkRunner;
}

interface FitCommon {
  readonly model: ModelName;
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

function minVarFor(data: PreparedData, options: FitOptions): number {
  return options.minVar ?? (data.missingIndex ? MISSING_DATA_MIN_VAR : 0);
}

function stateFor(model: ModelName, data: PreparedData, start: Mixture, minVar: number, options: FitOptions): FitState {
  switch (model) {
    case 'gaussian':
      return new SphericalState(data, start, { minVar }, options.runnerFor);
    case 'kmeans':
      return new KMeansState(data, start);
    default:
      return assertUnreachable(model);
  }
}

/** Log-likelihood of `mixture` on the data: one E-step. */
export function logLikelihoodOf(data: PreparedData, mixture: Mixture): number {
  return new SphericalState(data, mixture, { minVar: 0 }).expectation();
}

/** One fit from the numpy-parity random start. Failures come back as a FailedFit, never thrown. */
export function fitOne(matrix: Matrix, data: PreparedData, options: FitOptions): Fit {
  return fitFrom(data, randomInit(matrix, options.k, options.seed), options);
}

/** One fit from a given start (`options.k` must match it; `options.seed` is recorded). */
export function fitFrom(data: PreparedData, init: Initialisation, options: FitOptions): Fit {
  const { model, k, seed } = options;
  const initialRows = Array.from(init.rows);
  const objective = objectiveOf(model);
  const state = stateFor(model, data, init.mixture, minVarFor(data, options), options);
  const trace: number[] = [];
  try {
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
      k,
      seed,
      initialRows,
      trace,
      logLikelihood,
      ...(model === 'kmeans' ? { cost: loop.objective } : {}),
      iterations: loop.iterations,
      converged: loop.converged,
      bic: bic(logLikelihood, k, data.d, n),
      aic: aic(logLikelihood, k, data.d),
      mixture,
    };
  } catch (err) {
    if (!(err instanceof DataError)) throw err;
    return { model, k, seed, initialRows, trace, error: err.message };
  }
}
