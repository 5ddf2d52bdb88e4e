import type { Fit } from '../fit/fit';
import type { CliIO } from './io';

/** A sweep shows a bar only once it has run this long. */
const SHOW_AFTER_MS = 1000;

/**
 * A progress bar for a sweep on stderr (cli-progress): fits done of total, the
 * K and seed of the fit just finished, and the ETA. Only on a terminal, never
 * with --quiet or --json, and only once the sweep has run for about a second.
 */
export function sweepProgress(io: CliIO, options: { quiet?: boolean; json?: boolean }, now: () => number = Date.now) {
  const stream = io.stderr as NodeJS.WriteStream;
  if (!stream.isTTY || options.quiet || options.json) return { onFit: undefined, stop: () => {} };
  const started = now();
  let bar: import('cli-progress').SingleBar | null = null;
  return {
    onFit: (fit: Fit, done: number, total: number) => {
      if (!bar) {
        if (now() - started < SHOW_AFTER_MS || done === total) return;
        // Loaded only when a bar is shown, so short runs and --help stay fast.
        const { SingleBar, Presets } = require('cli-progress') as typeof import('cli-progress');
        bar = new SingleBar(
          { stream, format: 'fits {bar} {value}/{total} | last K={k} seed={seed} | ETA {eta_formatted}', hideCursor: true, clearOnComplete: true },
          Presets.shades_classic,
        );
        bar.start(total, done, { k: fit.k, seed: fit.seed });
      }
      bar.update(done, { k: fit.k, seed: fit.seed });
    },
    stop: () => bar?.stop(),
  };
}
