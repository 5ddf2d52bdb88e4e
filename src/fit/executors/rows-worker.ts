import { parentPort, workerData, type MessagePort } from 'worker_threads';
import type { FitData } from '../../models/kernels/layout';
import type { Covariance } from '../../models/families';
import { CONTROL, type ChunkWorkerMessage, type RowSplitWorkerInput } from './control';

/**
 * A row-split worker: for each job (a fit's E-steps; then, for k-means, the
 * log-likelihood of its clusters) it is handed the shared buffers, then it
 * waits on the control block and runs its share of the chunks (every
 * `threads`-th, starting at `index`) each time the generation moves on, for
 * the phase the control block names (full fits have two per iteration), telling
 * the kernel first that a pass begins.
 * Any failure (an allocation that fails, a kernel error) is reported on the
 * error port and flagged in the control block, so the coordinator, which waits
 * on the block and cannot see events, stops at once with the reason.
 *
 * It says it is ready as soon as it runs, then loads the families and their
 * kernels (and compiles the WebAssembly module) while the coordinator makes the
 * fit's start: a worker thread takes some 40 ms to be running with them, most of
 * a short fit's fixed cost.
 */
/** The families and the kernel module, loaded once. */
function load(): typeof import('../../models/families') {
  const families = require('../../models/families') as typeof import('../../models/families');
  (require('../../models/kernels/wasm') as typeof import('../../models/kernels/wasm')).wasmKernelAvailable();
  return families;
}

if (parentPort) {
  const { data, control, index, threads, errors } = workerData as RowSplitWorkerInput & { data: FitData; errors: MessagePort };
  let families: ReturnType<typeof load> | undefined;
  const fail = (err: unknown) => {
    const e = err as Error;
    errors.postMessage({ name: e?.name ?? 'Error', message: e?.message ?? String(err), code: (e as NodeJS.ErrnoException)?.code });
    Atomics.store(control, CONTROL.failed, 1);
    Atomics.add(control, CONTROL.ready, 1);
    Atomics.add(control, CONTROL.done, 1);
    Atomics.notify(control, CONTROL.ready);
    Atomics.notify(control, CONTROL.done);
  };
  parentPort.on('message', ({ layout, job, kernel: name }: ChunkWorkerMessage) => {
    try {
      families ??= load();
      const kernel = families.kernelOf(job.family as Covariance | 'kmeans', data)(name, data, layout, job);
      const current = Atomics.load(control, CONTROL.job);
      let seen = Atomics.load(control, CONTROL.generation);
      Atomics.add(control, CONTROL.ready, 1);
      Atomics.notify(control, CONTROL.ready);
      for (;;) {
        Atomics.wait(control, CONTROL.generation, seen);
        const generation = Atomics.load(control, CONTROL.generation);
        if (generation === seen) continue;
        seen = generation;
        if (Atomics.load(control, CONTROL.stop) || Atomics.load(control, CONTROL.job) !== current) break;
        const phase = Atomics.load(control, CONTROL.phase);
        kernel.begin?.(phase);
        for (let c = index; c < layout.chunks; c += threads) kernel.run(c, phase);
        Atomics.add(control, CONTROL.done, 1);
        Atomics.notify(control, CONTROL.done);
      }
    } catch (err) {
      fail(err);
    }
  });
  parentPort.postMessage('ready');
  setImmediate(() => {
    try {
      families ??= load();
    } catch {
      // loaded again, and the failure reported, when the fit's message comes
    }
  });
}
