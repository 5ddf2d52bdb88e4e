import { DataError, UsageError } from '../../core/errors';
import { prepareSparse } from '../../models/sparse';
import { noRows, noUsers } from '../../models/shards';
import { aic, bic } from '../../fit/criteria';
import { offsetOf, shardStatistics, statisticsFieldsFor, stopAfter, summedMaximization } from '../../fit/shards';
import { fileDigest } from '../../io/digest';
import { modelDocument } from '../../io/model';
import { decodeStats, encodeStats, type StatsHeader } from '../../io/stats';
import { baselineFields, baselineMaximization, baselineStatistics, shardValues } from './baseline';
import { describe, modelShape, same, type ShardModel, type ShardStage, type Verdict } from './plan';
import { checkGiven, ratingsShard, shardRead, tableShard, whichShard, type ShardReadGiven } from './reading';

/**
 * The E-step of one shard under a model started over shards: the shard is read as the start
 * read it, recognised by its content, and its statistics and log-likelihood are encoded as a
 * `gmm-fit-stats/1` file (what `gmm-fit estep --stats` writes). Before the mixture's start
 * (--center bias) the pass is the baseline's, and the file holds its sums.
 */
export async function shardExpectation(m: ShardModel, name: string, given: ShardReadGiven = {}, stdin?: NodeJS.ReadableStream): Promise<{ bytes: Buffer; header: Omit<StatsHeader, 'format' | 'count' | 'encoding' | 'sha256'> }> {
  if (name === '-') throw new UsageError('a shard is a file, not - (stdin): its content names it');
  checkGiven(m, given);
  const index = whichShard(m, name, await fileDigest(name));
  const record = m.plan.shards[index];
  let fields: ReadonlyArray<readonly [string, number]>;
  let total: Float64Array;
  let logLikelihood: number | null = null;
  const shardRows = (rows: number) => {
    if (rows !== record.rows) throw new DataError(`${name} has ${rows} rows; the start read ${record.rows}`);
  };
  if (m.plan.input === 'table') {
    const data = await tableShard(m, name, stdin);
    shardRows(data.n);
    ({ logLikelihood, statistics: { fields, total } } = shardStatistics(data, m.mixture!, m.settings));
  } else {
    const rows = await ratingsShard(m, name, stdin);
    shardRows(rows.users);
    if (m.stage === 'mixture') {
      const values = shardValues(rows, m.plan.baseline);
      const data = { ...prepareSparse(rows, (t) => values[t]), complete: !m.plan.missing };
      ({ logLikelihood, statistics: { fields, total } } = shardStatistics(data, m.mixture!, m.settings));
    } else {
      fields = baselineFields(m);
      total = baselineStatistics(m, rows, index);
    }
  }
  const header = {
    model: modelShape(m),
    shard: { index, name, digest: record.digest, rows: record.rows, cells: record.cells },
    read: shardRead(m) as Record<string, unknown>,
    logLikelihood,
    fields,
  };
  return { bytes: encodeStats(header, total), header };
}

/** A data set of no rows with the whole data's shape, for the M-step of summed statistics. */
function shapeOf(m: ShardModel) {
  return m.plan.input === 'table' ? noRows(m.d, Float64Array.from(m.plan.center!), m.columns, m.plan.missing) : noUsers(m.d, !m.plan.missing);
}

/** Where a model stands, in words: its pass (with a baseline's passes), or its iteration. */
function position(shape: StatsHeader['model']): string {
  return shape.pass !== undefined ? `pass ${shape.pass}` : `iteration ${shape.iteration}`;
}

