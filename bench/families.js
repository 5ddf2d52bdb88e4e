#!/usr/bin/env node
'use strict';
// npm run bench:families  =  node bench/families.js [--runs N] [--iterations N] [--file FILE]
//
// Time per EM iteration of each covariance family (spherical, diag, full) on the
// synthetic data of `npm run bench` (200,000 × 10, K=8; bench/synth-data.js with
// its fixed seed), gmm-fit against scikit-learn in the same run, from the same
// start (gmm-fit's, which bench/peers/sklearn_family.py rebuilds), for exactly
// --iterations E+M steps. gmm-fit: bench/synth-gmm.js (in-process, one process
// per run, --jobs 1 and --jobs N); scikit-learn: GaussianMixture.fit / iterations.
// Both must reach the same log-likelihood (1e-6 relative), else LL MISMATCH.
// Prints a table and the ratios, and saves bench/last-families.json (ignored by git).
// Informational: the issue's targets are those of bench/run.js.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { writeSynthetic } = require('./synth-data.js');

const PYTHON = process.env.GMM_FIT_PYTHON || '/usr/bin/python3';
const SYNTH_GMM = path.join(__dirname, 'synth-gmm.js');
const PEER = path.join(__dirname, 'peers', 'sklearn_family.py');
const OUT_JSON = path.join(__dirname, 'last-families.json');
const FAMILIES = ['spherical', 'diag', 'full'];
const K = 8;

