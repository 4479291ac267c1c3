/**
 * Open approval requests (neither expired nor used), newest first, with the database's own
 * verdict and what is still missing (birth_lane.approval_status: the rule the database enforces).
 */
export const SELECT_OPEN_APPROVALS_SQL = `select r.id::text as id, birth_lane.approval_status(r.id) as status
  from birth_lane.approval_requests r
 where r.expires_at > now()
   and not exists (select 1 from birth_lane.approval_uses u where u.request_id = r.id)
 order by r.id desc
 limit 100`;

/** Whether this session's login holds an approver role (through membership), and which. */
export const SELECT_MY_APPROVER_ROLES_SQL = `select r.rolname as role
  from pg_catalog.pg_roles r
 where r.rolname in ('birth_lane_president', 'birth_lane_ai_council', 'birth_lane_approver')
   and pg_catalog.pg_has_role(session_user, r.oid, 'member')
 order by r.rolname`;
