-- Why: B7, the birth gate. A birth that would fail PEN (identity completeness) under the active
-- rule set is either minted with a warning on record (`warning`) or refused (`block`), whichever
-- path minted it: birth_lane.mint_birth, mint_births, a source-table trigger of the birth trigger
-- fabric, or a direct insert. One trigger on the registry covers them all. The PEN judgement is
-- the inspect producer's, compiled at activation as birth_lane.birth_pen_failures (the contract
-- names it); the gate never guesses it.
create schema if not exists birth_lane;

-- The gate's warnings, appended to the evidence log as `note` records with the reserved topic
-- gate.birth_warning (append_note refuses that topic, so a client cannot pose as the gate).
-- SECURITY DEFINER: the minting role needs no INSERT on the evidence log. It trusts nothing it is
-- handed: it runs only from a trigger, reads the rows back from the registry by id (so they were
-- really inserted) and records only those that fail PEN when it judges them itself, so even the
-- owner's direct call can only record a true statement about a row that exists.
create or replace function birth_lane.record_birth_gate_warnings(p_row_ids bigint[])
returns integer
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  written integer;
begin
  if pg_catalog.pg_trigger_depth() < 1 then
    raise exception using errcode = 'BL001', constraint = 'birth_gate_warning_from_trigger',
      message = 'birth_lane.record_birth_gate_warnings runs only from the birth gate trigger, never by a direct call';
  end if;
  if p_row_ids is null or pg_catalog.to_regprocedure('birth_lane.birth_pen_failures(public.birth_registry)') is null then
    return 0;
  end if;
  insert into birth_lane.evidence (kind, row_id, entity_code, check_id, message, payload)
  select 'note', judged.id, judged.entity_code, 'gate.birth_warning',
         pg_catalog.format('birth gate (warning): %s was minted but would fail PEN: %s', judged.entity_code,
                           pg_catalog.array_to_string(judged.failed, ', ')),
         pg_catalog.jsonb_build_object('kind', 'note', 'topic', 'gate.birth_warning',
           'payload', pg_catalog.jsonb_build_object(
             'rowId', judged.id::text, 'entityCode', judged.entity_code,
             'failedChecks', pg_catalog.to_jsonb(judged.failed), 'mode', 'warning',
             'mintedBy', session_user::text))
    from (select r.id, r.entity_code, birth_lane.birth_pen_failures(r) as failed
            from public.birth_registry r
           where r.id = any (p_row_ids) and r.governance_role = 'governed') judged
   where pg_catalog.cardinality(judged.failed) > 0
   order by judged.id;
  get diagnostics written = row_count;
  return written;
end;
$$;
-- Executable by no lane role: the gate fires as whoever inserts the birth, and only the lane owner
-- inserts into the registry (mint_birth and mint_births are the owner's SECURITY DEFINER functions,
-- and every source-table trigger of the fabric calls mint_birth). A role someone grants INSERT on
-- the registry would have its defective births refused in warning mode too: fail closed.
revoke all on function birth_lane.record_birth_gate_warnings(bigint[]) from public;

-- The gate itself. The mode is the setting in effect for this session (current_setting): the
-- persisted layers (ALTER DATABASE / ALTER ROLE … SET) give it, and a session may override it;
-- that is how PostgreSQL custom settings work and why every reader says so (CAV-5). Unset means
-- `warning`, the field's default. A value the gate does not understand refuses a birth that fails
-- PEN (fail closed): only an administrator persists the setting, and birth_lane.flip_birth_gate
-- writes only valid values. A sound birth passes either mode, so the settings are read only once
-- a birth fails PEN (or no rule set is active), which keeps the common case short. app.bypass_birth_gate = on skips the gate; `birth-lane status` reports a
-- persisted bypass as a risk.
-- An AFTER ROW trigger, so it judges only rows really inserted (a re-mint that ON CONFLICT DO
-- NOTHING skips is not judged) and whatever path minted them. Row level on purpose: each step is
-- a PL/pgSQL simple expression (the PEN function is inlined into it), with no query to plan or
-- start; a statement trigger over a transition table cost about three times as much per mint,
-- because the trigger fabric mints one row per statement (bench/gate.bench.ts). Putting the PEN
-- judgement in the trigger's WHEN clause was worse still (about 60 % of throughput): PostgreSQL
-- prepares a WHEN clause, inlining the function anew, for every statement, while PL/pgSQL keeps
-- its prepared expressions for the session.
-- It runs as the invoker with no SET clause, like the certify trigger, because it fires on every
-- birth: names are qualified and operators pinned to pg_catalog instead.
create or replace function birth_lane.fn_birth_gate()
returns trigger
language plpgsql
as $$
declare
  gate_mode text;
  failed text[];
begin
  if NEW.governance_role operator(pg_catalog.<>) 'governed' then
    return null;
  end if;
  if pg_catalog.to_regprocedure('birth_lane.birth_pen_failures(public.birth_registry)') is not null then
    failed := birth_lane.birth_pen_failures(NEW);
    -- A sound birth passes whatever the mode: the settings are read only when they decide something.
    if pg_catalog.cardinality(failed) operator(pg_catalog.=) 0 then
      return null;
    end if;
  end if;

  if pg_catalog.lower(pg_catalog.btrim(coalesce(pg_catalog.current_setting('app.bypass_birth_gate', true), '')))
       operator(pg_catalog.=) any ('{on,true,yes,1}'::text[]) then
    return null;
  end if;
  gate_mode := coalesce(nullif(pg_catalog.current_setting('app.birth_gate_mode', true), ''), 'warning');
  if gate_mode operator(pg_catalog.<>) 'warning' and gate_mode operator(pg_catalog.<>) 'block' then
    raise exception using errcode = 'BL001', constraint = 'birth_gate_mode',
      message = pg_catalog.format('birth refused: app.birth_gate_mode is %L, which the birth gate does not understand; '
                                  'it must be warning or block (the gate fails closed)', gate_mode),
      hint = 'birth-lane gate status shows where the setting comes from; birth-lane gate flip --to warning resets it.';
  end if;

  if failed is null then
    if gate_mode operator(pg_catalog.=) 'block' then
      raise exception using errcode = 'BL001', constraint = 'birth_gate_no_rule_set',
        message = 'birth refused by the birth gate (block): no rule set is active, so PEN cannot be judged '
                  '(birth_lane.birth_pen_failures is compiled when a rule set is activated)',
        hint = 'Activate a rule set (birth-lane rules activate), or flip the gate to warning (birth-lane gate flip --to warning).';
    end if;
    raise warning 'birth gate (warning): no rule set is active, so % is minted without a PEN judgement', NEW.entity_code;
    return null;
  end if;
  if gate_mode operator(pg_catalog.=) 'block' then
    raise exception using errcode = 'BL001', constraint = 'birth_gate', column = 'entity_code',
      message = pg_catalog.format('birth refused by the birth gate (block): %s fails PEN: %s',
                                  NEW.entity_code, pg_catalog.array_to_string(failed, ', ')),
      hint = 'Fix the source row so PEN passes; nothing of this statement was minted.';
  end if;
  perform birth_lane.record_birth_gate_warnings(array[NEW.id]);
  return null;
end;
$$;
-- Trigger functions are not called directly; firing a trigger needs no EXECUTE right.
revoke all on function birth_lane.fn_birth_gate() from public;

drop trigger if exists trg_birth_gate on public.birth_registry;
create trigger trg_birth_gate
  after insert on public.birth_registry
  for each row execute function birth_lane.fn_birth_gate();
