import { drawAxes, drawHeading, el, fmt, linearScale, niceTicks, svgDocument, text, tickLabelWidth, ticksWithin, widenRange, type Frame } from './svg';

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

/**
 * An SVG of LL, BIC and AIC against K (one line with markers each), the selected K
 * marked by a vertical line and a label, with axes, ticks and a legend.
 */
export function sweepPlotSvg(best: ReadonlyArray<SweepPoint>, selectedK: number, criterion: SweepCriterion, options: SweepPlotOptions = {}): string {
  const width = 760;
  const height = 480;
  const points = [...best].filter((p) => Number.isFinite(p.k)).sort((a, b) => a.k - b.k);
  const title = options.title ?? 'Model selection: LL, BIC and AIC against K';
  const notes: string[] = [];
  if (points.length === 0) notes.push('no successful fits');

  // Ranges.
  const ks = points.map((p) => p.k);
  const kmin = ks.length ? ks[0] : 1;
  const kmax = ks.length ? ks[ks.length - 1] : 1;
  let ylo = Infinity;
  let yhi = -Infinity;
  for (const p of points)
    for (const s of SERIES) {
      const v = s.value(p);
      if (!Number.isFinite(v)) continue;
      ylo = Math.min(ylo, v);
      yhi = Math.max(yhi, v);
    }
  [ylo, yhi] = widenRange(ylo, yhi);
  const margin = (yhi - ylo) * 0.08;
  const top = 40 + 15 * notes.length + 12;
  const plotHeight = height - top - 56;
  const yt = niceTicks(ylo - margin, yhi + margin, Math.max(2, Math.round(plotHeight / 60)));
  const left = Math.max(70, tickLabelWidth(yt) + 44);
  const frame: Frame = { left, top, width: width - left - 180, height: plotHeight };
  const xlo = kmin - 0.5;
  const xhi = kmax + 0.5;
  const xt = niceTicks(xlo, xhi, Math.min(10, Math.max(1, kmax - kmin + 1)), true);
  const x = { lo: xlo, hi: xhi, ticks: ticksWithin(xt, xlo, xhi), label: 'K (number of components)' };
  const y = { lo: yt.lo, hi: yt.hi, ticks: yt, label: 'LL, BIC, AIC (larger is better)' };
  const px = linearScale(x.lo, x.hi, frame.left, frame.left + frame.width);
  const py = linearScale(y.lo, y.hi, frame.top + frame.height, frame.top);

  // The curves.
  const curves = SERIES.map((s) => {
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

  // The selected K.
  const behind: string[] = [];
  const selected: string[] = [];
  const chosen = points.find((p) => p.k === selectedK);
  if (chosen) {
    const X = px(chosen.k);
    const series = SERIES.find((s) => s.key === criterion) ?? SERIES[1];
    const v = series.value(chosen);
    const label = `selected K=${chosen.k} by ${criterionName(criterion)}`;
    const anchorEnd = X > frame.left + frame.width * 0.6;
    behind.push(
      el('line', { class: 'selected', 'data-k': String(chosen.k), x1: X, y1: frame.top, x2: X, y2: frame.top + frame.height, stroke: '#333333', 'stroke-width': 1.5, 'stroke-dasharray': '5 4' }),
    );
    selected.push(
      text({ class: 'selected-label', 'data-k': String(chosen.k), x: anchorEnd ? X - 6 : X + 6, y: frame.top + 16, 'text-anchor': anchorEnd ? 'end' : 'start', 'font-weight': 'bold', fill: '#000000', stroke: '#ffffff', 'stroke-width': 3, 'paint-order': 'stroke' }, label),
    );
    if (Number.isFinite(v)) selected.push(el('circle', { class: 'selected-marker', 'data-k': String(chosen.k), cx: X, cy: py(v), r: 9, fill: 'none', stroke: series.colour, 'stroke-width': 2 }));
  }

  // Legend.
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

  return svgDocument(
    width,
    height,
    [drawHeading(width, title, notes), drawAxes(frame, x, y), el('g', { class: 'selection-line' }, behind), el('g', { class: 'curves' }, curves), el('g', { class: 'selection' }, selected), el('g', { class: 'legend' }, legend)],
    title,
  );
}
