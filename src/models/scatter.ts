import type { Matrix } from '../core/matrix';
import { wasmColumnSums, wasmScatter } from './kernels/wasm-setup';

/**
 * The data's spread around its column means c, in one pass: S = Σ_u (x_u − c)(x_u − c)ᵀ
 * (missing cells read as 0, as the course's start does). `full`: the lower triangle of S
 * (row-major d×d); else only its diagonal (d numbers). A start's spread around any
 * mean mu then follows without another pass: Σ_u (x − mu)(x − mu)ᵀ = S + n·(c − mu)(c − mu)ᵀ.
 */
export function scatterAroundMean(m: Matrix, full: boolean): { center: Float64Array; scatter: Float64Array } {
  const { rows: n, cols: d, data } = m;
  // Every start of a sweep asks for the same data's: computed once per data array (callers only read it).
  const cached = CACHE.get(data);
  const hit = cached && cached.n === n && cached.d === d ? (full ? cached.full : cached.diagonal) : undefined;
  if (hit) return hit;
  const result = computeScatter(m, full);
  const entry = cached && cached.n === n && cached.d === d ? cached : { n, d };
  if (full) entry.full = result;
  else entry.diagonal = result;
  CACHE.set(data, entry);
  return result;
}

interface Scatter {
  center: Float64Array;
  scatter: Float64Array;
}

/**
 * The diagonal scatter of complete data, when prepareData has summed it already: `center` the
 * column means Σ_u x_ui / n and `sums` Σ_u (x_ui − c_i)² in row order, the very operations of
 * computeScatter, so the same bits. Copied, so that the cache holds plain arrays of its own.
 */
export function rememberDiagonalScatter(m: Matrix, center: Float64Array, sums: Float64Array): void {
  const { rows: n, cols: d, data } = m;
  const cached = CACHE.get(data);
  const entry = cached && cached.n === n && cached.d === d ? cached : { n, d };
  entry.diagonal ??= { center: Float64Array.from(center), scatter: Float64Array.from(sums) };
  CACHE.set(data, entry);
}

const CACHE = new WeakMap<Float64Array, { n: number; d: number; full?: Scatter; diagonal?: Scatter }>();

function computeScatter(m: Matrix, full: boolean): Scatter {
  const { rows: n, cols: d, data } = m;
  const center = new Float64Array(d);
  // In WebAssembly where it can be had (wasm-setup.ts): the same operations in the same order, so the same bits.
  const wasm = wasmColumnSums(data, n, d, center);
  if (!wasm) for (let u = 0; u < n; u++) for (let i = 0; i < d; i++) center[i] += data[u * d + i];
  for (let i = 0; i < d; i++) center[i] /= n;
  const scatter = new Float64Array(full ? d * d : d);
  if (wasm && full && wasmScatter(data, n, d, center, scatter)) return { center, scatter };
  for (let u = 0; u < n; u++) {
    for (let a = 0; a < d; a++) {
      const da = data[u * d + a] - center[a];
      if (!full) scatter[a] += da * da;
      else for (let b = 0; b <= a; b++) scatter[a * d + b] += da * (data[u * d + b] - center[b]);
    }
  }
  return { center, scatter };
}
