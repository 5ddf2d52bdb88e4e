import type { PreparedData } from '../data';
import type { SparseData } from '../sparse';
import { FRACTION } from './exp';
import type { ChunkKernel, ChunkLayout, KernelName } from './layout';
import { sphericalStats, type SphericalBuffers } from './spherical';
import { diagStats, type DiagBuffers } from './diag';
import type { SparseBuffers, SparseLayout, sparseDiagStats, sparseSphericalStats } from './sparse';
import { DIAG_ARGUMENTS, KERNEL_EXPORTS, SPARSE_DIAG_ARGUMENTS, SPARSE_SPHERICAL_ARGUMENTS, SPHERICAL_ARGUMENTS, type ArgumentsOf, type SPARSE_COMMON_ARGUMENTS } from './wasm-abi';

/**
 * The spherical and diag E-steps in WebAssembly SIMD (assembly/estep.ts,
 * built by scripts/build-wasm.js), dense and sparse. They compute the same bits as the
 * TypeScript kernels (kernels/spherical.ts, kernels/diag.ts, kernels/sparse.ts): dense
 * about three times as fast, sparse four to six times at 10M ratings and more. The full
 * family's two phases (assembly/full.ts) are wired in kernels/wasm-full.ts, with this
 * file's instance, regions and argument blocks; its factorisations (wasmCholesky) run
 * in a second instance.
 *
 * Each thread has one instance with its own memory, which grows to the largest
 * chunk it has been given. A call copies the chunk's rows and the parameters
 * in, runs, and copies the chunk's statistics (and posterior, when kept) out:
 * the data stay where they are, so nothing is held twice beyond one chunk.
 */
export interface KernelExports {
  readonly memory: WasmMemory;
  /** Each kernel takes the byte address of its argument block (see wasm-abi.ts). */
  sphericalExpectation(args: number): number;
  diagExpectation(args: number): number;
  sparseSphericalExpectation(args: number): number;
  sparseDiagExpectation(args: number): number;
  fullExpectation(args: number): number;
  fullScatter(args: number): void;
  kmeansExpectation(args: number): number;
  kmeansDeviation(args: number): void;
  /** linalg.ts choleskyInPlace on the d×d matrix at byte address b, held by columns: 1, or 0 if not positive definite. */
  choleskyColumns(b: number, d: number): number;
  /** prepareData's and computeScatter's passes over a block of complete rows (assembly/setup.ts; byte addresses). */
  columnSums(data: number, rows: number, d: number, sums: number): void;
  centreRows(data: number, rows: number, d: number, center: number, x: number, rowSquares: number, squares: number): number;
  scatterRows(x: number, rows: number, d: number, scatter: number): void;
  startCovariances(scatter: number, center: number, mu: number, k: number, d: number, n: number, out: number, diff: number): void;
}

// The little of the WebAssembly JS API used here (TypeScript's ES2022 lib does not declare it).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
type WasmModule = object;
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: { new (bytes: Uint8Array): WasmModule; exports(module: WasmModule): Array<{ name: string; kind: string }> };
  Instance: new (module: WasmModule, imports: object) => { readonly exports: object };
}
const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: WasmModule | null | undefined;

/** What this wrapper calls; a module built from an older assembly/estep.ts may lack some. */
const EXPORTS = ['memory', 'choleskyColumns', 'columnSums', 'centreRows', 'scatterRows', 'startCovariances', ...Object.keys(KERNEL_EXPORTS)];

/**
 * The compiled module, or null where it cannot be had: not built (no
 * AssemblyScript at install), built from another version of assembly/estep.ts,
 * or no WebAssembly SIMD in this runtime. Loaded with require, as a compiled
 * module: dist/wasm/estep.js, which the TypeScript sources (under ts-jest) find
 * in the build the test setup makes fresh.
 */
function kernelModule(): WasmModule | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  const candidate = __filename.endsWith('.ts') ? '../../../dist/wasm/estep.js' : '../../wasm/estep.js';
  let bytes: Uint8Array;
  try {
    bytes = require(candidate) as Uint8Array;
  } catch {
    return compiled;
  }
  if (wasm && wasm.validate(bytes)) {
    const module = new wasm.Module(bytes);
    const names = new Set(wasm.Module.exports(module).map((e) => e.name));
    if (EXPORTS.every((name) => names.has(name))) compiled = module;
  }
  return compiled;
}

export function wasmKernelAvailable(): boolean {
  return kernelModule() !== null;
}

/** The kernel asked for; by default 'wasm' where it is available, else 'js'. */
export function kernelName(requested?: KernelName): KernelName {
  if (requested === 'wasm' && !wasmKernelAvailable()) throw new Error('the WebAssembly kernel is not available here (not built, or no WebAssembly SIMD)');
  return requested ?? (wasmKernelAvailable() ? 'wasm' : 'js');
}

