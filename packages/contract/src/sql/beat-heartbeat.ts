/**
 * Records one producer's heartbeat. `birth_lane.beat` (SECURITY DEFINER) takes the time from the
 * server clock and the row's login from session_user, so a caller can forge neither; it also
 * refuses to overwrite another login's instance.
 * Parameters: instance id, channel, host, pid, state, last run id (or null).
 */
export const BEAT_HEARTBEAT_SQL =
  'select birth_lane.beat($1::text, $2::text, $3::text, $4::int, $5::text, $6::uuid, null::jsonb)';
