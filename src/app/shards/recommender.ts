import { DataError } from '../../core/errors';
import { readRatingsModel, type RatingsModel } from '../../io/ratings-model';
import { readShardModel } from './plan';
import { ratingsReadOptions } from './reading';

/**
 * A model fitted over shards of rating triplets, as the ratings model `recommend` reads: its
 * mixture, the items, the bias baseline's μ and item biases (--center bias; none: 0), the
 * items' rating counts and the ratings' range as the clip (fit --ratings's default). It keeps
 * no user ids or user biases (a user's bias is one ALS step from the ratings given to
 * recommend, which for a training user with the same ratings is the fit's own).
 */
function ratingsModelOfShards(bytes: Buffer, source: string): RatingsModel {
  const m = readShardModel(bytes, source);
  if (m.plan.input !== 'ratings') throw new DataError(`${source}: not a usable ratings model: it was fitted over shards of a table; recommend needs rating triplets`);
  if (!m.mixture) throw new DataError(`${source}: not a usable ratings model yet: the fit over shards is still fitting its bias baseline (${m.plan.baseline!.epoch} of ${m.plan.baseline!.epochs} epochs); run estep and mstep until mstep prints converged`);
  const b = m.plan.baseline;
  const d = m.d;
  return {
    mixture: m.mixture,
    center: b ? 'bias' : 'none',
    baseline: {
      mean: b ? b.mean : 0,
      regUser: b ? b.regUser : 0,
      regItem: b ? b.regItem : 0,
      epochs: b ? b.epochs : 0,
      user: new Float64Array(0),
      item: b ? Float64Array.from(b.item) : new Float64Array(d),
      userCount: new Float64Array(0),
      itemCount: Float64Array.from(m.plan.itemCount ?? new Array<number>(d).fill(1)),
    },
    clip: m.plan.range && m.plan.range.min < m.plan.range.max ? { min: m.plan.range.min, max: m.plan.range.max } : null,
    userIds: [],
    itemIds: m.columns ?? [],
    read: ratingsReadOptions(m.read) as unknown as Record<string, unknown>,
    options: m.options,
    fit: m.fit,
  };
}

/** The model recommend is given, from its file's bytes: a ratings model (fit --ratings --out), or one fitted over shards of rating triplets (mstep --out). */
export function readRecommenderModel(bytes: Buffer, source: string): RatingsModel {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new DataError(`${source}: not JSON (${(err as Error).message})`);
  }
  const distributed = typeof doc === 'object' && doc !== null && 'distributed' in doc;
  return distributed ? ratingsModelOfShards(bytes, source) : readRatingsModel(doc, source);
}
