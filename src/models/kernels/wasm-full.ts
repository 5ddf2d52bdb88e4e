import type { PreparedData } from '../data';
import type { FullBuffers, FullRows, FullStats } from './full';
import type { ChunkLayout } from './layout';
import { ArgumentBlock, instance, PAGE, Regions, type KernelExports } from './wasm';
import { FULL_ARGUMENTS, type ArgumentsOf } from './wasm-abi';

/**
 * The full family's two phases in WebAssembly SIMD (assembly/full.ts): the bits of
 * kernels/full.ts FullChunkKernel, chunk for chunk. The E-step's forward
 * substitutions go eight complete rows at a time (each load of a factor entry
 * serves eight rows) and the scatter is a symmetric rank-k update over blocks of
 * rows, with tiles of the lower triangle held in registers; rows with missing cells
 * take their own pattern's factor and are completed by their conditional means, as
 * in the TypeScript kernel.
 *
 * The parameters are cached per pattern of missing cells (FullState's buffers, in
 * shared memory when rows are split). A run copies in the chunk's rows and, for the
 * patterns present in the chunk only (numbered locally), their factors (phase 0) or
 * regressions (when cells are missing), runs, and copies the chunk's statistics out
 * into its block in FullState's layout. Every region is taken, and the memory grown,
 * when the kernel is made; a run allocates nothing.
 */

/** Rows per block of the scatter (a multiple of 4): the block's differences stay in the caches while the tiles pass over them. */
const BLOCK_ROWS = 128;
/** Rows per panel of the E-step's solves (assembly/full.ts PANEL). */
const PANEL = 8;

/** One chunk's rows, its patterns (numbered locally) and its slices of the outputs, made once per fit. */
interface FullChunk {
  readonly from: number;
  readonly rows: number;
  /** The global id of each local pattern. */
  readonly patterns: Int32Array;
  /** Each row's local pattern. */
  readonly rowPattern: Int32Array;
  /** Per local pattern: its observed columns' count, and its observed and missing columns (d each). */
  readonly observedCount: Int32Array;
  readonly observed: Int32Array;
  readonly missing: Int32Array;
  readonly hasMissing: boolean;
  readonly x: Float64Array;
  readonly posterior: Float64Array;
  readonly rowLogLikelihood: Float64Array;
  readonly stats: Float64Array;
}

/** Views of the instance's memory, made again only after it grew. */
interface FullViews {
  readonly buffer: ArrayBuffer;
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  readonly u32: Uint32Array;
  /** Per chunk, as long as the chunk: the posterior and the row log-likelihoods. */
  readonly posterior: Float64Array[];
  readonly rowLogLikelihood: Float64Array[];
  /** Phase 0's LL and n̂ (1 + K), its Σ post·x̂ (K×d); phase 1's scatter (K×d×d). */
  readonly head: Float64Array;
  readonly meanSum: Float64Array;
  readonly scatter: Float64Array;
}

export class WasmFullKernel {
  private readonly exports: KernelExports;
  private readonly at = new Regions();
  private readonly args: ArgumentBlock<typeof FULL_ARGUMENTS>;
  private readonly values: ArgumentsOf<typeof FULL_ARGUMENTS>;
  /** The argument block's numbers in order (rows and patterns set per run), written before every call. */
  private readonly ordered: Uint32Array;
  private readonly rowsIndex = FULL_ARGUMENTS.indexOf('rows');
  private readonly patternsIndex = FULL_ARGUMENTS.indexOf('patterns');
  private readonly patternCount: number;
  private readonly chunks: FullChunk[] = [];
  /** Per global pattern: its K slots of the factor, log-determinant, inverted diagonal and regression. */
  private readonly factorOf: Float64Array[] = [];
  private readonly logDetOf: Float64Array[] = [];
  private readonly inverseOf: Float64Array[] = [];
  private readonly regressionOf: Float64Array[] = [];
  private views: FullViews | null = null;
  /**
   * The pattern whose factors (phase 0) or regressions (phase 1) sit at local slot 0
   * since this pass began, or −1: a chunk of one pattern then copies nothing (complete
   * data has one). Only when the runner says when passes begin (begin()).
   */
  private cachedFactor = -1;
  private cachedRegression = -1;
  private passes = false;
  private readonly slot: number;
  private readonly statsAt: { readonly nHat: number; readonly meanSum: number; readonly patternWeight: number; readonly size: number };

