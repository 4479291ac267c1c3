import { wholeNumberFlag as wholeNumber } from '@birth-lane/contract/cli';
import type { Command } from 'commander';
import type { AppConfig } from '../config.js';
import { errorContext } from '../errors/error-boundary.js';

export interface ListenCommandOptions {
  readonly coalesceMs: number;
  readonly batchSize?: number;
}

/** `birth-lane listen`: the listen channel until SIGTERM/SIGINT. */
export function registerListenCommand(program: Command): void {
  program
    .command('listen')
    .description(
      'the `listen` channel: inspect births as they are announced (LISTEN birth_lane_birth), one coalesced run at a time; catches up on start and after a reconnect; SIGTERM stops after the batch in flight',
    )
    .option(
      '--coalesce-ms <n>',
      'how long a first announcement waits for more before a run starts',
      wholeNumber('--coalesce-ms', 1, 10_000),
      5,
    )
    .option(
      '--batch-size <n>',
      'initial rows per batch (adapted to stay inside the statement timeout)',
      wholeNumber('--batch-size', 1, 50_000),
    )
    .action(async (options: ListenCommandOptions) => {
      const { loadConfig } = await import('../config.js');
      errorContext.needs = 'birth_lane_producer';
      process.exitCode = await listenCommand(loadConfig(), options);
    });
}

export async function listenCommand(config: AppConfig, options: ListenCommandOptions): Promise<number> {
  const [
    { createProducer },
    { ListenChannel },
    { runUntilSignalled },
    { dedicatedClientFactory },
    { openDatabase },
    { createLogger },
  ] = await Promise.all([
    import('@birth-lane/inspect-producer'),
    import('../channels/listen-channel.js'),
    import('../channels/until-signalled.js'),
    import('../database/dedicated-client.js'),
    import('../database/open-database.js'),
    import('../logging/logger.js'),
  ]);
  const log = createLogger(config, { channel: 'listen' });
  const database = await openDatabase(config);
  try {
    const runner = createProducer(database.pool, {
      concurrency: config.BIRTH_LANE_CONCURRENCY,
      statementTimeoutMs: config.BIRTH_LANE_STATEMENT_TIMEOUT_MS,
    });
    const channel = new ListenChannel({
      connect: dedicatedClientFactory(database.url, 'birth-lane listen'),
      db: database.pool,
      log,
      coalesceMs: options.coalesceMs,
      batchSize: options.batchSize,
    });
    await runUntilSignalled(channel, runner, log);
    return 0;
  } finally {
    await database.close();
  }
}
