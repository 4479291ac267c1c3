import { type CommandHost, wholeNumberFlag } from '@birth-lane/contract/cli';
import { Command } from 'commander';
import { refuseFlag } from './invalid-flag.js';

interface ScheduleFlags {
  readonly cron: string;
  readonly tz: string;
  readonly maxRows?: number;
  readonly batchSize?: number;
  readonly maxRunMinutes: number;
  readonly json?: boolean;
}

/** `birth-lane schedule --cron <expression>`: the schedule channel until SIGTERM/SIGINT. */
export function scheduleCommand(host: CommandHost): Command {
  return new Command('schedule')
    .description(
      'the `schedule` channel: run the producer on a cron expression kept in PostgreSQL (pg-boss, schema pgboss); start it on as many hosts as you like, each tick runs once; SIGTERM stops after the batch in flight',
    )
    .requiredOption(
      '--cron <expression>',
      'five-field cron expression, e.g. "*/5 * * * *" (at most once a minute)',
    )
    .option('--tz <zone>', 'IANA time zone the expression is read in', 'UTC')
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
    .action(async (flags: ScheduleFlags, command: Command) => {
      const [library, { parseChannelSettings }] = await Promise.all([
        import('../index.js'),
        import('@birth-lane/contract'),
      ]);
      const settings = {
        cron: flags.cron,
        timeZone: flags.tz,
        maxRows: flags.maxRows,
        batchSize: flags.batchSize,
        runBudgetSeconds: flags.maxRunMinutes * 60,
      };
      // The expression and the zone are checked here, not by commander's parsers: the check needs
      // cron-parser, which `birth-lane --help` must not load. The words are those of a parser.
      const checked = library.scheduleChannelSettingsSchema.safeParse(settings);
      const problem = (field: string) => checked.error?.issues.find((issue) => issue.path[0] === field);
      const cronProblem = problem('cron');
      if (cronProblem)
        refuseFlag(command, '--cron', flags.cron, `--cron ${cronProblem.message}, got "${flags.cron}"`);
      const zoneProblem = problem('timeZone');
      if (zoneProblem) refuseFlag(command, '--tz', flags.tz, `--tz ${zoneProblem.message}`);
      // Anything else the flags' own parsers let through is refused here, naming the setting.
      parseChannelSettings('schedule', library.scheduleChannelSettingsSchema, settings);

      host.needsRole('birth_lane_producer');
      const output = host.standingOutput({ json: flags.json === true, bindings: { channel: 'schedule' } });
      const database = await host.openDatabase();
      try {
        const runner = await host.createProducer(database.pool);
        const channel = library.createScheduleChannel(settings, {
          db: database.pool,
          logger: output.log,
          connectionString: database.url,
          sessionOptions: database.sessionOptions,
          onReport: (report) => output.report(report),
        });
        await host.runUntilSignalled(channel, runner, output.log);
        process.exitCode = 0;
      } finally {
        await database.close();
      }
    });
}
