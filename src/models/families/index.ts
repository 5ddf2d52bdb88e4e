import { DIAG } from './diag';
import { FULL } from './full';
import { SPHERICAL } from './spherical';
import type { Covariance, Covariances, Expectation, Family, SparseFamily } from './types';
import type { PreparedData } from '../data';
import type { Mixture } from '../mixture';
import type { FitData, KernelFactory } from '../kernels/layout';
import { kmeansKernel } from '../kernels/kmeans';

export type { Covariance, Covariances, DiagCovariance, Expectation, Family, FamilyOptions, FullCovariance, SparseFamily, SphericalCovariance } from './types';

/** The covariance families by name: everything that differs between them is in their records. */
export const FAMILIES: { readonly [F in Covariance]: Family<Extract<Covariances, { family: F }>> } = {
  spherical: SPHERICAL,
  diag: DIAG,
  full: FULL,
};

import { COVARIANCE_NAMES, DEFAULT_COVARIANCE } from './catalogue';

export { COVARIANCE_NAMES, DEFAULT_COVARIANCE };

/** k-means clusters read as a Gaussian mixture: spherical, var_j the cluster's mean squared distance per column. */
export const KMEANS_COVARIANCE: Covariance = SPHERICAL.name;

/** The record of a family, by name. */
export function family(name: Covariance): Family {
  return FAMILIES[name] as unknown as Family;
}

/** The record of the family these covariances belong to, typed for them. */
export function familyOf<C extends Covariances>(c: C): Family<C> {
  return FAMILIES[c.family] as unknown as Family<C>;
}

/** Free parameters of K components in d dimensions: K·d means, the covariances' own and K−1 weights. */
export function freeParameters(k: number, d: number, covariance: Covariance = DEFAULT_COVARIANCE): number {
  return k * d + k * family(covariance).covarianceParameters(d) + (k - 1);
}

/** One E-step with `mixture`, of its own family and with no floor: the n×K posterior and each row's log-likelihood. */
export function expectationOf(data: PreparedData, mixture: Mixture): Expectation {
  return familyOf(mixture.covariance).expectation(data, mixture);
}

/** How family `name` runs on sparse rating rows (checked beforehand: a family without it is a usage error). */
export function sparseFamily(name: Covariance): SparseFamily {
  const record = family(name).sparse;
  if (!record) throw new Error(`internal: the ${name} family does not run on rating rows`);
  return record;
}

/** The chunk kernel of a job of family `name` ('kmeans': a k-means fit's) on this data: the family's dense kernel, or its sparse one for rating rows. */
export function kernelOf(name: Covariance | 'kmeans', data: FitData): KernelFactory {
  if (name === 'kmeans') return kmeansKernel;
  return data.kind === 'dense' ? family(name).kernel : sparseFamily(name).kernel;
}
