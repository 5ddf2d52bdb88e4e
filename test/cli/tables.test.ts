import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { repoPath, runCli, useTempDir, writeFile } from '../helpers/cli';

// Real-looking tables: R's iris (test/fixtures/mclust/iris.csv, exported by bench/reference/mclust_hc.R)
// with an id column in front and the species after, as a data scientist's CSV has them.
const IRIS = fs.readFileSync(repoPath('test', 'fixtures', 'mclust', 'iris.csv'), 'utf8').trim().split('\n');
const SPECIES = ['setosa', 'versicolor', 'virginica']; // R's iris: 50 rows of each, in this order
const HEADER = IRIS[0].split(',');
const ROWS = IRIS.slice(1).map((l) => l.split(','));

function irisCsv(options: { delimiter?: string; decimalComma?: boolean; order?: number[] } = {}): string {
  const sep = options.delimiter ?? ',';
  const order = options.order ?? [0, 1, 2, 3];
  const cell = (v: string) => (options.decimalComma ? v.replace('.', ',') : v);
  const lines = [['id', ...order.map((i) => HEADER[i]), 'species'].join(sep)];
  ROWS.forEach((row, u) => lines.push([`id${String(u + 1).padStart(3, '0')}`, ...order.map((i) => cell(row[i])), SPECIES[Math.floor(u / 50)]].join(sep)));
  return lines.join('\n') + '\n';
}

const json = (text: string) => JSON.parse(text) as Record<string, any>;

