import { expectationOf } from '../../src/models/families';
import { varOf } from '../helpers/mixture';
import * as fs from 'fs';
import * as path from 'path';
import { fromRows, type Matrix } from '../../src/core/matrix';
import { } from '../../src/fit/fit';
import { prepareData } from '../../src/models/data';
import type { Mixture } from '../../src/models/mixture';
import { ellipseAxes, fitPlotSvg, subCovariance } from '../../src/plot/fit-plot';
import { PALETTE } from '../../src/plot/svg';
import { areNiceTicks, axisMap, mixtureOf, num, parseSvg, rotation, ticks } from './helpers';
import { select, textContent, type XmlElement } from './xml';

function uniformPosterior(n: number, k: number): Float64Array {
  return new Float64Array(n * k).fill(1 / k);
}

/** Hard posterior: row u belongs to component labels[u]. */
function hardPosterior(labels: number[], k: number): Float64Array {
  const out = new Float64Array(labels.length * k);
  labels.forEach((j, u) => (out[u * k + j] = 1));
  return out;
}

const TWO_CLUSTERS: number[][] = [
  [0, 0],
  [1, 0.5],
  [-0.5, 1],
  [0.2, -0.8],
  [10, 10],
  [11, 9.5],
  [9.5, 10.5],
  [10.2, 9.1],
];

/** The screen covariance of an <ellipse> (rx, ry, rotate) at 1 sd. */
function screenCovariance(e: XmlElement): [number, number, number] {
  const { angle } = rotation(e);
  const t = (angle * Math.PI) / 180;
  const [c, s] = [Math.cos(t), Math.sin(t)];
  const a = num(e, 'rx') ** 2;
  const b = num(e, 'ry') ** 2;
  return [a * c * c + b * s * s, (a - b) * c * s, a * s * s + b * c * c];
}

/** Every component's ellipses agree with its covariance and mean, through the axes' scales. */
function expectEllipsesMatch(root: XmlElement, mixture: Mixture, dims: [number, number] = [0, 1]) {
  const X = axisMap(root, 'x');
  const Y = axisMap(root, 'y');
  const groups = select(root, 'g.component');
  expect(groups).toHaveLength(mixture.k);
  groups.forEach((g, j) => {
    const [sxx, sxy, syy] = subCovariance(mixture, j, dims[0], dims[1]);
    const expected = [X.scale ** 2 * sxx, X.scale * Y.scale * sxy, Y.scale ** 2 * syy];
    for (const level of [1, 2]) {
      const [e] = select(g, `ellipse.sd${level}`);
      const got = screenCovariance(e).map((v) => v / level ** 2);
      const tolerance = 0.02 * Math.max(1, ...expected.map(Math.abs));
      got.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(tolerance));
      expect(num(e, 'cx')).toBeCloseTo(X.toPixel(mixture.mu[j * mixture.d + dims[0]]), 0);
      expect(num(e, 'cy')).toBeCloseTo(Y.toPixel(mixture.mu[j * mixture.d + dims[1]]), 0);
    }
  });
}

