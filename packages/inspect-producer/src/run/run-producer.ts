import {
  type Database,
  DatabaseError,
  type ProducerRunOptions,
  REGISTRY_TABLE,
  type RunReport,
  runReportSchema,
  SQLSTATE,
  sqlStateOf,
  withTransaction,
} from '@birth-lane/contract';
import { loadActiveRuleSet } from '../rules/rule-set-store.js';
import { BatchSizer } from './batch-sizer.js';
import type { BatchResult } from './batch-sql.js';
import { IdChunks } from './id-chunks.js';

export interface ProducerTuning {
  /**
   * Batches run by this many connections at once, each walking its own claimed id chunk. Use up
   * to the database's spare cores; the pool must allow this many connections.
   */
  readonly concurrency?: number;
  /** Ids per claimed chunk when running concurrently. */
  readonly chunkIds?: number;
  /** Every producer statement runs under this statement_timeout (the field's limit is 5 s). */
  readonly statementTimeoutMs?: number;
  /** Batches are sized to take about this long; far inside the statement timeout. */
  readonly targetBatchMs?: number;
  readonly minBatchSize?: number;
  readonly maxBatchSize?: number;
}

export interface BatchObservation {
  readonly size: number;
  readonly taken: number;
  readonly elapsedMs: number;
  readonly lastId: string | null;
}

export interface RunProducerOptions extends ProducerRunOptions, ProducerTuning {
  readonly onBatch?: (batch: BatchObservation) => void;
}

const DEFAULTS = {
  statementTimeoutMs: 5000,
  targetBatchMs: 400,
  minBatchSize: 100,
  maxBatchSize: 20_000,
  batchSize: 2000,
  concurrency: 2,
  chunkIds: 100_000,
};
const RETRYABLE = new Set<string>([
  SQLSTATE.queryCanceled,
  SQLSTATE.deadlockDetected,
  SQLSTATE.serializationFailure,
  SQLSTATE.lockNotAvailable,
]);
const MAX_CONSECUTIVE_RETRIES = 8;

/**
 * One producer run over uncertified rows: PEN → STAMP → GATE under the active rule set, batch by
 * batch. The database does the inspecting and the bookkeeping: birth_lane.begin_run opens the run
 * (id, login and start time set by the server), each batch is one call of
 * birth_lane.inspect_batch (compiled from the active rule set; it judges, stamps, records
 * failures and counts, in one transaction), and birth_lane.finish_run appends the run report from
 * the server's counts. With no active, valid rule set it stamps nothing and reports
 * `source_recovery_required`. Aborting `signal` stops after the batch in flight (`stopped`).
 */
