#!/usr/bin/env node
'use strict';
// npm run bench  =  node bench/run.js [--runs N] [--quick] [--only NAME[,NAME]] [--install-peers] [--unset-openblas-coretype]
//
// Times gmm-fit (whole process, through bench/rss.js for its peak RSS) and the
// numpy peer bench/peers/numpy_job.py (the course code, bench/reference/course.py)
// on the same workloads in the same run, prints one table per workload, the
// gmm-fit/numpy wall-time ratios and the targets, and saves it all to
// bench/last-run.json. The `synthetic` workload (200,000 x 10, K=8, 50 EM
// iterations from the same start) also times one EM iteration in-process:
// gmm-fit's sweepParallel (bench/synth-gmm.js, jobs=1 and jobs=N), the numpy
// peer's 50 iterations and scikit-learn's GaussianMixture.fit
// (bench/peers/sklearn_job.py). See bench/README.md.

const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const REPO = path.resolve(__dirname, '..');
const RSS = path.join(__dirname, 'rss.js');
const PEER = path.join(__dirname, 'peers', 'numpy_job.py');
const SKLEARN_PEER = path.join(__dirname, 'peers', 'sklearn_job.py');
const SYNTH_GMM = path.join(__dirname, 'synth-gmm.js');
const { writeSynthetic } = require('./synth-data.js');
const WORKLOAD_NAMES = ['toy-fit', 'toy-sweep', 'netflix', 'synthetic'];
const SYNTH = { k: 8, seed: 0, iterations: 50 };
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
};

const USAGE = `usage: node bench/run.js [--runs N] [--quick] [--only NAME[,NAME]] [--install-peers] [--unset-openblas-coretype]

  --runs N                    runs per tool and workload; wall time is their median (default 5)
  --quick                     one run each (same as --runs 1)
  --only NAME[,NAME]          run only these workloads (${WORKLOAD_NAMES.join(', ')}); default all
  --install-peers             first apt-get install -y python3-numpy python3-scipy python3-sklearn
  --unset-openblas-coretype   remove OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE from the numpy
                              peer's environment only (default: environment left as it is)
  -h, --help                  this text

Environment: GMM_FIT_DATA (directory with netflix_incomplete.txt and netflix_complete.txt;
default ../shared/data next to the repository), GMM_FIT_PYTHON (default /usr/bin/python3).`;

