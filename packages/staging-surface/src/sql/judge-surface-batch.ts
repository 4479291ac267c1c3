import { INSPECT_STAGES, quoteLiteral, type RuleSet } from '@birth-lane/contract';
import type { CompiledStages } from '../resolve-rule-set.js';

/**
 * One batch of a surface run as ONE statement, with production's inspection semantics
 * (inspect-producer's producerBatchSql, mirrored on purpose: a block may not import the producer;
 * the app's differential test holds the two to the same results):
 *  - rows in id order from $1 (exclusive), at most $2, locked so two runs never judge one row;
 *  - certified rows and rows not `governed` are skipped and counted;
 *  - a row's next stage comes from its stamps: none → PEN, PEN → STAMP, PEN+STAMP → GATE;
 *    anything else is ambiguous: recorded, never continued;
 *  - a stage is judged only when the previous one is stamped or was just passed; a stamp is set
 *    only on a genuine pass, at one server time per batch (clock_timestamp), so pen ≤ stamp ≤ gate;
 *  - each failed check is appended to the surface's evidence once per row, check and rule set.
 * The stage expressions come from the production compiler (InspectionCompiler.stageFailuresSql)
 * over the alias `k`, whose columns carry the registry's types. Production's stud guard on
 * `input` refuses any stamp this statement would set out of order.
 * Parameters: $1 after id (bigint), $2 batch size (int), $3 run id (uuid), $4 rule set hash (text).
 */
