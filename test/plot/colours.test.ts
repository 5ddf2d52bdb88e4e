import { fromRows } from '../../src/core/matrix';
import { colourDistance, colourOf, extraColours, oklab, PALETTE } from '../../src/plot/colours';
import { fitPlotSvg } from '../../src/plot/fit-plot';
import { mixtureOf, parseSvg } from './helpers';
import { select } from './xml';

const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];

/** The smallest OKLab distance between two of the colours. */
function closest(colours: readonly string[]): number {
  let min = Infinity;
  for (let a = 0; a < colours.length; a++) for (let b = a + 1; b < colours.length; b++) min = Math.min(min, colourDistance(colours[a], colours[b]));
  return min;
}

const coloursFor = (k: number) => Array.from({ length: k }, (_, j) => colourOf(j));

describe('component colours', () => {
  it('keeps the 8 Okabe–Ito colours first, unchanged (colour-blind safe)', () => {
    expect(PALETTE).toEqual(OKABE_ITO);
    expect(coloursFor(8)).toEqual(OKABE_ITO);
  });

  it('gives K different colours for every K up to 64, and far beyond', () => {
    for (let k = 1; k <= 64; k++) expect(new Set(coloursFor(k)).size).toBe(k);
    expect(extraColours().length).toBeGreaterThan(200);
    expect(new Set(coloursFor(8 + extraColours().length)).size).toBe(8 + extraColours().length);
    for (const c of coloursFor(64)) expect(c).toMatch(/^#[0-9A-F]{6}$/);
  });

  it('keeps the extra colours apart from the first 8 and from each other', () => {
    // Okabe–Ito's own closest pair (orange and vermillion) is about 0.16 apart in OKLab; 0.02 is just noticeable.
    expect(closest(OKABE_ITO)).toBeGreaterThan(0.15);
    expect(closest(coloursFor(12))).toBeGreaterThan(0.14);
    expect(closest(coloursFor(16))).toBeGreaterThan(0.12);
    expect(closest(coloursFor(32))).toBeGreaterThan(0.085);
    expect(closest(coloursFor(64))).toBeGreaterThan(0.05);
    // None of the extra colours comes near one of the first 8.
    for (const c of extraColours().slice(0, 56)) expect(Math.min(...OKABE_ITO.map((o) => colourDistance(c, o)))).toBeGreaterThan(0.05);
  });

  it('shows every extra colour on white and none of them near-black', () => {
    for (const c of extraColours()) {
      const [lightness] = oklab(c);
      expect(lightness).toBeGreaterThan(0.4);
      expect(lightness).toBeLessThan(0.75);
    }
  });

  it('computes OKLab as published (white, black, sRGB red)', () => {
    const close = (got: readonly number[], want: number[]) => got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 3));
    close(oklab('#FFFFFF'), [1, 0, 0]);
    close(oklab('#000000'), [0, 0, 0]);
    close(oklab('#FF0000'), [0.628, 0.2249, 0.1258]);
  });

  it('is the same colour for the same component every time, and the first for a bad index', () => {
    expect(coloursFor(40)).toEqual(coloursFor(40));
    expect(colourOf(8)).toBe(extraColours()[0]);
    expect(colourOf(-1)).toBe(PALETTE[0]);
    expect(colourOf(NaN)).toBe(PALETTE[0]);
    expect(colourOf(2.5)).toBe(PALETTE[0]);
  });

  it('draws a fit with K = 12 in 12 different colours (legend, ellipses)', () => {
    const k = 12;
    const m = fromRows(Array.from({ length: 48 }, (_, u) => [u % 12, Math.floor(u / 12)]));
    const mix = mixtureOf('spherical', 2, Array.from({ length: k }, (_, j) => [j, j % 4]), Array(k).fill(0.1), Array(k).fill(1 / k));
    const root = parseSvg(fitPlotSvg(m, mix, new Float64Array(48 * k).fill(1 / k), {}));
    const legend = select(root, 'g.legend-entry').map((e) => select(e, 'rect')[0].attrs.fill);
    expect(legend).toEqual(coloursFor(k));
    expect(new Set(legend).size).toBe(k);
    expect(new Set(select(root, 'ellipse.sd1').map((e) => e.attrs.stroke)).size).toBe(k);
    expect(new Set(select(root, 'rect.label-box').map((e) => e.attrs.stroke)).size).toBe(k);
  });
});
