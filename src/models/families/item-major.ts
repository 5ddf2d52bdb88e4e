/** K×d row-major (component-major, as a Mixture holds its means) into d×K item-major (as the sparse kernels read them). */
export function toItemMajor(values: Float64Array, k: number, d: number, out: Float64Array = new Float64Array(k * d)): Float64Array {
  for (let j = 0; j < k; j++) for (let i = 0; i < d; i++) out[i * k + j] = values[j * d + i];
  return out;
}

/** d×K item-major back into K×d component-major. */
export function fromItemMajor(values: Float64Array, k: number, d: number, out: Float64Array = new Float64Array(k * d)): Float64Array {
  for (let j = 0; j < k; j++) for (let i = 0; i < d; i++) out[j * d + i] = values[i * k + j];
  return out;
}
