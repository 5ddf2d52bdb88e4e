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
  /** How many cores the tool is told the machine has (default: the real count). */
  readonly cores?: number;
  /** The terminal's width, with isTTY. */
  readonly columns?: number;
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

/** The temporary folders of the tests running now: the only places a test may have the tool write. */
const liveTempDirs = new Set<string>();

/** The flags whose value is a path the tool writes. */
const OUTPUT_FLAGS = new Set(['-o', '--out', '--plot', '--labels', '--stats']);

/**
 * Throws unless every path the arguments ask the tool to write is `-` (stdout) or lies
 * inside a temporary folder made by makeTempDir or useTempDir: tests run as root in CI,
 * where a write to /dev/null or a home file would change the machine.
 */
export function checkOutputPaths(args: readonly string[]): void {
  for (let a = 0; a < args.length; a++) {
    const arg = args[a];
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!OUTPUT_FLAGS.has(flag)) continue;
    const target = eq > 0 ? arg.slice(eq + 1) : args[a + 1];
    if (target === undefined || target === '-' || target === '') continue;
    const resolved = path.resolve(target);
    const inside = [...liveTempDirs].some((dir) => resolved.startsWith(dir + path.sep));
    if (!inside) throw new Error(`test writes outside its temporary folder: ${flag} ${target} (use useTempDir() or makeTempDir())`);
  }
}

/** `gmm-fit ARGS…` in-process: its exit code and everything it wrote. */
export async function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<CliResult> {
  checkOutputPaths(args);
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: {
      write: (text: string) => {
        stdout += text;
        return true;
      },
      isTTY: options.isTTY ?? false,
      ...(options.columns !== undefined ? { columns: options.columns } : {}),
    },
    stderr: {
      write: (text: string) => {
        stderr += text;
        return true;
      },
    },
    stdin: stdinFrom(options.stdin ?? ''),
    env: options.env ?? {},
    ...(options.cores !== undefined ? { cores: options.cores } : {}),
  };
  const code = await run(['node', 'gmm-fit', ...args], io);
  return { code, stdout, stderr };
}

/** A fresh temporary folder. */
export function makeTempDir(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'gmm-fit-test-')));
  liveTempDirs.add(dir);
  return dir;
}

/** Removes a folder made by makeTempDir; the tool may no longer write there. */
export function removeTempDir(dir: string): void {
  liveTempDirs.delete(dir);
  fs.rmSync(dir, { recursive: true, force: true });
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
    if (dir) removeTempDir(dir);
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
