import { REGISTRY_TABLE } from '../registry-row.js';
import { inspectStateOf, isCanonicalCollection } from './lane-functions.js';

export interface BacklogByCauseRow {
  readonly never: number;
  readonly pen: number;
  readonly stamp: number;
  readonly gate: number;
  readonly ambiguous: number;
  readonly awaiting: number;
  readonly progress: number;
}

/**
 * Why each uncertified governed row is not certified yet, counted so the causes add up to the
 * backlog: ambiguous first, then the earliest stage failing under the given rule set (parameter:
 * its hash, or null), then awaiting promotion, never inspected, in progress.
 * Whether a collection is canonical is asked once per distinct collection of the complete rows
 * (MATERIALIZED, so the planner cannot push the question back down to every row): it is a
 * function call the planner cannot inline, and costed per row it tips a large backlog's plan over
 * jit_above_cost, where JIT compiling takes longer than the query.
 */
export const SELECT_BACKLOG_BY_CAUSE_SQL = `with failing as (
  select row_id, min(case stage when 'pen' then 1 when 'stamp' then 2 else 3 end) as stage
    from birth_lane.evidence
   where kind = 'inspection_failure' and rule_set_hash = $1::text
   group by row_id),
backlog as (
  select (${inspectStateOf('r')} = 'ambiguous') as is_ambiguous, f.stage, r.collection_name,
         r.inspect_pen is null and r.inspect_stamp is null and r.inspect_gate is null as unstamped,
         r.inspect_pen is not null and r.inspect_stamp is not null and r.inspect_gate is not null as complete
    from ${REGISTRY_TABLE} r left join failing f on f.row_id = r.id
   where not r.certified and r.governance_role = 'governed'),
complete_collections as materialized (select distinct collection_name from backlog where complete),
canonical as materialized (
  select c.collection_name from complete_collections c where ${isCanonicalCollection('c.collection_name')}),
judged as (
  select b.*, b.complete and b.collection_name in (select collection_name from canonical) as awaits_promotion
    from backlog b)
select count(*) filter (where not is_ambiguous and stage is null and unstamped)::int as never,
       count(*) filter (where not is_ambiguous and stage = 1)::int as pen,
       count(*) filter (where not is_ambiguous and stage = 2)::int as stamp,
       count(*) filter (where not is_ambiguous and stage = 3)::int as gate,
       count(*) filter (where is_ambiguous)::int as ambiguous,
       count(*) filter (where not is_ambiguous and stage is null and awaits_promotion)::int as awaiting,
       count(*) filter (where not is_ambiguous and stage is null and not unstamped and not awaits_promotion)::int as progress
  from judged`;
