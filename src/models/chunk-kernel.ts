import type { PreparedData } from './data';
import { chunkScratch, expectationChunk, type ChunkLayout, type SphericalBuffers } from './spherical-chunk';
import { WasmChunkKernel, wasmKernelAvailable } from './wasm-kernel';

/** The spherical E-step kernels: WebAssembly SIMD, or the TypeScript reference. Both give the same bits. */
export type KernelName = 'wasm' | 'js';

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
 * The kernel for one fit's chunks in this thread. When the WebAssembly kernel was
 * not asked for by name and cannot get the memory for a chunk (its memory is
 * limited to 4 GiB), the TypeScript kernel takes over: the numbers are the same.
 */
export function chunkKernel(requested: KernelName | undefined, data: PreparedData, layout: ChunkLayout, buffers: SphericalBuffers): ChunkKernel {
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
