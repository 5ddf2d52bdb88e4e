import { DataError } from '../core/errors';

/** Cell texts that mean "missing" in every file (compared case-insensitively). */
export const DEFAULT_MISSING_MARKERS: readonly string[] = ['', 'NA', 'NaN', '?'];

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITY = /^[+-]?(?:inf|infinity)$/i;
/** Starts like a number: an optional sign, then a digit (any script's) or a decimal mark and a digit. */
const NUMBER_LIKE = /^[+-]?\.?\p{Nd}/u;
const NUMBER_LIKE_DECIMAL_COMMA = /^[+-]?[.,]?\p{Nd}/u;
/** A number written with a decimal comma (`3,5`, `-1,25e3`, `,5`). */
const DECIMAL_COMMA_NUMBER = /^[+-]?(?:\d+,\d*|,\d+)(?:[eE][+-]?\d+)?$/;

/** A strict decimal number, or null. No hex, no blanks, no "Infinity". */
export function parseNumber(text: string): number | null {
  return NUMBER.test(text) ? Number(text) : null;
}

/** A number with a decimal comma (`3,5`, `-1,25e3`), or null. A '.' is not allowed: it may be a thousands separator. */
export function parseDecimalCommaNumber(text: string): number | null {
  if (text.includes('.')) return null;
  return parseNumber(text.replace(',', '.'));
}

const SPACE = 32;
const LF = 10;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const COMMA = 44;
const ZERO = 48;
const NINE = 57;
/** Exact powers of ten: a ≤15-digit integer divided by one of these is correctly rounded. */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

const UNICODE_BLANK = /\s/;

/** The blanks of String.prototype.trim and /\s/: ASCII ones fast, the rest (no-break space…) by regex. */
export function isBlank(c: number): boolean {
  if (c === SPACE || (c >= 9 && c <= 13)) return true;
  return c >= 0xa0 && UNICODE_BLANK.test(String.fromCharCode(c));
}

/** A blank other than the line feed (which ends a line). */
export function isInlineBlank(c: number): boolean {
  return c !== LF && isBlank(c);
}

/**
 * A plain decimal (sign, ≤15 digits, optional decimal mark) straight from the
 * text, or NaN when the token is anything else and needs the full reader.
 * Dividing an exact integer by an exact power of ten rounds once, so the result
 * is identical to Number(token). `mark` is the decimal mark's char code
 * ('.' or, with a decimal comma, ',').
 */
export function plainDecimal(text: string, start: number, end: number, mark = DOT): number {
  let p = start;
  let negative = false;
  const first = text.charCodeAt(p);
  if (first === MINUS || first === PLUS) {
    negative = first === MINUS;
    p++;
  }
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (; p < end; p++) {
    const c = text.charCodeAt(p);
    if (c >= ZERO && c <= NINE) {
      mantissa = mantissa * 10 + (c - ZERO);
      digits++;
      if (fraction >= 0) fraction++;
    } else if (c === mark && fraction < 0) fraction = 0;
    else return NaN;
  }
  if (digits === 0 || digits > 15) return NaN;
  const value = fraction > 0 ? mantissa / POW10[fraction] : mantissa;
  return negative ? -value : value;
}

/**
 * True if String(Number(token)) gives the token back, for a token that
 * plainDecimal read with '.' as the mark: no '+', no sign on zero, no leading
 * zeros, no trailing zeros or bare point, and not so small that JavaScript
 * writes it with an exponent. (≤15 significant digits always print as written.)
 */
export function isCanonicalPlain(text: string, start: number, end: number): boolean {
  let p = start;
  const first = text.charCodeAt(p);
  if (first === PLUS) return false;
  const negative = first === MINUS;
  if (negative) p++;
  const intStart = p;
  while (p < end && text.charCodeAt(p) >= ZERO && text.charCodeAt(p) <= NINE) p++;
  const intEnd = p;
  if (intEnd === intStart) return false; // ".5"
  const leadingZero = text.charCodeAt(intStart) === ZERO;
  if (leadingZero && intEnd - intStart > 1) return false; // "007"
  if (p === end) return !(negative && leadingZero); // an integer; "-0" prints as "0"
  if (text.charCodeAt(p) !== DOT) return false; // a decimal comma
  const fracStart = p + 1;
  if (fracStart === end || text.charCodeAt(end - 1) === ZERO) return false; // "5." or "1.50"
  for (let q = fracStart; q < end; q++) {
    const c = text.charCodeAt(q);
    if (c < ZERO || c > NINE) return false;
  }
  if (leadingZero) {
    let zeros = 0;
    while (text.charCodeAt(fracStart + zeros) === ZERO) zeros++;
    if (zeros >= 6) return false; // 0.0000001 prints as 1e-7
  }
  return true;
}

