/**
 * `@birth-lane/channel-pg-cron/cli`: the channel's command line, `pg-cron install|uninstall|status`,
 * for an app to add to its program (`program.addCommand(pgCronCommand(host))`). Importing it loads
 * only commander, the contract's command-line helpers and the defaults: each action loads the
 * library (zod, pg) when it runs, so `--help` and other commands stay fast.
 */
import { type CommandHost, wholeNumberFlag } from '@birth-lane/contract/cli';
import { Command, InvalidArgumentError } from 'commander';
import { BATCH_SIZE_LIMITS, PG_CRON_DEFAULTS, TIME_BUDGET_LIMITS } from './pg-cron-defaults.js';
import { isScheduleShape, normaliseSchedule, SCHEDULE_RULE_MESSAGE } from './pg-cron-schedule.js';

/** `--schedule`: normalised and shape-checked here; pg_cron's own parser judges it at install. */
function scheduleFlag(value: string): string {
  const schedule = normaliseSchedule(value);
  if (!isScheduleShape(schedule)) throw new InvalidArgumentError(`--schedule ${SCHEDULE_RULE_MESSAGE}`);
  return schedule;
}

/** `pg-cron install|uninstall|status`: the producer scheduled inside PostgreSQL. */
export function pgCronCommand(host: CommandHost): Command {
  const pgCron = new Command('pg-cron').description(
    'the pg-cron channel: PostgreSQL runs the producer on a schedule (pg_cron), no Node process',
  );

  pgCron
    .command('install')
    .description(
      'install the pg_cron entry point and (re)schedule the producer job; it follows every approved rule-set activation without a reinstall',
    )
    .option(
      '--schedule <cron>',
      "pg_cron schedule: five cron fields, or 'N seconds' with pg_cron 1.5+",
      scheduleFlag,
      PG_CRON_DEFAULTS.schedule,
    )
    .option(
      '--batch-size <n>',
      `rows per batch (${BATCH_SIZE_LIMITS.min} to ${BATCH_SIZE_LIMITS.max})`,
      wholeNumberFlag('--batch-size', BATCH_SIZE_LIMITS.min, BATCH_SIZE_LIMITS.max),
      PG_CRON_DEFAULTS.batchSize,
    )
    .option(
      '--time-budget-ms <ms>',
      'stop starting batches after this long; must stay 1000 ms under statement_timeout',
      wholeNumberFlag('--time-budget-ms', TIME_BUDGET_LIMITS.min, TIME_BUDGET_LIMITS.max),
      PG_CRON_DEFAULTS.timeBudgetMs,
    )
    .option('--json', 'print the installed job as JSON')
    .action(
      async (options: { schedule: string; batchSize: number; timeBudgetMs: number; json?: boolean }) => {
        host.needsRole('owner');
        const { pgCronInstall } = await import('./cli/pg-cron-actions.js');
        process.exitCode = await pgCronInstall(host, options);
      },
    );

  pgCron
    .command('uninstall')
    .description('unschedule the pg_cron job (a run in flight finishes its time budget); the procedures stay')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      host.needsRole('owner');
      const { pgCronUninstall } = await import('./cli/pg-cron-actions.js');
      process.exitCode = await pgCronUninstall(host, options);
    });

  pgCron
    .command('status')
    .description("the pg_cron job, its last runs (cron.job_run_details) and the last 'pg-cron' run reports")
    .option('--json', 'print the status as JSON')
    .action(async (options: { json?: boolean }) => {
      host.needsRole('birth_lane_reader');
      const { pgCronStatus } = await import('./cli/pg-cron-actions.js');
      process.exitCode = await pgCronStatus(host, options);
    });

  return pgCron;
}
