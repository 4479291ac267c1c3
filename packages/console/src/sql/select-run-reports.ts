/**
 * Run reports, newest first, a page at a time: served by evidence_kind_recorded_idx
 * (kind, recorded_at), read backwards. Parameters: how many, how many to skip.
 */
export const SELECT_RUN_REPORT_PAGE_SQL = `select e.id::text as id, e.kind, e.recorded_at, e.recorded_by, e.payload
  from birth_lane.evidence e
 where e.kind = 'run_report'
 order by e.recorded_at desc, e.id desc
 limit $1::int offset $2::int`;

/** One run's report, by run id (evidence_run_id_idx). */
export const SELECT_RUN_REPORT_SQL = `select e.id::text as id, e.kind, e.recorded_at, e.recorded_by, e.payload
  from birth_lane.evidence e
 where e.run_id = $1::uuid and e.kind = 'run_report'
 order by e.id desc
 limit 1`;
