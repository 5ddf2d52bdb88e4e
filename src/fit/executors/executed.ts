import type { Fit } from '../fit';

/** What an executor made: the fits, in the sweep's order, and how many threads ran them. */
export interface Executed {
  readonly fits: Fit[];
  /** Threads that did work: 1 in this thread; the workers that returned a fit; or all those that shared the rows. */
  readonly threads: number;
}
