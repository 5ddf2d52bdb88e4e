import * as path from 'path';

/**
 * The compiled script of a worker thread. Compiled code finds it beside itself; the
 * TypeScript sources (under ts-jest) use the build that the test setup makes fresh
 * before the tests run (test/setup/build.js), never a stale one.
 */
export function workerScript(name: 'pool-worker' | 'rows-worker'): string {
  const compiled = !__filename.endsWith('.ts');
  return compiled ? path.join(__dirname, `${name}.js`) : path.join(__dirname, '..', '..', '..', 'dist', 'fit', 'executors', `${name}.js`);
}
