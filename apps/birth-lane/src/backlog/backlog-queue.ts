import { isMalformedPass, readPassStatus, runWorker } from '@birth-lane/backlog';
import {
  type BossQueueOptions,
  ensureQueue,
  type PgBossConnection,
  startBoss,
  stopBoss,
} from '@birth-lane/channel-pg-boss';
import { type ChannelLogger, type Database, parseOrThrow } from '@birth-lane/contract';
import { z } from 'zod';

/**
 * The backlog pass's fan-out over pg-boss, composed here because the block may not depend on
 * pg-boss: each job on this queue runs one backlog worker (`runWorker`) on one pass. Workers lease
 * the pass's slices from the database (FOR UPDATE SKIP LOCKED), so any number of jobs, on any
 * number of hosts, share one pass; a job only brings a worker to it. A job that dies is expired and
 * retried by pg-boss; the slices' cursors make that safe.
 */
export const BACKLOG_QUEUE = 'birth-lane-backlog';

/** A job runs its worker at most this long, then hands on to a fresh job (pg-boss expires at 15 min). */
export const BACKLOG_JOB_BUDGET_MS = 12 * 60 * 1000;

const QUEUE_OPTIONS: BossQueueOptions = {
  policy: 'standard',
  retryLimit: 5,
  retryDelay: 30,
  retryBackoff: true,
  expireInSeconds: 15 * 60,
};

export const backlogJobSchema = z.strictObject({
  runId: z.string().uuid('must be a backlog pass run id (a UUID)'),
});

export interface BacklogQueueDependencies extends PgBossConnection {
  readonly db: Database;
  readonly logger: ChannelLogger;
}

/** Puts `workers` jobs for pass `runId` on the backlog queue; returns their ids. */
export async function enqueueBacklogWorkers(
  runId: string,
  workers: number,
  dependencies: Omit<BacklogQueueDependencies, 'db'>,
): Promise<string[]> {
  const job = parseOrThrow(backlogJobSchema, { runId }, 'backlog job');
  const boss = await startBoss({
    connectionString: dependencies.connectionString,
    sessionOptions: dependencies.sessionOptions,
    applicationName: 'birth-lane-backlog-enqueue',
    logger: dependencies.logger,
    maxConnections: 2,
    supervise: false,
  });
  try {
    await ensureQueue(boss, BACKLOG_QUEUE, QUEUE_OPTIONS);
    const ids: string[] = [];
    for (let n = 0; n < workers; n += 1) {
      const id = await boss.send(BACKLOG_QUEUE, job);
      if (id) ids.push(id);
    }
    return ids;
  } finally {
    await stopBoss(boss);
  }
}

/**
 * Takes backlog jobs until `signal` aborts: `teamSize` at once, each running one worker on its
 * job's pass. A worker stopped by the budget or the signal (the pass still running) hands on to a
 * new job for the same pass before its own job completes, so no pass loses its workers.
 */
export async function standBacklogQueueWorker(
  options: { teamSize: number; signal: AbortSignal; pollingIntervalSeconds?: number },
  dependencies: BacklogQueueDependencies,
): Promise<void> {
  const boss = await startBoss({
    connectionString: dependencies.connectionString,
    sessionOptions: dependencies.sessionOptions,
    applicationName: 'birth-lane-backlog-worker',
    logger: dependencies.logger,
    maxConnections: options.teamSize + 2,
  });
  try {
    await ensureQueue(boss, BACKLOG_QUEUE, QUEUE_OPTIONS);
    for (let member = 0; member < options.teamSize; member += 1) {
      await boss.work<unknown>(
        BACKLOG_QUEUE,
        { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 },
        async ([job]) => {
          if (!job) return;
          // A malformed job fails (pg-boss records why) rather than crash the worker.
          const { runId } = parseOrThrow(backlogJobSchema, job.data, 'backlog job');
          const budget = AbortSignal.any([options.signal, AbortSignal.timeout(BACKLOG_JOB_BUDGET_MS)]);
          const outcome = await runWorker(dependencies.db, runId, { signal: budget });
          if (outcome.state === 'aborted') {
            // Stopped by the budget or the signal: hand on only if the pass still wants workers.
            const [pass] = await readPassStatus(dependencies.db, { runId });
            if (pass && !isMalformedPass(pass) && pass.state === 'running')
              await boss.send(BACKLOG_QUEUE, { runId });
          }
          dependencies.logger.info(
            { runId, jobId: job.id, state: outcome.state, batches: outcome.batches, rows: outcome.taken },
            'backlog job done',
          );
        },
      );
    }
    dependencies.logger.info({ queue: BACKLOG_QUEUE, teamSize: options.teamSize }, 'backlog worker standing');
    if (!options.signal.aborted)
      await new Promise<void>((resolve) =>
        options.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
  } finally {
    await stopBoss(boss);
  }
}
