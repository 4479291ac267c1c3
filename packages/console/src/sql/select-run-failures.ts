/** One inspection failure as the console lists it. */
export interface FailureListRow {
  readonly id: string;
  readonly recorded_at: Date;
  readonly run_id: string | null;
  readonly row_id: string | null;
  readonly entity_code: string | null;
  readonly stage: string | null;
  readonly check_id: string | null;
  readonly message: string | null;
}

const COLUMNS = `e.id::text as id, e.recorded_at, e.run_id::text as run_id, e.row_id::text as row_id,
       e.entity_code, e.stage, e.check_id, e.message`;

/**
 * One run's failures counted by check (evidence_console_run_failures_idx: the run's failures only,
 * never the whole log). Parameter: run id.
 */
export const SELECT_RUN_FAILURES_BY_CHECK_SQL = `select e.stage, e.check_id, count(*)::int as rows
  from birth_lane.evidence e
 where e.run_id = $1::uuid and e.kind = 'inspection_failure'
 group by e.stage, e.check_id
 order by count(*) desc, e.check_id`;

/**
 * One run's failures after an evidence id, in id order (keyset pagination: page N costs what page 1
 * costs). Parameters: run id, after id (0 for the first page), how many.
 */
export const SELECT_RUN_FAILURES_SQL = `select ${COLUMNS}
  from birth_lane.evidence e
 where e.run_id = $1::uuid and e.kind = 'inspection_failure' and e.id > $2::bigint
 order by e.id
 limit $3::int`;

/** The same, for one check of the run. Parameters: run id, check id, after id, how many. */
export const SELECT_RUN_CHECK_FAILURES_SQL = `select ${COLUMNS}
  from birth_lane.evidence e
 where e.run_id = $1::uuid and e.kind = 'inspection_failure' and e.check_id = $2::text and e.id > $3::bigint
 order by e.id
 limit $4::int`;

/**
 * The checks failing most over a recent window (evidence_console_recent_failures_idx: only the
 * window's failures are read, from the index). `now()`, not clock_timestamp(): a volatile bound
 * cannot be an index condition. Parameters: window in seconds, how many checks.
 */
export const SELECT_TOP_CHECKS_IN_WINDOW_SQL = `select e.stage, e.check_id, count(*)::int as rows, max(e.recorded_at) as last_at
  from birth_lane.evidence e
 where e.kind = 'inspection_failure' and e.recorded_at >= now() - make_interval(secs => $1::float8)
 group by e.stage, e.check_id
 order by count(*) desc, e.check_id
 limit $2::int`;

/**
 * One check's failures in the window, newest first, before an evidence id (keyset;
 * evidence_console_check_failures_idx). Parameters: check id, window in seconds, before id, how many.
 */
export const SELECT_CHECK_FAILURES_IN_WINDOW_SQL = `select ${COLUMNS}
  from birth_lane.evidence e
 where e.kind = 'inspection_failure' and e.check_id = $1::text and e.id < $3::bigint
   and e.recorded_at >= now() - make_interval(secs => $2::float8)
 order by e.id desc
 limit $4::int`;
