-- Why: flipping the birth gate to `block` while no producer inspects births would refuse every
-- live birth (AC-9). So the database decides the flip, not the client: birth_lane.flip_birth_gate
-- measures the criteria itself (a standing producer, its measured health, an approval meeting
-- quorum), runs ALTER DATABASE … SET only when all hold, and puts every flip, done or refused, on
-- the evidence log. A refusal is returned, not raised, so its evidence row survives. Lane roles
-- cannot ALTER DATABASE; they call this function (EXECUTE: birth_lane_governance).
create schema if not exists birth_lane;

-- The scope a gate_flip approval must name: the target mode and this database, so an approval
-- given for one database (or for `warning`) never flips another.
create or replace function birth_lane.gate_flip_scope()
returns jsonb
language sql
stable
set search_path = pg_catalog, pg_temp
as $$ select pg_catalog.jsonb_build_object('to', 'block', 'database', pg_catalog.current_database()::text) $$;

-- The mode persisted for this database and all roles (ALTER DATABASE … SET), or null.
create or replace function birth_lane.persisted_gate_mode()
returns text
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
  select pg_catalog.substr(setting, pg_catalog.strpos(setting, '=') + 1)
    from pg_catalog.pg_db_role_setting s, pg_catalog.unnest(s.setconfig) as setting
   where s.setdatabase = (select oid from pg_catalog.pg_database where datname = pg_catalog.current_database())
     and s.setrole = 0 and pg_catalog.lower(pg_catalog.split_part(setting, '=', 1)) = 'app.birth_gate_mode'
$$;

-- Whether the flip can persist the mode at all: flip_birth_gate runs ALTER DATABASE … SET as its
-- owner (current_user inside it). That needs ownership of the database (or superuser), and since
-- PostgreSQL 15 also SET privilege on the custom parameter unless the owner is a superuser: being
-- the database owner is not enough (review 13, finding 3). Said as a criterion, with the GRANT a
-- superuser runs, so `gate status` shows it before anyone flips and a refused flip names it.
create or replace function birth_lane.gate_owner_can_set_mode()
returns jsonb
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  owner_name text := current_user::text;
  superuser boolean;
  owns_database boolean;
  can_set boolean := true;
  grant_sql text := pg_catalog.format('GRANT SET ON PARAMETER app.birth_gate_mode, app.bypass_birth_gate TO %I', current_user);
begin
  select r.rolsuper into superuser from pg_catalog.pg_roles r where r.rolname = current_user;
  select pg_catalog.pg_has_role(current_user, d.datdba, 'MEMBER') into owns_database
    from pg_catalog.pg_database d where d.datname = pg_catalog.current_database();
  if not superuser and pg_catalog.current_setting('server_version_num')::integer >= 150000 then
    execute 'select pg_catalog.has_parameter_privilege($1, ''app.birth_gate_mode'', ''SET'')' into can_set using owner_name;
  end if;
  return pg_catalog.jsonb_build_object(
    'id', 'owner_can_set_mode',
    'met', superuser or (owns_database and can_set),
    'measured', case
      when superuser then pg_catalog.format('the lane owner %I is a superuser', owner_name)
      when not owns_database then pg_catalog.format('the lane owner %I does not own database %I, so it cannot ALTER DATABASE … SET',
                                                    owner_name, pg_catalog.current_database())
      when not can_set then pg_catalog.format('the lane owner %I is not a superuser and holds no SET privilege on app.birth_gate_mode '
                                              '(PostgreSQL 15+); a superuser runs: %s', owner_name, grant_sql)
      else pg_catalog.format('the lane owner %I owns the database and holds SET on app.birth_gate_mode', owner_name) end,
    'required', pg_catalog.format('the lane owner can persist app.birth_gate_mode (superuser, or database owner with: %s)', grant_sql));
end;
$$;
revoke all on function birth_lane.gate_owner_can_set_mode() from public;
grant execute on function birth_lane.gate_owner_can_set_mode() to birth_lane_governance, birth_lane_reader;

-- The shortest health window the flip accepts, fixed by the server (review 13, finding 4): runs and
-- backlog measured over a minute say nothing. A caller may ask for longer, never for shorter.
create or replace function birth_lane.gate_flip_min_health_window()
returns interval
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$ select interval '1 hour' $$;

