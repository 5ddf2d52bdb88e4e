#!/usr/bin/env node
'use strict';
// Thin shim: hand argv to the compiled CLI and set the exit code.
// A reader that closes the pipe early (`gmm-fit … | head`) ends the run quietly.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
require('../dist/cli/main.js')
  .run(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
