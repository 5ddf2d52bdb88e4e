/**
 * prepareData sums, on complete data, the very numbers scatter.ts would compute for a start's
 * spread (the column means and Σ (x − c)² per column, in row order) and leaves them in its cache:
 * they must be those computeScatter gives, bit for bit, and the starts made from them the same.
 */
import { fromRows } from '../../src/core/matrix';
import { prepareData } from '../../src/models/data';
import { scatterAroundMean } from '../../src/models/scatter';
import { randomInit } from '../../src/models/start';

function rows(n: number, d: number, seed: number): number[][] {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return Array.from({ length: n }, () => Array.from({ length: d }, () => 1e3 + (next() - 0.5) * 7));
}

test.each([
  [1, 1],
  [5, 3],
  [257, 10],
  [1000, 7],
])('n = %i, d = %i: the scatter prepareData leaves is the one computed afresh', (n, d) => {
  const table = rows(n, d, n * 31 + d);
  const prepared = fromRows(table);
  const fresh = fromRows(table); // another data array: scatter.ts computes its own
  prepareData(prepared);
  const remembered = scatterAroundMean(prepared, false);
  const computed = scatterAroundMean(fresh, false);
  expect(Array.from(remembered.center)).toEqual(Array.from(computed.center));
  expect(Array.from(remembered.scatter)).toEqual(Array.from(computed.scatter));
  const k = Math.min(n, 3);
  expect(randomInit(prepared, k, 0)).toEqual(randomInit(fresh, k, 0));
});

test('data centred on given means leaves its sums out of the cache', () => {
  const table = rows(50, 3, 7);
  const given = fromRows(table);
  prepareData(given, false, Float64Array.from([1, 2, 3]));
  expect(Array.from(scatterAroundMean(given, false).scatter)).toEqual(Array.from(scatterAroundMean(fromRows(table), false).scatter));
});
