-- Why: the evidence log (S7) is how anyone later checks what the lane did and why. It records;
-- it never decides. It is append-only, and the database (not the code) refuses any change.
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
  constraint evidence_kind_check check (
    kind in ('inspection_failure', 'ambiguous_row', 'run_report', 'rule_set_activated', 'promotion_requested', 'note')
  ),
  constraint evidence_stage_check check (stage is null or stage in ('pen', 'stamp', 'gate')),
  constraint evidence_failure_shape_check check (
    kind not in ('inspection_failure', 'ambiguous_row')
    or (row_id is not null and check_id is not null and rule_set_hash is not null and message is not null)
  )
);

create index if not exists evidence_run_id_idx on birth_lane.evidence (run_id) where run_id is not null;
create index if not exists evidence_kind_recorded_idx on birth_lane.evidence (kind, recorded_at);

-- One failure is recorded once per row, check and rule set: a second run over the same rows
-- appends nothing new (writers use ON CONFLICT DO NOTHING against this index).
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
