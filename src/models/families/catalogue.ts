import type { Covariance } from './types';

/**
 * What help texts and defaults need of each family, without its kernels and states: the
 * CLI's start-up (`--help`, option parsing) loads only this file. The family records
 * (spherical.ts, diag.ts, full.ts) take these fields from here.
 */
export interface FamilyEntry {
  readonly name: Covariance;
  /** mclust's name of the model. */
  readonly mclust: string;
  readonly sklearn: string;
  /** What a component's covariance is, in a few words. */
  readonly summary: string;
  readonly isotropic: boolean;
  /** The default of --reg-covar where there are no column variances to judge by (rating triplets): an absolute number. On tables it is 0, and --cov-floor holds the covariances. */
  readonly defaultRegCovar: number;
  /** The default of --cov-floor on tables: each component's covariance ⪰ this × diag(the columns' variances) (0: none). */
  readonly defaultCovFloor: number;
}

/** scikit-learn's reg_covar. */
const REG_COVAR = 1e-6;
/** The floor on tables, relative to each column's variance: the scale of scikit-learn's reg_covar on standardised columns. */
const COV_FLOOR = 1e-6;

export const CATALOGUE: { readonly [F in Covariance]: FamilyEntry & { readonly name: F } } = {
  // The course's model has no regularisation.
  spherical: { name: 'spherical', mclust: 'VII', sklearn: 'spherical', summary: 'var·I, the course model', isotropic: true, defaultRegCovar: 0, defaultCovFloor: 0 },
  diag: { name: 'diag', mclust: 'VVI', sklearn: 'diag', summary: 'diag(var_1 … var_d)', isotropic: false, defaultRegCovar: REG_COVAR, defaultCovFloor: COV_FLOOR },
  full: { name: 'full', mclust: 'VVV', sklearn: 'full', summary: 'any positive definite Σ', isotropic: false, defaultRegCovar: REG_COVAR, defaultCovFloor: COV_FLOOR },
};

/** The families' names, in the order help texts list them. */
export const COVARIANCE_NAMES = Object.keys(CATALOGUE) as Covariance[];

/** The family of a fit when none is asked for: the course's. */
export const DEFAULT_COVARIANCE: Covariance = 'spherical';
