import { availableParallelism } from 'os';
import { DataError, UsageError } from '../core/errors';
import { missingCount } from '../core/matrix';
import { family, type Covariance } from '../models/families';
import type { Mixture } from '../models/mixture';
import { COST, LOG_LIKELIHOOD, type ModelName } from '../models/fit-state';
import type { KernelName } from '../models/kernels/layout';
import { wasmKernelAvailable } from '../models/kernels/wasm';
import type { Criterion } from '../fit/criteria';
import { covFloorFor, isSuccessful, regCovarFor, type Fit, type StartMethod } from '../fit/fit';
import { HC_MAX_ROWS } from '../models/hc';
import { runSweep } from '../fit/run';
import type { SweepResult } from '../fit/sweep';
import { DEFAULTS, defaultKs, defaultMinVar } from './defaults';
import type { NamedTable } from './table';
import { warner, type Warning } from './warnings';
import { everyFitFailed, warnAboutFits } from './fit-warnings';
import { logJacobian, resultInDataUnits, scaleRatio, columnVariances, standardization, standardize, type Standardization } from './standardize';

/** What to fit, as the library takes it; every field has a default (see DEFAULTS). */
export interface FitRequest {
  /** 'gaussian' (EM) or 'kmeans'. */
  readonly model?: ModelName;
  /** One family, or several to sweep (mclust's way: the best family and K are selected together). */
  readonly covariance?: Covariance | readonly Covariance[];
  /** Numbers of components; default 1..4, capped at the row count. */
  readonly k?: readonly number[];
  readonly seeds?: readonly number[];
  /**
   * How each fit starts; 'all' tries random, kmeans++, kmeans and hc for each seed (those the
   * data allow: kmeans and hc need complete data, hc at most 5000 rows) and keeps the best LL per K.
   */
  readonly init?: StartMethod | 'all';
  /** A warm start (a saved model's mixture): its family and K are used, and the sweep is that one fit. */
  readonly start?: Mixture;
  /** What the warm start is called in messages (its file). */
  readonly startName?: string;
  readonly tol?: number;
  readonly maxIter?: number;
  readonly minVar?: number;
  readonly regCovar?: number;
  /** --cov-floor's factor (diag and full); default the family's, 1e-6. */
  readonly covFloor?: number;
  /** Guarded SQUAREM between EM steps (Gaussian fits); default plain EM. */
  readonly accelerate?: boolean;
  readonly criterion?: Criterion;
  /** At most this many threads; default and cap: the number of cores. */
  readonly jobs?: number;
  readonly kernel?: KernelName;
  /** How many cores to assume (default: the machine's). */
  readonly cores?: number;
  readonly onIteration?: (k: number, seed: number, iteration: number, objective: number) => void;
  readonly onFit?: (fit: Fit, done: number, total: number) => void;
  /** Called with each warning as it arises (all of them are also in the outcome). */
  readonly onWarning?: (warning: Warning) => void;
  /**
   * Fit in standardised units (each column centred and divided by its standard deviation),
   * reporting everything in the data's units; or a given transform (a saved model's).
   */
  readonly standardize?: boolean | Standardization;
  /** Thresholds of the executors' plan (tests lower them). */
  readonly minParallelWork?: number;
  readonly minRowSplitWork?: number;
}

/** The settings a fit ran with, every default resolved (recorded in the model document). */
export interface FitSettings {
  readonly model: ModelName;
  /** The family of the selected fit. */
  readonly covariance: Covariance;
  /** Every family swept, when there were several. */
  readonly covariances?: readonly Covariance[];
  /** The numbers of components fitted. */
  readonly k: readonly number[];
  readonly seeds: readonly number[];
  readonly init: StartMethod | 'all' | 'model';
  readonly tol: number;
  readonly maxIter: number;
  readonly minVar: number;
  /** One number (0 by default on tables). */
  readonly regCovar: number | readonly number[];
  /** --cov-floor per column (its factor × each column's variance), where the selected family has one. */
  readonly covFloor?: readonly number[];
  readonly accelerate?: boolean;
  readonly standardize?: boolean;
  readonly criterion: Criterion;
  readonly jobs: number;
}

type Selected = SweepResult & { readonly selected: NonNullable<SweepResult['selected']> };

/** --cov-floor as a model records it: the column's numbers, or nothing where none held. */
function covFloorRecord(floor: Float64Array | undefined): { covFloor?: number[] } {
  return floor ? { covFloor: Array.from(floor) } : {};
}

