-- Why: the backlog pass (B5) is the largest write the lane will ever make, so the database, not the
-- client, holds every rule that makes it safe. A pass starts only by using an approval (action
-- backlog_pass) whose scope is exactly the plan; it first re-checks that the in-scope rows are
-- still the planned ones; it inspects only through birth_lane.inspect_batch (the producer's own
-- compiled inspection), in batches whose stamps, failure evidence and cursor commit in ONE
-- transaction, so a killed worker loses at most its uncommitted batch and resumes from the cursor;
-- it re-checks its approval before every batch; and it records, per batch, the one time its stamps
-- carry, so an approved rollback (action backlog_rollback) can clear exactly the stamps it set.
-- Lane roles write none of these tables; they call the SECURITY DEFINER functions below, which take
-- identity from session_user and set ids and times themselves.

do $$
begin
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'birth_lane_backlog') then
    begin
      create role birth_lane_backlog nologin;
    exception when duplicate_object or unique_violation then
      null; -- another installer created it first
    end;
  end if;
end
$$;

-- One row per pass. run_id is also the pass's producer run (channel 'backlog'), so its run report,
-- ranges and failure evidence are the producer's own records.
create table if not exists birth_lane.backlog_passes (
  run_id uuid primary key references birth_lane.producer_runs (run_id),
  approval_id bigint not null unique references birth_lane.approval_requests (id),
  id_from bigint not null,
  id_to bigint not null,
  -- The last id walked: id_to, or the id of the max_rows-th in-scope row when a cap cut the range
  -- at plan time (so a capped pass judges the same rows whoever runs it, in whatever order).
  walk_to bigint not null,
  max_rows bigint,
  highest_id_at_plan bigint not null,
  rule_set_version text not null,
  rule_set_hash text not null,
  ids_checksum text not null,
  in_scope_rows bigint not null,
  state text not null default 'verifying',
  started_by text not null default session_user,
  started_at timestamptz not null default pg_catalog.clock_timestamp(),
  finished_at timestamptz,
  detail text,
  slice_ids integer not null,
  -- the scope re-check's own cursor and sums (walked in short statements, like the pass)
  verified_through bigint not null,
  verified_rows bigint not null default 0,
  verified_sum numeric not null default 0,
  batches bigint not null default 0,
  taken bigint not null default 0,
  scanned bigint not null default 0,
  last_batch_at timestamptz,
  rollback_approval_id bigint unique references birth_lane.approval_requests (id),
  rollback_after bigint,
  rolled_back_at timestamptz,
  cleared_pen bigint not null default 0,
  cleared_stamp bigint not null default 0,
  cleared_gate bigint not null default 0,
  constraint backlog_passes_state_check check (
    state in ('verifying', 'running', 'paused', 'done', 'stopped', 'rolling_back', 'rolled_back')),
  constraint backlog_passes_bounds_check check (id_from <= id_to and walk_to <= id_to and walk_to >= id_from - 1),
  constraint backlog_passes_cap_check check (max_rows is null or max_rows >= 1)
);

-- The worker cursor, in seed 004's shape: (worker name, source) with a text watermark. A pass's id
-- range is cut into slices; each slice is one walker ("slice-0001") over source
-- "birth_registry:backlog:<run id>", whose watermark is the last id it judged (keyset on id, never
-- a blanket scan). Any worker process, on any host, leases a slice, walks it batch by batch and
-- moves the watermark in the same transaction as the batch. A lease only spreads the work: the
-- batch locks the slice's row and reads the watermark under that lock, so two workers never judge
-- one id, whatever happens to leases.
create table if not exists birth_lane.worker_cursor (
  worker_name text not null,
  source text not null,
  watermark text not null,
  run_id uuid not null references birth_lane.backlog_passes (run_id),
  through_id bigint not null,
  done boolean not null default false,
  lease_token uuid,
  lease_until timestamptz,
  batches bigint not null default 0,
  updated_at timestamptz not null default pg_catalog.clock_timestamp(),
  primary key (worker_name, source)
);
create index if not exists worker_cursor_run_idx on birth_lane.worker_cursor (run_id, done);

-- Per batch: the ids it covered, (after_id, through_id], and the one time every stamp it set
-- carries (inspect_batch stamps a batch with one clock reading). One small row per batch is the
-- whole rollback record: the stamps of rows in that range equal to that time, written by that
-- transaction, are the pass's.
create table if not exists birth_lane.backlog_batches (
  run_id uuid not null references birth_lane.backlog_passes (run_id),
  after_id bigint not null,
  through_id bigint not null,
  stamped_at timestamptz,
  primary key (run_id, after_id),
  constraint backlog_batches_order_check check (after_id < through_id)
);

-- An approver withdrew the yes a pass runs on; the pass stops before its next batch. Append-only.
create table if not exists birth_lane.backlog_revocations (
  approval_id bigint primary key references birth_lane.approval_requests (id),
  revoked_by text not null default session_user,
  revoked_at timestamptz not null default pg_catalog.clock_timestamp(),
  reason text not null
);
drop trigger if exists backlog_revocations_append_only on birth_lane.backlog_revocations;
create trigger backlog_revocations_append_only
  before update or delete on birth_lane.backlog_revocations
  for each row execute function birth_lane.refuse_change_to_append_only();
drop trigger if exists backlog_revocations_no_truncate on birth_lane.backlog_revocations;
create trigger backlog_revocations_no_truncate
  before truncate on birth_lane.backlog_revocations
  for each statement execute function birth_lane.refuse_change_to_append_only();

