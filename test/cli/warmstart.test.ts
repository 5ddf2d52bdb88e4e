import * as fs from 'fs';
import * as path from 'path';
import { repoPath, runCli, useTempDir } from '../helpers/cli';

const TOY = repoPath('data', 'toy.txt');

describe('--init FILE.json: a warm start from a saved model', () => {
  const tmp = useTempDir();
  const save = async (args: string[]) => {
    const file = path.join(tmp(), 'model.json');
    expect((await runCli([TOY, '--out', file, ...args])).code).toBe(0);
    return file;
  };
  const fit = async (args: string[]) => {
    const r = await runCli([TOY, '--json', ...args]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout).fits;
  };

  test.each(['spherical', 'diag', 'full'])('%s: five iterations saved, then resumed, continue the same trace', async (covariance) => {
    // Saved after 5 E+M steps, the model is the start of E-step 6 of the same run.
    const model = await save(['--k', '3', '--seed', '0', '--covariance', covariance, '--max-iter', '5']);
    const [whole] = await fit(['--k', '3', '--seed', '0', '--covariance', covariance]);
    const resumed = await fit(['--init', model]);
    expect(resumed).toHaveLength(1);
    expect(resumed[0].model).toBe(covariance);
    expect(resumed[0].initialRows).toEqual([]);
    resumed[0].trace.forEach((ll: number, i: number) => expect(ll).toBeCloseTo(whole.trace[i + 5], 9));
    expect(resumed[0].logLikelihood).toBeCloseTo(whole.logLikelihood, 9);
  });

  test('the model may come on stdin', async () => {
    const model = await save(['--k', '2', '--seed', '0', '--max-iter', '3']);
    const r = await runCli([TOY, '--init', '-', '--json'], { stdin: fs.readFileSync(model) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).fits[0].k).toBe(2);
  });

  test('checked against the data and the options', async () => {
    const model = await save(['--k', '3', '--covariance', 'diag', '--max-iter', '2']);
    const wide = path.join(tmp(), 'wide.txt');
    fs.writeFileSync(wide, '1 2 3\n4 5 6\n7 8 9\n1 1 1\n');
    const cases: Array<[string[], number, RegExp]> = [
      [[wide, '--init', model], 1, /model\.json: not a usable model: its means have 2 values, but the data has 3 columns/],
      [[TOY, '--init', model, '--k', '2'], 2, /--k 2 does not match the K=3 of .*model\.json; leave --k out/],
      [[TOY, '--init', model, '--covariance', 'full'], 2, /--covariance full does not match the diag model/],
      [[TOY, '--init', model, '--model', 'kmeans'], 2, /warm-starts a Gaussian fit/],
      [[TOY, '--init', 'nonsense'], 2, /--init takes random, kmeans\+\+, kmeans, hc, all, a model FILE\.json or - \(a model on stdin\); got "nonsense"/],
      [['-', '--init', '-'], 2, /the data and --init cannot both be stdin/],
      [[TOY, '--init', path.join(tmp(), 'missing.json')], 1, /missing\.json: no such file/],
    ];
    for (const [args, code, message] of cases) {
      const r = await runCli(args);
      expect([r.code, r.stderr]).toEqual([code, expect.stringMatching(message)]);
    }
  });

  test.each<[string, unknown, RegExp]>([
    ['not JSON', '{', /not JSON/],
    ['no format', { model: 'spherical', mixture: { mu: [[0, 0]], var: [1], p: [1] } }, /no "format": "gmm-fit\/1"/],
    ['another format version', { format: 'gmm-fit/2', model: 'spherical', mixture: { mu: [[0, 0]], var: [1], p: [1] } }, /its format is "gmm-fit\/2"; this gmm-fit reads gmm-fit\/1/],
    ['no mixture', { format: 'gmm-fit/1', model: 'spherical' }, /no "mixture" object/],
    ['an unknown family', { format: 'gmm-fit/1', model: 'tied', mixture: { mu: [[0, 0]], var: [1], p: [1] } }, /"model" is "tied"/],
    ['weights that do not sum to 1', { format: 'gmm-fit/1', model: 'spherical', mixture: { mu: [[0, 0], [1, 1]], var: [1, 1], p: [0.5, 0.6] } }, /sum to 1/],
    ['a negative variance', { format: 'gmm-fit/1', model: 'spherical', mixture: { mu: [[0, 0]], var: [-1], p: [1] } }, /every variance must be > 0/],
    ['variances of the wrong shape', { format: 'gmm-fit/1', model: 'diag', mixture: { mu: [[0, 0]], var: [1], p: [1] } }, /diag needs 2 variance numbers for K=1, d=2; the file has 1/],
    ['a non-number', { format: 'gmm-fit/1', model: 'spherical', mixture: { mu: [[0, 'x']], var: [1], p: [1] } }, /"mu" is not an array of finite numbers/],
  ])('a bad model file: %s', async (_name, content, message) => {
    const file = path.join(tmp(), 'bad.json');
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    const r = await runCli([TOY, '--init', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^gmm-fit: error: .*bad\.json: /);
    expect(r.stderr).toMatch(message);
  });
});