-- Each criterion of a flip to `block`, measured now, as a JSON array of
-- {id, met, measured, required}. Read-only; `gate status` shows it and the flip decides by it.
--  - standing_producer: the newest heartbeat of an idle or running producer is within the
--    heartbeat window. beat_at is set by the server (birth_lane.beat), never by the producer.
--  - runs_succeeded: within the health window at least one producer run completed and none ended
--    failed or source_recovery_required (producer_runs, kept by the server).
--  - backlog_not_growing: server data only (never born_at, which the minter chooses): the governed
--    rows waiting for a first judgement now (uncertified, no PEN stamp, no failure evidence under
--    the active rule set) are no more than the rows producer runs judged within the window
--    (producer_runs.scanned - skipped, started_at set by the server): at its measured pace the
--    producer clears what waits within one window, so the backlog is not outgrowing it.
--  The health window is at least gate_flip_min_health_window() (1 hour), whatever the caller asks.
--  - owner_can_set_mode: the lane owner can persist the mode at all (gate_owner_can_set_mode).
--  - pen_judgement: birth_lane.birth_pen_failures exists (a rule set was activated since the gate
--    policy came in); without it `block` would refuse every birth for want of a judgement.
--  - approval: the given request is for gate_flip with scope gate_flip_scope() and meets quorum
--    now (unexpired, unused; the proposer's own vote never counts).
create or replace function birth_lane.gate_flip_criteria(
  p_approval_request_id bigint, p_heartbeat_window interval, p_health_window interval)
returns jsonb
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  newest record;
  runs record;
  request record;
  -- The server's minimum: a client may ask for a longer window, never a shorter one.
  window_used interval := greatest(p_health_window, birth_lane.gate_flip_min_health_window());
  since timestamptz := pg_catalog.now() - greatest(p_health_window, birth_lane.gate_flip_min_health_window());
  flow_judged bigint;
  flow_waiting bigint;
  waiting_cap bigint;
  criteria jsonb := '[]'::jsonb;
begin
  criteria := criteria || pg_catalog.jsonb_build_array(birth_lane.gate_owner_can_set_mode());
  criteria := criteria || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
    'id', 'pen_judgement',
    'met', pg_catalog.to_regprocedure('birth_lane.birth_pen_failures(public.birth_registry)') is not null,
    'measured', case when pg_catalog.to_regprocedure('birth_lane.birth_pen_failures(public.birth_registry)') is null
                     then 'no PEN judgement compiled (birth_lane.birth_pen_failures is missing)'
                     else 'birth_lane.birth_pen_failures is compiled from the active rule set' end,
    'required', 'a rule set activated, which compiles the PEN judgement the gate applies to every birth'));

  select h.instance_id, h.channel, h.beat_at, extract(epoch from pg_catalog.now() - h.beat_at) as age
    into newest
    from birth_lane.producer_heartbeats h
   where h.state in ('idle', 'running')
   order by h.beat_at desc
   limit 1;
  criteria := criteria || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
    'id', 'standing_producer',
    'met', coalesce(newest.beat_at >= pg_catalog.now() - p_heartbeat_window, false),
    'measured', case when newest.instance_id is null then 'no heartbeat from any producer'
                     else pg_catalog.format('newest heartbeat %s s ago (instance %s, channel %s)',
                                            pg_catalog.round(newest.age::numeric, 1), newest.instance_id, newest.channel) end,
    'required', pg_catalog.format('a heartbeat from an idle or running producer within %s', p_heartbeat_window)));

  if pg_catalog.to_regclass('birth_lane.producer_runs') is null then
    criteria := criteria || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
      'id', 'runs_succeeded', 'met', false, 'measured', 'producer run bookkeeping (birth_lane.producer_runs) is not installed',
      'required', pg_catalog.format('at least one completed run and no failed run within %s', window_used)));
  else
    execute 'select count(*) filter (where outcome = ''completed'') as completed,
                    count(*) filter (where outcome in (''failed'', ''source_recovery_required'')) as failed,
                    count(*) filter (where outcome is null) as open
               from birth_lane.producer_runs where started_at >= $1'
      into runs using since;
    criteria := criteria || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
      'id', 'runs_succeeded',
      'met', runs.completed > 0 and runs.failed = 0,
      'measured', pg_catalog.format('%s completed, %s failed or without a rule set, %s still open within %s',
                                    runs.completed, runs.failed, runs.open, window_used),
      'required', pg_catalog.format('at least one completed run and no failed run within %s', window_used)));
  end if;

  -- What waits now: governed, uncertified rows no run has judged (no PEN stamp, no failure or
  -- ambiguity evidence under the active rule set). Counted up to one more than the producer judged
  -- in the window (capped), which is all the decision needs and keeps the statement short.
  if pg_catalog.to_regclass('birth_lane.producer_runs') is null or pg_catalog.to_regclass('birth_lane.rule_sets') is null then
    criteria := criteria || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
      'id', 'backlog_not_growing', 'met', false,
      'measured', 'producer run bookkeeping (birth_lane.producer_runs, birth_lane.rule_sets) is not installed',
      'required', 'the rows waiting for a first judgement are no more than the producer judged within the window'));
  else
    execute 'select coalesce(sum(scanned - skipped), 0)::bigint from birth_lane.producer_runs where started_at >= $1'
      into flow_judged using since;
    waiting_cap := greatest(least(flow_judged, 200000), 10000);
    execute 'select count(*) from (
               select 1 from public.birth_registry r
                where r.certified = false and r.governance_role = ''governed'' and r.inspect_pen is null
                  and not exists (select 1 from birth_lane.evidence e
                                   where e.row_id = r.id and e.kind in (''inspection_failure'', ''ambiguous_row'')
                                     and e.rule_set_hash = (select hash from birth_lane.rule_sets where status = ''active''))
                limit $1) waiting'
      into flow_waiting using waiting_cap + 1;
    criteria := criteria || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
      'id', 'backlog_not_growing',
      'met', flow_waiting <= flow_judged and flow_waiting <= waiting_cap,
      'measured', pg_catalog.format('%s%s governed rows wait for a first judgement now; producer runs judged %s rows within %s',
                                    case when flow_waiting > waiting_cap then 'more than ' else '' end,
                                    least(flow_waiting, waiting_cap), flow_judged, window_used),
      'required', 'the rows waiting for a first judgement (server data: stamps, evidence) are no more than the producer judged '
                  'within the window (producer_runs, server-set times): its measured pace clears them within one window'));
  end if;

  select a.id, a.action, a.scope, birth_lane.approval_quorum_met(a.id) as quorum,
         birth_lane.approval_missing_votes(a.id) as missing, a.expires_at,
         exists (select 1 from birth_lane.approval_uses u where u.request_id = a.id) as used
    into request
    from birth_lane.approval_requests a
   where a.id = p_approval_request_id;
  criteria := criteria || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
    'id', 'approval',
    'met', coalesce(request.action = 'gate_flip' and request.scope = birth_lane.gate_flip_scope() and request.quorum, false),
    'measured', case
      when p_approval_request_id is null then 'no approval request given'
      when request.id is null then pg_catalog.format('no approval request %s', p_approval_request_id)
      when request.action <> 'gate_flip' then pg_catalog.format('request %s is for %s', request.id, request.action)
      when request.scope <> birth_lane.gate_flip_scope() then pg_catalog.format('request %s covers scope %s', request.id, request.scope)
      when request.used then pg_catalog.format('request %s was already used', request.id)
      when request.expires_at <= pg_catalog.now() then pg_catalog.format('request %s expired at %s', request.id, request.expires_at)
      when not request.quorum then pg_catalog.format('request %s still needs %s', request.id,
                                                     pg_catalog.array_to_string(request.missing, ', '))
      else pg_catalog.format('request %s meets quorum', request.id) end,
    'required', pg_catalog.format('a gate_flip approval for scope %s that meets quorum and was never used',
                                  birth_lane.gate_flip_scope())));
  return criteria;
