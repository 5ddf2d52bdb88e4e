import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fitPlotSvg } from '../../src/plot/fit-plot';
import { fromRows } from '../../src/core/matrix';
import { mixtureOf } from './helpers';

const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'render-svg.js');

function run(args: string[], env: Record<string, string | undefined> = {}) {
  const result = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function chromiumPath(): string | null {
  const candidates = ['/usr/bin/chromium', ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((d) => path.join(d, 'chromium'))];
  return candidates.find((f) => fs.existsSync(f)) ?? null;
}

describe('scripts/render-svg.js', () => {
  let dir: string;
  let svgFile: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'render-svg-test-'));
    svgFile = path.join(dir, 'fit.svg');
    const m = fromRows([
      [0, 0],
      [1, 1],
      [5, 5],
    ]);
    fs.writeFileSync(svgFile, fitPlotSvg(m, mixtureOf('spherical', 2, [[0.5, 0.5], [5, 5]], [0.5, 0.3], [0.6, 0.4]), Float64Array.from([1, 0, 1, 0, 0, 1]), {}));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('skips with exit 0 when Chromium is absent', () => {
    const r = run([svgFile, path.join(dir, 'skip.png')], { CHROMIUM: path.join(dir, 'no-such-chromium') });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('chromium not found: skipped');
    expect(fs.existsSync(path.join(dir, 'skip.png'))).toBe(false);
  });

  it('reports usage errors with exit 2 and an unreadable input with exit 1', () => {
    expect(run([svgFile]).code).toBe(2);
    const bad = run([svgFile, path.join(dir, 'x.png'), '--width', 'wide']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--width');
    expect(run([svgFile, 'x.png', '--depth', '3']).code).toBe(2);
    const missing = run([path.join(dir, 'none.svg'), path.join(dir, 'x.png')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read');
  });

  const withChromium = chromiumPath() ? it : it.skip;
  withChromium(
    'renders a PNG of the requested size with headless Chromium',
    () => {
      const out = path.join(dir, 'fit.png');
      const r = run([svgFile, out, '--width', '640', '--height', '480']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const png = fs.readFileSync(out);
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      // IHDR: width and height, big-endian, at bytes 16..24.
      expect(png.readUInt32BE(16)).toBe(640);
      expect(png.readUInt32BE(20)).toBe(480);
    },
    120000,
  );
});
