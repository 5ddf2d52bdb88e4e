'use strict';
// Timing: whole-process wall time of a child process, its peak RSS, and the
// medians / minima / maxima over a workload's runs.
//
// Wall time is spawn to exit, so it includes start-up, imports, parsing and
// output: what a user waits for. Every measurement is its own process, so each
// starts cold. Peak RSS of gmm-fit comes from bench/rss.js (its own
// process.resourceUsage().maxRSS at exit, worker threads included); peers
// report their own getrusage in their JSON line.
const { spawn, spawnSync } = require('child_process');
const path = require('path');

const REPO = path.resolve(__dirname, '..', '..');
const RSS = path.join(__dirname, '..', 'rss.js');
// gmm-fit --json on netflix and the peers' traces are large; spawnSync's 1 MiB default is not enough.
const MAX_BUFFER = 512 * 1024 * 1024;

/** Runs cmd to completion from the repository root; wall seconds, exit status and output. */
function timed(cmd, args, env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: REPO, env, encoding: 'utf8', maxBuffer: MAX_BUFFER });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  return { wall, status: r.status, signal: r.signal, error: r.error, stdout: r.stdout || '', stderr: r.stderr || '' };
}

/**
 * timed(), without blocking: for running several processes at once (bench/optima.js).
 * Resolves (never rejects) to the same shape; `timeoutS` kills the process (SIGKILL) after that many seconds.
 */