export function judgeSurfaceBatchSql(
  inputTable: string,
  evidenceTable: string,
  ruleSet: RuleSet,
  stages: CompiledStages,
): string {
  return `
with clock as materialized (select clock_timestamp() as at),
candidate as (
  select r.id, r.entity_code, r.collection_name, r.species_code, r.dot_origin, r.born_at, r.name, r.description,
         r.status, r.governance_role, r.certified, r.inspect_pen, r.inspect_stamp, r.inspect_gate
    from ${inputTable} r
   where r.id > $1::bigint
   order by r.id
   limit $2::int
   for update of r
),
classified as (
  select c.*,
         case
           when c.certified then 'certified'
           when c.governance_role is distinct from 'governed' then 'skipped'
           when c.inspect_pen is null and c.inspect_stamp is null and c.inspect_gate is null then 'pen'
           when c.inspect_pen is not null and c.inspect_stamp is null and c.inspect_gate is null then 'stamp'
           when c.inspect_pen is not null and c.inspect_stamp is not null and c.inspect_gate is null
                and c.inspect_pen <= c.inspect_stamp then 'gate'
           when c.inspect_pen is not null and c.inspect_stamp is not null and c.inspect_gate is not null
                and c.inspect_pen <= c.inspect_stamp and c.inspect_stamp <= c.inspect_gate then 'complete'
           else 'ambiguous'
         end as next_stage
    from candidate c
),
judged as materialized (
  select k.id, k.entity_code, k.next_stage, k.inspect_pen, k.inspect_stamp, k.inspect_gate,
         case when k.next_stage = 'pen' then ${stages.pen} end as pen_raw,
         case when k.next_stage in ('pen', 'stamp') then ${stages.stamp} end as stamp_raw,
         case when k.next_stage in ('pen', 'stamp', 'gate') then ${stages.gate} end as gate_raw
    from classified k
),
verdict as not materialized (
  select j.*,
         j.pen_raw as pen_failures,
         case when j.next_stage = 'stamp' or cardinality(j.pen_raw) = 0 then j.stamp_raw end as stamp_failures,
         case when j.next_stage = 'gate'
                or ((j.next_stage = 'stamp' or cardinality(j.pen_raw) = 0) and cardinality(j.stamp_raw) = 0)
              then j.gate_raw end as gate_failures,
         coalesce(cardinality(j.pen_raw) = 0, false) as pen_new,
         coalesce((j.next_stage = 'stamp' or cardinality(j.pen_raw) = 0) and cardinality(j.stamp_raw) = 0, false) as stamp_new,
         coalesce((j.next_stage = 'gate'
                   or ((j.next_stage = 'stamp' or cardinality(j.pen_raw) = 0) and cardinality(j.stamp_raw) = 0))
                  and cardinality(j.gate_raw) = 0, false) as gate_new
    from judged j
),
stamped as (
  update ${inputTable} r
     set inspect_pen = case when v.pen_new then (select at from clock) else r.inspect_pen end,
         inspect_stamp = case when v.stamp_new then (select at from clock) else r.inspect_stamp end,
         inspect_gate = case when v.gate_new then (select at from clock) else r.inspect_gate end
    from verdict v
   where v.id = r.id and (v.pen_new or v.stamp_new or v.gate_new)
  returning r.id
),
failed_check as (
  select v.id, f.stage, f.check_id
    from verdict v
    cross join lateral (
      select 'pen' as stage, unnest(v.pen_failures) as check_id
      union all select 'stamp', unnest(v.stamp_failures)
      union all select 'gate', unnest(v.gate_failures)
    ) f
),
failure_evidence as (
  insert into ${evidenceTable} (run_id, kind, row_id, stage, check_id, rule_set_hash, message)
  select $3::uuid, 'inspection_failure', fc.id, fc.stage, fc.check_id, $4::text, ${checkMessageSql(ruleSet, 'fc.check_id')}
    from failed_check fc
  on conflict (row_id, check_id, rule_set_hash) where kind in ('inspection_failure', 'ambiguous_row') do nothing
  returning 1
),
ambiguous_evidence as (
  insert into ${evidenceTable} (run_id, kind, row_id, check_id, rule_set_hash, message)
  select $3::uuid, 'ambiguous_row', a.id, 'ambiguous:' || a.reason, $4::text, a.reason
    from (
      -- the reasons production's inspection records, word for word
      select v.id,
             case
               when v.inspect_pen is null and v.inspect_stamp is not null then 'stamp_without_pen'
               when v.inspect_pen is null then 'gate_without_pen'
               when v.inspect_stamp is null then 'gate_without_stamp'
               else 'stamps_out_of_order'
             end as reason
        from verdict v
       where v.next_stage = 'ambiguous'
    ) a
  on conflict (row_id, check_id, rule_set_hash) where kind in ('inspection_failure', 'ambiguous_row') do nothing
  returning 1
)
select count(*)::int as taken,
       count(*) filter (where next_stage not in ('skipped', 'certified'))::int as scanned,
       count(*) filter (where next_stage = 'skipped')::int as skipped,
       count(*) filter (where next_stage = 'certified')::int as skipped_certified,
       count(*) filter (where next_stage = 'ambiguous')::int as ambiguous,
       count(*) filter (where pen_new)::int as passed_pen,
       count(*) filter (where stamp_new)::int as passed_stamp,
       count(*) filter (where gate_new)::int as passed_gate,
       count(*) filter (where cardinality(pen_failures) > 0)::int as failed_pen,
       count(*) filter (where cardinality(stamp_failures) > 0)::int as failed_stamp,
       count(*) filter (where cardinality(gate_failures) > 0)::int as failed_gate,
       max(id)::text as last_id,
       (select count(*) from stamped)::int as stamped_rows,
       (select count(*) from failure_evidence)::int + (select count(*) from ambiguous_evidence)::int as evidence_appended
  from verdict`;
}

/** The evidence message of a failed check: its own message, else its kind and field. */
function checkMessageSql(ruleSet: RuleSet, checkIdExpression: string): string {
  const branches = INSPECT_STAGES.flatMap((stage) =>
    ruleSet.stages[stage].map((check) => {
      const said =
        check.message ?? `${check.kind} check${'field' in check ? ` on ${check.field}` : ''} failed`;
      return `when ${quoteLiteral(check.id)} then ${quoteLiteral(said)}`;
    }),
  );
  return `case ${checkIdExpression} ${branches.join(' ')} else 'unknown check ' || ${checkIdExpression} end`;
}

export interface SurfaceBatchRow {
  taken: number;
  scanned: number;
  skipped: number;
  skipped_certified: number;
  ambiguous: number;
  passed_pen: number;
  passed_stamp: number;
  passed_gate: number;
  failed_pen: number;
  failed_stamp: number;
  failed_gate: number;
  last_id: string | null;
  stamped_rows: number;
  evidence_appended: number;
}
