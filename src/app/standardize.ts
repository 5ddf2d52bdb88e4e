import { DataError } from '../core/errors';
import { createMatrix, type Matrix } from '../core/matrix';
import type { Mixture } from '../models/mixture';
import { familyOf } from '../models/families';
import { isSuccessful, type Fit } from '../fit/fit';
import type { SweepResult } from '../fit/sweep';

/**
 * `--standardize`: each column centred on its mean and divided by its standard deviation
 * (over its observed cells, n in the denominator, as scikit-learn's StandardScaler) before
 * fitting. A saved model keeps the transform and applies it to new data; everything
 * reported (means, covariances, log-likelihoods) is in the data's own units.
 */
export interface Standardization {
  readonly mean: Float64Array;
  readonly scale: Float64Array;
}

/** Each matrix's moments, once: its data and mask are not written after it is made, and the scale check, the default --reg-covar and --standardize all ask. */
const MOMENTS = new WeakMap<Float64Array, { observed: Uint8Array | null; moments: Standardization }>();

/** Each column's mean and standard deviation over its observed cells (n in the denominator), unchecked. Callers only read them. */
function columnMoments(matrix: Matrix): Standardization {
  const known = MOMENTS.get(matrix.data);
  if (known && known.observed === matrix.observed) return known.moments;
  const { rows: n, cols: d, data, observed } = matrix;
  const mean = new Float64Array(d);
  const count = new Float64Array(d);
  // Two passes (the mean, then the squares about it), each row in column order; complete data without the mask's test.
  if (observed) {
    for (let u = 0; u < n; u++) {
      for (let i = 0; i < d; i++) {
        if (!observed[u * d + i]) continue;
        mean[i] += data[u * d + i];
        count[i]++;
      }
    }
  } else {
    for (let u = 0; u < n; u++) for (let i = 0; i < d; i++) mean[i] += data[u * d + i];
    count.fill(n);
  }
  for (let i = 0; i < d; i++) mean[i] /= count[i] || 1;
  const scale = new Float64Array(d);
  for (let u = 0; u < n; u++) {
    for (let i = 0; i < d; i++) {
      if (observed && !observed[u * d + i]) continue;
      const c = data[u * d + i] - mean[i];
      scale[i] += c * c;
    }
  }
  for (let i = 0; i < d; i++) scale[i] = Math.sqrt(scale[i] / (count[i] || 1));
  const moments = { mean, scale };
  MOMENTS.set(data, { observed, moments });
  return moments;
}

/** Each column's mean and standard deviation; a column with no spread cannot be scaled (a DataError naming it). */
export function standardization(matrix: Matrix, columns: readonly string[] | null, source: string): Standardization {
  const s = columnMoments(matrix);
  for (let i = 0; i < matrix.cols; i++) {
    if (!(s.scale[i] > 0) || !Number.isFinite(1 / s.scale[i])) {
      const name = columns?.[i] ? `column ${i + 1} (${columns[i]})` : `column ${i + 1}`;
      throw new DataError(`${source}: ${name} has no spread, so --standardize cannot scale it; drop the column`);
    }
  }
  return s;
}

/** The matrix in standardised units (a copy; missing cells stay missing). */
export function standardize(matrix: Matrix, s: Standardization): Matrix {
  const { rows: n, cols: d, data, observed } = matrix;
  const out = new Float64Array(n * d);
  for (let u = 0; u < n; u++) {
    for (let i = 0; i < d; i++) {
      const c = u * d + i;
      if (observed && !observed[c]) continue;
      out[c] = (data[c] - s.mean[i]) / s.scale[i];
    }
  }
  return { ...createMatrix(n, d, out, observed), columns: matrix.columns };
}

/** Standardised rows (row-major, d columns) back in the data's units, in place. */
export function unstandardizeRows(rows: Float64Array, d: number, s: Standardization): Float64Array {
  for (let c = 0; c < rows.length; c++) rows[c] = rows[c] * s.scale[c % d] + s.mean[c % d];
  return rows;
}

