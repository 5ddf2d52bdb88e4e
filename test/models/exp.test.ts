import { exp } from '../../src/models/kernels/exp';

describe('exp', () => {
  test('within 2 ulp (relative 4.5e-16) of Math.exp over the whole range', () => {
    let worst = 0;
    for (let i = 0; i <= 400000; i++) {
      const x = -745 + (i * 1454) / 400000; // -745 .. 709
      const want = Math.exp(x);
      if (want === 0 || !Number.isFinite(want)) continue;
      worst = Math.max(worst, Math.abs(exp(x) - want) / want);
    }
    expect(worst).toBeLessThan(4.5e-16);
    expect(worst).toBeGreaterThan(0); // it is its own code, not Math.exp
  });

  test('exact points and the edges', () => {
    expect(exp(0)).toBe(1);
    expect(exp(Math.LN2)).toBeCloseTo(2, 15);
    expect(exp(-Infinity)).toBe(0);
    expect(exp(Infinity)).toBe(Infinity);
    expect(exp(NaN)).toBeNaN();
    expect(exp(-800)).toBe(0);
    expect(exp(800)).toBe(Infinity);
    expect(exp(-1e-300)).toBe(1);
  });
});
