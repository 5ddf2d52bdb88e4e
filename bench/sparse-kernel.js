#!/usr/bin/env node
'use strict';
// node bench/sparse-kernel.js [--sizes 1m,10m] [--netflix] [--k 12] [--iterations N] [--kernels js,wasm]
//                             [--families spherical,diag] [--threads 2]
//
// Milliseconds per EM iteration (one E-step and one M-step: a sparse state's
// expectation() + maximization()) of the sparse spherical and diag families, for the
// TypeScript ('js') and WebAssembly ('wasm') kernels, on synthetic CSR rating rows
// with power-law item popularity: 1M and 10M ratings over 17,770 items (4,802 and
// 48,019 users), and with --netflix the Netflix Prize size, 100,480,507 ratings of
// 480,189 users × 17,770 items. One thread (the state runs its chunks here): wall
// time per iteration, with the process's CPU time beside it (on a busy machine the
// CPU time is the steadier figure); with --threads N also N threads, through
// runSweep's row split (worker threads), wall time between iteration reports. Each
// figure is the median over --iterations iterations after one warm-up. Every run
// (both kernels, one thread or N) must give the same log-likelihoods, bit for bit,
// else MISMATCH and exit 1. Runs on dist/ (npm run build first). Informational; not
// part of npm test. Needs about 6 GB of memory with --netflix.
const path = require('path');

const DIST = path.join(__dirname, '..', 'dist');
const { prepareSparse } = require(path.join(DIST, 'models', 'sparse.js'));
const { sparseRandomInit } = require(path.join(DIST, 'models', 'start.js'));
const { SparseSphericalState } = require(path.join(DIST, 'models', 'families', 'sparse-spherical-state.js'));
const { SparseDiagState } = require(path.join(DIST, 'models', 'families', 'sparse-diag-state.js'));
const { wasmKernelAvailable } = require(path.join(DIST, 'models', 'kernels', 'wasm.js'));
const { regCovarFor } = require(path.join(DIST, 'fit', 'fit.js'));

const ITEMS = 17770;
const NETFLIX = { name: '100m', ratings: 100480507, users: 480189 };
const SIZES = {
  '1m': { name: '1m', ratings: 1000000, users: 4802 },
  '10m': { name: '10m', ratings: 10000000, users: 48019 },
  '100m': NETFLIX,
};

function parse(argv) {
  const o = { sizes: ['1m', '10m'], k: 12, iterations: 5, kernels: ['js', 'wasm'], families: ['spherical', 'diag'], threads: 0, seed: 1, items: ITEMS };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
      return argv[++i];
    };
    if (flag === '--sizes') o.sizes = value().split(',');
    else if (flag === '--netflix') o.sizes.push('100m');
    else if (flag === '--k') o.k = Number(value());
    else if (flag === '--iterations') o.iterations = Number(value());
    else if (flag === '--kernels') o.kernels = value().split(',');
    else if (flag === '--families') o.families = value().split(',');
    else if (flag === '--threads') o.threads = Number(value());
    else if (flag === '--seed') o.seed = Number(value());
    else if (flag === '--items') o.items = Number(value());
    else throw new Error(`unknown option ${flag}\nusage: node bench/sparse-kernel.js [--sizes 1m,10m] [--netflix] [--k 12] [--iterations N] [--kernels js,wasm] [--families spherical,diag] [--threads N]`);
  }
  for (const s of o.sizes) if (!SIZES[s]) throw new Error(`unknown size ${s} (1m, 10m, 100m)`);
  if (!(o.k >= 1 && o.iterations >= 1)) throw new Error('--k and --iterations must be at least 1');
  return o;
}

/** A small fast generator (xorshift128+ on two 32-bit halves is enough for a benchmark). */
function random(seed) {
  let a = seed >>> 0 || 1;
  let b = 0x9e3779b9;
  return () => {
    let t = a ^ (a << 11);
    a = b;
    b = b ^ (b >>> 19) ^ (t ^ (t >>> 8));
    return (b >>> 0) / 4294967296;
  };
}

/**
 * CSR rating rows: `users` users over `d` items (default 17,770), about `ratings` ratings. Item
 * popularity follows a power law (weight 1/(rank + 20)^1.1, the ranks shuffled over
 * the item ids), ratings per user a log-normal (median about half the mean, as in
 * the Netflix Prize data), each user's items distinct and ascending, ratings 1..5
 * leaning with the user and the item, fitted as residuals from their mean.
 */
