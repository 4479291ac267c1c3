-- Why: the evidence log (S7) is how anyone later checks what the lane did and why. It records;
-- it never decides. It is append-only, and the database (not the code) refuses any change.
-- Only the lane's own SECURITY DEFINER functions write it, each only the kinds it owns (no lane
-- role has INSERT here): a client cannot forge a failure, a run report or an approval record.
-- Ids, times and the writer (session_user, the login) are set by the server, never by a caller.
create schema if not exists birth_lane;

create table if not exists birth_lane.evidence (
  id bigserial primary key,
  recorded_at timestamptz not null default clock_timestamp(),
  kind text not null,
  run_id uuid,
  row_id bigint,
  entity_code text,
  stage text,
  check_id text,
  rule_set_hash text,
  message text,
  payload jsonb not null default '{}'::jsonb,
  recorded_by text not null default session_user,
  constraint evidence_stage_check check (stage is null or stage in ('pen', 'stamp', 'gate')),
  constraint evidence_failure_shape_check check (
    kind not in ('inspection_failure', 'ambiguous_row')
    or (row_id is not null and check_id is not null and rule_set_hash is not null and message is not null)
  )
);

-- Re-applying over an older log: the writer column, and the kind list as it is now.
alter table birth_lane.evidence add column if not exists recorded_by text not null default session_user;
alter table birth_lane.evidence drop constraint if exists evidence_kind_check;
alter table birth_lane.evidence add constraint evidence_kind_check check (
  kind in ('inspection_failure', 'ambiguous_row', 'run_report', 'rule_set_activated', 'promotion_requested', 'note',
           'approval_requested', 'approval_voted', 'approval_used')
);

create index if not exists evidence_run_id_idx on birth_lane.evidence (run_id) where run_id is not null;
create index if not exists evidence_kind_recorded_idx on birth_lane.evidence (kind, recorded_at);

-- One failure is recorded once per row, check and rule set: a second run over the same rows
-- appends nothing new (writers use ON CONFLICT DO NOTHING against this index). Only the
-- inspection function writes these kinds, so no forged record can take a real one's place here.
create unique index if not exists evidence_failure_once_idx
  on birth_lane.evidence (row_id, check_id, rule_set_hash)
  where kind in ('inspection_failure', 'ambiguous_row');

create or replace function birth_lane.refuse_change_to_append_only()
returns trigger
language plpgsql
as $$
begin
  raise exception using
    errcode = 'BL002',
    message = format('%I.%I is append-only: %s refused', tg_table_schema, tg_table_name, tg_op),
    hint = 'Append a new record instead of changing or removing one.';
end;
$$;

drop trigger if exists evidence_append_only on birth_lane.evidence;
create trigger evidence_append_only
  before update or delete on birth_lane.evidence
  for each row execute function birth_lane.refuse_change_to_append_only();

drop trigger if exists evidence_no_truncate on birth_lane.evidence;
create trigger evidence_no_truncate
  before truncate on birth_lane.evidence
  for each statement execute function birth_lane.refuse_change_to_append_only();

-- The server sets id, time and writer: the column defaults (nextval, clock_timestamp(),
-- session_user), which the lane's writers never override. A guard refuses any insert that does
-- (even by the owner or a definer function): an id ahead of the sequence, which would make the
-- next honest insert fail, a time outside the inserting statement, or another writer's name.
-- The WHEN clause does the checking, so an honest row costs a few comparisons and no function
-- call (a per-row plpgsql trigger cost the producer about 12 % over a field-sized backlog).
-- currval: the default has just drawn this row's id in this session; a caller-chosen id differs
-- from it, or (nextval never called in the session) currval itself refuses the insert (55000).
-- Not stopped (see the contract README): an id the caller drew with nextval itself, a time within
-- the statement's own span; an insert whose values themselves append evidence is refused.
create or replace function birth_lane.refuse_caller_set_evidence_fields()
returns trigger
language plpgsql
as $$
begin
  raise exception using
    errcode = 'BL002',
    message = 'birth_lane.evidence: id, recorded_at and recorded_by are set by the server; this insert chose its own',
    hint = 'Leave id, recorded_at and recorded_by out of the insert.';
end;
$$;
revoke all on function birth_lane.refuse_caller_set_evidence_fields() from public;

