import type { Command } from 'commander';

interface ChannelFlags {
  readonly module?: string;
  readonly settings?: string;
}

/**
 * `birth-lane channel`: runs a producer channel that lives in another package, named by
 * configuration (BIRTH_LANE_CHANNEL_MODULE, BIRTH_LANE_CHANNEL_SETTINGS, or the flags, which win),
 * with this app's database and producer, until SIGTERM/SIGINT. docs/replacing-a-block.md shows how
 * to write one.
 */
export function registerChannelCommand(program: Command): void {
  program
    .command('channel')
    .description(
      'run a producer channel from another package (a module exporting a ChannelModule) until SIGTERM; see docs/replacing-a-block.md',
    )
    .option(
      '--module <specifier>',
      'its package name, or the path of its module file (default: BIRTH_LANE_CHANNEL_MODULE)',
    )
    .option(
      '--settings <json>',
      'its settings as a JSON object (default: BIRTH_LANE_CHANNEL_SETTINGS, else {})',
    )
    .action(async (flags: ChannelFlags) => {
      const { runChannelModule } = await import('./run-channel-module.js');
      process.exitCode = await runChannelModule(flags);
    });
}