describe('real tables', () => {
  const tmp = useTempDir();

  test('a non-numeric column is named, with the flag that drops it', async () => {
    const file = writeFile(tmp(), 'iris.csv', irisCsv());
    const r = await runCli([file, '--k', '3']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/column 1 \(id\) is not numeric: drop it with --ignore-columns id/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('--id-column and --labels-column: neither is a feature; the fit reports ARI and the confusion table as mclust does', async () => {
    const file = writeFile(tmp(), 'iris.csv', irisCsv());
    const r = await runCli([file, '--id-column', 'id', '--labels-column', 'species', '--k', '3', '--covariance', 'full', '--init', 'hc', '--json']);
    expect(r.code).toBe(0);
    const doc = json(r.stdout);
    expect(doc.input).toMatchObject({ rows: 150, cols: 4, columns: HEADER });
    // mclust 6.0.0: Mclust(iris[,1:4], G=3, modelNames="VVV"): loglik −180.185839, adjustedRandIndex 0.9038742, classError 0.03333333.
    // gmm-fit runs EM from mclust's hc start to a tighter tolerance, so it ends at or a little above mclust's optimum.
    const fit = doc.fits[0];
    expect(fit.init).toBe('hc');
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(-180.185839 - 1e-6);
    expect(fit.logLikelihood).toBeLessThan(-180.18);
    expect(doc.classification.adjustedRandIndex).toBeCloseTo(0.9038742, 6);
    expect(doc.classification.errorRate).toBeCloseTo(0.03333333, 6);
    expect(doc.classification.classes).toEqual(SPECIES);
    expect(doc.classification.confusion.map((row: number[]) => row.reduce((a, b) => a + b, 0))).toEqual([50, 50, 50]);
    const human = await runCli([file, '--id-column', 'id', '--labels-column', 'species', '--k', '3', '--covariance', 'full', '--init', 'hc']);
    expect(human.stdout).toMatch(/known classes: adjusted Rand index 0\.9039, error rate 0\.0333/);
    expect(human.stdout).toMatch(/│ setosa +│ +50 │/);
  });

  test('--columns and --ignore-columns, by names or positions and ranges, select the same features', async () => {
    const file = writeFile(tmp(), 'iris.csv', irisCsv());
    const runs = [
      ['--columns', '2-5'],
      ['--columns', HEADER.join(',')],
      ['--ignore-columns', 'id,species'],
      ['--ignore-columns', '1,6'],
    ];
    const lls = [];
    for (const flags of runs) {
      const r = await runCli([file, ...flags, '--k', '2', '--json']);
      expect(r.stderr).toBe('');
      lls.push(json(r.stdout).fits[0].logLikelihood);
    }
    expect(new Set(lls).size).toBe(1);
    const petals = json((await runCli([file, '--columns', 'Petal.Length,Petal.Width', '--k', '2', '--json'])).stdout);
    expect(petals.input.columns).toEqual(['Petal.Length', 'Petal.Width']);
  });

  test('gzip (by its magic bytes, from a file or stdin), semicolons and decimal commas read the same numbers', async () => {
    const plain = writeFile(tmp(), 'iris.csv', irisCsv());
    const gz = writeFile(tmp(), 'iris.data', zlib.gzipSync(irisCsv()));
    const european = writeFile(tmp(), 'iris-eu.csv', irisCsv({ delimiter: ';', decimalComma: true }));
    const flags = ['--ignore-columns', 'id,species', '--k', '2', '--json'];
    const a = json((await runCli([plain, ...flags])).stdout);
    const b = json((await runCli([gz, ...flags])).stdout);
    const c = json((await runCli(['-', ...flags], { stdin: zlib.gzipSync(irisCsv()) })).stdout);
    const e = await runCli([european, '--delimiter', 'semicolon', '--decimal-comma', ...flags]);
    expect(e.stderr).toBe('');
    for (const doc of [b, c, json(e.stdout)]) expect(doc.fits[0].logLikelihood).toBe(a.fits[0].logLikelihood);
  });

  test('a saved model reads new data as it was fitted: the same flags, columns matched by name and reordered, ids first', async () => {
    const train = writeFile(tmp(), 'iris.csv', irisCsv());
    const model = path.join(tmp(), 'model.json');
    const labels = path.join(tmp(), 'labels.csv');
    const fit = await runCli([train, '--id-column', 'id', '--ignore-columns', 'species', '--k', '3', '--covariance', 'full', '--init', 'hc', '--out', model, '--labels', labels]);
    expect(fit.code).toBe(0);
    const expected = fs.readFileSync(labels, 'utf8');
    expect(expected.split('\n')[0]).toBe('id,label');
    expect(expected.split('\n')[1]).toMatch(/^id001,[123]$/);
    // No flags at all: the model's id column and features are found by name, the species column left alone.
    const same = await runCli(['predict', '-m', model, train]);
    expect(same.stderr).toBe('');
    expect(same.stdout).toBe(expected);
    // Another file with the columns in another order, semicolons and decimal commas.
    const shuffled = writeFile(tmp(), 'shuffled.csv', irisCsv({ order: [3, 1, 0, 2], delimiter: ';', decimalComma: true }));
    const reordered = await runCli(['predict', '-m', model, shuffled, '--delimiter', 'semicolon', '--decimal-comma']);
    expect(reordered.code).toBe(0);
    expect(reordered.stderr).toBe(''); // the training file's delimiter was detected, not given: nothing contradicts it
    expect(reordered.stdout).toBe(expected);
    // A file without one of the model's columns: an error naming it.
    const lacking = writeFile(tmp(), 'lacking.csv', 'id,Sepal.Length,Sepal.Width,Petal.Length\nx,1,2,3\n');
    const missing = await runCli(['predict', '-m', model, lacking]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no column named "Petal\.Width"/);
  });

  test("the course's --missing 0 model: predict without flags reads the zeros as missing, as the fit did", async () => {
    const data = repoPath('test', 'fixtures', 'test_incomplete.txt');
    const model = path.join(tmp(), 'm.json');
    const labels = path.join(tmp(), 'labels.csv');
    expect((await runCli([data, '--missing', '0', '--k', '4', '--seed', '0', '--out', model, '--labels', labels])).code).toBe(0);
    const predicted = await runCli(['predict', '-m', model, data]);
    expect(predicted.stdout).toBe(fs.readFileSync(labels, 'utf8'));
    const overridden = await runCli(['predict', '-m', model, data, '--missing', 'NA']);
    expect(overridden.stderr).toMatch(/--missing NA differs from the model's --missing 0; using NA/);
  });

  test('predict --labels-column or --truth-labels: the agreement on stderr (or in the JSON), the labels on stdout', async () => {
    const file = writeFile(tmp(), 'iris.csv', irisCsv());
    const model = path.join(tmp(), 'model.json');
    expect((await runCli([file, '--id-column', 'id', '--ignore-columns', 'species', '--k', '3', '--covariance', 'full', '--init', 'hc', '--out', model])).code).toBe(0);
    const r = await runCli(['predict', '-m', model, file, '--labels-column', 'species']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/adjusted Rand index 0\.9039/);
    const truth = writeFile(tmp(), 'species.txt', 'species\n' + ROWS.map((_, u) => SPECIES[Math.floor(u / 50)]).join('\n') + '\n');
    const j = await runCli(['predict', '-m', model, file, '--truth-labels', truth, '--format', 'json']);
    const doc = json(j.stdout);
    expect(doc.ids[0]).toBe('id001');
    expect(doc.agreement.adjustedRandIndex).toBeCloseTo(0.9038742, 6);
    const short = writeFile(tmp(), 'short.txt', 'a\nb\n');
    const bad = await runCli(['predict', '-m', model, file, '--truth-labels', short]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/short\.txt: 2 labels for the 150 rows/);
  });

  test('--covariance spherical,diag,full with --init all: the best (family, K) selected, each fit saying which start it had', async () => {
    const file = writeFile(tmp(), 'iris.csv', irisCsv());
    const r = await runCli([file, '--ignore-columns', 'id,species', '--k', '1..3', '--covariance', 'spherical,diag,full', '--init', 'all', '--seeds', '0..1', '--json']);
    expect(r.code).toBe(0);
    const doc = json(r.stdout);
    // Per family and K: random, kmeans++ and kmeans for each of the two seeds, hc once.
    expect(doc.fits).toHaveLength(3 * 3 * (2 * 3 + 1));
    expect(new Set(doc.fits.map((f: any) => f.init))).toEqual(new Set(['random', 'kmeans++', 'kmeans', 'hc']));
    for (const best of doc.best) {
      const same = doc.fits.filter((f: any) => f.model === best.covariance && f.k === best.k && f.logLikelihood !== undefined);
      expect(best.logLikelihood).toBe(Math.max(...same.map((f: any) => f.logLikelihood)));
    }
    expect(doc.selected).toMatchObject({ covariance: 'full', k: 2 });
    const human = await runCli([file, '--ignore-columns', 'id,species', '--k', '1..3', '--covariance', 'spherical,diag,full', '--init', 'all']);
    expect(human.stdout).toMatch(/│ +K │ spherical BIC │ +diag BIC │ +full BIC │/);
  });

  test('--init hc needs complete data; --init all leaves the complete-data starts out, with a warning', async () => {
    const data = repoPath('test', 'fixtures', 'test_incomplete.txt');
    const hc = await runCli([data, '--missing', '0', '--k', '2', '--init', 'hc']);
    expect(hc.code).toBe(2);
    expect(hc.stderr).toMatch(/--init hc builds a hierarchy of the rows, which needs complete data/);
    const all = await runCli([data, '--missing', '0', '--k', '2', '--init', 'all', '--json']);
    expect(all.code).toBe(0);
    expect(all.stderr).toMatch(/--init all: .* has missing cells, so the kmeans and hc starts .* are left out/);
    expect(new Set(json(all.stdout).fits.map((f: any) => f.init))).toEqual(new Set(['random', 'kmeans++']));
  });

  test('--standardize: fitted in standardised units, reported in the data\'s, the log-likelihood with the Jacobian; the model applies the transform', async () => {
    // Columns on scales 1000× apart: the spherical family cannot follow them, and says so.
    const scales = [1, 1000, 1, 0.001];
    const scaled = writeFile(tmp(), 'scaled.csv', HEADER.join(',') + '\n' + ROWS.map((r) => r.map((v, i) => Number(v) * scales[i]).join(',')).join('\n') + '\n');
    const plain = await runCli([scaled, '--k', '2']);
    expect(plain.stderr).toMatch(/the columns' scales differ by [\d.]+e\+5× .*try --standardize or --covariance diag/);
    const model = path.join(tmp(), 'model.json');
    const r = await runCli([scaled, '--k', '2', '--standardize', '--out', model, '--json']);
    expect(r.stderr).toBe('');
    const doc = json(r.stdout);
    const { mean, scale } = doc.standardization;
    expect(doc.standardization.note).toMatch(/Jacobian/);
    // The same fit on the standardised values, written out here: its LL less n·Σ ln scale is the reported one.
    const z = writeFile(tmp(), 'z.csv', HEADER.join(',') + '\n' + ROWS.map((r0) => r0.map((v, i) => (Number(v) * scales[i] - mean[i]) / scale[i]).join(',')).join('\n') + '\n');
    const inUnits = json((await runCli([z, '--k', '2', '--json'])).stdout);
    const jacobian = 150 * scale.reduce((a: number, s0: number) => a + Math.log(s0), 0);
    expect(doc.fits[0].logLikelihood).toBeCloseTo(inUnits.fits[0].logLikelihood - jacobian, 6);
    // The means in the data's units: the standardised means back-transformed.
    inUnits.fits[0].mixture.mu.forEach((m: number[], j: number) => m.forEach((v, i) => expect(doc.fits[0].mixture.mu[j][i]).toBeCloseTo(v * scale[i] + mean[i], 6)));
    // predict applies the model's transform: the fit's own labels.
    const labels = path.join(tmp(), 'labels.csv');
    expect((await runCli([scaled, '--k', '2', '--standardize', '--labels', labels])).code).toBe(0);
    expect((await runCli(['predict', '-m', model, scaled])).stdout).toBe(fs.readFileSync(labels, 'utf8'));
    // score gives each row's log-likelihood in the data's units: the total is the LL of the final parameters.
    const scored = json((await runCli(['score', '-m', model, scaled, '--format', 'json'])).stdout);
    expect(scored.logLikelihood).toBeGreaterThanOrEqual(doc.fits[0].logLikelihood - 1e-6);
    const samples = await runCli(['sample', '-m', model, '-n', '2000', '--seed', '1']);
    const drawn = samples.stdout.trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    const colMean = (i: number) => drawn.reduce((a, row) => a + row[i], 0) / drawn.length;
    expect(colMean(1) / mean[1]).toBeCloseTo(1, 1); // draws in the data's units
  });


  test("the default --cov-floor follows each column's units: iris with its columns rescaled 10⁻⁴ to 10³× gives the same fit", async () => {
    const scales = [1e-4, 1, 1e3, 0.5];
    const rescaled = writeFile(tmp(), 'rescaled.csv', HEADER.join(',') + '\n' + ROWS.map((r) => r.map((v, i) => Number(v) * scales[i]).join(',')).join('\n') + '\n');
    const plainFile = writeFile(tmp(), 'plain.csv', IRIS.join('\n') + '\n');
    // Each column's variance, by hand (n in the denominator): the model records its floor, 1e-6 × each.
    const variance = (rows: number[][], i: number) => {
      const m = rows.reduce((a, r) => a + r[i], 0) / rows.length;
      return rows.reduce((a, r) => a + (r[i] - m) ** 2, 0) / rows.length;
    };
    const values = ROWS.map((r) => r.map((v, i) => Number(v) * scales[i]));
    // The density of x·c is the density of x over Π c_i: the LL shifts by −n·Σ ln c_i.
    const shift = -150 * scales.reduce((a, c) => a + Math.log(c), 0);
    for (const covariance of ['diag', 'full']) {
      // A tight tolerance: the stopping rule is relative to |LL|, which the shift changes.
      const args = ['--k', '3', '--covariance', covariance, '--init', 'hc', '--tol', '1e-12', '--json'];
      const model = path.join(tmp(), `${covariance}.json`);
      const a = json((await runCli([plainFile, ...args])).stdout);
      const b = json((await runCli([rescaled, ...args, '--out', model])).stdout);
      expect(b.fits[0].logLikelihood).toBeCloseTo(a.fits[0].logLikelihood + shift, 6);
      b.fits[0].mixture.mu.forEach((m: number[], j: number) => m.forEach((v, i) => expect(v / scales[i]).toBeCloseTo(a.fits[0].mixture.mu[j][i], 4))); // the optimum is flat: the means to ~√tol
      const options = json(fs.readFileSync(model, 'utf8')).options;
      expect(options.regCovar).toBe(0); // no ridge on a table by default
      expect(options.covFloor).toHaveLength(4);
      options.covFloor.forEach((r: number, i: number) => expect(r / (1e-6 * variance(values, i))).toBeCloseTo(1, 9));
      // scikit-learn's absolute 1e-6, given: on the 10⁻⁴-scaled column (variance ~7e-9) it is another model.
      const absolute = json((await runCli([rescaled, ...args, '--reg-covar', '1e-6'])).stdout);
      expect(absolute.fits[0].logLikelihood).toBeLessThan(b.fits[0].logLikelihood - 1);
      expect(json((await runCli([rescaled, ...args, '--reg-covar', '1e-6', '--out', model])).stdout).fits[0].logLikelihood).toBe(absolute.fits[0].logLikelihood);
      expect(json(fs.readFileSync(model, 'utf8')).options.regCovar).toBe(1e-6);
    }
  });

  test('on a terminal tables are cut to its width with …; --wide and non-terminal output show everything', async () => {
    // Four repeated points: K=3 collapses, with a long reason in the sweep table.
    const stdin = '0 0\n0 0\n0 0\n5 5\n1 2\n';
    const args = ['-', '--k', '1..3', '--seeds', '0..1'];
    const env = { NO_COLOR: '1' };
    const cut = await runCli(args, { stdin, isTTY: true, columns: 70, env });
    const lines = cut.stdout.split('\n').filter((l) => /[│┌└]/.test(l));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(70);
    expect(cut.stdout).toMatch(/…/);
    const wide = await runCli([...args, '--wide'], { stdin, isTTY: true, columns: 70, env });
    expect(wide.stdout).toMatch(/collapsed onto repeated points[^…\n]*--min-var/);
    const piped = await runCli(args, { stdin, columns: 70 });
    expect(piped.stdout).not.toMatch(/…/);
  });

  test('sample --labels: each row\'s component first', async () => {
    const model = path.join(tmp(), 'model.json');
    expect((await runCli([repoPath('data', 'toy.txt'), '--k', '3', '--out', model])).code).toBe(0);
    const r = await runCli(['sample', '-m', model, '-n', '500', '--seed', '2', '--labels']);
    const rows = r.stdout.trim().split('\n');
    expect(rows[0]).toBe('component,x1,x2');
    const plain = (await runCli(['sample', '-m', model, '-n', '500', '--seed', '2'])).stdout.trim().split('\n');
    rows.slice(1).forEach((row, n) => {
      const [c, ...rest] = row.split(',');
      expect(['1', '2', '3']).toContain(c);
      expect(rest.join(',')).toBe(plain[n]); // the same draws, without the column
    });
  });

  test('plot-sweep --json: the document on stdout, the SVG to --out, the status line on stderr', async () => {
    const out = path.join(tmp(), 'sweep.svg');
    const r = await runCli(['plot-sweep', repoPath('data', 'toy.txt'), '--k', '1..3', '--json', '--out', out]);
    expect(r.code).toBe(0);
    expect(json(r.stdout).selected.k).toBe(3);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/<svg[^]*<\/svg>\s*$/);
    const noFile = await runCli(['plot-sweep', repoPath('data', 'toy.txt'), '--k', '1..3', '--json']);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toMatch(/plot-sweep --json prints the document on stdout, so the SVG needs --out FILE/);
  });
});

