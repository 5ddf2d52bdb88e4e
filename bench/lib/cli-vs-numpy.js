'use strict';
// The common shape of a workload: the gmm-fit CLI and the numpy peer doing the
// same job, alternating for --runs runs, then compared (same LL to 1e-6 and the
// same selected K and seed). toy-fit, toy-sweep and netflix are just this;
// synthetic builds on its pieces (cliTool, numpyTool, numpySummary).
const { NUMPY_JOB, runPeer, peerCommand } = require('./peers.js');
const { alternate, showWall, summarizeRuns } = require('./timing.js');
const { runGmmFitCli } = require('./tools.js');
const { toolFailures, agreementWithNumpy } = require('./checks.js');
const { table, toolHeader, toolRow, peerRows, findingLines } = require('./report.js');

/** The gmm-fit CLI as one of the alternating tools (results under `gmm_fit`). */
const cliTool = (args) => ({ key: 'gmm_fit', label: 'gmm-fit', run: () => runGmmFitCli(args), show: showWall });

/** The numpy peer's job `job` as one of the alternating tools (results under `numpy`); undefined when the peer cannot run. */
function numpyTool(ctx, job, args) {
  if (!ctx.peers.numpy.ok) return undefined;
  return { key: 'numpy', label: 'numpy', run: () => runPeer(NUMPY_JOB, [job, ...args], ctx.peers.env), show: showWall };
}

/** The numpy side of a result: its runs summarised, or why it was skipped. */
function numpySummary(ctx, runs) {
  return ctx.peers.numpy.ok ? summarizeRuns(runs) : { ok: false, skipped: `numpy peer skipped: ${ctx.peers.numpy.reason}` };
}

/** The result's command lines, as the report shows them. */
function commands(job, cliArgs, peerArgs) {
  return { command: ['gmm-fit', ...cliArgs].join(' '), peer_command: peerCommand(NUMPY_JOB, [job, ...peerArgs]) };
}

/** Runs `gmm-fit CLI_ARGS` and `numpy_job.py JOB PEER_ARGS` in turn, ctx.opts.runs times: { command, peer_command, gmm_fit, numpy }. */
function runCliVsNumpy(ctx, job, cliArgs, peerArgs) {
  const tools = [cliTool(cliArgs), numpyTool(ctx, job, peerArgs)].filter(Boolean);
  const runs = alternate(job, ctx.opts.runs, tools);
  return { ...commands(job, cliArgs, peerArgs), gmm_fit: summarizeRuns(runs.gmm_fit), numpy: numpySummary(ctx, runs.numpy || []) };
}

/** The checks of such a result: gmm-fit's failures, then the agreement with numpy (`rmse`: compare the RMSEs too). */
function cliVsNumpyChecks(r, job, runs, { rmse = false } = {}) {
  return [...toolFailures([['gmm-fit', r.gmm_fit]], runs), ...agreementWithNumpy(r, job, { rmse })];
}

/** Its section of the report: the command, the table (gmm-fit, then the peers), the findings. */
function renderCliVsNumpy(name, r, doc, columns = {}) {
  return [`== ${name}: ${r.command}`, table(toolHeader(columns), [toolRow('gmm-fit', r.gmm_fit, '-', columns), ...peerRows(r, doc, columns)]), ...findingLines(r)];
}

/** gmm-fit's summary of a result, when it ran; targets read it. */
const cliSummary = (r) => (r && r.gmm_fit && r.gmm_fit.ok ? r.gmm_fit : null);

module.exports = { cliTool, numpyTool, numpySummary, commands, runCliVsNumpy, cliVsNumpyChecks, renderCliVsNumpy, cliSummary };
