import { DEFAULTS, FAMILY_CHOICES, KERNEL_CHOICES } from '../app/defaults';
import {
  collect,
  parseCount,
  parseDelimiter,
  parseIntegerList,
  parseJobs,
  parseKList,
  parseMaxIter,
  parseNonNegative,
  parsePrecision,
  parseSeed,
  parseSeedList,
} from './parsers';

/** The commands, as the user types them. */
export type CommandName = 'fit' | 'complete' | 'plot-sweep' | 'predict' | 'score' | 'plot' | 'sample';

/** The commands that sweep K and seeds, and those that apply a saved model. */
export const SWEEPS: readonly CommandName[] = ['fit', 'complete', 'plot-sweep'];
export const APPLY: readonly CommandName[] = ['predict', 'score', 'plot'];
const ALL: readonly CommandName[] = [...SWEEPS, ...APPLY, 'sample'];

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

const KERNEL_HELP = 'the E-step kernel of spherical and diag fits: wasm (WebAssembly SIMD) or js (the TypeScript reference); the same numbers, bit for bit';

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
    default: 0,
    parse: parseSeed,
    commands: ['sample'],
    example: '--seed 7',
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
    flags: '--covariance <family>',
    help: `the covariance of each Gaussian: ${FAMILY_CHOICES.map((f) => `${f.name} (${f.summary})`).join(', ')}`,
    default: DEFAULTS.covariance,
    choices: FAMILY_CHOICES.map((f) => f.name),
    commands: SWEEPS,
    example: '--covariance full',
  },
  {
    flags: '--reg-covar <x>',
    help: 'added to every variance (the diagonal) after each M-step and to the start, as scikit-learn reg_covar',
    shownDefault: FAMILY_CHOICES.map((f) => `${f.defaultRegCovar === 0 ? 0 : f.defaultRegCovar.toExponential()} for ${f.name}`).join(', '),
    parse: parseNonNegative,
    commands: SWEEPS,
    example: '--reg-covar 1e-4',
  },
  {
    flags: '--init <method>',
    help: 'the start: random (numpy-identical rows), kmeans++ (D² sampling), kmeans (a k-means run from the random rows), or FILE.json, a model written by --out (- for stdin)',
    default: DEFAULTS.init,
    commands: SWEEPS,
    example: '--init kmeans++',
  },
  {
    flags: '--tol <x>',
    help: 'EM stops when new LL − old LL ≤ tol·|new LL| (0: exactly --max-iter iterations); k-means when old cost − cost ≤ tol',
    shownDefault: '1e-6 (EM), 1e-4 (k-means)',
    parse: parseNonNegative,
    commands: SWEEPS,
    example: '--tol 1e-8',
  },
  {
    flags: '--max-iter <n>',
    help: 'at most this many E-steps per fit; a fit stopped by it reports converged: false',
    default: DEFAULTS.maxIter,
    parse: parseMaxIter,
    commands: SWEEPS,
    example: '--max-iter 50',
  },
  {
    flags: '--min-var <x>',
    help: 'floor on every variance (full: every eigenvalue) after each M-step; a floor that holds up a variance is reported',
    shownDefault: "0.25 with --missing 0 (the course's ratings convention), else none",
    parse: parseNonNegative,
    commands: SWEEPS,
    example: '--min-var 0.01',
  },
  {
    flags: '-j, --jobs <n>',
    help: "run a sweep's fits on up to N worker threads, or split the rows of one large Gaussian fit over N; the same results for any N",
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
    help: 'how K is selected: bic, aic or ll (larger is better)',
    default: DEFAULTS.criterion,
    choices: ['bic', 'aic', 'll'],
    commands: SWEEPS,
    example: '--criterion aic',
  },
  {
    flags: '--missing <marker>',
    help: 'a cell text that means missing, beside empty, NA, NaN and ? (repeatable; --missing 0 for the course rating files)',
    parse: collect,
    commands: [...SWEEPS, ...APPLY],
    example: '--missing 0',
  },
  {
    flags: '-d, --delimiter <name>',
    help: 'comma, tab, whitespace, semicolon, pipe, :: (MovieLens ratings.dat) or any single character',
    shownDefault: 'from the extension, then the first data line',
    parse: parseDelimiter,
    commands: [...SWEEPS, ...APPLY],
    example: '--delimiter tab',
  },
  {
    flags: '--decimal-comma',
    help: 'numbers are written 3,5 (European CSV; goes with --delimiter semicolon), and so is the completed matrix',
    commands: [...SWEEPS, ...APPLY],
    example: '--decimal-comma',
  },
  { flags: '--header', help: 'the first row is a header', shownDefault: 'detected', commands: [...SWEEPS, ...APPLY], example: '--header' },
  { flags: '--no-header', help: 'the first row is data', commands: [...SWEEPS, ...APPLY], example: '--no-header' },
  {
    flags: '-m, --model-file <file>',
    help: 'the model, as written by fit --out; - for stdin',
    mandatory: true,
    commands: [...APPLY, 'sample'],
    example: '--model-file model.json',
  },
  {
    flags: '-o, --out <file>',
    help: 'write the output to FILE (- for stdout)',
    helpFor: {
      fit: 'also write the selected fit as a model (JSON) to FILE, for predict, score, sample, plot and --init; - for stdout (the report then goes to stderr)',
      complete: "write the completed matrix to FILE, in the input's format (default: stdout)",
      'plot-sweep': 'write the SVG to FILE (default: stdout; on a terminal, a text chart instead)',
      plot: 'write the SVG to FILE (default: stdout)',
    },
    commands: ['fit', 'complete', 'plot-sweep', 'plot'],
    example: '--out model.json',
    exampleFor: { complete: '--out filled.txt', 'plot-sweep': '--out sweep.svg', plot: '--out fit.svg' },
  },
  { flags: '--plot <file>', help: 'also write LL, BIC and AIC against K as an SVG to FILE (- for stdout)', commands: ['fit'], example: '--plot sweep.svg' },
  { flags: '-t, --truth <file>', help: 'the full matrix: report RMSE, and that of the global, row and column means', commands: ['complete'], example: '--truth full.txt' },
  { flags: '--proba', help: "add each component's posterior", commands: ['predict'], example: '--proba' },
  { flags: '-f, --format <format>', help: 'output format: csv, tsv or json', default: 'csv', choices: ['csv', 'tsv', 'json'], commands: ['predict', 'score'], example: '--format json' },
  {
    flags: '--dims <i,j>',
    help: 'the two columns to plot, from 0',
    shownDefault: '0,1',
    parse: (text) => parseIntegerList(text, 0, 1_000_000),
    commands: ['plot'],
    example: '--dims 2,3',
  },
  { flags: '-n, --n <count>', help: 'how many rows to draw', default: 1000, parse: parseCount, commands: ['sample'], example: '-n 5000' },
  { flags: '--json', help: 'print one JSON document on stdout instead of tables', commands: SWEEPS, example: '--json' },
  { flags: '-p, --precision <n>', help: 'decimals in tables', default: 4, parse: parsePrecision, commands: SWEEPS, example: '--precision 8' },
  { flags: '--no-color', help: 'no colours (also off when stdout is not a terminal or NO_COLOR is set)', commands: SWEEPS, example: '--no-color' },
  { flags: '-q, --quiet', help: 'no warnings and no progress bar on stderr', commands: SWEEPS, example: '--quiet' },
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
