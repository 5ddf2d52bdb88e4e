import { renderTable, type Align } from './text-table';
import chalk, { type Chalk } from 'chalk';
import { describeComponents, isSuccessful, type CompletionRow, type Fit, type SuccessfulFit, type SweepResult } from '../../app';

/** What the sweep tables read of a result, dense or sparse. */
type SweepSummary = Pick<SweepResult, 'fits' | 'best' | 'selected' | 'criterion' | 'covariances'>;

/** How human output looks: decimals and colour, decided once by the CLI. */
export interface Style {
  readonly precision: number;
  readonly chalk: Chalk;
  /** Tables are cut to this width (a terminal's, unless --wide); undefined: never cut. */
  readonly width?: number;
}

/**
 * The style of a run: colour only when stdout is a terminal, NO_COLOR is not set
 * (chalk ignores it) and --no-color was not given.
 */
export function styleFor(
  display: { precision: number; color: boolean; wide?: boolean },
  stdout: { isTTY?: boolean; columns?: number },
  env: Readonly<Record<string, string | undefined>>,
): Style {
  const tty = stdout.isTTY === true;
  const color = display.color && tty && !env.NO_COLOR;
  const width = tty && !display.wide && stdout.columns ? stdout.columns : undefined;
  return { precision: display.precision, chalk: new chalk.Instance({ level: color ? 1 : 0 }), ...(width ? { width } : {}) };
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
    return renderTable(this.head.map((h) => this.style.chalk.bold(h)), this.rows, this.aligns, this.style.width);
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
    `${fit.model === 'kmeans' ? 'k-means' : fit.covariance} K=${fit.k} seed=${fit.seed}${fit.init === 'random' || fit.init === 'model' ? '' : ` (${fit.init} start)`}`,
    ...(fit.cost !== undefined ? [`cost ${fixed(fit.cost, style)}`] : []),
    `log-likelihood ${fixed(fit.logLikelihood, style)}`,
    `BIC ${fixed(fit.bic, style)}`,
    `AIC ${fixed(fit.aic, style)}`,
    `${fit.iterations} iterations` + (fit.acceleration ? ` (accelerated: ${fit.acceleration.accepted} of ${fit.acceleration.extrapolations} extrapolations kept)` : ''),
    fit.converged ? 'converged' : style.chalk.yellow('not converged'),
  ];
  return parts.join(', ');
}

/** One row per (K, seed) fit; a failed fit shows its reason in a last column. */
export function sweepTable(fits: readonly Fit[], style: Style): string {
  const kmeans = fits.some((f) => f.model === 'kmeans');
  const failures = fits.some((f) => !isSuccessful(f));
  const families = new Set(fits.map((f) => f.covariance)).size > 1;
  const starts = new Set(fits.map((f) => f.init)).size > 1;
  const head = [...(families ? ['family'] : []), 'K', 'seed', ...(starts ? ['start'] : []), ...(kmeans ? ['cost'] : []), 'log-likelihood', 'iterations', 'converged', ...(failures ? ['error'] : [])];
  const t = table(style, head, head.map((h) => (h === 'error' || h === 'family' || h === 'start' ? 'left' : 'right')));
  for (const fit of fits) {
    const family = families ? [fit.covariance] : [];
    const start = starts ? [fit.init] : [];
    if (!isSuccessful(fit)) {
      t.push([...family, fit.k, fit.seed, ...start, ...(kmeans ? ['—'] : []), '—', fit.trace.length, style.chalk.red('failed'), style.chalk.red(fit.error)]);
      continue;
    }
    t.push([
      ...family,
      fit.k,
      fit.seed,
      ...start,
      ...(kmeans ? [fixed(fit.cost ?? NaN, style)] : []),
      fixed(fit.logLikelihood, style),
      fit.iterations,
      fit.converged ? 'yes' : style.chalk.yellow('no'),
      ...(failures ? [''] : []),
    ]);
  }
  return t.toString();
}

/**
 * Per K, the best fit over seeds, with its criteria; the selected K marked. With several
 * families, mclust's summary instead: a row per K, a column per family, the criterion in
 * each cell, the selected (family, K) marked.
 */
export function bestTable(result: SweepSummary, style: Style, criterion?: string): string {
  if (result.covariances.length > 1) return criterionTable(result, style);
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
      chosen ? `* by ${criterion ?? result.criterion.toUpperCase()}` : '',
    ];
    t.push(chosen ? cells.map((c) => style.chalk.green.bold(c)) : cells);
  }
  return t.toString();
}

function criterionTable(result: SweepSummary, style: Style): string {
  const name = result.criterion === 'll' ? 'log-likelihood' : result.criterion.toUpperCase();
  const value = (fit: SuccessfulFit) => (result.criterion === 'bic' ? fit.bic : result.criterion === 'aic' ? fit.aic : fit.logLikelihood);
  const ks = [...new Set(result.fits.map((f) => f.k))].sort((a, b) => a - b);
  const t = table(style, ['K', ...result.covariances.map((c) => `${c} ${name}`)]);
  for (const k of ks) {
    t.push([
      k,
      ...result.covariances.map((c) => {
        const fit = result.best.find((f) => f.k === k && f.covariance === c);
        if (!fit) return style.chalk.red('failed');
        const text = fixed(value(fit), style);
        return fit === result.selected ? style.chalk.green.bold(`* ${text}`) : text;
      }),
    ]);
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
