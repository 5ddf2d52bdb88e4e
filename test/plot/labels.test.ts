import fc from 'fast-check';
import { fromRows } from '../../src/core/matrix';
import { fitPlotSvg } from '../../src/plot/fit-plot';
import { overlapArea, placeLabel, pointCounter, type Box, type LabelLayout } from '../../src/plot/labels';
import type { Frame } from '../../src/plot/svg';
import { expectLabelsApartInFrame, frameOf, labelBoxes, mixtureOf, num, parseSvg, sharedArea } from './helpers';
import { select, textContent, type XmlElement } from './xml';

const FRAME: Frame = { left: 80, top: 48, width: 530, height: 496 };

function uniformPosterior(n: number, k: number): Float64Array {
  return new Float64Array(n * k).fill(1 / k);
}

/** Points on a small ring of `count` around (x, y), and the four corners of a 10 × 10 square around the origin. */
function clusterRows(x: number, y: number, radius: number, count: number): number[][] {
  const rows = Array.from({ length: count }, (_, t) => [x + radius * Math.cos(t), y + radius * Math.sin(t * 1.7)]);
  return [...rows, [-5, -5], [5, -5], [-5, 5], [5, 5]];
}

/** The point circles whose disk touches the box. */
function pointsUnder(root: XmlElement, box: Box): number {
  return select(root, 'circle.point').filter((p) => {
    const [x, y, r] = [num(p, 'cx'), num(p, 'cy'), num(p, 'r')];
    return x + r > box.x && x - r < box.x + box.w && y + r > box.y && y - r < box.y + box.h;
  }).length;
}

describe('pointCounter', () => {
  it('counts the points a box touches, as a direct count does', () => {
    const xs = Float64Array.from({ length: 500 }, (_, t) => FRAME.left + ((t * 37) % FRAME.width) + 0.5);
    const ys = Float64Array.from({ length: 500 }, (_, t) => FRAME.top + ((t * 53) % FRAME.height) + 0.5);
    const count = pointCounter(xs, ys, FRAME, 3);
    for (const box of [
      { x: 100, y: 100, w: 150, h: 32 },
      { x: 80, y: 48, w: 530, h: 496 },
      { x: 300.3, y: 200.7, w: 10.2, h: 5.1 },
      { x: -50, y: -50, w: 20, h: 20 },
    ]) {
      let direct = 0;
      for (let t = 0; t < xs.length; t++) if (xs[t] >= box.x - 3 && xs[t] < box.x + box.w + 3 && ys[t] >= box.y - 3 && ys[t] < box.y + box.h + 3) direct++;
      // Whole-pixel cells: a point at most one pixel outside the widened box may count too.
      const loose = (() => {
        let n = 0;
        for (let t = 0; t < xs.length; t++) if (xs[t] >= box.x - 4 && xs[t] < box.x + box.w + 4 && ys[t] >= box.y - 4 && ys[t] < box.y + box.h + 4) n++;
        return n;
      })();
      expect(count(box)).toBeGreaterThanOrEqual(direct);
      expect(count(box)).toBeLessThanOrEqual(loose);
    }
    expect(count({ x: 80, y: 48, w: 530, h: 496 })).toBe(500);
  });

  it('stays small for a huge frame (coarser cells) and still counts every point', () => {
    const huge: Frame = { left: 0, top: 0, width: 1e5, height: 1e5 };
    const count = pointCounter([10, 5e4, 99999], [10, 5e4, 99999], huge, 2);
    expect(count({ x: 0, y: 0, w: 1e5, h: 1e5 })).toBe(3);
    expect(count({ x: 4e4, y: 4e4, w: 2e4, h: 2e4 })).toBe(1);
  });
});

