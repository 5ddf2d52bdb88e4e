import type { PreparedData } from '../../models/data';
import type { ChunkJob, ChunkLayout, KernelName } from '../../models/kernels/layout';

/** Slots of the Int32 control block shared by the coordinator and the row-split workers. */
/** `job`: how many jobs the coordinator has begun; a worker leaves its job's loop when it moves on (then the next job's message comes). */
export const CONTROL = { generation: 0, done: 1, ready: 2, stop: 3, failed: 4, phase: 5, job: 6, size: 7 } as const;

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
