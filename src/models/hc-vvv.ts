import { FLMAX, MergeLog, PairTable, pairColumn, pairIndex, rot, rotg } from './hc-pairs';

// Math's functions as local names: under jest (a vm context) every lookup of the global Math is slow
// (nodejs/node#49283), enough to make the hierarchy of a few thousand rows many times slower.
const { abs, exp, log, max, min, sqrt } = Math;

/** mclust's EPSMAX (the double epsilon): the least alpha hcvvv takes. */
const EPSMAX = 2.220446049250313e-16;
/** mclust's rthalf = .7071067811865476d0, √½. */
const RTHALF = 0.7071067811865476;

/**
 * Which triangular factors the VVV criterion is computed from. mclust 6.0.0's hcvvv keeps, for
 * each cluster but the newest, only the first row of its factor: the routine that files a merged
 * cluster's factor copies row 1 into every row it stores (`dcopy(p, r(1,1), p, x(l,1), n)`
 * inside the loop over the rows). Row t of an older cluster's factor is then read as row 1's
 * entries from column t on, so a merge that involves such a cluster with two or more rows, and
 * has more than p rows, is scored with the determinant of a different matrix, and the clusters
 * it makes carry that on. 'mclust' reproduces this (Mclust's start as it is); 'exact' keeps
 * the whole factor, the criterion as Fraley (1998) writes it. On the fixtures both give
 * mclust's partitions; only 'mclust' gives its merge costs.
 */
export type VvvFactors = 'mclust' | 'exact';

/**
 * mclust's hcvvv (Fraley 1998, "Algorithms for model-based Gaussian hierarchical clustering"):
 * agglomerative clustering by the unconstrained (VVV) Gaussian classification likelihood,
 * every row its own cluster at the start (Mclust's default: no initial partition).
 *
 * A cluster k of n_k rows with scatter W_k (Σ (x − mean)(x − mean)ᵀ) and trace t_k costs
 *   n_k·log(β(t_k + α)/n_k)                   while n_k ≤ p (W_k is singular),
 *   n_k·log(|W_k/n_k| + β(t_k + α)/n_k)       once n_k > p,
 * computed as mclust does (in log space, with |W_k/n_k| from the diagonal of a triangular factor
 * R_k, RᵀR = W, kept up to date by Givens rotations). Each step merges the pair whose merge
 * raises the total cost least; `alpha` is mclust's α after its scaling (hcVVV's
 * alpha·traceW(data/√(np))), `beta` its β. Ties go as in mclust: the last minimum of the
 * packed table (see hc-pairs).
 *
 * The arithmetic follows mclust's operation by operation (the same sums in the same order, the
 * reference BLAS's drotg and drot), so on the same data it makes the same choices, near-ties
 * included; the costs differ from mclust's only where V8's Math.log and glibc's log round the
 * last bit differently. It skips only work whose result mclust throws away: a merge's factor is
 * needed only when the merged cluster has more than p rows (else the cost uses the trace alone),
 * and only the diagonal of a factor is needed for a cost, so the factor of each candidate merge
 * is not kept (mclust copies it) but rebuilt, by the same operations, for the pair chosen.
 *
 * `z` is n×p, row-major. Memory: the n(n−1)/2 costs, and O(np) for the rest: the factor rows
 * of a cluster of m rows (min(m − 1, p) of them) are kept in the storage rows of its members.
 * Nothing is allocated once the merging starts.
 */
