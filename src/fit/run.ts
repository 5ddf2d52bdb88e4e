import type { Matrix } from '../core/matrix';
import type { PreparedData } from '../models/data';
import type { SparseData } from '../models/sparse';
import type { Executed } from './executors/executed';
import { plan, type Plan } from './plan';
import { fitsInThread, runInThread } from './executors/thread';
import { runInPool } from './executors/pool';
import { runRowSplit } from './executors/rows';
import { inputSize, prepareSource, type SparseInput, type SweepInput } from './source';
import { checkSweepSize, sweepCovariances, sweepResult, sweepTasks, type SweepOptions, type SweepResult } from './sweep';

/** A sweep run where its plan says: how many threads it may use, and the thresholds of the plan (tests lower them). */
export interface RunOptions extends SweepOptions {
  /** At most this many threads. 1 = everything in this thread. */
  readonly jobs: number;
  readonly minParallelWork?: number;
  readonly minRowSplitWork?: number;
}

/** The plan for a sweep of this input with these options (pure; see plan.ts). */
export function planFor(input: SweepInput, options: RunOptions): Plan {
  const size = inputSize(input);
  return plan({
    rows: size.rows,
    cols: size.cols,
    cells: size.cells,
    ks: options.ks,
    seeds: options.seeds,
    families: sweepCovariances(options).length,
    jobs: options.jobs,
    watched: options.onIteration !== undefined,
    minParallelWork: options.minParallelWork,
    minRowSplitWork: options.minRowSplitWork,
  });
}

/**
 * Fit every (K, seed) pair and select K, on the executor the plan picks. Every plan
 * gives the same fits, bit for bit, in the same order; a fit that fails is kept
 * with its reason and the sweep goes on.
 */
export async function runSweep(input: Matrix, options: RunOptions): Promise<SweepResult<PreparedData>>;
export async function runSweep(input: SparseInput, options: RunOptions): Promise<SweepResult<SparseData>>;
export async function runSweep(input: SweepInput, options: RunOptions): Promise<SweepResult<PreparedData | SparseData>> {
  checkSweepSize(input, options);
  const chosen = planFor(input, options);
  const tasks = sweepTasks(options);
  // Worker threads read the prepared data in place, from shared memory.
  const source = prepareSource(input, chosen.executor !== 'thread');
  let executed: Executed;
  switch (chosen.executor) {
    case 'thread':
      executed = await runInThread(source, tasks, options);
      break;
    case 'pool':
      executed = await runInPool(source, tasks, options, chosen.workers);
      break;
    case 'rows':
      executed = await runRowSplit(source, tasks[0], options, chosen.threads);
      break;
  }
  return sweepResult(executed.fits, options, source.data, chosen, executed.threads);
}

/** The same sweep, all in this thread and synchronously (for scripts and tests). */
export function sweep(input: Matrix, options: SweepOptions): SweepResult<PreparedData>;
export function sweep(input: SparseInput, options: SweepOptions): SweepResult<SparseData>;
export function sweep(input: SweepInput, options: SweepOptions): SweepResult<PreparedData | SparseData> {
  checkSweepSize(input, options);
  const source = prepareSource(input, false);
  const steps = fitsInThread(source, sweepTasks(options), options);
  for (let step = steps.next(); ; step = steps.next()) if (step.done) return sweepResult(step.value, options, source.data, { executor: 'thread' }, 1);
}
