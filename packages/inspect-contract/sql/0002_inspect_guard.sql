-- Why: the inspect stud must hold whatever client writes the registry, including a superuser with a
-- fused "insert … all three stamps = now(), certified = true" statement. This guard refuses, with
-- SQLSTATE BL001, every write that would break it: a stamp set in an INSERT, a stamp set while an
-- earlier one is NULL, a stamp changed or cleared once set, stamps out of time order, and any new
-- stamp on a row that is already ambiguous. It judges only the transition, so rows that are
-- ambiguous in the field stay readable and take unrelated updates.
-- It fires on every write of a 1.2M-row backlog pass, so it is plain comparisons of NEW and OLD:
-- no query, no call into other schemas (so it needs no privilege beyond the write itself), and an
-- early return when the stamps are untouched. Reading only NEW and OLD, it may guard any table with
-- the three stamp columns (a staging copy, say).
-- No SET search_path (that would cost a GUC save and restore on each of those calls): every
-- operator is pinned as OPERATOR(pg_catalog.x) and every function qualified, so a caller's
-- search_path cannot swap one in. IS [NOT] DISTINCT FROM cannot be qualified; it takes `=` for
-- timestamptz, an exact match that pg_catalog always has and wins unless a path lists it later.
-- Keep its rules in step with judgeStampTransition (src/judge-stamp-transition.ts); the
-- integration tests run both over random transitions and compare.

-- A CREATE TRIGGER on a busy registry waits for its lock; never queue live births behind it for long.
select set_config('lock_timeout', '3s', true);

-- The one sanctioned way a set stamp is cleared: an approved rollback of a backlog pass (S8). Its
-- SECURITY DEFINER function writes its transaction id here before clearing and deletes it after;
-- no lane role can write this table, and a setting (GUC) is never the marker because any client can
-- set one. The guard asks only on its refusal path, so the hot path stays plain comparisons.
create table if not exists birth_lane.stamp_clear_in_progress (
  xact_id xid8 primary key,
  run_id uuid not null
);
revoke all on birth_lane.stamp_clear_in_progress from public;

-- Is a sanctioned stamp clear under way in this very transaction? SECURITY DEFINER so the guard
-- can ask without the invoker being able to read (or forge) the marker table.
create or replace function birth_lane.stamp_clear_sanctioned()
returns boolean
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select exists (select 1 from birth_lane.stamp_clear_in_progress where xact_id = pg_catalog.pg_current_xact_id())
$$;
revoke all on function birth_lane.stamp_clear_sanctioned() from public;
grant execute on function birth_lane.stamp_clear_sanctioned() to public;

create or replace function birth_lane.fn_birth_inspect_stud()
  returns trigger
  language plpgsql
as $$
declare
  bad_column text;
  broken_rule text;
  explanation text;
  refusal_hint text;
