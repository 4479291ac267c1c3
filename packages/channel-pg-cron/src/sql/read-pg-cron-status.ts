/** Whether the install ledger and the heartbeat table are there: the lane is installed. */
export const LANE_INSTALLED_SQL =
  "select to_regclass('birth_lane.applied_steps') is not null and to_regclass('birth_lane.producer_heartbeats') is not null as installed";

/** The lane's jobs by name. Parameter: job name. */
export const READ_JOBS_SQL = `select jobid::text as jobid, jobname::text as jobname, schedule, command, database, username, active
   from cron.job where jobname = $1::text order by cron.job.jobid`;

export interface JobRow {
  jobid: string;
  jobname: string;
  schedule: string;
  command: string;
  database: string;
  username: string;
  active: boolean;
}

/** The newest runs of those jobs as pg_cron saw them. Parameters: job ids, limit. */
export const READ_JOB_RUNS_SQL = `select runid::text as runid, jobid::text as jobid, status, return_message, start_time, end_time
   from cron.job_run_details d where d.jobid = any($1::bigint[]) order by d.runid desc limit $2::int`;

export interface JobRunRow {
  runid: string;
  jobid: string;
  status: string;
  return_message: string | null;
  start_time: Date | null;
  end_time: Date | null;
}

/** The job's heartbeat. Parameter: instance id. */
export const READ_HEARTBEAT_SQL =
  'select state, beat_at, last_run_id from birth_lane.producer_heartbeats where instance_id = $1::text';

export interface HeartbeatRow {
  state: string;
  beat_at: Date;
  last_run_id: string | null;
}

/** The newest run reports of channel 'pg-cron' in the evidence log. Parameter: limit. */
export const READ_RUN_REPORTS_SQL = `select payload from birth_lane.evidence
  where kind = 'run_report' and payload -> 'report' ->> 'channel' = 'pg-cron'
  order by recorded_at desc, id desc limit $1::int`;
