/**
 * The WebAssembly kernels' arguments, named once. Each export takes the address of
 * an argument block: one 32-bit unsigned number per name, in this order (sizes,
 * byte addresses in the module's memory, and statistics offsets in numbers).
 * scripts/build-wasm.js writes these indices into assembly/abi.ts for
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

/** The exports and their argument lists. */
export const KERNEL_EXPORTS = { sphericalExpectation: SPHERICAL_ARGUMENTS, diagExpectation: DIAG_ARGUMENTS } as const;

/** One export's arguments by name. */
export type ArgumentsOf<T extends readonly string[]> = { readonly [K in T[number]]: number };
