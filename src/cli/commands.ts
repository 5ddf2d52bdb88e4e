import chalk from 'chalk';
import { DataError, UsageError } from '../core/errors';
import { missingCount, type Matrix } from '../core/matrix';
import { availableParallelism } from 'os';
import type { SweepResult } from '../fit/sweep';
import { sweepParallel } from '../fit/parallel';
import { isSuccessful, MISSING_DATA_MIN_VAR, type FailedFit } from '../fit/fit';
import { readTable } from '../io/read';
import { loadModel } from '../io/model';
import type { Mixture } from '../models/mixture';
import type { InitMethod } from '../core/init';
import { formatTable, type Table } from '../io/table';
import { anyToStdout, checkOutputs, isStdout, writeOutput } from './output';
import { BASELINES, fillBaseline, fillMatrix, scoreAgainstTruth, type Errors } from '../complete';
import { modelDocument, sweepDocument } from './json';
import { bestTable, completionTable, componentTable, fitSummary, iterationTable, sweepTable, type CompletionRow, type Style } from './report';
import { DEFAULT_K, type CommandOptions } from './options';
import { parseKList } from './parsers';
import { wasmKernelAvailable } from '../models/wasm-kernel';
import { EXIT_FAILURE, EXIT_OK, type CliIO } from './io';
import { sweepProgress } from './progress';

function styleFor(options: CommandOptions, io: CliIO): Style {
  const color = options.color !== false && io.stdout.isTTY === true && !io.env.NO_COLOR;
  return { precision: options.precision, chalk: new chalk.Instance({ level: color ? 1 : 0 }) };
}

/** Warnings go to stderr unless --quiet. */
let quiet = false;
function warn(io: CliIO, message: string): void {
  if (!quiet) io.stderr.write(`gmm-fit: warning: ${message}\n`);
}

function readOptions(options: CommandOptions) {
  return { delimiter: options.delimiter, header: options.header, missing: options.missing };
}