describe('placeLabel', () => {
  const layout = (marks: Box[] = [], countPoints: (b: Box) => number = () => 0): LabelLayout => ({ frame: FRAME, countPoints, marks, placed: [] });

  it('takes the first candidate when nothing is in the way, and moves candidates inside the frame', () => {
    const l = layout();
    expect(placeLabel(l, [[200, 200], [300, 300]], 100, 32, [190, 190])).toEqual({ x: 200, y: 200, w: 100, h: 32 });
    const moved = placeLabel(l, [[590, 20]], 100, 32, [600, 30]);
    expect(moved).toEqual({ x: FRAME.left + FRAME.width - 2 - 100, y: FRAME.top + 2, w: 100, h: 32 });
    expect(l.placed).toHaveLength(2);
  });

  it('never overlaps a placed label: the next candidate, else any free place in the frame', () => {
    const l = layout();
    const first = placeLabel(l, [[200, 200]], 100, 32, [190, 190]);
    const second = placeLabel(l, [[200, 200], [210, 205], [400, 400]], 100, 32, [190, 190]);
    expect(second).toEqual({ x: 400, y: 400, w: 100, h: 32 });
    // Every candidate taken: the grid over the frame finds room.
    const third = placeLabel(l, [[200, 200], [400, 400]], 100, 32, [190, 190]);
    expect([first, second].map((b) => overlapArea(b, third))).toEqual([0, 0]);
  });

  it('prefers the candidate covering fewer points, and never one on a mean mark while another is free', () => {
    const crowded = (b: Box) => (b.x < 300 ? 50 : 0);
    expect(placeLabel(layout([], crowded), [[200, 200], [320, 200]], 100, 32, [310, 190]).x).toBe(320);
    const mark = { x: 195, y: 195, w: 16, h: 16 };
    expect(placeLabel(layout([mark]), [[150, 180], [150, 260]], 100, 32, [203, 203]).y).toBe(260);
  });

  it('keeps labels apart and inside the frame for any set of anchors, as long as they fit', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 800, noNaN: true }), fc.double({ min: 0, max: 600, noNaN: true })), { minLength: 1, maxLength: 16 }), (anchors) => {
        const l = layout();
        const boxes = anchors.map(([x, y]) => placeLabel(l, [[x + 10, y - 42], [x - 170, y + 10]], 160, 32, [x, y]));
        for (const b of boxes) {
          expect(b.x).toBeGreaterThanOrEqual(FRAME.left);
          expect(b.y).toBeGreaterThanOrEqual(FRAME.top);
          expect(b.x + b.w).toBeLessThanOrEqual(FRAME.left + FRAME.width);
          expect(b.y + b.h).toBeLessThanOrEqual(FRAME.top + FRAME.height);
        }
        for (let a = 0; a < boxes.length; a++) for (let b = a + 1; b < boxes.length; b++) expect(overlapArea(boxes[a], boxes[b])).toBe(0);
      }),
      { numRuns: 60 },
    );
  });
});

