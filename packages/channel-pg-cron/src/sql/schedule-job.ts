/** Schedules a job in the database pg_cron lives in (the lane's own); returns its id. */
export const SCHEDULE_JOB_SQL = 'select cron.schedule($1::text, $2::text, $3::text)::text as jobid';

/** Schedules a job kept in cron.database_name that runs in another database (the lane's). */
export const SCHEDULE_JOB_IN_DATABASE_SQL =
  'select cron.schedule_in_database($1::text, $2::text, $3::text, $4::text)::text as jobid';

/**
 * Unschedules every job of this name. pg_cron 1.4's upsert by name keeps a job's old database, so
 * install replaces the job instead of rescheduling it. Any role's job of this name goes (a
 * superuser may have moved it with cron.alter_job); others' jobs are invisible to a non-superuser
 * anyway (row-level security on cron.job).
 */
export const UNSCHEDULE_JOBS_NAMED_SQL =
  'select cron.unschedule(jobid) from cron.job where jobname = $1::text';

/**
 * The same, returning the ids it removed. cron.unschedule is in the select list, not the WHERE
 * clause, so only the rows that matched are unscheduled.
 */
export const UNSCHEDULE_JOBS_NAMED_RETURNING_SQL = `select jobid::text as jobid, cron.unschedule(jobid) as removed
   from (select jobid from cron.job where jobname = $1::text) as ours`;
