#!/usr/bin/env node
'use strict';
// npm run bench:optima  =  node bench/optima.js [--only DATASET[,…]] [--families F[,…]] [--k LIST]
//                                               [--seeds N] [--quick] [--parallel N] [--export DIR]
//                                               [--install-peers]
//                          node bench/optima.js --report bench/last-optima.json
//
// Does gmm-fit find the optimum? On real data sets that ship with scikit-learn
// and R, for each covariance family (spherical, diag, full) and K = 1..6,
// gmm-fit's best log-likelihood over its starts (--seeds 0..9 with --init
// random, kmeans, kmeans++, --init all and --init all --accelerate where the build has them) is put
// beside scikit-learn's GaussianMixture(n_init=10) and mclust's Mclust (its
// default hc start), all in the same run. The target (the project's issue):
// gmm-fit ≥ the best peer to 1e-6 relative in every case where that peer's
// solution has no covariance eigenvalue below 1e-3 × the data's smallest
// column variance; cases where only a collapsed peer solution is higher are
// listed apart, not counted as misses. Each miss is then checked by starting
// gmm-fit's EM from the peer's own solution (is the higher optimum one of
// gmm-fit's model, or does it rely on the peer's model: mclust has no reg_covar).
//
// Data: exported to CSV in a temporary folder by bench/peers/optima_export.py
// (scikit-learn) and optima_export.R (R). Peers: bench/peers/sklearn_optima.py,
// bench/peers/mclust_optima.R; a missing peer is reported, not fatal. The text
// report is rendered from the JSON document saved to bench/last-optima.json
// (git-ignored); --report FILE prints it again. See bench/README.md, "optima".
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const crypto = require('crypto');
const { parseArgs } = require('./lib/args.js');
const { REPO, timedAsync, describeFailure } = require('./lib/timing.js');
const peers = require('./lib/peers.js');
const gmmFit = require('./lib/gmm-fit.js');
const { sha256File } = require('./lib/data.js');
const { LL_TOLERANCE } = require('./lib/checks.js');
const { table } = require('./lib/report.js');
const { mixtureMinEigenvalue } = require('./lib/eigen.js');

const REPORT_FORMAT = 1;
const OUT_JSON = path.join(__dirname, 'last-optima.json');
const CLI = path.join(REPO, 'bin', 'gmm-fit.js');
// The gmm-fit that is run: GMM_FIT_CLI when set (another build's bin/gmm-fit.js, run as it is),
// else a snapshot of this worktree's bin/ and dist/ (see snapshotBuild), else (--no-snapshot) bin/gmm-fit.js itself.
const GMM = { cli: process.env.GMM_FIT_CLI ? path.resolve(process.env.GMM_FIT_CLI) : CLI, env: process.env };
const RSCRIPT = process.env.GMM_FIT_RSCRIPT || 'Rscript';
const PEERS_DIR = path.join(__dirname, 'peers');
const EXPORT_PY = path.join(PEERS_DIR, 'optima_export.py');
const EXPORT_R = path.join(PEERS_DIR, 'optima_export.R');
const SKLEARN_OPTIMA = path.join(PEERS_DIR, 'sklearn_optima.py');
const MCLUST_OPTIMA = path.join(PEERS_DIR, 'mclust_optima.R');

const FAMILIES = ['spherical', 'diag', 'full'];
const MCLUST_MODELS = { spherical: 'VII', diag: 'VVI', full: 'VVV' };
// gmm-fit's --init methods, each a sweep over the same seeds; 'all' joins them when the build has it
const STARTS = ['random', 'kmeans', 'kmeans++'];
const BEST_OF_STARTS = 'best of starts';
// --init all with guarded SQUAREM (--accelerate): the same starts, EM carried further at the same stopping rule
const ALL_ACCELERATED = 'all --accelerate';
/** The command-line words of a gmm-fit variant. */
const initArgs = (init) => (init === ALL_ACCELERATED ? ['--init', 'all', '--accelerate'] : ['--init', init]);
/** What the headline figure is called in the report. */
const headlineName = (headline) => (headline === BEST_OF_STARTS ? 'best of its starts' : `--init ${headline}`);
const COLLAPSE_FACTOR = 1e-3; // a peer eigenvalue below this × the smallest column variance: collapsed
const MCLUST_TOL = 1e-6; // mclust's relative EM tolerance here (its default is 1e-5): gmm-fit's
const TIMEOUT_S = 1800; // one process; a hung peer must not hang the bench
const PACKAGES = ['python3-numpy', 'python3-scipy', 'python3-sklearn', 'r-base-core', 'r-cran-mclust'];

// The data sets, in report order: the five of scikit-learn's bundled ones, then R's (datasets, MASS, mclust).
const DATASETS = [
  ...['iris', 'wine', 'breast_cancer', 'digits', 'diabetes'].map((name) => ({ name, from: 'scikit-learn' })),
  ...['faithful', 'quakes', 'mtcars', 'trees', 'USArrests', 'swiss', 'attitude', 'LifeCycleSavings', 'airquality', 'rock', 'geyser', 'banknote'].map((name) => ({
    name,
    from: 'R',
  })),
];
const QUICK_DATASETS = ['iris', 'wine', 'faithful', 'quakes'];
const QUICK_SEEDS = 3;
const DEFAULT_SEEDS = 10;

const USAGE = `usage: node bench/optima.js [--only DATASET[,…]] [--data FILE[,FILE…]] [--families F[,…]] [--k LIST] [--seeds N]
                          [--quick] [--parallel N] [--export DIR] [--install-peers]
       node bench/optima.js --report FILE

  --only DATASET[,…]   only these data sets (default all ${DATASETS.length}): ${DATASETS.map((d) => d.name).join(', ')}
  --data FILE[,FILE…]  other data sets, held out from the built-in ones: comma-separated numeric CSV files with a
                       header row and no missing cell, each named by its file name; alone unless --only or --quick
                       also names built-in ones
  --families F[,…]     spherical, diag, full (default all three)
  --k LIST             the K of every family: 3, 1,2,4 or 1..6 (default 1..6)
  --seeds N            gmm-fit --seeds 0..N-1 for each --init, scikit-learn n_init=N (default ${DEFAULT_SEEDS}; --quick ${QUICK_SEEDS})
  --quick              ${QUICK_DATASETS.join(', ')} only (unless --only), ${QUICK_SEEDS} seeds (unless --seeds)
  --parallel N         processes at once (default os.availableParallelism()); the peers then get one BLAS thread each
  --export DIR         write the data sets' CSV files to DIR and keep them (default: a temporary folder, deleted)
  --install-peers      first apt-get update, then apt-get install -y ${PACKAGES.join(' ')}
  --no-snapshot        run the worktree's bin/ and dist/ directly (default: a copy taken at the start, so that
                       a rebuild during the run cannot change or break it)
  --report FILE        print the report of a saved run (e.g. bench/last-optima.json) again; runs nothing
  -h, --help           this text

Environment: GMM_FIT_PYTHON (default /usr/bin/python3), GMM_FIT_RSCRIPT (default Rscript),
GMM_FIT_CLI (another build's bin/gmm-fit.js to measure, run as it is; default this worktree's).`;

