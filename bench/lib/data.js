'use strict';
// Data files of the workloads: where the external data lives, the synthetic
// generator run as a child process, and checksums (printed and saved so a
// changed file is noticed).
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { REPO, timed, describeFailure } = require('./timing.js');

const SYNTH_DATA = path.join(__dirname, '..', 'synth-data.js');

// The synthetic table of each bench run (its ctx), once made.
const syntheticMade = new WeakMap();

/** The directory of the netflix matrices: GMM_FIT_DATA, else ../shared/data next to the repository. */
function dataDir() {
  return process.env.GMM_FIT_DATA || path.join(REPO, '..', 'shared', 'data');
}

/** sha256 of a file, read in 4 MiB pieces (the large file is ~190 MB: never read whole). */
function sha256File(file) {
  const hash = crypto.createHash('sha256');
  const buf = Buffer.allocUnsafe(4 << 20);
  const fd = fs.openSync(file, 'r');
  try {
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/**
 * Writes a synthetic data file with bench/synth-data.js in a child process
 * (for big files: the generator holds the whole text, ~1 GB at 2,000,000 × 10,
 * and that must not count against the bench process).
 * @param {string[]} genArgs  e.g. ['--n', '2000000', '--d', '10', ...]
 * @returns {{ data: object } | { error: string }} data = the generator's JSON line, `seconds` = its wall time
 */
function generateInChild(file, genArgs) {
  const gen = timed(process.execPath, [SYNTH_DATA, file, ...genArgs], process.env);
  let data = null;
  if (!gen.error && gen.status === 0) {
    try {
      data = JSON.parse(gen.stdout.trim().split('\n').pop());
    } catch {
      data = null;
    }
  }
  if (!data) return { error: describeFailure(gen) };
  data.seconds = gen.wall;
  return { data };
}

/**
 * The `synthetic` data (bench/synth-data.js, its defaults: 200,000 × 10, K=8) in the run's
 * temp folder, generated in this process the first time a workload of this run (`ctx`)
 * asks, then shared: `synthetic` and `synthetic-kmeans` fit the same file.
 * @returns {{ file: string, data: object } | { error: string }} data = what was written, its sha256 and generation time
 */
function syntheticData(ctx, name) {
  if (!syntheticMade.has(ctx)) {
    const file = path.join(ctx.tmp, 'synthetic.txt');
    process.stderr.write(`bench: ${name}: generating the data… `);
    try {
      const data = require(SYNTH_DATA).writeSynthetic(file);
      data.sha256 = sha256File(file);
      process.stderr.write(`${data.seconds.toFixed(2)} s\n`);
      syntheticMade.set(ctx, { file, data });
    } catch (e) {
      process.stderr.write('FAILED\n');
      syntheticMade.set(ctx, { error: e.message });
    }
  } else if (!syntheticMade.get(ctx).error) {
    process.stderr.write(`bench: ${name}: the synthetic data made for this run: ${syntheticMade.get(ctx).file}\n`);
  }
  return syntheticMade.get(ctx);
}

module.exports = { dataDir, sha256File, generateInChild, syntheticData };
