#!/usr/bin/env node
'use strict';
// Runs the gmm-fit CLI exactly as bin/gmm-fit.js does (argv unchanged:
// [node, script, ...args]) and, when the process exits, reports its peak
// resident set size as one tagged line on stderr:
//   @@maxrss <KiB>
// bench/lib/timing.js spawns this instead of bin/gmm-fit.js, reads that line
// and strips it. The figure is process.resourceUsage().maxRSS (getrusage
// ru_maxrss of this process, in KiB), taken at 'exit', i.e. after all output.
// The CLI is reached through bench/lib/gmm-fit.js, the bench's one door into dist/.
const fs = require('fs');
const { runCli } = require('./lib/gmm-fit.js');

process.on('exit', () => {
  try {
    fs.writeSync(2, `\n@@maxrss ${process.resourceUsage().maxRSS}\n`);
  } catch {
    // stderr closed: nothing to report to
  }
});

runCli(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    fs.writeSync(2, `rss.js: ${(err && err.stack) || String(err)}\n`);
    process.exitCode = 1;
  },
);
