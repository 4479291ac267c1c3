/** Passes, newest first, with their slices' progress: $1 one run id, or null for every live pass plus the latest $2. */
export const SELECT_PASSES_SQL = `
  select p.run_id::text, p.approval_id::text, p.state, p.id_from::text, p.id_to::text, p.walk_to::text,
         p.max_rows::text, p.rule_set_version, p.rule_set_hash, p.in_scope_rows::text, p.scanned::text,
         p.taken::text, p.batches::text, p.started_by, p.started_at, p.last_batch_at, p.finished_at, p.detail,
         p.rollback_approval_id::text, p.cleared_pen::text, p.cleared_stamp::text, p.cleared_gate::text,
         (select count(*) from birth_lane.worker_cursor c where c.run_id = p.run_id)::int as slices,
         (select count(*) from birth_lane.worker_cursor c where c.run_id = p.run_id and c.done)::int as slices_done
    from birth_lane.backlog_passes p
   where ($1::uuid is not null and p.run_id = $1::uuid)
      -- Every live pass, whatever its age (a paused pass must not drop out of view behind newer
      -- finished ones), plus the latest $2.
      or ($1::uuid is null
          and (p.state in ('verifying', 'running', 'paused', 'rolling_back')
               or p.run_id in (select l.run_id from birth_lane.backlog_passes l order by l.started_at desc limit $2::int)))
   order by p.started_at desc`;

export interface PassRow {
  run_id: string;
  approval_id: string;
  state: string;
  id_from: string;
  id_to: string;
  walk_to: string;
  max_rows: string | null;
  rule_set_version: string;
  rule_set_hash: string;
  in_scope_rows: string;
  scanned: string;
  taken: string;
  batches: string;
  started_by: string;
  started_at: Date;
  last_batch_at: Date | null;
  finished_at: Date | null;
  detail: string | null;
  rollback_approval_id: string | null;
  cleared_pen: string;
  cleared_stamp: string;
  cleared_gate: string;
  slices: number;
  slices_done: number;
}
