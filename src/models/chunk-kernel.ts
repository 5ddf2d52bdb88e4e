import type { PreparedData } from './data';
import { chunkScratch, expectationChunk, type ChunkLayout, type ChunkRunner, type SphericalBuffers } from './spherical-chunk';
import { diagExpectationChunk, diagScratch, type DiagBuffers } from './diag-chunk';
import { FullChunkKernel, type FullBuffers, type FullRows } from './full-chunk';
import { WasmChunkKernel, WasmDiagKernel, wasmKernelAvailable } from './wasm-kernel';

/** The E-step kernels of the spherical and diag families: WebAssembly SIMD, or the TypeScript reference. Both give the same bits. */
export type KernelName = 'wasm' | 'js';

/** One fit's chunked E-step: its family and the buffers its kernel reads and writes. */
export type ChunkJob =
  | { readonly family: 'spherical'; readonly buffers: SphericalBuffers }
  | { readonly family: 'diag'; readonly buffers: DiagBuffers }
  | { readonly family: 'full'; readonly buffers: FullBuffers; readonly rows: FullRows };

/** Makes the runner of one fit's chunks: in this thread, or spread over worker threads. */
export type RunnerFactory = (layout: ChunkLayout, job: ChunkJob, kernel?: KernelName) => ChunkRunner;

/** Runs the E-step on one chunk of a fit's rows, in the calling thread (full fits have two phases per iteration). */
export interface ChunkKernel {
  readonly name: KernelName;
  run(chunk: number, phase: number): void;
}

/** The kernel asked for; by default 'wasm' where it is available, else 'js'. */
export function kernelName(requested?: KernelName): KernelName {
  if (requested === 'wasm' && !wasmKernelAvailable()) throw new Error('the WebAssembly kernel is not available here (not built, or no WebAssembly SIMD)');
  return requested ?? (wasmKernelAvailable() ? 'wasm' : 'js');
}

/**
 * The kernel for one fit's chunks in this thread: the WebAssembly kernel unless
 * told otherwise. When it was not asked for by name and cannot get the memory
 * for a chunk (its memory is limited to 4 GiB), the TypeScript kernel takes
 * over: the numbers are the same.
 */
export function chunkKernel(requested: KernelName | undefined, data: PreparedData, layout: ChunkLayout, job: ChunkJob): ChunkKernel {
  if (job.family === 'full') {
    const kernel = new FullChunkKernel(data, layout, job.rows, job.buffers);
    return { name: 'js', run: (chunk, phase) => kernel.run(chunk, phase) };
  }
  if (kernelName(requested) === 'wasm') {
    try {
      const kernel = job.family === 'diag' ? new WasmDiagKernel(data, layout, job.buffers) : new WasmChunkKernel(data, layout, job.buffers);
      return { name: 'wasm', run: (chunk) => kernel.run(chunk) };
    } catch (err) {
      if (requested === 'wasm' || !(err instanceof RangeError)) throw err;
    }
  }
  if (job.family === 'diag') {
    const scratch = diagScratch(layout, data.observed !== null);
    const { buffers } = job;
    return { name: 'js', run: (chunk) => diagExpectationChunk(data, layout, buffers, chunk, scratch) };
  }
  const scratch = chunkScratch(layout, data.observed !== null);
  const { buffers } = job;
  return { name: 'js', run: (chunk) => expectationChunk(data, layout, buffers, chunk, scratch) };
}

/** The chunks run one after another in this thread. */
export function localRunner(requested: KernelName | undefined, data: PreparedData, layout: ChunkLayout, job: ChunkJob): ChunkRunner {
  const kernel = chunkKernel(requested, data, layout, job);
  return {
    runAll: (phase = 0) => {
      for (let c = 0; c < layout.chunks; c++) kernel.run(c, phase);
    },
  };
}

/** Adds the first `length` statistics of the chunks in chunk order into `total`: the same sums whichever threads ran them. */
export function addChunks(layout: ChunkLayout, stats: Float64Array, total: Float64Array, length = layout.statsSize): void {
  const { statsSize, chunks } = layout;
  total.fill(0, 0, length);
  for (let c = 0; c < chunks; c++) {
    const s = c * statsSize;
    for (let t = 0; t < length; t++) total[t] += stats[s + t];
  }
}
