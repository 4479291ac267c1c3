import { type CommandHost, wholeNumberFlag } from '@birth-lane/contract/cli';
import { Command } from 'commander';

interface ListenFlags {
  readonly coalesceMs: number;
  readonly batchSize?: number;
}

/** How the listener's session shows in `pg_stat_activity`. */
export const LISTEN_APPLICATION_NAME = 'birth-lane listen';

/**
 * `birth-lane listen`: the listen channel until SIGTERM/SIGINT. Registering it loads commander
 * only; the channel, pg and the producer are loaded when the command runs.
 */
export function listenCommand(host: CommandHost): Command {
  return new Command('listen')
    .description(
      'the `listen` channel: inspect births as they are announced (LISTEN birth_lane_birth), one coalesced run at a time; catches up on start and after a reconnect; SIGTERM stops after the batch in flight',
    )
    .option(
      '--coalesce-ms <n>',
      'how long a first announcement waits for more before a run starts',
      wholeNumberFlag('--coalesce-ms', 1, 10_000),
      5,
    )
    .option(
      '--batch-size <n>',
      'initial rows per batch (adapted to stay inside the statement timeout)',
      wholeNumberFlag('--batch-size', 1, 50_000),
    )
    .action(async (flags: ListenFlags) => {
      // A malformed environment is refused (64) before anything is opened.
      host.settings();
      host.needsRole('birth_lane_producer');
      const [{ parseChannelSettings }, { ListenChannel, listenChannelSettingsSchema, pgListenPort }] =
        await Promise.all([import('@birth-lane/contract'), import('./index.js')]);
      const settings = parseChannelSettings('listen', listenChannelSettingsSchema, {
        coalesceMs: flags.coalesceMs,
        batchSize: flags.batchSize,
      });
      const { log } = host.standingOutput({ json: false, bindings: { channel: 'listen' } });
      const database = await host.openDatabase();
      try {
        const runner = await host.createProducer(database.pool);
        const channel = new ListenChannel(settings, {
          db: database.pool,
          logger: log,
          listen: pgListenPort({
            connectionString: database.url,
            applicationName: LISTEN_APPLICATION_NAME,
            sessionOptions: database.sessionOptions,
          }),
        });
        await host.runUntilSignalled(channel, runner, log);
        process.exitCode = 0;
      } finally {
        await database.close();
      }
    });
}