/**
 * Decides what one cell is: a number, a missing marker, or an error.
 * Extra markers given as numbers match by value (`0` matches `0.0`), others by text.
 */
export class CellReader {
  private readonly textMarkers: Set<string>;
  private readonly numberMarkers: Set<number>;
  /** The length of the longest text marker: a longer cell is not one. */
  longestMarker = 0;
  /** The decimal mark's char code: '.' or ','. */
  readonly mark: number;
  /**
   * Whether a cell such as `3,5` gets the hint "a decimal comma?": not when the
   * cells are separated by commas (it was quoted) or by whitespace (`1,2` is
   * more likely a CSV line read as whitespace).
   */
  hintDecimalComma = false;
  /**
   * What to add to `"x" is not a number` for a cell of this file column
   * (1-based) that is a word (see isName), when no other hint is given: how
   * to drop a text column.
   */
  columnHint: ((column: number) => string) | null = null;

  constructor(
    extraMarkers: readonly string[],
    private readonly source: string,
    readonly decimalComma = false,
  ) {
    this.mark = decimalComma ? COMMA : DOT;
    this.textMarkers = new Set(DEFAULT_MISSING_MARKERS.map((m) => m.toLowerCase()));
    this.numberMarkers = new Set();
    for (const marker of extraMarkers) {
      const value = this.number(marker.trim());
      if (value !== null) this.numberMarkers.add(value);
      else this.textMarkers.add(marker.trim().toLowerCase());
    }
    for (const marker of this.textMarkers) this.longestMarker = Math.max(this.longestMarker, marker.length);
  }

  /** The cell's number under this file's decimal mark, or null. */
  number(text: string): number | null {
    return this.decimalComma ? parseDecimalCommaNumber(text) : parseNumber(text);
  }

  isMissingText(text: string): boolean {
    return text.length <= this.longestMarker && this.textMarkers.has(text.toLowerCase());
  }

  /** True if the text is meant as a value or a missing cell, even a bad one (an infinity). */
  isData(text: string): boolean {
    return this.number(text) !== null || this.isMissingText(text) || INFINITY.test(text);
  }

  /**
   * True if the cell can only be a name: neither a number, a missing marker, an
   * infinity, nor number-like (a sign, then a digit of any script or a decimal
   * mark and a digit: `0x10`, `1e`, `1_000`, `１２` are malformed numbers, not names).
   */
  isName(text: string): boolean {
    return !this.isData(text) && !(this.decimalComma ? NUMBER_LIKE_DECIMAL_COMMA : NUMBER_LIKE).test(text);
  }

  /** A plain finite number as the cell's value: NaN if it is a missing marker (`--missing 0`). */
  checkValue(value: number): number {
    return this.numberMarkers.size > 0 && this.numberMarkers.has(value) ? NaN : value;
  }

  /** The cell's value, NaN for a missing cell, or undefined where read() would throw. */
  peek(text: string): number | undefined {
    const value = this.number(text);
    if (value !== null) return this.numberMarkers.has(value) ? NaN : Number.isFinite(value) ? value : undefined;
    return this.isMissingText(text) ? NaN : undefined;
  }

  /** The cell's value, or NaN for a missing cell. Throws a DataError naming the place. */
  read(text: string, line: number, column: number): number {
    const value = this.number(text);
    if (value !== null) {
      if (this.numberMarkers.has(value)) return NaN;
      if (!Number.isFinite(value)) {
        throw new DataError(`${this.source}:${line}:${column}: "${text}" overflows a double`);
      }
      return value;
    }
    if (this.isMissingText(text)) return NaN;
    if (INFINITY.test(text)) {
      throw new DataError(`${this.source}:${line}:${column}: "${text}" is infinite; only finite numbers are allowed`);
    }
    // A word (not a malformed number such as 0x10 or 1e) may be a text column's: the column hint says how to drop it.
    const hint = this.hint(text) || (this.columnHint && this.isName(text) ? this.columnHint(column) : '');
    throw new DataError(`${this.source}:${line}:${column}: "${truncate(text)}" is not a number${hint}`);
  }

  private hint(text: string): string {
    if (this.decimalComma) {
      if (!text.includes('.')) return '';
      const withPoint = parseNumber(text) !== null; // 3.5
      const withThousands = parseNumber(text.replace(/\./g, '').replace(',', '.')) !== null; // 1.234,5
      return withPoint || withThousands ? " (with --decimal-comma the decimal mark is ',' and '.' is not allowed)" : '';
    }
    return this.hintDecimalComma && DECIMAL_COMMA_NUMBER.test(text) ? ' (a decimal comma? use --decimal-comma)' : '';
  }
}

function truncate(text: string): string {
  const printable = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return printable.length > 40 ? `${printable.slice(0, 40)}…` : printable;
}
