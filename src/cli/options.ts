import { DEFAULTS, FAMILY_CHOICES, KERNEL_CHOICES } from '../app/defaults';
import {
  choiceList,
  collect,
  parseCount,
  parseDelimiter,
  parseJobs,
  parseKList,
  parseMaxIter,
  parseClip,
  parseColumn,
  parseColumnChoice,
  parseColumns,
  parseFraction,
  parseNonNegative,
  parsePrecision,
  parseSeed,
  parseSeedList,
} from './parsers';

/** The commands, as the user types them. */
export type CommandName = 'fit' | 'complete' | 'plot-sweep' | 'predict' | 'score' | 'plot' | 'sample' | 'recommend' | 'start' | 'estep' | 'mstep';

/** The commands that sweep K and seeds, and those that apply a saved model. */
export const SWEEPS: readonly CommandName[] = ['fit', 'complete', 'plot-sweep'];
export const APPLY: readonly CommandName[] = ['predict', 'score', 'plot'];
/** The commands that read rating triplets (fit and complete with --ratings, and recommend). */
export const RATINGS: readonly CommandName[] = ['fit', 'complete'];
/** EM over shards of the rows: the start, one shard's E-step, the M-step of their statistics. */
export const SHARDED: readonly CommandName[] = ['start', 'estep', 'mstep'];
/** The commands that read shards (as the start read them). */
const SHARD_READERS: readonly CommandName[] = ['start', 'estep'];
const ALL: readonly CommandName[] = [...SWEEPS, ...APPLY, 'sample', 'recommend', ...SHARDED];

/**
 * One option, declared once: its flags, what it means, its default (the value and how
 * help shows it), how its text is parsed, which commands take it, and an example. The
 * commander program, `--help` and the README's option tables are all made from this.
 */
export interface OptionSpec {
  /** Commander's flags: '-k, --k <list>', '--json', '--no-color'. */
  readonly flags: string;
  readonly help: string;
  /** Per command when it differs (the help of --out). */
  readonly helpFor?: Partial<Record<CommandName, string>>;
  readonly commands: readonly CommandName[];
  /** The default value, and how help and the README show it (when it is not the value itself). */
  readonly default?: unknown;
  readonly shownDefault?: string;
  readonly parse?: (text: string, previous: never) => unknown;
  readonly choices?: readonly string[];
  readonly mandatory?: boolean;
  /** Not listed in help (an alias). */
  readonly hidden?: boolean;
  /** An example for the README's tables (per command when it differs). */
  readonly example: string;
  readonly exampleFor?: Partial<Record<CommandName, string>>;
}

/** A default per family, families with the same one named together: "0 for spherical; 1e-6 for diag and full". */
function perFamily(value: (f: (typeof FAMILY_CHOICES)[number]) => number, show: (x: number) => string): string {
  const groups = new Map<number, string[]>();
  for (const f of FAMILY_CHOICES) groups.set(value(f), [...(groups.get(value(f)) ?? []), f.name]);
  return [...groups].map(([x, names]) => `${show(x)} for ${names.join(' and ')}`).join('; ');
}
const KERNEL_HELP = 'the E-step and M-step kernel of spherical, diag and full fits and of k-means: wasm (WebAssembly SIMD) or js (the TypeScript reference); the same numbers, bit for bit';