const ARGS = {
  program: 'optima.js',
  usage: USAGE,
  options: [
    { flag: '--only', key: 'only', type: 'names', choices: DATASETS.map((d) => d.name), noun: 'data set' },
    { flag: '--data', key: 'data', type: 'path' },
    { flag: '--families', key: 'families', type: 'names', choices: FAMILIES, noun: 'family' },
    { flag: '--k', key: 'k', type: 'ints' },
    { flag: '--seeds', key: 'seeds', type: 'count' },
    { flag: '--quick', key: 'quick', type: 'flag' },
    { flag: '--parallel', key: 'parallel', type: 'count' },
    { flag: '--export', key: 'export', type: 'path' },
    { flag: '--install-peers', key: 'installPeers', type: 'flag' },
    { flag: '--no-snapshot', key: 'noSnapshot', type: 'flag' },
    { flag: '--report', key: 'report', type: 'path' },
  ],
};

const say = (text) => process.stderr.write(`optima: ${text}\n`);

async function main() {
  const o = parseArgs(process.argv.slice(2), ARGS);
  if (o.report) return printSavedReport(o.report);
  const t0 = process.hrtime.bigint();
  const cpu0 = childrenCpuSeconds();
  const started = new Date();
  const missing = process.env.GMM_FIT_CLI ? null : gmmFit.missingBuild();
  if (missing) {
    say(missing);
    process.exit(1);
  }
  const stale = process.env.GMM_FIT_CLI ? [] : gmmFit.staleSources();
  if (stale.length) say(`warning: ${stale.join('; ')}; rebuild with  npm run build`);

  const given = o.data ? o.data.split(',').filter((f) => f !== '') : [];
  const settings = {
    datasets: o.only ?? (o.quick ? QUICK_DATASETS : given.length ? [] : DATASETS.map((d) => d.name)),
    data: given.map((f) => path.resolve(f)),
    families: o.families ?? FAMILIES,
    k: o.k ?? [1, 2, 3, 4, 5, 6],
    seeds: o.seeds ?? (o.quick ? QUICK_SEEDS : DEFAULT_SEEDS),
    parallel: o.parallel ?? os.availableParallelism(),
  };
  // report order, whatever order --only named them in
  settings.datasets = DATASETS.map((d) => d.name).filter((n) => settings.datasets.includes(n));

  const install = o.installPeers ? peers.installDebianPackages(PACKAGES, { update: true, program: 'optima' }) : null;
  const probes = { sklearn: probeSklearn(), r: probeR() };
  const peerEnv = peerEnvironment(settings.parallel);
  const dir = o.export ? path.resolve(o.export) : fs.mkdtempSync(path.join(os.tmpdir(), 'gmm-fit-optima-'));
  fs.mkdirSync(dir, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gmm-fit-optima-work-'));
  const snapshot = process.env.GMM_FIT_CLI ? { taken: false, cli: GMM.cli } : o.noSnapshot ? { taken: false } : snapshotBuild(work);

  const doc = {
    report_format: REPORT_FORMAT,
    date: started.toISOString(),
    finished: null,
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      available_parallelism: os.availableParallelism(),
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
      node: process.version,
      loadavg_at_start: os.loadavg(),
    },
    gmm_fit_version: gmmFitVersion(),
    dist_stale_sources: stale,
    gmm_fit_build: snapshot,
    options: { only: o.only, data: o.data, families: o.families, k: o.k, seeds: o.seeds, quick: o.quick, parallel: o.parallel, export: o.export, install_peers: o.installPeers, no_snapshot: o.noSnapshot },
    settings: {
      ...settings,
      ll_tolerance: LL_TOLERANCE,
      collapse_factor: COLLAPSE_FACTOR,
      mclust_tol: MCLUST_TOL,
      reg_covar: 'gmm-fit: its defaults, no --reg-covar, and for diag and full --cov-floor 1e-6 (each covariance ⪰ 1e-6 × diag(column variances)); scikit-learn: reg_covar=1e-6 for all three; mclust: none (it has no reg_covar)',
      peer_threads: peerEnv.note,
    },
    install_peers: install,
    peers: {
      sklearn: probes.sklearn.ok ? { python: peers.PYTHON, sklearn: probes.sklearn.sklearn } : { skipped: probes.sklearn.reason },
      mclust: probes.r.ok && probes.r.mclust ? { rscript: RSCRIPT, r: probes.r.r, mclust: probes.r.mclust } : { skipped: probes.r.ok ? `R ${probes.r.r} has no mclust (apt-get install r-cran-mclust)` : probes.r.reason },
    },
    export_dir: o.export ? dir : null,
    datasets: [],
    init_all: null,
    variants: [],
    headline: null,
    runs: [],
    cases: [],
    checks_run: 0,
    summary: null,
    timing: {},
    failures: [],
  };

  try {
    let t = process.hrtime.bigint();
    doc.datasets = [...exportDatasets(settings.datasets, dir, probes, peerEnv.env), ...givenDatasets(settings.data, dir, settings.datasets)];
    doc.timing.export_s = seconds(t);
    const usable = doc.datasets.filter((d) => !d.skipped);
    for (const d of doc.datasets) if (d.skipped) say(`${d.name}: skipped: ${d.skipped}`);
    if (!usable.length) throw new Error('no data set could be exported (scikit-learn and R both missing? try --install-peers)');

    doc.init_all = probeInitAll(usable[0].file);
    doc.accelerate = doc.init_all.ok ? probeInitAll(usable[0].file, ['--accelerate']) : { ok: false, reason: 'no --init all' };
    doc.variants = doc.init_all.ok ? [...STARTS, 'all', ...(doc.accelerate.ok ? [ALL_ACCELERATED] : [])] : [...STARTS];
    doc.headline = doc.accelerate.ok ? ALL_ACCELERATED : doc.init_all.ok ? 'all' : BEST_OF_STARTS;
    say(`gmm-fit --init all: ${doc.init_all.ok ? 'available' : `not in this build (${doc.init_all.reason}); gmm-fit's figure is the best of ${STARTS.join(', ')}`}`);

    t = process.hrtime.bigint();
    const jobs = buildJobs(usable, settings, doc, probes, peerEnv.env, work);
    say(`${jobs.length} processes, ${settings.parallel} at a time`);
    await runPool(jobs, settings.parallel);
    doc.timing.fits_wall_s = seconds(t);
    doc.runs = jobs.map((j) => ({ tool: j.tool, dataset: j.dataset, family: j.family, init: j.init, command: j.shown, wall_s: j.result.wall, ok: j.result.ok, error: j.result.error }));
    for (const j of jobs) if (!j.result.ok && j.tool === 'gmm-fit') doc.failures.push(`gmm-fit ${j.dataset} ${j.family} --init ${j.init}: ${j.result.error}`);

    doc.cases = buildCases(usable, settings, doc, jobs);
    t = process.hrtime.bigint();
    doc.checks_run = await checkMisses(doc, jobs, work, settings.parallel);
    doc.timing.checks_wall_s = seconds(t);
    doc.summary = summarize(doc);
    doc.timing.by_tool = timeByTool(doc.runs);
  } catch (e) {
    doc.failures.push(e.message);
    say(`error: ${e.message}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    if (!o.export) fs.rmSync(dir, { recursive: true, force: true });
  }
  doc.machine.loadavg_at_end = os.loadavg();
  doc.timing.wall_s = seconds(t0);
  const cpu1 = childrenCpuSeconds();
  doc.timing.children_cpu_s = cpu0 === null || cpu1 === null ? null : cpu1 - cpu0;
  doc.finished = new Date().toISOString();

  const stored = JSON.parse(JSON.stringify(doc));
  process.stdout.write(renderReport(stored) + '\n');
  fs.writeFileSync(OUT_JSON, JSON.stringify(doc, null, 1) + '\n');
  process.stdout.write(`saved ${path.relative(process.cwd(), OUT_JSON) || OUT_JSON}\n`);
  process.exitCode = doc.failures.length ? 1 : 0;
}

const seconds = (t) => Number(process.hrtime.bigint() - t) / 1e9;

/**
 * CPU seconds (user + system) of this process's finished children, from
 * /proc/self/stat (cutime, cstime; Linux only, else null). Unlike wall time it
 * does not grow when other work shares the machine.
 */
function childrenCpuSeconds() {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
    return (Number(fields[13]) + Number(fields[14])) / ticks; // fields 16 and 17 of stat(5), counted from state = 3
  } catch {
    return null;
  }
}

// ---- the tools: probes, versions ---------------------------------------------

function probeSklearn() {
  if (!fs.existsSync(peers.PYTHON)) return { ok: false, reason: `${peers.PYTHON} not found (apt-get install python3-sklearn, or --install-peers)` };
  return peers.probeSklearn(process.env);
}

/** R and mclust: { ok, r, mclust|null } or { ok: false, reason }. */
function probeR() {
  const r = spawnSync(RSCRIPT, ['-e', 'cat(paste(R.version$major, R.version$minor, sep = "."), if (requireNamespace("mclust", quietly = TRUE)) as.character(packageVersion("mclust")) else "-")'], {
    encoding: 'utf8',
  });
  if (r.error) return { ok: false, reason: `${RSCRIPT} not found (apt-get install r-base-core r-cran-mclust, or --install-peers)` };
  if (r.status !== 0) return { ok: false, reason: `${RSCRIPT} failed: ${(r.stderr || '').trim().split('\n').pop()}` };
  const [ver, mclust] = r.stdout.trim().split(/\s+/);
  return { ok: true, r: ver, mclust: mclust === '-' ? null : mclust };
}

/**
 * Copies bin/, dist/ and package.json to WORK/gmm-fit (1–2 MB) and runs gmm-fit
 * from there, its dependencies found through NODE_PATH=node_modules of the
 * repository: other people rebuilding dist/ during a run of several minutes can
 * then neither break a run halfway nor mix two builds in one report. The copy
 * must answer a small fit (data/toy.txt); one taken while dist/ was being written
 * fails that, and is taken again (up to 6 times, 20 s apart).
 * @returns {{ taken: boolean, dist_sha256?: string, at?: string, attempts?: number, error?: string }}
 */
function snapshotBuild(work) {
  const dir = path.join(work, 'gmm-fit');
  const env = { ...process.env, NODE_PATH: [path.join(REPO, 'node_modules'), process.env.NODE_PATH].filter(Boolean).join(path.delimiter) };
  let last = '';
  for (let attempt = 1; attempt <= 6; attempt++) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    for (const x of ['bin', 'dist']) fs.cpSync(path.join(REPO, x), path.join(dir, x), { recursive: true });
    fs.copyFileSync(path.join(REPO, 'package.json'), path.join(dir, 'package.json'));
    const cli = path.join(dir, 'bin', 'gmm-fit.js');
    const r = spawnSync(process.execPath, [cli, path.join(REPO, 'data', 'toy.txt'), '--k', '2', '--seed', '0', '--json'], { encoding: 'utf8', env, cwd: REPO });
    if (r.status === 0) {
      GMM.cli = cli;
      GMM.env = env;
      return { taken: true, at: new Date().toISOString(), attempts: attempt, dist_sha256: treeHash(path.join(dir, 'dist')) };
    }
    last = (r.stderr || '').trim().split('\n').pop();
    say(`the copy of dist/ does not run (${last}); dist/ may be being rebuilt: trying again in 20 s`);
    spawnSync('sleep', ['20']);
  }
  say('warning: no working copy of dist/; running the worktree\'s bin/ and dist/ directly');
  return { taken: false, error: last };
}

/** sha256 over a folder's files (names and contents, in sorted order): which build a report is of. */
function treeHash(dir) {
  const hash = crypto.createHash('sha256');
  const walk = (d) => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (fs.statSync(p).isDirectory()) walk(p);
      else hash.update(path.relative(dir, p)).update('\0').update(fs.readFileSync(p));
    }
  };
  walk(dir);
  return hash.digest('hex');
}

function gmmFitVersion() {
  const r = spawnSync(process.execPath, [GMM.cli, '--version'], { encoding: 'utf8', cwd: REPO, env: GMM.env });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Does this build have --init all? Tried on a real file: exit 0 = yes; a usage error says why not. */
function probeInitAll(file, more = []) {
  const r = spawnSync(process.execPath, [GMM.cli, file, '--k', '1', '--seed', '0', '--init', 'all', ...more, '--json'], { encoding: 'utf8', cwd: REPO, env: GMM.env });
  if (r.status === 0) return { ok: true };
  return { ok: false, reason: (r.stderr || '').trim().split('\n').pop().replace(/^gmm-fit: error: /, '') };
}

/** The peers' environment: inherited; with several processes at once, one BLAS / OpenMP thread each. */
function peerEnvironment(parallel) {
  const env = { ...process.env };
  if (parallel <= 1) return { env, note: 'peers: environment as inherited (BLAS threads as set)' };
  for (const v of ['OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS']) env[v] = '1';
  return { env, note: `peers: OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=1 (${parallel} processes run at once)` };
}

// ---- the data ---------------------------------------------------------------

/**
 * Writes DIR/NAME.csv for each selected data set through its exporter
 * (scikit-learn's with python, R's with Rscript) and describes each: its source,
 * rows and columns, the columns dropped, the smallest column variance (and so
 * the collapse threshold), the file's sha256. A data set whose exporter is
 * missing or failed is { name, skipped }.
 */
function exportDatasets(names, dir, probes, env) {
  const out = new Map();
  const groups = [
    { from: 'scikit-learn', probe: probes.sklearn, cmd: peers.PYTHON, script: EXPORT_PY },
    { from: 'R', probe: probes.r, cmd: RSCRIPT, script: EXPORT_R },
  ];
  for (const g of groups) {
    const wanted = DATASETS.filter((d) => d.from === g.from && names.includes(d.name)).map((d) => d.name);
    if (!wanted.length) continue;
    if (!g.probe.ok) {
      for (const n of wanted) out.set(n, { name: n, from: g.from, skipped: `its exporter needs ${g.from}: ${g.probe.reason}` });
      continue;
    }
    say(`exporting ${wanted.join(', ')} (${g.from})`);
    const r = spawnSync(g.cmd, [g.script, dir, wanted.join(',')], { encoding: 'utf8', env, maxBuffer: 64 << 20 });
    let report = null;
    try {
      report = JSON.parse(r.stdout.trim().split('\n').pop());
    } catch {
      report = null;
    }
    if (r.error || r.status !== 0 || !report) {
      const why = r.error ? r.error.message : `exit ${r.status}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}`;
      for (const n of wanted) out.set(n, { name: n, from: g.from, skipped: `the ${g.from} exporter failed: ${why}` });
      continue;
    }
    for (const e of report.errors) out.set(e.name, { name: e.name, from: g.from, skipped: e.error });
    for (const d of report.datasets) out.set(d.name, { ...d, from: g.from, ...csvStats(d.file) });
  }
  return names.map((n) => out.get(n) ?? { name: n, skipped: 'not exported' });
}

/**
 * --data: each file checked (a header row, then rows of as many numbers, comma-separated, no
 * missing cell: what the peers' readers take) and copied to DIR/NAME.csv, NAME its file name
 * without extensions (a clash with another data set's name gets a suffix); a file that does
 * not pass is { name, skipped } with the reason, line and cell.
 */
function givenDatasets(files, dir, taken) {
  const names = new Set(taken);
  return files.map((file) => {
    let name = path.basename(file).replace(/\..*$/, '') || 'data';
    for (let i = 2; names.has(name); i++) name = `${path.basename(file).replace(/\..*$/, '')}-${i}`;
    names.add(name);
    let text;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      return { name, from: 'given', skipped: `cannot read ${file}: ${e.message}` };
    }
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    if (lines.length < 3) return { name, from: 'given', skipped: `${file}: a header row and at least two rows are needed` };
    const header = lines[0].split(',');
    if (header.every((c) => c.trim() !== '' && Number.isFinite(Number(c)))) return { name, from: 'given', skipped: `${file}:1: the first row is numbers, but a header row is needed` };
    for (let l = 1; l < lines.length; l++) {
      const cells = lines[l].split(',');
      if (cells.length !== header.length) return { name, from: 'given', skipped: `${file}:${l + 1}: ${cells.length} cells, the header has ${header.length}` };
      const bad = cells.findIndex((c) => c.trim() === '' || !Number.isFinite(Number(c)));
      if (bad >= 0) return { name, from: 'given', skipped: `${file}:${l + 1}:${bad + 1}: ${JSON.stringify(cells[bad])} is not a number (numeric columns only, no missing cell)` };
    }
    const copy = path.join(dir, `${name}.csv`);
    fs.writeFileSync(copy, lines.join('\n') + '\n');
    const stats = csvStats(copy);
    return { name, from: 'given', source: `--data ${file}`, file: copy, rows: stats.csv_rows, cols: stats.csv_cols, dropped: [], note: 'held out: given with --data', ...stats };
  });
}

/** rows, columns, each column's population variance (divisor n), the smallest and its column, sha256. */
function csvStats(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const header = lines[0].split(',');
  const rows = lines.slice(1).map((l) => l.split(',').map(Number));
  const d = header.length;
  const mean = new Array(d).fill(0);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j] += r[j] / rows.length;
  const variance = new Array(d).fill(0);
  for (const r of rows) for (let j = 0; j < d; j++) variance[j] += (r[j] - mean[j]) ** 2 / rows.length;
  let jMin = 0;
  for (let j = 1; j < d; j++) if (variance[j] < variance[jMin]) jMin = j;
  return {
    csv_rows: rows.length,
    csv_cols: d,
    min_col_variance: variance[jMin],
    min_col_variance_column: header[jMin],
    collapse_threshold: COLLAPSE_FACTOR * variance[jMin],
    sha256: sha256File(file),
  };
}

// ---- the runs -----------------------------------------------------------------

/** `--k` as gmm-fit spells it: 1..6 when contiguous, else a comma list. */
function kArgument(ks) {
  const contiguous = ks.every((k, i) => i === 0 || k === ks[i - 1] + 1);
  return contiguous && ks.length > 1 ? `${ks[0]}..${ks[ks.length - 1]}` : ks.join(',');
}

const shownPath = (file) => path.join('DATA', path.basename(file));

/** Every process of the run, longest first (so that two at a time finish together). */
function buildJobs(datasets, settings, doc, probes, peerEnv, work) {
  const jobs = [];
  const kArg = kArgument(settings.k);
  const seedsArg = settings.seeds > 1 ? `0..${settings.seeds - 1}` : '0';
  const weight = (d, family) => d.rows * (family === 'full' ? d.cols * d.cols : d.cols);
  for (const d of datasets) {
    for (const family of settings.families) {
      for (const init of doc.variants) {
        const args = [d.file, '--k', kArg, '--covariance', family, '--seeds', seedsArg, ...initArgs(init), '--json'];
        jobs.push({
          tool: 'gmm-fit',
          dataset: d.name,
          family,
          init,
          cmd: process.execPath,
          args: [GMM.cli, ...args],
          env: GMM.env,
          shown: `node bin/gmm-fit.js ${shownPath(d.file)} ${args.slice(1).join(' ')}`,
          cost: weight(d, family) * settings.seeds * (init === 'all' || init === ALL_ACCELERATED ? 3 : 1),
          parse: parseGmmFit,
        });
      }
    }
    if (probes.sklearn.ok) {
      const solutions = path.join(work, `${d.name}.sklearn.solutions.json`);
      const args = [SKLEARN_OPTIMA, d.file, settings.families.join(','), settings.k.join(','), String(settings.seeds), solutions];
      jobs.push({
        tool: 'scikit-learn',
        dataset: d.name,
        cmd: peers.PYTHON,
        args,
        env: peerEnv,
        solutions,
        shown: `${peers.PYTHON} bench/peers/sklearn_optima.py ${shownPath(d.file)} ${args.slice(2, 5).join(' ')} SOLUTIONS.json`,
        cost: settings.families.reduce((s, f) => s + weight(d, f), 0) * settings.seeds * 2,
        parse: parseSklearn,
      });
    }
    if (doc.peers.mclust.mclust) {
      const solutions = path.join(work, `${d.name}.mclust.solutions.json`);
      const args = [MCLUST_OPTIMA, d.file, settings.families.join(','), settings.k.join(','), String(MCLUST_TOL), solutions];
      jobs.push({
        tool: 'mclust',
        dataset: d.name,
        cmd: RSCRIPT,
        args,
        env: peerEnv,
        solutions,
        shown: `Rscript bench/peers/mclust_optima.R ${shownPath(d.file)} ${args.slice(2, 5).join(' ')} SOLUTIONS.json`,
        cost: d.rows * d.rows * 0.05 + settings.families.reduce((s, f) => s + weight(d, f), 0),
        parse: parseMclust,
      });
    }
  }
  return jobs.sort((a, b) => b.cost - a.cost);
}

/** Runs the jobs, `parallel` at a time; each gets `result` = its parse of the process (or { ok: false, error }). */
async function runPool(jobs, parallel) {
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const j = jobs[next++];
      const r = await timedAsync(j.cmd, j.args, j.env, { timeoutS: TIMEOUT_S });
      let result;
      if (r.error || r.status !== 0) result = { ok: false, error: describeFailure(r) };
      else {
        try {
          result = { ok: true, ...j.parse(JSON.parse(r.stdout.trim().split('\n').pop())) };
        } catch (e) {
          result = { ok: false, error: `its output is not the JSON expected: ${e.message}` };
        }
      }
      result.wall = r.wall;
      j.result = result;
      done++;
      say(`[${done}/${jobs.length}] ${j.tool} ${j.dataset}${j.family ? ' ' + j.family : ''}${j.init ? ' --init ' + j.init : ''}: ${result.ok ? r.wall.toFixed(2) + ' s' : 'FAILED: ' + result.error}`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, jobs.length)) }, worker));
}

/** gmm-fit --json: per K its best fit's LL and seed, the smallest eigenvalue of that fit, and how many fits of that K failed. */
function parseGmmFit(doc) {
  const fits = Array.isArray(doc.fits) ? doc.fits : [];
  const perK = {};
  for (const b of doc.best || []) {
    if (typeof b.logLikelihood !== 'number') continue;
    const f = fits.find((x) => x.k === b.k && x.seed === b.seed && x.logLikelihood === b.logLikelihood) ?? fits.find((x) => x.k === b.k && x.seed === b.seed);
    perK[b.k] = { ll: b.logLikelihood, seed: b.seed, min_eig: f ? mixtureMinEigenvalue(f.mixture) : null, mixture: f ? f.mixture : null, d: doc.input?.cols ?? null };
  }
  const failed = {};
  const errors = {};
  for (const f of fits) {
    if (!f.error) continue;
    failed[f.k] = (failed[f.k] ?? 0) + 1;
    errors[f.k] = errors[f.k] ?? f.error;
  }
  return { per_k: perK, failed_fits: failed, first_error: errors };
}

/** sklearn_optima.py's line, as { per_family: { F: { tol, k: { K: fit } } }, versions }. */
function parseSklearn(doc) {
  return { per_family: doc.fits, sklearn: doc.sklearn, numpy: doc.numpy, n_init: doc.n_init, seconds: doc.seconds };
}

/** mclust_optima.R's line, likewise. */
function parseMclust(doc) {
  return { per_family: doc.fits, r: doc.r, mclust: doc.mclust, hc_use: doc.hcUse, seconds: doc.seconds };
}

// ---- the cases ----------------------------------------------------------------

/**
 * One case per data set × family × K: every gmm-fit variant's best LL, the
 * peers' LLs with their smallest eigenvalues, and the judgement (judge).
 */
function buildCases(datasets, settings, doc, jobs) {
  const cases = [];
  const find = (pred) => jobs.find(pred)?.result;
  for (const d of datasets) {
    const sk = find((j) => j.tool === 'scikit-learn' && j.dataset === d.name);
    const mc = find((j) => j.tool === 'mclust' && j.dataset === d.name);
    for (const family of settings.families) {
      for (const k of settings.k) {
        const c = { dataset: d.name, family, k, threshold: d.collapse_threshold, gmm_fit: {}, peers: {} };
        for (const init of doc.variants) {
          const r = find((j) => j.tool === 'gmm-fit' && j.dataset === d.name && j.family === family && j.init === init);
          c.gmm_fit[init] = gmmFitEntry(r, k, d.collapse_threshold);
        }
        const starts = STARTS.map((init) => ({ init, ...c.gmm_fit[init] })).filter((x) => typeof x.ll === 'number');
        c.gmm_fit[BEST_OF_STARTS] = starts.length
          ? starts.reduce((a, b) => (b.ll > a.ll ? b : a))
          : { error: 'no start gave a fit', run_failed: STARTS.every((init) => c.gmm_fit[init].run_failed) };
        c.peers.sklearn = peerEntry(sk, doc.peers.sklearn, family, k, d.collapse_threshold);
        c.peers.mclust = peerEntry(mc, doc.peers.mclust, family, k, d.collapse_threshold);
        if (c.peers.mclust.model === undefined && c.peers.mclust.ll !== undefined) c.peers.mclust.model = MCLUST_MODELS[family];
        const judged = judge(c.gmm_fit[doc.headline], c.peers);
        Object.assign(c, judged);
        c.highest = highest(c, doc.headline);
        cases.push(c);
      }
    }
  }
  return cases;
}

function gmmFitEntry(r, k, threshold) {
  if (!r) return { error: 'not run', run_failed: true };
  if (!r.ok) return { error: r.error, run_failed: true };
  const failed = r.failed_fits[k] ?? 0;
  const x = r.per_k[k];
  if (!x) return { error: `every fit failed: ${r.first_error[k] ?? 'no fit of this K in the JSON'}`, failed_fits: failed };
  const { mixture, d, ...kept } = x; // the mixture stays out of the document (bench/optima.js's checks read it from the run)
  return { ...kept, collapsed: x.min_eig !== null && x.min_eig < threshold, failed_fits: failed };
}

function peerEntry(r, probe, family, k, threshold) {
  if (probe.skipped) return { skipped: probe.skipped };
  if (!r) return { skipped: 'not run' };
  if (!r.ok) return { error: r.error };
  const f = r.per_family?.[family]?.k?.[String(k)];
  if (!f) return { error: 'no result for this case' };
  if (f.na) return { na: true, error: f.error };
  if (f.error) return { error: f.error };
  const out = { ll: f.ll, min_eig: f.min_eig, collapsed: f.min_eig < threshold };
  for (const key of ['n_iter', 'converged', 'lower_bound', 'model', 'bic', 'df', 'warnings']) if (f[key] !== undefined) out[key] = f[key];
  if (r.per_family[family].tol !== undefined) out.tol = r.per_family[family].tol;
  return out;
}

/** a is below b beyond the tolerance: b − a > 1e-6·|b|. */
const below = (a, b) => a === null || b - a > LL_TOLERANCE * Math.abs(b);

/**
 * The verdict on gmm-fit's LL g against the peers:
 *   met        no peer is higher beyond 1e-6 relative
 *   miss       a peer whose solution has no collapsed eigenvalue is higher (the best such peer is the reference)
 *   collapsed  only peers with a collapsed solution are higher: reported, not a miss
 *   no-peer    no peer has a result
 *   error      the gmm-fit run itself failed (counted as a failure of the bench)
 * `entry` is a gmm-fit entry of the case: { ll } or { error } (every fit of that K
 * failed: no LL, below every peer) or { run_failed } (the process failed).
 */
function judge(entry, peerMap) {
  if (entry.run_failed) return { status: 'error' }; // the gmm-fit process failed: a bench failure, not a verdict
  const g = entry.ll ?? null;
  const have = Object.entries(peerMap)
    .filter(([, p]) => typeof p.ll === 'number')
    .map(([name, p]) => ({ name, ...p }));
  if (!have.length) return { status: 'no-peer' };
  const above = have.filter((p) => below(g, p.ll));
  if (!above.length) return { status: 'met' };
  const genuine = above.filter((p) => !p.collapsed);
  const ref = (genuine.length ? genuine : above).reduce((a, b) => (b.ll > a.ll ? b : a));
  return {
    status: genuine.length ? 'miss' : 'collapsed',
    reference: ref.name,
    reference_ll: ref.ll,
    reference_min_eig: ref.min_eig,
    gap_abs: g === null ? null : ref.ll - g,
    gap_rel: g === null ? null : (ref.ll - g) / Math.abs(ref.ll),
  };
}

/** The tools whose LL is within the tolerance of the largest: gmm-fit (its headline figure), sklearn, mclust. */
function highest(c, headline) {
  const xs = [['gmm-fit', c.gmm_fit[headline].ll], ['sklearn', c.peers.sklearn.ll], ['mclust', c.peers.mclust.ll]].filter(([, ll]) => typeof ll === 'number');
  if (!xs.length) return [];
  const top = Math.max(...xs.map(([, ll]) => ll));
  return xs.filter(([, ll]) => !below(ll, top)).map(([name]) => name);
}

// ---- the checks of the misses -----------------------------------------------------

/**
 * For each miss, three gmm-fit runs:
 *   score  `gmm-fit score -m PEER FILE`: gmm-fit's LL of the peer's parameters
 *          (the peer's solution written as a gmm-fit model document)
 *   warm   `gmm-fit FILE --init PEER`: gmm-fit's EM (its own reg_covar, --tol 1e-6)
 *          from the peer's solution
 *   own    `gmm-fit FILE --init OWN --tol 1e-10 --max-iter 20000`: gmm-fit's own best
 *          fit of that case, continued with a much tighter tolerance
 * and the miss's class:
 *   convergence  `own` reaches the peer's LL (to 1e-6): the same optimum, which
 *                gmm-fit's stopping rule (--tol 1e-6) left a little early
 *   start        `warm` stays at the peer's LL: a higher optimum of gmm-fit's own
 *                model, which none of its starts reached
 *   model        `warm` ends below the peer's LL and not above gmm-fit's best: the
 *                peer's figure relies on a model gmm-fit does not fit (mclust has no
 *                reg_covar), not on a better start
 *   model+start  `warm` ends below the peer's LL but above gmm-fit's best: mostly the
 *                model, and also an optimum of gmm-fit's own model that its starts missed
 * Returns how many processes ran.
 */
async function checkMisses(doc, jobs, work, parallel) {
  const misses = doc.cases.filter((c) => c.status === 'miss');
  const solutionsOf = new Map();
  const solutions = (tool, dataset) => {
    const key = `${tool}/${dataset}`;
    if (!solutionsOf.has(key)) {
      const j = jobs.find((x) => x.tool === tool && x.dataset === dataset);
      let s = null;
      try {
        s = JSON.parse(fs.readFileSync(j.solutions, 'utf8'));
      } catch {
        s = null;
      }
      solutionsOf.set(key, s);
    }
    return solutionsOf.get(key);
  };
  const checkJobs = [];
  for (const c of misses) {
    const tool = c.reference === 'sklearn' ? 'scikit-learn' : 'mclust';
    const model = solutions(tool, c.dataset)?.[`${c.family}/${c.k}`];
    if (!model) {
      c.check = { error: `the ${c.reference} solution was not saved` };
      continue;
    }
    const file = doc.datasets.find((d) => d.name === c.dataset).file;
    const modelFile = path.join(work, `${c.dataset}.${c.family}.${c.k}.${c.reference}.model.json`);
    fs.writeFileSync(modelFile, JSON.stringify(model));
    c.check = {};
    checkJobs.push({ c, kind: 'score', cmd: process.execPath, args: [GMM.cli, 'score', '-m', modelFile, file, '--format', 'json'], env: GMM.env });
    checkJobs.push({ c, kind: 'warm', cmd: process.execPath, args: [GMM.cli, file, '--init', modelFile, '--json'], env: GMM.env });
    // gmm-fit's own best of this case (of the start that gave it), continued with a tight tolerance
    const init = doc.headline === BEST_OF_STARTS ? c.gmm_fit[BEST_OF_STARTS].init : doc.headline;
    const own = jobs.find((j) => j.tool === 'gmm-fit' && j.dataset === c.dataset && j.family === c.family && j.init === init)?.result?.per_k?.[c.k];
    if (own && own.mixture) {
      const ownFile = path.join(work, `${c.dataset}.${c.family}.${c.k}.gmm-fit.model.json`);
      fs.writeFileSync(ownFile, JSON.stringify({ format: 'gmm-fit/1', model: c.family, k: c.k, d: own.d, mixture: own.mixture }));
      checkJobs.push({ c, kind: 'own', cmd: process.execPath, args: [GMM.cli, file, '--init', ownFile, '--tol', '1e-10', '--max-iter', '20000', '--json'], env: GMM.env });
    }
  }
  if (checkJobs.length) say(`checking ${misses.length} miss(es) from the peers' solutions: ${checkJobs.length} processes`);
  let next = 0;
  const worker = async () => {
    while (next < checkJobs.length) {
      const j = checkJobs[next++];
      const r = await timedAsync(j.cmd, j.args, j.env, { timeoutS: TIMEOUT_S });
      let out;
      if (r.error || r.status !== 0) out = { error: describeFailure(r) };
      else {
        try {
          const x = JSON.parse(r.stdout);
          if (j.kind === 'score') out = { ll: x.logLikelihood };
          // warm and own: the one fit of a sweep started from a model
          else {
            const f = (x.fits || [])[0] || {};
            out = f.error ? { error: f.error } : { ll: x.best?.[0]?.logLikelihood ?? f.logLikelihood, iterations: f.iterations, stop: f.stop };
          }
        } catch (e) {
          out = { error: `not JSON: ${e.message}` };
        }
      }
      j.c.check[j.kind] = out;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, checkJobs.length)) }, worker));
  for (const c of misses) {
    const ch = c.check;
    if (!ch || ch.error) continue;
    const g = c.gmm_fit[doc.headline].ll ?? null;
    if (ch.own && typeof ch.own.ll === 'number' && !below(ch.own.ll, c.reference_ll)) ch.class = 'convergence';
    else if (!ch.warm || typeof ch.warm.ll !== 'number') ch.class = 'failed';
    else if (!below(ch.warm.ll, c.reference_ll)) ch.class = 'start';
    else ch.class = g !== null && below(g, ch.warm.ll) ? 'model+start' : 'model';
    // what gmm-fit's own model holds above its best: the part of the gap a better start would recover
    if (g !== null && typeof ch.warm?.ll === 'number') ch.own_model_gap = Math.max(0, Math.min(ch.warm.ll, c.reference_ll) - g);
  }
  return checkJobs.length;
}

