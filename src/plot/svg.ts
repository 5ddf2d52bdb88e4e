/**
 * Small helpers shared by the SVG plots and the text chart: XML escaping, number
 * formatting that never prints NaN or Infinity, nice axis ticks, and the plot frame (axes,
 * ticks, labels); the colours (colours.ts) are re-exported.
 */

export { PALETTE, blend, colourOf } from './colours';

/**
 * Characters that XML 1.0 does not allow anywhere, even escaped: the C0 controls but tab,
 * line feed and carriage return, U+FFFE, U+FFFF, and halves of surrogate pairs on their own.
 */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escape text for XML content and attribute values (&, <, >, both quotes); characters XML cannot hold become U+FFFD. */
export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML, '\uFFFD')
    .replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/** A number with a fixed number of decimals; non-finite values print as 0, and there is never a "-0". */
export function fmt(value: number, decimals = 2): string {
  const v = Number.isFinite(value) ? value : 0;
  // toFixed switches to exponent notation from 1e21 on; BigInt prints the whole digits.
  const s = Math.abs(v) < 1e21 ? v.toFixed(decimals) : BigInt(v).toString() + (decimals > 0 ? '.' + '0'.repeat(decimals) : '');
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/**
 * A statistic for a label: `decimals` decimals (default 2), except that a non-zero value too
 * small to show with them keeps 3 significant digits (0.00141 rather than 0.00).
 */
export function fmtStat(value: number, decimals = 2): string {
  if (!Number.isFinite(value) || value === 0 || Math.abs(value) >= 0.5 * Math.pow(10, -decimals)) return fmt(value, decimals);
  return fmt(value, Math.min(100, 2 - Math.floor(Math.log10(Math.abs(value)))));
}

/** Attribute values: strings are escaped, numbers formatted with 2 decimals. */
export type Attributes = Record<string, string | number | undefined>;

function attributes(attrs: Attributes): string {
  let out = '';
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    out += ` ${name}="${typeof value === 'number' ? fmt(value) : escapeXml(value)}"`;
  }
  return out;
}

/** An element; `children` is already-serialised markup (use `text` for plain text). */
export function el(name: string, attrs: Attributes = {}, children?: string | string[]): string {
  const inner = Array.isArray(children) ? children.join('') : children;
  return inner === undefined || inner === '' ? `<${name}${attributes(attrs)}/>` : `<${name}${attributes(attrs)}>${inner}</${name}>`;
}

/** A text element whose content is escaped. */
export function text(attrs: Attributes, content: string): string {
  return el('text', attrs, escapeXml(content));
}

/** The root element with its namespace and viewBox; `children` are serialised markup. */
export function svgDocument(width: number, height: number, children: string[], title?: string): string {
  const w = positive(width, 800);
  const h = positive(height, 600);
  const head = title ? el('title', {}, escapeXml(title)) : '';
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${fmt(w, 0)}" height="${fmt(h, 0)}" viewBox="0 0 ${fmt(w, 0)} ${fmt(h, 0)}" font-family="sans-serif" font-size="12">\n` +
    head +
    el('rect', { class: 'background', x: 0, y: 0, width: w, height: h, fill: '#ffffff' }) +
    '\n' +
    children.join('\n') +
    '\n</svg>\n'
  );
}

/** `value` if it is a finite number > 0, else `fallback`. */
export function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

export interface Ticks {
  /** The tick values, multiples of `step` from `lo` to `hi`. */
  readonly values: number[];
  readonly step: number;
  /** The range widened to whole steps. */
  readonly lo: number;
  readonly hi: number;
  /** Decimals that print every tick exactly. */
  readonly decimals: number;
}

/** Widen a degenerate or non-finite range so that it has a positive, finite width. */
export function widenRange(lo: number, hi: number): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    if (Number.isFinite(lo)) return widenRange(lo, lo);
    if (Number.isFinite(hi)) return widenRange(hi, hi);
    return [0, 1];
  }
  if (lo > hi) [lo, hi] = [hi, lo];
  const scale = Math.max(Math.abs(lo), Math.abs(hi));
  if (hi - lo <= scale * 1e-9 || hi - lo < 1e-300) {
    const pad = scale > 0 ? scale * 0.1 : 1;
    return [lo - pad, hi + pad];
  }
  if (!Number.isFinite(hi - lo)) return [lo / 2, hi / 2];
  return [lo, hi];
}

/** The nice step (1, 2 or 5 × 10^k) nearest above span / target. */
export function niceStep(span: number, target: number): number {
  const raw = span / Math.max(1, target);
  const exponent = Math.floor(Math.log10(raw));
  const magnitude = Math.pow(10, exponent);
  const norm = raw / magnitude;
  const factor = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10;
  return factor * magnitude;
}

