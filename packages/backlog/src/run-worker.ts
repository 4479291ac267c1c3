import { type Database, SQLSTATE, sqlStateOf, withTransaction } from '@birth-lane/contract';
import { z } from 'zod';
import { backlogErrorFrom } from './backlog-error.js';
import { nextBatchSize } from './batch-size.js';
import { CLAIM_SLICE_SQL, OPEN_SLICES_SQL, RUN_BATCH_SQL } from './sql/pass-queries.js';

export interface WorkerOptions {
  readonly batchSize?: number;
  readonly minBatchSize?: number;
  readonly maxBatchSize?: number;
  /** Batches are sized to take about this long, far inside the statement timeout. */
  readonly targetBatchMs?: number;
  /** Every statement runs under this statement_timeout (the field's limit is 5 s). */
  readonly statementTimeoutMs?: number;
  /** Stop after the batch in flight (it commits or rolls back whole). */
  readonly signal?: AbortSignal;
  /** How long to wait before looking again when every open slice is leased by another worker. */
  readonly idleMs?: number;
  /** Called after each committed batch; the worker waits for a returned promise before the next. */
  readonly onBatch?: (batch: WorkerBatch) => void | Promise<void>;
}

export interface WorkerBatch {
  readonly slice: string;
  readonly taken: number;
  readonly scanned: number;
  readonly lastId: string | null;
  readonly elapsedMs: number;
}

export interface WorkerOutcome {
  /** The pass's state when the worker left: done, paused, stopped, … or `aborted` (the signal). */
  readonly state: string;
  readonly detail: string | null;
  readonly batches: number;
  readonly taken: number;
  readonly maxBatchMs: number;
}

const batchResultSchema = z.object({
  status: z.string(),
  detail: z.string().nullish(),
  taken: z.number().optional(),
  scanned: z.number().optional(),
  lastId: z.string().nullish(),
  sliceDone: z.boolean().nullish(),
  passState: z.string().optional(),
});

const RETRYABLE = new Set<string>([
  SQLSTATE.queryCanceled,
  SQLSTATE.deadlockDetected,
  SQLSTATE.serializationFailure,
]);

/**
 * How often one batch waits again for a row another session holds (each wait is the lock_timeout,
 * 2 s, plus a pause): about ten minutes, after which the worker reports the error and a resumed
 * worker tries again. The batch never skips the row.
 */
const LOCK_WAIT_RETRIES = 200;

/**
 * One worker of a pass, in this process: lease a slice, walk it batch by batch (each batch one
 * transaction: approval re-check, inspection, stamp-time record, cursor move), lease the next, until
 * the pass is no longer running. Any number of these may run on one pass, in any processes on any
 * hosts (each pg-boss job may run one), as the login that started the pass. Killed at any moment,
 * it loses at most its uncommitted batch; another worker (or this one, resumed) continues from the
 * slice's cursor once the lease lapses (30 s) or `resumePass` hands the leases back.
 */
export async function runWorker(
  db: Database,
  runId: string,
  options: WorkerOptions = {},
): Promise<WorkerOutcome> {
  const bounds = {
    min: options.minBatchSize ?? 100,
    max: options.maxBatchSize ?? 20_000,
    targetMs: options.targetBatchMs ?? 400,
  };
  const settings = {
    statement_timeout: `${options.statementTimeoutMs ?? 5000}ms`,
    lock_timeout: `${Math.min(2000, options.statementTimeoutMs ?? 5000)}ms`,
  };
  let size = Math.max(bounds.min, Math.min(bounds.max, options.batchSize ?? 2000));
  const totals = { batches: 0, taken: 0, maxBatchMs: 0 };
  const outcome = (state: string, detail: string | null = null): WorkerOutcome => ({
    state,
    detail,
    ...totals,
  });

  try {
    for (;;) {
      if (options.signal?.aborted) return outcome('aborted', 'stopped on request');
      const claim = (
        await db.query<{ worker_name: string; lease_token: string; watermark: string; through_id: string }>(
          CLAIM_SLICE_SQL,
          [runId],
        )
      ).rows[0];
      if (!claim) {
        const pass = (await db.query<{ state: string; open_slices: number }>(OPEN_SLICES_SQL, [runId]))
          .rows[0];
        if (pass?.state !== 'running' || pass.open_slices === 0) return outcome(pass?.state ?? 'unknown');
        // Every open slice is leased by a live worker (or one whose lease has not lapsed yet).
        await sleep(options.idleMs ?? 1000, options.signal);
        continue;
      }
      let retries = 0;
      let lockWaits = 0;
      for (;;) {
        if (options.signal?.aborted) return outcome('aborted', 'stopped on request');
        const began = performance.now();
        let raw: unknown;
        try {
          raw = await withTransaction(
            db,
            async (connection) =>
              (
                await connection.query<{ result: unknown }>(RUN_BATCH_SQL, [
                  runId,
                  claim.worker_name,
                  claim.lease_token,
                  size,
                ])
              ).rows[0]!.result,
            { settings },
          );
        } catch (error) {
          const state = sqlStateOf(error);
          // A row of the batch held by another session (lock_timeout): the batch waits for it
          // rather than skip it, so look again after a pause, for as long as LOCK_WAIT_RETRIES allow.
          if (state === SQLSTATE.lockNotAvailable && lockWaits < LOCK_WAIT_RETRIES) {
            lockWaits += 1;
            await sleep(options.idleMs ?? 1000, options.signal);
            continue;
          }
          if (state && RETRYABLE.has(state) && retries < 8) {
            retries += 1;
            if (state === SQLSTATE.queryCanceled) size = Math.max(bounds.min, Math.floor(size / 2));
            continue;
          }
          throw error;
        }
        retries = 0;
        lockWaits = 0;
        const elapsedMs = performance.now() - began;
        const result = batchResultSchema.parse(raw);
        if (result.status !== 'ok') {
          if (result.status === 'lease_lost' || result.status === 'slice_done') break;
          return outcome(result.status, result.detail ?? null);
        }
        const taken = result.taken ?? 0;
        if (taken > 0) {
          totals.batches += 1;
          totals.taken += taken;
          totals.maxBatchMs = Math.max(totals.maxBatchMs, elapsedMs);
          await options.onBatch?.({
            slice: claim.worker_name,
            taken,
            scanned: result.scanned ?? 0,
            lastId: result.lastId ?? null,
            elapsedMs,
          });
        }
        const asked = size;
        size = nextBatchSize({ size: asked, taken, elapsedMs }, bounds);
        if (result.passState && result.passState !== 'running') return outcome(result.passState);
        if (result.sliceDone) break;
      }
    }
  } catch (error) {
    throw backlogErrorFrom(error, `backlog pass ${runId}: a worker's batch`);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
