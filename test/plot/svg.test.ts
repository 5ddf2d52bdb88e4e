import { blend, colourOf, escapeXml, fmt, fmtStat, niceTicks, PALETTE, svgDocument, text } from '../../src/plot/svg';
import { areNiceTicks } from './helpers';
import { parseXml, select, textContent } from './xml';

describe('svg helpers', () => {
  it('escapes &, <, > and both quotes', () => {
    expect(escapeXml(`a<b & "c" 'd' >`)).toBe('a&lt;b &amp; &quot;c&quot; &#39;d&#39; &gt;');
    const doc = parseXml(svgDocument(100, 50, [text({ x: 1, y: 2, 'data-name': `x"<&'` }, `a<b & "c"`)]));
    const [t] = select(doc, 'text');
    expect(textContent(t)).toBe('a<b & "c"');
    expect(t.attrs['data-name']).toBe(`x"<&'`);
  });

  it('formats numbers with fixed decimals, never NaN, Infinity, -0 or an exponent', () => {
    expect(fmt(1.005, 2)).toBe((1.005).toFixed(2));
    expect(fmt(2)).toBe('2.00');
    expect(fmt(NaN)).toBe('0.00');
    expect(fmt(Infinity, 1)).toBe('0.0');
    expect(fmt(-0.001)).toBe('0.00');
    expect(fmt(-0)).toBe('0.00');
    expect(fmt(-0.4, 0)).toBe('0');
    expect(fmt(1e-9, 3)).toBe('0.000');
    expect(fmt(2e21, 1)).toBe('2000000000000000000000.0');
    expect(fmt(-3e25, 0)).toMatch(/^-3\d{25}$/);
  });

  it('formats label statistics with 2 decimals, or 3 significant digits when tiny', () => {
    expect(fmtStat(1.23456)).toBe('1.23');
    expect(fmtStat(-0.001414)).toBe('-0.00141');
    expect(fmtStat(0.0049)).toBe('0.00490');
    expect(fmtStat(0.005)).toBe('0.01');
    expect(fmtStat(0)).toBe('0.00');
    expect(fmtStat(NaN)).toBe('0.00');
    expect(fmtStat(1e-30)).toMatch(/^0\.0+100$/);
    expect(fmtStat(0.00002, 4)).toBe('0.0000200');
  });

  it('makes nice ticks: 1, 2 or 5 × 10^k steps covering the range', () => {
    const cases: Array<[number, number]> = [
      [0, 1],
      [-3.7, 12.2],
      [0.0013, 0.0071],
      [-1315.5, -1138.6],
      [1e6, 1.7e6],
      [5, 5],
      [0, 0],
      [-1e-12, 1e-12],
      [NaN, 3],
      [Infinity, -Infinity],
      [10, 2],
      [-1e300, 1e300],
    ];
    for (const [lo, hi] of cases) {
      const t = niceTicks(lo, hi);
      expect(t.values.length).toBeGreaterThanOrEqual(2);
      expect(t.values.length).toBeLessThanOrEqual(13);
      expect(t.values.every(Number.isFinite)).toBe(true);
      expect(areNiceTicks(t.values)).toBe(true);
      expect(t.lo).toBeCloseTo(t.values[0], 9);
      if (Number.isFinite(lo) && Number.isFinite(hi) && lo < hi && hi - lo < 1e300) {
        expect(t.lo).toBeLessThanOrEqual(lo);
        expect(t.hi).toBeGreaterThanOrEqual(hi);
      }
      expect(t.values.map((v) => fmt(v, t.decimals)).every((s) => /^-?\d+(\.\d+)?$/.test(s))).toBe(true);
    }
    expect(niceTicks(0, 10, 5).values).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0.5, 4.5, 10, true).step).toBe(1);
    expect(niceTicks(0.1, 0.35, 5).values).toEqual([0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
  });

  it('blends colours by weight', () => {
    expect(blend(['#000000', '#FFFFFF'], [1, 0])).toBe('#000000');
    expect(blend(['#000000', '#FFFFFF'], [0.5, 0.5])).toBe('#808080');
    expect(blend(['#FF0000', '#0000FF'], [3, 1])).toBe('#BF0040');
    expect(blend(['#FF0000', '#0000FF'], [NaN, -1])).toBe('#808080');
    expect(blend(['#FF0000'], [2])).toBe('#FF0000');
  });

  it('has an Okabe–Ito palette for the first 8 components, then colours that do not repeat it (colours.test.ts)', () => {
    expect(PALETTE).toHaveLength(8);
    expect(new Set(PALETTE).size).toBe(8);
    expect(colourOf(3)).toBe('#D55E00');
    expect(PALETTE).not.toContain(colourOf(8));
  });
});

describe('the test XML checker', () => {
  it('accepts well-formed XML and reads its tree', () => {
    const root = parseXml(`<?xml version="1.0"?>\n<!-- c --><a x="1" y='2'><b>t &amp; &#60;&#x3e;</b><c/></a>\n`);
    expect(root.name).toBe('a');
    expect(root.attrs).toEqual({ x: '1', y: '2' });
    expect(textContent(root)).toBe('t & <>');
    expect(select(root, 'c')).toHaveLength(1);
  });

  it.each([
    ['<a>x & y</a>', /bare '&'/],
    ['<a>x < y</a>', /bad start tag/],
    ['<a>&nbsp;</a>', /unknown entity/],
    ['<a x="1" x="2"/>', /duplicate attribute/],
    ['<a x=1/>', /not quoted/],
    ['<a x="<"/>', /'<'/],
    ['<a><b></a>', /closes <b>/],
    ['<a>', /unclosed/],
    ['<a/><b/>', /second root/],
    ['x<a/>', /outside the root/],
    ['<a x="1"y="2"/>', /separated/],
    ['', /no root/],
  ])('rejects %s', (xml, message) => {
    expect(() => parseXml(xml)).toThrow(message);
  });
});
