import * as fs from 'fs';
import * as path from 'path';
import { repoPath, runCli, useTempDir } from '../helpers/cli';
import { parseXml, select, textContent } from '../plot/xml';

const TOY = repoPath('data', 'toy.txt');

describe('plot and plot-sweep', () => {
  const tmp = useTempDir();

  test('plot: an SVG file with a point per row, two ellipses per component and a legend entry each', async () => {
    const model = path.join(tmp(), 'model.json');
    expect((await runCli([TOY, '--k', '3', '--seed', '0', '--out', model])).code).toBe(0);
    const out = path.join(tmp(), 'fit.svg');
    const r = await runCli(['plot', '--model-file', model, TOY, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const svg = parseXml(fs.readFileSync(out, 'utf8'));
    expect(svg.name).toBe('svg');
    expect(select(svg, 'circle.point')).toHaveLength(250);
    expect(select(svg, 'ellipse.sd1')).toHaveLength(3);
    expect(select(svg, 'ellipse.sd2')).toHaveLength(3);
    expect(select(svg, 'g.legend-entry')).toHaveLength(3);
    expect(textContent(svg)).toMatch(/p = 0\.40/); // the fitted weights, as the fit prints them
  });

  test('plot --dims counts the features from 1, as the axis titles do, or takes header names; bad dims are a usage error', async () => {
    const model = path.join(tmp(), 'model.json');
    expect((await runCli([TOY, '--k', '2', '--out', model, '--covariance', 'full'])).code).toBe(0);
    const swapped = await runCli(['plot', '-m', model, TOY, '--dims', '2,1']);
    expect(swapped.code).toBe(0);
    const svg = parseXml(swapped.stdout);
    expect(select(svg, 'ellipse.sd1')).toHaveLength(2);
    // The x axis is the second column, and says so.
    expect(textContent(svg)).toMatch(/column 2[^]*column 1/);
    for (const [dims, message] of [
      ['0,2', /--dims 0,2: there is no column 0; the features are columns 1 to 2/],
      ['1,3', /there is no column 3/],
      ['1,1', /two different columns/],
      ['x,1', /"x" is a name, but .* has no header; give positions from 1/],
      ['1', /--dims takes two columns/],
    ] as const) {
      const bad = await runCli(['plot', '-m', model, TOY, '--dims', dims]);
      expect({ code: bad.code, stdout: bad.stdout }).toEqual({ code: 2, stdout: '' });
      expect(bad.stderr).toMatch(message);
    }
    // With a header, by name.
    const csv = path.join(tmp(), 'named.csv');
    fs.writeFileSync(csv, 'width,height\n' + fs.readFileSync(TOY, 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/).join(',')).join('\n') + '\n');
    const named = path.join(tmp(), 'named.json');
    expect((await runCli([csv, '--k', '2', '--out', named])).code).toBe(0);
    const byName = await runCli(['plot', '-m', named, csv, '--dims', 'height,width']);
    expect(byName.code).toBe(0);
    expect(byName.stdout).toBe((await runCli(['plot', '-m', named, csv, '--dims', '2,1'])).stdout);
    expect(textContent(parseXml(byName.stdout))).toMatch(/height[^]*width/);
    const unknown = await runCli(['plot', '-m', named, csv, '--dims', 'depth,width']);
    expect(unknown.stderr).toMatch(/no feature column is named "depth"; the features are width, height/);
  });

  test('plot-sweep and fit --plot: LL, BIC and AIC against K, the selected K marked', async () => {
    const out = path.join(tmp(), 'sweep.svg');
    const r = await runCli(['plot-sweep', TOY, '--k', '1..4', '--seeds', '0..1', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/sweep plot written to/);
    const svg = parseXml(fs.readFileSync(out, 'utf8'));
    expect(select(svg, 'polyline.series')).toHaveLength(3);
    expect(textContent(svg)).toMatch(/selected K=3 by BIC/);
    const viaFit = path.join(tmp(), 'via-fit.svg');
    expect((await runCli([TOY, '--k', '1..4', '--seeds', '0..1', '--plot', viaFit])).code).toBe(0);
    expect(fs.readFileSync(viaFit, 'utf8')).toBe(fs.readFileSync(out, 'utf8'));
  });

  test('plot-sweep on a terminal without --out: a text chart with the selected K starred', async () => {
    const r = await runCli(['plot-sweep', TOY, '--k', '1..4', '--seeds', '0..1'], { isTTY: true });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/BIC by K/);
    expect(lines.filter((l) => l.startsWith('*'))).toEqual([expect.stringMatching(/^\* K=3 /)]);
  });

  test('plot-sweep marks the Ks whose every fit failed, in the SVG and the text chart', async () => {
    // Three repeated points and three others: K=4 and K=5 must put a component on one point (variance 0).
    const stdin = '0 0\n0 0\n0 0\n5 5\n1 1\n2 2\n';
    const out = path.join(tmp(), 'sweep.svg');
    const r = await runCli(['plot-sweep', '-', '--k', '1..5', '--out', out], { stdin });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/K=4 seed=0 failed: .*collapsed/);
    const svg = parseXml(fs.readFileSync(out, 'utf8'));
    expect(select(svg, 'g.failed').map((g) => g.attrs["data-k"])).toEqual(['4', '5']);
    expect(textContent(svg)).toMatch(/K=4, 5: every fit failed/);
    const text = await runCli(['plot-sweep', '-', '--k', '1..5'], { stdin, isTTY: true });
    expect(text.stdout.split('\n').filter((l) => /failed/.test(l)).map((l) => l.trim())).toEqual(['K=4  failed', 'K=5  failed']);
  });

  test('with several --covariance families the sweep picture is the selected family, named in the title', async () => {
    const out = path.join(tmp(), 'sweep.svg');
    const r = await runCli(['plot-sweep', TOY, '--k', '1..3', '--covariance', 'spherical,diag', '--out', out]);
    expect(r.code).toBe(0);
    const svg = parseXml(fs.readFileSync(out, 'utf8'));
    expect(textContent(svg)).toMatch(/against K \((spherical|diag), the selected family\)/);
    // One point per K in each of the three series, not one per family and K.
    for (const line of select(svg, 'polyline.series')) expect(line.attrs.points.trim().split(/\s+/)).toHaveLength(3);
  });
});

test('every command lists its options with their defaults in --help', async () => {
  for (const command of ['fit', 'complete', 'predict', 'score', 'sample', 'plot', 'plot-sweep']) {
    const r = await runCli([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`Usage: gmm-fit ${command}`));
  }
  const fit = (await runCli(['fit', '--help'])).stdout;
  for (const flag of ['--k', '--seed', '--model', '--covariance', '--reg-covar', '--init', '--tol', '--max-iter', '--min-var', '--criterion', '--jobs', '--missing', '--delimiter', '--json', '--precision', '--quiet', '--verbose', '--out', '--plot']) {
    expect(fit).toContain(flag);
  }
  expect(fit).toMatch(/--covariance <list>[^]*\(default: spherical\)/);
  expect(fit).toMatch(/default: 1000\)/);
  expect((await runCli(['sample', '--help'])).stdout).toMatch(/default: 1000\)/);
});
