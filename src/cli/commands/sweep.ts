import {
  completeTable,
  completionDocument,
  fitTable,
  loadModelFile,
  readTable,
  selectedModel,
  sweepDocument,
  type FitOutcome,
  type FitRequest,
  type NamedTable,
} from '../../app';
import { formatRows } from '../../io/table';
import type { CliIO } from '../io';
import { EXIT_OK } from '../io';
import { isStdout, writeOutput } from '../output';
import { sweepProgress } from '../render/progress';
import { bestTable, completionTable, componentTable, fitSummary, iterationTable, styleFor, sweepTable, type Style } from '../render/report';
import type { SweepCommand } from '../validate';
import type { Reporter } from './reporter';

/** The report of a sweep: one fit's iterations and components, or every fit, the best per K and the selected fit. */
function humanReport(outcome: FitOutcome, style: Style): string {
  const { result } = outcome;
  const selected = result.selected;
  if (result.fits.length === 1) return [iterationTable(selected, style), componentTable(selected, style), fitSummary(selected, style)].join('\n') + '\n';
  return [sweepTable(result.fits, style), bestTable(result, style), `selected: ${fitSummary(selected, style)}`, componentTable(selected, style)].join('\n') + '\n';
}

/** The sweep's LL, BIC and AIC against K as an SVG, the selected K marked. */
function sweepSvg(outcome: FitOutcome): string {
  const { sweepPlotSvg } = require('../../plot/sweep-plot') as typeof import('../../plot/sweep-plot');
  const { result, table } = outcome;
  return sweepPlotSvg(result.best, result.selected.k, result.criterion, { title: `${table.source}: log-likelihood, BIC and AIC against K` });
}

/** What a sweep command needs before it fits: the table, a warm start's model, and the callbacks that show progress. */
async function prepare(request: SweepCommand, io: CliIO, reporter: Reporter): Promise<{ table: NamedTable; fit: FitRequest; stop: () => void }> {
  const table = await readTable(request.file, request.read, io.stdin);
  const start = request.initFile ? (await loadModelFile(request.initFile, io.stdin, table.matrix.cols)).mixture : undefined;
  const progress = sweepProgress(io, request.display);
  const what = request.fit.model === 'kmeans' ? 'cost' : 'log-likelihood';
  const fit: FitRequest = {
    ...request.fit,
    start,
    cores: io.cores,
    onFit: progress.onFit,
    onIteration: request.display.verbose ? (k, seed, iteration, value) => io.stderr.write(`gmm-fit: K=${k} seed=${seed} iteration ${iteration}: ${what} ${value}\n`) : undefined,
    onWarning: (w) => reporter.warn(w.message),
  };
  return { table, fit, stop: progress.stop };
}

/** `gmm-fit fit FILE`: fit, sweep, select; tables or JSON on stdout; --out writes the selected fit, --plot the sweep. */
export async function fitCommand(request: SweepCommand, io: CliIO, reporter: Reporter): Promise<number> {
  const { table, fit, stop } = await prepare(request, io, reporter);
  const outcome = await fitTable(table, fit).finally(stop);
  if (request.out) await writeOutput(io, request.out, JSON.stringify(selectedModel(outcome), null, 2) + '\n');
  if (request.plot) await writeOutput(io, request.plot, sweepSvg(outcome));
  // A model or a plot on stdout moves the report to stderr, so stdout stays one document.
  const toStdout = [request.out, request.plot].some((target) => target !== undefined && isStdout(target));
  const report = request.display.json ? JSON.stringify(sweepDocument(outcome)) + '\n' : humanReport(outcome, styleFor(request.display, io.stdout.isTTY === true, io.env));
  (toStdout ? io.stderr : io.stdout).write(report);
  return EXIT_OK;
}

/** `gmm-fit plot-sweep FILE`: the sweep as an SVG (to --out, else stdout); on a terminal without --out, a text chart. */
export async function plotSweepCommand(request: SweepCommand, io: CliIO, reporter: Reporter): Promise<number> {
  const { table, fit, stop } = await prepare(request, io, reporter);
  const outcome = await fitTable(table, fit).finally(stop);
  if (request.out) {
    await writeOutput(io, request.out, sweepSvg(outcome));
    if (!isStdout(request.out)) io.stdout.write(`sweep plot written to ${request.out}\n`);
  } else if (io.stdout.isTTY) {
    const { sweepTextChart } = require('../../plot/text-chart') as typeof import('../../plot/text-chart');
    io.stdout.write(sweepTextChart(outcome.result.best, outcome.result.selected.k, outcome.result.criterion) + '\n');
  } else {
    io.stdout.write(sweepSvg(outcome));
  }
  return EXIT_OK;
}

/** `gmm-fit complete FILE`: fit, fill the missing cells, and score against --truth with baselines. */
export async function completeCommand(request: SweepCommand, io: CliIO, reporter: Reporter): Promise<number> {
  const { table, fit, stop } = await prepare(request, io, reporter);
  const truth = request.truth ? await readTable(request.truth, request.read, io.stdin) : undefined;
  const outcome = await completeTable(table, { ...fit, truth }).finally(stop);
  const { matrix } = table;
  // Written piece by piece, in the input's layout: the text of a large matrix is never one string.
  const text = () => formatRows(outcome.filled, matrix.rows, matrix.cols, table.delimiter, table.columns, { decimalComma: table.read.decimalComma });
  // The matrix goes to stdout without --out or with --out -; the report then goes to stderr.
  const matrixToStdout = !request.out || isStdout(request.out);
  if (!matrixToStdout) await writeOutput(io, request.out!, text());
  if (request.display.json) {
    (matrixToStdout ? io.stderr : io.stdout).write(JSON.stringify(completionDocument(outcome, request.out)) + '\n');
    if (matrixToStdout) await writeOutput(io, '-', text());
    return EXIT_OK;
  }
  const style = styleFor(request.display, io.stdout.isTTY === true, io.env);
  const report = humanReport(outcome, style) + (outcome.scores ? completionTable(outcome.scores, style) + '\n' : '');
  if (!matrixToStdout) {
    io.stdout.write(report + `completed matrix written to ${request.out}\n`);
  } else {
    io.stderr.write(report);
    await writeOutput(io, '-', text());
  }
  return EXIT_OK;
}
