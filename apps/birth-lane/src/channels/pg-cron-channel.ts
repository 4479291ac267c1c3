import type { ProducerChannel, ProducerRunner } from '@birth-lane/contract';
import { installPgCronJob, type PgCronInstallation, uninstallPgCronJob } from '../pg-cron/pg-cron-job.js';
import type { PgCronJobSettings } from '../pg-cron/pg-cron-settings.js';
import type { PgCronTarget } from '../pg-cron/pg-cron-target.js';

/**
 * The `pg-cron` channel: PostgreSQL itself runs the producer on a schedule, with no Node process.
 * `start` installs the entry point and schedules the pg_cron job; `stop` unschedules it. The
 * runner handed to `start` is not called: the procedure calls the same compiled inspection
 * (birth_lane.inspect_batch) from inside the database (its runs report channel 'pg-cron').
 * The job is the standing part, so it outlives this object until `stop`.
 */
export class PgCronChannel implements ProducerChannel {
  readonly specificationVersion = 'v1' as const;
  readonly name = 'pg-cron' as const;
  #installation: PgCronInstallation | null = null;

  constructor(
    private readonly target: PgCronTarget,
    private readonly settings: PgCronJobSettings,
  ) {}

  /** The job as scheduled by the last `start`, or null. */
  get installation(): PgCronInstallation | null {
    return this.#installation;
  }

  async start(_runner: ProducerRunner): Promise<void> {
    this.#installation = await installPgCronJob(this.target, this.settings);
  }

  async stop(): Promise<void> {
    await uninstallPgCronJob(this.target);
    this.#installation = null;
  }
}
