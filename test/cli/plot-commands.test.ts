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

  test('plot --dims picks the columns; bad dims are a usage error; without --out the SVG goes to stdout', async () => {
    const model = path.join(tmp(), 'model.json');
    expect((await runCli([TOY, '--k', '2', '--out', model, '--covariance', 'full'])).code).toBe(0);
    const swapped = await runCli(['plot', '-m', model, TOY, '--dims', '1,0']);
    expect(swapped.code).toBe(0);
    expect(select(parseXml(swapped.stdout), 'ellipse.sd1')).toHaveLength(2);
    const bad = await runCli(['plot', '-m', model, TOY, '--dims', '0,2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--dims takes two different columns from 0 to 1, as 0,1; got 0,2/);
  });

  test('plot-sweep and fit --plot: LL, BIC and AIC against K, the selected K marked', async () => {
    const out = path.join(tmp(), 'sweep.svg');
    const r = await runCli(['plot-sweep', TOY, '--k', '1..4', '--seeds', '0..1', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/sweep plot written to/);
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
  expect(fit).toMatch(/default: "spherical"/);
  expect(fit).toMatch(/default: 1000\)/);
  expect((await runCli(['sample', '--help'])).stdout).toMatch(/default: 1000\)/);
});
