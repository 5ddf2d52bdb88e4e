import { freeParameters, type Covariance } from '../models/families';

/** How K is chosen: BIC, AIC or the log-likelihood, larger is better for all three. */
export type Criterion = 'bic' | 'aic' | 'll';

/** BIC = LL − (p/2)·ln n, larger is better (the course's sign). */
export function bic(logLikelihood: number, k: number, d: number, n: number, covariance?: Covariance): number {
  return logLikelihood - (freeParameters(k, d, covariance) / 2) * Math.log(n);
}

/** AIC = LL − p, larger is better (on the same scale as the course's BIC). */
export function aic(logLikelihood: number, k: number, d: number, covariance?: Covariance): number {
  return logLikelihood - freeParameters(k, d, covariance);
}
