import { randomUUID } from 'node:crypto';
import {
  type Database,
  DatabaseError,
  type EvidenceSink,
  PostgresEvidenceSink,
  type ProducerRunOptions,
  type RunReport,
  runReportSchema,
  SQLSTATE,
  sqlStateOf,
  withTransaction,
} from '@birth-lane/contract';
import { loadActiveRuleSet } from '../rules/rule-set-store.js';
import { BatchSizer } from './batch-sizer.js';
import { type BatchResult, producerBatchSql } from './batch-sql.js';
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
  /** Where the run report goes; the database's evidence log unless given. */
  readonly evidence?: EvidenceSink;
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
 * batch (each batch one transaction and one statement), then a run report appended to the
 * evidence log. With no active, valid rule set it stamps nothing and reports
 * `source_recovery_required`. Aborting `signal` stops after the batch in flight (`stopped`).
 */
export async function runProducer(db: Database, options: RunProducerOptions): Promise<RunReport> {
  const runId = randomUUID();
  const startedAt = new Date();
  const evidence = options.evidence ?? new PostgresEvidenceSink(db);
  const totals = {
    scanned: 0,
    skipped: 0,
    ambiguous: 0,
    passed: { pen: 0, stamp: 0, gate: 0 },
    failed: { pen: 0, stamp: 0, gate: 0 },
  };

  const finish = async (
    outcome: RunReport['outcome'],
    ruleSet: { version: string; hash: string } | null,
    detail?: string,
  ): Promise<RunReport> => {
    const report = runReportSchema.parse({
      runId,
      ruleSetVersion: ruleSet?.version ?? null,
      ruleSetHash: ruleSet?.hash ?? null,
      channel: options.channel,
      outcome,
      startedAt,
      endedAt: new Date(),
      ...totals,
      ...(detail ? { detail } : {}),
    });
    await evidence.append([{ kind: 'run_report', report }]);
    return report;
  };

  const active = await loadActiveRuleSet(db);
  if (!active.ok)
    return finish('source_recovery_required', null, `SOURCE_RECOVERY_REQUIRED: ${active.reason}`);
  const ruleSet = { version: active.ruleSet.version, hash: active.hash };

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
  const statement = producerBatchSql(active.ruleSet);
  const settings = {
    statement_timeout: `${tuning.statementTimeoutMs}ms`,
    lock_timeout: `${Math.min(2000, tuning.statementTimeoutMs)}ms`,
  };

  const range = await db.query<{ first: string | null; last: string | null }>(
    `select min(id)::text as first, max(id)::text as last from public.birth_registry
      where certified = false and ($1::bigint is null or id >= $1::bigint) and ($2::bigint is null or id <= $2::bigint)`,
    [options.idFrom ?? null, options.idTo ?? null],
  );
  const { first, last } = range.rows[0] ?? { first: null, last: null };
  if (first === null || last === null) return finish('completed', ruleSet);
  const chunks = new IdChunks(BigInt(first), BigInt(last), tuning.chunkIds, options.idTo === undefined);
  let stopReason: string | null = null;
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
              await connection.query<BatchResult>(statement, [
                runId,
                afterId,
                chunk.untilId,
                size,
                ruleSet.hash,
              ])
            ).rows[0]!,
          { settings },
        );
      } catch (error) {
        const state = sqlStateOf(error);
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
      ruleSet,
      `batch after id ${afterId} failed${state ? ` (SQLSTATE ${state})` : ''}: ${reason}`,
    ).catch(() => undefined);
    throw new DatabaseError(`Producer run ${runId} failed on the batch after id ${afterId}: ${reason}`, {
      cause: failure,
    });
  }
  return stopReason === null ? finish('completed', ruleSet) : finish('stopped', ruleSet, stopReason);
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
