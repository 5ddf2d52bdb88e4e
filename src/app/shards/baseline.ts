import { sparseFamily } from '../../models/families';
import { addItemResiduals, itemBiases, residuals, userBiases, type Baseline } from '../../models/baseline';
import type { Mixture } from '../../models/mixture';
import { pendingDocument, type ShardBaseline, type ShardModel, type ShardPlan } from './plan';
import type { GlobalRows } from './reading';
import { locate, startDocument } from './start';

/**
 * Rating triplets with --center bias over shards: the bias baseline of models/baseline.ts
 * (Surprise's ALS, 10 epochs) as map/reduce passes, then the pass of the mixture's start on
 * the residuals. A user's bias needs only their own ratings and the items' biases, so it is
 * the shard's own; each epoch's pass hands over, per item, Σ (r − μ − b_u) over the shard's
 * users, and the M-step divides their sum by λ_i + |R(i)|. The start's pass hands over the
 * residuals' sums and squares per item and the residuals of the start's drawn users, so the
 * start is the single machine's `sparseRandomInit` on the residuals.
 */

/** The baseline of a shard's users under the plan's item biases: b_u = 0 before the first epoch, else one ALS step from their ratings. */
export function shardBaseline(rows: GlobalRows, b: ShardBaseline): Baseline {
  const user = new Float64Array(rows.users);
  const item = Float64Array.from(b.item);
  if (b.epoch > 0) userBiases(rows, rows.rating, b.mean, item, b.regUser, user);
  const userCount = Float64Array.from({ length: rows.users }, (_, u) => rows.rowStart[u + 1] - rows.rowStart[u]);
  return { mean: b.mean, user, item, userCount, itemCount: new Float64Array(item.length), regUser: b.regUser, regItem: b.regItem, epochs: b.epochs };
}

/** The values a shard's mixture is fitted to: its ratings, or with a baseline their residuals. */
export function shardValues(rows: GlobalRows, b: ShardBaseline | undefined): Float64Array | Float32Array {
  return b ? residuals(rows, rows.rating, shardBaseline(rows, b)) : rows.rating;
}

/** The layout of a pass's statistics before the mixture exists. */
export function baselineFields(m: ShardModel): Array<[string, number]> {
  const { d, k } = m;
  return m.stage === 'baseline'
    ? [['itemResidual', d]]
    : [
        ['residualSum', d],
        ['residualSquares', d],
        ['drawn', k * d],
      ];
}

/** A shard's statistics in a pass before the mixture: an epoch's item sums, or the start's sums and drawn rows. */
export function baselineStatistics(m: ShardModel, rows: GlobalRows, shard: number): Float64Array {
  const b = m.plan.baseline!;
  const { d, k } = m;
  const baseline = shardBaseline(rows, b);
  if (m.stage === 'baseline') {
    const sum = new Float64Array(d);
    addItemResiduals(rows, rows.rating, b.mean, baseline.user, sum);
    return sum;
  }
  const values = residuals(rows, rows.rating, baseline);
  const total = new Float64Array(2 * d + k * d);
  for (let t = 0; t < values.length; t++) {
    const i = rows.itemIndex[t];
    total[i] += values[t];
    total[d + i] += values[t] * values[t];
  }
  // The start's users drawn in this shard: their residuals, 0 on the items they did not rate.
  const drawn = (m.fit.initialRows as number[]) ?? [];
  locate(drawn, m.plan.shards.map((s) => s.rows)).forEach((w, j) => {
    if (w.shard !== shard) return;
    for (let t = rows.rowStart[w.row]; t < rows.rowStart[w.row + 1]; t++) total[2 * d + j * d + rows.itemIndex[t]] = values[t];
  });
  return total;
}

/**
 * The M-step of a pass before the mixture, on the shards' summed statistics: the next
 * epoch's item biases, or after the last epoch the mixture's start (the model of iteration 0).
 */
export function baselineMaximization(m: ShardModel, total: Float64Array): { document: Record<string, unknown>; mixture: Mixture | null; epoch: number } {
  const b = m.plan.baseline!;
  const { d, k } = m;
  const pass = (m.plan.pass ?? 0) + 1;
  const itemCount = m.plan.itemCount!;
  if (m.stage === 'baseline') {
    const item = new Float64Array(d);
    itemBiases(total, itemCount, b.regItem, item);
    const baseline: ShardBaseline = { ...b, epoch: b.epoch + 1, item: Array.from(item) };
    const plan: ShardPlan = { ...m.plan, pass, baseline };
    return { document: pendingDocument(m, plan, baseline.epoch < baseline.epochs ? 'baseline' : 'start'), mixture: null, epoch: baseline.epoch };
  }
  const n = m.plan.rows;
  const mu = total.slice(2 * d, 2 * d + k * d);
  const sums = { n, d, columnSum: total.subarray(0, d), columnSquares: total.subarray(d, 2 * d) };
  const covariance = sparseFamily(m.family).startCovariances(sums, mu, k, m.settings.regCovar);
  const mixture: Mixture = { k, d, mu, p: new Float64Array(k).fill(1 / k), covariance };
  const { format: _format, iteration: _iteration, ...plan } = m.plan;
  return { document: startDocument(mixture, m.options, m.fit, m.columns, m.read, { ...plan, pass }), mixture, epoch: b.epoch };
}
