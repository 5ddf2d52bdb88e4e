#!/usr/bin/env node
'use strict';
// npm run bench  =  node bench/run.js [--runs N] [--quick] [--only NAME[,NAME]] [--large-runs N] [--install-peers] [--unset-openblas-coretype]
//
// Times gmm-fit (whole process, through bench/rss.js for its peak RSS) and the
// numpy peer bench/peers/numpy_job.py (the course code, bench/reference/course.py)
// on the same workloads in the same run, prints one table per workload, the
// gmm-fit/numpy wall-time ratios and the targets, and saves it all to
// bench/last-run.json. The `synthetic` workload (200,000 x 10, K=8, 50 EM
// iterations from the same start) also times one EM iteration in-process:
// gmm-fit's sweepParallel (bench/synth-gmm.js, jobs=1 and jobs=N), the numpy
// peer's 50 iterations and scikit-learn's GaussianMixture.fit
// (bench/peers/sklearn_job.py). The `large` workload (2,000,000 x 10, ~190 MB of
// text) measures memory only: gmm-fit's peak RSS against 3 x the matrix in
// doubles + Node's baseline (the peak RSS of `gmm-fit --version`), no peer.
// See bench/README.md.

const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const REPO = path.resolve(__dirname, '..');
const RSS = path.join(__dirname, 'rss.js');
const PEER = path.join(__dirname, 'peers', 'numpy_job.py');
const SKLEARN_PEER = path.join(__dirname, 'peers', 'sklearn_job.py');
const SYNTH_GMM = path.join(__dirname, 'synth-gmm.js');
const SYNTH_DATA = path.join(__dirname, 'synth-data.js');
const { writeSynthetic } = require('./synth-data.js');
const WORKLOAD_NAMES = ['toy-fit', 'toy-sweep', 'netflix', 'synthetic', 'large'];
const SYNTH = { k: 8, seed: 0, iterations: 50 };
// `large`: data n x d with k true clusters from bench/synth-data.js (generator seed
// fixed below); the CLI fits K=4 from seed 0 for 5 iterations (memory, not speed).
const LARGE = { n: 2000000, d: 10, k: 4, dataSeed: 20240608, cliK: 4, cliSeed: 0, maxIter: 5, rssFactor: 3 };
const PYTHON = process.env.GMM_FIT_PYTHON || '/usr/bin/python3';
const OUT_JSON = path.join(__dirname, 'last-run.json');
const OPENBLAS_VARS = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'];
const MAX_BUFFER = 512 * 1024 * 1024;

const TARGETS = {
  toyFitWall: 0.3, // s, gmm-fit median
  toySweepWall: 0.5, // s, gmm-fit median
  netflixRssMB: 300, // MB (10^6 bytes), gmm-fit peak
  netflixRatio: 1.0, // gmm-fit / numpy wall median
  syntheticPerIteration: 0.5, // gmm-fit (best jobs) / scikit-learn, in-process ms per EM iteration
  largeRssFactor: LARGE.rssFactor, // (peak RSS − Node baseline) / (n·d·8 bytes)
};

const USAGE = `usage: node bench/run.js [--runs N] [--quick] [--only NAME[,NAME]] [--large-runs N] [--install-peers] [--unset-openblas-coretype]

  --runs N                    runs per tool and workload; wall time is their median (default 5)
  --quick                     one run each (same as --runs 1)
  --only NAME[,NAME]          run only these workloads (${WORKLOAD_NAMES.join(', ')}); default all
  --large-runs N              runs of the \`large\` workload (default 1, whatever --runs/--quick say)
  --install-peers             first apt-get install -y python3-numpy python3-scipy python3-sklearn
  --unset-openblas-coretype   remove OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE from the numpy
                              peer's environment only (default: environment left as it is)
  -h, --help                  this text

Environment: GMM_FIT_DATA (directory with netflix_incomplete.txt and netflix_complete.txt;
default ../shared/data next to the repository), GMM_FIT_PYTHON (default /usr/bin/python3).`;

// ---- arguments ---------------------------------------------------------------
function parseArgs(argv) {
  const opts = { runs: 5, quick: false, installPeers: false, unsetCoretype: false, only: null, largeRuns: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs' || a.startsWith('--runs=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined || !/^[1-9]\d*$/.test(v)) fail(`--runs needs a positive integer, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
      opts.runs = Number(v);
    } else if (a === '--large-runs' || a.startsWith('--large-runs=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined || !/^[1-9]\d*$/.test(v)) fail(`--large-runs needs a positive integer, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
      opts.largeRuns = Number(v);
    } else if (a === '--only' || a.startsWith('--only=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      const names = (v ?? '').split(',').map((x) => x.trim()).filter(Boolean);
      if (!names.length) fail('--only needs one or more workload names, comma-separated');
      const unknown = names.filter((x) => !WORKLOAD_NAMES.includes(x));
      if (unknown.length) fail(`--only: unknown workload(s) ${unknown.map((x) => JSON.stringify(x)).join(', ')}; known: ${WORKLOAD_NAMES.join(', ')}`);
      opts.only = [...new Set([...(opts.only ?? []), ...names])];
    } else if (a === '--quick') opts.quick = true;
    else if (a === '--install-peers') opts.installPeers = true;
    else if (a === '--unset-openblas-coretype') opts.unsetCoretype = true;
    else if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    } else fail(`unknown argument ${JSON.stringify(a)}`);
  }
  if (opts.quick) opts.runs = 1;
  return opts;
}

function fail(message) {
  process.stderr.write(`bench: ${message}\n${USAGE}\n`);
  process.exit(2);
}

// ---- small helpers -----------------------------------------------------------
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const kibToMB = (kib) => (kib * 1024) / 1e6;
const fmt = (x, digits) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(digits));
const progress = (s) => process.stderr.write(s);

