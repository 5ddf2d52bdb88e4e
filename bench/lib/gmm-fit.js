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
//   fitInProcess(t, options)  dist/index.js (the library)   sweep(t, { model, k: [k], seeds: [seed], maxIter, tol: 0, jobs, kernel, covariance, regCovar[, onIteration] })
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
 * One fit of `k` components from seed `seed`'s start (numpy's legacy
 * np.random.seed(seed); np.random.choice(n, k, replace=False) rows), with tol = 0:
 * - model 'gaussian' (the default): a Gaussian mixture, exactly `iterations` E+M
 *   iterations (tol = 0 never stops EM early: scikit-learn's tol=0);
 * - model 'kmeans': k-means, at most `iterations` iterations; tol = 0 stops once the
 *   cost no longer falls (the assignments are fixed: scikit-learn's strict convergence,
 *   which gmm-fit sees one E-step later, when the cost repeats).
 *
 * @param {object} matrix  from readMatrix
 * @param {{ k: number, seed: number, iterations: number, jobs: number, model?: 'gaussian'|'kmeans', kernel?: 'wasm'|'js', covariance?: 'spherical'|'diag'|'full', regCovar?: number, onIteration?: (iteration: number) => void }} options
 *   jobs: threads sharing the fit's rows; kernel: undefined = gmm-fit's default; regCovar: an absolute
 *   reg_covar, scikit-learn's model (with --cov-floor 0); undefined = gmm-fit's default: none, and for
 *   diag and full --cov-floor 1e-6;
 *   onIteration(iteration): called after each E-step (the fit then runs as it would unwatched)
 * @returns {Promise<{ ll: number, cost: number|null, iterations: number, converged: boolean, stop: string|null, initialRows: number[]|null, trace: number[]|null, weights: number[]|null, iterationEndsMs: number[] }>}
 *   ll is the log-likelihood of the last E-step (k-means: of its clusters read as a spherical mixture);
 *   cost the k-means cost of the last E-step; trace every E-step's objective; weights the
 *   fitted mixture's p_j; iterationEndsMs (k-means only, else empty) when each E-step ended, in ms since the call
 * @throws when the fit failed (the reason in the message)
 */
async function fitInProcess(matrix, options) {
  const t0 = process.hrtime.bigint();
  const iterationEndsMs = [];
  const doc = await load().library.sweep(matrix, {
    model: options.model ?? 'gaussian',
    k: [options.k],
    seeds: [options.seed],
    maxIter: options.iterations,
    tol: 0,
    jobs: options.jobs,
    kernel: options.kernel,
    covariance: options.covariance,
    // An absolute reg_covar is scikit-learn's model: its ridge alone, so no --cov-floor.
    ...(options.regCovar !== undefined ? { regCovar: options.regCovar, covFloor: 0 } : {}),
    // k-means: when each E-step ended; and the caller's own watch, when it has one
    ...(options.model === 'kmeans' || options.onIteration
      ? {
          onIteration: (_k, _seed, iteration) => {
            if (options.model === 'kmeans') iterationEndsMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
            options.onIteration?.(iteration);
          },
        }
      : {}),
  });
  const fit = doc.fits[0];
  if (!fit || typeof fit.logLikelihood !== 'number') {
    throw new Error(`the fit failed: ${fit ? fit.error || JSON.stringify(fit).slice(0, 300) : 'no fit returned'}`);
  }
  return {
    ll: fit.logLikelihood,
    cost: typeof fit.cost === 'number' ? fit.cost : null,
    iterations: fit.iterations,
    converged: fit.converged,
    stop: fit.stop ?? null,
    initialRows: fit.initialRows ?? null,
    trace: Array.isArray(fit.trace) ? fit.trace : null,
    weights: fit.mixture && Array.isArray(fit.mixture.p) ? fit.mixture.p : null,
    iterationEndsMs,
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
