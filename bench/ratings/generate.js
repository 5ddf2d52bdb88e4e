#!/usr/bin/env node
'use strict';
// Netflix-Prize-shaped synthetic ratings for `npm run bench:ratings` (bench/ratings.js).
//
//   node bench/ratings/generate.js --out FILE [--users 480189] [--items 17770] [--ratings 100480507]
//                                  [--seed 20240609] [--types 12] [--gzip] [--truth FILE] [--quiet]
//
// Writes long-format text, one rating per line, no header:  user,item,rating\n
// (user ids 1..users, item ids 1..items, ratings 1..5). Deterministic from the
// seed: the same arguments give the same bytes on every machine (the sha256 of
// the text, before any gzip, is printed). Streaming: the text goes out in 8 MiB
// pieces, so memory stays a few tens of MB whatever the size (the per-user and
// per-item tables: ~8 bytes × users, ~100 bytes × items, types × items means).
//
// The model (constants below):
//   - item popularity: a broken power law over popularity ranks, weight
//     (r + q)^-0.8 up to rank 0.394·items, then falling as r^-8 (a steep tail of
//     rarely rated items), q = 50·items/17770; ranks are given to item ids in a
//     random order. Fitted to the Netflix Prize's per-movie counts (max 232,944,
//     median 561, min 3 ratings).
//   - user activity: lognormal (σ = 1.25, Netflix's median 96 / mean 209 ratings
//     per user), scaled so the counts sum to exactly --ratings, each count at
//     least 1 and at most --items: most users rate a few dozen items, a few
//     rate thousands.
//   - planted types: K_true = --types latent user types with weights ∝ exp(0.4·z);
//     type j's mean rating of item i is clip(b_i + δ_ji, 1, 5) with b_i ~ N(3.6, 0.5²)
//     and δ_ji ~ N(0, 0.7²); a user of type j rates item i as
//     clip(round(mean_ji + N(0, 0.8²)), 1, 5).
//   - each user's items are drawn by popularity without replacement (no
//     (user, item) pair twice): rejection against a per-user stamp for most users,
//     exponential clocks (Efraimidis–Spirakis) for users who rate more than a
//     quarter of the items.
//   - order: users in a random order, each user's lines together, its items in
//     a random order. So neither ids nor lines are sorted; read with "first
//     appearance" id maps, users come out in file order.
// --truth FILE writes `user,type` (type 1..K_true) for every user, in file order.
//
// Random numbers: xoshiro128** (seeded by splitmix32 from the seed), 32-bit
// uniforms; normals by Box–Muller. Never Math.random.
//
// Prints one JSON line on stdout (the shape, the stats, the timing); progress on
// stderr unless --quiet.
const crypto = require('crypto');
const fs = require('fs');
const zlib = require('zlib');

const VERSION = 1; // bump when the bytes for a given seed change (bench/ratings.js caches by it)
const NETFLIX = Object.freeze({ users: 480189, items: 17770, ratings: 100480507 });
const DEFAULTS = Object.freeze({ ...NETFLIX, seed: 20240609, types: 12 });
const MODEL = Object.freeze({
  popularity: { headExponent: 0.8, offsetPer17770: 50, breakFraction: 0.394, tailExponent: 8 },
  activitySigma: 1.25,
  typeWeightSigma: 0.4,
  itemBase: { mean: 3.6, sd: 0.5 },
  typeSd: 0.7,
  noiseSd: 0.8,
  bigUserFraction: 0.25, // above this share of the items, a user's items are drawn by exponential clocks
});
const CHUNK = 8 << 20;

