import { availableParallelism } from 'os';
import { DataError, UsageError } from '../core/errors';
import { missingCount } from '../core/matrix';
import type { Covariance } from '../models/families';
import type { Mixture } from '../models/mixture';
import type { ModelName } from '../models/fit-state';
import type { KernelName } from '../models/kernels/layout';
import { wasmKernelAvailable } from '../models/kernels/wasm';
import type { Criterion } from '../fit/criteria';
import { isSuccessful, type FailedFit, type Fit, type StartMethod } from '../fit/fit';
import { runSweep } from '../fit/run';
import type { SweepResult } from '../fit/sweep';
import { DEFAULTS, defaultKs, defaultMinVar } from './defaults';
import type { NamedTable } from './table';
import { warner, type Warning } from './warnings';

/** What to fit, as the library takes it; every field has a default (see DEFAULTS). */
export interface FitRequest {
  /** 'gaussian' (EM) or 'kmeans'. */
  readonly model?: ModelName;
  readonly covariance?: Covariance;
  /** Numbers of components; default 1..4, capped at the row count. */
  readonly k?: readonly number[];
  readonly seeds?: readonly number[];
  readonly init?: StartMethod;
  /** A warm start (a saved model's mixture): its family and K are used, and the sweep is that one fit. */
  readonly start?: Mixture;
  /** What the warm start is called in messages (its file). */
  readonly startName?: string;
  readonly tol?: number;
  readonly maxIter?: number;
  readonly minVar?: number;
  readonly regCovar?: number;
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
  /** Thresholds of the executors' plan (tests lower them). */
  readonly minParallelWork?: number;
  readonly minRowSplitWork?: number;
}

/** The settings a fit ran with, every default resolved (recorded in the model document). */
export interface FitSettings {
  readonly model: ModelName;
  readonly covariance: Covariance;
  /** The numbers of components fitted. */
  readonly k: readonly number[];
  readonly seeds: readonly number[];
  readonly init: StartMethod | 'model';
  readonly tol?: number;
  readonly maxIter: number;
  readonly minVar?: number;
  readonly regCovar?: number;
  readonly criterion: Criterion;
  readonly jobs: number;
}

/** A sweep's outcome: the table it ran on, every fit and the selection, the settings, and the warnings. */
export interface FitOutcome {
  readonly table: NamedTable;
  readonly result: SweepResult & { readonly selected: NonNullable<SweepResult['selected']> };
  readonly settings: FitSettings;
  readonly warnings: readonly Warning[];
}

/** At most a few items, then how many more. */
function listed(items: string[], most = 5): string {
  return items.length <= most ? items.join(', ') : `${items.slice(0, most).join(', ')} and ${items.length - most} more fits`;
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
  const covariance = start?.covariance.family ?? request.covariance ?? DEFAULTS.covariance;
  if (matrix.observed && missingCount(matrix) === matrix.rows * matrix.cols) {
    throw new DataError(`${source}: every cell is missing, so there is nothing to fit`);
  }
  if (model === 'kmeans' && request.covariance !== undefined && request.covariance !== DEFAULTS.covariance) {
    throw new UsageError(`--covariance ${request.covariance} goes with --model gaussian; k-means clusters are spherical`);
  }
  if (request.kernel === 'wasm' && !wasmKernelAvailable()) {
    throw new UsageError('--kernel wasm: the WebAssembly kernel is not available here (not built, or this Node has no WebAssembly SIMD); use --kernel js');
  }
  if (model === 'kmeans' && matrix.observed) {
    throw new UsageError(`--model kmeans needs complete data, but ${source} has ${missingCount(matrix)} missing cells; use --model gaussian`);
  }
  if (request.init === 'kmeans' && matrix.observed) {
    throw new UsageError(`--init kmeans runs k-means, which needs complete data, but ${source} has ${missingCount(matrix)} missing cells; use --init random or kmeans++`);
  }
  let ks = request.k ?? defaultKs(matrix.rows);
  if (start) {
    const name = request.startName ?? 'the start';
    if (model === 'kmeans') throw new UsageError('--init FILE.json warm-starts a Gaussian fit, not --model kmeans');
    if (request.covariance !== undefined && request.covariance !== DEFAULTS.covariance && request.covariance !== covariance) {
      throw new UsageError(`--covariance ${request.covariance} does not match the ${covariance} model in ${name}`);
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

  // The columns' names travel with the data, so that messages can name a column.
  const result = await runSweep(
    { ...matrix, columns: table.columns },
    {
      model,
      covariance,
      ks,
      seeds,
      init: request.init,
      start,
      tol: request.tol,
      maxIter,
      minVar,
      regCovar: request.regCovar,
      criterion,
      kernel: request.kernel,
      jobs,
      onIteration: request.onIteration,
      onFit: request.onFit,
      minParallelWork: request.minParallelWork,
      minRowSplitWork: request.minRowSplitWork,
    },
  );
  const selected = result.selected;
  if (!selected) {
    // Every fit failed: one error, with the first reason.
    const first = result.fits[0] as FailedFit;
    const n = result.fits.length;
    throw new DataError(`${n === 1 ? 'the fit' : `all ${n} fits`} failed; K=${first.k} seed=${first.seed}: ${first.error}`);
  }
  const wentBack: string[] = [];
  for (const fit of result.fits) {
    if (!isSuccessful(fit)) warn('failed', `K=${fit.k} seed=${fit.seed} failed: ${fit.error}`);
    else if (fit.stop === 'decrease') wentBack.push(`K=${fit.k} seed=${fit.seed}`);
    else if (fit.stop === 'max-iter' && request.tol !== 0) warn('max-iter', `K=${fit.k} seed=${fit.seed} stopped at --max-iter ${maxIter} before converging`);
  }
  if (wentBack.length > 0) {
    const what = model === 'kmeans' ? 'cost rose' : 'log-likelihood fell';
    warn(
      'decrease',
      `${listed(wentBack)} stopped because the ${what} by more than rounding, so ${wentBack.length === 1 ? 'it is' : 'they are'} not converged: ` +
        "EM with a variance floor, --reg-covar or the course's mean rule is not always monotone (--tol 0 --max-iter N runs on past it)",
    );
  }
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
    covariance,
    k: ks,
    seeds,
    init: start ? 'model' : request.init ?? DEFAULTS.init,
    ...(request.tol !== undefined ? { tol: request.tol } : {}),
    maxIter,
    ...(minVar !== undefined ? { minVar } : {}),
    ...(request.regCovar !== undefined ? { regCovar: request.regCovar } : {}),
    criterion,
    jobs,
  };
  return { table, result: { ...result, selected }, settings, warnings };
}
