import { REGISTRY_TABLE, type RuleSet } from '@birth-lane/contract';
import { compileStageFailuresSql } from '../rules/compile-sql.js';
import { failureMessageSql } from './failure-message-sql.js';

/** The batch statement's inputs, each an SQL expression (a parameter or a variable name). */
export interface BatchInputs {
  readonly runId: string;
  readonly afterId: string;
  readonly untilId: string;
  readonly batchSize: string;
  readonly ruleSetHash: string;
  readonly now: string;
}

const PARAMETERS: BatchInputs = {
  runId: '$1::uuid',
  afterId: '$2::bigint',
  untilId: '$3::bigint',
  batchSize: '$4::int',
  ruleSetHash: '$5::text',
  now: '$6::timestamptz',
};

/**
 * One producer batch as ONE statement, so a whole batch is judged and stamped set-based inside the
 * database. It runs only inside birth_lane.inspect_batch (see inspect-batch-sql.ts), the SECURITY
 * DEFINER function an activation compiles: lane roles cannot write stamps or evidence themselves.
 * Its inputs (BatchInputs) are SQL expressions: by default the parameters $1 run id (uuid), $2 walk
 * after this id (bigint, never null), $3 stop at this id (bigint, null = no bound), $4 batch size
 * (int), $5 rule set hash (text), $6 the batch's time (timestamptz; inspect_batch takes
 * clock_timestamp() once when the batch starts). inspect_batch passes its own variables instead, so
 * the statement is static PL/pgSQL, prepared once per session. Tables are schema-qualified;
 * the built-in functions it calls resolve through the function's pinned search_path (pg_catalog
 * first, pg_temp never for functions).
 *
 * How it keeps the stud:
 *  - rows are taken in id order and locked with SKIP LOCKED, so concurrent producers never judge
 *    a row another one holds;
 *  - a row's next stage comes from its current stamps: none → PEN, PEN → STAMP, PEN+STAMP → GATE;
 *    anything else is ambiguous, recorded, and left alone; observed rows are counted as skipped;
 *  - a stage is judged only when the previous stamp is set or was just earned in this batch, and a
 *    stamp is written only where its stage passed and the column is NULL;
 *  - all stamps earned in one batch get the same time (`now`), which is also the "now" of the
 *    not-in-the-future checks, so pen ≤ stamp ≤ gate holds;
 *  - each failed check is appended once per row, check and rule set (ON CONFLICT DO NOTHING on the
 *    evidence log's failure index), so a second run appends no duplicates.
 * Each stage's checks are evaluated once per row in `judged` (MATERIALIZED on purpose: inlined, the
 * later conditions would repeat the check expressions and evaluate them several times); which
 * results count is decided afterwards from those arrays, in `verdict`, which is cheap enough to
 * recompute wherever it is read. `judged` keeps only what later steps need, not the row's text
 * fields: a failure's message reads them from `candidate`, for the few rows that failed. Checks of
 * a later stage are evaluated even when an earlier one fails, and then ignored: cheaper than a
 * chain of dependent scans.
 * It never touches `certified`: that is the certify consumer's trigger's job.
 *
 * `inputs` are pasted into the SQL as written: pass parameters or variable names, never text from
 * outside the program.
 */
export function producerBatchSql(ruleSet: RuleSet, inputs: BatchInputs = PARAMETERS): string {
  const { runId, afterId, untilId, batchSize, ruleSetHash, now } = inputs;
  const failures = (stage: 'pen' | 'stamp' | 'gate') => compileStageFailuresSql(ruleSet, stage, 'k', { now });
  return `
with candidate as (
  select r.ctid as row_ctid, r.id, r.entity_code, r.collection_name, r.species_code, r.dot_origin, r.born_at, r.name,
         r.description, r.status, r.governance_role, r.inspect_pen, r.inspect_stamp, r.inspect_gate
    from ${REGISTRY_TABLE} r
   where r.certified = false
     -- Both bounds as plain comparisons (no "is null or"), so a plan made once serves every batch
     -- with an index range, including a chunk's last batch, which must not scan on past its end.
     and r.id > ${afterId}
     and r.id <= coalesce(${untilId}, 9223372036854775807)
   order by r.id
   limit ${batchSize}
   for update of r skip locked
),
classified as (
  select c.*,
         case
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
  select k.row_ctid, k.id, k.entity_code, k.next_stage, k.inspect_pen, k.inspect_stamp, k.inspect_gate,
         case when k.next_stage = 'pen' then ${failures('pen')} end as pen_raw,
         case when k.next_stage in ('pen', 'stamp') then ${failures('stamp')} end as stamp_raw,
         case when k.next_stage in ('pen', 'stamp', 'gate') then ${failures('gate')} end as gate_raw
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
  update ${REGISTRY_TABLE} r
     set inspect_pen = case when v.pen_new then ${now} else r.inspect_pen end,
         inspect_stamp = case when v.stamp_new then ${now} else r.inspect_stamp end,
         inspect_gate = case when v.gate_new then ${now} else r.inspect_gate end
    from verdict v
   -- Found by ctid: the rows are locked since the candidate scan, so their ctids cannot move, and a
   -- TID scan of exactly these rows replaces the whole-table hash join the planner picks for an id join.
   where r.ctid = any (array(select w.row_ctid from verdict w where w.pen_new or w.stamp_new or w.gate_new))
     and v.id = r.id
  returning r.id
),
failed_check as (
  select v.id, v.entity_code, f.stage, f.check_id
    from verdict v
    cross join lateral (
      select 'pen' as stage, unnest(v.pen_failures) as check_id
      union all select 'stamp', unnest(v.stamp_failures)
      union all select 'gate', unnest(v.gate_failures)
    ) f
   where cardinality(v.pen_failures) > 0 or cardinality(v.stamp_failures) > 0 or cardinality(v.gate_failures) > 0
),
failure_evidence as (
  insert into birth_lane.evidence (kind, run_id, row_id, entity_code, stage, check_id, rule_set_hash, message, payload)
  select 'inspection_failure', ${runId}, m.id, m.entity_code, m.stage, m.check_id, ${ruleSetHash}, m.message,
         jsonb_build_object('kind', 'inspection_failure', 'runId', ${runId}, 'rowId', m.id::text,
                            'entityCode', m.entity_code, 'stage', m.stage, 'checkId', m.check_id,
                            'ruleSetHash', ${ruleSetHash}, 'message', m.message)
    from (select fc.*, ${failureMessageSql(ruleSet, 'fc.check_id', 'c')} as message
            from failed_check fc join candidate c on c.id = fc.id) m
  on conflict (row_id, check_id, rule_set_hash) where kind in ('inspection_failure', 'ambiguous_row') do nothing
  returning 1
),
ambiguous_evidence as (
  insert into birth_lane.evidence (kind, run_id, row_id, entity_code, check_id, rule_set_hash, message, payload)
  select 'ambiguous_row', ${runId}, a.id, a.entity_code, 'ambiguous:' || a.reason, ${ruleSetHash}, a.reason,
         jsonb_build_object('kind', 'ambiguous_row', 'runId', ${runId}, 'rowId', a.id::text,
                            'entityCode', a.entity_code, 'ruleSetHash', ${ruleSetHash}, 'reason', a.reason)
    from (
      select v.id, v.entity_code,
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
       count(*) filter (where next_stage not in ('skipped'))::int as scanned,
       count(*) filter (where next_stage = 'skipped')::int as skipped,
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

/** The row the batch statement returns. */
export interface BatchResult {
  taken: number;
  scanned: number;
  skipped: number;
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
