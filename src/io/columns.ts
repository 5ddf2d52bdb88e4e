import { DataError, UsageError } from '../core/errors';
import type { MatrixBuilder } from './builder';
import type { CellReader } from './cells';

/**
 * A column: by its header name, or by its 1-based position; a range of positions
 * (cut's `2-5`; `to` is Infinity for an open range such as `3-`, to the last column).
 */
export type ColumnRef = { readonly name: string } | { readonly index: number } | { readonly from: number; readonly to: number };

/** Which of the file's columns are the features, and which carry ids or true classes. */
export interface ColumnSelection {
  /** --columns: only these are features (in the file's order). */
  readonly keep?: readonly ColumnRef[];
  /** --ignore-columns: these are not features. */
  readonly ignore?: readonly ColumnRef[];
  /** --id-column: carried through as text, never a feature. */
  readonly id?: ColumnRef;
  /** --labels-column: true classes, as text, never a feature. */
  readonly labels?: ColumnRef;
  /**
   * The features must be exactly these header names, in this order (a saved
   * model's columns): the columns are reordered to it; any name not in the file is an error.
   */
  readonly order?: readonly string[];
}

/** How the file's columns were used (0-based positions in the file), for a saved model to record. */
export interface ColumnLayout {
  /** Cells per row in the file. */
  readonly fileColumns: number;
  /** The file's header names, all of them (null without a header). */
  readonly names: string[] | null;
  /** The file position of each feature, in the matrix's column order. */
  readonly features: number[];
  readonly id?: number;
  readonly labels?: number;
}

// ---------------------------------------------------------------------------
// The LIST syntax
// ---------------------------------------------------------------------------

const POSITION = /^\d+$/;
const RANGE = /^(\d+)\s*-\s*(\d*)$|^-\s*(\d+)$/;

/**
 * The CLI's column LIST: comma-separated items, as `cut -f` takes them, each a
 * 1-based position (`7`), a range (`2-5`; `3-` to the last column; `-4` from the
 * first), or a header name (`sepal_length,petal_width`). Blanks around items are
 * dropped. An item of digits with at most one `-` is a position or a range;
 * anything else is a name, so `petal-width` or `2019-a` are names. A name that
 * is all digits or looks like a range (`"2019"`, `"2-5"`), or holds a comma or
 * a double quote, or begins or ends with blanks, is written in double quotes,
 * with a quote inside doubled (`"say ""hi"""`). Throws an Error on bad syntax.
 */
export function parseColumnList(text: string): ColumnRef[] {
  const refs: ColumnRef[] = [];
  const bad = (why: string) => new Error(`the column list ${JSON.stringify(text)} ${why}`);
  if (text.trim() === '') throw new Error('the column list is empty: give names or positions, such as 2-5,7 or sepal_length,petal_width');
  let p = 0;
  for (;;) {
    while (p < text.length && isSpace(text, p)) p++;
    if (text.charCodeAt(p) === 34) {
      // A quoted name.
      let name = '';
      let q = p + 1;
      for (;;) {
        const close = text.indexOf('"', q);
        if (close < 0) throw bad('has a quote that is never closed');
        name += text.slice(q, close);
        if (text.charCodeAt(close + 1) === 34) {
          name += '"';
          q = close + 2;
          continue;
        }
        p = close + 1;
        break;
      }
      while (p < text.length && isSpace(text, p)) p++;
      if (p < text.length && text[p] !== ',') throw bad(`has text after a closing quote (${JSON.stringify(text.slice(p, p + 10))}); put a comma between columns`);
      refs.push({ name });
    } else {
      let end = text.indexOf(',', p);
      if (end < 0) end = text.length;
      const item = text.slice(p, end).trim();
      if (item === '') throw bad('has an empty item (two commas together, or a comma at an end)');
      if (item.includes('"')) throw bad(`has a quote inside the name ${JSON.stringify(item)}: quote the whole name, doubling the quotes in it ("${item.replace(/"/g, '""')}")`);
      refs.push(classify(item, bad));
      p = end;
    }
    if (p >= text.length) break;
    p++; // the comma
    if (p >= text.length) throw bad('has an empty item (two commas together, or a comma at an end)');
  }
  return refs;
}

