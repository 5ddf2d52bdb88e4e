import { drawAxes, drawHeading, el, escapeXml, fmt, linearScale, niceTicks, svgDocument, text, tickLabelWidth, ticksWithin, widenRange, type Axis, type Frame } from './svg';

/** One K of a sweep: its best fit's statistics (larger is better for all three). */
export interface SweepPoint {
  readonly k: number;
  readonly logLikelihood: number;
  readonly bic: number;
  readonly aic: number;
}

export type SweepCriterion = 'bic' | 'aic' | 'll';

export interface SweepPlotOptions {
  title?: string;
  /**
   * K values with no successful fit (every seed failed). The x-axis covers them, each gets a red ×
   * at the bottom of the frame (`class="failed" data-k="K"`), and a note under the title lists them.
   * A K that also has a point in `best` is not marked; non-integers and repeats are dropped.
   */
  failed?: readonly number[];
}

interface Series {
  readonly key: SweepCriterion;
  readonly label: string;
  readonly colour: string;
  readonly shape: 'circle' | 'square' | 'triangle';
  readonly value: (p: SweepPoint) => number;
}

/** The three curves: distinct colours (Okabe–Ito) and distinct marker shapes. */
export const SERIES: readonly Series[] = [
  { key: 'll', label: 'log-likelihood', colour: '#0072B2', shape: 'circle', value: (p) => p.logLikelihood },
  { key: 'bic', label: 'BIC', colour: '#D55E00', shape: 'square', value: (p) => p.bic },
  { key: 'aic', label: 'AIC', colour: '#009E73', shape: 'triangle', value: (p) => p.aic },
];

/** The criterion's short name: BIC, AIC or LL. */
export function criterionName(criterion: SweepCriterion): string {
  return criterion === 'll' ? 'LL' : criterion.toUpperCase();
}

/** The criterion's value for one K. */
export function criterionValue(point: SweepPoint, criterion: SweepCriterion): number {
  return criterion === 'bic' ? point.bic : criterion === 'aic' ? point.aic : point.logLikelihood;
}

function marker(shape: Series['shape'], x: number, y: number, size: number, attrs: Record<string, string>): string {
  switch (shape) {
    case 'circle':
      return el('circle', { ...attrs, cx: x, cy: y, r: size });
    case 'square':
      return el('rect', { ...attrs, x: x - size, y: y - size, width: 2 * size, height: 2 * size });
    case 'triangle':
      return el('path', { ...attrs, d: `M ${fmt(x)} ${fmt(y - size * 1.2)} L ${fmt(x + size * 1.1)} ${fmt(y + size * 0.8)} L ${fmt(x - size * 1.1)} ${fmt(y + size * 0.8)} Z` });
  }
}

/** The failed Ks to show: integers, once each, ascending, leaving out those that have a point. */
export function failedKs(failed: readonly number[] | undefined, points: ReadonlyArray<SweepPoint>): number[] {
  const fitted = new Set(points.map((p) => p.k));
  return [...new Set(failed ?? [])].filter((k) => Number.isInteger(k) && !fitted.has(k)).sort((a, b) => a - b);
}

/** Longer notes are cut (at a whole item, with "…") so that they stay inside the picture. */
const MAX_NOTE = 90;

/** "K=5, 6: every fit failed"; runs of three or more are written as ranges (K=5..9), as --k takes them. */
export function failedNote(ks: readonly number[]): string {
  const items: string[] = [];
  for (let t = 0; t < ks.length; ) {
    let end = t;
    while (end + 1 < ks.length && ks[end + 1] === ks[end] + 1) end++;
    if (end - t >= 2) items.push(`${ks[t]}..${ks[end]}`);
    else for (let i = t; i <= end; i++) items.push(String(ks[i]));
    t = end + 1;
  }
  let shown = items.join(', ');
  for (let n = items.length - 1; shown.length > MAX_NOTE && n > 0; n--) shown = `${items.slice(0, n).join(', ')}, …`;
  return `K=${shown}: every fit failed`;
}

/** Where a failed K's × goes: this far above the bottom of the frame. */
const FAILED_MARK_RISE = 10;
const FAILED_COLOUR = '#CC0000';

/** A red × with a white halo, centred at (x, y); `size` is half its width. */
function failedCross(x: number, y: number, size: number): string {
  const d = `M ${fmt(x - size)} ${fmt(y - size)} L ${fmt(x + size)} ${fmt(y + size)} M ${fmt(x - size)} ${fmt(y + size)} L ${fmt(x + size)} ${fmt(y - size)}`;
  return el('path', { d, stroke: '#ffffff', 'stroke-width': 5, 'stroke-linecap': 'round' }) + el('path', { d, stroke: FAILED_COLOUR, 'stroke-width': 2.5, 'stroke-linecap': 'round' });
}

