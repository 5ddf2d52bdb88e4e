import type { Matrix } from '../core/matrix';
import type { Mixture } from '../models/mixture';
import { familyOf } from '../models/families';
import {
  blend,
  colourOf,
  drawAxes,
  drawHeading,
  el,
  fmt,
  fmtStat,
  linearScale,
  niceTicks,
  positive,
  svgDocument,
  text,
  tickLabelWidth,
  ticksWithin,
  widenRange,
  type Axis,
  type Frame,
} from './svg';
import { distance, placeLabel, pointCounter, type Box, type LabelLayout } from './labels';

export interface FitPlotOptions {
  /**
   * The two columns to plot, as 0-based indices into the data's columns; default [0, 1]. Ignored
   * when d = 1. (The CLI's --dims counts from 1, as the axis titles do, and passes them less 1.)
   */
  dims?: [number, number];
  title?: string;
  /**
   * The columns' header names. An axis title (and the projection note) names column i by
   * `columns[i]` when there is one, else "column N" with N = i + 1, counting from 1 as --dims does.
   */
  columns?: readonly string[] | null;
  width?: number;
  height?: number;
}

/** The axes of a 2×2 covariance: the major axis's angle (degrees, in (−90, 90]) and the variances along both axes. */
export interface EllipseAxes {
  readonly angle: number;
  readonly major: number;
  readonly minor: number;
}

/** Eigen-decomposition of the symmetric matrix [[sxx, sxy], [sxy, syy]]; negative or non-finite variances count as 0. */
export function ellipseAxes(sxx: number, sxy: number, syy: number): EllipseAxes {
  const a = finite(sxx);
  const b = finite(sxy);
  const c = finite(syy);
  const mean = (a + c) / 2;
  const radius = Math.hypot((a - c) / 2, b);
  let angle = b === 0 && a >= c ? 0 : (0.5 * Math.atan2(2 * b, a - c) * 180) / Math.PI;
  if (angle <= -90) angle += 180;
  return { angle: finite(angle), major: Math.max(0, mean + radius), minor: Math.max(0, mean - radius) };
}

function finite(v: number): number {
  return Number.isFinite(v) ? v : 0;
}

/** Component j's covariance restricted to columns i and l: [sxx, sxy, syy]; non-finite values count as 0. */
export function subCovariance(mixture: Mixture, j: number, i: number, l: number): [number, number, number] {
  const [sxx, sxy, syy] = familyOf(mixture.covariance).marginal(mixture.covariance, j, i, l, mixture.d);
  return [finite(sxx), finite(sxy), finite(syy)];
}

const sqrt0 = (v: number) => Math.sqrt(Math.max(0, finite(v)));

/** Scales (pixels per unit) differing by more than this are not forced equal. */
const MAX_ASPECT = 3;

/**
 * An SVG picture of a fit: the rows (projected on `dims`) coloured by their posterior, each
 * component's 1- and 2-sd ellipse, mean and label, axes with ticks, a legend and a title.
 * With d = 1 the values are plotted against the row index, with 1- and 2-sd bands.
 * Rows with a missing cell in a plotted column are left out and counted in a note.
 */
export function fitPlotSvg(matrix: Matrix, mixture: Mixture, posterior: Float64Array, options: FitPlotOptions = {}): string {
  const shape = plotShape(matrix, mixture, posterior, options);
  const colours = Array.from({ length: mixture.k }, (_, j) => colourOf(j));
  const rows = plottedRows(matrix, shape);
  const comps = componentGeometry(mixture, shape);
  const notes = plotNotes(shape, rows.skipped);
  const view = plotView(dataRanges(rows, comps, shape, matrix.rows), shape, notes.length);
  const points = pointPixels(rows, view);
  const { components, leaders, labels } = drawComponents(comps, mixture, colours, view, points, shape.oneD);
  const title = options.title ?? `Gaussian mixture, K = ${mixture.k} (${mixture.covariance.family})`;
  return svgDocument(
    shape.width,
    shape.height,
    [
      drawHeading(shape.width, title, notes),
      drawAxes(view.frame, view.x, view.y),
      el('g', { class: 'points', 'fill-opacity': 0.75, stroke: '#ffffff', 'stroke-width': 0.5 }, drawPoints(points, posterior, mixture.k, colours)),
      el('g', { class: 'components' }, components),
      // Leaders before every label box, so that none crosses another label's text.
      el('g', { class: 'label-leaders' }, leaders),
      el('g', { class: 'labels' }, labels),
      el('g', { class: 'legend' }, drawLegend(comps, colours, view.frame, shape.oneD)),
    ],
    title,
  );
}

