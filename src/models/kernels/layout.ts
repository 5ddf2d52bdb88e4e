import type { PreparedData } from '../data';
import type { SparseData } from '../sparse';

/** What a fit runs on: a dense matrix laid out for the kernels, or sparse rating rows. */
export type FitData = PreparedData | SparseData;

/** The dense matrix a dense family's kernel runs on; a sparse one reaching it is a wiring fault. */
export function denseData(data: FitData): PreparedData {
  if (data.kind !== 'dense') throw new Error('internal: a dense kernel was given sparse rating rows');
  return data;
}

/**
 * What every family's chunked E-step shares: how the rows are cut into chunks,
 * where each statistic sits in a chunk's block, and how the chunks are run.
 *
 * Each chunk sums its own statistics, and the chunk sums are added in chunk
 * order, so the result does not depend on which thread did which chunk: one
 * thread or several give the same bits. The cut depends only on n (and, for
 * full covariances, on K, d and the missing patterns).
 */
export interface ChunkLayout {
  readonly n: number;
  readonly d: number;
  readonly k: number;
  readonly chunkRows: number;
  readonly chunks: number;
  /** Numbers per chunk's block of statistics. */
  readonly statsSize: number;
}

/** The chunk kernels of the dense families (and of the sparse spherical and diag ones): WebAssembly SIMD, or the TypeScript reference. Both give the same bits. */
export type KernelName = 'wasm' | 'js';
export const KERNEL_NAMES: readonly KernelName[] = ['wasm', 'js'];

/** At most this many chunks, so the per-chunk statistics stay small next to the data. */
const MAX_CHUNKS = 64;
const MIN_CHUNK_ROWS = 64;

/** The cut of n rows into chunks (a multiple of 4 rows each, at most 64 chunks), with `statsSize` numbers per chunk. */
export function chunkLayout(data: Pick<PreparedData, 'n' | 'd'>, k: number, statsSize: number): ChunkLayout {
  const { n, d } = data;
  const chunkRows = Math.max(MIN_CHUNK_ROWS, Math.ceil(n / MAX_CHUNKS / 4) * 4);
  const chunks = Math.max(1, Math.ceil(n / chunkRows));
  return { n, d, k, chunkRows, chunks, statsSize };
}

/**
 * Where each statistic starts in a chunk's block: field name → offset, in the
 * order given, each with its length. One object per family; the TypeScript
 * kernels and the WebAssembly kernel (which is handed the offsets) both read it.
 */
export type StatsLayout<F extends string> = { readonly [K in F]: number } & { readonly size: number };

/** A statistics layout from its fields and their lengths, laid end to end. */
export function statsLayout<F extends string>(fields: ReadonlyArray<readonly [F, number]>): StatsLayout<F> {
  const layout: Record<string, number> = {};
  let at = 0;
  for (const [name, length] of fields) {
    layout[name] = at;
    at += length;
  }
  layout.size = at;
  return layout as StatsLayout<F>;
}

/** Runs the E-step on one chunk of a fit's rows, in the calling thread (full fits have two phases per iteration). */
export interface ChunkKernel {
  readonly name: KernelName;
  /**
   * Called once per pass, in each thread that runs chunks, before its first chunk of
   * the pass: the parameters are those of the whole pass (they change only between
   * passes), so a kernel may copy what all chunks share once here.
   */
  begin?(phase: number): void;
  run(chunk: number, phase: number): void;
}

/** Runs the chunk kernel over every chunk: in this thread, or spread over workers. */
export interface ChunkRunner {
  /** Every chunk, for this phase of the iteration (full fits have two; the others one, phase 0). */
  runAll(phase?: number): void;
}

/**
 * One fit's chunked E-step as a worker thread can rebuild it: its family (whose
 * kernel to make), the buffers the kernel reads and writes (in shared memory) and,
 * for full covariances, the rows' missing patterns.
 */
export interface ChunkJob {
  readonly family: string;
  readonly buffers: object;
  readonly rows?: object;
}

/** Makes a fit's chunk kernel in whatever thread runs it: the family's own kernel for the job. */
export type KernelFactory = (requested: KernelName | undefined, data: FitData, layout: ChunkLayout, job: ChunkJob) => ChunkKernel;

/** Makes the runner of one fit's chunks: in this thread, or spread over worker threads. */
export type RunnerFactory = (data: FitData, layout: ChunkLayout, job: ChunkJob, kernel: KernelFactory, requested?: KernelName) => ChunkRunner;

/** The chunks run one after another in this thread. */
export const localRunner: RunnerFactory = (data, layout, job, kernel, requested) => {
  const run = kernel(requested, data, layout, job);
  return {
    runAll: (phase = 0) => {
      run.begin?.(phase);
      for (let c = 0; c < layout.chunks; c++) run.run(c, phase);
    },
  };
};

/** Adds the first `length` statistics of the chunks in chunk order into `total`: the same sums whichever threads ran them. */
export function addChunks(layout: ChunkLayout, stats: Float64Array, total: Float64Array, length = layout.statsSize): void {
  const { statsSize, chunks } = layout;
  total.fill(0, 0, length);
  // Four chunks per pass over the total (the same additions, in the same order, with a
  // quarter of its loads and stores: the full family's K·d² scatters make this add up).
  let c = 0;
  for (; c + 3 < chunks; c += 4) {
    const s0 = c * statsSize;
    const s1 = s0 + statsSize;
    const s2 = s1 + statsSize;
    const s3 = s2 + statsSize;
    for (let t = 0; t < length; t++) total[t] = total[t] + stats[s0 + t] + stats[s1 + t] + stats[s2 + t] + stats[s3 + t];
  }
  for (; c < chunks; c++) {
    const s = c * statsSize;
    for (let t = 0; t < length; t++) total[t] += stats[s + t];
  }
}
