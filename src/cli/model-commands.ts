import { UsageError } from '../core/errors';
import { readTable } from '../io/read';
import { loadModel } from '../io/model';
import { formatTable, type Delimiter } from '../io/table';
import { prepareData } from '../models/data';
import { freeParameters } from '../models/mixture';
import { expectationOf } from '../fit/fit';
import { aic, bic } from '../fit/criteria';
import { sampleBlocks } from '../sample';
import { EXIT_OK, type CliIO } from './io';
import { checkOutputs, writeChunks, writeOutput } from './output';

/** Options of the commands that apply a saved model. */
export interface ModelCommandOptions {
  modelFile: string;
  format: 'csv' | 'tsv' | 'json';
  proba?: boolean;
  missing?: string[];
  delimiter?: Delimiter;
  header?: boolean;
  n?: number;
  seed?: number[];
  out?: string;
  dims?: number[];
}

/** The data and the model it is checked against. */
async function dataAndModel(file: string, options: ModelCommandOptions, io: CliIO) {
  if (file === '-' && options.modelFile === '-') throw new UsageError('the data and --model-file cannot both be stdin');
  const table = await readTable(file, { delimiter: options.delimiter, header: options.header, missing: options.missing }, io.stdin);
  const { mixture } = await loadModel(options.modelFile, io.stdin, table.matrix.cols);
  const data = prepareData(table.matrix);
  return { table, mixture, ...expectationOf(data, mixture) };
}

/** Rows per piece of text: output is written piece by piece, never built as one string. */
const ROWS_PER_PIECE = 16384;

/** A rows × cols table (row-major `values`) with its header, as pieces of CSV or TSV text. */
function* tablePieces(head: string[], rows: number, cols: number, values: Float64Array, format: 'csv' | 'tsv'): Generator<string> {
  const delimiter = format === 'csv' ? ',' : '\t';
  for (let from = 0; from < rows || from === 0; from += ROWS_PER_PIECE) {
    const to = Math.min(rows, from + ROWS_PER_PIECE);
    yield formatTable(values.subarray(from * cols, to * cols), to - from, cols, delimiter, from === 0 ? head : null);
    if (to >= rows) break;
  }
}

/** A JSON array of `count` items, as pieces of text. */
function* jsonArrayPieces(count: number, item: (i: number) => string): Generator<string> {
  yield '[';
  for (let from = 0; from < count; from += ROWS_PER_PIECE) {
    const to = Math.min(count, from + ROWS_PER_PIECE);
    const parts: string[] = [];
    for (let i = from; i < to; i++) parts.push(item(i));
    yield (from > 0 ? ',' : '') + parts.join(',');
  }
  yield ']';
}

function writeRows(io: CliIO, head: string[], rows: number, cols: number, values: Float64Array, format: 'csv' | 'tsv'): Promise<void> {
  return writeChunks(io.stdout, tablePieces(head, rows, cols, values, format));
}

/** `gmm-fit predict`: the most probable component of each row (1..K), with --proba the posteriors. */
export async function predictCommand(file: string, options: ModelCommandOptions, io: CliIO): Promise<number> {
  const { table, mixture, posterior } = await dataAndModel(file, options, io);
  const { k } = mixture;
  const n = table.matrix.rows;
  const labels = new Float64Array(n);
  for (let u = 0; u < n; u++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (posterior[u * k + j] > posterior[u * k + best]) best = j;
    labels[u] = best + 1;
  }
  if (options.format === 'json') {
    // {"labels": […], "posterior": [[…], …]}, written piece by piece.
    const pieces = function* () {
      yield '{"labels":';
      yield* jsonArrayPieces(n, (u) => String(labels[u]));
      if (options.proba) {
        yield ',"posterior":';
        yield* jsonArrayPieces(n, (u) => JSON.stringify(Array.from(posterior.subarray(u * k, (u + 1) * k))));
      }
      yield '}\n';
    };
    await writeChunks(io.stdout, pieces());
    return EXIT_OK;
  }
  if (!options.proba) {
    await writeRows(io, ['label'], n, 1, labels, options.format);
    return EXIT_OK;
  }
  const out = new Float64Array(n * (k + 1));
  for (let u = 0; u < n; u++) {
    out[u * (k + 1)] = labels[u];
    out.set(posterior.subarray(u * k, (u + 1) * k), u * (k + 1) + 1);
  }
  await writeRows(io, ['label', ...Array.from({ length: k }, (_, j) => `p${j + 1}`)], n, k + 1, out, options.format);
  return EXIT_OK;
}

