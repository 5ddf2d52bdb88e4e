import * as path from 'path';
import { UsageError } from '../core/errors';
import type { FitRequest } from '../app/fit';
import type { ReadOptions } from '../io/table';
import type { StartMethod } from '../app/defaults';
import type { CommandName } from './options';

/** How the human output looks and how chatty the run is. */
export interface Display {
  readonly json: boolean;
  readonly precision: number;
  readonly color: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
}

/** fit, complete and plot-sweep: read a table, sweep, report. */
export interface SweepCommand {
  readonly command: 'fit' | 'complete' | 'plot-sweep';
  readonly file: string;
  readonly read: ReadOptions;
  readonly fit: FitRequest;
  /** --init FILE.json or -: the model to warm-start from. */
  readonly initFile?: string;
  readonly out?: string;
  readonly plot?: string;
  readonly truth?: string;
  readonly display: Display;
}

/** predict, score and plot: a table under a saved model. */
export interface ApplyCommand {
  readonly command: 'predict' | 'score' | 'plot';
  readonly file: string;
  readonly modelFile: string;
  readonly read: ReadOptions;
  readonly format: 'csv' | 'tsv' | 'json';
  readonly proba: boolean;
  readonly out?: string;
  readonly dims?: readonly number[];
}

/** sample: rows drawn from a saved model. */
export interface SampleCommand {
  readonly command: 'sample';
  readonly modelFile: string;
  readonly n: number;
  readonly seed: number;
}

export type CommandRequest = SweepCommand | ApplyCommand | SampleCommand;

const START_METHODS: readonly StartMethod[] = ['random', 'kmeans++', 'kmeans'];

/** The reading options, as the table reader takes them. */
function readOptions(o: Record<string, unknown>): ReadOptions {
  return {
    delimiter: o.delimiter as ReadOptions['delimiter'],
    header: o.header as boolean | undefined,
    missing: o.missing as string[] | undefined,
    ...(o.decimalComma ? { decimalComma: true } : {}),
  };
}

/**
 * The output paths of a command: none empty, and no two the same (`--out F --plot F`,
 * `./F` and `F`, or both `-`, standard output).
 */
function checkOutputs(outputs: Record<string, string | undefined>): void {
  const seen = new Map<string, string>();
  for (const [flag, target] of Object.entries(outputs)) {
    if (target === undefined) continue;
    if (target.trim() === '') throw new UsageError(`${flag} needs a file name, or - for standard output`);
    const id = target === '-' || target === '/dev/stdout' ? '-' : path.normalize(target);
    const other = seen.get(id);
    if (other) throw new UsageError(`${other} and ${flag} both write to ${id === '-' ? 'standard output' : target}; give them different files`);
    seen.set(id, flag);
  }
}

/** Two inputs cannot both be standard input. */
function oneStdin(inputs: Record<string, string | undefined>): void {
  const named = Object.entries(inputs).filter(([, value]) => value === '-').map(([name]) => name);
  if (named.length > 1) throw new UsageError(`${named.join(' and ')} cannot both be stdin`);
}

/**
 * Turns what commander parsed into a request, checking every clash between options
 * that the data need not be read for. Pure: no files, no process.
 */
export function validate(command: CommandName, file: string | undefined, o: Record<string, unknown>): CommandRequest {
  if (command === 'sample') return { command, modelFile: o.modelFile as string, n: o.n as number, seed: o.seed as number };
  if (command === 'predict' || command === 'score' || command === 'plot') {
    oneStdin({ 'the data': file, '--model-file': o.modelFile as string });
    checkOutputs({ '--out': o.out as string | undefined });
    return {
      command,
      file: file!,
      modelFile: o.modelFile as string,
      read: readOptions(o),
      format: (o.format as ApplyCommand['format']) ?? 'csv',
      proba: o.proba === true,
      out: o.out as string | undefined,
      dims: o.dims as number[] | undefined,
    };
  }
  if (o.seed && o.seeds) throw new UsageError('give --seed or --seeds, not both');
  if (o.quiet && o.verbose) throw new UsageError('give --quiet or --verbose, not both');
  const init = o.init as string;
  const initFile = START_METHODS.includes(init as StartMethod) ? undefined : init;
  if (initFile !== undefined && initFile !== '-' && !initFile.toLowerCase().endsWith('.json')) {
    throw new UsageError(`--init takes random, kmeans++, kmeans, a model FILE.json or - (a model on stdin); got "${init}"`);
  }
  if (initFile !== undefined && o.model === 'kmeans') throw new UsageError('--init FILE.json warm-starts a Gaussian fit, not --model kmeans');
  oneStdin({ 'the data': file, '--init': initFile, '--truth': o.truth as string | undefined });
  const out = o.out as string | undefined;
  checkOutputs({ '--out': out, '--plot': o.plot as string | undefined });
  if (command === 'complete' && o.json && !out) {
    throw new UsageError('complete --json prints the report on stdout, so the completed matrix needs --out FILE (or --out - for stdout, the report then going to stderr)');
  }
  const fit: FitRequest = {
    model: o.model as FitRequest['model'],
    covariance: o.covariance as FitRequest['covariance'],
    k: o.k as number[] | undefined,
    seeds: (o.seed ?? o.seeds) as number[] | undefined,
    init: initFile === undefined ? (init as StartMethod) : undefined,
    startName: initFile === '-' ? '<stdin>' : initFile,
    tol: o.tol as number | undefined,
    maxIter: o.maxIter as number | undefined,
    minVar: o.minVar as number | undefined,
    regCovar: o.regCovar as number | undefined,
    criterion: o.criterion as FitRequest['criterion'],
    jobs: o.jobs as number | undefined,
    kernel: o.kernel as FitRequest['kernel'],
  };
  return {
    command,
    file: file!,
    read: readOptions(o),
    fit,
    initFile,
    out,
    plot: o.plot as string | undefined,
    truth: o.truth as string | undefined,
    display: {
      json: o.json === true,
      precision: o.precision as number,
      color: o.color !== false,
      quiet: o.quiet === true,
      verbose: o.verbose === true,
    },
  };
}