// ---- the summary ----------------------------------------------------------------

function summarize(doc) {
  const cases = doc.cases;
  const count = (xs, status) => xs.filter((c) => c.status === status).length;
  const s = {
    cases: cases.length,
    datasets: new Set(cases.map((c) => c.dataset)).size,
    met: count(cases, 'met'),
    misses: count(cases, 'miss'),
    collapsed: count(cases, 'collapsed'),
    no_peer: count(cases, 'no-peer'),
    errors: count(cases, 'error'),
    miss_classes: {},
    gmm_fit_collapsed: cases.filter((c) => c.gmm_fit[doc.headline].collapsed).length,
    mclust_na: cases.filter((c) => c.peers.mclust.na).length,
    sklearn_errors: cases.filter((c) => c.peers.sklearn.error).length,
  };
  for (const c of cases) if (c.status === 'miss') s.miss_classes[c.check?.class ?? 'unchecked'] = (s.miss_classes[c.check?.class ?? 'unchecked'] ?? 0) + 1;
  // every gmm-fit variant judged against the same peers (the issue counted the random starts alone)
  s.by_variant = {};
  for (const v of [...doc.variants, BEST_OF_STARTS]) {
    const judged = cases.map((c) => judge(c.gmm_fit[v], c.peers));
    s.by_variant[v] = { met: count(judged, 'met'), misses: count(judged, 'miss'), collapsed: count(judged, 'collapsed'), no_peer: count(judged, 'no-peer'), errors: count(judged, 'error') };
  }
  // each peer alone, against the headline figure
  s.by_peer = {};
  for (const p of ['sklearn', 'mclust']) {
    const judged = cases.map((c) => judge(c.gmm_fit[doc.headline], { [p]: c.peers[p] }));
    s.by_peer[p] = { compared: judged.filter((j) => j.status !== 'no-peer' && j.status !== 'error').length, below: judged.filter((j) => j.status === 'miss' || j.status === 'collapsed').length, misses: count(judged, 'miss'), collapsed: count(judged, 'collapsed') };
  }
  s.target = {
    text: `gmm-fit (${headlineName(doc.headline)}) ≥ the best peer to 1e-6 relative wherever that peer's solution is not collapsed`,
    // a run with failed gmm-fit processes cannot pass: its missing cases were never judged
    status: s.cases === 0 || s.met + s.collapsed + s.misses === 0 ? 'SKIP' : s.misses === 0 && s.errors === 0 ? 'PASS' : 'MISS',
  };
  return s;
}

