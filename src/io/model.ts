import { readFile } from 'fs/promises';
import { DataError } from '../core/errors';
import { decodeUtf8, readStream } from './read';
import { COVARIANCES, varianceSize, type Covariance, type Mixture } from '../models/mixture';
import { isUsableVariance } from '../models/data';
import { choleskyInPlace } from '../models/linalg';

/** The version of the model documents `fit --out` writes and every model-reading command reads. */
export const MODEL_FORMAT = 'gmm-fit/1';

/** A model document's parts that the reading commands use. */
export interface ModelDocument {
  readonly mixture: Mixture;
  readonly columns: string[] | null;
}

/**
 * A model document (what `fit --out` writes), checked: its format version, the
 * family, K×d means (d from the data when `d` is given, else from the document),
 * variances of the family's shape, all > 0 (the diagonal, for full), and weights
 * ≥ 0 that sum to 1.
 */
export function readModel(doc: unknown, source: string, d?: number): ModelDocument {
  const fail = (why: string): never => {
    throw new DataError(`${source}: not a usable model: ${why}`);
  };
  const fit = doc as { format?: unknown; model?: unknown; d?: unknown; columns?: unknown; mixture?: { mu?: unknown; var?: unknown; covariance?: unknown; p?: unknown } };
  if (typeof fit !== 'object' || fit === null) fail('not a JSON object');
  if (fit.format !== MODEL_FORMAT) {
    fail(fit.format === undefined ? `no "format": "${MODEL_FORMAT}" (write one with gmm-fit … --out FILE)` : `its format is ${JSON.stringify(fit.format)}; this gmm-fit reads ${MODEL_FORMAT}`);
  }
  if (typeof fit.mixture !== 'object' || fit.mixture === null) fail('no "mixture" object');
  const width = d ?? (typeof fit.d === 'number' ? fit.d : fail('no "d"'));
  const columns = Array.isArray(fit.columns) && fit.columns.length === width && fit.columns.every((c) => typeof c === 'string') ? (fit.columns as string[]) : null;
  return { mixture: mixtureFromJson(fit, source, width), columns };
}

function mixtureFromJson(doc: unknown, source: string, d: number): Mixture {
  const fail = (why: string): never => {
    throw new DataError(`${source}: not a usable model: ${why}`);
  };
  const fit = doc as { model?: unknown; mixture?: { mu?: unknown; var?: unknown; covariance?: unknown; p?: unknown } };
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
  const tiny = diagonal.find((v) => !isUsableVariance(v));
  if (tiny !== undefined) fail(`the variance ${tiny} is too small to use (its square or its reciprocal is not an ordinary double)`);
  const var_ = Float64Array.from(variances);
  if (covariance === 'full') {
    const factor = new Float64Array(d * d);
    for (let j = 0; j < k; j++) {
      // Symmetric up to rounding (a file written by hand or by another tool), then made exactly so.
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < a; b++) {
          const lower = var_[j * size + a * d + b];
          const upper = var_[j * size + b * d + a];
          const scale = Math.sqrt(var_[j * size + a * d + a] * var_[j * size + b * d + b]);
          if (Math.abs(lower - upper) > 1e-10 * scale) fail(`the covariance of component ${j + 1} is not symmetric (row ${a + 1}, column ${b + 1})`);
          var_[j * size + b * d + a] = lower;
        }
      }
      factor.set(var_.subarray(j * size, (j + 1) * size));
      if (!choleskyInPlace(factor, 0, d)) fail(`the covariance of component ${j + 1} is not positive definite`);
    }
  }
  return { k, d, covariance, mu: Float64Array.from(means), var: var_, p: Float64Array.from(weights) };
}

/** A model document from a file, or from `stdin` when the path is `-`, read and checked. */
export async function loadModel(path: string, stdin: NodeJS.ReadableStream, d?: number): Promise<ModelDocument> {
  const source = path === '-' ? '<stdin>' : path;
  let doc: unknown;
  try {
    const bytes = path === '-' ? await readStream(stdin) : await readFile(path);
    doc = JSON.parse(decodeUtf8(bytes, source));
  } catch (err) {
    if (err instanceof DataError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new DataError(
      `${source}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a file' : code ? `cannot read (${code})` : `not JSON (${(err as Error).message})`}`,
    );
  }
  return readModel(doc, source, d);
}
