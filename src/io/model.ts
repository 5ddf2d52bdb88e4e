import { DataError } from '../core/errors';
import { COVARIANCES, varianceSize, type Covariance, type Mixture } from '../models/mixture';

/**
 * A mixture from a fit's JSON (what `--out` writes), checked against the data's
 * width: the family, K×d means, variances of the family's shape, positive
 * variances (a positive diagonal, for full) and weights that sum to 1.
 */
export function mixtureFromJson(doc: unknown, source: string, d: number): Mixture {
  const fail = (why: string): never => {
    throw new DataError(`${source}: not a usable model: ${why}`);
  };
  const fit = doc as { model?: unknown; mixture?: { mu?: unknown; var?: unknown; covariance?: unknown; p?: unknown } };
  if (typeof fit !== 'object' || fit === null || typeof fit.mixture !== 'object' || fit.mixture === null) fail('no "mixture" object (write one with gmm-fit … --out FILE)');
  const covariance = (fit.model === 'kmeans' ? 'spherical' : fit.model) as Covariance;
  if (!COVARIANCES.includes(covariance)) fail(`"model" is ${JSON.stringify(fit.model)}; expected spherical, diag, full or kmeans`);
  const { mu, p } = fit.mixture!;
  const numbers = (value: unknown, what: string): number[] => {
    const flat = Array.isArray(value) ? (value as unknown[]).flat(2) : [];
    if (!Array.isArray(value) || flat.some((v) => typeof v !== 'number' || !Number.isFinite(v))) fail(`"${what}" is not an array of finite numbers`);
    return flat as number[];
  };
  if (!Array.isArray(mu) || mu.length === 0) fail('"mu" is not a non-empty array');
  const k = (mu as unknown[]).length;
  const bad = (mu as unknown[]).find((row) => !Array.isArray(row) || row.length !== d);
  if (bad !== undefined) fail(`its means have ${Array.isArray(bad) ? bad.length : 'no'} values, but the data has ${d} columns`);
  const means = numbers(mu, 'mu');
  const weights = numbers(p, 'p');
  if (weights.length !== k) fail(`"p" has ${weights.length} weights for ${k} components`);
  if (weights.some((w) => w < 0) || Math.abs(weights.reduce((a, b) => a + b, 0) - 1) > 1e-6) fail('the weights in "p" must be ≥ 0 and sum to 1');
  const variances = numbers(covariance === 'full' ? fit.mixture!.covariance : fit.mixture!.var, covariance === 'full' ? 'covariance' : 'var');
  const size = varianceSize(covariance, d);
  if (variances.length !== k * size) fail(`${covariance} needs ${k * size} variance numbers for K=${k}, d=${d}; the file has ${variances.length}`);
  const diagonal = covariance === 'full' ? variances.filter((_, t) => Math.floor((t % size) / d) === (t % size) % d) : variances;
  if (diagonal.some((v) => !(v > 0))) fail('every variance must be > 0');
  return { k, d, covariance, mu: Float64Array.from(means), var: Float64Array.from(variances), p: Float64Array.from(weights) };
}
