/**
 * How a sweep's fits are run: all in this thread; spread over a pool of worker
 * threads, one (K, seed) fit each at a time; or, for a single large fit (Gaussian or k-means),
 * its rows split over threads. Every plan gives the same bits; the plan only
 * decides the speed, and is chosen by the pure function below (tests assert on it).
 */
export type Plan = { readonly executor: 'thread' } | { readonly executor: 'pool'; readonly workers: number } | { readonly executor: 'rows'; readonly threads: number };

/** Below this much work (cells × Σ K over the fits) a sweep stays in this thread: starting workers would cost more than it saves. */
export const DEFAULT_MIN_PARALLEL_WORK = 2e7;
/** A single fit is split over threads from this much work per E-step (cells × K). */
export const DEFAULT_MIN_ROW_SPLIT_WORK = 1e6;

export interface PlanInput {
  readonly rows: number;
  readonly cols: number;
  /** The cells an E-step reads: rows × cols for a dense table (the default), the ratings for sparse rows. */
  readonly cells?: number;
  readonly ks: readonly number[];
  readonly seeds: readonly number[];
  /** How many covariance families are swept (default 1). */
  readonly families?: number;
  /** At most this many threads in all. */
  readonly jobs: number;
  /** Each iteration is reported as it happens: the fits run one at a time, here. */
  readonly watched: boolean;
  readonly minParallelWork?: number;
  readonly minRowSplitWork?: number;
}

export function plan(input: PlanInput): Plan {
  const families = input.families ?? 1;
  const count = input.ks.length * input.seeds.length * families;
  const work = (input.cells ?? input.rows * input.cols) * input.ks.reduce((sum, k) => sum + k, 0) * input.seeds.length * families;
  if (count === 1 && input.jobs > 1 && work >= (input.minRowSplitWork ?? DEFAULT_MIN_ROW_SPLIT_WORK)) {
    return { executor: 'rows', threads: input.jobs };
  }
  const workers = Math.min(input.jobs, count);
  if (workers <= 1 || input.watched || work < (input.minParallelWork ?? DEFAULT_MIN_PARALLEL_WORK)) return { executor: 'thread' };
  return { executor: 'pool', workers };
}
