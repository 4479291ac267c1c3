import { createProducer } from '@birth-lane/inspect-producer';
import { type Command, InvalidArgumentError } from 'commander';
import { ListenChannel } from '../channels/listen-channel.js';
import { runUntilSignalled } from '../channels/until-signalled.js';
import { type AppConfig, loadConfig } from '../config.js';
import { dedicatedClientFactory } from '../database/dedicated-client.js';
import { openDatabase } from '../database/open-database.js';
import { createLogger } from '../logging/logger.js';

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
      process.exitCode = await listenCommand(loadConfig(), options);
    });
}

export async function listenCommand(config: AppConfig, options: ListenCommandOptions): Promise<number> {
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

function wholeNumber(flag: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
    }
    return Number(value);
  };
}
