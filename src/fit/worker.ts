import { parentPort, workerData } from 'worker_threads';
import type { Initialisation } from '../core/init';
import type { PreparedData } from '../models/data';
import { fitFrom, type FitOptions } from './fit';

/** What a sweep worker is started with: the data (in shared memory) and the fit options. */
export interface WorkerInput {
  readonly data: PreparedData;
  readonly options: Omit<FitOptions, 'k' | 'seed' | 'onIteration'>;
}

export interface FitTask {
  readonly index: number;
  readonly k: number;
  readonly seed: number;
  readonly init: Initialisation;
}

// Each message is one (K, seed) fit; the reply carries its index and result.
if (parentPort) {
  const port = parentPort;
  const { data, options } = workerData as WorkerInput;
  port.on('message', (task: FitTask) => {
    port.postMessage({ index: task.index, fit: fitFrom(data, task.init, { ...options, k: task.k, seed: task.seed }) });
  });
}
