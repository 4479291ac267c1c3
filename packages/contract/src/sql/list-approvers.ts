/**
 * Each login holding an approver role: $1 the approver roles in the order they are listed, $2 the
 * database role of each. Superusers hold every role implicitly, so they come back for each one
 * (flagged, for the caller to list apart).
 */
export const LIST_APPROVERS_SQL = `
  select login.rolname as login, approver.role, login.rolsuper as superuser
    from pg_catalog.pg_roles login
   cross join unnest($1::text[], $2::text[]) as approver(role, database_role)
   where login.rolcanlogin and pg_catalog.pg_has_role(login.oid, approver.database_role, 'MEMBER')
   order by array_position($1::text[], approver.role), login.rolname`;

export interface ApproverRow {
  login: string;
  role: string;
  superuser: boolean;
}

/** Whether the role $1 exists (a row) and can log in. */
export const FIND_LOGIN_SQL =
  'select rolcanlogin as can_login from pg_catalog.pg_roles where rolname = $1::text';
