import type { Matrix } from '../core/matrix';
import type { PreparedData } from '../models/data';
import { COST } from '../models/fit-state';
import { family } from '../models/families';
import { KMeansState } from '../models/kmeans';
import { randomInit, type Initialisation } from '../models/start';
import { runLoop } from './em';
import { covarianceOf, fitFrom, regCovarFor, type Fit, type FitOptions } from './fit';

/**
 * The start a fit's options ask for: a given mixture (a warm start), rows drawn as
 * numpy does or by k-means++, or k-means (the course's) from the random rows with
 * each component then made from its cluster.
 */
export function startFor(matrix: Matrix, data: PreparedData, options: FitOptions): Initialisation {
  if (options.start) return { mixture: options.start, rows: new Int32Array(0) };
  const covariance = covarianceOf(options);
  const regCovar = regCovarFor({ ...options, covariance });
  const method = options.init === 'kmeans++' ? 'kmeans++' : 'random';
  const start = randomInit(matrix, options.k, options.seed, { covariance, regCovar, method });
  if (options.init !== 'kmeans' || options.model === 'kmeans') return start;
  const kmeans = new KMeansState(data, randomInit(matrix, options.k, options.seed).mixture);
  runLoop(kmeans, COST, { tol: COST.defaultTol, maxIter: options.maxIter });
  return { rows: start.rows, mixture: kmeans.clusterMixture(family(covariance), regCovar, start.mixture) };
}

/** One fit from the start its options ask for (the numpy-identical random rows by default). Failures come back as a FailedFit, never thrown. */
export function fitOne(matrix: Matrix, data: PreparedData, options: FitOptions): Fit {
  return fitFrom(data, startFor(matrix, data, options), options);
}
