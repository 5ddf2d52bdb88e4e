import { FLMAX, MergeLog, PairTable, pairColumn, pairIndex } from './hc-pairs';

// Math's functions as local names: under jest (a vm context) every lookup of the global Math is slow
// (nodejs/node#49283), enough to make the hierarchy of a few thousand rows many times slower.
const { max, sqrt } = Math;

/**
 * mclust's hceii: agglomerative clustering by the spherical, equal-volume (EII) Gaussian
 * classification likelihood, which is Ward's criterion: merging clusters a and b costs
 * n_a·n_b/(n_a + n_b)·‖mean_a − mean_b‖², the rise in the within-cluster sum of squares.
 * Every row starts as its own cluster. The costs are kept up to date by the Lance–Williams
 * formula, in mclust's arithmetic and order; ties go as in mclust (the last minimum of the
 * packed table, see hc-pairs). `z` is n×p, row-major.
 */
export function agglomerateEII(z: Float64Array, n: number, p: number): MergeLog {
  const merges = new MergeLog(max(0, n - 1));
  if (n < 2) return merges;
  const count = new Int32Array(n).fill(1);
  const rep = new Int32Array(n);
  for (let k = 0; k < n; k++) rep[k] = k;
  const table = new PairTable(n);
  const d = table.d;

  // The first pass: ½‖x_i − x_j‖², as mclust forms it (√½·x_i − √½·x_j, squared).
  const half = sqrt(1 / 2);
  let dopt = FLMAX;
  let io = 0;
  let jo = 1;
  let ij = 0;
  for (let j = 1; j < n; j++) {
    for (let i = 0; i < j; i++) {
      let dij = 0;
      for (let k = 0; k < p; k++) {
        const t = half * z[i * p + k] - half * z[j * p + k];
        dij += t * t;
      }
      d[ij++] = dij;
      if (dij <= dopt) {
        dopt = dij;
        io = i;
        jo = j;
      }
    }
  }

  table.indexColumns(n);
  let lg = n;
  for (;;) {
    merges.add(rep[io], rep[jo], dopt);
    if (lg === 2) return merges;
    const ni = count[io];
    const nj = count[jo];
    const nij = ni + nj;
    const last = lg - 1;
    const jRep = rep[jo];
    if (jo !== last) {
      // Slot jo's old costs go to the column `last`, where the update below reads them.
      table.moveLastInto(jo, last);
      count[jo] = count[last];
      rep[jo] = rep[last];
    }
    count[io] = nij;
    if (jRep < rep[io]) rep[io] = jRep;
    const dold = dopt;
    lg--;
    const iold = io;
    for (let j = 0; j < lg; j++) {
      if (j === iold) continue;
      const rj = count[j];
      const at = j < iold ? pairIndex(j, iold) : pairIndex(iold, j);
      const dij = (rj + ni) * d[at] + (rj + nj) * d[pairIndex(j, lg)];
      if (j < iold) d[at] = (dij - rj * dold) / (rj + nij);
      else table.set(iold, j, (dij - rj * dold) / (rj + nij));
    }
    table.markStale(iold);
    if (lg === 2) {
      dopt = d[0];
      io = 0;
      jo = 1;
    } else {
      const at = table.lastMinimum(lg);
      dopt = d[at];
      jo = pairColumn(at);
      io = at - pairIndex(0, jo);
    }
  }
}
