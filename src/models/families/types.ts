import type { Matrix } from '../../core/matrix';
import type { RegCovar } from './reg';
import type { PreparedData } from '../data';
import type { FitState } from '../fit-state';
import type { KernelFactory, KernelName, RunnerFactory } from '../kernels/layout';
import type { Mixture } from '../mixture';
import type { SparseData } from '../sparse';

/** The covariance families (mclust: VII, VVI, VVV). */
export type Covariance = 'spherical' | 'diag' | 'full';

/** Spherical: component j's covariance is variances[j]·I (K numbers). */
export interface SphericalCovariance {
  readonly family: 'spherical';
  readonly variances: Float64Array;
}

/** Diag: component j's covariance is diag(variances[j·d .. j·d + d)) (K×d numbers). */
export interface DiagCovariance {
  readonly family: 'diag';
  readonly variances: Float64Array;
}

/** Full: component j's covariance is the d×d matrix matrices[j·d² ..], row-major (K×d×d numbers). */
export interface FullCovariance {
  readonly family: 'full';
  readonly matrices: Float64Array;
}

/** A mixture's covariances, tagged with their family. */
export type Covariances = SphericalCovariance | DiagCovariance | FullCovariance;

/** How a family's EM runs: its floor, its regularisation, what it keeps, and which kernel. */
export interface FamilyOptions {
  /** Floor on every variance (full: every eigenvalue) after an M-step (0 = none). */
  readonly minVar: number;
  /** Added to every variance (the diagonal) after an M-step, as scikit-learn's reg_covar (one, or one per column); default: the family's. */
  readonly regCovar?: RegCovar;
  /**
   * --cov-floor per column (its factor times each column's variance), diag and full only:
   * after each M-step a diag variance is at least its column's number, and a full covariance
   * Σ ⪰ diag(covFloor) (the exact M-step under that constraint). Undefined: none.
   */
  readonly covFloor?: Float64Array;
  /** Keep the whole n×K posterior of the last E-step and each row's log-likelihood (for filling, predicting, scoring). */
  readonly keepPosterior?: boolean;
  /** Which E-step kernel runs the chunks here: 'wasm' (SIMD) or 'js' (the TypeScript reference); the same bits either way. */
  readonly kernel?: KernelName;
  /**
   * Sparse rating rows only: λ ≥ 0 of the means' MAP estimate, mu_ji = Σ post·x / (Σ post·δ + λ),
   * which shrinks an item's mean toward 0 (the baseline, for residuals) when it has few ratings. 0: the plain M-step.
   */
  readonly meanPrior?: number;
}

/** What the sparse start reads of the rows: n users over d items, and each item's Σx and Σx² (which add up over shards of the users). */
export type ItemSums = Pick<SparseData, 'n' | 'd' | 'columnSum' | 'columnSquares'>;

/** How a family runs on sparse rating rows (--ratings), in O(nnz·K) per iteration. */
export interface SparseFamily<C extends Covariances = Covariances> {
  /**
   * The course's start on the rows zero-filled, from sums in O(nnz + K·d): each component's
   * spread around its mean `mu` (K×d) over all n rows, the unrated cells read as 0, plus `reg`.
   */
  startCovariances(data: ItemSums, mu: Float64Array, k: number, reg: RegCovar): C;
  state(data: SparseData, start: Mixture, options: FamilyOptions, runnerFor?: RunnerFactory): FitState;
  readonly kernel: KernelFactory;
  /** One E-step under `mixture`, with no floor: each user's posterior (n×K) and log-likelihood. */
  expectation(data: SparseData, mixture: Mixture): Expectation;
}

/** One E-step's results over the whole data. */
export interface Expectation {
  /** n×K, row-major. */
  readonly posterior: Float64Array;
  readonly rowLogLikelihood: Float64Array;
  readonly logLikelihood: number;
}

/**
 * A covariance family as data: everything the rest of gmm-fit needs to know about
 * it, behind one signature. Adding a family is one file with one of these, plus
 * its entry in FAMILIES.
 */
