'use strict';
// The text reports of `npm run bench:ratings`, RENDERED FROM THE SAVED JSON ONLY
// (bench/last-ratings.json, bench/last-ratings-check.json), so that
// `node bench/ratings.js --report FILE` prints the same text later. Nothing here
// measures anything.
const { table, fmt, kibToMB } = require('../lib/report.js');

const REPORT_FORMAT = 1;

const int = (x) => (typeof x === 'number' ? Math.round(x).toLocaleString('en-US') : '-');
const num1 = (x) => (typeof x === 'number' ? x.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 }) : '-');
const pct = (x, d = 1) => (typeof x === 'number' ? `${(100 * x).toFixed(d)}%` : '-');
const loadavg = (xs) => (xs || []).map((x) => x.toFixed(2)).join(' ');
const mbOf = (kib) => (typeof kib === 'number' ? fmt(kibToMB(kib), 1) : '-');
const sec = (x, d = 2) => (typeof x === 'number' ? x.toFixed(d) : '-');
const msToS = (x) => (typeof x === 'number' ? (x / 1000).toFixed(3) : '-');

function machineLine(doc) {
  const m = doc.machine;
  return `machine: ${m.cpu}, ${m.cores} cores (availableParallelism ${m.available_parallelism}), ${m.platform}; load average ${loadavg(m.loadavg_at_start)}; node ${m.node}; ${m.python}: numpy ${m.numpy ?? 'n/a'}, scipy ${m.scipy ?? 'n/a'}`;
}

// ---- the data ----------------------------------------------------------------

function dataLines(doc) {
  const d = doc.data;
  if (!d) return [];
  if (d.error) return [`data: ${d.error}`];
  const lines = [];
  const g = d.info;
  if (!g) {
    lines.push(`data: ${d.file} (given with --file; ${int(d.file_bytes)} bytes)`);
    return lines;
  }
  const when = d.cached ? `cached (generated earlier in ${sec(g.seconds, 1)} s)` : `generated in this run in ${sec(g.seconds, 1)} s`;
  lines.push(
    `data: ${int(g.users)} users × ${int(g.items)} items, ${int(g.ratings)} ratings (density ${pct(g.density, 2)}), ${g.types} planted types, data seed ${g.seed}; ` +
      `${num1(g.text_bytes / 1e6)} MB of text; ${when}: ${int(g.lines_per_second)} lines/s, ${fmt(g.text_mb_per_second, 1)} MB/s, generator peak RSS ${mbOf(g.peak_rss_kib)} MB`,
  );
  lines.push(`  file: ${d.file}${d.removed ? ' (deleted after the run; --keep-data keeps it)' : ' (kept)'}; planted types: ${d.truth}; sha256 of the text ${g.sha256_text}`);
  const u = g.user_activity;
  lines.push(
    `  ratings per user: min ${int(u.min)}, p10 ${int(u.p10)}, median ${int(u.median)}, mean ${num1(u.mean)}, p90 ${int(u.p90)}, p99 ${int(u.p99)}, max ${int(u.max)}; ` +
      `${int(g.users_with_1000_or_more)} users with ≥ 1,000; the top 1% of users hold ${pct(g.top_1pct_users_share)} of the ratings`,
  );
  const it = g.item_popularity;
  lines.push(
    `  ratings per item: min ${int(it.min)}, p10 ${int(it.p10)}, median ${int(it.median)}, mean ${num1(it.mean)}, p90 ${int(it.p90)}, p99 ${int(it.p99)}, max ${int(it.max)}; ` +
      `the top 1% of items hold ${pct(g.top_1pct_items_share)}, the top 10% ${pct(g.top_10pct_items_share)}; ${int(g.items_never_rated)} items never rated`,
  );
  const h = g.rating_histogram;
  lines.push(`  ratings: ${[1, 2, 3, 4, 5].map((r) => `${r}: ${pct(h[r] / g.ratings)}`).join(', ')}; mean ${fmt(g.mean_rating, 3)}; planted type sizes ${g.type_sizes.join(', ')}`);
  return lines;
}

// ---- the bench ---------------------------------------------------------------