/**
 * The log of the transform's Jacobian for this data: Σ over the observed cells of ln scale.
 * A density in standardised units, less this, is the density of the data in its own units.
 */
export function logJacobian(matrix: Matrix, s: Standardization): number {
  const { rows: n, cols: d, observed } = matrix;
  let total = 0;
  for (let i = 0; i < d; i++) {
    let cells = n;
    if (observed) {
      cells = 0;
      for (let u = 0; u < n; u++) cells += observed[u * d + i];
    }
    total += cells * Math.log(s.scale[i]);
  }
  return total;
}

/**
 * A mixture fitted in standardised units, in the data's units: mean·scale + mean, and the
 * covariance D·Σ·D with D = diag(scale). A spherical component is then diagonal (var·scale²
 * per column), so it is reported in the diag shape; diag stays diag and full stays full.
 */
export function inDataUnits(m: Mixture, s: Standardization): Mixture {
  const { k, d } = m;
  const mu = Float64Array.from(m.mu, (v, c) => v * s.scale[c % d] + s.mean[c % d]);
  return { k, d, mu, p: m.p.slice(), covariance: familyOf(m.covariance).rescaled(m.covariance, k, d, s.scale) };
}

/** A fit reported in the data's units: its mixture transformed back, its log-likelihoods (trace, BIC, AIC) less the log-Jacobian. */
export function fitInDataUnits(fit: Fit, s: Standardization, jacobian: number): Fit {
  const trace = fit.model === 'kmeans' ? fit.trace : fit.trace.map((v) => v - jacobian);
  if (!isSuccessful(fit)) return { ...fit, trace };
  return {
    ...fit,
    trace,
    logLikelihood: fit.logLikelihood - jacobian,
    bic: fit.bic - jacobian,
    aic: fit.aic - jacobian,
    mixture: inDataUnits(fit.mixture, s),
  };
}

/** A sweep's result in the data's units: every fit transformed back, best and selected the same fits. */
export function resultInDataUnits<R extends SweepResult>(result: R, s: Standardization, jacobian: number): R {
  const reported = new Map<Fit, Fit>();
  for (const fit of result.fits) reported.set(fit, fitInDataUnits(fit, s, jacobian));
  const map = <F extends Fit>(fit: F) => reported.get(fit) as F;
  return { ...result, fits: result.fits.map(map), best: result.best.map(map), selected: result.selected ? map(result.selected) : null };
}

/**
 * How much larger the largest column's standard deviation is than the smallest non-zero one's;
 * 1 when a spread is not finite (values too large for a square, which the fit reports itself).
 */
export function scaleRatio(matrix: Matrix): number {
  const all = Array.from(columnMoments(matrix).scale);
  if (all.some((v) => !Number.isFinite(v))) return 1;
  const spread = all.filter((v) => v > 0);
  return spread.length < 2 ? 1 : Math.max(...spread) / Math.min(...spread);
}

/**
 * Each column's variance (over its observed cells, n in the denominator), the scale of the
 * default --reg-covar, so that a column in millimetres gets the fit of the same column in
 * metres. A column with no spread (or no finite one) takes the smallest positive variance of
 * the others, 1 when none has one: any positive value keeps its variances positive.
 */
export function columnVariances(matrix: Matrix): Float64Array {
  return columnVariancesOf(columnMoments(matrix).scale);
}

/** The same from the columns' standard deviations (a start over shards has them from per-shard moments). */
export function columnVariancesOf(scales: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(scales as ArrayLike<number>, (s) => s * s);
  let smallest = Infinity;
  for (const v of out) if (v > 0 && Number.isFinite(v) && v < smallest) smallest = v;
  const fill = Number.isFinite(smallest) ? smallest : 1;
  for (let i = 0; i < out.length; i++) if (!(out[i] > 0 && Number.isFinite(out[i]))) out[i] = fill;
  return out;
}
