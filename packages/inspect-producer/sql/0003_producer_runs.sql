-- Why: a run report must say what the inspection really did, not what a client claims. The
-- database keeps each run's bookkeeping here: begin_run sets the run id, the caller and the start
-- time; birth_lane.inspect_batch (compiled from the active rule set at activation) adds each
-- batch's counts; finish_run closes the run once and appends the run report built from these
-- counts. Lane roles cannot write this table; they call the functions.
create table if not exists birth_lane.producer_runs (
  run_id uuid primary key default pg_catalog.gen_random_uuid(),
  channel text not null,
  started_by text not null default session_user,
  started_at timestamptz not null default pg_catalog.clock_timestamp(),
  rule_set_version text,
  rule_set_hash text,
  batches bigint not null default 0,
  scanned bigint not null default 0,
  skipped bigint not null default 0,
  ambiguous bigint not null default 0,
  passed_pen bigint not null default 0,
  passed_stamp bigint not null default 0,
  passed_gate bigint not null default 0,
  failed_pen bigint not null default 0,
  failed_stamp bigint not null default 0,
  failed_gate bigint not null default 0,
  ended_at timestamptz,
  outcome text,
  detail text,
  constraint producer_runs_channel_check check (
    channel in ('once', 'schedule', 'pg-cron', 'http', 'queue', 'listen', 'backlog', 'staging', 'test')
  ),
  constraint producer_runs_outcome_check check (
    outcome is null or outcome in ('completed', 'source_recovery_required', 'stopped', 'failed')
  ),
  constraint producer_runs_finished_check check ((ended_at is null) = (outcome is null))
);
create index if not exists producer_runs_started_idx on birth_lane.producer_runs (started_at);

revoke all on birth_lane.producer_runs from public;
grant select on birth_lane.producer_runs to birth_lane_producer, birth_lane_governance, birth_lane_reader;

-- The ids each batch of a run took, as (after_id, through_id]: inspect_batch refuses a batch whose
-- range overlaps one recorded for the same run, so calling it again over the same ids cannot add
-- to a run's counts. One small insert per batch; the primary key serves the lookup.
create table if not exists birth_lane.producer_run_ranges (
  run_id uuid not null references birth_lane.producer_runs (run_id) on delete cascade,
  after_id bigint not null,
  through_id bigint not null,
  primary key (run_id, after_id),
  constraint producer_run_ranges_order_check check (after_id < through_id)
);
revoke all on birth_lane.producer_run_ranges from public;
grant select on birth_lane.producer_run_ranges to birth_lane_producer, birth_lane_governance, birth_lane_reader;

-- Opens a run. The id, the caller (session_user, which SECURITY DEFINER does not change) and the
-- start time come from the server; the rule set is the one active now, so a run never mixes two.
create or replace function birth_lane.begin_run(p_channel text)
returns uuid
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_run uuid;
begin
  -- Only the producer channels: a producer login cannot label its run backlog or staging (those
  -- need an approval) or anything else.
  if p_channel is null or p_channel not in ('once', 'schedule', 'pg-cron', 'http', 'queue', 'listen') then
    raise exception using errcode = 'BL001', constraint = 'run_channel_not_producer',
      message = pg_catalog.format('a producer run''s channel must be one of once, schedule, pg-cron, http, queue, listen; got %s',
        coalesce(p_channel, 'null'));
  end if;
  insert into birth_lane.producer_runs (channel, rule_set_version, rule_set_hash)
  values (p_channel,
          (select a.version from birth_lane.rule_sets a where a.status = 'active'),
          (select a.hash from birth_lane.rule_sets a where a.status = 'active'))
  returning run_id into v_run;
  return v_run;
end;
$$;

-- Closes a run once and appends its run report, counted by the server. The caller says only how
-- the run ended and why. A run without a rule set cannot have passed anything; if the rule set
-- went away mid-run the run is reported as stopped, with the reason.
create or replace function birth_lane.finish_run(p_run_id uuid, p_outcome text, p_detail text default null)
returns jsonb
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_run birth_lane.producer_runs%rowtype;
  v_outcome text := p_outcome;
  v_ended timestamptz := pg_catalog.clock_timestamp();
  v_report jsonb;
  v_hash text;
