import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { Matrix } from '../core/matrix';
import { randomInit } from '../core/init';
import { prepareData } from '../models/data';
import type { Fit } from './fit';
import { selectBest, sweep, type SweepOptions, type SweepResult } from './sweep';
import type { FitTask, WorkerInput } from './worker';

export interface ParallelOptions extends SweepOptions {
  /** At most this many worker threads. 1 = everything in this thread. */
  readonly jobs: number;
  /**
   * Below this much work (rows × columns × Σ K over the fits) the sweep stays in
   * this thread: starting workers costs more than it saves. Results are the same either way.
   */
  readonly minParallelWork?: number;
}

export const DEFAULT_MIN_PARALLEL_WORK = 2e7;

/** The compiled worker; under ts-jest (running src/) that is the one in dist/. */
function workerScript(): string {
  const here = path.join(__dirname, 'worker.js');
  return fs.existsSync(here) ? here : path.join(__dirname, '..', '..', 'dist', 'fit', 'worker.js');
}

/**
 * The same sweep as `sweep`, with the (K, seed) fits spread over worker threads.
 * Each fit runs the same code on the same numbers, so the results are
 * bit-for-bit those of one thread, in the same order.
 */
export async function sweepParallel(matrix: Matrix, options: ParallelOptions): Promise<SweepResult> {
  const count = options.ks.length * options.seeds.length;
  const work = matrix.rows * matrix.cols * options.ks.reduce((sum, k) => sum + k, 0) * options.seeds.length;
  const workers = Math.min(options.jobs, count);
  if (workers <= 1 || work < (options.minParallelWork ?? DEFAULT_MIN_PARALLEL_WORK) || options.onIteration) {
    return sweep(matrix, options);
  }

  // The starts are drawn here; the workers need only the prepared data, in shared memory.
  const tasks: FitTask[] = [];
  for (const k of options.ks) for (const seed of options.seeds) tasks.push({ index: tasks.length, k, seed, init: randomInit(matrix, k, seed) });
  const data = prepareData(matrix, true);
  const input: WorkerInput = {
    data,
    options: { model: options.model, tol: options.tol, maxIter: options.maxIter, minVar: options.minVar },
  };
  const fits: Fit[] = new Array(tasks.length);
  let next = 0;
  let done = 0;
  const pool: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const feed = (worker: Worker) => {
        if (next < tasks.length) worker.postMessage(tasks[next++]);
      };
      for (let w = 0; w < workers; w++) {
        const worker = new Worker(workerScript(), { workerData: input });
        pool.push(worker);
        worker.on('message', ({ index, fit }: { index: number; fit: Fit }) => {
          fits[index] = fit;
          done++;
          options.onFit?.(fit, done, tasks.length);
          if (done === tasks.length) resolve();
          else feed(worker);
        });
        worker.on('error', reject);
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
