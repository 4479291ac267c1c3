import type { CommandHost } from '@birth-lane/contract/cli';
import { Command } from 'commander';

/**
 * `birth-lane canonical list|set`: the canonical (kernel) collections, whose rows are never
 * certified automatically but get a promotion request and wait for an approved promotion.
 * `set` needs the lane owner's login: no lane role may change the set, which would switch
 * promotion off for a collection.
 */
export function canonicalCommand(host: CommandHost): Command {
  const canonical = new Command('canonical').description(
    'canonical (kernel) collections: rows there are promoted with an approval, never auto-certified',
  );
  const actions = () => import('./canonical-actions.js');

  canonical
    .command('list')
    .description('the canonical collections, with the key the canonical check compares')
    .option('--json', 'print as JSON')
    .action(async (flags: { json?: boolean }) => {
      process.exitCode = await (await actions()).listCanonical(host, flags);
    });

  canonical
    .command('set <names...>')
    .description('make the canonical collections exactly these names (one change, whole or not at all)')
    .option('--note <text>', 'why, kept with each added collection')
    .option('--json', 'print what was added and removed as JSON')
    .action(async (names: string[], flags: { note?: string; json?: boolean }) => {
      process.exitCode = await (await actions()).setCanonical(host, names, flags);
    });

  return canonical;
}
