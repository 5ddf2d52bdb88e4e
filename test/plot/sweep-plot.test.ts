import { fromRows } from '../../src/core/matrix';
import { sweep } from '../../src/fit/run';
import { failedKs, failedNote, sweepPlotSvg } from '../../src/plot/sweep-plot';
import { areNiceTicks, axisMap, frameOf, num, parseSvg, ticks } from './helpers';
import { select, textContent, type XmlElement } from './xml';

const BEST = [
  { k: 1, logLikelihood: -1307.6, bic: -1315.5, aic: -1310.6 },
  { k: 2, logLikelihood: -1176.2, bic: -1195.0, aic: -1183.2 },
  { k: 3, logLikelihood: -1138.9, bic: -1169.3, aic: -1149.9 },
  { k: 4, logLikelihood: -1138.6, bic: -1180.0, aic: -1153.6 },
];

/** A marker's centre, whatever its shape. */
function centre(m: XmlElement): [number, number] {
  if (m.name === 'circle') return [num(m, 'cx'), num(m, 'cy')];
  if (m.name === 'rect') return [num(m, 'x') + num(m, 'width') / 2, num(m, 'y') + num(m, 'height') / 2];
  const xy = (m.attrs.d.match(/-?[\d.]+/g) ?? []).map(Number);
  return [(xy[2] + xy[4]) / 2, NaN];
}

function points(line: XmlElement): Array<[number, number]> {
  return line.attrs.points
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((p) => p.split(',').map(Number) as [number, number]);
}

