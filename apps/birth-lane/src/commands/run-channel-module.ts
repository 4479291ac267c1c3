import { checkModuleChannel, parseChannelSettings, runnerForModuleChannel } from '@birth-lane/contract';
import { CliError } from '@birth-lane/contract/cli';
import { loadChannelModule } from '../channels/load-channel-module.js';
import { commandHost } from '../command-host.js';
import { loadConfig } from '../config.js';

/** Loads the configured channel module, checks its settings with its own schema, and runs it. */
export async function runChannelModule(flags: { module?: string; settings?: string }): Promise<number> {
  const config = loadConfig();
  const specifier = flags.module ?? config.BIRTH_LANE_CHANNEL_MODULE;
  if (!specifier) {
    throw new CliError(
      'usage',
      'no channel module: give --module <package or path>, or set BIRTH_LANE_CHANNEL_MODULE.',
    );
  }
  const settingsText = flags.settings ?? config.BIRTH_LANE_CHANNEL_SETTINGS ?? '{}';
  const settingsSource = flags.settings !== undefined ? '--settings' : 'BIRTH_LANE_CHANNEL_SETTINGS';
  let settingsInput: unknown;
  try {
    settingsInput = JSON.parse(settingsText);
  } catch (error) {
    throw new CliError('usage', `${settingsSource} must be a JSON object: ${(error as Error).message}`);
  }
  const channelModule = await loadChannelModule(specifier);
  const settings = parseChannelSettings(specifier, channelModule.settingsSchema, settingsInput);

  commandHost.needsRole('birth_lane_producer');
  const output = commandHost.standingOutput({ json: false, bindings: { channelModule: specifier } });
  const database = await commandHost.openDatabase();
  try {
    const channel = checkModuleChannel(
      channelModule.createChannel(settings, { db: database.pool, logger: output.log }),
      specifier,
    );
    const runner = runnerForModuleChannel(
      await commandHost.createProducer(database.pool),
      channel.name,
      specifier,
    );
    await commandHost.runUntilSignalled(channel, runner, output.log);
    return 0;
  } finally {
    await database.close();
  }
}