describe('fitPlotSvg labels', () => {
  it('draws each label over a white, slightly transparent box that holds its text', () => {
    const m = fromRows(clusterRows(0, 0, 0.3, 40));
    const mix = mixtureOf('spherical', 2, [[0, 0], [3, 3]], [0.1, 0.2], [0.5, 0.5]);
    const root = parseSvg(fitPlotSvg(m, mix, uniformPosterior(m.rows, 2), {}));
    for (const g of select(root, 'g.component-label')) {
      const [rect, ...texts] = g.children.filter((c): c is XmlElement => typeof c !== 'string');
      // The box comes first, so it is drawn behind the text.
      expect(rect.name).toBe('rect');
      expect(rect.attrs.class).toBe('label-box');
      expect(rect.attrs.fill).toBe('#ffffff');
      expect(Number(rect.attrs['fill-opacity'])).toBeGreaterThan(0.5);
      expect(Number(rect.attrs['fill-opacity'])).toBeLessThan(1);
      expect(texts.map((t) => t.name)).toEqual(['text', 'text']);
      const box = labelBoxes(root).find((b) => b.component === Number(g.attrs['data-component']))!;
      for (const t of texts) {
        expect(num(t, 'x')).toBeGreaterThan(box.x);
        // An estimated 6.8 px per character at font size 12 fits inside the box.
        expect(num(t, 'x') + 6.8 * textContent(t).length).toBeLessThanOrEqual(box.x + box.w + 1e-6);
        expect(num(t, 'y')).toBeGreaterThan(box.y + 9);
        expect(num(t, 'y')).toBeLessThan(box.y + box.h);
      }
    }
  });

  it('keeps labels pairwise disjoint and inside the frame when the means are close', () => {
    const m = fromRows(clusterRows(0, 0, 1, 60));
    for (const family of ['spherical', 'full'] as const) {
      const k = 8;
      const mu = Array.from({ length: k }, (_, j) => [0.05 * j, -0.03 * j]);
      const variances = family === 'spherical' ? Array.from({ length: k }, () => 0.5) : Array.from({ length: k }, () => [0.5, 0.1, 0.1, 0.4]).flat();
      const root = parseSvg(fitPlotSvg(m, mixtureOf(family, 2, mu, variances, Array(k).fill(1 / k)), uniformPosterior(m.rows, k), {}));
      expect(labelBoxes(root)).toHaveLength(k);
      expectLabelsApartInFrame(root);
    }
  });

  it('keeps labels apart with 12 components on top of each other, also in 1-D and in a small picture', () => {
    const k = 12;
    const mu = Array.from({ length: k }, () => [1, 1]);
    const m = fromRows(clusterRows(1, 1, 2, 30));
    expectLabelsApartInFrame(parseSvg(fitPlotSvg(m, mixtureOf('spherical', 2, mu, Array(k).fill(1), Array(k).fill(1 / k)), uniformPosterior(m.rows, k), {})));
    const one = fromRows(Array.from({ length: 50 }, (_, u) => [Math.sin(u)]));
    const oneD = parseSvg(fitPlotSvg(one, mixtureOf('spherical', 1, Array.from({ length: k }, (_, j) => [0.01 * j]), Array(k).fill(0.2), Array(k).fill(1 / k)), uniformPosterior(50, k), {}));
    expectLabelsApartInFrame(oneD);
    const small = fromRows(clusterRows(0, 0, 1, 20));
    const three = mixtureOf('diag', 2, [[0, 0], [0.1, 0], [0, 0.1]], [1, 1, 1, 1, 1, 1], [0.3, 0.3, 0.4]);
    expectLabelsApartInFrame(parseSvg(fitPlotSvg(small, three, uniformPosterior(small.rows, 3), { width: 520, height: 360 })));
  });

  it('keeps labels off the points and off every mean when there is room', () => {
    // A tight cluster (about 15 px across) holds every point but the four far corners.
    const m = fromRows(clusterRows(0, 0, 0.3, 80));
    const mix = mixtureOf('spherical', 2, [[0, 0], [0.1, 0.05], [-0.1, 0.1]], [0.02, 0.02, 0.02], [0.4, 0.3, 0.3]);
    const root = parseSvg(fitPlotSvg(m, mix, uniformPosterior(m.rows, 3), {}));
    expectLabelsApartInFrame(root);
    const crosses = select(root, 'path.mean').map((p) => (p.attrs.d.match(/-?[\d.]+/g) ?? []).map(Number));
    for (const box of labelBoxes(root)) {
      expect(pointsUnder(root, box)).toBe(0);
      for (const [x0, y0, x1, y1] of crosses) expect(sharedArea(box, { x: Math.min(x0, x1), y: Math.min(y0, y1), w: Math.abs(x1 - x0), h: Math.abs(y1 - y0) })).toBe(0);
    }
  });

  it('covers fewer points than a label at the first candidate would', () => {
    // Points fill the upper right of the mean; the label goes elsewhere.
    const rows: number[][] = [];
    for (let a = 0; a < 12; a++) for (let b = 0; b < 12; b++) rows.push([0.2 + a * 0.25, 0.2 + b * 0.25]);
    rows.push([-3, -3]);
    const m = fromRows(rows);
    const mix = mixtureOf('spherical', 2, [[0, 0]], [0.5], [1]);
    const root = parseSvg(fitPlotSvg(m, mix, uniformPosterior(m.rows, 1), {}));
    const [box] = labelBoxes(root);
    const cross = (select(root, 'path.mean')[0].attrs.d.match(/-?[\d.]+/g) ?? []).map(Number);
    const [cx, cy] = [(cross[0] + cross[2]) / 2, (cross[1] + cross[3]) / 2];
    // The first candidate: 10 px up and right of the mean.
    const first = { x: cx + 10, y: cy - 10 - box.h, w: box.w, h: box.h };
    expect(pointsUnder(root, first)).toBeGreaterThan(5);
    expect(pointsUnder(root, box)).toBe(0);
  });

  it('draws a leader from a far label to its mean, ending on the label box', () => {
    const m = fromRows(clusterRows(0, 0, 1, 60));
    const k = 6;
    const mix = mixtureOf('spherical', 2, Array.from({ length: k }, (_, j) => [0.05 * j, 0]), Array(k).fill(0.5), Array(k).fill(1 / k));
    const root = parseSvg(fitPlotSvg(m, mix, uniformPosterior(m.rows, k), {}));
    const leaders = select(root, 'line.label-leader');
    expect(leaders.length).toBeGreaterThan(0);
    const boxes = labelBoxes(root);
    const means = select(root, 'g.component').map((g) => {
      const [e] = select(g, 'ellipse.sd1');
      return [num(e, 'cx'), num(e, 'cy')];
    });
    for (const line of leaders) {
      const j = Number(line.attrs['data-component']);
      const box = boxes.find((b) => b.component === j)!;
      const [x2, y2] = [num(line, 'x2'), num(line, 'y2')];
      const onEdge = Math.min(Math.abs(x2 - box.x), Math.abs(x2 - box.x - box.w), Math.abs(y2 - box.y), Math.abs(y2 - box.y - box.h));
      expect(onEdge).toBeLessThan(0.02);
      // It starts just outside the mean's cross, pointing at it.
      const [mx, my] = means[j - 1];
      expect(Math.hypot(num(line, 'x1') - mx, num(line, 'y1') - my)).toBeCloseTo(9, 1);
    }
    // Leaders are drawn before every label, so none crosses a label's text.
    const order = select(root, 'g').map((g) => g.attrs.class);
    expect(order.indexOf('label-leaders')).toBeLessThan(order.indexOf('labels'));
  });

  it('places 64 labels apart in a large picture', () => {
    const k = 64;
    const rows = clusterRows(0, 0, 3, 200);
    const m = fromRows(rows);
    const mu = Array.from({ length: k }, (_, j) => rows[(j * 3) % 200]);
    const root = parseSvg(fitPlotSvg(m, mixtureOf('spherical', 2, mu, Array(k).fill(0.3), Array(k).fill(1 / k)), uniformPosterior(m.rows, k), { width: 1600, height: 1200 }));
    expect(labelBoxes(root)).toHaveLength(k);
    expectLabelsApartInFrame(root);
    expect(frameOf(root).w).toBeGreaterThan(1000);
  });
});
