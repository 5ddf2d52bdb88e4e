import type { Covariance, Mixture } from '../../src/models/mixture';
import { mixtureOf as fromFlat } from '../helpers/mixture';
import { parseXml, select, textContent, type XmlElement } from './xml';

export function mixtureOf(covariance: Covariance, d: number, mu: number[][], variances: number[], p: number[]): Mixture {
  return fromFlat({ k: mu.length, d, covariance, mu: mu.flat(), var: variances, p });
}

/** Parse and run the checks every SVG must pass: namespace, viewBox, no NaN/Infinity. */
export function parseSvg(svg: string): XmlElement {
  expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  const root = parseXml(svg);
  expect(root.name).toBe('svg');
  expect(root.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
  expect(root.attrs.viewBox).toMatch(/^0 0 \d+ \d+$/);
  // Numbers are written plainly, never with an exponent (1e-7, 1e+21).
  expect(svg).not.toMatch(/\d[eE][-+]\d/);
  return root;
}

export function num(e: XmlElement, attr: string): number {
  const v = Number(e.attrs[attr]);
  if (!Number.isFinite(v)) throw new Error(`<${e.name}> ${attr}=${JSON.stringify(e.attrs[attr])} is not a number`);
  return v;
}

/** The tick labels of one axis, as numbers with their pixel positions. */
export function ticks(root: XmlElement, axis: 'x' | 'y'): Array<{ value: number; pos: number; label: string }> {
  return select(root, `text.tick-label.${axis}`).map((t) => ({ value: Number(textContent(t)), pos: num(t, axis) - (axis === 'y' ? 4 : 0), label: textContent(t) }));
}

/** Pixels per data unit and the data → pixel map of an axis, read back from its tick labels. */
export function axisMap(root: XmlElement, axis: 'x' | 'y'): { scale: number; toPixel: (v: number) => number } {
  const t = ticks(root, axis);
  const a = t[0];
  const b = t[t.length - 1];
  const scale = (b.pos - a.pos) / (b.value - a.value);
  return { scale, toPixel: (v) => a.pos + (v - a.value) * scale };
}

/** True when the numbers are multiples of one step of 1, 2 or 5 × 10^k, evenly spaced. */
export function areNiceTicks(values: number[]): boolean {
  if (values.length < 2) return values.every(Number.isFinite);
  const step = values[1] - values[0];
  const mantissa = step / Math.pow(10, Math.floor(Math.log10(step) + 1e-9));
  if (![1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6)) return false;
  return values.every((v, i) => Math.abs(v - (values[0] + i * step)) < step * 1e-6 && Math.abs(v / step - Math.round(v / step)) < 1e-6);
}

/** The rotate(angle cx cy) of a transform attribute. */
export function rotation(e: XmlElement): { angle: number; cx: number; cy: number } {
  const m = /^rotate\((-?[\d.]+) (-?[\d.]+) (-?[\d.]+)\)$/.exec(e.attrs.transform ?? '');
  if (!m) throw new Error(`no rotate() in ${e.attrs.transform}`);
  return { angle: Number(m[1]), cx: Number(m[2]), cy: Number(m[3]) };
}

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** The rectangle of a <rect> element. */
export function rectOf(e: XmlElement): Rect {
  return { x: num(e, 'x'), y: num(e, 'y'), w: num(e, 'width'), h: num(e, 'height') };
}

/** The plot frame (rect.frame) of a picture. */
export function frameOf(root: XmlElement): Rect {
  return rectOf(select(root, 'rect.frame')[0]);
}

/** Each component label's box (its rect.label-box), in component order, with the component's number. */
export function labelBoxes(root: XmlElement): Array<Rect & { component: number }> {
  return select(root, 'g.component-label').map((g) => {
    const boxes = select(g, 'rect.label-box');
    expect(boxes).toHaveLength(1);
    return { ...rectOf(boxes[0]), component: Number(g.attrs['data-component']) };
  });
}

/** The area two rectangles share; 0 when they only touch. */
export function sharedArea(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Whether `inner` lies inside `outer` (edges may touch). */
export function isInside(inner: Rect, outer: Rect): boolean {
  const eps = 1e-6;
  return inner.x >= outer.x - eps && inner.y >= outer.y - eps && inner.x + inner.w <= outer.x + outer.w + eps && inner.y + inner.h <= outer.y + outer.h + eps;
}

/** Every label box is inside the frame and no two share any area. */
export function expectLabelsApartInFrame(root: XmlElement): void {
  const frame = frameOf(root);
  const boxes = labelBoxes(root);
  for (const b of boxes) expect({ component: b.component, inside: isInside(b, frame) }).toEqual({ component: b.component, inside: true });
  for (let a = 0; a < boxes.length; a++)
    for (let b = a + 1; b < boxes.length; b++) expect({ pair: [boxes[a].component, boxes[b].component], shared: sharedArea(boxes[a], boxes[b]) }).toEqual({ pair: [boxes[a].component, boxes[b].component], shared: 0 });
}
