import { fmt } from './svg';
import { criterionName, criterionValue, failedKs, type SweepCriterion, type SweepPoint } from './sweep-plot';

export interface SweepTextOptions {
  /** The line width (at least enough for a 10-character bar); default 60. */
  width?: number;
  /** K values with no successful fit: each gets a `K=5  failed` line, in order among the others (as sweepPlotSvg's option). */
  failed?: readonly number[];
}

/**
 * A small plain-text chart of a sweep: a header line, then one line per K (ascending) with
 * the criterion's value and a bar scaled between its smallest (1 character) and largest
 * value (the full bar); the selected K's line starts with `*`, and a K whose fits all failed
 * says so. `options` may be the width alone. No colours: the caller adds them.
 *
 *     BIC by K (larger is better)
 *       K=1  -1234.56 |#
 *     * K=2   -987.65 |##############################
 *       K=3  failed
 */
export function sweepTextChart(best: ReadonlyArray<SweepPoint>, selectedK: number, criterion: SweepCriterion, options: number | SweepTextOptions = {}): string {
  const { width = 60, failed: failedOption } = typeof options === 'number' ? { width: options } : options;
  const name = criterionName(criterion);
  const points = [...best].filter((p) => Number.isFinite(p.k)).sort((a, b) => a.k - b.k);
  const failed = failedKs(failedOption, points);
  const header = `${name} by K (larger is better)`;
  const labelWidth = Math.max(0, ...[...points.map((p) => p.k), ...failed].map((k) => `K=${k}`.length));
  // Never starred: a K with no fit cannot be the selected one (the caller may pass a placeholder K).
  const failedLine = (k: number) => `  ${`K=${k}`.padEnd(labelWidth)}  failed`;
  if (points.length === 0) return [header, '  (no successful fits)', ...failed.map(failedLine)].join('\n') + '\n';
  const values = points.map((p) => criterionValue(p, criterion));
  const shown = values.map((v) => (Number.isFinite(v) ? fmt(v) : 'n/a'));
  const valueWidth = Math.max(...shown.map((s) => s.length));
  const finite = values.filter((v) => Number.isFinite(v));
  const lo = finite.length ? Math.min(...finite) : 0;
  const hi = finite.length ? Math.max(...finite) : 0;
  const prefix = 2 + labelWidth + 2 + valueWidth + 2;
  const barWidth = Math.max(10, Math.floor(Number.isFinite(width) ? width : 60) - prefix);
  const lines = points.map((p, t) => {
    const v = values[t];
    let bar = 0;
    if (Number.isFinite(v)) bar = hi > lo ? 1 + Math.round(((v - lo) / (hi - lo)) * (barWidth - 1)) : barWidth;
    const mark = p.k === selectedK ? '* ' : '  ';
    return { k: p.k, line: `${mark}${`K=${p.k}`.padEnd(labelWidth)}  ${shown[t].padStart(valueWidth)} |${'#'.repeat(bar)}` };
  });
  // The failed Ks' lines in K order among the others (no K is in both: failedKs leaves out fitted ones).
  const all = [...lines, ...failed.map((k) => ({ k, line: failedLine(k) }))].sort((a, b) => a.k - b.k);
  return `${header}\n${all.map((l) => l.line).join('\n')}\n`;
}
