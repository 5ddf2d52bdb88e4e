import type { CliIO } from '../io';

/** Where a run's warnings go: stderr, one line each, unless --quiet. Made per run (no module state). */
export interface Reporter {
  warn(message: string): void;
}

export function reporter(io: CliIO, quiet: boolean): Reporter {
  return {
    warn: (message) => {
      if (!quiet) io.stderr.write(`gmm-fit: warning: ${message}\n`);
    },
  };
}
