import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { repoPath, useTempDir } from './helpers/cli';

// The published package, as a user gets it: `npm pack` makes the tarball (of the build
// the test setup made), which is unpacked into a scratch project's node_modules with its
// runtime dependencies beside it (linked from this checkout's, so no network and no npm
// cache outside the scratch folder), then required from JavaScript and compiled against
// from TypeScript.

const pkg = JSON.parse(fs.readFileSync(repoPath('package.json'), 'utf8'));
const TOY = repoPath('data', 'toy.txt');

/** A scratch project with gmm-fit installed from its packed tarball. */
function install(dir: string): string {
  const env = { ...process.env, npm_config_cache: path.join(dir, 'npm-cache'), npm_config_update_notifier: 'false' };
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: repoPath(), env, encoding: 'utf8' });
  const tarball = path.join(dir, out.trim().split('\n').pop()!);
  const project = path.join(dir, 'project');
  const modules = path.join(project, 'node_modules');
  fs.mkdirSync(modules, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', dir]);
  fs.renameSync(path.join(dir, 'package'), path.join(modules, 'gmm-fit'));
  for (const dep of [...Object.keys(pkg.dependencies), '@types/node']) {
    fs.mkdirSync(path.dirname(path.join(modules, dep)), { recursive: true });
    fs.symlinkSync(repoPath('node_modules', dep), path.join(modules, dep));
  }
  return project;
}

describe('the packed package', () => {
  const tmp = useTempDir();

  test('holds the build, the CLI and the declarations, and nothing of the sources or tests', () => {
    const project = install(tmp());
    const root = path.join(project, 'node_modules', 'gmm-fit');
    for (const file of ['package.json', 'bin/gmm-fit.js', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/wasm/estep.js']) {
      expect({ file, there: fs.existsSync(path.join(root, file)) }).toEqual({ file, there: true });
    }
    expect(fs.existsSync(path.join(root, 'src'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'test'))).toBe(false);
  });

  test('require("gmm-fit") from JavaScript: readTable and sweep give the --json document', () => {
    const project = install(tmp());
    const script = `
      const gmm = require('gmm-fit');
      (async () => {
        const table = await gmm.readTable(${JSON.stringify(TOY)});
        const doc = await gmm.sweep(table, { k: [3], seeds: [0] });
        const { model } = await gmm.fit(table, { k: [2, 3], seeds: [0] });
        const labels = gmm.predict(gmm.loadModel(model), table).labels;
        console.log(JSON.stringify({ first: doc.fits[0].trace[0], selected: doc.selected, n: labels.length, exported: Object.keys(gmm).sort() }));
      })().catch((err) => { console.error(err); process.exit(1); });`;
    const result = spawnSync(process.execPath, ['-e', script], { cwd: project, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    const out = JSON.parse(result.stdout);
    expect(out.first.toFixed(4)).toBe('-1388.0818');
    expect(out.selected).toEqual({ k: 3, seed: 0, covariance: 'spherical', init: 'random', criterion: 'bic' });
    expect(out.n).toBe(250);
    expect(out.exported).toEqual(expect.arrayContaining(['readTable', 'sweep', 'fit', 'complete', 'loadModel', 'predict', 'score', 'sample', 'DataError', 'UsageError']));
    // The CLI's same document.
    const cli = spawnSync(process.execPath, [path.join(project, 'node_modules', 'gmm-fit', 'bin', 'gmm-fit.js'), TOY, '--k', '3', '--seed', '0', '--json'], { encoding: 'utf8' });
    expect(JSON.parse(cli.stdout).fits[0].trace[0]).toBe(out.first);
  });

  test('import from TypeScript: the declarations compile a correct use and reject a wrong one', () => {
    const project = install(tmp());
    const tsc = repoPath('node_modules', 'typescript', 'bin', 'tsc');
    const flags = ['--noEmit', '--strict', '--module', 'commonjs', '--moduleResolution', 'node', '--esModuleInterop', '--target', 'ES2022', '--types', 'node'];
    fs.writeFileSync(
      path.join(project, 'good.ts'),
      `import { readTable, sweep, predict, loadModel, type FitRequest } from 'gmm-fit';
       async function main(): Promise<number> {
         const table = await readTable('data.txt');
         const request: FitRequest = { k: [1, 2, 3], seeds: [0, 1], covariance: 'diag' };
         const doc = await sweep(table, request);
         const labels: Int32Array = predict(loadModel(doc), table).labels;
         return labels.length + table.matrix.rows;
       }
       main();\n`,
    );
    const good = spawnSync(process.execPath, [tsc, ...flags, 'good.ts'], { cwd: project, encoding: 'utf8' });
    expect(good.stdout + good.stderr).toBe('');
    expect(good.status).toBe(0);
    fs.writeFileSync(path.join(project, 'bad.ts'), `import { sweep } from 'gmm-fit';\nsweep(null as never, { covariance: 'tied' });\n`);
    const bad = spawnSync(process.execPath, [tsc, ...flags, 'bad.ts'], { cwd: project, encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toMatch(/bad\.ts\(2,.*'"tied"' is not assignable/);
  });
});
