import { randomUUID } from 'node:crypto';
import {
  BirthLaneError,
  type ChannelDependencies,
  type Database,
  PostgresEvidenceSink,
  parseOrThrow,
  withTransaction,
} from '@birth-lane/contract';
import { z } from 'zod';
import { planIdRanges } from './id-ranges.js';
import {
  type Boss,
  ensureQueue,
  onConnection,
  type PgBossConnection,
  startBoss,
  stopBoss,
} from './pg-boss-client.js';
import { type RunJob, runJobSchema } from './run-job.js';
import { RUN_QUEUE, RUN_QUEUE_OPTIONS } from './run-queue.js';
import { ENQUEUE_RUN_LOCK_KEY, LOCK_ENQUEUE_RUN_SQL } from './sql/lock-enqueue-run.js';
import { SELECT_UNCERTIFIED_SPAN_SQL, type UncertifiedSpanRow } from './sql/select-uncertified-span.js';

export const enqueueRunSettingsSchema = z.strictObject({
  /** Ids per job (a range of registry ids; one job = one run report). */
  chunkIds: z.number().int().min(1).max(1_000_000_000).default(50_000),
});
export type EnqueueRunSettings = z.input<typeof enqueueRunSettingsSchema>;

export interface EnqueueRunDependencies extends ChannelDependencies, PgBossConnection {
  /** The jobs, the check for pending ones and the evidence note are written in one transaction here. */
  readonly db: Database;
}

export interface EnqueuedRun {
  /** Null when there was nothing to inspect (no uncertified governed row), so nothing was enqueued. */
  readonly parentRunKey: string | null;
  readonly chunkIds: number;
  readonly jobs: readonly ({ readonly jobId: string } & RunJob)[];
}

/**
 * Splits one producer run into id-range jobs on the run queue for `queue` channel workers (see
 * enqueueRunWith), opening pg-boss for the moment it takes.
 */
export async function enqueueRun(
  settings: EnqueueRunSettings,
  dependencies: EnqueueRunDependencies,
): Promise<EnqueuedRun> {
  // Checked before pg-boss is opened; enqueueRunWith checks them again for its own callers.
  const parsed = parseOrThrow(enqueueRunSettingsSchema, settings, 'enqueue-run settings');
  const boss = await startBoss({
    connectionString: dependencies.connectionString,
    sessionOptions: dependencies.sessionOptions,
    applicationName: 'birth-lane-enqueue-run',
    logger: dependencies.logger,
    maxConnections: 2,
    supervise: false,
  });
  try {
    return await enqueueRunWith(dependencies.db, boss, parsed);
  } finally {
    await stopBoss(boss);
  }
}

/**
 * Splits one producer run into id-range jobs over the span of today's uncertified governed rows,
 * all sharing one parent run key, and puts them on the run queue in one transaction (with an
 * evidence note naming them). Births after this moment are left to the next run.
 *
 * Refuses while jobs of an earlier enqueue still wait or run: the new ranges would cover the same
 * rows, and two workers would inspect them at once. An advisory lock makes the check and the
 * insert one step, so two enqueue-runs started together cannot both pass it.
 */
export async function enqueueRunWith(
  db: Database,
  boss: Boss,
  settings: EnqueueRunSettings,
): Promise<EnqueuedRun> {
  const { chunkIds } = parseOrThrow(enqueueRunSettingsSchema, settings, 'enqueue-run settings');
  await ensureQueue(boss, RUN_QUEUE, RUN_QUEUE_OPTIONS);
  return withTransaction(db, async (connection) => {
    await connection.query(LOCK_ENQUEUE_RUN_SQL, [ENQUEUE_RUN_LOCK_KEY]);
    const pending = await boss.getQueueSize(RUN_QUEUE, { before: 'completed' });
    if (pending !== null && pending > 0) {
      throw new BirthLaneError(
        'STOP_CONDITION',
        `${pending} job(s) of an earlier enqueue-run still wait or run in queue ${RUN_QUEUE}; enqueueing again now ` +
          'would hand the same rows to two workers. Let the workers (birth-lane worker) finish them, then enqueue again.',
      );
    }
    const { rows } = await connection.query<UncertifiedSpanRow>(SELECT_UNCERTIFIED_SPAN_SQL);
    const { first, last } = rows[0] ?? { first: null, last: null };
    if (first === null || last === null) return { parentRunKey: null, chunkIds, jobs: [] };

    const parentRunKey = randomUUID();
    const ranges = planIdRanges(BigInt(first), BigInt(last), chunkIds);
    const jobs = ranges.map((range, index) => ({
      jobId: randomUUID(),
      ...parseOrThrow(
        runJobSchema,
        { parentRunKey, chunk: index + 1, chunks: ranges.length, ...range },
        'run job',
      ),
    }));
    await boss.insert(
      jobs.map(({ jobId, ...data }) => ({ id: jobId, name: RUN_QUEUE, data })),
      { db: onConnection(connection) },
    );
    await new PostgresEvidenceSink(connection).append([
      {
        kind: 'note',
        topic: 'queue.enqueued',
        payload: {
          parentRunKey,
          chunkIds,
          idFrom: first,
          idTo: last,
          jobs: jobs.map(({ jobId, chunk, idFrom, idTo }) => ({ jobId, chunk, idFrom, idTo })),
        },
      },
    ]);
    return { parentRunKey, chunkIds, jobs };
  });
}
