#!/usr/bin/env node
'use strict';
// Thin shim: hand argv to the compiled CLI and set the exit code.
// A reader that closes a pipe early (`gmm-fit … | head`, `2>&1 | head`) ends the run quietly;
// any other failure to write (a full disk, /dev/full) is one error line and exit 1.
const REASONS = { ENOSPC: 'no space left on device', EDQUOT: 'disk quota exceeded', EIO: 'input/output error', EBADF: 'it is closed' };
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  try {
    process.stderr.write(`gmm-fit: error: cannot write to standard output (${REASONS[err.code] || err.code || err.message})\n`);
  } finally {
    process.exit(1);
  }
});
process.stderr.on('error', (err) => process.exit(err.code === 'EPIPE' ? 0 : 1));

/**
 * `gmm-fit --help`, `-h` and bare `gmm-fit` (the usage, on stderr, exit 2) print the text the
 * build had the CLI print into dist/cli/help.json (scripts/build.js), without loading the CLI,
 * when commander would print that very text: it wraps help at stdout's width when stdout is a
 * terminal, else at 80 (the usage too), and the build rendered it on a pipe. Anything else, or
 * no such file: null, and the CLI runs.
 */
function cachedHelp(args) {
  if (args.length > 1 || (args.length === 1 && args[0] !== '--help' && args[0] !== '-h')) return null;
  let cache;
  try {
    cache = JSON.parse(require('fs').readFileSync(require('path').join(__dirname, '..', 'dist', 'cli', 'help.json'), 'utf8'));
  } catch {
    return null;
  }
  if (!cache || typeof cache.help !== 'string' || typeof cache.usage !== 'string') return null;
  const width = (process.stdout.isTTY ? process.stdout.columns : undefined) ?? 80; // as commander takes it
  if (width !== cache.width) return null;
  return args.length === 0 ? { stream: process.stderr, text: cache.usage, code: 2 } : { stream: process.stdout, text: cache.help, code: 0 };
}

function runCli() {
  require('../dist/cli/main.js')
    .run(process.argv)
    .then((code) => {
      process.exitCode = code;
    });
}

const cached = cachedHelp(process.argv.slice(2));
if (!cached) runCli();
else {
  try {
    cached.stream.write(cached.text);
    process.exitCode = cached.code;
  } catch {
    // A write that throws (a full disk) wrote nothing: the CLI meets the same failure and reports it as always.
    runCli();
  }
}