// ---- arguments ---------------------------------------------------------------
function parseArgs(argv) {
  const opts = { runs: 5, quick: false, installPeers: false, unsetCoretype: false, only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs' || a.startsWith('--runs=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined || !/^[1-9]\d*$/.test(v)) fail(`--runs needs a positive integer, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
      opts.runs = Number(v);
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
function runGmmFit(args) {
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
    stderr: r.stderr,
  };
}

// ---- one numpy (or scikit-learn) peer run -------------------------------------
function runPeer(job, args, env, script = PEER) {
  const r = timed(PYTHON, [script, job, ...args], env);
  if (r.error || r.status !== 0) return { ok: false, wall: r.wall, error: describeFailure(r), stderr: r.stderr.trim() };
  let doc;
  try {
    doc = JSON.parse(r.stdout.trim().split('\n').pop());
  } catch (e) {
    return { ok: false, wall: r.wall, error: `stdout is not JSON: ${e.message}`, stderr: r.stderr.trim() };
  }
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
function runInProcess(file, jobs) {
  const r = timed(process.execPath, [SYNTH_GMM, file, '--jobs', String(jobs), '--k', String(SYNTH.k), '--seed', String(SYNTH.seed), '--iterations', String(SYNTH.iterations)], process.env);
  if (r.error || r.status !== 0) return { ok: false, wall: r.wall, error: describeFailure(r), stderr: r.stderr.trim() };
  let doc;
  try {
    doc = JSON.parse(r.stdout.trim().split('\n').pop());
  } catch (e) {
    return { ok: false, wall: r.wall, error: `stdout is not JSON: ${e.message}`, stderr: r.stderr.trim() };
  }
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
    return blas.map((b) => `${b.internal_api} ${b.version ?? ''} ${b.architecture ?? '?'} x${b.num_threads}`.replace(/\s+/g, ' ')).join('; ');
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

  const dataDir = process.env.GMM_FIT_DATA || path.join(REPO, '..', 'shared', 'data');
  const netflixIn = path.join(dataDir, 'netflix_incomplete.txt');
  const netflixTruth = path.join(dataDir, 'netflix_complete.txt');
  const haveNetflix = fs.existsSync(netflixIn) && fs.existsSync(netflixTruth);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gmm-fit-bench-'));
  const toy = path.join('data', 'toy.txt');

  const workloads = [
    { name: 'toy-fit', cli: [toy, '--k', '3', '--seed', '0', '--json'], peer: [toy] },
    { name: 'toy-sweep', cli: [toy, '--k', '1..4', '--seeds', '0..4', '--json'], peer: [toy] },
    {
      name: 'netflix',
      skip: haveNetflix ? null : `netflix skipped: ${netflixIn} and/or ${netflixTruth} not found (set GMM_FIT_DATA to their directory)`,
      cli: ['complete', netflixIn, '--k', '12', '--seeds', '0..4', '--missing', '0', '--truth', netflixTruth, '--out', path.join(tmp, 'gmm-fit-out.txt'), '--json'],
      peer: [netflixIn, netflixTruth, path.join(tmp, 'numpy-out.txt')],
    },
  ];

  const cpus = os.cpus();
  const machine = {
    cpu: cpus.length ? cpus[0].model : 'unknown',
    cores: cpus.length,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    numpy: probe.ok ? probe.numpy : null,
    scipy: probe.ok ? probe.scipy : null,
    python: PYTHON,
  };
  const envNote = (() => {
    const shown = OPENBLAS_VARS.map((v) => `${v}=${process.env[v] ?? '(unset)'}`).join(' ');
    if (!opts.unsetCoretype) return `numpy peer environment: as inherited (${shown}); --unset-openblas-coretype removes these for the peer`;
    return `numpy peer environment: --unset-openblas-coretype: ${OPENBLAS_VARS.join(' and ')} removed for the peer only (inherited: ${shown}); gmm-fit's environment unchanged`;
  })();

  say(`gmm-fit bench — ${started.toISOString()}`);
  say(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.platform}; node ${machine.node}; numpy ${machine.numpy ?? 'n/a'}, scipy ${machine.scipy ?? 'n/a'}`);
  say(`runs per tool and workload: ${opts.runs} (wall = median, whole process, spawn to exit; runs alternate gmm-fit / numpy)`);
  say(envNote);
  if (install) say(`--install-peers: ${install.command}: ${install.ok ? 'ok' : 'FAILED'}`);
  if (!probe.ok) say(`numpy peer skipped: ${probe.reason}`);
  if (stale.length) say(`warning: dist/ older than ${stale.length} file(s) under src/ — results are for the last build`);

  const results = {};
  let failures = 0;
  let mismatches = 0;
  try {
    for (const w of workloads) {
      say('');
      if (w.skip) {
        say(w.skip);
        results[w.name] = { skipped: w.skip };
        continue;
      }
      const gRuns = [];
      const pRuns = [];
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
        progress('\n');
      }
      const g = summarize(gRuns);
      const p = probe.ok ? summarize(pRuns) : { ok: false, skipped: `numpy peer skipped: ${probe.reason}` };
      const r = { command: ['gmm-fit', ...w.cli].join(' '), peer_command: `${PYTHON} bench/peers/numpy_job.py ${[w.name, ...w.peer].join(' ')}`, gmm_fit: g, numpy: p };
      results[w.name] = r;

      const isNetflix = w.name === 'netflix';
      const header = ['tool', 'wall median (s)', 'min (s)', 'peak RSS (MB)', 'LL', 'iterations', 'whole-process ms/iteration', ...(isNetflix ? ['RMSE'] : []), 'BLAS'];
      const row = (name, s, blas) =>
        s.ok
          ? [name, fmt(s.wall_median_s, 3), fmt(s.wall_min_s, 3), s.peak_rss_kib === null ? '-' : fmt(kibToMB(s.peak_rss_kib), 1), s.ll.toFixed(6), s.iterations, fmt(s.whole_process_ms_per_iteration, 2), ...(isNetflix ? [fmt(s.rmse, 6)] : []), blas]
          : [name, 'FAILED', '', '', '', '', '', ...(isNetflix ? [''] : []), ''];
      const rows = [row('gmm-fit', g, '-')];
      if (probe.ok) rows.push(row('numpy', p, p.ok ? blasLabel(p.blas, p.openblas_env) : ''));
      say(`== ${w.name}: ${r.command}`);
      say(table(header, rows));
      if (!g.ok) {
        failures++;
        say(`!! gmm-fit FAILED: ${g.error}`);
      } else if (g.failed_runs) {
        failures++;
        say(`!! gmm-fit: ${g.failed_runs} of ${opts.runs} runs failed`);
      }
      if (g.ok && g.ll_varies_between_runs) say('!! gmm-fit LL differed between runs (shown: last run)');
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
        if (r.ll_agrees && sameSel) say(`LL agrees: relative difference ${rel.toExponential(2)} (≤ 1e-6); both select K=${g.k} seed ${g.seed}`);
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
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  // ---- ratios ----
  say('');
  say('gmm-fit / numpy wall time (median / median; < 1 means gmm-fit is faster):');
  const ratios = {};
  for (const w of workloads) {
    const r = results[w.name];
    let text;
    if (r.skipped) text = 'n/a (workload skipped)';
    else if (!r.gmm_fit.ok || !r.numpy.ok) text = `n/a (${!r.gmm_fit.ok ? 'gmm-fit failed' : r.numpy.skipped ? 'no numpy peer' : 'numpy peer failed'})`;
    else {
      ratios[w.name] = r.gmm_fit.wall_median_s / r.numpy.wall_median_s;
      text = `${ratios[w.name].toFixed(2)}  (${r.gmm_fit.wall_median_s.toFixed(3)} s / ${r.numpy.wall_median_s.toFixed(3)} s)`;
    }
    say(`  ${w.name.padEnd(10)} ${text}`);
  }

  // ---- targets ----
  const g = (name) => (results[name] && results[name].gmm_fit && results[name].gmm_fit.ok ? results[name].gmm_fit : null);
  const verdict = (value, ok) => (value === null || value === undefined ? 'SKIP' : ok ? 'PASS' : 'MISS');
  const targets = [
    { name: 'toy-fit gmm-fit wall median < 0.3 s', value: g('toy-fit') ? g('toy-fit').wall_median_s : null, unit: 's', test: (v) => v < TARGETS.toyFitWall },
    { name: 'toy-sweep gmm-fit wall median < 0.5 s', value: g('toy-sweep') ? g('toy-sweep').wall_median_s : null, unit: 's', test: (v) => v < TARGETS.toySweepWall },
    { name: 'netflix gmm-fit peak RSS < 300 MB', value: g('netflix') && g('netflix').peak_rss_kib !== null ? kibToMB(g('netflix').peak_rss_kib) : null, unit: 'MB', test: (v) => v < TARGETS.netflixRssMB },
    { name: 'netflix gmm-fit/numpy wall ≤ 1.0', value: ratios.netflix ?? null, unit: '', test: (v) => v <= TARGETS.netflixRatio },
  ].map((t) => ({ target: t.name, value: t.value, status: verdict(t.value, t.value !== null && t.test(t.value)), unit: t.unit }));
  say('');
  say('targets:');
  for (const t of targets) {
    const v = t.value === null ? 'n/a' : `${t.unit === 'MB' ? t.value.toFixed(1) : t.unit === 's' ? t.value.toFixed(3) : t.value.toFixed(2)}${t.unit ? ' ' + t.unit : ''}`;
    say(`  ${t.status}  ${t.target.padEnd(40)} ${v}`);
  }
  if (mismatches) say(`\n!!!!!!!! ${mismatches} LL MISMATCH(ES) — see above !!!!!!!!`);
  if (failures) say(`\n!! ${failures} failure(s) — see above`);

  const doc = {
    date: started.toISOString(),
    finished: new Date().toISOString(),
    machine,
    options: { runs: opts.runs, quick: opts.quick, install_peers: opts.installPeers, unset_openblas_coretype: opts.unsetCoretype },
    install_peers: install,
    peer: probe.ok ? { python: PYTHON, numpy: probe.numpy, scipy: probe.scipy } : { skipped: probe.reason },
    peer_environment: {
      note: envNote,
      inherited: Object.fromEntries(OPENBLAS_VARS.map((v) => [v, process.env[v] ?? null])),
      removed_for_peer: opts.unsetCoretype ? removed : {},
    },
    data_dir: dataDir,
    dist_stale_sources: stale,
    notes: {
      wall: 'whole process, spawn to exit, median over runs (min also given); runs alternate gmm-fit / numpy',
      peak_rss: 'gmm-fit: process.resourceUsage().maxRSS at exit via bench/rss.js; numpy: getrusage(RUSAGE_SELF).ru_maxrss at the end of the job; max over runs; MB = 10^6 bytes',
      ms_per_iteration: 'whole-process time per iteration: wall median / EM iterations summed over all fits (includes startup, parsing, output)',
      ll: 'log-likelihood of the selected fit',
    },
    workloads: results,
    ratios_gmm_fit_over_numpy: ratios,
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
