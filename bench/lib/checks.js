'use strict';
// Findings: what a workload's checks conclude, one report line each.
//
// A finding is { level, text }. The level decides what it counts for:
//   failure   a tool failed or did not do the job asked (exit status 1)
//   mismatch  two tools disagree on the log-likelihood (exit status 1)
//   warning   worth a loud `!!` line, but not a failure (e.g. LL differed between runs)
//   ok        a check that passed (e.g. `LL agrees`)
//   info      context (a skipped peer, an RMSE comparison, a note)
// Findings are stored in bench/last-run.json (workloads.NAME.findings) and the
// text report prints their text as is, so the report can be re-rendered from
// the JSON alone.

const finding = (level, text) => ({ level, text });

/** The same relative-difference rule everywhere: |a − b| / |reference|. */
const relDiff = (a, reference) => Math.abs(a - reference) / Math.abs(reference);

const LL_TOLERANCE = 1e-6;

/**
 * Failures of summarised tools: `tools` = [[name, summary], …] (timing.summarizeRuns).
 * A tool that failed every run, or some of its `runs`, is a failure; an LL that
 * changed between runs is a warning (the report shows the last run's).
 */
function toolFailures(tools, runs) {
  const out = [];
  for (const [name, x] of tools) {
    if (!x.ok) out.push(finding('failure', `!! ${name} FAILED: ${x.error}`));
    else if (x.failed_runs) out.push(finding('failure', `!! ${name}: ${x.failed_runs} of ${runs} runs failed`));
    if (x.ok && x.ll_varies_between_runs) out.push(finding('warning', `!! ${name} LL differed between runs (shown: last run)`));
  }
  return out;
}

/**
 * The gmm-fit CLI against the numpy peer on result `r` (r.gmm_fit, r.numpy):
 * same LL to 1e-6 relative and the same selected K and seed, else LL MISMATCH;
 * with `rmse`, the two RMSEs compared; a note if the iteration totals differ.
 * Records r.ll_rel_diff, r.ll_agrees, r.selection_agrees (and r.rmse_rel_diff).
 * `cliLabel` names the gmm-fit side in the agreement line when a workload has several.
 */
function agreementWithNumpy(r, name, { cliLabel = null, rmse = false } = {}) {
  const g = r.gmm_fit;
  const p = r.numpy;
  if (p.skipped) return [finding('info', p.skipped)];
  if (!p.ok) return [finding('failure', `!! numpy peer FAILED: ${p.error}`)];
  if (!g.ok) return [];
  const out = [];
  const rel = Math.abs(g.ll - p.ll) / Math.max(Math.abs(p.ll), Number.MIN_VALUE);
  const sameSel = g.k === p.k && g.seed === p.seed;
  r.ll_rel_diff = rel;
  r.ll_agrees = rel <= LL_TOLERANCE;
  r.selection_agrees = sameSel;
  if (r.ll_agrees && sameSel) {
    out.push(finding('ok', `LL agrees${cliLabel ? ` (${cliLabel} vs numpy)` : ''}: relative difference ${rel.toExponential(2)} (≤ 1e-6); both select K=${g.k} seed ${g.seed}`));
  } else {
    out.push(
      finding(
        'mismatch',
        `!!!!!!!! LL MISMATCH on ${name}: gmm-fit ${g.ll} (K=${g.k} seed ${g.seed}) vs numpy ${p.ll} (K=${p.k} seed ${p.seed}); relative difference ${rel.toExponential(2)} (tolerance 1e-6) !!!!!!!!`,
      ),
    );
  }
  if (rmse && g.rmse !== null && p.rmse !== null) {
    r.rmse_rel_diff = relDiff(g.rmse, p.rmse);
    out.push(finding('info', `RMSE: gmm-fit ${g.rmse.toFixed(9)} vs numpy ${p.rmse.toFixed(9)} (relative difference ${r.rmse_rel_diff.toExponential(2)})`));
  }
  if (g.iterations !== p.iterations) out.push(finding('info', `note: total EM iterations differ: gmm-fit ${g.iterations}, numpy ${p.iterations}`));
  return out;
}

/** How many findings of `level` the results hold (skipped workloads included). */
function countFindings(results, level) {
  let n = 0;
  for (const r of Object.values(results)) for (const f of r.findings || []) if (f.level === level) n++;
  return n;
}

module.exports = { finding, relDiff, LL_TOLERANCE, toolFailures, agreementWithNumpy, countFindings };