/** Read the input, check the options against it, and run every (K, seed) fit; `beforeFit` may check more first. */
async function loadAndSweep(
  file: string,
  options: CommandOptions,
  io: CliIO,
  beforeFit: (table: Table) => Promise<void> = async () => {},
): Promise<{ table: Table; result: SweepResult }> {
  if (options.seed && options.seeds) throw new UsageError('give --seed or --seeds, not both');
  if (file === '-' && options.init === '-') throw new UsageError('the data and --init cannot both be stdin');
  if (options.quiet && options.verbose) throw new UsageError('give --quiet or --verbose, not both');
  quiet = options.quiet === true;
  const table = await readTable(file, readOptions(options), io.stdin);
  const { matrix } = table;
  if (matrix.observed && missingCount(matrix) === matrix.rows * matrix.cols) {
    throw new DataError(`${file === '-' ? '<stdin>' : file}: every cell is missing, so there is nothing to fit`);
  }
  const ks = options.k ?? parseKList(DEFAULT_K).filter((k) => k <= matrix.rows);
  const tooMany = ks.find((k) => k > matrix.rows);
  const source = file === '-' ? '<stdin>' : file;
  if (tooMany !== undefined) {
    throw new UsageError(`--k ${tooMany} is more components than ${source} has rows (${matrix.rows})`);
  }
  if (options.model === 'kmeans' && options.covariance !== 'spherical') {
    throw new UsageError(`--covariance ${options.covariance} goes with --model gaussian; k-means clusters are spherical`);
  }
  if (options.kernel === 'wasm' && !wasmKernelAvailable()) {
    throw new UsageError('--kernel wasm: the WebAssembly kernel is not available here (not built, or this Node has no WebAssembly SIMD); use --kernel js');
  }
  if (options.model === 'kmeans' && matrix.observed) {
    throw new UsageError(`--model kmeans needs complete data, but ${source} has ${missingCount(matrix)} missing cells; use --model gaussian`);
  }
  if (options.init === 'kmeans' && matrix.observed) {
    throw new UsageError(`--init kmeans runs k-means, which needs complete data, but ${source} has ${missingCount(matrix)} missing cells; use --init random or kmeans++`);
  }
  await beforeFit(table);
  const { start, ks: chosenKs } = await warmStart(options, matrix.cols, ks, io.stdin);
  if (start && start.k > matrix.rows) throw new UsageError(`${options.init} has K=${start.k}, more components than ${source} has rows (${matrix.rows})`);
  const seeds = options.seed ?? options.seeds ?? [0];
  const minVar = options.minVar ?? defaultMinVar(options);
  const cores = io.cores ?? availableParallelism();
  if (options.jobs !== undefined && options.jobs > cores) warn(io, `--jobs ${options.jobs} is more than the ${cores} cores here; using ${cores}`);
  const jobs = Math.min(options.jobs ?? cores, cores);
  const progress = sweepProgress(io, options);
  // The columns' names travel with the data, so that messages can name a column.
  const result = await sweepParallel({ ...matrix, columns: table.columns }, {
    onFit: progress.onFit,
    onIteration: options.verbose
      ? (k, seed, iteration, value) => io.stderr.write(`gmm-fit: K=${k} seed=${seed} iteration ${iteration}: ${options.model === 'kmeans' ? 'cost' : 'log-likelihood'} ${value}\n`)
      : undefined,
    jobs,
    kernel: options.kernel,
    model: options.model,
    ks: chosenKs,
    seeds: start ? seeds.slice(0, 1) : seeds, // a warm start is one fit: seeds would only repeat it
    tol: options.tol,
    maxIter: options.maxIter,
    minVar,
    covariance: start?.covariance ?? options.covariance,
    regCovar: options.regCovar,
    init: options.init as InitMethod | 'kmeans',
    start,
    criterion: options.criterion,
  }).finally(() => progress.stop());
  if (!result.selected) {
    // Every fit failed: one error line, with the first reason.
    const first = result.fits[0] as FailedFit;
    const n = result.fits.length;
    throw new DataError(`${n === 1 ? 'the fit' : `all ${n} fits`} failed; K=${first.k} seed=${first.seed}: ${first.error}`);
  }
  const wentBack: string[] = [];
  for (const fit of result.fits) {
    if (!isSuccessful(fit)) warn(io, `K=${fit.k} seed=${fit.seed} failed: ${fit.error}`);
    else if (fit.stop === 'decrease') wentBack.push(`K=${fit.k} seed=${fit.seed}`);
    else if (fit.stop === 'max-iter' && options.tol !== 0) warn(io, `K=${fit.k} seed=${fit.seed} stopped at --max-iter ${options.maxIter} before converging`);
  }
  if (wentBack.length > 0) {
    const what = options.model === 'kmeans' ? 'cost rose' : 'log-likelihood fell';
    warn(
      io,
      `${listed(wentBack)} stopped because the ${what} by more than rounding, so ${wentBack.length === 1 ? 'it is' : 'they are'} not converged: ` +
        'EM with a variance floor, --reg-covar or the course\'s mean rule is not always monotone (--tol 0 --max-iter N runs on past it)',
    );
  }
  const floored = result.fits.filter((f) => isSuccessful(f) && f.flooredVariances > 0).length;
  if (floored > 0 && minVar !== undefined) {
    const chosen = result.selected.flooredVariances;
    warn(
      io,
      `the variance floor ${minVar} (--min-var${options.minVar === undefined ? ", the course's default for --missing 0 ratings" : ''}) held up variances in ${floored} of ${result.fits.length} fits` +
        (chosen > 0 ? `, ${chosen} of them in the selected fit` : ''),
    );
  }
  return { table, result };
}

/** At most a few items, then how many more. */
function listed(items: string[], most = 5): string {
  return items.length <= most ? items.join(', ') : `${items.slice(0, most).join(', ')} and ${items.length - most} more fits`;
}

/**
 * The course's floor of 0.25 applies to its ratings convention only: cells written 0
 * mean "not rated" (`--missing 0`), on a 1–5 scale. Any other data has no floor unless
 * --min-var is given: a fixed 0.25 would clamp every variance of data on a small scale.
 */
