import { existsSync } from 'fs';
import { Command, CommanderError, Option } from 'commander';
import { DataError, UsageError } from '../core/errors';
import { commonOptions, type CommandOptions } from './options';
import { parseCount, parseIntegerList, parseSeedList } from './parsers';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliIO } from './io';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const VERSION: string = require('../../package.json').version;

function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

function oneLine(text: string): string {
  return text
    .replace(/^error:\s*/i, '')
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean)
    .join(' ');
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The command that `args` (argv without node and the script) run: the first argument if it names one, else fit. */
function commandOf(program: Command, args: readonly string[]): Command {
  const named = program.commands.find((c) => c.name() === args[0]);
  return named ?? program.commands.find((c) => c.name() === 'fit')!;
}

/** The closest of `candidates` within an edit distance of 2, or ''. */
function closest(word: string, candidates: Iterable<string>): string {
  let best = '';
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/**
 * An unknown flag: the closest flag of the command being run (commander suggests only
 * for longer flags; this covers short long ones such as --k), or, when the flag belongs
 * to another command, which one.
 */
function unknownFlagMessage(program: Command, message: string, args: readonly string[]): string {
  const unknown = /unknown option '(--[^'=]+)/.exec(message)?.[1];
  if (!unknown) return oneLine(message);
  const command = commandOf(program, args);
  const own = new Set([...command.options, ...program.options].map((o) => o.long).filter((f): f is string => !!f));
  const owners = program.commands.filter((c) => c !== command && c.options.some((o) => o.long === unknown)).map((c) => c.name());
  const base = oneLine(message).replace(/ \(Did you mean [^)]*\)$/, '');
  if (owners.length > 0) return `${base} for ${command.name()}: ${unknown} belongs to ${owners.length > 1 ? `${owners.slice(0, -1).join(', ')} and ${owners[owners.length - 1]}` : owners[0]}`;
  const best = closest(unknown, own);
  return best ? `${base} (Did you mean ${best}?)` : base;
}

type Action = (file: string, options: CommandOptions, io: CliIO) => Promise<number>;

function buildProgram(io: CliIO, setCode: (code: number) => void): Command {
  const program = new Command('gmm-fit');
  program
    .description('Fit Gaussian mixtures and k-means to numeric tables; complete rating matrices with missing entries.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: () => {}, // reported once, as one line, by run()
    });

  // Commands load their modules only when they run, so --help starts fast.
  const command = (name: string, description: string, extra: (c: Command) => void, load: () => Action, isDefault = false) => {
    const c = program.command(name, { isDefault }).description(description).argument('<file>', 'table of numbers (CSV, TSV or whitespace); - for stdin');
    for (const option of commonOptions()) c.addOption(option);
    extra(c);
    c.exitOverride()
      .showSuggestionAfterError(true)
      .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: () => {} })
      .action(async (file: string, options: CommandOptions) => setCode(await load()(file, options, io)));
  };

  command(
    'fit',
    'fit a mixture (or k-means) for each K and seed, keep the best run per K, select K (the default command)',
    (c) =>
      c
        .option('-o, --out <file>', 'also write the selected fit as a model (JSON) to FILE, for predict, score, sample, plot and --init')
        .option('--plot <file>', 'also write LL, BIC and AIC against K as an SVG to FILE'),
    () => require('./commands').fitCommand,
    true,
  );
  command(
    'complete',
    'fit a mixture to a matrix with missing cells and fill them with their expected values',
    (c) =>
      c
        .option('-o, --out <file>', 'write the completed matrix to FILE, in the input\'s format (default: stdout)')
        .option('-t, --truth <file>', 'the full matrix: report RMSE, and that of the global, row and column means'),
    () => require('./commands').completeCommand,
  );
  command(
    'plot-sweep',
    'sweep K and seeds as fit does, then plot LL, BIC and AIC against K with the selected K marked',
    (c) => c.option('-o, --out <file>', 'write the SVG to FILE (default: stdout; on a terminal, a text chart instead)'),
    () => require('./commands').plotSweepCommand,
  );
  // Commands that apply a saved model (written by fit --out).
  const modelFile = () => new Option('-m, --model-file <file>', 'the model, as written by fit --out; - for stdin').makeOptionMandatory();
  const format = () => new Option('-f, --format <format>', 'output format').choices(['csv', 'tsv', 'json']).default('csv');
  // The table-reading options, as fit declares them.
  const READING = ['--missing', '--delimiter', '--header', '--no-header'];
  const reading = (c: Command) => {
    for (const option of commonOptions()) if (option.long && READING.includes(option.long)) c.addOption(option);
    return c;
  };
  const modelCommand = (name: string, description: string, build: (c: Command) => void, action: (args: unknown[]) => Promise<number>) => {
    const c = program.command(name).description(description);
    build(c);
    c.option('--debug', 'print stack traces for errors')
      .exitOverride()
      .showSuggestionAfterError(true)
      .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: () => {} })
      .action(async (...args: unknown[]) => setCode(await action(args)));
  };
  modelCommand(
    'predict',
    'the most probable component (1..K) of each row under a saved model; --proba adds the posteriors',
    (c) => reading(c.argument('<file>', 'table of numbers; - for stdin').addOption(modelFile()).option('--proba', 'add each component\'s posterior').addOption(format())),
    ([file, options]) => require('./model-commands').predictCommand(file, options, io),
  );
  modelCommand(
    'score',
    'the log-likelihood of each row under a saved model, and the total with BIC and AIC (on stderr, or in --format json)',
    (c) => reading(c.argument('<file>', 'table of numbers; - for stdin').addOption(modelFile()).addOption(format())),
    ([file, options]) => require('./model-commands').scoreCommand(file, options, io),
  );
  modelCommand(
    'plot',
    'an SVG of the data coloured by posterior, with each component at 1 and 2 standard deviations',
    (c) =>
      reading(
        c
          .argument('<file>', 'table of numbers; - for stdin')
          .addOption(modelFile())
          .option('-o, --out <file>', 'write the SVG to FILE (default: stdout)')
          .addOption(new Option('--dims <i,j>', 'the two columns to plot, from 0 (default: 0,1)').argParser((v) => parseIntegerList(v, 0, 1_000_000))),
      ),
    ([file, options]) => require('./model-commands').plotCommand(file, options, io),
  );
  modelCommand(
    'sample',
    'draw rows from a saved model, as CSV on stdout, deterministic from --seed',
    (c) =>
      c
        .addOption(modelFile())
        .addOption(new Option('-n, --n <count>', 'how many rows').argParser(parseCount).default(1000))
        .addOption(new Option('-s, --seed <seed>', 'random seed, 0..4294967295').argParser(parseSeedList).default([0], '0')),
    ([options]) => require('./model-commands').sampleCommand(options, io),
  );
  program.addHelpText(
    'after',
    `
Examples:
  gmm-fit data/toy.txt --k 3 --seed 0             one EM fit: iteration table and components
  gmm-fit data/toy.txt --k 1..4 --seeds 0..4      sweep K and seeds, select K by BIC
  gmm-fit data/toy.txt --k 3 --model kmeans       k-means
  gmm-fit data.csv --k 2 --json | jq .selected    one JSON document for pipelines
  gmm-fit complete ratings.txt --missing 0 --k 12 --seeds 0..4 --truth full.txt --out filled.txt
  gmm-fit data/toy.txt --k 3 --out model.json     save the selected fit as a model
  gmm-fit predict --model-file model.json data/toy.txt --proba
  gmm-fit score --model-file model.json data/toy.txt --format json
  gmm-fit sample --model-file model.json -n 1000 --seed 0
  gmm-fit plot --model-file model.json data/toy.txt --out fit.svg
  gmm-fit plot-sweep data/toy.txt --k 1..6 --seeds 0..4 --out sweep.svg

Exit codes: 0 success, 1 data or runtime error, 2 usage error.`,
  );
  return program;
}

