/** One inspection failure as its typed columns hold it (the columns, not the payload, are what filters use). */
export interface InspectionFailureRow {
  readonly id: string;
  readonly recorded_at: Date;
  readonly run_id: string | null;
  readonly row_id: string | null;
  readonly entity_code: string | null;
  readonly stage: string | null;
  readonly check_id: string | null;
  readonly rule_set_hash: string | null;
  readonly message: string | null;
}

/**
 * Inspection failures, newest first by the bigint id. Parameters: run id or null, age in seconds
 * or null, check id or null, how many rows.
 */
export const SELECT_INSPECTION_FAILURES_SQL = `select e.id::text as id, e.recorded_at, e.run_id::text as run_id, e.row_id::text as row_id,
       e.entity_code, e.stage, e.check_id, e.rule_set_hash, e.message
  from birth_lane.evidence e
 where e.kind = 'inspection_failure'
   and ($1::uuid is null or e.run_id = $1::uuid)
   and ($2::float8 is null or e.recorded_at >= clock_timestamp() - make_interval(secs => $2::float8))
   and ($3::text is null or e.check_id = $3::text)
 order by e.id desc
 limit $4::int`;
