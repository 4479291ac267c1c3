import { Command } from 'commander';
import { describe, expect, it } from 'vitest';

// cli.ts runs the program at import; the groups' table is read through a fresh import with argv
// set to `--version` (which exits through commander's exitOverride, caught by cli.ts).
describe('lazily loaded command groups', () => {
  it('the top-level help shows each group with the description the group itself registers', async () => {
    const argv = process.argv;
    const write = process.stdout.write;
    process.argv = ['node', 'birth-lane', '--version'];
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      const { LAZY_GROUPS } = await import('./cli.js');
      for (const [name, group] of Object.entries(LAZY_GROUPS)) {
        const program = new Command();
        (await group.load())(program);
        const real = program.commands.find((command) => command.name() === name);
        expect(real?.description(), name).toBe(group.description);
      }
    } finally {
      process.argv = argv;
      process.stdout.write = write;
      process.exitCode = 0;
    }
  });
});
