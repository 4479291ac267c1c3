import type { Queryable } from '@birth-lane/contract';
import { z } from 'zod';
import { backlogErrorFrom } from './backlog-error.js';
import { ROLLBACK_START_SQL, ROLLBACK_STEP_SQL } from './sql/pass-queries.js';

const rollbackReportSchema = z.object({
  runId: z.string(),
  approvalRequestId: z.string(),
  cleared: z.object({ pen: z.number(), stamp: z.number(), gate: z.number() }),
  certifiedKept: z.number(),
  builtUponKept: z.number(),
  certifiedRowIds: z.array(z.string()),
  builtUponRowIds: z.array(z.string()),
  message: z.string(),
});
export type RollbackReport = z.infer<typeof rollbackReportSchema>;

const stepSchema = z.object({
  state: z.string(),
  throughId: z.string().optional(),
  report: rollbackReportSchema.optional(),
});

/** The approval scope a rollback of `runId` needs (action backlog_rollback). */
export function rollbackScope(runId: string): { runId: string } {
  return { runId };
}

/**
 * Rolls one pass back on its own approval (action backlog_rollback, scope `{ runId }`): clears exactly
 * the stamps the pass set, on rows not certified, one recorded batch per statement, through the stud
 * guard's sanctioned path. Certified rows are listed and left alone (undoing a certification is a
 * promotion-level decision), as are rows where a later stamp someone else set rests on the pass's.
 * The report is appended to the evidence log and returned. An interrupted rollback continues where
 * it stopped when called again with the same arguments.
 */
export async function rollbackPass(
  db: Queryable,
  runId: string,
  approvalId: string,
  options: { onProgress?: (throughId: string) => void } = {},
): Promise<RollbackReport> {
  try {
    const state = await db.query<{ state: string }>(
      'select state from birth_lane.backlog_passes where run_id = $1::uuid',
      [runId],
    );
    if (state.rows[0]?.state !== 'rolling_back') await db.query(ROLLBACK_START_SQL, [runId, approvalId]);
    for (;;) {
      const { rows } = await db.query<{ result: unknown }>(ROLLBACK_STEP_SQL, [runId]);
      const step = stepSchema.parse(rows[0]!.result);
      if (step.report) return step.report;
      if (step.state !== 'rolling_back') {
        throw new Error(`backlog pass ${runId} is ${step.state}, not being rolled back`);
      }
      if (step.throughId) options.onProgress?.(step.throughId);
    }
  } catch (error) {
    throw backlogErrorFrom(error, `rolling back backlog pass ${runId}`, 'backlog_rollback');
  }
}
