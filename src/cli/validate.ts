import * as path from 'path';
import { UsageError } from '../core/errors';
import type { FitRequest } from '../app/fit';
import type { ReadOptions } from '../io/table';
import type { StartMethod } from '../app/defaults';
import type { CommandName } from './options';
import type { RatingsRequest } from '../app/ratings';
import type { ColumnRef } from '../io/columns';
import type { ShardReadGiven, ShardStartRequest } from '../app/shards';

type ColumnChoice = { readonly index: number } | { readonly name: string };

/** How the human output looks and how chatty the run is. */
export interface Display {
  readonly json: boolean;
  readonly precision: number;
  /** Tables are not cut to the terminal's width. */
  readonly wide: boolean;
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
  /** fit --labels FILE: the selected fit's component of each row (with proba, the posteriors). */
  readonly labels?: string;
  readonly proba: boolean;
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
  readonly dims?: readonly string[];
  /** predict --truth-labels FILE: known classes, one a line. */
  readonly truthLabels?: string;
}

/** sample: rows drawn from a saved model. */
export interface SampleCommand {
  readonly command: 'sample';
  readonly modelFile: string;
  readonly n: number;
  readonly seed: number;
  /** Each row's component as a first column. */
  readonly labels: boolean;
}

/** How a ratings file is read: the columns, the delimiter and header, and what a pair rated twice means. */
export interface RatingsRead {
  readonly delimiter?: ReadOptions['delimiter'];
  readonly header?: boolean;
  readonly user?: ColumnChoice;
  readonly item?: ColumnChoice;
  readonly rating?: ColumnChoice;
  readonly duplicates: 'error' | 'mean' | 'last';
  readonly decimalComma?: boolean;
}

/** fit and complete with --ratings: rating triplets, the sparse EM, the held-out report. */
export interface RatingsCommand {
  readonly command: 'fit-ratings' | 'complete-ratings';
  readonly file: string;
  readonly read: RatingsRead;
  readonly fit: RatingsRequest;
  readonly test?: string;
  readonly pairs?: string;
  readonly out?: string;
  readonly display: Display;
}

/** recommend: the top items of each user under a ratings model. */
export interface RecommendCommand {
  readonly command: 'recommend';
  readonly file: string;
  readonly modelFile: string;
  readonly read: RatingsRead;
  readonly top: number;
  readonly users?: readonly string[];
  readonly out?: string;
}

/** start: the random start over the shards, written as the model of iteration 0. */
export interface StartCommand {
  readonly command: 'start';
  readonly shards: readonly string[];
  readonly start: ShardStartRequest;
  readonly out: string;
  readonly quiet: boolean;
}

/** estep: one shard's E-step under a model started over shards. */
export interface EStepCommand {
  readonly command: 'estep';
  readonly shard: string;
  readonly modelFile: string;
  /** The reading options given (each must be the start's). */
  readonly read: ShardReadGiven;
  readonly stats: string;
  readonly quiet: boolean;
}

/** mstep: the shards' statistics added up, the M-step, the new model. */
export interface MStepCommand {
  readonly command: 'mstep';
  readonly stats: readonly string[];
  readonly modelFile: string;
  readonly out: string;
  readonly quiet: boolean;
}

export type CommandRequest = SweepCommand | ApplyCommand | SampleCommand | RatingsCommand | RecommendCommand | StartCommand | EStepCommand | MStepCommand;

const START_METHODS: ReadonlyArray<StartMethod | 'all'> = ['random', 'kmeans++', 'kmeans', 'hc', 'all'];

