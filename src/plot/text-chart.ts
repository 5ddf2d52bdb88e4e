import { fmt } from './svg';
import { criterionName, criterionValue, type SweepCriterion, type SweepPoint } from './sweep-plot';

/**
 * A small plain-text chart of a sweep: a header line, then one line per K (ascending) with
 * the criterion's value and a bar scaled between its smallest (1 character) and largest
 * value (the full bar); the selected K's line starts with `*`. `width` is the line width
 * (at least enough for a 10-character bar). No colours: the caller adds them.
 *
 *     BIC by K (larger is better)
 *       K=1  -1234.56 |#
 *     * K=2   -987.65 |##############################
 */
export function sweepTextChart(best: ReadonlyArray<SweepPoint>, selectedK: number, criterion: SweepCriterion, width = 60): string {
  const name = criterionName(criterion);
  const points = [...best].filter((p) => Number.isFinite(p.k)).sort((a, b) => a.k - b.k);
  const header = `${name} by K (larger is better)`;
  if (points.length === 0) return `${header}\n  (no successful fits)\n`;
  const values = points.map((p) => criterionValue(p, criterion));
  const labels = points.map((p) => `K=${p.k}`);
  const shown = values.map((v) => (Number.isFinite(v) ? fmt(v) : 'n/a'));
  const labelWidth = Math.max(...labels.map((l) => l.length));
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
    return `${mark}${labels[t].padEnd(labelWidth)}  ${shown[t].padStart(valueWidth)} |${'#'.repeat(bar)}`;
  });
  return `${header}\n${lines.join('\n')}\n`;
}
