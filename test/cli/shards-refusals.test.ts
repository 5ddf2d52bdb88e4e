import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { runCli, useTempDir, writeFile } from '../helpers/cli';
import { cli, slice, writeShards } from '../helpers/shards';
import { decodeStats, encodeStats } from '../../src/io/stats';

// What start, estep and mstep refuse, each with one error line and the project's exit code
// (2: the flags; 1: the data or the files), leaving the outputs as they were; and how the
// statistics file is written (whole, by a rename).
const ONE_ERROR_LINE = /^gmm-fit: error: [^\n]+\n$/;

async function fails(args: string[], code: 1 | 2, message: RegExp): Promise<void> {
  const r = await runCli(args);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code, stderr: expect.stringMatching(ONE_ERROR_LINE) });
  expect(r.stderr).toMatch(message);
}

/** Three table shards of the first 120 users, started with K=3, and their statistics of iteration 1. */
async function started(dir: string, extra: string[] = []) {
  const { shards } = writeShards(dir, [0, 40, 80, 120], 'table');
  const model = path.join(dir, 'model.json');
  await cli(['start', '--k', '3', '--missing', '0', ...extra, ...shards, '--out', model, '-q']);
  const stats = [];
  for (let s = 0; s < 3; s++) {
    stats.push(path.join(dir, `s${s}.stats`));
    await cli(['estep', '-m', model, shards[s], '--stats', stats[s], '-q']);
  }
  return { shards, model, stats };
}

jest.setTimeout(60_000);

