import { ParameterSnapshot, ParameterVector } from '../../src/models/parameter-vector';
import type { FitParameters } from '../../src/models/fit-state';

// The unconstrained parametrisation --accelerate extrapolates in: a round trip gives the
// parameters back (to rounding), and any vector gives a valid mixture.
const weight = Float64Array.from([0.2, 0.5, 0.3]);
const mean = Float64Array.from([1, -2, 0.5, 3, 0, 7]);
const variances = Float64Array.from([0.5, 2, 1e-3]);
// Two 2×2 covariances, positive definite (hand-picked: determinants 1.75 and 0.0396).
const matrices = Float64Array.from([2, 0.5, 0.5, 1, 0.04, 0.01, 0.01, 1]);

const spherical = (): FitParameters => ({ weight: weight.slice(), mean: mean.slice(), variance: variances.slice(), minVar: 0 });
const full = (): FitParameters => ({ weight: weight.slice(0, 2).map((w) => w / 0.7), mean: mean.slice(0, 4), covariance: { matrices: matrices.slice(), d: 2 }, minVar: 0 });

test.each([
  ['variances', spherical],
  ['full covariances', full],
])('%s: pack then unpack gives the parameters back', (_name, make) => {
  const params = make();
  const original = { w: params.weight.slice(), m: params.mean.slice(), v: params.variance?.slice(), c: params.covariance?.matrices.slice() };
  const vector = new ParameterVector(params);
  const packed = new Float64Array(vector.size);
  expect(vector.pack(packed)).toBe(true);
  params.weight.fill(0);
  params.mean.fill(0);
  params.variance?.fill(1);
  params.covariance?.matrices.fill(0);
  vector.unpack(packed);
  const close = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).forEach((x, i) => expect(x).toBeCloseTo(b[i], 12));
  close(params.weight, original.w);
  close(params.mean, original.m);
  if (original.v) close(params.variance!, original.v);
  if (original.c) close(params.covariance!.matrices, original.c);
});

test('the vector holds K log weights, the means, and one number per variance or per entry of each Cholesky factor', () => {
  expect(new ParameterVector(spherical()).size).toBe(3 + 6 + 3);
  expect(new ParameterVector(full()).size).toBe(2 + 4 + 2 * 3);
});

test('any vector unpacks to a valid mixture: weights on the simplex, variances ≥ the floor, covariances positive definite', () => {
  const params = { ...full(), minVar: 0 };
  const vector = new ParameterVector(params);
  const wild = Float64Array.from({ length: vector.size }, (_, t) => (t % 2 ? -40 : 25) + t);
  vector.unpack(wild);
  expect(Array.from(params.weight).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
  for (const w of params.weight) expect(w).toBeGreaterThanOrEqual(0);
  const m = params.covariance!.matrices;
  for (let j = 0; j < 2; j++) {
    const [a, b, c, d] = Array.from(m.subarray(4 * j, 4 * j + 4));
    expect(b).toBe(c);
    expect(a).toBeGreaterThan(0);
    expect(a * d - b * c).toBeGreaterThan(0);
  }
  const floored = { ...spherical(), minVar: 0.25 };
  const v = new ParameterVector(floored);
  v.unpack(Float64Array.from({ length: v.size }, () => -30));
  for (const x of floored.variance!) expect(x).toBe(0.25);
});

test('a snapshot restores the parameters bit for bit', () => {
  const params = spherical();
  const snapshot = new ParameterSnapshot(params);
  snapshot.save();
  const before = [params.weight.slice(), params.mean.slice(), params.variance!.slice()];
  params.weight.fill(9);
  params.mean.fill(9);
  params.variance!.fill(9);
  snapshot.restore();
  expect([params.weight, params.mean, params.variance]).toEqual(before);
});
