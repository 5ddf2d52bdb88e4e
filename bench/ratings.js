#!/usr/bin/env node
'use strict';
// npm run bench:ratings  =  node bench/ratings.js [--size full|medium|small] [--runs N] [--k K] [--iterations N]
//                                                  [--jobs N] [--seed S] [--file FILE] [--install-peers] [--keep-data]
//                           node bench/ratings.js --check
//                           node bench/ratings.js --report bench/last-ratings.json
//
// gmm-fit's ratings mode (`gmm-fit fit FILE --ratings`: a long-format user,item,rating
// file read into sparse rows, the course's spherical missing-data EM in O(nnz·K) per
// iteration) against a scipy.sparse peer running the same EM (bench/peers/scipy_sparse_job.py),
// side by side in one run, on Netflix-Prize-shaped synthetic data (bench/ratings/generate.js,
// cached in the temp directory by size and seed). Measures, per tool: reading the file,
// one EM iteration (median after the first), peak RSS; checks that the log-likelihoods
// agree at every E-step; judges the targets (full size). Until the CLI has --ratings it
// says "gmm-fit has no ratings mode yet" and measures the peer alone.
// --check compares the peer with the dense course code (bench/reference/course.py).
// The text report is rendered from the JSON document saved to bench/last-ratings.json
// (--check: bench/last-ratings-check.json); --report FILE prints a saved one again.
// See the "ratings" section of bench/README.md.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { parseArgs, usageError } = require('./lib/args.js');
const { alternate, median, showWall } = require('./lib/timing.js');
const peers = require('./lib/peers.js');
const gmmFit = require('./lib/gmm-fit.js');
const { dataDir } = require('./lib/data.js');
const { finding, relDiff, LL_TOLERANCE } = require('./lib/checks.js');
const { judgeTargets, kibToMB, asStored } = require('./lib/report.js');
const { SIZES, DATA_SEED } = require('./ratings/sizes.js');
const tools = require('./ratings/tools.js');
const { REPORT_FORMAT, renderBench, renderCheck } = require('./ratings/report.js');

const OUT_JSON = path.join(__dirname, 'last-ratings.json');
const CHECK_JSON = path.join(__dirname, 'last-ratings-check.json');
// The peer's agreement with the course code (--check) is ~1e-14; gmm-fit differing by more than this is noted.
const COURSE_TOLERANCE = 1e-9;

const USAGE = `usage: node bench/ratings.js [--size full|medium|small] [--runs N] [--k K] [--iterations N] [--jobs N]
                           [--seed S] [--file FILE] [--install-peers] [--keep-data]
       node bench/ratings.js --check
       node bench/ratings.js --report FILE

  --size NAME       full (480,189 users × 17,770 items, 100,480,507 ratings: the Netflix Prize's shape; default),
                    medium (100,000 × 10,000, 10,000,000) or small (20,000 × 3,000, 1,000,000)
  --runs N          runs per tool, alternating gmm-fit / peer (default 1); figures are medians over runs
  --k K             components (default 12)
  --iterations N    EM iterations per run, ≥ 2; the per-iteration figure is the median after the first (default 5)
  --jobs N          gmm-fit's --jobs (default: the number of cores); the peer is single-threaded
  --seed S          the data's seed (default ${DATA_SEED}); the EM start is always seed 0
  --file FILE       use this user,item,rating file instead of generated data (never deleted)
  --install-peers   first apt-get install -y python3-numpy python3-scipy (apt-get update and again if that fails)
  --keep-data       keep the generated data in ${tools.CACHE_DIR} for the next run (default: deleted at the end;
                    a run always reuses the data found there)
  --check           only the agreement check: the peer against the dense course code on the course's
                    matrices (GMM_FIT_DATA, default ../shared/data), every E-step's LL to 1e-9 relative
  --report FILE     print the text report of a saved run (bench/last-ratings.json or -check.json); runs nothing
  -h, --help        this text

Environment: GMM_FIT_PYTHON (default /usr/bin/python3), GMM_FIT_DATA (the course's data, for --check).`;