function synthetic(size, seed, d = ITEMS) {
  const next = random(seed);
  const { users, ratings } = size;
  const rank = Int32Array.from({ length: d }, (_, i) => i);
  for (let i = d - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [rank[i], rank[j]] = [rank[j], rank[i]];
  }
  const cdf = new Float64Array(d);
  let total = 0;
  for (let r = 0; r < d; r++) cdf[r] = total += 1 / (r + 20) ** 1.1;
  for (let r = 0; r < d; r++) cdf[r] /= total;
  const gauss = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const raw = Float64Array.from({ length: users }, () => Math.exp(1.1 * gauss()));
  let sum = 0;
  for (const c of raw) sum += c;
  const counts = Int32Array.from(raw, (c) => Math.max(1, Math.min(d >> 1, Math.round((c * ratings) / sum))));
  const rowStart = new Int32Array(users + 1);
  for (let u = 0; u < users; u++) rowStart[u + 1] = rowStart[u] + counts[u];
  const nnz = rowStart[users];
  const itemIndex = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  const stamp = new Int32Array(d).fill(-1);
  const itemBias = Float64Array.from({ length: d }, () => gauss() * 0.6);
  let mean = 0;
  for (let u = 0; u < users; u++) {
    const from = rowStart[u];
    const to = rowStart[u + 1];
    for (let t = from; t < to; ) {
      const p = next();
      let lo = 0;
      let hi = d - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cdf[mid] < p) lo = mid + 1;
        else hi = mid;
      }
      const item = rank[lo];
      if (stamp[item] === u) continue;
      stamp[item] = u;
      itemIndex[t++] = item;
    }
    itemIndex.subarray(from, to).sort();
    const taste = (u % 7) - 3;
    for (let t = from; t < to; t++) {
      const lean = 3.6 + itemBias[itemIndex[t]] + 0.3 * taste * Math.sign(((itemIndex[t] * 2654435761) >>> 0) / 4294967296 - 0.5) + gauss() * 0.8;
      values[t] = Math.max(1, Math.min(5, Math.round(lean)));
      mean += values[t];
    }
  }
  mean /= nnz;
  for (let t = 0; t < nnz; t++) values[t] -= mean;
  return { rows: { users, items: d, rowStart, itemIndex }, values };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** ms per expectation() + maximization(), in this thread: the median over `iterations` after one warm-up. */
function timeState(data, family, k, kernel, iterations, seed) {
  // the start and options of runSweep's fit, so that every run gives the same trace
  const regCovar = regCovarFor({ covariance: family });
  const start = sparseRandomInit(data, k, seed, { covariance: family, regCovar });
  const options = { minVar: 0.25, regCovar, kernel };
  const state = family === 'diag' ? new SparseDiagState(data, start.mixture, options) : new SparseSphericalState(data, start.mixture, options);
  const trace = [];
  const wall = [];
  const cpu = [];
  for (let t = 0; t <= iterations; t++) {
    const began = process.cpuUsage();
    const clock = process.hrtime.bigint();
    trace.push(state.expectation());
    state.maximization();
    const used = process.cpuUsage(began);
    if (t === 0) continue;
    wall.push(Number(process.hrtime.bigint() - clock) / 1e6);
    cpu.push((used.user + used.system) / 1e3);
  }
  return { ms: median(wall), cpu: median(cpu), trace };
}

/**
 * ms per iteration of a whole fit on `threads` threads (row split), from its iteration
 * reports: the median of `iterations` gaps after the first (the workers' warm-up).
 */
async function timeThreads(input, family, k, kernel, iterations, threads, seed) {
  const { runSweep } = require(path.join(DIST, 'fit', 'run.js'));
  const stamps = [];
  const trace = [];
  const result = await runSweep(input, {
    model: 'gaussian',
    ks: [k],
    seeds: [seed],
    covariances: [family],
    criterion: 'bic',
    maxIter: iterations + 2,
    tol: 0,
    minVar: 0.25,
    kernel,
    jobs: threads,
    minRowSplitWork: 0,
    onIteration: (_k, _seed, _iteration, objective) => {
      stamps.push(process.hrtime.bigint());
      trace.push(objective);
    },
  });
  if (result.plan.executor !== 'rows') throw new Error(`expected a row split, the plan chose ${result.plan.executor}`);
  const gaps = [];
  for (let t = 2; t < stamps.length; t++) gaps.push(Number(stamps[t] - stamps[t - 1]) / 1e6);
  return { ms: median(gaps), trace, threads: result.threads };
}

