import { Option } from 'commander';
import type { Delimiter } from '../io/table';
import type { ModelName } from '../models/family';
import type { Criterion } from '../fit/criteria';
import type { Covariance } from '../models/mixture';
import type { KernelName } from '../models/chunk-kernel';
import {
  collect,
  parseDelimiter,
  parseJobs,
  parseKList,
  parseMaxIter,
  parseNonNegative,
  parsePrecision,
  parseSeedList,
} from './parsers';

/** What commander hands an action, for both `fit` and `complete`. */
export interface CommandOptions {
  k?: number[];
  seed?: number[];
  seeds?: number[];
  model: ModelName;
  tol?: number;
  maxIter: number;
  minVar?: number;
  criterion: Criterion;
  jobs?: number;
  kernel?: KernelName;
  covariance: Covariance;
  regCovar?: number;
  /** A method, or the path of a model JSON to start from. */
  init: string;
  missing?: string[];
  delimiter?: Delimiter;
  header?: boolean;
  json?: boolean;
  out?: string;
  truth?: string;
  precision: number;
  color: boolean;
  debug?: boolean;
  quiet?: boolean;
  plot?: string;
  verbose?: boolean;
}

export const DEFAULT_K = '1..4';
export const DEFAULT_MAX_ITER = 1000;

/** The options shared by `fit` and `complete`, declared once; help text comes from here. */
export function commonOptions(): Option[] {
  return [
    new Option('-k, --k <list>', `number(s) of components: 3, 1,2,4 or 1..4 (default: ${DEFAULT_K}, capped at the row count)`).argParser(parseKList),
    new Option('-s, --seed <list>', 'random seed(s) for the initial means, as for --k; alias --seeds (default: 0)').argParser(parseSeedList),
    new Option('--seeds <list>', 'alias of --seed').argParser(parseSeedList).hideHelp(),
    new Option('-m, --model <name>', 'gaussian (EM for spherical Gaussians) or kmeans').choices(['gaussian', 'kmeans']).default('gaussian'),
    new Option('--covariance <family>', 'covariance of each Gaussian: spherical (var·I, the course model), diag or full')
      .choices(['spherical', 'diag', 'full'])
      .default('spherical'),
    new Option('--reg-covar <x>', 'added to the variances (the diagonal) after each M-step, as scikit-learn (default: 1e-6 for diag and full, 0 for spherical)').argParser(
      parseNonNegative,
    ),
    new Option(
      '--init <method>',
      'the start: random (numpy-identical rows), kmeans++ (D² sampling), kmeans (a k-means run from the random rows), or FILE.json (a model written by --out; - for stdin)',
    ).default('random'),
    new Option('--tol <x>', 'convergence tolerance: EM stops when ΔLL ≤ tol·|LL| (default 1e-6; 0 runs exactly --max-iter iterations); k-means when Δcost ≤ tol (default 1e-4)').argParser(parseNonNegative),
    new Option('--max-iter <n>', 'at most this many E-steps per fit; a fit stopped by it reports converged: false').argParser(parseMaxIter).default(DEFAULT_MAX_ITER),
    new Option('--min-var <x>', 'floor on every variance (default: 0.25 with missing cells, none on complete data)').argParser(parseNonNegative),
    new Option('-j, --jobs <n>', 'run the fits of a sweep on up to N worker threads, or split the rows of one large Gaussian fit over N; same results for any N (default: the number of cores)').argParser(
      parseJobs,
    ),
    new Option('--kernel <name>', 'E-step kernel of spherical and diag fits: wasm (WebAssembly SIMD) or js (the TypeScript reference); the same numbers, bit for bit (default: wasm where available)').choices([
      'wasm',
      'js',
    ]),
    new Option('-c, --criterion <name>', 'how K is selected: bic, aic or ll (larger is better)').choices(['bic', 'aic', 'll']).default('bic'),
    new Option('--missing <marker>', 'a cell text that means missing, beside empty, NA, NaN and ? (repeatable; --missing 0 for rating files)').argParser(collect),
    new Option('-d, --delimiter <name>', 'comma, tab or whitespace (default: from the extension, then the first line)').argParser(parseDelimiter),
    new Option('--header', 'the first row is a header (default: detected)'),
    new Option('--no-header', 'the first row is data'),
    new Option('--json', 'print one JSON document on stdout instead of tables'),
    new Option('-p, --precision <n>', 'decimals in tables').argParser(parsePrecision).default(4),
    new Option('--no-color', 'no colours (also off when stdout is not a terminal or NO_COLOR is set)'),
    new Option('-q, --quiet', 'no warnings and no progress bar on stderr'),
    new Option('-v, --verbose', 'print every iteration of every fit on stderr (the fits then run one at a time)'),
    new Option('--debug', 'print stack traces for errors'),
  ];
}
