'use strict';
// toy-sweep: a sweep over K = 1..4 × seeds 0..4 on data/toy.txt, K chosen by BIC;
// the numpy peer runs the course `naive_run` for every pair, keeps the best LL per K
// (lowest seed wins ties) and selects K by BIC. Both must select the same K and seed.
const path = require('path');
const { TOOLS } = require('../lib/tools.js');
const { runCliVsNumpy, cliVsNumpyChecks, renderCliVsNumpy, cliSummary } = require('../lib/cli-vs-numpy.js');

const NAME = 'toy-sweep';
const TOY = path.join('data', 'toy.txt');
const CLI_ARGS = [TOY, '--k', '1..4', '--seeds', '0..4', '--json'];
const PEER_ARGS = [TOY];
const WALL_TARGET_S = 0.5; // gmm-fit wall median

module.exports = {
  name: NAME,
  tools: [TOOLS.cli, TOOLS.numpy],
  prepare: () => ({}),
  run: (ctx) => runCliVsNumpy(ctx, NAME, CLI_ARGS, PEER_ARGS),
  checks: (r, ctx) => cliVsNumpyChecks(r, NAME, ctx.opts.runs),
  render: (r, doc) => renderCliVsNumpy(NAME, r, doc),
  targets: (r) => {
    const g = cliSummary(r);
    return [{ name: `${NAME} gmm-fit wall median < ${WALL_TARGET_S} s`, value: g ? g.wall_median_s : null, unit: 's', test: (v) => v < WALL_TARGET_S }];
  },
};