/**
 * A family's kernel for one fit's chunks in this thread: the WebAssembly one unless
 * told otherwise. When it was not asked for by name and cannot get the memory for a
 * chunk (its memory is limited to 4 GiB), the TypeScript one takes over: the numbers
 * are the same.
 */
export function wasmOrJs(
  requested: KernelName | undefined,
  wasmKernel: () => { run(chunk: number, phase: number): void; begin?(phase: number): void },
  jsKernel: () => (chunk: number, phase: number) => void,
): ChunkKernel {
  if (kernelName(requested) === 'wasm') {
    try {
      const kernel = wasmKernel();
      if (kernel.begin) return { name: 'wasm', begin: (phase) => kernel.begin?.(phase), run: (chunk, phase) => kernel.run(chunk, phase) };
      return { name: 'wasm', run: (chunk, phase) => kernel.run(chunk, phase) };
    } catch (err) {
      if (requested === 'wasm' || !(err instanceof RangeError)) throw err;
    }
  }
  const run = jsKernel();
  return { name: 'js', run: (chunk, phase) => run(chunk, phase) };
}

/**
 * An export's argument block in the instance's memory, filled by name: the one place
 * where the order of wasm-abi.ts meets the numbers (a name missing or misspelt does
 * not compile).
 */
export class ArgumentBlock<T extends readonly string[]> {
  readonly address: number;
  constructor(
    private readonly names: T,
    regions: Regions,
  ) {
    this.address = regions.take(names.length * 4);
  }
  /** Every argument (once per fit: memory keeps its contents when it grows). */
  write(memory: ArrayBuffer, values: ArgumentsOf<T>): void {
    const u32 = new Uint32Array(memory, this.address, this.names.length);
    const named = values as Record<string, number>;
    for (let i = 0; i < this.names.length; i++) u32[i] = named[this.names[i]];
  }
  /** One argument, before a call (the row count of the last, shorter chunk). */
  set(u32: Uint32Array, name: T[number], value: number): void {
    u32[this.address / 4 + this.index(name)] = value;
  }
  private readonly indices = new Map<string, number>();
  private index(name: string): number {
    let i = this.indices.get(name);
    if (i === undefined) this.indices.set(name, (i = this.names.indexOf(name)));
    return i;
  }
}

export const PAGE = 65536;
/** The exp table sits at address 0; a kernel's regions start here. */
const REGION_START = 1024;

let threadInstance: KernelExports | null = null;

/** This thread's instance of the module (made once, with the exp table at address 0). */
export function instance(): KernelExports {
  if (threadInstance) return threadInstance;
  const module = kernelModule();
  if (!module || !wasm) throw new Error('the WebAssembly kernel is not available');
  const exports = new wasm.Instance(module, { env: { log: Math.log, exp: Math.exp } }).exports as unknown as KernelExports;
  exports.memory.grow(1);
  new Float64Array(exports.memory.buffer, 0, FRACTION.length).set(FRACTION);
  threadInstance = exports;
  return exports;
}

/**
 * This thread's second instance, for the work outside the kernels' passes (the
 * factorisations of linalg.ts, the data's preparation and the start's scatter,
 * wasm-setup.ts): its memory is its own, so a factorisation between two passes of a
 * kernel leaves the kernel's regions alone. null where the module cannot be had.
 */
let scratch: { readonly exports: KernelExports; f64: Float64Array } | null | undefined;

/**
 * The second instance with at least `bytes` bytes of memory (grown once to the most
 * asked), and a view of all of it; null where the module cannot be had. Each call
 * copies in what it needs: nothing is kept there between calls.
 */
export function scratchInstance(bytes: number): { readonly exports: KernelExports; readonly f64: Float64Array } | null {
  if (scratch === undefined) {
    const module = kernelModule();
    scratch = null;
    if (module && wasm) {
      const exports = new wasm.Instance(module, { env: { log: Math.log, exp: Math.exp } }).exports as unknown as KernelExports;
      scratch = { exports, f64: new Float64Array(exports.memory.buffer) };
    }
  }
  if (!scratch) return null;
  const memory = scratch.exports.memory;
  const short = bytes - memory.buffer.byteLength;
  if (short > 0) memory.grow(Math.ceil(short / PAGE));
  if (scratch.f64.buffer !== memory.buffer) scratch.f64 = new Float64Array(memory.buffer);
  return scratch;
}

/**
 * linalg.ts choleskyInPlace's loop (the same operations in the same order, so the same
 * bits) in WebAssembly SIMD, on a copy of the d×d matrix at a[o..] held by columns:
 * true once `a` holds the factor; false, with `a` unchanged, when the module cannot be
 * had or the matrix is not positive definite (the caller then runs its own loop). The
 * memory grows to the largest matrix seen, once.
 */