export function agglomerateVVV(z: Float64Array, n: number, p: number, alphaIn: number, beta: number, factors: VvvFactors = 'mclust'): MergeLog {
  const firstRowOnly = factors === 'mclust';
  const merges = new MergeLog(max(0, n - 1));
  if (n < 2) return merges;
  const alpha = max(alphaIn, EPSMAX);
  const ablog = log(beta * alpha);

  // Per slot: the scaled sum √n_k·mean_k (mclust's rows of x), size, trace, cost, members, lowest row.
  const xs = Float64Array.from(z);
  const count = new Int32Array(n).fill(1);
  const trace = new Float64Array(n);
  const term = new Float64Array(n).fill(ablog);
  const head = new Int32Array(n);
  const tail = new Int32Array(n);
  const rep = new Int32Array(n);
  const next = new Int32Array(n).fill(-1);
  for (let k = 0; k < n; k++) head[k] = tail[k] = rep[k] = k;
  // Row t of a cluster's factor, from column t on, is kept in the pool row of its t-th member.
  const pool = new Float64Array(n * p);
  const table = new PairTable(n);
  const d = table.d;

  let r = new Float64Array(p * p); // the factor of the merge chosen (then of the merged cluster)
  let u = new Float64Array(p * p); // work
  const v = new Float64Array(p);
  const w = new Float64Array(p);

  const traceTerm = (l: number, tr: number): number => l * log((beta * (tr + alpha)) / l);
  /** mclust's vvvtij for l > p, from the log-determinant of W/l (−FLMAX for a zero pivot). */
  const fullTerm = (l: number, tr: number, detlog: number): number => {
    if (tr === 0) return l * log((alpha * beta) / l);
    const reg = (beta * (tr + alpha)) / l;
    if (detlog === -FLMAX) return l * log(reg);
    if (detlog <= 0) return l * log(exp(detlog) + reg);
    return l * (log(1 + exp(-detlog) * reg) + detlog);
  };
  /** mclust's det2mc: 2·Σ log|u_kk·s|, or −FLMAX at the first zero. */
  const logDet = (f: Float64Array, s: number): number => {
    let det = 0;
    for (let k = 0; k < p; k++) {
      const q = f[k * p + k] * s;
      if (q === 0) return -FLMAX;
      det += log(abs(q));
    }
    return 2 * det;
  };
  /** The first `rows` factor rows of slot c, into f. */
  const loadFactor = (c: number, rows: number, f: Float64Array): void => {
    let row = head[c];
    for (let t = 0; t < rows; t++) {
      for (let col = t; col < p; col++) f[t * p + col] = pool[row * p + col];
      row = next[row];
    }
  };
  /** Adds slot c's factor rows to f, whose block has `l − 1` rows before each (mclrup(l, ·, row, f(t,t)) per row t). */
  const addFactorRows = (f: Float64Array, c: number, rows: number, l: number): void => {
    let row = head[c];
    for (let t = 0; t < rows; t++) {
      for (let col = t; col < p; col++) w[col - t] = pool[row * p + col];
      addRow(f, p, t, l, w);
      row = next[row];
    }
  };

  // The first pass: every pair of rows.
  let dopt = FLMAX;
  let io = 0;
  let jo = 1;
  let trop = 0;
  let tmop = 0;
  {
    let ij = 0;
    for (let j = 1; j < n; j++) {
      const xj = j * p;
      for (let i = 0; i < j; i++) {
        const xi = i * p;
        let tr = 0;
        for (let k = 0; k < p; k++) {
          const t = (xs[xi + k] - xs[xj + k]) * RTHALF;
          tr += t * t;
        }
        const tm = 2 * log((beta * (tr + alpha)) / 2);
        const dij = tm - (ablog + ablog);
        d[ij++] = dij;
        if (dij <= dopt) {
          dopt = dij;
          trop = tr;
          tmop = tm;
          io = i;
          jo = j;
        }
      }
    }
  }
  if (n === 2) {
    merges.add(rep[0], rep[1], dopt);
    return merges;
  }
  table.indexColumns(n);
  let nopt = 2;
  let siop = RTHALF;
  let sjop = RTHALF;
  for (let k = 0; k < p; k++) r[k] = (xs[io * p + k] - xs[jo * p + k]) * RTHALF;

  let lg = n;
  for (;;) {
    // Merge slots io < jo: the merged cluster takes slot io, the last slot's moves into jo.
    merges.add(rep[io], rep[jo], dopt);
    for (let k = 0; k < p; k++) v[k] = siop * xs[io * p + k] + sjop * xs[jo * p + k];
    const last = lg - 1;
    const jHead = head[jo];
    const jTail = tail[jo];
    const jRep = rep[jo];
    if (jo !== last) {
      table.moveLastInto(jo, last);
      xs.copyWithin(jo * p, last * p, last * p + p);
      count[jo] = count[last];
      trace[jo] = trace[last];
      term[jo] = term[last];
      head[jo] = head[last];
      tail[jo] = tail[last];
      rep[jo] = rep[last];
    }
    xs.set(v, io * p);
    count[io] = nopt;
    trace[io] = trop;
    term[io] = tmop;
    next[tail[io]] = jHead;
    tail[io] = jTail;
    if (jRep < rep[io]) rep[io] = jRep;
    {
      let row = head[io];
      const rows = min(nopt - 1, p);
      for (let t = 0; t < rows; t++) {
        for (let col = t; col < p; col++) pool[row * p + col] = r[(firstRowOnly ? 0 : t) * p + col];
        row = next[row];
      }
    }
    lg--;

    // The costs of merging the new cluster with each other one.
    const iold = io;
    const ni = count[iold];
    const ri = ni;
    const traci = trace[iold];
    const termi = term[iold];
    const rowsI = min(ni - 1, p);
    const xi = iold * p;
    let best = FLMAX;
    let bestJ = -1;
    let bestTr = 0;
    let bestTm = 0;
    for (let j = 0; j < lg; j++) {
      if (j === iold) continue;
      const nj = count[j];
      let nij: number;
      let si: number;
      let sj: number;
      let sij: number;
      let termj: number;
      let tr: number;
      // v = si·x_j − sj·x_iold, the scaled difference of the means; the trace gains |v|².
      const xj = j * p;
      let dot = 0;
      if (nj === 1) {
        nij = ni + 1;
        const qij = 1 / nij;
        si = sqrt(ri * qij);
        sj = sqrt(qij);
        sij = sj;
        termj = ablog;
        for (let k = 0; k < p; k++) {
          const t = si * xs[xj + k] - sj * xs[xi + k];
          dot += t * t;
        }
        tr = traci + dot;
      } else {
        nij = ni + nj;
        const qij = 1 / nij;
        si = sqrt(ri * qij);
        sj = sqrt(nj * qij);
        sij = sqrt(qij);
        termj = term[j];
        for (let k = 0; k < p; k++) {
          const t = si * xs[xj + k] - sj * xs[xi + k];
          dot += t * t;
        }
        tr = traci + trace[j] + dot;
      }
      let tm: number;
      if (nij <= p) tm = traceTerm(nij, tr);
      else if (tr === 0) tm = fullTerm(nij, tr, 0);
      else {
        // The factor is needed: v itself, the same numbers again.
        for (let k = 0; k < p; k++) v[k] = si * xs[xj + k] - sj * xs[xi + k];
        if (nj === 1) tm = fullTerm(nij, tr, logDetWithRow(r, p, rowsI, v, sij));
        else {
          copyRows(r, u, rowsI, p);
          addFactorRows(u, j, min(nj - 1, p), ni + 1);
          addRow(u, p, 0, nij, v);
          tm = fullTerm(nij, tr, logDet(u, sij));
        }
      }
      const dij = tm - (termi + termj);
      if (j < iold) d[pairIndex(j, iold)] = dij;
      else table.set(iold, j, dij);
      if (dij <= best) {
        best = dij;
        bestJ = j;
        bestTr = tr;
        bestTm = tm;
      }
    }

    table.markStale(iold);
    if (lg === 2) {
      merges.add(rep[0], rep[1], d[0]);
      return merges;
    }
    const at = table.lastMinimum(lg);
    dopt = d[at];
    const j = pairColumn(at);
    const i = at - pairIndex(0, j);
    if ((i === iold || j === iold) && (i === iold ? j : i) === bestJ) {
      // A merge with the new cluster: its factor as the scan above built it (mclust keeps that copy).
      const nj = count[bestJ];
      const nij = ni + nj;
      const qij = 1 / nij;
      const si = sqrt(ri * qij);
      const sj = sqrt(nj * qij); // nj·qij is qij itself for a single row, as mclust has it
      copyRows(r, u, rowsI, p);
      if (nj > 1) addFactorRows(u, bestJ, min(nj - 1, p), ni + 1);
      for (let k = 0; k < p; k++) v[k] = si * xs[bestJ * p + k] - sj * xs[iold * p + k];
      addRow(u, p, 0, nij, v);
      const t = r;
      r = u;
      u = t;
      nopt = nij;
      trop = bestTr;
      tmop = bestTm;
      if (bestJ < iold) {
        io = bestJ;
        jo = iold;
        siop = sj;
        sjop = si;
      } else {
        io = iold;
        jo = bestJ;
        siop = si;
        sjop = sj;
      }
    } else {
      // Another pair: its factor rebuilt as mclust rebuilds it (j's rows first, then i's).
      const ni2 = count[i];
      const nj2 = count[j];
      let termi2 = ablog;
      let termj2 = ablog;
      let tr = 0;
      let si: number;
      let sj: number;
      let nij: number;
      if (nj2 === 1 && ni2 === 1) {
        nij = 2;
        si = RTHALF;
        sj = RTHALF;
        for (let k = 0; k < p; k++) {
          const t = (xs[i * p + k] - xs[j * p + k]) * RTHALF;
          r[k] = t;
          tr += t * t;
        }
      } else {
        if (nj2 === 1) {
          loadFactor(i, min(ni2 - 1, p), r);
          nij = ni2 + 1;
          const qij = 1 / nij;
          si = sqrt(ni2 * qij);
          sj = sqrt(qij);
          termi2 = term[i];
        } else {
          loadFactor(j, min(nj2 - 1, p), r);
          termj2 = term[j];
          if (ni2 === 1) {
            nij = nj2 + 1;
            const qij = 1 / nij;
            si = sqrt(qij);
            sj = sqrt(nj2 * qij);
          } else {
            addFactorRows(r, i, min(ni2 - 1, p), nj2 + 1);
            termi2 = term[i];
            nij = ni2 + nj2;
            const qij = 1 / nij;
            si = sqrt(ni2 * qij);
            sj = sqrt(nj2 * qij);
          }
        }
        for (let k = 0; k < p; k++) {
          const t = sj * xs[i * p + k] - si * xs[j * p + k];
          v[k] = t;
          tr += t * t;
        }
        if (ni2 > 1 && nj2 > 1) tr = trace[i] + trace[j] + tr;
        else tr = (ni2 > 1 ? trace[i] : trace[j]) + tr;
        addRow(r, p, 0, nij, v);
      }
      nopt = nij;
      trop = tr;
      tmop = dopt + (termi2 + termj2);
      siop = si;
      sjop = sj;
      io = i;
      jo = j;
    }
  }
}