-- Rows a rollback left alone, and why: 'certified' (undoing them is a promotion-level decision) or
-- 'built_upon' (a later stamp someone else set rests on the pass's stamp).
create table if not exists birth_lane.backlog_rollback_kept (
  run_id uuid not null references birth_lane.backlog_passes (run_id),
  row_id bigint not null,
  reason text not null,
  primary key (run_id, row_id),
  constraint backlog_rollback_kept_reason_check check (reason in ('certified', 'built_upon'))
);

-- One live pass per id, held by the database rather than by a check two starts could both pass
-- (READ COMMITTED, no lock): the second of two overlapping starts waits for the first to commit,
-- then fails here, and its whole transaction (the approval's use included) is undone.
do $$
begin
  if not exists (select 1 from pg_catalog.pg_constraint
                  where conname = 'backlog_passes_one_live_pass_per_id'
                    and conrelid = 'birth_lane.backlog_passes'::regclass) then
    alter table birth_lane.backlog_passes
      add constraint backlog_passes_one_live_pass_per_id
      exclude using gist (int8range(id_from, id_to, '[]') with &&)
      where (state in ('verifying', 'running', 'paused', 'rolling_back'));
  end if;
end
$$;

revoke all on birth_lane.backlog_passes, birth_lane.worker_cursor, birth_lane.backlog_batches,
  birth_lane.backlog_revocations, birth_lane.backlog_rollback_kept from public;

-- A note in the evidence log, as the certify consumer writes its own (kind note, topic as check_id).
create or replace function birth_lane.backlog_note(p_run_id uuid, p_topic text, p_message text, p_payload jsonb)
returns void
language sql
security definer
set search_path = pg_catalog, pg_temp
as $$
  insert into birth_lane.evidence (kind, run_id, check_id, message, payload)
  values ('note', p_run_id, p_topic, p_message,
          pg_catalog.jsonb_build_object('kind', 'note', 'topic', p_topic, 'payload', p_payload))
$$;
revoke all on function birth_lane.backlog_note(uuid, text, text, jsonb) from public;

-- The checksum of an in-scope id set: its size and the sum of the ids' 64-bit hashes modulo 2^64.
-- A sum, so chunks add up in any order (the plan and the re-check walk the range in short chunks).
create or replace function birth_lane.backlog_checksum(p_rows bigint, p_sum numeric)
returns text
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
  select p_rows::text || ':' || (((p_sum % 18446744073709551616) + 18446744073709551616) % 18446744073709551616)::text
$$;

-- One chunk of a scope, (p_after, p_through]: uncertified rows by stamp state (observed rows apart),
-- and the in-scope (governed, uncertified) ids' count and hash sum. Short by construction: the
-- caller picks the chunk width.
create or replace function birth_lane.backlog_scope_chunk(p_after bigint, p_through bigint)
returns table (in_scope bigint, id_sum numeric, state_none bigint, state_partial bigint, state_complete bigint,
               state_ambiguous bigint, observed bigint)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select count(*) filter (where s.governed),
         coalesce(sum(pg_catalog.hashint8extended(s.id, 0)::numeric) filter (where s.governed), 0),
         count(*) filter (where s.governed and s.state = 'none'),
         count(*) filter (where s.governed and s.state = 'partial'),
         count(*) filter (where s.governed and s.state = 'complete'),
         count(*) filter (where s.governed and s.state = 'ambiguous'),
         count(*) filter (where not s.governed)
    from (select r.id, r.governance_role = 'governed' as governed,
                 birth_lane.inspect_state(r.inspect_pen, r.inspect_stamp, r.inspect_gate) as state
            from public.birth_registry r
           where r.certified = false and r.id > p_after and r.id <= p_through) s
$$;

-- The id of the p_n-th in-scope row after p_after (null when there are fewer): where a cap ends.
create or replace function birth_lane.backlog_nth_in_scope(p_after bigint, p_through bigint, p_n bigint)
returns bigint
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select r.id from public.birth_registry r
   where r.certified = false and r.governance_role = 'governed' and r.id > p_after and r.id <= p_through
   order by r.id offset greatest(p_n - 1, 0) limit 1
$$;

-- The highest id in the registry now: births after the plan get higher ids (a sequence).
create or replace function birth_lane.backlog_highest_id()
returns bigint
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$ select coalesce(max(id), 0) from public.birth_registry $$;

-- Starts a pass on an approval: the request must be for backlog_pass, its scope exactly a plan's
-- (bounded, the active and compiled rule set), and consume_approval must accept it (exists, not
-- expired, never used, quorum met without the proposer). Then the pass re-checks its scope
-- (birth_lane.backlog_verify) before it judges anything.
create or replace function birth_lane.backlog_start(p_approval_id bigint, p_slice_ids integer default 50000)
returns uuid
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  request birth_lane.approval_requests%rowtype;
  v_scope jsonb;
  v_key text;
  v_active record;
  v_compiled record;
  v_run uuid;
  v_from bigint;
  v_to bigint;
  v_walk bigint;
  v_highest bigint;
  v_max bigint;
begin
  if p_slice_ids is null or p_slice_ids < 100 or p_slice_ids > 10000000 then
    raise exception using errcode = '22023',
      message = pg_catalog.format('p_slice_ids must be 100 to 10000000 ids, got %s', coalesce(p_slice_ids::text, 'null'));
  end if;
  select * into request from birth_lane.approval_requests where id = p_approval_id;
  if not found then
    raise exception using errcode = 'BL003', constraint = 'approval_request_exists',
      message = pg_catalog.format('no approval request with id %s; plan the pass first (birth-lane backlog plan)', p_approval_id);
  end if;
  if request.action <> 'backlog_pass' then
    raise exception using errcode = 'BL003', constraint = 'approval_action_matches',
      message = pg_catalog.format('approval request %s is for %s, not backlog_pass', request.id, request.action);
  end if;
  v_scope := request.scope;
  -- The scope must be exactly a plan's: a bounded range and everything the plan measured.
  foreach v_key in array array['idFrom', 'idTo', 'walkTo', 'highestId', 'ruleSetVersion', 'ruleSetHash',
                               'idsChecksum', 'inScopeRows'] loop
    if v_scope ->> v_key is null then
      raise exception using errcode = 'BL003', constraint = 'backlog_scope',
        message = pg_catalog.format('approval request %s: scope lacks %s, so it is not a backlog plan (a pass is never '
                                    'unbounded); plan the pass with birth-lane backlog plan', request.id, v_key);
    end if;
  end loop;
  if exists (select 1 from pg_catalog.jsonb_object_keys(v_scope) k
              where k not in ('idFrom', 'idTo', 'walkTo', 'highestId', 'maxRows', 'ruleSetVersion', 'ruleSetHash',
                              'idsChecksum', 'inScopeRows')) then
    raise exception using errcode = 'BL003', constraint = 'backlog_scope',
      message = pg_catalog.format('approval request %s: scope has fields a backlog plan does not have', request.id);
  end if;
  foreach v_key in array array['idFrom', 'idTo', 'walkTo', 'highestId', 'inScopeRows'] loop
    if (v_scope ->> v_key) !~ '^-?[0-9]{1,18}$' then
      raise exception using errcode = 'BL003', constraint = 'backlog_scope',
        message = pg_catalog.format('approval request %s: scope %s must be a whole number as text', request.id, v_key);
    end if;
  end loop;
  v_from := (v_scope ->> 'idFrom')::bigint;
  v_to := (v_scope ->> 'idTo')::bigint;
  v_walk := (v_scope ->> 'walkTo')::bigint;
  v_highest := (v_scope ->> 'highestId')::bigint;
  if v_scope ? 'maxRows' and v_scope -> 'maxRows' <> 'null'::jsonb then
    if (v_scope ->> 'maxRows') !~ '^[0-9]{1,18}$' or (v_scope ->> 'maxRows')::bigint < 1 then
      raise exception using errcode = 'BL003', constraint = 'backlog_scope',
        message = pg_catalog.format('approval request %s: scope maxRows must be a whole number from 1', request.id);
    end if;
    v_max := (v_scope ->> 'maxRows')::bigint;
  end if;
  if v_from < 1 or v_from > v_to or v_walk > v_to or v_walk < v_from - 1 then
    raise exception using errcode = 'BL003', constraint = 'backlog_scope',
      message = pg_catalog.format('approval request %s: scope ids %s..%s (walk to %s) is not a bounded range', request.id, v_from, v_to, v_walk);
  end if;
  -- The scope's numbers came from a client, so the server checks what it can and re-counts the rest
  -- (backlog_verify walks the WHOLE range to walkTo against the checksum and row count the
  -- approvers saw). The upper bound must be a real one: ids above the registry's highest id are
  -- rows not born yet, which no plan counted, so such a scope is refused (the plan refuses it too).
  -- With idTo at or below the highest id, rows born later (higher ids) never fall in the range.
  if v_to > birth_lane.backlog_highest_id() or v_highest < v_to then
    raise exception using errcode = 'BL003', constraint = 'backlog_scope_beyond_registry',
      message = pg_catalog.format('approval request %s: scope idTo %s is above the registry''s highest id (%s now, %s in the '
                                  'scope): rows not born yet were never counted or approved; plan a range of existing ids',
                                  request.id, v_to, birth_lane.backlog_highest_id(), v_highest);
  end if;
  -- Without a cap the walk covers the whole range; with one it may end early (checked at verify).
  if v_max is null and v_walk <> v_to then
    raise exception using errcode = 'BL003', constraint = 'backlog_scope',
      message = pg_catalog.format('approval request %s: scope walkTo %s must equal idTo %s when maxRows is not set', request.id, v_walk, v_to);
  end if;
  if (v_scope ->> 'idsChecksum') !~ '^[0-9]{1,18}:[0-9]{1,20}$'
     or pg_catalog.split_part(v_scope ->> 'idsChecksum', ':', 1) <> (v_scope ->> 'inScopeRows') then
    raise exception using errcode = 'BL003', constraint = 'backlog_scope',
      message = pg_catalog.format('approval request %s: scope idsChecksum must be <inScopeRows>:<sum>', request.id);
  end if;
  select a.version, a.hash into v_active from birth_lane.rule_sets a where a.status = 'active';
  select c.version, c.hash into v_compiled from birth_lane.compiled_rule_set() c;
  if v_active.hash is distinct from v_scope ->> 'ruleSetHash' or v_compiled.hash is distinct from v_scope ->> 'ruleSetHash' then
    raise exception using errcode = 'BL003', constraint = 'backlog_scope_rule_set',
      message = pg_catalog.format('approval request %s was planned under rule set %s (%s), but the active rule set is %s (%s); '
                                  'nothing was started: plan again under the active rule set',
                                  request.id, v_scope ->> 'ruleSetVersion', v_scope ->> 'ruleSetHash',
                                  coalesce(v_active.version, 'none'), coalesce(v_active.hash, 'none'));
  end if;

  -- A revoked approval starts nothing (and is not used up by trying).
  if exists (select 1 from birth_lane.backlog_revocations where approval_id = request.id) then
    raise exception using errcode = 'BL003', constraint = 'approval_revoked',
      message = pg_catalog.format('approval request %s was revoked by %s: %s; propose a new request', request.id,
        (select revoked_by from birth_lane.backlog_revocations where approval_id = request.id),
        (select reason from birth_lane.backlog_revocations where approval_id = request.id));
  end if;
  -- A used approval is refused as such first (consume_approval would say the same, later).
  if exists (select 1 from birth_lane.approval_uses where request_id = request.id) then
    raise exception using errcode = 'BL003', constraint = 'approval_single_use',
      message = pg_catalog.format('approval request %s was already used; propose a new request', request.id);
  end if;
  -- Two live passes over one id would each skip the rows the other holds locked: one pass per id at a time.
  if exists (select 1 from birth_lane.backlog_passes p
              where p.state in ('verifying', 'running', 'paused', 'rolling_back')
                and p.id_from <= v_to and v_from <= p.id_to) then
    raise exception using errcode = 'BL001', constraint = 'backlog_pass_overlaps',
      message = pg_catalog.format('approval request %s: ids %s..%s overlap backlog pass %s, which is %s; finish, stop or roll it '
                                  'back first (the approval was not used)', request.id, v_from, v_to,
        (select p.run_id from birth_lane.backlog_passes p where p.state in ('verifying', 'running', 'paused', 'rolling_back')
            and p.id_from <= v_to and v_from <= p.id_to limit 1),
        (select p.state from birth_lane.backlog_passes p where p.state in ('verifying', 'running', 'paused', 'rolling_back')
            and p.id_from <= v_to and v_from <= p.id_to limit 1));
  end if;

  perform birth_lane.consume_approval(request.id, 'backlog_pass', v_scope);

  insert into birth_lane.producer_runs (channel, rule_set_version, rule_set_hash)
  values ('backlog', v_active.version, v_active.hash)
  returning run_id into v_run;
  begin
    insert into birth_lane.backlog_passes (run_id, approval_id, id_from, id_to, walk_to, max_rows, highest_id_at_plan,
                                           rule_set_version, rule_set_hash, ids_checksum, in_scope_rows, slice_ids,
                                           verified_through)
    values (v_run, request.id, v_from, v_to, v_walk, v_max, v_highest, v_active.version, v_active.hash,
            v_scope ->> 'idsChecksum', (v_scope ->> 'inScopeRows')::bigint, p_slice_ids, v_from - 1);
  exception when exclusion_violation then
    -- A concurrent start over overlapping ids committed first (the check above could not see it).
    raise exception using errcode = 'BL001', constraint = 'backlog_pass_overlaps',
      message = pg_catalog.format('approval request %s: ids %s..%s overlap a backlog pass started at the same time; '
                                  'nothing was started and the approval was not used', request.id, v_from, v_to);
  end;
  perform birth_lane.backlog_note(v_run, 'backlog.started',
    pg_catalog.format('backlog pass %s started by %s on approval %s: ids %s..%s', v_run, session_user, request.id, v_from, v_walk),
    pg_catalog.jsonb_build_object('runId', v_run, 'approvalRequestId', request.id::text, 'scope', v_scope,
                                  'startedBy', session_user::text));
  return v_run;
end;
$$;

-- Closes a pass that will judge nothing more: state, reason, the producer run's report, a note.
create or replace function birth_lane.backlog_close(p_run_id uuid, p_state text, p_detail text)
returns void
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  update birth_lane.backlog_passes
     set state = p_state, detail = p_detail, finished_at = pg_catalog.clock_timestamp()
   where run_id = p_run_id;
  perform birth_lane.finish_run(p_run_id, case when p_state = 'done' then 'completed' else 'stopped' end, p_detail);
  perform birth_lane.backlog_note(p_run_id, 'backlog.' || p_state,
    pg_catalog.format('backlog pass %s %s: %s', p_run_id, p_state, coalesce(p_detail, 'every slice walked')),
    pg_catalog.jsonb_build_object('runId', p_run_id, 'state', p_state, 'detail', p_detail));
end;
$$;
revoke all on function birth_lane.backlog_close(uuid, text, text) from public;

-- The pass as the caller may drive it: it exists and this login started it (inspect_batch judges
-- for the login that began the run, so every worker of a pass uses that login, on any host).
create or replace function birth_lane.backlog_own_pass(p_run_id uuid)
returns birth_lane.backlog_passes
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_pass birth_lane.backlog_passes%rowtype;
begin
  select * into v_pass from birth_lane.backlog_passes where run_id = p_run_id;
  if not found then
    raise exception using errcode = 'BL001', constraint = 'backlog_pass_exists',
      message = pg_catalog.format('no backlog pass %s', coalesce(p_run_id::text, 'null'));
  end if;
  if v_pass.started_by <> session_user then
    raise exception using errcode = 'BL001', constraint = 'backlog_pass_of_another_login',
      message = pg_catalog.format('backlog pass %s was started by %s; its workers run as that login', p_run_id, v_pass.started_by);
  end if;
  return v_pass;
end;
$$;
revoke all on function birth_lane.backlog_own_pass(uuid) from public;

-- Re-checks one chunk of the scope; at the end compares the in-scope ids up to the plan's highest
-- id with the planned checksum. Rows born after the plan have higher ids and are simply walked;
-- any other change (a row certified, removed or moved out of scope) stops the pass, unstamped.
create or replace function birth_lane.backlog_verify(p_run_id uuid, p_chunk_ids integer default 200000)
returns jsonb
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_pass birth_lane.backlog_passes%rowtype := birth_lane.backlog_own_pass(p_run_id);
  v_check_to bigint;
  v_end bigint;
  v_chunk record;
  v_found text;
  v_width bigint;
begin
  if p_chunk_ids is null or p_chunk_ids < 1000 or p_chunk_ids > 5000000 then
    raise exception using errcode = '22023', message = 'p_chunk_ids must be 1000 to 5000000';
  end if;
  select * into v_pass from birth_lane.backlog_passes where run_id = p_run_id for update;
  if v_pass.state <> 'verifying' then
    return pg_catalog.jsonb_build_object('state', v_pass.state, 'detail', v_pass.detail);
  end if;
  -- The whole walk is checked: the range lies at or below the registry's highest id (backlog_start),
  -- so every id in it existed when the approvers saw its count and checksum.
  v_check_to := v_pass.walk_to;
  v_end := least(v_pass.verified_through + p_chunk_ids, v_check_to);
  if v_end > v_pass.verified_through then
    select * into v_chunk from birth_lane.backlog_scope_chunk(v_pass.verified_through, v_end);
    update birth_lane.backlog_passes
       set verified_through = v_end, verified_rows = verified_rows + v_chunk.in_scope,
           verified_sum = verified_sum + v_chunk.id_sum
     where run_id = p_run_id
    returning * into v_pass;
  end if;
  if v_end < v_check_to then
    return pg_catalog.jsonb_build_object('state', 'verifying', 'verifiedThrough', v_end::text, 'checkTo', v_check_to::text);
  end if;
  v_found := birth_lane.backlog_checksum(v_pass.verified_rows, v_pass.verified_sum);
  if v_found <> v_pass.ids_checksum or v_pass.verified_rows <> v_pass.in_scope_rows
     or v_pass.verified_rows > coalesce(v_pass.max_rows, v_pass.verified_rows) then
    perform birth_lane.backlog_close(p_run_id, 'stopped', pg_catalog.format(
      'the in-scope rows are not the approved ones: ids %s..%s held %s in-scope rows (checksum %s) at '
      'plan time and hold %s now (checksum %s); nothing was stamped. Plan the pass again.',
      v_pass.id_from, v_check_to, v_pass.in_scope_rows, v_pass.ids_checksum, v_pass.verified_rows, v_found));
    return pg_catalog.jsonb_build_object('state', 'stopped', 'detail', (select detail from birth_lane.backlog_passes where run_id = p_run_id));
  end if;
  -- Slices of the range (at most 256, at least slice_ids wide). The tail slice below is empty now
  -- that the range never reaches past the highest id (kept for passes started before that rule).
  v_width := greatest(v_pass.slice_ids::bigint, ceil((v_check_to - v_pass.id_from + 1)::numeric / 256)::bigint);
  insert into birth_lane.worker_cursor (worker_name, source, watermark, run_id, through_id)
  select pg_catalog.format('slice-%s', pg_catalog.lpad(s.n::text, 5, '0')), 'birth_registry:backlog:' || p_run_id,
         s.after_id::text, p_run_id, s.through_id
    from (select n, v_pass.id_from - 1 + (n - 1) * v_width as after_id,
                 least(v_pass.id_from - 1 + n * v_width, v_check_to) as through_id
            from pg_catalog.generate_series(1::bigint,
                   greatest(0, ceil((v_check_to - v_pass.id_from + 1)::numeric / v_width)::bigint)) n
          union all
          select 0, greatest(v_check_to, v_pass.id_from - 1), v_pass.walk_to
           where v_pass.walk_to > greatest(v_check_to, v_pass.id_from - 1)) s
   where s.after_id < s.through_id;
  if not found then
    perform birth_lane.backlog_close(p_run_id, 'done', 'the range holds no id to walk');
    return pg_catalog.jsonb_build_object('state', 'done');
  end if;
  update birth_lane.backlog_passes set state = 'running' where run_id = p_run_id;
  return pg_catalog.jsonb_build_object('state', 'running');
end;
$$;

-- Leases one unfinished slice of a running pass to the caller's worker (SKIP LOCKED: workers never
-- wait for each other here). The lease expires, so a slice of a killed worker goes to another.
create or replace function birth_lane.backlog_claim(p_run_id uuid)
returns table (worker_name text, lease_token uuid, watermark text, through_id bigint)
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_pass birth_lane.backlog_passes%rowtype := birth_lane.backlog_own_pass(p_run_id);
  v_name text;
  v_token uuid := pg_catalog.gen_random_uuid();
begin
  if v_pass.state <> 'running' then
    return;
  end if;
  select c.worker_name into v_name
    from birth_lane.worker_cursor c
   where c.run_id = p_run_id and not c.done
     and (c.lease_until is null or c.lease_until < pg_catalog.clock_timestamp())
   order by c.worker_name
   limit 1
   for update skip locked;
  if v_name is null then
    return;
  end if;
  return query
    update birth_lane.worker_cursor c
       set lease_token = v_token, lease_until = pg_catalog.clock_timestamp() + interval '30 seconds',
           updated_at = pg_catalog.clock_timestamp()
     where c.worker_name = v_name and c.source = 'birth_registry:backlog:' || p_run_id
    returning c.worker_name, c.lease_token, c.watermark, c.through_id;
end;
$$;

-- One batch of a slice, in the caller's transaction: re-check the approval, lock the slice's
-- cursor, inspect the next ids after its watermark through inspect_batch, record the batch's stamp
-- time, move the watermark, count. Everything commits together or not at all.
create or replace function birth_lane.backlog_batch(p_run_id uuid, p_worker_name text, p_lease_token uuid,
                                                    p_batch_size integer)
returns jsonb
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_pass birth_lane.backlog_passes%rowtype := birth_lane.backlog_own_pass(p_run_id);
  v_request birth_lane.approval_requests%rowtype;
  v_revocation birth_lane.backlog_revocations%rowtype;
  v_cursor birth_lane.worker_cursor%rowtype;
  v_size integer := p_batch_size;
  v_t0 timestamptz;
  v_t1 timestamptz;
  v_locked bigint := 0;
  v_lock_to bigint;
  v_batch record;
  -- The batch's counts in plain variables: a batch that takes no row never assigns v_batch.
  v_taken integer := 0;
  v_scanned integer := 0;
  v_last_id text;
  v_after bigint;
  v_stamped_at timestamptz;
  v_slice_done boolean;
begin
  if p_batch_size is null or p_batch_size < 1 or p_batch_size > 50000 then
    raise exception using errcode = '22023',
      message = pg_catalog.format('p_batch_size must be 1 to 50000, got %s', coalesce(p_batch_size::text, 'null'));
  end if;
  if v_pass.state <> 'running' then
    -- The worker leaves: it gives its lease back (its cursor row only, the lock order of a batch).
    update birth_lane.worker_cursor c set lease_token = null, lease_until = null
     where c.worker_name = p_worker_name and c.source = 'birth_registry:backlog:' || p_run_id
       and c.lease_token = p_lease_token;
    return pg_catalog.jsonb_build_object('status', v_pass.state, 'detail', v_pass.detail);
  end if;

  -- The approval, re-checked before every batch: a revoked or expired yes stops the pass here.
  select * into v_revocation from birth_lane.backlog_revocations where approval_id = v_pass.approval_id;
  select * into v_request from birth_lane.approval_requests where id = v_pass.approval_id;
  if v_revocation.approval_id is not null or v_request.expires_at <= pg_catalog.now() then
    -- The pass row, then the producer run's row: the order every state change takes them in (a
    -- batch holds the pass row FOR KEY SHARE before inspect_batch touches the run's row).
    perform 1 from birth_lane.backlog_passes where run_id = p_run_id for update;
    perform 1 from birth_lane.producer_runs where run_id = p_run_id for update;
    if (select state from birth_lane.backlog_passes where run_id = p_run_id) = 'running' then
      perform birth_lane.backlog_close(p_run_id, 'stopped', case
        when v_revocation.approval_id is not null then
          pg_catalog.format('approval %s was revoked by %s at %s (%s); the pass stopped before its next batch',
                            v_pass.approval_id, v_revocation.revoked_by, v_revocation.revoked_at, v_revocation.reason)
        else pg_catalog.format('approval %s expired at %s; the pass stopped before its next batch',
                               v_pass.approval_id, v_request.expires_at) end);
    end if;
    return (select pg_catalog.jsonb_build_object('status', state, 'detail', detail)
              from birth_lane.backlog_passes where run_id = p_run_id);
  end if;

  select * into v_cursor from birth_lane.worker_cursor c
   where c.worker_name = p_worker_name and c.source = 'birth_registry:backlog:' || p_run_id
   for update;
  if not found then
    raise exception using errcode = 'BL001', constraint = 'backlog_slice_exists',
      message = pg_catalog.format('backlog pass %s has no slice %s', p_run_id, coalesce(p_worker_name, 'null'));
  end if;
  if v_cursor.lease_token is distinct from p_lease_token then
    return pg_catalog.jsonb_build_object('status', 'lease_lost');
  end if;
  if v_cursor.done then
    return pg_catalog.jsonb_build_object('status', 'slice_done');
  end if;
  -- The pass state again, now under a lock: the state read above (backlog_own_pass) was taken
  -- before this batch waited for its cursor row, and a pause or rollback may have landed since.
  -- FOR KEY SHARE lets the workers' batches run side by side but makes a state change (which
  -- takes the row FOR UPDATE) wait for the batches in flight, and a batch that comes after it
  -- see the new state and leave without judging anything.
  select p.state, p.detail into v_pass.state, v_pass.detail
    from birth_lane.backlog_passes p where p.run_id = p_run_id for key share;
  if v_pass.state <> 'running' then
    update birth_lane.worker_cursor c set lease_token = null, lease_until = null
     where c.worker_name = v_cursor.worker_name and c.source = v_cursor.source and c.lease_token = p_lease_token;
    return pg_catalog.jsonb_build_object('status', v_pass.state, 'detail', v_pass.detail);
  end if;
  if v_pass.max_rows is not null then
    v_size := least(v_size, greatest(v_pass.max_rows - v_pass.scanned, 0));
  end if;

  v_after := v_cursor.watermark::bigint;
  if v_size > 0 then
    -- The batch's rows, locked first and WAITING for them (under the caller's lock_timeout):
    -- inspect_batch takes rows FOR UPDATE SKIP LOCKED, so a row another session held at that
    -- moment (a metadata edit, the certify consumer, a producer) would be passed over for good
    -- once the watermark moves beyond it. Rows this transaction holds are not skipped, and the
    -- inspection is bounded by the last row locked here, so it takes exactly these rows.
    select count(*), max(l.id) into v_locked, v_lock_to
      from (select r.id from public.birth_registry r
             where r.certified = false and r.id > v_after and r.id <= v_cursor.through_id
             order by r.id limit v_size
               for update of r) l;
  end if;
  if v_size > 0 and v_locked > 0 then
    v_t0 := pg_catalog.clock_timestamp();
    select * into v_batch from birth_lane.inspect_batch(p_run_id, v_after, v_lock_to, v_size);
    v_taken := v_batch.taken;
    v_scanned := v_batch.scanned;
    v_last_id := v_batch.last_id;
    if v_batch.taken <> v_locked then
      raise exception using errcode = 'BL001', constraint = 'backlog_batch_rows_skipped',
        message = pg_catalog.format('backlog pass %s: the batch after id %s locked %s rows but the inspection took %s; '
                                    'nothing was stamped (the batch was undone), run it again', p_run_id, v_after, v_locked, v_batch.taken);
    end if;
  end if;
  if v_size = 0 or v_locked = 0 then
    v_slice_done := true;
    update birth_lane.worker_cursor c
       set watermark = c.through_id::text, done = true, lease_token = null, lease_until = null,
           updated_at = pg_catalog.clock_timestamp()
     where c.worker_name = v_cursor.worker_name and c.source = v_cursor.source;
  else
    if v_batch.stamped_rows > 0 then
      -- The batch's one stamp time, read back from the rows it judged: every stamp the batch set
      -- carries it, taken by inspect_batch between v_t0 and now, and it is that row's latest stamp
      -- (the stud guard refuses a stamp earlier than the one before it). The rows were locked by
      -- this transaction before v_t0, so no other session stamped them in that window. No xmin
      -- test: inside a SAVEPOINT the rows carry the subtransaction's xid, which would hide them.
      v_t1 := pg_catalog.clock_timestamp();
      select greatest(r.inspect_pen, r.inspect_stamp, r.inspect_gate) into v_stamped_at
        from public.birth_registry r
       where r.id > v_after and r.id <= v_batch.last_id::bigint
         and greatest(r.inspect_pen, r.inspect_stamp, r.inspect_gate) between v_t0 and v_t1
       limit 1;
      if v_stamped_at is null then
        -- Stamps a rollback could not find are stamps nobody can undo: refuse the batch.
        raise exception using errcode = 'BL001', constraint = 'backlog_batch_stamp_time',
          message = pg_catalog.format('backlog pass %s: the batch after id %s stamped %s rows but its stamp time was not '
                                      'found; nothing was stamped (the batch was undone)', p_run_id, v_after, v_batch.stamped_rows);
      end if;
    end if;
    insert into birth_lane.backlog_batches (run_id, after_id, through_id, stamped_at)
    values (p_run_id, v_after, v_batch.last_id::bigint, v_stamped_at);
    v_slice_done := v_batch.last_id::bigint >= v_cursor.through_id;
    update birth_lane.worker_cursor c
       set watermark = v_batch.last_id, done = v_slice_done, batches = c.batches + 1,
           lease_until = case when v_slice_done then null else pg_catalog.clock_timestamp() + interval '30 seconds' end,
           lease_token = case when v_slice_done then null else c.lease_token end,
           updated_at = pg_catalog.clock_timestamp()
     where c.worker_name = v_cursor.worker_name and c.source = v_cursor.source;
  end if;

  -- Taking the pass row's lock after the batch orders the workers' last steps, so the one that
  -- finishes the last slice sees every other slice's commit and closes the pass.
  update birth_lane.backlog_passes p
     set batches = p.batches + case when v_locked > 0 then 1 else 0 end,
         taken = p.taken + v_taken, scanned = p.scanned + v_scanned,
         last_batch_at = pg_catalog.clock_timestamp()
   where p.run_id = p_run_id
  returning * into v_pass;
  if v_pass.state = 'running'
     and not exists (select 1 from birth_lane.worker_cursor c where c.run_id = p_run_id and not c.done) then
    perform birth_lane.backlog_close(p_run_id, 'done', null);
    v_pass.state := 'done';
  elsif v_pass.state <> 'running' then
    -- Paused (or stopped) while this batch ran: the worker leaves now, so it gives its lease back
    -- (its cursor row is locked by this transaction already).
    update birth_lane.worker_cursor c set lease_token = null, lease_until = null
     where c.worker_name = v_cursor.worker_name and c.source = v_cursor.source and c.lease_token = p_lease_token;
  end if;
  return pg_catalog.jsonb_build_object('status', 'ok', 'taken', v_taken,
    'scanned', v_scanned, 'lastId', v_last_id, 'sliceDone', v_slice_done,
    'passState', v_pass.state);
