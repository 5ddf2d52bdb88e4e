import { fromRows } from '../../src/core/matrix';
import { prepareData } from '../../src/models/data';
import { fullBuffers, fullKernel, fullLayout } from '../../src/models/kernels/full';

// The full family's WebAssembly kernel is there but cannot get the memory for its
// regions (its memory stops at 4 GiB; memory.grow throws a RangeError past that).
jest.mock('../../src/models/kernels/wasm-full', () => ({
  WasmFullKernel: class {
    constructor() {
      throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
    }
  },
}));

const data = prepareData(fromRows([[0, 1], [1, 3], [2, 2]]));
const layout = fullLayout(data, 2, 1);
const job = { family: 'full', buffers: fullBuffers(layout, 1, false), rows: { patterns: [{ observed: Int32Array.from([0, 1]), missing: new Int32Array(0) }], rowPattern: new Int32Array(3) } };

test('by default the TypeScript kernel takes over', () => {
  expect(fullKernel(undefined, data, layout, job).name).toBe('js');
});

test('asked for by name, the WebAssembly kernel reports the failure', () => {
  expect(() => fullKernel('wasm', data, layout, job)).toThrow(RangeError);
});
