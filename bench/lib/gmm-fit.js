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
//   runCli(argv)              dist/cli/main.js            run(argv)
//   readMatrix(file)          dist/io/table.js            parseTable(text, file)
//   fitInProcess(m, options)  dist/fit/parallel.js        sweepParallel(m, { model: 'gaussian', ks: [k], seeds: [seed], maxIter, tol: -Infinity, criterion: 'bic', jobs, kernel, covariance })
//   kernelName(requested)     dist/models/chunk-kernel.js kernelName(requested)
//   load()                    requires the three modules above (not the CLI), once
//   missingBuild()            checks dist/cli/main.js exists
//   staleSources()            compares src/**/*.ts with dist/**/*.js modification times
//
// dist/ is required lazily, so that loading this file costs nothing (bench/rss.js
// loads it into every CLI process it measures) and a broken build fails only
// the run that needs it. A timer calls load() first, so that module loading
// never falls inside a timed region.
const fs = require('fs');
const path = require('path');

const REPO = path.resolve(__dirname, '..', '..');
const DIST = path.join(REPO, 'dist');
const SRC = path.join(REPO, 'src');
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
      table: require(path.join(DIST, 'io', 'table.js')),
      parallel: require(path.join(DIST, 'fit', 'parallel.js')),
      chunkKernel: require(path.join(DIST, 'models', 'chunk-kernel.js')),
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
 * into gmm-fit's matrix, which only fitInProcess needs to understand.
 * Reading the file is included (the bench times read + parse as one figure).
 * @returns {{ matrix: object, rows: number, cols: number }}
 */
function readMatrix(file) {
  const { parseTable } = load().table;
  const text = fs.readFileSync(file, 'utf8');
  const { matrix } = parseTable(text, file);
  return { matrix, rows: matrix.rows, cols: matrix.cols };
}

/**
 * One Gaussian-mixture fit of `k` components from seed `seed`'s start
 * (numpy's legacy np.random.seed(seed); np.random.choice(n, k, replace=False)
 * rows), for exactly `iterations` E+M iterations: tol = −Infinity never stops
 * early, since EM stops when LL_new − LL_old ≤ tol·|LL_new|.
 *
 * @param {object} matrix  from readMatrix
 * @param {{ k: number, seed: number, iterations: number, jobs: number, kernel?: 'wasm'|'js', covariance?: 'spherical'|'diag'|'full' }} options
 *   jobs: threads sharing the fit's rows; kernel: undefined = gmm-fit's default
 * @returns {Promise<{ ll: number, iterations: number, converged: boolean, initialRows: number[]|null, trace: number[]|null }>}
 *   ll is the log-likelihood of the last E-step; trace every E-step's LL when gmm-fit keeps one
 * @throws when the fit failed (the reason in the message)
 */
async function fitInProcess(matrix, options) {
  const { sweepParallel } = load().parallel;
  const result = await sweepParallel(matrix, {
    model: 'gaussian',
    ks: [options.k],
    seeds: [options.seed],
    maxIter: options.iterations,
    tol: -Infinity,
    criterion: 'bic', // required by the sweep; one K, so nothing is selected
    jobs: options.jobs,
    kernel: options.kernel,
    covariance: options.covariance,
  });
  const fit = result.fits[0];
  if (!fit || typeof fit.logLikelihood !== 'number') {
    throw new Error(`the fit failed: ${fit ? fit.reason || fit.error || JSON.stringify(fit).slice(0, 300) : 'no fit returned'}`);
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
  return load().chunkKernel.kernelName(requested);
}

/** The message to stop with when the CLI is not built, else null. */
function missingBuild() {
  if (fs.existsSync(CLI_MAIN)) return null;
  return `${path.relative(REPO, CLI_MAIN)} is missing: build first with  npx tsc -p tsconfig.json`;
}

/** Files under src/ (repository-relative) whose compiled .js under dist/ is missing or older. */
function staleSources() {
  const stale = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
        const js = path.join(DIST, path.relative(SRC, p)).replace(/\.ts$/, '.js');
        if (!fs.existsSync(js) || fs.statSync(js).mtimeMs < fs.statSync(p).mtimeMs) stale.push(path.relative(REPO, p));
      }
    }
  };
  try {
    walk(SRC);
  } catch {
    // no src/: nothing to compare
  }
  return stale;
}

module.exports = { runCli, load, readMatrix, fitInProcess, kernelName, missingBuild, staleSources };
