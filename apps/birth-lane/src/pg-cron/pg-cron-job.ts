import {
  BirthLaneError,
  type Database,
  installSteps,
  type Queryable,
  type RunReport,
  runReportSchema,
  sqlStateOf,
  ValidationError,
  withTransaction,
} from '@birth-lane/contract';
import { loadActiveRuleSet } from '@birth-lane/inspect-producer';
import {
  assertSettingsFitServer,
  type PgCronJobSettings,
  pgCronCommand,
  pgCronJobName,
} from './pg-cron-settings.js';
import { pgCronSteps } from './pg-cron-steps.js';
import type { PgCronTarget } from './pg-cron-target.js';

/** PostgreSQL's invalid_parameter_value, which pg_cron raises for a schedule it cannot parse. */
const INVALID_PARAMETER_VALUE = '22023';

/** The heartbeat row of a lane database's pg_cron job (the wrapper procedure writes the same id). */
export function pgCronInstanceId(laneDatabase: string): string {
  return `pg-cron@${laneDatabase}`;
}

export interface PgCronInstallation {
  readonly jobId: string;
  readonly jobName: string;
  readonly schedule: string;
  readonly command: string;
  readonly cronDatabase: string;
  readonly laneDatabase: string;
  readonly ruleSet: { readonly version: string; readonly hash: string };
  /** Install steps applied now (empty when the wrapper was already installed). */
  readonly applied: readonly string[];
}

/**
 * Installs the heartbeat wrapper and schedules (or reschedules) the lane's one pg_cron job.
 * Idempotent: running it again replaces the job. The job judges through birth_lane.inspect_batch,
 * which every approved rule-set activation recompiles, so it never needs reinstalling for a new
 * rule set. Refuses, scheduling nothing, when no rule set is active or the settings cannot fit
 * the server.
 */
export async function installPgCronJob(
  target: PgCronTarget,
  settings: PgCronJobSettings,
): Promise<PgCronInstallation> {
  assertSettingsFitServer(settings, target);
  const active = await loadActiveRuleSet(target.lane);
  if (!active.ok) {
    throw new BirthLaneError(
      'SOURCE_RECOVERY_REQUIRED',
      `No usable active rule set in database "${target.laneDatabase}": ${active.reason}. ` +
        'Activate a rule set first (it needs a rule_set_activation approval: see `birth-lane install` and `birth-lane rules activate`), then install the pg-cron job again. Nothing was scheduled.',
    );
  }
  // pg_cron's own parser judges the schedule before anything is compiled or scheduled.
  await rehearse(target.cron, (connection) =>
    scheduleJob(connection, target, settings.schedule, 'birth-lane-schedule-check', 'select 1'),
  );
  const { applied } = await installSteps(target.lane, pgCronSteps);

  const jobName = pgCronJobName(target.laneDatabase);
  const command = pgCronCommand(settings);
  const jobId = await withTransaction(target.cron, async (connection) => {
    // pg_cron 1.4's upsert by name keeps a job's old database, so replace the job instead. Any
    // role's job of this name goes (a superuser may have moved it with cron.alter_job); others'
    // jobs are invisible to a non-superuser anyway (row-level security on cron.job).
    await connection.query('select cron.unschedule(jobid) from cron.job where jobname = $1::text', [jobName]);
    return scheduleJob(connection, target, settings.schedule, jobName, command);
  });

  const detail = {
    jobId,
    jobName,
    cronDatabase: target.cronDatabase,
    schedule: settings.schedule,
    batchSize: settings.batchSize,
    timeBudgetMs: settings.timeBudgetMs,
  };
  // Standing from now on; a run in flight keeps its `running` beat.
  // A null state keeps `running`, otherwise idle; birth_lane.beat sets the time and the login.
  await target.lane.query(
    "select birth_lane.beat($1::text, 'pg-cron', 'pg_cron', 0, null::text, null::uuid, $2::jsonb)",
    [pgCronInstanceId(target.laneDatabase), JSON.stringify(detail)],
  );
  return {
    jobId,
    jobName,
    schedule: settings.schedule,
    command,
    cronDatabase: target.cronDatabase,
    laneDatabase: target.laneDatabase,
    ruleSet: { version: active.ruleSet.version, hash: active.hash },
    applied,
  };
}

/** Runs `work` inside BEGIN … ROLLBACK: whatever it did is undone, its errors still surface. */
async function rehearse(db: Database, work: (connection: Queryable) => Promise<unknown>): Promise<void> {
  const connection = await db.connect();
  let broken: Error | undefined;
  try {
    await connection.query('begin');
    await work(connection);
  } finally {
    await connection.query('rollback').catch((error: Error) => {
      broken = error;
    });
    connection.release(broken);
  }
}

