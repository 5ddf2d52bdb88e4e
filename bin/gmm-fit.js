#!/usr/bin/env node
'use strict';
// Thin shim: hand argv to the compiled CLI and set the exit code.
require('../dist/cli/main.js')
  .run(process.argv)
  .then((code) => { process.exitCode = code; });