describe('ellipseAxes', () => {
  it('decomposes [[2, 1], [1, 2]]: major axis at 45° with variances 3 and 1', () => {
    const a = ellipseAxes(2, 1, 2);
    expect(a.angle).toBeCloseTo(45, 10);
    expect(a.major).toBeCloseTo(3, 10);
    expect(a.minor).toBeCloseTo(1, 10);
  });

  it('gives −45° for a negative correlation, 0° and 90° for axis-aligned ones', () => {
    expect(ellipseAxes(2, -1, 2).angle).toBeCloseTo(-45, 10);
    expect(ellipseAxes(4, 0, 1)).toEqual({ angle: 0, major: 4, minor: 1 });
    const tall = ellipseAxes(1, 0, 4);
    expect(tall.angle).toBeCloseTo(90, 10);
    expect(tall.major).toBeCloseTo(4, 10);
  });

  it('never returns NaN, even for non-finite or negative input', () => {
    for (const [a, b, c] of [
      [NaN, 0, 1],
      [Infinity, 1, 1],
      [-1, 0, -2],
      [0, 0, 0],
    ]) {
      const r = ellipseAxes(a, b, c);
      expect([r.angle, r.major, r.minor].every(Number.isFinite)).toBe(true);
      expect(r.minor).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('fitPlotSvg', () => {
  const matrix = fromRows(TWO_CLUSTERS);
  const spherical = mixtureOf('spherical', 2, [[0.175, 0.175], [10.175, 9.775]], [0.5, 0.4], [0.5, 0.5]);

  it('is well-formed SVG with a namespace, a viewBox and a title', () => {
    const svg = fitPlotSvg(matrix, spherical, hardPosterior([0, 0, 0, 0, 1, 1, 1, 1], 2), { title: 'Two blobs' });
    const root = parseSvg(svg);
    expect(root.attrs.viewBox).toBe('0 0 800 600');
    expect(textContent(select(root, 'text.title')[0])).toBe('Two blobs');
  });

  it('draws one circle per row, coloured by the posterior blend', () => {
    const post = new Float64Array(8 * 2);
    for (let u = 0; u < 8; u++) post.set(u < 4 ? [1, 0] : u < 7 ? [0, 1] : [0.5, 0.5], u * 2);
    const root = parseSvg(fitPlotSvg(matrix, spherical, post, {}));
    const points = select(root, 'circle.point');
    expect(points).toHaveLength(8);
    expect(points[0].attrs.fill).toBe(PALETTE[0]);
    expect(points[4].attrs.fill).toBe(PALETTE[1]);
    // #0072B2 and #E69F00 half and half.
    const mix = [0x00 + 0xe6, 0x72 + 0x9f, 0xb2 + 0x00].map((c) => Math.round(c / 2).toString(16).padStart(2, '0')).join('');
    expect(points[7].attrs.fill).toBe(`#${mix}`.toUpperCase());
  });

  it('leaves out rows missing a plotted cell and says how many', () => {
    const rows = [...TWO_CLUSTERS.map((r) => [...r, 1]), [NaN, 1, 2], [3, NaN, NaN], [4, 5, NaN]];
    const m = fromRows(rows);
    const mix = mixtureOf('diag', 3, [[0, 0, 1], [10, 10, 1]], [1, 1, 1, 1, 1, 1], [0.5, 0.5]);
    const root = parseSvg(fitPlotSvg(m, mix, uniformPosterior(m.rows, 2), {}));
    expect(select(root, 'circle.point')).toHaveLength(9);
    const notes = select(root, 'text.note').map(textContent);
    expect(notes).toContain('2 rows with a missing value in the plotted columns not shown');
    expect(notes).toContain('projection on column 1 and column 2 (d = 3)');
    // On dims [0, 2] three rows miss a cell.
    const other = parseSvg(fitPlotSvg(m, mix, uniformPosterior(m.rows, 2), { dims: [0, 2] }));
    expect(select(other, 'circle.point')).toHaveLength(8);
    expect(select(other, 'text.note').map(textContent)).toContain('3 rows with a missing value in the plotted columns not shown');
  });

  it('draws 1- and 2-sd circles for spherical components, a cross and a label per component', () => {
    const root = parseSvg(fitPlotSvg(matrix, spherical, uniformPosterior(8, 2), {}));
    const groups = select(root, 'g.component');
    expect(groups).toHaveLength(2);
    for (const g of groups) {
      const [one] = select(g, 'ellipse.sd1');
      const [two] = select(g, 'ellipse.sd2');
      expect(select(g, '.ellipse')).toHaveLength(2);
      expect(select(g, 'path.mean')).toHaveLength(1);
      // Equal scales on both axes here, so circles stay circles.
      expect(num(one, 'rx')).toBeCloseTo(num(one, 'ry'), 1);
      expect(num(two, 'rx')).toBeCloseTo(2 * num(one, 'rx'), 1);
    }
    const X = axisMap(root, 'x');
    expect(num(select(groups[0], 'ellipse.sd1')[0], 'rx')).toBeCloseTo(Math.sqrt(0.5) * X.scale, 0);
    expectEllipsesMatch(root, spherical);
    const labels = select(root, 'g.component-label').map(textContent);
    expect(labels).toHaveLength(2);
    expect(labels[0]).toContain(`1: μ = (${(0.175).toFixed(2)}, ${(0.175).toFixed(2)})`);
    expect(labels[0]).toContain(`σ = ${Math.sqrt(0.5).toFixed(2)}`);
    expect(labels[0]).toContain('p = 0.50');
    expect(labels[1]).toContain(`2: μ = (${(10.175).toFixed(2)}, ${(9.775).toFixed(2)})`);
    expect(labels[1]).toContain(`σ = ${Math.sqrt(0.4).toFixed(2)}`);
  });

  it('draws axis-aligned ellipses for diag components with a std per axis', () => {
    const diag = mixtureOf('diag', 2, [[0, 0], [10, 10]], [4, 0.25, 0.09, 1], [0.3, 0.7]);
    const root = parseSvg(fitPlotSvg(matrix, diag, uniformPosterior(8, 2), {}));
    expectEllipsesMatch(root, diag);
    const first = select(root, 'ellipse.sd1')[0];
    expect(first.attrs['data-angle']).toBe('0.00');
    expect(Math.abs(rotation(first).angle) % 180).toBeCloseTo(0, 5);
    const second = select(root, 'ellipse.sd1')[1];
    expect(second.attrs['data-angle']).toBe('90.00');
    const labels = select(root, 'g.component-label').map(textContent);
    expect(labels[0]).toContain('σ = (2.00, 0.50), p = 0.30');
    expect(labels[1]).toContain('σ = (0.30, 1.00), p = 0.70');
  });

  it('rotates a full covariance ellipse: Σ = [[2, 1], [1, 2]] has its major axis at 45° with variances 3 and 1', () => {
    const rows: number[][] = [];
    for (let a = -3; a <= 3; a++) for (let b = -3; b <= 3; b++) rows.push([a, b]);
    const m = fromRows(rows);
    const full = mixtureOf('full', 2, [[0, 0]], [2, 1, 1, 2], [1]);
    const root = parseSvg(fitPlotSvg(m, full, uniformPosterior(m.rows, 1), {}));
    const [e] = select(root, 'ellipse.sd1');
    expect(e.attrs['data-angle']).toBe('45.00');
    expect(e.attrs['data-sd-major']).toBe(Math.sqrt(3).toFixed(4));
    expect(e.attrs['data-sd-minor']).toBe('1.0000');
    const X = axisMap(root, 'x');
    const Y = axisMap(root, 'y');
    // The same scale on both axes, so the screen angle is the data angle mirrored (y points down).
    expect(Math.abs(X.scale + Y.scale) / X.scale).toBeLessThan(0.01);
    expect(rotation(e).angle).toBeCloseTo(-45, 5);
    expect(num(e, 'rx') / num(e, 'ry')).toBeCloseTo(Math.sqrt(3), 2);
    expect(num(e, 'rx')).toBeCloseTo(Math.sqrt(3) * X.scale, 0);
    expectEllipsesMatch(root, full);
    expect(textContent(select(root, 'g.component-label')[0])).toContain(`σ = (${Math.sqrt(2).toFixed(2)}, ${Math.sqrt(2).toFixed(2)}), p = 1.00`);
  });

  it('keeps ellipses right when the axes have very different scales', () => {
    const rows = Array.from({ length: 20 }, (_, u) => [u * 10, (u % 5) * 0.01]);
    const m = fromRows(rows);
    const full = mixtureOf('full', 2, [[90, 0.02]], [900, 0.2, 0.2, 0.0002], [1]);
    const root = parseSvg(fitPlotSvg(m, full, uniformPosterior(20, 1), {}));
    const X = axisMap(root, 'x');
    const Y = axisMap(root, 'y');
    expect(Math.abs(Y.scale / X.scale)).toBeGreaterThan(3);
    expectEllipsesMatch(root, full);
  });

  it('projects on the chosen dims, using the sub-covariance', () => {
    const rows = TWO_CLUSTERS.map(([a, b], u) => [a, u, b]);
    const m = fromRows(rows);
    const Sigma = [4, 0.5, 1.2, 0.5, 9, 0.3, 1.2, 0.3, 1];
    const full = mixtureOf('full', 3, [[0, 2, 0], [10, 6, 10]], [...Sigma, ...Sigma], [0.5, 0.5]);
    const svg = fitPlotSvg(m, full, uniformPosterior(8, 2), { dims: [2, 0], columns: ['alpha', 'beta', 'gamma'] });
    const root = parseSvg(svg);
    expect(subCovariance(full, 0, 2, 0)).toEqual([1, 1.2, 4]);
    expectEllipsesMatch(root, full, [2, 0]);
    expect(textContent(select(root, 'text.axis-label.x')[0])).toBe('gamma');
    expect(textContent(select(root, 'text.axis-label.y')[0])).toBe('alpha');
    expect(select(root, 'text.note').map(textContent)).toContain('projection on gamma and alpha (d = 3)');
  });

  it('labels the axes "column 1", "column 2" without names and uses nice tick values', () => {
    const root = parseSvg(fitPlotSvg(matrix, spherical, uniformPosterior(8, 2), {}));
    expect(textContent(select(root, 'text.axis-label.x')[0])).toBe('column 1');
    expect(textContent(select(root, 'text.axis-label.y')[0])).toBe('column 2');
    for (const axis of ['x', 'y'] as const) {
      const values = ticks(root, axis).map((t) => t.value);
      expect(values.length).toBeGreaterThanOrEqual(2);
      expect(areNiceTicks(values)).toBe(true);
    }
  });

  it('has a legend with one entry per component and its weight', () => {
    const three = mixtureOf('spherical', 2, [[0, 0], [5, 5], [10, 10]], [1, 1, 1], [0.25, 0.35, 0.4]);
    const root = parseSvg(fitPlotSvg(matrix, three, uniformPosterior(8, 3), {}));
    const entries = select(root, 'g.legend-entry');
    expect(entries).toHaveLength(3);
    expect(entries.map(textContent)).toEqual(['1: p = 0.25', '2: p = 0.35', '3: p = 0.40']);
    expect(entries.map((e) => select(e, 'rect')[0].attrs.fill)).toEqual(PALETTE.slice(0, 3));
  });

  it('escapes text: column names and the title', () => {
    const name = 'a<b & "c"';
    const svg = fitPlotSvg(matrix, spherical, uniformPosterior(8, 2), { columns: [name, "it's"], title: 'fit <1> & "2"' });
    expect(svg).toContain('a&lt;b &amp; &quot;c&quot;');
    expect(svg).not.toContain(name);
    const root = parseSvg(svg);
    expect(textContent(select(root, 'text.axis-label.x')[0])).toBe(name);
    expect(textContent(select(root, 'text.axis-label.y')[0])).toBe("it's");
    expect(textContent(select(root, 'text.title')[0])).toBe('fit <1> & "2"');
  });

  it('stays well-formed XML with control characters, lone surrogates and markup in the names and title', () => {
    const names = ['a\u0001b\u0007 <x> & "y"', 'lone \uD800 half, \uFFFE, \u0000 and \uD83D\uDE00'];
    const title = 'fit \u001B[31m <1> & ]]> <!-- c -->';
    const rows = TWO_CLUSTERS.map(([a, b]) => [a, b, a + b]);
    const m = fromRows(rows);
    const mix = mixtureOf('full', 3, [[0, 0, 0], [10, 10, 20]], [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0.5, 0, 0.5, 1, 0, 0, 0, 1], [0.5, 0.5]);
    const root = parseSvg(fitPlotSvg(m, mix, uniformPosterior(8, 2), { columns: [...names, 'c'], title, dims: [1, 0] }));
    expect(textContent(select(root, 'text.axis-label.x')[0])).toBe('lone \uFFFD half, \uFFFD, \uFFFD and \uD83D\uDE00');
    expect(textContent(select(root, 'text.axis-label.y')[0])).toBe('a\uFFFDb\uFFFD <x> & "y"');
    expect(textContent(select(root, 'text.title')[0])).toBe('fit \uFFFD[31m <1> & ]]> <!-- c -->');
    expect(select(root, 'text.note').map(textContent)[0]).toContain('<x> & "y"');
  });

  it('names an axis by its header name when there is one, else "column N" counting from 1, for any dims', () => {
    const rows = TWO_CLUSTERS.map(([a, b], u) => [a, u, b]);
    const m = fromRows(rows);
    const mix = mixtureOf('diag', 3, [[0, 2, 0], [10, 6, 10]], [1, 1, 1, 1, 1, 1], [0.5, 0.5]);
    const axes = (options: Parameters<typeof fitPlotSvg>[3]) => {
      const root = parseSvg(fitPlotSvg(m, mix, uniformPosterior(8, 2), options));
      return [...['x', 'y'].map((a) => textContent(select(root, `text.axis-label.${a}`)[0])), select(root, 'text.note').map(textContent)[0]];
    };
    expect(axes({ dims: [2, 0] })).toEqual(['column 3', 'column 1', 'projection on column 3 and column 1 (d = 3)']);
    expect(axes({ dims: [2, 0], columns: null })).toEqual(['column 3', 'column 1', 'projection on column 3 and column 1 (d = 3)']);
    // Names for some columns only: the others keep their number.
    expect(axes({ dims: [0, 2], columns: ['first'] })).toEqual(['first', 'column 3', 'projection on first and column 3 (d = 3)']);
    expect(axes({ dims: [1, 2], columns: ['a', 'b', 'c'] })).toEqual(['b', 'c', 'projection on b and c (d = 3)']);
  });

  it('copes with all-identical points and zero variances (no NaN or Infinity)', () => {
    const m = fromRows(Array.from({ length: 6 }, () => [3, 3]));
    for (const mix of [
      mixtureOf('spherical', 2, [[3, 3]], [0], [1]),
      mixtureOf('diag', 2, [[3, 3], [3, 3]], [0, 0, 0, 0], [0.5, 0.5]),
      mixtureOf('full', 2, [[3, 3]], [0, 0, 0, 0], [1]),
    ]) {
      const root = parseSvg(fitPlotSvg(m, mix, uniformPosterior(6, mix.k), {}));
      expect(select(root, 'circle.point')).toHaveLength(6);
      expect(select(root, '.ellipse')).toHaveLength(2 * mix.k);
      expect(areNiceTicks(ticks(root, 'x').map((t) => t.value))).toBe(true);
      const X = axisMap(root, 'x');
      expect(Number.isFinite(X.scale) && X.scale > 0).toBe(true);
    }
  });

  it('copes with zero data and with non-finite parameters', () => {
    const empty: Matrix = { rows: 0, cols: 2, data: new Float64Array(0), observed: null };
    const mix = mixtureOf('spherical', 2, [[0, 0]], [1], [1]);
    const root = parseSvg(fitPlotSvg(empty, mix, new Float64Array(0), {}));
    expect(select(root, 'circle.point')).toHaveLength(0);
    const bad = mixtureOf('full', 2, [[NaN, 1]], [NaN, Infinity, -Infinity, -1], [NaN]);
    parseSvg(fitPlotSvg(matrix, bad, new Float64Array(8).fill(NaN), {}));
    const huge = mixtureOf('spherical', 2, [[1e300, -1e300]], [1e300], [1]);
    parseSvg(fitPlotSvg(fromRows([[1e300, -1e300], [-1e300, 1e300]]), huge, new Float64Array(2).fill(1), {}));
  });

  it('plots K = 1 in the first colour', () => {
    const one = mixtureOf('spherical', 2, [[5, 5]], [20], [1]);
    const root = parseSvg(fitPlotSvg(matrix, one, uniformPosterior(8, 1), {}));
    expect(new Set(select(root, 'circle.point').map((p) => p.attrs.fill))).toEqual(new Set([PALETTE[0]]));
    expect(select(root, 'g.legend-entry')).toHaveLength(1);
    expect(select(root, '.ellipse')).toHaveLength(2);
  });

  it('plots d = 1 against the row index, with 1- and 2-sd bands, and says so', () => {
    const m = fromRows([[0.1], [0.3], [NaN], [5.2], [4.9], [5.1]]);
    const mix = mixtureOf('spherical', 1, [[0.2], [5.05]], [0.01, 0.04], [0.4, 0.6]);
    const root = parseSvg(fitPlotSvg(m, mix, uniformPosterior(6, 2), { columns: ['score'] }));
    expect(select(root, 'circle.point')).toHaveLength(5);
    const notes = select(root, 'text.note').map(textContent);
    expect(notes).toContain('d = 1: values plotted against the row index');
    expect(notes).toContain('1 row with a missing value in the plotted column not shown');
    expect(textContent(select(root, 'text.axis-label.x')[0])).toBe('row index');
    expect(textContent(select(root, 'text.axis-label.y')[0])).toBe('score');
    const Y = axisMap(root, 'y');
    for (const [j, g] of select(root, 'g.component').entries()) {
      const [one] = select(g, 'rect.sd1');
      const [two] = select(g, 'rect.sd2');
      const sd = Math.sqrt(varOf(mix)[j]);
      expect(num(one, 'height')).toBeCloseTo(2 * sd * Math.abs(Y.scale), 0);
      expect(num(two, 'height')).toBeCloseTo(4 * sd * Math.abs(Y.scale), 0);
      expect(num(one, 'y')).toBeCloseTo(Y.toPixel(mix.mu[j] + sd), 0);
    }
    const xs = ticks(root, 'x').map((t) => t.value);
    expect(xs.every(Number.isInteger)).toBe(true);
    const labels = select(root, 'g.component-label').map(textContent);
    expect(labels[0]).toContain('1: μ = 0.20');
    expect(labels[1]).toContain('σ = 0.20, p = 0.60');
  });

  it('plots a real fit of the toy data with the posterior from expectationOf', () => {
    const text = fs.readFileSync(path.resolve(__dirname, '..', '..', 'data', 'toy.txt'), 'utf8');
    const m = fromRows(text.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number)));
    const mix = mixtureOf('spherical', 2, [[-2, 1.8], [5.7, 0.2], [-2, 0]], [0.4, 4, 4.5], [0.25, 0.4, 0.35]);
    const post = expectationOf(prepareData(m), mix).posterior;
    const root = parseSvg(fitPlotSvg(m, mix, post, {}));
    expect(select(root, 'circle.point')).toHaveLength(m.rows);
    expectEllipsesMatch(root, mix);
    // Soft assignment: some rows get a blended colour that is none of the three.
    const fills = new Set(select(root, 'circle.point').map((p) => p.attrs.fill));
    expect([...fills].some((f) => !PALETTE.includes(f))).toBe(true);
  });

  it('rejects shapes that do not fit', () => {
    expect(() => fitPlotSvg(matrix, spherical, new Float64Array(3), {})).toThrow(/posterior/);
    expect(() => fitPlotSvg(matrix, mixtureOf('spherical', 3, [[0, 0, 0]], [1], [1]), new Float64Array(8), {})).toThrow(/columns/);
    expect(() => fitPlotSvg(matrix, spherical, uniformPosterior(8, 2), { dims: [0, 2] })).toThrow(/dimension 2/);
    expect(() => fitPlotSvg(matrix, spherical, uniformPosterior(8, 2), { dims: [1, 1] })).toThrow(/differ/);
  });

  it('honours width and height', () => {
    const root = parseSvg(fitPlotSvg(matrix, spherical, uniformPosterior(8, 2), { width: 1000, height: 700 }));
    expect(root.attrs.viewBox).toBe('0 0 1000 700');
    expect(root.attrs.width).toBe('1000');
  });
});
