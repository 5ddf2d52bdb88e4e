import * as fs from 'fs';
import { optionTablesMarkdown } from '../../src/cli/options-doc';
import { OPTIONS, longFlag } from '../../src/cli/options';
import { repoPath } from '../helpers/cli';
import { runCli } from '../helpers/cli';

const README = fs.readFileSync(repoPath('README.md'), 'utf8');

test("the README's option tables are the ones made from the option table (npm run docs)", () => {
  const block = README.slice(README.indexOf('<!-- options:start -->') + '<!-- options:start -->'.length, README.indexOf('<!-- options:end -->')).trim();
  expect(block).toBe(optionTablesMarkdown());
});

test('every option of every command is in --help, with its default', async () => {
  for (const command of ['fit', 'complete', 'plot-sweep', 'predict', 'score', 'plot', 'sample'] as const) {
    const help = (await runCli([command, '--help'])).stdout.replace(/\s+/g, ' ');
    for (const spec of OPTIONS.filter((o) => o.commands.includes(command) && !o.hidden)) {
      expect({ command, flag: longFlag(spec), listed: help.includes(longFlag(spec)) }).toEqual({ command, flag: longFlag(spec), listed: true });
      if (spec.default !== undefined && !spec.shownDefault) expect(help).toContain(`default: ${JSON.stringify(spec.default)}`);
    }
  }
});

test('-m means --model-file wherever it exists, and --model has no short flag', () => {
  for (const spec of OPTIONS) {
    if (spec.flags.startsWith('-m,')) expect(longFlag(spec)).toBe('--model-file');
    if (longFlag(spec) === '--model') expect(spec.flags).toBe('--model <name>');
  }
});
