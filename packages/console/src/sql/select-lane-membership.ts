/**
 * Is the signed-in login a member of any of the lane's roles (birth_lane_*)? Run on the login's own
 * connection, so session_user is the server's word, not the form's. A login with no lane role can
 * read nothing on any page, so it gets no session (a session holds a pool and a slot).
 */
export const SELECT_LANE_MEMBERSHIP_SQL = `select exists (
  select 1
    from pg_catalog.pg_roles r
   where r.rolname like 'birth\\_lane\\_%'
     and pg_catalog.pg_has_role(session_user, r.oid, 'member')
) as member`;
