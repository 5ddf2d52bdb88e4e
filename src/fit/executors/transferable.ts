/**
 * Options as a worker thread can receive them: every field that is data, none that
 * is a function (callbacks stay in the thread that made them). Generic, so a new
 * option reaches the workers without being listed anywhere.
 */
export function transferable<T extends object>(options: T): { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? never : T[K] } {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => typeof value !== 'function')) as never;
}
