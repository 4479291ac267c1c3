import { pgCronInstanceId, pgCronJobName } from './pg-cron-job-names.js';
import type { PgCronTarget } from './pg-cron-target.js';
import { BEAT_STOPPED_SQL, HEARTBEATS_PRESENT_SQL } from './sql/beat-pg-cron.js';
import { UNSCHEDULE_JOBS_NAMED_RETURNING_SQL } from './sql/schedule-job.js';

/**
 * Unschedules the lane's job and records the heartbeat as `stopped`. The procedures stay: they do
 * nothing unless called, and dropping them would leave the install ledger claiming they exist.
 * A run already in flight finishes its time budget (at most one call).
 */
export async function uninstallPgCronJob(
  target: PgCronTarget,
): Promise<{ readonly removedJobIds: string[] }> {
  const { rows } = await target.cron.query<{ jobid: string }>(UNSCHEDULE_JOBS_NAMED_RETURNING_SQL, [
    pgCronJobName(target.laneDatabase),
  ]);
  const { rows: lane } = await target.lane.query<{ present: boolean }>(HEARTBEATS_PRESENT_SQL);
  if (lane[0]?.present) await target.lane.query(BEAT_STOPPED_SQL, [pgCronInstanceId(target.laneDatabase)]);
  return { removedJobIds: rows.map((row) => row.jobid) };
}
