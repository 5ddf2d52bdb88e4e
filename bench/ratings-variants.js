#!/usr/bin/env node
'use strict';
// Held-out RMSE of the ratings-mode variants (README, "Recommending from ratings"): each
// variant fitted on the training ratings of a random split and scored on the held-out 10%,
// over several split seeds, next to the four baselines. Runs on dist/ (npm run build first).
//
//   node bench/ratings-variants.js [--splits 0,1,2] [--data netflix,netflix-sparse,synthetic] [--quick]
//
// Data: the course's Netflix matrix as triplets (../shared/data or test/fixtures), a sparse
// subset of it at MovieLens density (each rating kept with probability 0.08, fixed seed), and
// synthetic ratings with planted user types (bench/ratings/generate.js when present).
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const dist = path.join(__dirname, '..', 'dist');
const { sweep } = require(path.join(dist, 'fit', 'run.js'));
const { fitBaseline, residuals, ratingMeans } = require(path.join(dist, 'models', 'baseline.js'));
const { splitRatings } = require(path.join(dist, 'models', 'rating-split.js'));
const { mixturePredictions, baselinePredictions, errors } = require(path.join(dist, 'models', 'rating-predict.js'));
const { sparseFamily } = require(path.join(dist, 'models', 'families', 'index.js'));

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const quick = args.includes('--quick');
const splits = flag('--splits', quick ? '0' : '0,1,2').split(',').map(Number);
const wanted = flag('--data', 'netflix,netflix-sparse,synthetic').split(',');

function courseMatrix() {
  const file = path.join(__dirname, '..', 'test', 'fixtures', 'netflix_incomplete.txt.gz');
  return zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
}

function fromMatrix(rows, keep) {
  const n = rows.length;
  const d = rows[0].length;
  const rowStart = new Int32Array(n + 1);
  const items = [];
  const rating = [];
  for (let u = 0; u < n; u++) {
    for (let i = 0; i < d; i++) {
      if (!rows[u][i] || !keep()) continue;
      items.push(i);
      rating.push(rows[u][i]);
    }
    rowStart[u + 1] = items.length;
  }
  return { rows: { users: n, items: d, rowStart, itemIndex: Int32Array.from(items) }, rating: Float64Array.from(rating) };
}

function lcg(seed) {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

/** Planted user types: each user one of T types, each type a mean rating per item; ratings are that plus user bias, item bias and noise, on 1..5. */
function synthetic(users = 2000, items = 800, types = 6, density = 0.06, seed = 7) {
  const rnd = lcg(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-300)) * Math.cos(2 * Math.PI * rnd());
  const typeMean = Array.from({ length: types }, () => Float64Array.from({ length: items }, () => gauss() * 0.8));
  const itemBias = Float64Array.from({ length: items }, () => gauss() * 0.5);
  const popularity = Float64Array.from({ length: items }, (_, i) => 1 / Math.pow(i + 1, 0.6));
  const scale = (density * items) / popularity.reduce((a, b) => a + b, 0);
  const rowStart = new Int32Array(users + 1);
  const itemIndex = [];
  const rating = [];
  for (let u = 0; u < users; u++) {
    const t = Math.floor(rnd() * types);
    const bias = gauss() * 0.4;
    const activity = Math.exp(gauss() * 0.7);
    for (let i = 0; i < items; i++) {
      if (rnd() >= Math.min(1, popularity[i] * scale * activity)) continue;
      const r = Math.round(3.5 + bias + itemBias[i] + typeMean[t][i] + gauss() * 0.6);
      itemIndex.push(i);
      rating.push(Math.min(5, Math.max(1, r)));
    }
    rowStart[u + 1] = itemIndex.length;
  }
  return { rows: { users, items, rowStart, itemIndex: Int32Array.from(itemIndex) }, rating: Float64Array.from(rating) };
}

const DATA = {
  netflix: () => fromMatrix(courseMatrix(), () => true),
  'netflix-sparse': () => {
    const rnd = lcg(12345);
    return fromMatrix(courseMatrix(), () => rnd() < 0.08);
  },
  synthetic: () => synthetic(),
};