/** `gmm-fit score`: each row's log-likelihood, and the total with BIC and AIC for this data. */
export async function scoreCommand(file: string, options: ModelCommandOptions, io: CliIO): Promise<number> {
  const { table, mixture, rowLogLikelihood, logLikelihood } = await dataAndModel(file, options, io);
  const n = table.matrix.rows;
  const summary = {
    n,
    logLikelihood,
    bic: bic(logLikelihood, mixture.k, mixture.d, n, mixture.covariance),
    aic: aic(logLikelihood, mixture.k, mixture.d, mixture.covariance),
    parameters: freeParameters(mixture.k, mixture.d, mixture.covariance),
  };
  if (options.format === 'json') {
    const pieces = function* () {
      yield JSON.stringify(summary).slice(0, -1) + ',"rows":';
      yield* jsonArrayPieces(n, (u) => String(rowLogLikelihood[u]));
      yield '}\n';
    };
    await writeChunks(io.stdout, pieces());
    return EXIT_OK;
  }
  await writeRows(io, ['log_likelihood'], n, 1, rowLogLikelihood, options.format);
  io.stderr.write(`n ${n}, log-likelihood ${logLikelihood}, BIC ${summary.bic}, AIC ${summary.aic} (${summary.parameters} free parameters)\n`);
  return EXIT_OK;
}

/** `gmm-fit sample`: rows drawn from the model, as CSV, deterministic from --seed. */
export async function sampleCommand(options: ModelCommandOptions, io: CliIO): Promise<number> {
  const { mixture, columns } = await loadModel(options.modelFile, io.stdin);
  const seeds = options.seed ?? [0];
  if (seeds.length !== 1) throw new UsageError('sample takes one --seed');
  const n = options.n ?? 1000;
  // Drawn and written block by block: memory stays bounded however large n is.
  const pieces = function* () {
    let first = true;
    for (const block of sampleBlocks(mixture, n, seeds[0])) {
      yield formatTable(block.rows, block.count, mixture.d, ',', first ? columns : null);
      first = false;
    }
  };
  await writeChunks(io.stdout, pieces());
  return EXIT_OK;
}

/** `gmm-fit plot`: the data and a saved model as an SVG (to --out, or stdout). */
export async function plotCommand(file: string, options: ModelCommandOptions, io: CliIO): Promise<number> {
  checkOutputs({ '--out': options.out });
  const { table, mixture, posterior } = await dataAndModel(file, options, io);
  const d = table.matrix.cols;
  const dims = options.dims ?? [0, Math.min(1, d - 1)];
  if (dims.length !== 2 || dims.some((i) => i >= d) || (d > 1 && dims[0] === dims[1])) {
    throw new UsageError(`--dims takes two different columns from 0 to ${d - 1}, as 0,1; got ${dims.join(',')}`);
  }
  const { fitPlotSvg } = await import('../plot/fit-plot');
  const title = `${file === '-' ? '<stdin>' : file}: ${mixture.covariance} Gaussian mixture, K = ${mixture.k}`;
  const svg = fitPlotSvg(table.matrix, mixture, posterior, { dims: [dims[0], dims[1]], title, columns: table.columns });
  await writeOutput(io, options.out ?? '-', svg);
  return EXIT_OK;
}
