#!/usr/bin/env node
'use strict';
// npm run bench:families  =  node bench/families.js [--runs N] [--iterations N] [--file FILE]
//                            node bench/families.js --report bench/last-families.json
//
// Time per EM iteration of each covariance family (spherical, diag, full) on the
// synthetic data of `npm run bench` (200,000 × 10, K=8; bench/synth-data.js with
// its fixed seed), gmm-fit against scikit-learn in the same run, from the same
// start (gmm-fit's, which bench/peers/sklearn_family.py rebuilds), for exactly
// --iterations E+M steps. gmm-fit: bench/synth-gmm.js (in-process, one process
// per run, --jobs 1 and --jobs N); scikit-learn: GaussianMixture.fit / iterations.
// Both must reach the same log-likelihood (1e-6 relative), else LL MISMATCH.
// Prints a table and the ratios, rendered from the JSON it saves to
// bench/last-families.json (ignored by git). Informational: the issue's targets
// are those of bench/run.js. Uses bench/lib/ as bench/run.js does.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { writeSynthetic } = require('./synth-data.js');
const { parseArgs } = require('./lib/args.js');
const { alternate, median } = require('./lib/timing.js');
const { PYTHON, SKLEARN_FAMILY, probeSklearn, runPeer } = require('./lib/peers.js');
const { runInProcess, showMsPerIteration } = require('./lib/tools.js');
const { relDiff, LL_TOLERANCE } = require('./lib/checks.js');
const { table } = require('./lib/report.js');

const OUT_JSON = path.join(__dirname, 'last-families.json');
const FAMILIES = ['spherical', 'diag', 'full'];
const K = 8;
const SEED = 0;
const REPORT_FORMAT = 1;

const USAGE = 'usage: node bench/families.js [--runs N] [--iterations N] [--file FILE]\n       node bench/families.js --report FILE';
const ARGS = {
  program: 'families.js',
  usage: USAGE,
  options: [
    { flag: '--runs', key: 'runs', type: 'count', default: 3 },
    { flag: '--iterations', key: 'iterations', type: 'count', default: 20 },
    { flag: '--file', key: 'file', type: 'path' },
    { flag: '--report', key: 'report', type: 'path' },
  ],
};

function main() {
  const o = parseArgs(process.argv.slice(2), ARGS);
  if (o.report) return printSavedReport(o.report);
  const jobsN = os.availableParallelism();
  const jobsList = jobsN > 1 ? [1, jobsN] : [1];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gmm-fit-families-'));
  // the tools run from the repository root: a --file given relative to here must still be found
  const file = o.file ? path.resolve(o.file) : path.join(tmp, 'synthetic.txt');
  let data = null;
  if (!o.file) {
    process.stderr.write('families: generating the synthetic data… ');
    data = writeSynthetic(file);
    process.stderr.write(`${data.seconds.toFixed(2)} s\n`);
  }
  const sk = probeSklearn(process.env);
  const sklearnVersion = sk.ok ? sk.sklearn : null;
  if (!sklearnVersion) process.stderr.write(`families: scikit-learn not found with ${PYTHON}: the peer is skipped (npm run bench -- --install-peers installs it)\n`);

  const results = {};
  for (const family of FAMILIES) results[family] = timeFamily(family, file, jobsList, sklearnVersion, o);
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
  };
  checkFamilies(doc);
  const text = renderFamilies(JSON.parse(JSON.stringify(doc)));
  process.stdout.write(text + '\n');
  fs.writeFileSync(OUT_JSON, JSON.stringify(doc, null, 2) + '\n');
  process.stdout.write(`saved ${path.relative(process.cwd(), OUT_JSON)}\n`);
  process.exitCode = doc.mismatches || doc.failures ? 1 : 0;
}

/** One family's runs: gmm-fit at each jobs count, then scikit-learn, --runs times; each tool summarised. */
function timeFamily(family, file, jobsList, sklearnVersion, o) {
  const fit = { k: K, seed: SEED, iterations: o.iterations, covariance: family };
  const tools = jobsList.map((j) => ({ key: `jobs=${j}`, label: `gmm-fit jobs=${j}`, run: () => runInProcess(file, String(j), fit), show: showMsPerIteration }));
  if (sklearnVersion) {
    const args = [file, family, String(K), String(o.iterations)];
    tools.push({ key: 'sklearn', label: 'scikit-learn', run: () => runPeer(SKLEARN_FAMILY, args, process.env), show: showMsPerIteration });
  }
  const runs = alternate(family, o.runs, tools, { program: 'families' });
  const summary = {};
  for (const [name, list] of Object.entries(runs)) summary[name] = summarizeFamilyRuns(list);
  return summary;
}