end;
$$;

-- Pause: the workers stop before their next batch and exit; a paused pass holds no lease, no lock
-- and no transaction. Any backlog login may pause (stopping is the safe direction).
create or replace function birth_lane.backlog_pause(p_run_id uuid)
returns text
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_state text;
begin
  select state into v_state from birth_lane.backlog_passes where run_id = p_run_id for update;
  if not found then
    raise exception using errcode = 'BL001', constraint = 'backlog_pass_exists',
      message = pg_catalog.format('no backlog pass %s', coalesce(p_run_id::text, 'null'));
  end if;
  if v_state <> 'running' then
    raise exception using errcode = 'BL001', constraint = 'backlog_pass_state',
      message = pg_catalog.format('backlog pass %s is %s, not running; only a running pass pauses', p_run_id, v_state);
  end if;
  -- Only the pass row: a batch locks its cursor row and then the pass row, so touching cursor rows
  -- here, after the pass row, could deadlock with it. Each worker drops its own lease as it leaves.
  update birth_lane.backlog_passes set state = 'paused' where run_id = p_run_id;
  perform birth_lane.backlog_note(p_run_id, 'backlog.paused',
    pg_catalog.format('backlog pass %s paused by %s', p_run_id, session_user),
    pg_catalog.jsonb_build_object('runId', p_run_id, 'by', session_user::text));
  return 'paused';