export function wasmCholesky(a: Float64Array, o: number, d: number): boolean {
  const factoring = scratchInstance(d * d * 8);
  if (!factoring) return false;
  const b = factoring.f64;
  // The loop reads the lower triangle only (the upper one is zeroed).
  for (let t = 0; t < d; t++) for (let i = t; i < d; i++) b[t * d + i] = a[o + i * d + t];
  if (factoring.exports.choleskyColumns(0, d) === 0) return false;
  for (let i = 0; i < d; i++) for (let t = 0; t < d; t++) a[o + i * d + t] = b[t * d + i];
  return true;
}

/** Hands out 16-byte-aligned byte ranges of the instance's memory, from REGION_START on. */
export class Regions {
  end = REGION_START;
  take(bytes: number): number {
    const start = this.end;
    this.end += Math.ceil(bytes / 16) * 16;
    return start;
  }
  f64(length: number): number {
    return this.take(length * 8);
  }
}

/** One chunk's slices of the data and of the outputs, made once per fit. */
interface ChunkSlices {
  readonly rows: number;
  readonly from: number;
  readonly x: Float64Array;
  readonly mask: Uint8Array | null;
  readonly missingIndex: Int32Array | null;
  readonly stats: Float64Array;
  readonly posterior: Float64Array | null;
  readonly rowLogLikelihood: Float64Array | null;
}

/** Views of the instance's memory; made again only when the memory has grown (growing detaches the old ones). */
interface MemoryViews {
  readonly buffer: ArrayBuffer;
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  readonly u32: Uint32Array;
  readonly u8: Uint8Array;
  readonly stats: Float64Array;
  /** Per chunk: the posterior and row LLs the kernel wrote, as long as the chunk. */
  readonly posterior: Float64Array[];
  readonly rowLogLikelihood: Float64Array[];
}

/** What both families' kernels read and write, per chunk. */
interface Outputs {
  readonly stats: Float64Array;
  readonly posterior: Float64Array | null;
  readonly rowLogLikelihood: Float64Array | null;
}

/**
 * The part common to both families: the chunk's rows, its missing cells and
 * the outputs. A run copies the chunk in, the family its parameters, calls the
 * kernel and copies the statistics (and posterior, when kept) out. Every view
 * it needs is made when it is built (or after the memory grows), so a run
 * allocates nothing.
 */
abstract class WasmKernel {
  protected readonly exports: KernelExports;
  protected readonly at: Regions = new Regions();
  protected readonly x: number;
  protected readonly post: number;
  protected readonly rowLL: number;
  protected readonly stats: number;
  protected readonly logTerm: number;
  protected readonly missStart: number;
  protected readonly missIndex: number;
  protected readonly mask: number;
  protected readonly maskF64: number;
  private readonly slices: ChunkSlices[] = [];
  private views: MemoryViews | null = null;
  /** Whether the posterior and row LLs are copied out (kept for the whole data). */
  protected readonly keep: boolean;
  protected readonly hasMissing: boolean;

  constructor(
    protected readonly data: PreparedData,
    protected readonly layout: ChunkLayout,
    outputs: Outputs,
  ) {
    this.exports = instance();
    this.keep = outputs.posterior !== null;
    this.hasMissing = data.missingStart !== null;
    const { d, k, chunkRows: rows, statsSize } = layout;
    const missing = data.missingStart !== null ? 1 : 0;
    const at = this.at;
    this.x = at.f64(rows * d);
    this.post = at.f64(rows * k);
    this.rowLL = at.f64(rows);
    this.stats = at.f64(statsSize);
    this.logTerm = at.f64(k);
    this.missStart = at.take((rows + 1) * 4 * missing);
    this.missIndex = at.take(rows * d * 4 * missing);
    this.mask = at.take(rows * d * missing);
    this.maskF64 = at.f64(rows * d * missing);
    const { missingStart, missingIndex, observed } = data;
    for (let c = 0; c < layout.chunks; c++) {
      const from = c * layout.chunkRows;
      const to = Math.min(layout.n, from + layout.chunkRows);
      this.slices.push({
        rows: to - from,
        from,
        x: data.x.subarray(from * d, to * d),
        mask: observed ? observed.subarray(from * d, to * d) : null,
        missingIndex: missingStart && missingIndex ? missingIndex.subarray(missingStart[from], missingStart[to]) : null,
        stats: outputs.stats.subarray(c * statsSize, (c + 1) * statsSize),
        posterior: outputs.posterior ? outputs.posterior.subarray(from * k, to * k) : null,
        rowLogLikelihood: outputs.rowLogLikelihood ? outputs.rowLogLikelihood.subarray(from, to) : null,
      });
    }
  }

