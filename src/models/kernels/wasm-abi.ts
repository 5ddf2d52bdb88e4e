/**
 * The WebAssembly kernels' arguments, named once. Each export takes the address of
 * an argument block: one 32-bit unsigned number per name, in this order (sizes,
 * byte addresses in the module's memory, and statistics offsets in numbers).
 * scripts/build-wasm.js writes these indices into assembly/abi/*.ts for
 * assembly/estep.ts, and wasm.ts fills the blocks through typed wrappers, so the
 * two sides cannot disagree. The statistics offsets come from the families'
 * layouts (sphericalStats, diagStats; the full kernels' own, see WasmFullKernel).
 */
export const SPHERICAL_ARGUMENTS = [
  'rows', 'd', 'k', 'x', 'sq', 'obs', 'mu', 'muT', 'logWeight', 'halfLogNorm', 'invTwoVar', 'muNorm',
  'hasMissing', 'missStart', 'missIndex', 'muSqT', 'mask', 'maskF64', 'post', 'rowLL', 'stats', 'logTerm', 'missingNorm', 'fraction',
  'statsSize', 'statNHat', 'statRowSq', 'statObserved', 'statSumX', 'statObservedWeight',
] as const; // prettier-ignore

export const DIAG_ARGUMENTS = [
  'rows', 'd', 'k', 'x', 'squares', 'scaledMu', 'scaledMuT', 'precision', 'precisionT', 'logWeight', 'muTerm', 'logNormTerm',
  'hasMissing', 'missStart', 'missIndex', 'muTermT', 'logNormT', 'mask', 'maskF64', 'post', 'products', 'rowLL', 'stats', 'logTerm',
  'missingMu', 'missingLogNorm', 'fraction',
  'statsSize', 'statNHat', 'statSumX', 'statSumXX', 'statObservedWeight',
] as const; // prettier-ignore

/**
 * The sparse kernels (rating rows, CSR by user; parameters item-major, d×K), on a chunk
 * or on a part of one. Sizes: rows (the part's users), d, k, firstRating (the part's
 * first rating: rowStart holds the data's offsets, rows + 1 of them, and the kernel
 * subtracts it). Data: rowStart, items (i32), x, rowSquares, rowObserved (f64).
 * Parameters: logWeight, halfLogNorm, invTwoVar (K each; diag: logWeight only) and the
 * d×K blocks. Out: post (rows×K), rowLL (rows), stats (statsSize numbers, each sum at
 * the offset its stat… argument gives, the d×K blocks after the first headSize; the
 * sums start from zero on the firstPart and go on from the previous part's after it).
 * interleave (0 or 1): whether the blocks read at each rating are taken side by side,
 * in params (diag: d×4K) and scatter (d×2K, diag d×3K), copied out on the lastPart.
 * Scratch: terms (K). fraction: exp.ts's table.
 */
/** What both sparse kernels take (wasm.ts fills them for either family). */
export const SPARSE_COMMON_ARGUMENTS = [
  'rows', 'd', 'k', 'firstRating', 'rowStart', 'items', 'x', 'post', 'rowLL', 'terms', 'stats', 'scatter', 'interleave',
  'firstPart', 'lastPart', 'fraction', 'statsSize', 'headSize',
] as const; // prettier-ignore

export const SPARSE_SPHERICAL_ARGUMENTS = [
  ...SPARSE_COMMON_ARGUMENTS,
  'rowSquares', 'rowObserved', 'logWeight', 'halfLogNorm', 'invTwoVar', 'mu',
  'statLL', 'statNHat', 'statRowSq', 'statObserved', 'statSumX', 'statWeight',
] as const; // prettier-ignore

export const SPARSE_DIAG_ARGUMENTS = [
  ...SPARSE_COMMON_ARGUMENTS,
  'logWeight', 'scaledMu', 'precision', 'muTerm', 'logNorm', 'params',
  'statLL', 'statNHat', 'statSumX', 'statSumXX', 'statWeight',
] as const; // prettier-ignore

/**
 * The full-covariance kernels (kernels/full.ts's two phases) on one chunk, one argument
 * block for both. Sizes: rows, d, k, patterns (the missing patterns present in the
 * chunk, numbered locally). Data: x (rows×d), rowPattern (rows, i32: each row's local
 * pattern), observedCount (per local pattern, i32) and observed, missing (per local
 * pattern, d i32 each: the columns, ascending). Parameters, per local pattern and
 * component slot (pattern·K + j): factor and regression (d×d each, the packed blocks
 * of kernels/full.ts), logDet, inverseDiagonal (d); mu, newMean (K×d), logWeight (K).
 * Phase 0 (fullExpectation) writes post (rows×K), rowLL (rows) and stats (statLL,
 * statNHat, statMeanSum, statPatternWeight: local patterns × K); phase 1 (fullScatter)
 * reads post and writes scatter (K×d×d, lower triangle; the rest 0). Scratch: panel
 * (the blocked solve's 2·d·8 + 8 numbers and 8 row indices), work and filled (d),
 * blockP and blockD (blockRows × d rounded up to 4), groupFlag (blockRows / 4 bytes).
 * fraction: exp.ts's table.
 */
export const FULL_ARGUMENTS = [
  'rows', 'd', 'k', 'patterns', 'x', 'rowPattern', 'observedCount', 'observed', 'missing',
  'factor', 'regression', 'logDet', 'inverseDiagonal', 'mu', 'newMean', 'logWeight',
  'post', 'rowLL', 'stats', 'scatter', 'panel', 'work', 'filled', 'blockP', 'blockD', 'groupFlag', 'blockRows',
  'fraction', 'statsSize', 'statLL', 'statNHat', 'statMeanSum', 'statPatternWeight',
] as const; // prettier-ignore

/**
 * The k-means kernels (kernels/kmeans.ts kmeansChunk's two phases) on one chunk, one
 * argument block for both: see assembly/kmeans.ts.
 */
export const KMEANS_ARGUMENTS = [
  'rows', 'd', 'k', 'x', 'sq', 'mu', 'muT', 'muNorm', 'bounds', 'label', 'dots', 'pick', 'distance', 'blockRows',
  'stats', 'statsSize', 'statCost', 'statCount', 'statDeviation', 'statSum',
] as const; // prettier-ignore

/** The exports and their argument lists. */
export const KERNEL_EXPORTS = {
  sphericalExpectation: SPHERICAL_ARGUMENTS,
  diagExpectation: DIAG_ARGUMENTS,
  sparseSphericalExpectation: SPARSE_SPHERICAL_ARGUMENTS,
  sparseDiagExpectation: SPARSE_DIAG_ARGUMENTS,
  fullExpectation: FULL_ARGUMENTS,
  fullScatter: FULL_ARGUMENTS,
  kmeansExpectation: KMEANS_ARGUMENTS,
  kmeansDeviation: KMEANS_ARGUMENTS,
} as const;

/** The files scripts/build-wasm.js writes: assembly/abi/<name>.ts, the indices of one argument list. */
export const ABI_FILES = {
  spherical: SPHERICAL_ARGUMENTS,
  diag: DIAG_ARGUMENTS,
  'sparse-spherical': SPARSE_SPHERICAL_ARGUMENTS,
  'sparse-diag': SPARSE_DIAG_ARGUMENTS,
  full: FULL_ARGUMENTS,
  kmeans: KMEANS_ARGUMENTS,
} as const;

/** One export's arguments by name. */
export type ArgumentsOf<T extends readonly string[]> = { readonly [K in T[number]]: number };
