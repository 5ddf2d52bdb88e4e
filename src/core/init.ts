import type { Matrix } from './matrix';
import type { Mixture } from '../models/mixture';
import { NumpyRandomState } from './random';

export interface Initialisation {
  readonly mixture: Mixture;
  /** The rows whose values became the initial means. */
  readonly rows: Int32Array;
}

/**
 * The course's `common.init`, draw for draw with numpy's legacy RandomState:
 * means = K distinct random rows (missing cells as 0), var_j = the mean over all
 * n·d cells of (X − mu_j)², p_j = 1/K.
 */
export function randomInit(m: Matrix, k: number, seed: number): Initialisation {
  const { rows: n, cols: d, data } = m;
  const rows = new NumpyRandomState(seed).choiceWithoutReplacement(n, k);
  const mu = new Float64Array(k * d);
  for (let j = 0; j < k; j++) mu.set(data.subarray(rows[j] * d, rows[j] * d + d), j * d);
  // Σ over all cells of (x − mu_j)² = Σ (x − c)² + n·‖mu_j − c‖², with c the column
  // means (the parallel-axis identity): one pass over the data for every component.
  const center = new Float64Array(d);
  for (let u = 0; u < n; u++) for (let i = 0; i < d; i++) center[i] += data[u * d + i];
  for (let i = 0; i < d; i++) center[i] /= n;
  let spread = 0;
  for (let u = 0; u < n; u++) {
    for (let i = 0; i < d; i++) {
      const diff = data[u * d + i] - center[i];
      spread += diff * diff;
    }
  }
  const variance = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let offset = 0;
    for (let i = 0; i < d; i++) {
      const diff = mu[j * d + i] - center[i];
      offset += diff * diff;
    }
    variance[j] = (spread + n * offset) / (n * d);
  }
  const p = new Float64Array(k).fill(1 / k);
  return { mixture: { k, d, mu, var: variance, p }, rows };
}
