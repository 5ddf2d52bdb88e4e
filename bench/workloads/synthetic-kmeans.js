'use strict';
// synthetic-kmeans: k-means on the `synthetic` data (200,000 × 10, the same file), gmm-fit
// against scikit-learn's Lloyd k-means from the same start (seed 0's 8 rows, the course's
// init(X, 8, 0)), tol 0 and at most 50 iterations in both:
//   - the gmm-fit CLI: --model kmeans --k 8 --seed 0 --max-iter 50 --tol 0 (whole process);
//   - gmm-fit in-process (bench/synth-gmm.js --model kmeans --jobs 1: one k-means fit runs
//     in one thread whatever --jobs says);
//   - scikit-learn: KMeans(algorithm='lloyd', n_init=1, init=X[rows], tol=0, max_iter=50)
//     (bench/peers/sklearn_job.py kmeans).
// Neither runs 50 iterations: from this start the assignments stop changing after 19.
// scikit-learn stops at the iteration whose labels equal the previous ones (strict
// convergence, n_iter_ = 19); gmm-fit, whose tol 0 stops when the cost no longer falls,
// sees it one E-step later, when the cost repeats (20 E+M steps). Both end with the same
// clusters, so their final costs (gmm-fit's last E-step, sklearn's inertia_) are the same
// number but for rounding: they must agree to 1e-9 relative. Per iteration = each tool's
// fit time / the iterations it ran. Target: gmm-fit's ≤ 0.5 × scikit-learn's.
// See bench/README.md, "The synthetic-kmeans workload".
const { syntheticData } = require('../lib/data.js');
const { SKLEARN_JOB, runPeer, peerCommand } = require('../lib/peers.js');
const { alternate, showWall, summarizeRuns } = require('../lib/timing.js');
const { TOOLS, runGmmFitCli, runInProcess, showMsPerIteration } = require('../lib/tools.js');
const { finding, relDiff, toolFailures } = require('../lib/checks.js');
const { fmt, kibToMB, table, findingLines, blasLabel } = require('../lib/report.js');

const NAME = 'synthetic-kmeans';
const FIT = { k: 8, seed: 0, iterations: 50, model: 'kmeans' };
const PER_ITERATION_TARGET = 0.5; // gmm-fit in-process / scikit-learn, ms per k-means iteration
const COST_TOLERANCE = 1e-9; // relative, gmm-fit's final cost against scikit-learn's inertia_
const NO_NUMPY = 'no numpy peer: scikit-learn is the peer';

const cliArgs = (file) => [file, '--model', 'kmeans', '--k', String(FIT.k), '--seed', String(FIT.seed), '--max-iter', String(FIT.iterations), '--tol', '0', '--json'];
const peerArgs = (file) => ['kmeans', file, String(FIT.iterations)];

function prepare(ctx) {
  const made = syntheticData(ctx, NAME);
  if (made.error) return { skip: `${NAME} skipped: generating the data failed: ${made.error}`, failed: true };
  return made;
}

function run(ctx, { file, data }) {
  const sk = ctx.peers.sklearn;
  const withSk = Boolean(sk && sk.ok);
  const threads = Math.max(...ctx.jobsList);
  const tools = [
    { key: 'gmm_fit', label: 'gmm-fit', run: () => runGmmFitCli(cliArgs(file)), show: showWall },
    { key: 'in_process', label: 'in-process jobs=1', run: () => runInProcess(file, '1', FIT), show: showMsPerIteration },
    threads > 1 ? { key: 'in_process_n', label: `in-process jobs=${threads}`, run: () => runInProcess(file, String(threads), FIT), show: showMsPerIteration } : undefined,
    withSk ? { key: 'sklearn', label: 'scikit-learn', run: () => runPeer(SKLEARN_JOB, peerArgs(file), ctx.peers.env), show: (x) => (x.ok ? `${x.ms_per_iteration.toFixed(1)} ms/it` : 'FAILED') } : undefined,
  ].filter(Boolean);
  const runs = alternate(NAME, ctx.opts.runs, tools);
  return {
    command: ['gmm-fit', ...cliArgs(file)].join(' '),
    in_process_command: `node bench/synth-gmm.js ${file} --model kmeans --jobs J --k ${FIT.k} --seed ${FIT.seed} --iterations ${FIT.iterations}  (J = ${[...new Set([1, threads])].join(', ')})`,
    threads,
    sklearn_command: peerCommand(SKLEARN_JOB, peerArgs(file)),
    data,
    gmm_fit: summarizeRuns(runs.gmm_fit),
    gmm_fit_in_process: summarizeRuns(runs.in_process),
    ...(threads > 1 ? { gmm_fit_in_process_jobs_n: summarizeRuns(runs.in_process_n) } : {}),
    sklearn: withSk
      ? summarizeRuns(runs.sklearn)
      : { ok: false, skipped: !ctx.peers.numpy.ok ? `scikit-learn peer skipped: ${ctx.peers.numpy.reason}` : `scikit-learn peer skipped: ${sk ? sk.reason : 'not probed'}` },
    numpy: { ok: false, skipped: NO_NUMPY, no_peer: true },
  };
}

