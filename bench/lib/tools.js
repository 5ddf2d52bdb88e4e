'use strict';
// The gmm-fit tools a workload can run, each as its own process:
//   - the CLI (bench/rss.js, for its peak RSS), its JSON report read back;
//   - the CLI printing --version: Node's baseline memory with gmm-fit loaded;
//   - the in-process timer bench/synth-gmm.js (one fit, timed inside the process).
// The peers (numpy, scikit-learn) are in peers.js. Each run returns
// { ok, wall, maxrss_kib, ll, k, seed, iterations, … } or { ok: false, error },
// the shape timing.summarizeRuns expects.
const path = require('path');
const { timedJson, timedWithPeakRss, describeFailure } = require('./timing.js');

const SYNTH_GMM = path.join(__dirname, '..', 'synth-gmm.js');

// The tools a workload can declare (its `tools` list): the driver probes a peer only when a selected workload runs it.
const TOOLS = Object.freeze({
  cli: 'gmm-fit CLI',
  inProcess: 'gmm-fit in-process',
  numpy: 'numpy peer',
  sklearn: 'scikit-learn peer',
});

/** One run of `gmm-fit ARGS --json`: wall, peak RSS, and the selected fit's LL, K and seed, iterations summed over all fits. */
function runGmmFitCli(args) {
  const r = timedWithPeakRss(args);
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
  const cost = f && typeof f.cost === 'number' ? f.cost : undefined; // k-means
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
    cost,
    initialRows: f && Array.isArray(f.initialRows) ? f.initialRows : null,
    rmse: doc.completion ? doc.completion.rmse ?? null : null,
    input: doc.input ? { rows: doc.input.rows ?? null, cols: doc.input.cols ?? null } : null,
    stderr: r.stderr,
  };
}

/** Node's baseline: the peak RSS of bench/rss.js running `gmm-fit --version` (Node plus the CLI's modules, no data). */
function runNodeBaseline() {
  const r = timedWithPeakRss(['--version']);
  if (r.error || r.status !== 0) return { ok: false, wall: r.wall, error: describeFailure(r) };
  if (r.maxrss === null) return { ok: false, wall: r.wall, error: 'no @@maxrss line from bench/rss.js' };
  return { ok: true, wall: r.wall, maxrss_kib: r.maxrss, version: r.stdout.trim() };
}

// An in-process variant is a jobs count ('1', '2') with gmm-fit's default kernel
// (WebAssembly SIMD where built), or '<jobs>-js': the TypeScript reference kernel (--kernel js).
const variantJobs = (variant) => (variant.endsWith('-js') ? variant.slice(0, -3) : variant);

function variantLabel(variant) {
  return variant.endsWith('-js') ? `jobs=${variantJobs(variant)}, --kernel js` : `jobs=${variant}`;
}

/**
 * One run of bench/synth-gmm.js FILE: `fit` = { k, seed, iterations, covariance?, model?, regCovar? }.
 * The JSON's ms_per_iteration is the time of the fit alone (parsing not timed); with
 * model 'kmeans', over the iterations it ran (tol 0 stops it when the cost repeats).
 */
function runInProcess(file, variant, fit) {
  const kernel = variant.endsWith('-js') ? ['--kernel', 'js'] : [];
  const covariance = fit.covariance ? ['--covariance', fit.covariance] : [];
  const model = fit.model ? ['--model', fit.model] : [];
  const regCovar = fit.regCovar !== undefined ? ['--reg-covar', String(fit.regCovar)] : [];
  const { r, doc, failure } = timedJson(
    process.execPath,
    [SYNTH_GMM, file, '--jobs', variantJobs(variant), ...kernel, ...covariance, ...model, '--k', String(fit.k), '--seed', String(fit.seed), '--iterations', String(fit.iterations), ...regCovar],
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
    cost: doc.cost ?? undefined,
    ms_per_iteration: doc.ms_per_iteration,
    ms_per_iteration_steady: doc.ms_per_iteration_steady ?? null,
    doc,
    stderr: r.stderr.trim(),
  };
}

/** The progress text of an in-process run: its ms per iteration, or FAILED. */
const showMsPerIteration = (x) => (x.ok ? x.ms_per_iteration.toFixed(1) + ' ms/it' : 'FAILED');

module.exports = { TOOLS, runGmmFitCli, runNodeBaseline, runInProcess, variantLabel, showMsPerIteration };