end;
$$;

-- Resume: a paused pass runs again; a running one whose workers died gets its leases back at once
-- (safe: the batch locks the cursor row, so a worker still alive merely loses its lease).
create or replace function birth_lane.backlog_resume(p_run_id uuid)
returns text
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_pass birth_lane.backlog_passes%rowtype := birth_lane.backlog_own_pass(p_run_id);
begin
  -- Leases first, then the pass row: the lock order of a batch (cursor row, then pass row).
  update birth_lane.worker_cursor set lease_token = null, lease_until = null where run_id = p_run_id and not done;
  select * into v_pass from birth_lane.backlog_passes where run_id = p_run_id for update;
  if v_pass.state not in ('paused', 'running', 'verifying') then
    raise exception using errcode = 'BL001', constraint = 'backlog_pass_state',
      message = pg_catalog.format('backlog pass %s is %s; only a paused or interrupted pass resumes', p_run_id, v_pass.state);
  end if;
  if v_pass.state = 'paused' then
    update birth_lane.backlog_passes set state = 'running' where run_id = p_run_id;
    perform birth_lane.backlog_note(p_run_id, 'backlog.resumed',
      pg_catalog.format('backlog pass %s resumed by %s', p_run_id, session_user),
      pg_catalog.jsonb_build_object('runId', p_run_id, 'by', session_user::text));
  end if;
  return (select state from birth_lane.backlog_passes where run_id = p_run_id);
