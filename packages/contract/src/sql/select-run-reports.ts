/**
 * The newest run reports in the evidence log, newest first. Parameter: how many.
 * Ordered by the table's bigint column (`e.id`): the text output column would sort `85` after `16086`.
 */
export const SELECT_RUN_REPORTS_SQL = `select e.id::text as id, e.kind, e.recorded_at, e.recorded_by, e.payload
  from birth_lane.evidence e where e.kind = 'run_report' order by e.id desc limit $1::int`;
