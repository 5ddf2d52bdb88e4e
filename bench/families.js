#!/usr/bin/env node
'use strict';
// npm run bench:families  =  node bench/families.js [--runs N] [--iterations N] [--file FILE] [--workloads synthetic,digits]
//                            node bench/families.js --report bench/last-families.json
//
// Time per EM iteration of each covariance family (spherical, diag, full) on the
// synthetic data of `npm run bench` (200,000 × 10, K=8; bench/synth-data.js with
// its fixed seed), and of the full family at 64 columns on scikit-learn's digits
// (1797 × 64, K=10, reg_covar 1e-6 for both tools, exported by
// bench/peers/digits_export.py), gmm-fit against scikit-learn in the same run, from
// the same start (gmm-fit's, which bench/peers/sklearn_family.py rebuilds), for
// exactly --iterations E+M steps. gmm-fit: bench/synth-gmm.js (in-process, one
// process per run, --jobs 1 and --jobs N); scikit-learn: GaussianMixture.fit / iterations.
// Both must reach the same log-likelihood (1e-6 relative), else LL MISMATCH.
// Prints a table, the ratios and the full family's targets of issue #15 (64 columns:
// jobs=N ≤ 1.0× scikit-learn; 10 columns: ≤ 0.5×), rendered from the JSON it saves to
// bench/last-families.json (ignored by git). Informational: a missed target does not
// change the exit status. Uses bench/lib/ as bench/run.js does.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { writeSynthetic } = require('./synth-data.js');
const { parseArgs } = require('./lib/args.js');
const { alternate, median } = require('./lib/timing.js');
const { PYTHON, SKLEARN_FAMILY, probeSklearn, runPeer } = require('./lib/peers.js');
const DIGITS_EXPORT = path.join(__dirname, 'peers', 'digits_export.py');
const { runInProcess, showMsPerIteration } = require('./lib/tools.js');
const { relDiff, LL_TOLERANCE } = require('./lib/checks.js');
const { table } = require('./lib/report.js');

const OUT_JSON = path.join(__dirname, 'last-families.json');
const FAMILIES = ['spherical', 'diag', 'full'];
const K = 8;
const SEED = 0;
/** The 64-column workload: one family, its K, and scikit-learn's absolute reg_covar for both tools (digits has constant pixels). */
const DIGITS = { family: 'full', k: 10, regCovar: 1e-6 };
/** Issue #15's targets for the full family: gmm-fit with every thread over scikit-learn, per iteration. */
const TARGETS = [
  { workload: 'digits', family: 'full', max: 1.0, text: 'full, 64 columns (digits 1797 × 64, K=10)' },
  { workload: 'synthetic', family: 'full', max: 0.5, text: 'full, 10 columns (synthetic 200,000 × 10, K=8)' },
];
const WORKLOADS = ['synthetic', 'digits'];
const REPORT_FORMAT = 2;

const USAGE = 'usage: node bench/families.js [--runs N] [--iterations N] [--file FILE] [--workloads synthetic,digits]\n       node bench/families.js --report FILE';
const ARGS = {
  program: 'families.js',
  usage: USAGE,
  options: [
    { flag: '--runs', key: 'runs', type: 'count', default: 3 },
    { flag: '--iterations', key: 'iterations', type: 'count', default: 20 },
    { flag: '--file', key: 'file', type: 'path' },
    { flag: '--workloads', key: 'workloads', type: 'names', choices: WORKLOADS, noun: 'workload' },
    { flag: '--report', key: 'report', type: 'path' },
  ],
};

