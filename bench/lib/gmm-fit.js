'use strict';
// The ONE place where the bench touches gmm-fit's compiled code (dist/).
//
// Everything else in bench/ runs gmm-fit either as a process (bench/rss.js,
// bench/synth-gmm.js) or through the functions below. src/ is being
// reorganised: when its layout or API changes, this file is the only one to
// retarget. Keep each function narrow: bench-shaped inputs and outputs, no
// gmm-fit types leaking out.
//
// What each function calls today:
//   runCli(argv)              dist/cli/main.js              run(argv)
//   readMatrix(file)          dist/index.js (the library)   readTable(file)
//   fitInProcess(t, options)  dist/index.js (the library)   sweep(t, { model: 'gaussian', k: [k], seeds: [seed], maxIter, tol: 0, jobs, kernel, covariance, regCovar })
//   kernelName(requested)     dist/models/kernels/wasm.js   kernelName(requested)
//   load()                    requires the modules above (not the CLI), once
//   missingBuild()            checks dist/cli/main.js exists
//   staleSources()            scripts/build.js isFresh(): dist/ built from exactly these sources
//
// dist/ is required lazily, so that loading this file costs nothing (bench/rss.js
// loads it into every CLI process it measures) and a broken build fails only
// the run that needs it. A timer calls load() first, so that module loading
// never falls inside a timed region.
const fs = require('fs');
const path = require('path');

const REPO = path.resolve(__dirname, '..', '..');
const DIST = path.join(REPO, 'dist');
const CLI_MAIN = path.join(DIST, 'cli', 'main.js');

let fitting = null;

/**
 * Requires the compiled modules behind readMatrix, fitInProcess and kernelName
 * (once; later calls return the same). The three call it themselves; call it
 * before starting a clock.
 */
function load() {
  if (!fitting) {
    fitting = {
      library: require(path.join(DIST, 'index.js')),
      kernels: require(path.join(DIST, 'models', 'kernels', 'wasm.js')),
    };
  }
  return fitting;
}

/**
 * Runs the gmm-fit command line in this process, exactly as bin/gmm-fit.js
 * does. `argv` is process.argv-shaped: [node, script, ...arguments].
 * @returns {Promise<number>} the exit code the CLI asks for
 */
function runCli(argv) {
  return require(CLI_MAIN).run(argv);
}

/**
 * Reads a numeric text table (whitespace or delimited; what the CLI accepts)
 * as the library reads it, which only fitInProcess needs to understand.
 * Reading the file is included (the bench times read + parse as one figure).
 * @returns {Promise<{ matrix: object, rows: number, cols: number }>} matrix: the library's table
 */
async function readMatrix(file) {
  const table = await load().library.readTable(file);
  return { matrix: table, rows: table.matrix.rows, cols: table.matrix.cols };
}

/**
 * One Gaussian-mixture fit of `k` components from seed `seed`'s start
 * (numpy's legacy np.random.seed(seed); np.random.choice(n, k, replace=False)
 * rows), for exactly `iterations` E+M iterations: tol = 0 never stops early
 * (scikit-learn's tol=0).
 *
 * @param {object} matrix  from readMatrix
 * @param {{ k: number, seed: number, iterations: number, jobs: number, kernel?: 'wasm'|'js', covariance?: 'spherical'|'diag'|'full', regCovar?: number }} options
 *   jobs: threads sharing the fit's rows; kernel: undefined = gmm-fit's default; regCovar: an absolute
 *   reg_covar (undefined = gmm-fit's default, relative to the table's smallest column variance);
 *   onIteration(iteration): called after each E-step (the fit then runs as it would unwatched)
 * @returns {Promise<{ ll: number, iterations: number, converged: boolean, initialRows: number[]|null, trace: number[]|null }>}
 *   ll is the log-likelihood of the last E-step; trace every E-step's LL
 * @throws when the fit failed (the reason in the message)
 */
async function fitInProcess(matrix, options) {
  const doc = await load().library.sweep(matrix, {
    model: 'gaussian',
    k: [options.k],
    seeds: [options.seed],
    maxIter: options.iterations,
    tol: 0,
    jobs: options.jobs,
    kernel: options.kernel,
    covariance: options.covariance,
    ...(options.regCovar !== undefined ? { regCovar: options.regCovar } : {}),
    ...(options.onIteration ? { onIteration: (_k, _seed, iteration) => options.onIteration(iteration) } : {}),
  });
  const fit = doc.fits[0];
  if (!fit || typeof fit.logLikelihood !== 'number') {
    throw new Error(`the fit failed: ${fit ? fit.error || JSON.stringify(fit).slice(0, 300) : 'no fit returned'}`);
  }
  return {
    ll: fit.logLikelihood,
    iterations: fit.iterations,
    converged: fit.converged,
    initialRows: fit.initialRows ?? null,
    trace: Array.isArray(fit.trace) ? fit.trace : null,
  };
}

/**
 * The E-step kernel a fit asking for `requested` gets here: 'wasm' (the
 * WebAssembly SIMD kernel, gmm-fit's default where it was built) or 'js' (the
 * TypeScript reference kernel). `requested` undefined = the default.
 * @throws when 'wasm' is requested and not available
 */
function kernelName(requested) {
  return load().kernels.kernelName(requested);
}

/** The message to stop with when the CLI is not built, else null. */
function missingBuild() {
  if (fs.existsSync(CLI_MAIN)) return null;
  return `${path.relative(REPO, CLI_MAIN)} is missing: build first with  npm run build`;
}

/** Why dist/ may not be what src/ says (a list, empty when dist/ was built from exactly these sources). */
function staleSources() {
  return require(path.join(REPO, 'scripts', 'build.js')).isFresh() ? [] : ['src/ (or assembly/) changed since the last npm run build'];
}

module.exports = { runCli, load, readMatrix, fitInProcess, kernelName, missingBuild, staleSources };
