import type { Queryable } from '../ports/queryable.js';
import {
  type InspectionFailureRow,
  SELECT_INSPECTION_FAILURES_SQL,
} from '../sql/select-inspection-failures.js';

export interface FailureOnRecord {
  readonly evidenceId: string;
  readonly recordedAt: string;
  readonly runId: string | null;
  readonly rowId: string | null;
  readonly entityCode: string | null;
  readonly stage: string | null;
  readonly checkId: string | null;
  readonly ruleSetHash: string | null;
  readonly message: string | null;
}

export interface FailureFilter {
  readonly runId?: string;
  readonly sinceSeconds?: number;
  readonly checkId?: string;
  readonly limit: number;
}

export interface FailuresOnRecord {
  readonly failures: FailureOnRecord[];
  /** More failures match than `limit`. */
  readonly more: boolean;
}

/**
 * Inspection failures on record, newest first, filtered by run, age and check. Read from the
 * log's typed columns (what the filters and the failure-once index use), so every failure on
 * record is listed, whatever its payload holds.
 */
export async function readFailures(db: Queryable, filter: FailureFilter): Promise<FailuresOnRecord> {
  const { rows } = await db.query<InspectionFailureRow>(SELECT_INSPECTION_FAILURES_SQL, [
    filter.runId ?? null,
    filter.sinceSeconds ?? null,
    filter.checkId ?? null,
    filter.limit + 1,
  ]);
  return {
    more: rows.length > filter.limit,
    failures: rows.slice(0, filter.limit).map((row) => ({
      evidenceId: row.id,
      recordedAt: row.recorded_at.toISOString(),
      runId: row.run_id,
      rowId: row.row_id,
      entityCode: row.entity_code,
      stage: row.stage,
      checkId: row.check_id,
      ruleSetHash: row.rule_set_hash,
      message: row.message,
    })),
  };
}
