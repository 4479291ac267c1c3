/** A record of the evidence log about one row, with its typed columns and its payload. */
export interface RowEvidenceRow {
  readonly id: string;
  readonly kind: string;
  readonly recorded_at: Date;
  readonly recorded_by: string;
  readonly run_id: string | null;
  readonly stage: string | null;
  readonly check_id: string | null;
  readonly rule_set_hash: string | null;
  readonly message: string | null;
  readonly payload: unknown;
}

/** What the log says about one row (parameter: its id): failures, ambiguity, promotion requests, oldest first. */
export const SELECT_ROW_EVIDENCE_SQL = `select e.id::text as id, e.kind, e.recorded_at, e.recorded_by, e.run_id::text as run_id, e.stage,
       e.check_id, e.rule_set_hash, e.message, e.payload
  from birth_lane.evidence e
 where e.row_id = $1::bigint and e.kind in ('inspection_failure', 'ambiguous_row', 'promotion_requested')
 order by e.id`;
