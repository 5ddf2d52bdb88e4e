import { DataError } from '../core/errors';
import { isSuccessful, type FailedFit, type Fit } from '../fit/fit';

/** At most a few items, then how many more. */
function listed(items: string[], most = 5): string {
  return items.length <= most ? items.join(', ') : `${items.slice(0, most).join(', ')} and ${items.length - most} more fits`;
}

/** When every fit failed: one error, with the first reason. */
export function everyFitFailed(fits: readonly Fit[]): DataError {
  const first = fits[0] as FailedFit;
  return new DataError(`${fits.length === 1 ? 'the fit' : `all ${fits.length} fits`} failed; K=${first.k} seed=${first.seed}: ${first.error}`);
}

/**
 * The warnings a sweep's fits call for: each failed fit with its reason; the fits stopped by --max-iter
 * (unless --tol 0 asked for exactly that many); and, in one line, the fits that stopped because the
 * objective went back, which are therefore not converged.
 */
export function warnAboutFits(fits: readonly Fit[], warn: (code: string, message: string) => void, options: { maxIter: number; tol?: number; kmeans?: boolean }): void {
  const wentBack: string[] = [];
  for (const fit of fits) {
    if (!isSuccessful(fit)) warn('failed', `K=${fit.k} seed=${fit.seed} failed: ${fit.error}`);
    else if (fit.stop === 'decrease') wentBack.push(`K=${fit.k} seed=${fit.seed}`);
    else if (fit.stop === 'max-iter' && options.tol !== 0) warn('max-iter', `K=${fit.k} seed=${fit.seed} stopped at --max-iter ${options.maxIter} before converging`);
  }
  if (wentBack.length === 0) return;
  const what = options.kmeans ? 'cost rose' : 'log-likelihood fell';
  warn(
    'decrease',
    `${listed(wentBack)} stopped because the ${what} by more than rounding, so ${wentBack.length === 1 ? 'it is' : 'they are'} not converged: ` +
      "EM with a variance floor, --reg-covar or the course's mean rule is not always monotone (--tol 0 --max-iter N runs on past it)",
  );
}
