import { BirthLaneError, type RunReport, runReportSchema } from '@birth-lane/contract';
import { readInDatabaseInspection } from './in-database-inspection.js';
import { pgCronInstanceId, pgCronJobName } from './pg-cron-job-names.js';
import type { PgCronTarget } from './pg-cron-target.js';
import {
  type HeartbeatRow,
  type JobRow,
  type JobRunRow,
  LANE_INSTALLED_SQL,
  READ_HEARTBEAT_SQL,
  READ_JOB_RUNS_SQL,
  READ_JOBS_SQL,
  READ_RUN_REPORTS_SQL,
} from './sql/read-pg-cron-status.js';

export interface PgCronJob {
  readonly jobId: string;
  readonly jobName: string;
  readonly schedule: string;
  readonly command: string;
  readonly database: string;
  readonly username: string;
  readonly active: boolean;
}

export interface PgCronJobRun {
  readonly runId: string;
  readonly jobId: string;
  readonly status: string;
  readonly returnMessage: string | null;
  readonly startTime: Date | null;
  readonly endTime: Date | null;
}

export interface PgCronStatus {
  readonly pgCronVersion: string;
  readonly cronDatabase: string;
  readonly laneDatabase: string;
  readonly jobs: readonly PgCronJob[];
  /** Newest first, from cron.job_run_details. */
  readonly jobRuns: readonly PgCronJobRun[];
  readonly activeRuleSet: { readonly version: string; readonly hash: string } | { readonly error: string };
  /** The rule set birth_lane.inspect_batch is compiled for (version null: none compiled yet). */
  readonly inspectionCompiledFor: { readonly version: string | null; readonly hash: string | null };
  /** Whether the compiled inspection is the active rule set's; false means the job stamps nothing. */
  readonly inspectionMatchesActiveRuleSet: boolean;
  readonly heartbeat: {
    readonly state: string;
    readonly beatAt: Date;
    readonly lastRunId: string | null;
  } | null;
  /** The last run reports with channel 'pg-cron' from the evidence log, newest first. */
  readonly runReports: readonly RunReport[];
}

/** The lane's pg_cron job, its last runs as pg_cron saw them, and the run reports they appended. */
export async function readPgCronStatus(
  target: PgCronTarget,
  options: { limit?: number } = {},
): Promise<PgCronStatus> {
  const limit = options.limit ?? 5;
  const { rows: lane } = await target.lane.query<{ installed: boolean }>(LANE_INSTALLED_SQL);
  if (!lane[0]?.installed) {
    throw new BirthLaneError(
      'CONFIGURATION_INVALID',
      `The lane is not installed in database "${target.laneDatabase}": run \`birth-lane install\` first.`,
    );
  }
  const { rows: jobs } = await target.cron.query<JobRow>(READ_JOBS_SQL, [pgCronJobName(target.laneDatabase)]);
  const { rows: runs } = await target.cron.query<JobRunRow>(READ_JOB_RUNS_SQL, [
    jobs.map((job) => job.jobid),
    limit,
  ]);
  const inspection = await readInDatabaseInspection(target.lane);
  const { rows: beats } = await target.lane.query<HeartbeatRow>(READ_HEARTBEAT_SQL, [
    pgCronInstanceId(target.laneDatabase),
  ]);
  const { rows: reports } = await target.lane.query<{ payload: { report: unknown } }>(READ_RUN_REPORTS_SQL, [
    limit,
  ]);
  const beat = beats[0];
  const active = inspection.activeRuleSet;
  return {
    pgCronVersion: target.pgCronVersion,
    cronDatabase: target.cronDatabase,
    laneDatabase: target.laneDatabase,
    jobs: jobs.map((job) => ({
      jobId: job.jobid,
      jobName: job.jobname,
      schedule: job.schedule,
      command: job.command,
      database: job.database,
      username: job.username,
      active: job.active,
    })),
    jobRuns: runs.map((run) => ({
      runId: run.runid,
      jobId: run.jobid,
      status: run.status,
      returnMessage: run.return_message,
      startTime: run.start_time,
      endTime: run.end_time,
    })),
    activeRuleSet: active.ok ? { version: active.version, hash: active.hash } : { error: active.reason },
    inspectionCompiledFor: inspection.compiledFor,
    inspectionMatchesActiveRuleSet: inspection.matchesActiveRuleSet,
    heartbeat: beat ? { state: beat.state, beatAt: beat.beat_at, lastRunId: beat.last_run_id } : null,
    runReports: reports.map((row) => runReportSchema.parse(row.payload.report)),
  };
}