end;
$$;

-- An approver withdraws the approval a pass runs on; the pass stops before its next batch.
create or replace function birth_lane.backlog_revoke(p_approval_id bigint, p_reason text)
returns void
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_run uuid;
begin
  if coalesce((select rolsuper from pg_catalog.pg_roles where rolname = session_user), false)
     or not (pg_catalog.pg_has_role(session_user, 'birth_lane_president', 'MEMBER')
             or pg_catalog.pg_has_role(session_user, 'birth_lane_ai_council', 'MEMBER')
             or pg_catalog.pg_has_role(session_user, 'birth_lane_approver', 'MEMBER')) then
    raise exception using errcode = 'BL003', constraint = 'approval_voter_role',
      message = pg_catalog.format('%s holds no approver role; only an approver revokes an approval', session_user);
  end if;
  if not exists (select 1 from birth_lane.approval_requests where id = p_approval_id and action = 'backlog_pass') then
    raise exception using errcode = 'BL003', constraint = 'approval_request_exists',
      message = pg_catalog.format('no backlog_pass approval request with id %s', p_approval_id);
  end if;
  if p_reason is null or birth_lane.identity_key(p_reason) = '' then
    raise exception using errcode = 'BL003', constraint = 'approval_reason',
      message = 'say why the approval is revoked (p_reason), in visible characters';
  end if;
  insert into birth_lane.backlog_revocations (approval_id, reason) values (p_approval_id, p_reason)
  on conflict (approval_id) do nothing;
  select run_id into v_run from birth_lane.backlog_passes where approval_id = p_approval_id;
  perform birth_lane.backlog_note(v_run, 'backlog.approval_revoked',
    pg_catalog.format('approval %s revoked by %s: %s', p_approval_id, session_user, p_reason),
    pg_catalog.jsonb_build_object('approvalRequestId', p_approval_id::text, 'runId', v_run,
                                  'revokedBy', session_user::text, 'reason', p_reason));
