import { parentPort, workerData } from 'worker_threads';
import type { FitData } from '../../models/kernels/layout';
import type { Initialisation } from '../../models/start';
import { fitFrom, type FitOptions } from '../fit';

/** What a sweep worker is started with: the data, in shared memory. */
export interface PoolWorkerInput {
  readonly data: FitData;
}

/** One (K, seed) fit: its start (drawn by the coordinator) and its options, without callbacks. */
export interface PoolTask {
  readonly index: number;
  readonly init: Initialisation;
  readonly options: FitOptions;
}

// Each message is one fit; the reply carries its index and result.
if (parentPort) {
  const port = parentPort;
  const { data } = workerData as PoolWorkerInput;
  port.on('message', (task: PoolTask) => {
    port.postMessage({ index: task.index, fit: fitFrom(data, task.init, task.options) });
  });
}
