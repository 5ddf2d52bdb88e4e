'use strict';
// large: memory only, no peer. A 2,000,000 × 10 input (~190 MB of text) must be
// parsed by streaming, so gmm-fit's peak RSS stays ≤ 3 × the matrix in doubles
// (n·d·8 bytes) + Node's own baseline (the peak RSS of `gmm-fit --version`,
// measured in the same run, just before each fit). Five EM iterations: memory,
// not speed, is measured. Runs --large-runs times (default 1, whatever --runs
// says). See bench/README.md, "The large workload".
const fs = require('fs');
const path = require('path');
const { generateInChild, sha256File } = require('../lib/data.js');
const { alternate, median, summarizeRuns } = require('../lib/timing.js');
const { TOOLS, runGmmFitCli, runNodeBaseline } = require('../lib/tools.js');
const { finding, toolFailures } = require('../lib/checks.js');
const { fmt, kibToMB, mb, table, findingLines } = require('../lib/report.js');

const NAME = 'large';
// data: n × d with k true clusters from bench/synth-data.js (its default spread 1.2, noise 1)
const DATA = { n: 2000000, d: 10, k: 4, seed: 20240608 };
// the fit: K=4 from seed 0, 5 iterations
const FIT = { k: 4, seed: 0, maxIter: 5 };
const RSS_FACTOR = 3; // target: (peak RSS − baseline) / matrix ≤ 3
const NO_PEER = 'no peer: memory only';

const genArgs = () => ['--n', String(DATA.n), '--d', String(DATA.d), '--k', String(DATA.k), '--seed', String(DATA.seed)];
const cliArgs = (file) => [file, '--k', String(FIT.k), '--seed', String(FIT.seed), '--max-iter', String(FIT.maxIter), '--json'];

/** Generates the file (in a child process; about 10 s, not timed). A failure is recorded by run(), as a failed workload. */
function prepare(ctx) {
  const file = path.join(ctx.tmp, 'large.txt');
  process.stderr.write(`bench: large: generating ${DATA.n} × ${DATA.d}… `);
  const gen = generateInChild(file, genArgs());
  if (gen.error) {
    process.stderr.write('FAILED\n');
    return { file, error: gen.error };
  }
  gen.data.sha256 = sha256File(file);
  process.stderr.write(`${gen.data.seconds.toFixed(2)} s\n`);
  return { file, data: gen.data };
}

function run(ctx, { file, data, error }) {
  const runs = ctx.opts.largeRuns;
  const r = {
    command: ['gmm-fit', ...cliArgs(file)].join(' '),
    baseline_command: 'gmm-fit --version (through bench/rss.js)',
    data_command: `node bench/synth-data.js ${file} ${genArgs().join(' ')}`,
    runs,
    numpy: { ok: false, skipped: NO_PEER, no_peer: true },
  };
  if (error) {
    r.skipped = `large skipped: generating the data failed: ${error}`;
    r.gmm_fit = { ok: false, error: r.skipped };
    return r;
  }
  r.data = data;
  const measured = alternate(NAME, runs, [
    { key: 'baseline', label: 'node baseline', run: runNodeBaseline, show: (b) => (b.ok ? fmt(kibToMB(b.maxrss_kib), 1) + ' MB' : 'FAILED') },
    {
      key: 'gmm_fit',
      label: 'gmm-fit',
      run: () => runGmmFitCli(cliArgs(file)),
      show: (x) => (x.ok ? `${x.wall.toFixed(3)}s, ${x.maxrss_kib === null ? '?' : fmt(kibToMB(x.maxrss_kib), 1)} MB` : 'FAILED'),
    },
  ]);
  fs.rmSync(file, { force: true }); // ~190 MB: not kept for the rest of the bench
  r.gmm_fit = summarizeRuns(measured.gmm_fit);
  const last = measured.gmm_fit.filter((x) => x.ok).pop();
  r.gmm_fit_input = last ? last.input || null : null; // the shape the CLI read (checked against the data's)
  r.baseline = summarizeBaseline(measured.baseline);
  r.memory = memoryFigures(r);
  return r;
}

/** The baseline's runs: RSS and wall medians (the fit's peak is a max, the baseline a median: a fair floor). */
function summarizeBaseline(bRuns) {
  const bOk = bRuns.filter((b) => b.ok);
  if (!bOk.length) return { ok: false, error: bRuns.length ? bRuns[bRuns.length - 1].error : 'not run' };
  return {
    ok: true,
    failed_runs: bRuns.length - bOk.length,
    rss_median_kib: median(bOk.map((x) => x.maxrss_kib)),
    rss_kib: bOk.map((x) => x.maxrss_kib),
    wall_median_s: median(bOk.map((x) => x.wall)),
    wall_min_s: Math.min(...bOk.map((x) => x.wall)),
    wall_s: bOk.map((x) => x.wall),
    version: bOk[bOk.length - 1].version,
  };
}

/** (peak − baseline) / matrix and the limit, in bytes; undefined when the fit or the baseline is missing. */
function memoryFigures(r) {
  const g = r.gmm_fit;
  const b = r.baseline;
  if (!g.ok || !b.ok || g.peak_rss_kib === null) return undefined;
  const matrix = r.data.n * r.data.d * 8;
  const peak = g.peak_rss_kib * 1024;
  const base = b.rss_median_kib * 1024;
  const limit = RSS_FACTOR * matrix + base;
  return {
    text_bytes: r.data.bytes,
    matrix_bytes: matrix,
    peak_rss_bytes: peak,
    baseline_rss_bytes: base,
    over_baseline_bytes: peak - base,
    ratio_over_baseline_to_matrix: (peak - base) / matrix,
    limit_bytes: limit,
    factor: RSS_FACTOR,
    within: peak <= limit,
  };
}