const ARGS = {
  program: 'ratings.js',
  usage: USAGE,
  options: [
    { flag: '--size', key: 'size', type: 'names', choices: Object.keys(SIZES), noun: 'size' },
    { flag: '--runs', key: 'runs', type: 'count', default: 1 },
    { flag: '--k', key: 'k', type: 'count', default: 12 },
    { flag: '--iterations', key: 'iterations', type: 'count', default: 5 },
    { flag: '--jobs', key: 'jobs', type: 'count', default: os.availableParallelism() },
    { flag: '--seed', key: 'seed', type: 'path' },
    { flag: '--file', key: 'file', type: 'path' },
    { flag: '--install-peers', key: 'installPeers', type: 'flag' },
    { flag: '--keep-data', key: 'keepData', type: 'flag' },
    { flag: '--check', key: 'check', type: 'flag' },
    { flag: '--report', key: 'report', type: 'path' },
  ],
};

function main() {
  const opts = parseArgs(process.argv.slice(2), ARGS);
  if (opts.report) return printSavedReport(opts.report);
  if (opts.size && opts.size.length > 1) usageError(ARGS, `--size takes one size, got ${opts.size.join(', ')}`);
  opts.size = opts.size ? opts.size[0] : 'full';
  if (opts.iterations < 2) usageError(ARGS, '--iterations must be ≥ 2 (the per-iteration time is taken after the first)');
  if (opts.seed === null) opts.seed = DATA_SEED;
  else if (!/^\d+$/.test(opts.seed) || !Number.isSafeInteger(Number(opts.seed))) usageError(ARGS, `--seed needs a non-negative integer, got ${JSON.stringify(opts.seed)}`);
  opts.seed = Number(opts.seed);
  if (opts.file && !fs.existsSync(opts.file)) usageError(ARGS, `--file ${opts.file}: no such file`);
  if (opts.check) return check(opts);
  return bench(opts);
}

/** The machine, as every document records it. */
function machine(peer) {
  const cpus = os.cpus();
  return {
    cpu: cpus.length ? cpus[0].model : 'unknown',
    cores: cpus.length,
    available_parallelism: os.availableParallelism(),
    loadavg_at_start: os.loadavg(),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    python: peers.PYTHON,
    numpy: peer.ok ? peer.numpy : null,
    scipy: peer.ok ? peer.scipy : null,
    memory_gb: os.totalmem() / 1e9,
  };
}

function save(file, doc) {
  fs.writeFileSync(file, JSON.stringify(doc, null, 1) + '\n');
  process.stdout.write(`\nsaved ${path.relative(process.cwd(), file) || file}\n`);
}

// ---- --check -------------------------------------------------------------------

function check(opts) {
  const install = opts.installPeers ? tools.installPeers() : null;
  const peer = peers.probeNumpy(process.env);
  const doc = { report_format: REPORT_FORMAT, mode: 'check', date: new Date().toISOString(), machine: machine(peer), install_peers: install, data_dir: dataDir() };
  if (!peer.ok) doc.check = { ok_run: false, error: `scipy.sparse peer cannot run: ${peer.reason}` };
  else {
    process.stderr.write('ratings: --check: the scipy.sparse peer against the dense course code (about a minute)…\n');
    const r = tools.runCheck(doc.data_dir, process.env);
    doc.wall_s = r.wall;
    doc.check = r.ok ? { ok_run: true, ...r.doc } : { ok_run: false, error: r.error, stderr: r.stderr };
  }
  doc.machine.loadavg_at_end = os.loadavg();
  const stored = asStored(doc);
  process.stdout.write(renderCheck(stored) + '\n');
  save(CHECK_JSON, stored);
  process.exitCode = doc.check.ok_run && doc.check.ok ? 0 : 1;
}

// ---- the bench -----------------------------------------------------------------

