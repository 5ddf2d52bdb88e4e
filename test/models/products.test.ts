import { addWeightedRows, dotProduct, rowDots } from '../../src/models/kernels/products';

// The register blocks (4 rows × 3, 2 or 1 components) only decide which products share their
// loads: each product is still one running sum in order of i, so every entry of a block must be
// exactly that plain sum; the rows past the last multiple of 4 are dotProduct's.
describe('rowDots', () => {
  const values = (count: number, seed: number) => Float64Array.from({ length: count }, (_, t) => Math.sin(seed + t * 1.7) * 10 ** ((t % 7) - 3));

  test.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 11])('K=%i: every block shape gives the plain dot products, bit for bit', (k) => {
    for (const d of [1, 3, 10]) {
      for (const n of [1, 3, 4, 7, 13]) {
        const x = values(n * d, k);
        const mu = values(k * d, 100 + d);
        // rows 1..n−1 (from = 1), written from out's row 0 (base = 1)
        const out = new Float64Array((n - 1) * k).fill(NaN);
        rowDots(x, 1, n, d, mu, k, out, 1);
        const blocked = Math.floor((n - 1) / 4) * 4;
        const expected = Array.from({ length: (n - 1) * k }, (_, t) => {
          const u = 1 + Math.floor(t / k);
          const j = t % k;
          if (u - 1 >= blocked) return dotProduct(x, u * d, mu, j * d, d);
          let s = 0;
          for (let i = 0; i < d; i++) s += x[u * d + i] * mu[j * d + i];
          return s;
        });
        expect(Array.from(out)).toEqual(expected);
      }
    }
  });

  test('addWeightedRows still adds wᵀ·X into its block', () => {
    const x = Float64Array.from([1, 2, 3, 4, 5, 6]); // 3 rows × 2
    const w = Float64Array.from([1, 0, 0.5, 0.5, 0, 1]); // 3 rows × 2 components
    const out = new Float64Array(5).fill(1);
    addWeightedRows(x, 0, w, 0, 0, 3, 2, 2, out, 1);
    expect(Array.from(out)).toEqual([1, 1 + 1 + 1.5, 1 + 2 + 2, 1 + 1.5 + 5, 1 + 2 + 6]);
  });
});