function toolRows(doc) {
  const rows = [];
  const cell = (x, f) => (x === null || x === undefined ? '-' : f(x));
  const add = (name, s) => {
    if (!s || s.skipped) return;
    if (!s.ok) {
      rows.push([name, 'FAILED', '', '', '', '', '', '', '']);
      return;
    }
    const last = s.last;
    rows.push([
      name,
      `${cell(s.read_s_median, (x) => x.toFixed(2))} (${cell(s.read_s_min, (x) => x.toFixed(2))})${last.read_source === 'estimated' ? ' ~' : ''}`,
      `${cell(s.ms_per_iteration_median, msToS)} (${cell(s.ms_per_iteration_min, msToS)})`,
      cell(s.cpu_ms_per_iteration_median, msToS),
      last.iterations,
      mbOf(s.peak_rss_kib),
      cell(s.wall_s_median, (x) => x.toFixed(2)),
      `${int(last.users)} × ${int(last.items)}, ${int(last.ratings)}`,
      last.ll.toFixed(6),
    ]);
  };
  add(`gmm-fit --ratings (--jobs ${doc.options.jobs})`, doc.results.gmm_fit);
  add('scipy.sparse peer (1 thread)', doc.results.scipy_sparse);
  return rows;
}

function renderBench(doc) {
  const o = doc.options;
  const lines = [
    `gmm-fit ratings bench — ${doc.date}`,
    machineLine(doc),
    `size: ${o.size}${o.file ? ` (--file ${o.file})` : ''}; K=${o.k}, spherical, seed 0 start, ${o.iterations} EM iterations (E-step + M-step) per run, ${o.runs} run(s) per tool, alternating; gmm-fit --jobs ${o.jobs}, the peer single-threaded`,
  ];
  if (doc.install_peers) lines.push(`--install-peers: ${doc.install_peers.command}${doc.install_peers.apt_get_update ? ' (after apt-get update)' : ''}: ${doc.install_peers.ok ? 'ok' : 'FAILED'}`);
  if (doc.peer.skipped) lines.push(`scipy.sparse peer skipped: ${doc.peer.skipped}`);
  if (doc.dist_stale_sources && doc.dist_stale_sources.length) lines.push(`warning: ${doc.dist_stale_sources.join('; ')} — results are for the last build`);
  lines.push('', ...dataLines(doc));
  if (!doc.results) return lines.join('\n');
  lines.push('', `== ratings: ${doc.commands.gmm_fit}`, `   peer:    ${doc.commands.peer}`);
  const header = ['tool', 'read (s): median (min)', 's/iteration after the first: median (min)', 'CPU s/iteration (all threads)', 'iterations', 'peak RSS (MB)', 'wall (s)', 'users × items, ratings read', 'LL (last E-step)'];
  const rows = toolRows(doc);
  if (rows.length) lines.push(table(header, rows, (c, i) => (i === 0 ? 'left' : 'right')));
  const p = doc.results.scipy_sparse;
  if (p && p.ok && p.last.read_parts_s) {
    const r = p.last.read_parts_s;
    lines.push(
      `peer read: parse ${sec(r.parse)} s, map ids ${sec(r.map_ids)} s, file I/O and the rest ${sec(r.read_parse_map - r.parse - r.map_ids)} s, CSR and row sums ${sec(r.csr_and_row_sums)} s; ` +
        `CPU ${sec(p.last.read_cpu_s)} s of ${sec(p.last.read_s)} s wall; peak RSS after reading ${mbOf(p.last.maxrss_after_read_kib)} MB; ` +
        `iterations (s): ${p.last.iteration_ms.map((x) => (x / 1000).toFixed(3)).join(', ')}`,
    );
  }
  const g = doc.results.gmm_fit;
  if (g && g.ok) {
    const cpu = g.last.iteration_cpu_ms ? `; CPU (all threads, /proc) ${g.last.iteration_cpu_ms.map((x) => (x / 1000).toFixed(2)).join(', ')} s, ${sec(g.last.cpu_s_to_first_iteration)} s up to the first iteration line` : '';
    lines.push(`gmm-fit: iterations 2..N from ${g.last.iteration_source} (s): ${g.last.iteration_ms.map((x) => (x / 1000).toFixed(3)).join(', ')}${cpu}; read time ${g.last.read_source === 'estimated' ? '~ estimated: spawn to the first iteration line less one iteration (includes Node start-up and the start)' : `from ${g.last.read_source}`}`);
  }
  lines.push(...doc.findings.map((f) => f.text));
  lines.push('', renderTargetsHeader(doc), ...doc.targets.map((t) => targetLine(t, doc.targets)));
  const m = doc.machine;
  lines.push(`load average at the end: ${loadavg(m.loadavg_at_end)} (at the start: ${loadavg(m.loadavg_at_start)}); CPU-time figures are less disturbed by other work than wall times`);
  if (doc.ll_mismatches) lines.push(`\n!!!!!!!! ${doc.ll_mismatches} LL MISMATCH(ES) — see above !!!!!!!!`);
  if (doc.failures) lines.push(`\n!! ${doc.failures} failure(s) — see above`);
  return lines.join('\n');
}

