import { wholeNumberFlag } from '@birth-lane/contract/cli';
import { type Command, InvalidArgumentError } from 'commander';
import type { AppConfig } from '../config.js';
import { errorContext } from '../errors/error-boundary.js';
import { cronExpressionIssue, timeZoneIssue } from '../jobs/cron-expression.js';

export interface ScheduleCommandOptions {
  readonly cron: string;
  readonly tz: string;
  readonly maxRows?: number;
  readonly batchSize?: number;
  readonly maxRunMinutes: number;
  readonly json?: boolean;
}

/** `birth-lane schedule --cron <expression>`: the schedule channel until SIGTERM/SIGINT. */
export function registerScheduleCommand(program: Command): void {
  program
    .command('schedule')
    .description(
      'the `schedule` channel: run the producer on a cron expression kept in PostgreSQL (pg-boss, schema pgboss); start it on as many hosts as you like, each tick runs once; SIGTERM stops after the batch in flight',
    )
    .requiredOption(
      '--cron <expression>',
      'five-field cron expression, e.g. "*/5 * * * *" (at most once a minute)',
      cronFlag,
    )
    .option('--tz <zone>', 'IANA time zone the expression is read in', zoneFlag, 'UTC')
    .option(
      '--max-rows <n>',
      'each run stops after this many rows',
      wholeNumberFlag('--max-rows', 1, Number.MAX_SAFE_INTEGER),
    )
    .option(
      '--batch-size <n>',
      'initial rows per batch (adapted to stay inside the statement timeout)',
      wholeNumberFlag('--batch-size', 1, 50_000),
    )
    .option(
      '--max-run-minutes <n>',
      'a run stops after this long (after its batch in flight); the next tick carries on',
      wholeNumberFlag('--max-run-minutes', 1, 1380),
      14,
    )
    .option('--json', 'print each run report as one JSON line on stdout (logs go to stderr)')
    .action(async (options: ScheduleCommandOptions) => {
      const { loadConfig } = await import('../config.js');
      errorContext.needs = 'birth_lane_producer';
      process.exitCode = await scheduleCommand(loadConfig(), options);
    });
}

export async function scheduleCommand(config: AppConfig, options: ScheduleCommandOptions): Promise<number> {
  const [
    { createProducer },
    { ScheduleChannel },
    { runUntilSignalled },
    { openDatabase },
    { standingOutput },
  ] = await Promise.all([
    import('@birth-lane/inspect-producer'),
    import('../channels/schedule-channel.js'),
    import('../channels/until-signalled.js'),
    import('../database/open-database.js'),
    import('./standing-output.js'),
  ]);
  const output = standingOutput(config, options.json === true, { channel: 'schedule' });
  const { log } = output;
  const database = await openDatabase(config);
  // A standing process outlives database restarts: a dropped idle connection is logged, not fatal.
  database.pool.on('error', (error) => log.warn({ err: error }, 'idle database connection lost'));
  try {
    const runner = createProducer(database.pool, {
      concurrency: config.BIRTH_LANE_CONCURRENCY,
      statementTimeoutMs: config.BIRTH_LANE_STATEMENT_TIMEOUT_MS,
    });
    const channel = new ScheduleChannel(
      {
        cron: options.cron,
        timeZone: options.tz,
        maxRows: options.maxRows,
        batchSize: options.batchSize,
        runBudgetSeconds: options.maxRunMinutes * 60,
      },
      { db: database.pool, connectionString: database.url, log, onReport: output.report },
    );
    await runUntilSignalled(channel, runner, log);
    return 0;
  } finally {
    await database.close();
  }
}

function cronFlag(value: string): string {
  const issue = cronExpressionIssue(value);
  if (issue) throw new InvalidArgumentError(`--cron ${issue}, got "${value}"`);
  return value.trim();
}

function zoneFlag(value: string): string {
  const issue = timeZoneIssue(value);
  if (issue) throw new InvalidArgumentError(`--tz ${issue}`);
  return value;
}