async function main() {
  const o = parse(process.argv.slice(2));
  if (o.kernels.includes('wasm') && !wasmKernelAvailable()) throw new Error('the WebAssembly kernel is not built (npm run build)');
  console.log(`sparse kernels, K=${o.k}, ms per iteration (E+M), median of ${o.iterations} after one warm-up; node ${process.version}, ${require('os').cpus().length} CPUs`);
  const lines = [];
  for (const name of o.sizes) {
    const size = SIZES[name];
    let began = Date.now();
    const input = synthetic(size, o.seed, o.items);
    const data = prepareSparse(input.rows, (t) => input.values[t]);
    process.stderr.write(`${name}: ${data.n} users × ${data.d} items, ${data.nnz} ratings, made in ${((Date.now() - began) / 1000).toFixed(1)} s\n`);
    for (const family of o.families) {
      const traces = {};
      const row = { size: name, ratings: data.nnz, family };
      for (const kernel of o.kernels) {
        began = Date.now();
        const r = timeState(data, family, o.k, kernel, o.iterations, o.seed);
        row[kernel] = r.ms;
        row[`${kernel} cpu`] = r.cpu;
        traces[kernel] = r.trace;
        process.stderr.write(`  ${family} ${kernel}: ${r.ms.toFixed(1)} ms/iter, cpu ${r.cpu.toFixed(1)} ms (${((Date.now() - began) / 1000).toFixed(1)} s)\n`);
      }
      if (o.threads > 1) {
        for (const kernel of o.kernels) {
          const r = await timeThreads({ kind: 'sparse', rows: input.rows, values: input.values }, family, o.k, kernel, o.iterations, o.threads, o.seed);
          row[`${kernel}×${o.threads}`] = r.ms;
          traces[`${kernel}×${o.threads}`] = r.trace;
          process.stderr.write(`  ${family} ${kernel} ${r.threads} threads: ${r.ms.toFixed(1)} ms/iter\n`);
        }
      }
      // Every run's log-likelihoods, as far as the shortest went, the same bits.
      const runs = Object.values(traces);
      const length = Math.min(...runs.map((t) => t.length));
      row.same = runs.every((t) => t.slice(0, length).every((v, i) => Object.is(v, runs[0][i])));
      lines.push(row);
    }
  }
  const columns = ['size', 'ratings', 'family', ...o.kernels.flatMap((k) => [k, `${k} cpu`]), ...(o.threads > 1 ? o.kernels.map((k) => `${k}×${o.threads}`) : [])];
  if (o.kernels.includes('js') && o.kernels.includes('wasm')) columns.push('js/wasm');
  if (o.threads > 1 && o.kernels.includes('js') && o.kernels.includes('wasm')) columns.push(`js×${o.threads}/wasm×${o.threads}`);
  columns.push('same bits');
  const cell = (row, c) => {
    if (c === 'js/wasm') return `${(row.js / row.wasm).toFixed(2)}×`;
    if (c === `js×${o.threads}/wasm×${o.threads}`) return `${(row[`js×${o.threads}`] / row[`wasm×${o.threads}`]).toFixed(2)}×`;
    if (c === 'same bits') return row.same ? 'yes' : 'MISMATCH';
    const v = row[c];
    return typeof v === 'number' && c !== 'ratings' ? `${v.toFixed(1)} ms` : String(v);
  };
  const cells = lines.map((row) => columns.map((c) => cell(row, c)));
  const width = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  console.log(columns.map((c, i) => c.padEnd(width[i])).join('  '));
  for (const r of cells) console.log(r.map((v, i) => v.padStart(width[i])).join('  '));
  if (lines.some((row) => row.same === false)) process.exitCode = 1;
}

module.exports = { synthetic, SIZES };
if (require.main === module) {
  main().catch((err) => {
    console.error(err.stack || String(err));
    process.exit(1);
  });
}
