import {
  type HeartbeatWriter,
  type ProducerChannel,
  type ProducerRunner,
  parseOrThrow,
  type Queryable,
  type RunReport,
  startHeartbeat,
} from '@birth-lane/contract';
import { z } from 'zod';
import { cronExpressionIssue, timeZoneIssue } from '../jobs/cron-expression.js';
import { type Boss, type BossJob, ensureQueue, startBoss, stopBoss } from '../jobs/pg-boss.js';
import type { Logger } from '../logging/logger.js';
import { runSummary } from './run-summary.js';

/** The pg-boss queue (and schedule of the same name) whose ticks start scheduled runs. */
export const SCHEDULE_QUEUE = 'birth-lane-schedule';

const optionsSchema = z
  .strictObject({
    cron: z.string(),
    timeZone: z.string().default('UTC'),
    maxRows: z.number().int().positive().optional(),
    batchSize: z.number().int().positive().max(50_000).optional(),
    /**
     * Longest one fire's run may take; then it stops after its batch in flight and the next tick
     * carries on. pg-boss expires the tick a minute later, so it never sees a live run as dead.
     */
    runBudgetSeconds: z
      .number()
      .int()
      .min(1)
      .max(23 * 3600)
      .default(14 * 60),
    /** How often this instance asks for a due tick. */
    pollingIntervalSeconds: z.number().min(0.5).max(600).default(2),
    cronMonitorIntervalSeconds: z.number().int().min(1).max(45).optional(),
    cronWorkerIntervalSeconds: z.number().int().min(1).max(45).optional(),
    heartbeatIntervalMs: z.number().int().min(100).optional(),
    /** How long stop() waits for the run in flight to finish its batch. */
    stopTimeoutMs: z.number().int().min(1000).default(30_000),
  })
  .superRefine((options, context) => {
    const zoneProblem = timeZoneIssue(options.timeZone);
    if (zoneProblem) {
      context.addIssue({
        code: 'custom',
        path: ['timeZone'],
        message: zoneProblem,
        params: { rule: 'time_zone' },
      });
      return;
    }
    const cronProblem = cronExpressionIssue(options.cron, options.timeZone);
    if (cronProblem) {
      context.addIssue({ code: 'custom', path: ['cron'], message: cronProblem, params: { rule: 'cron' } });
    }
  });
export type ScheduleChannelSettings = z.input<typeof optionsSchema>;

export interface ScheduleChannelDependencies {
  /** Where the heartbeat goes (the app's pool). */
  readonly db: Queryable;
  /** pg-boss opens its own pool on this (openDatabase's `url`). */
  readonly connectionString: string;
  readonly log: Logger;
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
  readonly settings: z.output<typeof optionsSchema>;
  readonly #abort = new AbortController();
  #boss: Boss | null = null;
  #heartbeat: HeartbeatWriter | null = null;
  #stopping = false;

  constructor(
    settings: ScheduleChannelSettings,
    private readonly dependencies: ScheduleChannelDependencies,
  ) {
    this.settings = parseOrThrow(optionsSchema, settings, 'schedule channel options');
  }

  async start(runner: ProducerRunner): Promise<void> {
    if (this.#stopping) return;
    const { log } = this.dependencies;
    this.#heartbeat = await startHeartbeat(this.dependencies.db, this.name, {
      intervalMs: this.settings.heartbeatIntervalMs,
      onError: (error) => log.warn({ err: error }, 'heartbeat failed; retrying on the next beat'),
    });
    try {
      // The queue and the schedule are stored BEFORE this instance's cron clock starts: pg-boss
      // checks for a due tick the moment its clock starts, and a check that found no schedule (or
      // an older expression) would leave the next look a whole monitor interval away.
      const setup = await startBoss({
        connectionString: this.dependencies.connectionString,
        applicationName: 'birth-lane-schedule',
        log,
        maxConnections: 1,
        supervise: false,
      });
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
        connectionString: this.dependencies.connectionString,
        applicationName: 'birth-lane-schedule',
        log,
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
      log.info({ cron: this.settings.cron, timeZone: this.settings.timeZone }, 'schedule standing');
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
    await this.#heartbeat?.set('stopping').catch(() => undefined);
    if (this.#boss) await stopBoss(this.#boss, { timeoutMs: this.settings.stopTimeoutMs });
    await this.#heartbeat?.stop();
  }

  /** Every instance writes the same schedule; a different one from another instance is replaced, loudly. */
  async #storeSchedule(boss: Boss): Promise<void> {
    const stored = (await boss.getSchedules()).find((schedule) => schedule.name === SCHEDULE_QUEUE) as
      | { cron: string; timezone?: string }
      | undefined;
    if (stored && (stored.cron !== this.settings.cron || stored.timezone !== this.settings.timeZone)) {
      this.dependencies.log.warn(
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
    const log = this.dependencies.log.child({ jobId: job.id });
    if (this.#stopping) {
      // Fetched in the instant between stop() and pg-boss ending its fetch loop: the next tick runs it.
      log.info('schedule tick arrived while stopping; left to the next tick');
      await boss.complete(SCHEDULE_QUEUE, job.id, { skipped: 'stopping' });
      return;
    }
    log.info({ cron: this.settings.cron }, 'schedule fired');
    await this.#beat('running');
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
      log.info({ report }, `scheduled run ${report.outcome}`);
      this.dependencies.onReport?.(report);
      // Settled here and awaited (pg-boss would do it without waiting), so a shutdown right after
      // cannot leave the tick active and block the next ones until it expires.
      await boss.complete(SCHEDULE_QUEUE, job.id, runSummary(report));
    } catch (error) {
      log.error({ err: error }, 'scheduled run failed');
      await boss.fail(SCHEDULE_QUEUE, job.id, {
        message: error instanceof Error ? error.message : String(error),
      });
    } finally {
      await this.#beat(this.#stopping ? 'stopping' : 'idle', report?.runId);
    }
  }

  async #beat(state: 'running' | 'idle' | 'stopping', runId?: string): Promise<void> {
    await this.#heartbeat
      ?.set(state, runId)
      .catch((error: unknown) => this.dependencies.log.warn({ err: error }, 'heartbeat failed'));
  }
}
