import { addAllOptions, buildProgram } from '../../src/cli/program';
import { runCli } from '../helpers/cli';

// `gmm-fit --help` starts fast: the program adds a command's options only when that
// command runs or shows its help.

describe('options added on demand', () => {
  const quiet = { stdout: { write: () => true }, stderr: { write: () => true }, stdin: process.stdin, env: {} };

  test('the commands read the same in the program help before their options are added as after', () => {
    const program = buildProgram(quiet, async () => {});
    const before = program.helpInformation();
    expect(program.commands.every((c) => c.options.length === 0)).toBe(true);
    addAllOptions(program);
    expect(program.commands.every((c) => c.options.length > 0)).toBe(true);
    expect(before).toMatch(/^ {2}fit \[options\] <file> /m);
    expect(before).toMatch(/^ {2}start \[options\] <files\.\.\.> /m);
    expect(before).toBe(program.helpInformation());
  });

  test("`help <command>` shows the command's options, as `<command> --help` does", async () => {
    for (const command of ['fit', 'sample', 'mstep']) {
      const viaHelp = await runCli(['help', command]);
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.stdout).toMatch(/--model-file|--k /);
      expect(viaHelp.stdout).toBe((await runCli([command, '--help'])).stdout);
    }
  });
});
