import * as fs from 'fs';
import * as path from 'path';
import { runCli, useTempDir } from '../helpers/cli';
import { cli, shardLoop, worstRelative, writeShards } from '../helpers/shards';

// Rating triplets with --center bias over shards (the default, as fit --ratings): the bias
// baseline fitted by one map/reduce pass an epoch (10), one pass for the mixture's start on
// the residuals, then the mixture's EM with the prior on the means (λ = 20 by default). The
// reference is the single-machine `fit --ratings` on the whole file (with --criterion bic,
// so that it fits all the ratings once, as the shards do); the users are the course's
// Netflix matrix's first 200, cut into three consecutive slices of unequal size.

jest.setTimeout(120_000);

interface RatingsModelJson {
  baseline: { mean: number; item: number[] };
  mixture: { mu: number[][]; var: number[] | number[][]; p: number[] };
}

function worstDifference(a: unknown, b: unknown): number {
  const x = [a].flat(3) as number[];
  const y = [b].flat(3) as number[];
  expect(x.length).toBe(y.length);
  return x.reduce((w, v, i) => Math.max(w, Math.abs(v - y[i]) / Math.max(1, Math.abs(y[i]))), 0);
}

/** recommend's CSV as rows [user, item, score, rank]. */
function recommendations(text: string): string[][] {
  const lines = text.trim().split('\n');
  expect(lines[0]).toBe('user,item,score,rank');
  return lines.slice(1).map((l) => l.split(','));
}

describe('--center bias over shards: the baseline by map/reduce, then the mixture on its residuals', () => {
  const tmp = useTempDir();

  test.each([
    ['spherical', 4, 1, ['--max-iter', '12']],
    ['diag', 3, 0, ['--mean-prior', '5', '--max-iter', '6']],
  ] as const)('%s K=%i seed %i %j: the baseline, the start and the trace of fit --ratings; recommend gives its recommendations', async (covariance, k, seed, extra) => {
    const dir = tmp();
    const { shards, whole } = writeShards(dir, [0, 60, 130, 200], 'ratings');
    const args = ['--k', String(k), '--seed', String(seed), '--covariance', covariance, ...extra];
    const run = await shardLoop(dir, shards, args, ['--ratings']);
    // The passes: 10 epochs of the baseline and the start's, then the mixture's iterations.
    expect(run.start.format).toBe('gmm-fit-shards/1');
    expect(run.verdicts.slice(0, 11)).toEqual(Array(11).fill('continue'));
    const single = path.join(dir, 'single.json');
    const fit = JSON.parse(await cli(['fit', whole, '--ratings', ...args, '--criterion', 'bic', '--json', '--quiet', '--jobs', '1', '--out', single])).fits[0];
    const model = JSON.parse(fs.readFileSync(single, 'utf8')) as RatingsModelJson;
    const plan = (run.model as unknown as { distributed: { baseline: { mean: number; item: number[]; epoch: number }; pass: number; iteration: number } }).distributed;
    // μ is the same sum in the same order; the item biases differ by the grouping of each epoch's sums.
    expect(plan.baseline.mean).toBe(model.baseline.mean);
    expect(plan.baseline.epoch).toBe(10);
    expect(worstDifference(plan.baseline.item, model.baseline.item)).toBeLessThan(1e-12);
    expect(plan.pass).toBe(11 + fit.iterations);
    expect(plan.iteration).toBe(fit.iterations);
    expect(run.start.fit.initialRows).toEqual(fit.initialRows);
    expect(fit.trace.length).toBeGreaterThan(covariance === 'diag' ? 5 : 8);
    expect(run.verdicts.length).toBe(11 + fit.iterations);
    expect(run.verdicts[run.verdicts.length - 1]).toBe(fit.stop);
    // The trace is the objective (LL + the prior's log density); the LL is the data's.
    expect(worstRelative(run.model.fit.trace, fit.trace)).toBeLessThan(1e-9);
    expect(Math.abs(run.model.fit.logLikelihood - fit.logLikelihood) / Math.abs(fit.logLikelihood)).toBeLessThan(1e-9);
    expect(run.model.fit.logLikelihood).not.toBe(run.model.fit.trace[run.model.fit.trace.length - 1]);
    expect(worstDifference(run.model.mixture.mu, fit.mixture.mu)).toBeLessThan(1e-8);
    expect(worstDifference(run.model.mixture.var, fit.mixture.var)).toBeLessThan(1e-8);
    expect(worstDifference(run.model.mixture.p, fit.mixture.p)).toBeLessThan(1e-10);

    // recommend reads the model fitted over shards as it reads fit --ratings --out's.
    const fromShards = recommendations(await cli(['recommend', '-m', path.join(dir, 'model.json'), shards[1], '--top', '5']));
    const fromSingle = recommendations(await cli(['recommend', '-m', single, shards[1], '--top', '5']));
    expect(fromShards.length).toBe(70 * 5);
    expect(fromShards.map((r) => [r[0], r[1], r[3]])).toEqual(fromSingle.map((r) => [r[0], r[1], r[3]]));
    expect(fromShards.reduce((w, r, i) => Math.max(w, Math.abs(Number(r[2]) - Number(fromSingle[i][2]))), 0)).toBeLessThan(1e-9);
  });

  test('a stale pass, a fit in progress given to predict or recommend, and --center none keeps the course model', async () => {
    const dir = tmp();
    const { shards } = writeShards(dir, [0, 40, 90], 'ratings');
    const model = path.join(dir, 'm.json');
    await cli(['start', '--ratings', '--k', '2', ...shards, '--out', model, '--quiet']);
    const stats = shards.map((s, i) => path.join(dir, `s${i}.stats`));
    for (let i = 0; i < shards.length; i++) await cli(['estep', '-m', model, shards[i], '--stats', stats[i], '--quiet']);
    const next = path.join(dir, 'm1.json');
    expect((await cli(['mstep', '-m', model, ...stats, '--out', next, '--quiet'])).trim()).toBe('continue');
    const stale = await runCli(['mstep', '-m', next, ...stats, '--out', path.join(dir, 'm2.json')]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/s0\.stats was computed under the model of pass 0, but .*m1\.json is the model of pass 1: a stale file from an earlier pass; run gmm-fit estep under .*m1\.json again/);
    expect(fs.existsSync(path.join(dir, 'm2.json'))).toBe(false);
    const recommend = await runCli(['recommend', '-m', next, shards[0], '--top', '3']);
    expect(recommend.code).toBe(1);
    expect(recommend.stderr).toMatch(/m1\.json: not a usable ratings model yet: the fit over shards is still fitting its bias baseline \(1 of 10 epochs\)/);
    expect(recommend.stdout).toBe('');
    const predict = await runCli(['predict', '-m', next, shards[0]]);
    expect(predict.code).toBe(1);
    expect(predict.stderr).toMatch(/m1\.json: .*gmm-fit-shards\/1/);
    // --center none: the mixture at once, on the ratings.
    await cli(['start', '--ratings', '--center', 'none', '--k', '2', ...shards, '--out', model, '--quiet']);
    const none = JSON.parse(fs.readFileSync(model, 'utf8'));
    expect(none.format).toBe('gmm-fit/1');
    expect(none.distributed.baseline).toBeUndefined();
    expect(none.options).toMatchObject({ center: 'none', meanPrior: 0 });
  });
});
