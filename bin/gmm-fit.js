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
require('../dist/cli/main.js')
  .run(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
