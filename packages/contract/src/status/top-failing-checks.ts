import type { Queryable } from '../ports/queryable.js';
import { SELECT_TOP_FAILING_CHECKS_SQL } from '../sql/select-top-failing-checks.js';

export interface FailingCheck {
  readonly stage: string;
  readonly checkId: string;
  readonly rows: number;
}

/** The checks that fail most often, from the evidence log (under the given rule set, or recorded by the given run). */
export async function readTopFailingChecks(
  db: Queryable,
  options: { ruleSetHash?: string; runId?: string; limit?: number } = {},
): Promise<FailingCheck[]> {
  const { rows } = await db.query<{ stage: string; check_id: string; rows: number }>(
    SELECT_TOP_FAILING_CHECKS_SQL,
    [options.ruleSetHash ?? null, options.limit ?? 5, options.runId ?? null],
  );
  return rows.map((row) => ({ stage: row.stage, checkId: row.check_id, rows: row.rows }));
}
