import type { Fit } from '../../app';
import type { CliIO } from '../io';
import { onInterrupt } from '../signals';

/** What cli-progress changes on the terminal (cursor hidden, line wrap off), put back. */
const RESTORE_TERMINAL = '\x1b[?25h\x1b[?7h';

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
  // While the bar shows, an interruption (Ctrl-C) puts the terminal back before the process ends.
  let release = () => {};
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
        release = onInterrupt(() => stream.write(RESTORE_TERMINAL));
        bar.start(total, done, { k: fit.k, seed: fit.seed });
      }
      bar.update(done, { k: fit.k, seed: fit.seed });
    },
    /** Removes the bar and puts the terminal back; call it on every way out, errors included. */
    stop: () => {
      if (!bar) return;
      bar.stop();
      bar = null;
      release();
    },
  };
}