function main() {
  const o = parseArgs(process.argv.slice(2), ARGS);
  if (o.report) return printSavedReport(o.report);
  const jobsN = os.availableParallelism();
  const jobsList = jobsN > 1 ? [1, jobsN] : [1];
  const workloads = o.workloads ?? WORKLOADS;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gmm-fit-families-'));
  // the tools run from the repository root: a --file given relative to here must still be found
  const file = o.file ? path.resolve(o.file) : path.join(tmp, 'synthetic.txt');
  let data = null;
  if (!o.file && workloads.includes('synthetic')) {
    process.stderr.write('families: generating the synthetic data… ');
    data = writeSynthetic(file);
    process.stderr.write(`${data.seconds.toFixed(2)} s\n`);
  }
  const sk = probeSklearn(process.env);
  const sklearnVersion = sk.ok ? sk.sklearn : null;
  if (!sklearnVersion) process.stderr.write(`families: scikit-learn not found with ${PYTHON}: the peer is skipped (npm run bench -- --install-peers installs it)\n`);

  const results = {};
  if (workloads.includes('synthetic')) for (const family of FAMILIES) results[family] = timeFamily(family, file, jobsList, sklearnVersion, o, { k: K });
  const digits = workloads.includes('digits') ? timeDigits(tmp, jobsList, sklearnVersion, o) : null;
  fs.rmSync(tmp, { recursive: true, force: true });

  const doc = {
    report_format: REPORT_FORMAT,
    date: new Date().toISOString(),
    machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, available_parallelism: jobsN, node: process.version },
    jobs: jobsList,
    iterations: o.iterations,
    runs: o.runs,
    k: K,
    file: o.file,
    data,
    sklearn: sklearnVersion,
    results,
    digits,
  };
  checkFamilies(doc);
  const text = renderFamilies(JSON.parse(JSON.stringify(doc)));
  process.stdout.write(text + '\n');
  fs.writeFileSync(OUT_JSON, JSON.stringify(doc, null, 2) + '\n');
  process.stdout.write(`saved ${path.relative(process.cwd(), OUT_JSON)}\n`);
  process.exitCode = doc.mismatches || doc.failures ? 1 : 0;
}

/**
 * One family's runs: gmm-fit at each jobs count, then scikit-learn, --runs times; each
 * tool summarised. `k`; `regCovar`: an absolute reg_covar for gmm-fit (scikit-learn's
 * is the peer's, 1e-6 for diag and full), or undefined for gmm-fit's default.
 */
function timeFamily(family, file, jobsList, sklearnVersion, o, { k, regCovar, name = family }) {
  const fit = { k, seed: SEED, iterations: o.iterations, covariance: family, regCovar };
  const tools = jobsList.map((j) => ({ key: `jobs=${j}`, label: `gmm-fit jobs=${j}`, run: () => runInProcess(file, String(j), fit), show: showMsPerIteration }));
  if (sklearnVersion) {
    const args = [file, family, String(k), String(o.iterations)];
    tools.push({ key: 'sklearn', label: 'scikit-learn', run: () => runPeer(SKLEARN_FAMILY, args, process.env), show: showMsPerIteration });
  }
  const runs = alternate(name, o.runs, tools, { program: 'families' });
  const summary = {};
  for (const [name, list] of Object.entries(runs)) summary[name] = summarizeFamilyRuns(list);
  return summary;
}

/**
 * The 64-column workload: digits exported by scikit-learn (bench/peers/digits_export.py),
 * then the full family at K=10 timed as timeFamily times the others. Without
 * scikit-learn there are no data: skipped, with the reason.
 */
function timeDigits(tmp, jobsList, sklearnVersion, o) {
  if (!sklearnVersion) return { skipped: `scikit-learn not found with ${PYTHON} (it provides the data)` };
  const file = path.join(tmp, 'digits.txt');
  const exported = runPeer(DIGITS_EXPORT, [file], process.env);
  if (!exported.ok) return { skipped: `bench/peers/digits_export.py failed: ${exported.error}`, failed: true };
  const { rows, cols, constant_columns: constant } = exported.doc;
  process.stderr.write(`families: digits exported (${rows} × ${cols}, ${constant} constant columns)\n`);
  const results = timeFamily(DIGITS.family, file, jobsList, sklearnVersion, o, { k: DIGITS.k, regCovar: DIGITS.regCovar, name: `digits ${DIGITS.family}` });
  return { rows, cols, constant_columns: constant, family: DIGITS.family, k: DIGITS.k, reg_covar: DIGITS.regCovar, results };
}

/** The rows of the report: [key, label, results] per family run, digits last. */
function workloadRows(doc) {
  const rows = FAMILIES.filter((f) => doc.results[f]).map((f) => [f, f, doc.results[f]]);
  if (doc.digits && doc.digits.results) rows.push([`digits_${doc.digits.family}`, `${doc.digits.family}, digits`, doc.digits.results]);
  return rows;
}

/**
 * Median / min ms per iteration over the successful runs (the fit's time over its
 * iterations), the median of the runs' steady figures (each run's median iteration from
 * the third on; null when a run has none), and the last run's LL and iterations.
 */
function summarizeFamilyRuns(list) {
  const ok = list.filter((x) => x.ok);
  if (!ok.length) return { ok: false, error: list[list.length - 1].error, failed_runs: list.length };
  const ms = ok.map((x) => x.ms_per_iteration);
  const steady = ok.map((x) => x.ms_per_iteration_steady);
  const last = ok[ok.length - 1];
  return {
    ok: true,
    ms_per_iteration_median: median(ms),
    ms_per_iteration_min: Math.min(...ms),
    ms_per_iteration_steady_median: steady.every((v) => typeof v === 'number') ? median(steady) : null,
    ll: last.ll,
    iterations: last.iterations,
    failed_runs: list.length - ok.length,
  };
}