begin
  if tg_op operator(pg_catalog.=) 'INSERT' then
    bad_column := case
      when new.inspect_pen is not null then 'inspect_pen'
      when new.inspect_stamp is not null then 'inspect_stamp'
      when new.inspect_gate is not null then 'inspect_gate'
    end;
    if bad_column is null then
      return new;
    end if;
    broken_rule := 'stamp_on_insert';
    explanation := pg_catalog.format('%s may not be set by an INSERT, a row is born with no stamp', bad_column);
    refusal_hint := 'Insert the row without stamps; each inspector sets its own stamp later, after a genuine pass.';
  else
    -- Most updates (metadata edits, certification) leave the stamps alone: nothing to judge.
    if new.inspect_pen is not distinct from old.inspect_pen
       and new.inspect_stamp is not distinct from old.inspect_stamp
       and new.inspect_gate is not distinct from old.inspect_gate then
      return new;
    end if;

    -- Each stamp is set at most once: once set it never changes and is never cleared.
    if old.inspect_pen is not null and new.inspect_pen is distinct from old.inspect_pen then
      bad_column := 'inspect_pen';
    elsif old.inspect_stamp is not null and new.inspect_stamp is distinct from old.inspect_stamp then
      bad_column := 'inspect_stamp';
    elsif old.inspect_gate is not null and new.inspect_gate is distinct from old.inspect_gate then
      bad_column := 'inspect_gate';
    end if;
    if bad_column is not null then
      if (bad_column operator(pg_catalog.=) 'inspect_pen' and new.inspect_pen is null)
         or (bad_column operator(pg_catalog.=) 'inspect_stamp' and new.inspect_stamp is null)
         or (bad_column operator(pg_catalog.=) 'inspect_gate' and new.inspect_gate is null) then
        -- A sanctioned rollback may clear stamps to NULL (never change one), latest stage first, so
        -- the row stays a valid prefix (no later stamp left above a cleared earlier one).
        if (new.inspect_pen is null or new.inspect_pen is not distinct from old.inspect_pen)
           and (new.inspect_stamp is null or new.inspect_stamp is not distinct from old.inspect_stamp)
           and (new.inspect_gate is null or new.inspect_gate is not distinct from old.inspect_gate)
           and (new.inspect_pen is not null or new.inspect_stamp is null)
           and (new.inspect_stamp is not null or new.inspect_gate is null)
           and birth_lane.stamp_clear_sanctioned() then
          return new;
        end if;
        broken_rule := 'stamp_cleared';
        explanation := pg_catalog.format('%s was already set and may not be cleared', bad_column);
      else
        broken_rule := 'stamp_changed';
        explanation := pg_catalog.format('%s was already set and may not change: each stamp is set at most once', bad_column);
      end if;
      refusal_hint := 'Leave a set stamp alone; a wrong stamp is a repair for governance, not an inspector''s write.';
    else
      -- From here every difference is a stamp going from NULL to a value.
      bad_column := case
        when old.inspect_pen is null and not pg_catalog.isfinite(new.inspect_pen) then 'inspect_pen'
        when old.inspect_stamp is null and not pg_catalog.isfinite(new.inspect_stamp) then 'inspect_stamp'
        when old.inspect_gate is null and not pg_catalog.isfinite(new.inspect_gate) then 'inspect_gate'
      end;
      if bad_column is not null then
        broken_rule := 'stamp_not_finite';
        explanation := pg_catalog.format('%s may not be set to infinity: a stamp records the moment of a genuine pass', bad_column);
        refusal_hint := 'Set the stamp to the time the stage passed, e.g. now().';
      -- The old row is a valid prefix when each set stamp has its predecessor set and not later than it.
      elsif not (
             (old.inspect_stamp is null or (old.inspect_pen is not null and old.inspect_stamp operator(pg_catalog.>=) old.inspect_pen))
         and (old.inspect_gate is null or (old.inspect_stamp is not null and old.inspect_gate operator(pg_catalog.>=) old.inspect_stamp))
      ) then
        bad_column := case
          when old.inspect_pen is null and new.inspect_pen is not null then 'inspect_pen'
          when old.inspect_stamp is null and new.inspect_stamp is not null then 'inspect_stamp'
          else 'inspect_gate'
        end;
        broken_rule := 'ambiguous_row';
        explanation := pg_catalog.format('the row is already ambiguous, and ambiguous rows are never continued (%s refused)', bad_column);
        refusal_hint := 'Classify it with birth_lane.inspect_reason(inspect_pen, inspect_stamp, inspect_gate); repairing it is a governance decision.';
      elsif new.inspect_stamp is not null and new.inspect_pen is null then
        bad_column := 'inspect_stamp';
        broken_rule := 'stamp_without_pen';
        explanation := 'inspect_stamp may be set only after inspect_pen';
      elsif new.inspect_stamp operator(pg_catalog.<) new.inspect_pen then
        bad_column := 'inspect_stamp';
        broken_rule := 'stamp_before_pen';
        explanation := 'inspect_stamp may not be earlier than inspect_pen';
      elsif new.inspect_gate is not null and new.inspect_pen is null then
        bad_column := 'inspect_gate';
        broken_rule := 'gate_without_pen';
        explanation := 'inspect_gate may be set only after inspect_pen and inspect_stamp';
      elsif new.inspect_gate is not null and new.inspect_stamp is null then
        bad_column := 'inspect_gate';
        broken_rule := 'gate_without_stamp';
        explanation := 'inspect_gate may be set only after inspect_stamp';
      elsif new.inspect_gate operator(pg_catalog.<) new.inspect_stamp then
        bad_column := 'inspect_gate';
        broken_rule := 'gate_before_stamp';
        explanation := 'inspect_gate may not be earlier than inspect_stamp';
      else
        return new;
      end if;
      refusal_hint := coalesce(refusal_hint, 'Set the stamps in order PEN, STAMP, GATE, each at or after the one before.');
    end if;
  end if;

  -- Only a refused write gets here, so the JSON used to name the row costs nothing on the hot path,
  -- and the function keeps working on a table without id or entity_code columns.
  raise exception using
    errcode = 'BL001',
    message = pg_catalog.format('inspect stud refused the %s on %I.%I: %s (rule %s)',
      pg_catalog.lower(tg_op), tg_table_schema, tg_table_name, explanation, broken_rule),
    detail = pg_catalog.format('row %s; new stamps inspect_pen=%s, inspect_stamp=%s, inspect_gate=%s',
      coalesce(pg_catalog.to_jsonb(new) operator(pg_catalog.->>) 'entity_code', pg_catalog.to_jsonb(new) operator(pg_catalog.->>) 'id', '(unnamed)'),
      coalesce(new.inspect_pen::text, 'NULL'), coalesce(new.inspect_stamp::text, 'NULL'),
      coalesce(new.inspect_gate::text, 'NULL')),
    hint = refusal_hint,
    schema = tg_table_schema,
    table = tg_table_name,
    column = bad_column,
    constraint = 'inspect_stud.' operator(pg_catalog.||) broken_rule;
