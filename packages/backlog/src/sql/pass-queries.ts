export const START_PASS_SQL = 'select birth_lane.backlog_start($1::bigint, $2::integer)::text as run_id';
export const VERIFY_SCOPE_SQL = 'select birth_lane.backlog_verify($1::uuid, $2::integer) as result';
export const CLAIM_SLICE_SQL =
  'select worker_name, lease_token::text, watermark, through_id::text from birth_lane.backlog_claim($1::uuid)';
export const RUN_BATCH_SQL =
  'select birth_lane.backlog_batch($1::uuid, $2::text, $3::uuid, $4::integer) as result';
export const PAUSE_PASS_SQL = 'select birth_lane.backlog_pause($1::uuid) as state';
export const RESUME_PASS_SQL = 'select birth_lane.backlog_resume($1::uuid) as state';
export const REVOKE_APPROVAL_SQL = 'select birth_lane.backlog_revoke($1::bigint, $2::text)';
export const ROLLBACK_START_SQL = 'select birth_lane.backlog_rollback_start($1::uuid, $2::bigint)';
export const ROLLBACK_STEP_SQL = 'select birth_lane.backlog_rollback_step($1::uuid) as result';
/** Undone slices of a pass whose lease is still live: another worker is on them. */
export const OPEN_SLICES_SQL = `
  select p.state, count(c.*) filter (where not c.done)::int as open_slices
    from birth_lane.backlog_passes p
    left join birth_lane.worker_cursor c on c.run_id = p.run_id
   where p.run_id = $1::uuid
   group by p.state`;
