/**
 * Run the CLI in-process: `run()` with fake stdout/stderr buffers and a stdin
 * made from a string, plus a temporary folder per test for files.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Readable } from 'stream';
import { run } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/io';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliRunOptions {
  /** What the command reads when the file is `-` (default: nothing). */
  readonly stdin?: string | Buffer;
  readonly env?: Record<string, string | undefined>;
  /** Pretend stdout is a terminal (default false). */
  readonly isTTY?: boolean;
}

/** The repository root, so tests do not depend on jest's working folder. */
export const ROOT = path.resolve(__dirname, '..', '..');

/** A path inside the repository, e.g. repoPath('data', 'toy.txt'). */
export function repoPath(...parts: string[]): string {
  return path.join(ROOT, ...parts);
}

/** A stream that yields `content` once (as bytes) and ends. */
export function stdinFrom(content: string | Buffer = ''): NodeJS.ReadableStream {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return Readable.from(bytes.length > 0 ? [bytes] : []);
}

/** `gmm-fit ARGS…` in-process: its exit code and everything it wrote. */
export async function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: {
      write: (text: string) => {
        stdout += text;
        return true;
      },
      isTTY: options.isTTY ?? false,
    },
    stderr: {
      write: (text: string) => {
        stderr += text;
        return true;
      },
    },
    stdin: stdinFrom(options.stdin ?? ''),
    env: options.env ?? {},
  };
  const code = await run(['node', 'gmm-fit', ...args], io);
  return { code, stdout, stderr };
}

/** A fresh temporary folder. */
export function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'gmm-fit-test-'));
}

/**
 * Call at the top of a describe block: each test gets a fresh temporary folder,
 * removed afterwards. Returns a getter for the current test's folder.
 */
export function useTempDir(): () => string {
  let dir: string | null = null;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = null;
  });
  return () => {
    if (!dir) throw new Error('useTempDir(): no temporary folder outside a test');
    return dir;
  };
}

/** Write `content` to `name` inside `dir` and return its path. */
export function writeFile(dir: string, name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}
