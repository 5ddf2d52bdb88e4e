import {
  completeTable,
  completionDocument,
  fitTable,
  knownClassAgreement,
  loadModelFile,
  predictSelected,
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
import { agreementReport } from '../render/agreement';
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

/** Each row's component (1..K), with `proba` each component's posterior, as CSV pieces. */
function labelsCsv(prediction: { labels: Int32Array; posterior: Float64Array }, k: number, proba: boolean, ids: readonly string[] | null): Generator<string> {
  const { labels, posterior } = prediction;
  const n = labels.length;
  if (!proba) return formatRows(labels, n, 1, ',', ['label'], { ids });
  const out = new Float64Array(n * (k + 1));
  for (let u = 0; u < n; u++) {
    out[u * (k + 1)] = labels[u];
    out.set(posterior.subarray(u * k, (u + 1) * k), u * (k + 1) + 1);
  }
  return formatRows(out, n, k + 1, ',', ['label', ...Array.from({ length: k }, (_, j) => `p${j + 1}`)], { ids });
}

/**
 * What a sweep picture shows: the selected family's best fit per K, and the Ks of that
 * family where every seed failed (marked as failed, not left out silently).
 */
function sweepCurve(outcome: FitOutcome): { best: FitOutcome['result']['best']; selectedK: number; failed: number[]; family: string } {
  const { result } = outcome;
  const family = result.selected.covariance;
  const best = result.best.filter((fit) => fit.covariance === family);
  const fitted = new Set(best.map((fit) => fit.k));
  const failed = [...new Set(result.fits.filter((fit) => fit.covariance === family && !fitted.has(fit.k)).map((fit) => fit.k))];
  return { best, selectedK: result.selected.k, failed, family };
}

/** The sweep's LL, BIC and AIC against K as an SVG, the selected K marked. */
function sweepSvg(outcome: FitOutcome): string {
  const { sweepPlotSvg } = require('../../plot/sweep-plot') as typeof import('../../plot/sweep-plot');
  const { best, selectedK, failed, family } = sweepCurve(outcome);
  const which = outcome.result.covariances.length > 1 ? ` (${family}, the selected family)` : '';
  return sweepPlotSvg(best, selectedK, outcome.result.criterion, { title: `${outcome.table.source}: log-likelihood, BIC and AIC against K${which}`, failed });
}

/** The sweep's criterion against K as text, for a terminal. */
function sweepText(outcome: FitOutcome): string {
  const { sweepTextChart } = require('../../plot/text-chart') as typeof import('../../plot/text-chart');
  const { best, selectedK, failed } = sweepCurve(outcome);
  return sweepTextChart(best, selectedK, outcome.result.criterion, { failed });
}

/** What a sweep command needs before it fits: the table, a warm start's model, and the callbacks that show progress. */
async function prepare(request: SweepCommand, io: CliIO, reporter: Reporter): Promise<{ table: NamedTable; fit: FitRequest; stop: () => void }> {
  const table = await readTable(request.file, request.read, io.stdin);
  const saved = request.initFile ? await loadModelFile(request.initFile, io.stdin, table.matrix.cols) : undefined;
  const start = saved?.mixture;
  const progress = sweepProgress(io, request.display);
  const what = request.fit.model === 'kmeans' ? 'cost' : 'log-likelihood';
  const fit: FitRequest = {
    ...request.fit,
    start,
    // A warm start from a standardised model goes on in its units.
    ...(saved?.standardization ? { standardize: saved.standardization } : {}),
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
  if (request.labels) await writeOutput(io, request.labels, labelsCsv(predictSelected(outcome), outcome.result.selected.k, request.proba, outcome.table.ids));
  // A model or a plot on stdout moves the report to stderr, so stdout stays one document.
  const toStdout = [request.out, request.plot, request.labels].some((target) => target !== undefined && isStdout(target));
  const style = styleFor(request.display, io.stdout, io.env);
  const known = request.display.json ? null : knownClassAgreement(outcome);
  const report = request.display.json ? JSON.stringify(sweepDocument(outcome)) + '\n' : humanReport(outcome, style) + (known ? agreementReport(known, outcome.result.selected.k, style.width) : '');
  (toStdout ? io.stderr : io.stdout).write(report);
  return EXIT_OK;
}

/** `gmm-fit plot-sweep FILE`: the sweep as an SVG (to --out, else stdout); on a terminal without --out, a text chart. */
export async function plotSweepCommand(request: SweepCommand, io: CliIO, reporter: Reporter): Promise<number> {
  const { table, fit, stop } = await prepare(request, io, reporter);
  const outcome = await fitTable(table, fit).finally(stop);
  if (request.display.json) {
    // validate() made sure the SVG has a file of its own.
    await writeOutput(io, request.out!, sweepSvg(outcome));
    io.stdout.write(JSON.stringify(sweepDocument(outcome)) + '\n');
  } else if (request.out) {
    await writeOutput(io, request.out, sweepSvg(outcome));
    if (!isStdout(request.out)) io.stderr.write(`gmm-fit: sweep plot written to ${request.out}\n`);
  } else if (io.stdout.isTTY) {
    io.stdout.write(sweepText(outcome) + '\n');
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
  const style = styleFor(request.display, io.stdout, io.env);
  const report = humanReport(outcome, style) + (outcome.scores ? completionTable(outcome.scores, style) + '\n' : '');
  if (!matrixToStdout) {
    io.stdout.write(report);
    io.stderr.write(`gmm-fit: completed matrix written to ${request.out}\n`);
  } else {
    io.stderr.write(report);
    await writeOutput(io, '-', text());
  }
  return EXIT_OK;
}
