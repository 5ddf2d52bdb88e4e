import { fromRows } from '../../src/core/matrix';
import { randomInit } from '../../src/core/init';
import { prepareData } from '../../src/models/data';
import { SphericalState } from '../../src/models/spherical';
const ex = JSON.parse(require('fs').readFileSync('/tmp/ex2.json','utf8').replace(/Number\.NaN/g,'null'));
const rows: number[][] = ex.draw.rows.map((r: any[]) => r.map((v) => v === null ? NaN : v));
const order: number[] = ex.order; const {k, seed} = ex.draw;
const m = fromRows(rows); const mp = fromRows(order.map((u) => rows[u]));
const start = randomInit(m, k, seed).mixture;
const sa = new SphericalState(prepareData(m), start, { minVar: 1e-6 });
const sb = new SphericalState(prepareData(mp), start, { minVar: 1e-6 });
for (let t = 0; t < 16; t++) {
  const ma = sa.mixture(), mb = sb.mixture();
  const la = sa.expectation(), lb = sb.expectation();
  const dmu = Math.max(...Array.from(ma.mu).map((v, i) => Math.abs(v - mb.mu[i])));
  const dvar = Math.max(...Array.from(ma.var).map((v, i) => Math.abs(v - mb.var[i])/v));
  console.log(t + 1, la, lb, (la - lb) / la, 'dmu', dmu, 'dvar rel', dvar, Array.from(ma.var));
  sa.maximization(); sb.maximization();
}