/** The reading options, as the table reader takes them. */
function readOptions(o: Record<string, unknown>): ReadOptions {
  const select = {
    ...(o.columns ? { keep: o.columns as ColumnRef[] } : {}),
    ...(o.ignoreColumns ? { ignore: o.ignoreColumns as ColumnRef[] } : {}),
    ...(o.idColumn ? { id: o.idColumn as ColumnRef } : {}),
    ...(o.labelsColumn ? { labels: o.labelsColumn as ColumnRef } : {}),
  };
  return {
    delimiter: o.delimiter as ReadOptions['delimiter'],
    header: o.header as boolean | undefined,
    missing: o.missing as string[] | undefined,
    ...(o.decimalComma ? { decimalComma: true } : {}),
    ...(Object.keys(select).length > 0 ? { select } : {}),
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

/** The options only ratings mode takes, by their flags, for the message when one comes without --ratings. */
const RATINGS_ONLY: ReadonlyArray<[string, string]> = [
  ['userCol', '--user-col'],
  ['itemCol', '--item-col'],
  ['ratingCol', '--rating-col'],
  ['center', '--center'],
  ['meanPrior', '--mean-prior'],
  ['clip', '--clip'],
  ['test', '--test'],
  ['holdout', '--holdout'],
  ['validation', '--validation'],
  ['pairs', '--pairs'],
  ['duplicates', '--duplicates'],
  ['splitSeed', '--split-seed'],
];

/** Options that ratings mode does not take (the dense table's), by their flags. */
const DENSE_ONLY: ReadonlyArray<[string, string]> = [
  ['missing', '--missing'],
  ['columns', '--columns'],
  ['ignoreColumns', '--ignore-columns'],
  ['idColumn', '--id-column'],
  ['labelsColumn', '--labels-column'],
  ['truth', '--truth'],
  ['standardize', '--standardize'],
  ['covFloor', '--cov-floor'],
  ['plot', '--plot'],
  ['labels', '--labels'],
];

function ratingsRead(o: Record<string, unknown>): RatingsRead {
  return {
    delimiter: o.delimiter as ReadOptions['delimiter'],
    header: o.header as boolean | undefined,
    user: o.userCol as ColumnChoice | undefined,
    item: o.itemCol as ColumnChoice | undefined,
    rating: o.ratingCol as ColumnChoice | undefined,
    duplicates: (o.duplicates as RatingsRead['duplicates']) ?? 'error',
    ...(o.decimalComma ? { decimalComma: true } : {}),
  };
}

function display(o: Record<string, unknown>): Display {
  return { json: o.json === true, precision: o.precision as number, wide: o.wide === true, color: o.color !== false, quiet: o.quiet === true, verbose: o.verbose === true };
}

/** fit or complete with --ratings. */
function ratingsCommand(command: 'fit' | 'complete', file: string, o: Record<string, unknown>): RatingsCommand {
  const other = DENSE_ONLY.find(([key]) => o[key] !== undefined && o[key] !== false);
  if (other) throw new UsageError(`${other[1]} is for tables; with --ratings the unrated pairs are the missing cells`);
  if (o.model === 'kmeans') throw new UsageError('--model kmeans does not run on rating rows (--ratings); use --model gaussian');
  if (o.init !== undefined && o.init !== 'random') throw new UsageError(`--init ${String(o.init)}: ratings mode starts from random users' ratings (the course's start) only`);
  if (o.test !== undefined && o.holdout !== undefined) throw new UsageError('--test and --holdout are two ways of holding ratings out; give one');
  if (o.pairs !== undefined && (o.test !== undefined || o.holdout !== undefined)) throw new UsageError('--pairs lists pairs to predict without their ratings; with --test or --holdout the held-out pairs are predicted');
  if (o.pairs !== undefined && command !== 'complete') throw new UsageError('--pairs goes with complete --ratings');
  if (o.validation !== undefined && (o.criterion ?? (o.center === 'none' ? 'bic' : 'rmse')) !== 'rmse') throw new UsageError('--validation goes with --criterion rmse (the default with --ratings, unless --center none)');
  if (command === 'complete' && o.test === undefined && o.holdout === undefined && o.pairs === undefined) {
    throw new UsageError('complete --ratings predicts held-out pairs: give --test FILE, --holdout FRACTION or --pairs FILE');
  }
  if (command === 'complete' && o.json && !o.out) throw new UsageError('complete --json prints the report on stdout, so the predictions need --out FILE');
  oneStdin({ 'the ratings': file, '--test': o.test as string | undefined, '--pairs': o.pairs as string | undefined });
  checkOutputs({ '--out': o.out as string | undefined });
  if (o.seed && o.seeds) throw new UsageError('give --seed or --seeds, not both');
  if (o.quiet && o.verbose) throw new UsageError('give --quiet or --verbose, not both');
  const fit: RatingsRequest = {
    covariance: o.covariance as RatingsRequest['covariance'],
    k: o.k as number[] | undefined,
    seeds: (o.seed ?? o.seeds) as number[] | undefined,
    tol: o.tol as number | undefined,
    maxIter: o.maxIter as number | undefined,
    minVar: o.minVar as number | undefined,
    regCovar: o.regCovar as number | undefined,
    criterion: o.criterion as RatingsRequest['criterion'],
    center: o.center as RatingsRequest['center'],
    meanPrior: o.meanPrior as number | undefined,
    ...(o.clip !== undefined ? { clip: o.clip as RatingsRequest['clip'] } : {}),
    holdout: o.holdout as number | undefined,
    splitSeed: o.splitSeed as number | undefined,
    validation: o.validation as number | undefined,
    jobs: o.jobs as number | undefined,
    kernel: o.kernel as RatingsRequest['kernel'],
    ...(o.accelerate ? { accelerate: true } : {}),
  };
  return {
    command: command === 'fit' ? 'fit-ratings' : 'complete-ratings',
    file,
    read: ratingsRead(o),
    fit,
    test: o.test as string | undefined,
    pairs: o.pairs as string | undefined,
    out: o.out as string | undefined,
    display: display(o),
  };
}

/** The options given, without the ones left undefined (an E-step's are each checked against the start's). */
function given<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The reading options of start and estep: a table's, or with --ratings the triplets'; the other kind's are refused. */
function shardReading(o: Record<string, unknown>, duplicatesDefault: boolean): { table?: ReadOptions; triplets?: RatingsRead } {
  if (o.ratings) {
    const other = DENSE_ONLY.find(([key]) => o[key] !== undefined && o[key] !== false);
    if (other) throw new UsageError(`${other[1]} is for tables; with --ratings the unrated pairs are the missing cells`);
    const read = ratingsRead(o);
    return { triplets: duplicatesDefault ? read : given({ ...read, duplicates: o.duplicates as RatingsRead['duplicates'] }) };
  }
  const ratingsOnly = RATINGS_ONLY.find(([key]) => o[key] !== undefined);
  if (ratingsOnly) throw new UsageError(`${ratingsOnly[1]} goes with --ratings (rating triplets)`);
  return { table: given(readOptions(o)) };
}

/** start, estep and mstep: EM over shards of the rows. */
function shardCommand(command: 'start' | 'estep' | 'mstep', file: string | undefined, o: Record<string, unknown>, files: readonly string[]): StartCommand | EStepCommand | MStepCommand {
  const quiet = o.quiet === true;
  if (command === 'start') {
    const out = o.out as string | undefined;
    if (out === undefined) throw new UsageError('start needs --out FILE: the model of iteration 0, for estep and mstep');
    checkOutputs({ '--out': out });
    const reading = shardReading(o, true);
    const start: ShardStartRequest = {
      k: o.k as number,
      seed: o.seed as number,
      covariance: o.covariance as ShardStartRequest['covariance'],
      tol: o.tol as number | undefined,
      maxIter: o.maxIter as number | undefined,
      minVar: o.minVar as number | undefined,
      regCovar: o.regCovar as number | undefined,
      covFloor: o.covFloor as number | undefined,
      ...(reading.table ? { read: reading.table } : { ratings: reading.triplets, center: o.center as ShardStartRequest['center'] }),
      meanPrior: o.meanPrior as number | undefined,
    };
    return { command, shards: files, start, out, quiet };
  }
  const modelFile = o.modelFile as string;
  if (modelFile === '-') throw new UsageError(`${command} reads the model from a file (its digest names it in the statistics), not - (stdin)`);
  if (command === 'estep') {
    const stats = o.stats as string;
    if (stats === '-' || stats === '/dev/stdout') throw new UsageError('--stats needs a file: the statistics are binary, written whole (a temporary file beside it, then a rename)');
    checkOutputs({ '--stats': stats });
    const reading = shardReading(o, false);
    return { command, shard: file!, modelFile, read: { ratings: o.ratings === true ? true : undefined, ...reading }, stats, quiet };
  }
  const out = o.out as string | undefined;
  if (out === undefined) throw new UsageError('mstep needs --out FILE: the new model');
  checkOutputs({ '--out': out });
  const named = files.find((f) => f === '-');
  if (named) throw new UsageError('the statistics are files (estep --stats), not - (stdin)');
  return { command, stats: files, modelFile, out, quiet };
}

/**
 * Turns what commander parsed into a request, checking every clash between options
 * that the data need not be read for. Pure: no files, no process.
 */
export function validate(command: CommandName, file: string | undefined, o: Record<string, unknown>, files: readonly string[] = []): CommandRequest {
  if (command === 'start' || command === 'estep' || command === 'mstep') return shardCommand(command, file, o, files);
  if (command === 'sample') return { command, modelFile: o.modelFile as string, n: o.n as number, seed: o.seed as number, labels: o.labels === true };
  if (command === 'recommend') {
    oneStdin({ 'the ratings': file, '--model-file': o.modelFile as string });
    checkOutputs({ '--out': o.out as string | undefined });
    return { command, file: file!, modelFile: o.modelFile as string, read: ratingsRead(o), top: o.top as number, users: o.user as string[] | undefined, out: o.out as string | undefined };
  }
  if ((command === 'fit' || command === 'complete') && o.ratings) return ratingsCommand(command, file!, o);
  const ratingsOnly = RATINGS_ONLY.find(([key]) => o[key] !== undefined);
  if (ratingsOnly) throw new UsageError(`${ratingsOnly[1]} goes with --ratings (rating triplets)`);
  if (o.criterion === 'rmse') throw new UsageError('--criterion rmse scores held-out ratings: it goes with --ratings');
  if (command === 'predict' || command === 'score' || command === 'plot') {
    oneStdin({ 'the data': file, '--model-file': o.modelFile as string, '--truth-labels': o.truthLabels as string | undefined });
    checkOutputs({ '--out': o.out as string | undefined });
    if (o.truthLabels && o.labelsColumn) throw new UsageError('give --labels-column or --truth-labels, not both');
    return {
      command,
      file: file!,
      modelFile: o.modelFile as string,
      read: readOptions(o),
      format: (o.format as ApplyCommand['format']) ?? 'csv',
      proba: o.proba === true,
      out: o.out as string | undefined,
      dims: o.dims as string[] | undefined,
      truthLabels: o.truthLabels as string | undefined,
    };
  }
  if (o.seed && o.seeds) throw new UsageError('give --seed or --seeds, not both');
  if (o.quiet && o.verbose) throw new UsageError('give --quiet or --verbose, not both');
  const init = o.init as string;
  const initFile = START_METHODS.includes(init as StartMethod | 'all') ? undefined : init;
  if (initFile !== undefined && initFile !== '-' && !initFile.toLowerCase().endsWith('.json')) {
    throw new UsageError(`--init takes random, kmeans++, kmeans, hc, all, a model FILE.json or - (a model on stdin); got "${init}"`);
  }
  if (initFile !== undefined && o.model === 'kmeans') throw new UsageError('--init FILE.json warm-starts a Gaussian fit, not --model kmeans');
  if (o.accelerate && o.model === 'kmeans') throw new UsageError('--accelerate extrapolates EM steps of a Gaussian fit, not --model kmeans');
  oneStdin({ 'the data': file, '--init': initFile, '--truth': o.truth as string | undefined });
  const out = o.out as string | undefined;
  checkOutputs({ '--out': out, '--plot': o.plot as string | undefined, '--labels': o.labels as string | undefined });
  if (command === 'complete' && o.json && !out) {
    throw new UsageError('complete --json prints the report on stdout, so the completed matrix needs --out FILE (or --out - for stdout, the report then going to stderr)');
  }
  if (command === 'plot-sweep' && o.json && (!out || out === '-' || out === '/dev/stdout')) {
    throw new UsageError('plot-sweep --json prints the document on stdout, so the SVG needs --out FILE');
  }
  if (o.proba && !o.labels) throw new UsageError('--proba goes with --labels FILE (the posteriors are written beside the labels)');
  const fit: FitRequest = {
    model: o.model as FitRequest['model'],
    covariance: o.covariance as FitRequest['covariance'], // a list, from choiceList
    k: o.k as number[] | undefined,
    seeds: (o.seed ?? o.seeds) as number[] | undefined,
    init: initFile === undefined ? (init as StartMethod | 'all') : undefined,
    startName: initFile === '-' ? '<stdin>' : initFile,
    tol: o.tol as number | undefined,
    maxIter: o.maxIter as number | undefined,
    minVar: o.minVar as number | undefined,
    regCovar: o.regCovar as number | undefined,
    covFloor: o.covFloor as number | undefined,
    criterion: o.criterion as FitRequest['criterion'],
    jobs: o.jobs as number | undefined,
    kernel: o.kernel as FitRequest['kernel'],
    ...(o.standardize ? { standardize: true } : {}),
    ...(o.accelerate ? { accelerate: true } : {}),
  };
  return {
    command,
    file: file!,
    read: readOptions(o),
    fit,
    initFile,
    out,
    plot: o.plot as string | undefined,
    labels: o.labels as string | undefined,
    proba: o.proba === true,
    truth: o.truth as string | undefined,
    display: {
      json: o.json === true,
      precision: o.precision as number,
      wide: o.wide === true,
      color: o.color !== false,
      quiet: o.quiet === true,
      verbose: o.verbose === true,
    },
  };
}