  /** Grows the memory to hold every region taken so far; subclasses call it once their own regions are taken. */
  protected reserve(): void {
    const memory = this.exports.memory;
    const missing = this.at.end - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / PAGE));
  }

  private memoryViews(): MemoryViews {
    const buffer = this.exports.memory.buffer;
    if (this.views && this.views.buffer === buffer) return this.views;
    const { layout } = this;
    this.views = {
      buffer,
      f64: new Float64Array(buffer),
      i32: new Int32Array(buffer),
      u32: new Uint32Array(buffer),
      u8: new Uint8Array(buffer),
      stats: new Float64Array(buffer, this.stats, layout.statsSize),
      posterior: this.slices.map((s) => new Float64Array(buffer, this.post, s.rows * layout.k)),
      rowLogLikelihood: this.slices.map((s) => new Float64Array(buffer, this.rowLL, s.rows)),
    };
    return this.views;
  }

  /** The family's parameters and per-chunk inputs into memory. */
  protected abstract copyIn(f64: Float64Array, slice: ChunkSlices, hasMissing: boolean): void;
  /** The family's kernel on `rows` rows. */
  protected abstract call(u32: Uint32Array, rows: number): void;

  run(chunk: number): void {
    const { data } = this;
    const slice = this.slices[chunk];
    const { rows, from } = slice;
    const views = this.memoryViews();
    const { f64, i32, u32, u8 } = views;
    f64.set(slice.x, this.x / 8);
    const { missingStart } = data;
    const hasMissing = missingStart !== null && slice.mask !== null && slice.missingIndex !== null;
    if (hasMissing) {
      const first = missingStart[from];
      for (let u = 0, s = this.missStart / 4; u <= rows; u++) i32[s + u] = missingStart[from + u] - first;
      i32.set(slice.missingIndex, this.missIndex / 4);
      u8.set(slice.mask, this.mask);
    }
    this.copyIn(f64, slice, hasMissing);
    this.call(u32, rows);
    slice.stats.set(views.stats);
    if (slice.posterior) slice.posterior.set(views.posterior[chunk]);
    if (slice.rowLogLikelihood) slice.rowLogLikelihood.set(views.rowLogLikelihood[chunk]);
  }
}

/** Writes mu (K×d) transposed, d×K, at f64 index `at`: two components then sit in one vector. */
function transpose(f64: Float64Array, mu: Float64Array, k: number, d: number, at: number): void {
  for (let j = 0; j < k; j++) for (let i = 0; i < d; i++) f64[at + i * k + j] = mu[j * d + i];
}

/** Runs the WebAssembly spherical E-step on one fit's chunks, in this thread. */
export class WasmSphericalKernel extends WasmKernel {
  private readonly args: ArgumentBlock<typeof SPHERICAL_ARGUMENTS>;
  private readonly mu: number;
  private readonly muT: number;
  private readonly logWeight: number;
  private readonly halfLogNorm: number;
  private readonly invTwoVar: number;
  private readonly muNorm: number;
  private readonly muSqT: number;
  private readonly sq: number;
  private readonly obs: number;
  private readonly missingNorm: number;
  private readonly rowSquares: Float64Array[];
  private readonly rowObserved: Float64Array[];

  constructor(
    data: PreparedData,
    layout: ChunkLayout,
    private readonly buffers: SphericalBuffers,
  ) {
    super(data, layout, buffers);
    const { d, k, chunkRows: rows } = layout;
    const at = this.at;
    this.mu = at.f64(k * d);
    this.muT = at.f64(d * k);
    this.logWeight = at.f64(k);
    this.halfLogNorm = at.f64(k);
    this.invTwoVar = at.f64(k);
    this.muNorm = at.f64(k);
    this.muSqT = at.f64(data.missingStart ? d * k : 0);
    this.sq = at.f64(rows);
    this.obs = at.f64(rows);
    this.missingNorm = at.f64(k);
    this.args = new ArgumentBlock(SPHERICAL_ARGUMENTS, at);
    const o = sphericalStats(k, d, data.observed !== null);
    this.reserve();
    this.args.write(this.exports.memory.buffer, {
      rows: layout.chunkRows,
      d,
      k,
      x: this.x,
      sq: this.sq,
      obs: this.obs,
      mu: this.mu,
      muT: this.muT,
      logWeight: this.logWeight,
      halfLogNorm: this.halfLogNorm,
      invTwoVar: this.invTwoVar,
      muNorm: this.muNorm,
      hasMissing: this.hasMissing ? 1 : 0,
      missStart: this.missStart,
      missIndex: this.missIndex,
      muSqT: this.muSqT,
      mask: this.mask,
      maskF64: this.maskF64,
      post: this.post,
      rowLL: this.keep ? this.rowLL : 0,
      stats: this.stats,
      logTerm: this.logTerm,
      missingNorm: this.missingNorm,
      fraction: 0,
      statsSize: layout.statsSize,
      statNHat: o.nHat,
      statRowSq: o.rowSq,
      statObserved: o.observed,
      statSumX: o.sumX,
      statObservedWeight: o.observedWeight,
    });
    this.rowSquares = [];
    this.rowObserved = [];
    for (let c = 0; c < layout.chunks; c++) {
      const from = c * layout.chunkRows;
      const to = Math.min(layout.n, from + layout.chunkRows);
      this.rowSquares.push(data.rowSquares.subarray(from, to));
      this.rowObserved.push(data.rowObserved.subarray(from, to));
    }
  }

