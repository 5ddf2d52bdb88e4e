import { NumpyRandomState } from '../../src/core/random';

// Check values from the core issue: numpy's legacy
// `np.random.seed(s); np.random.choice(n, K, replace=False)`.
describe('NumpyRandomState.choiceWithoutReplacement', () => {
  test.each([
    [0, 250, [225, 122, 92, 157, 154]],
    [1, 250, [67, 249, 230, 161, 91]],
    [0, 1200, [198, 328, 45, 263, 621, 520, 186, 987, 1107, 1052, 311, 1090]],
  ])('seed %i, n=%i', (seed, n, expected) => {
    expect(Array.from(new NumpyRandomState(seed).choiceWithoutReplacement(n, expected.length))).toEqual(expected);
  });

  test('draws a permutation: every index once', () => {
    const perm = Array.from(new NumpyRandomState(7).permutation(1000)).sort((a, b) => a - b);
    expect(perm).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  test('the same seed gives the same draw; another seed another', () => {
    const a = Array.from(new NumpyRandomState(3).choiceWithoutReplacement(500, 10));
    expect(Array.from(new NumpyRandomState(3).choiceWithoutReplacement(500, 10))).toEqual(a);
    expect(Array.from(new NumpyRandomState(4).choiceWithoutReplacement(500, 10))).not.toEqual(a);
  });

  test('n=1 and K=n', () => {
    expect(Array.from(new NumpyRandomState(0).choiceWithoutReplacement(1, 1))).toEqual([0]);
    expect(new Set(new NumpyRandomState(0).choiceWithoutReplacement(5, 5)).size).toBe(5);
  });

  test('rejects seeds outside 0..2^32−1 and K > n', () => {
    expect(() => new NumpyRandomState(-1)).toThrow(/seed/);
    expect(() => new NumpyRandomState(2 ** 32)).toThrow(/seed/);
    expect(() => new NumpyRandomState(1.5)).toThrow(/seed/);
    expect(() => new NumpyRandomState(2 ** 32 - 1)).not.toThrow();
    expect(() => new NumpyRandomState(0).choiceWithoutReplacement(3, 4)).toThrow(/distinct/);
  });
});