function fail(message) {
  process.stderr.write(`families.js: ${message}\nusage: node bench/families.js [--runs N] [--iterations N] [--file FILE]\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = { runs: 3, iterations: 20, file: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs' || a === '--iterations') {
      const v = argv[++i];
      if (v === undefined || !/^[1-9]\d*$/.test(v)) fail(`${a} needs a positive integer`);
      o[a.slice(2)] = Number(v);
    } else if (a === '--file') {
      o.file = argv[++i];
      if (!o.file) fail('--file needs a path');
    } else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: node bench/families.js [--runs N] [--iterations N] [--file FILE]\n');
      process.exit(0);
    } else fail(`unknown argument ${JSON.stringify(a)}`);
  }
  return o;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs a command that prints one JSON line; its parsed document, or { error }. */
function jsonRun(command, args) {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) return { error: r.error.message };
  if (r.status !== 0) return { error: `exit ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}` };
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch (e) {
    return { error: `stdout is not JSON: ${e.message}` };
  }
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  const jobsN = os.availableParallelism();
  const jobsList = jobsN > 1 ? [1, jobsN] : [1];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gmm-fit-families-'));
  const file = o.file ?? path.join(tmp, 'synthetic.txt');
  let data = null;
  if (!o.file) {
    process.stderr.write('families: generating the synthetic data… ');
    data = writeSynthetic(file);
    process.stderr.write(`${data.seconds.toFixed(2)} s\n`);
  }
  const probe = spawnSync(PYTHON, ['-c', 'import sklearn, numpy; print(sklearn.__version__)'], { encoding: 'utf8' });
  const sklearnVersion = probe.status === 0 ? probe.stdout.trim() : null;
  if (!sklearnVersion) process.stderr.write(`families: scikit-learn not found with ${PYTHON}: the peer is skipped (npm run bench -- --install-peers installs it)\n`);

  const results = {};
  let mismatches = 0;
  let failures = 0;
  for (const family of FAMILIES) {
    const runs = { sklearn: [] };
    for (const j of jobsList) runs[`jobs=${j}`] = [];
    for (let i = 0; i < o.runs; i++) {
      process.stderr.write(`families: ${family} run ${i + 1}/${o.runs}:`);
      for (const j of jobsList) {
        const x = jsonRun(process.execPath, [SYNTH_GMM, file, '--jobs', String(j), '--covariance', family, '--k', String(K), '--seed', '0', '--iterations', String(o.iterations)]);
        runs[`jobs=${j}`].push(x);
        process.stderr.write(` gmm-fit jobs=${j} ${x.error ? 'FAILED' : `${x.ms_per_iteration.toFixed(1)} ms/it`},`);
      }
      if (sklearnVersion) {
        const s = jsonRun(PYTHON, [PEER, file, family, String(K), String(o.iterations)]);
        runs.sklearn.push(s);
        process.stderr.write(` scikit-learn ${s.error ? 'FAILED' : `${s.ms_per_iteration.toFixed(1)} ms/it`}`);
      }
      process.stderr.write('\n');
    }
    const summary = {};
    for (const [name, list] of Object.entries(runs)) {
      if (!list.length) continue;
      const ok = list.filter((x) => !x.error);
      if (ok.length < list.length) failures++;
      summary[name] = ok.length
        ? { ok: true, ms_per_iteration_median: median(ok.map((x) => x.ms_per_iteration)), ms_per_iteration_min: Math.min(...ok.map((x) => x.ms_per_iteration)), ll: ok[ok.length - 1].ll, iterations: ok[ok.length - 1].iterations, failed_runs: list.length - ok.length }
        : { ok: false, error: list[list.length - 1].error };
    }
    results[family] = summary;
  }

  const say = (line = '') => process.stdout.write(`${line}\n`);
  say(`gmm-fit families bench — ${new Date().toISOString()}`);
  say(`machine: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores; node ${process.version}; scikit-learn ${sklearnVersion ?? 'not found'}`);
  say(`data: ${data ? `${data.n} × ${data.d}, ${data.k} true clusters (bench/synth-data.js, seed ${data.seed})` : file}; K=${K}, seed 0, ${o.iterations} EM iterations from the same start; median of ${o.runs} runs (min in parentheses)`);
  say('');
  const header = ['family', ...jobsList.map((j) => `gmm-fit jobs=${j} ms/it`), 'scikit-learn ms/it', ...jobsList.map((j) => `jobs=${j} / sklearn`), 'LL (gmm-fit)', 'LL rel. diff'];
  const rows = [header];
  const ratios = {};
  for (const family of FAMILIES) {
    const r = results[family];
    const s = r.sklearn;
    const cells = [family];
    for (const j of jobsList) {
      const x = r[`jobs=${j}`];
      cells.push(x.ok ? `${x.ms_per_iteration_median.toFixed(1)} (${x.ms_per_iteration_min.toFixed(1)})` : 'FAILED');
    }
    cells.push(s ? (s.ok ? `${s.ms_per_iteration_median.toFixed(1)} (${s.ms_per_iteration_min.toFixed(1)})` : 'FAILED') : 'skipped');
    for (const j of jobsList) {
      const x = r[`jobs=${j}`];
      if (x.ok && s && s.ok) {
        const v = x.ms_per_iteration_median / s.ms_per_iteration_median;
        ratios[`${family}_jobs_${j}_over_sklearn`] = v;
        cells.push(v.toFixed(2));
      } else cells.push('n/a');
    }
    const g = r['jobs=1'];
    cells.push(g.ok ? g.ll.toFixed(6) : '-');
    if (g.ok && s && s.ok) {
      const rel = Math.abs(g.ll - s.ll) / Math.abs(s.ll);
      r.ll_rel_diff_vs_sklearn = rel;
      cells.push(rel.toExponential(2));
      if (!(rel <= 1e-6)) mismatches++;
    } else cells.push('-');
    for (const j of jobsList) {
      const x = r[`jobs=${j}`];
      if (g.ok && x.ok && x.ll !== g.ll) {
        mismatches++;
        say(`!! ${family}: gmm-fit jobs=${j} LL ${x.ll} differs from jobs=1 ${g.ll}; --jobs must not change a bit`);
      }
    }
    rows.push(cells);
  }
  const widths = header.map((_, c) => Math.max(...rows.map((row) => String(row[c]).length)));
  rows.forEach((row, i) => {
    say(row.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  '));
    if (i === 0) say(widths.map((w) => '-'.repeat(w)).join('  '));
  });
  say('');
  say('gmm-fit: node bench/synth-gmm.js FILE --jobs J --covariance F --k 8 --seed 0 --iterations N (in-process, parsing not timed);');
  say('scikit-learn: bench/peers/sklearn_family.py FILE F 8 N, GaussianMixture.fit / N (includes input checks and one final E-step).');
  if (mismatches) say(`!!!!!!!! ${mismatches} LL MISMATCH(ES): gmm-fit and scikit-learn (or two --jobs) disagree beyond 1e-6 !!!!!!!!`);
  fs.writeFileSync(OUT_JSON, JSON.stringify({ date: new Date().toISOString(), iterations: o.iterations, runs: o.runs, k: K, data, sklearn: sklearnVersion, results, ratios }, null, 2) + '\n');
  say(`saved ${path.relative(process.cwd(), OUT_JSON)}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  process.exitCode = mismatches || failures ? 1 : 0;
}

main();
