import type { PreparedData } from './data';
import { chunkScratch, expectationChunk, type ChunkLayout, type ChunkRunner, type SphericalBuffers } from './spherical-chunk';
import { diagExpectationChunk, diagScratch, type DiagBuffers } from './diag-chunk';
import { WasmChunkKernel, wasmKernelAvailable } from './wasm-kernel';

/** The spherical E-step kernels: WebAssembly SIMD, or the TypeScript reference. Both give the same bits. */
export type KernelName = 'wasm' | 'js';

/** One fit's chunked E-step: its family and the buffers its kernel reads and writes. */
export type ChunkJob = { readonly family: 'spherical'; readonly buffers: SphericalBuffers } | { readonly family: 'diag'; readonly buffers: DiagBuffers };

/** Makes the runner of one fit's chunks: in this thread, or spread over worker threads. */
export type RunnerFactory = (layout: ChunkLayout, job: ChunkJob, kernel?: KernelName) => ChunkRunner;

/** Runs the E-step on one chunk of a fit's rows, in the calling thread. */
export interface ChunkKernel {
  readonly name: KernelName;
  run(chunk: number): void;
}

/** The kernel asked for; by default 'wasm' where it is available, else 'js'. */
export function kernelName(requested?: KernelName): KernelName {
  if (requested === 'wasm' && !wasmKernelAvailable()) throw new Error('the WebAssembly kernel is not available here (not built, or no WebAssembly SIMD)');
  return requested ?? (wasmKernelAvailable() ? 'wasm' : 'js');
}

/**
 * The kernel for one fit's chunks in this thread. Spherical fits run the
 * WebAssembly kernel unless told otherwise; when it was not asked for by name
 * and cannot get the memory for a chunk (its memory is limited to 4 GiB), the
 * TypeScript kernel takes over: the numbers are the same. Diag fits have the
 * TypeScript kernel only.
 */
export function chunkKernel(requested: KernelName | undefined, data: PreparedData, layout: ChunkLayout, job: ChunkJob): ChunkKernel {
  if (job.family === 'diag') {
    const scratch = diagScratch(layout, data.observed !== null);
    return { name: 'js', run: (chunk) => diagExpectationChunk(data, layout, job.buffers, chunk, scratch) };
  }
  const { buffers } = job;
  if (kernelName(requested) === 'wasm') {
    try {
      const kernel = new WasmChunkKernel(data, layout, buffers);
      return { name: 'wasm', run: (chunk) => kernel.run(chunk) };
    } catch (err) {
      if (requested === 'wasm' || !(err instanceof RangeError)) throw err;
    }
  }
  const scratch = chunkScratch(layout, data.observed !== null);
  return { name: 'js', run: (chunk) => expectationChunk(data, layout, buffers, chunk, scratch) };
}

/** The chunks run one after another in this thread. */
export function localRunner(requested: KernelName | undefined, data: PreparedData, layout: ChunkLayout, job: ChunkJob): ChunkRunner {
  const kernel = chunkKernel(requested, data, layout, job);
  return {
    runAll: () => {
      for (let c = 0; c < layout.chunks; c++) kernel.run(c);
    },
  };
}

/** Adds the chunks' statistics in chunk order into `total`: the same sums whichever threads ran them. */
export function addChunks(layout: ChunkLayout, stats: Float64Array, total: Float64Array): void {
  const { statsSize, chunks } = layout;
  total.fill(0);
  for (let c = 0; c < chunks; c++) {
    const s = c * statsSize;
    for (let t = 0; t < statsSize; t++) total[t] += stats[s + t];
  }
}
