-- Why: the inspect stud (B3) as SQL, so every block, query and dashboard classifies a row's three
-- stamps exactly as the TypeScript classifier does. GENERATED from src/inspect-rules.ts by
-- src/inspect-stud-sql.ts: do not edit by hand; change the rules, then run `vitest run -u`.
-- Plain SQL functions marked immutable, so the planner inlines them into the calling query.
create schema if not exists birth_lane;

create or replace function birth_lane.inspect_state(inspect_pen timestamptz, inspect_stamp timestamptz, inspect_gate timestamptz)
  returns text
  language sql
  immutable
  parallel safe
as $$
  select case
    when inspect_pen is null and inspect_stamp is null and inspect_gate is null then 'none'
    when inspect_pen is null and inspect_stamp is not null then 'ambiguous'
    when inspect_pen is null and inspect_stamp is null and inspect_gate is not null then 'ambiguous'
    when inspect_pen is not null and inspect_stamp is not null and inspect_stamp < inspect_pen then 'ambiguous'
    when inspect_pen is not null and inspect_stamp is null and inspect_gate is not null then 'ambiguous'
    when inspect_pen is not null and inspect_stamp is not null and inspect_stamp >= inspect_pen and inspect_gate is not null and inspect_gate < inspect_stamp then 'ambiguous'
    when inspect_pen is not null and inspect_stamp is null and inspect_gate is null then 'partial'
    when inspect_pen is not null and inspect_stamp is not null and inspect_stamp >= inspect_pen and inspect_gate is null then 'partial'
    when inspect_pen is not null and inspect_stamp is not null and inspect_stamp >= inspect_pen and inspect_gate is not null and inspect_gate >= inspect_stamp then 'complete'
  end
$$;

comment on function birth_lane.inspect_state(timestamptz, timestamptz, timestamptz) is
  'Inspect state of a row''s stamps: none, partial (PEN, or PEN+STAMP, in time order), complete (pen <= stamp <= gate) or ambiguous. Contract 1.0.0.';

create or replace function birth_lane.inspect_reason(inspect_pen timestamptz, inspect_stamp timestamptz, inspect_gate timestamptz)
  returns text
  language sql
  immutable
  parallel safe
as $$
  select case
    when inspect_pen is null and inspect_stamp is null and inspect_gate is null then 'no_stamps'
    when inspect_pen is null and inspect_stamp is not null then 'stamp_without_pen'
    when inspect_pen is null and inspect_stamp is null and inspect_gate is not null then 'gate_without_pen'
    when inspect_pen is not null and inspect_stamp is not null and inspect_stamp < inspect_pen then 'stamp_before_pen'
    when inspect_pen is not null and inspect_stamp is null and inspect_gate is not null then 'gate_without_stamp'
    when inspect_pen is not null and inspect_stamp is not null and inspect_stamp >= inspect_pen and inspect_gate is not null and inspect_gate < inspect_stamp then 'gate_before_stamp'
    when inspect_pen is not null and inspect_stamp is null and inspect_gate is null then 'pen_only'
    when inspect_pen is not null and inspect_stamp is not null and inspect_stamp >= inspect_pen and inspect_gate is null then 'pen_and_stamp'
    when inspect_pen is not null and inspect_stamp is not null and inspect_stamp >= inspect_pen and inspect_gate is not null and inspect_gate >= inspect_stamp then 'all_stamps'
  end
$$;

comment on function birth_lane.inspect_reason(timestamptz, timestamptz, timestamptz) is
  'Stable reason code for birth_lane.inspect_state, e.g. pen_only, gate_without_stamp, stamp_before_pen. Contract 1.0.0.';

create or replace function birth_lane.inspect_contract_version()
  returns text
  language sql
  immutable
  parallel safe
as $$
  select '1.0.0'::text
$$;

comment on function birth_lane.inspect_contract_version() is
  'Version of the inspect stud installed in this database; blocks compare it with INSPECT_CONTRACT_VERSION.';
