import { fromRows, type Matrix } from '../../src/core/matrix';
import { DataError } from '../../src/core/errors';
import type { PreparedData } from '../../src/models/data';
import { wasmCentreRows, wasmColumnSums, wasmScatter } from '../../src/models/kernels/wasm-setup';

// What a fit computes once before its first E-step on complete data runs in WebAssembly
// (assembly/setup.ts through src/models/kernels/wasm-setup.ts): prepareData's two passes and
// the start's d×d scatter. They must give the bits of the TypeScript loops (the references,
// which run where the module cannot be had): compared here with Object.is, on shapes that
// leave partial groups of rows and an odd column, and over several blocks of rows.

const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

function table(n: number, d: number, seed: number): number[][] {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  // Values of very different sizes (and some exact zeros), so that the order of every sum shows in its bits.
  return Array.from({ length: n }, () => Array.from({ length: d }, (_, i) => (next() < 0.1 ? 0 : (next() - 0.3) * 10 ** ((i % 5) - 1) + i * 100)));
}

/** prepareData and scatterAroundMean with the WebAssembly passes, or with the TypeScript loops (the module made unavailable). */
function load(wasm: boolean) {
  let modules!: { data: typeof import('../../src/models/data'); scatter: typeof import('../../src/models/scatter'); start: typeof import('../../src/models/start') };
  jest.isolateModules(() => {
    if (!wasm) {
      jest.doMock('../../src/models/kernels/wasm-setup', () => ({ wasmColumnSums: () => false, wasmCentreRows: () => null, wasmScatter: () => false, wasmStartCovariances: () => false }));
    }
    modules = { data: require('../../src/models/data'), scatter: require('../../src/models/scatter'), start: require('../../src/models/start') };
  });
  jest.dontMock('../../src/models/kernels/wasm-setup');
  return modules;
}

const SHAPES: Array<[number, number]> = [
  [1, 1],
  [2, 1],
  [3, 2],
  [5, 3],
  [7, 64],
  [257, 10],
  [1000, 7],
  [1797, 64],
  [4099, 33],
];

describe('the data preparation and the start scatter in WebAssembly', () => {
  const viaWasm = load(true);
  const viaJs = load(false);

  test.each(SHAPES)('n = %i, d = %i: prepareData gives the same bits', (n, d) => {
    const rows = table(n, d, n * 7 + d);
    const a: PreparedData = viaWasm.data.prepareData(fromRows(rows), true);
    const b: PreparedData = viaJs.data.prepareData(fromRows(rows), true);
    for (const key of ['x', 'center', 'rowSquares', 'rowObserved', 'columnVariance'] as const) expect(bytes(a[key])).toBe(bytes(b[key]));
    const given = Float64Array.from({ length: d }, (_, i) => i * 0.37 - 1);
    const c = viaWasm.data.prepareData(fromRows(rows), false, given);
    const e = viaJs.data.prepareData(fromRows(rows), false, given);
    for (const key of ['x', 'center', 'rowSquares', 'rowObserved', 'columnVariance'] as const) expect(bytes(c[key])).toBe(bytes(e[key]));
  });

  test.each(SHAPES)('n = %i, d = %i: the full and diagonal scatters are the same bits', (n, d) => {
    const rows = table(n, d, n * 11 + d);
    for (const full of [true, false]) {
      const a = viaWasm.scatter.scatterAroundMean(fromRows(rows), full);
      const b = viaJs.scatter.scatterAroundMean(fromRows(rows), full);
      expect(bytes(a.center)).toBe(bytes(b.center));
      expect(bytes(a.scatter)).toBe(bytes(b.scatter));
    }
  });

  test.each(SHAPES)('n = %i, d = %i: the full family\'s start covariances are the same bits', (n, d) => {
    const rows = table(n, d, n * 13 + d);
    const k = Math.min(n, 4);
    for (const regCovar of [1e-6, Float64Array.from({ length: d }, (_, i) => i * 1e-3)]) {
      const a = viaWasm.start.randomInit(fromRows(rows), k, 1, { covariance: 'full', regCovar });
      const b = viaJs.start.randomInit(fromRows(rows), k, 1, { covariance: 'full', regCovar });
      expect(bytes((a.mixture.covariance as { matrices: Float64Array }).matrices)).toBe(bytes((b.mixture.covariance as { matrices: Float64Array }).matrices));
    }
  });

  test('the functions themselves, on a matrix that is not a table: sums over several blocks', () => {
    const n = 3001;
    const d = 21;
    const m: Matrix = fromRows(table(n, d, 5));
    const sums = new Float64Array(d);
    expect(wasmColumnSums(m.data, n, d, sums)).toBe(true);
    const expected = new Float64Array(d);
    for (let u = 0; u < n; u++) for (let i = 0; i < d; i++) expected[i] += m.data[u * d + i];
    expect(bytes(sums)).toBe(bytes(expected));
    const scatter = new Float64Array(d * d);
    expect(wasmScatter(m.data, n, d, sums, scatter)).toBe(true);
    const reference = new Float64Array(d * d);
    for (let u = 0; u < n; u++) {
      for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) reference[a * d + b] += (m.data[u * d + a] - sums[a]) * (m.data[u * d + b] - sums[b]);
    }
    expect(bytes(scatter)).toBe(bytes(reference));
  });

  test('a row whose squares overflow is named as the TypeScript loop names it', () => {
    const rows = table(600, 3, 9);
    rows[517][1] = 2e154; // its square overflows; the others, (mean ≈ 3e151)², do not
    const message = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        expect((err as Error).name).toBe(DataError.name);
        return (err as Error).message;
      }
      return null;
    };
    const a = message(() => viaWasm.data.prepareData(fromRows(rows)));
    expect(a).toMatch(/^row 518 of the data has values too large/);
    expect(a).toBe(message(() => viaJs.data.prepareData(fromRows(rows))));
    const x = new Float64Array(600 * 3);
    const m = fromRows(rows);
    expect(wasmCentreRows(m.data, 600, 3, new Float64Array(3), x, new Float64Array(600), new Float64Array(3))).toBe(517);
  });
});
