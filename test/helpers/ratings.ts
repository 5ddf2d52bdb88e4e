/**
 * Small rating sets for the tests, made deterministically: planted user types (each type
 * likes its own block of items), user and item biases, ratings rounded to 1..5.
 */
export interface Triplet {
  readonly user: string;
  readonly item: string;
  readonly rating: number;
}

function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

export function plantedRatings(options: { users?: number; items?: number; types?: number; density?: number; seed?: number } = {}): Triplet[] {
  const { users = 60, items = 30, types = 3, density = 0.5, seed = 11 } = options;
  const rnd = lcg(seed);
  const out: Triplet[] = [];
  for (let u = 0; u < users; u++) {
    const type = u % types;
    const bias = (rnd() - 0.5) * 1.2;
    for (let i = 0; i < items; i++) {
      if (rnd() >= density) continue;
      const liked = Math.floor((i * types) / items) === type;
      const r = Math.round(3 + bias + (liked ? 1.5 : -1) + (rnd() - 0.5));
      out.push({ user: `u${u + 1}`, item: `m${i + 1}`, rating: Math.min(5, Math.max(1, r)) });
    }
  }
  return out;
}

/** As CSV with a header (MovieLens ratings.csv), tab-separated without one (u.data) or `::` (ratings.dat), each with a timestamp column. */
export function ratingsText(triplets: readonly Triplet[], format: 'csv' | 'tab' | 'dat' = 'csv'): string {
  const sep = format === 'csv' ? ',' : format === 'tab' ? '\t' : '::';
  const lines = triplets.map((t, n) => [t.user, t.item, t.rating, 881250949 + n].join(sep));
  return (format === 'csv' ? 'userId,movieId,rating,timestamp\n' : '') + lines.join('\n') + '\n';
}

/** The course's dense 0-for-missing matrix as triplets of its rated cells, users and items numbered from 1, row by row. */
export function matrixTriplets(text: string): Triplet[] {
  const out: Triplet[] = [];
  text
    .trim()
    .split('\n')
    .forEach((line, u) =>
      line
        .trim()
        .split(/\s+/)
        .forEach((v, i) => {
          if (Number(v) !== 0) out.push({ user: String(u + 1), item: String(i + 1), rating: Number(v) });
        }),
    );
  return out;
}