  protected copyIn(f64: Float64Array, slice: ChunkSlices, hasMissing: boolean): void {
    const { buffers } = this;
    const { d, k } = this.layout;
    const chunk = slice.from / this.layout.chunkRows;
    f64.set(buffers.mu, this.mu / 8);
    transpose(f64, buffers.mu, k, d, this.muT / 8);
    f64.set(buffers.logWeight, this.logWeight / 8);
    f64.set(buffers.halfLogNorm, this.halfLogNorm / 8);
    f64.set(buffers.invTwoVar, this.invTwoVar / 8);
    f64.set(buffers.muNorm, this.muNorm / 8);
    f64.set(this.rowSquares[chunk], this.sq / 8);
    f64.set(this.rowObserved[chunk], this.obs / 8);
    if (hasMissing) f64.set(buffers.muSquaredT, this.muSqT / 8);
  }

  protected call(u32: Uint32Array, rows: number): void {
    this.args.set(u32, 'rows', rows);
    this.exports.sphericalExpectation(this.args.address);
  }
}

/** Runs the WebAssembly diag E-step on one fit's chunks, in this thread. */
export class WasmDiagKernel extends WasmKernel {
  private readonly args: ArgumentBlock<typeof DIAG_ARGUMENTS>;
  private readonly scaledMu: number;
  private readonly scaledMuT: number;
  private readonly precision: number;
  private readonly precisionT: number;
  private readonly logWeight: number;
  private readonly muTerm: number;
  private readonly logNormTerm: number;
  private readonly muTermT: number;
  private readonly logNormT: number;
  private readonly squares: number;
  private readonly products: number;
  private readonly missingMu: number;
  private readonly missingLogNorm: number;

  constructor(
    data: PreparedData,
    layout: ChunkLayout,
    private readonly buffers: DiagBuffers,
  ) {
    super(data, layout, buffers);
    const { d, k, chunkRows: rows } = layout;
    const at = this.at;
    const missing = data.missingStart ? 1 : 0;
    this.scaledMu = at.f64(k * d);
    this.scaledMuT = at.f64(d * k);
    this.precision = at.f64(k * d);
    this.precisionT = at.f64(d * k);
    this.logWeight = at.f64(k);
    this.muTerm = at.f64(k);
    this.logNormTerm = at.f64(k);
    this.muTermT = at.f64(d * k * missing);
    this.logNormT = at.f64(d * k * missing);
    this.squares = at.f64(rows * d);
    this.products = at.f64(rows * k);
    this.missingMu = at.f64(k);
    this.missingLogNorm = at.f64(k);
    this.args = new ArgumentBlock(DIAG_ARGUMENTS, at);
    const o = diagStats(k, d, data.observed !== null);
    this.reserve();
    this.args.write(this.exports.memory.buffer, {
      rows: layout.chunkRows,
      d,
      k,
      x: this.x,
      squares: this.squares,
      scaledMu: this.scaledMu,
      scaledMuT: this.scaledMuT,
      precision: this.precision,
      precisionT: this.precisionT,
      logWeight: this.logWeight,
      muTerm: this.muTerm,
      logNormTerm: this.logNormTerm,
      hasMissing: this.hasMissing ? 1 : 0,
      missStart: this.missStart,
      missIndex: this.missIndex,
      muTermT: this.muTermT,
      logNormT: this.logNormT,
      mask: this.mask,
      maskF64: this.maskF64,
      post: this.post,
      products: this.products,
      rowLL: this.keep ? this.rowLL : 0,
      stats: this.stats,
      logTerm: this.logTerm,
      missingMu: this.missingMu,
      missingLogNorm: this.missingLogNorm,
      fraction: 0,
      statsSize: layout.statsSize,
      statNHat: o.nHat,
      statSumX: o.sumX,
      statSumXX: o.sumXX,
      statObservedWeight: o.observedWeight,
    });
  }

  protected copyIn(f64: Float64Array, _slice: ChunkSlices, hasMissing: boolean): void {
    const { buffers } = this;
    const { d, k } = this.layout;
    f64.set(buffers.scaledMu, this.scaledMu / 8);
    transpose(f64, buffers.scaledMu, k, d, this.scaledMuT / 8);
    f64.set(buffers.precision, this.precision / 8);
    transpose(f64, buffers.precision, k, d, this.precisionT / 8);
    f64.set(buffers.logWeight, this.logWeight / 8);
    f64.set(buffers.muTerm, this.muTerm / 8);
    f64.set(buffers.logNormTerm, this.logNormTerm / 8);
    if (hasMissing) {
      f64.set(buffers.muTermT, this.muTermT / 8);
      f64.set(buffers.logNormT, this.logNormT / 8);
    }
  }

