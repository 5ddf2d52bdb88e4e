import { Worker } from 'worker_threads';
import type { Fit } from '../fit';
import type { Executed } from './executed';
import { startFor } from '../start';
import type { FitSource } from '../source';
import { fitOptionsFor, type SweepOptions, type SweepTask } from '../sweep';
import type { PoolTask, PoolWorkerInput } from './pool-worker';
import { workerError } from './errors';
import { workerScript } from './script';
import { transferable } from './transferable';

/**
 * The fits spread over `workers` worker threads, each handed one (K, seed) fit at a
 * time. Each fit runs the same code on the same numbers as in one thread, so the
 * results are bit for bit the same, returned in the sweep's order. The starts are
 * drawn here, one as each task is handed out (so no more are held than there are
 * workers); the workers share the prepared data, which must be in shared memory.
 */
export async function runInPool(source: FitSource, tasks: readonly SweepTask[], options: SweepOptions, workers: number, script = workerScript('pool-worker')): Promise<Executed> {
  const fits: Fit[] = new Array(tasks.length);
  let next = 0;
  let done = 0;
  const pool: Worker[] = [];
  const answered = new Set<Worker>();
  const input: PoolWorkerInput = { data: source.data };
  try {
    await new Promise<void>((resolve, reject) => {
      const feed = (worker: Worker) => {
        if (next >= tasks.length) return;
        try {
          const task = tasks[next++];
          const fitOptions = fitOptionsFor(options, task);
          const message: PoolTask = { index: task.index, init: startFor(source, fitOptions), options: transferable(fitOptions) };
          worker.postMessage(message);
        } catch (err) {
          reject(err);
        }
      };
      for (let w = 0; w < workers; w++) {
        const worker = new Worker(script, { workerData: input });
        pool.push(worker);
        worker.on('message', ({ index, fit }: { index: number; fit: Fit }) => {
          fits[index] = fit;
          answered.add(worker);
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
  return { fits, threads: answered.size };
}
