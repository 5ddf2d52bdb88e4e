import type { PreparedData } from '../../models/data';
import type { ChunkJob, ChunkLayout, KernelName } from '../../models/kernels/layout';

/** Slots of the Int32 control block shared by the coordinator and the row-split workers (next: the next chunk of the pass to take). */
export const CONTROL = { generation: 0, done: 1, ready: 2, stop: 3, failed: 4, phase: 5, next: 6, size: 7 } as const;

/** The next chunk of the current pass for the calling thread to run (chunks are taken in order, each once; ≥ the count when none is left). */
export function takeChunk(control: Int32Array): number {
  return Atomics.add(control, CONTROL.next, 1);
}

/** What a row-split worker is started with. */
export interface RowSplitWorkerInput {
  readonly data: PreparedData;
  readonly control: Int32Array;
  readonly index: number;
  readonly threads: number;
}

/** What a row-split worker is sent for each fit: the shared buffers (with their family), and which kernel to run. */
export interface ChunkWorkerMessage {
  readonly layout: ChunkLayout;
  readonly job: ChunkJob;
  readonly kernel: KernelName;
}
