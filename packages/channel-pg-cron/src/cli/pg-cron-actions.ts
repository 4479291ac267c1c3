/** The pg-cron commands' work, loaded only when one of them runs. */
import {
  BirthLaneError,
  EXIT_CODES,
  type ProducerRunner,
  parseChannelSettings,
  silentLogger,
  ValidationError,
} from '@birth-lane/contract';
import { CliError, type CommandHost, type HostDatabase } from '@birth-lane/contract/cli';
import { openDatabaseNamedFromUrl } from '../cron-database.js';
import { createPgCronChannel } from '../pg-cron-channel.js';
import { PG_CRON_SETTINGS_SUBJECT, pgCronSettingsSchema } from '../pg-cron-settings.js';
import { type PgCronTarget, resolvePgCronTarget } from '../pg-cron-target.js';
import { PgCronUnavailableError } from '../pg-cron-unavailable.js';
import { readPgCronStatus } from '../read-pg-cron-status.js';
import { uninstallPgCronJob } from '../uninstall-pg-cron-job.js';
import { formatPgCronStatus } from './format-pg-cron-status.js';

/** Which flag (or variable) sets each setting, so a refusal names what the person typed. */
const FLAG_OF: Record<string, string> = {
  schedule: '--schedule',
  batchSize: '--batch-size',
  timeBudgetMs: '--time-budget-ms',
  laneStatementTimeoutMs: 'BIRTH_LANE_STATEMENT_TIMEOUT_MS',
};

export async function pgCronInstall(
  host: CommandHost,
  flags: { schedule: string; batchSize: number; timeBudgetMs: number; json?: boolean },
): Promise<number> {
  const settings = asFlagErrors(() =>
    parseChannelSettings('pg-cron', pgCronSettingsSchema, {
      schedule: flags.schedule,
      batchSize: flags.batchSize,
      timeBudgetMs: flags.timeBudgetMs,
      laneStatementTimeoutMs: host.settings().statementTimeoutMs,
    }),
  );
  return withDatabase(host, async (database) => {
    const channel = createPgCronChannel(settings, {
      db: database.pool,
      logger: silentLogger,
      openDatabaseNamed: openDatabaseNamedFromUrl(database.url),
    });
    await asFlagErrors(() => channel.start(unusedRunner));
    const installed = channel.installation!;
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(installed)}\n`);
      return EXIT_CODES.completed;
    }
    process.stdout.write(
      `pg_cron job ${installed.jobName} (#${installed.jobId}) scheduled '${installed.schedule}' for database "${installed.laneDatabase}"` +
        ` (pg_cron ${installed.pgCronVersion}, jobs kept in "${installed.cronDatabase}"):\n  ${installed.command}\n` +
        `It inspects through birth_lane.inspect_batch, compiled for the active rule set ${installed.ruleSet.version} (${installed.ruleSet.hash.slice(0, 12)}…); ` +
        'an approved activation of another rule set recompiles it, so the job needs no reinstall.\n',
    );
    return EXIT_CODES.completed;
  });
}

export async function pgCronUninstall(host: CommandHost, options: { json?: boolean }): Promise<number> {
  return withTarget(host, async (target) => {
    const { removedJobIds } = await uninstallPgCronJob(target);
    if (options.json) process.stdout.write(`${JSON.stringify({ removedJobIds })}\n`);
    else if (removedJobIds.length === 0)
      process.stdout.write(`no pg_cron job for database "${target.laneDatabase}" was scheduled\n`);
    else process.stdout.write(`unscheduled pg_cron job #${removedJobIds.join(', #')}\n`);
    return EXIT_CODES.completed;
  });
}

export async function pgCronStatus(host: CommandHost, options: { json?: boolean }): Promise<number> {
  return withTarget(host, async (target) => {
    const status = await readPgCronStatus(target);
    process.stdout.write(options.json ? `${JSON.stringify(status)}\n` : `${formatPgCronStatus(status)}\n`);
    return EXIT_CODES.completed;
  });
}

/** The channel never calls its runner; `start` still takes one to fit the ProducerChannel port. */
const unusedRunner: ProducerRunner = {
  specificationVersion: 'v1',
  run: () => Promise.reject(new Error('the pg-cron channel runs the producer inside PostgreSQL')),
};

/**
 * Opens the host's database, runs `work`, and turns "pg_cron is unavailable" (exit 69) and "no
 * usable active rule set" (exit 2) into their exit codes with the explanation on stderr.
 */
async function withDatabase(
  host: CommandHost,
  work: (database: HostDatabase) => Promise<number>,
): Promise<number> {
  const database = await host.openDatabase();
  try {
    return await work(database);
  } catch (error) {
    if (PgCronUnavailableError.isInstance(error)) {
      throw new CliError('unavailable', `PG_CRON_UNAVAILABLE (${error.reason}): ${error.message}`, {
        cause: error,
      });
    }
    if (BirthLaneError.isInstance(error) && error.code === 'SOURCE_RECOVERY_REQUIRED') {
      process.stderr.write(`birth-lane: ${error.code}: ${error.message}\n`);
      return EXIT_CODES.source_recovery_required;
    }
    throw error;
  } finally {
    await database.close();
  }
}

/** The lane database and pg_cron's (when cron.database_name names another database of the server). */
function withTarget(host: CommandHost, work: (target: PgCronTarget) => Promise<number>): Promise<number> {
  return withDatabase(host, async (database) => {
    const target = await resolvePgCronTarget(database.pool, openDatabaseNamedFromUrl(database.url));
    try {
      return await work(target);
    } finally {
      await target.close();
    }
  });
}

/** Runs `work`; a refused setting is reported under the flag that set it. */
function asFlagErrors<T>(work: () => T): T {
  const rename = (error: unknown): never => {
    if (!ValidationError.isInstance(error) || error.subject !== PG_CRON_SETTINGS_SUBJECT) throw error;
    throw new ValidationError(
      'pg-cron install flags',
      error.issues.map((issue) => ({ ...issue, field: FLAG_OF[issue.field] ?? issue.field })),
      { cause: error },
    );
  };
  try {
    const result = work();
    return result instanceof Promise ? (result.catch(rename) as T) : result;
  } catch (error) {
    return rename(error);
  }
}
