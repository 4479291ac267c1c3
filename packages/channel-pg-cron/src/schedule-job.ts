import { type Database, type Queryable, sqlStateOf, ValidationError } from '@birth-lane/contract';
import { PG_CRON_SETTINGS_SUBJECT } from './pg-cron-settings.js';
import type { PgCronTarget } from './pg-cron-target.js';
import { SCHEDULE_JOB_IN_DATABASE_SQL, SCHEDULE_JOB_SQL } from './sql/schedule-job.js';

/** PostgreSQL's invalid_parameter_value, which pg_cron raises for a schedule it cannot parse. */
const INVALID_PARAMETER_VALUE = '22023';

/**
 * Schedules `command` for the lane database, from the database pg_cron lives in. A schedule pg_cron
 * cannot parse is a settings error naming `schedule`.
 */
export async function scheduleJob(
  connection: Queryable,
  target: PgCronTarget,
  job: { readonly name: string; readonly schedule: string; readonly command: string },
): Promise<string> {
  try {
    const { rows } =
      target.cronDatabase === target.laneDatabase
        ? await connection.query<{ jobid: string }>(SCHEDULE_JOB_SQL, [job.name, job.schedule, job.command])
        : await connection.query<{ jobid: string }>(SCHEDULE_JOB_IN_DATABASE_SQL, [
            job.name,
            job.schedule,
            job.command,
            target.laneDatabase,
          ]);
    return rows[0]!.jobid;
  } catch (error) {
    if (sqlStateOf(error) !== INVALID_PARAMETER_VALUE) throw error;
    throw new ValidationError(
      PG_CRON_SETTINGS_SUBJECT,
      [
        {
          field: 'schedule',
          rule: 'cron_schedule',
          message: `pg_cron ${target.pgCronVersion} rejected '${job.schedule}': ${(error as Error).message}`,
        },
      ],
      { cause: error },
    );
  }
}

/** Runs `work` inside BEGIN … ROLLBACK: whatever it did is undone, its errors still surface. */
export async function rehearse(
  db: Database,
  work: (connection: Queryable) => Promise<unknown>,
): Promise<void> {
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
