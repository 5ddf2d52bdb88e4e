import { OPTIONS, SHARDED, SWEEPS, type CommandName, type OptionSpec } from './options';
import { COMMANDS } from './program';

/** The flags as the README writes them: `-k, --k LIST`. */
function flags(spec: OptionSpec): string {
  return spec.flags.replace(/<([^>]+)>/g, (_, name: string) => name.toUpperCase().replace(/[^A-Z0-9]+/g, '_'));
}

function shownDefault(spec: OptionSpec): string {
  if (spec.shownDefault) return spec.shownDefault;
  if (spec.default !== undefined) return String(spec.default);
  return /<[^>]+>/.test(spec.flags) ? 'none' : 'off';
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

function row(spec: OptionSpec, command?: CommandName): string {
  const help = (command && spec.helpFor?.[command]) ?? spec.help;
  const example = (command && spec.exampleFor?.[command]) ?? spec.example;
  return `| \`${cell(flags(spec))}\` | ${cell(shownDefault(spec))} | ${cell(help)} | \`${cell(example)}\` |`;
}

const HEAD = '| option | default | meaning | example |\n|---|---|---|---|';

/**
 * The README's option tables, made from the option table (OPTIONS): the options that
 * fit, complete and plot-sweep share, then each command's own. A test checks that
 * the README holds exactly this text; `npm run docs` writes it there.
 */
export function optionTablesMarkdown(): string {
  // Shared: taken by all three sweeps and meaning the same in each (an option whose help differs per command is listed per command).
  const shared = OPTIONS.filter((o) => !o.hidden && !o.helpFor && SWEEPS.every((c) => o.commands.includes(c)));
  const parts = ['`fit`, `complete` and `plot-sweep` take these options.', '', HEAD, ...shared.map((o) => row(o))];
  for (const { name } of COMMANDS) {
    // The commands over shards share few options with the sweeps: their tables list every option they take.
    const whole = SHARDED.includes(name);
    const own = OPTIONS.filter((o) => !o.hidden && o.commands.includes(name) && (whole || !shared.includes(o)));
    if (own.length === 0) continue;
    parts.push('', `\`${name}\`${SWEEPS.includes(name) ? ' also' : ''}:`, '', HEAD, ...own.map((o) => row(o, name)));
  }
  return parts.join('\n');
}