  constructor(
    private readonly data: PreparedData,
    private readonly layout: ChunkLayout,
    rows: FullRows,
    private readonly buffers: FullBuffers,
    private readonly offsets: FullStats,
  ) {
    this.exports = instance();
    const { d, k, chunkRows } = layout;
    if (offsets.nHat !== offsets.ll + 1) throw new Error('internal: the full statistics no longer start with LL then n̂');
    const slot = (this.slot = d * d);
    const { patterns, rowPattern } = rows;
    this.patternCount = patterns.length;
    let most = 1;
    let anyMissing = false;
    const local = new Int32Array(patterns.length).fill(-1);
    for (let c = 0; c < layout.chunks; c++) {
      const from = c * chunkRows;
      const to = Math.min(layout.n, from + chunkRows);
      const globals: number[] = [];
      const own = new Int32Array(to - from);
      for (let u = from; u < to; u++) {
        const p = rowPattern[u];
        if (local[p] < 0) {
          local[p] = globals.length;
          globals.push(p);
        }
        own[u - from] = local[p];
      }
      for (const p of globals) local[p] = -1;
      const count = globals.length;
      const observedCount = new Int32Array(count);
      const observed = new Int32Array(count * d);
      const missing = new Int32Array(count * d);
      let hasMissing = false;
      globals.forEach((p, lp) => {
        const pattern = patterns[p];
        observedCount[lp] = pattern.observed.length;
        observed.set(pattern.observed, lp * d);
        missing.set(pattern.missing, lp * d);
        hasMissing ||= pattern.missing.length > 0;
      });
      most = Math.max(most, count);
      anyMissing ||= hasMissing;
      this.chunks.push({
        from,
        rows: to - from,
        patterns: Int32Array.from(globals),
        rowPattern: own,
        observedCount,
        observed,
        missing,
        hasMissing,
        x: data.x.subarray(from * d, to * d),
        posterior: buffers.posterior.subarray(from * k, to * k),
        rowLogLikelihood: buffers.rowLogLikelihood.subarray(from, to),
        stats: buffers.stats.subarray(c * layout.statsSize, (c + 1) * layout.statsSize),
      });
    }
    for (let p = 0; p < patterns.length; p++) {
      this.factorOf.push(buffers.factor.subarray(p * k * slot, (p + 1) * k * slot));
      this.logDetOf.push(buffers.logDet.subarray(p * k, (p + 1) * k));
      this.inverseOf.push(buffers.inverseDiagonal.subarray(p * k * d, (p + 1) * k * d));
      this.regressionOf.push(buffers.regression.subarray(p * k * slot, (p + 1) * k * slot));
    }

    const at = this.at;
    const blockRows = Math.min(BLOCK_ROWS, Math.ceil(chunkRows / 4) * 4);
    const width = Math.ceil(d / 4) * 4;
    // The wasm side's phase-0 statistics: [LL, n̂ (K), Σ post·x̂ (K×d), the local patterns' weights (most×K)].
    this.statsAt = { nHat: 1, meanSum: 1 + k, patternWeight: 1 + k + k * d, size: 1 + k + k * d + most * k };
    const x = at.f64(chunkRows * d);
    const rowPatternAt = at.take(chunkRows * 4);
    const observedCount = at.take(most * 4);
    const observed = at.take(most * d * 4);
    const missing = at.take(most * d * 4);
    const factor = at.f64(most * k * slot);
    const regression = at.f64(anyMissing ? most * k * slot : 0);
    const logDet = at.f64(most * k);
    const inverseDiagonal = at.f64(most * k * d);
    const mu = at.f64(k * d);
    const newMean = at.f64(k * d);
    const logWeight = at.f64(k);
    const post = at.f64(chunkRows * k);
    const rowLL = at.f64(chunkRows);
    const stats = at.f64(this.statsAt.size);
    // The scatter, with room for the tiles' columns past d (read, never stored).
    const scatter = at.f64(k * slot + 8);
    const panel = at.f64(2 * d * PANEL + PANEL + PANEL / 2);
    const work = at.f64(d);
    const filled = at.f64(d);
    const blockP = at.f64(blockRows * width);
    const blockD = at.f64(blockRows * width);
    const groupFlag = at.take(blockRows);
    this.args = new ArgumentBlock(FULL_ARGUMENTS, at);
    const memory = this.exports.memory;
    const short = at.end - memory.buffer.byteLength;
    if (short > 0) memory.grow(Math.ceil(short / PAGE));
    this.values = {
      rows: chunkRows,
      d,
      k,
      patterns: 0,
      x,
      rowPattern: rowPatternAt,
      observedCount,
      observed,
      missing,
      factor,
      regression,
      logDet,
      inverseDiagonal,
      mu,
      newMean,
      logWeight,
      post,
      rowLL,
      stats,
      scatter,
      panel,
      work,
      filled,
      blockP,
      blockD,
      groupFlag,
      blockRows,
      fraction: 0,
      statsSize: this.statsAt.size,
      statLL: 0,
      statNHat: this.statsAt.nHat,
      statMeanSum: this.statsAt.meanSum,
      statPatternWeight: this.statsAt.patternWeight,
    };
    this.ordered = Uint32Array.from(FULL_ARGUMENTS, (name) => this.values[name]);
  }