/** Schedules `command` for the lane database; a schedule pg_cron cannot parse is a flag error. */
async function scheduleJob(
  connection: Queryable,
  target: PgCronTarget,
  schedule: string,
  jobName: string,
  command: string,
): Promise<string> {
  try {
    const { rows } =
      target.cronDatabase === target.laneDatabase
        ? await connection.query<{ jobid: string }>(
            'select cron.schedule($1::text, $2::text, $3::text)::text as jobid',
            [jobName, schedule, command],
          )
        : await connection.query<{ jobid: string }>(
            'select cron.schedule_in_database($1::text, $2::text, $3::text, $4::text)::text as jobid',
            [jobName, schedule, command, target.laneDatabase],
          );
    return rows[0]!.jobid;
  } catch (error) {
    if (sqlStateOf(error) !== INVALID_PARAMETER_VALUE) throw error;
    throw new ValidationError(
      'pg-cron install flags',
      [
        {
          field: '--schedule',
          rule: 'cron_schedule',
          message: `pg_cron ${target.pgCronVersion} rejected '${schedule}': ${(error as Error).message}`,
        },
      ],
      { cause: error },
    );
  }
}

/**
 * Unschedules the lane's job and records the heartbeat as `stopped`. The procedures stay: they do
 * nothing unless called, and dropping them would leave the install ledger claiming they exist.
 * A run already in flight finishes its time budget (at most one call).
 */
export async function uninstallPgCronJob(
  target: PgCronTarget,
): Promise<{ readonly removedJobIds: string[] }> {
  // In the select list, not the WHERE clause, so only the rows that matched are unscheduled.
  const { rows } = await target.cron.query<{ jobid: string }>(
    `select jobid::text as jobid, cron.unschedule(jobid) as removed
       from (select jobid from cron.job where jobname = $1::text) as ours`,
    [pgCronJobName(target.laneDatabase)],
  );
  const { rows: lane } = await target.lane.query<{ present: boolean }>(
    "select to_regclass('birth_lane.producer_heartbeats') is not null as present",
  );
  if (lane[0]?.present) {
    await target.lane.query(
      `select birth_lane.beat(h.instance_id, 'pg-cron', null::text, null::integer, 'stopped', null::uuid, null::jsonb)
         from birth_lane.producer_heartbeats h where h.instance_id = $1::text`,
      [pgCronInstanceId(target.laneDatabase)],
    );
  }
  return { removedJobIds: rows.map((row) => row.jobid) };
}

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
  const { rows: lane } = await target.lane.query<{ installed: boolean }>(
    "select to_regclass('birth_lane.applied_steps') is not null and to_regclass('birth_lane.producer_heartbeats') is not null as installed",
  );
  if (!lane[0]?.installed) {
    throw new BirthLaneError(
      'CONFIGURATION_INVALID',
      `The lane is not installed in database "${target.laneDatabase}": run \`birth-lane install\` first.`,
    );
  }
  const { rows: jobs } = await target.cron.query<{
    jobid: string;
    jobname: string;
    schedule: string;
    command: string;
    database: string;
    username: string;
    active: boolean;
  }>(
    `select jobid::text as jobid, jobname::text as jobname, schedule, command, database, username, active
       from cron.job where jobname = $1::text order by cron.job.jobid`,
    [pgCronJobName(target.laneDatabase)],
  );
  const { rows: runs } = await target.cron.query<{
    runid: string;
    jobid: string;
    status: string;
    return_message: string | null;
    start_time: Date | null;
    end_time: Date | null;
  }>(
    `select runid::text as runid, jobid::text as jobid, status, return_message, start_time, end_time
       from cron.job_run_details d where d.jobid = any($1::bigint[]) order by d.runid desc limit $2::int`,
    [jobs.map((job) => job.jobid), limit],
  );

  const active = await loadActiveRuleSet(target.lane);
  const { rows: compiled } = await target.lane.query<{ version: string | null; hash: string | null }>(
    'select version, hash from birth_lane.compiled_rule_set()',
  );
  const inspectionCompiledFor = compiled[0] ?? { version: null, hash: null };
  const inspectionMatchesActiveRuleSet = active.ok && inspectionCompiledFor.hash === active.hash;

  const { rows: beats } = await target.lane.query<{
    state: string;
    beat_at: Date;
    last_run_id: string | null;
  }>('select state, beat_at, last_run_id from birth_lane.producer_heartbeats where instance_id = $1::text', [
    pgCronInstanceId(target.laneDatabase),
  ]);
  const { rows: reports } = await target.lane.query<{ payload: { report: unknown } }>(
    `select payload from birth_lane.evidence
      where kind = 'run_report' and payload -> 'report' ->> 'channel' = 'pg-cron'
      order by recorded_at desc, id desc limit $1::int`,
    [limit],
  );
  const beat = beats[0];
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
    activeRuleSet: active.ok
      ? { version: active.ruleSet.version, hash: active.hash }
      : { error: active.reason },
    inspectionCompiledFor,
    inspectionMatchesActiveRuleSet,
    heartbeat: beat ? { state: beat.state, beatAt: beat.beat_at, lastRunId: beat.last_run_id } : null,
    runReports: reports.map((row) => runReportSchema.parse(row.payload.report)),
  };
}