/** One column (--id-column, --labels-column): a name or a position, in the LIST syntax; not a range or a list. */
export function parseColumnRef(text: string): ColumnRef {
  const refs = parseColumnList(text);
  if (refs.length !== 1) throw new Error(`${JSON.stringify(text)} is a list; one column is needed (a name, or a position such as 3)`);
  const ref = refs[0];
  if ('from' in ref) throw new Error(`${JSON.stringify(text)} is a range; one column is needed (a name, or a position such as 3; quote a name that looks like a range: "\\"2-5\\"")`);
  return ref;
}

function classify(item: string, bad: (why: string) => Error): ColumnRef {
  if (POSITION.test(item)) return { index: position(item, bad) };
  const range = RANGE.exec(item);
  if (!range) return { name: item };
  if (range[3] !== undefined) return { from: 1, to: position(range[3], bad) };
  const from = position(range[1], bad);
  if (range[2] === '') return { from, to: Infinity };
  const to = position(range[2], bad);
  if (to < from) throw bad(`has a range that goes down (${item}); write it from the smaller position, ${to}-${from}`);
  return { from, to };
}

function position(digits: string, bad: (why: string) => Error): number {
  const n = Number(digits);
  if (n === 0) throw bad('has the position 0: positions start at 1');
  if (!Number.isSafeInteger(n)) throw bad(`has the position ${digits}, which is too large`);
  return n;
}

function isSpace(text: string, p: number): boolean {
  return /\s/.test(text[p]);
}

