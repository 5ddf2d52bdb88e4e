#!/usr/bin/env node
'use strict';
// npm run bench  =  node bench/run.js [--runs N] [--quick] [--only NAME[,NAME]] [--large-runs N]
//                                     [--install-peers] [--unset-openblas-coretype]
//                   node bench/run.js --report bench/last-run.json
//
// The driver: reads the options, probes the peers, then runs each selected
// workload module of bench/workloads/ in turn (prepare its data, run its tools,
// check the results), and prints the text report, rendered from the run's
// JSON document, which it saves to bench/last-run.json. It knows nothing about
// any one workload: what is run, checked and targeted lives in the workload's
// file. The shared machinery is in bench/lib/. See bench/README.md.
const fs = require('fs');
const os = require('os');
const path = require('path');
const WORKLOADS = require('./workloads/index.js');
const { parseArgs } = require('./lib/args.js');
const gmmFit = require('./lib/gmm-fit.js');
const peers = require('./lib/peers.js');
const { dataDir } = require('./lib/data.js');
const { TOOLS } = require('./lib/tools.js');
const { finding, countFindings } = require('./lib/checks.js');
const report = require('./lib/report.js');

const OUT_JSON = path.join(__dirname, 'last-run.json');
const NAMES = WORKLOADS.map((w) => w.name);

const USAGE = `usage: node bench/run.js [--runs N] [--quick] [--only NAME[,NAME]] [--large-runs N] [--install-peers] [--unset-openblas-coretype]
       node bench/run.js --report FILE

  --runs N                    runs per tool and workload; wall time is their median (default 5)
  --quick                     one run each (same as --runs 1)
  --only NAME[,NAME]          run only these workloads (${NAMES.join(', ')}); default all
  --large-runs N              runs of the \`large\` workload (default 1, whatever --runs/--quick say)
  --install-peers             first apt-get install -y python3-numpy python3-scipy python3-sklearn
  --unset-openblas-coretype   remove OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE from the numpy
                              peer's environment only (default: environment left as it is)
  --report FILE               print the text report of a saved run (e.g. bench/last-run.json)
                              again, rendered from that file alone; runs nothing
  -h, --help                  this text

Environment: GMM_FIT_DATA (directory with netflix_incomplete.txt and netflix_complete.txt;
default ../shared/data next to the repository), GMM_FIT_PYTHON (default /usr/bin/python3).`;

const ARGS = {
  program: 'bench',
  usage: USAGE,
  options: [
    { flag: '--runs', key: 'runs', type: 'count', default: 5 },
    { flag: '--quick', key: 'quick', type: 'flag' },
    { flag: '--only', key: 'only', type: 'names', choices: NAMES, noun: 'workload' },
    { flag: '--large-runs', key: 'largeRuns', type: 'count', default: 1 },
    { flag: '--install-peers', key: 'installPeers', type: 'flag' },
    { flag: '--unset-openblas-coretype', key: 'unsetCoretype', type: 'flag' },
    { flag: '--report', key: 'report', type: 'path' },
  ],
};

// What every run's document says about its figures; workloads add their own (their `notes`).
const NOTES = {
  wall: 'whole process, spawn to exit, median over runs (min also given); runs alternate gmm-fit / numpy (/ scikit-learn / in-process gmm-fit on synthetic)',
  peak_rss: 'gmm-fit: process.resourceUsage().maxRSS at exit via bench/rss.js; numpy / scikit-learn: getrusage(RUSAGE_SELF).ru_maxrss at the end of the job; max over runs; MB = 10^6 bytes',
  ms_per_iteration: 'whole-process time per iteration: wall median / EM iterations summed over all fits (includes startup, parsing, output)',
  ll: 'log-likelihood of the selected fit; synthetic: of the 50th E-step (scikit-learn: lower_bound_ × n)',
};