function timeByTool(runs) {
  const by = {};
  for (const r of runs) {
    const key = r.tool === 'gmm-fit' ? `gmm-fit --init ${r.init}` : r.tool;
    by[key] = (by[key] ?? 0) + (r.wall_s ?? 0);
  }
  return by;
}

// ---- the report (from the document alone) ---------------------------------------------

const llCell = (x) => (typeof x.ll === 'number' ? x.ll.toFixed(4) + (x.collapsed ? '*' : '') : x.skipped ? '-' : x.na ? 'NA' : x.run_failed ? 'ERROR' : 'fail');
const eig = (x) => (typeof x === 'number' ? x.toExponential(1) : '-');

function renderReport(doc) {
  const m = doc.machine;
  const st = doc.settings;
  const lines = [
    `gmm-fit optima bench — ${doc.date}`,
    `machine: ${m.cpu}, ${m.cores} cores (availableParallelism ${m.available_parallelism}), ${m.platform}; load average ${m.loadavg_at_start.map((x) => x.toFixed(2)).join(' ')}; node ${m.node}`,
    `gmm-fit ${doc.gmm_fit_version ?? '?'}: node bin/gmm-fit.js FILE --k ${kArgument(st.k)} --covariance FAMILY --seeds 0..${st.seeds - 1} --init INIT --json, INIT = ${doc.variants.join(', ')}; default --reg-covar, --tol 1e-6, --max-iter 1000`,
    `  --init all: ${doc.init_all ? (doc.init_all.ok ? 'run' : `not in this build (${doc.init_all.reason}); gmm-fit's figure is the best of ${STARTS.join(', ')}`) : '?'}`,
    `scikit-learn: ${doc.peers.sklearn.skipped ? `skipped: ${doc.peers.sklearn.skipped}` : `${doc.peers.sklearn.sklearn}: GaussianMixture(n_components=K, covariance_type=FAMILY, n_init=${st.seeds}, random_state=0, max_iter=1000, tol=1e-6·|LL_1/n|, reg_covar=1e-6); LL = score(X)·n`}`,
    `mclust: ${doc.peers.mclust.skipped ? `skipped: ${doc.peers.mclust.skipped}` : `${doc.peers.mclust.mclust} (R ${doc.peers.mclust.r}): Mclust(X, G=K, modelNames=VII|VVI|VVV, control=emControl(tol=c(${st.mclust_tol.toExponential()}, sqrt(eps)))), its default hc start; LL = $loglik`}`,
    `reg_covar: ${st.reg_covar}`,
    `collapsed: a solution with a covariance eigenvalue below ${st.collapse_factor.toExponential()} × the data's smallest column variance (marked *); tolerance ${st.ll_tolerance.toExponential()} relative; ${st.peer_threads}`,
  ];
  if (doc.install_peers) lines.push(`--install-peers: ${doc.install_peers.command}: ${doc.install_peers.ok ? 'ok' : 'FAILED'}`);
  if ((doc.dist_stale_sources || []).length) lines.push('warning: dist/ is older than src/ — results are for the last build');
  const b = doc.gmm_fit_build || {};
  lines.push(
    b.cli
      ? `gmm-fit build: GMM_FIT_CLI=${b.cli}, run as it is`
      : b.taken
        ? `gmm-fit build: a copy of bin/ and dist/ taken at ${b.at} (dist sha256 ${b.dist_sha256.slice(0, 12)}…); every gmm-fit run used it`
        : `gmm-fit build: the worktree's bin/ and dist/, run directly${b.error ? ` (no working copy: ${b.error})` : ''}`,
  );

  lines.push('', 'data sets:');
  const dsRows = doc.datasets.map((d) =>
    d.skipped
      ? [d.name, d.from ?? '', 'skipped', '', '', d.skipped]
      : [d.name, d.source, d.rows, d.cols, `${d.min_col_variance.toExponential(2)} (${d.min_col_variance_column})`, [d.note, ...d.dropped.map((x) => `${x.column} dropped: ${x.why}`)].filter(Boolean).join('; ')],
  );
  lines.push(table(['data set', 'source', 'rows', 'cols', 'smallest column variance', 'notes'], dsRows, (cell, c) => (c === 2 || c === 3 ? 'right' : 'left')));

  const byDataset = new Map();
  for (const c of doc.cases) (byDataset.get(c.dataset) ?? byDataset.set(c.dataset, []).get(c.dataset)).push(c);
  const starts = doc.variants;
  for (const [name, cases] of byDataset) {
    const d = doc.datasets.find((x) => x.name === name);
    lines.push('', `${name} (${d.rows} × ${d.cols}; collapsed below ${d.collapse_threshold.toExponential(2)}):`);
    const header = ['family', 'K', ...starts.map((v) => `gmm-fit ${v}`), 'sklearn', 'mclust', 'highest', 'gmm-fit shortfall (rel.)', 'status'];
    const rows = cases.map((c) => [
      c.family,
      c.k,
      ...starts.map((v) => llCell(c.gmm_fit[v])),
      llCell(c.peers.sklearn),
      llCell(c.peers.mclust),
      c.highest.join('='),
      c.status === 'miss' || c.status === 'collapsed' ? (c.gap_abs === null ? `no fit (${c.reference})` : `${c.gap_abs.toFixed(4)} (${c.gap_rel.toExponential(1)}, ${c.reference})`) : '',
      statusText(c),
    ]);
    lines.push(table(header, rows, (cell, col, row) => (col === 0 || col >= row.length - 3 ? 'left' : 'right')));
  }
  lines.push(...renderSummary(doc));
  return lines.join('\n');
}

