import { DataError } from '../core/errors';
import { readJsonFile } from './read';
import type { Mixture } from '../models/mixture';
import { COVARIANCE_NAMES, family, familyOf, KMEANS_COVARIANCE, type Covariance } from '../models/families';
import { isUsableVariance } from '../models/data';
import { choleskyInPlace } from '../models/kernels/linalg';
import { toRows } from '../core/matrix';

/**
 * The model document: what `fit --out` writes and every model-reading command reads,
 * both directions in this one file. Versioned by `format`.
 */
export const MODEL_FORMAT = 'gmm-fit/1';

/** The model's name in documents: the covariance family for Gaussians (spherical, diag, full), or kmeans. */
export function modelName(fit: { readonly model: 'gaussian' | 'kmeans'; readonly covariance: Covariance }): string {
  return fit.model === 'kmeans' ? 'kmeans' : fit.covariance;
}

/** A mixture's parameters as JSON: mu (K×d), the family's covariances under its key (var or covariance), p. */
export function mixtureToJson(mixture: Mixture): Record<string, unknown> {
  const { k, d } = mixture;
  const f = familyOf(mixture.covariance);
  return { mu: toRows(mixture.mu, k, d), [f.jsonKey]: f.toJson(mixture.covariance, k, d), p: Array.from(mixture.p) };
}

/** What a model document records of the fit it came from. */
export interface FittedModel {
  readonly model: 'gaussian' | 'kmeans';
  readonly covariance: Covariance;
  readonly mixture: Mixture;
  /** The fit's own figures (seed, n, log-likelihood, …), recorded as they are. */
  readonly fit: Record<string, unknown>;
  /** The input's column names, when it had a header. */
  readonly columns: readonly string[] | null;
  /** The options the model was fitted with, as recorded. */
  readonly options: Record<string, unknown>;
  /** With --standardize: each column's mean and scale; the mixture is in standardised units. */
  readonly standardization?: { readonly mean: Float64Array; readonly scale: Float64Array };
  /** How the training data was read (the options given; undefined ones were detected), for new data to be read the same way. */
  readonly read?: Record<string, unknown>;
}

/** The versioned model document of a fit, ready for JSON.stringify. */
export function modelDocument(model: FittedModel): Record<string, unknown> {
  const { mixture } = model;
  return {
    format: MODEL_FORMAT,
    model: modelName(model),
    k: mixture.k,
    d: mixture.d,
    ...(model.columns ? { columns: model.columns } : {}),
    mixture: mixtureToJson(mixture),
    ...(model.standardization ? { standardization: { mean: Array.from(model.standardization.mean), scale: Array.from(model.standardization.scale) } } : {}),
    ...(model.read ? { read: model.read } : {}),
    fit: model.fit,
    options: model.options,
  };
}

/** A model document's parts that the reading commands use. */
export interface ModelDocument {
  readonly mixture: Mixture;
  readonly columns: string[] | null;
  /** Apply (x − mean)/scale to new data before the mixture (the model was fitted so). */
  readonly standardization: { readonly mean: Float64Array; readonly scale: Float64Array } | null;
  /** The options it was fitted with, as recorded (empty for older documents). */
  readonly options: Record<string, unknown>;
  /** How its training data was read, as recorded (empty for older documents). */
  readonly read: Record<string, unknown>;
}

/**
 * A model document (what `fit --out` writes), checked: its format version, the
 * family, K×d means (d from the data when `d` is given, else from the document),
 * variances of the family's shape, all > 0 and usable (the diagonal, for full; a
 * full covariance must be symmetric and positive definite), and weights ≥ 0 that sum to 1.
 */
export function readModel(doc: unknown, source: string, d?: number): ModelDocument {
  const fail = (why: string): never => {
    throw new DataError(`${source}: not a usable model: ${why}`);
  };
  const fit = doc as { format?: unknown; model?: unknown; d?: unknown; columns?: unknown; mixture?: Record<string, unknown>; standardization?: unknown; options?: unknown; read?: unknown };
  if (typeof fit !== 'object' || fit === null) fail('not a JSON object');
  if (fit.format !== MODEL_FORMAT) {
    fail(fit.format === undefined ? `no "format": "${MODEL_FORMAT}" (write one with gmm-fit … --out FILE)` : `its format is ${JSON.stringify(fit.format)}; this gmm-fit reads ${MODEL_FORMAT}`);
  }
  if (typeof fit.mixture !== 'object' || fit.mixture === null) fail('no "mixture" object');
  const width = d ?? (typeof fit.d === 'number' ? fit.d : fail('no "d"'));
  const columns = Array.isArray(fit.columns) && fit.columns.length === width && fit.columns.every((c) => typeof c === 'string') ? (fit.columns as string[]) : null;
  const mixture = mixtureFromJson(fit.model, fit.mixture!, fail, width);
  const record = (v: unknown) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  return { mixture, columns, standardization: standardizationFromJson(fit.standardization, width, fail), options: record(fit.options), read: record(fit.read) };
}