/** A statistics file checked against the model it is added up under: the same model, the same iteration, a shard of the start read as it read them. */
function checkHeader(m: ShardModel, header: StatsHeader, source: string, fields: ReadonlyArray<readonly [string, number]>): void {
  const mine = modelShape(m);
  const theirs = header.model ?? ({} as StatsHeader['model']);
  if (theirs.input !== mine.input || theirs.family !== mine.family || theirs.k !== mine.k || theirs.d !== mine.d) {
    throw new DataError(`${source} holds the statistics of ${describe(theirs)}, but ${m.source} is ${describe(mine)}`);
  }
  if (theirs.columns !== mine.columns) throw new DataError(`${source} holds statistics over other ${mine.input === 'table' ? 'columns' : 'items'} than ${m.source}'s`);
  const theirPass = theirs.pass ?? theirs.iteration;
  const myPass = mine.pass ?? mine.iteration;
  if (theirs.iteration !== mine.iteration || theirPass !== myPass) {
    throw new DataError(
      `${source} was computed under the model of ${position(theirs)}, but ${m.source} is the model of ${position(mine)}: ` +
        `${theirPass < myPass ? 'a stale file from an earlier' : 'a file of a later'} ${mine.pass !== undefined ? 'pass' : 'iteration'}` +
        `; run gmm-fit estep under ${m.source} again`,
    );
  }
  if (theirs.digest !== mine.digest) throw new DataError(`${source} was computed under another model than ${m.source} (their digests differ); run gmm-fit estep under ${m.source} again`);
  if (!same(header.read, shardRead(m))) throw new DataError(`${source}: its shard was read with other options than the start's`);
  if (!same(header.fields, fields)) throw new DataError(`${source}: its statistics are laid out as ${JSON.stringify(header.fields)}, not as the model's ${JSON.stringify(fields)}`);
  const shard = header.shard ?? ({} as StatsHeader['shard']);
  const record = Number.isSafeInteger(shard.index) ? m.plan.shards[shard.index] : undefined;
  if (!record || record.digest !== shard.digest) throw new DataError(`${source} is the statistics of a shard that ${m.source} was not started on`);
  if (record.rows !== shard.rows) throw new DataError(`${source} covers ${shard.rows} rows of ${record.name}, which had ${record.rows} at the start`);
}

/**
 * A statistics file's numbers as an E-step leaves them: finite (the log-likelihood aside, whose
 * failure the M-step words itself), and the posteriors' weights n̂ ≥ 0 adding up to the shard's
 * rows, as every row's posteriors add up to 1. A file that passes its sha256 but was not written
 * so (edited, or made by another program) is refused before it is added up.
 */
function checkValues(fields: ReadonlyArray<readonly [string, number]>, values: Float64Array, source: string, rows: number): void {
  let at = 0;
  for (const [name, length] of fields) {
    if (name !== 'll') {
      for (let t = at; t < at + length; t++) {
        if (!Number.isFinite(values[t])) throw new DataError(`${source}: its "${name}" statistics hold ${values[t]} (number ${t - at + 1} of ${length}): not the sums of an E-step; run gmm-fit estep on the shard again`);
      }
    }
    if (name === 'nHat') {
      let sum = 0;
      for (let t = at; t < at + length; t++) {
        if (values[t] < 0) throw new DataError(`${source}: its posterior weight of component ${t - at + 1} is ${values[t]}, below 0: not the sums of an E-step; run gmm-fit estep on the shard again`);
        sum += values[t];
      }
      if (!(Math.abs(sum - rows) <= 1e-6 * Math.max(1, rows))) {
        throw new DataError(`${source}: its posterior weights add up to ${sum} over the shard's ${rows} rows, where an E-step's add up to its rows: not the sums of an E-step; run gmm-fit estep on the shard again`);
      }
    }
    at += length;
  }
}

/** What an M-step did. */
export interface ShardStep {
  readonly document: Record<string, unknown>;
  readonly verdict: Verdict;
  /** The pass this M-step ended: an epoch of the baseline, the mixture's start, or an EM iteration. */
  readonly stage: ShardStage;
  /** Stage baseline: the epochs now done. */
  readonly epoch?: number;
  /** Stage mixture: the summed log-likelihood (the data's; the trace holds the objective, with --mean-prior the log posterior). */
  readonly logLikelihood: number | null;
  readonly iteration: number;
  readonly flooredVariances: number;
  readonly shards: number;
}

