#!/usr/bin/env node
'use strict';
// In-process per-iteration timer for the bench's `synthetic` workload.
//
//   node bench/synth-gmm.js FILE --jobs J [--kernel wasm|js] [--covariance spherical|diag|full] [--model gaussian|kmeans] [--k 8] [--seed 0] [--iterations 50] [--reg-covar X]
//
// Reads FILE with readMatrix (not timed), then times ONE call
//   await fitInProcess(matrix, { k: K, seed, iterations: ITER, jobs: J, kernel, covariance, model, regCovar })
// with process.hrtime.bigint() around it and nothing else. Both come from
// bench/lib/gmm-fit.js, the bench's one door into gmm-fit's compiled code
// (today: the library's readTable, and one sweep call with tol = 0, which
// never stops early), so the fit runs exactly ITER E+M iterations from `seed`'s
// initial means (numpy's legacy np.random.seed(seed); np.random.choice(n, K, replace=False)).
// --reg-covar: an absolute reg_covar and no --cov-floor (scikit-learn's model); without it, gmm-fit's default
// (none, and for diag and full --cov-floor 1e-6: each covariance ⪰ 1e-6 × diag(column variances)).
//
// Prints one JSON line: { jobs, iterations, ll (fits[0].logLikelihood = LL of
// the last E-step), ms_total, ms_per_iteration (= ms_total / ITER),
// ms_per_iteration_steady (the median time from one E-step to the next, from the
// third on: the fit's start, the threads' start-up and the compilers' warm-up left
// out; null under 4 iterations), parse_ms,
// ll_rising_at_end (from the fit's trace, when it has one), maxrss_kib, ... }.
//
// --model kmeans: k-means with tol 0 and at most ITER iterations; it stops once the
// cost no longer falls, so ms_per_iteration = ms_total / the iterations it ran.
// Adds cost (of the last E-step), stop, cluster_sizes (n·p_j), and
// ms_per_iteration_loop_only = (end of the last E-step − end of the first) /
// (iterations − 1): the loop's own pace, without the data preparation, the
// start, the first E-step and the final log-likelihood that ms_total includes
// (ms_first_e_step: from the call to the end of the first E-step;
// ms_after_last_e_step: the last M-step, the log-likelihood and the document).
// bench/run.js spawns one process per measurement so every timing starts cold,
// as the CLI does.
const os = require('os');
const { load, readMatrix, fitInProcess, kernelName } = require('./lib/gmm-fit.js');

function usage(msg) {
  process.stderr.write(`synth-gmm.js: ${msg}\nusage: node bench/synth-gmm.js FILE --jobs J [--kernel wasm|js] [--covariance spherical|diag|full] [--model gaussian|kmeans] [--k 8] [--seed 0] [--iterations 50] [--reg-covar X]\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = { file: null, jobs: 1, k: 8, seed: 0, iterations: 50, kernel: undefined, covariance: 'spherical', model: 'gaussian', regCovar: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--model') {
      o.model = argv[++i];
      if (o.model !== 'gaussian' && o.model !== 'kmeans') usage('--model must be gaussian or kmeans');
      continue;
    }
    if (a === '--covariance') {
      o.covariance = argv[++i];
      if (!['spherical', 'diag', 'full'].includes(o.covariance)) usage('--covariance must be spherical, diag or full');
      continue;
    }
    if (a === '--reg-covar') {
      const v = argv[++i];
      o.regCovar = Number(v);
      if (v === undefined || !(o.regCovar >= 0)) usage('--reg-covar needs a number ≥ 0');
      continue;
    }
    if (a === '--kernel') {
      o.kernel = argv[++i];
      if (o.kernel !== 'wasm' && o.kernel !== 'js') usage('--kernel must be wasm or js');
      continue;
    }
    const m = /^--(jobs|k|seed|iterations)$/.exec(a);
    if (m) {
      const v = argv[++i];
      if (m[1] === 'jobs' && v === 'max') o.jobs = os.availableParallelism();
      else if (v === undefined || !/^\d+$/.test(v)) usage(`${a} needs a non-negative integer`);
      else o[m[1]] = Number(v);
    } else if (!o.file) o.file = a;
    else usage(`unexpected argument ${JSON.stringify(a)}`);
  }
  if (!o.file) usage('no FILE');
  if (o.jobs < 1 || o.k < 1 || o.iterations < 1) usage('--jobs, --k and --iterations must be ≥ 1');
  return o;
}

/** The median of a non-empty list of numbers. */
function medianOf(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  load(); // gmm-fit's modules, before any clock starts (as their require() always was)

  const t0 = process.hrtime.bigint();
  const { matrix, rows, cols } = await readMatrix(o.file);
  const parseMs = Number(process.hrtime.bigint() - t0) / 1e6;

  const options = { k: o.k, seed: o.seed, iterations: o.iterations, jobs: o.jobs, kernel: o.kernel, covariance: o.covariance, model: o.model, regCovar: o.regCovar };
  const stamps = [];
  const watched = { ...options, onIteration: () => stamps.push(process.hrtime.bigint()) };
  const t1 = process.hrtime.bigint();
  const fit = await fitInProcess(matrix, watched);
  const msTotal = Number(process.hrtime.bigint() - t1) / 1e6;
  const steps = stamps.slice(2).map((t, i) => Number(t - stamps[i + 1]) / 1e6);

  const trace = fit.trace;
  const out = {
    jobs: o.jobs,
    covariance: o.covariance,
    reg_covar: o.regCovar ?? null,
    kernel: kernelName(o.kernel),
    available_parallelism: os.availableParallelism(),
    rows,
    cols,
    k: o.k,
    seed: o.seed,
    max_iter: o.iterations,
    iterations: fit.iterations,
    converged: fit.converged,
    ll: fit.ll,
    initial_rows: fit.initialRows,
    ms_total: msTotal,
    ms_per_iteration: msTotal / o.iterations,
    ms_per_iteration_steady: steps.length >= 2 ? medianOf(steps) : null,
    parse_ms: parseMs,
    ll_last_increase: trace && trace.length >= 2 ? trace[trace.length - 1] - trace[trace.length - 2] : null,
    ll_rising_at_end: trace && trace.length >= 2 ? trace[trace.length - 1] > trace[trace.length - 2] : null,
    maxrss_kib: process.resourceUsage().maxRSS,
  };
  if (o.model === 'kmeans') {
    const ends = fit.iterationEndsMs;
    // the trace is of costs: its last step is `stop` (the cost repeated), not an LL's rise
    delete out.ll_last_increase;
    delete out.ll_rising_at_end;
    Object.assign(out, {
      model: 'kmeans',
      cost: fit.cost,
      stop: fit.stop,
      ms_per_iteration: msTotal / fit.iterations,
      ms_per_iteration_loop_only: ends.length >= 2 ? (ends[ends.length - 1] - ends[0]) / (ends.length - 1) : null,
      ms_first_e_step: ends.length ? ends[0] : null,
      ms_after_last_e_step: ends.length ? msTotal - ends[ends.length - 1] : null,
      cluster_sizes: fit.weights ? fit.weights.map((p) => Math.round(p * rows)) : null,
    });
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().then(
  () => {
    process.exitCode = 0;
  },
  (err) => {
    process.stderr.write(`synth-gmm.js: ${(err && err.stack) || String(err)}\n`);
    process.exitCode = 1;
  },
);