// ---- checks ------------------------------------------------------------------

const lastRun = (x) => (x && x.ok && x.last_run) || {};

function checks(r, ctx) {
  r.checks = {};
  return [
    ...toolFailures(
      [
        ['gmm-fit CLI', r.gmm_fit],
        ['gmm-fit in-process', r.gmm_fit_in_process],
        ...(r.gmm_fit_in_process_jobs_n ? [[`gmm-fit in-process jobs=${r.threads}`, r.gmm_fit_in_process_jobs_n]] : []),
      ],
      ctx.opts.runs,
    ),
    ...gmmFitChecks(r),
    ...sklearnChecks(r),
  ];
}

/** The CLI and the in-process fit run the same code: the same cost, bit for bit, and the same iterations; and the fit must have converged. */
function gmmFitChecks(r) {
  const g = r.gmm_fit;
  const x = r.gmm_fit_in_process;
  const out = [];
  if (x.ok && x.cost_varies_between_runs) out.push(finding('mismatch', '!!!!!!!! gmm-fit in-process: the k-means cost differed between runs (it is deterministic) !!!!!!!!'));
  if (x.ok) {
    const lr = lastRun(x);
    r.checks.gmm_fit_iterations = x.iterations;
    r.checks.gmm_fit_stop = lr.stop ?? null;
    if (lr.stop !== 'converged') {
      out.push(finding('warning', `!! gmm-fit k-means did not converge within ${FIT.iterations} iterations (stop: ${lr.stop}): its cost is of its ${FIT.iterations}th E-step, not of the fixed clusters`));
    }
  }
  if (g.ok && x.ok) {
    if (g.cost !== x.cost || g.iterations !== x.iterations) {
      out.push(finding('mismatch', `!!!!!!!! gmm-fit CLI cost ${g.cost} in ${g.iterations} iterations differs from in-process ${x.cost} in ${x.iterations} (the same fit) !!!!!!!!`));
    } else out.push(finding('ok', `gmm-fit CLI and in-process: the same cost, bit for bit (${x.cost}), in ${x.iterations} iterations`));
  }
  const n = r.gmm_fit_in_process_jobs_n;
  if (n && n.ok && x.ok) {
    if (n.cost !== x.cost || n.iterations !== x.iterations) {
      out.push(finding('mismatch', `!!!!!!!! gmm-fit in-process jobs=${r.threads} cost ${n.cost} in ${n.iterations} iterations differs from jobs=1 ${x.cost} in ${x.iterations} (every --jobs gives the same bits) !!!!!!!!`));
    } else out.push(finding('ok', `gmm-fit jobs=1 and jobs=${r.threads}: the same cost, bit for bit`));
  }
  return out;
}