end;
$$;

-- Starts the rollback of one pass (one pass is one rollback unit, S8) on its own approval: action
-- backlog_rollback, scope {"runId": "<run id>"}. The pass must have stopped judging.
create or replace function birth_lane.backlog_rollback_start(p_run_id uuid, p_approval_id bigint)
returns void
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_pass birth_lane.backlog_passes%rowtype;
begin
  -- The pass row first (FOR UPDATE waits for the batches in flight, which hold it FOR KEY SHARE,
  -- and makes later batches see the new state), then the producer run's row.
  select * into v_pass from birth_lane.backlog_passes where run_id = p_run_id for update;
  perform 1 from birth_lane.producer_runs where run_id = p_run_id for update;
  if not found then
    raise exception using errcode = 'BL001', constraint = 'backlog_pass_exists',
      message = pg_catalog.format('no backlog pass %s', coalesce(p_run_id::text, 'null'));
  end if;
  if v_pass.state not in ('done', 'stopped', 'paused') then
    raise exception using errcode = 'BL001', constraint = 'backlog_pass_state',
      message = pg_catalog.format('backlog pass %s is %s; roll back a pass that is done, stopped or paused (pause it first)',
                                  p_run_id, v_pass.state);
  end if;
  perform birth_lane.consume_approval(p_approval_id, 'backlog_rollback',
                                      pg_catalog.jsonb_build_object('runId', p_run_id::text));
  -- The run is closed whoever rolls back, so inspect_batch's run_finished guard also stops any
  -- late batch. finish_run closes only its starter's run; for another login the definer closes it.
  if (select ended_at from birth_lane.producer_runs where run_id = p_run_id) is null then
    if v_pass.started_by = session_user then
      perform birth_lane.finish_run(p_run_id, 'stopped', 'paused, then rolled back');
    else
      update birth_lane.producer_runs
         set ended_at = pg_catalog.clock_timestamp(), outcome = 'stopped',
             detail = pg_catalog.format('paused, then rolled back by %s', session_user)
       where run_id = p_run_id;
    end if;
  end if;
  update birth_lane.backlog_passes
     set state = 'rolling_back', rollback_approval_id = p_approval_id, finished_at = coalesce(finished_at, pg_catalog.clock_timestamp())
   where run_id = p_run_id;
  perform birth_lane.backlog_note(p_run_id, 'backlog.rollback_started',
    pg_catalog.format('rollback of backlog pass %s started by %s on approval %s', p_run_id, session_user, p_approval_id),
    pg_catalog.jsonb_build_object('runId', p_run_id, 'approvalRequestId', p_approval_id::text, 'by', session_user::text));
