'use strict';
// startup: `gmm-fit --help` as a whole process (spawn to exit), beside `node -e 0` (Node's own
// start on this machine), each run RUNS times alternated; medians. Target: --help ≤ 100 ms.
const path = require('path');
const { TOOLS } = require('../lib/tools.js');
const { REPO, timed, median, describeFailure } = require('../lib/timing.js');
const { finding } = require('../lib/checks.js');
const { table } = require('../lib/report.js');

const NAME = 'startup';
const RUNS = 21;
const TARGET_S = 0.1;
const CLI = path.join(REPO, 'bin', 'gmm-fit.js');

function run() {
  const walls = { help: [], node: [] };
  const errors = [];
  process.stderr.write(`bench: ${NAME}: ${RUNS} × (gmm-fit --help, node -e 0)…`);
  for (let i = 0; i < RUNS; i++) {
    const h = timed(process.execPath, [CLI, '--help'], process.env);
    if (h.error || h.status !== 0) errors.push(describeFailure(h));
    else walls.help.push(h.wall);
    const n = timed(process.execPath, ['-e', '0'], process.env);
    if (!n.error && n.status === 0) walls.node.push(n.wall);
  }
  process.stderr.write(' done\n');
  const summary = (xs) => (xs.length ? { median_s: median(xs), min_s: Math.min(...xs), runs: xs.length } : null);
  return { command: `node bin/gmm-fit.js --help; node -e 0 (${RUNS} runs each, alternated)`, help: summary(walls.help), node: summary(walls.node), errors };
}

module.exports = {
  name: NAME,
  tools: [TOOLS.cli],
  prepare: () => ({}),
  run,
  checks: (r) => (r.errors.length ? [finding('failure', `!! gmm-fit --help failed ${r.errors.length} times: ${r.errors[0]}`)] : []),
  render: (r) => [
    `== ${NAME}: ${r.command}`,
    table(
      ['process', 'wall median ms', 'min ms'],
      [
        ['gmm-fit --help', r.help ? (r.help.median_s * 1000).toFixed(1) : 'failed', r.help ? (r.help.min_s * 1000).toFixed(1) : ''],
        ['node -e 0', r.node ? (r.node.median_s * 1000).toFixed(1) : 'failed', r.node ? (r.node.min_s * 1000).toFixed(1) : ''],
      ],
    ),
    ...r.findings.map((f) => f.text),
  ],
  targets: (r) => [{ name: `${NAME} gmm-fit --help ≤ ${TARGET_S * 1000} ms (whole process)`, value: r && r.help ? r.help.median_s * 1000 : null, unit: 'ms', test: (v) => v <= TARGET_S * 1000 }],
};
