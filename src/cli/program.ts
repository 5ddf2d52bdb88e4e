import { Command, Help, Option } from 'commander';
import type { CommandName, OptionSpec } from './options';
import type { CliIO } from './io';

const VERSION: string = require('../../package.json').version;

/** What each command does, and what its argument is. */
export const COMMANDS: ReadonlyArray<{ readonly name: CommandName; readonly summary: string; readonly argument?: string; readonly variadic?: boolean; readonly isDefault?: boolean }> = [
  { name: 'fit', summary: 'fit a mixture (or k-means) for each K and seed, keep the best run per K, select K (the default command)', argument: 'table of numbers (CSV, TSV or whitespace); - for stdin', isDefault: true },
  { name: 'complete', summary: 'fit a mixture to a matrix with missing cells and fill them with their expected values', argument: 'table of numbers; - for stdin' },
  { name: 'plot-sweep', summary: 'sweep K and seeds as fit does, then plot LL, BIC and AIC against K with the selected K marked', argument: 'table of numbers; - for stdin' },
  { name: 'predict', summary: 'the most probable component (1..K) of each row under a saved model; --proba adds the posteriors', argument: 'table of numbers; - for stdin' },
  { name: 'score', summary: 'the log-likelihood of each row under a saved model, and the total with BIC and AIC (on stderr, or in --format json)', argument: 'table of numbers; - for stdin' },
  { name: 'plot', summary: 'an SVG of the data coloured by posterior, with each component at 1 and 2 standard deviations', argument: 'table of numbers; - for stdin' },
  { name: 'sample', summary: 'draw rows from a saved model, as CSV on stdout, deterministic from --seed' },
  { name: 'recommend', summary: 'the N best unseen items of each user under a ratings model (fit --ratings --out, or mstep --out over shards of triplets), from their ratings in the file', argument: 'ratings (user,item,rating, as fit --ratings reads them); - for stdin' },
  { name: 'start', summary: "EM over shards: the single-machine random start over the shards' rows (in the order given), written as the model of iteration 0 (rating triplets with --center bias: the bias baseline's passes first)", argument: 'the shards: tables, or rating triplets with --ratings, each a file every machine can read', variadic: true },
  { name: 'estep', summary: "EM over shards: one shard's E-step under the model, its sufficient statistics and log-likelihood written to --stats", argument: 'one of the shards the start read' },
  { name: 'mstep', summary: 'EM over shards: the statistics of every shard added up, the M-step, the new model; prints continue, or converged (decrease, max-iter) when the fit stops', argument: 'the statistics files, one per shard (estep --stats)', variadic: true },
];

export const EXAMPLES = `
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
  gmm-fit fit ratings.csv --ratings --k 1..12 --holdout 0.1 --out model.json
  gmm-fit complete u1.base --ratings --test u1.test --out predictions.csv
  gmm-fit recommend -m model.json ratings.csv --top 10 --user 196
  gmm-fit start --k 12 --missing 0 part-*.txt --out model.json     EM over shards (README, Beyond one machine)
  gmm-fit estep -m model.json part-1.txt --stats part-1.stats
  gmm-fit mstep -m model.json part-*.stats --out model.json         prints continue or converged

Exit codes: 0 success, 1 data or runtime error, 2 usage error.`;

/** A commander Option from its spec, with the help text of this command. */
function option(spec: OptionSpec, command: CommandName): Option {
  const o = new Option(spec.flags, spec.helpFor?.[command] ?? spec.help);
  if (spec.choices) o.choices([...spec.choices]);
  if (spec.parse) o.argParser(spec.parse as (value: string, previous: unknown) => unknown);
  // Commander prints "(default: …)" for an option with a default value; one whose default is decided later says so the same way.
  if (spec.default !== undefined) o.default(spec.default, spec.shownDefault);
  else if (spec.shownDefault) o.description = `${o.description} (default: ${spec.shownDefault})`;
  if (spec.mandatory) o.makeOptionMandatory();
  if (spec.hidden) o.hideHelp();
  return o;
}

/** The commands whose options are not added yet, each with what adds them. */
const PENDING = new WeakMap<Command, () => void>();

/** Adds a command's options if they are not there yet (the option table loads then). */
export function addOptions(command: Command): void {
  const add = PENDING.get(command);
  PENDING.delete(command);
  add?.();
}

/** Adds every command's options: what looks at all of them (which command owns a flag) calls this first. */
export function addAllOptions(program: Command): void {
  for (const command of program.commands) addOptions(command);
}

/**
 * The commander program, made from the option table: one command per entry of
 * COMMANDS with its options. `action` runs a command with its argument and options
 * (a command that takes several files gets them as `files`).
 *
 * A command's options (222 in all) are added only when it is dispatched or shows its
 * help, or by addAllOptions: `gmm-fit --help` lists the commands alone, and building
 * every option, with the option table and its parsers loaded, was a fifth of its start.
 */
export function buildProgram(io: CliIO, action: (command: CommandName, file: string | undefined, options: Record<string, unknown>, files?: readonly string[]) => Promise<void>): Command {
  const program = new Command('gmm-fit');
  const output = { writeOut: (s: string) => io.stdout.write(s), writeErr: (s: string) => io.stderr.write(s), outputError: () => {} };
  program
    .description('Fit Gaussian mixtures and k-means to numeric tables; complete rating matrices with missing entries.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput(output) // errors are reported once, as one line, by run()
    .configureHelp({
      // Commander lists a command that has options as "name [options] <file>". Every command
      // has some, so one whose options are not added yet is listed as it will be with them.
      subcommandTerm(this: Help, cmd: Command): string {
        const term = Help.prototype.subcommandTerm.call(this, cmd);
        return PENDING.has(cmd) ? `${cmd.name()} [options]${term.slice(cmd.name().length)}` : term;
      },
    });
  for (const spec of COMMANDS) {
    const c = program.command(spec.name, { isDefault: spec.isDefault === true }).description(spec.summary);
    if (spec.argument) c.argument(spec.variadic ? '<files...>' : '<file>', spec.argument);
    PENDING.set(c, () => {
      const { optionsOf } = require('./options') as typeof import('./options');
      for (const o of optionsOf(spec.name)) c.addOption(option(o, spec.name));
    });
    // `gmm-fit help fit` shows fit's help without dispatching to it.
    c.on('beforeHelp', () => addOptions(c));
    c.exitOverride()
      .showSuggestionAfterError(true)
      .configureOutput(output)
      .action(async (...args: unknown[]) => {
        const [file, options] = spec.argument ? [args[0] as string | string[], args[1] as Record<string, unknown>] : [undefined, args[0] as Record<string, unknown>];
        if (Array.isArray(file)) await action(spec.name, undefined, options, file);
        else await action(spec.name, file, options);
      });
  }
  // Before commander parses a command's arguments (or its --help).
  program.hook('preSubcommand', (_program, command) => addOptions(command));
  program.addHelpText('after', EXAMPLES);
  return program;
}
