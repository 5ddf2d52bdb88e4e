import { sweepTextChart } from '../../src/plot/text-chart';

const BEST = [
  { k: 1, logLikelihood: -1307.6, bic: -1315.5, aic: -1310.6 },
  { k: 2, logLikelihood: -1176.2, bic: -1195.0, aic: -1183.2 },
  { k: 3, logLikelihood: -1138.9, bic: -1169.3, aic: -1149.9 },
  { k: 4, logLikelihood: -1138.6, bic: -1180.0, aic: -1153.6 },
];

function rows(chart: string): string[] {
  return chart.split('\n').filter((l) => /^[* ] K=/.test(l));
}

const bar = (line: string) => (line.split('|')[1] ?? '').length;

describe('sweepTextChart', () => {
  it('has a header and one line per K, the selected one starred', () => {
    const chart = sweepTextChart(BEST, 3, 'bic');
    const lines = chart.trimEnd().split('\n');
    expect(lines[0]).toBe('BIC by K (larger is better)');
    expect(lines).toHaveLength(1 + BEST.length);
    expect(rows(chart)).toHaveLength(4);
    const starred = rows(chart).filter((l) => l.startsWith('*'));
    expect(starred).toHaveLength(1);
    expect(starred[0]).toMatch(/^\* K=3 +-1169\.30 \|#+$/);
  });

  it('scales the bars between the smallest and largest value and fits the width', () => {
    const chart = sweepTextChart(BEST, 3, 'bic', 60);
    const r = rows(chart);
    expect(r.every((l) => l.length <= 60)).toBe(true);
    const bars = r.map(bar);
    expect(bars[0]).toBe(1);
    expect(bars[2]).toBe(Math.max(...bars));
    expect(r[2].length).toBe(60);
    // Order of bars follows the order of values.
    expect(bars[1]).toBeLessThan(bars[3]);
    expect(bars[3]).toBeLessThan(bars[2]);
    const wide = rows(sweepTextChart(BEST, 3, 'bic', 100));
    expect(Math.max(...wide.map((l) => l.length))).toBe(100);
  });

  it('uses the chosen criterion', () => {
    const ll = sweepTextChart(BEST, 4, 'll');
    expect(ll.split('\n')[0]).toBe('LL by K (larger is better)');
    expect(rows(ll).find((l) => l.startsWith('*'))).toMatch(/^\* K=4 +-1138\.60 /);
    const aic = sweepTextChart(BEST, 3, 'aic');
    expect(aic.split('\n')[0]).toBe('AIC by K (larger is better)');
    expect(rows(aic)[2]).toContain('-1149.90');
  });

  it('handles a single K, equal values, unsorted input, no fits and a tiny width', () => {
    const one = rows(sweepTextChart([BEST[1]], 2, 'bic', 40));
    expect(one).toHaveLength(1);
    expect(one[0].startsWith('* K=2')).toBe(true);
    expect(one[0].length).toBe(40);
    const flat = rows(sweepTextChart([{ k: 1, logLikelihood: 0, bic: 0, aic: 0 }, { k: 2, logLikelihood: 0, bic: 0, aic: 0 }], 1, 'bic'));
    expect(bar(flat[0])).toBe(bar(flat[1]));
    const shuffled = rows(sweepTextChart([BEST[3], BEST[0], BEST[2], BEST[1]], 3, 'bic'));
    expect(shuffled.map((l) => l.slice(2, 5))).toEqual(['K=1', 'K=2', 'K=3', 'K=4']);
    expect(sweepTextChart([], 1, 'bic')).toContain('no successful fits');
    const odd = rows(sweepTextChart([{ k: 1, logLikelihood: NaN, bic: NaN, aic: NaN }, BEST[1]], 2, 'bic'));
    expect(odd[0]).toMatch(/n\/a \|$/);
    const tiny = rows(sweepTextChart(BEST, 3, 'bic', 5));
    expect(Math.max(...tiny.map(bar))).toBe(10);
  });

  it('aligns K labels of different widths and has no colour codes', () => {
    const many = Array.from({ length: 12 }, (_, t) => ({ k: t + 1, logLikelihood: -t * t, bic: -t * t - 10, aic: -t * t - 5 }));
    const chart = sweepTextChart(many, 1, 'bic');
    const r = rows(chart);
    expect(r).toHaveLength(12);
    expect(new Set(r.map((l) => l.indexOf('|'))).size).toBe(1);
    expect(chart).not.toMatch(/\u001b/);
    expect(chart).not.toMatch(/NaN|Infinity/);
  });

  it('prints a "failed" line for each K whose fits all failed, in order among the others', () => {
    const chart = sweepTextChart([BEST[0], BEST[2], BEST[3]], 3, 'bic', { failed: [5, 2] });
    expect(chart.trimEnd().split('\n')).toEqual([
      'BIC by K (larger is better)',
      expect.stringMatching(/^ {2}K=1  -1315\.50 \|#$/),
      '  K=2  failed',
      expect.stringMatching(/^\* K=3  -1169\.30 \|#+$/),
      expect.stringMatching(/^ {2}K=4  -1180\.00 \|#+$/),
      '  K=5  failed',
    ]);
    // The bars are those of the fitted Ks alone.
    expect(rows(chart).map(bar)).toEqual(rows(sweepTextChart([BEST[0], BEST[2], BEST[3]], 3, 'bic')).map(bar).flatMap((b, t) => (t === 0 ? [b, 0] : t === 2 ? [b, 0] : [b])));
  });

  it('aligns failed lines with wider K labels, and takes the width in the options', () => {
    const chart = sweepTextChart(BEST, 3, 'bic', { failed: [12], width: 50 });
    const r = rows(chart);
    expect(r[r.length - 1]).toBe('  K=12  failed');
    expect(r[0]).toMatch(/^ {2}K=1 {3}-1315\.50 \|#$/);
    expect(Math.max(...r.map((l) => l.length))).toBe(50);
    expect(sweepTextChart(BEST, 3, 'bic', { width: 60 })).toBe(sweepTextChart(BEST, 3, 'bic', 60));
  });

  it('lists the failed Ks when no fit succeeded, and ignores a failed K that has a value', () => {
    expect(sweepTextChart([], 1, 'bic', { failed: [2, 1] })).toBe('BIC by K (larger is better)\n  (no successful fits)\n  K=1  failed\n  K=2  failed\n');
    expect(sweepTextChart(BEST, 3, 'bic', { failed: [3] })).toBe(sweepTextChart(BEST, 3, 'bic'));
    expect(sweepTextChart(BEST, 3, 'bic', { failed: [] })).toBe(sweepTextChart(BEST, 3, 'bic'));
  });
});
