import { displayWidth, renderTable } from '../../src/cli/render/text-table';

describe('text tables', () => {
  test('borders above and below, one blank of padding, columns as wide as their widest cell, aligned', () => {
    expect(renderTable(['K', 'name'], [['1', 'a'], ['12', 'bcd']], ['right', 'left'])).toBe(
      ['┌────┬──────┐', '│  K │ name │', '│  1 │ a    │', '│ 12 │ bcd  │', '└────┴──────┘'].join('\n'),
    );
  });

  test('colours do not count toward the width; wide characters count twice', () => {
    expect(displayWidth('\x1b[1mbold\x1b[22m')).toBe(4);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('×…≥')).toBe(3);
    const t = renderTable(['\x1b[1mx\x1b[22m'], [['日本']]);
    expect(t.split('\n')[0]).toBe('┌──────┐');
    expect(t.split('\n')[1]).toBe('│    \x1b[1mx\x1b[22m │');
  });

  test('a sweep of 20,000 fits renders, one line per row', () => {
    const rows = Array.from({ length: 20000 }, (_, i) => [String(i), (-1000 - i / 7).toFixed(4)]);
    const lines = renderTable(['seed', 'log-likelihood'], rows).split('\n');
    expect(lines).toHaveLength(20003);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });
});
