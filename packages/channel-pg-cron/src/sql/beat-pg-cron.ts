/**
 * The job's heartbeat as install leaves it: standing from now on, with the job's settings as
 * detail. A null state keeps a run in flight `running`, otherwise `idle`; birth_lane.beat sets the
 * time and the login. Parameters: instance id, detail (jsonb text).
 */
export const BEAT_INSTALLED_SQL =
  "select birth_lane.beat($1::text, 'pg-cron', 'pg_cron', 0, null::text, null::uuid, $2::jsonb)";

/** Marks the job's heartbeat `stopped`, if there is one. Parameter: instance id. */
export const BEAT_STOPPED_SQL = `select birth_lane.beat(h.instance_id, 'pg-cron', null::text, null::integer, 'stopped', null::uuid, null::jsonb)
   from birth_lane.producer_heartbeats h where h.instance_id = $1::text`;

/** Whether the heartbeat table exists: uninstall still unschedules in a database without the lane. */
export const HEARTBEATS_PRESENT_SQL =
  "select to_regclass('birth_lane.producer_heartbeats') is not null as present";
