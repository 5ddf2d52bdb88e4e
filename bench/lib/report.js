'use strict';
// Reports: the JSON document of a bench run (bench/last-run.json) and the text
// report, which is RENDERED FROM THAT DOCUMENT ONLY. bench/run.js prints each
// section as soon as its part of the document is complete, and
// `node bench/run.js --report bench/last-run.json` prints the same text again
// later from the file. Nothing here measures anything.
//
// The document's workload-specific parts are rendered by the workload modules
// (bench/workloads/*.js: render, renderSummary, headerNote); this file has the
// shared pieces: tables, the tool rows, the header, the ratios, the targets.

// Bumped when the document changes in a way the renderer must know about.
// Documents without it predate rendering from JSON (they only have `output`).
const REPORT_FORMAT = 1;

// ---- formatting --------------------------------------------------------------
const kibToMB = (kib) => (kib * 1024) / 1e6;
const fmt = (x, digits) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(digits));
const mb = (bytes) => (bytes / 1e6).toFixed(1);
const loadavg = (xs) => xs.map((x) => x.toFixed(2)).join(' ');

// The bench's tables: the first column left-aligned, numbers right-aligned, and a
// last column of text (the BLAS) left-aligned.
const benchAlign = (cell, c, row) => (c === 0 || (c === row.length - 1 && isNaN(Number(cell))) ? 'left' : 'right');

