import type { PreparedData } from './data';
import { FRACTION } from './exp';
import type { ChunkLayout, SphericalBuffers } from './spherical-chunk';

/**
 * The spherical E-step in WebAssembly SIMD (assembly/spherical.ts, built by
 * scripts/build-wasm.js). It computes the same bits as the TypeScript kernel
 * (spherical-chunk.ts expectationChunk), about twice as fast.
 *
 * Each thread has one instance with its own memory, which grows to the largest
 * chunk it has been given. A call copies the chunk's rows and the parameters
 * in, runs, and copies the chunk's statistics (and posterior, when kept) out:
 * the data stay where they are, so nothing is held twice beyond one chunk.
 */
interface KernelExports {
  readonly memory: WasmMemory;
  expectation(...args: number[]): number;
}

// The little of the WebAssembly JS API used here (TypeScript's ES2022 lib does not declare it).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
type WasmModule = object;
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { readonly exports: object };
}
const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: WasmModule | null | undefined;

/**
 * The compiled module, or null where it cannot be had: not built (no
 * AssemblyScript at install) or no WebAssembly SIMD in this runtime.
 * Loaded with require, as a compiled module; from dist/ when running src/ under ts-jest.
 */
function kernelModule(): WasmModule | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  for (const candidate of ['../wasm/spherical.js', '../../dist/wasm/spherical.js']) {
    let bytes: Uint8Array;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      bytes = require(candidate) as Uint8Array;
    } catch {
      continue;
    }
    if (wasm && wasm.validate(bytes)) compiled = new wasm.Module(bytes);
    break;
  }
  return compiled;
}

export function wasmKernelAvailable(): boolean {
  return kernelModule() !== null;
}

const PAGE = 65536;
/** The exp table sits at address 0; a kernel's regions start here. */
const REGION_START = 1024;

let threadInstance: KernelExports | null = null;

function instance(): KernelExports {
  if (threadInstance) return threadInstance;
  const module = kernelModule();
  if (!module || !wasm) throw new Error('the WebAssembly kernel is not available');
  const exports = new wasm.Instance(module, { env: { log: Math.log, exp: Math.exp } }).exports as unknown as KernelExports;
  exports.memory.grow(1);
  new Float64Array(exports.memory.buffer, 0, FRACTION.length).set(FRACTION);
  threadInstance = exports;
  return exports;
}

/** Byte offsets of one kernel's arrays in the instance's memory. */
interface Regions {
  readonly mu: number;
  readonly muT: number;
  readonly logWeight: number;
  readonly halfLogNorm: number;
  readonly invTwoVar: number;
  readonly muNorm: number;
  readonly muSqT: number;
  readonly x: number;
  readonly sq: number;
  readonly obs: number;
  readonly post: number;
  readonly rowLL: number;
  readonly stats: number;
  readonly logTerm: number;
  readonly missingNorm: number;
  readonly missStart: number;
  readonly missIndex: number;
  readonly mask: number;
  readonly maskF64: number;
  readonly end: number;
}

function regionsFor(layout: ChunkLayout, hasMissing: boolean): Regions {
  const { d, k, chunkRows: rows, statsSize } = layout;
  let at = REGION_START;
  const take = (bytes: number) => {
    const start = at;
    at += Math.ceil(bytes / 16) * 16;
    return start;
  };
  const f64 = (length: number) => take(length * 8);
  const missing = hasMissing ? 1 : 0;
  return {
    mu: f64(k * d),
    muT: f64(d * k),
    logWeight: f64(k),
    halfLogNorm: f64(k),
    invTwoVar: f64(k),
    muNorm: f64(k),
    muSqT: f64(d * k * missing),
    x: f64(rows * d),
    sq: f64(rows),
    obs: f64(rows),
    post: f64(rows * k),
    rowLL: f64(rows),
    stats: f64(statsSize),
    logTerm: f64(k),
    missingNorm: f64(k),
    missStart: take((rows + 1) * 4 * missing),
    missIndex: take(rows * d * 4 * missing),
    mask: take(rows * d * missing),
    maskF64: f64(rows * d * missing),
    end: at,
  };
}

/** One chunk's slices of the data and of the outputs, made once per fit. */
interface ChunkSlices {
  readonly rows: number;
  readonly x: Float64Array;
  readonly rowSquares: Float64Array;
  readonly rowObserved: Float64Array;
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
  readonly u8: Uint8Array;
  readonly stats: Float64Array;
  /** Per chunk: the posterior and row LLs the kernel wrote, as long as the chunk. */
  readonly posterior: Float64Array[];
  readonly rowLogLikelihood: Float64Array[];
}

