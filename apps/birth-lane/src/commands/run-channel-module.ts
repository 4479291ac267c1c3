import {
  CHANNEL_NAMES,
  type ChannelName,
  type ProducerRunner,
  parseChannelSettings,
} from '@birth-lane/contract';
import { CliError } from '@birth-lane/contract/cli';
import { loadChannelModule } from '../channels/load-channel-module.js';
import { commandHost } from '../command-host.js';
import { loadConfig } from '../config.js';

/**
 * The producer, refusing a run asked for under another channel's name: a module's mistake is
 * reported as the module's, not as a database error deep in the producer.
 */
function ownRunsOnly(runner: ProducerRunner, name: ChannelName, specifier: string): ProducerRunner {
  return {
    specificationVersion: runner.specificationVersion,
    run(options) {
      if (options.channel !== name) {
        return Promise.reject(
          new CliError(
            'usage',
            `the channel module "${specifier}" asked for a run as "${options.channel}", but its channel is "${name}": pass { channel: '${name}' } to runner.run.`,
          ),
        );
      }
      return runner.run(options);
    },
  };
}

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
    const channel = channelModule.createChannel(settings, { db: database.pool, logger: output.log });
    if (!(CHANNEL_NAMES as readonly string[]).includes(channel.name)) {
      throw new CliError(
        'usage',
        `the channel module "${specifier}" made a channel named "${channel.name}"; a channel's name must be one of ${CHANNEL_NAMES.join(', ')} (the database records runs under these names).`,
      );
    }
    const runner = ownRunsOnly(await commandHost.createProducer(database.pool), channel.name, specifier);
    await commandHost.runUntilSignalled(channel, runner, output.log);
    return 0;
  } finally {
    await database.close();
  }
}