/** Decimals needed to print multiples of a nice step exactly. */
export function stepDecimals(step: number): number {
  return Math.min(20, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
}

/**
 * Nice ticks for [lo, hi]: about `target` multiples of a step of 1, 2 or 5 × 10^k,
 * from the last multiple at or below lo to the first at or above hi (the widened range).
 * `integer` keeps the step ≥ 1 (for counts such as K).
 */
export function niceTicks(lo: number, hi: number, target = 6, integer = false): Ticks {
  [lo, hi] = widenRange(lo, hi);
  let step = niceStep(hi - lo, target);
  if (integer && step < 1) step = 1;
  const decimals = stepDecimals(step);
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const values: number[] = [];
  for (let i = first; i <= last; i++) values.push(Number((i * step).toFixed(decimals)));
  return { values, step, lo: first * step, hi: last * step, decimals };
}

/** The ticks that fall in [lo, hi] (with a little slack for rounding). */
export function ticksWithin(ticks: Ticks, lo: number, hi: number): Ticks {
  const slack = (hi - lo) * 1e-9;
  return { ...ticks, values: ticks.values.filter((v) => v >= lo - slack && v <= hi + slack) };
}

/** Print a tick value with the decimals of its step. */
export function tickLabel(value: number, ticks: Pick<Ticks, 'decimals'>): string {
  return fmt(value, ticks.decimals);
}

/** A linear map from [d0, d1] to [r0, r1]; a zero-width domain maps to the middle. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const span = d1 - d0;
  if (!(Number.isFinite(span) && span !== 0)) return () => (r0 + r1) / 2;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/** The plot area inside the margins, in pixels. */
export interface Frame {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** An axis: ticks over [lo, hi], and the label under (x) or beside (y) it. */
export interface Axis {
  readonly lo: number;
  readonly hi: number;
  readonly ticks: Ticks;
  readonly label: string;
}

/** The frame, grid lines, ticks, tick labels and axis labels; returns markup. */
export function drawAxes(frame: Frame, x: Axis, y: Axis): string {
  const px = linearScale(x.lo, x.hi, frame.left, frame.left + frame.width);
  const py = linearScale(y.lo, y.hi, frame.top + frame.height, frame.top);
  const bottom = frame.top + frame.height;
  const parts: string[] = [];
  const grid: string[] = [];
  for (const v of x.ticks.values) {
    const X = px(v);
    grid.push(el('line', { x1: X, y1: frame.top, x2: X, y2: bottom }));
    parts.push(el('line', { class: 'tick x', x1: X, y1: bottom, x2: X, y2: bottom + 5, stroke: '#333333' }));
    parts.push(text({ class: 'tick-label x', x: X, y: bottom + 18, 'text-anchor': 'middle', 'data-value': tickLabel(v, x.ticks) }, tickLabel(v, x.ticks)));
  }
  for (const v of y.ticks.values) {
    const Y = py(v);
    grid.push(el('line', { x1: frame.left, y1: Y, x2: frame.left + frame.width, y2: Y }));
    parts.push(el('line', { class: 'tick y', x1: frame.left - 5, y1: Y, x2: frame.left, y2: Y, stroke: '#333333' }));
    parts.push(text({ class: 'tick-label y', x: frame.left - 8, y: Y + 4, 'text-anchor': 'end', 'data-value': tickLabel(v, y.ticks) }, tickLabel(v, y.ticks)));
  }
  const cx = frame.left + frame.width / 2;
  const cy = frame.top + frame.height / 2;
  const yLabelX = Math.max(14, frame.left - tickLabelWidth(y.ticks) - 20);
  return [
    el('g', { class: 'grid', stroke: '#e5e5e5', 'stroke-width': 1 }, grid),
    el('rect', { class: 'frame', x: frame.left, y: frame.top, width: frame.width, height: frame.height, fill: 'none', stroke: '#333333' }),
    el('g', { class: 'axes', fill: '#333333' }, parts),
    text({ class: 'axis-label x', x: cx, y: bottom + 40, 'text-anchor': 'middle', 'font-size': 13 }, x.label),
    text({ class: 'axis-label y', x: yLabelX, y: cy, 'text-anchor': 'middle', 'font-size': 13, transform: `rotate(-90 ${fmt(yLabelX)} ${fmt(cy)})` }, y.label),
  ].join('\n');
}

/** The width in pixels of the widest tick label (about 7 px a character at font size 12). */
export function tickLabelWidth(ticks: Ticks): number {
  return 7 * Math.max(1, ...ticks.values.map((v) => tickLabel(v, ticks).length));
}

/** Title and notes at the top of a plot (notes one per line under the title). */
export function drawHeading(width: number, title: string, notes: readonly string[]): string {
  const out = [text({ class: 'title', x: width / 2, y: 24, 'text-anchor': 'middle', 'font-size': 16, 'font-weight': 'bold' }, title)];
  notes.forEach((note, i) => out.push(text({ class: 'note', x: width / 2, y: 42 + 15 * i, 'text-anchor': 'middle', fill: '#555555' }, note)));
  return out.join('\n');
}