/**
 * The checks, recorded in the document: every family's gmm-fit LL (jobs=1)
 * must agree with scikit-learn's to 1e-6 relative, and every jobs count must
 * give jobs=1's LL bit for bit; any failed run is a failure. Also the ratios.
 */
function checkFamilies(doc) {
  doc.ratios = {};
  doc.mismatches = 0;
  doc.failures = doc.digits && doc.digits.failed ? 1 : 0;
  for (const [family, , r] of workloadRows(doc)) {
    const s = r.sklearn;
    const g = r['jobs=1'];
    for (const x of Object.values(r)) if (x.failed_runs) doc.failures++;
    for (const j of doc.jobs) {
      const x = r[`jobs=${j}`];
      if (x.ok && s && s.ok) doc.ratios[`${family}_jobs_${j}_over_sklearn`] = x.ms_per_iteration_median / s.ms_per_iteration_median;
      if (x.ok && s && s.ok && x.ms_per_iteration_steady_median && s.ms_per_iteration_steady_median) {
        doc.ratios[`${family}_jobs_${j}_over_sklearn_steady`] = x.ms_per_iteration_steady_median / s.ms_per_iteration_steady_median;
      }
    }
    if (g.ok && s && s.ok) {
      r.ll_rel_diff_vs_sklearn = relDiff(g.ll, s.ll);
      if (!(r.ll_rel_diff_vs_sklearn <= LL_TOLERANCE)) doc.mismatches++;
    }
    r.jobs_ll_differ = doc.jobs.filter((j) => g.ok && r[`jobs=${j}`].ok && r[`jobs=${j}`].ll !== g.ll);
    doc.mismatches += r.jobs_ll_differ.length;
  }
  doc.targets = targetsOf(doc);
}

/**
 * Issue #15's targets: gmm-fit with the most threads over scikit-learn, PASS / MISS, or
 * SKIP (not run), on the fits' times over their iterations; `steady`: the same on the
 * steady iterations (null where not measured).
 */
function targetsOf(doc) {
  const jobs = doc.jobs[doc.jobs.length - 1];
  const status = (value, max) => (value === null ? 'SKIP' : value <= max ? 'PASS' : 'MISS');
  return TARGETS.map((t) => {
    const key = `${t.workload === 'digits' ? 'digits_' : ''}${t.family}_jobs_${jobs}_over_sklearn`;
    const value = typeof doc.ratios[key] === 'number' ? doc.ratios[key] : null;
    const steady = typeof doc.ratios[`${key}_steady`] === 'number' ? doc.ratios[`${key}_steady`] : null;
    return { name: `${t.text}, jobs=${jobs} / scikit-learn`, max: t.max, value, status: status(value, t.max), steady, steady_status: status(steady, t.max) };
  });
}

const msCell = (x) => `${x.ms_per_iteration_median.toFixed(1)} (${x.ms_per_iteration_min.toFixed(1)})`;

