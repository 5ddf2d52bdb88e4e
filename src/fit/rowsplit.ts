import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { PreparedData } from '../models/data';
import { chunkKernel, type ChunkJob, type KernelName, type RunnerFactory } from '../models/chunk-kernel';
import type { ChunkLayout } from '../models/spherical-chunk';

/** Slots of the Int32 control block shared by the coordinator and the row-split workers. */
export const CONTROL = { generation: 0, done: 1, ready: 2, stop: 3, failed: 4, phase: 5, size: 6 } as const;

export interface RowSplitWorkerInput {
  readonly data: PreparedData;
  readonly control: Int32Array;
  readonly index: number;
  readonly threads: number;
}

/** What a row-split worker is sent for each fit: the shared buffers, and which kernel to run. */
export interface ChunkWorkerMessage {
  readonly layout: ChunkLayout;
  readonly job: ChunkJob;
  readonly kernel: KernelName;
}

/** The compiled script; under ts-jest (running src/) that is the one in dist/. */
export function compiledScript(name: string): string {
  const here = path.join(__dirname, `${name}.js`);
  return fs.existsSync(here) ? here : path.join(__dirname, '..', '..', 'dist', 'fit', `${name}.js`);
}

/**
 * Threads that share one fit's rows: this thread takes chunks 0, T, 2T, … and
 * worker w (1 ≤ w < T) chunks w, w+T, …. Each E-step is one turn of the
 * generation counter; this thread waits (Atomics.wait) for the workers, so the
 * EM loop stays synchronous. The chunk statistics are added in chunk order
 * afterwards, so the result is that of one thread, bit for bit.
 */
export class RowSplitPool {
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL.size * 4));
  private readonly workers: Worker[] = [];

  constructor(
    private readonly data: PreparedData,
    readonly threads: number,
  ) {
    for (let index = 1; index < threads; index++) {
      const input: RowSplitWorkerInput = { data, control: this.control, index, threads };
      this.workers.push(new Worker(compiledScript('chunk-worker'), { workerData: input }));
    }
  }

  /** A runner for one fit's buffers (which must be in shared memory). Use it for one fit only. */
  runnerFor: RunnerFactory = (layout, job, requested) => {
    const control = this.control;
    Atomics.store(control, CONTROL.ready, 0);
    const kernel = chunkKernel(requested, this.data, layout, job);
    const message: ChunkWorkerMessage = { layout, job, kernel: kernel.name };
    for (const worker of this.workers) worker.postMessage(message);
    const helpers = this.threads - 1;
    let ready = false;
    const waitFor = (slot: number, count: number) => {
      for (let seen = Atomics.load(control, slot); seen < count; seen = Atomics.load(control, slot)) {
        if (Atomics.wait(control, slot, seen, 30_000) === 'timed-out' && Atomics.load(control, slot) === seen) {
          throw new Error('a row-split worker did not answer within 30 s');
        }
      }
      if (Atomics.load(control, CONTROL.failed)) throw new Error('a row-split worker failed');
    };
    return {
      runAll: (phase = 0) => {
        if (!ready) {
          waitFor(CONTROL.ready, helpers);
          ready = true;
        }
        Atomics.store(control, CONTROL.done, 0);
        Atomics.store(control, CONTROL.phase, phase);
        Atomics.add(control, CONTROL.generation, 1);
        Atomics.notify(control, CONTROL.generation);
        for (let c = 0; c < layout.chunks; c += this.threads) kernel.run(c, phase);
        waitFor(CONTROL.done, helpers);
      },
    };
  };

  async close(): Promise<void> {
    Atomics.store(this.control, CONTROL.stop, 1);
    Atomics.add(this.control, CONTROL.generation, 1);
    Atomics.notify(this.control, CONTROL.generation);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