function table(header, rows) {
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const line = (r) => r.map((cell, c) => (c === 0 || c === r.length - 1 && isNaN(Number(cell)) ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd();
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

function timed(cmd, args, env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: REPO, env, encoding: 'utf8', maxBuffer: MAX_BUFFER });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  return { wall, status: r.status, signal: r.signal, error: r.error, stdout: r.stdout || '', stderr: r.stderr || '' };
}

function describeFailure(r) {
  if (r.error) return r.error.message;
  const why = r.signal ? `killed by ${r.signal}` : `exit ${r.status}`;
  const err = r.stderr.trim().split('\n').slice(-5).join(' | ');
  return `${why}${err ? `: ${err}` : ''}`;
}

// ---- one gmm-fit run ---------------------------------------------------------
/** The CLI through bench/rss.js: the timed result plus `maxrss` (KiB), the @@maxrss line stripped from stderr. */
function runRss(args) {
  const r = timed(process.execPath, [RSS, ...args], process.env);
  // strip the @@maxrss line (and the blank line rss.js puts before it)
  let maxrss = null;
  const kept = [];
  for (const line of r.stderr.split('\n')) {
    const m = /^@@maxrss (\d+)$/.exec(line);
    if (m) maxrss = Number(m[1]);
    else kept.push(line);
  }
  r.stderr = kept.join('\n').replace(/\n{2,}/g, '\n').trim();
  r.maxrss = maxrss;
  return r;
}

function runGmmFit(args) {
  const r = runRss(args);
  const maxrss = r.maxrss;
  if (r.error || r.status !== 0) return { ok: false, wall: r.wall, error: describeFailure(r), stderr: r.stderr };
  let doc;
  try {
    doc = JSON.parse(r.stdout);
  } catch (e) {
    return { ok: false, wall: r.wall, error: `stdout is not JSON: ${e.message}`, stderr: r.stderr };
  }
  const sel = doc.selected;
  const fits = Array.isArray(doc.fits) ? doc.fits : [];
  const f = sel ? fits.find((x) => x.k === sel.k && x.seed === sel.seed) : undefined;
  const ll = f ? (f.logLikelihood ?? f.ll ?? null) : null;
  const iterations = fits.reduce((s, x) => s + (x.iterations ?? 0), 0);
  return {
    ok: ll !== null,
    error: ll === null ? 'no selected fit with a log-likelihood in the JSON' : undefined,
    wall: r.wall,
    maxrss_kib: maxrss,
    ll,
    k: sel ? sel.k : null,
    seed: sel ? sel.seed : null,
    iterations,
    rmse: doc.completion ? doc.completion.rmse ?? null : null,
    input: doc.input ? { rows: doc.input.rows ?? null, cols: doc.input.cols ?? null } : null,
    stderr: r.stderr,
  };
}

/** Node's baseline for `large`: the peak RSS of bench/rss.js running `gmm-fit --version`. */
function runBaseline() {
  const r = runRss(['--version']);
  if (r.error || r.status !== 0) return { ok: false, wall: r.wall, error: describeFailure(r) };
  if (r.maxrss === null) return { ok: false, wall: r.wall, error: 'no @@maxrss line from bench/rss.js' };
  return { ok: true, wall: r.wall, maxrss_kib: r.maxrss, version: r.stdout.trim() };
}

/** sha256 of a file, read in 4 MiB pieces (the large file is ~190 MB). */
function sha256File(file) {
  const hash = require('crypto').createHash('sha256');
  const buf = Buffer.allocUnsafe(4 << 20);
  const fd = fs.openSync(file, 'r');
  try {
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/** A timed run of a command whose last stdout line is one JSON document: { r, doc }, or { failure } to return as the run. */
function timedJson(cmd, args, env) {
  const r = timed(cmd, args, env);
  if (r.error || r.status !== 0) return { failure: { ok: false, wall: r.wall, error: describeFailure(r), stderr: r.stderr.trim() } };
  try {
    return { r, doc: JSON.parse(r.stdout.trim().split('\n').pop()) };
  } catch (e) {
    return { failure: { ok: false, wall: r.wall, error: `stdout is not JSON: ${e.message}`, stderr: r.stderr.trim() } };
  }
}

// ---- one numpy (or scikit-learn) peer run -------------------------------------
function runPeer(job, args, env, script = PEER) {
  const { r, doc, failure } = timedJson(PYTHON, [script, job, ...args], env);
  if (failure) return failure;
  return {
    ok: true,
    wall: r.wall,
    maxrss_kib: doc.maxrss_kib,
    ll: doc.ll,
    k: doc.k,
    seed: doc.seed,
    iterations: doc.iterations,
    rmse: doc.rmse ?? null,
    blas: doc.blas ?? null,
    openblas_env: doc.openblas_env ?? null,
    numpy: doc.numpy,
    ms_per_iteration: doc.ms_per_iteration ?? null,
    doc,
    stderr: r.stderr.trim(),
  };
}

// ---- one in-process gmm-fit timing (synthetic) ---------------------------------
// A variant is a jobs count ('1', '2') with gmm-fit's default kernel (WebAssembly SIMD where
// built), or '1-js': one thread running the TypeScript reference kernel (--kernel js).
function variantLabel(variant) {
  return variant.endsWith('-js') ? `jobs=${variant.slice(0, -3)}, --kernel js` : `jobs=${variant}`;
}

function runInProcess(file, variant) {
  const jobs = variant.endsWith('-js') ? variant.slice(0, -3) : variant;
  const kernel = variant.endsWith('-js') ? ['--kernel', 'js'] : [];
  const { r, doc, failure } = timedJson(
    process.execPath,
    [SYNTH_GMM, file, '--jobs', jobs, ...kernel, '--k', String(SYNTH.k), '--seed', String(SYNTH.seed), '--iterations', String(SYNTH.iterations)],
    process.env,
  );
  if (failure) return failure;
  return {
    ok: typeof doc.ll === 'number',
    error: typeof doc.ll === 'number' ? undefined : 'no log-likelihood in the JSON',
    wall: r.wall,
    maxrss_kib: doc.maxrss_kib ?? null,
    ll: doc.ll,
    k: doc.k,
    seed: doc.seed,
    iterations: doc.iterations,
    ms_per_iteration: doc.ms_per_iteration,
    doc,
    stderr: r.stderr.trim(),
  };
}

function blasLabel(blas, env) {
  if (Array.isArray(blas) && blas.length) {
    return blas.map((b) => `${b.internal_api} ${b.version ?? ''} ${b.architecture ?? (b.user_api === 'blas' ? '?' : '')} x${b.num_threads}`.replace(/\s+/g, ' ')).join('; ');
  }
  const core = env && env.OPENBLAS_CORETYPE;
  return `threadpoolctl n/a; OPENBLAS_CORETYPE=${core ?? '(unset)'}`;
}

function summarize(runs) {
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
    if (ok.every((r) => r.doc && typeof r.doc.ms_per_iteration_em_only === 'number')) {
      s.ms_per_iteration_em_only_median = median(ok.map((r) => r.doc.ms_per_iteration_em_only));
    }
  }
  return s;
}

// ---- staleness / environment probes -----------------------------------------
function staleDist() {
  const stale = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
        const js = path.join(REPO, 'dist', path.relative(path.join(REPO, 'src'), p)).replace(/\.ts$/, '.js');
        if (!fs.existsSync(js) || fs.statSync(js).mtimeMs < fs.statSync(p).mtimeMs) stale.push(path.relative(REPO, p));
      }
    }
  };
  try {
    walk(path.join(REPO, 'src'));
  } catch {
    // no src/: nothing to compare
  }
  return stale;
}

