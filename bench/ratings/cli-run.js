#!/usr/bin/env node
'use strict';
// One run of the gmm-fit CLI for bench/ratings.js, with the time of every
// iteration as it happens.
//
//   node bench/ratings/cli-run.js ARGS...
//
// Spawns `node bench/rss.js ARGS` (the CLI exactly as bin/gmm-fit.js runs it, plus
// its peak RSS: bench/rss.js's `@@maxrss` line) and stamps each line the CLI
// writes to stderr with the time since the spawn. With --verbose the CLI writes
// `gmm-fit: K=.. seed=.. iteration N: log-likelihood X` right after each E-step
// (synchronously: stderr is a pipe), so the gaps between those lines are the
// times of the iterations (M-step N-1 + E-step N) and the first line's time is
// start-up + reading + the start + the first E-step.
//
// At each such line it also reads the CLI's CPU time so far (user + system, all its
// threads) from /proc/PID/stat, where there is one (Linux; 10 ms ticks).
//
// Prints one JSON line (exit 0 whenever the CLI could be started):
//   { status, signal, wall_s, maxrss_kib, iteration_s: [time of each iteration line],
//     iteration_cpu_s: [CPU seconds at each, or null], iteration_ll: [their values],
//     stderr_tail: [other stderr lines, last 20],
//     cli: the CLI's --json document without fits[].mixture (null if stdout was not JSON),
//     stdout_error }
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const REPO = path.resolve(__dirname, '..', '..');
const RSS = path.join(REPO, 'bench', 'rss.js');
const ITERATION = /^gmm-fit: K=\d+ seed=\d+ iteration (\d+): [a-z-]+ (\S+)$/;
const USER_HZ = 100; // the unit of /proc/PID/stat's utime and stime on Linux

/** CPU seconds (user + system, every thread) the process has used so far, or null. */
function cpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return null;
  }
}

function main() {
  const args = process.argv.slice(2);
  const t0 = process.hrtime.bigint();
  const since = () => Number(process.hrtime.bigint() - t0) / 1e9;
  const child = spawn(process.execPath, [RSS, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = [];
  const iterationS = [];
  const iterationLl = [];
  const iterationCpu = [];
  const other = [];
  let maxrss = null;
  let partial = '';
  child.stdout.on('data', (b) => out.push(b));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text) => {
    const t = since();
    const lines = (partial + text).split('\n');
    partial = lines.pop();
    for (const line of lines) {
      const m = ITERATION.exec(line);
      const tag = /^@@maxrss (\d+)$/.exec(line);
      if (m) {
        iterationS[Number(m[1]) - 1] = t;
        iterationCpu[Number(m[1]) - 1] = cpuSeconds(child.pid);
        iterationLl[Number(m[1]) - 1] = Number(m[2]);
      } else if (tag) maxrss = Number(tag[1]);
      else if (line.trim()) other.push(line);
    }
  });
  child.on('error', (e) => {
    process.stdout.write(JSON.stringify({ status: null, error: e.message }) + '\n');
    process.exit(0);
  });
  child.on('close', (status, signal) => {
    const wall = since();
    if (partial.trim()) other.push(partial);
    let cli = null;
    let stdoutError = null;
    const text = Buffer.concat(out).toString('utf8');
    if (text.trim()) {
      try {
        cli = JSON.parse(text);
        if (Array.isArray(cli.fits)) cli.fits = cli.fits.map(({ mixture: _mixture, ...rest }) => rest);
      } catch (e) {
        stdoutError = `stdout is not JSON: ${e.message}`;
      }
    }
    const result = { status, signal, wall_s: wall, maxrss_kib: maxrss, iteration_s: iterationS, iteration_cpu_s: iterationCpu, iteration_ll: iterationLl, stderr_tail: other.slice(-20), cli, stdout_error: stdoutError };
    process.stdout.write(JSON.stringify(result) + '\n');
  });
}

main();