  protected call(u32: Uint32Array, rows: number): void {
    this.args.set(u32, 'rows', rows);
    this.exports.diagExpectation(this.args.address);
  }
}

/**
 * A part of a sparse chunk, users from ≤ u < to with ratings first ≤ t < last: what one
 * call of the kernel takes. A chunk (up to 1/16 of the data: 6M ratings, 72 MB, for the
 * Netflix Prize) is copied in and run a part at a time (SparseTuning.partRatings, 3 MB),
 * each run while its copy is still in the caches: a rating's value and item then come
 * from memory once, not twice (copy, then kernel), and the instance's memory holds the
 * largest part rather than the largest chunk.
 */
interface SparsePart {
  readonly from: number;
  readonly to: number;
  readonly first: number;
  readonly last: number;
}

/**
 * How the sparse kernels run a chunk: in parts of at most `partRatings` ratings and
 * `partUsers` users, and with the blocks read at each rating interleaved when the
 * chunk has at least `interleavePerItem` ratings per item (copying the blocks into
 * place and back costs O(d·K) per chunk, which that many ratings repay). These change
 * the speed only, never the numbers.
 */
export interface SparseTuning {
  readonly partRatings: number;
  readonly partUsers: number;
  readonly interleavePerItem: number;
}
const SPARSE_TUNING: SparseTuning = { partRatings: 1 << 18, partUsers: 1 << 14, interleavePerItem: 32 };
let tuning = SPARSE_TUNING;

/** Sets how the sparse kernels made from now on run (tests make small parts, and interleave or not); no argument: the default. Returns the previous setting. */
export function setSparseTuning(next?: Partial<SparseTuning>): SparseTuning {
  const previous = tuning;
  tuning = { ...SPARSE_TUNING, ...next };
  return previous;
}

/** One sparse chunk: its parts, and its slices of the outputs, made once per fit. */
interface SparseChunk {
  readonly from: number;
  readonly parts: SparsePart[];
  /** Whether its runs take the blocks interleaved. */
  readonly interleave: boolean;
  readonly stats: Float64Array;
  readonly posterior: Float64Array | null;
  readonly rowLogLikelihood: Float64Array | null;
}

/** The parts of users from ≤ u < to: consecutive users, up to partRatings ratings (or one user with more) and partUsers users each. */
function sparseParts(rowStart: Int32Array, from: number, to: number, ratings: number, users: number): SparsePart[] {
  const parts: SparsePart[] = [];
  for (let a = from; a < to; ) {
    let b = a + 1;
    while (b < to && b - a < users && rowStart[b + 1] - rowStart[a] <= ratings) b++;
    parts.push({ from: a, to: b, first: rowStart[a], last: rowStart[b] });
    a = b;
  }
  return parts;
}

/** The arguments both sparse kernels take; run() fills them. */
type SparseCommonArguments = ArgumentsOf<typeof SPARSE_COMMON_ARGUMENTS>;

/**
 * The numbers of a sparse chunk's statistics before its d×K blocks, which must come
 * last, one after another, in the order `blocks` names them (the kernel copies them
 * there from its interleaved sums).
 */
function headSize(offsets: Record<string, number>, blocks: readonly string[], dk: number): number {
  const head = offsets[blocks[0]];
  blocks.forEach((name, b) => {
    if (offsets[name] !== head + b * dk) throw new Error(`internal: the sparse statistics' ${name} is not where the WebAssembly kernel puts it`);
  });
  if (offsets.size !== head + blocks.length * dk) throw new Error('internal: the sparse statistics end with other numbers than the d×K blocks');
  return head;
}

/**
 * The part common to the two sparse families. A run copies the family's parameters
 * in (copyIn), then the chunk part by part: the part's rowStart, items and values (and
 * the family's per-user numbers, copyUsers), a call, and its posterior out when kept;
 * the chunk's statistics, which the calls go on adding to, come out at the end. The
 * memory holds one part, the largest, and the parameters; it grows to them when the
 * kernel is made. The argument block is written on every call, so the kernels of
 * other fits in this thread, which share the instance, cannot leave theirs behind.
 */
abstract class WasmSparseKernel<T extends readonly string[]> {
  protected readonly exports: KernelExports;
  protected readonly at: Regions = new Regions();
  private readonly rowStart: number;
  private readonly items: number;
  private readonly x: number;
  private readonly post: number;
  private readonly rowLL: number;
  private readonly terms: number;
  private readonly stats: number;
  private readonly scatter: number;
  private readonly headSize: number;
  /** Whether some chunk interleaves (then the family takes its regions for it). */
  protected readonly interleaved: boolean;
  private readonly args: ArgumentBlock<T>;
  private readonly chunks: SparseChunk[] = [];
  /** The most users in a part. */
  protected readonly partUsers: number;
  private views: { readonly buffer: ArrayBuffer; readonly f64: Float64Array; readonly i32: Int32Array; readonly stats: Float64Array } | null = null;

