/** The producers still standing (every heartbeat not `stopped`), the latest beat first, with its age in seconds. */
export const SELECT_STANDING_HEARTBEATS_SQL = `select instance_id, channel, host, pid, state, started_at, beat_at, last_run_id::text as last_run_id,
       extract(epoch from now() - beat_at)::float8 as since
  from birth_lane.producer_heartbeats where state <> 'stopped' order by beat_at desc`;
