import { randomUUID } from 'node:crypto';
import {
  type ChannelDependencies,
  type ChannelFactory,
  type Database,
  type HeartbeatWriter,
  PostgresEvidenceSink,
  type ProducerChannel,
  type ProducerRunner,
  type ProducerRunOptions,
  parseChannelSettings,
  type RunReport,
  startHeartbeat,
  withTransaction,
} from '@birth-lane/contract';
import { boundLogger } from './bound-logger.js';
import {
  type Boss,
  type BossJob,
  ensureQueue,
  onConnection,
  type PgBossConnection,
  startBoss,
  stopBoss,
} from './pg-boss-client.js';
import {
  type ParsedQueueChannelSettings,
  type QueueChannelSettings,
  queueChannelSettingsSchema,
} from './queue-settings.js';
import { type RunJob, runJobSchema } from './run-job.js';
import { RUN_QUEUE, RUN_QUEUE_OPTIONS } from './run-queue.js';
import { runSummary } from './run-summary.js';
import { type Settlement, settlementFor } from './settlement.js';

export interface QueueChannelDependencies extends ChannelDependencies, PgBossConnection {
  /** The app's pool: heartbeat, evidence notes, and the transactions that settle jobs. */
  readonly db: Database;
  /** Called with each job's run report once the job is settled, with the job and, when the rest of its range was handed back, the new job's id. */
  readonly onReport?: (
    report: RunReport,
    job: { readonly jobId: string; readonly handedBackAs?: string },
  ) => void;
}

/**
 * The `queue` channel (`birth-lane worker`): takes id-range jobs from a pg-boss queue and runs the
 * producer over each range, one run report per job. Any number of workers on any number of hosts
 * share the queue; pg-boss hands each job to one of them (SKIP LOCKED), so ranges never overlap.
 *
 * A run inside a job walks its range in id order (concurrency 1), so when it stops early (SIGTERM,
 * or its time budget) every row up to its last batch is done and the rest is exactly the ids after
 * it. That rest is put back as a new job in the same transaction that completes this one, so a
 * stopped worker neither loses rows nor makes another worker inspect a row twice.
 */
export class QueueChannel implements ProducerChannel {
  readonly specificationVersion = 'v1' as const;
  readonly name = 'queue' as const;
  readonly settings: ParsedQueueChannelSettings;
  readonly #abort = new AbortController();
  #boss: Boss | null = null;
  #heartbeat: HeartbeatWriter | null = null;
  #stopping = false;
  #inFlight = 0;

  constructor(
    settings: QueueChannelSettings,
    private readonly dependencies: QueueChannelDependencies,
  ) {
    this.settings = parseChannelSettings('queue', queueChannelSettingsSchema, settings);
  }

