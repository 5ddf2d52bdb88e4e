/**
 * Placing the components' labels: each label's box goes to a candidate position around its mean
 * that overlaps no label placed before it and covers as few plotted points (and no mean's mark)
 * as it can, inside the frame. Pixels throughout.
 */
import type { Frame } from './svg';

/** A rectangle: top-left corner, width and height. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** The area two boxes share (0 when they only touch or are apart). */
export function overlapArea(a: Box, b: Box): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Labels keep this far apart, so that their boxes stay disjoint after rounding to 2 decimals. */
const LABEL_GAP = 2;
/** And this far inside the frame's edges. */
const FRAME_INSET = 2;
/** Covering a mean's mark costs as much as covering this many points. */
const MARK_COST = 1000;
/**
 * This many pixels of distance between a label and its mean cost as much as covering one point: points
 * count most, but a label does not run far from its component to spare a point or two.
 */
const PIXELS_PER_POINT = 40;
/** The fallback's grid step, in pixels. */
const GRID_STEP = 8;

/**
 * A function counting the points whose centre lies in a box widened by `radius` (so: the points a
 * box touches), in constant time: a summed-area table over square cells of the frame. Cells are
 * 1 px unless the frame is huge (then coarser, so the table stays near a million cells).
 */
export function pointCounter(xs: ArrayLike<number>, ys: ArrayLike<number>, frame: Frame, radius: number): (box: Box) => number {
  const cell = Math.max(1, Math.ceil(Math.sqrt((frame.width * frame.height) / (1 << 20))));
  const cols = Math.max(1, Math.ceil(frame.width / cell));
  const rows = Math.max(1, Math.ceil(frame.height / cell));
  const clampCol = (x: number) => Math.max(0, Math.min(cols, x));
  const clampRow = (y: number) => Math.max(0, Math.min(rows, y));
  // table[(r + 1) * (cols + 1) + (c + 1)] = points in the cells above row r + 1 and left of column c + 1.
  const stride = cols + 1;
  const table = new Uint32Array(stride * (rows + 1));
  for (let t = 0; t < xs.length; t++) {
    const c = Math.floor((xs[t] - frame.left) / cell);
    const r = Math.floor((ys[t] - frame.top) / cell);
    if (c >= 0 && c < cols && r >= 0 && r < rows) table[(r + 1) * stride + c + 1]++;
  }
  for (let r = 1; r <= rows; r++) for (let c = 1; c <= cols; c++) table[r * stride + c] += table[(r - 1) * stride + c] + table[r * stride + c - 1] - table[(r - 1) * stride + c - 1];
  return (box) => {
    const c0 = clampCol(Math.floor((box.x - radius - frame.left) / cell));
    const c1 = clampCol(Math.ceil((box.x + box.w + radius - frame.left) / cell));
    const r0 = clampRow(Math.floor((box.y - radius - frame.top) / cell));
    const r1 = clampRow(Math.ceil((box.y + box.h + radius - frame.top) / cell));
    if (c1 <= c0 || r1 <= r0) return 0;
    return table[r1 * stride + c1] - table[r0 * stride + c1] - table[r1 * stride + c0] + table[r0 * stride + c0];
  };
}

/** What labels avoid: the frame they stay in, the plotted points, the means' marks, and the labels placed so far. */
export interface LabelLayout {
  readonly frame: Frame;
  readonly countPoints: (box: Box) => number;
  readonly marks: readonly Box[];
  readonly placed: Box[];
}

/**
 * Places one label of size w × h whose preferred top-left corners are `candidates` (nearest first),
 * for the mean at `anchor`, and records it in `layout.placed`:
 * 1. among the candidates (moved inside the frame), those clear of every placed label; of them the
 *    one covering the fewest points and no mark, traded against distance from the mean
 *    (PIXELS_PER_POINT), the nearest on a tie (then the first);
 * 2. else the same over a grid of the whole frame;
 * 3. else (no room left anywhere) the candidate overlapping the placed labels least.
 */