/** A recorded standardisation: d means and d scales > 0, all finite; null when there is none. */
function standardizationFromJson(json: unknown, d: number, fail: (why: string) => never): ModelDocument['standardization'] {
  if (json === undefined || json === null) return null;
  const s = json as { mean?: unknown; scale?: unknown };
  const numbers = (v: unknown) => Array.isArray(v) && v.length === d && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!numbers(s.mean) || !numbers(s.scale) || !(s.scale as number[]).every((x) => x > 0)) {
    fail(`"standardization" needs "mean" and "scale", ${d} finite numbers each, the scales > 0`);
  }
  return { mean: Float64Array.from(s.mean as number[]), scale: Float64Array.from(s.scale as number[]) };
}

export function mixtureFromJson(model: unknown, json: Record<string, unknown>, fail: (why: string) => never, d: number): Mixture {
  const name = (model === 'kmeans' ? KMEANS_COVARIANCE : model) as Covariance;
  if (!COVARIANCE_NAMES.includes(name)) fail(`"model" is ${JSON.stringify(model)}; expected ${COVARIANCE_NAMES.join(', ')} or kmeans`);
  const f = family(name);
  const { mu, p } = json;
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
  const values = numbers(json[f.jsonKey], f.jsonKey);
  const size = f.valuesPerComponent(d);
  if (values.length !== k * size) fail(`${name} needs ${k * size} variance numbers for K=${k}, d=${d}; the file has ${values.length}`);
  const covariance = f.fromValues(Float64Array.from(values));
  const diagonal = f.variancesOf(covariance as never, k, d);
  if (diagonal.some((v) => !(v > 0))) fail('every variance must be > 0');
  const tiny = diagonal.find((v) => !isUsableVariance(v));
  if (tiny !== undefined) fail(`the variance ${tiny} is too small to use (its square or its reciprocal is not an ordinary double)`);
  if (size === d * d) checkPositiveDefinite(Float64Array.from(values), k, d, fail);
  const checked = size === d * d ? f.fromValues(symmetric(Float64Array.from(values), k, d, fail)) : covariance;
  return { k, d, mu: Float64Array.from(means), p: Float64Array.from(weights), covariance: checked };
}

/** K d×d matrices made exactly symmetric from their lower triangles, once they are symmetric up to rounding. */
function symmetric(values: Float64Array, k: number, d: number, fail: (why: string) => never): Float64Array {
  const size = d * d;
  for (let j = 0; j < k; j++) {
    // Symmetric up to rounding (a file written by hand or by another tool), then made exactly so.
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < a; b++) {
        const lower = values[j * size + a * d + b];
        const upper = values[j * size + b * d + a];
        const scale = Math.sqrt(values[j * size + a * d + a] * values[j * size + b * d + b]);
        if (Math.abs(lower - upper) > 1e-10 * scale) fail(`the covariance of component ${j + 1} is not symmetric (row ${a + 1}, column ${b + 1})`);
        values[j * size + b * d + a] = lower;
      }
    }
  }
  return values;
}

/** Each of K d×d covariances has a Cholesky factor. */
function checkPositiveDefinite(values: Float64Array, k: number, d: number, fail: (why: string) => never): void {
  const factor = new Float64Array(d * d);
  for (let j = 0; j < k; j++) {
    factor.set(values.subarray(j * d * d, (j + 1) * d * d));
    if (!choleskyInPlace(factor, 0, d)) fail(`the covariance of component ${j + 1} is not positive definite`);
  }
}

/** A model checked against data of `d` columns (the check readModel makes when it is given d). */
export function checkWidth(model: ModelDocument, d: number, source: string): ModelDocument {
  if (model.mixture.d !== d) throw new DataError(`${source}: not a usable model: its means have ${model.mixture.d} values, but the data has ${d} columns`);
  return model;
}

/** A model document from JSON text or an already parsed object, checked (the library's loadModel). */
export function parseModel(json: string | unknown, source = '<model>', d?: number): ModelDocument {
  let doc = json;
  if (typeof json === 'string') {
    try {
      doc = JSON.parse(json);
    } catch (err) {
      throw new DataError(`${source}: not JSON (${(err as Error).message})`);
    }
  }
  return readModel(doc, source, d);
}

/** A model document from a file, or from `stdin` when the path is `-`, read and checked. */
export async function loadModelFile(path: string, stdin: NodeJS.ReadableStream, d?: number): Promise<ModelDocument> {
  return readModel(await readJsonFile(path, stdin), path === '-' ? '<stdin>' : path, d);
}
