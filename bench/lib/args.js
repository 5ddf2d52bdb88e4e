'use strict';
// Command-line arguments of the bench scripts (bench/run.js, bench/families.js).
//
// Each script describes its options as a small spec; parseArgs reads argv
// against it. Both `--flag VALUE` and `--flag=VALUE` are accepted. A bad
// argument prints `PROGRAM: message` and the usage text to stderr and exits 2;
// -h / --help prints the usage to stdout and exits 0.
//
// Option types:
//   count    a positive integer (1, 2, …)
//   flag     present or not (true / false)
//   names    a comma-separated list of names out of `choices`; repeating the
//            option adds to the list (duplicates dropped, order kept);
//            `noun` names them in messages ("workload")
//   path     one non-empty string
//   ints     a list of positive integers: 3, 1,2,4, 1..6 or mixed 1..3,8 (ascending,
//            duplicates dropped)

/**
 * @param {string[]} argv  the arguments after the script name
 * @param {{ program: string, usage: string, options: Array<{ flag: string, key: string, type: string, default?: unknown, choices?: string[], noun?: string }> }} spec
 * @returns {Record<string, unknown>} one entry per option key
 */
function parseArgs(argv, spec) {
  const opts = {};
  for (const o of spec.options) opts[o.key] = o.default !== undefined ? o.default : defaultFor(o.type);
  const byFlag = new Map(spec.options.map((o) => [o.flag, o]));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') {
      process.stdout.write(spec.usage + '\n');
      process.exit(0);
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const option = byFlag.get(flag);
    if (!option) usageError(spec, `unknown argument ${JSON.stringify(a)}`);
    if (option.type === 'flag') {
      if (eq > 0) usageError(spec, `${flag} takes no value`);
      opts[option.key] = true;
      continue;
    }
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    opts[option.key] = readValue(spec, option, value, opts[option.key]);
  }
  return opts;
}

function defaultFor(type) {
  return type === 'flag' ? false : null;
}

function readValue(spec, option, value, previous) {
  const shown = value === undefined ? 'nothing' : JSON.stringify(value);
  if (option.type === 'count') {
    if (value === undefined || !/^[1-9]\d*$/.test(value)) usageError(spec, `${option.flag} needs a positive integer, got ${shown}`);
    return Number(value);
  }
  if (option.type === 'path') {
    if (!value) usageError(spec, `${option.flag} needs a path`);
    return value;
  }
  if (option.type === 'names') {
    const names = (value ?? '').split(',').map((x) => x.trim()).filter(Boolean);
    const noun = option.noun || 'name';
    if (!names.length) usageError(spec, `${option.flag} needs one or more ${noun} names, comma-separated`);
    const unknown = names.filter((x) => !option.choices.includes(x));
    if (unknown.length) usageError(spec, `${option.flag}: unknown ${noun}(s) ${unknown.map((x) => JSON.stringify(x)).join(', ')}; known: ${option.choices.join(', ')}`);
    return [...new Set([...(previous ?? []), ...names])];
  }
  if (option.type === 'ints') {
    const out = new Set();
    for (const part of (value ?? '').split(',')) {
      const m = /^\s*([1-9]\d*)(?:\.\.([1-9]\d*))?\s*$/.exec(part);
      if (!m || (m[2] !== undefined && Number(m[2]) < Number(m[1]))) usageError(spec, `${option.flag} needs positive integers such as 3, 1,2,4 or 1..6, got ${shown}`);
      for (let x = Number(m[1]); x <= Number(m[2] ?? m[1]); x++) out.add(x);
    }
    return [...out].sort((a, b) => a - b);
  }
  throw new Error(`args.js: unknown option type ${option.type}`);
}

/** Prints the message and the usage to stderr and exits 2 (a usage error, not a bench failure). */
function usageError(spec, message) {
  process.stderr.write(`${spec.program}: ${message}\n${spec.usage}\n`);
  process.exit(2);
}

module.exports = { parseArgs, usageError };