/** What is plotted: the two columns (both 0 when d = 1), their names, and the picture's size. */
interface PlotShape {
  readonly d: number;
  readonly oneD: boolean;
  readonly di: number;
  readonly dj: number;
  readonly name: (i: number) => string;
  readonly width: number;
  readonly height: number;
}

/** Checks that the data, the mixture, the posterior and the dims agree, and settles the plotted columns. */
function plotShape(matrix: Matrix, mixture: Mixture, posterior: Float64Array, options: FitPlotOptions): PlotShape {
  const { k, d } = mixture;
  const n = matrix.rows;
  if (matrix.cols !== d) throw new Error(`the mixture has d = ${d} but the data has ${matrix.cols} columns`);
  if (posterior.length !== n * k) throw new Error(`the posterior has ${posterior.length} values, expected ${n}×${k}`);
  if (d < 1) throw new Error('cannot plot data with no columns');
  const oneD = d === 1;
  const dims = options.dims ?? [0, 1];
  if (!oneD) {
    for (const i of dims) if (!Number.isInteger(i) || i < 0 || i >= d) throw new Error(`plot dimension ${i} is not a column index in 0..${d - 1}`);
    if (dims[0] === dims[1]) throw new Error('the two plot dimensions must differ');
  }
  const [di, dj] = oneD ? [0, 0] : dims;
  // The header's name when there is one, else "column N" counting from 1 (as the CLI's --dims does).
  const name = (i: number) => options.columns?.[i] ?? `column ${i + 1}`;
  return { d, oneD, di, dj, name, width: positive(options.width, 800), height: positive(options.height, 600) };
}

/** The rows drawn, in data units (x is the 1-based row index when d = 1), with the row each came from. */
interface PlottedRows {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly row: Uint32Array;
  /** Rows left out: a plotted cell missing or not finite. */
  readonly skipped: number;
}

