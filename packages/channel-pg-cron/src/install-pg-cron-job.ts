import { BirthLaneError, installSteps, withTransaction } from '@birth-lane/contract';
import { readInDatabaseInspection, whyJobStampsNothing } from './in-database-inspection.js';
import { pgCronCommand, pgCronInstanceId, pgCronJobName } from './pg-cron-job-names.js';
import { assertSettingsFitServer, type PgCronSettings } from './pg-cron-settings.js';
import { pgCronSteps } from './pg-cron-steps.js';
import type { PgCronTarget } from './pg-cron-target.js';
import { rehearse, scheduleJob } from './schedule-job.js';
import { BEAT_INSTALLED_SQL } from './sql/beat-pg-cron.js';
import { UNSCHEDULE_JOBS_NAMED_SQL } from './sql/schedule-job.js';

export interface PgCronInstallation {
  readonly jobId: string;
  readonly jobName: string;
  readonly schedule: string;
  readonly command: string;
  readonly cronDatabase: string;
  readonly laneDatabase: string;
  readonly pgCronVersion: string;
  /** The active rule set the job's inspection is compiled for. */
  readonly ruleSet: { readonly version: string; readonly hash: string };
  /** Install steps applied now (empty when the wrapper was already installed). */
  readonly applied: readonly string[];
}

/**
 * Installs the heartbeat wrapper and schedules (or reschedules) the lane's one pg_cron job.
 * Idempotent: running it again replaces the job. The job judges through birth_lane.inspect_batch,
 * which every approved rule-set activation recompiles, so it never needs reinstalling for a new
 * rule set. Refuses, scheduling nothing, when the settings cannot fit the server or the job would
 * stamp nothing (no active rule set, or an inspection compiled for another one).
 */
export async function installPgCronJob(
  target: PgCronTarget,
  settings: PgCronSettings,
): Promise<PgCronInstallation> {
  assertSettingsFitServer(settings, target);
  const inspection = await readInDatabaseInspection(target.lane);
  const refusal = whyJobStampsNothing(inspection);
  if (refusal !== null || !inspection.activeRuleSet.ok) {
    throw new BirthLaneError(
      'SOURCE_RECOVERY_REQUIRED',
      `No usable active rule set in database "${target.laneDatabase}": ${refusal}. ` +
        'Activate a rule set first (it needs a rule_set_activation approval: see `birth-lane install` and `birth-lane rules activate`), then install the pg-cron job again. Nothing was scheduled.',
    );
  }
  const jobName = pgCronJobName(target.laneDatabase);
  const command = pgCronCommand(settings);
  // pg_cron's own parser judges the schedule before anything is installed or scheduled.
  await rehearse(target.cron, (connection) =>
    scheduleJob(connection, target, {
      name: 'birth-lane-schedule-check',
      schedule: settings.schedule,
      command: 'select 1',
    }),
  );
  const { applied } = await installSteps(target.lane, pgCronSteps);

  const jobId = await withTransaction(target.cron, async (connection) => {
    await connection.query(UNSCHEDULE_JOBS_NAMED_SQL, [jobName]);
    return scheduleJob(connection, target, { name: jobName, schedule: settings.schedule, command });
  });

  const detail = {
    jobId,
    jobName,
    cronDatabase: target.cronDatabase,
    schedule: settings.schedule,
    batchSize: settings.batchSize,
    timeBudgetMs: settings.timeBudgetMs,
  };
  await target.lane.query(BEAT_INSTALLED_SQL, [
    pgCronInstanceId(target.laneDatabase),
    JSON.stringify(detail),
  ]);
  return {
    jobId,
    jobName,
    schedule: settings.schedule,
    command,
    cronDatabase: target.cronDatabase,
    laneDatabase: target.laneDatabase,
    pgCronVersion: target.pgCronVersion,
    ruleSet: { version: inspection.activeRuleSet.version, hash: inspection.activeRuleSet.hash },
    applied,
  };
}