describe('sweepPlotSvg', () => {
  it('draws LL, BIC and AIC as three lines with one point and marker per K', () => {
    const root = parseSvg(sweepPlotSvg(BEST, 3, 'bic'));
    const lines = select(root, 'polyline.series');
    expect(lines.map((l) => l.attrs['data-series'])).toEqual(['ll', 'bic', 'aic']);
    const X = axisMap(root, 'x');
    const Y = axisMap(root, 'y');
    const pick = { ll: (b: (typeof BEST)[0]) => b.logLikelihood, bic: (b: (typeof BEST)[0]) => b.bic, aic: (b: (typeof BEST)[0]) => b.aic };
    for (const line of lines) {
      const key = line.attrs['data-series'] as keyof typeof pick;
      const pts = points(line);
      expect(pts).toHaveLength(4);
      pts.forEach(([x, y], t) => {
        expect(x).toBeCloseTo(X.toPixel(BEST[t].k), 0);
        expect(y).toBeCloseTo(Y.toPixel(pick[key](BEST[t])), 0);
      });
      const markers = select(root, `g.markers.${key}`)[0];
      const ms = select(markers, '.marker');
      expect(ms.map((m) => m.attrs['data-k'])).toEqual(['1', '2', '3', '4']);
      ms.forEach((m, t) => expect(centre(m)[0]).toBeCloseTo(pts[t][0], 0));
    }
  });

  it('marks the selected K with a vertical line, a ring and a label', () => {
    const root = parseSvg(sweepPlotSvg(BEST, 3, 'bic'));
    const [line] = select(root, 'line.selected');
    const X = axisMap(root, 'x');
    expect(num(line, 'x1')).toBeCloseTo(X.toPixel(3), 0);
    expect(num(line, 'x2')).toBe(num(line, 'x1'));
    const bicMarker = select(select(root, 'g.markers.bic')[0], '.marker').find((m) => m.attrs['data-k'] === '3') as XmlElement;
    expect(centre(bicMarker)[0]).toBeCloseTo(num(line, 'x1'), 1);
    const [ring] = select(root, 'circle.selected-marker');
    expect(ring.attrs['data-k']).toBe('3');
    expect(num(ring, 'cy')).toBeCloseTo(centre(bicMarker)[1], 1);
    expect(textContent(select(root, 'text.selected-label')[0])).toBe('selected K=3 by BIC');
    expect(textContent(select(parseSvg(sweepPlotSvg(BEST, 4, 'll')), 'text.selected-label')[0])).toBe('selected K=4 by LL');
    expect(textContent(select(parseSvg(sweepPlotSvg(BEST, 2, 'aic')), 'text.selected-label')[0])).toBe('selected K=2 by AIC');
  });

  it('has axes with nice ticks (whole numbers for K) and a legend of three entries', () => {
    const root = parseSvg(sweepPlotSvg(BEST, 3, 'bic', { title: 'sweep <toy> & co' }));
    expect(ticks(root, 'x').map((t) => t.value)).toEqual([1, 2, 3, 4]);
    expect(areNiceTicks(ticks(root, 'y').map((t) => t.value))).toBe(true);
    const legend = select(root, 'g.legend-entry').map(textContent);
    expect(legend).toEqual(['log-likelihood', 'BIC (criterion)', 'AIC']);
    expect(textContent(select(root, 'text.title')[0])).toBe('sweep <toy> & co');
    expect(textContent(select(root, 'text.axis-label.x')[0])).toMatch(/^K/);
  });

  it('handles a single K, unsorted input, many Ks and a selected K that is not there', () => {
    const one = parseSvg(sweepPlotSvg([BEST[1]], 2, 'bic'));
    for (const line of select(one, 'polyline.series')) expect(points(line)).toHaveLength(1);
    expect(ticks(one, 'x').map((t) => t.value)).toEqual([2]);
    expect(select(one, 'line.selected')).toHaveLength(1);

    const shuffled = parseSvg(sweepPlotSvg([BEST[2], BEST[0], BEST[3], BEST[1]], 3, 'bic'));
    const xs = points(select(shuffled, 'polyline.series')[0]).map((p) => p[0]);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);

    const many = Array.from({ length: 30 }, (_, t) => ({ k: t + 1, logLikelihood: -100 + t, bic: -120 + t / 2, aic: -110 + t }));
    const root = parseSvg(sweepPlotSvg(many, 17, 'aic'));
    const kt = ticks(root, 'x').map((t) => t.value);
    expect(kt.every(Number.isInteger)).toBe(true);
    expect(areNiceTicks(kt)).toBe(true);
    expect(kt.length).toBeLessThanOrEqual(12);

    const absent = parseSvg(sweepPlotSvg(BEST, 7, 'bic'));
    expect(select(absent, 'line.selected')).toHaveLength(0);
  });

  it('copes with no fits, identical values and non-finite values', () => {
    const empty = parseSvg(sweepPlotSvg([], 1, 'bic'));
    expect(select(empty, 'text.note').map(textContent)).toContain('no successful fits');
    const flat = parseSvg(sweepPlotSvg([{ k: 1, logLikelihood: 5, bic: 5, aic: 5 }, { k: 2, logLikelihood: 5, bic: 5, aic: 5 }], 1, 'bic'));
    expect(areNiceTicks(ticks(flat, 'y').map((t) => t.value))).toBe(true);
    const odd = parseSvg(sweepPlotSvg([{ k: 1, logLikelihood: -Infinity, bic: NaN, aic: -3 }, { k: 2, logLikelihood: -2, bic: -4, aic: -3 }], 2, 'bic'));
    expect(points(select(odd, 'polyline.bic')[0])).toHaveLength(1);
  });

  it('plots a real sweep result', () => {
    const rows = [...Array.from({ length: 20 }, (_, u) => [Math.sin(u), Math.cos(u)]), ...Array.from({ length: 20 }, (_, u) => [8 + Math.sin(u * 1.3), 8 + Math.cos(u * 0.7)])];
    const result = sweep(fromRows(rows), { model: 'gaussian', maxIter: 200, ks: [1, 2, 3], seeds: [0, 1], criterion: 'bic' });
    const selected = result.selected?.k ?? 1;
    const root = parseSvg(sweepPlotSvg(result.best, selected, result.criterion));
    for (const line of select(root, 'polyline.series')) expect(points(line)).toHaveLength(result.best.length);
    expect(textContent(select(root, 'text.selected-label')[0])).toBe(`selected K=${selected} by BIC`);
  });

  it('marks the Ks whose fits all failed: the x-axis covers them, a red × at the bottom of the frame each, and a note', () => {
    const fitted = [BEST[0], BEST[1], BEST[2], BEST[3], { k: 7, logLikelihood: -1130.6, bic: -1220.0, aic: -1163.6 }];
    const root = parseSvg(sweepPlotSvg(fitted, 3, 'bic', { failed: [6, 5] }));
    expect(ticks(root, 'x').map((t) => t.value)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(select(root, 'text.note').map(textContent)).toEqual(['K=5, 6: every fit failed']);
    const X = axisMap(root, 'x');
    const frame = frameOf(root);
    const marks = select(root, '.failed');
    expect(marks.map((m) => m.attrs['data-k'])).toEqual(['5', '6']);
    for (const m of marks) {
      const xy = select(m, 'path').flatMap((p) => (p.attrs.d.match(/-?[\d.]+/g) ?? []).map(Number));
      const xs = xy.filter((_, i) => i % 2 === 0);
      const ys = xy.filter((_, i) => i % 2 === 1);
      // Centred on its K, inside the frame near its bottom edge.
      expect((Math.min(...xs) + Math.max(...xs)) / 2).toBeCloseTo(X.toPixel(Number(m.attrs['data-k'])), 0);
      expect(Math.max(...ys)).toBeLessThan(frame.y + frame.h);
      expect(Math.min(...ys)).toBeGreaterThan(frame.y + frame.h - 25);
      expect(select(m, 'path').map((p) => p.attrs.stroke)).toContain('#CC0000');
      expect(textContent(select(m, 'title')[0])).toBe(`K=${m.attrs['data-k']}: every fit failed`);
    }
    // The curves still have one point per fitted K, and the legend explains the mark.
    for (const line of select(root, 'polyline.series')) expect(points(line)).toHaveLength(5);
    expect(select(root, 'g.legend-failed').map(textContent)).toEqual(['every fit failed']);
  });

  it('widens the axis to failed Ks beyond the fitted ones, and plots only failed Ks', () => {
    const wider = parseSvg(sweepPlotSvg(BEST, 3, 'bic', { failed: [7, 8] }));
    const kt = ticks(wider, 'x').map((t) => t.value);
    expect(Math.min(...kt)).toBe(1);
    expect(Math.max(...kt)).toBe(8);
    const X = axisMap(wider, 'x');
    const frame = frameOf(wider);
    expect(X.toPixel(8)).toBeLessThan(frame.x + frame.w);
    expect(select(wider, '.failed').map((m) => m.attrs['data-k'])).toEqual(['7', '8']);

    const none = parseSvg(sweepPlotSvg([], 1, 'bic', { failed: [1, 2, 3] }));
    expect(select(none, 'text.note').map(textContent)).toEqual(['no successful fits', 'K=1..3: every fit failed']);
    expect(ticks(none, 'x').map((t) => t.value)).toEqual([1, 2, 3]);
    expect(select(none, '.failed')).toHaveLength(3);
  });

  it('draws exactly what it drew before when no K failed', () => {
    const plain = sweepPlotSvg(BEST, 3, 'bic');
    expect(sweepPlotSvg(BEST, 3, 'bic', { failed: [] })).toBe(plain);
    // A K that has a point is not a failed K.
    expect(sweepPlotSvg(BEST, 3, 'bic', { failed: [2, 2.5, NaN] })).toBe(plain);
    expect(plain).not.toContain('failed');
  });

  it('keeps the failed Ks tidy and the note short', () => {
    expect(failedKs([9, 5, 5, 2, 1.5, NaN, Infinity], [BEST[1]])).toEqual([5, 9]);
    expect(failedKs(undefined, BEST)).toEqual([]);
    expect(failedNote([5, 6])).toBe('K=5, 6: every fit failed');
    expect(failedNote([3])).toBe('K=3: every fit failed');
    expect(failedNote([1, 2, 3, 4, 7, 9, 10, 11])).toBe('K=1..4, 7, 9..11: every fit failed');
    const many = failedNote(Array.from({ length: 60 }, (_, t) => 2 * t + 1));
    expect(many.length).toBeLessThanOrEqual(120);
    expect(many).toMatch(/^K=1, 3, 5, .*, …: every fit failed$/);
    // Still well-formed, and the long note stays inside the picture.
    parseSvg(sweepPlotSvg(BEST, 3, 'bic', { failed: Array.from({ length: 60 }, (_, t) => 2 * t + 5) }));
  });
});
