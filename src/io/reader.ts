import { DataError } from '../core/errors';
import { MatrixBuilder } from './builder';
import { CellReader } from './cells';
import { ColumnPlan } from './columns';
import { DelimitedScanner } from './delimited';
import { checkDelimiter, delimiterFromName, describe, trimsCells, type Delimiter } from './delimiter';
import { Sniffer } from './sniff';
import type { ReadOptions, Table } from './table';
import { WhitespaceScanner, type Scanner } from './whitespace';

/** The error for --decimal-comma with a comma delimiter. */
export function decimalCommaError(source: string): DataError {
  return new DataError(`${source}: --decimal-comma needs a delimiter other than comma, such as --delimiter semicolon`);
}

/**
 * One table read from text that comes in pieces (LF line ends, no BOM): the
 * delimiter (given, from the name, or sniffed from the first data line), then
 * the scanner for it, into one MatrixBuilder. parseTable feeds it the whole
 * text at once, parseStream chunk by chunk; both get the same Table. A column
 * selection (options.select) is checked here and resolved on the first row
 * (see ColumnPlan).
 */
export class TableReader {
  readonly cells: CellReader;
  readonly builder: MatrixBuilder;
  readonly plan: ColumnPlan;
  delimiter: Delimiter | undefined;
  private scanner: Scanner | null = null;
  private sniffer: Sniffer | null = null;
  /** Characters fed so far, and those before the first data line (for sizing). */
  private consumed = 0;
  private dataStart = 0;
  private sized = false;
  private firstRowSized = false;

  constructor(
    private readonly source: string,
    private readonly options: ReadOptions,
    /**
     * The input's size in bytes when known, to size the buffers once. A function:
     * a gzip input's size is `estimated` from its ratio so far, so it is looked at
     * again when the buffer runs short.
     */
    private readonly sizeHint?: () => number | undefined,
    private readonly estimated = false,
  ) {
    if (options.delimiter !== undefined) checkDelimiter(options.delimiter);
    const decimalComma = options.decimalComma === true;
    this.cells = new CellReader(options.missing ?? [], source, decimalComma);
    this.builder = new MatrixBuilder(source);
    this.plan = new ColumnPlan(options.select, source, options.header, this.cells, this.builder);
    const hint = delimiterFromName(source);
    if (options.delimiter !== undefined) this.start(options.delimiter, 0);
    else if (hint === '\t') this.start(hint, 0);
    else this.sniffer = new Sniffer(hint, decimalComma);
  }

  private start(delimiter: Delimiter, linesBefore: number): void {
    if (this.options.decimalComma && delimiter === ',') throw decimalCommaError(this.source);
    this.delimiter = delimiter;
    this.cells.hintDecimalComma = delimiter !== ',' && delimiter !== 'whitespace';
    const { cells, builder, plan, source } = this;
    this.scanner =
      delimiter === 'whitespace'
        ? new WhitespaceScanner(cells, builder, plan, linesBefore)
        : new DelimitedScanner(delimiter, trimsCells(delimiter), cells, builder, plan, source, describe(delimiter), linesBefore);
  }

  /** The next piece of text; `final` for the last one (which may be empty). */
  feed(text: string, final: boolean): void {
    this.consumed += text.length;
    if (this.sniffer) {
      const found = this.sniffer.feed(text, final);
      if (!found) return;
      this.sniffer = null;
      this.start(found.delimiter, found.linesBefore);
      this.dataStart = this.consumed - found.text.length;
      text = found.text;
    }
    (this.scanner as Scanner).feed(text, final);
    if (this.sizeHint && (!this.sized || this.estimated)) this.size();
  }

  /** Once some rows are in, size the buffers for the whole input from its size. */
  private size(): void {
    const { builder } = this;
    const firstRow = builder.width < 0;
    if (firstRow) {
      if (this.firstRowSized || builder.cells < 65536) return;
    } else if (this.sized) {
      // An estimated size: look again when the buffer is nearly full, with a better ratio by now.
      if (builder.cells < builder.capacity * 0.9) return;
    } else if (builder.rows < 64 || (this.estimated && this.consumed - this.dataStart < 1 << 20)) return;
    const total = (this.sizeHint as () => number | undefined)();
    const read = this.consumed - this.dataStart;
    if (!total || total <= this.consumed || read <= 0) return;
    const ratio = (total - this.dataStart) / read;
    const scale = ratio * (this.estimated ? 1.04 : 1.02);
    if (this.sized) {
      // Grown again only if even the bare estimate no longer fits (each growth copies the buffer).
      if (builder.rows * ratio * builder.width > builder.capacity) builder.expectRows(builder.rows * scale + 16);
      return;
    }
    if (firstRow) {
      // One long first row (ten million numbers on a line): room for all its cells at once.
      builder.expectCells(builder.cells * scale + 1024);
      this.firstRowSized = true;
    } else {
      builder.expectRows(builder.rows * scale + 16);
      this.sized = true;
    }
  }

  finish(): Table {
    if (this.sniffer || !this.scanner) this.feed('', true);
    const matrix = this.builder.finish();
    const { plan } = this;
    return {
      matrix,
      delimiter: this.delimiter ?? 'whitespace',
      columns: this.builder.columns,
      ids: plan.ids(),
      labels: plan.labels(),
      layout: plan.layout(),
    };
  }
}