/**
 * `fit` is the default command, so a first argument that is not a command is a file.
 * One that names no file but is close to a command's name is a mistyped command.
 */
function checkCommandName(program: Command, first: string): void {
  if (first.startsWith('-') || program.commands.some((c) => c.name() === first) || first === 'help') return;
  if (/[/\\.]/.test(first) || existsSync(first)) return;
  const best = closest(first, program.commands.map((c) => c.name()));
  if (best) throw new UsageError(`unknown command '${first}' (Did you mean ${best}?)`);
}

const WRITE_FAILURES: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EPIPE: 'the reader closed it',
  EBADF: 'it is closed',
};

/** A failed write to stdout (files are reported by their writer), as the reason to print; else null. */
function writeFailure(err: unknown): string | null {
  const e = err as NodeJS.ErrnoException | null;
  if (!e || e.syscall !== 'write' || !e.code) return null;
  return WRITE_FAILURES[e.code] ?? e.code;
}

/** The whole CLI: argv in, exit code out. Errors become one line on stderr. */
export async function run(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram(io, (c) => (code = c));
  const args = argv.slice(2);
  try {
    if (args.length === 0) {
      // Bare `gmm-fit`: the usage, as an error (there is nothing to do).
      io.stderr.write(program.helpInformation());
      return EXIT_USAGE;
    }
    checkCommandName(program, args[0]);
    await program.parseAsync([...argv]);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return EXIT_OK;
      const message = err.code === 'commander.unknownOption' ? unknownFlagMessage(program, err.message, args) : oneLine(err.message);
      io.stderr.write(`gmm-fit: error: ${message}\n`);
      return EXIT_USAGE;
    }
    const debug = argv.includes('--debug');
    const write = writeFailure(err);
    if (write) {
      io.stderr.write(`gmm-fit: error: cannot write to standard output (${write})\n`);
      return EXIT_FAILURE;
    }
    if (err instanceof UsageError || err instanceof DataError) {
      io.stderr.write(`gmm-fit: error: ${err.message}\n`);
      if (debug && err.stack) io.stderr.write(err.stack + '\n');
      return err instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE;
    }
    io.stderr.write(`gmm-fit: error: internal error: ${(err as Error)?.message ?? String(err)}${debug ? '' : ' (run with --debug for details)'}\n`);
    if (debug && (err as Error)?.stack) io.stderr.write((err as Error).stack + '\n');
    return EXIT_FAILURE;
  }
}
