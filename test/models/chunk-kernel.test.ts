import { fromRows } from '../../src/core/matrix';
import { prepareData } from '../../src/models/data';
import { chunkKernel } from '../../src/models/chunk-kernel';
import { allocateBuffers, chunkLayout } from '../../src/models/spherical-chunk';

// The WebAssembly kernel is there but cannot get the memory for a chunk (its
// memory stops at 4 GiB; memory.grow throws a RangeError past that).
jest.mock('../../src/models/wasm-kernel', () => ({
  wasmKernelAvailable: () => true,
  WasmChunkKernel: class {
    constructor() {
      throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
    }
  },
}));

const data = prepareData(fromRows([[0], [1], [2]]));
const layout = chunkLayout(data, 2);
const buffers = allocateBuffers(layout, false, false);

test('by default the TypeScript kernel takes over', () => {
  expect(chunkKernel(undefined, data, layout, buffers).name).toBe('js');
});

test('asked for by name, the WebAssembly kernel reports the failure', () => {
  expect(() => chunkKernel('wasm', data, layout, buffers)).toThrow(RangeError);
});
