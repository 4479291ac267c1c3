import {
  type ChannelDependencies,
  type ChannelFactory,
  type Database,
  type ProducerChannel,
  type ProducerRunner,
  parseChannelSettings,
} from '@birth-lane/contract';
import { installPgCronJob, type PgCronInstallation } from './install-pg-cron-job.js';
import { type PgCronSettingsInput, pgCronSettingsSchema } from './pg-cron-settings.js';
import { type OpenDatabaseNamed, type PgCronTarget, resolvePgCronTarget } from './pg-cron-target.js';
import { uninstallPgCronJob } from './uninstall-pg-cron-job.js';

export interface PgCronChannelDependencies extends ChannelDependencies {
  /** The lane database: where the entry point is installed and where the job runs. */
  readonly db: Database;
  /**
   * Opens a pool on another database of the same server. Needed only when pg_cron lives in another
   * database (cron.database_name) than the lane; `openDatabaseNamedFromUrl(url)` makes one.
   */
  readonly openDatabaseNamed?: OpenDatabaseNamed;
}

/** The pg-cron channel, with the job its last `start` scheduled. */
export interface PgCronChannel extends ProducerChannel {
  readonly name: 'pg-cron';
  /** The job as scheduled by the last `start`, or null. */
  readonly installation: PgCronInstallation | null;
}

/**
 * The `pg-cron` channel: PostgreSQL itself runs the producer on a schedule, with no Node process.
 * `start` installs the entry point and schedules the pg_cron job; `stop` unschedules it. The
 * runner handed to `start` is not called: the job calls the producer's compiled inspection
 * (birth_lane.inspect_batch, through birth_lane.run_producer) inside the database, and its runs
 * report channel 'pg-cron'. The job is the standing part, so it outlives this object until `stop`.
 * Settings are checked here (a ValidationError names the field); pg_cron's own checks (its
 * version, its parser, the statement timeout) come at `start`, which changes nothing when they fail.
 */
export const createPgCronChannel = ((input, dependencies): PgCronChannel => {
  const settings = parseChannelSettings('pg-cron', pgCronSettingsSchema, input);
  const openDatabaseNamed: OpenDatabaseNamed =
    dependencies.openDatabaseNamed ??
    (async (database) => {
      throw new Error(
        `pg_cron keeps its jobs in database "${database}" (cron.database_name), not the lane's: give the pg-cron channel openDatabaseNamed (openDatabaseNamedFromUrl(url) makes one)`,
      );
    });
  const withTarget = async <T>(work: (target: PgCronTarget) => Promise<T>): Promise<T> => {
    const target = await resolvePgCronTarget(dependencies.db, openDatabaseNamed);
    try {
      return await work(target);
    } finally {
      await target.close();
    }
  };
  let installation: PgCronInstallation | null = null;
  const channel: PgCronChannel = {
    specificationVersion: 'v1',
    name: 'pg-cron',
    get installation() {
      return installation;
    },
    async start(_runner: ProducerRunner) {
      installation = await withTarget((target) => installPgCronJob(target, settings));
      dependencies.logger.info(
        { jobId: installation.jobId, jobName: installation.jobName, schedule: installation.schedule },
        'pg_cron job scheduled',
      );
    },
    async stop() {
      const { removedJobIds } = await withTarget(uninstallPgCronJob);
      installation = null;
      dependencies.logger.info({ removedJobIds }, 'pg_cron job unscheduled');
    },
  };
  return channel;
}) satisfies ChannelFactory<PgCronSettingsInput, PgCronChannelDependencies>;
