import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'worker_threads';
import { DataError } from '../../core/errors';
import type { FitData, RunnerFactory } from '../../models/kernels/layout';
import { claimOf, CONTROL, controlSize, MAX_CLAIM_CHUNKS, takeChunk, workerSlots, type ChunkWorkerMessage } from './control';
import { fitFrom } from '../fit';
import type { Executed } from './executed';
import { startFor } from '../start';
import type { FitSource } from '../source';
import { fitOptionsFor, type SweepOptions, type SweepTask } from '../sweep';
import { workerError } from './errors';
import { workerScript } from './script';

/**
 * Threads that share one fit's rows. Each pass (an E-step, or a full fit's scatter) is one
 * turn of the generation counter; every thread then takes the pass's chunks one at a time
 * from a shared counter until none is left, and this thread waits (Atomics.wait) until all
 * are done, so the EM loop stays synchronous. The chunk statistics are added in chunk
 * order afterwards, and a chunk's numbers do not depend on the thread that ran it, so the
 * result is that of one thread, bit for bit, whichever thread took which chunk.
 *
 * So this thread does not wait for a worker that is still starting (a worker thread takes
 * some 40–70 ms to be running with its modules, most of a short fit's fixed cost): until a
 * worker has its kernel it runs the chunks alone, and the worker joins the pass it finds.
 * A worker that has loaded its modules is waited for at the next pass (making its kernel
 * takes a millisecond or two), so that one that fails on the fit's message is seen at once.
 */
export class RowSplitPool {
  private readonly control: Int32Array;
  private readonly workers: Worker[] = [];
  /** Where each worker reports a failure; read synchronously, since this thread waits on the control block. */
  private readonly errors: MessagePort[] = [];
  /** A worker that ended or failed outside its own handler (seen once this thread is back on the event loop). */
  private lost: Error | null = null;

  /** `script`: the worker's code (the compiled rows-worker by default; tests hand in others). */
  constructor(
    private readonly data: FitData,
    readonly threads: number,
    script: string = workerScript('rows-worker'),
  ) {
    this.control = new Int32Array(new SharedArrayBuffer(controlSize(threads) * 4));
    for (let index = 1; index < threads; index++) {
      const { port1, port2 } = new MessageChannel();
      const input = { data, control: this.control, index, threads, errors: port2 };
      const worker = new Worker(script, { workerData: input, transferList: [port2] });
      worker.on('error', (err) => (this.lost ??= err));
      worker.on('exit', (code) => {
        if (!Atomics.load(this.control, CONTROL.stop)) this.lost ??= new Error(`a row-split worker stopped (exit code ${code})`);
      });
      this.workers.push(worker);
      this.errors.push(port1);
    }
  }

