import { fromRows } from '../../src/core/matrix';
import { sweep } from '../../src/fit/run';
import { sweepPlotSvg } from '../../src/plot/sweep-plot';
import { areNiceTicks, axisMap, num, parseSvg, ticks } from './helpers';
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
});
