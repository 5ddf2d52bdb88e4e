/**
 * Errors the CLI turns into one line on stderr and an exit code.
 * The EM core throws these too, so it never has to know about processes.
 */

/** Bad input data, an unreadable file, a failed fit: exit code 1. */
export class DataError extends Error {
  override name = 'DataError';
}

/** A bad flag, value or combination of flags: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Where a switch over a string union must be exhaustive. */
export function assertUnreachable(value: never): never {
  throw new Error(`unreachable: ${String(value)}`);
}