function plottedRows(matrix: Matrix, { d, di, dj, oneD }: PlotShape): PlottedRows {
  const { rows: n, data, observed } = matrix;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const row = new Uint32Array(n);
  let count = 0;
  for (let u = 0; u < n; u++) {
    const a = u * d + di;
    const b = u * d + dj;
    const x = data[a];
    const y = data[b];
    if ((observed && (observed[a] === 0 || observed[b] === 0)) || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    row[count] = u;
    xs[count] = oneD ? u + 1 : x;
    ys[count] = oneD ? x : y;
    count++;
  }
  return { x: xs.subarray(0, count), y: ys.subarray(0, count), row: row.subarray(0, count), skipped: n - count };
}

/** One component in the plotted coordinates: mean, 2×2 covariance, standard deviations and weight, all finite. */
interface ComponentGeometry {
  readonly j: number;
  readonly mx: number;
  readonly my: number;
  readonly sxx: number;
  readonly sxy: number;
  readonly syy: number;
  readonly sx: number;
  readonly sy: number;
  readonly p: number;
}

function componentGeometry(mixture: Mixture, { d, di, dj }: PlotShape): ComponentGeometry[] {
  return Array.from({ length: mixture.k }, (_, j) => {
    const [sxx, sxy, syy] = subCovariance(mixture, j, di, dj);
    return { j, mx: finite(mixture.mu[j * d + di]), my: finite(mixture.mu[j * d + dj]), sxx, sxy, syy, sx: sqrt0(sxx), sy: sqrt0(syy), p: finite(mixture.p[j]) };
  });
}

/** The notes under the title: what a 1-D or projected picture shows, and how many rows it leaves out. */
function plotNotes({ d, oneD, di, dj, name }: PlotShape, skipped: number): string[] {
  const notes: string[] = [];
  if (oneD) notes.push('d = 1: values plotted against the row index');
  else if (d > 2) notes.push(`projection on ${name(di)} and ${name(dj)} (d = ${d})`);
  if (skipped > 0) notes.push(`${skipped} ${skipped === 1 ? 'row' : 'rows'} with a missing value in the plotted ${oneD ? 'column' : 'columns'} not shown`);
  return notes;
}

interface Ranges {
  readonly xlo: number;
  readonly xhi: number;
  readonly ylo: number;
  readonly yhi: number;
}

/** The data ranges that hold the points, the means and their 2-sd extents, widened by 5% each side. */
function dataRanges(rows: PlottedRows, comps: readonly ComponentGeometry[], { oneD }: PlotShape, n: number): Ranges {
  let [xlo, xhi, ylo, yhi] = [Infinity, -Infinity, Infinity, -Infinity];
  const extend = (x: number, y: number) => {
    xlo = Math.min(xlo, x);
    xhi = Math.max(xhi, x);
    ylo = Math.min(ylo, y);
    yhi = Math.max(yhi, y);
  };
  for (let t = 0; t < rows.x.length; t++) extend(rows.x[t], rows.y[t]);
  for (const c of comps) {
    if (oneD) {
      ylo = Math.min(ylo, c.mx - 2 * c.sx);
      yhi = Math.max(yhi, c.mx + 2 * c.sx);
    } else {
      extend(c.mx + 2 * c.sx, c.my + 2 * c.sy);
      extend(c.mx - 2 * c.sx, c.my - 2 * c.sy);
    }
  }
  // With d = 1, x is the row index, whatever rows were left out.
  if (oneD) [xlo, xhi] = [1, Math.max(1, n)];
  [xlo, xhi] = pad(widenRange(xlo, xhi));
  [ylo, yhi] = pad(widenRange(ylo, yhi));
  return { xlo, xhi, ylo, yhi };
}

/** The frame and axes, and the maps from data units to pixels (px, py) with their scales (pixels per unit). */
interface View {
  readonly frame: Frame;
  readonly x: Axis;
  readonly y: Axis;
  readonly px: (v: number) => number;
  readonly py: (v: number) => number;
  readonly kx: number;
  readonly ky: number;
}

/** Room for the heading and notes above, the x labels below, the y tick labels left and the legend right. */
function plotView(ranges: Ranges, { width, height, oneD, di, dj, name }: PlotShape, noteCount: number): View {
  const top = 40 + 15 * noteCount + 8;
  const plotHeight = Math.max(60, height - top - 56);
  // The y ticks first: their labels' width sets the left margin.
  const yt = niceTicks(ranges.ylo, ranges.yhi, Math.max(2, Math.round(plotHeight / 70)));
  const left = Math.max(80, tickLabelWidth(yt) + 44);
  const frame: Frame = { left, top, width: Math.max(60, width - left - 190), height: plotHeight };
  const xt = niceTicks(ranges.xlo, ranges.xhi, Math.max(2, Math.round(frame.width / 90)), oneD);
  let x: Axis = { lo: xt.lo, hi: xt.hi, ticks: xt, label: oneD ? 'row index' : name(di) };
  let y: Axis = { lo: yt.lo, hi: yt.hi, ticks: yt, label: oneD ? name(0) : name(dj) };
  if (!oneD) [x, y] = equalScales(frame, x, y);
  const kx = frame.width / (x.hi - x.lo);
  const ky = frame.height / (y.hi - y.lo);
  return { frame, x, y, px: linearScale(x.lo, x.hi, frame.left, frame.left + frame.width), py: linearScale(y.lo, y.hi, frame.top + frame.height, frame.top), kx, ky };
}

/**
 * The same pixels per unit on both axes, so that circles stay circles: the axis with the larger
 * scale is widened about its middle, with new nice ticks. Not when the scales differ more than MAX_ASPECT.
 */
function equalScales(frame: Frame, x: Axis, y: Axis): [Axis, Axis] {
  const kx = frame.width / (x.hi - x.lo);
  const ky = frame.height / (y.hi - y.lo);
  if (Math.max(kx, ky) / Math.min(kx, ky) > MAX_ASPECT) return [x, y];
  const scale = Math.min(kx, ky);
  if (kx > scale) {
    const [lo, hi] = around(x.lo, x.hi, frame.width / scale);
    const xt = niceTicks(lo, hi, Math.max(2, Math.round(frame.width / 90)));
    return [{ ...x, lo, hi, ticks: ticksWithin(xt, lo, hi) }, y];
  }
  if (ky > scale) {
    const [lo, hi] = around(y.lo, y.hi, frame.height / scale);
    const yt = niceTicks(lo, hi, Math.max(2, Math.round(frame.height / 70)));
    return [x, { ...y, lo, hi, ticks: ticksWithin(yt, lo, hi) }];
  }
  return [x, y];
}

/** The plotted rows in pixels, with the radius their circles are drawn with. */
interface PointPixels {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly row: Uint32Array;
  readonly radius: number;
}

function pointPixels(rows: PlottedRows, { px, py }: View): PointPixels {
  const x = rows.x.map(px);
  const y = rows.y.map(py);
  // Smaller dots when there are many, so that they do not merge into a blot.
  return { x, y, row: rows.row, radius: rows.x.length > 2000 ? 2 : 3 };
}

/** One circle per plotted row, its colour the posterior blend of the components' colours. */
function drawPoints(points: PointPixels, posterior: Float64Array, k: number, colours: readonly string[]): string[] {
  const out: string[] = [];
  for (let t = 0; t < points.x.length; t++) {
    const u = points.row[t];
    const colour = blend(colours, posterior.subarray(u * k, u * k + k));
    out.push(el('circle', { class: 'point', cx: points.x[t], cy: points.y[t], r: points.radius, fill: colour }));
  }
  return out;
}

/**
 * Each component's shapes (bands or ellipses, and its mean) and its label. Labels are placed one
 * after the other (labels.ts): each clear of the labels before it, covering as few points as it can
 * and none of the means' crosses (2-D).
 */
function drawComponents(
  comps: readonly ComponentGeometry[],
  mixture: Mixture,
  colours: readonly string[],
  view: View,
  points: PointPixels,
  oneD: boolean,
): { components: string[]; leaders: string[]; labels: string[] } {
  const { px, py } = view;
  const layout: LabelLayout = {
    frame: view.frame,
    countPoints: pointCounter(points.x, points.y, view.frame, points.radius),
    marks: oneD ? [] : comps.map((c) => ({ x: px(c.mx) - 8, y: py(c.my) - 8, w: 16, h: 16 })),
    placed: [],
  };
  const labels: string[] = [];
  const leaders: string[] = [];
  const components = comps.map((c) => {
    const colour = colours[c.j];
    const parts = oneD ? drawBands(c, colour, view) : drawEllipses(c, colour, view);
    const lines = oneD ? labelLines1D(c) : labelLines2D(c, isIsotropic(mixture, c.j));
    const w = labelWidth(lines);
    const anchor = [px(oneD ? 1 : c.mx), py(oneD ? c.mx : c.my)] as const;
    const candidates = oneD ? bandLabelCandidates(anchor[1], w, view.frame) : ellipseLabelCandidates(anchor[0], anchor[1], w);
    const box = placeLabel(layout, candidates, w, LABEL_HEIGHT, anchor);
    labels.push(drawLabel(c.j, lines, colour, box));
    // 2-D labels may sit away from their mean; a band's label is always on its line.
    if (!oneD && distance(box, anchor) >= LEADER_FROM) leaders.push(leaderLine(c.j, box, anchor, colour));
    return el('g', { class: 'component', 'data-component': String(c.j + 1) }, parts);
  });
  return { components, leaders, labels };
}

/** d = 1: the 1- and 2-sd bands across the frame and the mean's line. */
function drawBands(c: ComponentGeometry, colour: string, { frame, py }: View): string[] {
  const parts: string[] = [];
  for (const s of [1, 2]) {
    const y0 = py(c.mx + s * c.sx);
    const y1 = py(c.mx - s * c.sx);
    parts.push(
      el('rect', {
        class: `band sd${s}`,
        x: frame.left,
        y: y0,
        width: frame.width,
        height: y1 - y0,
        fill: colour,
        'fill-opacity': s === 1 ? 0.1 : 0.05,
        stroke: colour,
        'stroke-width': s === 1 ? 1.5 : 1,
        'stroke-dasharray': s === 1 ? undefined : '6 4',
      }),
    );
  }
  parts.push(el('line', { class: 'mean', x1: frame.left, y1: py(c.mx), x2: frame.left + frame.width, y2: py(c.mx), stroke: colour, 'stroke-width': 2 }));
  return parts;
}

/** The 1- and 2-sd ellipses and the mean's cross. The angle and sds in data units ride along as data- attributes. */
function drawEllipses(c: ComponentGeometry, colour: string, { px, py, kx, ky }: View): string[] {
  const cx = px(c.mx);
  const cy = py(c.my);
  // The data ellipse mapped to the screen (x scaled by kx, y by −ky), decomposed there.
  const screen = ellipseAxes(kx * kx * c.sxx, -kx * ky * c.sxy, ky * ky * c.syy);
  const data = ellipseAxes(c.sxx, c.sxy, c.syy);
  const parts: string[] = [];
  for (const s of [1, 2]) {
    parts.push(
      el('ellipse', {
        class: `ellipse sd${s}`,
        cx,
        cy,
        rx: s * Math.sqrt(screen.major),
        ry: s * Math.sqrt(screen.minor),
        transform: `rotate(${fmt(screen.angle)} ${fmt(cx)} ${fmt(cy)})`,
        'data-angle': fmt(data.angle),
        'data-sd-major': fmtStat(s * Math.sqrt(data.major), 4),
        'data-sd-minor': fmtStat(s * Math.sqrt(data.minor), 4),
        fill: s === 1 ? colour : 'none',
        'fill-opacity': s === 1 ? 0.08 : undefined,
        stroke: colour,
        'stroke-width': s === 1 ? 2 : 1.5,
        'stroke-dasharray': s === 1 ? undefined : '6 4',
      }),
    );
  }
  const cross = `M ${fmt(cx - 6)} ${fmt(cy - 6)} L ${fmt(cx + 6)} ${fmt(cy + 6)} M ${fmt(cx - 6)} ${fmt(cy + 6)} L ${fmt(cx + 6)} ${fmt(cy - 6)}`;
  parts.push(el('path', { class: 'mean-halo', d: cross, stroke: '#ffffff', 'stroke-width': 5, 'stroke-linecap': 'round' }));
  parts.push(el('path', { class: 'mean', d: cross, stroke: '#000000', 'stroke-width': 2, 'stroke-linecap': 'round' }));
  return parts;
}

/** Whether component j has one variance for every column (spherical): its label then shows one σ. */
function isIsotropic(mixture: Mixture, j: number): boolean {
  return typeof familyOf(mixture.covariance).componentVariances(mixture.covariance, j, mixture.d) === 'number';
}

function labelLines1D(c: ComponentGeometry): [string, string] {
  return [`${c.j + 1}: μ = ${fmtStat(c.mx)}`, `σ = ${fmtStat(c.sx)}, p = ${fmtStat(c.p)}`];
}

function labelLines2D(c: ComponentGeometry, isotropic: boolean): [string, string] {
  const sd = isotropic ? fmtStat(c.sx) : `(${fmtStat(c.sx)}, ${fmtStat(c.sy)})`;
  return [`${c.j + 1}: μ = (${fmtStat(c.mx)}, ${fmtStat(c.my)})`, `σ = ${sd}, p = ${fmtStat(c.p)}`];
}

/** A label box's height: two lines of 14 px and a little room above and below. */
const LABEL_HEIGHT = 32;
/** Room between a label box's left edge and its text. */
const LABEL_PAD = 4;

/** A label box's width in pixels: about 6.8 px a character at font size 12 (a little more than most glyphs), and the padding. */
function labelWidth(lines: readonly string[]): number {
  return 6.8 * Math.max(...lines.map((l) => l.length)) + 2 * LABEL_PAD;
}

/** d = 1: top-left corners just above and below the mean's line, stepping right along it. */
function bandLabelCandidates(cy: number, w: number, frame: Frame): Array<[number, number]> {
  const right = frame.left + frame.width;
  const candidates: Array<[number, number]> = [];
  for (let t = 0; frame.left + 6 + t * (w + 12) + w <= right || t === 0; t++) {
    const bx = frame.left + 6 + t * (w + 12);
    candidates.push([bx, cy - LABEL_HEIGHT - 3], [bx, cy + 3]);
  }
  return candidates;
}

/** 2-D: top-left corners in eight directions around the mean, at growing distances. */
function ellipseLabelCandidates(cx: number, cy: number, w: number): Array<[number, number]> {
  const h = LABEL_HEIGHT;
  const candidates: Array<[number, number]> = [];
  for (const r of [10, 30, 60, 100])
    candidates.push([cx + r, cy - r - h], [cx + r, cy + r], [cx - r - w, cy - r - h], [cx - r - w, cy + r], [cx + r + 2, cy - h / 2], [cx - r - 2 - w, cy - h / 2], [cx - w / 2, cy - r - 4 - h], [cx - w / 2, cy + r + 4]);
  return candidates;
}

/** A label this far (pixels) from its mean or farther gets a leader line to it. */
const LEADER_FROM = 24;

/**
 * A component's label in its box: a white, slightly transparent rectangle edged in the component's
 * colour (so the text reads over points and lines, and the label is tied to its component), then two lines.
 */
function drawLabel(j: number, lines: readonly [string, string], colour: string, box: Box): string {
  const line = (content: string, dy: number) => text({ x: box.x + LABEL_PAD, y: box.y + dy }, content);
  return el('g', { class: 'component-label', 'data-component': String(j + 1), fill: '#000000' }, [
    el('rect', { class: 'label-box', x: box.x, y: box.y, width: box.w, height: box.h, rx: 3, fill: '#ffffff', 'fill-opacity': 0.85, stroke: colour, 'stroke-width': 1 }),
    line(lines[0], 13),
    line(lines[1], 27),
  ]);
}

/** A thin line from the mean's cross to the nearest point of the label's box, in the component's colour. */
function leaderLine(j: number, box: Box, [mx, my]: readonly [number, number], colour: string): string {
  const x = Math.max(box.x, Math.min(mx, box.x + box.w));
  const y = Math.max(box.y, Math.min(my, box.y + box.h));
  // Start at the edge of the mean's cross, not on it.
  const gap = 9 / Math.max(1e-9, Math.hypot(x - mx, y - my));
  return el('line', { class: 'label-leader', 'data-component': String(j + 1), x1: mx + (x - mx) * gap, y1: my + (y - my) * gap, x2: x, y2: y, stroke: colour, 'stroke-width': 1 });
}

/** The legend right of the frame: one entry per component with its colour and weight, then the line styles. */
function drawLegend(comps: readonly ComponentGeometry[], colours: readonly string[], frame: Frame, oneD: boolean): string[] {
  const lx = frame.left + frame.width + 20;
  const legend: string[] = [text({ class: 'legend-title', x: lx, y: frame.top + 10, 'font-weight': 'bold' }, 'Components')];
  comps.forEach((c, t) => {
    const y0 = frame.top + 24 + 18 * t;
    legend.push(
      el('g', { class: 'legend-entry', 'data-component': String(c.j + 1) }, [
        el('rect', { x: lx, y: y0, width: 12, height: 12, fill: colours[c.j] }),
        text({ x: lx + 18, y: y0 + 10 }, `${c.j + 1}: p = ${fmtStat(c.p)}`),
      ]),
    );
  });
  legend.push(legendKey(lx, frame.top + 24 + 18 * comps.length + 12, oneD));
  return legend;
}

/** What the line styles mean: 1 sd, 2 sd, the mean's mark, and how points are coloured. */
function legendKey(lx: number, y0: number, oneD: boolean): string {
  const keys = oneD ? ['1 sd band', '2 sd band', 'mean'] : ['1 sd ellipse', '2 sd ellipse', 'mean'];
  return el('g', { class: 'legend-key', fill: '#333333' }, [
    el('line', { x1: lx, y1: y0 + 6, x2: lx + 14, y2: y0 + 6, stroke: '#333333', 'stroke-width': 2 }),
    text({ x: lx + 18, y: y0 + 10 }, keys[0]),
    el('line', { x1: lx, y1: y0 + 24, x2: lx + 14, y2: y0 + 24, stroke: '#333333', 'stroke-width': 1.5, 'stroke-dasharray': '4 3' }),
    text({ x: lx + 18, y: y0 + 28 }, keys[1]),
    oneD
      ? el('line', { x1: lx, y1: y0 + 42, x2: lx + 14, y2: y0 + 42, stroke: '#333333', 'stroke-width': 2 })
      : el('path', { d: `M ${fmt(lx + 2)} ${fmt(y0 + 37)} L ${fmt(lx + 12)} ${fmt(y0 + 47)} M ${fmt(lx + 2)} ${fmt(y0 + 47)} L ${fmt(lx + 12)} ${fmt(y0 + 37)}`, stroke: '#000000', 'stroke-width': 2 }),
    text({ x: lx + 18, y: y0 + 46 }, keys[2]),
    text({ x: lx, y: y0 + 68, fill: '#555555' }, 'points: colour blended'),
    text({ x: lx, y: y0 + 82, fill: '#555555' }, 'by posterior'),
  ]);
}

/** Widen [lo, hi] by 5% each side. */
function pad([lo, hi]: [number, number]): [number, number] {
  const m = (hi - lo) * 0.05;
  return [lo - m, hi + m];
}

/** The range of width `span` centred on [lo, hi]'s middle. */
function around(lo: number, hi: number, span: number): [number, number] {
  const mid = (lo + hi) / 2;
  return [mid - span / 2, mid + span / 2];
}