/** A name as the LIST syntax needs it written: quoted when it would otherwise read as something else. */
export function formatColumnName(name: string): string {
  const plain = name !== '' && !/^\s|\s$|[",]/.test(name) && !POSITION.test(name) && !RANGE.test(name);
  return plain ? name : `"${name.replace(/"/g, '""')}"`;
}

/** A ref as a person wrote it, for messages. */
export function describeRef(ref: ColumnRef): string {
  if ('name' in ref) return formatColumnName(ref.name);
  if ('index' in ref) return String(ref.index);
  return ref.to === Infinity ? `${ref.from}-` : `${ref.from}-${ref.to}`;
}

// ---------------------------------------------------------------------------
// Checking and resolving a selection
// ---------------------------------------------------------------------------

/** A file column that is not a feature: left out, or carried as text. */
export const SKIP = -1;
export const ID = -2;
export const LABELS = -3;

const KEEP_ROLE = 1;
const IGNORE_ROLE = 2;
const ID_ROLE = 4;
const LABELS_ROLE = 8;
const ORDER_ROLE = 16;
const ROLE_WORDS: Array<[number, string]> = [
  [KEEP_ROLE, 'kept'],
  [ORDER_ROLE, 'one of the ordered features'],
  [IGNORE_ROLE, 'ignored'],
  [ID_ROLE, 'the id column'],
  [LABELS_ROLE, 'the labels column'],
];

function isEmptySelection(s: ColumnSelection | undefined): boolean {
  return !s || (s.keep === undefined && (s.ignore === undefined || s.ignore.length === 0) && s.id === undefined && s.labels === undefined && s.order === undefined);
}

function refs(s: ColumnSelection): ColumnRef[] {
  return [...(s.keep ?? []), ...(s.ignore ?? []), ...(s.id ? [s.id] : []), ...(s.labels ? [s.labels] : [])];
}

/** The names a selection uses (so that it needs a header). */
function namesUsed(s: ColumnSelection): string[] {
  const names = refs(s).flatMap((r) => ('name' in r ? [r.name] : []));
  return [...names, ...(s.order ?? [])];
}

/** A UsageError for a ref that cannot be right whatever the file (a position 0, a range that goes down). */
function checkRef(ref: ColumnRef, what: string): void {
  const whole = (n: number) => Number.isSafeInteger(n) && n >= 1;
  if ('name' in ref) {
    if (typeof ref.name !== 'string') throw new UsageError(`${what}: a column name must be a string`);
  } else if ('index' in ref) {
    if (!whole(ref.index)) throw new UsageError(`${what}: a column position is a whole number from 1 (got ${ref.index})`);
  } else if ('from' in ref) {
    if (!whole(ref.from) || !(ref.to === Infinity || whole(ref.to)) || ref.to < ref.from) {
      throw new UsageError(`${what}: a range of columns goes from a position ≥ 1 to one at least as large (got ${ref.from}-${ref.to})`);
    }
  } else throw new UsageError(`${what}: a column is { name }, { index } or { from, to }`);
}

/**
 * The reader's side of a column selection: checked when the reader is made,
 * resolved against the first row (its width, and its names when it is a
 * header), then used by the scanners cell by cell through `roles`. Also keeps
 * the id and labels texts, and says how to drop a column that is not numeric.
 */
export class ColumnPlan {
  /**
   * Per file column (0-based), once the first row is read: the feature slot
   * (≥ 0), or SKIP, ID or LABELS. Null when every column is a feature in the
   * file's order (no selection, or one that changes nothing): the fast path.
   */
  roles: Int32Array | null = null;
  /** Cells per row in the file, once the first row is read. */
  fileWidth = -1;
  /** The file's header names (all columns), when there is a header. */
  fileNames: string[] | null = null;
  /** The file position of each feature; null when they are all the file's columns, in order. */
  features: number[] | null = null;
  /** The id and labels columns' file positions, or -1. */
  idColumn = -1;
  labelsColumn = -1;
  private headerLine = 0;
  private readonly idTexts: TextColumn | null;
  private readonly labelTexts: TextColumn | null;
  /** True if the first row must be a header (names are used); else the option as given. */
  readonly header: boolean | undefined;
  /**
   * For the first row, before its width is known (a selection by positions only):
   * whether file column i (0-based) is a feature. Header detection looks at those only.
   */
  readonly isFeature: ((index: number) => boolean) | null = null;
  private readonly selection: ColumnSelection | null;

  constructor(
    selection: ColumnSelection | undefined,
    private readonly source: string,
    header: boolean | undefined,
    private readonly cells: CellReader,
    private readonly builder: MatrixBuilder,
  ) {
    this.selection = isEmptySelection(selection) ? null : (selection as ColumnSelection);
    const s = this.selection;
    this.idTexts = s?.id ? new TextColumn() : null;
    this.labelTexts = s?.labels ? new TextColumn() : null;
    this.header = header;
    cells.columnHint = (column) => this.hint(column);
    if (!s) return;
    for (const [list, what] of [
      [s.keep, 'keep'],
      [s.ignore, 'ignore'],
    ] as const) {
      if (list !== undefined && !Array.isArray(list)) throw new UsageError(`${what}: a list of columns is needed`);
      for (const ref of list ?? []) checkRef(ref, what);
    }
    if (s.id) checkRef(s.id, 'the id column');
    if (s.labels) checkRef(s.labels, 'the labels column');
    if (s.order) {
      const seen = new Set<string>();
      for (const name of s.order) {
        if (seen.has(name)) throw new UsageError(`the feature order names ${JSON.stringify(name)} twice`);
        seen.add(name);
      }
    }
    const names = namesUsed(s);
    if (names.length > 0) {
      if (header === false) {
        throw new UsageError(`selecting columns by name (${JSON.stringify(names[0])}) needs a header row, but the first row is said to be data (--no-header); select them by position`);
      }
      this.header = true;
    } else {
      // Positions only: which columns are features is known before the width is.
      const inList = (list: readonly ColumnRef[] | undefined, i: number) =>
        list !== undefined && list.some((r) => ('index' in r ? r.index - 1 === i : 'from' in r ? i >= r.from - 1 && i <= r.to - 1 : false));
      const at = (r: ColumnRef | undefined, i: number) => r !== undefined && inList([r], i);
      this.isFeature = (i) => (s.keep === undefined || inList(s.keep, i)) && !inList(s.ignore, i) && !at(s.id, i) && !at(s.labels, i);
    }
  }

  /** The first row was a header with these names: resolve, and give the builder the features' names. */
  headerRow(names: string[], line: number): void {
    this.headerLine = line;
    this.resolve(names.length, names, line);
    const features = this.features;
    this.builder.setHeader(features ? features.map((f) => names[f]) : names, line, names.length);
  }

  /**
   * The first row had `count` cells (already pushed, all of them): resolve. The
   * caller then throws any error of the row's feature cells, then calls dataRow.
   */
  resolveData(count: number, line: number): void {
    this.resolve(count, null, line);
  }

  /** The first row was data: keep its feature cells (in the features' order) and its id and labels texts. */
  dataRow(count: number, line: number, textAt: (index: number) => string): void {
    const features = this.features;
    if (this.roles && features) {
      this.builder.keepFirstRow(features);
      if (this.idColumn >= 0) this.text(ID, textAt(this.idColumn), 0, -1);
      if (this.labelsColumn >= 0) this.text(LABELS, textAt(this.labelsColumn), 0, -1);
    }
    this.builder.setWidth(features ? features.length : count, line, count);
  }

  /** An id or labels cell: text[start, end) (end -1: all of it); a missing marker is ''. */
  text(role: number, text: string, start: number, end: number): void {
    if (end < 0) end = text.length;
    const column = (role === ID ? this.idTexts : this.labelTexts) as TextColumn;
    // Only a short cell can be a missing marker: the others are not sliced to be looked up.
    if (end - start <= this.cells.longestMarker && this.cells.isMissingText(text.slice(start, end))) column.push('', 0, 0);
    else column.push(text, start, end);
  }

  /** The id column's texts, one per data row (once the table is read). */
  ids(): string[] | null {
    return this.idTexts ? this.idTexts.finish() : null;
  }

  /** The labels column's texts, one per data row. */
  labels(): string[] | null {
    return this.labelTexts ? this.labelTexts.finish() : null;
  }

  /**
   * How the file's columns were used. When every column is a feature, in order,
   * `names` is the table's `columns` array itself, and `features` is made when
   * first read (a first row of ten million numbers does not pay for it unasked).
   */
  layout(): ColumnLayout {
    const { fileWidth, fileNames, features } = this;
    const layout: { -readonly [K in keyof ColumnLayout]: ColumnLayout[K] } = { fileColumns: fileWidth, names: fileNames } as ColumnLayout;
    if (features) layout.features = features;
    else {
      let identity: number[] | null = null;
      Object.defineProperty(layout, 'features', {
        enumerable: true,
        get: () => (identity ??= Array.from({ length: fileWidth }, (_, i) => i)),
      });
    }
    if (this.idColumn >= 0) layout.id = this.idColumn;
    if (this.labelsColumn >= 0) layout.labels = this.labelsColumn;
    return layout;
  }

  private resolve(width: number, names: string[] | null, line: number): void {
    this.fileWidth = width;
    this.fileNames = names;
    const s = this.selection;
    if (!s) return;
    const claims = new Uint8Array(width);
    const claim = (ref: ColumnRef, role: number) => {
      for (const i of this.positions(ref, names, line)) {
        const both = claims[i] & ~role;
        if (both) this.conflict(i, claims[i] | role);
        claims[i] |= role;
      }
    };
    for (const ref of s.keep ?? []) claim(ref, KEEP_ROLE);
    for (const ref of s.ignore ?? []) claim(ref, IGNORE_ROLE);
    if (s.id) claim(s.id, ID_ROLE);
    if (s.labels) claim(s.labels, LABELS_ROLE);
    let features: number[];
    if (s.order) {
      features = s.order.map((name) => this.named(name, names as string[], s.order));
      if (s.keep === undefined) for (const f of features) claim({ index: f + 1 }, ORDER_ROLE);
      else {
        const kept = claims.reduce<number[]>((a, c, i) => (c === KEEP_ROLE ? [...a, i] : a), []);
        const ordered = features.slice().sort((a, b) => a - b);
        if (kept.length !== ordered.length || kept.some((k, i) => k !== ordered[i])) {
          const list = (cols: number[]) => (cols.length === 0 ? 'none' : listNames(cols.map((c) => (names as string[])[c])));
          throw new DataError(`${this.source}: the kept columns (${list(kept)}) are not the ones the features must be (${list(features)}, in this order)`);
        }
      }
    } else {
      features = [];
      for (let i = 0; i < width; i++) if (claims[i] === (s.keep === undefined ? 0 : KEEP_ROLE)) features.push(i);
    }
    if (features.length === 0) {
      const of = width === 1 ? 'its 1 column is' : `all its ${width} columns are`;
      throw new DataError(`${this.source}: no column is left as a feature: ${of} ignored, not kept, or the id or labels column`);
    }
    if (s.id) this.idColumn = claims.indexOf(ID_ROLE);
    if (s.labels) this.labelsColumn = claims.indexOf(LABELS_ROLE);
    const identity = this.idColumn < 0 && this.labelsColumn < 0 && features.length === width && features.every((f, i) => f === i);
    if (identity) return; // the fast path: nothing to skip, nothing to move
    this.features = features;
    const roles = new Int32Array(width).fill(SKIP);
    features.forEach((f, slot) => (roles[f] = slot));
    if (this.idColumn >= 0) roles[this.idColumn] = ID;
    if (this.labelsColumn >= 0) roles[this.labelsColumn] = LABELS;
    this.roles = roles;
    this.builder.placing = true;
  }

  /** The 0-based file positions a ref stands for. */
  private positions(ref: ColumnRef, names: string[] | null, line: number): number[] {
    const width = this.fileWidth;
    const beyond = (n: number, what: string) =>
      new DataError(`${this.source}: there is no column ${n}${what}: line ${line} has ${width} ${width === 1 ? 'column' : 'columns'}`);
    if ('name' in ref) return [this.named(ref.name, names as string[])];
    if ('index' in ref) {
      if (ref.index > width) throw beyond(ref.index, '');
      return [ref.index - 1];
    }
    if (ref.from > width) throw beyond(ref.from, ` (in ${describeRef(ref)})`);
    if (ref.to !== Infinity && ref.to > width) throw beyond(ref.to, ` (in ${describeRef(ref)})`);
    const to = Math.min(ref.to, width);
    return Array.from({ length: to - ref.from + 1 }, (_, i) => ref.from - 1 + i);
  }

  /** The position of a header name: it must be there, once. */
  private named(name: string, names: string[], order?: readonly string[]): number {
    const at: number[] = [];
    names.forEach((n, i) => n === name && at.push(i));
    if (at.length === 1) return at[0];
    if (at.length > 1) {
      const where = `${at.slice(0, -1).map((i) => i + 1).join(', ')} and ${at[at.length - 1] + 1}`;
      throw new DataError(`${this.source}: columns ${where} are ${at.length === 2 ? 'both' : 'all'} named ${JSON.stringify(name)}; select one by its position`);
    }
    const close = closestName(name, names);
    const suggestion = close === null ? '' : ` (did you mean ${JSON.stringify(close)}?)`;
    const context = order ? ` (the features must be, in this order: ${listNames(order)})` : '';
    throw new DataError(`${this.source}: no column named ${JSON.stringify(name)}${suggestion}${context}; the columns are ${listNames(names)}`);
  }

  private conflict(index: number, roles: number): never {
    const words = ROLE_WORDS.filter(([r]) => roles & r).map(([, w]) => w);
    throw new DataError(`${this.source}: column ${this.label(index)} is both ${words[0]} and ${words[1]}`);
  }

  /** `5 (species)`, or `5` without a header. */
  private label(index: number): string {
    const name = this.fileNames?.[index];
    return name === undefined ? String(index + 1) : `${index + 1} (${name})`;
  }

  /**
   * What to add to `"x" is not a number` for a cell of this file column (1-based):
   * when no earlier row has a number in the column, it is a text column, and the
   * message says how to drop it; else '' (a typo in a numeric column).
   */
  private hint(column: number): string {
    const index = column - 1;
    const slot = this.roles ? this.roles[index] : index;
    if (slot < 0 || this.builder.hasNumberIn(slot)) return '';
    // A first row said to be data that holds a word is more likely a header than a text column.
    if (this.builder.width < 0 && this.header === false) return '';
    const names = this.fileNames;
    let name = names && index < names.length && names.indexOf(names[index]) === names.lastIndexOf(names[index]) ? names[index] : null;
    let note = '';
    if (names && this.header === undefined && name !== null && this.cells.isName(name) && names.every((n, i) => i === index || !this.cells.isName(n))) {
      // The header was detected from this column's word alone: the first row is likely data, and a
      // selection by position (header detection then looks at the features only) keeps it as data.
      note = `; line ${this.headerLine} was taken for a header only because of its ${JSON.stringify(name)}`;
      name = null;
    }
    const ref = name === null ? String(column) : shellWord(formatColumnName(name));
    const what = name === null ? `column ${column}` : `column ${column} (${name})`;
    const labels = this.selection?.labels ? '' : ` (or --labels-column ${ref} for true classes)`;
    return `; ${what} is not numeric: drop it with --ignore-columns ${ref}${labels}${note}`;
  }
}

/**
 * The texts of one column, one per row, kept as Latin-1 bytes in one growing
 * arena (other texts, rare, as strings) and made into strings once, at the
 * end: no string per cell while reading (less GC churn: a lower peak), and no
 * slice that keeps a whole piece of the input alive (only the column's own text).
 */
class TextColumn {
  private arena = Buffer.allocUnsafe(4096);
  private used = 0;
  private ends = new Int32Array(1024);
  private count = 0;
  private others: Map<number, string> | null = null;

  push(text: string, start: number, end: number): void {
    const length = end - start;
    if (this.used + length > this.arena.length) {
      const arena = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.used + length));
      this.arena.copy(arena, 0, 0, this.used);
      this.arena = arena;
    }
    const { arena } = this;
    let used = this.used;
    for (let p = start; p < end; p++) {
      const c = text.charCodeAt(p);
      if (c > 255) {
        (this.others ??= new Map()).set(this.count, text.slice(start, end));
        used = this.used;
        break;
      }
      arena[used++] = c;
    }
    this.used = used;
    if (this.count === this.ends.length) {
      const ends = new Int32Array(this.count * 2);
      ends.set(this.ends);
      this.ends = ends;
    }
    this.ends[this.count++] = used;
  }

  finish(): string[] {
    const texts: string[] = new Array(this.count);
    const { arena, ends, others, count } = this;
    // A string per block of about 64 KB of texts, then a slice of it per row: twice as fast as a string
    // per row from the bytes, and only a block more memory.
    let start = 0;
    for (let i = 0; i < count; ) {
      let j = i;
      while (j + 1 < count && ends[j + 1] - start <= 65536) j++;
      const block = arena.toString('latin1', start, ends[j]);
      for (let from = start; i <= j; i++) {
        const end = ends[i];
        texts[i] = (others !== null && others.get(i)) || block.slice(from - start, end - start);
        from = end;
      }
      start = ends[j];
    }
    return texts;
  }
}

/** A word as a shell needs it: as is when plain, else in single quotes. */
function shellWord(word: string): string {
  return /^[\w.,:/@%+=-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Names for a message: as the LIST syntax writes them, the first 20 and how many more. */
function listNames(names: readonly string[]): string {
  const shown = names.slice(0, 20).map(formatColumnName).join(', ');
  return names.length > 20 ? `${shown}, … (${names.length} in all)` : shown;
}

/** The header name closest to `name` (case aside) within 2 edits, or null; the first of equals. */
export function closestName(name: string, names: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  const lower = name.toLowerCase();
  for (const candidate of names) {
    const d = editDistance(lower, candidate.toLowerCase(), bestDistance);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, or `limit` as soon as it is known to be at least that. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      current.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin >= limit) return limit;
    previous = current;
  }
  return Math.min(previous[b.length], limit);
}