/** The variants tried: name → fit settings and how the prediction is made. */
const VARIANTS = [
  { name: 'course model (center none, λ 0), K=12', center: 'none', k: 12, prior: 0 },
  { name: 'center bias, λ 0, K=12', center: 'bias', k: 12, prior: 0 },
  { name: 'center bias, λ 5, K=12', center: 'bias', k: 12, prior: 5 },
  { name: 'center bias, λ 20, K=4', center: 'bias', k: 4, prior: 20 },
  { name: 'center bias, λ 20, K=12 (the defaults at K=12)', center: 'bias', k: 12, prior: 20 },
  { name: 'center bias, λ 50, K=12', center: 'bias', k: 12, prior: 50 },
  { name: 'center bias, λ 20, K=12, diag', center: 'bias', k: 12, prior: 20, covariance: 'diag' },
  { name: 'center bias, λ 20, K=12, posterior temperature 2', center: 'bias', k: 12, prior: 20, temperature: 2 },
  { name: 'center bias, λ 20, K=12, mean of 5 seeds\' predictions', center: 'bias', k: 12, prior: 20, seeds: [0, 1, 2, 3, 4], average: true },
  { name: 'center bias, λ 20, K=12, best LL of 5 seeds', center: 'bias', k: 12, prior: 20, seeds: [0, 1, 2, 3, 4] },
].filter((v) => !quick || !v.seeds);

function run(all, splitSeed) {
  const { train, heldOut } = splitRatings(all, 0.1, splitSeed);
  const base = fitBaseline(train.rows, train.rating);
  const means = ratingMeans(train.rows, train.rating);
  let min = Infinity;
  let max = -Infinity;
  for (const r of train.rating) {
    min = Math.min(min, r);
    max = Math.max(max, r);
  }
  const clip = { min, max };
  const out = {};
  const b = baselinePredictions(heldOut, means, base, clip);
  for (const name of ['global', 'user', 'item', 'bias']) out[`baseline: ${name}`] = errors(heldOut, b[name]).rmse;
  const minVar = ((max - min) / 8) ** 2;
  for (const v of VARIANTS) {
    const values = v.center === 'bias' ? residuals(train.rows, train.rating, base) : train.rating;
    const result = sweep({ kind: 'sparse', rows: train.rows, values }, { model: 'gaussian', ks: [v.k], seeds: v.seeds || [0], maxIter: 1000, criterion: 'll', minVar, covariances: [v.covariance || 'spherical'], meanPrior: v.prior });
    const fits = v.average ? result.fits.filter((f) => !f.error) : [result.selected].filter(Boolean);
    if (fits.length === 0) {
      out[v.name] = NaN;
      continue;
    }
    const sum = new Float64Array(heldOut.count);
    for (const fit of fits) {
      const post = sparseFamily(fit.covariance).expectation(result.data, fit.mixture).posterior;
      if (v.temperature) {
        const K = fit.k;
        for (let u = 0; u < result.data.n; u++) {
          let s = 0;
          for (let j = 0; j < K; j++) s += (post[u * K + j] = Math.pow(post[u * K + j], 1 / v.temperature));
          for (let j = 0; j < K; j++) post[u * K + j] /= s;
        }
      }
      const p = mixturePredictions(heldOut, fit.mixture, post, base, v.center === 'bias', clip);
      for (let t = 0; t < p.length; t++) sum[t] += p[t] / fits.length;
    }
    out[v.name] = errors(heldOut, sum).rmse;
  }
  return out;
}

// --export DIR: write each data set as user,item,rating CSV (ids from 1) and stop.
const exportDir = flag('--export', null);
if (exportDir) {
  for (const name of wanted) {
    const { rows, rating } = DATA[name]();
    const lines = ['user,item,rating'];
    for (let u = 0; u < rows.users; u++) for (let t = rows.rowStart[u]; t < rows.rowStart[u + 1]; t++) lines.push(`${u + 1},${rows.itemIndex[t] + 1},${rating[t]}`);
    fs.writeFileSync(path.join(exportDir, `${name}.csv`), lines.join('\n') + '\n');
    process.stderr.write(`${path.join(exportDir, `${name}.csv`)}: ${rating.length} ratings\n`);
  }
  process.exit(0);
}

const report = {};
for (const name of wanted) {
  if (!DATA[name]) continue;
  const all = DATA[name]();
  const runs = splits.map((s) => run(all, s));
  report[name] = { users: all.rows.users, items: all.rows.items, ratings: all.rating.length, splits, rmse: Object.fromEntries(Object.keys(runs[0]).map((k) => [k, runs.reduce((a, r) => a + r[k], 0) / runs.length])) };
  process.stderr.write(`${name}: done\n`);
}
const names = Object.keys(report);
const rowsOf = Object.keys(report[names[0]].rmse);
console.log(`held-out RMSE (10% of the ratings, mean over split seeds ${splits.join(', ')})\n`);
console.log(`| variant | ${names.map((n) => `${n} (${report[n].users}×${report[n].items}, ${report[n].ratings} ratings)`).join(' | ')} |`);
console.log(`|---|${names.map(() => '---:').join('|')}|`);
for (const row of rowsOf) console.log(`| ${row} | ${names.map((n) => report[n].rmse[row].toFixed(4)).join(' | ')} |`);
fs.writeFileSync(path.join(__dirname, 'last-ratings-variants.json'), JSON.stringify(report, null, 2) + '\n');
