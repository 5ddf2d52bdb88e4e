import type { HeldOut, RatingsOutcome } from '../../app/ratings';
import { bestTable, fitSummary, type Style } from './report';
import { renderTable } from './text-table';

const fixed = (v: number, style: Style) => (Number.isFinite(v) ? v.toFixed(style.precision) : 'n/a');

/** The held-out RMSE and MAE of the mixture and the four baselines; the lowest RMSE marked. */
export function heldOutTable(h: HeldOut, k: number, style: Style): string {
  const rows: Array<[string, { rmse: number; mae: number }]> = [
    [`mixture (K=${k})`, h],
    ['global mean', h.baselines.global],
    ['user mean', h.baselines.user],
    ['item mean', h.baselines.item],
    ['bias baseline (μ + b_u + b_i)', h.baselines.bias],
  ];
  let best = rows[0];
  for (const row of rows) if (row[1].rmse < best[1].rmse) best = row;
  const body = rows.map((row) => {
    const cells = [row[0], fixed(row[1].rmse, style), fixed(row[1].mae, style), row === best ? '*' : ''];
    return row === best ? cells.map((c) => style.chalk.green.bold(c)) : cells;
  });
  const head = [`predictor (${h.ratings} held-out ratings)`, 'RMSE', 'MAE', 'best'].map((c) => style.chalk.bold(c));
  return renderTable(head, body, ['left', 'right', 'right', 'left'], style.width);
}

/** The pairs that fell back to the baseline, in one line (empty when none did). */
function fallbackLine(h: HeldOut): string {
  const { unknownUser, unknownItem, unknownBoth } = h.fallbacks;
  if (unknownUser + unknownItem + unknownBoth === 0) return '';
  return `held-out pairs without training ratings: ${unknownUser} of an unknown user (item bias), ${unknownItem} of an unknown item (user bias), ${unknownBoth} of both (global mean)\n`;
}

/** The report of a ratings fit: the data, the sweep per K, the selected fit, the validation and held-out tables. */
export function ratingsReport(outcome: RatingsOutcome, style: Style): string {
  const { ratings, result, heldOut, validation, settings } = outcome;
  const r = ratings.ratings;
  const held = heldOut ? `, ${outcome.train.rating.length} fitted, ${heldOut.ratings} held out` : '';
  const lines = [`${ratings.source}: ${r.users} users, ${r.items} items, ${r.nnz} ratings${held}`];
  if (validation) {
    const body = validation.candidates.map((c) => {
      const chosen = c.covariance === result.selected.covariance && c.k === result.selected.k;
      const cells = [c.covariance, String(c.k), fixed(c.rmse, style), chosen ? '*' : ''];
      return chosen ? cells.map((x) => style.chalk.green.bold(x)) : cells;
    });
    lines.push(`selection by RMSE on ${validation.ratings} validation ratings (${validation.fraction} of the training ratings), then refitted on all of them:`);
    lines.push(renderTable(['family', 'K', 'validation RMSE', 'selected'].map((c) => style.chalk.bold(c)), body, ['left', 'right', 'right', 'left'], style.width).trimEnd());
  }
  lines.push(bestTable(result, style, validation ? 'RMSE' : undefined).trimEnd());
  const prior = settings.meanPrior > 0 ? `, mean prior ${settings.meanPrior}` : '';
  lines.push(`${fitSummary(result.selected, style)}; center ${settings.center}${prior}`);
  if (heldOut) lines.push(heldOutTable(heldOut, result.selected.k, style).trimEnd());
  return lines.join('\n') + '\n' + (heldOut ? fallbackLine(heldOut) : '');
}
