import type { Matrix } from '../core/matrix';
import { prepareData } from '../models/data';
import type { Executed } from './executors/executed';
import { plan, type Plan } from './plan';
import { fitsInThread, runInThread } from './executors/thread';
import { runInPool } from './executors/pool';
import { runRowSplit } from './executors/rows';
import { checkSweepSize, sweepResult, sweepTasks, type SweepOptions, type SweepResult } from './sweep';

/** A sweep run where its plan says: how many threads it may use, and the thresholds of the plan (tests lower them). */
export interface RunOptions extends SweepOptions {
  /** At most this many threads. 1 = everything in this thread. */
  readonly jobs: number;
  readonly minParallelWork?: number;
  readonly minRowSplitWork?: number;
}

/** The plan for a sweep of this matrix with these options (pure; see plan.ts). */
export function planFor(matrix: Matrix, options: RunOptions): Plan {
  return plan({
    rows: matrix.rows,
    cols: matrix.cols,
    ks: options.ks,
    seeds: options.seeds,
    chunked: options.model === 'gaussian',
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
export async function runSweep(matrix: Matrix, options: RunOptions): Promise<SweepResult> {
  checkSweepSize(matrix, options);
  const chosen = planFor(matrix, options);
  const tasks = sweepTasks(options);
  // Worker threads read the prepared data in place, from shared memory.
  const data = prepareData(matrix, chosen.executor !== 'thread');
  let executed: Executed;
  switch (chosen.executor) {
    case 'thread':
      executed = await runInThread(matrix, data, tasks, options);
      break;
    case 'pool':
      executed = await runInPool(matrix, data, tasks, options, chosen.workers);
      break;
    case 'rows':
      executed = await runRowSplit(matrix, data, tasks[0], options, chosen.threads);
      break;
  }
  return sweepResult(executed.fits, options, data, chosen, executed.threads);
}

/** The same sweep, all in this thread and synchronously (for scripts and tests). */
export function sweep(matrix: Matrix, options: SweepOptions): SweepResult {
  checkSweepSize(matrix, options);
  const data = prepareData(matrix);
  const steps = fitsInThread(matrix, data, sweepTasks(options), options);
  for (let step = steps.next(); ; step = steps.next()) if (step.done) return sweepResult(step.value, options, data, { executor: 'thread' }, 1);
}
