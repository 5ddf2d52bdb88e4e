import { NumpyRandomState } from '../core/random';
import type { Mixture } from './mixture';
import { familyOf } from './families';

/** One block of drawn rows: `count` rows (row-major in `rows`) and their components (0-based). */
export interface SampleBlock {
  readonly count: number;
  readonly rows: Float64Array;
  readonly components: Int32Array;
}

/** Rows per block: memory stays bounded (about 64 K rows) however many are drawn. */
const BLOCK_ROWS = 65536;

/**
 * n rows drawn from the mixture, deterministic from the seed: for each row a
 * component by its weight, then mu_j + A_j·z with z standard normal (Box–Muller
 * on the generator's 53-bit uniforms) and A_j the square root of the family's
 * covariance (√var_j·I, diag(√var_j), the Cholesky factor of Σ_j). Yields them in
 * blocks (the same draws whatever the block size); a block's buffers are reused by the next.
 */
export function* sampleBlocks(mixture: Mixture, n: number, seed: number, blockRows = BLOCK_ROWS): Generator<SampleBlock> {
  const { k, d, mu, p } = mixture;
  const random = new NumpyRandomState(seed);
  const draw = familyOf(mixture.covariance).sampler(mixture.covariance, k, d);
  if (!draw) throw new RangeError('a covariance of the mixture is not positive definite');
  let spare = NaN;
  const normal = () => {
    if (!Number.isNaN(spare)) {
      const z = spare;
      spare = NaN;
      return z;
    }
    const u1 = 1 - random.randomSample(); // (0, 1]: the log never sees 0
    const u2 = random.randomSample();
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  };
  const size = Math.max(1, Math.min(blockRows, n));
  const rows = new Float64Array(size * d);
  const components = new Int32Array(size);
  const z = new Float64Array(d);
  for (let done = 0; done < n; ) {
    const count = Math.min(size, n - done);
    for (let r = 0; r < count; r++) {
      let target = random.randomSample();
      let j = 0;
      while (j < k - 1 && target >= p[j]) target -= p[j++];
      components[r] = j;
      for (let i = 0; i < d; i++) z[i] = normal();
      draw(j, mu, z, rows, r * d);
    }
    done += count;
    yield { count, rows: count === size ? rows : rows.subarray(0, count * d), components: count === size ? components : components.subarray(0, count) };
  }
}

/** All n rows at once (for tests and small draws): the blocks of sampleBlocks joined. */
export function sampleMixture(mixture: Mixture, n: number, seed: number): { rows: Float64Array; components: Int32Array } {
  const rows = new Float64Array(n * mixture.d);
  const components = new Int32Array(n);
  let at = 0;
  for (const block of sampleBlocks(mixture, n, seed)) {
    rows.set(block.rows, at * mixture.d);
    components.set(block.components, at);
    at += block.count;
  }
  return { rows, components };
}
