import { parentPort, workerData, type MessagePort } from 'worker_threads';
import type { FitData } from '../../models/kernels/layout';
import type { Covariance } from '../../models/families';
import { CONTROL, takeChunk, workerSlots, type ChunkWorkerMessage, type RowSplitWorkerInput } from './control';

/**
 * A row-split worker: for each job (a fit's E-steps; then, for k-means, the
 * log-likelihood of its clusters) it is handed the shared buffers, then, for each pass
 * (each turn of the generation; full fits have two per iteration), it takes the pass's
 * chunks one at a time from the control block's shared counter, for the phase the block
 * names, telling the kernel first that a pass begins, until none is left; then it waits
 * for the next pass. A pass begun before the worker had its kernel is joined where it is.
 * Any failure (an allocation that fails, a kernel error) is reported on the
 * error port and flagged in the control block, so the coordinator, which waits
 * on the block and cannot see events, stops at once with the reason.
 *
 * It says it is ready as soon as it runs, then loads the families and their
 * kernels (and compiles the WebAssembly module) while the coordinator makes the
 * fit's start and runs the first chunks alone, and says in the control block when it
 * has loaded them (the coordinator then waits for its kernel at the next pass).
 */
/** The families and the kernel module, loaded once. */
function load(): typeof import('../../models/families') {
  const families = require('../../models/families') as typeof import('../../models/families');
  (require('../../models/kernels/wasm') as typeof import('../../models/kernels/wasm')).wasmKernelAvailable();
  return families;
}

if (parentPort) {
  const { data, control, index, errors } = workerData as RowSplitWorkerInput & { data: FitData; errors: MessagePort };
  const slots = workerSlots(index);
  let families: ReturnType<typeof load> | undefined;
  const loaded = () => {
    Atomics.store(control, slots.loaded, 1);
    Atomics.notify(control, slots.loaded);
  };
  const fail = (err: unknown) => {
    const e = err as Error;
    errors.postMessage({ name: e?.name ?? 'Error', message: e?.message ?? String(err), code: (e as NodeJS.ErrnoException)?.code });
    Atomics.store(control, CONTROL.failed, 1);
    Atomics.store(control, slots.loaded, 1);
    Atomics.add(control, slots.ready, 1 << 30);
    Atomics.add(control, CONTROL.done, 1 << 30);
    Atomics.notify(control, slots.ready);
    Atomics.notify(control, CONTROL.done);
  };
  parentPort.on('message', ({ number, layout, job, kernel: name }: ChunkWorkerMessage) => {
    try {
      if (!families) {
        families = load();
        loaded();
      }
      // A job the coordinator has already moved past (this worker was still starting): skip it.
      if (Atomics.load(control, CONTROL.job) !== number || Atomics.load(control, CONTROL.stop)) return;
      const kernel = families.kernelOf(job.family as Covariance | 'kmeans', data)(name, data, layout, job);
      Atomics.store(control, slots.ready, number);
      Atomics.notify(control, slots.ready);
      let seen = 0;
      for (;;) {
        const generation = Atomics.load(control, CONTROL.generation);
        if (generation === seen) {
          Atomics.wait(control, CONTROL.generation, seen);
          continue;
        }
        seen = generation;
        if (Atomics.load(control, CONTROL.stop) || Atomics.load(control, CONTROL.job) !== number) break;
        // The phase of pass `generation` (if it has ended, no chunk of it is left to take).
        const phase = Atomics.load(control, CONTROL.phase);
        let begun = false;
        for (let c = takeChunk(control, generation, layout.chunks); c >= 0; c = takeChunk(control, generation, layout.chunks)) {
          if (!begun) kernel.begin?.(phase);
          begun = true;
          kernel.run(c, phase);
          Atomics.add(control, CONTROL.done, 1);
          Atomics.notify(control, CONTROL.done);
        }
      }
    } catch (err) {
      fail(err);
    }
  });
  parentPort.postMessage('ready');
  setImmediate(() => {
    try {
      if (!families) {
        families = load();
        loaded();
      }
    } catch {
      // loaded again, and the failure reported, when the fit's message comes
    }
  });
}
