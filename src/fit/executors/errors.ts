import { DataError } from '../../core/errors';

/** Failures that mean memory ran out, in whatever words V8 or Node put them. */
const OUT_OF_MEMORY = /allocation failed|invalid array length|invalid typed array length|out of memory|cannot allocate|ERR_WORKER_OUT_OF_MEMORY|memory could not be grown/i;

/**
 * A worker thread's failure as the error to report: running out of memory is a
 * data error (exit 1) with advice, anything else an internal error with its message.
 */
export function workerError(err: { name?: string; message?: string; code?: string }): Error {
  const text = `${err.code ?? ''} ${err.message ?? ''}`;
  if (err.name === 'DataError') return new DataError(err.message ?? 'a worker failed');
  if (OUT_OF_MEMORY.test(text)) {
    return new DataError(`a worker thread ran out of memory (${(err.message ?? '').trim() || err.code}); try --jobs 1, fewer components, or a smaller input`);
  }
  return new Error(`a worker thread failed: ${err.message ?? err.code ?? 'unknown error'}`);
}
