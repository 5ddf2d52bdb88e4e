/**
 * The WebAssembly kernels' arguments, named once. Each export takes the address of
 * an argument block: one 32-bit unsigned number per name, in this order (sizes,
 * byte addresses in the module's memory, and statistics offsets in numbers).
 * scripts/build-wasm.js writes these indices into assembly/abi/*.ts for
 * assembly/estep.ts, and wasm.ts fills the blocks through typed wrappers, so the
 * two sides cannot disagree. The statistics offsets come from the families'
 * layouts (sphericalStats, diagStats).
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

/** The exports and their argument lists. */
export const KERNEL_EXPORTS = {
  sphericalExpectation: SPHERICAL_ARGUMENTS,
  diagExpectation: DIAG_ARGUMENTS,
  sparseSphericalExpectation: SPARSE_SPHERICAL_ARGUMENTS,
  sparseDiagExpectation: SPARSE_DIAG_ARGUMENTS,
} as const;

/** The files scripts/build-wasm.js writes: assembly/abi/<name>.ts, the indices of one argument list. */
export const ABI_FILES = {
  spherical: SPHERICAL_ARGUMENTS,
  diag: DIAG_ARGUMENTS,
  'sparse-spherical': SPARSE_SPHERICAL_ARGUMENTS,
  'sparse-diag': SPARSE_DIAG_ARGUMENTS,
} as const;

/** One export's arguments by name. */
export type ArgumentsOf<T extends readonly string[]> = { readonly [K in T[number]]: number };