/**
 * The failed Ks: each one's column (K ± ½) washed white over the curves, so that a line running across
 * it is seen to have no value there, and a red × at the bottom of the frame, with a tooltip.
 */
function drawFailed(ks: readonly number[], frame: Frame, px: (k: number) => number): { bands: string[]; marks: string[] } {
  // 1 px inside the frame, which stays drawn.
  const [left, right] = [frame.left + 1, frame.left + frame.width - 1];
  const bands = ks.map((k) => {
    const [x0, x1] = [Math.max(left, px(k - 0.5)), Math.min(right, px(k + 0.5))];
    return el('rect', { class: 'failed-band', 'data-k': String(k), x: x0, y: frame.top + 1, width: x1 - x0, height: frame.height - 2, fill: '#ffffff', 'fill-opacity': 0.75 });
  });
  const y = frame.top + frame.height - FAILED_MARK_RISE;
  const marks = ks.map((k) => el('g', { class: 'failed', 'data-k': String(k) }, [el('title', {}, escapeXml(`K=${k}: every fit failed`)), failedCross(px(k), y, 5)]));
  return { bands, marks };
}

/**
 * An SVG of LL, BIC and AIC against K (one line with markers each), the selected K
 * marked by a vertical line and a label, with axes, ticks and a legend; Ks whose
 * fits all failed (options.failed) marked on the axis and listed in a note.
 */
export function sweepPlotSvg(best: ReadonlyArray<SweepPoint>, selectedK: number, criterion: SweepCriterion, options: SweepPlotOptions = {}): string {
  const points = [...best].filter((p) => Number.isFinite(p.k)).sort((a, b) => a.k - b.k);
  const failed = failedKs(options.failed, points);
  const title = options.title ?? 'Model selection: LL, BIC and AIC against K';
  const notes: string[] = [];
  if (points.length === 0) notes.push('no successful fits');
  if (failed.length > 0) notes.push(failedNote(failed));
  const view = sweepView(points, failed, notes.length);
  const { behind, selected } = drawSelection(points, selectedK, criterion, view);
  const { bands, marks } = drawFailed(failed, view.frame, view.px);
  return svgDocument(
    WIDTH,
    HEIGHT,
    [
      drawHeading(WIDTH, title, notes),
      drawAxes(view.frame, view.x, view.y),
      el('g', { class: 'selection-line' }, behind),
      el('g', { class: 'curves' }, drawCurves(points, view)),
      // Only with failed Ks, so that a sweep without any draws exactly what it always drew.
      ...(failed.length > 0 ? [el('g', { class: 'failed-bands' }, bands), el('g', { class: 'failed-marks' }, marks)] : []),
      el('g', { class: 'selection' }, selected),
      el('g', { class: 'legend' }, drawLegend(criterion, view.frame, failed.length > 0)),
    ],
    title,
  );
}

const WIDTH = 760;
const HEIGHT = 480;

/** The frame and axes (K from the smallest to the largest K, fitted or failed), and the maps from K and values to pixels. */
interface SweepView {
  readonly frame: Frame;
  readonly x: Axis;
  readonly y: Axis;
  readonly px: (k: number) => number;
  readonly py: (v: number) => number;
}

function sweepView(points: ReadonlyArray<SweepPoint>, failed: readonly number[], noteCount: number): SweepView {
  // The x-axis covers the failed Ks too.
  const ks = [...points.map((p) => p.k), ...failed];
  const kmin = ks.length ? Math.min(...ks) : 1;
  const kmax = ks.length ? Math.max(...ks) : 1;
  const [ylo, yhi] = valueRange(points);
  const margin = (yhi - ylo) * 0.08;
  const top = 40 + 15 * noteCount + 12;
  const plotHeight = HEIGHT - top - 56;
  // The y ticks first: their labels' width sets the left margin.
  const yt = niceTicks(ylo - margin, yhi + margin, Math.max(2, Math.round(plotHeight / 60)));
  const left = Math.max(70, tickLabelWidth(yt) + 44);
  const frame: Frame = { left, top, width: WIDTH - left - 180, height: plotHeight };
  const xlo = kmin - 0.5;
  const xhi = kmax + 0.5;
  const xt = niceTicks(xlo, xhi, Math.min(10, Math.max(1, kmax - kmin + 1)), true);
  const x: Axis = { lo: xlo, hi: xhi, ticks: ticksWithin(xt, xlo, xhi), label: 'K (number of components)' };
  const y: Axis = { lo: yt.lo, hi: yt.hi, ticks: yt, label: 'LL, BIC, AIC (larger is better)' };
  return { frame, x, y, px: linearScale(x.lo, x.hi, frame.left, frame.left + frame.width), py: linearScale(y.lo, y.hi, frame.top + frame.height, frame.top) };
}