end;
$$;

-- Rolls back the next recorded batch of the pass (one statement's worth): on uncertified rows it
-- clears the stamps equal to that batch's stamp time, latest stage first, through the stud guard's
-- sanctioned path (the marker only this function writes); certified rows, and rows where a later
-- stamp someone else set rests on the pass's stamp, are listed and left alone. After the last batch
-- it closes the rollback and appends its report to the evidence log.
create or replace function birth_lane.backlog_rollback_step(p_run_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_pass birth_lane.backlog_passes%rowtype;
  v_batch birth_lane.backlog_batches%rowtype;
  -- Plain counters that start at 0: a batch that stamped nothing (every row failed PEN, or was
  -- ambiguous, observed or complete) records no stamp time and clears nothing, but still counts.
  v_cleared_pen bigint := 0;
  v_cleared_stamp bigint := 0;
  v_cleared_gate bigint := 0;
  v_report jsonb;
begin
  select * into v_pass from birth_lane.backlog_passes where run_id = p_run_id for update;
  if not found then
    raise exception using errcode = 'BL001', constraint = 'backlog_pass_exists',
      message = pg_catalog.format('no backlog pass %s', coalesce(p_run_id::text, 'null'));
  end if;
  if v_pass.state <> 'rolling_back' then
    return pg_catalog.jsonb_build_object('state', v_pass.state);
  end if;
  select * into v_batch from birth_lane.backlog_batches b
   where b.run_id = p_run_id and b.after_id > coalesce(v_pass.rollback_after, -9223372036854775808)
   order by b.after_id limit 1;
  if found then
    if v_batch.stamped_at is not null then
      insert into birth_lane.backlog_rollback_kept (run_id, row_id, reason)
      select p_run_id, r.id, case when r.certified then 'certified' else 'built_upon' end
        from public.birth_registry r
       where r.id > v_batch.after_id and r.id <= v_batch.through_id
         and (r.inspect_pen = v_batch.stamped_at or r.inspect_stamp = v_batch.stamped_at or r.inspect_gate = v_batch.stamped_at)
         and (r.certified
              or (r.inspect_pen = v_batch.stamped_at and r.inspect_stamp is distinct from v_batch.stamped_at and r.inspect_stamp is not null)
              or (r.inspect_stamp = v_batch.stamped_at and r.inspect_gate is distinct from v_batch.stamped_at and r.inspect_gate is not null))
      on conflict (run_id, row_id) do nothing;

      insert into birth_lane.stamp_clear_in_progress (xact_id, run_id) values (pg_catalog.pg_current_xact_id(), p_run_id);
      with target as (
        select r.id, r.inspect_pen = v_batch.stamped_at as pen, coalesce(r.inspect_stamp = v_batch.stamped_at, false) as stamp,
               coalesce(r.inspect_gate = v_batch.stamped_at, false) as gate
          from public.birth_registry r
         where r.id > v_batch.after_id and r.id <= v_batch.through_id and not r.certified
           and (r.inspect_pen = v_batch.stamped_at or r.inspect_stamp = v_batch.stamped_at or r.inspect_gate = v_batch.stamped_at)
           and not (r.inspect_pen = v_batch.stamped_at and r.inspect_stamp is distinct from v_batch.stamped_at and r.inspect_stamp is not null)
           and not (r.inspect_stamp = v_batch.stamped_at and r.inspect_gate is distinct from v_batch.stamped_at and r.inspect_gate is not null)
      ),
      cleared as (
        update public.birth_registry r
           set inspect_pen = case when t.pen then null else r.inspect_pen end,
               inspect_stamp = case when t.stamp then null else r.inspect_stamp end,
               inspect_gate = case when t.gate then null else r.inspect_gate end
          from target t
         where r.id = t.id
        returning t.pen, t.stamp, t.gate
      )
      select count(*) filter (where cleared.pen) as pen, count(*) filter (where cleared.stamp) as stamp,
             count(*) filter (where cleared.gate) as gate
        into v_cleared_pen, v_cleared_stamp, v_cleared_gate from cleared;
      delete from birth_lane.stamp_clear_in_progress where xact_id = pg_catalog.pg_current_xact_id();
    end if;
    update birth_lane.backlog_passes
       set rollback_after = v_batch.after_id, cleared_pen = cleared_pen + v_cleared_pen,
           cleared_stamp = cleared_stamp + v_cleared_stamp, cleared_gate = cleared_gate + v_cleared_gate
     where run_id = p_run_id;
    return pg_catalog.jsonb_build_object('state', 'rolling_back', 'throughId', v_batch.through_id::text);
  end if;

  select * into v_pass from birth_lane.backlog_passes where run_id = p_run_id;
  v_report := pg_catalog.jsonb_build_object(
    'runId', p_run_id, 'approvalRequestId', v_pass.rollback_approval_id::text, 'by', session_user::text,
    'cleared', pg_catalog.jsonb_build_object('pen', v_pass.cleared_pen, 'stamp', v_pass.cleared_stamp, 'gate', v_pass.cleared_gate),
    'certifiedKept', (select count(*) from birth_lane.backlog_rollback_kept where run_id = p_run_id and reason = 'certified'),
    'builtUponKept', (select count(*) from birth_lane.backlog_rollback_kept where run_id = p_run_id and reason = 'built_upon'),
    'certifiedRowIds', coalesce((select pg_catalog.jsonb_agg(k.row_id::text order by k.row_id)
                                   from (select row_id from birth_lane.backlog_rollback_kept
                                          where run_id = p_run_id and reason = 'certified' order by row_id limit 1000) k), '[]'::jsonb),
    'builtUponRowIds', coalesce((select pg_catalog.jsonb_agg(k.row_id::text order by k.row_id)
                                   from (select row_id from birth_lane.backlog_rollback_kept
                                          where run_id = p_run_id and reason = 'built_upon' order by row_id limit 1000) k), '[]'::jsonb),
    'message', 'certified rows were left untouched: undoing a certification is a promotion-level decision');
  update birth_lane.backlog_passes set state = 'rolled_back', rolled_back_at = pg_catalog.clock_timestamp()
   where run_id = p_run_id;
  perform birth_lane.backlog_note(p_run_id, 'backlog.rolled_back',
    pg_catalog.format('backlog pass %s rolled back: cleared %s pen, %s stamp, %s gate stamps; %s certified row(s) left untouched',
                      p_run_id, v_pass.cleared_pen, v_pass.cleared_stamp, v_pass.cleared_gate, v_report ->> 'certifiedKept'),
    v_report);
  return pg_catalog.jsonb_build_object('state', 'rolled_back', 'report', v_report);
end;
$$;

revoke all on function birth_lane.backlog_checksum(bigint, numeric), birth_lane.backlog_scope_chunk(bigint, bigint),
  birth_lane.backlog_nth_in_scope(bigint, bigint, bigint), birth_lane.backlog_highest_id(),
  birth_lane.backlog_start(bigint, integer), birth_lane.backlog_verify(uuid, integer), birth_lane.backlog_claim(uuid),
  birth_lane.backlog_batch(uuid, text, uuid, integer), birth_lane.backlog_pause(uuid), birth_lane.backlog_resume(uuid),
  birth_lane.backlog_revoke(bigint, text), birth_lane.backlog_rollback_start(uuid, bigint),
  birth_lane.backlog_rollback_step(uuid) from public;

grant usage on schema birth_lane to birth_lane_backlog;
-- Planning reads (the chunk functions) and proposing (request_approval, as governance or an approver).
grant execute on function birth_lane.backlog_checksum(bigint, numeric), birth_lane.backlog_scope_chunk(bigint, bigint),
  birth_lane.backlog_nth_in_scope(bigint, bigint, bigint), birth_lane.backlog_highest_id()
  to birth_lane_backlog, birth_lane_governance, birth_lane_reader, birth_lane_president, birth_lane_ai_council, birth_lane_approver;
grant execute on function birth_lane.backlog_start(bigint, integer), birth_lane.backlog_verify(uuid, integer),
  birth_lane.backlog_claim(uuid), birth_lane.backlog_batch(uuid, text, uuid, integer), birth_lane.backlog_pause(uuid),
  birth_lane.backlog_resume(uuid), birth_lane.backlog_rollback_start(uuid, bigint), birth_lane.backlog_rollback_step(uuid)
  to birth_lane_backlog;
grant execute on function birth_lane.backlog_revoke(bigint, text)
  to birth_lane_president, birth_lane_ai_council, birth_lane_approver;
grant select on birth_lane.backlog_passes, birth_lane.worker_cursor, birth_lane.backlog_rollback_kept,
  birth_lane.backlog_revocations
  to birth_lane_backlog, birth_lane_governance, birth_lane_reader;
grant select on birth_lane.approval_requests, birth_lane.approval_votes, birth_lane.approval_uses,
  birth_lane.rule_sets, birth_lane.producer_runs
  to birth_lane_backlog;
grant execute on function birth_lane.approval_status(bigint), birth_lane.approval_quorum_met(bigint),
  birth_lane.approval_missing_votes(bigint), birth_lane.approval_tally(bigint) to birth_lane_backlog;