function statusText(c) {
  if (c.status === 'miss') return `MISS${c.check?.class ? ` (${c.check.class})` : ''}`;
  return { met: 'ok', collapsed: 'collapsed (not a miss)', 'no-peer': 'no peer', error: 'ERROR (gmm-fit run failed)' }[c.status];
}

function renderSummary(doc) {
  const s = doc.summary;
  const lines = [''];
  if (!s) {
    lines.push('no summary: the run stopped early');
    for (const f of doc.failures) lines.push(`!! ${f}`);
    return lines;
  }
  const who = doc.headline === BEST_OF_STARTS ? `gmm-fit best of its starts (${STARTS.join(', ')})` : `gmm-fit ${headlineName(doc.headline)}`;
  const ks = doc.settings.k;
  lines.push(`summary (${who}, seeds 0..${doc.settings.seeds - 1}):`);
  lines.push(`  cases: ${s.cases} (${s.datasets} data sets × ${doc.settings.families.length} families × K=${kArgument(ks)})`);
  lines.push(`  gmm-fit ≥ best peer (to 1e-6 relative): ${s.met}`);
  const classes = Object.entries(s.miss_classes).map(([k, n]) => `${n} ${k}`).join(', ');
  lines.push(`  misses (a non-collapsed peer solution higher): ${s.misses}${s.misses ? ` — checked from the peer's solution: ${classes}` : ''}`);
  lines.push(`  excluded, only a collapsed peer solution higher: ${s.collapsed}`);
  if (s.errors) lines.push(`  !! not judged, the gmm-fit run failed: ${s.errors} (see the failures at the end)`);
  lines.push(`  no peer result: ${s.no_peer}${s.mclust_na ? `; mclust could not fit (NA BIC) ${s.mclust_na} case(s)` : ''}${s.sklearn_errors ? `; scikit-learn failed ${s.sklearn_errors}` : ''}`);
  if (s.gmm_fit_collapsed) lines.push(`  gmm-fit's own best is collapsed (*) in ${s.gmm_fit_collapsed} case(s)`);
  const misses = doc.cases.filter((c) => c.status === 'miss');
  if (misses.length) {
    lines.push(
      '',
      'misses, each checked with gmm-fit: its score of the peer\'s solution, its EM from that solution, its own best continued with --tol 1e-10;',
      '  class: convergence = the same optimum, gmm-fit stopped a little early; start = a higher optimum of gmm-fit\'s own model that no start reached;',
      '  model = the peer\'s figure needs a model gmm-fit does not fit (mclust: no reg_covar); model+start = both ("gap in its model" = what a better start would recover):',
    );
    const rows = misses.map((c) => [
      c.dataset,
      c.family,
      c.k,
      typeof c.gmm_fit[doc.headline].ll === 'number' ? c.gmm_fit[doc.headline].ll.toFixed(4) : 'no fit',
      c.reference,
      c.reference_ll.toFixed(4),
      c.gap_abs === null ? '-' : c.gap_abs.toFixed(4),
      c.gap_rel === null ? '-' : c.gap_rel.toExponential(2),
      eig(c.reference_min_eig),
      c.check?.score?.ll !== undefined ? c.check.score.ll.toFixed(4) : c.check?.score?.error ? 'error' : '-',
      c.check?.warm?.ll !== undefined ? c.check.warm.ll.toFixed(4) : c.check?.warm?.error ? `error: ${c.check.warm.error.slice(0, 60)}` : c.check?.error ?? '-',
      c.check?.own?.ll !== undefined ? c.check.own.ll.toFixed(4) : c.check?.own?.error ? `error: ${c.check.own.error.slice(0, 60)}` : '-',
      typeof c.check?.own_model_gap === 'number' ? c.check.own_model_gap.toFixed(4) : '-',
      c.check?.class ?? '-',
    ]);
    lines.push(
      table(['data set', 'family', 'K', 'gmm-fit', 'peer', 'peer LL', 'gap', 'gap rel.', 'peer min eig', 'gmm-fit score of it', 'gmm-fit EM from it', 'gmm-fit own, --tol 1e-10', 'gap in its model', 'class'], rows, (cell, c) =>
        c <= 1 || c === 4 || c === 13 ? 'left' : 'right',
      ),
    );
  }
  const excluded = doc.cases.filter((c) => c.status === 'collapsed');
  if (excluded.length) {
    lines.push('', 'excluded (only a collapsed peer solution is higher):');
    const rows = excluded.map((c) => [
      c.dataset,
      c.family,
      c.k,
      typeof c.gmm_fit[doc.headline].ll === 'number' ? c.gmm_fit[doc.headline].ll.toFixed(4) : 'no fit',
      c.reference,
      c.reference_ll.toFixed(4),
      c.gap_abs === null ? '-' : c.gap_abs.toFixed(4),
      eig(c.reference_min_eig),
      c.threshold.toExponential(2),
    ]);
    lines.push(table(['data set', 'family', 'K', 'gmm-fit', 'peer', 'peer LL', 'gap', 'peer min eig', 'threshold'], rows, (cell, c) => (c <= 1 || c === 4 ? 'left' : 'right')));
  }
  lines.push('', 'by gmm-fit start (each against the same peers; "below a peer" = misses + excluded, the issue\'s count):');
  const vr = Object.entries(s.by_variant).map(([v, x]) => [v === 'random' ? `random (best of ${doc.settings.seeds} random starts)` : v, x.met, x.misses, x.collapsed, x.misses + x.collapsed, x.no_peer, x.errors]);
  lines.push(table(['gmm-fit', '≥ best peer', 'misses', 'excluded (collapsed)', 'below a peer', 'no peer', 'run failed'], vr));
  lines.push('', `by peer (${who}):`);
  for (const [p, x] of Object.entries(s.by_peer)) lines.push(`  below ${p}: ${x.below} of ${x.compared} compared (${x.misses} against a non-collapsed solution, ${x.collapsed} collapsed)`);
  lines.push('', `target: ${s.target.status}  ${s.target.text}: ${s.misses} miss(es) in ${s.cases} cases (${s.collapsed} excluded as collapsed, ${s.no_peer} without a peer${s.errors ? `, ${s.errors} not judged: the gmm-fit run failed` : ''})`);
  if (s.misses) {
    const n = (cls) => s.miss_classes[cls] ?? 0;
    lines.push(`        of the misses, in gmm-fit's own model: ${n('start') + n('model+start')} a better start would fix (start ${n('start')}, model+start ${n('model+start')}), ${n('convergence')} its stopping rule (convergence), ${n('model')} none (model: the peer's model differs)`);
  }
  const t = doc.timing;
  const tools = Object.entries(t.by_tool || {}).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ');
  lines.push(
    `time: ${t.wall_s.toFixed(1)} s wall for the whole run (export ${fmtS(t.export_s)}, fits ${fmtS(t.fits_wall_s)} with ${doc.settings.parallel} processes at a time, checks ${fmtS(t.checks_wall_s)}); process time by tool: ${tools}`,
  );
  if (typeof t.children_cpu_s === 'number') {
    lines.push(`CPU time of all the processes: ${t.children_cpu_s.toFixed(1)} s (user + system; on an idle machine the run would take about that / ${doc.settings.parallel}, or the longest process, whichever is more)`);
  }
  lines.push(`load average at the end: ${doc.machine.loadavg_at_end.map((x) => x.toFixed(2)).join(' ')} (at the start: ${doc.machine.loadavg_at_start.map((x) => x.toFixed(2)).join(' ')}; other work on the machine stretches the wall times)`);
  for (const f of doc.failures) lines.push(`!! ${f}`);
  return lines;
}

const fmtS = (x) => (typeof x === 'number' ? `${x.toFixed(1)} s` : '-');

/** --report FILE: the text of a saved run, from the file alone. */
function printSavedReport(file) {
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    process.stderr.write(`optima.js: --report: cannot read ${file}: ${e.message}\n`);
    process.exit(2);
  }
  if (doc.report_format !== REPORT_FORMAT) {
    process.stderr.write(`optima.js: --report: ${file} is not an optima report (report_format ${doc.report_format})\n`);
    process.exit(2);
  }
  process.stdout.write(renderReport(doc) + '\n');
}

main().catch((e) => {
  process.stderr.write(`optima.js: ${e.stack || e.message}\n`);
  process.exit(1);
});
