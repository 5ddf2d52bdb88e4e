/** Something the caller should know that does not stop the work: a failed fit among others, a floor that held, a capped setting. */
export interface Warning {
  /** What kind of warning: failed, decrease, max-iter, floor, jobs, truth, no-missing, … */
  readonly code: string;
  readonly message: string;
}

/** A list of warnings and the function that adds to it (and tells `onWarning` at once). */
export function warner(onWarning?: (warning: Warning) => void): { warnings: Warning[]; warn: (code: string, message: string) => void } {
  const warnings: Warning[] = [];
  return {
    warnings,
    warn: (code, message) => {
      const warning = { code, message };
      warnings.push(warning);
      onWarning?.(warning);
    },
  };
}