/** --reg-covar as a model records it: the number, or the column's numbers. */
function recorded(reg: number | Float64Array): number | number[] {
  return typeof reg === 'number' ? reg : Array.from(reg);
}

/** A sweep's outcome: the table it ran on, every fit and the selection, the settings, and the warnings. */
export interface FitOutcome {
  readonly table: NamedTable;
  /** In the data's units. */
  readonly result: Selected;
  /** With --standardize: the transform, and the result as fitted, in standardised units (what a saved model keeps). */
  readonly standardization?: Standardization;
  readonly fitted: Selected;
  readonly settings: FitSettings;
  readonly warnings: readonly Warning[];
}


/**
 * Checks the request against the table, fits every (K, seed) pair, and selects K.
 * Throws a UsageError for a request the data cannot take (K above the row count,
 * k-means on data with missing cells, a warm start of another shape) and a
 * DataError when there is nothing to fit or every fit failed; anything else that
 * went wrong with a fit is a warning.
 */
export async function fitTable(table: NamedTable, request: FitRequest = {}): Promise<FitOutcome> {
  const { matrix } = table;
  const source = table.source;
  const { warnings, warn } = warner(request.onWarning);
  const model = request.model ?? DEFAULTS.model;
  const start = request.start;
  const asked: readonly Covariance[] | undefined = request.covariance === undefined ? undefined : typeof request.covariance === 'string' ? [request.covariance] : request.covariance;
  const covariances: readonly Covariance[] = start ? [start.covariance.family] : asked && asked.length > 0 ? asked : [DEFAULTS.covariance];
  if (matrix.observed && missingCount(matrix) === matrix.rows * matrix.cols) {
    throw new DataError(`${source}: every cell is missing, so there is nothing to fit`);
  }
  const other = asked?.find((c) => c !== DEFAULTS.covariance);
  if (model === 'kmeans' && other !== undefined) {
    throw new UsageError(`--covariance ${asked!.join(',')} goes with --model gaussian; k-means clusters are spherical`);
  }
  if (request.kernel === 'wasm' && !wasmKernelAvailable()) {
    throw new UsageError('--kernel wasm: the WebAssembly kernel is not available here (not built, or this Node has no WebAssembly SIMD); use --kernel js');
  }
  if (model === 'kmeans' && matrix.observed) {
    throw new UsageError(`--model kmeans needs complete data, but ${source} has ${missingCount(matrix)} missing cells; use --model gaussian`);
  }
  if ((request.init === 'kmeans' || request.init === 'hc') && matrix.observed) {
    const what = request.init === 'kmeans' ? 'runs k-means' : 'builds a hierarchy of the rows';
    throw new UsageError(`--init ${request.init} ${what}, which needs complete data, but ${source} has ${missingCount(matrix)} missing cells; use --init random or kmeans++`);
  }
  if (request.init === 'hc' && matrix.rows > HC_MAX_ROWS) {
    throw new UsageError(`--init hc keeps a merge cost per pair of rows, so it takes at most ${HC_MAX_ROWS} rows; ${source} has ${matrix.rows}; use --init kmeans or random`);
  }
  let inits: StartMethod[] | undefined;
  if (request.init === 'all') {
    inits = ['random', 'kmeans++'];
    if (matrix.observed) warn('init', `--init all: ${source} has missing cells, so the kmeans and hc starts (which need complete data) are left out`);
    else {
      inits.push('kmeans');
      if (matrix.rows <= HC_MAX_ROWS) inits.push('hc');
      else warn('init', `--init all: the hc start takes at most ${HC_MAX_ROWS} rows, so it is left out for the ${matrix.rows} of ${source}`);
    }
  }
  let ks = request.k ?? defaultKs(matrix.rows);
  if (start) {
    const name = request.startName ?? 'the start';
    if (model === 'kmeans') throw new UsageError('--init FILE.json warm-starts a Gaussian fit, not --model kmeans');
    const startFamily = start.covariance.family;
    if (asked && (asked.length > 1 || (asked[0] !== DEFAULTS.covariance && asked[0] !== startFamily))) {
      throw new UsageError(`--covariance ${asked.join(',')} does not match the ${startFamily} model in ${name}`);
    }
    if (request.k && (request.k.length !== 1 || request.k[0] !== start.k)) {
      throw new UsageError(`--k ${request.k.join(',')} does not match the K=${start.k} of ${name}; leave --k out`);
    }
    if (start.d !== matrix.cols) throw new DataError(`${name}: not a usable model: its means have ${start.d} values, but the data has ${matrix.cols} columns`);
    if (start.k > matrix.rows) throw new UsageError(`${name} has K=${start.k}, more components than ${source} has rows (${matrix.rows})`);
    ks = [start.k];
  }
  const tooMany = ks.find((k) => k > matrix.rows);
  if (tooMany !== undefined) throw new UsageError(`--k ${tooMany} is more components than ${source} has rows (${matrix.rows})`);
  // A warm start is one fit: more seeds would only repeat it.
  const seeds = start ? (request.seeds ?? DEFAULTS.seeds).slice(0, 1) : request.seeds ?? DEFAULTS.seeds;
  const minVar = request.minVar ?? defaultMinVar(table.read.missing);
  const cores = request.cores ?? availableParallelism();
  if (request.jobs !== undefined && request.jobs > cores) warn('jobs', `--jobs ${request.jobs} is more than the ${cores} cores here; using ${cores}`);
  const jobs = Math.min(request.jobs ?? cores, cores);
  const maxIter = request.maxIter ?? DEFAULTS.maxIter;
  const criterion = request.criterion ?? DEFAULTS.criterion;
  const transform = typeof request.standardize === 'object' ? request.standardize : request.standardize ? standardization(matrix, table.columns, source) : undefined;
  if (!transform && covariances.some((c) => family(c).isotropic)) {
    const ratio = scaleRatio(matrix);
    if (ratio > 1000) warn('scale', `the columns' scales differ by ${ratio.toPrecision(2)}× (standard deviations), which a spherical family cannot follow; try --standardize or --covariance diag`);
  }

  // The columns' names travel with the data, so that messages can name a column.
  const fitMatrix = transform ? standardize(matrix, transform) : matrix;
  // --cov-floor is relative to each column's variance, so that a column's units do not change the fit
  // (and with the variances the fit knows it is on a table: no --reg-covar by default).
  const variances = covariances.some((c) => !family(c).isotropic) ? columnVariances(fitMatrix) : undefined;
  const fitted = await runSweep(
    { ...fitMatrix, columns: table.columns },
    {
      model,
      covariances,
      ks,
      seeds,
      init: request.init === 'all' ? undefined : request.init,
      inits,
      start,
      tol: request.tol,
      maxIter,
      minVar,
      regCovar: request.regCovar,
      covFloor: request.covFloor,
      columnVariances: variances,
      accelerate: request.accelerate,
      criterion,
      kernel: request.kernel,
      jobs,
      onIteration: request.onIteration,
      onFit: request.onFit,
      minParallelWork: request.minParallelWork,
      minRowSplitWork: request.minRowSplitWork,
    },
  );
  if (!fitted.selected) throw everyFitFailed(fitted.fits);
  const result = (transform ? resultInDataUnits(fitted, transform, logJacobian(matrix, transform)) : fitted) as Selected;
  const selected = result.selected;
  warnAboutFits(result.fits, warn, { maxIter, tol: request.tol, kmeans: model === 'kmeans' });
  const floored = result.fits.filter((f) => isSuccessful(f) && f.flooredVariances > 0).length;
  if (floored > 0 && minVar !== undefined) {
    const chosen = selected.flooredVariances;
    warn(
      'floor',
      `the variance floor ${minVar} (--min-var${request.minVar === undefined ? ", the course's default for --missing 0 ratings" : ''}) held up variances in ${floored} of ${result.fits.length} fits` +
        (chosen > 0 ? `, ${chosen} of them in the selected fit` : ''),
    );
  }
  const settings: FitSettings = {
    model,
    covariance: selected.covariance,
    ...(covariances.length > 1 ? { covariances } : {}),
    k: ks,
    seeds,
    init: start ? 'model' : request.init ?? DEFAULTS.init,
    // The values in force, defaults resolved, so that a model says how it was fitted.
    tol: request.tol ?? (model === 'kmeans' ? COST.defaultTol : LOG_LIKELIHOOD.defaultTol),
    maxIter,
    minVar: minVar ?? 0,
    regCovar: recorded(regCovarFor({ covariance: selected.covariance, regCovar: request.regCovar, columnVariances: variances })),
    ...covFloorRecord(covFloorFor({ covariance: selected.covariance, covFloor: request.covFloor, regCovar: request.regCovar, columnVariances: variances })),
    ...(request.accelerate && model === 'gaussian' ? { accelerate: true } : {}),
    ...(transform ? { standardize: true } : {}),
    criterion,
    jobs,
  };
  return { table, result, fitted: fitted as Selected, ...(transform ? { standardization: transform } : {}), settings, warnings };
}
