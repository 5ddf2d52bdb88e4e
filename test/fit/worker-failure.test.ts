import * as path from 'path';
import { fromRows } from '../../src/core/matrix';
import { randomInit } from '../../src/models/start';
import { prepareData } from '../../src/models/data';
import { fitFrom } from '../../src/fit/fit';
import * as rowsplit from '../../src/fit/executors/rows';
import * as scripts from '../../src/fit/executors/script';
import { workerError } from '../../src/fit/executors/errors';
import { runSweep } from '../../src/fit/run';
import { useTempDir, writeFile } from '../helpers/cli';

// Workers that fail as a real one would when memory runs out: the coordinator must
// stop at once with one clean reason, not hang for 30 s or throw an uncaught error.
const rows = Array.from({ length: 300 }, (_, u) => [Math.sin(u) * 3 + (u % 3) * 4, Math.cos(u * 1.7) * 2 - (u % 3) * 3]);
const matrix = fromRows(rows);

/**
 * A row-split worker that says it is ready and has loaded its modules (control slot 7, its
 * `loaded`; slot 8 its `ready`: control.ts workerSlots(1)), then fails on the fit's message
 * as an allocation would: the failed flag (slot 4), its ready and the done count (slot 1) pushed past any wait.
 */
const FAILS_ON_FIT = `
const { parentPort, workerData } = require('worker_threads');
const { control, errors } = workerData;
parentPort.on('message', () => {
  try { throw new RangeError('Array buffer allocation failed'); }
  catch (err) {
    errors.postMessage({ name: err.name, message: err.message });
    Atomics.store(control, 4, 1);
    Atomics.add(control, 8, 1 << 30); Atomics.add(control, 1, 1 << 30);
    Atomics.notify(control, 8); Atomics.notify(control, 1);
  }
});
Atomics.store(control, 7, 1);
parentPort.postMessage('ready');
`;

describe('worker threads that fail', () => {
  const tmp = useTempDir();

  test('a row-split worker that runs out of memory: the fit fails at once with the reason', async () => {
    const script = writeFile(tmp(), 'fails.js', FAILS_ON_FIT);
    const data = prepareData(matrix, true);
    const pool = new rowsplit.RowSplitPool(data, 2, script);
    const started = Date.now();
    try {
      await pool.ready();
      const fit = fitFrom(data, randomInit(matrix, 3, 0), { model: 'gaussian', k: 3, seed: 0, maxIter: 100, runnerFor: pool.runnerFor });
      expect(fit.error).toBe('a worker thread ran out of memory (Array buffer allocation failed); try --jobs 1, fewer components, or a smaller input');
    } finally {
      await pool.close();
    }
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('a row-split worker whose script fails to load: ready() rejects with the reason', async () => {
    const script = writeFile(tmp(), 'broken.js', "throw new RangeError('Array buffer allocation failed');\n");
    const pool = new rowsplit.RowSplitPool(prepareData(matrix, true), 2, script);
    try {
      await expect(pool.ready()).rejects.toThrow(/a worker thread ran out of memory \(Array buffer allocation failed\)/);
    } finally {
      await pool.close();
    }
  });

  test('a sweep worker that fails: the sweep rejects with one clean error, not an uncaught exception', async () => {
    const failing = writeFile(tmp(), 'sweep-fails.js', "require('worker_threads').parentPort.on('message', () => { throw new RangeError('Array buffer allocation failed'); });\n");
    const spy = jest.spyOn(scripts, 'workerScript').mockReturnValue(failing);
    try {
      await expect(
        runSweep(matrix, { model: 'gaussian', ks: [2, 3], seeds: [0, 1], maxIter: 50, criterion: 'bic', jobs: 2, minParallelWork: 0 }),
      ).rejects.toThrow(/^a worker thread ran out of memory \(Array buffer allocation failed\); try --jobs 1/);
    } finally {
      spy.mockRestore();
    }
  });

  test('the error helper: memory failures are data errors with advice, others internal', () => {
    expect(workerError({ code: 'ERR_WORKER_OUT_OF_MEMORY', message: 'Worker terminated due to reaching memory limit: JS heap out of memory' }).name).toBe('DataError');
    expect(workerError({ message: 'Invalid typed array length: 1e12' }).message).toMatch(/ran out of memory/);
    const other = workerError({ name: 'TypeError', message: 'x is not a function' });
    expect(other.name).toBe('Error');
    expect(other.message).toBe('a worker thread failed: x is not a function');
    expect(path.basename(scripts.workerScript('pool-worker'))).toBe('pool-worker.js');
  });
});
