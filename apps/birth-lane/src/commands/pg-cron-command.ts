import type { Command } from 'commander';
import { errorContext } from '../errors/error-boundary.js';
import { PG_CRON_DEFAULTS } from '../pg-cron/pg-cron-defaults.js';

/** `birth-lane pg-cron install|uninstall|status`: the producer scheduled inside PostgreSQL. */
export function registerPgCronCommand(program: Command): void {
  const pgCron = program
    .command('pg-cron')
    .description(
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
      PG_CRON_DEFAULTS.schedule,
    )
    .option('--batch-size <n>', 'rows per batch (1 to 50000)', String(PG_CRON_DEFAULTS.batchSize))
    .option(
      '--time-budget-ms <ms>',
      'stop starting batches after this long; must stay 1000 ms under statement_timeout',
      String(PG_CRON_DEFAULTS.timeBudgetMs),
    )
    .option('--json', 'print the installed job as JSON')
    .action(
      async (options: { schedule: string; batchSize: string; timeBudgetMs: string; json?: boolean }) => {
        const { pgCronInstall } = await import('./pg-cron-actions.js');
        errorContext.needs = 'owner';
        process.exitCode = await pgCronInstall(options);
      },
    );

  pgCron
    .command('uninstall')
    .description('unschedule the pg_cron job (a run in flight finishes its time budget); the procedures stay')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      const { pgCronUninstall } = await import('./pg-cron-actions.js');
      errorContext.needs = 'owner';
      process.exitCode = await pgCronUninstall(options);
    });

  pgCron
    .command('status')
    .description("the pg_cron job, its last runs (cron.job_run_details) and the last 'pg-cron' run reports")
    .option('--json', 'print the status as JSON')
    .action(async (options: { json?: boolean }) => {
      const { pgCronStatus } = await import('./pg-cron-actions.js');
      errorContext.needs = 'birth_lane_reader';
      process.exitCode = await pgCronStatus(options);
    });
}
