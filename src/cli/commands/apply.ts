import { UsageError } from '../../core/errors';
import { loadModelFile, predict, readTable, sample, score, type ModelDocument, type NamedTable } from '../../app';
import { formatRows } from '../../io/table';
import { EXIT_OK, type CliIO } from '../io';
import { writeChunks, writeOutput } from '../output';
import type { ApplyCommand, SampleCommand } from '../validate';

/** Items per piece of a JSON array: output is written piece by piece, never built as one string. */
const ROWS_PER_PIECE = 16384;

/** A rows × cols table (row-major `values`) with its header, as pieces of CSV or TSV text. */
function tablePieces(head: string[], rows: number, cols: number, values: ArrayLike<number>, format: 'csv' | 'tsv'): Generator<string> {
  return formatRows(values, rows, cols, format === 'csv' ? ',' : '\t', head);
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

/** The data and the model it is checked against. */
async function dataAndModel(request: ApplyCommand, io: CliIO): Promise<{ table: NamedTable; model: ModelDocument }> {
  const table = await readTable(request.file, request.read, io.stdin);
  const model = await loadModelFile(request.modelFile, io.stdin, table.matrix.cols);
  return { table, model };
}

/** `gmm-fit predict`: the most probable component of each row (1..K), with --proba the posteriors. */
export async function predictCommand(request: ApplyCommand, io: CliIO): Promise<number> {
  const { table, model } = await dataAndModel(request, io);
  const { labels, posterior } = predict(model, table);
  const { k } = model.mixture;
  const n = table.matrix.rows;
  if (request.format === 'json') {
    // {"labels": […], "posterior": [[…], …]}, written piece by piece.
    const pieces = function* () {
      yield '{"labels":';
      yield* jsonArrayPieces(n, (u) => String(labels[u]));
      if (request.proba) {
        yield ',"posterior":';
        yield* jsonArrayPieces(n, (u) => JSON.stringify(Array.from(posterior.subarray(u * k, (u + 1) * k))));
      }
      yield '}\n';
    };
    await writeChunks(io.stdout, pieces());
    return EXIT_OK;
  }
  if (!request.proba) {
    await writeChunks(io.stdout, tablePieces(['label'], n, 1, labels, request.format));
    return EXIT_OK;
  }
  const out = new Float64Array(n * (k + 1));
  for (let u = 0; u < n; u++) {
    out[u * (k + 1)] = labels[u];
    out.set(posterior.subarray(u * k, (u + 1) * k), u * (k + 1) + 1);
  }
  await writeChunks(io.stdout, tablePieces(['label', ...Array.from({ length: k }, (_, j) => `p${j + 1}`)], n, k + 1, out, request.format));
  return EXIT_OK;
}

/** `gmm-fit score`: each row's log-likelihood, and the total with BIC and AIC for this data. */
export async function scoreCommand(request: ApplyCommand, io: CliIO): Promise<number> {
  const { table, model } = await dataAndModel(request, io);
  const { rows, ...summary } = score(model, table);
  if (request.format === 'json') {
    const pieces = function* () {
      yield JSON.stringify(summary).slice(0, -1) + ',"rows":';
      yield* jsonArrayPieces(summary.n, (u) => String(rows[u]));
      yield '}\n';
    };
    await writeChunks(io.stdout, pieces());
    return EXIT_OK;
  }
  await writeChunks(io.stdout, tablePieces(['log_likelihood'], summary.n, 1, rows, request.format));
  io.stderr.write(`n ${summary.n}, log-likelihood ${summary.logLikelihood}, BIC ${summary.bic}, AIC ${summary.aic} (${summary.parameters} free parameters)\n`);
  return EXIT_OK;
}

/** `gmm-fit sample`: rows drawn from the model, as CSV, deterministic from --seed; drawn and written block by block. */
export async function sampleCommand(request: SampleCommand, io: CliIO): Promise<number> {
  const model = await loadModelFile(request.modelFile, io.stdin);
  const pieces = function* () {
    let first = true;
    for (const block of sample(model, request.n, request.seed)) {
      yield* formatRows(block.rows, block.count, model.mixture.d, ',', first ? model.columns : null);
      first = false;
    }
  };
  await writeChunks(io.stdout, pieces());
  return EXIT_OK;
}

/** `gmm-fit plot`: the data and a saved model as an SVG (to --out, or stdout). */
export async function plotCommand(request: ApplyCommand, io: CliIO): Promise<number> {
  const { table, model } = await dataAndModel(request, io);
  const { mixture } = model;
  const d = table.matrix.cols;
  const dims = request.dims ?? [0, Math.min(1, d - 1)];
  if (dims.length !== 2 || dims.some((i) => i >= d) || (d > 1 && dims[0] === dims[1])) {
    throw new UsageError(`--dims takes two different columns from 0 to ${d - 1}, as 0,1; got ${dims.join(',')}`);
  }
  const { posterior } = predict(model, table);
  const { fitPlotSvg } = await import('../../plot/fit-plot');
  const title = `${table.source}: ${mixture.covariance.family} Gaussian mixture, K = ${mixture.k}`;
  const svg = fitPlotSvg(table.matrix, mixture, posterior, { dims: [dims[0], dims[1]], title, columns: table.columns });
  await writeOutput(io, request.out ?? '-', svg);
  return EXIT_OK;
}