  async start(runner: ProducerRunner): Promise<void> {
    if (this.#stopping) return;
    const { logger } = this.dependencies;
    this.#heartbeat = startHeartbeat(this.dependencies.db, this.name, {
      intervalMs: this.settings.heartbeatIntervalMs,
      logger,
    });
    try {
      const boss = await startBoss({
        connectionString: this.dependencies.connectionString,
        sessionOptions: this.dependencies.sessionOptions,
        applicationName: 'birth-lane-worker',
        logger,
        maxConnections: this.settings.teamSize + 2,
      });
      this.#boss = boss;
      if (this.#stopping) {
        // stop() came while pg-boss was starting, and found nothing to stop yet.
        await stopBoss(boss);
        return;
      }
      await ensureQueue(boss, RUN_QUEUE, RUN_QUEUE_OPTIONS);
      // pg-boss 10 has no team size: each work() call is one fetch loop taking one job at a time.
      for (let member = 0; member < this.settings.teamSize; member += 1) {
        let memberId = '';
        memberId = await boss.work<unknown>(
          RUN_QUEUE,
          { batchSize: 1, pollingIntervalSeconds: this.settings.pollingIntervalSeconds },
          async ([job]) => {
            if (!job) return;
            await this.#take(boss, runner, job);
            // pg-boss would wait out the polling interval even after a job; where one job was,
            // more are likely, so ask again at once (an empty fetch then waits as usual).
            if (!this.#stopping) boss.notifyWorker(memberId);
          },
        );
      }
      logger.info({ queue: RUN_QUEUE, teamSize: this.settings.teamSize }, 'worker standing');
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    // Runs in flight finish their batch and report `stopped`; their jobs are settled before
    // pg-boss (which waits for them) closes its pool.
    this.#abort.abort();
    await this.#beat();
    if (this.#boss) await stopBoss(this.#boss, { timeoutMs: this.settings.stopTimeoutMs });
    await this.#heartbeat?.stop();
  }

  async #take(boss: Boss, runner: ProducerRunner, job: BossJob<unknown>): Promise<void> {
    const logger = boundLogger(this.dependencies.logger, { jobId: job.id });
    const parsed = runJobSchema.safeParse(job.data);
    if (!parsed.success) {
      logger.error({ data: job.data, issues: parsed.error.issues }, 'job is not an id-range job; failed');
      await boss.fail(RUN_QUEUE, job.id, { message: 'not an id-range job', issues: parsed.error.issues });
      return;
    }
    const data = parsed.data;
    if (this.#stopping) {
      // Fetched in the instant between stop() and pg-boss ending its fetch loops: give it back whole.
      await this.#settle(boss, job.id, data, null, { kind: 'hand_back', idFrom: data.idFrom });
      logger.info({ idFrom: data.idFrom, idTo: data.idTo }, 'job handed back untouched: stopping');
      return;
    }

    logger.info(
      {
        parentRunKey: data.parentRunKey,
        chunk: `${data.chunk}/${data.chunks}`,
        idFrom: data.idFrom,
        idTo: data.idTo,
      },
      'job taken',
    );
    this.#inFlight += 1;
    await this.#beat();
    let lastId: string | null = null;
    let report: RunReport | undefined;
    try {
      // concurrency 1 is what makes "the rest of the range" exact (see the class comment).
      const options: ProducerRunOptions = {
        channel: this.name,
        idFrom: data.idFrom,
        idTo: data.idTo,
        concurrency: 1,
        batchSize: this.settings.batchSize,
        signal: AbortSignal.any([
          this.#abort.signal,
          AbortSignal.timeout(this.settings.runBudgetSeconds * 1000),
        ]),
        onProgress: (progress) => {
          lastId = progress.lastId;
        },
      };
      report = await runner.run(options);
    } catch (error) {
      logger.error({ err: error }, 'run failed; the job will be retried');
      await boss.fail(RUN_QUEUE, job.id, { message: error instanceof Error ? error.message : String(error) });
      return;
    } finally {
      this.#inFlight -= 1;
      await this.#beat(report?.runId);
    }

    logger.info({ report }, `job run ${report.outcome}`);
    const handedBackAs = await this.#settle(boss, job.id, data, report, settlementFor(report, data, lastId));
    this.dependencies.onReport?.(report, { jobId: job.id, ...(handedBackAs ? { handedBackAs } : {}) });
  }

  /** Completes, hands back or fails the job, with its evidence note, in one transaction. */
  async #settle(
    boss: Boss,
    jobId: string,
    data: RunJob,
    report: RunReport | null,
    settlement: Settlement,
  ): Promise<string | null> {
    return withTransaction(this.dependencies.db, async (connection) => {
      const via = { db: onConnection(connection) };
      let handedBackAs: string | null = null;
      if (settlement.kind === 'hand_back') {
        handedBackAs = randomUUID();
        const rest: RunJob = { ...data, idFrom: settlement.idFrom };
        await boss.send(RUN_QUEUE, rest, { ...via, id: handedBackAs });
      }
      const output = { ...(report ? runSummary(report) : {}), ...(handedBackAs ? { handedBackAs } : {}) };
      if (settlement.kind === 'fail')
        await boss.fail(RUN_QUEUE, jobId, { ...output, reason: settlement.reason }, via);
      else await boss.complete(RUN_QUEUE, jobId, output, via);
      if (report) {
        await new PostgresEvidenceSink(connection).append([
          {
            kind: 'note',
            topic: 'queue.job',
            runId: report.runId,
            payload: {
              jobId,
              ...data,
              settlement: settlement.kind,
              ...(handedBackAs ? { handedBackAs } : {}),
            },
          },
        ]);
      }
      return handedBackAs;
    });
  }

  async #beat(runId?: string): Promise<void> {
    const state = this.#stopping ? 'stopping' : this.#inFlight > 0 ? 'running' : 'idle';
    await this.#heartbeat?.set(state, runId);
  }
}

/** The queue channel (a worker) as a contract ChannelFactory: settings checked here, each problem naming its field. */
export const createQueueChannel: ChannelFactory<QueueChannelSettings, QueueChannelDependencies> = (
  settings,
  dependencies,
) => new QueueChannel(settings, dependencies);
