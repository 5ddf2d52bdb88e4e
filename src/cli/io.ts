/** Where the CLI reads and writes: the process's streams, or buffers in tests. */
export interface Output {
  /** false: the stream's buffer is full; wait for 'drain' (when `once` is there) before writing more. */
  write(text: string): boolean;
  once?(event: 'drain', listener: () => void): unknown;
  isTTY?: boolean;
  /** A terminal's width in characters. */
  columns?: number;
}

export interface CliIO {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly stdin: NodeJS.ReadableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** How many cores the machine has (--jobs is capped at it); default: what the OS says. */
  readonly cores?: number;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