  /**
   * Resolves once every worker has loaded and is listening, or rejects with the first
   * failure: a worker that cannot start (its script fails to load, memory runs out) is
   * seen here, on the event loop.
   */
  ready(): Promise<void> {
    return Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            worker.once('message', (m) => (m === 'ready' ? resolve() : reject(new Error(`unexpected message from a worker: ${String(m)}`))));
            worker.once('error', (err) => reject(workerError(err as NodeJS.ErrnoException)));
            worker.once('exit', (code) => reject(workerError({ message: `a row-split worker stopped before it started (exit code ${code})` })));
          }),
      ),
    ).then(() => undefined);
  }

  /** The first failure a worker reported, as the error this thread throws. */
  private failure(): Error {
    for (const port of this.errors) {
      const report = receiveMessageOnPort(port)?.message as { name: string; message: string; code?: string } | undefined;
      if (report) return workerError(report);
    }
    return this.lost ? workerError(this.lost) : new Error('a row-split worker failed');
  }

  /** Jobs begun: each runnerFor call is one, and the runner of the one before it may no longer be used. */
  private jobs = 0;

  /**
   * A runner for one job's buffers (which must be in shared memory): a fit's E-steps, or
   * after them another pass of the same fit (k-means: its clusters' log-likelihood). A new
   * call ends the previous job: the workers leave its loop and take the new one's message.
   */
  runnerFor: RunnerFactory = (data, layout, job, makeKernel, requested) => {
    const control = this.control;
    if (this.lost) throw workerError(this.lost);
    if (layout.chunks >= MAX_CLAIM_CHUNKS) throw new Error(`internal: ${layout.chunks} chunks in one pass`);
    const number = ++this.jobs;
    // A worker in the previous job's loop leaves it when it sees the new number (woken by the generation).
    Atomics.store(control, CONTROL.job, number);
    Atomics.add(control, CONTROL.generation, 1);
    Atomics.notify(control, CONTROL.generation);
    const kernel = makeKernel(requested, data, layout, job);
    // The workers make the same family's kernel, of the kind this thread got (the same bits either way).
    const message: ChunkWorkerMessage = { number, layout, job, kernel: kernel.name };
    for (const worker of this.workers) worker.postMessage(message);
    return {
      runAll: (phase = 0) => {
        if (this.jobs !== number) throw new Error('internal: a row-split runner used after the next job began');
        // A worker with its modules loaded is about to have its kernel: wait for it (and see at once if it failed).
        for (let index = 1; index < this.threads; index++) {
          const slots = workerSlots(index);
          if (Atomics.load(control, slots.loaded)) this.waitFor(slots.ready, number);
        }
        const generation = Atomics.load(control, CONTROL.generation) + 1;
        Atomics.store(control, CONTROL.phase, phase);
        Atomics.store(control, CONTROL.done, 0);
        Atomics.store(control, CONTROL.claim, claimOf(generation));
        Atomics.store(control, CONTROL.generation, generation);
        Atomics.notify(control, CONTROL.generation);
        kernel.begin?.(phase);
        for (let c = takeChunk(control, generation, layout.chunks); c >= 0; c = takeChunk(control, generation, layout.chunks)) {
          kernel.run(c, phase);
          Atomics.add(control, CONTROL.done, 1);
        }
        this.waitFor(CONTROL.done, layout.chunks);
      },
    };
  };

  /** Waits until the control block's `slot` reaches `count`, or a worker fails or stays silent for 30 s. */
  private waitFor(slot: number, count: number): void {
    const control = this.control;
    for (let seen = Atomics.load(control, slot); seen < count; seen = Atomics.load(control, slot)) {
      if (Atomics.load(control, CONTROL.failed)) throw this.failure();
      if (Atomics.wait(control, slot, seen, 30_000) === 'timed-out' && Atomics.load(control, slot) === seen) {
        throw new DataError('a row-split worker thread did not answer within 30 s (it may have run out of memory); try --jobs 1');
      }
    }
    if (Atomics.load(control, CONTROL.failed)) throw this.failure();
  }

  async close(): Promise<void> {
    Atomics.store(this.control, CONTROL.stop, 1);
    Atomics.add(this.control, CONTROL.generation, 1);
    Atomics.notify(this.control, CONTROL.generation);
    await Promise.all(this.workers.map((w) => w.terminate()));
    for (const port of this.errors) port.close();
  }
}

/** One fit (Gaussian or k-means) with its rows split over `threads` threads (this one included). */
export async function runRowSplit(source: FitSource, task: SweepTask, options: SweepOptions, threads: number): Promise<Executed> {
  const pool = new RowSplitPool(source.data, threads);
  // The workers start while this thread makes the start and runs the first chunks; a worker
  // that cannot start is still the error reported, once the fit is made.
  const ready = pool.ready().then(
    () => null,
    (err: unknown) => ({ err }),
  );
  try {
    const fitOptions = fitOptionsFor(options, task);
    let start: ReturnType<typeof startFor>;
    try {
      start = startFor(source, fitOptions);
    } catch (err) {
      throw ((await ready) ?? { err }).err;
    }
    const fit = fitFrom(source.data, start, { ...fitOptions, runnerFor: pool.runnerFor });
    const failure = await ready;
    if (failure) throw failure.err;
    options.onFit?.(fit, 1, 1);
    return { fits: [fit], threads: threads };
  } finally {
    await pool.close();
  }
}
