'use strict';
// The Python peers: /usr/bin/python3 with Debian's numpy / scipy / scikit-learn.
//
// A peer job is a script under bench/peers/ that does the same work as one
// gmm-fit run and prints ONE JSON line (its LL, K, seed, iterations, its own
// peak RSS, the BLAS in use, …). This module finds the interpreter, says
// whether the packages import, installs them on request (--install-peers), and
// runs a job and reads its report. The peers get their own environment (see
// peerEnvironment) so that --unset-openblas-coretype never touches gmm-fit's.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { timedJson } = require('./timing.js');

const PYTHON = process.env.GMM_FIT_PYTHON || '/usr/bin/python3';
const PEERS_DIR = path.join(__dirname, '..', 'peers');
const NUMPY_JOB = path.join(PEERS_DIR, 'numpy_job.py');
const SKLEARN_JOB = path.join(PEERS_DIR, 'sklearn_job.py');
const SKLEARN_FAMILY = path.join(PEERS_DIR, 'sklearn_family.py');
const DEBIAN_PACKAGES = ['python3-numpy', 'python3-scipy', 'python3-sklearn'];
// This machine sets these for old-OpenBLAS safety; they pick an older kernel (see bench/README.md).
const OPENBLAS_VARS = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'];

/** The peers' environment: inherited, minus OPENBLAS_VARS when `unsetCoretype`; what was removed; a one-line note for the report. */
function peerEnvironment(unsetCoretype) {
  const env = { ...process.env };
  const removed = {};
  if (unsetCoretype) {
    for (const v of OPENBLAS_VARS) {
      if (v in env) removed[v] = env[v];
      delete env[v];
    }
  }
  const shown = OPENBLAS_VARS.map((v) => `${v}=${process.env[v] ?? '(unset)'}`).join(' ');
  const note = unsetCoretype
    ? `numpy peer environment: --unset-openblas-coretype: ${OPENBLAS_VARS.join(' and ')} removed for the peer only (inherited: ${shown}); gmm-fit's environment unchanged`
    : `numpy peer environment: as inherited (${shown}); --unset-openblas-coretype removes these for the peer`;
  const inherited = Object.fromEntries(OPENBLAS_VARS.map((v) => [v, process.env[v] ?? null]));
  return { env, removed, note, inherited };
}

/** Whether the numpy peer can run: { ok, numpy, scipy } or { ok: false, reason }. */
function probeNumpy(env) {
  if (!fs.existsSync(PYTHON)) return { ok: false, reason: `${PYTHON} not found` };
  const r = spawnSync(PYTHON, ['-c', 'import numpy, scipy; print(numpy.__version__, scipy.__version__)'], { env, encoding: 'utf8' });
  if (r.error || r.status !== 0) return { ok: false, reason: `${PYTHON} -c 'import numpy, scipy' failed: ${lastLine(r)}` };
  const [numpy, scipy] = r.stdout.trim().split(/\s+/);
  return { ok: true, numpy, scipy };
}

/** Whether the scikit-learn peer can run: { ok, sklearn } (its version) or { ok: false, reason }. */
function probeSklearn(env) {
  const r = spawnSync(PYTHON, ['-c', 'import numpy, scipy, sklearn; print(sklearn.__version__)'], { env, encoding: 'utf8' });
  if (r.error || r.status !== 0) return { ok: false, reason: `${PYTHON} -c 'import sklearn' failed: ${lastLine(r)}` };
  return { ok: true, sklearn: r.stdout.trim() };
}

function lastLine(r) {
  return r.error ? r.error.message : (r.stderr || '').trim().split('\n').pop();
}

/** --install-peers: apt-get install the Debian packages; a failure is reported, not fatal. */
function installPeers() {
  const cmd = ['apt-get', 'install', '-y', ...DEBIAN_PACKAGES];
  process.stderr.write(`bench: --install-peers: ${cmd.join(' ')}\n`);
  const r = spawnSync(cmd[0], cmd.slice(1), { stdio: ['ignore', 2, 2] }); // apt's chatter to stderr, not into the report
  const ok = !r.error && r.status === 0;
  if (!ok) process.stderr.write(`bench: ${cmd.join(' ')} failed (${r.error ? r.error.message : `exit ${r.status}`}); continuing\n`);
  return { command: cmd.join(' '), ok };
}

/**
 * apt-get install -y PACKAGES (after apt-get update when `update`), apt's chatter to stderr;
 * a failure is reported, not fatal. `program` prefixes the messages. (bench/optima.js's --install-peers.)
 * @returns {{ command: string, ok: boolean }}
 */
function installDebianPackages(packages, { update = false, program = 'bench' } = {}) {
  const steps = [...(update ? [['apt-get', 'update']] : []), ['apt-get', 'install', '-y', ...packages]];
  for (const cmd of steps) {
    process.stderr.write(`${program}: --install-peers: ${cmd.join(' ')}\n`);
    const r = spawnSync(cmd[0], cmd.slice(1), { stdio: ['ignore', 2, 2] });
    if (r.error || r.status !== 0) {
      process.stderr.write(`${program}: ${cmd.join(' ')} failed (${r.error ? r.error.message : `exit ${r.status}`}); continuing\n`);
      return { command: steps.map((c) => c.join(' ')).join(' && '), ok: false };
    }
  }
  return { command: steps.map((c) => c.join(' ')).join(' && '), ok: true };
}

/**
 * One timed run of a peer script (`python3 SCRIPT ...args`) and its JSON line,
 * in the shape timing.summarizeRuns expects; `doc` keeps the whole report.
 */
function runPeer(script, args, env) {
  const { r, doc, failure } = timedJson(PYTHON, [script, ...args], env);
  if (failure) return failure;
  return {
    ok: true,
    wall: r.wall,
    maxrss_kib: doc.maxrss_kib,
    ll: doc.ll,
    k: doc.k,
    seed: doc.seed,
    iterations: doc.iterations,
    cost: doc.cost ?? undefined,
    rmse: doc.rmse ?? null,
    blas: doc.blas ?? null,
    openblas_env: doc.openblas_env ?? null,
    numpy: doc.numpy,
    ms_per_iteration: doc.ms_per_iteration ?? null,
    ms_per_iteration_steady: doc.ms_per_iteration_steady ?? null,
    doc,
    stderr: r.stderr.trim(),
  };
}

/** The command line of a peer job as shown in the report (script relative to the repository). */
function peerCommand(script, args) {
  return `${PYTHON} ${path.relative(path.join(__dirname, '..', '..'), script)} ${args.join(' ')}`;
}

module.exports = {
  PYTHON,
  NUMPY_JOB,
  SKLEARN_JOB,
  SKLEARN_FAMILY,
  OPENBLAS_VARS,
  peerEnvironment,
  probeNumpy,
  probeSklearn,
  installPeers,
  installDebianPackages,
  runPeer,
  peerCommand,
};