function defaultMinVar(options: CommandOptions): number | undefined {
  const zeroMarksMissing = (options.missing ?? []).some((marker) => /^[+-]?0*(\.0*)?$/.test(marker.trim()) && /0/.test(marker));
  return zeroMarksMissing ? MISSING_DATA_MIN_VAR : undefined;
}

const INIT_NAMES = ['random', 'kmeans++', 'kmeans'];

/** `--init FILE.json`: the saved model, checked against the data and the other options; its K is the only K. */
async function warmStart(options: CommandOptions, d: number, ks: number[], stdin: NodeJS.ReadableStream): Promise<{ start?: Mixture; ks: number[] }> {
  if (INIT_NAMES.includes(options.init)) return { ks };
  if (options.init !== '-' && !options.init.toLowerCase().endsWith('.json')) {
    throw new UsageError(`--init takes random, kmeans++, kmeans, a model FILE.json or - (a model on stdin); got "${options.init}"`);
  }
  const start = (await loadModel(options.init, stdin, d)).mixture;
  if (options.model === 'kmeans') throw new UsageError('--init FILE.json warm-starts a Gaussian fit, not --model kmeans');
  if (options.covariance !== 'spherical' && options.covariance !== start.covariance) {
    throw new UsageError(`--covariance ${options.covariance} does not match the ${start.covariance} model in ${options.init}`);
  }
  if (options.k && (options.k.length !== 1 || options.k[0] !== start.k)) {
    throw new UsageError(`--k ${options.k.join(',')} does not match the K=${start.k} of ${options.init}; leave --k out`);
  }
  return { start, ks: [start.k] };
}

function humanReport(result: SweepResult, style: Style): string {
  const selected = result.selected!;
  if (result.fits.length === 1) {
    return [iterationTable(selected, style), componentTable(selected, style), fitSummary(selected, style)].join('\n') + '\n';
  }
  return [
    sweepTable(result.fits, style),
    bestTable(result, style),
    `selected: ${fitSummary(selected, style)}`,
    componentTable(selected, style),
  ].join('\n') + '\n';
}

/** `gmm-fit fit FILE`: fit, sweep, select; tables or JSON on stdout; --out writes the selected fit. */
export async function fitCommand(file: string, options: CommandOptions, io: CliIO): Promise<number> {
  const outputs = { '--out': options.out, '--plot': options.plot };
  checkOutputs(outputs);
  const { table, result } = await loadAndSweep(file, options, io);
  if (options.out) await writeOutput(io, options.out, JSON.stringify(modelDocument(result.selected!, table, { ...options }), null, 2) + '\n');
  if (options.plot) await writeOutput(io, options.plot, sweepSvg(result, file));
  // A model or a plot on stdout moves the report to stderr, so stdout stays one document.
  const report = anyToStdout(outputs) ? io.stderr : io.stdout;
  report.write(options.json ? JSON.stringify(sweepDocument(file, table, result)) + '\n' : humanReport(result, styleFor(options, io)));
  return EXIT_OK;
}

/** The sweep's LL, BIC and AIC against K as an SVG, the selected K marked. */
function sweepSvg(result: SweepResult, file: string): string {
  const { sweepPlotSvg } = require('../plot/sweep-plot') as typeof import('../plot/sweep-plot');
  return sweepPlotSvg(result.best, result.selected!.k, result.criterion, { title: `${file === '-' ? '<stdin>' : file}: log-likelihood, BIC and AIC against K` });
}

/** `gmm-fit plot-sweep FILE`: the sweep as an SVG (to --out, else stdout); on a terminal without --out, a text chart. */
export async function plotSweepCommand(file: string, options: CommandOptions, io: CliIO): Promise<number> {
  checkOutputs({ '--out': options.out });
  const { result } = await loadAndSweep(file, options, io);
  if (options.out && isStdout(options.out)) {
    await writeOutput(io, options.out, sweepSvg(result, file));
  } else if (options.out) {
    await writeOutput(io, options.out, sweepSvg(result, file));
    io.stdout.write(`sweep plot written to ${options.out}\n`);
  } else if (io.stdout.isTTY) {
    const { sweepTextChart } = require('../plot/text-chart') as typeof import('../plot/text-chart');
    io.stdout.write(sweepTextChart(result.best, result.selected!.k, result.criterion) + '\n');
  } else {
    io.stdout.write(sweepSvg(result, file));
  }
  return EXIT_OK;
}