begin
  select * into v_run from birth_lane.producer_runs where run_id = p_run_id for update;
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
  if v_outcome is null or v_outcome not in ('completed', 'source_recovery_required', 'stopped', 'failed') then
    raise exception using errcode = '22023',
      message = pg_catalog.format('outcome must be completed, source_recovery_required, stopped or failed, got %s', v_outcome);
  end if;
  if v_outcome = 'source_recovery_required' and v_run.passed_pen + v_run.passed_stamp + v_run.passed_gate > 0 then
    v_outcome := 'stopped';
  end if;
  v_hash := case when v_outcome = 'source_recovery_required' then null else v_run.rule_set_hash end;
  if v_hash is null and v_outcome <> 'source_recovery_required' then
    -- No rule set was active when the run began, so nothing can have been inspected.
    v_outcome := 'source_recovery_required';
  end if;

  update birth_lane.producer_runs
     set ended_at = v_ended, outcome = v_outcome, detail = p_detail
   where run_id = p_run_id;

  v_report := pg_catalog.jsonb_build_object(
      'runId', v_run.run_id,
      'ruleSetVersion', case when v_hash is null then null else v_run.rule_set_version end,
      'ruleSetHash', v_hash,
      'channel', v_run.channel, 'outcome', v_outcome,
      'startedAt', v_run.started_at, 'endedAt', v_ended,
      'scanned', v_run.scanned, 'skipped', v_run.skipped, 'ambiguous', v_run.ambiguous,
      'passed', pg_catalog.jsonb_build_object('pen', v_run.passed_pen, 'stamp', v_run.passed_stamp, 'gate', v_run.passed_gate),
      'failed', pg_catalog.jsonb_build_object('pen', v_run.failed_pen, 'stamp', v_run.failed_stamp, 'gate', v_run.failed_gate))
    || case when p_detail is null then '{}'::jsonb else pg_catalog.jsonb_build_object('detail', p_detail) end;

  insert into birth_lane.evidence (kind, run_id, rule_set_hash, message, payload)
  values ('run_report', v_run.run_id, v_hash, v_outcome,
          pg_catalog.jsonb_build_object('kind', 'run_report', 'report', v_report));
  return v_report;
end;
$$;

-- Until a rule set is activated (which compiles the real one), inspect_batch refuses: no rule set,
-- no stamp. Created only if absent, so re-installing never replaces a compiled inspection.
do $$
begin
  if pg_catalog.to_regprocedure('birth_lane.inspect_batch(uuid,bigint,bigint,integer)') is null then
    execute $create$
      create function birth_lane.inspect_batch(p_run_id uuid, p_after_id bigint, p_until_id bigint, p_batch_size integer)
      returns table (taken integer, scanned integer, skipped integer, ambiguous integer,
                     passed_pen integer, passed_stamp integer, passed_gate integer,
                     failed_pen integer, failed_stamp integer, failed_gate integer,
                     last_id text, stamped_rows integer, evidence_appended integer)
      language plpgsql
      security definer
      set search_path = pg_catalog, pg_temp
      as 'begin
        raise exception using errcode = ''BL001'', constraint = ''rule_set_not_compiled'',
          message = ''SOURCE_RECOVERY_REQUIRED: no rule set has been activated, so no inspection is compiled; activate one with an approval (birth-lane rules activate)'';
      end;'
    $create$;
  end if;
  if pg_catalog.to_regprocedure('birth_lane.compiled_rule_set()') is null then
    execute $create$
      create function birth_lane.compiled_rule_set(out version text, out hash text)
      language sql immutable
      set search_path = pg_catalog, pg_temp
      as 'select null::text, null::text'
    $create$;
  end if;
end
$$;

revoke all on function birth_lane.begin_run(text) from public;
revoke all on function birth_lane.finish_run(uuid, text, text) from public;
revoke all on function birth_lane.inspect_batch(uuid, bigint, bigint, integer) from public;
grant execute on function birth_lane.begin_run(text) to birth_lane_producer;
grant execute on function birth_lane.finish_run(uuid, text, text) to birth_lane_producer;
grant execute on function birth_lane.inspect_batch(uuid, bigint, bigint, integer) to birth_lane_producer;
grant execute on function birth_lane.compiled_rule_set() to birth_lane_producer, birth_lane_governance, birth_lane_reader;
