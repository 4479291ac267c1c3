-- Why: the producer's cursor says where the database-side walk stands; the next call resumes
-- after it, so a row before it is not looked at again until the walk wraps. Until this step the
-- producer role could INSERT and UPDATE the cursor row directly, so any login holding the role
-- could move the walk past rows it never inspected, or label the position with a rule set the
-- rows were never inspected under. Now no lane role writes the table: only
-- birth_lane.advance_producer_cursor (SECURITY DEFINER) does, and it takes nothing from the
-- caller but the run and whether the walk reached the end. The position is the highest id the
-- run's own batches reached (producer_run_ranges, written only by inspect_batch), the rule set is
-- the run's own, and the run must be the caller's (session_user) and still open. A new step, not
-- an edit of 0002/0004: databases that applied those keep their recorded digests.
revoke insert, update, delete, truncate, references, trigger on birth_lane.producer_cursor
  from birth_lane_producer;
revoke all on birth_lane.producer_cursor from public;

create or replace function birth_lane.advance_producer_cursor(p_run_id uuid, p_walk_ended boolean)
returns bigint
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_run birth_lane.producer_runs%rowtype;
  v_after bigint;
begin
  if p_run_id is null then
    raise exception using errcode = '22023', message = 'p_run_id is required: the run whose batches moved the walk';
  end if;
  if p_walk_ended is null then
    raise exception using errcode = '22023', message = 'p_walk_ended is required: true when the last batch took no row';
  end if;
  select * into v_run from birth_lane.producer_runs where run_id = p_run_id;
  if not found then
    raise exception using errcode = 'BL001', constraint = 'run_not_begun',
      message = pg_catalog.format('run %s was not begun with birth_lane.begin_run', p_run_id);
  end if;
  if v_run.started_by <> session_user then
    raise exception using errcode = 'BL001', constraint = 'run_of_another_login',
      message = pg_catalog.format('run %s was begun by another login', p_run_id);
  end if;
  if v_run.ended_at is not null then
    raise exception using errcode = 'BL001', constraint = 'run_finished',
      message = pg_catalog.format('run %s was already finished at %s', p_run_id, v_run.ended_at);
  end if;
  if p_walk_ended then
    v_after := 0;
  else
    select max(r.through_id) into v_after from birth_lane.producer_run_ranges r where r.run_id = p_run_id;
    if v_after is null then
      raise exception using errcode = 'BL001', constraint = 'run_took_no_batch',
        message = pg_catalog.format('run %s has inspected no batch, so the cursor has nowhere to move', p_run_id);
    end if;
  end if;
  insert into birth_lane.producer_cursor (name, after_id, rule_set_hash, updated_at)
  values ('run_producer', v_after, v_run.rule_set_hash, pg_catalog.now())
  on conflict (name) do update
    set after_id = excluded.after_id, rule_set_hash = excluded.rule_set_hash, updated_at = excluded.updated_at;
  return v_after;
end;
$$;
revoke all on function birth_lane.advance_producer_cursor(uuid, boolean) from public;
grant execute on function birth_lane.advance_producer_cursor(uuid, boolean) to birth_lane_producer;

-- The procedure as in 0004, moving the cursor through the function above.
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
  -- A walk begun under another rule set starts over: every row deserves a look under the new rules.
  -- No cursor yet (the first call ever) is a walk from the start.
  select case when c.rule_set_hash is distinct from v_compiled then 0 else c.after_id end into v_after
    from birth_lane.producer_cursor c where c.name = 'run_producer';
  v_after := coalesce(v_after, 0);
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
    -- The server moves the cursor to where this run's batches reached (or back to 0 at the end
    -- of the walk); the procedure cannot write the cursor itself.
    v_after := birth_lane.advance_producer_cursor(v_run, v_batch.taken = 0);
    commit;
    exit when v_batch.taken = 0;
  end loop;
  perform birth_lane.finish_run(v_run, v_outcome, v_detail);
  commit;
end;
$procedure$;

revoke all on procedure birth_lane.run_producer(integer, integer, text) from public;
grant execute on procedure birth_lane.run_producer(integer, integer, text) to birth_lane_producer;