/** The text report, from the document alone. */
function renderFamilies(doc) {
  const lines = [
    `gmm-fit families bench — ${doc.date}`,
    `machine: ${doc.machine.cpu}, ${doc.machine.cores} cores; node ${doc.machine.node}; scikit-learn ${doc.sklearn ?? 'not found'}`,
    `data: ${doc.data ? `${doc.data.n} × ${doc.data.d}, ${doc.data.k} true clusters (bench/synth-data.js, seed ${doc.data.seed})` : (doc.file ?? 'none')}; K=${doc.k}, seed ${SEED}, ${doc.iterations} EM iterations from the same start; median of ${doc.runs} runs (min in parentheses)`,
    '',
  ];
  const header = ['family', ...doc.jobs.map((j) => `gmm-fit jobs=${j} ms/it`), 'scikit-learn ms/it', ...doc.jobs.map((j) => `jobs=${j} / sklearn`), 'LL (gmm-fit)', 'LL rel. diff'];
  const rows = [];
  for (const [family, label, r] of workloadRows(doc)) {
    const s = r.sklearn;
    const g = r['jobs=1'];
    // a --jobs that changed the LL is said before the table, where it was found
    for (const j of r.jobs_ll_differ) lines.push(`!! ${label}: gmm-fit jobs=${j} LL ${r[`jobs=${j}`].ll} differs from jobs=1 ${g.ll}; --jobs must not change a bit`);
    rows.push([
      label,
      ...doc.jobs.map((j) => (r[`jobs=${j}`].ok ? msCell(r[`jobs=${j}`]) : 'FAILED')),
      s ? (s.ok ? msCell(s) : 'FAILED') : 'skipped',
      ...doc.jobs.map((j) => {
        const v = doc.ratios[`${family}_jobs_${j}_over_sklearn`];
        return typeof v === 'number' ? v.toFixed(2) : 'n/a';
      }),
      g.ok ? g.ll.toFixed(6) : '-',
      typeof r.ll_rel_diff_vs_sklearn === 'number' ? r.ll_rel_diff_vs_sklearn.toExponential(2) : '-',
    ]);
  }
  lines.push(table(header, rows, (cell, c) => (c === 0 ? 'left' : 'right')));
  lines.push('');
  lines.push('gmm-fit: node bench/synth-gmm.js FILE --jobs J --covariance F --k K --seed 0 --iterations N (in-process, parsing not timed);');
  lines.push('scikit-learn: bench/peers/sklearn_family.py FILE F K N, GaussianMixture.fit / N (includes input checks and one final E-step).');
  const digits = doc.digits;
  if (digits && digits.results) {
    lines.push(
      `digits: ${digits.rows} × ${digits.cols} (${digits.constant_columns} constant columns, bench/peers/digits_export.py), K=${digits.k}; gmm-fit with --reg-covar ${digits.reg_covar} --cov-floor 0 (scikit-learn's model: its absolute default ridge alone), the same start.`,
    );
  } else if (digits && digits.skipped) lines.push(`digits: skipped (${digits.skipped})`);
  const steadyRows = workloadRows(doc)
    .filter(([, , r]) => Object.values(r).some((x) => x && x.ms_per_iteration_steady_median))
    .map(([family, label, r]) => [
      label,
      ...doc.jobs.map((j) => (r[`jobs=${j}`].ms_per_iteration_steady_median ? r[`jobs=${j}`].ms_per_iteration_steady_median.toFixed(1) : 'n/a')),
      r.sklearn && r.sklearn.ms_per_iteration_steady_median ? r.sklearn.ms_per_iteration_steady_median.toFixed(1) : 'n/a',
      ...doc.jobs.map((j) => {
        const v = doc.ratios[`${family}_jobs_${j}_over_sklearn_steady`];
        return typeof v === 'number' ? v.toFixed(2) : 'n/a';
      }),
    ]);
  if (steadyRows.length) {
    lines.push('');
    lines.push('steady iterations (each run: the median time of one E+M iteration from the third on, without the fit\'s start, the threads\' start-up and the compilers\' warm-up; median over runs):');
    const steadyHeader = ['family', ...doc.jobs.map((j) => `gmm-fit jobs=${j} ms/it`), 'scikit-learn ms/it', ...doc.jobs.map((j) => `jobs=${j} / sklearn`)];
    lines.push(table(steadyHeader, steadyRows, (cell, c) => (c === 0 ? 'left' : 'right')));
    lines.push('gmm-fit: the times between its E-steps (onIteration); scikit-learn: its own EM loop (_e_step, _m_step) timed step by step, from the same start.');
  }
  if (doc.targets) {
    lines.push('');
    lines.push('targets (issue #15, informational):');
    const shown = (v) => (v === null || v === undefined ? 'n/a' : v.toFixed(2));
    for (const t of doc.targets) {
      const steady = t.steady_status ? `; steady iterations ${t.steady_status} ${shown(t.steady)}` : '';
      lines.push(`  ${t.status.padEnd(4)} ${t.name}: ${shown(t.value)} (≤ ${t.max.toFixed(1)})${steady}`);
    }
  }
  if (doc.mismatches) lines.push(`!!!!!!!! ${doc.mismatches} LL MISMATCH(ES): gmm-fit and scikit-learn (or two --jobs) disagree beyond 1e-6 !!!!!!!!`);
  return lines.join('\n');
}

/** --report FILE: the text of a saved families run, from the file alone. */
function printSavedReport(file) {
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    process.stderr.write(`families.js: --report: cannot read ${file}: ${e.message}\n`);
    process.exit(2);
  }
  if (!doc.report_format) {
    process.stderr.write(`families.js: --report: ${file} predates report_format (saved before the report was rendered from it); nothing to render\n`);
    process.exit(2);
  }
  process.stdout.write(renderFamilies(doc) + '\n');
}

main();