/** Rows 0..rows−1 of the factor `from` (each from its diagonal on) into `to`. */
function copyRows(from: Float64Array, to: Float64Array, rows: number, p: number): void {
  for (let t = 0; t < rows; t++) for (let col = t; col < p; col++) to[t * p + col] = from[t * p + col];
}

/**
 * mclust's mclrup(l, m, vec, f(t,t)): adds the row `vec` (its first m = p − t entries, for
 * columns t…p−1) to the upper-triangular factor in f's trailing block from (t, t), which
 * holds l − 2 rows when that is fewer than m, else m (full). Givens rotations, as mclust applies them;
 * vec is overwritten.
 */
export function addRow(f: Float64Array, p: number, t: number, l: number, vec: Float64Array): void {
  const m = p - t;
  if (l === 1 || m <= 0) return;
  const k = l - 1;
  if (k <= m) {
    const row = (t + k - 1) * p;
    for (let c = 0; c < m; c++) f[row + t + c] = vec[c];
    if (k === 1) return;
    for (let i = 0; i < k - 1; i++) {
      const top = (t + i) * p;
      const diag = t + i;
      rotg(f[top + diag], f[row + diag]);
      f[top + diag] = rot.r;
      f[row + diag] = rot.z;
      const c = rot.c;
      const s = rot.s;
      for (let col = diag + 1; col < p; col++) {
        const x = f[top + col];
        const y = f[row + col];
        f[top + col] = c * x + s * y;
        f[row + col] = c * y - s * x;
      }
    }
  } else {
    for (let i = 0; i < m - 1; i++) {
      const top = (t + i) * p;
      const diag = t + i;
      rotg(f[top + diag], vec[i]);
      f[top + diag] = rot.r;
      vec[i] = rot.z;
      const c = rot.c;
      const s = rot.s;
      for (let e = i + 1; e < m; e++) {
        const x = f[top + t + e];
        const y = vec[e];
        f[top + t + e] = c * x + s * y;
        vec[e] = c * y - s * x;
      }
    }
    const last = (p - 1) * p + p - 1;
    rotg(f[last], vec[m - 1]);
    f[last] = rot.r;
    vec[m - 1] = rot.z;
  }
}

/**
 * det2mc of the factor that adding row `vec` to `f` (rows p − 1 or p of them) would give,
 * without changing f: only the new diagonal is needed, which depends on f's rows and the
 * rotated vec alone (the rotated rows of f are not). The same operations as addRow, then logDet.
 */
function logDetWithRow(f: Float64Array, p: number, rows: number, vec: Float64Array, s: number): number {
  let det = 0;
  for (let i = 0; i < p - 1; i++) {
    const top = i * p;
    rotg(f[top + i], vec[i]);
    const c = rot.c;
    const sn = rot.s;
    for (let col = i + 1; col < p; col++) vec[col] = c * vec[col] - sn * f[top + col];
    const q = rot.r * s;
    if (q === 0) return -FLMAX;
    det += log(abs(q));
  }
  let lastDiag: number;
  if (rows === p) {
    rotg(f[(p - 1) * p + p - 1], vec[p - 1]);
    lastDiag = rot.r;
  } else lastDiag = vec[p - 1];
  const q = lastDiag * s;
  if (q === 0) return -FLMAX;
  det += log(abs(q));
  return 2 * det;
}
