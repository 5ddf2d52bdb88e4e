/**
 * Boxed text tables for the terminal, in time linear in the number of cells
 * (cli-table3 took 13 s for a 16,000-row sweep table: its layout is quadratic).
 * A border above and below, none between rows; each cell padded by one blank.
 * Cells may carry ANSI colours: widths are measured without them, and wide
 * (East Asian) characters count as two columns.
 */

export type Align = 'left' | 'right';

const ANSI = /\x1b\[[0-9;]*m/g;

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf && code !== 0x303f) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

/** The number of terminal columns `text` takes. */
export function displayWidth(text: string): number {
  const plain = text.replace(ANSI, '');
  let width = 0;
  for (const ch of plain) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0) || (code >= 0x300 && code <= 0x36f) || code === 0x200b) continue; // controls, combining marks
    width += isWide(code) ? 2 : 1;
  }
  return width;
}

/** Cuts `text` to `width` columns, ending it with … (colours are dropped from a cut cell). */
export function cut(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const ch of text.replace(ANSI, '')) {
    const w = displayWidth(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return out + '…';
}

/** Narrowest a cut column gets. */
const MIN_CUT_WIDTH = 12;

/**
 * A table: the head and rows of cell texts, and each column's alignment (default right).
 * With `maxWidth` (a terminal's), left-aligned text columns (names, a failed fit's error) are
 * cut with … until the table fits, widest first; numbers are never cut.
 */
export function renderTable(head: readonly string[], rows: ReadonlyArray<readonly string[]>, aligns: readonly Align[] = [], maxWidth?: number): string {
  const columns = head.length;
  const widths = head.map(displayWidth);
  for (const row of rows) for (let c = 0; c < columns; c++) widths[c] = Math.max(widths[c], displayWidth(row[c] ?? ''));
  if (maxWidth !== undefined) {
    const total = () => widths.reduce((sum, w) => sum + w + 3, 1);
    for (let excess = total() - maxWidth; excess > 0; excess = total() - maxWidth) {
      let widest = -1;
      for (let c = 0; c < columns; c++) if ((aligns[c] ?? 'right') === 'left' && widths[c] > MIN_CUT_WIDTH && (widest < 0 || widths[c] > widths[widest])) widest = c;
      if (widest < 0) break;
      widths[widest] = Math.max(MIN_CUT_WIDTH, widths[widest] - excess);
    }
    const cutRow = (cells: readonly string[]) => cells.map((cell, c) => (displayWidth(cell) > widths[c] ? cut(cell, widths[c]) : cell));
    head = cutRow(head);
    rows = rows.map(cutRow);
  }
  const line = (left: string, middle: string, right: string) => left + widths.map((w) => '─'.repeat(w + 2)).join(middle) + right;
  const render = (cells: readonly string[]) => {
    let out = '│';
    for (let c = 0; c < columns; c++) {
      const cell = cells[c] ?? '';
      const pad = ' '.repeat(widths[c] - displayWidth(cell));
      out += ' ' + ((aligns[c] ?? 'right') === 'left' ? cell + pad : pad + cell) + ' │';
    }
    return out;
  };
  const out: string[] = [line('┌', '┬', '┐'), render(head)];
  for (const row of rows) out.push(render(row));
  out.push(line('└', '┴', '┘'));
  return out.join('\n');
}
