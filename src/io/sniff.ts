import { isBlank, parseDecimalCommaNumber, parseNumber } from './cells';

const LF = 10;
const HASH = 35;

/** How much of the first data line the delimiter is decided from. */
export const SNIFF_LIMIT = 64 * 1024;

/**
 * The delimiter from the first data line (at most its first SNIFF_LIMIT
 * characters). `hint` is what the file name said (`.csv`: comma; the line can
 * only turn it into a semicolon, as in a European Excel export).
 *
 * - `::` if the line holds one (MovieLens ratings.dat: `1::1193::5::978300760`);
 * - a comma, if there is one outside quotes;
 * - a semicolon, if there is one outside quotes (and no comma outside them);
 * - a comma, if there is one inside quotes (a one-column CSV such as `"a,b"`);
 * - a tab, if no blank stands beside a tab and no tab-separated cell is itself
 *   several numbers (a TSV header may say "user id"; "1 2<tab>3" is whitespace);
 * - else whitespace.
 *
 * With a decimal comma, commas are part of numbers, never the delimiter.
 */
export function chooseDelimiter(line: string, hint: string | undefined, decimalComma: boolean): string {
  let commaOutside = false;
  let semicolonOutside = false;
  let quoted = false;
  for (let p = 0; p < line.length; p++) {
    const c = line.charCodeAt(p);
    if (c === 34) quoted = !quoted;
    else if (!quoted && c === 44) commaOutside = true;
    else if (!quoted && c === 59) semicolonOutside = true;
  }
  if (hint === ',') return semicolonOutside && (!commaOutside || decimalComma) ? ';' : ',';
  if (hint !== undefined) return hint;
  if (line.includes('::')) return '::';
  if (commaOutside && !decimalComma) return ',';
  if (semicolonOutside) return ';';
  if (line.includes(',') && !decimalComma) return ',';
  // Not trimmed: a TSV line may start or end with an empty cell (a tab at its edge).
  if (!line.includes('\t') || /[^\S\t]\t|\t[^\S\t]/.test(line)) return 'whitespace';
  const number = decimalComma ? parseDecimalCommaNumber : parseNumber;
  const severalNumbers = (cell: string) => {
    const parts = cell.trim().split(/\s+/);
    return parts.length > 1 && parts.every((p) => number(p) !== null);
  };
  return line.split('\t').some(severalNumbers) ? 'whitespace' : '\t';
}

const BLANK = 0; // the current line has only blanks so far
const DATA = 1; // it is the first data line
const COMMENT = 2; // it is a # comment line

/** What the sniffer found: the delimiter, and the text from the first data line's start on. */
export interface Sniffed {
  readonly delimiter: string;
  /** The text from the start of the first data line (all that is not yet read). */
  readonly text: string;
  /** Lines before the first data line (blank or comments), skipped. */
  readonly linesBefore: number;
}

/**
 * Finds the first data line of a text that comes in pieces: blank lines and
 * lines whose first non-blank is # are counted and dropped; only the current
 * line is held (the first data line up to SNIFF_LIMIT characters). Linear in
 * the text read.
 */
export class Sniffer {
  private lines = 0;
  private state = BLANK;
  /** The current line so far (blanks, or the data line's start). */
  private held = '';

  constructor(
    private readonly hint: string | undefined,
    private readonly decimalComma: boolean,
  ) {}

  /** The next piece of text (LF line ends). Returns null until the delimiter is known (always known when `final`). */
  feed(text: string, final: boolean): Sniffed | null {
    const length = text.length;
    let pos = 0;
    for (;;) {
      if (this.state === COMMENT) {
        const nl = text.indexOf('\n', pos);
        if (nl < 0) return final ? this.decide('', '') : null;
        this.lines++;
        this.state = BLANK;
        pos = nl + 1;
        continue;
      }
      if (this.state === BLANK) {
        let p = pos;
        let c = 0;
        while (p < length && (c = text.charCodeAt(p)) !== LF && isBlank(c)) p++;
        if (p === length) {
          this.held += text.slice(pos);
          return final ? this.decide('', this.held) : null;
        }
        if (c === LF) {
          this.lines++;
          this.held = '';
          pos = p + 1;
          continue;
        }
        if (c === HASH) {
          this.held = '';
          this.state = COMMENT;
          pos = p;
          continue;
        }
        this.state = DATA;
      }
      // The first data line: decide at its end, at the limit, or at the end of the text.
      const nl = text.indexOf('\n', pos);
      const end = nl < 0 ? length : nl;
      const room = SNIFF_LIMIT - this.held.length;
      if (nl >= 0 || final || end - pos >= room) {
        const line = this.held + text.slice(pos, Math.min(end, pos + Math.max(room, 0)));
        return this.decide(line, this.held + text.slice(pos));
      }
      this.held += text.slice(pos);
      return null;
    }
  }

  private decide(line: string, rest: string): Sniffed {
    const delimiter = chooseDelimiter(line, this.hint, this.decimalComma);
    this.held = '';
    return { delimiter, text: rest, linesBefore: this.lines };
  }
}

/** The delimiter of a whole text, from its first data line (no hint from a name). */
export function sniffText(text: string, hint?: string, decimalComma = false): string {
  return (new Sniffer(hint, decimalComma).feed(text, true) as Sniffed).delimiter;
}