function probePeer(env) {
  if (!fs.existsSync(PYTHON)) return { ok: false, reason: `${PYTHON} not found` };
  const r = spawnSync(PYTHON, ['-c', 'import numpy, scipy; print(numpy.__version__, scipy.__version__)'], { env, encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    const msg = r.error ? r.error.message : (r.stderr || '').trim().split('\n').pop();
    return { ok: false, reason: `${PYTHON} -c 'import numpy, scipy' failed: ${msg}` };
  }
  const [numpy, scipy] = r.stdout.trim().split(/\s+/);
  return { ok: true, numpy, scipy };
}

function probeSklearn(env) {
  const r = spawnSync(PYTHON, ['-c', 'import numpy, scipy, sklearn; print(sklearn.__version__)'], { env, encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    const msg = r.error ? r.error.message : (r.stderr || '').trim().split('\n').pop();
    return { ok: false, reason: `${PYTHON} -c 'import sklearn' failed: ${msg}` };
  }
  return { ok: true, sklearn: r.stdout.trim() };
}

function installPeers() {
  const cmd = ['apt-get', 'install', '-y', 'python3-numpy', 'python3-scipy', 'python3-sklearn'];
  progress(`bench: --install-peers: ${cmd.join(' ')}\n`);
  const r = spawnSync(cmd[0], cmd.slice(1), { stdio: ['ignore', 2, 2] }); // apt's chatter to stderr, not into the report
  const ok = !r.error && r.status === 0;
  if (!ok) progress(`bench: ${cmd.join(' ')} failed (${r.error ? r.error.message : `exit ${r.status}`}); continuing\n`);
  return { command: cmd.join(' '), ok };
}

// ---- main --------------------------------------------------------------------
function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = new Date();
  const out = [];
  const say = (s = '') => {
    out.push(s);
    process.stdout.write(s + '\n');
  };

  if (!fs.existsSync(path.join(REPO, 'dist', 'cli', 'main.js'))) {
    process.stderr.write('bench: dist/cli/main.js is missing: build first with  npx tsc -p tsconfig.json\n');
    process.exit(1);
  }
  const stale = staleDist();
  if (stale.length) {
    progress(`bench: warning: dist/ looks older than ${stale.length} source file(s) (${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ', …' : ''}); rebuild with  npx tsc -p tsconfig.json\n`);
  }

  const install = opts.installPeers ? installPeers() : null;

  const peerEnv = { ...process.env };
  const removed = {};
  if (opts.unsetCoretype) {
    for (const v of OPENBLAS_VARS) {
      if (v in peerEnv) removed[v] = peerEnv[v];
      delete peerEnv[v];
    }
  }
  const probe = probePeer(peerEnv);
  const selected = (name) => !opts.only || opts.only.includes(name);
  const sk = selected('synthetic') ? probeSklearn(peerEnv) : null;

  const dataDir = process.env.GMM_FIT_DATA || path.join(REPO, '..', 'shared', 'data');
  const netflixIn = path.join(dataDir, 'netflix_incomplete.txt');
  const netflixTruth = path.join(dataDir, 'netflix_complete.txt');
  const haveNetflix = fs.existsSync(netflixIn) && fs.existsSync(netflixTruth);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gmm-fit-bench-'));
  const toy = path.join('data', 'toy.txt');
  const synthFile = path.join(tmp, 'synthetic.txt');
  const largeFile = path.join(tmp, 'large.txt');
  const jobsN = os.availableParallelism();
  const jobsList = jobsN > 1 ? [1, jobsN] : [1];
  // In-process variants timed on the synthetic workload: each jobs count, and one thread on the TypeScript kernel.
  const variants = [...jobsList.map(String), '1-js'];

  const workloads = [
    { name: 'toy-fit', cli: [toy, '--k', '3', '--seed', '0', '--json'], peer: [toy] },
    { name: 'toy-sweep', cli: [toy, '--k', '1..4', '--seeds', '0..4', '--json'], peer: [toy] },
    {
      name: 'netflix',
      skip: haveNetflix ? null : `netflix skipped: ${netflixIn} and/or ${netflixTruth} not found (set GMM_FIT_DATA to their directory)`,
      cli: ['complete', netflixIn, '--k', '12', '--seeds', '0..4', '--missing', '0', '--truth', netflixTruth, '--out', path.join(tmp, 'gmm-fit-out.txt'), '--json'],
      peer: [netflixIn, netflixTruth, path.join(tmp, 'numpy-out.txt')],
    },
    {
      name: 'synthetic',
      synthetic: true,
      cli: [synthFile, '--k', String(SYNTH.k), '--seed', String(SYNTH.seed), '--max-iter', String(SYNTH.iterations), '--tol', '1e-300', '--json'],
      peer: [synthFile],
    },
    {
      name: 'large',
      large: true,
      file: largeFile,
      cli: [largeFile, '--k', String(LARGE.cliK), '--seed', String(LARGE.cliSeed), '--max-iter', String(LARGE.maxIter), '--json'],
    },
  ].filter((w) => selected(w.name));

  const cpus = os.cpus();
  const machine = {
    cpu: cpus.length ? cpus[0].model : 'unknown',
    cores: cpus.length,
    available_parallelism: jobsN,
    loadavg_at_start: os.loadavg(),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    numpy: probe.ok ? probe.numpy : null,
    scipy: probe.ok ? probe.scipy : null,
    sklearn: sk && sk.ok ? sk.sklearn : null,
    python: PYTHON,
  };
  const envNote = (() => {
    const shown = OPENBLAS_VARS.map((v) => `${v}=${process.env[v] ?? '(unset)'}`).join(' ');
    if (!opts.unsetCoretype) return `numpy peer environment: as inherited (${shown}); --unset-openblas-coretype removes these for the peer`;
    return `numpy peer environment: --unset-openblas-coretype: ${OPENBLAS_VARS.join(' and ')} removed for the peer only (inherited: ${shown}); gmm-fit's environment unchanged`;
  })();

  say(`gmm-fit bench — ${started.toISOString()}`);
  say(
    `machine: ${machine.cpu}, ${machine.cores} cores (availableParallelism ${jobsN}), ${machine.platform}; load average ${machine.loadavg_at_start.map((x) => x.toFixed(2)).join(' ')}; node ${machine.node}; numpy ${machine.numpy ?? 'n/a'}, scipy ${machine.scipy ?? 'n/a'}` +
      (sk ? `, scikit-learn ${machine.sklearn ?? 'n/a'}` : ''),
  );
  say(`runs per tool and workload: ${opts.runs} (wall = median, whole process, spawn to exit; runs alternate gmm-fit / numpy${sk ? ' / scikit-learn' : ''})` +
      (selected('large') ? `; large: ${opts.largeRuns} run${opts.largeRuns === 1 ? '' : 's'} (--large-runs, default 1)` : ''),
  );
  if (opts.only) say(`--only: ${opts.only.join(', ')}`);
  say(envNote);
  if (install) say(`--install-peers: ${install.command}: ${install.ok ? 'ok' : 'FAILED'}`);
  if (!probe.ok) say(`numpy peer skipped: ${probe.reason}`);
  if (sk && !sk.ok) say(`scikit-learn peer skipped: ${sk.reason}`);
  if (stale.length) say(`warning: dist/ older than ${stale.length} file(s) under src/ — results are for the last build`);

  const results = {};
  let failures = 0;
  let mismatches = 0;
  let synthData = null;
  try {
    for (const w of workloads) {
      say('');
      if (w.synthetic && !w.skip) {
        try {
          progress('bench: synthetic: generating the data… ');
          synthData = writeSynthetic(synthFile);
          synthData.sha256 = require('crypto').createHash('sha256').update(fs.readFileSync(synthFile)).digest('hex');
          progress(`${synthData.seconds.toFixed(2)} s\n`);
        } catch (e) {
          progress('FAILED\n');
          w.skip = `synthetic skipped: generating the data failed: ${e.message}`;
          failures++;
        }
      }
      if (w.skip) {
        say(w.skip);
        results[w.name] = { skipped: w.skip };
        continue;
      }
      if (w.large) {
        runLarge(w);
        continue;
      }
      const withSk = Boolean(w.synthetic && sk && sk.ok);
      const gRuns = [];
      const pRuns = [];
      const sRuns = [];
      const ipRuns = Object.fromEntries((w.synthetic ? variants : []).map((j) => [j, []]));
      for (let i = 0; i < opts.runs; i++) {
        progress(`bench: ${w.name} run ${i + 1}/${opts.runs}: gmm-fit`);
        const g = runGmmFit(w.cli);
        gRuns.push(g);
        progress(` ${g.ok ? g.wall.toFixed(3) + 's' : 'FAILED'}`);
        if (probe.ok) {
          progress(', numpy');
          const p = runPeer(w.name, w.peer, peerEnv);
          pRuns.push(p);
          progress(` ${p.ok ? p.wall.toFixed(3) + 's' : 'FAILED'}`);
        }
        if (withSk) {
          progress(', scikit-learn');
          const s = runPeer(w.name, w.peer, peerEnv, SKLEARN_PEER);
          sRuns.push(s);
          progress(` ${s.ok ? s.wall.toFixed(3) + 's' : 'FAILED'}`);
        }
        for (const j of Object.keys(ipRuns)) {
          progress(`, in-process ${variantLabel(j)}`);
          const q = runInProcess(synthFile, j);
          ipRuns[j].push(q);
          progress(` ${q.ok ? q.ms_per_iteration.toFixed(1) + ' ms/it' : 'FAILED'}`);
        }
        progress('\n');
      }
      const g = summarize(gRuns);
      const p = probe.ok ? summarize(pRuns) : { ok: false, skipped: `numpy peer skipped: ${probe.reason}` };
      const r = { command: ['gmm-fit', ...w.cli].join(' '), peer_command: `${PYTHON} bench/peers/numpy_job.py ${[w.name, ...w.peer].join(' ')}`, gmm_fit: g, numpy: p };
      results[w.name] = r;
      let s = null;
      const ip = {};
      if (w.synthetic) {
        r.data = synthData;
        r.sklearn_command = `${PYTHON} bench/peers/sklearn_job.py ${[w.name, ...w.peer].join(' ')}`;
        s = withSk ? summarize(sRuns) : { ok: false, skipped: !probe.ok ? `scikit-learn peer skipped: ${probe.reason}` : `scikit-learn peer skipped: ${sk ? sk.reason : 'not probed'}` };
        r.sklearn = s;
        for (const j of Object.keys(ipRuns)) ip[j] = summarize(ipRuns[j]);
        r.in_process_command = `node bench/synth-gmm.js ${synthFile} --jobs J --k ${SYNTH.k} --seed ${SYNTH.seed} --iterations ${SYNTH.iterations}  (J = ${jobsList.join(', ')}; and --jobs 1 --kernel js)`;
        r.gmm_fit_in_process = Object.fromEntries(Object.entries(ip).map(([j, v]) => [`jobs=${j}`, v]));
      }

      const isNetflix = w.name === 'netflix';
      const header = [
        'tool',
        'wall median (s)',
        'min (s)',
        'peak RSS (MB)',
        'LL',
        'iterations',
        'whole-process ms/iteration',
        ...(isNetflix ? ['RMSE'] : []),
        ...(w.synthetic ? [`ms/iteration (in-process, ${SYNTH.iterations} iterations): median (min)`] : []),
        'BLAS',
      ];
      const inProc = (x) =>
        w.synthetic ? [x && x.in_process_ms_per_iteration_median !== undefined ? `${fmt(x.in_process_ms_per_iteration_median, 2)} (${fmt(x.in_process_ms_per_iteration_min, 2)})` : '-'] : [];
      const row = (name, x, blas) =>
        x.ok
          ? [name, fmt(x.wall_median_s, 3), fmt(x.wall_min_s, 3), x.peak_rss_kib === null ? '-' : fmt(kibToMB(x.peak_rss_kib), 1), x.ll.toFixed(6), x.iterations, fmt(x.whole_process_ms_per_iteration, 2), ...(isNetflix ? [fmt(x.rmse, 6)] : []), ...inProc(x), blas]
          : [name, 'FAILED', '', '', '', '', '', ...(isNetflix ? [''] : []), ...(w.synthetic ? [''] : []), ''];
      const rows = [w.synthetic ? [...row('gmm-fit (CLI)', { ...g, in_process_ms_per_iteration_median: undefined }, '-')] : row('gmm-fit', g, '-')];
      for (const j of Object.keys(ip)) {
        const x = ip[j];
        rows.push(x.ok ? [`gmm-fit ${variantLabel(j)} (in-process)`, '-', '-', x.peak_rss_kib === null ? '-' : fmt(kibToMB(x.peak_rss_kib), 1), x.ll.toFixed(6), x.iterations, '-', ...inProc(x), '-'] : [`gmm-fit ${variantLabel(j)} (in-process)`, 'FAILED', '', '', '', '', '', '', '']);
      }
      if (probe.ok) rows.push(row('numpy', p, p.ok ? blasLabel(p.blas, p.openblas_env) : ''));
      if (withSk) rows.push(row(`scikit-learn ${s.ok && s.last_run ? s.last_run.sklearn : sk.sklearn}`, s, s.ok ? blasLabel(s.blas, s.openblas_env) : ''));
      say(`== ${w.name}: ${r.command}`);
      say(table(header, rows));
      if (w.synthetic) {
        const d = synthData;
        say(`data: ${d.n} × ${d.d}, ${d.k} true clusters (centres N(0, ${d.spread}²) per coordinate, noise N(0, ${d.noise}²), generator seed ${d.seed}), ${(d.bytes / 1e6).toFixed(1)} MB text, sha256 ${d.sha256.slice(0, 16)}…`);
        say(`in-process rows: node bench/synth-gmm.js, one process per run, timing only await sweepParallel(…, { ks: [${SYNTH.k}], seeds: [${SYNTH.seed}], maxIter: ${SYNTH.iterations}, tol: -Infinity, jobs }) (parsing not timed); their RSS is that whole process's`);
      }
      const fails = [['gmm-fit', g]];
      for (const j of Object.keys(ip)) fails.push([`gmm-fit in-process ${variantLabel(j)}`, ip[j]]);
      for (const [name, x] of fails) {
        if (!x.ok) {
          failures++;
          say(`!! ${name} FAILED: ${x.error}`);
        } else if (x.failed_runs) {
          failures++;
          say(`!! ${name}: ${x.failed_runs} of ${opts.runs} runs failed`);
        }
        if (x.ok && x.ll_varies_between_runs) say(`!! ${name} LL differed between runs (shown: last run)`);
      }
      if (!probe.ok) {
        say(`numpy peer skipped: ${probe.reason}`);
      } else if (!p.ok) {
        failures++;
        say(`!! numpy peer FAILED: ${p.error}`);
      } else if (g.ok) {
        const rel = Math.abs(g.ll - p.ll) / Math.max(Math.abs(p.ll), Number.MIN_VALUE);
        const sameSel = g.k === p.k && g.seed === p.seed;
        r.ll_rel_diff = rel;
        r.ll_agrees = rel <= 1e-6;
        r.selection_agrees = sameSel;
        if (r.ll_agrees && sameSel) say(`LL agrees${w.synthetic ? ' (gmm-fit CLI vs numpy)' : ''}: relative difference ${rel.toExponential(2)} (≤ 1e-6); both select K=${g.k} seed ${g.seed}`);
        else {
          mismatches++;
          say(`!!!!!!!! LL MISMATCH on ${w.name}: gmm-fit ${g.ll} (K=${g.k} seed ${g.seed}) vs numpy ${p.ll} (K=${p.k} seed ${p.seed}); relative difference ${rel.toExponential(2)} (tolerance 1e-6) !!!!!!!!`);
        }
        if (isNetflix && g.rmse !== null && p.rmse !== null) {
          r.rmse_rel_diff = Math.abs(g.rmse - p.rmse) / Math.abs(p.rmse);
          say(`RMSE: gmm-fit ${g.rmse.toFixed(9)} vs numpy ${p.rmse.toFixed(9)} (relative difference ${r.rmse_rel_diff.toExponential(2)})`);
        }
        if (g.iterations !== p.iterations) say(`note: total EM iterations differ: gmm-fit ${g.iterations}, numpy ${p.iterations}`);
      }
      if (w.synthetic) synthChecks(r, g, p, s, ip);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  // The `large` workload: memory only, no peer. Generates its file (in a child
  // process: the generator itself holds ~1 GB while it writes), then per run the
  // Node baseline (bench/rss.js running `gmm-fit --version`) and the CLI fit,
  // both through bench/rss.js; deletes the file after the runs.
  function runLarge(w) {
    const runs = opts.largeRuns;
    const genArgs = ['--n', String(LARGE.n), '--d', String(LARGE.d), '--k', String(LARGE.k), '--seed', String(LARGE.dataSeed)];
    const r = (results[w.name] = {
      command: ['gmm-fit', ...w.cli].join(' '),
      baseline_command: 'gmm-fit --version (through bench/rss.js)',
      data_command: `node bench/synth-data.js ${w.file} ${genArgs.join(' ')}`,
      runs,
      numpy: { ok: false, skipped: 'no peer: memory only' },
    });
    say(`== large: ${r.command}`);
    progress(`bench: large: generating ${LARGE.n} × ${LARGE.d}… `);
    const gen = timed(process.execPath, [SYNTH_DATA, w.file, ...genArgs], process.env);
    let data = null;
    if (!gen.error && gen.status === 0) {
      try {
        data = JSON.parse(gen.stdout.trim().split('\n').pop());
      } catch {
        data = null;
      }
    }
    if (!data) {
      progress('FAILED\n');
      failures++;
      r.skipped = `large skipped: generating the data failed: ${describeFailure(gen)}`;
      r.gmm_fit = { ok: false, error: r.skipped };
      say(`!! ${r.skipped}`);
      return;
    }
    data.seconds = gen.wall;
    data.sha256 = sha256File(w.file);
    r.data = data;
    progress(`${gen.wall.toFixed(2)} s\n`);

    const gRuns = [];
    const bRuns = [];
    for (let i = 0; i < runs; i++) {
      progress(`bench: large run ${i + 1}/${runs}: node baseline`);
      const b = runBaseline();
      bRuns.push(b);
      progress(` ${b.ok ? fmt(kibToMB(b.maxrss_kib), 1) + ' MB' : 'FAILED'}, gmm-fit`);
      const x = runGmmFit(w.cli);
      gRuns.push(x);
      progress(` ${x.ok ? `${x.wall.toFixed(3)}s, ${x.maxrss_kib === null ? '?' : fmt(kibToMB(x.maxrss_kib), 1)} MB` : 'FAILED'}\n`);
    }
    fs.rmSync(w.file, { force: true });

    const g = (r.gmm_fit = summarize(gRuns));
    const bOk = bRuns.filter((b) => b.ok);
    const b = (r.baseline = bOk.length
      ? {
          ok: true,
          failed_runs: bRuns.length - bOk.length,
          rss_median_kib: median(bOk.map((x) => x.maxrss_kib)),
          rss_kib: bOk.map((x) => x.maxrss_kib),
          wall_median_s: median(bOk.map((x) => x.wall)),
          wall_min_s: Math.min(...bOk.map((x) => x.wall)),
          wall_s: bOk.map((x) => x.wall),
          version: bOk[bOk.length - 1].version,
        }
      : { ok: false, error: bRuns.length ? bRuns[bRuns.length - 1].error : 'not run' });

    const rows = [
      g.ok
        ? ['gmm-fit', fmt(g.wall_median_s, 3), fmt(g.wall_min_s, 3), g.peak_rss_kib === null ? '-' : fmt(kibToMB(g.peak_rss_kib), 1), g.ll.toFixed(6), g.iterations]
        : ['gmm-fit', 'FAILED', '', '', '', ''],
      b.ok
        ? ['node baseline (gmm-fit --version)', fmt(b.wall_median_s, 3), fmt(b.wall_min_s, 3), fmt(kibToMB(b.rss_median_kib), 1), '-', '-']
        : ['node baseline (gmm-fit --version)', 'FAILED', '', '', '', ''],
    ];
    say(table(['tool', 'wall median (s)', 'min (s)', 'peak RSS (MB)', 'LL', 'iterations'], rows));
    say(
      `data: ${data.n} × ${data.d}, ${data.k} true clusters (centres N(0, ${data.spread}²) per coordinate, noise N(0, ${data.noise}²), generator seed ${data.seed}), ` +
        `${(data.bytes / 1e6).toFixed(1)} MB text, sha256 ${data.sha256.slice(0, 16)}…; generated in ${data.seconds.toFixed(1)} s (not timed), deleted after the run${runs === 1 ? '' : 's'}`,
    );

    if (!g.ok) {
      failures++;
      say(`!! gmm-fit FAILED: ${g.error}`);
    } else if (g.failed_runs) {
      failures++;
      say(`!! gmm-fit: ${g.failed_runs} of ${runs} runs failed`);
    }
    if (g.ok && g.ll_varies_between_runs) say('!! gmm-fit LL differed between runs (shown: last run)');
    if (!b.ok) {
      failures++;
      say(`!! node baseline (bench/rss.js --version) FAILED: ${b.error}`);
    } else if (b.failed_runs) {
      failures++;
      say(`!! node baseline: ${b.failed_runs} of ${runs} runs failed`);
    }
    const input = g.ok ? (gRuns.filter((x) => x.ok).pop() || {}).input : null;
    if (g.ok && (!input || input.rows !== data.n || input.cols !== data.d)) {
      failures++;
      say(`!! gmm-fit read ${input ? `${input.rows} × ${input.cols}` : 'an unknown shape (no "input" in its JSON)'}, not ${data.n} × ${data.d}`);
    }
    if (g.ok && g.iterations !== LARGE.maxIter) say(`note: gmm-fit ran ${g.iterations} EM iterations, not ${LARGE.maxIter} (it converged early)`);

    if (g.ok && b.ok && g.peak_rss_kib !== null) {
      const matrix = data.n * data.d * 8;
      const peak = g.peak_rss_kib * 1024;
      const base = b.rss_median_kib * 1024;
      const ratio = (peak - base) / matrix;
      const limit = LARGE.rssFactor * matrix + base;
      r.memory = {
        text_bytes: data.bytes,
        matrix_bytes: matrix,
        peak_rss_bytes: peak,
        baseline_rss_bytes: base,
        over_baseline_bytes: peak - base,
        ratio_over_baseline_to_matrix: ratio,
        limit_bytes: limit,
        factor: LARGE.rssFactor,
        within: peak <= limit,
      };
      const mb = (x) => (x / 1e6).toFixed(1);
      say(
        `memory: text ${mb(data.bytes)} MB; matrix in doubles n·d·8 = ${data.n}·${data.d}·8 = ${mb(matrix)} MB; gmm-fit wall ${g.wall_median_s.toFixed(3)} s` +
          `${runs > 1 ? ' (median)' : ''}; peak RSS ${mb(peak)} MB${runs > 1 ? ' (max over runs)' : ''}; Node baseline ${mb(base)} MB${runs > 1 ? ' (median)' : ''}`,
      );
      say(
        `  (peak − baseline) / matrix = ${mb(peak - base)} / ${mb(matrix)} = ${ratio.toFixed(2)}  ` +
          `(limit: ${LARGE.rssFactor} × ${mb(matrix)} + ${mb(base)} = ${mb(limit)} MB)`,
      );
    }
    say('no peer: memory only');
  }

  // The synthetic workload's own checks: iteration counts, in-process LLs vs numpy,
  // scikit-learn's LL (reported, explained, not a failure), and the data check.
  function synthChecks(r, g, p, s, ip) {
    const it = SYNTH.iterations;
    const checks = (r.checks = {});
    if (g.ok) {
      checks.cli_iterations = g.iterations;
      if (g.iterations !== it) say(`!! gmm-fit CLI ran ${g.iterations} iterations, not ${it}: --tol 1e-300 stopped it, i.e. the LL stopped rising (its wall/RSS are not for ${it} iterations)`);
    }
    for (const j of Object.keys(ip)) {
      const x = ip[j];
      if (!x.ok) continue;
      if (x.iterations !== it) {
        failures++;
        say(`!! gmm-fit in-process ${variantLabel(j)} ran ${x.iterations} iterations, not ${it} (tol −Infinity should never stop early): its ms/iteration is not comparable`);
      }
      if (p.ok) {
        const rel = Math.abs(x.ll - p.ll) / Math.abs(p.ll);
        checks[`ll_rel_diff_in_process_jobs_${j.replace('-', '_')}_vs_numpy`] = rel;
        if (rel <= 1e-6) say(`LL agrees (gmm-fit in-process ${variantLabel(j)} vs numpy): relative difference ${rel.toExponential(2)} (≤ 1e-6)`);
        else {
          mismatches++;
          say(`!!!!!!!! LL MISMATCH on synthetic: gmm-fit in-process ${variantLabel(j)} ${x.ll} vs numpy ${p.ll}; relative difference ${rel.toExponential(2)} (tolerance 1e-6) !!!!!!!!`);
        }
      }
      if (g.ok && x.ll !== g.ll && j.endsWith('-js')) {
        mismatches++;
        say(`!!!!!!!! KERNEL MISMATCH: gmm-fit in-process ${variantLabel(j)} LL ${x.ll} differs from the CLI's (WebAssembly kernel) ${g.ll}; the two kernels must agree bit for bit !!!!!!!!`);
      } else if (g.ok && x.ll !== g.ll) say(`note: gmm-fit in-process ${variantLabel(j)} LL ${x.ll} is not bit-identical to the CLI's ${g.ll} (relative difference ${(Math.abs(x.ll - g.ll) / Math.abs(g.ll)).toExponential(2)})`);
    }
    if (p.ok && p.iterations !== it) {
      failures++;
      say(`!! numpy peer ran ${p.iterations} iterations, not ${it}`);
    }
    if (s && s.skipped) say(s.skipped);
    else if (s && !s.ok) {
      failures++;
      say(`!! scikit-learn peer FAILED: ${s.error}`);
    } else if (s && s.ok) {
      const lr = s.last_run || {};
      if (s.iterations !== it) {
        failures++;
        say(`!! scikit-learn n_iter_ = ${s.iterations}, not ${it}: its ms/iteration is not comparable`);
      }
      const ref = ip['1'] && ip['1'].ok ? ['gmm-fit in-process jobs=1', ip['1'].ll] : g.ok ? ['gmm-fit CLI', g.ll] : null;
      if (ref) {
        const rel = Math.abs(s.ll - ref[1]) / Math.abs(ref[1]);
        checks.ll_rel_diff_sklearn_vs_gmm_fit = rel;
        say(
          `scikit-learn LL (lower_bound_ × n = ${s.lower_bound ?? lr.lower_bound} × ${lr.rows}) vs ${ref[0]}: relative difference ${rel.toExponential(2)}` +
            (rel <= 1e-6 ? ' (≤ 1e-6)' : ' (> 1e-6: NOT within the 1e-6 the numpy peer is held to)'),
        );
        say(
          '  note: same model, same start, same 50 E+M steps; sklearn\'s M-step adds 10·eps to every n_j and computes var_j as the mean over features of E[x²] − 2·mu·E[x] + mu² ' +
            '(cancellation-prone), and lower_bound_ is a mean that is multiplied back by n here, so last-digit differences are expected' +
            (rel > 1e-6 ? '; a difference this large means the fits drifted apart — investigate' : ''),
        );
      }
      say(
        `  note: scikit-learn's ms/iteration is fit(X) time / ${it}; fit() also validates X, runs one extra E-step at the end (${fmt(lr.ms_one_e_step, 1)} ms measured separately)` +
          (lr.init_params_runs
            ? ` and, since scikit-learn ${lr.sklearn} < 1.3, runs init_params='${lr.init_params}' and discards it (${fmt(lr.ms_init_params, 1)} ms)`
            : ` (init_params='${lr.init_params}' is skipped: all of weights_init, means_init, precisions_init are given)`) +
          `; without those: ${fmt(s.ms_per_iteration_em_only_median, 2)} ms/iteration (median)`,
      );
      if (lr.warnings && lr.warnings.length) say(`  scikit-learn warned (expected with tol=0): ${lr.warnings.join('; ').slice(0, 160)}`);
    }
    // the data check: is EM still improving at iteration 50?
    const lrp = p.ok ? p.last_run || {} : null;
    const ipLast = ip['1'] && ip['1'].ok ? ip['1'].last_run || {} : null;
    const rising = lrp ? lrp.ll_rising_at_end : ipLast ? ipLast.ll_rising_at_end : null;
    const inc = lrp ? lrp.ll_last_increase : ipLast ? ipLast.ll_last_increase : null;
    const llEnd = p.ok ? p.ll : ip['1'] && ip['1'].ok ? ip['1'].ll : null;
    checks.ll_rising_at_iteration_50 = rising;
    checks.ll_last_increase = inc;
    if (lrp) {
      checks.min_rel_increase = lrp.min_rel_increase;
      checks.min_rel_increase_at = lrp.min_rel_increase_at;
    }
    if (rising === null || rising === undefined) say('data check: could not tell whether the LL is still rising at iteration 50 (no trace)');
    else if (rising) {
      say(
        `data check: LL still rising at iteration ${it} (ΔLL = ${inc.toFixed(3)}, ${(inc / Math.abs(llEnd)).toExponential(2)} relative)` +
          (lrp && lrp.min_rel_increase !== null && lrp.min_rel_increase !== undefined
            ? `; smallest relative gain over iterations 2–${it}: ${lrp.min_rel_increase.toExponential(2)} (iteration ${lrp.min_rel_increase_at})${lrp.min_rel_increase > 1e-6 ? ' — the default 1e-6 criterion would not have stopped EM' : ' — the default 1e-6 criterion WOULD have stopped EM earlier'}`
            : ''),
      );
    } else say(`!! data check: the LL is NOT rising at iteration ${it} (ΔLL = ${inc}): EM has stopped improving; the workload no longer measures an unconverged fit`);
  }

  // ---- ratios ----
  say('');
  say('gmm-fit / numpy wall time (median / median; < 1 means gmm-fit is faster):');
  const ratios = {};
  for (const w of workloads) {
    const r = results[w.name];
    let text;
    if (w.large) text = 'n/a (no peer: memory only)';
    else if (r.skipped) text = 'n/a (workload skipped)';
    else if (!r.gmm_fit.ok || !r.numpy.ok) text = `n/a (${!r.gmm_fit.ok ? 'gmm-fit failed' : r.numpy.skipped ? 'no numpy peer' : 'numpy peer failed'})`;
    else {
      ratios[w.name] = r.gmm_fit.wall_median_s / r.numpy.wall_median_s;
      text = `${ratios[w.name].toFixed(2)}  (${r.gmm_fit.wall_median_s.toFixed(3)} s / ${r.numpy.wall_median_s.toFixed(3)} s)`;
    }
    say(`  ${w.name.padEnd(10)} ${text}`);
  }
  const perIteration = {};
  const syn = results.synthetic;
  if (syn && !syn.skipped) {
    if (syn.gmm_fit.ok && syn.sklearn && syn.sklearn.ok) {
      perIteration.wall_gmm_fit_cli_over_sklearn = syn.gmm_fit.wall_median_s / syn.sklearn.wall_median_s;
      say(`  (synthetic, gmm-fit / scikit-learn wall: ${perIteration.wall_gmm_fit_cli_over_sklearn.toFixed(2)}  (${syn.gmm_fit.wall_median_s.toFixed(3)} s / ${syn.sklearn.wall_median_s.toFixed(3)} s))`);
    }
    say('');
    say(`synthetic, ms per EM iteration in-process (median / median over runs, ${SYNTH.iterations} iterations; < 1 means gmm-fit is faster):`);
    const ipr = syn.gmm_fit_in_process || {};
    const peers = [
      ['scikit-learn', syn.sklearn],
      ['numpy', syn.numpy],
    ];
    for (const j of variants) {
      const x = ipr[`jobs=${j}`];
      for (const [pname, y] of peers) {
        const label = `gmm-fit ${variantLabel(j)} / ${pname}`;
        if (!x || !x.ok || !y || !y.ok || typeof y.in_process_ms_per_iteration_median !== 'number') {
          say(`  ${label.padEnd(42)} n/a (${!x || !x.ok ? 'gmm-fit in-process failed' : y && y.skipped ? `no ${pname} peer` : `${pname} peer failed`})`);
          continue;
        }
        const v = x.in_process_ms_per_iteration_median / y.in_process_ms_per_iteration_median;
        perIteration[`gmm_fit_jobs_${j.replace('-', '_')}_over_${pname === 'numpy' ? 'numpy' : 'sklearn'}`] = v;
        say(`  ${label.padEnd(42)} ${v.toFixed(2)}  (${x.in_process_ms_per_iteration_median.toFixed(2)} ms / ${y.in_process_ms_per_iteration_median.toFixed(2)} ms)`);
      }
    }
    if (jobsList.length === 1) say(`  (availableParallelism() is 1: jobs=N is jobs=1)`);
  }

  // ---- targets ----
  const g = (name) => (results[name] && results[name].gmm_fit && results[name].gmm_fit.ok ? results[name].gmm_fit : null);
  const verdict = (value, ok) => (value === null || value === undefined ? 'SKIP' : ok ? 'PASS' : 'MISS');
  const bestSynth = (() => {
    let best = null;
    for (const j of jobsList) {
      const v = perIteration[`gmm_fit_jobs_${j}_over_sklearn`];
      if (typeof v === 'number' && (best === null || v < best.value)) best = { value: v, jobs: j };
    }
    return best;
  })();
  const targets = [
    { name: 'toy-fit gmm-fit wall median < 0.3 s', value: g('toy-fit') ? g('toy-fit').wall_median_s : null, unit: 's', test: (v) => v < TARGETS.toyFitWall },
    { name: 'toy-sweep gmm-fit wall median < 0.5 s', value: g('toy-sweep') ? g('toy-sweep').wall_median_s : null, unit: 's', test: (v) => v < TARGETS.toySweepWall },
    { name: 'netflix gmm-fit peak RSS < 300 MB', value: g('netflix') && g('netflix').peak_rss_kib !== null ? kibToMB(g('netflix').peak_rss_kib) : null, unit: 'MB', test: (v) => v < TARGETS.netflixRssMB },
    { name: 'netflix gmm-fit/numpy wall ≤ 1.0', value: ratios.netflix ?? null, unit: '', test: (v) => v <= TARGETS.netflixRatio },
    {
      name: "synthetic gmm-fit per-iteration ≤ 0.5 × scikit-learn's",
      value: bestSynth ? bestSynth.value : null,
      unit: '×',
      detail: bestSynth ? `(best: jobs=${bestSynth.jobs})` : '',
      test: (v) => v <= TARGETS.syntheticPerIteration,
    },
    (() => {
      const m = results.large && results.large.memory;
      const mb = (x) => (x / 1e6).toFixed(1);
      return {
        name: 'large-input peak RSS ≤ 3 × matrix + Node baseline',
        value: m ? m.ratio_over_baseline_to_matrix : null,
        unit: '×',
        detail: m
          ? `((peak − baseline)/matrix; peak ${mb(m.peak_rss_bytes)} MB ${m.within ? '≤' : '>'} ${m.factor} × ${mb(m.matrix_bytes)} + ${mb(m.baseline_rss_bytes)} = ${mb(m.limit_bytes)} MB)`
          : '',
        test: (v) => v <= TARGETS.largeRssFactor,
      };
    })(),
  ].map((t) => ({ target: t.name, value: t.value, status: verdict(t.value, t.value !== null && t.test(t.value)), unit: t.unit, detail: t.detail || undefined }));
  say('');
  say('targets:');
  const tw = Math.max(...targets.map((t) => t.target.length));
  for (const t of targets) {
    const v =
      t.value === null
        ? 'n/a'
        : `${t.unit === 'MB' ? t.value.toFixed(1) : t.value.toFixed(3)}${t.unit === '×' ? '×' : t.unit ? ' ' + t.unit : ''}${t.detail ? ' ' + t.detail : ''}`;
    say(`  ${t.status}  ${t.target.padEnd(tw)}  ${v}`);
  }
  machine.loadavg_at_end = os.loadavg();
  say(`load average at the end: ${machine.loadavg_at_end.map((x) => x.toFixed(2)).join(' ')} (at the start: ${machine.loadavg_at_start.map((x) => x.toFixed(2)).join(' ')}; the bench itself uses up to ${jobsN} cores)`);
  if (mismatches) say(`\n!!!!!!!! ${mismatches} LL MISMATCH(ES) — see above !!!!!!!!`);
  if (failures) say(`\n!! ${failures} failure(s) — see above`);

  const doc = {
    date: started.toISOString(),
    finished: new Date().toISOString(),
    machine,
    options: { runs: opts.runs, quick: opts.quick, only: opts.only, large_runs: opts.largeRuns, install_peers: opts.installPeers, unset_openblas_coretype: opts.unsetCoretype },
    install_peers: install,
    peer: probe.ok ? { python: PYTHON, numpy: probe.numpy, scipy: probe.scipy } : { skipped: probe.reason },
    sklearn_peer: sk ? (sk.ok ? { python: PYTHON, sklearn: sk.sklearn } : { skipped: sk.reason }) : { skipped: 'synthetic not selected' },
    peer_environment: {
      note: envNote,
      inherited: Object.fromEntries(OPENBLAS_VARS.map((v) => [v, process.env[v] ?? null])),
      removed_for_peer: opts.unsetCoretype ? removed : {},
    },
    data_dir: dataDir,
    dist_stale_sources: stale,
    notes: {
      wall: 'whole process, spawn to exit, median over runs (min also given); runs alternate gmm-fit / numpy (/ scikit-learn / in-process gmm-fit on synthetic)',
      peak_rss: 'gmm-fit: process.resourceUsage().maxRSS at exit via bench/rss.js; numpy / scikit-learn: getrusage(RUSAGE_SELF).ru_maxrss at the end of the job; max over runs; MB = 10^6 bytes',
      ms_per_iteration: 'whole-process time per iteration: wall median / EM iterations summed over all fits (includes startup, parsing, output)',
      in_process_ms_per_iteration:
        'synthetic only: gmm-fit = time of one await sweepParallel(...) call / 50 (bench/synth-gmm.js, one process per run, jobs=1 and jobs=availableParallelism()); numpy = the 50 E+M iterations alone / 50; scikit-learn = GaussianMixture.fit(X) / 50 (includes input validation, one final E-step and, before sklearn 1.3, the discarded init_params step; ms_per_iteration_em_only_median subtracts the last two)',
      ll: 'log-likelihood of the selected fit; synthetic: of the 50th E-step (scikit-learn: lower_bound_ × n)',
      synthetic_data: 'bench/synth-data.js, generated once per bench run into a temp folder and deleted at the end',
      large:
        'memory only, no peer: 2,000,000 x 10 from bench/synth-data.js (--k 4, seed 20240608), generated once per bench run and deleted after its runs; gmm-fit FILE --k 4 --seed 0 --max-iter 5 --json through bench/rss.js, --large-runs runs (default 1, independent of --runs); Node baseline = peak RSS of bench/rss.js running gmm-fit --version, measured before each run (median used); ratio = (peak RSS, max over runs − baseline) / (n·d·8 bytes); target ≤ 3',
    },
    workloads: results,
    ratios_gmm_fit_over_numpy: ratios,
    synthetic_per_iteration_ratios: perIteration,
    targets,
    ll_mismatches: mismatches,
    failures,
    output: out.join('\n'),
  };
  fs.writeFileSync(OUT_JSON, JSON.stringify(doc, null, 1) + '\n');
  say('');
  say(`saved ${path.relative(process.cwd(), OUT_JSON) || OUT_JSON}`);
  process.exitCode = failures || mismatches ? 1 : 0;
}

main();
