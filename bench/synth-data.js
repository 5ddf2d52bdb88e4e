#!/usr/bin/env node
'use strict';
// Deterministic synthetic complete data for the bench's `synthetic` workload.
//
//   node bench/synth-data.js OUT.txt [--n 200000] [--d 10] [--k 8] [--seed 20240607]
//
// K true spherical clusters in d dimensions: centre coordinates ~ N(0, SPREAD²)
// (SPREAD = 1.2; 1.5 separates the clusters so well that
// the course criterion ΔLL ≤ 1e-6·|LL| stops EM near iteration 31 — with 1.2 the
// relative LL gain stays above 1e-5 through iteration 50), equal-probability labels, unit-variance noise. Every random
// number comes from one Mersenne Twister (the `mersenne-twister` package,
// genrand_res53 = random_long) seeded with `seed`; normals by Box–Muller (both
// values of each pair used). Never Math.random: the same seed gives the same
// file, byte for byte, on any machine and Node version.
//
// Written as whitespace text, 6 decimals, one row per line ('\n'), so the CLI,
// the in-process timer (bench/synth-gmm.js) and the Python peers (np.loadtxt)
// all read exactly the same numbers.
const fs = require('fs');
const MersenneTwister = require('mersenne-twister');

const DEFAULTS = Object.freeze({ n: 200000, d: 10, k: 8, seed: 20240607, spread: 1.2, noise: 1 });

/** A standard-normal stream from one seeded MT19937 (Box–Muller, both values used). */
function normalStream(mt) {
  let spare = null;
  return () => {
    if (spare !== null) {
      const z = spare;
      spare = null;
      return z;
    }
    const u1 = 1 - mt.random_long(); // (0, 1]: log never sees 0
    const u2 = mt.random_long();
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  };
}

/** The numbers, as the text will hold them (each already rounded to 6 decimals when written). */
function generate(options = {}) {
  const { n, d, k, seed, spread, noise } = { ...DEFAULTS, ...options };
  const mt = new MersenneTwister(seed);
  const normal = normalStream(mt);
  const centres = new Float64Array(k * d);
  for (let c = 0; c < centres.length; c++) centres[c] = spread * normal();
  const labels = new Uint8Array(n);
  const data = new Float64Array(n * d);
  for (let u = 0; u < n; u++) {
    const j = Math.min(k - 1, Math.floor(mt.random_long() * k));
    labels[u] = j;
    for (let i = 0; i < d; i++) data[u * d + i] = centres[j * d + i] + noise * normal();
  }
  return { n, d, k, seed, spread, noise, centres, labels, data };
}

/** Whitespace text, 6 decimals, '\n' after every row. */
function toText(g) {
  const { n, d, data } = g;
  const lines = new Array(n);
  const row = new Array(d);
  for (let u = 0; u < n; u++) {
    for (let i = 0; i < d; i++) row[i] = data[u * d + i].toFixed(6);
    lines[u] = row.join(' ');
  }
  return lines.join('\n') + '\n';
}

/** Generate and write the file; returns what was written (no data arrays). */
function writeSynthetic(file, options = {}) {
  const t0 = process.hrtime.bigint();
  const g = generate(options);
  const text = toText(g);
  fs.writeFileSync(file, text);
  const counts = new Array(g.k).fill(0);
  for (let u = 0; u < g.n; u++) counts[g.labels[u]]++;
  return {
    file,
    n: g.n,
    d: g.d,
    k: g.k,
    seed: g.seed,
    spread: g.spread,
    noise: g.noise,
    bytes: Buffer.byteLength(text),
    cluster_sizes: counts,
    generator: 'mersenne-twister 1.1.0 (MT19937, genrand_res53), Box–Muller; centres ~ N(0, spread²), labels uniform, noise N(0, noise²); text %.6f',
    seconds: Number(process.hrtime.bigint() - t0) / 1e9,
  };
}

module.exports = { DEFAULTS, generate, toText, writeSynthetic };

if (require.main === module) {
  const args = process.argv.slice(2);
  const opts = {};
  let out = null;
  for (let i = 0; i < args.length; i++) {
    const m = /^--(n|d|k|seed|spread|noise)$/.exec(args[i]);
    if (m) opts[m[1]] = Number(args[++i]);
    else if (!out) out = args[i];
    else {
      process.stderr.write(`synth-data.js: unexpected argument ${JSON.stringify(args[i])}\n`);
      process.exit(2);
    }
  }
  if (!out) {
    process.stderr.write('usage: node bench/synth-data.js OUT.txt [--n N] [--d D] [--k K] [--seed S] [--spread X] [--noise X]\n');
    process.exit(2);
  }
  const info = writeSynthetic(out, opts);
  process.stdout.write(JSON.stringify(info) + '\n');
}