/** scikit-learn: the same start rows, its stop one iteration before gmm-fit's, the same final cost to 1e-9 and the same cluster sizes. */
function sklearnChecks(r) {
  const s = r.sklearn;
  if (s.skipped) return [finding('info', s.skipped)];
  if (!s.ok) return [finding('failure', `!! scikit-learn peer FAILED: ${s.error}`)];
  const out = [];
  const sl = lastRun(s);
  const x = r.gmm_fit_in_process;
  const xl = lastRun(x);
  if (s.cost_varies_between_runs) out.push(finding('info', 'note: scikit-learn\'s inertia_ differed between runs in its last digits (its OpenMP threads add their partial sums in the order they finish)'));
  if (!x.ok) return out;

  const sameStart = JSON.stringify(xl.initial_rows) === JSON.stringify(sl.initial_rows);
  r.checks.same_start_rows = sameStart;
  out.push(
    sameStart
      ? finding('ok', `same start: both begin from rows ${JSON.stringify(sl.initial_rows)} (seed 0: np.random.seed(0); np.random.choice(n, 8, replace=False))`)
      : finding('failure', `!! NOT the same start: gmm-fit rows ${JSON.stringify(xl.initial_rows)}, scikit-learn rows ${JSON.stringify(sl.initial_rows)}: the costs and times are not comparable`),
  );

  r.checks.sklearn_n_iter = s.iterations;
  if (s.iterations === FIT.iterations) {
    out.push(finding('warning', `!! scikit-learn ran all ${FIT.iterations} iterations without strict convergence: its inertia_ is of one more E-step than gmm-fit's cost`));
  } else if (x.iterations === s.iterations + 1) {
    out.push(
      finding(
        'info',
        `iterations: scikit-learn n_iter_ = ${s.iterations} (its labels stopped changing: strict convergence), gmm-fit ${x.iterations} ` +
          '(tol 0 stops when the cost no longer falls, which it sees at the next E-step: one more E+M step over the same clusters)',
      ),
    );
  } else {
    out.push(finding('warning', `!! iterations: scikit-learn n_iter_ = ${s.iterations}, gmm-fit ${x.iterations} (expected scikit-learn's + 1): the two did not follow the same path`));
  }

  const rel = relDiff(x.cost, s.cost);
  r.checks.cost_rel_diff = rel;
  r.checks.cost_agrees = rel <= COST_TOLERANCE;
  out.push(
    rel <= COST_TOLERANCE
      ? finding('ok', `final cost agrees: gmm-fit ${x.cost} vs scikit-learn inertia_ ${s.cost}: relative difference ${rel.toExponential(2)} (≤ ${COST_TOLERANCE})`)
      : finding('mismatch', `!!!!!!!! COST MISMATCH on ${NAME}: gmm-fit ${x.cost} vs scikit-learn inertia_ ${s.cost}; relative difference ${rel.toExponential(2)} (tolerance ${COST_TOLERANCE}) !!!!!!!!`),
  );
  if (Array.isArray(xl.cluster_sizes) && Array.isArray(sl.cluster_sizes)) {
    const same = JSON.stringify(xl.cluster_sizes) === JSON.stringify(sl.cluster_sizes);
    r.checks.same_cluster_sizes = same;
    out.push(
      same
        ? finding('ok', `same clusters' sizes, cluster by cluster: ${JSON.stringify(sl.cluster_sizes)}`)
        : finding('warning', `!! cluster sizes differ: gmm-fit ${JSON.stringify(xl.cluster_sizes)}, scikit-learn ${JSON.stringify(sl.cluster_sizes)}`),
    );
  }
  out.push(
    finding(
      'info',
      `  note: per iteration = fit time / iterations run. gmm-fit: one await sweep(…) of the library (data preparation, the start, ${x.iterations} E+M steps, ` +
        `the clusters' log-likelihood) / ${x.iterations}; scikit-learn: KMeans.fit(X) (validation, a centred copy of X, ${s.iterations} Lloyd steps, inertia_) / ${s.iterations}, ` +
        `on ${sl.threads ?? '?'} OpenMP thread(s). Loop only: gmm-fit (end of the last E-step − end of the first) / ${x.iterations - 1}; ` +
        `scikit-learn its _kmeans_single_lloyd alone / ${sl.loop_only_n_iter ?? s.iterations}`,
    ),
  );
  if (sl.warnings && sl.warnings.length) out.push(finding('info', `  scikit-learn warned: ${sl.warnings.join('; ').slice(0, 160)}`));
  return out;
}

// ---- summary figures ---------------------------------------------------------

/** The ratios gmm-fit / scikit-learn (medians): per iteration (the target's), whole fit, loop only, whole process. */
function ratios(r) {
  const out = {};
  if (!r || r.skipped) return out;
  const x = r.gmm_fit_in_process;
  const s = r.sklearn;
  const g = r.gmm_fit;
  if (!s || !s.ok) return out;
  if (x.ok) {
    out.gmm_fit_jobs_1_over_sklearn = x.in_process_ms_per_iteration_median / s.in_process_ms_per_iteration_median;
    const n = r.gmm_fit_in_process_jobs_n;
    if (n && n.ok) {
      out.gmm_fit_jobs_n_over_sklearn = n.in_process_ms_per_iteration_median / s.in_process_ms_per_iteration_median;
      if (typeof n.ms_per_iteration_loop_only_median === 'number' && typeof s.ms_per_iteration_loop_only_median === 'number') {
        out.loop_only_jobs_n_over_sklearn = n.ms_per_iteration_loop_only_median / s.ms_per_iteration_loop_only_median;
      }
    }
    out.best_over_sklearn = Math.min(out.gmm_fit_jobs_1_over_sklearn, out.gmm_fit_jobs_n_over_sklearn ?? Infinity);
    out.gmm_fit_fit_over_sklearn_fit = (x.in_process_ms_per_iteration_median * x.iterations) / (s.in_process_ms_per_iteration_median * s.iterations);
    if (typeof x.ms_per_iteration_loop_only_median === 'number' && typeof s.ms_per_iteration_loop_only_median === 'number') {
      out.loop_only_gmm_fit_over_sklearn = x.ms_per_iteration_loop_only_median / s.ms_per_iteration_loop_only_median;
    }
    out.final_cost_rel_diff = relDiff(x.cost, s.cost);
  }
  if (g.ok) out.wall_gmm_fit_cli_over_sklearn = g.wall_median_s / s.wall_median_s;
  return out;
}