export function placeLabel(layout: LabelLayout, candidates: ReadonlyArray<readonly [number, number]>, w: number, h: number, anchor: readonly [number, number]): Box {
  const inner = innerBox(layout.frame);
  const near = (candidates.length ? candidates : [[inner.x, inner.y] as const]).map(([x, y]) => moveInside({ x, y, w, h }, inner));
  const box = fewestCovered(layout, near, anchor) ?? fewestCovered(layout, gridBoxes(inner, w, h), anchor) ?? leastOverlapping(layout, near);
  layout.placed.push(box);
  return box;
}

/** The frame less its inset: where label boxes go. */
function innerBox(frame: Frame): Box {
  return { x: frame.left + FRAME_INSET, y: frame.top + FRAME_INSET, w: frame.width - 2 * FRAME_INSET, h: frame.height - 2 * FRAME_INSET };
}

/** The box shifted into `inner` (to its top-left edge when it is larger than `inner`). */
function moveInside(box: Box, inner: Box): Box {
  const x = Math.max(inner.x, Math.min(box.x, inner.x + inner.w - box.w));
  const y = Math.max(inner.y, Math.min(box.y, inner.y + inner.h - box.h));
  return { ...box, x, y };
}

/** Whether the box keeps LABEL_GAP from every label placed so far. */
function isClear(layout: LabelLayout, box: Box): boolean {
  const widened = { x: box.x - LABEL_GAP, y: box.y - LABEL_GAP, w: box.w + 2 * LABEL_GAP, h: box.h + 2 * LABEL_GAP };
  return layout.placed.every((p) => overlapArea(widened, p) === 0);
}

/**
 * The clear box with the lowest cost: points covered, marks covered (heavily) and distance from the
 * anchor; the nearest on a tie. Null when none is clear. Boxes are tried nearest first, so the search
 * stops as soon as distance alone costs more than the best so far (most of a large grid is never tried).
 */
function fewestCovered(layout: LabelLayout, boxes: readonly Box[], anchor: readonly [number, number]): Box | null {
  const away = Float64Array.from(boxes, (b) => distance(b, anchor) / PIXELS_PER_POINT);
  // A stable sort: among boxes at the same distance the given order stands.
  const order = Array.from(boxes.keys()).sort((a, b) => away[a] - away[b]);
  let best: Box | null = null;
  let bestCost = Infinity;
  for (const i of order) {
    if (away[i] >= bestCost) break;
    const box = boxes[i];
    if (!isClear(layout, box)) continue;
    const marks = layout.marks.reduce((sum, m) => sum + (overlapArea(box, m) > 0 ? 1 : 0), 0);
    const cost = layout.countPoints(box) + MARK_COST * marks + away[i];
    if (cost < bestCost) {
      best = box;
      bestCost = cost;
    }
  }
  return best;
}

/** Every w × h box inside `inner` on a GRID_STEP grid, with the last row and column flush with its edges. */
function gridBoxes(inner: Box, w: number, h: number): Box[] {
  const steps = (room: number) => {
    const out: number[] = [];
    for (let s = 0; s < room; s += GRID_STEP) out.push(s);
    if (room >= 0) out.push(room);
    return out;
  };
  const boxes: Box[] = [];
  for (const dy of steps(inner.h - h)) for (const dx of steps(inner.w - w)) boxes.push({ x: inner.x + dx, y: inner.y + dy, w, h });
  return boxes;
}

/** The distance from a point to the nearest point of a box (0 inside it). */
export function distance(box: Box, [x, y]: readonly [number, number]): number {
  const dx = Math.max(box.x - x, 0, x - (box.x + box.w));
  const dy = Math.max(box.y - y, 0, y - (box.y + box.h));
  return Math.hypot(dx, dy);
}

/** The box overlapping the placed labels least in area; the first on a tie. */
function leastOverlapping(layout: LabelLayout, boxes: readonly Box[]): Box {
  let best = boxes[0];
  let bestArea = Infinity;
  for (const box of boxes) {
    const area = layout.placed.reduce((sum, p) => sum + overlapArea(box, p), 0);
    if (area < bestArea) {
      best = box;
      bestArea = area;
    }
  }
  return best;
}
