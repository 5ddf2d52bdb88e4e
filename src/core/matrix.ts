/**
 * A numeric table, row-major. Missing cells are held as 0 in `data` and
 * flagged in `observed` (1 = observed); `observed` is null when every cell is known.
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
  readonly observed: Uint8Array | null;
  /** The columns' names, when the input had a header (for messages that name a column). */
  readonly columns?: readonly string[] | null;
}

export function createMatrix(rows: number, cols: number, data: Float64Array, observed: Uint8Array | null = null): Matrix {
  if (data.length !== rows * cols) throw new Error(`matrix data has ${data.length} cells, expected ${rows}×${cols}`);
  if (observed && observed.length !== data.length) throw new Error('mask and data differ in size');
  return { rows, cols, data, observed };
}

/** Each mask's count, once: a matrix's mask is not written after the matrix is made, and several steps of one run ask. */
const MISSING = new WeakMap<Uint8Array, number>();

/** Number of missing cells (0 for a complete matrix). */
export function missingCount(m: Matrix): number {
  if (!m.observed) return 0;
  const known = MISSING.get(m.observed);
  if (known !== undefined) return known;
  let missing = 0;
  for (let c = 0; c < m.observed.length; c++) if (m.observed[c] === 0) missing++;
  MISSING.set(m.observed, missing);
  return missing;
}

/** Build from nested arrays; NaN marks a missing cell. Handy in tests and small scripts. */
export function fromRows(rows: ReadonlyArray<ReadonlyArray<number>>): Matrix {
  const n = rows.length;
  const d = n > 0 ? rows[0].length : 0;
  const data = new Float64Array(n * d);
  const observed = new Uint8Array(n * d);
  let anyMissing = false;
  for (let u = 0; u < n; u++) {
    if (rows[u].length !== d) throw new Error(`row ${u} has ${rows[u].length} values, expected ${d}`);
    for (let i = 0; i < d; i++) {
      const v = rows[u][i];
      if (Number.isNaN(v)) anyMissing = true;
      else {
        data[u * d + i] = v;
        observed[u * d + i] = 1;
      }
    }
  }
  return createMatrix(n, d, data, anyMissing ? observed : null);
}

/** Nested arrays of a row-major block (for JSON and tests). */
export function toRows(data: ArrayLike<number>, rows: number, cols: number): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) out.push(Array.from({ length: cols }, (_, c) => data[r * cols + c]));
  return out;
}