// ---- random numbers ----------------------------------------------------------
class Rng {
  constructor(seed) {
    // splitmix32 over the seed's low and high 32 bits
    let s = (seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296) >>> 0, 0x9e3779b1);
    const next = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
    this.spare = NaN;
  }

  /** xoshiro128**: a uint32. */
  u32() {
    const b = this.b;
    const x = Math.imul(b, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = b << 9;
    this.c ^= this.a;
    this.d ^= b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = (this.d << 11) | (this.d >>> 21);
    return result;
  }

  /** Uniform in [0, 1), 32 bits. */
  uniform() {
    return this.u32() * 2.3283064365386963e-10;
  }

  /** Uniform in (0, 1]: safe for log. */
  uniformPositive() {
    return (this.u32() + 1) * 2.3283064365386963e-10;
  }

  /** An integer in [0, n), n ≤ 2^32 (multiply-shift; bias < n / 2^32). */
  below(n) {
    return Math.floor(this.u32() * 2.3283064365386963e-10 * n);
  }

  /** Standard normal (Box–Muller, both values used). */
  normal() {
    if (this.spare === this.spare) {
      const z = this.spare;
      this.spare = NaN;
      return z;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniformPositive()));
    const a = 6.283185307179586 * this.uniform();
    this.spare = r * Math.sin(a);
    return r * Math.cos(a);
  }
}

// ---- the model's tables ------------------------------------------------------

/** Popularity weight of each item id (ranks shuffled over the ids). */
function itemWeights(rng, items) {
  const p = MODEL.popularity;
  const q = (p.offsetPer17770 * items) / NETFLIX.items;
  const brk = Math.max(1, Math.round(p.breakFraction * items));
  const rankOf = shuffled(rng, items);
  const w = new Float64Array(items);
  const atBreak = Math.pow(brk + q, -p.headExponent);
  for (let i = 0; i < items; i++) {
    const r = rankOf[i] + 1;
    w[i] = r <= brk ? Math.pow(r + q, -p.headExponent) : atBreak * Math.pow(r / brk, -p.tailExponent);
  }
  return w;
}

/** 0..n-1 in a random order (Fisher–Yates). */
function shuffled(rng, n) {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  shuffleInPlace(rng, a, n);
  return a;
}

