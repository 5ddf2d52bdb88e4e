'use strict';
// toy-fit: one small fit, gmm-fit against the numpy peer (course `naive_run`,
// complete-data EM), K=3 from seed 0 on data/toy.txt (250 × 2, in the repository).
// Mostly start-up time: the target is on gmm-fit's whole-process wall time.
const path = require('path');
const { TOOLS } = require('../lib/tools.js');
const { runCliVsNumpy, cliVsNumpyChecks, renderCliVsNumpy, cliSummary } = require('../lib/cli-vs-numpy.js');

const NAME = 'toy-fit';
const TOY = path.join('data', 'toy.txt'); // relative: tools run from the repository root
const CLI_ARGS = [TOY, '--k', '3', '--seed', '0', '--json'];
const PEER_ARGS = [TOY];
const WALL_TARGET_S = 0.3; // gmm-fit wall median

module.exports = {
  name: NAME,
  tools: [TOOLS.cli, TOOLS.numpy],
  // nothing to prepare: data/toy.txt is part of the repository
  prepare: () => ({}),
  run: (ctx) => runCliVsNumpy(ctx, NAME, CLI_ARGS, PEER_ARGS),
  checks: (r, ctx) => cliVsNumpyChecks(r, NAME, ctx.opts.runs),
  render: (r, doc) => renderCliVsNumpy(NAME, r, doc),
  targets: (r) => {
    const g = cliSummary(r);
    return [{ name: `${NAME} gmm-fit wall median < ${WALL_TARGET_S} s`, value: g ? g.wall_median_s : null, unit: 's', test: (v) => v < WALL_TARGET_S }];
  },
};
