import { DataError, UsageError } from '../../core/errors';
import { readText } from '../../io/read';
import { agreementReport } from '../render/agreement';
import { agreement, agreementToJson, checkWidth, loadModelFile, mixtureInDataUnits, predict, readOptionsFor, readTable, sample, score, type ModelDocument, type NamedTable } from '../../app';
import { formatRows } from '../../io/table';
import { EXIT_OK, type CliIO } from '../io';
import { writeChunks, writeOutput } from '../output';
import type { ApplyCommand, SampleCommand } from '../validate';

/** Items per piece of a JSON array: output is written piece by piece, never built as one string. */
const ROWS_PER_PIECE = 16384;

/** A rows × cols table (row-major `values`) with its header, as pieces of CSV or TSV text. */
function tablePieces(head: string[], rows: number, cols: number, values: ArrayLike<number>, format: 'csv' | 'tsv', ids: readonly string[] | null = null): Generator<string> {
  return formatRows(values, rows, cols, format === 'csv' ? ',' : '\t', head, { ids });
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

/**
 * The model, then the data read as the model's training data was (flags given now win,
 * with a warning when they contradict it), then the model checked against the data.
 */
async function dataAndModel(request: ApplyCommand, io: CliIO): Promise<{ table: NamedTable; model: ModelDocument }> {
  const saved = await loadModelFile(request.modelFile, io.stdin);
  const { options, warnings } = readOptionsFor(saved, request.read);
  for (const message of warnings) io.stderr.write(`gmm-fit: warning: ${message}\n`);
  const table = await readTable(request.file, options, io.stdin);
  return { table, model: checkWidth(saved, table.matrix.cols, request.modelFile === '-' ? '<stdin>' : request.modelFile) };
}

/** `gmm-fit predict`: the most probable component of each row (1..K), with --proba the posteriors. */
export async function predictCommand(request: ApplyCommand, io: CliIO): Promise<number> {
  const { table, model } = await dataAndModel(request, io);
  const { labels, posterior } = predict(model, table);
  const { k } = model.mixture;
  const n = table.matrix.rows;
  if (request.format === 'json') {
    const truth = await knownClasses(request, table, io);
    // {"ids": […], "labels": […], "posterior": [[…], …], "agreement": {…}}, written piece by piece.
    const pieces = function* () {
      yield '{';
      if (table.ids) {
        yield '"ids":';
        yield* jsonArrayPieces(n, (u) => JSON.stringify(table.ids![u]));
        yield ',';
      }
      yield '"labels":';
      yield* jsonArrayPieces(n, (u) => String(labels[u]));
      if (request.proba) {
        yield ',"posterior":';
        yield* jsonArrayPieces(n, (u) => JSON.stringify(Array.from(posterior.subarray(u * k, (u + 1) * k))));
      }
      if (truth) yield ',"agreement":' + JSON.stringify(agreementToJson(agreement(Int32Array.from(labels, (l) => l - 1), k, truth)));
      yield '}\n';
    };
    await writeChunks(io.stdout, pieces());
    return EXIT_OK;
  }
  const truth = await knownClasses(request, table, io);
  if (!request.proba) {
    await writeChunks(io.stdout, tablePieces(['label'], n, 1, labels, request.format, table.ids));
  } else {
    const out = new Float64Array(n * (k + 1));
    for (let u = 0; u < n; u++) {
      out[u * (k + 1)] = labels[u];
      out.set(posterior.subarray(u * k, (u + 1) * k), u * (k + 1) + 1);
    }
    await writeChunks(io.stdout, tablePieces(['label', ...Array.from({ length: k }, (_, j) => `p${j + 1}`)], n, k + 1, out, request.format, table.ids));
  }
  if (truth) io.stderr.write(agreementReport(agreement(Int32Array.from(labels, (l) => l - 1), k, truth), k));
  return EXIT_OK;
}

/** The known classes of the rows: the --labels-column, or --truth-labels FILE (one a line; a first line that is no class of the others is a header). */
async function knownClasses(request: ApplyCommand, table: NamedTable, io: CliIO): Promise<string[] | null> {
  if (table.labels) return table.labels;
  if (!request.truthLabels) return null;
  const text = await readText(request.truthLabels, io.stdin);
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const n = table.matrix.rows;
  if (lines.length === n + 1) lines.shift();
  if (lines.length !== n) throw new DataError(`${request.truthLabels}: ${lines.length} labels for the ${n} rows of ${table.source}`);
  return lines.map((l) => l.trim());
}

/** `gmm-fit score`: each row's log-likelihood, and the total with BIC and AIC for this data. */
export async function scoreCommand(request: ApplyCommand, io: CliIO): Promise<number> {
  const { table, model } = await dataAndModel(request, io);
  const { rows, ...summary } = score(model, table);
  if (request.format === 'json') {
    const pieces = function* () {
      yield JSON.stringify(summary).slice(0, -1) + ',"rows":';
      yield* jsonArrayPieces(summary.n, (u) => String(rows[u]));
      if (table.ids) {
        yield ',"ids":';
        yield* jsonArrayPieces(summary.n, (u) => JSON.stringify(table.ids![u]));
      }
      yield '}\n';
    };
    await writeChunks(io.stdout, pieces());
    return EXIT_OK;
  }
  await writeChunks(io.stdout, tablePieces(['log_likelihood'], summary.n, 1, rows, request.format, table.ids));
  io.stderr.write(`n ${summary.n}, log-likelihood ${summary.logLikelihood}, BIC ${summary.bic}, AIC ${summary.aic} (${summary.parameters} free parameters)\n`);
  return EXIT_OK;
}

/** `gmm-fit sample`: rows drawn from the model, as CSV, deterministic from --seed; drawn and written block by block. */
export async function sampleCommand(request: SampleCommand, io: CliIO): Promise<number> {
  const model = await loadModelFile(request.modelFile, io.stdin);
  const pieces = function* () {
    let first = true;
    const d = model.mixture.d;
    const head = request.labels ? ['component', ...(model.columns ?? Array.from({ length: d }, (_, i) => `x${i + 1}`))] : model.columns;
    let withLabels: Float64Array | null = null;
    for (const block of sample(model, request.n, request.seed)) {
      if (request.labels) {
        withLabels ??= new Float64Array(block.count * (d + 1)); // the first block is the largest
        // Each row's component (1..K, as the tables number them) first, then its values.
        for (let r = 0; r < block.count; r++) {
          withLabels[r * (d + 1)] = block.components[r] + 1;
          withLabels.set(block.rows.subarray(r * d, (r + 1) * d), r * (d + 1) + 1);
        }
        yield* formatRows(withLabels.subarray(0, block.count * (d + 1)), block.count, d + 1, ',', first ? head : null);
      } else {
        yield* formatRows(block.rows, block.count, d, ',', first ? head : null);
      }
      first = false;
    }
  };
  await writeChunks(io.stdout, pieces());
  return EXIT_OK;
}

/**
 * --dims: two different feature columns, by header name or by position from 1 (the numbering
 * of the axis titles, "column N"); 0-based for the plot. Default: the first two.
 */
function plotDims(given: readonly string[] | undefined, table: NamedTable): [number, number] {
  const d = table.matrix.cols;
  if (!given) return [0, Math.min(1, d - 1)];
  const names = table.columns;
  const resolve = (text: string): number => {
    if (/^\d+$/.test(text)) {
      const i = Number(text);
      if (i >= 1 && i <= d) return i - 1;
      throw new UsageError(`--dims ${given.join(',')}: there is no column ${text}; the features are columns 1 to ${d}`);
    }
    const i = names ? names.indexOf(text) : -1;
    if (i >= 0) return i;
    throw new UsageError(names ? `--dims ${given.join(',')}: no feature column is named "${text}"; the features are ${names.join(', ')}` : `--dims ${given.join(',')}: "${text}" is a name, but ${table.source} has no header; give positions from 1`);
  };
  if (given.length !== 2) throw new UsageError(`--dims takes two columns, as 1,2 or names; got ${given.join(',')}`);
  const dims: [number, number] = [resolve(given[0]), resolve(given[1])];
  if (d > 1 && dims[0] === dims[1]) throw new UsageError(`--dims takes two different columns; got ${given.join(',')}`);
  return dims;
}

/** `gmm-fit plot`: the data and a saved model as an SVG (to --out, or stdout). */
export async function plotCommand(request: ApplyCommand, io: CliIO): Promise<number> {
  const { table, model } = await dataAndModel(request, io);
  const { mixture } = model;
  const dims = plotDims(request.dims, table);
  const { posterior } = predict(model, table);
  const { fitPlotSvg } = await import('../../plot/fit-plot');
  const title = `${table.source}: ${mixture.covariance.family} Gaussian mixture, K = ${mixture.k}${model.standardization ? ' (fitted standardised)' : ''}`;
  // The data in its own units, and the components in the same units.
  const svg = fitPlotSvg(table.matrix, mixtureInDataUnits(model), posterior, { dims: [dims[0], dims[1]], title, columns: table.columns });
  await writeOutput(io, request.out ?? '-', svg);
  return EXIT_OK;
}