function renderTargetsHeader(doc) {
  return doc.options.size === 'full' && !doc.options.file ? 'targets (full size, this machine):' : `targets (set for --size full; this run is ${doc.options.file ? 'on --file' : `--size ${doc.options.size}`}: indicative only):`;
}

function targetLine(t, all) {
  const w = Math.max(...all.map((x) => x.target.length));
  let v = 'n/a';
  if (t.value !== null && t.value !== undefined) v = t.unit === 'MB' ? `${t.value.toFixed(1)} MB` : t.unit === '×' ? `${t.value.toFixed(3)}×` : `${t.value.toFixed(3)} ${t.unit}`;
  return `  ${t.status}  ${t.target.padEnd(w)}  ${v}${t.detail ? `  ${t.detail}` : ''}`;
}

// ---- the check ---------------------------------------------------------------

function renderCheck(doc) {
  const lines = [`gmm-fit ratings bench --check — ${doc.date}`, machineLine(doc)];
  const c = doc.check;
  if (!c || !c.ok_run) {
    lines.push(`!! the check did not run: ${c ? c.error : 'no result'}`);
    return lines.join('\n');
  }
  lines.push(
    'bench/peers/scipy_sparse_job.py (scipy.sparse CSR, long-format triplets) against the dense course code (bench/reference/course.py em_run with',
    'the direct em_estep / em_mstep), both from init(X, K, seed) to convergence (ΔLL ≤ 1e-6·|LL|); each matrix written as user,item,rating',
    `triplets and read back by the peer (ids mapped in order of first appearance); tolerance ${c.tolerance} relative on every E-step's LL.`,
    '',
  );
  const header = ['case', 'lines', 'n × d (observed)', 'K', 'seed', 'iterations peer / course', 'LL peer', 'LL course', 'max rel. LL diff', 'mu max |Δ|', 'var max |Δ|', 'p max |Δ|', 'start rows', 'ok'];
  const rows = [];
  for (const x of c.cases) {
    if (x.skipped) {
      rows.push([x.case, '-', `${x.file}: ${x.skipped}`, '', '', '', '', '', '', '', '', '', '', 'NO']);
      continue;
    }
    for (const s of x.seeds) {
      rows.push([
        x.case,
        x.lines,
        `${x.n} × ${x.d} (${int(x.observed)})`,
        x.k,
        s.seed,
        `${s.iterations} / ${s.reference_iterations}`,
        s.ll.toFixed(10),
        s.reference_ll.toFixed(10),
        s.max_rel_ll_diff.toExponential(2),
        s.mu_max_abs_diff.toExponential(1),
        s.var_max_abs_diff.toExponential(1),
        s.p_max_abs_diff.toExponential(1),
        s.initial_rows_equal ? 'same' : 'DIFFER',
        s.ok ? 'yes' : 'NO',
      ]);
    }
  }
  lines.push(table(header, rows, (cell, i) => (i <= 2 ? 'left' : 'right')));
  const iters = c.cases.flatMap((x) => (x.seeds || []).map((s) => s.iterations)).reduce((a, b) => a + b, 0);
  lines.push(
    '',
    c.ok
      ? `PASS: every E-step's LL agrees to ≤ ${c.tolerance} relative (worst ${c.max_rel_ll_diff.toExponential(2)} over ${iters} E-steps), the same iteration counts and start rows (${sec(doc.wall_s, 1)} s)`
      : `!! FAIL: the peer and the course code disagree (worst relative LL difference ${typeof c.max_rel_ll_diff === 'number' ? c.max_rel_ll_diff.toExponential(2) : '-'}; tolerance ${c.tolerance}) — see the table`,
  );
  return lines.join('\n');
}

module.exports = { REPORT_FORMAT, renderBench, renderCheck };