export interface Family<C extends Covariances = Covariances> {
  readonly name: C['family'];
  /** mclust's name for the model. */
  readonly mclust: string;
  /** scikit-learn's covariance_type. */
  readonly sklearn: string;
  /** What a component's covariance is, for help texts. */
  readonly summary: string;
  /** One variance for every column: it cannot follow columns of very different scales. */
  readonly isotropic: boolean;
  /** The default of --reg-covar without column variances to judge by (rating triplets), absolute; on tables it is 0. */
  readonly defaultRegCovar: number;
  /** The default of --cov-floor on tables, relative to each column's variance (0: none). */
  readonly defaultCovFloor: number;
  /** The covariance's free parameters per component. */
  covarianceParameters(d: number): number;
  /** Each component's covariance in a start: its spread around its mean over all rows (missing cells as 0), plus `reg`. */
  startCovariances(m: Matrix, mu: Float64Array, k: number, reg: RegCovar): C;
  /**
   * The same start from the data's spread alone: n rows with column means `center` and
   * `scatter`, Σ_u (x_ui − center_i)² per column (missing cells as 0), which add up over
   * shards of the rows (gmm-fit start). Absent for a family whose start needs the whole
   * scatter matrix (full).
   */
  startCovariancesFromScatter?(n: number, center: Float64Array, scatter: Float64Array, mu: Float64Array, k: number, reg: RegCovar): C;
  /**
   * Whether startCovariancesFromScatter takes the whole scatter matrix (d×d, lower triangle
   * filled: full) rather than one number per column; such a family runs over shards of
   * complete tables only (its expected scatter with missing cells needs per-pattern terms).
   */
  readonly startScatterMatrix?: boolean;
  /**
   * A start from k-means clusters: each cluster's spread around its centred mean
   * `mu`, plus `reg`; a cluster with fewer than two distinct rows keeps `fallback`'s.
   */
  clusterCovariances(data: PreparedData, label: Int32Array, mu: Float64Array, k: number, reg: RegCovar, fallback: C): C;
  /** Refuses, before anything is allocated, a fit with K components that would not fit in memory (a DataError). */
  checkSize(m: Matrix, k: number): void;
  /** An EM fit in progress from `start` (whose covariances are of this family). */
  state(data: PreparedData, start: Mixture, options: FamilyOptions, runnerFor?: RunnerFactory): FitState;
  /** The chunk kernel of a fit of this family (also in worker threads, from the job they are sent). */
  readonly kernel: KernelFactory;
  /** Its EM on sparse rating rows; absent when the family cannot run on them (full: an item pair's covariance needs both rated). */
  readonly sparse?: SparseFamily<C>;
  /** One E-step under `mixture`, with no floor: the posterior and each row's log-likelihood. */
  expectation(data: PreparedData, mixture: Mixture): Expectation;
  /**
   * The matrix completed: each missing cell gets its expected value given the row's observed
   * cells, Σ_j post(j|u)·E[x | x_o, j]; observed cells are copied from `original`.
   */
  completed(data: PreparedData, mixture: Mixture, original: Float64Array): Float64Array;
  /** The key of the covariances in a JSON `mixture` object: `var` (K numbers or K×d) or `covariance` (K d×d matrices). */
  readonly jsonKey: 'var' | 'covariance';
  /** The covariances as nested arrays, under jsonKey. */
  toJson(c: C, k: number, d: number): unknown;
  /** How many numbers a component's covariance has (1, d or d²). */
  valuesPerComponent(d: number): number;
  /** The covariances from their numbers, flat, K × valuesPerComponent (checked for count by the caller). */
  fromValues(values: Float64Array): C;
  /** Every variance a reader must check is > 0 (the diagonal, for full). */
  variancesOf(c: C, k: number, d: number): Float64Array;
  /** Component j's covariance restricted to columns i and l: [var_i, cov_il, var_l]. */
  marginal(c: C, j: number, i: number, l: number, d: number): [number, number, number];
  /** Component j's variances for a table: one number (spherical) or one per column. */
  componentVariances(c: C, j: number, d: number): number | Float64Array;
  /**
   * The covariances of the data with column i multiplied by scale[i] (D·Σ·D, D = diag(scale)):
   * how a fit in standardised units reads in the data's units. A spherical covariance then
   * becomes diagonal, so the result may be of another family.
   */
  rescaled(c: C, k: number, d: number, scale: Float64Array): Covariances;
  /** The heading of that column in the component table. */
  readonly varianceHeading: string;
  /**
   * A draw's offset from component j's mean: mu + A_j·z, with A_j the square root of the
   * covariance (√var·I, diag(√var), the Cholesky factor), written into out[o..o+d).
   * Returns null when the covariance has no square root (not positive definite).
   */
  sampler(c: C, k: number, d: number): ((j: number, mu: Float64Array, z: Float64Array, out: Float64Array, o: number) => void) | null;
}
