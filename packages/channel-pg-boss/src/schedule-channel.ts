import {
  type ChannelDependencies,
  type ChannelFactory,
  type HeartbeatWriter,
  type ProducerChannel,
  type ProducerRunner,
  parseChannelSettings,
  type RunReport,
  startHeartbeat,
} from '@birth-lane/contract';
import { boundLogger } from './bound-logger.js';
import {
  type Boss,
  type BossJob,
  ensureQueue,
  type PgBossConnection,
  startBoss,
  stopBoss,
} from './pg-boss-client.js';
import { runSummary } from './run-summary.js';
import {
  type ParsedScheduleChannelSettings,
  type ScheduleChannelSettings,
  scheduleChannelSettingsSchema,
} from './schedule-settings.js';

/** The pg-boss queue (and schedule of the same name) whose ticks start scheduled runs. */
export const SCHEDULE_QUEUE = 'birth-lane-schedule';

export interface ScheduleChannelDependencies extends ChannelDependencies, PgBossConnection {
  /** Called with each fire's report, after it is logged. */
  readonly onReport?: (report: RunReport) => void;
}

/**
 * The `schedule` channel: a standing process that runs the producer on a cron expression. The
 * schedule lives in PostgreSQL (pg-boss, schema `pgboss`), so any number of instances on any
 * number of hosts may stand and each tick still starts exactly one run: pg-boss lets one
 * instance turn a due tick into one job, and one worker take that job.
 *
 * The queue's `stately` policy allows one tick running and one waiting; a tick that comes while
 * one already waits is dropped. So a slow run is never overlapped by the next one from this
 * schedule, and a backlog of missed ticks never builds up.
 */
export class ScheduleChannel implements ProducerChannel {
  readonly specificationVersion = 'v1' as const;
  readonly name = 'schedule' as const;
  readonly settings: ParsedScheduleChannelSettings;
  readonly #abort = new AbortController();
  #boss: Boss | null = null;
  #heartbeat: HeartbeatWriter | null = null;
  #stopping = false;

  constructor(
    settings: ScheduleChannelSettings,
    private readonly dependencies: ScheduleChannelDependencies,
  ) {
    this.settings = parseChannelSettings('schedule', scheduleChannelSettingsSchema, settings);
  }

  async start(runner: ProducerRunner): Promise<void> {
    if (this.#stopping) return;
    const { logger } = this.dependencies;
    this.#heartbeat = startHeartbeat(this.dependencies.db, this.name, {
      intervalMs: this.settings.heartbeatIntervalMs,
      logger,
    });
    const connection = {
      connectionString: this.dependencies.connectionString,
      sessionOptions: this.dependencies.sessionOptions,
      applicationName: 'birth-lane-schedule',
      logger,
    };
    try {
      // The queue and the schedule are stored BEFORE this instance's cron clock starts: pg-boss
      // checks for a due tick the moment its clock starts, and a check that found no schedule (or
      // an older expression) would leave the next look a whole monitor interval away.
      const setup = await startBoss({ ...connection, maxConnections: 1, supervise: false });
      try {
        await ensureQueue(setup, SCHEDULE_QUEUE, {
          policy: 'stately',
          // A tick that failed is not worth repeating: the next tick runs the producer anyway.
          retryLimit: 0,
          expireInSeconds: this.settings.runBudgetSeconds + 60,
        });
        await this.#storeSchedule(setup);
      } finally {
        await stopBoss(setup);
      }
      const boss = await startBoss({
        ...connection,
        cron: {
          monitorIntervalSeconds: this.settings.cronMonitorIntervalSeconds,
          workerIntervalSeconds: this.settings.cronWorkerIntervalSeconds,
        },
      });
      this.#boss = boss;
      if (this.#stopping) {
        // stop() came while pg-boss was starting, and found nothing to stop yet.
        await stopBoss(boss);
        return;
      }
      await boss.work<object>(
        SCHEDULE_QUEUE,
        { batchSize: 1, pollingIntervalSeconds: this.settings.pollingIntervalSeconds },
        async ([job]) => {
          if (job) await this.#fire(boss, runner, job);
        },
      );
      logger.info({ cron: this.settings.cron, timeZone: this.settings.timeZone }, 'schedule standing');
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    // The run in flight finishes its batch and reports `stopped`; pg-boss waits for it.
    this.#abort.abort();
    await this.#heartbeat?.set('stopping');
    if (this.#boss) await stopBoss(this.#boss, { timeoutMs: this.settings.stopTimeoutMs });
    await this.#heartbeat?.stop();
  }

  /** Every instance writes the same schedule; a different one from another instance is replaced, loudly. */
  async #storeSchedule(boss: Boss): Promise<void> {
    const stored = (await boss.getSchedules()).find((schedule) => schedule.name === SCHEDULE_QUEUE) as
      | { cron: string; timezone?: string }
      | undefined;
    if (stored && (stored.cron !== this.settings.cron || stored.timezone !== this.settings.timeZone)) {
      this.dependencies.logger.warn(
        {
          was: { cron: stored.cron, timeZone: stored.timezone },
          now: { cron: this.settings.cron, timeZone: this.settings.timeZone },
        },
        'replacing the stored schedule: start every schedule instance with the same --cron and --tz',
      );
    }
    await boss.schedule(SCHEDULE_QUEUE, this.settings.cron, {}, { tz: this.settings.timeZone });
  }

  async #fire(boss: Boss, runner: ProducerRunner, job: BossJob): Promise<void> {
    const logger = boundLogger(this.dependencies.logger, { jobId: job.id });
    if (this.#stopping) {
      // Fetched in the instant between stop() and pg-boss ending its fetch loop: the next tick runs it.
      logger.info({}, 'schedule tick arrived while stopping; left to the next tick');
      await boss.complete(SCHEDULE_QUEUE, job.id, { skipped: 'stopping' });
      return;
    }
    logger.info({ cron: this.settings.cron }, 'schedule fired');
    await this.#heartbeat?.set('running');
    let report: RunReport | undefined;
    try {
      report = await runner.run({
        channel: this.name,
        signal: AbortSignal.any([
          this.#abort.signal,
          AbortSignal.timeout(this.settings.runBudgetSeconds * 1000),
        ]),
        maxRows: this.settings.maxRows,
        batchSize: this.settings.batchSize,
      });
      logger.info({ report }, `scheduled run ${report.outcome}`);
      this.dependencies.onReport?.(report);
      // Settled here and awaited (pg-boss would do it without waiting), so a shutdown right after
      // cannot leave the tick active and block the next ones until it expires.
      await boss.complete(SCHEDULE_QUEUE, job.id, runSummary(report));
    } catch (error) {
      logger.error({ err: error }, 'scheduled run failed');
      await boss.fail(SCHEDULE_QUEUE, job.id, {
        message: error instanceof Error ? error.message : String(error),
      });
    } finally {
      await this.#heartbeat?.set(this.#stopping ? 'stopping' : 'idle', report?.runId);
    }
  }
}

/** The schedule channel as a contract ChannelFactory: settings checked here, each problem naming its field. */
export const createScheduleChannel: ChannelFactory<ScheduleChannelSettings, ScheduleChannelDependencies> = (
  settings,
  dependencies,
) => new ScheduleChannel(settings, dependencies);
