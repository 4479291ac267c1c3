/** The pg-cron commands' work, loaded only when one of them runs. */
import { BirthLaneError, EXIT_CODES } from '@birth-lane/contract';
import pg from 'pg';
import { PgCronChannel } from '../channels/pg-cron-channel.js';
import { type AppConfig, loadConfig } from '../config.js';
import { openDatabase } from '../database/open-database.js';
import { LANE_SESSION_OPTIONS } from '../database/session-options.js';
import { type PgCronStatus, readPgCronStatus, uninstallPgCronJob } from '../pg-cron/pg-cron-job.js';
import { parsePgCronFlags } from '../pg-cron/pg-cron-settings.js';
import {
  PG_CRON_UNAVAILABLE_EXIT_CODE,
  type PgCronTarget,
  PgCronUnavailableError,
  resolvePgCronTarget,
} from '../pg-cron/pg-cron-target.js';
import { formatAge } from '../status/format-status.js';

export async function pgCronInstall(options: {
  schedule: string;
  batchSize: string;
  timeBudgetMs: string;
  json?: boolean;
}): Promise<number> {
  const config = loadConfig();
  const settings = {
    ...parsePgCronFlags(options),
    laneStatementTimeoutMs: config.BIRTH_LANE_STATEMENT_TIMEOUT_MS,
  };
  return withPgCronTarget(config, async (target) => {
    const channel = new PgCronChannel(target, settings);
    await channel.start(unusedRunner);
    const installed = channel.installation!;
    if (options.json) {
      process.stdout.write(`${JSON.stringify(installed)}\n`);
      return EXIT_CODES.completed;
    }
    process.stdout.write(
      `pg_cron job ${installed.jobName} (#${installed.jobId}) scheduled '${installed.schedule}' for database "${installed.laneDatabase}"` +
        ` (pg_cron ${target.pgCronVersion}, jobs kept in "${installed.cronDatabase}"):\n  ${installed.command}\n` +
        `It inspects through birth_lane.inspect_batch, compiled for the active rule set ${installed.ruleSet.version} (${installed.ruleSet.hash.slice(0, 12)}…); ` +
        'an approved activation of another rule set recompiles it, so the job needs no reinstall.\n',
    );
    return EXIT_CODES.completed;
  });
}

export async function pgCronUninstall(options: { json?: boolean }): Promise<number> {
  return withPgCronTarget(loadConfig(), async (target) => {
    const { removedJobIds } = await uninstallPgCronJob(target);
    if (options.json) process.stdout.write(`${JSON.stringify({ removedJobIds })}\n`);
    else if (removedJobIds.length === 0)
      process.stdout.write(`no pg_cron job for database "${target.laneDatabase}" was scheduled\n`);
    else process.stdout.write(`unscheduled pg_cron job #${removedJobIds.join(', #')}\n`);
    return EXIT_CODES.completed;
  });
}

export async function pgCronStatus(options: { json?: boolean }): Promise<number> {
  return withPgCronTarget(loadConfig(), async (target) => {
    const status = await readPgCronStatus(target);
    process.stdout.write(options.json ? `${JSON.stringify(status)}\n` : `${formatPgCronStatus(status)}\n`);
    return EXIT_CODES.completed;
  });
}

/** The channel never calls its runner; `start` still takes one to fit the ProducerChannel port. */
const unusedRunner = {
  specificationVersion: 'v1' as const,
  run: () => Promise.reject(new Error('the pg-cron channel runs the producer inside PostgreSQL')),
};

/**
 * Opens the lane database (and pg_cron's, when cron.database_name names another database of the
 * same server), runs `work`, and turns "pg_cron is unavailable" and "no active rule set" into
 * their own exit codes with the explanation on stderr.
 */
async function withPgCronTarget(
  config: AppConfig,
  work: (target: PgCronTarget) => Promise<number>,
): Promise<number> {
  const database = await openDatabase(config, { poolSize: 2 });
  try {
    const target = await resolvePgCronTarget(database.pool, async (name) => {
      const pool = new pg.Pool({
        connectionString: urlForDatabase(database.url, name),
        max: 2,
        options: LANE_SESSION_OPTIONS,
      });
      return { db: pool, close: () => pool.end() };
    });
    try {
      return await work(target);
    } finally {
      await target.close();
    }
  } catch (error) {
    if (PgCronUnavailableError.isInstance(error)) {
      process.stderr.write(`birth-lane: PG_CRON_UNAVAILABLE (${error.reason}): ${error.message}\n`);
      return PG_CRON_UNAVAILABLE_EXIT_CODE;
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

/** The same server and credentials, another database: where pg_cron keeps its jobs. */
export function urlForDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

export function formatPgCronStatus(status: PgCronStatus): string {
  const lines = [
    `pg_cron       ${status.pgCronVersion}, jobs kept in database "${status.cronDatabase}"; lane database "${status.laneDatabase}"`,
  ];
  if (status.jobs.length === 0) lines.push('job           none scheduled (run `birth-lane pg-cron install`)');
  for (const job of status.jobs) {
    lines.push(
      `job           #${job.jobId} ${job.jobName} '${job.schedule}' ${job.active ? 'active' : 'INACTIVE'}, as ${job.username} in "${job.database}"`,
      `              ${job.command}`,
    );
  }
  const ruleSet = status.activeRuleSet;
  const compiled = status.inspectionCompiledFor;
  const inspection =
    compiled.version === null
      ? 'NOT COMPILED: no rule set has been activated; the job stamps nothing'
      : status.inspectionMatchesActiveRuleSet
        ? `compiled for the active rule set (${compiled.version})`
        : `STALE: compiled for rule set ${compiled.version}, not the active one; the job stamps nothing until a rule set is activated with an approval`;
  lines.push(
    'error' in ruleSet
      ? `rule set      NONE ACTIVE: ${ruleSet.error}`
      : `rule set      ${ruleSet.version} (${ruleSet.hash.slice(0, 12)}…)`,
    `inspection    ${inspection}`,
  );
  const beat = status.heartbeat;
  lines.push(
    beat === null
      ? 'heartbeat     none yet'
      : `heartbeat     ${beat.state}, beat ${formatAge((Date.now() - beat.beatAt.getTime()) / 1000)} ago`,
  );
  lines.push(
    `job runs      ${status.jobRuns.length === 0 ? 'none yet' : '(cron.job_run_details, newest first)'}`,
  );
  for (const run of status.jobRuns) {
    const took =
      run.startTime && run.endTime
        ? ` in ${((run.endTime.getTime() - run.startTime.getTime()) / 1000).toFixed(1)}s`
        : '';
    lines.push(
      `  ${run.startTime?.toISOString() ?? '(not started)'} ${run.status}${took}${run.returnMessage ? `: ${run.returnMessage}` : ''}`,
    );
  }
  lines.push(
    `run reports   ${status.runReports.length === 0 ? 'none yet' : "(evidence, channel 'pg-cron', newest first)"}`,
  );
  for (const run of status.runReports) {
    lines.push(
      `  ${run.endedAt.toISOString()} ${run.outcome.padEnd(10)} scanned ${run.scanned}, passed ${run.passed.pen}/${run.passed.stamp}/${run.passed.gate}, ` +
        `failed ${run.failed.pen}/${run.failed.stamp}/${run.failed.gate}${run.detail ? ` (${run.detail})` : ''}`,
    );
  }
  return lines.join('\n');
}
