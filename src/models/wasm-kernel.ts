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

/** Runs the WebAssembly E-step on one fit's chunks, in this thread. */
export class WasmChunkKernel {
  private readonly exports: KernelExports;
  private readonly at: Regions;

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
  }

  run(chunk: number): void {
    const { data, layout, buffers, at } = this;
    const { d, k, statsSize } = layout;
    const from = chunk * layout.chunkRows;
    const to = Math.min(layout.n, from + layout.chunkRows);
    const rows = to - from;
    const buffer = this.exports.memory.buffer;
    const f64 = new Float64Array(buffer);

    // Parameters: the means also transposed (d×K), so two components share a vector.
    const { mu } = buffers;
    f64.set(mu, at.mu / 8);
    for (let j = 0, muT = at.muT / 8; j < k; j++) for (let i = 0; i < d; i++) f64[muT + i * k + j] = mu[j * d + i];
    f64.set(buffers.logWeight, at.logWeight / 8);
    f64.set(buffers.halfLogNorm, at.halfLogNorm / 8);
    f64.set(buffers.invTwoVar, at.invTwoVar / 8);
    f64.set(buffers.muNorm, at.muNorm / 8);
    // The chunk's rows.
    f64.set(data.x.subarray(from * d, to * d), at.x / 8);
    f64.set(data.rowSquares.subarray(from, to), at.sq / 8);
    f64.set(data.rowObserved.subarray(from, to), at.obs / 8);
    const { missingStart, missingIndex, observed } = data;
    const hasMissing = missingStart !== null && missingIndex !== null && observed !== null;
    if (hasMissing) {
      f64.set(buffers.muSquaredT, at.muSqT / 8);
      const i32 = new Int32Array(buffer);
      const first = missingStart[from];
      for (let u = 0, s = at.missStart / 4; u <= rows; u++) i32[s + u] = missingStart[from + u] - first;
      i32.set(missingIndex.subarray(first, missingStart[to]), at.missIndex / 4);
      new Uint8Array(buffer).set(observed.subarray(from * d, to * d), at.mask);
    }
    const keep = buffers.posterior !== null;
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
    buffers.stats.set(f64.subarray(at.stats / 8, at.stats / 8 + statsSize), chunk * statsSize);
    if (buffers.posterior) buffers.posterior.set(f64.subarray(at.post / 8, at.post / 8 + rows * k), from * k);
    if (buffers.rowLogLikelihood) buffers.rowLogLikelihood.set(f64.subarray(at.rowLL / 8, at.rowLL / 8 + rows), from);
  }
}
