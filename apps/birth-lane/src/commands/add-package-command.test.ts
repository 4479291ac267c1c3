import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { addPackageCommand } from './add-package-command.js';

describe('addPackageCommand', () => {
  it("gives a package's nested commands the program's exit handling and output", async () => {
    const printed: string[] = [];
    const program = new Command('birth-lane').exitOverride().configureOutput({
      writeErr: (text) => printed.push(text),
      outputError: (message, write) => write(`birth-lane: ${message}`),
    });
    const group = new Command('group');
    group.command('leaf').option('--n <n>', 'a number', (value) => {
      if (value !== '1') throw new Error('unreachable: commander wraps argument parsers');
      return 1;
    });
    addPackageCommand(program, group);
    // Without the program's exitOverride a bad flag here would call process.exit(1).
    await expect(program.parseAsync(['group', 'leaf', '--bogus'], { from: 'user' })).rejects.toBeInstanceOf(
      CommanderError,
    );
    expect(printed.join('')).toMatch(/^birth-lane: error: unknown option '--bogus'/);
  });
});