-- Re-applying over the earlier shape: its per-row trigger set the fields itself and the id had no default.
drop trigger if exists evidence_server_set on birth_lane.evidence;
drop function if exists birth_lane.fn_evidence_server_set();
alter table birth_lane.evidence
  alter column id set default pg_catalog.nextval('birth_lane.evidence_id_seq'::pg_catalog.regclass);
drop trigger if exists evidence_server_fields on birth_lane.evidence;
create trigger evidence_server_fields
  before insert on birth_lane.evidence
  for each row
  when (NEW.id operator(pg_catalog.<>) pg_catalog.currval('birth_lane.evidence_id_seq'::pg_catalog.regclass)
        or NEW.recorded_at operator(pg_catalog.<) pg_catalog.statement_timestamp()
        or NEW.recorded_at operator(pg_catalog.>) pg_catalog.clock_timestamp()
        or NEW.recorded_by operator(pg_catalog.<>) session_user)
  execute function birth_lane.refuse_caller_set_evidence_fields();

-- The one kind a TypeScript client may still append: a `note` (a queue job, an install step),
-- with its topic and payload. The writer is session_user, the kind is always `note`, and topics
-- that lane functions write themselves are reserved, so a note cannot pass for another record.
-- EXECUTE is granted in 0004_roles.sql to the lane roles that record notes.
create or replace function birth_lane.append_note(p_topic text, p_payload jsonb, p_run_id uuid default null)
returns bigint
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  note_id bigint;
begin
  -- Keep this pattern identical to the topic rule of the note schema in @birth-lane/contract.
  if p_topic is null or p_topic !~ '^[a-z][a-z0-9_.-]{0,63}$' then
    raise exception using errcode = 'BL001', constraint = 'evidence_note_topic',
      message = format('birth_lane.append_note: topic %L must be a lower-case topic such as queue.job', p_topic);
  end if;
  -- Reserved by prefix whatever separator follows (certify.x, certify-x, certify_x, certify), and
  -- every evidence kind's name (run_report, approval_used, ...). Keep identical to
  -- RESERVED_NOTE_TOPIC_PATTERN in @birth-lane/contract.
  if p_topic operator(pg_catalog.~) '^(certify|approvals?|rules?|inspect|inspection|install|promotion|run|ambiguous|note|gate|stamps)([._-]|$)' then
    raise exception using errcode = 'BL001', constraint = 'evidence_note_topic_reserved',
      message = format('birth_lane.append_note: topic %L is reserved for the lane''s own functions '
                       '(certify, approval, rules, inspect, install, promotion, run, gate, stamps and the evidence kinds, '
                       'with any separator)', p_topic);
  end if;
  -- A note may attach to a run only if this very login began it (birth_lane.begin_run records
  -- session_user): a note cannot pose as part of another login's run.
  if p_run_id is not null then
    if pg_catalog.to_regclass('birth_lane.producer_runs') is null then
      raise exception using errcode = 'BL001', constraint = 'evidence_note_run',
        message = format('birth_lane.append_note: run %s was not begun with birth_lane.begin_run', p_run_id);
    end if;
    if not exists (select 1 from birth_lane.producer_runs r
                    where r.run_id operator(pg_catalog.=) p_run_id
                      and r.started_by operator(pg_catalog.=) session_user) then
      raise exception using errcode = 'BL001', constraint = 'evidence_note_run',
        message = format('birth_lane.append_note: run %s was not begun by %s; a note attaches only to its own '
                         'login''s run, or to none', p_run_id, session_user);
    end if;
  end if;
  if p_payload is null or pg_catalog.jsonb_typeof(p_payload) <> 'object' then
    raise exception using errcode = 'BL001', constraint = 'evidence_note_payload',
      message = 'birth_lane.append_note: payload must be a JSON object';
  end if;
  if pg_catalog.octet_length(p_payload::text) > 65536 then
    raise exception using errcode = 'BL001', constraint = 'evidence_note_payload',
      message = 'birth_lane.append_note: payload must be at most 64 kB of JSON';
  end if;
  insert into birth_lane.evidence (kind, run_id, check_id, payload)
  values ('note', p_run_id, p_topic,
          pg_catalog.jsonb_build_object('kind', 'note', 'topic', p_topic, 'payload', p_payload)
            operator(pg_catalog.||) case when p_run_id is null then '{}'::jsonb
                                         else pg_catalog.jsonb_build_object('runId', p_run_id) end)
  returning id into note_id;
  return note_id;
end;
$$;
revoke all on function birth_lane.append_note(text, jsonb, uuid) from public;