/** A plain-text table: header, a rule of dashes, rows; `align(cell, column, row)` says 'left' or 'right'. */
function table(header, rows, align = benchAlign) {
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const line = (r) => r.map((cell, c) => (align(cell, c, r) === 'left' ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd();
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

/** The BLAS a peer used: threadpoolctl's libraries, or just OPENBLAS_CORETYPE when threadpoolctl is missing. */
function blasLabel(blas, env) {
  if (Array.isArray(blas) && blas.length) {
    return blas.map((b) => `${b.internal_api} ${b.version ?? ''} ${b.architecture ?? (b.user_api === 'blas' ? '?' : '')} x${b.num_threads}`.replace(/\s+/g, ' ')).join('; ');
  }
  const core = env && env.OPENBLAS_CORETYPE;
  return `threadpoolctl n/a; OPENBLAS_CORETYPE=${core ?? '(unset)'}`;
}

// ---- the tool table of a workload --------------------------------------------
// columns: { rmse: show the RMSE column; inProcessIterations: show the in-process
// ms/iteration column, for a fit of that many iterations }

function toolHeader(columns) {
  return [
    'tool',
    'wall median (s)',
    'min (s)',
    'peak RSS (MB)',
    'LL',
    'iterations',
    'whole-process ms/iteration',
    ...(columns.rmse ? ['RMSE'] : []),
    ...(columns.inProcessIterations ? [`ms/iteration (in-process, ${columns.inProcessIterations} iterations): median (min)`] : []),
    'BLAS',
  ];
}

const rssCell = (x) => (x.peak_rss_kib === null || x.peak_rss_kib === undefined ? '-' : fmt(kibToMB(x.peak_rss_kib), 1));

function inProcessCell(x) {
  return x && x.in_process_ms_per_iteration_median !== undefined ? `${fmt(x.in_process_ms_per_iteration_median, 2)} (${fmt(x.in_process_ms_per_iteration_min, 2)})` : '-';
}

/** A tool that failed every run: its name, FAILED, and empty cells. */
const failedRow = (name, columns) => [name, 'FAILED', ...new Array(toolHeader(columns).length - 2).fill('')];

/** A whole-process tool's row (summary from timing.summarizeRuns); `noInProcess` shows '-' in the in-process column. */
function toolRow(name, x, blas, columns, { noInProcess = false } = {}) {
  const inProc = columns.inProcessIterations ? [noInProcess ? '-' : inProcessCell(x)] : [];
  if (!x.ok) return failedRow(name, columns);
  return [name, fmt(x.wall_median_s, 3), fmt(x.wall_min_s, 3), rssCell(x), x.ll.toFixed(6), x.iterations, fmt(x.whole_process_ms_per_iteration, 2), ...(columns.rmse ? [fmt(x.rmse, 6)] : []), ...inProc, blas];
}

/** An in-process timing's row: no whole-process wall figures (the CLI row has them). */
function inProcessRow(name, x, columns) {
  if (!x.ok) return failedRow(name, columns);
  return [name, '-', '-', rssCell(x), x.ll.toFixed(6), x.iterations, '-', ...(columns.rmse ? ['-'] : []), inProcessCell(x), '-'];
}

/** The rows of the peers a result holds: numpy unless it was skipped, scikit-learn when it was run. */
function peerRows(r, doc, columns) {
  const rows = [];
  const p = r.numpy;
  if (p && !p.skipped) rows.push(toolRow('numpy', p, p.ok ? blasLabel(p.blas, p.openblas_env) : '', columns));
  const s = r.sklearn;
  if (s && !s.skipped) rows.push(toolRow(`scikit-learn ${s.ok && s.last_run ? s.last_run.sklearn : doc.machine.sklearn}`, s, s.ok ? blasLabel(s.blas, s.openblas_env) : '', columns));
  return rows;
}

const findingLines = (r) => (r.findings || []).map((f) => f.text);

// ---- the document's summary figures ------------------------------------------

/** gmm-fit / numpy wall medians of a result, or null when either side is missing. */
function wallRatioOverNumpy(r) {
  if (!r || r.skipped || !r.gmm_fit || !r.numpy || !r.gmm_fit.ok || !r.numpy.ok) return null;
  return r.gmm_fit.wall_median_s / r.numpy.wall_median_s;
}

/** Targets as stored: { target, value, status PASS/MISS/SKIP, unit, detail }; SKIP when not measured. */
function judgeTargets(specs) {
  const verdict = (value, ok) => (value === null || value === undefined ? 'SKIP' : ok ? 'PASS' : 'MISS');
  return specs.map((t) => ({ target: t.name, value: t.value, status: verdict(t.value, t.value !== null && t.test(t.value)), unit: t.unit, detail: t.detail || undefined }));
}

// ---- rendering ---------------------------------------------------------------

function renderHeader(doc, workloads) {
  const m = doc.machine;
  const o = doc.options;
  const withSklearn = doc.sklearn_peer && doc.sklearn_peer.needed;
  const notes = workloads.filter((w) => w.headerNote && doc.selected_workloads.includes(w.name)).map((w) => w.headerNote(doc));
  const lines = [
    `gmm-fit bench — ${doc.date}`,
    `machine: ${m.cpu}, ${m.cores} cores (availableParallelism ${m.available_parallelism}), ${m.platform}; load average ${loadavg(m.loadavg_at_start)}; node ${m.node}; numpy ${m.numpy ?? 'n/a'}, scipy ${m.scipy ?? 'n/a'}` +
      (withSklearn ? `, scikit-learn ${m.sklearn ?? 'n/a'}` : ''),
    `runs per tool and workload: ${o.runs} (wall = median, whole process, spawn to exit; runs alternate gmm-fit / numpy${withSklearn ? ' / scikit-learn' : ''})` + notes.join(''),
  ];
  if (o.only) lines.push(`--only: ${o.only.join(', ')}`);
  lines.push(doc.peer_environment.note);
  if (doc.install_peers) lines.push(`--install-peers: ${doc.install_peers.command}: ${doc.install_peers.ok ? 'ok' : 'FAILED'}`);
  if (doc.peer.skipped) lines.push(`numpy peer skipped: ${doc.peer.skipped}`);
  if (withSklearn && doc.sklearn_peer.skipped) lines.push(`scikit-learn peer skipped: ${doc.sklearn_peer.skipped}`);
  const stale = doc.dist_stale_sources || [];
  if (stale.length) lines.push(`warning: dist/ older than ${stale.length} file(s) under src/ — results are for the last build`);
  return lines;
}

/**
 * One workload's section: a blank line, then the workload's own rendering, or,
 * when it stopped at its prepare step (stage 'prepare': data missing or not
 * generated), just its findings, which say why.
 */
function renderWorkload(doc, workload) {
  const r = doc.workloads[workload.name];
  if (!r) return [];
  const body = r.stage === 'prepare' ? findingLines(r) : workload.render(r, doc);
  return ['', ...body];
}

function renderRatios(doc) {
  const lines = ['', 'gmm-fit / numpy wall time (median / median; < 1 means gmm-fit is faster):'];
  for (const name of doc.selected_workloads) {
    const r = doc.workloads[name];
    // a workload without a gmm-fit / numpy pair (accelerate: gmm-fit against itself) has no ratio here
    if (!r || (!r.skipped && !r.gmm_fit)) continue;
    let text;
    if (r.numpy && r.numpy.no_peer) text = `n/a (${r.numpy.skipped})`;
    else if (r.skipped) text = 'n/a (workload skipped)';
    else if (!r.gmm_fit.ok || !r.numpy.ok) text = `n/a (${!r.gmm_fit.ok ? 'gmm-fit failed' : r.numpy.skipped ? 'no numpy peer' : 'numpy peer failed'})`;
    else {
      const v = doc.ratios_gmm_fit_over_numpy[name];
      text = `${v.toFixed(2)}  (${r.gmm_fit.wall_median_s.toFixed(3)} s / ${r.numpy.wall_median_s.toFixed(3)} s)`;
    }
    lines.push(`  ${name.padEnd(10)} ${text}`);
  }
  return lines;
}

function renderTargets(targets) {
  const lines = ['', 'targets:'];
  const tw = Math.max(...targets.map((t) => t.target.length));
  for (const t of targets) {
    // a small value (a relative difference) in exponent form, so that it does not print as 0.000
    const number = (x) => (t.unit === 'MB' ? x.toFixed(1) : x !== 0 && Math.abs(x) < 1e-3 ? x.toExponential(2) : x.toFixed(3));
    const v = t.value === null ? 'n/a' : `${number(t.value)}${t.unit === '×' ? '×' : t.unit ? ' ' + t.unit : ''}${t.detail ? ' ' + t.detail : ''}`;
    lines.push(`  ${t.status}  ${t.target.padEnd(tw)}  ${v}`);
  }
  return lines;
}

/** Everything after the workloads: the ratios, the workloads' own summaries, the targets, the load, the counts. */
function renderSummary(doc, workloads) {
  const lines = renderRatios(doc);
  for (const w of workloads) {
    const r = doc.workloads[w.name];
    if (w.renderSummary && r && !r.skipped) lines.push(...w.renderSummary(r, doc));
  }
  lines.push(...renderTargets(doc.targets));
  const m = doc.machine;
  lines.push(`load average at the end: ${loadavg(m.loadavg_at_end)} (at the start: ${loadavg(m.loadavg_at_start)}; the bench itself uses up to ${m.available_parallelism} cores)`);
  if (doc.ll_mismatches) lines.push(`\n!!!!!!!! ${doc.ll_mismatches} LL MISMATCH(ES) — see above !!!!!!!!`);
  if (doc.failures) lines.push(`\n!! ${doc.failures} failure(s) — see above`);
  return lines;
}

/** The whole text report of a finished document. */
function renderReport(doc, workloads) {
  const lines = renderHeader(doc, workloads);
  for (const w of workloads) if (doc.selected_workloads.includes(w.name)) lines.push(...renderWorkload(doc, w));
  lines.push(...renderSummary(doc, workloads));
  return lines.join('\n');
}

/** The document as it will read back from the file (NaN → null, undefined dropped): render from this, so the printed text and --report agree. */
const asStored = (doc) => JSON.parse(JSON.stringify(doc));

module.exports = {
  REPORT_FORMAT,
  kibToMB,
  fmt,
  mb,
  table,
  blasLabel,
  toolHeader,
  toolRow,
  inProcessRow,
  peerRows,
  findingLines,
  wallRatioOverNumpy,
  judgeTargets,
  renderHeader,
  renderWorkload,
  renderSummary,
  renderReport,
  asStored,
};
