import { MT19937 } from './mt19937';

/**
 * The part of numpy's legacy RandomState that gmm-fit needs, draw for draw:
 * `np.random.seed(s); np.random.choice(n, k, replace=False)`.
 */
export class NumpyRandomState {
  private readonly mt: MT19937;

  /** `seed` is an integer in 0..2^32−1, fed to init_genrand as numpy does. */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`seed must be an integer in 0..4294967295, got ${seed}`);
    }
    this.mt = new MT19937(seed);
  }

  /** A uniform integer in 0..max by masked rejection (numpy's rk_interval). */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do value = (this.mt.nextUint32() & mask) >>> 0;
    while (value > max);
    return value;
  }

  /** A uniform double in [0, 1) from 53 random bits, as numpy's legacy `random_sample()`. */
  randomSample(): number {
    const a = this.mt.nextUint32() >>> 5;
    const b = this.mt.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** numpy's legacy `permutation(n)`: a Fisher–Yates shuffle from the top. */
  permutation(n: number): Int32Array {
    const a = new Int32Array(n);
    for (let i = 0; i < n; i++) a[i] = i;
    for (let i = n - 1; i >= 1; i--) {
      const j = this.interval(i);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** numpy's legacy `choice(n, k, replace=False)`: the first k of a permutation. */
  choiceWithoutReplacement(n: number, k: number): Int32Array {
    if (k > n) throw new RangeError(`cannot take ${k} distinct items from ${n}`);
    return this.permutation(n).slice(0, k);
  }
}
