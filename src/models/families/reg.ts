/**
 * --reg-covar as the families take it: one number for every column (given on the command
 * line, or 0), or one number per column (the default of diag and full on tables:
 * 1e-6 × each column's variance, scikit-learn's reg_covar on standardised columns).
 */
export type RegCovar = number | Float64Array;

/** The regularisation of column i. */
export function regOf(reg: RegCovar, i: number): number {
  return typeof reg === 'number' ? reg : reg[i];
}

/** One number per column, d of them (`fallback` when none is given). */
export function regColumns(reg: RegCovar | undefined, d: number, fallback: number): Float64Array {
  if (reg === undefined) return new Float64Array(d).fill(fallback);
  if (typeof reg === 'number') return new Float64Array(d).fill(reg);
  if (reg.length !== d) throw new Error(`internal: ${reg.length} regularisations for ${d} columns`);
  return reg.slice();
}

/** One number for an isotropic family: the columns' mean (the number itself when one is given). */
export function regMean(reg: RegCovar | undefined, fallback: number): number {
  if (reg === undefined) return fallback;
  if (typeof reg === 'number') return reg;
  let s = 0;
  for (const v of reg) s += v;
  return reg.length ? s / reg.length : fallback;
}
