import type { Fit } from '../fit';
import type { Executed } from './executed';
import { fitOne } from '../start';
import type { FitSource } from '../source';
import { fitOptionsFor, type SweepOptions, type SweepTask } from '../sweep';

/** The fits one at a time in this thread; each step yields the fit just made. */
export function* fitsInThread(source: FitSource, tasks: readonly SweepTask[], options: SweepOptions): Generator<Fit, Fit[]> {
  const fits: Fit[] = [];
  for (const task of tasks) {
    const fit = fitOne(source, fitOptionsFor(options, task));
    fits.push(fit);
    options.onFit?.(fit, fits.length, tasks.length);
    yield fit;
  }
  return fits;
}

/**
 * The same, handing control back to the event loop after each fit, so that a signal
 * (Ctrl-C) is handled between fits and a progress bar can redraw.
 */
export async function runInThread(source: FitSource, tasks: readonly SweepTask[], options: SweepOptions): Promise<Executed> {
  const steps = fitsInThread(source, tasks, options);
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return { fits: step.value, threads: 1 };
    await new Promise((resolve) => setImmediate(resolve));
  }
}