/** The range of every finite value of the three series, widened when it is degenerate. */
function valueRange(points: ReadonlyArray<SweepPoint>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points)
    for (const s of SERIES) {
      const v = s.value(p);
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  return widenRange(lo, hi);
}

/** Each series as a line through its finite values, with a marker at each. */
function drawCurves(points: ReadonlyArray<SweepPoint>, { px, py }: SweepView): string[] {
  return SERIES.map((s) => {
    const finitePoints = points.filter((p) => Number.isFinite(s.value(p)));
    const line = el('polyline', {
      class: `series ${s.key}`,
      'data-series': s.key,
      points: finitePoints.map((p) => `${fmt(px(p.k))},${fmt(py(s.value(p)))}`).join(' '),
      fill: 'none',
      stroke: s.colour,
      'stroke-width': 2,
    });
    const markers = finitePoints.map((p) => marker(s.shape, px(p.k), py(s.value(p)), 4.5, { class: 'marker', 'data-k': String(p.k) }));
    return el('g', { class: `curve ${s.key}`, 'data-series': s.key }, [line, el('g', { class: `markers ${s.key}`, fill: s.colour, stroke: '#ffffff', 'stroke-width': 1 }, markers)]);
  });
}

/** The selected K (when it has a point): a dashed vertical line behind the curves, a label and a ring on the criterion's marker in front. */
function drawSelection(points: ReadonlyArray<SweepPoint>, selectedK: number, criterion: SweepCriterion, { frame, px, py }: SweepView): { behind: string[]; selected: string[] } {
  const chosen = points.find((p) => p.k === selectedK);
  if (!chosen) return { behind: [], selected: [] };
  const X = px(chosen.k);
  const series = SERIES.find((s) => s.key === criterion) ?? SERIES[1];
  const v = series.value(chosen);
  const label = `selected K=${chosen.k} by ${criterionName(criterion)}`;
  // Right of the line, unless that would run out of the frame.
  const anchorEnd = X > frame.left + frame.width * 0.6;
  const behind = [el('line', { class: 'selected', 'data-k': String(chosen.k), x1: X, y1: frame.top, x2: X, y2: frame.top + frame.height, stroke: '#333333', 'stroke-width': 1.5, 'stroke-dasharray': '5 4' })];
  const selected = [
    text({ class: 'selected-label', 'data-k': String(chosen.k), x: anchorEnd ? X - 6 : X + 6, y: frame.top + 16, 'text-anchor': anchorEnd ? 'end' : 'start', 'font-weight': 'bold', fill: '#000000', stroke: '#ffffff', 'stroke-width': 3, 'paint-order': 'stroke' }, label),
  ];
  if (Number.isFinite(v)) selected.push(el('circle', { class: 'selected-marker', 'data-k': String(chosen.k), cx: X, cy: py(v), r: 9, fill: 'none', stroke: series.colour, 'stroke-width': 2 }));
  return { behind, selected };
}

/** The legend right of the frame: each series' line and marker (the criterion's marked), then the failed mark when there is one. */
function drawLegend(criterion: SweepCriterion, frame: Frame, anyFailed: boolean): string[] {
  const lx = frame.left + frame.width + 20;
  const legend = SERIES.map((s, t) => {
    const ly = frame.top + 14 + 22 * t;
    const name = s.key === criterion ? `${s.label} (criterion)` : s.label;
    return el('g', { class: 'legend-entry', 'data-series': s.key }, [
      el('line', { x1: lx, y1: ly, x2: lx + 24, y2: ly, stroke: s.colour, 'stroke-width': 2 }),
      marker(s.shape, lx + 12, ly, 4.5, { fill: s.colour, stroke: '#ffffff', 'stroke-width': '1' }),
      text({ x: lx + 32, y: ly + 4 }, name),
    ]);
  });
  if (anyFailed) {
    const ly = frame.top + 14 + 22 * SERIES.length;
    legend.push(el('g', { class: 'legend-failed' }, [failedCross(lx + 12, ly, 4), text({ x: lx + 32, y: ly + 4 }, 'every fit failed')]));
  }
  return legend;
}