function bench(opts) {
  const started = new Date();
  const install = opts.installPeers ? tools.installPeers() : null;
  const peer = peers.probeNumpy(process.env);
  const missingBuild = gmmFit.missingBuild();
  let stale = [];
  try {
    stale = missingBuild ? [] : gmmFit.staleSources();
  } catch (e) {
    stale = [`cannot tell whether dist/ is fresh: ${e.message}`];
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gmm-fit-ratings-'));
  const size = SIZES[opts.size];
  const doc = {
    report_format: REPORT_FORMAT,
    mode: 'bench',
    date: started.toISOString(),
    finished: null,
    machine: machine(peer),
    options: { size: opts.size, runs: opts.runs, k: opts.k, iterations: opts.iterations, jobs: opts.jobs, seed: opts.seed, file: opts.file, install_peers: opts.installPeers, keep_data: opts.keepData },
    install_peers: install,
    peer: peer.ok ? { python: peers.PYTHON, numpy: peer.numpy, scipy: peer.scipy } : { skipped: peer.reason },
    dist_stale_sources: stale,
    gmm_fit_probe: missingBuild ? { available: false, missing_mode: false, reason: missingBuild } : tools.probeRatingsMode(tmp),
    data: null,
    results: null,
    findings: [],
    targets: [],
  };
  let data = null;
  try {
    data = prepareData(opts, size);
    doc.data = data.error ? { error: data.error } : { file: data.file, truth: data.truth || null, cached: data.cached, info: data.info, file_bytes: fs.statSync(data.file).size, removed: false };
    if (!data.error) {
      const o = { k: opts.k, iterations: opts.iterations, jobs: opts.jobs };
      doc.commands = tools.commands(data.file, o);
      doc.results = runTools(doc, data.file, o, opts.runs, peer);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (data && !data.error && !data.external && !opts.keepData) {
      tools.removeData(data);
      if (doc.data) doc.data.removed = true;
    }
  }
  finish(doc);
  const stored = asStored(doc);
  process.stdout.write(renderBench(stored) + '\n');
  save(OUT_JSON, stored);
  process.exitCode = doc.failures || doc.ll_mismatches ? 1 : 0;
}

function prepareData(opts, size) {
  if (opts.file) return { file: path.resolve(opts.file), external: true, cached: false, info: null };
  return tools.ratingsData(size, opts.seed);
}

/** gmm-fit (when it has the ratings mode) and the peer (when it imports), alternating, --runs times; each summarised. */
function runTools(doc, file, o, runs, peer) {
  const list = [];
  if (doc.gmm_fit_probe.available) list.push({ key: 'gmm_fit', label: 'gmm-fit', run: () => tools.runGmmFit(file, o), show: showIteration });
  if (peer.ok) list.push({ key: 'scipy_sparse', label: 'scipy.sparse', run: () => tools.runScipy(file, o, process.env), show: showIteration });
  const out = list.length ? alternate('ratings', runs, list, { program: 'ratings' }) : {};
  return {
    gmm_fit: doc.gmm_fit_probe.available ? summarize(out.gmm_fit) : { skipped: doc.gmm_fit_probe.missing_mode ? 'gmm-fit has no ratings mode yet' : `gmm-fit --ratings does not run: ${doc.gmm_fit_probe.reason}` },
    scipy_sparse: peer.ok ? summarize(out.scipy_sparse) : { skipped: `scipy.sparse peer skipped: ${peer.reason}` },
  };
}

const showIteration = (x) => (x.ok ? `read ${typeof x.read_s === 'number' ? x.read_s.toFixed(1) : '?'}s, ${typeof x.ms_per_iteration === 'number' ? (x.ms_per_iteration / 1000).toFixed(3) : '?'} s/it (${showWall(x)} in all)` : 'FAILED');

/** A tool's runs: medians over the successful runs, peak RSS the max, the last run's figures kept. */
function summarize(runs) {
  const ok = runs.filter((r) => r.ok);
  if (!ok.length) return { ok: false, error: runs.length ? runs[runs.length - 1].error : 'not run', stderr: runs.length ? runs[runs.length - 1].stderr : undefined, runs: runs.length };
  const nums = (key) => ok.map((r) => r[key]).filter((x) => typeof x === 'number');
  const med = (key) => (nums(key).length ? median(nums(key)) : null);
  const min = (key) => (nums(key).length ? Math.min(...nums(key)) : null);
  const last = ok[ok.length - 1];
  return {
    ok: true,
    runs: runs.length,
    failed_runs: runs.length - ok.length,
    read_s_median: med('read_s'),
    read_s_min: min('read_s'),
    ms_per_iteration_median: med('ms_per_iteration'),
    ms_per_iteration_min: min('ms_per_iteration_min'),
    cpu_ms_per_iteration_median: med('cpu_ms_per_iteration'),
    peak_rss_kib: nums('maxrss_kib').length ? Math.max(...nums('maxrss_kib')) : null,
    wall_s_median: med('wall'),
    ll_varies_between_runs: ok.some((r) => r.ll !== last.ll),
    per_run: ok.map((r) => ({ read_s: r.read_s, ms_per_iteration: r.ms_per_iteration, maxrss_kib: r.maxrss_kib, wall: r.wall })),
    last,
  };
}

/** The findings, the targets and the counts, recorded in the document. */
function finish(doc) {
  doc.machine.loadavg_at_end = os.loadavg();
  const f = [];
  const res = doc.results;
  const d = doc.data;
  if (d && d.error) f.push(finding('failure', `!! no data: ${d.error}`));
  if (res) {
    const g = res.gmm_fit;
    const p = res.scipy_sparse;
    const it = doc.options.iterations;
    if (g.skipped) f.push(finding(doc.gmm_fit_probe.missing_mode ? 'info' : 'failure', doc.gmm_fit_probe.missing_mode ? `gmm-fit has no ratings mode yet: ${doc.gmm_fit_probe.reason}` : `!! ${g.skipped}`));
    if (p.skipped) f.push(finding('info', p.skipped));
    for (const [name, x] of [['gmm-fit', g], ['scipy.sparse peer', p]]) {
      if (x.skipped) continue;
      if (!x.ok) f.push(finding('failure', `!! ${name} FAILED: ${x.error}`));
      else {
        if (x.failed_runs) f.push(finding('failure', `!! ${name}: ${x.failed_runs} of ${x.runs} runs failed`));
        if (x.last.iterations !== it) f.push(finding('failure', `!! ${name} ran ${x.last.iterations} iterations, not ${it}`));
        if (x.ll_varies_between_runs) f.push(finding('warning', `!! ${name} LL differed between runs (shown: the last run's)`));
      }
    }
    const info = d && d.info;
    if (p.ok && info && (p.last.users !== info.users || p.last.items !== info.items || p.last.ratings !== info.ratings)) {
      f.push(finding('failure', `!! the peer read ${p.last.users} × ${p.last.items}, ${p.last.ratings} ratings; the generator wrote ${info.users} × ${info.items}, ${info.ratings}`));
    }
    if (g.ok && p.ok) f.push(...agreement(doc, g.last, p.last));
    if (g.ok && g.last.read_source === 'estimated') {
      f.push(finding('info', "note: gmm-fit's read time (~) is estimated from its --verbose lines: spawn to the first iteration line, less one iteration; a `timing.readMs` in the CLI's --json would be used instead"));
    }
  }
  doc.findings = f;
  doc.ratio_gmm_fit_over_peer_per_iteration = res && res.gmm_fit.ok && res.scipy_sparse.ok && res.gmm_fit.ms_per_iteration_median && res.scipy_sparse.ms_per_iteration_median ? res.gmm_fit.ms_per_iteration_median / res.scipy_sparse.ms_per_iteration_median : null;
  doc.targets = judgeTargets(targets(doc));
  doc.ll_mismatches = f.filter((x) => x.level === 'mismatch').length;
  doc.failures = f.filter((x) => x.level === 'failure').length;
  doc.finished = new Date().toISOString();
}

/** gmm-fit against the peer: the same shape, the same start rows, the same LL at every E-step (1e-6 relative). */
function agreement(doc, g, p) {
  const out = [];
  if ((g.users !== null && g.users !== p.users) || (g.items !== null && g.items !== p.items) || (g.ratings !== null && g.ratings !== p.ratings)) {
    out.push(finding('failure', `!! gmm-fit read ${g.users} × ${g.items} (${g.ratings ?? '?'} ratings), the peer ${p.users} × ${p.items} (${p.ratings})`));
  }
  if (Array.isArray(g.initial_rows) && Array.isArray(p.initial_rows) && g.initial_rows.join() !== p.initial_rows.join()) {
    out.push(finding('warning', `!! the start's rows differ: gmm-fit ${g.initial_rows.join(',')}, peer ${p.initial_rows.join(',')} (ids not mapped in order of first appearance?)`));
  }
  const n = Math.min(g.trace.length, p.trace.length);
  let worst = 0;
  let at = 0;
  let firstAbove = 0;
  for (let i = 0; i < n; i++) {
    const r = relDiff(g.trace[i], p.trace[i]);
    if (!firstAbove && !(r <= COURSE_TOLERANCE)) firstAbove = i + 1;
    if (!(r <= worst)) {
      worst = r;
      at = i + 1;
    }
  }
  doc.ll_max_rel_diff = worst;
  if (n && worst <= LL_TOLERANCE) {
    out.push(finding('ok', `LL agrees at all ${n} E-steps: largest relative difference ${worst.toExponential(2)} (≤ 1e-6), at E-step ${at}; last E-step gmm-fit ${g.ll} vs peer ${p.ll}`));
    if (worst > COURSE_TOLERANCE) {
      out.push(finding('info', `note: the peer matches the dense course code to ~1e-14 (--check); a difference above ${COURSE_TOLERANCE} (here ${worst.toExponential(2)}, first above it at E-step ${firstAbove}) means gmm-fit's EM is not exactly the course's`));
    }
  }
  else if (!n) out.push(finding('mismatch', '!!!!!!!! LL MISMATCH on ratings: no E-step log-likelihoods to compare !!!!!!!!'));
  else out.push(finding('mismatch', `!!!!!!!! LL MISMATCH on ratings: largest relative difference ${worst.toExponential(2)} (tolerance 1e-6), at E-step ${at}: gmm-fit ${g.trace[at - 1]} vs peer ${p.trace[at - 1]}; first above ${COURSE_TOLERANCE} at E-step ${firstAbove} !!!!!!!!`));
  return out;
}

function targets(doc) {
  const res = doc.results;
  const g = res && res.gmm_fit.ok ? res.gmm_fit : null;
  const p = res && res.scipy_sparse.ok ? res.scipy_sparse : null;
  const why = res && res.gmm_fit.skipped ? res.gmm_fit.skipped : '';
  // the detail: why gmm-fit has no figure, and the peer's own figure, for scale
  const detail = (peerFigure) => [g ? '' : why, p ? `peer: ${peerFigure(p)}` : ''].filter(Boolean).join('; ');
  const ratio = doc.ratio_gmm_fit_over_peer_per_iteration;
  return [
    { name: 'reading the file (gmm-fit) ≤ 60 s', value: g ? g.read_s_median : null, unit: 's', test: (v) => v <= 60, detail: detail((x) => `${x.read_s_median.toFixed(1)} s`) },
    { name: 'one EM iteration (gmm-fit, median after the first) ≤ 2 s', value: g && g.ms_per_iteration_median !== null ? g.ms_per_iteration_median / 1000 : null, unit: 's', test: (v) => v <= 2, detail: detail((x) => `${(x.ms_per_iteration_median / 1000).toFixed(3)} s`) },
    { name: 'gmm-fit peak RSS ≤ 4 GB (4000 MB)', value: g && g.peak_rss_kib !== null ? kibToMB(g.peak_rss_kib) : null, unit: 'MB', test: (v) => v <= 4000, detail: detail((x) => `${kibToMB(x.peak_rss_kib).toFixed(0)} MB`) },
    { name: 'gmm-fit / scipy.sparse peer per iteration ≤ 0.5 (same run)', value: ratio, unit: '×', test: (v) => v <= 0.5, detail: ratio === null ? why || (p ? '' : 'no peer') : '' },
  ];
}

// ---- --report ------------------------------------------------------------------

function printSavedReport(file) {
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    process.stderr.write(`ratings.js: --report: cannot read ${file}: ${e.message}\n`);
    process.exit(2);
  }
  if (!doc.report_format || !['bench', 'check'].includes(doc.mode)) {
    process.stderr.write(`ratings.js: --report: ${file} is not a document of bench/ratings.js\n`);
    process.exit(2);
  }
  if (doc.report_format > REPORT_FORMAT) process.stderr.write(`ratings.js: --report: ${file} has report_format ${doc.report_format}, newer than this bench's ${REPORT_FORMAT}; rendering what it can\n`);
  process.stdout.write((doc.mode === 'check' ? renderCheck(doc) : renderBench(doc)) + '\n');
}

main();
