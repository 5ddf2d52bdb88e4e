import { DataError } from '../core/errors';
import type { Mixture } from '../models/mixture';
import type { Baseline } from '../models/baseline';
import type { Clip } from '../models/rating-predict';
import { mixtureFromJson, mixtureToJson } from './model';

/**
 * The ratings model document: what `fit --ratings --out` writes and `recommend` reads.
 * Beside the mixture it keeps what predictions need: the id maps (users and items in
 * their dense order), the bias baseline, how the mixture was centred, the clip, and
 * how the ratings were read.
 */
export const RATINGS_MODEL_FORMAT = 'gmm-fit-ratings/1';

export interface RatingsModel {
  readonly mixture: Mixture;
  readonly center: 'bias' | 'none';
  readonly baseline: Baseline;
  readonly clip: Clip | null;
  readonly userIds: readonly string[];
  readonly itemIds: readonly string[];
  readonly read: Record<string, unknown>;
  readonly options: Record<string, unknown>;
  readonly fit: Record<string, unknown>;
}

export function ratingsModelDocument(model: RatingsModel): Record<string, unknown> {
  const { mixture, baseline } = model;
  return {
    format: RATINGS_MODEL_FORMAT,
    model: mixture.covariance.family,
    k: mixture.k,
    users: model.userIds.length,
    items: model.itemIds.length,
    center: model.center,
    clip: model.clip,
    baseline: {
      mean: baseline.mean,
      regUser: baseline.regUser,
      regItem: baseline.regItem,
      epochs: baseline.epochs,
      user: Array.from(baseline.user),
      item: Array.from(baseline.item),
      userCount: Array.from(baseline.userCount),
      itemCount: Array.from(baseline.itemCount),
    },
    userIds: model.userIds,
    itemIds: model.itemIds,
    mixture: mixtureToJson(mixture),
    read: model.read,
    fit: model.fit,
    options: model.options,
  };
}

/** A ratings model document, checked: format, ids, a baseline of matching sizes, the mixture over the items. */
export function readRatingsModel(doc: unknown, source: string): RatingsModel {
  const fail = (why: string): never => {
    throw new DataError(`${source}: not a usable ratings model: ${why}`);
  };
  const m = doc as Record<string, unknown> | null;
  if (typeof m !== 'object' || m === null || Array.isArray(m)) fail('not a JSON object');
  if (m!.format !== RATINGS_MODEL_FORMAT) {
    fail(m!.format === 'gmm-fit/1' ? 'it is a table model (fit without --ratings); recommend needs one written by fit --ratings --out' : `its format is ${JSON.stringify(m!.format)}; this gmm-fit reads ${RATINGS_MODEL_FORMAT}`);
  }
  const ids = (v: unknown, what: string): string[] => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : fail(`"${what}" is not an array of ids`));
  const userIds = ids(m!.userIds, 'userIds');
  const itemIds = ids(m!.itemIds, 'itemIds');
  const numbers = (v: unknown, length: number, what: string): Float64Array =>
    Array.isArray(v) && v.length === length && v.every((x) => typeof x === 'number' && Number.isFinite(x)) ? Float64Array.from(v as number[]) : fail(`"${what}" is not ${length} finite numbers`);
  const b = m!.baseline as Record<string, unknown> | undefined;
  if (typeof b !== 'object' || b === null) fail('no "baseline" object');
  const scalar = (v: unknown, what: string): number => (typeof v === 'number' && Number.isFinite(v) ? v : fail(`"baseline.${what}" is not a finite number`));
  const baseline: Baseline = {
    mean: scalar(b!.mean, 'mean'),
    regUser: scalar(b!.regUser, 'regUser'),
    regItem: scalar(b!.regItem, 'regItem'),
    epochs: scalar(b!.epochs, 'epochs'),
    user: numbers(b!.user, userIds.length, 'baseline.user'),
    item: numbers(b!.item, itemIds.length, 'baseline.item'),
    userCount: numbers(b!.userCount, userIds.length, 'baseline.userCount'),
    itemCount: numbers(b!.itemCount, itemIds.length, 'baseline.itemCount'),
  };
  if (m!.center !== 'bias' && m!.center !== 'none') fail('"center" is not bias or none');
  const clipJson = m!.clip as { min?: unknown; max?: unknown } | null | undefined;
  const clip = clipJson === null || clipJson === undefined ? null : typeof clipJson.min === 'number' && typeof clipJson.max === 'number' && clipJson.min < clipJson.max ? { min: clipJson.min, max: clipJson.max } : fail('"clip" is not null or { min, max } with min < max');
  if (typeof m!.mixture !== 'object' || m!.mixture === null) fail('no "mixture" object');
  const mixture = mixtureFromJson(m!.model, m!.mixture as Record<string, unknown>, fail, itemIds.length);
  const record = (v: unknown) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  return { mixture, center: m!.center as 'bias' | 'none', baseline, clip, userIds, itemIds, read: record(m!.read), options: record(m!.options), fit: record(m!.fit) };
}
