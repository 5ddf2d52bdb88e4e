import type { CellReader } from './cells';
import type { MatrixBuilder } from './builder';

const SPACE = 32;
const HASH = 35;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
/** Exact powers of ten: a ≤15-digit integer divided by one of these is correctly rounded. */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

const UNICODE_BLANK = /\s/;

/** The blanks of String.prototype.trim and /\s/: ASCII ones fast, the rest (no-break space…) by regex. */
function isBlank(c: number): boolean {
  if (c === SPACE || (c >= 9 && c <= 13)) return true;
  return c >= 0xa0 && UNICODE_BLANK.test(String.fromCharCode(c));
}

/**
 * A plain decimal (sign, ≤15 digits, optional point) straight from the text,
 * or NaN when the token is anything else and needs the full reader. Dividing
 * an exact integer by an exact power of ten rounds once, so the result is
 * identical to Number(token).
 */
function plainDecimal(text: string, start: number, end: number): number {
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
    } else if (c === DOT && fraction < 0) fraction = 0;
    else return NaN;
  }
  if (digits === 0 || digits > 15) return NaN;
  const value = fraction > 0 ? mantissa / POW10[fraction] : mantissa;
  return negative ? -value : value;
}

/**
 * Whitespace-separated text (LF line ends) into the builder: cells are runs of
 * anything but blanks (space, tab and the other characters trim() removes); blank lines and lines starting with # are skipped. The
 * first row goes through the builder's text path (it may be a header); the rest
 * are scanned without making a string per cell. `linesBefore` numbers the lines
 * of a chunk that follows others. Returns the number of the last line read.
 */
export function scanWhitespace(text: string, cells: CellReader, builder: MatrixBuilder, linesBefore = 0): number {
  const length = text.length;
  let line = linesBefore;
  let pos = 0;
  while (pos < length) {
    line++;
    let lineEnd = text.indexOf('\n', pos);
    if (lineEnd < 0) lineEnd = length;
    let p = pos;
    pos = lineEnd + 1;
    while (p < lineEnd && isBlank(text.charCodeAt(p))) p++;
    if (p === lineEnd || text.charCodeAt(p) === HASH) continue;
    if (builder.width < 0) {
      builder.addRow(text.slice(p, lineEnd).trim().split(/\s+/), line);
      continue;
    }
    builder.reserve();
    let column = 0;
    while (p < lineEnd) {
      const start = p;
      while (p < lineEnd && !isBlank(text.charCodeAt(p))) p++;
      column++;
      if (column > builder.width) builder.raggedRow(line, text.slice(start, lineEnd).trim().split(/\s+/).length + column - 1);
      let value = plainDecimal(text, start, p);
      value = Number.isNaN(value) ? cells.read(text.slice(start, p), line, column) : cells.checkValue(value);
      builder.push(value);
      while (p < lineEnd && isBlank(text.charCodeAt(p))) p++;
    }
    if (column !== builder.width) builder.raggedRow(line, column);
    builder.endRow();
  }
  return line;
}
