/**
 * The course's Netflix matrix (test/fixtures/netflix_incomplete.txt.gz, 1200 users × 1200
 * movies, 0 = not rated) cut into shards of consecutive rows, as a table and as rating
 * triplets, and the shard loop (start, then estep per shard and mstep until it says stop)
 * run through the CLI in-process.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { repoPath, runCli, writeFile } from './cli';

/** The matrix's lines (one per user, 1200 ratings each, 0 where not rated). */
export const NETFLIX_LINES = zlib
  .gunzipSync(fs.readFileSync(repoPath('test', 'fixtures', 'netflix_incomplete.txt.gz')))
  .toString('utf8')
  .trim()
  .split('\n');

/** A user's line as triplets `u<row>,m<column>,rating`, one a line, its rated cells only (row and column from 1). */
export function tripletLines(line: string, user: number): string {
  const out: string[] = [];
  line
    .trim()
    .split(/\s+/)
    .forEach((v, i) => {
      if (v !== '0') out.push(`u${user + 1},m${i + 1},${v}\n`);
    });
  return out.join('');
}

/** Rows [from, to) of the matrix as the text of a table, or of triplets. */
export function slice(from: number, to: number, kind: 'table' | 'ratings'): string {
  const lines = NETFLIX_LINES.slice(from, to);
  return kind === 'table' ? lines.join('\n') + '\n' : lines.map((l, u) => tripletLines(l, from + u)).join('');
}

/** The rows cut at `cuts` (e.g. [0, 250, 600, 900, 1200]) into shard files in `dir`, and the whole as one file. */
export function writeShards(dir: string, cuts: readonly number[], kind: 'table' | 'ratings', prefix = kind): { shards: string[]; whole: string } {
  const ext = kind === 'table' ? 'txt' : 'csv';
  const shards = cuts.slice(0, -1).map((from, s) => writeFile(dir, `${prefix}-${s}.${ext}`, slice(from, cuts[s + 1], kind)));
  const whole = writeFile(dir, `${prefix}-all.${ext}`, slice(cuts[0], cuts[cuts.length - 1], kind));
  return { shards, whole };
}

export async function cli(args: string[]): Promise<string> {
  const r = await runCli(args);
  if (r.code !== 0) throw new Error(`gmm-fit ${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
  return r.stdout;
}

export interface ShardRun {
  /** The model `start` wrote (iteration 0), as parsed JSON. */
  readonly start: { mixture: { mu: number[][]; var: number[] | number[][]; p: number[] }; fit: { initialRows: number[] } } & Record<string, unknown>;
  /** The model after the last M-step, as parsed JSON. */
  readonly model: { fit: { trace: number[]; iterations: number; stop: string | null; converged: boolean; logLikelihood: number; flooredVariances: number }; mixture: { mu: number[][]; var: number[] | number[][]; p: number[] } } & Record<string, unknown>;
  /** What each mstep printed. */
  readonly verdicts: string[];
  /** The floor's count after each M-step. */
  readonly floored: number[];
}

/**
 * `gmm-fit start … SHARDS --out model.json`, then estep on every shard and mstep on their
 * statistics (in shard order) until mstep prints something other than `continue`.
 */
export async function shardLoop(dir: string, shards: readonly string[], startArgs: readonly string[], readArgs: readonly string[] = []): Promise<ShardRun> {
  const model = path.join(dir, 'model.json');
  await cli(['start', ...startArgs, ...readArgs, ...shards, '--out', model, '--quiet']);
  const start = JSON.parse(fs.readFileSync(model, 'utf8'));
  const verdicts: string[] = [];
  const floored: number[] = [];
  for (;;) {
    const stats: string[] = [];
    for (let s = 0; s < shards.length; s++) {
      const out = path.join(dir, `shard-${s}.stats`);
      await cli(['estep', '-m', model, shards[s], '--stats', out, '--quiet']);
      stats.push(out);
    }
    const verdict = (await cli(['mstep', '-m', model, ...stats, '--out', model, '--quiet'])).trim();
    verdicts.push(verdict);
    floored.push(JSON.parse(fs.readFileSync(model, 'utf8')).fit.flooredVariances);
    if (verdict !== 'continue') break;
  }
  return { start, model: JSON.parse(fs.readFileSync(model, 'utf8')), verdicts, floored };
}

/** The largest relative difference between two traces of the same length. */
export function worstRelative(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  return a.reduce((worst, x, i) => Math.max(worst, Math.abs(x - b[i]) / Math.abs(b[i])), 0);
}
