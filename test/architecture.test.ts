import * as fs from 'fs';
import * as path from 'path';

// The layers of src/ and the direction of their imports (README, Development):
// cli → app → fit → models → core, with io and plot beside. Nothing imports upward,
// and only the CLI touches the process.

const SRC = path.join(__dirname, '..', 'src');

/** What each layer may import from (its own folder included). */
const ALLOWED: Record<string, readonly string[]> = {
  core: ['core'],
  models: ['core', 'models'],
  fit: ['core', 'models', 'fit'],
  io: ['core', 'models', 'io'],
  plot: ['core', 'models', 'plot'],
  app: ['core', 'models', 'fit', 'io', 'plot', 'app'],
  cli: ['core', 'io', 'plot', 'app', 'cli'],
  '.': ['app', 'core', 'io', 'models'],
};

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sources(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

/** The layer of a file: its first folder under src/, or '.' for src/index.ts. */
function layerOf(file: string): string {
  const rel = path.relative(SRC, file).split(path.sep);
  return rel.length === 1 ? '.' : rel[0];
}

/** Every relative import and require of a file, with its line. */
function imports(file: string): Array<{ target: string; line: number; text: string }> {
  const out: Array<{ target: string; line: number; text: string }> = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      for (const m of text.matchAll(/(?:from\s+|require\(|import\()\s*['"](\.[^'"]+)['"]/g)) {
        out.push({ target: path.resolve(path.dirname(file), m[1]), line: i + 1, text: text.trim() });
      }
    });
  return out;
}

const files = sources(SRC);

test('every import points down or sideways, never up', () => {
  const violations: string[] = [];
  for (const file of files) {
    const from = layerOf(file);
    for (const { target, line, text } of imports(file)) {
      if (!target.startsWith(SRC)) continue; // package.json, dist/ builds
      const to = layerOf(fs.existsSync(target) && fs.statSync(target).isDirectory() ? path.join(target, 'index.ts') : `${target}.ts`);
      if (!ALLOWED[from].includes(to)) violations.push(`${path.relative(SRC, file)}:${line} (${from} → ${to}): ${text}`);
    }
  }
  expect(violations).toEqual([]);
});

test('the layer rules are checked on real imports: the test fails on an upward one', () => {
  // models/kmeans.ts imports models/families: allowed. A models file importing fit would not be.
  expect(ALLOWED.models.includes('fit')).toBe(false);
  const kmeans = files.find((f) => f.endsWith(path.join('models', 'kmeans.ts')))!;
  expect(imports(kmeans).some((i) => i.target.includes(path.join('models', 'families')))).toBe(true);
});

test('only the CLI touches the process', () => {
  const touching = files.filter((f) => layerOf(f) !== 'cli' && /\bprocess\s*\.(?!env\.NODE_ENV)/.test(fs.readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')));
  expect(touching.map((f) => path.relative(SRC, f))).toEqual([]);
});

test("the family names appear only in the family files: everything else asks the table", () => {
  for (const name of ['spherical', 'diag', 'full']) {
    const outside = files.filter((f) => !f.includes(`${path.sep}models${path.sep}families${path.sep}`) && fs.readFileSync(f, 'utf8').includes(`'${name}'`));
    expect({ name, outside: outside.map((f) => path.relative(SRC, f)) }).toEqual({ name, outside: [] });
  }
});
