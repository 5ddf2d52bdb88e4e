'use strict';
// The two tools of `npm run bench:ratings` and their data, as processes:
//   - the data: bench/ratings/generate.js in a child process, cached by size and seed;
//   - gmm-fit: the CLI's ratings mode (probed first), run through bench/ratings/cli-run.js
//     (bench/rss.js for its peak RSS, each --verbose iteration line time-stamped);
//   - the peer: bench/peers/scipy_sparse_job.py (scipy.sparse CSR, the course's EM).
// Each run returns { ok, wall, … } or { ok: false, error }, for timing.alternate.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { REPO, timed, timedJson, median } = require('../lib/timing.js');
const { PYTHON, runPeer, peerCommand } = require('../lib/peers.js');

const GENERATE = path.join(__dirname, 'generate.js');
const CLI_RUN = path.join(__dirname, 'cli-run.js');
const BIN = path.join(REPO, 'bin', 'gmm-fit.js');
const SCIPY_JOB = path.join(REPO, 'bench', 'peers', 'scipy_sparse_job.py');
const CACHE_DIR = path.join(os.tmpdir(), 'gmm-fit-ratings-cache');
const { VERSION } = require('./generate.js');
const MAX_BUFFER = 64 * 1024 * 1024;

// ---- the data ----------------------------------------------------------------

/** The cache's file names for a size and seed (the generator's version is part of the name). */
function cachePaths(size, seed) {
  const base = path.join(CACHE_DIR, `ratings-${size.users}u-${size.items}i-${size.ratings}r-seed${seed}-v${VERSION}`);
  return { file: `${base}.csv`, meta: `${base}.json`, truth: `${base}.truth.csv` };
}

/**
 * The ratings file of a size and seed: the cached one when its description (the
 * generator's JSON line, saved beside it) matches it, else generated now in a child
 * process (its progress on stderr). Returns { file, truth, meta, cached, info } or { error }.
 */
function ratingsData(size, seed) {
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const p = cachePaths(size, seed);
  if (fs.existsSync(p.file) && fs.existsSync(p.meta)) {
    try {
      const info = JSON.parse(fs.readFileSync(p.meta, 'utf8'));
      if (info.text_bytes === fs.statSync(p.file).size && info.ratings === size.ratings && info.users === size.users && info.items === size.items) {
        return { ...p, cached: true, info };
      }
    } catch {
      // an unreadable description: generate again
    }
  }
  const need = size.ratings * 16;
  const free = freeBytes(CACHE_DIR);
  if (free !== null && free < need) return { error: `not enough disk space in ${CACHE_DIR}: ${(free / 1e9).toFixed(1)} GB free, about ${(need / 1e9).toFixed(1)} GB needed` };
  const partial = `${p.file}.partial`;
  const args = [GENERATE, '--out', partial, '--users', String(size.users), '--items', String(size.items), '--ratings', String(size.ratings), '--seed', String(seed), '--truth', p.truth];
  process.stderr.write(`ratings: generating ${size.ratings.toLocaleString('en-US')} ratings into ${p.file}\n`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: MAX_BUFFER });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  let info = null;
  if (!r.error && r.status === 0) {
    try {
      info = JSON.parse(r.stdout.trim().split('\n').pop());
    } catch {
      info = null;
    }
  }
  if (!info) {
    fs.rmSync(partial, { force: true });
    return { error: `generating the data failed: ${r.error ? r.error.message : `exit ${r.status}${r.signal ? ` (${r.signal})` : ''}`}` };
  }
  fs.renameSync(partial, p.file);
  info.file = p.file;
  info.wall_s_with_startup = wall;
  fs.writeFileSync(p.meta, JSON.stringify(info) + '\n');
  return { ...p, cached: false, info };
}

