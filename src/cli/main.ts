import { existsSync } from 'fs';
import { CommanderError, type Command } from 'commander';
import { assertUnreachable, DataError, UsageError } from '../core/errors';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliIO } from './io';
import { addAllOptions, buildProgram } from './program';
import type { CommandRequest } from './validate';
import type { Reporter } from './commands/reporter';


function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/** Runs a validated command; its module is loaded only then, so --help starts fast. */
function dispatch(request: CommandRequest, io: CliIO, warnings: Reporter): Promise<number> {
  switch (request.command) {
    case 'fit':
    case 'complete':
    case 'plot-sweep': {
      const sweep = require('./commands/sweep') as typeof import('./commands/sweep');
      const command = { fit: sweep.fitCommand, complete: sweep.completeCommand, 'plot-sweep': sweep.plotSweepCommand }[request.command];
      return command(request, io, warnings);
    }
    case 'predict':
    case 'score':
    case 'plot': {
      const apply = require('./commands/apply') as typeof import('./commands/apply');
      const command = { predict: apply.predictCommand, score: apply.scoreCommand, plot: apply.plotCommand }[request.command];
      return command(request, io);
    }
    case 'sample':
      return (require('./commands/apply') as typeof import('./commands/apply')).sampleCommand(request, io);
    case 'fit-ratings':
    case 'complete-ratings': {
      const ratings = require('./commands/ratings') as typeof import('./commands/ratings');
      return (request.command === 'fit-ratings' ? ratings.fitRatingsCommand : ratings.completeRatingsCommand)(request, io, warnings);
    }
    case 'recommend':
      return (require('./commands/ratings') as typeof import('./commands/ratings')).recommendCommand(request, io, warnings);
    case 'start':
    case 'estep':
    case 'mstep': {
      const shards = require('./commands/shards') as typeof import('./commands/shards');
      if (request.command === 'start') return shards.startCommand(request, io);
      return request.command === 'estep' ? shards.estepCommand(request, io) : shards.mstepCommand(request, io);
    }
    default:
      return assertUnreachable(request);
  }
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
  addAllOptions(program);
  const command = commandOf(program, args);
  const own = new Set([...command.options, ...program.options].map((o) => o.long).filter((f): f is string => !!f));
  const owners = program.commands.filter((c) => c !== command && c.options.some((o) => o.long === unknown)).map((c) => c.name());
  const base = oneLine(message).replace(/ \(Did you mean [^)]*\)$/, '');
  if (owners.length > 0) return `${base} for ${command.name()}: ${unknown} belongs to ${owners.length > 1 ? `${owners.slice(0, -1).join(', ')} and ${owners[owners.length - 1]}` : owners[0]}`;
  const best = closest(unknown, own);
  return best ? `${base} (Did you mean ${best}?)` : base;
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
  // The command modules load only when a command runs, so --help starts fast.
  const program = buildProgram(io, async (command, file, options, files) => {
    const { validate } = require('./validate') as typeof import('./validate');
    const { reporter } = require('./commands/reporter') as typeof import('./commands/reporter');
    const request = validate(command, file, options, files);
    code = await dispatch(request, io, reporter(io, options.quiet === true));
  });
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