/** `gmm-fit complete FILE`: fit, fill the missing cells, and score against --truth with baselines. */
export async function completeCommand(file: string, options: CommandOptions, io: CliIO): Promise<number> {
  checkOutputs({ '--out': options.out });
  if (options.json && !options.out) {
    throw new UsageError('complete --json prints the report on stdout, so the completed matrix needs --out FILE (or --out - for stdout, the report then going to stderr)');
  }
  // The matrix goes to stdout without --out or with --out -; the report then goes to stderr.
  const matrixToStdout = !options.out || isStdout(options.out);
  // The truth is read and checked before the fit, so a wrong file fails at once.
  let truth: Matrix | null = null;
  const readTruth = async (table: Table) => {
    if (!options.truth) return;
    if (options.truth === '-' && file === '-') throw new UsageError('the input and --truth cannot both be stdin');
    const input = table.matrix;
    truth = (await readTable(options.truth, readOptions(options), io.stdin)).matrix;
    if (truth.rows !== input.rows || truth.cols !== input.cols) {
      throw new DataError(`${options.truth}: the truth is ${truth.rows}×${truth.cols}, but ${file} is ${input.rows}×${input.cols}`);
    }
    const unknown = missingCount(truth);
    if (unknown > 0) {
      warn(io, `${options.truth} has ${unknown} missing cells: they count as 0 in the all-cells RMSE (the course's figure) and are left out of the missing-cells RMSE`);
    }
  };
  const { table, result } = await loadAndSweep(file, options, io, readTruth);
  const input = table.matrix;
  const selected = result.selected!;
  if (!input.observed) warn(io, `${file} has no missing cells: the completed matrix is the input`);
  const filled = fillMatrix(input, selected.mixture, result.data);

  let rows: CompletionRow[] | null = null;
  const known = truth as Matrix | null; // assigned inside readTruth, which TypeScript cannot see
  if (known) {
    rows = [
      { name: `mixture (K=${selected.k}, seed ${selected.seed})`, errors: scoreAgainstTruth(filled, input, known) },
      ...BASELINES.map((b) => ({ name: `${b} mean`, errors: scoreAgainstTruth(fillBaseline(input, b), input, known) })),
    ];
    if (rows[0].errors.rmseMissing === null) {
      warn(io, `${options.truth} knows none of the ${missingCount(input)} cells missing from ${file}: the missing-cells RMSE is n/a, and no prediction is marked best`);
    }
  }

  const text = formatTable(filled, input.rows, input.cols, table.delimiter, table.columns);
  if (!matrixToStdout) await writeOutput(io, options.out!, text);

  if (options.json) {
    const scores = (e: Errors) => ({ rmse: e.rmse, rmseMissing: e.rmseMissing });
    const completion = {
      output: options.out,
      filledCells: missingCount(input),
      ...(rows
        ? {
            ...scores(rows[0].errors),
            scoredMissingCells: rows[0].errors.missingCells,
            baselines: Object.fromEntries(BASELINES.map((b, i) => [b, scores(rows![i + 1].errors)])),
          }
        : {}),
    };
    (matrixToStdout ? io.stderr : io.stdout).write(JSON.stringify({ ...sweepDocument(file, table, result), completion }) + '\n');
    if (matrixToStdout) await writeOutput(io, '-', text);
    return EXIT_OK;
  }

  // Without --out the matrix is the result on stdout, and the report goes to stderr.
  const style = styleFor(options, io);
  const report = humanReport(result, style) + (rows ? completionTable(rows, style) + '\n' : '');
  if (!matrixToStdout) {
    io.stdout.write(report + `completed matrix written to ${options.out}\n`);
  } else {
    io.stderr.write(report);
    await writeOutput(io, '-', text);
  }
  return result.fits.every(isSuccessful) || result.selected ? EXIT_OK : EXIT_FAILURE;
}