function shuffleInPlace(rng, a, n) {
  for (let i = n - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

/** Walker/Vose alias table of the weights: draw = column u·n, kept if v < prob, else alias. */
function aliasTable(w) {
  const n = w.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += w[i];
  const prob = new Float64Array(n);
  const alias = new Int32Array(n);
  const scaled = new Float64Array(n);
  const small = new Int32Array(n);
  const large = new Int32Array(n);
  let ns = 0;
  let nl = 0;
  for (let i = 0; i < n; i++) {
    scaled[i] = (w[i] * n) / sum;
    if (scaled[i] < 1) small[ns++] = i;
    else large[nl++] = i;
  }
  while (ns && nl) {
    const s = small[--ns];
    const l = large[--nl];
    prob[s] = scaled[s];
    alias[s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    if (scaled[l] < 1) small[ns++] = l;
    else large[nl++] = l;
  }
  while (nl) prob[large[--nl]] = 1;
  while (ns) prob[small[--ns]] = 1;
  return { prob, alias, n };
}

/**
 * Ratings per user: lognormal activity scaled so that Σ clamp(floor(c·a_u), 1, items) is
 * as large as possible without passing `total`, then +1 for the first users (in id order)
 * below the cap until the sum is exactly `total`.
 */
function userCounts(rng, users, items, total) {
  const a = new Float64Array(users);
  for (let u = 0; u < users; u++) a[u] = Math.exp(MODEL.activitySigma * rng.normal());
  const counts = new Int32Array(users);
  const sumAt = (c) => {
    let s = 0;
    for (let u = 0; u < users; u++) s += Math.min(items, Math.max(1, Math.floor(c * a[u])));
    return s;
  };
  let lo = 0;
  let hi = 1;
  while (sumAt(hi) <= total && hi < 1e300) hi *= 2;
  for (let it = 0; it < 200 && hi - lo > 1e-12 * hi; it++) {
    const mid = (lo + hi) / 2;
    if (sumAt(mid) <= total) lo = mid;
    else hi = mid;
  }
  let sum = 0;
  for (let u = 0; u < users; u++) {
    counts[u] = Math.min(items, Math.max(1, Math.floor(lo * a[u])));
    sum += counts[u];
  }
  for (let u = 0; sum < total; u = (u + 1) % users) {
    if (counts[u] < items) {
      counts[u]++;
      sum++;
    }
  }
  return counts;
}

/** Type weights ∝ exp(σ z), each user's type (0-based), and the K_true × items mean ratings. */
function plantTypes(rng, users, items, types) {
  const weights = new Float64Array(types);
  let sum = 0;
  for (let j = 0; j < types; j++) sum += weights[j] = Math.exp(MODEL.typeWeightSigma * rng.normal());
  const cumulative = new Float64Array(types);
  let acc = 0;
  for (let j = 0; j < types; j++) cumulative[j] = acc += weights[j] / sum;
  const typeOf = new Uint16Array(users);
  for (let u = 0; u < users; u++) {
    const x = rng.uniform();
    let j = 0;
    while (j < types - 1 && x >= cumulative[j]) j++;
    typeOf[u] = j;
  }
  const base = new Float64Array(items);
  for (let i = 0; i < items; i++) base[i] = MODEL.itemBase.mean + MODEL.itemBase.sd * rng.normal();
  const means = new Float64Array(types * items);
  for (let j = 0; j < types; j++) {
    for (let i = 0; i < items; i++) means[j * items + i] = Math.min(5, Math.max(1, base[i] + MODEL.typeSd * rng.normal()));
  }
  return { weights: Array.from(weights, (x) => x / sum), typeOf, means };
}

// ---- output ------------------------------------------------------------------

/** The text sink: 8 MiB pieces to a file, or through gzip; the sha256 of the text. */
function openSink(file, gzip) {
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  if (!gzip) {
    const fd = fs.openSync(file, 'w');
    return {
      write(buf) {
        hash.update(buf);
        bytes += buf.length;
        for (let off = 0; off < buf.length; ) off += fs.writeSync(fd, buf, off, buf.length - off);
      },
      async close() {
        fs.closeSync(fd);
        return { bytes, sha256: hash.digest('hex') };
      },
    };
  }
  const out = fs.createWriteStream(file);
  const gz = zlib.createGzip({ level: 1 });
  gz.pipe(out);
  let failed = null;
  gz.on('error', (e) => (failed = e));
  out.on('error', (e) => (failed = e));
  return {
    write(buf) {
      if (failed) throw failed;
      hash.update(buf);
      bytes += buf.length;
      // gzip holds its input until it has compressed it: give it a copy of the reused buffer
      if (!gz.write(Buffer.from(buf))) return new Promise((resolve) => gz.once('drain', resolve));
      return undefined;
    },
    close() {
      return new Promise((resolve, reject) => {
        out.on('finish', () => (failed ? reject(failed) : resolve({ bytes, sha256: hash.digest('hex') })));
        gz.end();
      });
    },
  };
}

/** `digits,` of 1..n as bytes: table[i*8 ..], length len[i]. */
function idBytes(n) {
  const table = new Uint8Array(n * 8);
  const len = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const s = `${i + 1},`;
    for (let c = 0; c < s.length; c++) table[i * 8 + c] = s.charCodeAt(c);
    len[i] = s.length;
  }
  return { table, len };
}

// ---- the generator -----------------------------------------------------------

async function generate(o) {
  const t0 = process.hrtime.bigint();
  const { users, items, ratings, types, seed } = o;
  if (ratings < users) throw new Error(`--ratings ${ratings} < --users ${users}: every user rates at least one item`);
  if (ratings > users * items) throw new Error(`--ratings ${ratings} > users × items = ${users * items}`);
  if (types < 1 || types > 65535) throw new Error('--types must be in 1..65535');
  const rng = new Rng(seed);
  const weights = itemWeights(rng, items);
  const table = aliasTable(weights);
  const counts = userCounts(rng, users, items, ratings);
  const planted = plantTypes(rng, users, items, types);
  const order = shuffled(rng, users);
  const ids = idBytes(items);

  const sink = openSink(o.out, o.gzip);
  const truth = o.truth ? fs.openSync(o.truth, 'w') : null;
  let truthText = '';
  const buf = Buffer.allocUnsafe(CHUNK);
  const limit = CHUNK - 64;
  let pos = 0;
  const stamp = new Int32Array(items).fill(-1);
  const keys = new Float64Array(items);
  const sortedKeys = new Float64Array(items);
  const picked = new Int32Array(items);
  const itemCounts = new Int32Array(items);
  const hist = new Float64Array(6);
  const { prob, alias } = table;
  const { means, typeOf } = planted;
  const noise = MODEL.noiseSd;
  const bigUser = Math.floor(MODEL.bigUserFraction * items);
  const logEvery = Math.max(1, Math.floor(users / 10));
  let written = 0;
  let draws = 0;

  for (let n = 0; n < users; n++) {
    const u = order[n];
    const m = counts[u];
    const row = typeOf[u] * items;
    const uid = `${u + 1},`;
    if (truth) {
      truthText += `${u + 1},${typeOf[u] + 1}\n`;
      if (truthText.length > 1 << 20) {
        fs.writeSync(truth, truthText);
        truthText = '';
      }
    }
    let got = 0;
    if (m > bigUser) {
      // exponential clocks: the m items whose clock -ln(U)/w rings first
      let count = 0;
      if (m === items) {
        for (let i = 0; i < items; i++) picked[i] = i;
        count = items;
      } else {
        for (let i = 0; i < items; i++) sortedKeys[i] = keys[i] = -Math.log(rng.uniformPositive()) / weights[i];
        sortedKeys.sort();
        const threshold = sortedKeys[m - 1];
        for (let i = 0; i < items && count < m; i++) if (keys[i] <= threshold) picked[count++] = i;
      }
      shuffleInPlace(rng, picked, count);
      got = count;
      draws += items;
    }
    for (let k = 0; k < m; ) {
      let i;
      if (m > bigUser) {
        i = picked[k];
      } else {
        // alias draw, rejected if this user already has the item
        const col = rng.below(items);
        i = rng.uniform() < prob[col] ? col : alias[col];
        draws++;
        if (stamp[i] === u) continue;
        stamp[i] = u;
        got++;
      }
      k++;
      let r = Math.round(means[row + i] + noise * rng.normal());
      r = r < 1 ? 1 : r > 5 ? 5 : r;
      hist[r]++;
      itemCounts[i]++;
      if (pos > limit) {
        const pending = sink.write(buf.subarray(0, pos));
        if (pending) await pending;
        pos = 0;
      }
      for (let c = 0; c < uid.length; c++) buf[pos++] = uid.charCodeAt(c);
      const at = i * 8;
      const len = ids.len[i];
      for (let c = 0; c < len; c++) buf[pos++] = ids.table[at + c];
      buf[pos++] = 48 + r;
      buf[pos++] = 10;
    }
    if (got !== m) throw new Error(`internal: user ${u + 1} got ${got} items, wanted ${m}`);
    written += m;
    if (!o.quiet && (n + 1) % logEvery === 0) {
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      process.stderr.write(`generate: ${(((n + 1) / users) * 100).toFixed(0)}% users, ${written.toLocaleString('en-US')} ratings, ${s.toFixed(1)} s\n`);
    }
  }
  if (pos) {
    const pending = sink.write(buf.subarray(0, pos));
    if (pending) await pending;
  }
  const { bytes, sha256 } = await sink.close();
  if (truth) {
    fs.writeSync(truth, truthText);
    fs.closeSync(truth);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    generator: 'bench/ratings/generate.js',
    version: VERSION,
    file: o.out,
    gzip: Boolean(o.gzip),
    truth: o.truth || null,
    users,
    items,
    ratings: written,
    seed,
    types,
    format: 'user,item,rating per line, no header; users in a random order, each user\'s lines together',
    text_bytes: bytes,
    file_bytes: fs.statSync(o.out).size,
    sha256_text: sha256,
    seconds,
    lines_per_second: written / seconds,
    text_mb_per_second: bytes / 1e6 / seconds,
    draws_per_rating: draws / written,
    peak_rss_kib: process.resourceUsage().maxRSS,
    model: MODEL,
    user_activity: distribution(counts),
    users_with_1000_or_more: countAtLeast(counts, 1000),
    top_1pct_users_share: topShare(counts, 0.01),
    item_popularity: distribution(itemCounts),
    items_never_rated: countAtMost(itemCounts, 0),
    top_1pct_items_share: topShare(itemCounts, 0.01),
    top_10pct_items_share: topShare(itemCounts, 0.1),
    rating_histogram: { 1: hist[1], 2: hist[2], 3: hist[3], 4: hist[4], 5: hist[5] },
    mean_rating: (hist[1] + 2 * hist[2] + 3 * hist[3] + 4 * hist[4] + 5 * hist[5]) / written,
    density: written / (users * items),
    type_weights: planted.weights,
    type_sizes: typeSizes(typeOf, types),
  };
}

function distribution(xs) {
  const s = Int32Array.from(xs).sort();
  const q = (f) => s[Math.min(s.length - 1, Math.floor(f * s.length))];
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += s[i];
  return { min: s[0], p10: q(0.1), median: q(0.5), mean: sum / s.length, p90: q(0.9), p99: q(0.99), max: s[s.length - 1] };
}

function countAtLeast(xs, v) {
  let n = 0;
  for (let i = 0; i < xs.length; i++) if (xs[i] >= v) n++;
  return n;
}

function countAtMost(xs, v) {
  let n = 0;
  for (let i = 0; i < xs.length; i++) if (xs[i] <= v) n++;
  return n;
}

/** Share of all ratings held by the top `f` of the entries. */
function topShare(xs, f) {
  const s = Int32Array.from(xs).sort().reverse();
  const top = Math.max(1, Math.round(f * s.length));
  let a = 0;
  let all = 0;
  for (let i = 0; i < s.length; i++) {
    all += s[i];
    if (i < top) a += s[i];
  }
  return a / all;
}

function typeSizes(typeOf, types) {
  const sizes = new Array(types).fill(0);
  for (let u = 0; u < typeOf.length; u++) sizes[typeOf[u]]++;
  return sizes;
}

// ---- command line ------------------------------------------------------------

const USAGE = `usage: node bench/ratings/generate.js --out FILE [--users N] [--items N] [--ratings N] [--seed S] [--types K] [--gzip] [--truth FILE] [--quiet]

  --out FILE      the ratings, one "user,item,rating" line each (required)
  --users N       users (default ${DEFAULTS.users})
  --items N       items (default ${DEFAULTS.items})
  --ratings N     ratings in all (default ${DEFAULTS.ratings}); users ≤ N ≤ users × items
  --seed S        seed, an integer 0..2^53 (default ${DEFAULTS.seed})
  --types K       planted user types K_true (default ${DEFAULTS.types})
  --gzip          gzip the output (level 1)
  --truth FILE    also write "user,type" for every user (type 1..K_true), in file order
  --quiet         no progress on stderr`;

function parseCommandLine(argv) {
  const o = { ...DEFAULTS, out: null, gzip: false, truth: null, quiet: false };
  const fail = (msg) => {
    process.stderr.write(`generate.js: ${msg}\n${USAGE}\n`);
    process.exit(2);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const value = () => (eq > 0 ? a.slice(eq + 1) : argv[++i]);
    if (flag === '-h' || flag === '--help') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    } else if (flag === '--gzip' || flag === '--quiet') o[flag.slice(2)] = true;
    else if (flag === '--out' || flag === '--truth') {
      const v = value();
      if (!v) fail(`${flag} needs a file`);
      o[flag.slice(2)] = v;
    } else if (['--users', '--items', '--ratings', '--seed', '--types'].includes(flag)) {
      const v = value();
      if (v === undefined || !/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) fail(`${flag} needs a non-negative integer, got ${JSON.stringify(v)}`);
      o[flag.slice(2)] = Number(v);
      if (flag !== '--seed' && o[flag.slice(2)] < 1) fail(`${flag} must be ≥ 1`);
    } else fail(`unknown argument ${JSON.stringify(a)}`);
  }
  if (!o.out) fail('--out FILE is required');
  return o;
}

module.exports = { DEFAULTS, NETFLIX, MODEL, VERSION, generate };

if (require.main === module) {
  const o = parseCommandLine(process.argv.slice(2));
  generate(o).then(
    (info) => process.stdout.write(JSON.stringify(info) + '\n'),
    (e) => {
      process.stderr.write(`generate.js: ${e.message}\n`);
      process.exitCode = 1;
    },
  );
}