end;
$$;
revoke all on function birth_lane.gate_flip_criteria(bigint, interval, interval) from public;
grant execute on function birth_lane.gate_flip_criteria(bigint, interval, interval)
  to birth_lane_governance, birth_lane_reader;

-- The flip. p_to 'warning' is always allowed (the safe state); 'block' only when every criterion
-- holds, and then the approval is used (once). The windows are bounded so a caller cannot stretch
-- "standing" to a heartbeat from last month. Invalid input raises (BL001, nothing written);
-- a refusal for unmet criteria returns {"outcome":"refused", ...} with its evidence on record.
-- ALTER DATABASE … SET reaches new sessions; sessions already open keep the value they started with.
create or replace function birth_lane.flip_birth_gate(
  p_to text,
  p_approval_request_id bigint default null,
  p_heartbeat_window interval default interval '5 minutes',
  p_health_window interval default interval '1 hour')
returns jsonb
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  previous text;
  criteria jsonb;
  all_met boolean;
  outcome text;
  result jsonb;
begin
  if p_to is null or p_to not in ('warning', 'block') then
    raise exception using errcode = 'BL001', constraint = 'gate_flip_to',
      message = pg_catalog.format('birth_lane.flip_birth_gate: to is %L; it must be warning or block', p_to);
  end if;
  if p_heartbeat_window is null or p_heartbeat_window < interval '10 seconds' or p_heartbeat_window > interval '1 hour' then
    raise exception using errcode = 'BL001', constraint = 'gate_flip_heartbeat_window',
      message = pg_catalog.format('birth_lane.flip_birth_gate: heartbeat window %s; allowed from 10 seconds to 1 hour', p_heartbeat_window);
  end if;
  if p_health_window is null or p_health_window < birth_lane.gate_flip_min_health_window() or p_health_window > interval '7 days' then
    raise exception using errcode = 'BL001', constraint = 'gate_flip_health_window',
      message = pg_catalog.format('birth_lane.flip_birth_gate: health window %s; allowed from %s (the server''s minimum) to 7 days',
                                  p_health_window, birth_lane.gate_flip_min_health_window());
  end if;
  -- Two flips at once would each measure the other's "before": take turns.
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('birth_lane.flip_birth_gate'));
  previous := birth_lane.persisted_gate_mode();

  if p_to = 'block' then
    criteria := birth_lane.gate_flip_criteria(p_approval_request_id, p_heartbeat_window, p_health_window);
    select bool_and((c ->> 'met')::boolean) into all_met from pg_catalog.jsonb_array_elements(criteria) c;
  else
    -- `warning` is always allowed by policy; the owner must still be able to persist it.
    criteria := pg_catalog.jsonb_build_array(birth_lane.gate_owner_can_set_mode());
    all_met := (criteria -> 0 ->> 'met')::boolean;
  end if;

  if all_met then
    begin
      if p_to = 'block' then
        perform birth_lane.consume_approval(p_approval_request_id, 'gate_flip', birth_lane.gate_flip_scope());
      end if;
      execute pg_catalog.format('alter database %I set app.birth_gate_mode = %L', pg_catalog.current_database(), p_to);
      outcome := 'flipped';
    exception when insufficient_privilege then
      -- The criterion said yes but PostgreSQL said no: refused and recorded all the same (the
      -- approval's use is undone with the block), never raised past the evidence row.
      criteria := criteria || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
        'id', 'owner_can_set_mode', 'met', false,
        'measured', pg_catalog.format('ALTER DATABASE … SET was refused: %s', SQLERRM),
        'required', pg_catalog.format('GRANT SET ON PARAMETER app.birth_gate_mode, app.bypass_birth_gate TO %I (run by a superuser)', current_user)));
      outcome := 'refused';
    end;
  else
    outcome := 'refused';
  end if;

  result := pg_catalog.jsonb_build_object(
    'outcome', outcome, 'to', p_to, 'from', previous, 'database', pg_catalog.current_database()::text,
    'approvalRequestId', p_approval_request_id::text, 'criteria', criteria,
    'heartbeatWindowSeconds', extract(epoch from p_heartbeat_window),
    'healthWindowSeconds', extract(epoch from p_health_window),
    'by', session_user::text);
  insert into birth_lane.evidence (kind, check_id, message, payload)
  values ('note', 'gate.flip',
          pg_catalog.format('birth gate flip to %s %s by %s', p_to, outcome, session_user),
          pg_catalog.jsonb_build_object('kind', 'note', 'topic', 'gate.flip', 'payload', result));
  return result;
end;
$$;
revoke all on function birth_lane.flip_birth_gate(text, bigint, interval, interval) from public;
grant execute on function birth_lane.flip_birth_gate(text, bigint, interval, interval) to birth_lane_governance;
grant execute on function birth_lane.gate_flip_scope(), birth_lane.persisted_gate_mode(), birth_lane.gate_flip_min_health_window()
  to birth_lane_governance, birth_lane_reader;
