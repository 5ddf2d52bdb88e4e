import { renderTable, type Align } from './text-table';
import chalk, { type Chalk } from 'chalk';
import { describeComponents, isSuccessful, type CompletionRow, type Fit, type SuccessfulFit, type SweepResult } from '../../app';

/** How human output looks: decimals and colour, decided once by the CLI. */
export interface Style {
  readonly precision: number;
  readonly chalk: Chalk;
}

/**
 * The style of a run: colour only when stdout is a terminal, NO_COLOR is not set
 * (chalk ignores it) and --no-color was not given.
 */
export function styleFor(display: { precision: number; color: boolean }, stdoutIsTTY: boolean, env: Readonly<Record<string, string | undefined>>): Style {
  const color = display.color && stdoutIsTTY && !env.NO_COLOR;
  return { precision: display.precision, chalk: new chalk.Instance({ level: color ? 1 : 0 }) };
}

/** Rows gathered, then drawn once with the head in bold: see renderTable. */
class TextTable {
  private readonly rows: string[][] = [];
  constructor(
    private readonly style: Style,
    private readonly head: string[],
    private readonly aligns: Align[] = [],
  ) {}
  push(cells: Array<string | number>): void {
    this.rows.push(cells.map(String));
  }
  toString(): string {
    return renderTable(this.head.map((h) => this.style.chalk.bold(h)), this.rows, this.aligns);
  }
}

function table(style: Style, head: string[], align?: Align[]): TextTable {
  return new TextTable(style, head, align);
}

/** A number with the style's decimals; a value that is not finite (never expected) prints as n/a, never NaN. */
const fixed = (v: number, style: Style) => (Number.isFinite(v) ? v.toFixed(style.precision) : 'n/a');

/** At most this many coordinates of a mean are printed; --json has them all. */
const MAX_SHOWN_COORDINATES = 8;

function vector(values: ArrayLike<number>, style: Style): string {
  const shown = Array.from(values).slice(0, MAX_SHOWN_COORDINATES).map((v) => fixed(v, style));
  const more = values.length > MAX_SHOWN_COORDINATES ? `, … (${values.length} values)` : '';
  return `[${shown.join(', ')}${more}]`;
}

/** Per-iteration table of one fit: objective, change, relative change. */
export function iterationTable(fit: Fit, style: Style): string {
  const what = fit.model === 'kmeans' ? 'cost' : 'log-likelihood';
  const t = table(style, ['iteration', what, 'change', 'relative change']);
  fit.trace.forEach((value, index) => {
    if (index === 0) t.push([1, fixed(value, style), '', '']);
    else {
      const change = value - fit.trace[index - 1];
      const relative = change === 0 ? 0 : change / Math.abs(value);
      t.push([index + 1, fixed(value, style), fixed(change, style), Number.isFinite(relative) ? relative.toExponential(2) : 'n/a']);
    }
  });
  return t.toString();
}

/** The fitted components: mean, variance(s), weight. Full covariances show their diagonal. */
export function componentTable(fit: SuccessfulFit, style: Style): string {
  const { heading, rows } = describeComponents(fit.mixture);
  const scalar = typeof rows[0].variances === 'number';
  const t = table(style, ['component', 'mu', heading, 'p'], ['right', 'left', scalar ? 'right' : 'left', 'right']);
  rows.forEach((row, j) => {
    t.push([j + 1, vector(row.mean, style), typeof row.variances === 'number' ? fixed(row.variances, style) : vector(row.variances, style), fixed(row.weight, style)]);
  });
  return t.toString();
}

/** One line: the fit's figures. */
export function fitSummary(fit: SuccessfulFit, style: Style): string {
  const parts = [
    `${fit.model === 'kmeans' ? 'k-means' : fit.covariance} K=${fit.k} seed=${fit.seed}`,
    ...(fit.cost !== undefined ? [`cost ${fixed(fit.cost, style)}`] : []),
    `log-likelihood ${fixed(fit.logLikelihood, style)}`,
    `BIC ${fixed(fit.bic, style)}`,
    `AIC ${fixed(fit.aic, style)}`,
    `${fit.iterations} iterations`,
    fit.converged ? 'converged' : style.chalk.yellow('not converged'),
  ];
  return parts.join(', ');
}

/** One row per (K, seed) fit; a failed fit shows its reason in a last column. */
export function sweepTable(fits: readonly Fit[], style: Style): string {
  const kmeans = fits.some((f) => f.model === 'kmeans');
  const failures = fits.some((f) => !isSuccessful(f));
  const head = ['K', 'seed', ...(kmeans ? ['cost'] : []), 'log-likelihood', 'iterations', 'converged', ...(failures ? ['error'] : [])];
  const t = table(style, head, head.map((h) => (h === 'error' ? 'left' : 'right')));
  for (const fit of fits) {
    if (!isSuccessful(fit)) {
      t.push([fit.k, fit.seed, ...(kmeans ? ['—'] : []), '—', fit.trace.length, style.chalk.red('failed'), style.chalk.red(fit.error)]);
      continue;
    }
    t.push([
      fit.k,
      fit.seed,
      ...(kmeans ? [fixed(fit.cost ?? NaN, style)] : []),
      fixed(fit.logLikelihood, style),
      fit.iterations,
      fit.converged ? 'yes' : style.chalk.yellow('no'),
      ...(failures ? [''] : []),
    ]);
  }
  return t.toString();
}

/** Per K, the best fit over seeds, with its criteria; the selected K marked. */
export function bestTable(result: SweepResult, style: Style): string {
  const kmeans = result.best.some((f) => f.model === 'kmeans');
  const t = table(style, ['K', 'best seed', ...(kmeans ? ['cost'] : []), 'log-likelihood', 'BIC', 'AIC', 'selected']);
  for (const fit of result.best) {
    const chosen = fit === result.selected;
    const cells = [
      String(fit.k),
      String(fit.seed),
      ...(kmeans ? [fixed(fit.cost ?? NaN, style)] : []),
      fixed(fit.logLikelihood, style),
      fixed(fit.bic, style),
      fixed(fit.aic, style),
      chosen ? `* by ${result.criterion.toUpperCase()}` : '',
    ];
    t.push(chosen ? cells.map((c) => style.chalk.green.bold(c)) : cells);
  }
  return t.toString();
}

/** RMSE of the mixture and of the baselines; the lowest RMSE over missing cells marked. */
export function completionTable(rows: readonly CompletionRow[], style: Style): string {
  const t = table(style, ['prediction', 'RMSE (all cells)', 'RMSE (missing cells)', 'best'], ['left', 'right', 'right', 'left']);
  // Without a known missing cell there is nothing to judge by: no line is best.
  let best: CompletionRow | null = null;
  for (const row of rows) {
    const e = row.errors.rmseMissing;
    if (e !== null && (best === null || e < best.errors.rmseMissing!)) best = row;
  }
  for (const row of rows) {
    const cells = [row.name, fixed(row.errors.rmse, style), row.errors.rmseMissing === null ? 'n/a' : fixed(row.errors.rmseMissing, style), row === best ? '*' : ''];
    t.push(row === best ? cells.map((c) => style.chalk.green.bold(c)) : cells);
  }
  return t.toString();
}
