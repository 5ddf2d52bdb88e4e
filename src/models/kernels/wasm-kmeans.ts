import type { PreparedData } from '../data';
import type { ChunkLayout } from './layout';
import type { KMeansBuffers } from './kmeans';
import { KMEANS_BLOCK_ROWS, kmeansStats } from './kmeans';
import { ArgumentBlock, instance, PAGE, Regions, type KernelExports } from './wasm';
import { KMEANS_ARGUMENTS } from './wasm-abi';

/**
 * k-means's two phases in WebAssembly SIMD (assembly/kmeans.ts): the bits of
 * kernels/kmeans.ts kmeansChunk, chunk for chunk.
 *
 * The rows do not change during a fit, and a k-means iteration reads each only a few
 * times, so copying a chunk in on every pass would cost a good share of the pass: each
 * chunk this thread runs is copied into the instance's memory the first time it comes,
 * and stays (the thread's share of the data, held twice). Data larger than
 * RESIDENT_LIMIT is copied in chunk by chunk instead. The means are copied once per
 * pass (begin); a run copies the chunk's labels in, and its statistics and (phase 0)
 * labels out.
 */

/** Above this many bytes of data (rows and their squares), the chunks are copied in on every run instead of kept. */
const RESIDENT_LIMIT = 1 << 30;

interface KMeansViews {
  readonly buffer: ArrayBuffer;
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  readonly u32: Uint32Array;
  readonly stats: Float64Array;
}

export class WasmKMeansKernel {
  private readonly exports: KernelExports;
  private readonly at = new Regions();
  private readonly args: ArgumentBlock<typeof KMEANS_ARGUMENTS>;
  private readonly mu: number;
  private readonly muT: number;
  private readonly muNorm: number;
  private readonly bounds: number;
  private readonly label: number;
  private readonly stats: number;
  /** Per chunk: where its rows and their squares sit in memory (resident), or −1 until its first run. */
  private readonly rowsAt: Int32Array;
  private readonly squaresAt: Int32Array;
  private readonly resident: boolean;
  /** Per chunk: its rows, their squares and its labels, as views made once. */
  private readonly slices: { readonly x: Float64Array; readonly sq: Float64Array; readonly label: Int32Array }[] = [];
  private views: KMeansViews | null = null;

  constructor(
    data: PreparedData,
    private readonly layout: ChunkLayout,
    private readonly buffers: KMeansBuffers,
  ) {
    this.exports = instance();
    const { d, k, chunkRows, chunks, statsSize } = layout;
    const at = this.at;
    const block = Math.min(chunkRows, KMEANS_BLOCK_ROWS);
    this.mu = at.f64(k * d);
    this.muT = at.f64(d * k);
    this.muNorm = at.f64(k);
    this.bounds = at.f64(3);
    this.label = at.take(chunkRows * 4);
    const dots = at.f64(block * k);
    const pick = at.take(block * 4);
    const distance = at.f64(block);
    this.stats = at.f64(statsSize);
    this.args = new ArgumentBlock(KMEANS_ARGUMENTS, at);
    this.resident = layout.n * (d + 1) * 8 <= RESIDENT_LIMIT;
    this.rowsAt = new Int32Array(chunks).fill(-1);
    this.squaresAt = new Int32Array(chunks).fill(-1);
    if (!this.resident) {
      // One chunk's room, used by every run.
      this.rowsAt.fill(at.f64(chunkRows * d));
      this.squaresAt.fill(at.f64(chunkRows));
    }
    for (let c = 0; c < chunks; c++) {
      const from = c * chunkRows;
      const to = Math.min(layout.n, from + chunkRows);
      this.slices.push({ x: data.x.subarray(from * d, to * d), sq: data.rowSquares.subarray(from, to), label: buffers.label.subarray(from, to) });
    }
    this.grow();
    const o = kmeansStats(k, d);
    this.args.write(this.exports.memory.buffer, {
      rows: chunkRows,
      d,
      k,
      x: 0,
      sq: 0,
      mu: this.mu,
      muT: this.muT,
      muNorm: this.muNorm,
      bounds: this.bounds,
      label: this.label,
      dots,
      pick,
      distance,
      blockRows: KMEANS_BLOCK_ROWS,
      stats: this.stats,
      statsSize,
      statCost: o.cost,
      statCount: o.count,
      statDeviation: o.deviation,
      statSum: o.sum,
    });
  }

  /** Grows the memory to hold every region taken so far. */
  private grow(): void {
    const memory = this.exports.memory;
    const missing = this.at.end - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / PAGE));
  }

  private memoryViews(): KMeansViews {
    const buffer = this.exports.memory.buffer;
    if (this.views && this.views.buffer === buffer) return this.views;
    const { statsSize } = this.layout;
    this.views = {
      buffer,
      f64: new Float64Array(buffer),
      i32: new Int32Array(buffer),
      u32: new Uint32Array(buffer),
      stats: new Float64Array(buffer, this.stats, statsSize),
    };
    return this.views;
  }

  /** The means, transposed, their norms and the bounds, for every chunk of this pass. */
  begin(): void {
    const { f64 } = this.memoryViews();
    const { d, k } = this.layout;
    const { mu, muNorm, bounds } = this.buffers;
    f64.set(mu, this.mu / 8);
    const t = this.muT / 8;
    for (let j = 0; j < k; j++) for (let i = 0; i < d; i++) f64[t + i * k + j] = mu[j * d + i];
    f64.set(muNorm, this.muNorm / 8);
    f64.set(bounds, this.bounds / 8);
  }

  run(chunk: number, phase: number): void {
    const { layout } = this;
    const { d } = layout;
    const slice = this.slices[chunk];
    const rows = slice.sq.length;
    let copy = !this.resident;
    if (this.rowsAt[chunk] < 0) {
      this.rowsAt[chunk] = this.at.f64(rows * d);
      this.squaresAt[chunk] = this.at.f64(rows);
      this.grow();
      copy = true;
    }
    const views = this.memoryViews();
    const { f64, i32, u32 } = views;
    if (copy) {
      f64.set(slice.x, this.rowsAt[chunk] / 8);
      f64.set(slice.sq, this.squaresAt[chunk] / 8);
    }
    const label = slice.label;
    const first = this.label / 4;
    i32.set(label, first);
    const args = this.args;
    args.set(u32, 'rows', rows);
    args.set(u32, 'x', this.rowsAt[chunk]);
    args.set(u32, 'sq', this.squaresAt[chunk]);
    if (phase === 1) this.exports.kmeansDeviation(args.address);
    else {
      this.exports.kmeansExpectation(args.address);
      for (let t = 0; t < rows; t++) label[t] = i32[first + t];
    }
    this.buffers.stats.set(views.stats, chunk * layout.statsSize);
  }
}