/** Every option of every command. */
export const OPTIONS: readonly OptionSpec[] = [
  {
    flags: '-k, --k <list>',
    help: 'number(s) of components: 3, 1,2,4, 1..4 or mixed 1..3,8',
    shownDefault: `${DEFAULTS.kRange[0]}..${DEFAULTS.kRange[1]}, capped at the row count`,
    parse: parseKList,
    commands: SWEEPS,
    example: '--k 1..4',
  },
  {
    flags: '-s, --seed <list>',
    help: 'random seed(s) of the starts, any of 0..4294967295, as for --k; alias --seeds',
    shownDefault: '0',
    parse: parseSeedList,
    commands: SWEEPS,
    example: '--seeds 0..4',
  },
  { flags: '--seeds <list>', help: 'alias of --seed', parse: parseSeedList, commands: SWEEPS, hidden: true, example: '--seeds 0..4' },
  {
    flags: '-s, --seed <seed>',
    help: 'the random seed of the draws, 0..4294967295',
    helpFor: { start: "the seed of the start's row draw (numpy's legacy np.random.seed and choice over the shards' rows), 0..4294967295" },
    default: 0,
    parse: parseSeed,
    commands: ['sample', 'start'],
    example: '--seed 7',
  },
  {
    flags: '-k, --k <n>',
    help: 'the number of components',
    mandatory: true,
    parse: parseCount,
    commands: ['start'],
    example: '--k 12',
  },
  {
    flags: '--covariance <name>',
    help: `the covariance of each Gaussian, one of ${FAMILY_CHOICES.map((f) => f.name).join(', ')}: those whose start and statistics add up over shards run (spherical and diag; full on tables, with or without missing cells)`,
    default: DEFAULTS.covariance,
    choices: FAMILY_CHOICES.map((f) => f.name),
    commands: ['start'],
    example: '--covariance diag',
  },
  {
    flags: '--model <name>',
    help: 'gaussian (EM, Gaussian mixtures of the --covariance family) or kmeans',
    default: DEFAULTS.model,
    choices: ['gaussian', 'kmeans'],
    commands: SWEEPS,
    example: '--model kmeans',
  },
  {
    flags: '--covariance <list>',
    help: `the covariance of each Gaussian: ${FAMILY_CHOICES.map((f) => `${f.name} (${f.summary})`).join(', ')}; several, comma-separated, are swept and the best family and K selected together (as mclust)`,
    shownDefault: DEFAULTS.covariance,
    parse: choiceList(FAMILY_CHOICES.map((f) => f.name)),
    commands: SWEEPS,
    example: '--covariance spherical,diag,full',
  },
  {
    flags: '--reg-covar <x>',
    help: "added to every variance (the diagonal) after each M-step and to the start, as scikit-learn's reg_covar (--reg-covar 1e-6 is scikit-learn's default); on tables the default is 0, and --cov-floor keeps components from collapsing without moving a fit that does not need it; a --reg-covar given turns the default --cov-floor off (the ridge alone: scikit-learn's model)",
    shownDefault: `0 on tables; rating triplets: ${perFamily((f) => f.defaultRegCovar, (x) => (x === 0 ? '0' : x.toExponential()))}`,
    parse: parseNonNegative,
    commands: [...SWEEPS, 'start'],
    example: '--reg-covar 1e-6',
  },
  {
    flags: '--cov-floor <x>',
    help: "tables, diag and full: after each M-step and at the start, each component's covariance is held at or above x × the columns' variances (diag: each variance ≥ x × its column's; full: Σ − x·diag(var) positive semidefinite, the eigenvalues of the scaled Σ raised to x), the exact M-step under that bound, so EM stays monotone and a fit the bound does not touch is the unregularised maximum likelihood (mclust's); relative, so a column's units do not change the fit; 0: none; off by default when --reg-covar is given",
    shownDefault: `${perFamily((f) => f.defaultCovFloor, (x) => (x === 0 ? 'none' : x.toExponential()))}; none when --reg-covar is given`,
    parse: parseNonNegative,
    commands: [...SWEEPS, 'start'],
    example: '--cov-floor 1e-4',
  },
  {
    flags: '--standardize',
    help: "centre each column and divide it by its standard deviation before fitting; a saved model keeps the transform, and every figure is reported in the data's units",
    commands: SWEEPS,
    example: '--standardize',
  },
  {
    flags: '--init <method>',
    help: "the start: random (numpy-identical rows), kmeans++ (scikit-learn's greedy D² sampling), kmeans (a k-means run from the random rows), hc (mclust's model-based hierarchical classes; one fit per K), all (each of these for every seed, the best log-likelihood per K kept), or FILE.json, a model written by --out (- for stdin)",
    default: DEFAULTS.init,
    commands: SWEEPS,
    example: '--init kmeans++',
  },
  {
    flags: '--tol <x>',
    help: 'EM stops when new LL − old LL ≤ tol·|new LL| (0: exactly --max-iter iterations); k-means when old cost − cost ≤ tol',
    shownDefault: '1e-6 (EM), 1e-4 (k-means)',
    parse: parseNonNegative,
    commands: [...SWEEPS, 'start'],
    example: '--tol 1e-8',
  },
  {
    flags: '--max-iter <n>',
    help: 'at most this many E-steps per fit; a fit stopped by it reports converged: false',
    default: DEFAULTS.maxIter,
    parse: parseMaxIter,
    commands: [...SWEEPS, 'start'],
    example: '--max-iter 50',
  },
  {
    flags: '--accelerate',
    help: "guarded SQUAREM (Varadhan & Roland 2008) between EM steps: an extrapolation from two EM steps, kept only when its log-likelihood is not below the plain step's, which cuts the E-steps of EM's slow tail (the same stopping rule); the JSON gives each fit's acceleration (E-steps, extrapolations, accepted). Default plain EM (the course's iteration counts and traces)",
    commands: SWEEPS,
    example: '--accelerate',
  },
  {
    flags: '--min-var <x>',
    help: 'floor on every variance (full: every eigenvalue) after each M-step; a floor that holds up a variance is reported',
    shownDefault: "0.25 with --missing 0 (the course's ratings convention), else none",
    parse: parseNonNegative,
    commands: [...SWEEPS, 'start'],
    example: '--min-var 0.01',
  },
  {
    flags: '-j, --jobs <n>',
    help: "run a sweep's fits on up to N worker threads, or split the rows of one large fit (Gaussian or k-means) over N; the same results for any N",
    shownDefault: 'the number of cores (more is capped at it)',
    parse: parseJobs,
    commands: SWEEPS,
    example: '--jobs 1',
  },
  {
    flags: '--kernel <name>',
    help: KERNEL_HELP,
    shownDefault: 'wasm where available',
    choices: KERNEL_CHOICES,
    commands: SWEEPS,
    example: '--kernel js',
  },
  {
    flags: '-c, --criterion <name>',
    help: 'how K is selected: bic, aic or ll (larger is better); with --ratings also rmse, the error on a --validation split of the training ratings',
    shownDefault: `${DEFAULTS.criterion}; with --ratings rmse (--center none: bic)`,
    choices: ['bic', 'aic', 'll', 'rmse'],
    commands: SWEEPS,
    example: '--criterion aic',
  },
  {
    flags: '--ratings',
    help: 'the file is ratings, one a line: user,item,rating[,…] (MovieLens ratings.csv, u.data, ratings.dat, Netflix Prize triplets); held as sparse rows, the unrated cells missing',
    commands: [...RATINGS, ...SHARD_READERS],
    example: '--ratings',
  },
  { flags: '--user-col <col>', help: 'with --ratings: the user column, a header name or a position from 1', shownDefault: '1', parse: parseColumnChoice, commands: [...RATINGS, 'recommend', ...SHARD_READERS], example: '--user-col userId' },
  { flags: '--item-col <col>', help: 'with --ratings: the item column', shownDefault: '2', parse: parseColumnChoice, commands: [...RATINGS, 'recommend', ...SHARD_READERS], example: '--item-col movieId' },
  { flags: '--rating-col <col>', help: 'with --ratings: the rating column (other columns, such as a timestamp, are ignored)', shownDefault: '3', parse: parseColumnChoice, commands: [...RATINGS, 'recommend', ...SHARD_READERS], example: '--rating-col rating' },
  {
    flags: '--duplicates <how>',
    help: 'with --ratings: a (user, item) pair rated twice is an error naming both lines, or their mean, or the last line',
    shownDefault: 'error',
    choices: ['error', 'mean', 'last'],
    commands: [...RATINGS, 'recommend', ...SHARD_READERS],
    example: '--duplicates last',
  },
  {
    flags: '--center <how>',
    help: 'with --ratings: bias fits the regularised user + item bias baseline first and the mixture to its residuals; none fits the ratings themselves (the course model)',
    shownDefault: 'bias',
    choices: ['bias', 'none'],
    commands: RATINGS,
    example: '--center none',
  },
  {
    flags: '--center <how>',
    help: "with --ratings: bias fits the user + item bias baseline over the shards first (one pass an epoch, then one for the mixture's start) and the mixture to its residuals; none fits the ratings themselves (the course model)",
    shownDefault: 'bias',
    choices: ['bias', 'none'],
    commands: ['start'],
    example: '--center none',
  },
  {
    flags: '--mean-prior <lambda>',
    help: "with --ratings: MAP means, mu = Σ post·x / (Σ post + λ), shrinking an item's means toward the baseline when it has few ratings (0: the plain M-step)",
    shownDefault: '20 with --center bias (measured best on held-out splits; see the README), 0 with --center none',
    parse: parseNonNegative,
    commands: [...RATINGS, 'start'],
    example: '--mean-prior 0',
  },
  {
    flags: '--clip <lo,hi>',
    help: 'with --ratings: bound every prediction (of the mixture and of the baselines) to [LO, HI]; none for no bounds',
    shownDefault: "the training ratings' range",
    parse: parseClip,
    commands: RATINGS,
    example: '--clip 1,5',
  },
  { flags: '--test <file>', help: 'with --ratings: held-out ratings in the same format, never used to fit or select; RMSE and MAE are reported on them', commands: RATINGS, example: '--test ua.test' },
  {
    flags: '--holdout <fraction>',
    help: "with --ratings: hold out this fraction of the ratings, drawn as numpy's permutation with --split-seed, and report on them",
    parse: parseFraction,
    commands: RATINGS,
    example: '--holdout 0.1',
  },
  { flags: '--split-seed <seed>', help: 'with --holdout or --criterion rmse: the seed of the split (the validation split uses seed + 1)', shownDefault: '0', parse: parseSeed, commands: RATINGS, example: '--split-seed 3' },
  {
    flags: '--validation <fraction>',
    help: 'with --criterion rmse: the fraction of the training ratings that scores each candidate (family, K) before the refit on all of them',
    shownDefault: '0.1',
    parse: parseFraction,
    commands: RATINGS,
    example: '--validation 0.2',
  },
  { flags: '--pairs <file>', help: 'complete --ratings: the (user, item) pairs to predict, one a line (without --test or --holdout)', commands: ['complete'], example: '--pairs wanted.csv' },
  { flags: '--top <n>', help: 'how many unseen items to recommend to each user', default: 10, parse: parseCount, commands: ['recommend'], example: '--top 20' },
  { flags: '--user <id>', help: 'recommend to this user only (repeatable; default: every user in the file)', parse: collect, commands: ['recommend'], example: '--user 196' },
  {
    flags: '--missing <marker>',
    help: 'a cell text that means missing, beside empty, NA, NaN and ? (repeatable; --missing 0 for the course rating files)',
    parse: collect,
    commands: [...SWEEPS, ...APPLY, ...SHARD_READERS],
    example: '--missing 0',
  },
  {
    flags: '-d, --delimiter <name>',
    help: 'comma, tab, whitespace, semicolon, pipe, :: (MovieLens ratings.dat) or any single character',
    shownDefault: 'from the extension, then the first data line',
    parse: parseDelimiter,
    commands: [...SWEEPS, ...APPLY, 'recommend', ...SHARD_READERS],
    example: '--delimiter tab',
  },
  {
    flags: '--columns <list>',
    help: 'keep only these columns as features: header names, or positions from 1 and ranges as cut takes them (2-5,7; 3- to the last); quote a name that looks like a number: \'"2019"\'',
    parse: parseColumns,
    commands: [...SWEEPS, ...APPLY, ...SHARD_READERS],
    example: '--columns 2-5',
  },
  { flags: '--ignore-columns <list>', help: 'drop these columns (names or positions, as --columns); they are never read as numbers', parse: parseColumns, commands: [...SWEEPS, ...APPLY, ...SHARD_READERS], example: '--ignore-columns species' },
  {
    flags: '--id-column <col>',
    help: 'a column of row ids (a name or a position), never a feature: predict, score and --labels print it first',
    parse: parseColumn,
    commands: [...SWEEPS, ...APPLY, ...SHARD_READERS],
    example: '--id-column id',
  },
  {
    flags: '--labels-column <col>',
    help: "a column of known classes, never a feature: the adjusted Rand index, the error rate and the confusion table of the components against them (mclust's adjustedRandIndex and classError)",
    parse: parseColumn,
    commands: ['fit', 'predict'],
    example: '--labels-column species',
  },
  { flags: '--truth-labels <file>', help: 'known classes, one a line (a header line is skipped if it is not a class of the rows): as --labels-column, from a file', commands: ['predict'], example: '--truth-labels species.txt' },
  {
    flags: '--decimal-comma',
    help: 'numbers are written 3,5 (European CSV; goes with --delimiter semicolon), and so is the completed matrix',
    commands: [...SWEEPS, ...APPLY, ...SHARD_READERS],
    example: '--decimal-comma',
  },
  { flags: '--header', help: 'the first row is a header', shownDefault: 'detected', commands: [...SWEEPS, ...APPLY, 'recommend', ...SHARD_READERS], example: '--header' },
  { flags: '--no-header', help: 'the first row is data', commands: [...SWEEPS, ...APPLY, 'recommend', ...SHARD_READERS], example: '--no-header' },
  {
    flags: '-m, --model-file <file>',
    help: 'the model, as written by fit --out; - for stdin',
    helpFor: {
      estep: 'the model the E-step runs under, as written by start --out or mstep --out (a file: its digest goes into the statistics)',
      mstep: 'the model the statistics were computed under, as written by start --out or mstep --out',
    },
    mandatory: true,
    commands: [...APPLY, 'sample', 'recommend', 'estep', 'mstep'],
    example: '--model-file model.json',
    exampleFor: { estep: '-m model.3.json', mstep: '-m model.3.json' },
  },
  {
    flags: '-o, --out <file>',
    help: 'write the output to FILE (- for stdout)',
    helpFor: {
      fit: 'also write the selected fit as a model (JSON) to FILE, for predict, score, sample, plot and --init; - for stdout (the report then goes to stderr)',
      complete: "write the completed matrix to FILE, in the input's format (with --ratings: user,item,rating,prediction per held-out pair); default: stdout",
      'plot-sweep': 'write the SVG to FILE (default: stdout; on a terminal, a text chart instead)',
      plot: 'write the SVG to FILE (default: stdout)',
      recommend: 'write user,item,score,rank to FILE (default: stdout)',
      start: 'write the start (the model of iteration 0, with the shards it was made from) to FILE; - for stdout',
      mstep: "write the new model to FILE (it may be -m's own file: the write is atomic); - for stdout",
    },
    commands: ['fit', 'complete', 'plot-sweep', 'plot', 'recommend', 'start', 'mstep'],
    example: '--out model.json',
    exampleFor: { complete: '--out filled.txt', 'plot-sweep': '--out sweep.svg', plot: '--out fit.svg', recommend: '--out top.csv', start: '--out model.0.json', mstep: '--out model.4.json' },
  },
  {
    flags: '--stats <file>',
    help: "write the shard's sufficient statistics and log-likelihood to FILE (gmm-fit-stats/1: binary with a JSON header), whole or not at all (a temporary file beside it, then a rename)",
    mandatory: true,
    commands: ['estep'],
    example: '--stats shard-2.stats',
  },
  { flags: '--plot <file>', help: 'also write LL, BIC and AIC against K as an SVG to FILE (- for stdout)', commands: ['fit'], example: '--plot sweep.svg' },
  {
    flags: '--labels <file>',
    help: "also write the selected fit's component (1..K) of each row to FILE as CSV (- for stdout), with --proba the posteriors: scikit-learn's fit_predict",
    commands: ['fit'],
    example: '--labels labels.csv',
  },
  { flags: '--labels', help: "add each row's component (1..K) as a first column", commands: ['sample'], example: '--labels' },
  { flags: '-t, --truth <file>', help: 'the full matrix: report RMSE, and that of the global, row and column means', commands: ['complete'], example: '--truth full.txt' },
  { flags: '--proba', help: "add each component's posterior", helpFor: { fit: "with --labels, add each component's posterior" }, commands: ['fit', 'predict'], example: '--proba' },
  { flags: '-f, --format <format>', help: 'output format: csv, tsv or json', default: 'csv', choices: ['csv', 'tsv', 'json'], commands: ['predict', 'score'], example: '--format json' },
  {
    flags: '--dims <i,j>',
    help: 'the two columns to plot: header names, or positions from 1 among the features (as the axis titles count them)',
    shownDefault: '1,2',
    parse: (text) => text.split(',').map((s) => s.trim()),
    commands: ['plot'],
    example: '--dims petal_length,petal_width',
  },
  { flags: '-n, --n <count>', help: 'how many rows to draw', default: 1000, parse: parseCount, commands: ['sample'], example: '-n 5000' },
  { flags: '--json', help: 'print one JSON document on stdout instead of tables', commands: SWEEPS, example: '--json' },
  { flags: '-p, --precision <n>', help: 'decimals in tables', default: 4, parse: parsePrecision, commands: SWEEPS, example: '--precision 8' },
  { flags: '--wide', help: 'on a terminal, show long texts whole (by default tables are cut to its width with …; other output is never cut)', commands: SWEEPS, example: '--wide' },
  { flags: '--no-color', help: 'no colours (also off when stdout is not a terminal or NO_COLOR is set)', commands: SWEEPS, example: '--no-color' },
  { flags: '-q, --quiet', help: 'no warnings and no progress bar on stderr', commands: SWEEPS, example: '--quiet' },
  { flags: '-q, --quiet', help: 'no report on stderr (mstep still prints its verdict on stdout)', commands: SHARDED, example: '--quiet' },
  { flags: '-v, --verbose', help: 'print every iteration of every fit on stderr (the fits then run one at a time)', commands: SWEEPS, example: '--verbose' },
  { flags: '--debug', help: 'print stack traces with errors', commands: ALL, example: '--debug' },
];

/** The options a command takes, in table order. */
export function optionsOf(command: CommandName): OptionSpec[] {
  return OPTIONS.filter((o) => o.commands.includes(command));
}

/** The long flag of an option ('--k'). */
export function longFlag(spec: OptionSpec): string {
  return /--[a-z-]+/.exec(spec.flags)![0];
}
