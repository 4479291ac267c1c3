/**
 * The checks with the most inspection failures on record. Parameters: rule-set hash or null, how
 * many checks, run id or null.
 */
export const SELECT_TOP_FAILING_CHECKS_SQL = `select stage, check_id, count(*)::int as rows
  from birth_lane.evidence
 where kind = 'inspection_failure' and ($1::text is null or rule_set_hash = $1::text)
   and ($3::uuid is null or run_id = $3::uuid)
 group by stage, check_id
 order by count(*) desc, check_id
 limit $2::int`;