end
$$;

comment on function birth_lane.fn_birth_inspect_stud() is
  'Inspect stud guard (BL001): no stamp on INSERT; stamps set once, in order PEN, STAMP, GATE, pen <= stamp <= gate; ambiguous rows never continued. The error''s constraint field is inspect_stud.<rule>.';

-- Two triggers on the one function, each with a WHEN clause that skips the call where the function
-- would only return NEW. A WHEN clause is evaluated in C, with its operators fixed when the trigger
-- is created, at a fraction of a PL/pgSQL call: on a backlog pass that is about a tenth of the
-- producer's CPU (measured: 23.8 and 23.9 CPU-seconds against 26.1 and 26.6, 1.2M rows).
-- The clauses only skip; they never refuse. Whatever they let through is judged by the function.
-- The property test (test/guard-property.int.test.ts) runs real UPDATEs through the UPDATE trigger,
-- and a test writes every first-pass shape through it; the guard tests cover the INSERT trigger.
--
-- INSERT: only a row born with a stamp can be refused.
drop trigger if exists trg_birth_inspect_stud_insert on public.birth_registry;
create trigger trg_birth_inspect_stud_insert
  before insert on public.birth_registry
  for each row
  when (new.inspect_pen is not null or new.inspect_stamp is not null or new.inspect_gate is not null)
  execute function birth_lane.fn_birth_inspect_stud();

-- UPDATE: skipped when the stamps do not change (a metadata edit, a certification), and on the
-- commonest allowed write, the producer's first pass: a row with no stamp gets a finite PEN, then
-- optionally a finite STAMP no earlier than it, then optionally a finite GATE no earlier than that.
-- The coalesce makes the clause true (the function runs) whenever that test comes out NULL.
drop trigger if exists trg_birth_inspect_stud on public.birth_registry;
create trigger trg_birth_inspect_stud
  before update on public.birth_registry
  for each row
  when ((old.inspect_pen, old.inspect_stamp, old.inspect_gate)
          is distinct from (new.inspect_pen, new.inspect_stamp, new.inspect_gate)
        and not coalesce(
          old.inspect_pen is null and old.inspect_stamp is null and old.inspect_gate is null
          and new.inspect_pen is not null and pg_catalog.isfinite(new.inspect_pen)
          and (new.inspect_stamp is null
               or (pg_catalog.isfinite(new.inspect_stamp)
                   and new.inspect_stamp operator(pg_catalog.>=) new.inspect_pen))
          and (new.inspect_gate is null
               or (new.inspect_stamp is not null and pg_catalog.isfinite(new.inspect_gate)
                   and new.inspect_gate operator(pg_catalog.>=) new.inspect_stamp)),
          false))
  execute function birth_lane.fn_birth_inspect_stud();
