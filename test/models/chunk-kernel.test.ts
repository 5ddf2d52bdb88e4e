import { fromRows } from '../../src/core/matrix';
import { prepareData } from '../../src/models/data';
import { sphericalBuffers, sphericalKernel, sphericalLayout } from '../../src/models/kernels/spherical';

// The WebAssembly kernel is there but cannot get the memory for a chunk (its
// memory stops at 4 GiB; memory.grow throws a RangeError past that).
jest.mock('../../src/models/kernels/wasm', () => ({
  ...jest.requireActual('../../src/models/kernels/wasm'),
  wasmKernelAvailable: () => true,
  WasmSphericalKernel: class {
    constructor() {
      throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
    }
  },
}));

const data = prepareData(fromRows([[0], [1], [2]]));
const layout = sphericalLayout(data, 2);
const job = { family: 'spherical', buffers: sphericalBuffers(layout, false, false) };

test('by default the TypeScript kernel takes over', () => {
  expect(sphericalKernel(undefined, data, layout, job).name).toBe('js');
});

test('asked for by name, the WebAssembly kernel reports the failure', () => {
  expect(() => sphericalKernel('wasm', data, layout, job)).toThrow(RangeError);
});