function main() {
  const opts = parseArgs(process.argv.slice(2), ARGS);
  if (opts.quick) opts.runs = 1;
  if (opts.report) return printSavedReport(opts.report);
  const started = new Date();

  const stale = checkBuild();
  const install = opts.installPeers ? peers.installPeers() : null;
  const selected = WORKLOADS.filter((w) => !opts.only || opts.only.includes(w.name));
  const env = peers.peerEnvironment(opts.unsetCoretype);
  const numpy = peers.probeNumpy(env.env);
  // scikit-learn is probed (and its version shown) only when a selected workload runs it
  const sklearnUsers = WORKLOADS.filter((w) => w.tools.includes(TOOLS.sklearn));
  const sklearn = selected.some((w) => sklearnUsers.includes(w)) ? peers.probeSklearn(env.env) : null;
  const jobsN = os.availableParallelism();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gmm-fit-bench-'));
  const ctx = {
    opts,
    tmp, // each workload's data and outputs; deleted at the end
    dataDir: dataDir(),
    jobsList: jobsN > 1 ? [1, jobsN] : [1],
    peers: { env: env.env, numpy, sklearn },
  };

  const doc = newDocument({ started, opts, selected, install, env, numpy, sklearn, sklearnUsers, stale, dataDir: ctx.dataDir, jobsN });
  const printed = [];
  const print = (lines) => {
    printed.push(...lines);
    for (const line of lines) process.stdout.write(line + '\n');
  };
  // Each section is rendered from the document as stored, as soon as its part is complete.
  print(report.renderHeader(report.asStored(doc), WORKLOADS));
  try {
    for (const w of selected) {
      doc.workloads[w.name] = runWorkload(w, ctx);
      print(report.renderWorkload(report.asStored(doc), w));
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  finishDocument(doc);
  print(report.renderSummary(report.asStored(doc), WORKLOADS));

  doc.output = report.renderReport(report.asStored(doc), WORKLOADS);
  if (doc.output !== printed.join('\n')) process.stderr.write('bench: internal: the report rendered from the document differs from the text printed\n');
  fs.writeFileSync(OUT_JSON, JSON.stringify(doc, null, 1) + '\n');
  process.stdout.write(`\nsaved ${path.relative(process.cwd(), OUT_JSON) || OUT_JSON}\n`);
  process.exitCode = doc.failures || doc.ll_mismatches ? 1 : 0;
}

/** Stops when the CLI is not built; warns (and returns them) when sources under src/ are newer than dist/. */
function checkBuild() {
  const missing = gmmFit.missingBuild();
  if (missing) {
    process.stderr.write(`bench: ${missing}\n`);
    process.exit(1);
  }
  const stale = gmmFit.staleSources();
  if (stale.length) {
    process.stderr.write(`bench: warning: ${stale.join('; ')}; rebuild with  npm run build\n`);
  }
  return stale;
}

/**
 * One workload: prepare its data, run its tools, check the results. A workload
 * whose prepare step says `skip` (its data is missing, or could not be made:
 * `failed`) is recorded as skipped, with that message as its one finding.
 */
function runWorkload(w, ctx) {
  const prepared = w.prepare(ctx);
  if (prepared.skip) return { skipped: prepared.skip, stage: 'prepare', findings: [finding(prepared.failed ? 'failure' : 'info', prepared.skip)] };
  const r = w.run(ctx, prepared);
  r.findings = w.checks(r, ctx);
  return r;
}

/** The document as known before any workload runs: the machine, the options, the peers. */
function newDocument({ started, opts, selected, install, env, numpy, sklearn, sklearnUsers, stale, dataDir, jobsN }) {
  const cpus = os.cpus();
  const python = peers.PYTHON;
  return {
    report_format: report.REPORT_FORMAT,
    date: started.toISOString(),
    finished: null,
    machine: {
      cpu: cpus.length ? cpus[0].model : 'unknown',
      cores: cpus.length,
      available_parallelism: jobsN,
      loadavg_at_start: os.loadavg(),
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
      node: process.version,
      numpy: numpy.ok ? numpy.numpy : null,
      scipy: numpy.ok ? numpy.scipy : null,
      sklearn: sklearn && sklearn.ok ? sklearn.sklearn : null,
      python,
    },
    options: { runs: opts.runs, quick: opts.quick, only: opts.only, large_runs: opts.largeRuns, install_peers: opts.installPeers, unset_openblas_coretype: opts.unsetCoretype },
    selected_workloads: selected.map((w) => w.name),
    install_peers: install,
    peer: numpy.ok ? { python, numpy: numpy.numpy, scipy: numpy.scipy } : { skipped: numpy.reason },
    sklearn_peer: {
      needed: Boolean(sklearn),
      ...(sklearn ? (sklearn.ok ? { python, sklearn: sklearn.sklearn } : { skipped: sklearn.reason }) : { skipped: `${sklearnUsers.map((w) => w.name).join(', ')} not selected` }),
    },
    peer_environment: {
      note: env.note,
      inherited: env.inherited,
      removed_for_peer: opts.unsetCoretype ? env.removed : {},
    },
    data_dir: dataDir,
    dist_stale_sources: stale,
    notes: Object.assign({ ...NOTES }, ...WORKLOADS.map((w) => w.notes || {})),
    workloads: {},
  };
}

/** After the workloads: the wall ratios, the workloads' own top-level fields, the targets (of every workload: SKIP when not run), the counts. */
function finishDocument(doc) {
  doc.machine.loadavg_at_end = os.loadavg();
  doc.ratios_gmm_fit_over_numpy = {};
  for (const name of doc.selected_workloads) {
    const v = report.wallRatioOverNumpy(doc.workloads[name]);
    if (v !== null) doc.ratios_gmm_fit_over_numpy[name] = v;
  }
  for (const w of WORKLOADS) if (w.docFields) Object.assign(doc, w.docFields(doc.workloads[w.name]));
  doc.targets = report.judgeTargets(WORKLOADS.flatMap((w) => w.targets(doc.workloads[w.name], doc)));
  doc.ll_mismatches = countFindings(doc.workloads, 'mismatch');
  doc.failures = countFindings(doc.workloads, 'failure');
  doc.finished = new Date().toISOString();
}

/** --report FILE: the text report of a saved run, rendered from the file alone. */
function printSavedReport(file) {
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    process.stderr.write(`bench: --report: cannot read ${file}: ${e.message}\n`);
    process.exit(2);
  }
  if (!doc.report_format) {
    // saved by the bench before it rendered from its document: only its text is there
    process.stderr.write(`bench: --report: ${file} predates report_format; printing the text it saved\n`);
    process.stdout.write((doc.output ?? '') + '\n');
    return;
  }
  if (doc.report_format > report.REPORT_FORMAT) process.stderr.write(`bench: --report: ${file} has report_format ${doc.report_format}, newer than this bench's ${report.REPORT_FORMAT}; rendering what it can\n`);
  process.stdout.write(report.renderReport(doc, WORKLOADS) + '\n');
}

main();