function timedAsync(cmd, args, env, { timeoutS = 0 } = {}) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const out = [];
    const err = [];
    let error;
    let child;
    try {
      child = spawn(cmd, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      resolve({ wall: 0, status: null, signal: null, error: e, stdout: '', stderr: '' });
      return;
    }
    const timer = timeoutS > 0 ? setTimeout(() => child.kill('SIGKILL'), timeoutS * 1000) : null;
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    child.on('error', (e) => (error = e));
    child.on('close', (status, signal) => {
      if (timer) clearTimeout(timer);
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      if (signal === 'SIGKILL' && timeoutS > 0 && wall >= timeoutS) error = new Error(`timed out after ${timeoutS} s`);
      resolve({ wall, status, signal, error, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** One line on why a timed run failed: the spawn error, or the exit/signal and the last stderr lines. */
function describeFailure(r) {
  if (r.error) return r.error.message;
  const why = r.signal ? `killed by ${r.signal}` : `exit ${r.status}`;
  const err = r.stderr.trim().split('\n').slice(-5).join(' | ');
  return `${why}${err ? `: ${err}` : ''}`;
}

/**
 * A timed run of a command whose last stdout line is one JSON document.
 * @returns {{ r: object, doc: object } | { failure: object }} failure is ready to be recorded as the run
 */
function timedJson(cmd, args, env) {
  const r = timed(cmd, args, env);
  if (r.error || r.status !== 0) return { failure: { ok: false, wall: r.wall, error: describeFailure(r), stderr: r.stderr.trim() } };
  try {
    return { r, doc: JSON.parse(r.stdout.trim().split('\n').pop()) };
  } catch (e) {
    return { failure: { ok: false, wall: r.wall, error: `stdout is not JSON: ${e.message}`, stderr: r.stderr.trim() } };
  }
}

/**
 * The gmm-fit CLI with `args`, through bench/rss.js: the timed result plus
 * `maxrss` (KiB, or null), with rss.js's `@@maxrss` line removed from stderr.
 */
function timedWithPeakRss(args) {
  const r = timed(process.execPath, [RSS, ...args], process.env);
  let maxrss = null;
  const kept = [];
  for (const line of r.stderr.split('\n')) {
    const m = /^@@maxrss (\d+)$/.exec(line);
    if (m) maxrss = Number(m[1]);
    else kept.push(line);
  }
  // rss.js writes a blank line before its tag: drop it with the tag
  r.stderr = kept.join('\n').replace(/\n{2,}/g, '\n').trim();
  r.maxrss = maxrss;
  return r;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Runs `tools` in turn, `runs` times (tool 1, tool 2, …, then again), so that
 * a slow patch on the machine hits every tool alike. Progress goes to stderr:
 *   PROGRAM: NAME run i/N: tool-1 <shown>, tool-2 <shown>, …   (PROGRAM: 'bench' unless given)
 * @param {string} name  the workload
 * @param {Array<{ key: string, label: string, run: () => object, show: (x: object) => string }>} tools
 * @returns {Record<string, object[]>} each tool's runs, by key
 */
function alternate(name, runs, tools, { program = 'bench' } = {}) {
  const out = Object.fromEntries(tools.map((t) => [t.key, []]));
  for (let i = 0; i < runs; i++) {
    process.stderr.write(`${program}: ${name} run ${i + 1}/${runs}:`);
    tools.forEach((t, n) => {
      process.stderr.write(`${n ? ',' : ''} ${t.label}`);
      const x = t.run();
      out[t.key].push(x);
      process.stderr.write(` ${t.show(x)}`);
    });
    process.stderr.write('\n');
  }
  return out;
}

/** The progress text of a whole-process run: its wall seconds, or FAILED. */
const showWall = (x) => (x.ok ? x.wall.toFixed(3) + 's' : 'FAILED');

/**
 * One tool's runs summarised: wall median / min over the successful runs,
 * peak RSS = the max over them, and the figures of the last run (LL, K,
 * seed, iterations, …; `ll_varies_between_runs` says if they differed).
 * Runs that carry `ms_per_iteration` (in-process timings) also get its
 * median / min; runs that carry a k-means `cost` get it (and whether it
 * differed between runs); runs that carry a peer `doc` keep its extras as
 * `last_run`, and the medians of its `ms_per_iteration_em_only` or
 * `ms_per_iteration_loop_only` when every run has one.
 */
function summarizeRuns(runs) {
  const ok = runs.filter((r) => r.ok);
  if (!ok.length) return { ok: false, error: runs.length ? runs[runs.length - 1].error : 'not run', runs };
  const walls = ok.map((r) => r.wall);
  const last = ok[ok.length - 1];
  const wallMedian = median(walls);
  const s = {
    ok: true,
    failed_runs: runs.length - ok.length,
    wall_median_s: wallMedian,
    wall_min_s: Math.min(...walls),
    wall_s: walls,
    peak_rss_kib: ok.every((r) => r.maxrss_kib !== null) ? Math.max(...ok.map((r) => r.maxrss_kib)) : null,
    rss_kib: ok.map((r) => r.maxrss_kib),
    ll: last.ll,
    k: last.k,
    seed: last.seed,
    iterations: last.iterations,
    whole_process_ms_per_iteration: last.iterations ? (wallMedian * 1000) / last.iterations : null,
    rmse: last.rmse,
    ll_varies_between_runs: ok.some((r) => r.ll !== last.ll),
    stderr: last.stderr || undefined,
  };
  if (ok.every((r) => typeof r.cost === 'number')) {
    // k-means: the cost of the last E-step (gmm-fit) or the inertia (scikit-learn)
    s.cost = last.cost;
    s.cost_varies_between_runs = ok.some((r) => r.cost !== last.cost);
  }
  if (last.blas !== undefined) {
    s.blas = last.blas;
    s.openblas_env = last.openblas_env;
    s.numpy = last.numpy;
  }
  if (ok.every((r) => typeof r.ms_per_iteration === 'number')) {
    const ms = ok.map((r) => r.ms_per_iteration);
    s.in_process_ms_per_iteration_median = median(ms);
    s.in_process_ms_per_iteration_min = Math.min(...ms);
    s.in_process_ms_per_iteration = ms;
  }
  if (last.doc) {
    // workload-specific extras of the last run (trace, sklearn details, …); per-run figures above
    const { ll, k, seed, iterations, maxrss_kib, blas, openblas_env, numpy, ms_per_iteration, job, ...extra } = last.doc;
    s.last_run = extra;
    for (const key of ['ms_per_iteration_em_only', 'ms_per_iteration_loop_only']) {
      if (ok.every((r) => r.doc && typeof r.doc[key] === 'number')) s[`${key}_median`] = median(ok.map((r) => r.doc[key]));
    }
  }
  return s;
}

module.exports = { REPO, timed, timedAsync, timedJson, timedWithPeakRss, describeFailure, median, alternate, showWall, summarizeRuns };
