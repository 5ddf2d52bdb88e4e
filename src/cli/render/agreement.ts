import type { Agreement } from '../../app';
import { renderTable } from './text-table';

/**
 * Agreement with the known classes, for a person: the adjusted Rand index, the error rate,
 * and the confusion table (a row per class, a column per component, as mclust's
 * table(class, classification)).
 */
export function agreementReport(a: Agreement, k: number, width?: number): string {
  const head = ['class \\ component', ...Array.from({ length: k }, (_, j) => String(j + 1))];
  const rows = a.classes.map((c, i) => [c, ...a.counts[i].map(String)]);
  const table = renderTable(head, rows, ['left', ...Array<'right'>(k).fill('right')], width);
  return `known classes: adjusted Rand index ${a.ari.toFixed(4)}, error rate ${a.errorRate.toFixed(4)} (each component read as its most frequent class)\n${table}`;
}
