-- Why: a scheduler inside PostgreSQL (pg_cron) runs the producer with no Node process:
-- `call birth_lane.run_producer(batch_size, time_budget_ms, channel)`. It does no judging of its
-- own: it walks the rows in time-boxed calls, each batch through birth_lane.inspect_batch (the
-- inspection compiled from the active rule set), so it never needs recompiling when the rule set
-- changes. It commits after each batch, stops when its time budget is spent (the whole CALL is one
-- statement under the statement timeout) and resumes next time from birth_lane.producer_cursor.
-- It stays invoker-rights: a SECURITY DEFINER procedure (or one with a SET clause) cannot COMMIT,
-- so every name below is schema-qualified instead of relying on a pinned search_path. The one
-- operator whose built-in match is not exact (integer / numeric) is pinned as OPERATOR(pg_catalog./):
-- an exact `public./(integer, numeric)` would otherwise win and run as the caller.
create or replace procedure birth_lane.run_producer(
  p_batch_size integer default 2000,
  p_time_budget_ms integer default 3000,
  p_channel text default 'pg-cron')
language plpgsql
as $procedure$
declare
  v_run uuid;
  v_started timestamptz := pg_catalog.clock_timestamp();
  v_compiled text;
  v_after bigint;
  v_batch record;
  v_outcome text := 'completed';
  v_detail text;
  v_constraint text;
begin
  if p_batch_size is null or p_batch_size < 1 or p_batch_size > 50000 then
    raise exception using errcode = '22023',
      message = pg_catalog.format('p_batch_size must be 1 to 50000, got %s', p_batch_size);
  end if;
  v_run := birth_lane.begin_run(p_channel);
  commit;

  select c.hash into v_compiled from birth_lane.compiled_rule_set() c;
  insert into birth_lane.producer_cursor (name) values ('run_producer') on conflict (name) do nothing;
  -- A walk begun under another rule set starts over: every row deserves a look under the new rules.
  select case when c.rule_set_hash is distinct from v_compiled then 0 else c.after_id end into v_after
    from birth_lane.producer_cursor c where c.name = 'run_producer';
  loop
    if pg_catalog.clock_timestamp() - v_started > pg_catalog.make_interval(secs => p_time_budget_ms::numeric operator(pg_catalog./) 1000.0) then
      v_outcome := 'stopped';
      v_detail := pg_catalog.format('time budget of %s ms spent; the next call resumes after id %s', p_time_budget_ms, v_after);
      exit;
    end if;
    begin
      select b.* into v_batch from birth_lane.inspect_batch(v_run, v_after, null::bigint, p_batch_size) b;
    exception when sqlstate 'BL001' then
      get stacked diagnostics v_constraint = constraint_name, v_detail = message_text;
      if v_constraint is distinct from 'rule_set_not_compiled' then
        raise;
      end if;
      v_outcome := 'source_recovery_required';
      exit;
    end;
    if v_batch.taken = 0 then
      v_after := 0;
    else
      v_after := v_batch.last_id::bigint;
    end if;
    update birth_lane.producer_cursor
       set after_id = v_after, rule_set_hash = v_compiled, updated_at = pg_catalog.now()
     where name = 'run_producer';
    commit;
    exit when v_batch.taken = 0;
  end loop;
  perform birth_lane.finish_run(v_run, v_outcome, v_detail);
  commit;
end;
$procedure$;

revoke all on procedure birth_lane.run_producer(integer, integer, text) from public;
grant execute on procedure birth_lane.run_producer(integer, integer, text) to birth_lane_producer;