function targets(r, doc) {
  const v = doc.synthetic_kmeans_ratios || {};
  return [
    {
      name: "synthetic-kmeans gmm-fit per-iteration ≤ 0.5 × scikit-learn KMeans's",
      value: v.best_over_sklearn ?? null,
      unit: '×',
      detail: '(the better of jobs=1 and jobs=N, in-process medians)',
      test: (x) => x <= PER_ITERATION_TARGET,
    },
    {
      name: "synthetic-kmeans final cost = scikit-learn's inertia_ (≤ 1e-9 relative)",
      value: v.final_cost_rel_diff ?? null,
      unit: 'relative',
      test: (x) => x <= COST_TOLERANCE,
    },
  ];
}

// ---- rendering ---------------------------------------------------------------

const HEADER = ['tool', 'wall median (s)', 'min (s)', 'peak RSS (MB)', 'cost', 'iterations', 'ms/iteration in-process: median (min)', 'loop only ms/iteration', 'threads'];

const rss = (x) => (x.peak_rss_kib === null || x.peak_rss_kib === undefined ? '-' : fmt(kibToMB(x.peak_rss_kib), 1));
const perIteration = (x) => `${fmt(x.in_process_ms_per_iteration_median, 2)} (${fmt(x.in_process_ms_per_iteration_min, 2)})`;
const failed = (name) => [name, 'FAILED', ...new Array(HEADER.length - 2).fill('')];
const costCell = (x) => (typeof x.cost === 'number' ? x.cost.toFixed(6) : '-');

function render(r, doc) {
  const g = r.gmm_fit;
  const x = r.gmm_fit_in_process;
  const s = r.sklearn;
  const rows = [
    g.ok ? ['gmm-fit (CLI)', fmt(g.wall_median_s, 3), fmt(g.wall_min_s, 3), rss(g), costCell(g), g.iterations, '-', '-', String(r.threads ?? 1)] : failed('gmm-fit (CLI)'),
    x.ok ? ['gmm-fit jobs=1 (in-process)', '-', '-', rss(x), costCell(x), x.iterations, perIteration(x), fmt(x.ms_per_iteration_loop_only_median, 2), '1'] : failed('gmm-fit jobs=1 (in-process)'),
  ];
  const n = r.gmm_fit_in_process_jobs_n;
  if (n) {
    const name = `gmm-fit jobs=${r.threads} (in-process)`;
    rows.push(n.ok ? [name, '-', '-', rss(n), costCell(n), n.iterations, perIteration(n), fmt(n.ms_per_iteration_loop_only_median, 2), String(r.threads)] : failed(name));
  }
  if (!s.skipped) {
    const sl = lastRun(s);
    const name = `scikit-learn ${sl.sklearn ?? doc.machine.sklearn ?? ''} KMeans lloyd`.replace(/\s+/g, ' ');
    rows.push(s.ok ? [name, fmt(s.wall_median_s, 3), fmt(s.wall_min_s, 3), rss(s), costCell(s), s.iterations, perIteration(s), fmt(s.ms_per_iteration_loop_only_median, 2), String(sl.threads ?? '?')] : failed(name));
  }
  const d = r.data;
  const lines = [
    `== ${NAME}: ${r.command}`,
    table(HEADER, rows),
    `data: the synthetic workload's file (${d.n} × ${d.d}, sha256 ${d.sha256.slice(0, 16)}…); in-process: ${r.in_process_command}; scikit-learn: ${r.sklearn_command}`,
  ];
  const xl = lastRun(x);
  if (x.ok && typeof xl.ms_first_e_step === 'number') {
    lines.push(
      `gmm-fit in-process, where the time goes (last run): ${xl.ms_first_e_step.toFixed(1)} ms from the call to the end of the first E-step (data preparation, the start, that E-step), ` +
        `${fmt(xl.ms_per_iteration_loop_only, 2)} ms per later iteration, ${fmt(xl.ms_after_last_e_step, 1)} ms after the last E-step (its M-step, the clusters' log-likelihood, the document)`,
    );
  }
  if (s.ok) lines.push(`scikit-learn's BLAS/OpenMP: ${blasLabel(s.blas, s.openblas_env)}`);
  return [...lines, ...findingLines(r)];
}

