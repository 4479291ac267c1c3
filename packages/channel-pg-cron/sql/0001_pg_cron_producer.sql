-- Why: pg_cron runs the producer inside PostgreSQL, with no Node process to write a heartbeat.
-- Every standing channel must beat in birth_lane.producer_heartbeats (the gate policy and
-- `birth-lane status` read it), so the pg_cron job calls this wrapper: it beats `running`, calls
-- the time-boxed birth_lane.run_producer (which commits per batch), then beats `idle` with the
-- run's id. It is a procedure because run_producer commits: a CALL chain keeps that allowed,
-- while two statements in one pg_cron command would run as one implicit transaction and refuse
-- the COMMIT. A run that errors leaves the beat at `running` and ageing: visibly unhealthy.
create or replace procedure birth_lane.run_producer_from_pg_cron(
  p_batch_size integer,
  p_time_budget_ms integer)
language plpgsql
as $procedure$
declare
  v_instance text := 'pg-cron@' || current_database();
  v_called timestamptz := clock_timestamp();
  v_run uuid;
begin
  -- Beats go through birth_lane.beat (server clock, this login's own instance only).
  perform birth_lane.beat(v_instance, 'pg-cron', 'pg_cron', pg_catalog.pg_backend_pid(), 'running', null::uuid, null::jsonb);
  commit;

  call birth_lane.run_producer(p_batch_size, p_time_budget_ms, 'pg-cron');

  -- The run this call began: the newest pg-cron run of this login since the call.
  select r.run_id into v_run
    from birth_lane.producer_runs r
   where r.channel = 'pg-cron' and r.started_at >= v_called and r.started_by = session_user
   order by r.started_at desc
   limit 1;
  perform birth_lane.beat(v_instance, 'pg-cron', null::text, null::integer, 'idle', v_run, null::jsonb);
  commit;
end;
$procedure$;

grant execute on procedure birth_lane.run_producer_from_pg_cron(integer, integer) to birth_lane_producer;
