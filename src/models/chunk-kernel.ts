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

export function chunkKernel(requested: KernelName | undefined, data: PreparedData, layout: ChunkLayout, buffers: SphericalBuffers): ChunkKernel {
  if (kernelName(requested) === 'wasm') {
    const kernel = new WasmChunkKernel(data, layout, buffers);
    return { name: 'wasm', run: (chunk) => kernel.run(chunk) };
  }
  const scratch = chunkScratch(layout, data.observed !== null);
  return { name: 'js', run: (chunk) => expectationChunk(data, layout, buffers, chunk, scratch) };
}
