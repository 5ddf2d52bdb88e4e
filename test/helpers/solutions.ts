import * as fs from 'fs';
import * as path from 'path';

/**
 * The course's expected figures (test/fixtures/test_solutions.txt, copied from
 * ../shared/data), as flat number arrays per section and name:
 * sections "Input", "After first E-step", "After first M-step", "After a run".
 */
export type Solutions = Record<string, Record<string, number[]>>;

const NUMBER = /-?\d+(?:\.\d*)?(?:e[+-]?\d+)?/g;

export function readSolutions(): Solutions {
  const text = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'test_solutions.txt'), 'utf8');
  const out: Solutions = {};
  const sections = text.split(/^(Input:|After first E-step:|After first M-step:|After a run)\s*$/m);
  for (let s = 1; s < sections.length; s += 2) {
    const name = sections[s].replace(/:$/, '');
    const body = sections[s + 1];
    const parts = body.split(/^([A-Za-z_]+):/m);
    const values: Record<string, number[]> = {};
    for (let p = 1; p < parts.length; p += 2) values[parts[p]] = (parts[p + 1].match(NUMBER) ?? []).map(Number);
    out[name] = values;
  }
  return out;
}

/** Largest absolute difference between two equal-length arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
