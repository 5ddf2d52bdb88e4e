import { InvalidArgumentError } from 'commander';

const INTEGER = /^\d+$/;

/**
 * A list of integers: `3`, `1,2,4`, an inclusive range `1..4`, or a mix (`1..3,8`).
 * Duplicates are dropped; order is kept.
 */
export function parseIntegerList(text: string, min: number, max: number): number[] {
  const out: number[] = [];
  const parts = text.split(',');
  for (const raw of parts) {
    const part = raw.trim();
    const range = /^(\d+)\.\.(\d+)$/.exec(part);
    if (range) {
      const lo = toInteger(range[1], text, min, max);
      const hi = toInteger(range[2], text, min, max);
      if (hi < lo) throw new InvalidArgumentError(`the range "${part}" runs backwards; write ${hi}..${lo}`);
      if (hi - lo >= 100000) throw new InvalidArgumentError(`the range "${part}" has more than 100000 values`);
      for (let v = lo; v <= hi; v++) out.push(v);
    } else if (INTEGER.test(part)) {
      out.push(toInteger(part, text, min, max));
    } else {
      throw new InvalidArgumentError(`"${text}" is not an integer, a list (1,2,4) or a range (1..4)`);
    }
  }
  return [...new Set(out)];
}

function toInteger(digits: string, whole: string, min: number, max: number): number {
  const value = Number(digits);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`${digits} in "${whole}" is outside ${min}..${max}`);
  }
  return value;
}

export function parseKList(text: string): number[] {
  return parseIntegerList(text, 1, 1_000_000);
}

export function parseSeedList(text: string): number[] {
  return parseIntegerList(text, 0, 0xffffffff);
}

/** A finite number satisfying `ok`, else an InvalidArgumentError that says what was expected. */
export function numberParser(what: string, ok: (v: number) => boolean): (text: string) => number {
  return (text) => {
    const value = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text.trim()) ? Number(text) : NaN;
    if (!Number.isFinite(value) || !ok(value)) throw new InvalidArgumentError(`expected ${what}, got "${text}"`);
    return value;
  };
}

export const parsePositive = numberParser('a number > 0', (v) => v > 0);
export const parseNonNegative = numberParser('a number ≥ 0', (v) => v >= 0);
export const parseMaxIter = numberParser('an integer ≥ 1', (v) => Number.isInteger(v) && v >= 1);
export const parseJobs = numberParser('an integer from 1 to 256', (v) => Number.isInteger(v) && v >= 1 && v <= 256);
export const parseCount = numberParser('an integer from 1 to 100000000', (v) => Number.isInteger(v) && v >= 1 && v <= 1e8);
export const parsePrecision = numberParser('an integer from 0 to 17', (v) => Number.isInteger(v) && v >= 0 && v <= 17);

/** `--missing` may repeat: collect every marker. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

const DELIMITERS: Record<string, import('../io/table').Delimiter> = {
  comma: ',',
  ',': ',',
  csv: ',',
  tab: '\t',
  '\t': '\t',
  '\\t': '\t',
  tsv: '\t',
  whitespace: 'whitespace',
  space: 'whitespace',
  ' ': 'whitespace',
  semicolon: ';',
  ';': ';',
  pipe: '|',
  '|': '|',
  '::': '::',
};

/**
 * `--delimiter`: a name (comma, tab, whitespace or space, semicolon, pipe), `::`,
 * or any single character but a quote, a new line, a carriage return, a digit,
 * a sign or a '.' (the readers check the same rule, in io/delimiter.ts).
 */
export function parseDelimiter(text: string): import('../io/table').Delimiter {
  const d = Object.hasOwn(DELIMITERS, text.toLowerCase()) ? DELIMITERS[text.toLowerCase()] : Object.hasOwn(DELIMITERS, text) ? DELIMITERS[text] : undefined;
  if (d) return d;
  if ([...text].length === 1 && !/^["\n\r\0+\-.]$|^\p{Nd}$/u.test(text)) return text;
  throw new InvalidArgumentError(
    `expected comma, tab, whitespace (or space), semicolon, pipe, :: or a single character other than a quote, a digit, a sign or '.', got "${text}"`,
  );
}

/** One seed, 0..4294967295 (sample's --seed: a draw has one seed, not a list). */
export const parseSeed = numberParser('an integer from 0 to 4294967295', (v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff);

/** A comma-separated list of some of `choices` (each once, in the order given), as `--covariance spherical,diag,full`. */
export function choiceList<T extends string>(choices: readonly T[]): (text: string) => T[] {
  return (text) => {
    const items = text.split(',').map((s) => s.trim());
    const bad = items.find((item) => !choices.includes(item as T));
    if (bad !== undefined) throw new InvalidArgumentError(`"${bad}" is not one of ${choices.join(', ')} (give one, or several separated by commas)`);
    return [...new Set(items)] as T[];
  };
}

/** --columns and --ignore-columns: names or 1-based positions and ranges, as cut takes them (io/columns.ts). */
export function parseColumns(text: string): import('../io/columns').ColumnRef[] {
  try {
    return (require('../io/columns') as typeof import('../io/columns')).parseColumnList(text);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** --id-column and --labels-column: one column, a name or a 1-based position. */
export function parseColumn(text: string): import('../io/columns').ColumnRef {
  try {
    return (require('../io/columns') as typeof import('../io/columns')).parseColumnRef(text);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** A fraction strictly between 0 and 1 (--holdout, --validation). */
export const parseFraction = numberParser('a fraction between 0 and 1 (exclusive), such as 0.1', (v) => v > 0 && v < 1);

/** `--clip LO,HI` (LO < HI), or `none`. */
export function parseClip(text: string): { min: number; max: number } | null {
  if (text.trim().toLowerCase() === 'none') return null;
  const parts = text.split(',');
  const number = numberParser('a number', () => true);
  if (parts.length !== 2) throw new InvalidArgumentError(`expected LO,HI (such as 1,5) or none, got "${text}"`);
  const [min, max] = parts.map((p) => number(p.trim()));
  if (!(min < max)) throw new InvalidArgumentError(`expected LO < HI, got "${text}"`);
  return { min, max };
}

/** A column of a ratings file: a 1-based position, or a header name. */
export function parseColumnChoice(text: string): { index: number } | { name: string } {
  const t = text.trim();
  if (t === '') throw new InvalidArgumentError('expected a column: a header name or a position from 1');
  if (/^\d+$/.test(t)) {
    const index = Number(t);
    if (index < 1 || !Number.isSafeInteger(index)) throw new InvalidArgumentError(`columns count from 1, got "${text}"`);
    return { index };
  }
  return { name: t };
}
