import type { TempFiles } from '../io/atomic';
import { removePendingTempFiles } from '../io/atomic';

/** The exit codes of a process ended by a signal: 128 + its number, as shells report it. */
const SIGNALS = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
type Signal = keyof typeof SIGNALS;

/** What must be undone if the process is interrupted now: temporary files, a hidden cursor. */
const cleanups = new Set<() => void>();

function interrupted(signal: Signal): void {
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch {
      // on the way out: the other cleanups still run
    }
  }
  process.exit(SIGNALS[signal]);
}

/**
 * Runs `cleanup` if SIGINT, SIGTERM or SIGHUP arrives before the returned function is
 * called, then exits with 128 + the signal's number. The handlers are installed only
 * while there is something to clean up: at any other time a signal ends the process at
 * once, as usual (nothing half-done exists then).
 */
export function onInterrupt(cleanup: () => void): () => void {
  if (cleanups.size === 0) for (const signal of Object.keys(SIGNALS) as Signal[]) process.on(signal, interrupted);
  cleanups.add(cleanup);
  return () => {
    if (!cleanups.delete(cleanup)) return;
    if (cleanups.size === 0) for (const signal of Object.keys(SIGNALS) as Signal[]) process.off(signal, interrupted);
  };
}

/** The temporary files of the CLI's writes: each one is removed if the process is interrupted while it exists. */
export function interruptibleTempFiles(): TempFiles {
  const release = new Map<string, () => void>();
  return {
    add(file) {
      release.set(file, onInterrupt(() => removePendingTempFiles([file])));
    },
    delete(file) {
      release.get(file)?.();
      release.delete(file);
    },
  };
}
