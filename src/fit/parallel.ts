import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { Matrix } from '../core/matrix';
import { prepareData } from '../models/data';
import { fitFrom, startFor, type Fit } from './fit';
import { compiledScript, RowSplitPool, workerError } from './rowsplit';
import { checkSweepSize, selectBest, sweepYielding, type SweepOptions, type SweepResult } from './sweep';
import type { FitTask, WorkerInput } from './worker';

export interface ParallelOptions extends SweepOptions {
  /** At most this many worker threads. 1 = everything in this thread. */
  readonly jobs: number;
  /**
   * Below this much work (rows × columns × Σ K over the fits) the sweep stays in
   * this thread: starting workers costs more than it saves. Results are the same either way.
   */
  readonly minParallelWork?: number;
  /** Likewise for splitting the rows of a single fit (per E-step: rows × columns × K). */
  readonly minRowSplitWork?: number;
}

export const DEFAULT_MIN_PARALLEL_WORK = 2e7;
/** A single fit is split over threads from this much work per E-step (rows × columns × K). */
export const DEFAULT_MIN_ROW_SPLIT_WORK = 1e6;

/**
 * The same sweep as `sweep`, with the (K, seed) fits spread over worker threads.
 * Each fit runs the same code on the same numbers, so the results are
 * bit-for-bit those of one thread, in the same order.
 */
export async function sweepParallel(matrix: Matrix, options: ParallelOptions): Promise<SweepResult> {
  checkSweepSize(matrix, options);
  const count = options.ks.length * options.seeds.length;
  const work = matrix.rows * matrix.cols * options.ks.reduce((sum, k) => sum + k, 0) * options.seeds.length;
  // Gaussian fits run their per-row work in row chunks, which threads can share.
  const chunked = options.model === 'gaussian';
  if (count === 1 && chunked && options.jobs > 1 && work >= (options.minRowSplitWork ?? DEFAULT_MIN_ROW_SPLIT_WORK)) {
    return fitRowSplit(matrix, options);
  }
  const workers = Math.min(options.jobs, count);
  if (workers <= 1 || work < (options.minParallelWork ?? DEFAULT_MIN_PARALLEL_WORK) || options.onIteration) {
    return sweepYielding(matrix, options);
  }

  // The starts are drawn here, one as each task is handed out (so no more are held than
  // there are workers); the workers need only the prepared data, in shared memory.
  const data = prepareData(matrix, true);
  const pairs: Array<{ k: number; seed: number }> = [];
  for (const k of options.ks) for (const seed of options.seeds) pairs.push({ k, seed });
  const task = (index: number): FitTask => {
    const { k, seed } = pairs[index];
    return { index, k, seed, init: startFor(matrix, data, { ...options, onIteration: undefined, k, seed }) };
  };
  const tasks = pairs;
  const input: WorkerInput = {
    data,
    options: {
      model: options.model,
      tol: options.tol,
      maxIter: options.maxIter,
      minVar: options.minVar,
      covariance: options.covariance,
      regCovar: options.regCovar,
      kernel: options.kernel,
    },
  };
  const fits: Fit[] = new Array(tasks.length);
  let next = 0;
  let done = 0;
  const pool: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const feed = (worker: Worker) => {
        if (next >= tasks.length) return;
        try {
          worker.postMessage(task(next++));
        } catch (err) {
          reject(err);
        }
      };
      for (let w = 0; w < workers; w++) {
        const worker = new Worker(compiledScript('worker'), { workerData: input });
        pool.push(worker);
        worker.on('message', ({ index, fit }: { index: number; fit: Fit }) => {
          fits[index] = fit;
          done++;
          options.onFit?.(fit, done, tasks.length);
          if (done === tasks.length) resolve();
          else feed(worker);
        });
        worker.on('error', (err) => reject(workerError(err as NodeJS.ErrnoException)));
        worker.on('exit', (code) => {
          if (done < tasks.length) reject(new Error(`a sweep worker stopped (exit code ${code}) before the sweep ended`));
        });
        feed(worker);
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return { fits, criterion: options.criterion, data, ...selectBest(fits, options.criterion) };
}

/** One Gaussian fit with its rows split over `jobs` threads (this one included). */
async function fitRowSplit(matrix: Matrix, options: ParallelOptions): Promise<SweepResult> {
  const k = options.ks[0];
  const seed = options.seeds[0];
  const data = prepareData(matrix, true);
  const pool = new RowSplitPool(data, options.jobs);
  let fit: Fit;
  try {
    await pool.ready();
    fit = fitFrom(data, startFor(matrix, data, { ...options, onIteration: undefined, k, seed }), {
      ...options,
      k,
      seed,
      onIteration: options.onIteration ? (iteration, value) => options.onIteration?.(k, seed, iteration, value) : undefined,
      runnerFor: pool.runnerFor,
    });
  } finally {
    await pool.close();
  }
  options.onFit?.(fit, 1, 1);
  return { fits: [fit], criterion: options.criterion, data, ...selectBest([fit], options.criterion) };
}
