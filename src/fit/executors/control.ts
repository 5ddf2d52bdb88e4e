import type { PreparedData } from '../../models/data';
import type { ChunkJob, ChunkLayout, KernelName } from '../../models/kernels/layout';

/**
 * Slots of the Int32 control block shared by the coordinator and the row-split workers.
 * `generation`: the passes begun (each pass a new number; a worker waits on it); `done`: the
 * chunks of the current pass finished; `claim`: the current pass's tag (its generation, 23
 * bits) × 256 + the next chunk to take, so a thread that takes a chunk with compareExchange
 * takes it from the pass it read, never from a later one; `phase`: the current pass's;
 * `job`: how many jobs the coordinator has begun (a worker leaves its job's loop when it
 * moves on; then the next job's message comes). After `size`, two slots per worker
 * (workerSlots): whether it has loaded its modules, and the last job it is ready for.
 */
export const CONTROL = { generation: 0, done: 1, claim: 2, stop: 3, failed: 4, phase: 5, job: 6, size: 7 } as const;

/** Worker `index`'s slots (1 ≤ index < threads): `loaded` (0/1) and `ready` (the job number its kernel is made for, 0 before any). */
export function workerSlots(index: number): { readonly loaded: number; readonly ready: number } {
  return { loaded: CONTROL.size + 2 * (index - 1), ready: CONTROL.size + 2 * (index - 1) + 1 };
}

/** The control block's length for `threads` threads. */
export function controlSize(threads: number): number {
  return CONTROL.size + 2 * Math.max(0, threads - 1);
}

/** Chunks per pass must stay below this (the claim's low byte). */
export const MAX_CLAIM_CHUNKS = 256;
const TAG_MASK = 0x7fffff;

/** The claim word of pass `generation`'s first chunk. */
export function claimOf(generation: number): number {
  return (generation & TAG_MASK) * MAX_CLAIM_CHUNKS;
}

/**
 * Takes the next chunk of pass `generation` (below `chunks`): its index, or −1 once the pass
 * has none left or has ended (the claim word then belongs to a later pass).
 */
export function takeChunk(control: Int32Array, generation: number, chunks: number): number {
  const tag = claimOf(generation);
  for (;;) {
    const word = Atomics.load(control, CONTROL.claim);
    const next = word - tag;
    if (next < 0 || next >= chunks) return -1;
    if (Atomics.compareExchange(control, CONTROL.claim, word, word + 1) === word) return next;
  }
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
  /** The job's number (CONTROL.job once the coordinator has begun it). */
  readonly number: number;
  readonly layout: ChunkLayout;
  readonly job: ChunkJob;
  readonly kernel: KernelName;
}
