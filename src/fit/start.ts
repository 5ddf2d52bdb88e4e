import { COST } from '../models/fit-state';
import { family } from '../models/families';
import { KMeansState } from '../models/kmeans';
import { partitionInit, randomInit, sparseRandomInit, type Initialisation } from '../models/start';
import { startPartitions } from '../models/hc-start';
import { floorStart } from '../models/families/cov-floor';
import { runLoop } from './em';
import { covarianceOf, covFloorFor, fitFrom, regCovarFor, type Fit, type FitOptions } from './fit';
import type { FitSource } from './source';

/**
 * The start a fit's options ask for: a given mixture (a warm start), rows drawn as
 * numpy does or by k-means++, or k-means (the course's) from the random rows with
 * each component then made from its cluster.
 */
export function startFor(source: FitSource, options: FitOptions): Initialisation {
  if (options.start) return { mixture: options.start, rows: new Int32Array(0) };
  const covariance = covarianceOf(options);
  const regCovar = regCovarFor({ ...options, covariance });
  // Rating rows: the course's random rows, zero-filled (the other starts need dense rows).
  if (source.kind === 'sparse') return sparseRandomInit(source.data, options.k, options.seed, { covariance, regCovar });
  const floor = options.model === 'kmeans' ? undefined : covFloorFor({ ...options, covariance });
  const floored = (start: Initialisation): Initialisation => (floor ? { rows: start.rows, mixture: floorStart(start.mixture, floor) } : start);
  const { matrix, data } = source;
  if (options.init === 'hc') {
    // One hierarchy per sweep, built when the first hc start is drawn.
    const partitions = (source.memo.partitions ??= startPartitions(matrix));
    return floored(partitionInit(matrix, data, partitions.partition(options.k), options.k, { covariance, regCovar }));
  }
  const method = options.init === 'kmeans++' ? 'kmeans++' : 'random';
  const start = randomInit(matrix, options.k, options.seed, { covariance, regCovar, method });
  if (options.init !== 'kmeans' || options.model === 'kmeans') return floored(start);
  const kmeans = new KMeansState(data, randomInit(matrix, options.k, options.seed).mixture, { kernel: options.kernel });
  runLoop(kmeans, COST, { tol: COST.defaultTol, maxIter: options.maxIter });
  return floored({ rows: start.rows, mixture: kmeans.clusterMixture(family(covariance), regCovar, start.mixture) });
}

/** One fit from the start its options ask for (the numpy-identical random rows by default). Failures come back as a FailedFit, never thrown. */
export function fitOne(source: FitSource, options: FitOptions): Fit {
  return fitFrom(source.data, startFor(source, options), options);
}
