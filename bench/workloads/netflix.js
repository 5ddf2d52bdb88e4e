'use strict';
// netflix: completing the course's Netflix rating matrix by missing-data EM
// (0 = missing), K=12, seeds 0..4, the best LL kept, RMSE against the complete
// matrix. The numpy peer runs the course's matrix-product E/M steps
// (em_run(fast=True)), fill_matrix and rmse, and writes its completed matrix too.
// The data is not in the repository: GMM_FIT_DATA, default ../shared/data.
const fs = require('fs');
const path = require('path');
const { TOOLS } = require('../lib/tools.js');
const { kibToMB } = require('../lib/report.js');
const { runCliVsNumpy, cliVsNumpyChecks, renderCliVsNumpy, cliSummary } = require('../lib/cli-vs-numpy.js');

const NAME = 'netflix';
const RSS_TARGET_MB = 300; // gmm-fit peak RSS, MB = 10^6 bytes
const RATIO_TARGET = 0.7; // gmm-fit / numpy wall medians (issue #15: the course's job well ahead of numpy)
const COLUMNS = { rmse: true };

/** The two matrices in ctx.dataDir; skipped (not a failure) when either is missing. */
function prepare(ctx) {
  const incomplete = path.join(ctx.dataDir, 'netflix_incomplete.txt');
  const complete = path.join(ctx.dataDir, 'netflix_complete.txt');
  if (!fs.existsSync(incomplete) || !fs.existsSync(complete)) {
    return { skip: `netflix skipped: ${incomplete} and/or ${complete} not found (set GMM_FIT_DATA to their directory)` };
  }
  return { incomplete, complete };
}

function run(ctx, data) {
  // each tool writes its completed matrix into the bench's temp folder (deleted at the end)
  const cli = ['complete', data.incomplete, '--k', '12', '--seeds', '0..4', '--missing', '0', '--truth', data.complete, '--out', path.join(ctx.tmp, 'gmm-fit-out.txt'), '--json'];
  const peer = [data.incomplete, data.complete, path.join(ctx.tmp, 'numpy-out.txt')];
  return runCliVsNumpy(ctx, NAME, cli, peer);
}

function targets(r, doc) {
  const g = cliSummary(r);
  const ratio = doc.ratios_gmm_fit_over_numpy[NAME];
  return [
    { name: `${NAME} gmm-fit peak RSS < ${RSS_TARGET_MB} MB`, value: g && g.peak_rss_kib !== null ? kibToMB(g.peak_rss_kib) : null, unit: 'MB', test: (v) => v < RSS_TARGET_MB },
    { name: `${NAME} gmm-fit/numpy wall ≤ ${RATIO_TARGET.toFixed(1)}`, value: ratio ?? null, unit: '', test: (v) => v <= RATIO_TARGET },
  ];
}

module.exports = {
  name: NAME,
  tools: [TOOLS.cli, TOOLS.numpy],
  prepare,
  run,
  checks: (r, ctx) => cliVsNumpyChecks(r, NAME, ctx.opts.runs, { rmse: true }),
  render: (r, doc) => renderCliVsNumpy(NAME, r, doc, COLUMNS),
  targets,
};