export async function runProducer(db: Database, options: RunProducerOptions): Promise<RunReport> {
  // Seen by this client only to bound the run (maxRows) and show progress; the report's counts are the server's.
  const totals = {
    scanned: 0,
    skipped: 0,
    ambiguous: 0,
    passed: { pen: 0, stamp: 0, gate: 0 },
    failed: { pen: 0, stamp: 0, gate: 0 },
  };
  const begun = await db.query<{ run_id: string }>('select birth_lane.begin_run($1::text) as run_id', [
    options.channel,
  ]);
  const runId = begun.rows[0]!.run_id;

  const finish = async (outcome: RunReport['outcome'], detail?: string): Promise<RunReport> => {
    const { rows } = await db.query<{ report: unknown }>(
      'select birth_lane.finish_run($1::uuid, $2::text, $3::text) as report',
      [runId, outcome, detail ?? null],
    );
    return runReportSchema.parse(rows[0]!.report);
  };

  const active = await loadActiveRuleSet(db);
  if (!active.ok) return finish('source_recovery_required', `SOURCE_RECOVERY_REQUIRED: ${active.reason}`);

  const tuning = {
    statementTimeoutMs: options.statementTimeoutMs ?? DEFAULTS.statementTimeoutMs,
    targetBatchMs: options.targetBatchMs ?? DEFAULTS.targetBatchMs,
    minBatchSize: options.minBatchSize ?? DEFAULTS.minBatchSize,
    maxBatchSize: options.maxBatchSize ?? DEFAULTS.maxBatchSize,
    batchSize: options.batchSize ?? DEFAULTS.batchSize,
    concurrency: Math.max(1, Math.min(16, options.concurrency ?? DEFAULTS.concurrency)),
    chunkIds: BigInt(options.chunkIds ?? DEFAULTS.chunkIds),
  };
  const sizer = new BatchSizer({
    initial: tuning.batchSize,
    min: tuning.minBatchSize,
    max: tuning.maxBatchSize,
    targetMs: tuning.targetBatchMs,
  });
  const settings = {
    statement_timeout: `${tuning.statementTimeoutMs}ms`,
    lock_timeout: `${Math.min(2000, tuning.statementTimeoutMs)}ms`,
  };

  const range = await db.query<{ first: string | null; last: string | null }>(
    `select min(id)::text as first, max(id)::text as last from ${REGISTRY_TABLE}
      where certified = false and ($1::bigint is null or id >= $1::bigint) and ($2::bigint is null or id <= $2::bigint)`,
    [options.idFrom ?? null, options.idTo ?? null],
  );
  const { first, last } = range.rows[0] ?? { first: null, last: null };
  if (first === null || last === null) return finish('completed');
  const chunks = new IdChunks(BigInt(first), BigInt(last), tuning.chunkIds, options.idTo === undefined);
  let stopReason: string | null = null;
  let sourceRecovery = false;
  let failure: unknown = null;

  const shouldStop = (): boolean => {
    if (failure !== null || stopReason !== null) return true;
    if (options.signal?.aborted) stopReason = 'stopped on request';
    else if (options.maxRows !== undefined && totals.scanned + totals.skipped >= options.maxRows) {
      stopReason = `row limit ${options.maxRows} reached`;
    }
    return stopReason !== null;
  };

  const walk = async (chunk: { afterId: string; untilId: string | null }): Promise<void> => {
    let afterId = chunk.afterId;
    let retries = 0;
    while (!shouldStop()) {
      const remaining =
        options.maxRows === undefined
          ? Number.POSITIVE_INFINITY
          : options.maxRows - totals.scanned - totals.skipped;
      const size = Math.max(1, Math.min(sizer.size, remaining));
      const began = performance.now();
      let batch: BatchResult;
      try {
        batch = await withTransaction(
          db,
          async (connection) =>
            (
              await connection.query<BatchResult>(
                'select * from birth_lane.inspect_batch($1::uuid, $2::bigint, $3::bigint, $4::int)',
                [runId, afterId, chunk.untilId, size],
              )
            ).rows[0]!,
          { settings },
        );
      } catch (error) {
        const state = sqlStateOf(error);
        if (state === SQLSTATE.laneViolation && constraintOf(error) === 'rule_set_not_compiled') {
          // The active rule set changed (or the inspection was never compiled): stamp nothing more.
          if (stopReason === null) {
            stopReason = (error as Error).message;
            sourceRecovery = true;
          }
          return;
        }
        if (state && RETRYABLE.has(state) && retries < MAX_CONSECUTIVE_RETRIES) {
          retries += 1;
          if (state === SQLSTATE.queryCanceled) sizer.timedOut();
          continue;
        }
        failure ??= Object.assign(error as object, { afterId });
        return;
      }
      retries = 0;
      const elapsedMs = performance.now() - began;
      sizer.record(batch.taken, elapsedMs);
      options.onBatch?.({ size, taken: batch.taken, elapsedMs, lastId: batch.last_id });
      if (batch.taken === 0 || batch.last_id === null) return;
      accumulate(totals, batch);
      afterId = batch.last_id;
      options.onProgress?.({ scanned: totals.scanned + totals.skipped, lastId: afterId });
    }
  };

  const worker = async (): Promise<void> => {
    for (let chunk = chunks.claim(); chunk !== null && !shouldStop(); chunk = chunks.claim())
      await walk(chunk);
  };
  await Promise.all(Array.from({ length: tuning.concurrency }, worker));

  if (failure !== null) {
    const state = sqlStateOf(failure);
    const afterId = (failure as { afterId?: string }).afterId;
    const reason = failure instanceof Error ? failure.message : String(failure);
    await finish(
      'failed',
      `batch after id ${afterId} failed${state ? ` (SQLSTATE ${state})` : ''}: ${reason}`,
    ).catch(() => undefined);
    throw new DatabaseError(`Producer run ${runId} failed on the batch after id ${afterId}: ${reason}`, {
      cause: failure,
    });
  }
  if (stopReason === null) return finish('completed');
  // finish_run reports a run that passed rows before the rule set went away as stopped.
  return finish(sourceRecovery ? 'source_recovery_required' : 'stopped', stopReason);
}

/** The `constraint` field of a PostgreSQL error: which lane rule a BL001 refusal names. */
function constraintOf(error: unknown): string | undefined {
  const constraint = (error as { constraint?: unknown } | null)?.constraint;
  return typeof constraint === 'string' ? constraint : undefined;
}

function accumulate(
  totals: {
    scanned: number;
    skipped: number;
    ambiguous: number;
    passed: Record<'pen' | 'stamp' | 'gate', number>;
    failed: Record<'pen' | 'stamp' | 'gate', number>;
  },
  batch: BatchResult,
): void {
  totals.scanned += batch.scanned;
  totals.skipped += batch.skipped;
  totals.ambiguous += batch.ambiguous;
  totals.passed.pen += batch.passed_pen;
  totals.passed.stamp += batch.passed_stamp;
  totals.passed.gate += batch.passed_gate;
  totals.failed.pen += batch.failed_pen;
  totals.failed.stamp += batch.failed_stamp;
  totals.failed.gate += batch.failed_gate;
}