function freeBytes(dir) {
  try {
    const s = fs.statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

/** Deletes a cached data set (the ratings, the types, the description). */
function removeData(d) {
  for (const f of [d.file, d.truth, d.meta]) if (f) fs.rmSync(f, { force: true });
}

// ---- gmm-fit -----------------------------------------------------------------

// The course's model: no baseline (--center none), the plain M-step (--mean-prior 0: the
// ratings mode's default is a MAP mean with λ = 20), the 0.25 variance floor; exactly N
// iterations (--tol 0).
const COURSE_MODEL = ['--ratings', '--center', 'none', '--mean-prior', '0', '--min-var', '0.25'];

/** The CLI's arguments for one timed fit of the ratings file. */
function gmmFitArgs(file, o) {
  return ['fit', file, ...COURSE_MODEL, '--k', String(o.k), '--seeds', '0', '--max-iter', String(o.iterations), '--tol', '0', '--jobs', String(o.jobs), '--json', '--verbose'];
}

const NO_RATINGS_MODE = /unknown option '--(ratings|center)'|--ratings/;

/**
 * Whether the built CLI has the ratings mode: a fit of a six-line file.
 * { available: true } or { available: false, missing_mode: boolean, reason }.
 */
function probeRatingsMode(tmp) {
  const f = path.join(tmp, 'probe-ratings.csv');
  fs.writeFileSync(f, '1,1,5\n1,2,3\n2,1,4\n2,3,2\n3,2,1\n3,3,4\n');
  const args = ['fit', f, ...COURSE_MODEL, '--k', '2', '--seeds', '0', '--max-iter', '2', '--tol', '0', '--json'];
  const r = timed(process.execPath, [BIN, ...args], process.env);
  const command = ['gmm-fit', ...args.map((a) => (a === f ? 'probe-ratings.csv' : a))].join(' ');
  if (!r.error && r.status === 0) return { available: true, command };
  const err = (r.stderr || '').trim();
  const missing = !r.error && r.status === 2 && NO_RATINGS_MODE.test(err);
  const lines = err.split('\n');
  const line = lines.find((x) => /error/i.test(x)) || lines[lines.length - 1];
  return { available: false, missing_mode: missing, command, reason: r.error ? r.error.message : `exit ${r.status}: ${line}` };
}

/** The CLI's own timings in its --json document, if it reports them: { read_ms, iteration_ms[] }. */
function cliTimings(doc, fit) {
  const t = doc.timing || doc.timings || {};
  const first = (...xs) => xs.find((x) => x !== undefined && x !== null);
  const read = first(t.readMs, t.read_ms, doc.input && doc.input.readMs, doc.input && doc.input.read_ms);
  const iters = first(fit && fit.iterationMs, fit && fit.iteration_ms, t.iterationMs, t.iteration_ms);
  return { read_ms: typeof read === 'number' ? read : null, iteration_ms: Array.isArray(iters) && iters.length ? iters : null };
}

/**
 * One timed fit: read time, ms per iteration (median after the first), peak RSS,
 * the LL of every E-step, the shape and the start's rows. The times come from the
 * CLI's JSON (timing.readMs, fits[0].iterationMs) when it has them, else from the
 * --verbose lines: iterations = the gaps between them; reading ≈ time to the first
 * line less one iteration (this includes Node's start-up and the start).
 */
function runGmmFit(file, o) {
  const { r, doc, failure } = timedJson(process.execPath, [CLI_RUN, ...gmmFitArgs(file, o)], process.env);
  if (failure) return failure;
  if (doc.status !== 0) {
    const why = doc.error || `exit ${doc.status}${doc.signal ? ` (${doc.signal})` : ''}: ${(doc.stderr_tail || []).slice(-3).join(' | ')}`;
    return { ok: false, wall: doc.wall_s ?? r.wall, error: why };
  }
  if (!doc.cli) return { ok: false, wall: doc.wall_s, error: doc.stdout_error || 'no JSON on stdout' };
  const fit = Array.isArray(doc.cli.fits) ? doc.cli.fits[0] : null;
  if (!fit || typeof fit.logLikelihood !== 'number') return { ok: false, wall: doc.wall_s, error: `no fit with a log-likelihood in the JSON${fit && fit.error ? `: ${fit.error}` : ''}` };
  const own = cliTimings(doc.cli, fit);
  const stamps = doc.iteration_s.filter((x) => typeof x === 'number');
  const gaps = stamps.slice(1).map((t, i) => (t - stamps[i]) * 1000);
  const afterFirst = own.iteration_ms ? own.iteration_ms.slice(1) : gaps;
  const cpu = (doc.iteration_cpu_s || []).slice(0, stamps.length);
  const cpuGaps = cpu.length === stamps.length && cpu.every((x) => typeof x === 'number') ? cpu.slice(1).map((c, i) => (c - cpu[i]) * 1000) : [];
  const msPerIteration = afterFirst.length ? median(afterFirst) : null;
  let read = null;
  let readSource = 'n/a';
  if (own.read_ms !== null) {
    read = own.read_ms / 1000;
    readSource = 'gmm-fit JSON';
  } else if (stamps.length && msPerIteration !== null) {
    read = stamps[0] - msPerIteration / 1000;
    readSource = 'estimated';
  }
  const input = doc.cli.input || {};
  return {
    ok: true,
    wall: doc.wall_s,
    maxrss_kib: doc.maxrss_kib,
    ll: fit.logLikelihood,
    trace: Array.isArray(fit.trace) ? fit.trace : doc.iteration_ll,
    iterations: fit.iterations,
    initial_rows: fit.initialRows ?? null,
    read_s: read,
    read_source: readSource,
    first_iteration_line_s: stamps.length ? stamps[0] : null,
    iteration_ms: own.iteration_ms || gaps,
    iteration_source: own.iteration_ms ? 'gmm-fit JSON' : 'stderr --verbose lines',
    ms_per_iteration: msPerIteration,
    ms_per_iteration_min: afterFirst.length ? Math.min(...afterFirst) : null,
    iteration_cpu_ms: cpuGaps.length ? cpuGaps : null,
    cpu_ms_per_iteration: cpuGaps.length ? median(cpuGaps) : null,
    cpu_s_to_first_iteration: cpu.length && typeof cpu[0] === 'number' ? cpu[0] : null,
    users: input.rows ?? input.users ?? null,
    items: input.cols ?? input.items ?? null,
    ratings: input.ratings ?? input.nnz ?? input.observed ?? null,
    stderr: (doc.stderr_tail || []).join('\n') || undefined,
  };
}

// ---- the scipy.sparse peer ---------------------------------------------------

function peerArgs(file, o) {
  return ['ratings', file, '--k', String(o.k), '--seed', '0', '--iterations', String(o.iterations)];
}

/** One run of the peer: its read time, ms per iteration (median after the first, wall and CPU), peak RSS, LL trace. */
function runScipy(file, o, env) {
  const x = runPeer(SCIPY_JOB, peerArgs(file, o), env);
  if (!x.ok) return x;
  const d = x.doc;
  return {
    ok: typeof d.ll === 'number',
    error: typeof d.ll === 'number' ? undefined : 'no log-likelihood in the JSON',
    wall: x.wall,
    maxrss_kib: d.maxrss_kib,
    maxrss_after_read_kib: d.maxrss_after_read_kib,
    ll: d.ll,
    trace: d.trace,
    iterations: d.iterations,
    initial_rows: d.initial_rows,
    read_s: d.read_s,
    read_cpu_s: d.read_cpu_s,
    read_parts_s: d.read_parts_s,
    read_source: 'measured',
    iteration_ms: d.iteration_ms,
    iteration_cpu_ms: d.iteration_cpu_ms,
    ms_per_iteration: d.ms_per_iteration,
    ms_per_iteration_min: d.ms_per_iteration_min,
    cpu_ms_per_iteration: d.cpu_ms_per_iteration,
    start_ms: d.start_ms,
    users: d.users,
    items: d.items,
    ratings: d.ratings,
    rows_sorted_in_file: d.rows_sorted_in_file,
    numpy: d.numpy,
    scipy: d.scipy,
    stderr: x.stderr || undefined,
  };
}

/** The agreement check of the peer against the dense course code (scipy_sparse_job.py check). */
function runCheck(dataDir, env) {
  const { r, doc, failure } = timedJson(PYTHON, [SCIPY_JOB, 'check', '--data', dataDir], env);
  if (failure) return failure;
  return { ok: true, wall: r.wall, doc, stderr: r.stderr.trim() };
}

/** --install-peers: apt-get install -y python3-numpy python3-scipy; after an apt-get update if the first try fails. */
function installPeers() {
  const cmd = ['apt-get', 'install', '-y', 'python3-numpy', 'python3-scipy'];
  const run = (c) => {
    process.stderr.write(`ratings: --install-peers: ${c.join(' ')}\n`);
    const r = spawnSync(c[0], c.slice(1), { stdio: ['ignore', 2, 2] });
    return !r.error && r.status === 0;
  };
  let ok = run(cmd);
  let updated = false;
  if (!ok) {
    updated = run(['apt-get', 'update']);
    ok = updated && run(cmd);
  }
  if (!ok) process.stderr.write(`ratings: ${cmd.join(' ')} failed; continuing\n`);
  return { command: cmd.join(' '), apt_get_update: updated, ok };
}

/** The command lines as the report shows them (the data file by name). */
function commands(file, o) {
  const shown = (args) => args.map((a) => (a === file ? path.basename(file) : a));
  return {
    gmm_fit: ['gmm-fit', ...shown(gmmFitArgs(file, o))].join(' '),
    peer: peerCommand(SCIPY_JOB, shown(peerArgs(file, o))),
  };
}

module.exports = { CACHE_DIR, cachePaths, ratingsData, removeData, probeRatingsMode, runGmmFit, runScipy, runCheck, installPeers, commands };
