import * as fs from 'fs';
import * as path from 'path';
import { repoPath, runCli, useTempDir, writeFile } from '../helpers/cli';
import { matrixTriplets, plantedRatings, ratingsText, type Triplet } from '../helpers/ratings';

const COURSE_INCOMPLETE = repoPath('test', 'fixtures', 'test_incomplete.txt');
const COURSE_COMPLETE = repoPath('test', 'fixtures', 'test_complete.txt');

const json = (text: string) => JSON.parse(text) as Record<string, any>;

describe('fit --ratings', () => {
  const tmp = useTempDir();

  test("the course's 20×5 matrix as triplets, --center none: the dense fit's log-likelihood, iterations and BIC", async () => {
    const triplets = writeFile(tmp(), 'course.csv', ratingsText(matrixTriplets(fs.readFileSync(COURSE_INCOMPLETE, 'utf8'))));
    const dense = json((await runCli([COURSE_INCOMPLETE, '--missing', '0', '--k', '1..4', '--seeds', '0..2', '--json'])).stdout);
    const r = await runCli([triplets, '--ratings', '--center', 'none', '--k', '1..4', '--seeds', '0..2', '--json']);
    expect(r.code).toBe(0);
    const sparse = json(r.stdout);
    expect(sparse.input).toMatchObject({ format: 'ratings', users: 20, items: 5, ratings: 81 });
    expect(sparse.fits).toHaveLength(dense.fits.length);
    dense.fits.forEach((f: any, n: number) => {
      const s = sparse.fits[n];
      expect([s.k, s.seed, s.iterations]).toEqual([f.k, f.seed, f.iterations]);
      expect(Math.abs(s.logLikelihood - f.logLikelihood) / Math.abs(f.logLikelihood)).toBeLessThan(1e-9);
      expect(Math.abs(s.bic - f.bic) / Math.abs(f.bic)).toBeLessThan(1e-9);
    });
    // The course's published K=4 seed 0 figure.
    expect(sparse.fits.find((f: any) => f.k === 4 && f.seed === 0).logLikelihood.toFixed(4)).toBe('-84.9845');
  });

  test("--center none predicts the held-out cells as the dense completion fills them", async () => {
    const text = fs.readFileSync(COURSE_INCOMPLETE, 'utf8');
    const complete = fs.readFileSync(COURSE_COMPLETE, 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
    const train = writeFile(tmp(), 'train.csv', ratingsText(matrixTriplets(text)));
    // The test pairs: every missing cell, rated as the complete matrix rates it.
    const missing: Triplet[] = [];
    text.trim().split('\n').forEach((line, u) => line.trim().split(/\s+/).forEach((v, i) => v === '0' && missing.push({ user: String(u + 1), item: String(i + 1), rating: complete[u][i] })));
    const test = writeFile(tmp(), 'test.csv', ratingsText(missing));
    const out = path.join(tmp(), 'predictions.csv');
    const r = await runCli(['complete', train, '--ratings', '--center', 'none', '--clip', 'none', '--k', '4', '--seed', '0', '--test', test, '--out', out]);
    expect(r.code).toBe(0);
    const filled = (await runCli(['complete', COURSE_INCOMPLETE, '--missing', '0', '--k', '4', '--seed', '0'])).stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('user,item,rating,prediction');
    expect(lines).toHaveLength(missing.length + 1);
    for (const line of lines.slice(1)) {
      const [user, item, rating, prediction] = line.split(',');
      const [u, i] = [Number(user) - 1, Number(item) - 1];
      expect(Number(rating)).toBe(complete[u][i]);
      // The dense output is printed to 4 decimals (the course's fixture format).
      expect(Math.abs(Number(prediction) - filled[u][i])).toBeLessThan(5e-5 + 1e-12);
    }
  });

  test('MovieLens ratings.csv (header), u.data (tab, no header) and ratings.dat (::) read the same, the timestamp ignored', async () => {
    const triplets = plantedRatings();
    const docs = [];
    for (const [name, format] of [
      ['ratings.csv', 'csv'],
      ['u.data', 'tab'],
      ['ratings.dat', 'dat'],
    ] as const) {
      const file = writeFile(tmp(), name, ratingsText(triplets, format));
      const r = await runCli([file, '--ratings', '--k', '2', '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      docs.push(json(r.stdout));
    }
    expect(docs.map((d) => d.input.delimiter)).toEqual([',', '\t', '::']);
    expect(docs.map((d) => [d.input.users, d.input.items, d.input.ratings])).toEqual(Array(3).fill([60, 30, triplets.length]));
    expect(docs[1].fits[0].logLikelihood).toBe(docs[0].fits[0].logLikelihood);
    expect(docs[2].fits[0].logLikelihood).toBe(docs[0].fits[0].logLikelihood);
  });

  test('--holdout: the held-out report has the mixture and four baselines, and the bias baseline is ALS with λ_i 10, λ_u 15, 10 epochs', async () => {
    const triplets = plantedRatings({ users: 90, items: 30, density: 0.6 });
    const file = writeFile(tmp(), 'ratings.csv', ratingsText(triplets));
    const r = await runCli([file, '--ratings', '--k', '3', '--seeds', '0..2', '--holdout', '0.2', '--split-seed', '1', '--json']);
    expect(r.code).toBe(0);
    const doc = json(r.stdout);
    const held = doc.completion.heldout;
    expect(held.ratings).toBe(Math.round(0.2 * triplets.length));
    expect(doc.input.trainingRatings).toBe(triplets.length - held.ratings);
    expect(Object.keys(held.baselines)).toEqual(['global', 'user', 'item', 'bias']);
    // The planted types: the mixture beats every baseline on the held-out ratings.
    for (const b of Object.values(held.baselines) as Array<{ rmse: number }>) expect(held.rmse).toBeLessThan(b.rmse);
    // The predictions file of the same split holds the held-out ratings; the bias baseline recomputed here from it and the training ratings.
    const out = path.join(tmp(), 'p.csv');
    expect((await runCli(['complete', file, '--ratings', '--k', '3', '--seeds', '0..2', '--holdout', '0.2', '--split-seed', '1', '--out', out])).code).toBe(0);
    const heldOut = fs.readFileSync(out, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const key = (u: string, i: string) => `${u} ${i}`;
    const heldKeys = new Set(heldOut.map(([u, i]) => key(u, i)));
    const train = triplets.filter((t) => !heldKeys.has(key(t.user, t.item)));
    expect(train).toHaveLength(doc.input.trainingRatings);
    const mu = train.reduce((a, t) => a + t.rating, 0) / train.length;
    const bu = new Map<string, number>();
    const bi = new Map<string, number>();
    for (let epoch = 0; epoch < 10; epoch++) {
      const sums = new Map<string, [number, number]>();
      for (const t of train) {
        const s = sums.get(t.item) ?? [0, 0];
        sums.set(t.item, [s[0] + t.rating - mu - (bu.get(t.user) ?? 0), s[1] + 1]);
      }
      for (const [i, [s, c]] of sums) bi.set(i, s / (10 + c));
      const users = new Map<string, [number, number]>();
      for (const t of train) {
        const s = users.get(t.user) ?? [0, 0];
        users.set(t.user, [s[0] + t.rating - mu - (bi.get(t.item) ?? 0), s[1] + 1]);
      }
      for (const [u, [s, c]] of users) bu.set(u, s / (15 + c));
    }
    let sq = 0;
    for (const [u, i, rating] of heldOut) {
      const p = Math.min(5, Math.max(1, mu + (bu.get(u) ?? 0) + (bi.get(i) ?? 0)));
      sq += (p - Number(rating)) ** 2;
    }
    expect(held.baselines.bias.rmse).toBeCloseTo(Math.sqrt(sq / heldOut.length), 10);
  });

  test('the test ratings are never used to fit: a test file with other ratings gives the same model, byte for byte', async () => {
    const triplets = plantedRatings();
    const train = writeFile(tmp(), 'train.csv', ratingsText(triplets.slice(0, 700)));
    const held = triplets.slice(700);
    const testA = writeFile(tmp(), 'a.csv', ratingsText(held));
    const testB = writeFile(tmp(), 'b.csv', ratingsText(held.map((t) => ({ ...t, rating: 6 - t.rating }))));
    const models = [];
    const reports = [];
    for (const test of [testA, testB]) {
      const model = path.join(tmp(), `${path.basename(test)}.json`);
      const r = await runCli([train, '--ratings', '--k', '1..3', '--test', test, '--out', model, '--json']);
      expect(r.code).toBe(0);
      models.push(fs.readFileSync(model, 'utf8'));
      reports.push(json(r.stdout));
    }
    expect(models[1]).toBe(models[0]);
    expect(reports[1].fits).toEqual(reports[0].fits);
    expect(reports[1].completion.heldout.rmse).not.toBe(reports[0].completion.heldout.rmse);
  });

  test('--criterion rmse selects K on a validation split of the training ratings, never on the test ratings', async () => {
    const triplets = plantedRatings({ users: 90, density: 0.6 });
    const train = writeFile(tmp(), 'train.csv', ratingsText(triplets.slice(0, 1000)));
    const held = triplets.slice(1000);
    const reports = [];
    for (const [name, flip] of [
      ['a.csv', false],
      ['b.csv', true],
    ] as const) {
      const test = writeFile(tmp(), name, ratingsText(flip ? held.map((t) => ({ ...t, rating: 6 - t.rating })) : held));
      const r = await runCli([train, '--ratings', '--k', '1..4', '--criterion', 'rmse', '--validation', '0.2', '--test', test, '--json']);
      expect(r.code).toBe(0);
      reports.push(json(r.stdout));
    }
    const v = reports[0].validation;
    expect(v.fraction).toBe(0.2);
    expect(v.candidates.map((c: any) => c.k)).toEqual([1, 2, 3, 4]);
    const best = v.candidates.reduce((a: any, b: any) => (b.rmse < a.rmse ? b : a));
    expect(reports[0].selected.k).toBe(best.k);
    expect(reports[1].validation).toEqual(v);
    expect(reports[1].selected).toEqual(reports[0].selected);
  });

  test('unknown users and items in the test file fall back to the baseline and are counted; predictions name them', async () => {
    const triplets = plantedRatings();
    const train = writeFile(tmp(), 'train.csv', ratingsText(triplets));
    const test = writeFile(tmp(), 'test.csv', 'userId,movieId,rating\nu1,m1,4\nnewbie,m2,3\nu2,brand-new,5\nnobody,nothing,2\n');
    const out = path.join(tmp(), 'p.csv');
    const model = path.join(tmp(), 'm.json');
    expect((await runCli([train, '--ratings', '--k', '2', '--out', model])).code).toBe(0);
    const r = await runCli(['complete', train, '--ratings', '--k', '2', '--test', test, '--out', out, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/test\.csv has 2 users \(2 ratings\) and 2 items \(2 ratings\) that .* does not; they are predicted by the baseline's fallbacks/);
    const doc = json(r.stdout);
    expect(doc.completion.heldout.fallbacks).toEqual({ unknownUser: 1, unknownItem: 1, unknownBoth: 1 });
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(lines.map((l) => l.split(',').slice(0, 3).join(','))).toEqual(['user,item,rating', 'u1,m1,4', 'newbie,m2,3', 'u2,brand-new,5', 'nobody,nothing,2']);
    const b = json(fs.readFileSync(model, 'utf8')).baseline;
    const ids = json(fs.readFileSync(model, 'utf8'));
    const prediction = (line: string) => Number(line.split(',')[3]);
    const clip = (v: number) => Math.min(5, Math.max(1, v));
    expect(prediction(lines[2])).toBeCloseTo(clip(b.mean + b.item[ids.itemIds.indexOf('m2')]), 12); // unknown user: the item's bias
    expect(prediction(lines[3])).toBeCloseTo(clip(b.mean + b.user[ids.userIds.indexOf('u2')]), 12); // unknown item: the user's bias
    expect(prediction(lines[4])).toBeCloseTo(clip(b.mean), 12); // both: the global mean
  });

  test('--pairs: the listed pairs predicted (user,item,prediction), as --test predicts them', async () => {
    const triplets = plantedRatings();
    const train = writeFile(tmp(), 'train.csv', ratingsText(triplets));
    const pairs = writeFile(tmp(), 'pairs.csv', 'user,item\nu1,m3\nu7,m30\nstranger,m2\n');
    const test = writeFile(tmp(), 'test.csv', 'user,item,rating\nu1,m3,1\nu7,m30,1\nstranger,m2,1\n');
    const a = path.join(tmp(), 'a.csv');
    const b = path.join(tmp(), 'b.csv');
    expect((await runCli(['complete', train, '--ratings', '--k', '2', '--pairs', pairs, '--out', a])).code).toBe(0);
    expect((await runCli(['complete', train, '--ratings', '--k', '2', '--test', test, '--out', b])).code).toBe(0);
    const left = fs.readFileSync(a, 'utf8').trim().split('\n');
    const right = fs.readFileSync(b, 'utf8').trim().split('\n');
    expect(left[0]).toBe('user,item,prediction');
    expect(left.slice(1)).toEqual(right.slice(1).map((l) => l.split(',').filter((_, c) => c !== 2).join(',')));
    const both = await runCli(['complete', train, '--ratings', '--pairs', pairs, '--test', test]);
    expect(both.code).toBe(2);
  });

  test('a pair rated twice is an error naming both lines; --duplicates mean and last resolve it', async () => {
    const file = writeFile(tmp(), 'dup.csv', 'user,item,rating\na,x,1\nb,x,2\na,y,3\na,x,5\nb,y,4\n');
    const r = await runCli([file, '--ratings', '--k', '1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^gmm-fit: error: .*dup\.csv:2 and :5 both rate user a, item x; give --duplicates mean or last\n$/);
    expect(r.stderr.split('\n')).toHaveLength(2);
    const mean = json((await runCli([file, '--ratings', '--k', '1', '--duplicates', 'mean', '--center', 'none', '--json'])).stdout);
    const last = json((await runCli([file, '--ratings', '--k', '1', '--duplicates', 'last', '--center', 'none', '--json'])).stdout);
    expect(mean.input.ratings).toBe(4);
    // K=1, center none: the mean of item x is the mean of its ratings, (mean(1, 5) + 2) / 2 = 2.5, or (5 + 2) / 2 = 3.5 with the last.
    expect(mean.fits[0].mixture.mu[0][0]).toBeCloseTo(2.5, 12);
    expect(last.fits[0].mixture.mu[0][0]).toBeCloseTo(3.5, 12);
  });

  test('bad input: one line, exit 1; usage errors exit 2; no output file is left', async () => {
    const out = path.join(tmp(), 'model.json');
    const bad = writeFile(tmp(), 'bad.csv', 'user,item,rating\na,x,1\nb,x,two\n');
    let r = await runCli([bad, '--ratings', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^gmm-fit: error: .*bad\.csv:3.*"two"/);
    expect(fs.existsSync(out)).toBe(false);
    const empty = writeFile(tmp(), 'empty.csv', '');
    r = await runCli([empty, '--ratings']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^gmm-fit: error: .*empty/);
    const good = writeFile(tmp(), 'good.csv', ratingsText(plantedRatings()));
    for (const [args, message] of [
      [[good, '--ratings', '--covariance', 'full'], /--covariance full does not run on rating rows/],
      [[good, '--center', 'bias'], /--center goes with --ratings/],
      [['complete', good, '--ratings'], /complete --ratings predicts held-out pairs: give --test FILE, --holdout FRACTION or --pairs FILE/],
      [[good, '--ratings', '--holdout', '1.5'], /--holdout/],
      [[good, '--ratings', '--model', 'kmeans'], /kmeans does not run on rating rows/],
      [[good, '--ratings', '--missing', '0'], /--missing is for tables/],
      [[good, '--ratings', '--test', good, '--holdout', '0.1'], /give one/],
    ] as const) {
      r = await runCli([...args]);
      expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('recommend', () => {
  const tmp = useTempDir();

  test('the top N unseen items of a user, scored as the model predicts them, ranked', async () => {
    const triplets = plantedRatings();
    const file = writeFile(tmp(), 'ratings.csv', ratingsText(triplets));
    const model = path.join(tmp(), 'model.json');
    expect((await runCli([file, '--ratings', '--k', '3', '--seeds', '0..2', '--out', model])).code).toBe(0);
    const r = await runCli(['recommend', '-m', model, file, '--top', '5', '--user', 'u4']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('user,item,score,rank');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.map((x) => x[3])).toEqual(['1', '2', '3', '4', '5']);
    const seen = new Set(triplets.filter((t) => t.user === 'u4').map((t) => t.item));
    for (const [user, item] of rows) {
      expect(user).toBe('u4');
      expect(seen.has(item)).toBe(false);
    }
    const scores = rows.map((x) => Number(x[2]));
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    // u4 is of type 0 (u % 3), which likes the first third of the items.
    const liked = rows.filter(([, item]) => Number(item.slice(1)) <= 10).length;
    expect(liked).toBeGreaterThanOrEqual(Math.min(5, 10 - [...seen].filter((i) => Number(i.slice(1)) <= 10).length));
    // The same score as complete --ratings predicts for the pair (the training ratings, the same fit).
    const pairs = writeFile(tmp(), 'pair.csv', `user,item,rating\nu4,${rows[0][1]},3\n`);
    const out = path.join(tmp(), 'p.csv');
    expect((await runCli(['complete', file, '--ratings', '--k', '3', '--seeds', '0..2', '--test', pairs, '--out', out])).code).toBe(0);
    expect(Number(fs.readFileSync(out, 'utf8').trim().split('\n')[1].split(',')[3])).toBeCloseTo(scores[0], 9);
  });

  test('every user of the file, in its order, N each; a model of a table is refused', async () => {
    const triplets = plantedRatings({ users: 12 });
    const file = writeFile(tmp(), 'ratings.csv', ratingsText(triplets));
    const model = path.join(tmp(), 'model.json');
    expect((await runCli([file, '--ratings', '--k', '2', '--out', model])).code).toBe(0);
    const r = await runCli(['recommend', '-m', model, file, '--top', '2']);
    expect(r.code).toBe(0);
    const users = r.stdout.trim().split('\n').slice(1).map((l) => l.split(',')[0]);
    expect(users).toEqual(Array.from({ length: 12 }, (_, u) => [`u${u + 1}`, `u${u + 1}`]).flat());
    const tableModel = path.join(tmp(), 'table.json');
    expect((await runCli([repoPath('data', 'toy.txt'), '--k', '2', '--out', tableModel])).code).toBe(0);
    const refused = await runCli(['recommend', '-m', tableModel, file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/it is a table model \(fit without --ratings\)/);
  });
});