/**
 * The M-step of the shards' statistics, added up in the order given (read one at a time from
 * `stats`), under a model started over shards: the new model document (iteration + 1, the summed log-likelihood in its trace,
 * whether the course's stopping rule now holds), and the verdict mstep prints.
 */
export function shardMaximization(m: ShardModel, stats: Iterable<{ readonly source: string; readonly bytes: Buffer }>): ShardStep {
  if (m.stop) throw new DataError(`the fit in ${m.source} has stopped (${m.stop} at iteration ${m.plan.iteration}); nothing to do: start again with gmm-fit start`);
  const shape = shapeOf(m);
  const fields = m.stage === 'mixture' ? statisticsFieldsFor(shape, m.mixture!, m.settings) : baselineFields(m);
  const size = fields.reduce((a, [, length]) => a + length, 0);
  const total = new Float64Array(size);
  const seen = new Map<number, string>();
  let rows = 0;
  // One file at a time (a caller may read each only when asked): the driver holds one shard's statistics and the sums.
  for (const { source, bytes } of stats) {
    const { header, values } = decodeStats(bytes, source);
    checkHeader(m, header, source, fields);
    checkValues(fields, values, source, header.shard.rows);
    const other = seen.get(header.shard.index);
    if (other !== undefined) throw new DataError(`${other} and ${source} are both the statistics of shard ${header.shard.index + 1} (${m.plan.shards[header.shard.index].name}): a shard given twice`);
    seen.set(header.shard.index, source);
    for (let t = 0; t < size; t++) total[t] += values[t];
    rows += header.shard.rows;
  }
  if (seen.size === 0) throw new UsageError('mstep needs the statistics files of the shards: gmm-fit mstep -m MODEL STATS… --out NEW');
  if (rows !== m.plan.rows) {
    const missing = m.plan.shards.map((s, i) => ({ ...s, i })).filter((s) => !seen.has(s.i));
    const named = missing.slice(0, 3).map((s) => `${s.i + 1} (${s.name}, ${s.rows} rows)`).join(', ') + (missing.length > 3 ? `, … (${missing.length} in all)` : '');
    throw new DataError(`the statistics cover ${rows} of the start's ${m.plan.rows} rows: shard${missing.length > 1 ? 's' : ''} ${named} ${missing.length > 1 ? 'are' : 'is'} missing`);
  }
  if (m.stage !== 'mixture') {
    const step = baselineMaximization(m, total);
    return { document: step.document, verdict: 'continue', stage: m.stage, epoch: step.epoch, logLikelihood: null, iteration: 0, flooredVariances: 0, shards: seen.size };
  }
  const iteration = m.plan.iteration + 1;
  const step = summedMaximization(shape, m.mixture!, m.settings, total, rows, iteration);
  const logLikelihood = total[offsetOf(fields, 'll')];
  const stop = stopAfter(iteration, m.trace[m.trace.length - 1], step.objective, m.settings);
  const { k, d } = step.mixture;
  const covariance = step.mixture.covariance.family;
  const fit = {
    ...m.fit,
    n: m.plan.rows,
    logLikelihood,
    bic: bic(logLikelihood, k, d, m.plan.rows, covariance),
    aic: aic(logLikelihood, k, d, covariance),
    iterations: iteration,
    converged: stop === 'converged',
    stop,
    flooredVariances: step.flooredVariances,
    trace: [...m.trace, step.objective],
  };
  const document = {
    ...modelDocument({ model: 'gaussian', covariance, mixture: step.mixture, fit, columns: m.columns ? [...m.columns] : null, options: m.options, read: m.read }),
    distributed: { ...m.plan, iteration, ...(m.plan.pass !== undefined ? { pass: m.plan.pass + 1 } : {}) },
  };
  return { document, verdict: stop ?? 'continue', stage: 'mixture', logLikelihood, iteration, flooredVariances: step.flooredVariances, shards: seen.size };
}