/** Median / min ms per iteration over the successful runs, and the last run's LL and iterations. */
function summarizeFamilyRuns(list) {
  const ok = list.filter((x) => x.ok);
  if (!ok.length) return { ok: false, error: list[list.length - 1].error, failed_runs: list.length };
  const ms = ok.map((x) => x.ms_per_iteration);
  const last = ok[ok.length - 1];
  return { ok: true, ms_per_iteration_median: median(ms), ms_per_iteration_min: Math.min(...ms), ll: last.ll, iterations: last.iterations, failed_runs: list.length - ok.length };
}

/**
 * The checks, recorded in the document: every family's gmm-fit LL (jobs=1)
 * must agree with scikit-learn's to 1e-6 relative, and every jobs count must
 * give jobs=1's LL bit for bit; any failed run is a failure. Also the ratios.
 */
function checkFamilies(doc) {
  doc.ratios = {};
  doc.mismatches = 0;
  doc.failures = 0;
  for (const family of FAMILIES) {
    const r = doc.results[family];
    const s = r.sklearn;
    const g = r['jobs=1'];
    for (const x of Object.values(r)) if (x.failed_runs) doc.failures++;
    for (const j of doc.jobs) {
      const x = r[`jobs=${j}`];
      if (x.ok && s && s.ok) doc.ratios[`${family}_jobs_${j}_over_sklearn`] = x.ms_per_iteration_median / s.ms_per_iteration_median;
    }
    if (g.ok && s && s.ok) {
      r.ll_rel_diff_vs_sklearn = relDiff(g.ll, s.ll);
      if (!(r.ll_rel_diff_vs_sklearn <= LL_TOLERANCE)) doc.mismatches++;
    }
    r.jobs_ll_differ = doc.jobs.filter((j) => g.ok && r[`jobs=${j}`].ok && r[`jobs=${j}`].ll !== g.ll);
    doc.mismatches += r.jobs_ll_differ.length;
  }
}

const msCell = (x) => `${x.ms_per_iteration_median.toFixed(1)} (${x.ms_per_iteration_min.toFixed(1)})`;

/** The text report, from the document alone. */
function renderFamilies(doc) {
  const lines = [
    `gmm-fit families bench — ${doc.date}`,
    `machine: ${doc.machine.cpu}, ${doc.machine.cores} cores; node ${doc.machine.node}; scikit-learn ${doc.sklearn ?? 'not found'}`,
    `data: ${doc.data ? `${doc.data.n} × ${doc.data.d}, ${doc.data.k} true clusters (bench/synth-data.js, seed ${doc.data.seed})` : doc.file}; K=${doc.k}, seed ${SEED}, ${doc.iterations} EM iterations from the same start; median of ${doc.runs} runs (min in parentheses)`,
    '',
  ];
  const header = ['family', ...doc.jobs.map((j) => `gmm-fit jobs=${j} ms/it`), 'scikit-learn ms/it', ...doc.jobs.map((j) => `jobs=${j} / sklearn`), 'LL (gmm-fit)', 'LL rel. diff'];
  const rows = [];
  for (const family of FAMILIES) {
    const r = doc.results[family];
    const s = r.sklearn;
    const g = r['jobs=1'];
    // a --jobs that changed the LL is said before the table, where it was found
    for (const j of r.jobs_ll_differ) lines.push(`!! ${family}: gmm-fit jobs=${j} LL ${r[`jobs=${j}`].ll} differs from jobs=1 ${g.ll}; --jobs must not change a bit`);
    rows.push([
      family,
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
  lines.push('gmm-fit: node bench/synth-gmm.js FILE --jobs J --covariance F --k 8 --seed 0 --iterations N (in-process, parsing not timed);');
  lines.push('scikit-learn: bench/peers/sklearn_family.py FILE F 8 N, GaussianMixture.fit / N (includes input checks and one final E-step).');
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