function renderSummary(r, doc) {
  const v = doc.synthetic_kmeans_ratios;
  const x = r.gmm_fit_in_process;
  const s = r.sklearn;
  const lines = ['', `${NAME}, gmm-fit / scikit-learn KMeans (lloyd), medians over runs; < 1 means gmm-fit is faster:`];
  if (!('gmm_fit_jobs_1_over_sklearn' in v)) {
    lines.push(`  n/a (${!x.ok ? 'gmm-fit in-process failed' : s.skipped ? 'no scikit-learn peer' : 'scikit-learn peer failed'})`);
    return lines;
  }
  const ms = (a) => `${a.toFixed(2)} ms`;
  lines.push(`  per iteration (fit / iterations)        ${v.gmm_fit_jobs_1_over_sklearn.toFixed(2)}  (${ms(x.in_process_ms_per_iteration_median)} / ${ms(s.in_process_ms_per_iteration_median)})`);
  const n = r.gmm_fit_in_process_jobs_n;
  if ('gmm_fit_jobs_n_over_sklearn' in v) {
    lines.push(`  per iteration, jobs=${r.threads}                  ${v.gmm_fit_jobs_n_over_sklearn.toFixed(2)}  (${ms(n.in_process_ms_per_iteration_median)} / ${ms(s.in_process_ms_per_iteration_median)})`);
  }
  lines.push(
    `  whole fit (${x.iterations} and ${s.iterations} iterations)         ${v.gmm_fit_fit_over_sklearn_fit.toFixed(2)}  (${ms(x.in_process_ms_per_iteration_median * x.iterations)} / ${ms(s.in_process_ms_per_iteration_median * s.iterations)})`,
  );
  if ('loop_only_gmm_fit_over_sklearn' in v) {
    lines.push(`  loop only, per iteration                ${v.loop_only_gmm_fit_over_sklearn.toFixed(2)}  (${ms(x.ms_per_iteration_loop_only_median)} / ${ms(s.ms_per_iteration_loop_only_median)})`);
  }
  if ('loop_only_jobs_n_over_sklearn' in v) {
    lines.push(`  loop only, per iteration, jobs=${r.threads}       ${v.loop_only_jobs_n_over_sklearn.toFixed(2)}  (${ms(n.ms_per_iteration_loop_only_median)} / ${ms(s.ms_per_iteration_loop_only_median)})`);
  }
  if ('wall_gmm_fit_cli_over_sklearn' in v) {
    lines.push(`  whole process (CLI / python)            ${v.wall_gmm_fit_cli_over_sklearn.toFixed(2)}  (${r.gmm_fit.wall_median_s.toFixed(3)} s / ${s.wall_median_s.toFixed(3)} s)`);
  }
  lines.push(`  final cost: gmm-fit ${x.cost} vs scikit-learn ${s.cost}: relative difference ${v.final_cost_rel_diff.toExponential(2)} (target ≤ ${COST_TOLERANCE})`);
  return lines;
}

module.exports = {
  name: NAME,
  tools: [TOOLS.cli, TOOLS.inProcess, TOOLS.sklearn],
  prepare,
  run,
  checks,
  render,
  renderSummary,
  targets,
  docFields: (r) => ({ synthetic_kmeans_ratios: ratios(r) }),
  notes: {
    synthetic_kmeans:
      "k-means from seed 0's rows, tol 0, at most 50 iterations: gmm-fit (CLI; in-process bench/synth-gmm.js --model kmeans --jobs 1 and --jobs N) vs scikit-learn KMeans(algorithm='lloyd', n_init=1, init=those rows, tol=0, max_iter=50). " +
      'Per iteration = fit time / the iterations each ran (sklearn stops at strict convergence, gmm-fit one E-step later when the cost repeats); loop only = gmm-fit (end of last E-step − end of first) / (iterations − 1), sklearn _kmeans_single_lloyd alone / n_iter. Final cost: gmm-fit last E-step cost vs sklearn inertia_, ≤ 1e-9 relative',
  },
};
