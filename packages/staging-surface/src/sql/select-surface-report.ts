/**
 * The surface's counts as its rows stand now. A stamp counts as passed in staging when it is no
 * earlier than the surface's creation: loaded (historical) stamps are earlier by construction
 * (fixtures refuse stamps in the future), stamps of a staging run are later. $1 the creation time.
 */
export function selectSurfaceCountsSql(input: string, evidence: string): string {
  return `
select count(*)::int as rows,
       count(*) filter (where not i.certified and i.governance_role = 'governed')::int as scanned,
       count(*) filter (where not i.certified and i.governance_role is distinct from 'governed')::int as skipped,
       count(*) filter (where i.certified)::int as skipped_certified,
       count(*) filter (where not i.certified and i.governance_role = 'governed'
                          and birth_lane.inspect_state(i.inspect_pen, i.inspect_stamp, i.inspect_gate) = 'ambiguous')::int as ambiguous,
       count(*) filter (where i.inspect_pen >= $1::timestamptz)::int as passed_pen,
       count(*) filter (where i.inspect_stamp >= $1::timestamptz)::int as passed_stamp,
       count(*) filter (where i.inspect_gate >= $1::timestamptz)::int as passed_gate,
       (select count(distinct e.row_id) from ${evidence} e where e.kind = 'inspection_failure' and e.stage = 'pen')::int as failed_pen,
       (select count(distinct e.row_id) from ${evidence} e where e.kind = 'inspection_failure' and e.stage = 'stamp')::int as failed_stamp,
       (select count(distinct e.row_id) from ${evidence} e where e.kind = 'inspection_failure' and e.stage = 'gate')::int as failed_gate,
       (select count(*) from ${evidence} e where e.kind = 'run_report')::int as runs,
       (select count(*) from ${evidence} e where e.kind = 'inspection_failure'
          and (e.row_id is null or e.stage is null or e.check_id is null))::int as malformed_evidence
  from ${input} i`;
}

export function selectTopChecksSql(evidence: string): string {
  return `select e.stage, e.check_id, count(distinct e.row_id)::int as rows
  from ${evidence} e where e.kind = 'inspection_failure' and e.stage is not null and e.check_id is not null
 group by e.stage, e.check_id order by rows desc, e.check_id limit 10`;
}

/** The first failures (and ambiguous rows) by row id, bounded by $1. */
export function selectFailuresSql(input: string, evidence: string): string {
  return `select e.row_id::text as row_id, i.entity_code, e.kind, e.stage, e.check_id, e.message
  from ${evidence} e left join ${input} i on i.id = e.row_id
 where e.kind in ('inspection_failure', 'ambiguous_row') and e.row_id is not null
 order by e.row_id, e.id limit $1::int`;
}

/** Candidate stamps against production's current stamps, per stage, for a sampled surface. */
export function selectProductionComparisonSql(input: string): string {
  const stage = (column: string) => `
       count(*) filter (where p.id is not null and (i.${column} is null) = (p.${column} is null))::int as ${column}_agree,
       count(*) filter (where p.id is not null and i.${column} is not null and p.${column} is null)::int as ${column}_staging_only,
       count(*) filter (where p.id is not null and i.${column} is null and p.${column} is not null)::int as ${column}_production_only`;
  return `select count(*)::int as rows, count(*) filter (where p.id is null)::int as missing_in_production,
       ${stage('inspect_pen')}, ${stage('inspect_stamp')}, ${stage('inspect_gate')}
  from ${input} i left join public.birth_registry p on p.id = i.id`;
}
