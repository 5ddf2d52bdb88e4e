#!/usr/bin/env node
'use strict';
/**
 * Render an SVG to PNG with headless Chromium, so that a person can look at a plot.
 *
 *   node scripts/render-svg.js IN.svg OUT.png [--width 800 --height 600]
 *
 * Width and height default to the SVG's own size (its width/height, else its viewBox),
 * else 800×600; the picture is scaled to fit the window. Exits 0 with
 * "chromium not found: skipped" when Chromium is not installed. $CHROMIUM, when set,
 * names the browser to use.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { pathToFileURL } = require('url');

function usage(message) {
  if (message) process.stderr.write(`render-svg: ${message}\n`);
  process.stderr.write('usage: node scripts/render-svg.js IN.svg OUT.png [--width 800 --height 600]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const files = [];
  const sizes = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--(width|height)(?:=(.*))?$/.exec(arg);
    if (m) {
      const raw = m[2] !== undefined ? m[2] : argv[++i];
      const value = Number(raw);
      if (!Number.isInteger(value) || value < 1 || value > 10000) usage(`--${m[1]} must be an integer in 1..10000, got ${JSON.stringify(raw)}`);
      sizes[m[1]] = value;
    } else if (arg === '-h' || arg === '--help') {
      process.stdout.write('usage: node scripts/render-svg.js IN.svg OUT.png [--width 800 --height 600]\n');
      process.exit(0);
    } else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
    else files.push(arg);
  }
  if (files.length !== 2) usage('expected IN.svg and OUT.png');
  return { input: files[0], output: files[1], ...sizes };
}

/**
 * $CHROMIUM when set (only that, so that tests can simulate its absence), else
 * /usr/bin/chromium, else chromium (or chromium-browser) on PATH; null when absent.
 */
function findChromium() {
  const override = process.env.CHROMIUM;
  if (override !== undefined) return executable(override) ? override : null;
  const candidates = ['/usr/bin/chromium'];
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    candidates.push(path.join(dir, 'chromium'), path.join(dir, 'chromium-browser'));
  }
  return candidates.find(executable) || null;
}

function executable(file) {
  if (!file) return false;
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The SVG's size from its root's width/height, else its viewBox. */
function intrinsicSize(svg) {
  const root = /<svg\b[^>]*>/.exec(svg);
  if (!root) return null;
  const attr = (name) => {
    const m = new RegExp(`\\s${name}\\s*=\\s*["']([^"']*)["']`).exec(root[0]);
    return m ? m[1] : null;
  };
  const w = parseFloat(attr('width') || '');
  const h = parseFloat(attr('height') || '');
  if (w > 0 && h > 0) return { width: Math.round(w), height: Math.round(h) };
  const box = (attr('viewBox') || '').trim().split(/[\s,]+/).map(Number);
  if (box.length === 4 && box[2] > 0 && box[3] > 0) return { width: Math.round(box[2]), height: Math.round(box[3]) };
  return null;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const input = path.resolve(args.input);
  const output = path.resolve(args.output);
  let svg;
  try {
    svg = fs.readFileSync(input, 'utf8');
  } catch (err) {
    process.stderr.write(`render-svg: cannot read ${args.input}: ${err.message}\n`);
    process.exit(1);
  }
  const chromium = findChromium();
  if (!chromium) {
    process.stdout.write('chromium not found: skipped\n');
    process.exit(0);
  }
  const own = intrinsicSize(svg) || { width: 800, height: 600 };
  const width = args.width || own.width;
  const height = args.height || own.height;

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'render-svg-'));
  try {
    // A page that scales the picture to the window, so that --width/--height resize it.
    const page = path.join(tmp, 'page.html');
    fs.writeFileSync(
      page,
      '<!DOCTYPE html><html><head><meta charset="utf-8"><style>html,body{margin:0;padding:0;background:#fff;overflow:hidden}' +
        `img{display:block;width:${width}px;height:${height}px;object-fit:contain}</style></head>` +
        `<body><img src="${pathToFileURL(input).href}" alt=""></body></html>`,
    );
    const profile = path.join(tmp, 'profile');
    fs.mkdirSync(profile);
    const flags = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--hide-scrollbars',
      `--user-data-dir=${profile}`,
      `--screenshot=${output}`,
      `--window-size=${width},${height}`,
      pathToFileURL(page).href,
    ];
    try {
      fs.rmSync(output, { force: true });
    } catch {
      // replaced below anyway
    }
    const run = spawnSync(chromium, flags, { encoding: 'utf8', timeout: 120000 });
    if (run.error || run.status !== 0 || !fs.existsSync(output)) {
      const reason = run.error ? run.error.message : `exit status ${run.status}${run.signal ? ` (signal ${run.signal})` : ''}`;
      process.stderr.write(`render-svg: chromium failed: ${reason}\n${(run.stderr || '').trim().split('\n').slice(-10).join('\n')}\n`);
      process.exit(1);
    }
    process.stdout.write(`wrote ${args.output} (${width}×${height})\n`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