  private memoryViews(): FullViews {
    const buffer = this.exports.memory.buffer;
    if (this.views && this.views.buffer === buffer) return this.views;
    const { d, k } = this.layout;
    const v = this.values;
    this.views = {
      buffer,
      f64: new Float64Array(buffer),
      i32: new Int32Array(buffer),
      u32: new Uint32Array(buffer),
      posterior: this.chunks.map((c) => new Float64Array(buffer, v.post, c.rows * k)),
      rowLogLikelihood: this.chunks.map((c) => new Float64Array(buffer, v.rowLL, c.rows)),
      head: new Float64Array(buffer, v.stats, 1 + k),
      meanSum: new Float64Array(buffer, v.stats + this.statsAt.meanSum * 8, k * d),
      scatter: new Float64Array(buffer, v.scatter, k * this.slot),
    };
    return this.views;
  }

  /** A pass begins: the parameters may have changed since the last. */
  begin(): void {
    this.passes = true;
    this.cachedFactor = -1;
    this.cachedRegression = -1;
  }

  run(chunk: number, phase: number): void {
    const c = this.chunks[chunk];
    const { k } = this.layout;
    const views = this.memoryViews();
    const { f64, i32, u32 } = views;
    const v = this.values;
    const b = this.buffers;
    const slots = k * this.slot;
    f64.set(c.x, v.x / 8);
    i32.set(c.rowPattern, v.rowPattern / 4);
    i32.set(c.observedCount, v.observedCount / 4);
    i32.set(c.observed, v.observed / 4);
    i32.set(c.missing, v.missing / 4);
    if (phase === 0 || c.hasMissing) f64.set(b.mu, v.mu / 8);
    const one = this.passes && c.patterns.length === 1 ? c.patterns[0] : -1;
    const copyFactors = phase === 0 && (one < 0 || one !== this.cachedFactor);
    const copyRegressions = c.hasMissing && (one < 0 || one !== this.cachedRegression);
    for (let lp = 0; lp < c.patterns.length; lp++) {
      const p = c.patterns[lp];
      if (copyFactors) {
        f64.set(this.factorOf[p], v.factor / 8 + lp * slots);
        f64.set(this.logDetOf[p], v.logDet / 8 + lp * k);
        f64.set(this.inverseOf[p], v.inverseDiagonal / 8 + lp * k * this.layout.d);
      }
      if (copyRegressions && c.observedCount[lp] < this.layout.d) f64.set(this.regressionOf[p], v.regression / 8 + lp * slots);
    }
    if (copyFactors) this.cachedFactor = one;
    if (copyRegressions) this.cachedRegression = one;
    this.ordered[this.rowsIndex] = c.rows;
    this.ordered[this.patternsIndex] = c.patterns.length;
    u32.set(this.ordered, this.args.address / 4);
    if (phase === 0) {
      f64.set(b.logWeight, v.logWeight / 8);
      this.exports.fullExpectation(this.args.address);
      c.posterior.set(views.posterior[chunk]);
      c.rowLogLikelihood.set(views.rowLogLikelihood[chunk]);
      // Into the chunk's block in FullState's layout, as the TypeScript kernel leaves it.
      const o = this.offsets;
      const block = c.stats;
      block.set(views.head, o.ll);
      block.set(views.meanSum, o.meanSum);
      block.fill(0, o.patternWeight, o.patternWeight + this.patternCount * k);
      const weights = v.stats / 8 + this.statsAt.patternWeight;
      for (let lp = 0; lp < c.patterns.length; lp++) {
        const to = o.patternWeight + c.patterns[lp] * k;
        for (let j = 0; j < k; j++) block[to + j] = f64[weights + lp * k + j];
      }
    } else {
      f64.set(c.posterior, v.post / 8);
      f64.set(b.newMean, v.newMean / 8);
      this.exports.fullScatter(this.args.address);
      c.stats.set(views.scatter);
    }
  }
}