  constructor(
    protected readonly data: SparseData,
    protected readonly layout: SparseLayout,
    names: T,
    outputs: Pick<SparseBuffers, 'stats' | 'posterior' | 'rowLogLikelihood'>,
    /** The M-step's d×K blocks, in the order of the statistics (their sums are interleaved in scatter). */
    scatterBlocks: readonly string[],
    offsets: Record<string, number>,
  ) {
    this.exports = instance();
    const { d, k, statsSize, chunkStart } = layout;
    const { rowStart } = data;
    const { partRatings, partUsers, interleavePerItem } = tuning;
    this.headSize = headSize(offsets, scatterBlocks, d * k);
    let ratings = 0;
    let users = 0;
    let interleaved = false;
    for (let c = 0; c < layout.chunks; c++) {
      const from = chunkStart[c];
      const to = chunkStart[c + 1];
      const parts = sparseParts(rowStart, from, to, partRatings, partUsers);
      const interleave = rowStart[to] - rowStart[from] >= interleavePerItem * d;
      interleaved ||= interleave;
      for (const p of parts) {
        ratings = Math.max(ratings, p.last - p.first);
        users = Math.max(users, p.to - p.from);
      }
      this.chunks.push({
        from,
        parts,
        interleave,
        stats: outputs.stats.subarray(c * statsSize, (c + 1) * statsSize),
        posterior: outputs.posterior ? outputs.posterior.subarray(from * k, to * k) : null,
        rowLogLikelihood: outputs.rowLogLikelihood ? outputs.rowLogLikelihood.subarray(from, to) : null,
      });
    }
    this.partUsers = users;
    const at = this.at;
    this.rowStart = at.take((users + 1) * 4);
    this.items = at.take(ratings * 4);
    this.x = at.f64(ratings);
    this.post = at.f64(users * k);
    this.rowLL = at.f64(users);
    this.terms = at.f64(k);
    this.stats = at.f64(statsSize);
    this.scatter = at.f64(interleaved ? scatterBlocks.length * d * k : 0);
    this.interleaved = interleaved;
    this.args = new ArgumentBlock(names, at);
  }

  /** Grows the memory to hold every region taken so far; subclasses call it once their own regions are taken. */
  protected reserve(): void {
    const memory = this.exports.memory;
    const missing = this.at.end - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / PAGE));
  }

  private memoryViews() {
    const buffer = this.exports.memory.buffer;
    if (this.views && this.views.buffer === buffer) return this.views;
    this.views = { buffer, f64: new Float64Array(buffer), i32: new Int32Array(buffer), stats: new Float64Array(buffer, this.stats, this.layout.statsSize) };
    return this.views;
  }

  /** The family's parameters into memory, once per chunk. */
  protected abstract copyIn(f64: Float64Array): void;
  /** The family's numbers per user (users from ≤ u < to) into memory, once per part. */
  protected abstract copyUsers(f64: Float64Array, from: number, to: number): void;
  /** The family's own arguments (the common ones are run()'s). */
  protected abstract ownArguments(): Omit<ArgumentsOf<T>, keyof SparseCommonArguments>;
  protected abstract call(address: number): void;

  run(chunk: number): void {
    const c = this.chunks[chunk];
    const { d, k, statsSize } = this.layout;
    const { rowStart, items, x } = this.data;
    if (c.parts.length === 0) {
      // a chunk with no users (the cut can leave the last ones empty): sums of nothing
      c.stats.fill(0);
      return;
    }
    const views = this.memoryViews();
    const { f64, i32 } = views;
    this.copyIn(f64);
    const own = this.ownArguments();
    for (let i = 0; i < c.parts.length; i++) {
      const part = c.parts[i];
      const rows = part.to - part.from;
      i32.set(rowStart.subarray(part.from, part.to + 1), this.rowStart / 4);
      i32.set(items.subarray(part.first, part.last), this.items / 4);
      f64.set(x.subarray(part.first, part.last), this.x / 8);
      this.copyUsers(f64, part.from, part.to);
      const common: SparseCommonArguments = {
        rows,
        d,
        k,
        firstRating: part.first,
        rowStart: this.rowStart,
        items: this.items,
        x: this.x,
        post: this.post,
        rowLL: this.rowLL,
        terms: this.terms,
        stats: this.stats,
        scatter: this.scatter,
        interleave: c.interleave ? 1 : 0,
        firstPart: i === 0 ? 1 : 0,
        lastPart: i === c.parts.length - 1 ? 1 : 0,
        fraction: 0,
        statsSize,
        headSize: this.headSize,
      };
      this.args.write(views.buffer, { ...common, ...own } as ArgumentsOf<T>);
      this.call(this.args.address);
      const o = part.from - c.from;
      if (c.posterior) c.posterior.set(f64.subarray(this.post / 8, this.post / 8 + rows * k), o * k);
      if (c.rowLogLikelihood) c.rowLogLikelihood.set(f64.subarray(this.rowLL / 8, this.rowLL / 8 + rows), o);
    }
    c.stats.set(views.stats);
  }
}