describe('start refuses', () => {
  const tmp = useTempDir();

  test('a shard given twice, by the same path or the same bytes', async () => {
    const { shards } = writeShards(tmp(), [0, 20, 40], 'table');
    const out = path.join(tmp(), 'm.json');
    await fails(['start', '--k', '2', '--missing', '0', shards[0], shards[1], `./${path.relative(process.cwd(), shards[0])}`, '--out', out], 2, /is given twice/);
    const copy = writeFile(tmp(), 'copy.txt', fs.readFileSync(shards[1]));
    await fails(['start', '--k', '2', '--missing', '0', shards[0], shards[1], copy, '--out', out], 1, /table-1\.txt and .*copy\.txt are the same bytes: a shard given twice/);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('a user whose ratings are in two shards, a family that does not run over shards of triplets, --mean-prior on tables', async () => {
    const all = slice(0, 30, 'ratings').split('\n');
    // User 10's ratings cut in two: the shards are not cut between users.
    const cut = all.findIndex((l) => l.startsWith('u10,')) + 5;
    const a = writeFile(tmp(), 'a.csv', all.slice(0, cut).join('\n') + '\n');
    const b = writeFile(tmp(), 'b.csv', all.slice(cut).join('\n'));
    const out = path.join(tmp(), 'm.json');
    await fails(['start', '--ratings', '--center', 'none', '--k', '2', a, b, '--out', out], 1, /user u10 has ratings in .*a\.csv and in .*b\.csv: cut the shards between users/);
    await fails(['start', '--ratings', '--k', '2', a, b, '--out', out], 1, /user u10 has ratings in .*a\.csv and in .*b\.csv: cut the shards between users/);
    await fails(['start', '--covariance', 'full', '--ratings', '--center', 'none', '--k', '2', a, '--out', out], 2, /--covariance full does not run over shards of rating triplets; start, estep and mstep take spherical and diag there/);
    await fails(['start', '--mean-prior', '5', '--k', '2', writeFile(tmp(), 't.txt', '1 2\n3 4\n5 6\n'), '--out', out], 2, /--mean-prior goes with --ratings/);
    await fails(['start', '--k', '31', '--ratings', '--center', 'none', writeFile(tmp(), 'c.csv', slice(0, 30, 'ratings')), '--out', out], 2, /--k 31 is more components than the shards have rows \(30\)/);
    await fails(['start', '--k', '2', a], 2, /start needs --out FILE/);
    await fails(['start', '--k', '2', '--user-col', '1', a, '--out', out], 2, /--user-col goes with --ratings/);
  });

  test('a start the E-step cannot use: no spread (every rating the same), at start or at the start\'s pass after the baseline', async () => {
    const flat = writeFile(tmp(), 'flat.csv', 'u1,m1,4\nu2,m1,4\nu3,m1,4\n');
    const out = path.join(tmp(), 'm.json');
    const unusable = /the start is not usable: component 1 has variance 0 \(the data have no spread there\); give a variance floor such as --min-var 1e-6, or fewer components/;
    await fails(['start', '--ratings', '--center', 'none', '--k', '2', flat, '--out', out], 1, unusable);
    expect(fs.existsSync(out)).toBe(false);
    await fails(['start', '--k', '2', writeFile(tmp(), 'same.txt', '1 1\n1 1\n1 1\n'), '--out', out], 1, unusable);
    // --center bias: the residuals are all 0, found by the M-step of the start's pass.
    expect((await runCli(['start', '--ratings', '--k', '2', flat, '--out', out, '--quiet'])).code).toBe(0);
    const stats = path.join(tmp(), 'flat.stats');
    for (let pass = 0; pass < 10; pass++) {
      expect((await runCli(['estep', '-m', out, flat, '--stats', stats, '--quiet'])).code).toBe(0);
      expect((await runCli(['mstep', '-m', out, stats, '--out', out, '--quiet'])).stdout).toBe('continue\n');
    }
    expect((await runCli(['estep', '-m', out, flat, '--stats', stats, '--quiet'])).code).toBe(0);
    const before = fs.readFileSync(out, 'utf8');
    await fails(['mstep', '-m', out, stats, '--out', out], 1, unusable);
    expect(fs.readFileSync(out, 'utf8')).toBe(before);
  });

  test('shards of different widths', async () => {
    const a = writeFile(tmp(), 'a.txt', '1 2 3\n4 5 6\n');
    const b = writeFile(tmp(), 'b.txt', '1 2\n3 4\n');
    await fails(['start', '--k', '2', a, b, '--out', path.join(tmp(), 'm.json')], 1, /b\.txt has 2 columns, but .*a\.txt has 3: every shard holds the same columns/);
  });
});

describe('estep refuses', () => {
  const tmp = useTempDir();

  test('a shard read with other options than the start\'s, or as the other kind of input', async () => {
    const { shards, model } = await started(tmp());
    const out = path.join(tmp(), 'x.stats');
    await fails(['estep', '-m', model, shards[0], '--missing', 'NA', '--stats', out], 2, /--missing NA differs from the start's \(0\): every shard is read as the start read them/);
    await fails(['estep', '-m', model, shards[0], '--no-header', '--delimiter', 'comma', '--stats', out], 2, /--delimiter , differs from the start's \(whitespace\)/);
    await fails(['estep', '-m', model, shards[0], '--ratings', '--stats', out], 2, /was started on tables, not rating triplets: leave --ratings out/);
    // The start's own options, given again, are fine.
    await cli(['estep', '-m', model, shards[0], '--missing', '0', '--stats', out, '-q']);
    expect(fs.existsSync(out)).toBe(true);
  });

  test('a file that is not one of the start\'s shards, or a shard changed since', async () => {
    const { shards, model } = await started(tmp());
    const out = path.join(tmp(), 'x.stats');
    const other = writeFile(tmp(), 'other.txt', slice(200, 240, 'table'));
    await fails(['estep', '-m', model, other, '--stats', out], 1, /other\.txt is not one of the 3 shards .*model\.json was started on/);
    fs.writeFileSync(shards[2], slice(80, 119, 'table'));
    await fails(['estep', '-m', model, shards[2], '--stats', out], 1, /table-2\.txt is not the shard the start read under that name \(its content has changed since\)/);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('a model that was not started over shards, and statistics to stdout', async () => {
    const { shards } = await started(tmp());
    const plain = path.join(tmp(), 'plain.json');
    await cli(['fit', shards[0], '--missing', '0', '--k', '2', '--out', plain, '-q']);
    await fails(['estep', '-m', plain, shards[0], '--stats', path.join(tmp(), 'x.stats')], 1, /plain\.json: not a model started over shards: it has no "distributed" block \(write one with gmm-fit start\)/);
    await fails(['estep', '-m', plain, shards[0], '--stats', '-'], 2, /--stats needs a file: the statistics are binary/);
  });

  test('a fit in progress (--center bias, before its mixture) whose document was edited', async () => {
    const shard = writeFile(tmp(), 'r.csv', slice(0, 20, 'ratings'));
    const model = path.join(tmp(), 'pending.json');
    await cli(['start', '--ratings', '--k', '2', shard, '--out', model, '--quiet']);
    const doc = JSON.parse(fs.readFileSync(model, 'utf8'));
    expect(doc).toMatchObject({ format: 'gmm-fit-shards/1', stage: 'baseline', distributed: { pass: 0, iteration: 0, baseline: { epoch: 0, epochs: 10 } } });
    const edited = (change: (d: typeof doc) => void) => {
      const copy = JSON.parse(JSON.stringify(doc));
      change(copy);
      const file = path.join(tmp(), 'edited.json');
      fs.writeFileSync(file, JSON.stringify(copy));
      return file;
    };
    const stats = path.join(tmp(), 'x.stats');
    await fails(['estep', '-m', edited((d) => (d.stage = 'start')), shard, '--stats', stats], 1, /not a model started over shards: its stage is "start", but its baseline has done 0 of 10 epochs/);
    await fails(['estep', '-m', edited((d) => (d.distributed.baseline.item = [1, 2])), shard, '--stats', stats], 1, /not a model started over shards: "distributed.baseline" is not \{ mean, regUser, regItem, epochs, epoch ≤ epochs, item \}/);
    await fails(['estep', '-m', edited((d) => (d.distributed.baseline.epoch = 11)), shard, '--stats', stats], 1, /"distributed.baseline" is not/);
    await fails(['estep', '-m', edited((d) => delete d.distributed.baseline), shard, '--stats', stats], 1, /not a model started over shards: a fit in progress without a baseline/);
    await fails(['estep', '-m', edited((d) => (d.model = 'wishart')), shard, '--stats', stats], 1, /not a model started over shards: "model" is not a family/);
    expect(fs.existsSync(stats)).toBe(false);
  });
});

describe('mstep refuses', () => {
  const tmp = useTempDir();

  test('a shard given twice, and a shard missing', async () => {
    const { model, stats, shards } = await started(tmp());
    const out = path.join(tmp(), 'next.json');
    await fails(['mstep', '-m', model, stats[0], stats[1], stats[0], '--out', out], 1, /s0\.stats and .*s0\.stats are both the statistics of shard 1 \(.*table-0\.txt\): a shard given twice/);
    // A copy of a shard's statistics is that shard's too.
    const copy = writeFile(tmp(), 'copy.stats', fs.readFileSync(stats[1]));
    await fails(['mstep', '-m', model, stats[0], stats[1], copy, '--out', out], 1, /s1\.stats and .*copy\.stats are both the statistics of shard 2/);
    await fails(['mstep', '-m', model, stats[0], stats[1], '--out', out], 1, new RegExp(`the statistics cover 80 of the start's 120 rows: shard 3 \\(${shards[2].replace(/[.]/g, '\\.')}, 40 rows\\) is missing`));
    expect(fs.existsSync(out)).toBe(false);
  });

  test('statistics that pass their sha256 but are not the sums of an E-step: a non-finite sum, a negative weight, weights that do not add up to the rows', async () => {
    const { model, stats } = await started(tmp());
    const { header, values } = decodeStats(fs.readFileSync(stats[0]), 's0');
    const { format: _format, count: _count, encoding: _encoding, sha256: _sha, ...rest } = header;
    const nHat = header.fields.findIndex(([name]) => name === 'nHat');
    const at = header.fields.slice(0, nHat).reduce((a, [, length]) => a + length, 0);
    const forged = (name: string, change: (v: Float64Array) => void) => {
      const v = values.slice();
      change(v);
      return writeFile(tmp(), name, encodeStats(rest, v));
    };
    const out = path.join(tmp(), 'next.json');
    const last = values.length - 1;
    await fails(['mstep', '-m', model, forged('nan.stats', (v) => (v[last] = NaN)), stats[1], stats[2], '--out', out], 1, /nan\.stats: its "[A-Za-z]+" statistics hold NaN \(number \d+ of \d+\): not the sums of an E-step; run gmm-fit estep on the shard again/);
    await fails(['mstep', '-m', model, forged('neg.stats', (v) => (v[at] = -1)), stats[1], stats[2], '--out', out], 1, /neg\.stats: its posterior weight of component 1 is -1, below 0: not the sums of an E-step/);
    await fails(['mstep', '-m', model, forged('scaled.stats', (v) => (v[at] *= 2)), stats[1], stats[2], '--out', out], 1, /scaled\.stats: its posterior weights add up to [\d.]+ over the shard's 40 rows, where an E-step's add up to its rows/);
    expect(fs.existsSync(out)).toBe(false);
    // The file as estep wrote it passes.
    expect((await cli(['mstep', '-m', model, ...stats, '--out', out, '-q'])).trim()).toBe('continue');
  });

  test('a stale statistics file from the iteration before', async () => {
    const { model, stats, shards } = await started(tmp());
    const next = path.join(tmp(), 'next.json');
    expect((await cli(['mstep', '-m', model, ...stats, '--out', next, '-q'])).trim()).toBe('continue');
    const fresh = path.join(tmp(), 'fresh.stats');
    await cli(['estep', '-m', next, shards[0], '--stats', fresh, '-q']);
    await fails(['mstep', '-m', next, fresh, stats[1], stats[2], '--out', path.join(tmp(), 'n2.json')], 1, /s1\.stats was computed under the model of iteration 0, but .*next\.json is the model of iteration 1: a stale file from an earlier iteration; run gmm-fit estep under .*next\.json again/);
    // The other way round: statistics of the new model given with the old one.
    await fails(['mstep', '-m', model, fresh, stats[1], stats[2], '--out', path.join(tmp(), 'n2.json')], 1, /fresh\.stats was computed under the model of iteration 1, but .*model\.json is the model of iteration 0: a file of a later iteration/);
    expect(fs.existsSync(path.join(tmp(), 'n2.json'))).toBe(false);
  });

  test('statistics of another family or K, over other items, or of another model of the same shape', async () => {
    const first = await started(tmp());
    const dir2 = path.join(tmp(), 'k2');
    fs.mkdirSync(dir2);
    const k2 = await started(dir2, ['--seed', '5']);
    const out = path.join(tmp(), 'next.json');
    // Same data, same K, another seed: another model.
    await fails(['mstep', '-m', first.model, k2.stats[0], first.stats[1], first.stats[2], '--out', out], 1, /k2\/s0\.stats was computed under another model than .*model\.json \(their digests differ\)/);
    const dir3 = path.join(tmp(), 'diag');
    fs.mkdirSync(dir3);
    const diag = await started(dir3, ['--covariance', 'diag']);
    await fails(['mstep', '-m', first.model, diag.stats[0], first.stats[1], first.stats[2], '--out', out], 1, /diag\/s0\.stats holds the statistics of a diag K=3 model over 1200 columns, but .*model\.json is a spherical K=3 model over 1200 columns/);
    // Rating shards over other items (ids renamed): the same shape, other columns.
    const ratingsStart = async (dir: string, rename: (text: string) => string) => {
      fs.mkdirSync(dir);
      const shard = writeFile(dir, 'r.csv', rename(slice(0, 40, 'ratings')));
      const model = path.join(dir, 'm.json');
      await cli(['start', '--ratings', '--center', 'none', '--k', '2', shard, '--out', model, '-q']);
      const stats = path.join(dir, 'r.stats');
      await cli(['estep', '-m', model, shard, '--stats', stats, '-q']);
      return { model, stats };
    };
    const a = await ratingsStart(path.join(tmp(), 'ra'), (t) => t);
    const b = await ratingsStart(path.join(tmp(), 'rb'), (t) => t.replace(/,m(\d+),/g, ',movie$1,'));
    await fails(['mstep', '-m', a.model, b.stats, '--out', out], 1, /rb\/r\.stats holds statistics over other items than .*ra\/m\.json's/);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('a damaged statistics file, and a fit that has stopped', async () => {
    const { model, stats, shards } = await started(tmp());
    const out = path.join(tmp(), 'next.json');
    const bytes = fs.readFileSync(stats[1]);
    const cut = writeFile(tmp(), 'cut.stats', bytes.subarray(0, bytes.length - 8));
    await fails(['mstep', '-m', model, stats[0], cut, stats[2], '--out', out], 1, /cut\.stats: the statistics file is cut short: \d+ bytes of the \d+ its header announces/);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 3] ^= 0x40;
    await fails(['mstep', '-m', model, stats[0], writeFile(tmp(), 'flip.stats', flipped), stats[2], '--out', out], 1, /flip\.stats: the statistics file is damaged: its numbers do not match their sha256/);
    await fails(['mstep', '-m', model, stats[0], shards[1], stats[2], '--out', out], 1, /table-1\.txt: not a statistics file \(gmm-fit-stats\/1, written by gmm-fit estep\)/);
    expect(fs.existsSync(out)).toBe(false);
    // A fit at --max-iter 1 stops after its first M-step; another M-step is refused.
    const dir = path.join(tmp(), 'once');
    fs.mkdirSync(dir);
    const once = await started(dir, ['--max-iter', '1']);
    const done = path.join(dir, 'done.json');
    expect((await cli(['mstep', '-m', once.model, ...once.stats, '--out', done, '-q'])).trim()).toBe('max-iter');
    const again = path.join(dir, 'again.stats');
    await cli(['estep', '-m', done, once.shards[0], '--stats', again, '-q']);
    await fails(['mstep', '-m', done, again, '--out', out], 1, /the fit in .*done\.json has stopped \(max-iter at iteration 1\); nothing to do/);
  });
});

describe('the statistics file is written whole', () => {
  const tmp = useTempDir();

  test('an existing file is replaced by a rename (a new inode, no temporary file left), and a failed E-step leaves it as it was', async () => {
    const { model, shards } = await started(tmp());
    const out = path.join(tmp(), 'x.stats');
    fs.writeFileSync(out, 'old');
    const before = fs.statSync(out).ino;
    await cli(['estep', '-m', model, shards[1], '--stats', out, '-q']);
    expect(fs.statSync(out).ino).not.toBe(before);
    expect(fs.readFileSync(out).subarray(0, 16).toString('latin1')).toBe('gmm-fit-stats/1\n');
    const written = fs.readFileSync(out);
    fs.writeFileSync(shards[0], 'not a shard any more\n');
    await fails(['estep', '-m', model, shards[0], '--stats', out], 1, /is not the shard the start read/);
    expect(fs.readFileSync(out).equals(written)).toBe(true);
    expect(fs.readdirSync(tmp()).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  test('a FIFO or a folder is refused, not written into', async () => {
    const { model, shards } = await started(tmp());
    const fifo = path.join(tmp(), 'fifo.stats');
    let made = true;
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      made = false;
    }
    if (made) await fails(['estep', '-m', model, shards[1], '--stats', fifo], 1, /--stats .*fifo\.stats: not a regular file; the output is written whole to a file/);
    fs.mkdirSync(path.join(tmp(), 'dir.stats'));
    await fails(['estep', '-m', model, shards[1], '--stats', path.join(tmp(), 'dir.stats')], 1, /dir\.stats: not a regular file/);
  });
});
