import { UsageError } from '../core/errors';
import { isBlank } from './cells';

/**
 * How cells are separated: `','`, `'\t'`, `'whitespace'` (any run of blanks),
 * or another delimiter: `';'`, `'|'`, `'::'` (MovieLens ratings.dat), or any
 * single character but a quote, a new line, a carriage return, a digit, a sign
 * or a '.' (see isAllowedDelimiter).
 */
export type Delimiter = ',' | '\t' | 'whitespace' | (string & {});

/** True for a delimiter the readers and formatTable take. */
export function isAllowedDelimiter(delimiter: string): boolean {
  if (delimiter === 'whitespace' || delimiter === '::') return true;
  if ([...delimiter].length !== 1) return false;
  return !/^["\n\r\0+\-.]$|^\p{Nd}$/u.test(delimiter);
}

/** A UsageError for a delimiter that is not allowed. */
export function checkDelimiter(delimiter: string): void {
  if (!isAllowedDelimiter(delimiter)) {
    throw new UsageError(
      `the delimiter ${JSON.stringify(delimiter)} is not allowed: use ',', '\\t', 'whitespace', '::' or a single character other than a quote, a new line, a digit, a sign or '.'`,
    );
  }
}

/** The delimiter from a file name's extension, if it tells; `.gz` is looked through (`x.csv.gz` is CSV). */
export function delimiterFromName(name: string): Delimiter | undefined {
  let lower = name.toLowerCase();
  if (lower.endsWith('.gz')) lower = lower.slice(0, -3);
  if (lower.endsWith('.csv')) return ',';
  if (lower.endsWith('.tsv') || lower.endsWith('.tab')) return '\t';
  return undefined;
}

/** Blanks around cells are dropped for every delimiter but a tab or another blank. */
export function trimsCells(delimiter: Delimiter): boolean {
  return delimiter !== 'whitespace' && !(delimiter.length === 1 && isBlank(delimiter.charCodeAt(0)));
}

const NAMES = new Map<string, string>([
  [',', 'CSV'],
  ['\t', 'TSV'],
  ['whitespace', 'whitespace-separated'],
  [';', 'semicolon-separated'],
  ['|', 'pipe-separated'],
  [' ', 'space-separated'],
]);

/** The layout's name in messages: CSV, TSV, whitespace-separated, semicolon-separated, "::"-separated… */
export function describe(delimiter: Delimiter): string {
  return NAMES.get(delimiter) ?? `${JSON.stringify(delimiter)}-separated`;
}

/** The text written between cells. */
export function separator(delimiter: Delimiter): string {
  return delimiter === 'whitespace' ? ' ' : delimiter;
}