/** Runs the WebAssembly sparse spherical E-step (kernels/sparse.ts sparseSphericalChunk's bits) on one fit's chunks, in this thread. */
export class WasmSparseSphericalKernel extends WasmSparseKernel<typeof SPARSE_SPHERICAL_ARGUMENTS> {
  private readonly rowSquares: number;
  private readonly rowObserved: number;
  private readonly logWeight: number;
  private readonly halfLogNorm: number;
  private readonly invTwoVar: number;
  private readonly mu: number;

  constructor(
    data: SparseData,
    layout: SparseLayout,
    private readonly buffers: SparseBuffers,
    private readonly offsets: ReturnType<typeof sparseSphericalStats>,
  ) {
    super(data, layout, SPARSE_SPHERICAL_ARGUMENTS, buffers, ['sumX', 'weight'], offsets);
    const { d, k } = layout;
    const at = this.at;
    this.rowSquares = at.f64(this.partUsers);
    this.rowObserved = at.f64(this.partUsers);
    this.logWeight = at.f64(k);
    this.halfLogNorm = at.f64(k);
    this.invTwoVar = at.f64(k);
    this.mu = at.f64(d * k);
    this.reserve();
  }

  protected copyIn(f64: Float64Array): void {
    const { buffers } = this;
    f64.set(buffers.logWeight, this.logWeight / 8);
    f64.set(buffers.halfLogNorm, this.halfLogNorm / 8);
    f64.set(buffers.invTwoVar, this.invTwoVar / 8);
    f64.set(buffers.a, this.mu / 8);
  }

  protected copyUsers(f64: Float64Array, from: number, to: number): void {
    f64.set(this.data.rowSquares.subarray(from, to), this.rowSquares / 8);
    f64.set(this.data.rowObserved.subarray(from, to), this.rowObserved / 8);
  }

  protected ownArguments() {
    const o = this.offsets;
    return {
      rowSquares: this.rowSquares,
      rowObserved: this.rowObserved,
      logWeight: this.logWeight,
      halfLogNorm: this.halfLogNorm,
      invTwoVar: this.invTwoVar,
      mu: this.mu,
      statLL: o.ll,
      statNHat: o.nHat,
      statRowSq: o.rowSq,
      statObserved: o.observed,
      statSumX: o.sumX,
      statWeight: o.weight,
    };
  }

  protected call(address: number): void {
    this.exports.sparseSphericalExpectation(address);
  }
}

/** Runs the WebAssembly sparse diag E-step (kernels/sparse.ts sparseDiagChunk's bits) on one fit's chunks, in this thread. */
export class WasmSparseDiagKernel extends WasmSparseKernel<typeof SPARSE_DIAG_ARGUMENTS> {
  private readonly logWeight: number;
  private readonly scaledMu: number;
  private readonly precision: number;
  private readonly muTerm: number;
  private readonly logNorm: number;
  private readonly params: number;

  constructor(
    data: SparseData,
    layout: SparseLayout,
    private readonly buffers: SparseBuffers,
    private readonly offsets: ReturnType<typeof sparseDiagStats>,
  ) {
    super(data, layout, SPARSE_DIAG_ARGUMENTS, buffers, ['sumX', 'sumXX', 'weight'], offsets);
    const { d, k } = layout;
    const at = this.at;
    this.logWeight = at.f64(k);
    this.scaledMu = at.f64(d * k);
    this.precision = at.f64(d * k);
    this.muTerm = at.f64(d * k);
    this.logNorm = at.f64(d * k);
    this.params = at.f64(this.interleaved ? 4 * d * k : 0);
    this.reserve();
  }

  protected copyIn(f64: Float64Array): void {
    const { buffers } = this;
    f64.set(buffers.logWeight, this.logWeight / 8);
    f64.set(buffers.a, this.scaledMu / 8);
    f64.set(buffers.b, this.precision / 8);
    f64.set(buffers.c, this.muTerm / 8);
    f64.set(buffers.e, this.logNorm / 8);
  }

  protected copyUsers(): void {
    // the diag E-step reads no per-user numbers
  }

  protected ownArguments() {
    const o = this.offsets;
    return {
      logWeight: this.logWeight,
      scaledMu: this.scaledMu,
      precision: this.precision,
      muTerm: this.muTerm,
      logNorm: this.logNorm,
      params: this.params,
      statLL: o.ll,
      statNHat: o.nHat,
      statSumX: o.sumX,
      statSumXX: o.sumXX,
      statWeight: o.weight,
    };
  }

  protected call(address: number): void {
    this.exports.sparseDiagExpectation(address);
  }
}
