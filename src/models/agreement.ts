/**
 * How a partition agrees with known classes, as mclust reports it: the adjusted Rand index
 * (Hubert and Arabie 1985; mclust's adjustedRandIndex), the classification error rate after
 * mapping each component to the class it shares most rows with (mclust's classError), and the
 * confusion table of classes against components.
 */
export interface Agreement {
  /** The classes in order of first appearance. */
  readonly classes: string[];
  /** counts[c][j]: rows of class c put in component j (0-based). */
  readonly counts: number[][];
  readonly ari: number;
  readonly errorRate: number;
  /** Each component's class under that mapping (null for a component with no rows). */
  readonly mapping: Array<string | null>;
}

const choose2 = (n: number) => (n * (n - 1)) / 2;

/** `labels` are 0..k−1 components; `truth` the class of each row (same length). */
export function agreement(labels: ArrayLike<number>, k: number, truth: readonly string[]): Agreement {
  const n = labels.length;
  if (truth.length !== n) throw new RangeError(`${truth.length} true labels for ${n} rows`);
  const index = new Map<string, number>();
  const classes: string[] = [];
  for (const t of truth) {
    if (index.has(t)) continue;
    index.set(t, classes.length);
    classes.push(t);
  }
  const counts = classes.map(() => new Array<number>(k).fill(0));
  for (let u = 0; u < n; u++) counts[index.get(truth[u])!][labels[u]]++;
  let cells = 0;
  for (const row of counts) for (const c of row) cells += choose2(c);
  const rowSums = counts.map((row) => row.reduce((a, b) => a + b, 0));
  const colSums = Array.from({ length: k }, (_, j) => counts.reduce((a, row) => a + row[j], 0));
  const a = rowSums.reduce((s, r) => s + choose2(r), 0);
  const b = colSums.reduce((s, c) => s + choose2(c), 0);
  const expected = n > 1 ? (a * b) / choose2(n) : 0;
  const maximum = (a + b) / 2;
  // Both partitions a single block (or all singletons): they agree perfectly, as mclust returns 1.
  const ari = maximum === expected ? 1 : (cells - expected) / (maximum - expected);
  let right = 0;
  const mapping: Array<string | null> = [];
  for (let j = 0; j < k; j++) {
    let best = -1;
    for (let c = 0; c < classes.length; c++) if (best < 0 || counts[c][j] > counts[best][j]) best = c;
    mapping.push(colSums[j] > 0 && best >= 0 ? classes[best] : null);
    if (best >= 0) right += counts[best][j];
  }
  return { classes, counts, ari, errorRate: n > 0 ? 1 - right / n : 0, mapping };
}