function checks(r) {
  if (r.skipped) return [finding('failure', `!! ${r.skipped}`)];
  const g = r.gmm_fit;
  const b = r.baseline;
  const out = toolFailures([['gmm-fit', g]], r.runs);
  if (!b.ok) out.push(finding('failure', `!! node baseline (bench/rss.js --version) FAILED: ${b.error}`));
  else if (b.failed_runs) out.push(finding('failure', `!! node baseline: ${b.failed_runs} of ${r.runs} runs failed`));
  const input = r.gmm_fit_input;
  if (g.ok && (!input || input.rows !== r.data.n || input.cols !== r.data.d)) {
    out.push(finding('failure', `!! gmm-fit read ${input ? `${input.rows} × ${input.cols}` : 'an unknown shape (no "input" in its JSON)'}, not ${r.data.n} × ${r.data.d}`));
  }
  if (g.ok && g.iterations !== FIT.maxIter) out.push(finding('info', `note: gmm-fit ran ${g.iterations} EM iterations, not ${FIT.maxIter} (it converged early)`));
  return out;
}

function render(r) {
  const lines = [`== ${NAME}: ${r.command}`];
  if (r.skipped) return [...lines, ...findingLines(r)];
  const g = r.gmm_fit;
  const b = r.baseline;
  const d = r.data;
  const many = r.runs > 1;
  const rows = [
    g.ok ? ['gmm-fit', fmt(g.wall_median_s, 3), fmt(g.wall_min_s, 3), g.peak_rss_kib === null ? '-' : fmt(kibToMB(g.peak_rss_kib), 1), g.ll.toFixed(6), g.iterations] : ['gmm-fit', 'FAILED', '', '', '', ''],
    b.ok
      ? ['node baseline (gmm-fit --version)', fmt(b.wall_median_s, 3), fmt(b.wall_min_s, 3), fmt(kibToMB(b.rss_median_kib), 1), '-', '-']
      : ['node baseline (gmm-fit --version)', 'FAILED', '', '', '', ''],
  ];
  lines.push(
    table(['tool', 'wall median (s)', 'min (s)', 'peak RSS (MB)', 'LL', 'iterations'], rows),
    `data: ${d.n} × ${d.d}, ${d.k} true clusters (centres N(0, ${d.spread}²) per coordinate, noise N(0, ${d.noise}²), generator seed ${d.seed}), ` +
      `${(d.bytes / 1e6).toFixed(1)} MB text, sha256 ${d.sha256.slice(0, 16)}…; generated in ${d.seconds.toFixed(1)} s (not timed), deleted after the run${many ? 's' : ''}`,
    ...findingLines(r),
  );
  const m = r.memory;
  if (m) {
    lines.push(
      `memory: text ${mb(m.text_bytes)} MB; matrix in doubles n·d·8 = ${d.n}·${d.d}·8 = ${mb(m.matrix_bytes)} MB; gmm-fit wall ${g.wall_median_s.toFixed(3)} s` +
        `${many ? ' (median)' : ''}; peak RSS ${mb(m.peak_rss_bytes)} MB${many ? ' (max over runs)' : ''}; Node baseline ${mb(m.baseline_rss_bytes)} MB${many ? ' (median)' : ''}`,
      `  (peak − baseline) / matrix = ${mb(m.over_baseline_bytes)} / ${mb(m.matrix_bytes)} = ${m.ratio_over_baseline_to_matrix.toFixed(2)}  ` +
        `(limit: ${m.factor} × ${mb(m.matrix_bytes)} + ${mb(m.baseline_rss_bytes)} = ${mb(m.limit_bytes)} MB)`,
    );
  }
  lines.push(NO_PEER);
  return lines;
}

function targets(r) {
  const m = r && r.memory;
  return [
    {
      name: 'large-input peak RSS ≤ 3 × matrix + Node baseline',
      value: m ? m.ratio_over_baseline_to_matrix : null,
      unit: '×',
      detail: m
        ? `((peak − baseline)/matrix; peak ${mb(m.peak_rss_bytes)} MB ${m.within ? '≤' : '>'} ${m.factor} × ${mb(m.matrix_bytes)} + ${mb(m.baseline_rss_bytes)} = ${mb(m.limit_bytes)} MB)`
        : '',
      test: (v) => v <= RSS_FACTOR,
    },
  ];
}

module.exports = {
  name: NAME,
  tools: [TOOLS.cli], // and the CLI's --version, for the baseline
  prepare,
  run,
  checks,
  render,
  targets,
  headerNote: (doc) => `; large: ${doc.options.large_runs} run${doc.options.large_runs === 1 ? '' : 's'} (--large-runs, default 1)`,
  notes: {
    large:
      'memory only, no peer: 2,000,000 x 10 from bench/synth-data.js (--k 4, seed 20240608), generated once per bench run and deleted after its runs; gmm-fit FILE --k 4 --seed 0 --max-iter 5 --json through bench/rss.js, --large-runs runs (default 1, independent of --runs); Node baseline = peak RSS of bench/rss.js running gmm-fit --version, measured before each run (median used); ratio = (peak RSS, max over runs − baseline) / (n·d·8 bytes); target ≤ 3',
  },
};