/**
 * Runs the WebAssembly E-step on one fit's chunks, in this thread. Every view
 * it needs is made when it is built (or after the memory grows), so a run
 * allocates nothing.
 */
export class WasmChunkKernel {
  private readonly exports: KernelExports;
  private readonly at: Regions;
  private readonly slices: ChunkSlices[] = [];
  private views: MemoryViews | null = null;

  constructor(
    private readonly data: PreparedData,
    private readonly layout: ChunkLayout,
    private readonly buffers: SphericalBuffers,
  ) {
    this.exports = instance();
    this.at = regionsFor(layout, data.missingStart !== null);
    const memory = this.exports.memory;
    const missing = this.at.end - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / PAGE));
    const { d, k, statsSize } = layout;
    const { missingStart, missingIndex, observed } = data;
    for (let c = 0; c < layout.chunks; c++) {
      const from = c * layout.chunkRows;
      const to = Math.min(layout.n, from + layout.chunkRows);
      this.slices.push({
        rows: to - from,
        x: data.x.subarray(from * d, to * d),
        rowSquares: data.rowSquares.subarray(from, to),
        rowObserved: data.rowObserved.subarray(from, to),
        mask: observed ? observed.subarray(from * d, to * d) : null,
        missingIndex: missingStart && missingIndex ? missingIndex.subarray(missingStart[from], missingStart[to]) : null,
        stats: buffers.stats.subarray(c * statsSize, (c + 1) * statsSize),
        posterior: buffers.posterior ? buffers.posterior.subarray(from * k, to * k) : null,
        rowLogLikelihood: buffers.rowLogLikelihood ? buffers.rowLogLikelihood.subarray(from, to) : null,
      });
    }
  }

  private memoryViews(): MemoryViews {
    const buffer = this.exports.memory.buffer;
    if (this.views && this.views.buffer === buffer) return this.views;
    const { at, layout } = this;
    this.views = {
      buffer,
      f64: new Float64Array(buffer),
      i32: new Int32Array(buffer),
      u8: new Uint8Array(buffer),
      stats: new Float64Array(buffer, at.stats, layout.statsSize),
      posterior: this.slices.map((s) => new Float64Array(buffer, at.post, s.rows * layout.k)),
      rowLogLikelihood: this.slices.map((s) => new Float64Array(buffer, at.rowLL, s.rows)),
    };
    return this.views;
  }

  run(chunk: number): void {
    const { data, layout, buffers, at } = this;
    const { d, k } = layout;
    const slice = this.slices[chunk];
    const { rows } = slice;
    const from = chunk * layout.chunkRows;
    const views = this.memoryViews();
    const { f64, i32, u8 } = views;

    // Parameters: the means also transposed (d×K), so two components share a vector.
    const { mu } = buffers;
    f64.set(mu, at.mu / 8);
    for (let j = 0, muT = at.muT / 8; j < k; j++) for (let i = 0; i < d; i++) f64[muT + i * k + j] = mu[j * d + i];
    f64.set(buffers.logWeight, at.logWeight / 8);
    f64.set(buffers.halfLogNorm, at.halfLogNorm / 8);
    f64.set(buffers.invTwoVar, at.invTwoVar / 8);
    f64.set(buffers.muNorm, at.muNorm / 8);
    // The chunk's rows.
    f64.set(slice.x, at.x / 8);
    f64.set(slice.rowSquares, at.sq / 8);
    f64.set(slice.rowObserved, at.obs / 8);
    const { missingStart } = data;
    const hasMissing = missingStart !== null && slice.mask !== null && slice.missingIndex !== null;
    if (hasMissing) {
      f64.set(buffers.muSquaredT, at.muSqT / 8);
      const first = missingStart[from];
      for (let u = 0, s = at.missStart / 4; u <= rows; u++) i32[s + u] = missingStart[from + u] - first;
      i32.set(slice.missingIndex, at.missIndex / 4);
      u8.set(slice.mask, at.mask);
    }
    const keep = slice.posterior !== null;
    this.exports.expectation(
      rows,
      d,
      k,
      at.x,
      at.sq,
      at.obs,
      at.mu,
      at.muT,
      at.logWeight,
      at.halfLogNorm,
      at.invTwoVar,
      at.muNorm,
      hasMissing ? at.missStart : 0,
      at.missIndex,
      at.muSqT,
      at.mask,
      at.maskF64,
      at.post,
      keep ? at.rowLL : 0,
      at.stats,
      at.logTerm,
      at.missingNorm,
      0,
    );
    slice.stats.set(views.stats);
    if (slice.posterior) slice.posterior.set(views.posterior[chunk]);
    if (slice.rowLogLikelihood) slice.rowLogLikelihood.set(views.rowLogLikelihood[chunk]);
  }
}
