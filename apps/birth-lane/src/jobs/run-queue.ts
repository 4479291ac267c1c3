import { randomUUID } from 'node:crypto';
import {
  BirthLaneError,
  type Database,
  PostgresEvidenceSink,
  parseOrThrow,
  withTransaction,
} from '@birth-lane/contract';
import { z } from 'zod';
import { type Boss, type BossQueueOptions, ensureQueue, onConnection } from './pg-boss.js';

import { RUN_QUEUE } from './run-queue-name.js';

export { RUN_QUEUE };

/**
 * How long a worker may hold one job. A worker's run stops itself (after its batch in flight)
 * well before this, and hands the rest of its range back as a new job; only a worker that died
 * holds a job this long, and then pg-boss fails it and it is retried.
 */
export const RUN_JOB_EXPIRE_SECONDS = 15 * 60;
/** A job's run stops itself after this long, leaving a margin before pg-boss expires the job. */
export const RUN_JOB_BUDGET_SECONDS = 12 * 60;

export const RUN_QUEUE_OPTIONS: BossQueueOptions = {
  policy: 'standard',
  // A job whose run failed (database gone, no active rule set) is retried with growing pauses.
  retryLimit: 5,
  retryDelay: 30,
  retryBackoff: true,
  expireInSeconds: RUN_JOB_EXPIRE_SECONDS,
};

const idText = z.string().regex(/^[1-9][0-9]{0,18}$/, 'must be a positive whole number (a registry id)');

/** One job: one id range of one enqueued run. Validated when a worker takes it. */
export const runJobSchema = z
  .strictObject({
    /** Shared by every job of one `enqueue-run`, and recorded with each job's run in the evidence log. */
    parentRunKey: z.uuid(),
    chunk: z.number().int().min(1),
    chunks: z.number().int().min(1),
    idFrom: idText,
    idTo: idText,
  })
  .refine((job) => BigInt(job.idFrom) <= BigInt(job.idTo), {
    path: ['idTo'],
    message: 'must not be below idFrom',
    params: { rule: 'order' },
  });
export type RunJob = z.output<typeof runJobSchema>;

export interface IdRange {
  readonly idFrom: string;
  readonly idTo: string;
}

/** Splits [first, last] into consecutive ranges of at most `chunkIds` ids, covering every id once. */
export function planIdRanges(first: bigint, last: bigint, chunkIds: number): IdRange[] {
  if (!Number.isSafeInteger(chunkIds) || chunkIds < 1) {
    throw new RangeError(`chunkIds must be a whole number of at least 1, got ${chunkIds}`);
  }
  const ranges: IdRange[] = [];
  const size = BigInt(chunkIds);
  for (let from = first; from <= last; from += size) {
    const to = from + size - 1n < last ? from + size - 1n : last;
    ranges.push({ idFrom: from.toString(), idTo: to.toString() });
  }
  return ranges;
}

export interface EnqueuedRun {
  /** Null when there was nothing to inspect (no uncertified governed row), so nothing was enqueued. */
  readonly parentRunKey: string | null;
  readonly chunkIds: number;
  readonly jobs: readonly ({ readonly jobId: string } & RunJob)[];
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
export async function enqueueRun(
  db: Database,
  boss: Boss,
  options: { chunkIds: number },
): Promise<EnqueuedRun> {
  const chunkIds = parseOrThrow(z.number().int().min(1).max(1_000_000_000), options.chunkIds, '--chunk-ids');
  await ensureQueue(boss, RUN_QUEUE, RUN_QUEUE_OPTIONS);
  return withTransaction(db, async (connection) => {
    await connection.query('select pg_advisory_xact_lock(hashtext($1::text))', ['birth-lane.enqueue-run']);
    const pending = await boss.getQueueSize(RUN_QUEUE, { before: 'completed' });
    if (pending !== null && pending > 0) {
      throw new BirthLaneError(
        'STOP_CONDITION',
        `${pending} job(s) of an earlier enqueue-run still wait or run in queue ${RUN_QUEUE}; enqueueing again now ` +
          'would hand the same rows to two workers. Let the workers (birth-lane worker) finish them, then enqueue again.',
      );
    }
    const { rows } = await connection.query<{ first: string | null; last: string | null }>(
      `select min(id)::text as first, max(id)::text as last from public.birth_registry
        where certified = false and governance_role = 'governed'`,
    );
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
